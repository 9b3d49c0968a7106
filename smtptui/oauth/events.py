"""What a sign-in flow reports, step by step (the shape of the probe engine's events)."""

from __future__ import annotations

from dataclasses import dataclass, field

from smtptui.oauth.tokens import Tokens


@dataclass(frozen=True)
class UserCode:
    """Device flow: open ``verification_uri`` anywhere and enter ``user_code``."""

    verification_uri: str
    user_code: str
    verification_uri_complete: str | None
    expires_in: float
    interval: float


@dataclass(frozen=True)
class OpenBrowser:
    """Code flow: open ``url``; the provider sends the browser back to ``redirect_uri``
    (this machine), or paste the address the browser ends on."""

    url: str
    redirect_uri: str


@dataclass(frozen=True)
class Waiting:
    """Still waiting for the user; ``reason`` is the provider's word (``slow_down``)."""

    reason: str
    interval: float
    remaining: float | None


@dataclass(frozen=True)
class Granted:
    """Signed in; the tokens are stored at ``where``."""

    tokens: Tokens = field(repr=False)
    where: str


SignInEvent = UserCode | OpenBrowser | Waiting | Granted
