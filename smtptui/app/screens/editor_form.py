"""The profile editor's logic without widgets: form values -> Profile, or field problems.

Validation is the profiles store's own (:func:`validate_profile`); its messages are
mapped back to the form field they are about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from smtptui.profiles.errors import ProfilesError
from smtptui.profiles.model import Profile
from smtptui.profiles.presets import PRESETS
from smtptui.profiles.schema import check_table, validate_profile, where_of
from smtptui.profiles.secrets import (
    CommandSource,
    EnvSource,
    KeyringSource,
    LiteralSource,
    OAuthSource,
    PromptSource,
    SecretSource,
)

if TYPE_CHECKING:
    from smtptui.dnscheck.discover import Suggestion
    from smtptui.profiles.store import ProfileFile

SECRET_KINDS: tuple[tuple[str, str], ...] = (
    ("none", "none"),
    ("environment variable", "env"),
    ("command", "command"),
    ("OS keyring", "keyring"),
    ("ask when run (kept in memory)", "prompt"),
    ("OAuth sign-in (token refreshed for you)", "oauth"),
)
SECRET_PLACEHOLDERS = {
    "env": "variable name, e.g. ACME_SMTP_PASSWORD",
    "command": "command printing it, e.g. pass show acme/smtp",
    "keyring": "keyring entry name (service smtptui)",
    "oauth": "sign-in name: an [oauth.NAME] table in the profiles file",
}
TOKEN_AUTH = ("xoauth2", "oauthbearer")
ADDRESS_IS_USERNAME = frozenset({"gmail", "microsoft365", "outlook", "zoho", "icloud", "yahoo"})
"""Presets whose login is the mailbox address itself."""

TEXT_FIELDS = ("name", "client", "host", "port", "username", "secret_value", "mail_from",
               "rcpt_to", "timeout", "cafile", "servername", "ehlo", "nameserver",
               "dkim_selectors", "notes")
FIELD_OF_KEY = {
    "name": "name", "client": "client", "host": "host", "port": "port", "tls": "tls",
    "username": "username", "password": "secret_value", "oauth_token": "secret_value",
    "auth": "auth", "from": "mail_from", "to": "rcpt_to", "send": "send",
    "stop_after": "stop_after", "timeout": "timeout", "cafile": "cafile",
    "servername": "servername", "ehlo": "ehlo", "insecure": "insecure",
    "allow_plaintext_auth": "allow_plaintext_auth", "nameserver": "nameserver",
    "dkim_selectors": "dkim_selectors", "notes": "notes",
}
_KEY = re.compile(r"^([a-z_]+)")
_ADDRESS = re.compile(r"^[^@\s,<>]+@[^@\s,<>]+$")
_SELECTOR = re.compile(r"^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
                       r"(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*$")
_SES_HOST = re.compile(r"^email-smtp\.([a-z0-9-]+)\.amazonaws\.com$")


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
    nameserver: str = ""
    dkim_selectors: str = ""
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
    if isinstance(source, OAuthSource):
        return "oauth", source.name
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
        allow_plaintext_auth=profile.allow_plaintext_auth,
        nameserver=profile.nameserver or "", dkim_selectors=", ".join(profile.dkim_selectors),
        notes=profile.notes or "", preset=profile.preset or "",
    )


def without_literal_secrets(profile: Profile) -> Profile:
    """``profile`` with secrets stored in the file dropped (a copy must not carry them)."""
    def keep(source: SecretSource | None) -> SecretSource | None:
        return None if isinstance(source, LiteralSource) else source
    return replace(profile, password=keep(profile.password),
                   oauth_token=keep(profile.oauth_token))


def split_list(text: str) -> tuple[str, ...]:
    """Comma and/or space separated items, stripped, empties dropped."""
    return tuple(item for item in re.split(r"[\s,]+", text) if item)


def address_problem(text: str) -> str | None:
    """A problem with a comma-separated address list (each ``local@domain``), or None."""
    for address in (a.strip() for a in text.split(",")):
        if address and not _ADDRESS.match(address):
            return f"{address!r} is not an address (local@domain, no spaces)"
    return None


def selectors_problem(text: str) -> str | None:
    """A problem with a DKIM selector list, or None."""
    for selector in split_list(text):
        if not _SELECTOR.match(selector):
            return (f"{selector!r} is not a DKIM selector (letters, digits, - and _, "
                    "dot-separated labels)")
    return None


def nameserver_problem(text: str) -> str | None:
    """A problem with a ``HOST[:PORT]`` nameserver, or None (empty is fine)."""
    if not text.strip():
        return None  # before importing the resolver (dnspython): opening the editor
    from smtptui.dnscheck.resolver import DnsInputError, parse_nameserver
    try:
        parse_nameserver(text)
    except DnsInputError as exc:
        return str(exc)
    return None


def region_of(host: str) -> str:
    """The AWS region in an SES host name, else ``""``."""
    match = _SES_HOST.match(host.strip())
    return match.group(1) if match else ""


def region_host(preset_key: str, region: str) -> tuple[str | None, str | None]:
    """(host, problem) for a preset that needs a region: the preset's own check."""
    preset = PRESETS.get(preset_key)
    if preset is None or not preset.needs_region:
        return None, None
    try:
        return preset.host_for(region.strip()), None
    except ProfilesError as exc:
        return None, str(exc)


def tls_hint(port: str, tls: str) -> str:
    """A hint (not a problem) when the port and security look mismatched."""
    if port.strip() == "465" and tls == "starttls":
        return "port 465 usually means implicit TLS (security: implicit)"
    if port.strip() == "587" and tls == "implicit":
        return "port 587 usually means STARTTLS (security: starttls)"
    return ""


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
    if kind == "oauth":
        same = isinstance(original, OAuthSource) and original.name == value
        return original if same else OAuthSource(value)
    if kind == "literal":
        return original
    return None


def build(values: FormValues, original: Profile | None, taken: set[str]
          ) -> tuple[Profile | None, dict[str, str]]:
    """The profile the form describes and {field: problem}; the profile is None if invalid.

    ``original`` keeps the fields the form does not show (unknown keys);
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
    if values.secret_kind in ("env", "command", "keyring", "oauth") and not (
            values.secret_value.strip()):
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
        "nameserver": values.nameserver.strip() or None,
        "dkim_selectors": split_list(values.dkim_selectors),
        "notes": values.notes.strip() or None, "preset": values.preset or None,
    }
    for field, check, text in (("rcpt_to", address_problem, values.rcpt_to),
                               ("nameserver", nameserver_problem, values.nameserver),
                               ("dkim_selectors", selectors_problem, values.dkim_selectors)):
        found = check(text)
        if found:
            problems[field] = found
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
    combination = combination_problem(profile)
    if combination is not None:
        problems.setdefault(*combination)
    return (None if problems else profile), problems


def combination_problem(profile: Profile) -> tuple[str, str] | None:
    """(form field, problem) for fields that contradict each other, by the rules that
    `profiles check` and `smtptui probe` apply (so the editor saves nothing they refuse)."""
    from argparse import Namespace

    from smtptui.commands.target_checks import FORM_NAMES, CombinationError, check_combination

    try:
        check_combination(profile, Namespace(), "", FORM_NAMES)
    except CombinationError as exc:
        return FORM_FIELD_OF.get(exc.field, exc.field), str(exc)
    return None


def inherited_problem(pf: ProfileFile, profile: Profile) -> None:
    """Raise :class:`ProfilesError` if ``profile``, as it will read back from ``pf`` (the
    file's ``[defaults]`` filling what the form left empty), has fields that contradict
    each other: the editor checked the form alone."""
    if not pf.defaults:
        return
    fields, _extra = check_table(profile.to_toml_dict(), "", [])
    found = combination_problem(pf.new_profile(**fields))
    if found is not None:
        raise ProfilesError(f"{found[1]} — with the file's [defaults], which fill what the "
                            "form leaves empty")


FORM_FIELD_OF = {"secret": "secret_kind"}
"""The form field for a :class:`~smtptui.commands.target_checks.CombinationError` field
where the names differ."""


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
