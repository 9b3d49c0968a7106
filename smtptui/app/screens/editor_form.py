"""The profile editor's logic without widgets: form values -> Profile, or field problems.

Validation is the profiles store's own (:func:`validate_profile`); its messages are
mapped back to the form field they are about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from smtptui.profiles.model import Profile
from smtptui.profiles.presets import PRESETS
from smtptui.profiles.schema import validate_profile, where_of
from smtptui.profiles.secrets import (
    CommandSource,
    EnvSource,
    KeyringSource,
    PromptSource,
    SecretSource,
)

if TYPE_CHECKING:
    from smtptui.dnscheck.discover import Suggestion

SECRET_KINDS: tuple[tuple[str, str], ...] = (
    ("none", "none"),
    ("environment variable", "env"),
    ("command", "command"),
    ("OS keyring", "keyring"),
    ("ask when run (kept in memory)", "prompt"),
)
SECRET_PLACEHOLDERS = {
    "env": "variable name, e.g. ACME_SMTP_PASSWORD",
    "command": "command printing it, e.g. pass show acme/smtp",
    "keyring": "keyring entry name (service smtptui)",
}
TOKEN_AUTH = ("xoauth2", "oauthbearer")
ADDRESS_IS_USERNAME = frozenset({"gmail", "microsoft365", "outlook", "zoho", "icloud", "yahoo"})
"""Presets whose login is the mailbox address itself."""

TEXT_FIELDS = ("name", "client", "host", "port", "username", "secret_value", "mail_from",
               "rcpt_to", "timeout", "cafile", "servername", "ehlo", "notes")
FIELD_OF_KEY = {
    "name": "name", "client": "client", "host": "host", "port": "port", "tls": "tls",
    "username": "username", "password": "secret_value", "oauth_token": "secret_value",
    "auth": "auth", "from": "mail_from", "to": "rcpt_to", "send": "send",
    "stop_after": "stop_after", "timeout": "timeout", "cafile": "cafile",
    "servername": "servername", "ehlo": "ehlo", "insecure": "insecure",
    "allow_plaintext_auth": "allow_plaintext_auth", "notes": "notes",
}
_KEY = re.compile(r"^([a-z_]+)")


@dataclass
class FormValues:
    """What the editor's widgets hold (all text, as typed)."""

    name: str = ""
    client: str = ""
    host: str = ""
    port: str = "587"
    tls: str = "starttls"
    username: str = ""
    secret_kind: str = "none"
    secret_value: str = ""
    auth: str = "auto"
    mail_from: str = ""
    rcpt_to: str = ""
    send: bool = False
    stop_after: str = ""
    timeout: str = "30"
    cafile: str = ""
    servername: str = ""
    ehlo: str = ""
    insecure: bool = False
    allow_plaintext_auth: bool = False
    notes: str = ""
    preset: str = ""


def secret_kind(source: SecretSource | None) -> tuple[str, str]:
    """(kind, value) of a source as the form shows it (literal values are never shown)."""
    if source is None:
        return "none", ""
    if isinstance(source, EnvSource):
        return "env", source.var
    if isinstance(source, CommandSource):
        return "command", source.command
    if isinstance(source, KeyringSource):
        return "keyring", source.name
    if isinstance(source, PromptSource):
        return "prompt", ""
    return "literal", ""


def values_of(profile: Profile) -> FormValues:
    """The form for an existing profile."""
    secret = profile.oauth_token if profile.auth in TOKEN_AUTH and profile.oauth_token else (
        profile.password or profile.oauth_token)
    kind, value = secret_kind(secret)
    return FormValues(
        name=profile.name, client=profile.client, host=profile.host, port=str(profile.port),
        tls=profile.tls, username=profile.username or "", secret_kind=kind,
        secret_value=value, auth=profile.auth, mail_from=profile.mail_from or "",
        rcpt_to=", ".join(profile.rcpt_to), send=profile.send,
        stop_after=profile.stop_after or "", timeout=f"{profile.timeout:g}",
        cafile=profile.cafile or "", servername=profile.servername or "",
        ehlo=profile.ehlo or "", insecure=profile.insecure,
        allow_plaintext_auth=profile.allow_plaintext_auth, notes=profile.notes or "",
        preset=profile.preset or "",
    )


def _source(values: FormValues, original: SecretSource | None) -> SecretSource | None:
    kind, value = values.secret_kind, values.secret_value.strip()
    if kind == "env":
        return EnvSource(value)
    if kind == "command":
        return CommandSource(value)
    if kind == "keyring":
        return KeyringSource(value)
    if kind == "prompt":
        return PromptSource()
    if kind == "literal":
        return original
    return None


def build(values: FormValues, original: Profile | None, taken: set[str]
          ) -> tuple[Profile | None, dict[str, str]]:
    """The profile the form describes and {field: problem}; the profile is None if invalid.

    ``original`` keeps the fields the form does not show (DKIM selectors, unknown keys);
    ``taken`` are names already used by other profiles.
    """
    problems: dict[str, str] = {}
    port: Any = values.port.strip()
    try:
        port = int(port)
    except ValueError:
        problems["port"] = "port must be a whole number 1-65535"
    timeout: Any = values.timeout.strip() or "30"
    try:
        timeout = float(timeout)
    except ValueError:
        problems["timeout"] = "timeout must be a number of seconds"
    name = values.name.strip()
    if name in taken:
        problems["name"] = f'a profile named "{name}" already exists'
    token = values.auth in TOKEN_AUTH
    old_secret = None
    if original is not None:
        old_secret = original.oauth_token if token and original.oauth_token else (
            original.password or original.oauth_token)
    source = _source(values, old_secret)
    if values.secret_kind in ("env", "command", "keyring") and not values.secret_value.strip():
        problems["secret_value"] = "say where the secret comes from (or choose none)"
    fields: dict[str, Any] = {
        "name": name, "client": values.client.strip(), "host": values.host.strip(),
        "port": port, "tls": values.tls, "username": values.username.strip() or None,
        "password": None if token else source, "oauth_token": source if token else None,
        "auth": values.auth, "mail_from": values.mail_from.strip() or None,
        "rcpt_to": tuple(a.strip() for a in values.rcpt_to.split(",") if a.strip()),
        "send": values.send, "stop_after": values.stop_after or None, "timeout": timeout,
        "cafile": values.cafile.strip() or None, "servername": values.servername.strip() or None,
        "ehlo": values.ehlo.strip() or None, "insecure": values.insecure,
        "allow_plaintext_auth": values.allow_plaintext_auth,
        "notes": values.notes.strip() or None, "preset": values.preset or None,
    }
    if original is not None:
        if token and original.password is not None and not isinstance(
                original.password, PromptSource):
            fields["password"] = original.password
        profile = replace(original, **fields)
    else:
        profile = Profile(**fields)
    if "port" in problems:
        profile = replace(profile, port=1)
    if "timeout" in problems:
        profile = replace(profile, timeout=30.0)
    prefix = where_of({"name": profile.name}, 0) + ": "
    for problem in validate_profile(profile):
        text = problem.removeprefix(prefix)
        match = _KEY.match(text)
        field = FIELD_OF_KEY.get(match.group(1), "name") if match else "name"
        problems.setdefault(field, text)
    return (None if problems else profile), problems


def apply_suggestion(values: FormValues, suggestion: Suggestion, address: str) -> FormValues:
    """The form with a discovered server filled in: host, port, security and preset always;
    name, username and From only where still empty."""
    out = replace(values, host=suggestion.host, port=str(suggestion.port),
                  tls=suggestion.security)
    preset = PRESETS.get(suggestion.preset or "")
    out.preset = preset.key if preset is not None else ""
    mailbox = address.strip() if "@" in address else ""
    domain = address.strip().rpartition("@")[2]
    if not out.name.strip():
        out.name = f"{preset.label} ({domain})" if preset is not None else domain
    if not out.username.strip():
        if preset is not None:
            out.username = preset.username or (mailbox if preset.key in ADDRESS_IS_USERNAME
                                               else "")
        else:
            out.username = mailbox
    if not out.mail_from.strip():
        out.mail_from = mailbox
    return out
