"""Saved relay profiles: a TOML file per user, provider presets and secret sources.

Headless (no Textual). Typical use::

    pf = load_or_empty(resolve_path(args.profiles))
    config = pf.get("Acme relay").to_probe_config(prompt=getpass.getpass)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below are loaded on first use: a probe needs few of them
    from smtptui.profiles.errors import ProfilesError, SecretError
    from smtptui.profiles.model import Profile
    from smtptui.profiles.paths import ENV_VAR, default_path, resolve_path
    from smtptui.profiles.presets import PRESETS, Preset
    from smtptui.profiles.secrets import (
        CommandSource,
        EnvSource,
        KeyringSource,
        LiteralSource,
        PromptSource,
        SecretSource,
    )
    from smtptui.profiles.store import ProfileFile, load, load_or_empty, modify

_HOME = {
    "ProfilesError": "errors", "SecretError": "errors", "Profile": "model",
    "ENV_VAR": "paths", "default_path": "paths", "resolve_path": "paths",
    "PRESETS": "presets", "Preset": "presets", "CommandSource": "secrets",
    "EnvSource": "secrets", "KeyringSource": "secrets", "LiteralSource": "secrets",
    "PromptSource": "secrets", "SecretSource": "secrets", "ProfileFile": "store",
    "load": "store", "load_or_empty": "store", "modify": "store",
}


def __getattr__(name: str) -> Any:
    if name in _HOME:
        return getattr(importlib.import_module(f"smtptui.profiles.{_HOME[name]}"), name)
    raise AttributeError(f"module 'smtptui.profiles' has no attribute {name!r}")


__all__ = [
    "ENV_VAR", "PRESETS", "CommandSource", "EnvSource", "KeyringSource", "LiteralSource",
    "Preset", "Profile", "ProfileFile", "ProfilesError", "PromptSource", "SecretError",
    "SecretSource", "default_path", "load", "load_or_empty", "modify", "resolve_path",
]
