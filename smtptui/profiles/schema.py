"""Validate parsed TOML into :class:`Profile` objects, collecting every problem at once.

Each problem names where it is (``profile "Acme relay"`` or ``[defaults]``), the field and
what is allowed, e.g. ``profile "Acme relay": port must be 1-65535, got 70000``.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smtptui.probe.config import AUTH_MECHS, STOP_AFTER, TLS_MODES, Secret
from smtptui.probe.sanitize import clean
from smtptui.profiles.model import TOML_KEYS, Profile
from smtptui.profiles.secrets import (
    SOURCE_KEYS,
    CommandSource,
    EnvSource,
    KeyringSource,
    LiteralSource,
    OAuthSource,
    PromptSource,
    SecretSource,
)

MAX_TIMEOUT = 600.0
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ATTRS = {key: attr for attr, key in TOML_KEYS.items()}
SECRET_KEYS = ("password", "oauth_token")


class Invalid(Exception):
    """One field's problem (without the location prefix)."""


@dataclass
class Parsed:
    """The outcome of validating one document."""

    profiles: list[Profile] = field(default_factory=list)
    defaults: dict[str, Any] = field(default_factory=dict, repr=False)
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    explicit: dict[str, frozenset[str]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def show(value: object) -> str:
    """A value as a problem message shows it: short, one line, control characters escaped."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + clean(value, 60).replace('"', '\\"') + '"'
    if isinstance(value, int | float):
        return repr(value)
    return kind_of(value)


def kind_of(value: object) -> str:
    """The TOML type of a value, with an article: ``an integer``, ``a table``."""
    if isinstance(value, bool):
        return "a boolean"
    for types, name in ((str, "a string"), (int, "an integer"), (float, "a float"),
                        (list, "a list"), (Mapping, "a table")):
        if isinstance(value, types):
            return name
    return "a date or time"


def _text(key: str, value: object) -> str:
    if not isinstance(value, str):
        raise Invalid(f"{key} must be a string, got {show(value)}")
    if _CONTROL.search(value):
        raise Invalid(f"{key} must not contain control characters, got {show(value)}")
    if not value.isprintable():  # bidi overrides, zero-width and other format characters
        raise Invalid(f"{key} must not contain invisible characters (such as bidi "
                      f"overrides), got {show(value)}")
    return value


def _nonblank(key: str, value: object) -> str:
    text = _text(key, value)
    if not text.strip():
        raise Invalid(f"{key} must not be empty")
    return text


def _name(key: str, value: object) -> str:
    """A name for the wire (EHLO, TLS name): no spaces; address literals allowed."""
    text = _nonblank(key, value)
    if any(c.isspace() for c in text):
        raise Invalid(f"{key} must be a host name or address without spaces, got {show(value)}")
    return text


def _host(key: str, value: object) -> str:
    """A host name or IP address as written (brackets around IPv6 allowed)."""
    text = _nonblank(key, value)
    problem = _host_problem(text)
    if problem:
        raise Invalid(f"{key} {problem}")
    return text


@functools.lru_cache(maxsize=1024)
def _host_problem(text: str) -> str | None:
    """Why ``text`` is no host (None: it is one); many profiles share a relay."""
    from smtptui.hostport import HostError, parse_host

    try:
        parse_host(text)
    except HostError as exc:
        hint = f" (write the port as port = {exc.port})" if exc.port else ""
        return f"{exc}{hint}"
    return None


def _nameserver(key: str, value: object) -> str:
    from smtptui.dnscheck.settings import parse_nameserver

    text = _nonblank(key, value)
    try:
        parse_nameserver(text)
    except ValueError:
        raise Invalid(f"{key} must be an IP address with an optional port (IP, IP:PORT or "
                      f"[IPv6]:PORT), got {show(value)}") from None
    return text


def _port(key: str, value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise Invalid(f"{key} must be an integer 1-65535, got {show(value)}")
    if not 1 <= value <= 65535:
        raise Invalid(f"{key} must be 1-65535, got {value}")
    return value


def _bool(key: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise Invalid(f"{key} must be true or false, got {show(value)}")
    return value


def _seconds(key: str, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not (
            0 < value <= MAX_TIMEOUT):
        raise Invalid(f"{key} must be a number of seconds > 0 and <= {MAX_TIMEOUT:g}, "
                      f"got {show(value)}")
    return float(value)


MAX_WATCH_INTERVAL = 86400.0


def _interval(key: str, value: object) -> float:
    if not isinstance(value, int | float) or isinstance(value, bool) or not (
            1 <= value <= MAX_WATCH_INTERVAL):
        raise Invalid(f"{key} must be a number of seconds >= 1 and <= {MAX_WATCH_INTERVAL:g}, "
                      f"got {show(value)}")
    return float(value)


def _text_list(key: str, value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise Invalid(f"{key} must be a list of strings, got {show(value)}")
    for item in value:
        if not isinstance(item, str) or not item.strip() or _CONTROL.search(item):
            raise Invalid(f"{key} must be a list of non-empty strings, got an item "
                          f"{show(item)}")
    return tuple(value)


def _address(key: str, value: object) -> str:
    """An RFC 5321 mailbox (``from`` may be empty: the null sender ``<>``)."""
    from smtptui.mailbox import mailbox_problem

    text = _text(key, value)
    problem = mailbox_problem(text) if text else None
    if problem:
        raise Invalid(f"{key} {show(value)} is not a valid address: {problem}")
    return text


def _address_list(key: str, value: object) -> tuple[str, ...]:
    from smtptui.mailbox import mailbox_problem

    items = _text_list(key, value)
    for item in items:
        problem = mailbox_problem(item)
        if problem:
            raise Invalid(f"{key} has {show(item)}, which is not a valid address: {problem}")
    return items


def _choice(options: tuple[str, ...]) -> Callable[[str, object], str]:
    def check(key: str, value: object) -> str:
        if value not in options:
            raise Invalid(f"{key} must be one of {', '.join(options)}, got {show(value)}")
        return str(value)
    return check


def _secret(key: str, value: object) -> SecretSource:
    if isinstance(value, str):
        if not value:
            raise Invalid(f"{key} must not be empty (leave it out for none)")
        return LiteralSource(Secret(value))
    allowed = ", ".join(SOURCE_KEYS)
    if not isinstance(value, Mapping):
        raise Invalid(f'{key} must be a string or a table like {{ env = "VAR" }} '
                      f"({allowed}), got {kind_of(value)}")
    unknown = sorted(set(value) - set(SOURCE_KEYS) - {"timeout"})
    if unknown:
        raise Invalid(f"{key} has unknown key {', '.join(map(show, unknown))}; allowed: {allowed}")
    kinds = [k for k in SOURCE_KEYS if k in value]
    if len(kinds) != 1:
        got = ", ".join(kinds) if kinds else "none"
        raise Invalid(f"{key} must have exactly one of {allowed}, got {got}")
    kind, arg = kinds[0], value[kinds[0]]
    if "timeout" in value and kind != "command":
        raise Invalid(f"{key}.timeout applies only to {{ command = ... }}")
    # Values under a secret key are never echoed: a misplaced password must not be shown.
    if kind == "prompt":
        if arg is not True:
            raise Invalid(f"{key}.prompt must be true")
        return PromptSource()
    if not isinstance(arg, str) or not arg.strip() or _CONTROL.search(arg):
        raise Invalid(f"{key}.{kind} must be a non-empty string without control characters")
    if kind == "env":
        if not _ENV_NAME.match(arg):
            raise Invalid(f"{key}.env must be an environment variable name "
                          "(letters, digits and _, not starting with a digit)")
        return EnvSource(arg)
    if kind == "keyring":
        return KeyringSource(arg)
    if kind == "oauth":
        return OAuthSource(arg)
    check_command(f"{key}.command", arg)
    if "timeout" in value:
        return CommandSource(arg, _seconds(f"{key}.timeout", value["timeout"]))
    return CommandSource(arg)


def check_command(what: str, command: str) -> list[str]:
    """The argument vector of a password command (``{ command = ... }`` or
    ``--password-cmd``), or :class:`Invalid` saying, under ``what``, why it cannot run."""
    if _CONTROL.search(command):
        raise Invalid(f"{what} must not contain control characters")
    try:
        argv = split_command(command)
    except ValueError as exc:
        raise Invalid(f"{what} is not a valid command line ({exc})") from None
    if not argv:
        raise Invalid(f"{what} must not be empty")
    return argv


def split_command(command: str) -> list[str]:
    """``shlex.split``, without its per-character tokenizer where nothing is quoted or
    escaped (then it splits at spaces only: tabs and newlines are control characters,
    refused before this). A 10,000-profile file validates 3x faster."""
    if "'" in command or '"' in command or "\\" in command:
        return shlex.split(command)
    return [part for part in command.split(" ") if part]


_CHECKS: dict[str, Callable[[str, object], Any]] = {
    "name": _nonblank, "client": _text, "preset": _nonblank, "host": _host, "port": _port,
    "tls": _choice(TLS_MODES), "username": _text, "password": _secret,
    "auth": _choice(AUTH_MECHS), "oauth_token": _secret, "allow_plaintext_auth": _bool,
    "from": _address, "to": _address_list, "ehlo": _name, "timeout": _seconds, "cafile": _nonblank,
    "servername": _name, "insecure": _bool, "send": _bool, "stop_after": _choice(STOP_AFTER),
    "nameserver": _nameserver, "dkim_selectors": _text_list, "notes": _text,
    "watch_interval": _interval,
}


def check_table(table: Mapping[str, Any], where: str,
                problems: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validate known keys; return (attribute values, unknown keys). Problems are appended."""
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in table.items():
        check = _CHECKS.get(key)
        if check is None:
            extra[key] = value
            continue
        try:
            values[_ATTRS[key]] = check(key, value)
        except Invalid as exc:
            problems.append(f"{where}: {exc}")
    return values, extra


def build_profile(table: Mapping[str, Any], where: str, defaults: Mapping[str, Any],
                  problems: list[str]) -> Profile | None:
    """A profile from its table and the valid ``[defaults]`` values, or None if invalid."""
    before = len(problems)
    values, extra = check_table(table, where, problems)
    merged = {**defaults, **values}
    if "name" not in table:
        problems.append(f"{where}: name is required")
    if "host" not in merged and "host" not in table:
        problems.append(f"{where}: host is required")
    if merged.get("send") and not (merged.get("mail_from") and merged.get("rcpt_to")):
        problems.append(f"{where}: send = true needs from and to")
    if len(problems) > before:
        return None
    return Profile(**merged, extra=extra)


def where_of(table: object, index: int) -> str:
    """How problems name a profile: by its name when it has a usable one, else by position."""
    name = table.get("name") if isinstance(table, Mapping) else None
    if isinstance(name, str) and name.strip():
        return f"profile {show(name)}"
    return f"profile #{index}"


def _near_miss(key: str) -> str:
    """``[[profile]]``/``[defaults]`` when ``key`` is a typo of one (else "")."""
    import difflib

    folded = key.strip().lower()
    for known, shown in (("profile", "[[profile]]"), ("defaults", "[defaults]")):
        if key != known and difflib.SequenceMatcher(None, folded, known).ratio() >= 0.8:
            return shown
    return ""


def parse_document(doc: Mapping[str, Any]) -> Parsed:
    """Validate a whole parsed file: ``[defaults]``, ``[[profile]]`` and any other keys."""
    out = Parsed()
    for key, value in doc.items():
        if key in ("profile", "defaults"):
            continue
        if key == "oauth":  # sign-ins: kept as written, checked in _bind_oauth
            out.extra[key] = value
            continue
        near = _near_miss(key)
        if near:  # [[profiles]] would leave the file silently without profiles
            out.problems.append(f"unknown top-level key {show(key)}: did you mean {near}?")
        out.extra[key] = value
        if not near:
            out.warnings.append(f"unknown top-level key {show(key)} (kept as is)")
    default_values: dict[str, Any] = {}
    raw_defaults = doc.get("defaults", {})
    if not isinstance(raw_defaults, Mapping):
        out.problems.append(f"defaults must be a table ([defaults]), got {kind_of(raw_defaults)}")
    else:
        out.defaults = dict(raw_defaults)
        if "name" in raw_defaults:
            out.problems.append("[defaults]: name cannot have a default")
        default_values, unknown = check_table(
            {k: v for k, v in raw_defaults.items() if k != "name"}, "[defaults]", out.problems)
        out.warnings += [f"[defaults]: unknown key {show(k)} (kept as is)" for k in unknown]
        out.warnings += _literal_warnings("[defaults]", default_values)
    tables = doc.get("profile", [])
    if isinstance(tables, Mapping):
        out.problems.append("profile must be an array of tables: write [[profile]], not [profile]")
        tables = []
    elif not isinstance(tables, list):
        out.problems.append(f"profile must be an array of tables ([[profile]]), "
                            f"got {kind_of(tables)}")
        tables = []
    seen: dict[str, int] = {}
    key_sets: dict[frozenset[str], frozenset[str]] = {}
    for index, table in enumerate(tables, start=1):
        where = where_of(table, index)
        if not isinstance(table, Mapping):
            out.problems.append(f"{where}: must be a table ([[profile]]), got {kind_of(table)}")
            continue
        profile = build_profile(table, where, default_values, out.problems)
        name = table.get("name")
        if isinstance(name, str) and name in seen:
            out.problems.append(f"{where}: name is used more than once "
                                f"(profiles #{seen[name]} and #{index})")
        elif isinstance(name, str):
            seen[name] = index
        if profile is None:
            continue
        out.profiles.append(profile)
        keys = frozenset(table)
        out.explicit[profile.name] = key_sets.setdefault(keys, keys)  # shared: 7 MB at 10,000
        out.warnings += [f"{where}: unknown key {show(k)} (kept as is)" for k in profile.extra]
        out.warnings += _literal_warnings(where, {k: v for k, v in (
            ("password", table.get("password")), ("oauth_token", table.get("oauth_token")))
            if isinstance(v, str)})
    _bind_oauth(out, doc.get("oauth"))
    return out


def bind_oauth(profile: Profile, tables: object) -> Profile:
    """``profile`` with each unbound ``{ oauth = "NAME" }`` given its ``[oauth.NAME]`` table
    (a profile made by the editor); names without a valid table stay unbound."""
    import dataclasses

    unbound = {k: getattr(profile, k) for k in SECRET_KEYS
               if isinstance(getattr(profile, k), OAuthSource) and getattr(profile, k).account
               is None}
    if not unbound or tables is None:
        return profile
    from smtptui.oauth.account import parse_accounts

    accounts, _ = parse_accounts(tables)
    bound: dict[str, Any] = {k: OAuthSource(s.name, accounts[s.name])
                             for k, s in unbound.items() if s.name in accounts}
    return dataclasses.replace(profile, **bound) if bound else profile


def _bind_oauth(out: Parsed, tables: object) -> None:
    """Check the ``[oauth.NAME]`` sign-ins and give each ``{ oauth = "NAME" }`` its table."""
    import dataclasses

    uses = [(i, p, k) for i, p in enumerate(out.profiles) for k in SECRET_KEYS
            if isinstance(getattr(p, k), OAuthSource)]
    if tables is None and not uses:
        return
    from smtptui.oauth.account import parse_accounts

    accounts, problems = parse_accounts({} if tables is None else tables)
    out.problems += problems
    for index, profile, key in uses:
        source = getattr(profile, key)
        account = accounts.get(source.name)
        if account is None:
            if not any(p.startswith(f"[oauth.{source.name}]") for p in problems):
                out.problems.append(f"profile {show(profile.name)}: {key}.oauth names "
                                    f"{show(source.name)}, but there is no "
                                    f"[oauth.{clean(source.name, 60)}] table")
            continue
        profile = out.profiles[index]
        bound: dict[str, Any] = {key: OAuthSource(source.name, account)}
        out.profiles[index] = dataclasses.replace(profile, **bound)


def _literal_warnings(where: str, values: Mapping[str, Any]) -> list[str]:
    found = [k for k in SECRET_KEYS if isinstance(values.get(k), LiteralSource | str)]
    return [f"{where}: {key} stored in plain text in the file" for key in found]


def validate_profile(profile: Profile) -> list[str]:
    """Every problem with a profile built in code (e.g. by the app's editor)."""
    problems: list[str] = []
    build_profile(profile.to_toml_dict(), where_of({"name": profile.name}, 0), {}, problems)
    return problems
