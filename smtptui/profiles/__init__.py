"""Saved relay profiles: a TOML file per user, provider presets and secret sources.

Headless (no Textual). Typical use::

    pf = load_or_empty(resolve_path(args.profiles))
    config = pf.get("Acme relay").to_probe_config(prompt=getpass.getpass)
"""

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

__all__ = [
    "ENV_VAR", "PRESETS", "CommandSource", "EnvSource", "KeyringSource", "LiteralSource",
    "Preset", "Profile", "ProfileFile", "ProfilesError", "PromptSource", "SecretError",
    "SecretSource", "default_path", "load", "load_or_empty", "modify", "resolve_path",
]
