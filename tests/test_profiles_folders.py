"""Folders created for a profiles file are private, as the file is."""

from __future__ import annotations

from pathlib import Path


def test_new_folders_for_a_profiles_file_are_private_whatever_the_umask(tmp_path: Path) -> None:
    import os
    import stat

    from smtptui.profiles.atomic import write

    old = os.umask(0)
    try:
        write(tmp_path / "a" / "b" / "profiles.toml", b"")
    finally:
        os.umask(old)
    for folder in (tmp_path / "a", tmp_path / "a" / "b"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "a" / "b" / "profiles.toml").stat().st_mode) == 0o600
