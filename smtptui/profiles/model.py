"""A saved relay profile: every field of a probe, plus a client for grouping."""

from __future__ import annotations

from typing import Any

from smtptui.probe.config import (
    DEFAULT_TIMEOUT,
    AuthMech,
    ProbeConfig,
    Secret,
    StopAfter,
    TLSMode,
)
from smtptui.profiles.errors import SecretError
from smtptui.profiles.secrets import OAuthSource, Prompt, SecretSource
from smtptui.records import field, record

TOML_KEYS: dict[str, str] = {
    "name": "name", "client": "client", "preset": "preset", "host": "host", "port": "port",
    "tls": "tls", "username": "username", "password": "password", "auth": "auth",
    "oauth_token": "oauth_token", "allow_plaintext_auth": "allow_plaintext_auth",
    "mail_from": "from", "rcpt_to": "to", "ehlo": "ehlo", "timeout": "timeout",
    "cafile": "cafile", "servername": "servername", "insecure": "insecure", "send": "send",
    "stop_after": "stop_after", "nameserver": "nameserver",
    "dkim_selectors": "dkim_selectors", "watch_interval": "watch_interval", "notes": "notes",
}
"""Attribute name -> TOML key, in the order keys are written."""

BUILTIN_DEFAULTS: dict[str, Any] = {
    "client": "", "port": 587, "tls": "starttls", "auth": "auto",
    "allow_plaintext_auth": False, "to": [], "timeout": DEFAULT_TIMEOUT, "insecure": False,
    "send": False, "dkim_selectors": [],
}
"""TOML values a profile has when neither it nor ``[defaults]`` says otherwise (else absent)."""


@record(kw_only=True)
class Profile:
    """One relay profile, with ``[defaults]`` already applied. Secrets are sources, not values."""

    name: str
    host: str
    client: str = ""
    port: int = 587
    tls: TLSMode = "starttls"
    username: str | None = None
    password: SecretSource | None = None
    auth: AuthMech = "auto"
    oauth_token: SecretSource | None = None
    allow_plaintext_auth: bool = False
    mail_from: str | None = None
    rcpt_to: tuple[str, ...] = ()
    ehlo: str | None = None
    timeout: float = DEFAULT_TIMEOUT
    cafile: str | None = None
    servername: str | None = None
    insecure: bool = False
    send: bool = False
    stop_after: StopAfter | None = None
    nameserver: str | None = None
    dkim_selectors: tuple[str, ...] = ()
    preset: str | None = None
    notes: str | None = None
    watch_interval: float | None = None
    """Seconds between runs when watched (`W`, `smtptui watch`); None: the default, 60."""
    extra: dict[str, Any] = field(default_factory=dict, repr=False)
    """Keys this version does not know; kept as they were on save (not in repr: may be secret)."""

    def to_probe_config(self, *, prompt: Prompt | None = None,
                        problems: list[SecretError] | None = None) -> ProbeConfig:
        """The probe this profile describes, with its secrets resolved.

        Raises :class:`~smtptui.profiles.errors.SecretError` when a secret cannot be had;
        with a ``problems`` list, the error is added there instead, the secret is left
        out and its :attr:`~SecretError.brief` reason goes into ``secret_problem``, so
        the probe tests everything up to AUTH and fails there.
        """
        found: list[SecretError] | None = [] if problems is not None else None
        password_source, token_source = self.password, self.oauth_token
        if isinstance(password_source, OAuthSource) and token_source is None:
            password_source, token_source = None, password_source  # a token, not a password
        password = self._secret("password", password_source, prompt, found)
        token = self._secret("OAuth token", token_source, prompt, found)
        if problems is not None and found:
            problems.extend(found)
        return ProbeConfig(
            host=self.host, port=self.port, tls=self.tls, username=self.username,
            password=password, auth=self.auth, oauth_token=token,
            secret_problem="; ".join(e.brief for e in found or ()) or None,
            allow_plaintext_auth=self.allow_plaintext_auth, mail_from=self.mail_from,
            rcpt_to=tuple(self.rcpt_to), send=self.send, stop_after=self.stop_after,
            cafile=self.cafile, insecure=self.insecure, servername=self.servername,
            ehlo_name=self.ehlo, timeout=self.timeout, nameserver=self.nameserver,
            profile=self.name,
        )

    def _secret(self, what: str, source: SecretSource | None, prompt: Prompt | None,
                problems: list[SecretError] | None = None) -> Secret | None:
        """Resolve one secret; a failure raises, or is noted in ``problems`` if given."""
        if source is None:
            return None
        who = f" for {self.username}" if self.username else ""
        try:
            return source.resolve(f'profile "{self.name}": {what}{who}', prompt)
        except SecretError as exc:
            if problems is None:
                raise
            problems.append(exc)
            return None

    def to_toml_dict(self, *, complete: bool = False) -> dict[str, Any]:
        """This profile as a TOML table: every set field; built-in defaults left out
        unless ``complete`` (unset optional fields are always absent)."""
        out: dict[str, Any] = {}
        for attr, key in TOML_KEYS.items():
            value = getattr(self, attr)
            if value is None:
                continue
            if attr in ("password", "oauth_token"):
                value = value.to_toml()
            elif isinstance(value, tuple):
                value = list(value)
            elif attr in ("timeout", "watch_interval") and float(value).is_integer():
                value = int(value)
            if not complete and key not in ("name", "host", "port", "tls") and (
                    value == BUILTIN_DEFAULTS.get(key)):
                continue
            out[key] = value
        for key, value in self.extra.items():
            out.setdefault(key, value)
        return out

    def describe(self) -> dict[str, Any]:
        """A JSON-safe summary: secrets appear only as their source (``env:VAR``), never values."""
        out: dict[str, Any] = {}
        for attr, key in TOML_KEYS.items():
            value = getattr(self, attr)
            if attr in ("password", "oauth_token"):
                value = value.describe() if value is not None else None
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out
