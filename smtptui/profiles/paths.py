"""Where the profiles file is: ``--profiles``, ``$SMTPTUI_PROFILES``, or the config dir."""

from __future__ import annotations

import os
from pathlib import Path

ENV_VAR = "SMTPTUI_PROFILES"
FILE_NAME = "profiles.toml"


def default_path() -> Path:
    """``$SMTPTUI_PROFILES`` if set, else ``<user config dir>/smtptui/profiles.toml``."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("smtptui", appauthor=False)) / FILE_NAME


def resolve_path(cli_value: str | None) -> Path:
    """The file to use: the ``--profiles`` value when given, else :func:`default_path`."""
    if cli_value:
        return Path(cli_value).expanduser()
    return default_path()
