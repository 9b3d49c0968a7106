"""The OAuth client: authlib's httpx clients, set up for one :class:`Account`.

The only module (with :mod:`smtptui.oauth.flows`) that imports authlib and httpx2, so a
probe without OAuth never loads them. Errors become :class:`OAuthError`, one line.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from smtptui.oauth.account import Account
from smtptui.oauth.errors import OAuthError, explain
from smtptui.oauth.tokens import Tokens, from_response
from smtptui.probe.sanitize import clean

HTTP_TIMEOUT = 20.0


def missing_library() -> OAuthError:
    return OAuthError("OAuth sign-in needs the optional packages authlib and httpx2: "
                      "pip install 'smtptui[oauth]'", "missing_library")


def http_options(account: Account) -> dict[str, Any]:
    """httpx options: TLS verified (against ``cafile`` when the account names one)."""
    verify: ssl.SSLContext | bool = True
    if account.cafile:
        try:
            verify = ssl.create_default_context(cafile=account.cafile)
        except (OSError, ssl.SSLError) as exc:
            raise OAuthError(f"[oauth.{account.name}]: cafile {account.cafile}: "
                             f"{getattr(exc, 'strerror', None) or exc}") from None
    return {"verify": verify, "timeout": HTTP_TIMEOUT, "follow_redirects": False}


def client_options(account: Account, redirect_uri: str | None = None) -> dict[str, Any]:
    return {"client_id": account.client_id, "client_secret": account.client_secret,
            "scope": account.scope, "redirect_uri": redirect_uri,
            "code_challenge_method": "S256", "token_endpoint": account.token_endpoint,
            **http_options(account)}


@contextmanager
def translated(account: Account, during: str) -> Iterator[None]:
    """Turn authlib's and httpx2's exceptions into one-line :class:`OAuthError`."""
    try:
        import httpx2
        from authlib.common.errors import AuthlibBaseError
    except ImportError:
        raise missing_library() from None
    try:
        yield
    except AuthlibBaseError as exc:
        raise explain(account.name, during, str(exc.error or "error"),
                      getattr(exc, "description", None), account.provider.key) from None
    except httpx2.HTTPStatusError as exc:
        raise OAuthError(f'OAuth sign-in "{account.name}": {during} failed: '
                         f"{exc.request.url.host} answered HTTP {exc.response.status_code}",
                         f"http_{exc.response.status_code}") from None
    except httpx2.HTTPError as exc:
        host = exc.request.url.host if _has_request(exc) else "the provider"
        raise OAuthError(f'OAuth sign-in "{account.name}": {during} failed: could not '
                         f"reach {host}: {clean(str(exc) or type(exc).__name__, 200)}",
                         "network") from None
    except ValueError as exc:  # a token endpoint answering something that is not a token
        raise OAuthError(f'OAuth sign-in "{account.name}": {during} failed: '
                         f"{clean(str(exc), 200)}", "bad_response") from None


def _has_request(exc: Exception) -> bool:
    try:
        exc.request  # type: ignore[attr-defined]  # noqa: B018
    except RuntimeError:  # httpx raises when the error has no request
        return False
    return True


def refresh(account: Account, tokens: Tokens) -> Tokens:
    """New tokens from the refresh token (blocking; run it off the UI thread)."""
    if not tokens.refresh_token:
        raise OAuthError(f'OAuth sign-in "{account.name}": the access token has expired and '
                         "there is no refresh token (was offline_access requested?). Sign in "
                         f"again: smtptui oauth login {account.name}", "no_refresh_token")
    with translated(account, "refresh"):
        from authlib.integrations.httpx_client import OAuth2Client

        with OAuth2Client(**client_options(account)) as client:
            response = client.refresh_token(account.token_endpoint,
                                            refresh_token=tokens.refresh_token)
        return from_response(account.name, account.provider.key, dict(response),
                             account.scopes, previous=tokens)


def revoke(account: Account, tokens: Tokens) -> bool:
    """Ask the provider to revoke the refresh token (RFC 7009). False when it has no
    revocation endpoint (Microsoft); raises :class:`OAuthError` when it refuses."""
    if not account.revocation_endpoint:
        return False
    token = tokens.refresh_token or tokens.access_token
    hint = "refresh_token" if tokens.refresh_token else "access_token"
    with translated(account, "revoking the token"):
        from authlib.integrations.httpx_client import OAuth2Client

        with OAuth2Client(**client_options(account)) as client:
            response = client.revoke_token(account.revocation_endpoint, token=token,
                                           token_type_hint=hint)
        if response.status_code >= 400:
            response.raise_for_status()
    return True
