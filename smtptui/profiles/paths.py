"""Where the profiles file is: ``--profiles``, ``$SMTPTUI_PROFILES``, or the config dir
(the rules live in :mod:`smtptui.locations`)."""

from __future__ import annotations

from pathlib import Path

from smtptui.locations import PROFILES_ENV as ENV_VAR
from smtptui.locations import PROFILES_FILE as FILE_NAME
from smtptui.locations import profiles_path

__all__ = ["ENV_VAR", "FILE_NAME", "default_path", "resolve_path"]


def default_path() -> Path:
    """``$SMTPTUI_PROFILES`` if set, else ``<user config dir>/smtptui/profiles.toml``."""
    return profiles_path(None)


def resolve_path(cli_value: str | None) -> Path:
    """The file to use: the ``--profiles`` value when given, else :func:`default_path`."""
    return profiles_path(cli_value)
