"""Where smtptui keeps its files, in one place: profiles in the user's config dir,
history in the user's state dir (``platformdirs``, imported only when needed).

Each path has a command-line flag and an environment variable that win over the
default; tests pass paths explicitly (``make_app(...)``, ``--history FILE``).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "smtptui"
PROFILES_ENV = "SMTPTUI_PROFILES"
PROFILES_FILE = "profiles.toml"
HISTORY_ENV = "SMTPTUI_HISTORY"
HISTORY_FILE = "history.sqlite3"
STATE_ENV = "SMTPTUI_STATE_DIR"


def config_dir() -> Path:
    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """``$SMTPTUI_STATE_DIR``, else the user's state dir (history, OAuth token files)."""
    env = _from_env(STATE_ENV)
    if env is not None:
        return env
    from platformdirs import user_state_dir

    return Path(user_state_dir(APP_NAME, appauthor=False))


def _from_env(var: str) -> Path | None:
    value = os.environ.get(var, "").strip()
    return Path(value).expanduser() if value else None


def profiles_path(cli_value: str | None = None) -> Path:
    """``--profiles``, else ``$SMTPTUI_PROFILES``, else ``<config dir>/profiles.toml``."""
    if cli_value:
        return Path(cli_value).expanduser()
    return _from_env(PROFILES_ENV) or config_dir() / PROFILES_FILE


def history_path(cli_value: str | None = None) -> Path:
    """``--history``, else ``$SMTPTUI_HISTORY``, else ``<state dir>/history.sqlite3``."""
    if cli_value:
        return Path(cli_value).expanduser()
    return _from_env(HISTORY_ENV) or state_dir() / HISTORY_FILE
