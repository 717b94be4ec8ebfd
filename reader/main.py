"""The command line's entry point, usable without Qt: `python -m reader` and the tests call it.
The installed `corpus-reader` launcher (`reader.ui.launch`) opens the window when given no
command, and hands every command to this."""

from __future__ import annotations

import sys

import click

from reader.cli import EXIT_INTERRUPTED, cli


def main(argv: list[str] | None = None) -> int:
    """Run one command; `argv` defaults to the process's arguments (tests pass their own).

    Click's own handling (`standalone_mode`) turns Ctrl-C into "Aborted!" and exit code 1;
    ours says "interrupted" and exits 130, as the README promises."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="corpus-reader", standalone_mode=False)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (click.Abort, KeyboardInterrupt):
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return code if isinstance(code, int) else 0
