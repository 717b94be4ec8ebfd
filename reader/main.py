"""The command line's entry point, usable without Qt: `python -m reader` and the tests call it.
The installed `corpus-reader` launcher (`reader.ui.launch`) opens the window when given no
command, and hands every command to this."""

from __future__ import annotations

import sys

from reader.cli import cli


def main(argv: list[str] | None = None) -> int:
    """Run one command; `argv` defaults to the process's arguments (tests pass their own)."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        cli.main(args=args, prog_name="corpus-reader", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
