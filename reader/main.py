"""The one entry point: `corpus-reader` with a command runs the command line; without one it
opens the sample corpus (the window, once it exists)."""

from __future__ import annotations

import sys

from reader.cli import cli


def main(argv: list[str] | None = None) -> int:
    """Run Corpus Reader; `argv` defaults to the process's arguments (tests pass their own)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        args = ["list"]
    try:
        cli.main(args=args, prog_name="corpus-reader", standalone_mode=True)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0
