"""The tokens of one sign-in, as stored: access and refresh token, expiry, granted scopes.

:class:`Tokens` never shows a token in ``repr``; :meth:`Tokens.to_json` is for the store
only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

REFRESH_MARGIN = 300.0
"""Refresh an access token that expires within this many seconds (a probe may run long)."""


@dataclass(frozen=True)
class Tokens:
    account: str
    provider: str
    access_token: str = field(repr=False)
    refresh_token: str | None = field(default=None, repr=False)
    expires_at: float | None = None
    """Unix time; None when the server did not say."""
    scopes: tuple[str, ...] = ()
    obtained_at: float = 0.0
    user: str | None = None
    """Who signed in, from an ID token or the access token's claims, when known."""

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(t for t in (self.access_token, self.refresh_token) if t)

    def fresh(self, margin: float = REFRESH_MARGIN, now: float | None = None) -> bool:
        """True while the access token is good for at least ``margin`` more seconds."""
        if self.expires_at is None:
            return False  # cannot tell: refresh when we can
        return self.expires_at - (time.time() if now is None else now) > margin

    def expires_in(self, now: float | None = None) -> float | None:
        if self.expires_at is None:
            return None
        return self.expires_at - (time.time() if now is None else now)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "version": 1, "account": self.account, "provider": self.provider,
            "access_token": self.access_token, "refresh_token": self.refresh_token,
            "expires_at": self.expires_at, "scopes": list(self.scopes),
            "obtained_at": self.obtained_at, "user": self.user}
        return out

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Tokens:
        """Raises ValueError for anything that is not a stored token record."""
        if not isinstance(data, Mapping) or data.get("version") != 1:
            raise ValueError("not a token record of this version")
        access = data.get("access_token")
        refresh = data.get("refresh_token")
        expires = data.get("expires_at")
        if not isinstance(access, str) or not (refresh is None or isinstance(refresh, str)):
            raise ValueError("token record without an access token")
        if expires is not None and not isinstance(expires, int | float):
            raise ValueError("token record with a bad expiry")
        scopes = data.get("scopes") or []
        user = data.get("user")
        return cls(account=str(data.get("account", "")), provider=str(data.get("provider", "")),
                   access_token=access, refresh_token=refresh,
                   expires_at=float(expires) if expires is not None else None,
                   scopes=tuple(str(s) for s in scopes if isinstance(s, str)),
                   obtained_at=float(data.get("obtained_at") or 0.0),
                   user=user if isinstance(user, str) else None)


def from_response(account: str, provider: str, response: Mapping[str, Any],
                  requested: tuple[str, ...], previous: Tokens | None = None,
                  now: float | None = None) -> Tokens:
    """The tokens a token endpoint returned (RFC 6749 5.1). A refresh response without a
    new refresh token keeps the old one; a response without ``scope`` was granted as asked."""
    from smtptui.oauth.claims import identity

    now = time.time() if now is None else now
    access = response.get("access_token")
    if not isinstance(access, str) or not access:
        raise ValueError("the token endpoint returned no access_token")
    expires_in = response.get("expires_in")
    try:
        expires_at = now + float(expires_in) if expires_in is not None else None
    except (TypeError, ValueError):
        expires_at = None
    scope = response.get("scope")
    scopes = tuple(scope.split()) if isinstance(scope, str) and scope.strip() else requested
    refresh = response.get("refresh_token")
    if not isinstance(refresh, str) or not refresh:
        refresh = previous.refresh_token if previous else None
    id_token = response.get("id_token")
    user = (identity(id_token) if isinstance(id_token, str) else None) or identity(access) or (
        previous.user if previous else None)
    return Tokens(account=account, provider=provider, access_token=access,
                  refresh_token=refresh, expires_at=expires_at, scopes=scopes,
                  obtained_at=now, user=user)
