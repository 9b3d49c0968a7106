"""An OAuth sign-in as the profiles file describes it: ``[oauth.NAME]`` tables, validated.

    [oauth.acme-m365]
    provider = "microsoft"          # microsoft | google | generic
    tenant = "acme.onmicrosoft.com" # Microsoft: tenant id or domain (default organizations)
    client_id = "00000000-0000-0000-0000-000000000000"
    username = "ops@acme.example"   # optional: the account expected to sign in

Each problem is one line naming the table and the key, as the profiles schema does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from smtptui.oauth.providers import FLOWS, PROVIDERS, Flow, Provider

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_TENANT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,99}$")
ENDPOINT_KEYS = ("authorization_endpoint", "device_endpoint", "token_endpoint",
                 "revocation_endpoint")
KEYS = ("provider", "client_id", "client_secret", "tenant", "scopes", "flow", "username",
        "cafile", "redirect_port", *ENDPOINT_KEYS)


@dataclass(frozen=True)
class Account:
    """One sign-in: who to ask (endpoints, client) and for what (scopes)."""

    name: str
    provider: Provider
    client_id: str
    client_secret: str | None = None
    tenant: str = "organizations"
    scopes: tuple[str, ...] = ()
    flow: Flow = "code"
    username: str | None = None
    cafile: str | None = None
    redirect_port: int = 0
    authorization_endpoint: str = ""
    device_endpoint: str = ""
    token_endpoint: str = ""
    revocation_endpoint: str = ""

    @property
    def scope(self) -> str:
        return " ".join(self.scopes)

    @property
    def secrets(self) -> tuple[str, ...]:
        """Values to keep out of output (a desktop client secret is not confidential,
        but it is not for screenshots either)."""
        return (self.client_secret,) if self.client_secret else ()


class AccountError(Exception):
    """One problem with an ``[oauth.NAME]`` table (already located)."""


def _where(name: str) -> str:
    return f"[oauth.{name}]" if re.fullmatch(r"[A-Za-z0-9_-]+", name) else f'[oauth."{name}"]'


def _text(where: str, key: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip() or _CONTROL.search(value):
        raise AccountError(f"{where}: {key} must be a non-empty string without control "
                           "characters")
    return value


def _url(where: str, key: str, value: object, *, loopback_http: bool = True) -> str:
    text = _text(where, key, value)
    from urllib.parse import urlsplit

    parts = urlsplit(text)
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if parts.scheme != "https" and not (parts.scheme == "http" and local and loopback_http):
        raise AccountError(f"{where}: {key} must be an https:// URL, got {text[:80]!r}")
    if not parts.hostname:
        raise AccountError(f"{where}: {key} has no host name")
    return text


def parse_account(name: str, table: object) -> Account:
    """One ``[oauth.NAME]`` table, or :class:`AccountError` with the first problem."""
    where = _where(name)
    if not isinstance(table, Mapping):
        raise AccountError(f"{where} must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise AccountError(f"{where}: unknown key {unknown[0]!r}; allowed: {', '.join(KEYS)}")
    key = table.get("provider")
    if key not in PROVIDERS:
        raise AccountError(f"{where}: provider must be one of {', '.join(PROVIDERS)}, "
                           f"got {key!r}"[:200])
    provider = PROVIDERS[str(key)]
    if "client_id" not in table:
        raise AccountError(f"{where}: client_id is required. {provider.setup}")
    fields: dict[str, Any] = {"client_id": _text(where, "client_id", table["client_id"])}
    for opt in ("client_secret", "username", "cafile"):
        if opt in table:
            fields[opt] = _text(where, opt, table[opt])
    tenant = table.get("tenant", "organizations")
    if not isinstance(tenant, str) or not _TENANT.match(tenant):
        raise AccountError(f"{where}: tenant must be a tenant id, a domain, organizations "
                           "or common")
    if "tenant" in table and provider.key != "microsoft":
        raise AccountError(f"{where}: tenant applies only to provider = \"microsoft\"")
    if "scopes" not in table and not provider.scopes:
        raise AccountError(f"{where}: scopes is required for provider = \"{provider.key}\" "
                           "(the scopes SMTP needs at that provider)")
    scopes = table.get("scopes", list(provider.scopes))
    if not isinstance(scopes, list) or not scopes or not all(
            isinstance(s, str) and s.strip() and " " not in s and not _CONTROL.search(s)
            for s in scopes):
        raise AccountError(f"{where}: scopes must be a non-empty list of scope strings")
    flow = table.get("flow", provider.flow)
    if flow not in FLOWS:
        raise AccountError(f"{where}: flow must be one of {', '.join(FLOWS)}, got {flow!r}"[:200])
    port = table.get("redirect_port", 0)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        raise AccountError(f"{where}: redirect_port must be 0 (any free port) to 65535")
    for ep in ENDPOINT_KEYS:
        value = table.get(ep, getattr(provider, ep))
        fields[ep] = _url(where, ep, value).replace("{tenant}", tenant) if value else ""
    if not fields["token_endpoint"]:
        raise AccountError(f"{where}: token_endpoint is required for provider = \"generic\"")
    need = "device_endpoint" if flow == "device" else "authorization_endpoint"
    if not fields[need]:
        raise AccountError(f"{where}: flow = \"{flow}\" needs {need}")
    return Account(name=name, provider=provider, tenant=tenant, scopes=tuple(scopes),
                   flow=flow, redirect_port=port, **fields)


def parse_accounts(value: object) -> tuple[dict[str, Account], list[str]]:
    """The top-level ``oauth`` table: every valid account, and every problem."""
    if not isinstance(value, Mapping):
        return {}, ["oauth must be a table of sign-ins ([oauth.NAME])"]
    accounts: dict[str, Account] = {}
    problems: list[str] = []
    for name, table in value.items():
        try:
            accounts[name] = parse_account(name, table)
        except AccountError as exc:
            problems.append(str(exc))
    return accounts, problems
