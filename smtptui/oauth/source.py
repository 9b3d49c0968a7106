"""A valid access token for an account, refreshed when it expires within a margin.

This is what ``password = { oauth = "NAME" }`` and ``--oauth NAME`` run before AUTH.
"""

from __future__ import annotations

from smtptui.oauth.account import Account
from smtptui.oauth.errors import OAuthError
from smtptui.oauth.store import TokenStore
from smtptui.oauth.tokens import REFRESH_MARGIN, Tokens


def not_signed_in(name: str) -> OAuthError:
    return OAuthError(f'OAuth sign-in "{name}": not signed in yet. Run: smtptui oauth login '
                      f"{name}", "not_signed_in")


def current_tokens(account: Account, store: TokenStore | None = None,
                   margin: float = REFRESH_MARGIN) -> Tokens:
    """The stored tokens, refreshed first when the access token is (nearly) expired.

    Blocking (HTTP); raises :class:`OAuthError` or :class:`StoreError` with one line
    saying why there is no usable token and what to do.
    """
    store = store if store is not None else TokenStore()
    with store.locked(account.name):
        tokens = store.load(account.name)
        if tokens is None:
            raise not_signed_in(account.name)
        if tokens.fresh(margin) or (tokens.expires_at is None and not tokens.refresh_token):
            return tokens  # (a lifetime never stated, nothing to refresh with: try it)
        from smtptui.oauth.client import refresh

        new = refresh(account, tokens)
        store.save(new)
        return new
