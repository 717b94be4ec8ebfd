"""The entry point opens the window or runs the CLI; the desktop launcher installs and validates."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reader.bundled import resource_path
from reader.desktop import desktop_entry, install_desktop, installed_paths, uninstall_desktop
from reader.ui.launch import _wants_window, main


def test_no_command_or_a_folder_opens_the_window(tmp_path: Path) -> None:
    assert _wants_window([])
    assert _wants_window([str(tmp_path)])
    assert not _wants_window(["list"])
    assert not _wants_window(["--help"])
    assert not _wants_window(["search", "putin"])


def test_cli_commands_keep_working(capsys) -> None:
    assert main(["show", "002_ea469877a8e8ba82.txt", "--json"]) == 0
    assert '"id": "002_ea469877a8e8ba82.txt"' in capsys.readouterr().out


def test_install_and_uninstall_the_launcher() -> None:
    desktop, icon = installed_paths()
    assert not desktop.exists()
    lines = install_desktop()
    assert desktop.is_file() and icon.is_file() and len(lines) == 2
    exec_line = next(ln for ln in desktop.read_text("utf-8").splitlines() if ln.startswith("Exec="))
    target = exec_line.removeprefix("Exec=").removesuffix(" %f").strip('"')
    assert Path(target).is_absolute()
    assert Path(target).name.startswith("corpus-reader")
    uninstall_desktop()
    assert not desktop.exists() and not icon.exists()


def test_exec_paths_with_spaces_are_quoted() -> None:
    text = desktop_entry(Path("/opt/my apps/bin/corpus-reader-gui"))
    assert 'Exec="/opt/my apps/bin/corpus-reader-gui" %f' in text.splitlines()


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="no desktop-file-utils")
def test_desktop_file_validates(tmp_path: Path) -> None:
    for path in (resource_path("corpus-reader.desktop"), tmp_path / "corpus-reader.desktop"):
        if not path.exists():
            path.write_text(desktop_entry(Path("/usr/bin/corpus-reader-gui")), "utf-8")
        result = subprocess.run(["desktop-file-validate", str(path)], capture_output=True,
                                text=True)  # fmt: skip
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="no appstream")
def test_metainfo_validates() -> None:
    (path,) = Path(str(resource_path())).glob("*.metainfo.xml")
    result = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
