"""Where smtptui keeps its files, in one place: profiles in the user's config dir,
history in the user's state dir (``platformdirs``, imported only when needed).

Each path has a command-line flag and an environment variable that win over the
default; tests pass paths explicitly (``make_app(...)``, ``--history FILE``).
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

APP_NAME = "smtptui"
PROFILES_ENV = "SMTPTUI_PROFILES"
PROFILES_FILE = "profiles.toml"
HISTORY_ENV = "SMTPTUI_HISTORY"
HISTORY_FILE = "history.sqlite3"
STATE_ENV = "SMTPTUI_STATE_DIR"


def config_dir() -> Path:
    from pathlib import Path

    from platformdirs import user_config_dir

    return Path(user_config_dir(APP_NAME, appauthor=False))


def state_dir() -> Path:
    """``$SMTPTUI_STATE_DIR``, else the user's state dir (history, OAuth token files)."""
    from pathlib import Path

    return Path(state_location())


def state_location() -> str:
    """:func:`state_dir` as a string, without importing :mod:`pathlib` (nor, on Linux,
    ``platformdirs``, whose answer there is the XDG rule written out below)."""
    env = _env_location(STATE_ENV)
    if env is not None:
        return env
    if sys.platform == "linux":
        base = os.environ.get("XDG_STATE_HOME", "").strip()
        if not base or not os.path.isabs(base):
            base = os.path.expanduser("~/.local/state")
        return os.path.join(base, APP_NAME)
    from platformdirs import user_state_dir

    return user_state_dir(APP_NAME, appauthor=False)


def _env_location(var: str) -> str | None:
    value = os.environ.get(var, "").strip()
    return os.path.expanduser(value) if value else None


def profiles_path(cli_value: str | None = None) -> Path:
    """``--profiles``, else ``$SMTPTUI_PROFILES``, else ``<config dir>/profiles.toml``."""
    from pathlib import Path

    if cli_value:
        return Path(cli_value).expanduser()
    env = _env_location(PROFILES_ENV)
    return Path(env) if env is not None else config_dir() / PROFILES_FILE


def history_path(cli_value: str | None = None) -> Path:
    """``--history``, else ``$SMTPTUI_HISTORY``, else ``<state dir>/history.sqlite3``."""
    from pathlib import Path

    return Path(history_location(cli_value))


def history_location(cli_value: str | None = None) -> str:
    """:func:`history_path` as a string (a recorded probe does not import pathlib)."""
    if cli_value:
        return os.path.expanduser(cli_value)
    return _env_location(HISTORY_ENV) or os.path.join(state_location(), HISTORY_FILE)
