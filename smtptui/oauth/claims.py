"""What an access token says about itself: a JWT's claims, read WITHOUT verifying it.

Only for explaining a rejection (who is the token for, which resource and scopes, when
does it expire); never to decide whether to trust anything. Opaque tokens (Google's
``ya29.`` ones) have no claims: every function returns None or empty for them.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

KNOWN_AUDIENCES: dict[str, str] = {
    "https://outlook.office.com": "Exchange Online (https://outlook.office.com)",
    "https://outlook.office365.com": "Exchange Online (https://outlook.office.com)",
    "00000002-0000-0ff1-ce00-000000000000": "Exchange Online (https://outlook.office.com)",
    "https://graph.microsoft.com": "Microsoft Graph",
    "00000003-0000-0000-c000-000000000000": "Microsoft Graph",
    "https://graph.windows.net": "Azure AD Graph",
    "https://management.azure.com": "Azure Resource Manager",
}


def decode(token: str) -> dict[str, Any] | None:
    """The payload of a JWT (``header.payload.signature``), or None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1]:
        return None
    payload = parts[1] + "=" * (-len(parts[1]) % 4)
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode("ascii")))
    except (binascii.Error, ValueError, UnicodeError):
        return None
    return data if isinstance(data, dict) else None


def identity(token: str) -> str | None:
    """The signed-in account a JWT names (``upn``, ``preferred_username``, ``email``)."""
    claims = decode(token)
    if not claims:
        return None
    for key in ("upn", "preferred_username", "email", "unique_name"):
        value = claims.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def audiences(claims: dict[str, Any]) -> tuple[str, ...]:
    aud = claims.get("aud")
    if isinstance(aud, str):
        return (aud,)
    if isinstance(aud, list):
        return tuple(a for a in aud if isinstance(a, str))
    return ()


def scopes(claims: dict[str, Any]) -> tuple[str, ...]:
    """Delegated scopes (``scp``, space-separated; ``scope`` elsewhere) and app roles."""
    out: list[str] = []
    for key in ("scp", "scope"):
        value = claims.get(key)
        if isinstance(value, str):
            out += value.split()
    roles = claims.get("roles")
    if isinstance(roles, list):
        out += [r for r in roles if isinstance(r, str)]
    return tuple(out)


def audience_name(aud: str) -> str:
    """A resource as a person knows it: ``Microsoft Graph`` for its URL or app id."""
    return KNOWN_AUDIENCES.get(aud.rstrip("/"), aud)
