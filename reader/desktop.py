"""Install the application-menu launcher and icon into the user's XDG folders (no Qt here).

`corpus-reader --install-desktop` writes `corpus-reader.desktop` with an `Exec=` line naming
this environment's own launcher by absolute path (a venv is rarely on the menu's PATH), and the
SVG icon into the hicolor theme; `--uninstall-desktop` removes exactly those two files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from reader.bundled import resource_path

DESKTOP_FILE = "corpus-reader.desktop"
ICON_FILE = "corpus-reader.svg"


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def installed_paths() -> tuple[Path, Path]:
    home = data_home()
    return (home / "applications" / DESKTOP_FILE,
            home / "icons" / "hicolor" / "scalable" / "apps" / ICON_FILE)  # fmt: skip


def launcher_script() -> Path:
    """The windowed launcher beside this interpreter (`corpus-reader-gui`), else the CLI one."""
    bin_dir = Path(sys.executable).parent
    for name in ("corpus-reader-gui", "corpus-reader"):
        candidate = bin_dir / name
        if candidate.exists():
            return candidate.absolute()
    found = shutil.which("corpus-reader-gui") or shutil.which("corpus-reader")
    return Path(found) if found else bin_dir / "corpus-reader-gui"


def desktop_entry(exec_path: Path) -> str:
    """The shipped launcher with `Exec=` pointing at `exec_path` (quoted per the spec)."""
    text = resource_path(DESKTOP_FILE).read_text("utf-8")
    quoted = str(exec_path)
    if any(c in quoted for c in " \t\"'\\><~|&;$*?#()`"):
        quoted = '"' + quoted.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace(
            "$", "\\$") + '"'  # fmt: skip
    lines = [f"Exec={quoted} %f" if ln.startswith("Exec=") else ln for ln in text.splitlines()]
    return "\n".join(lines) + "\n"


def install_desktop() -> list[str]:
    """Write the launcher and icon; returns what was written, one line each."""
    desktop, icon = installed_paths()
    desktop.parent.mkdir(parents=True, exist_ok=True)
    icon.parent.mkdir(parents=True, exist_ok=True)
    desktop.write_text(desktop_entry(launcher_script()), "utf-8")
    shutil.copyfile(resource_path(ICON_FILE), icon)
    _refresh_caches(desktop.parent)
    return [f"installed {desktop}", f"installed {icon}"]


def uninstall_desktop() -> list[str]:
    removed = []
    for path in installed_paths():
        if path.exists():
            path.unlink()
            removed.append(f"removed {path}")
    _refresh_caches(installed_paths()[0].parent)
    return removed or ["nothing to remove"]


def _refresh_caches(applications: Path) -> None:
    """Tell the menu about the change where the tool exists; harmless where it does not."""
    tool = shutil.which("update-desktop-database")
    if tool and applications.is_dir():
        subprocess.run([tool, "-q", str(applications)], check=False, timeout=30)
