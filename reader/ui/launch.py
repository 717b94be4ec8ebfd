"""The installed entry point, where core and window meet: `corpus-reader` with a command runs the
command line (`reader.main`); without one (or with a folder) it opens the window.
`--install-desktop` / `--uninstall-desktop` add or remove the application-menu launcher."""

from __future__ import annotations

import sys
from pathlib import Path

from reader import main as command_line
from reader.cli import cli

WINDOW_FLAGS = ("--install-desktop", "--uninstall-desktop")


def _wants_window(args: list[str]) -> bool:
    """No arguments, or one folder that is not a command name."""
    if not args:
        return True
    return len(args) == 1 and args[0] not in cli.commands and Path(args[0]).is_dir()


def main(argv: list[str] | None = None) -> int:
    """Run Corpus Reader; `argv` defaults to the process's arguments (tests pass their own)."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] and args[0] in WINDOW_FLAGS:
        from reader.desktop import install_desktop, uninstall_desktop

        done = install_desktop() if args[0] == WINDOW_FLAGS[0] else uninstall_desktop()
        for line in done:
            print(line)
        return 0
    if _wants_window(args):
        from reader.ui.app import run

        return run(Path(args[0]) if args else None)
    return command_line.main(args)
