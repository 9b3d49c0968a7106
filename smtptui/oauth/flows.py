"""The sign-in flows that work over SSH, as async generators of events.

- :func:`device_flow`: RFC 8628. Shows a URL and a code to enter on any device, then polls
  the token endpoint at the server's interval (longer after ``slow_down``) until the user
  has signed in, declined, or the code expired.
- :func:`code_flow`: authorization code with PKCE (RFC 7636, S256) and a loopback redirect
  ``http://127.0.0.1:PORT/``; when the browser runs on another machine, the address it
  ends on can be pasted instead (put it in the ``pasted`` queue).

Both store the tokens and end with :class:`Granted`, or raise :class:`OAuthError`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from smtptui.oauth.account import Account
from smtptui.oauth.client import client_options, missing_library, translated
from smtptui.oauth.errors import OAuthError, explain
from smtptui.oauth.events import Granted, OpenBrowser, SignInEvent, UserCode, Waiting
from smtptui.oauth.loopback import Redirects
from smtptui.oauth.store import TokenStore
from smtptui.oauth.tokens import from_response

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
SLOW_DOWN_STEP = 5.0
"""Seconds added to the polling interval at each ``slow_down`` (RFC 8628 3.5)."""
DEFAULT_INTERVAL = 5.0
CODE_FLOW_TIMEOUT = 600.0
"""How long the code flow waits for the browser to come back."""


async def _client(account: Account, redirect_uri: str | None = None) -> Any:
    """authlib's async client; its first import (~0.5 s) runs in a thread, so a UI
    running this flow keeps painting."""
    import importlib

    try:
        module = await asyncio.to_thread(importlib.import_module,
                                         "authlib.integrations.httpx_client")
    except ImportError:
        raise missing_library() from None
    return module.AsyncOAuth2Client(**client_options(account, redirect_uri))


async def _granted(account: Account, store: TokenStore | None, response: Mapping[str, Any]
                   ) -> Granted:
    store = store if store is not None else TokenStore()
    tokens = from_response(account.name, account.provider.key, dict(response), account.scopes)
    where = await asyncio.to_thread(store.save, tokens)
    return Granted(tokens, where)


async def device_flow(account: Account, store: TokenStore | None = None, *,
                      slow_down_step: float = SLOW_DOWN_STEP) -> AsyncIterator[SignInEvent]:
    """Sign in with a user code (see the module docstring)."""
    if not account.device_endpoint:
        raise OAuthError(f"[oauth.{account.name}] has no device_endpoint; use the browser "
                         "sign-in (--flow code)", "no_device_endpoint")
    async with await _client(account) as client:
        with translated(account, "starting the device sign-in"):
            resp = await client.request(
                "POST", account.device_endpoint, withhold_token=True,
                data={"client_id": account.client_id, "scope": account.scope})
            data = _json(account, resp, "starting the device sign-in")
        try:
            code = str(data["device_code"])
            expires_in = float(data.get("expires_in") or 900)
            interval = max(float(data.get("interval") or DEFAULT_INTERVAL), 0.0)
            uri = str(data.get("verification_uri") or data.get("verification_url"))
            event = UserCode(uri, str(data["user_code"]), data.get("verification_uri_complete"),
                             expires_in, interval)
        except (KeyError, TypeError, ValueError):
            raise OAuthError(f'OAuth sign-in "{account.name}": the device endpoint answered '
                             "without a device_code, user_code or verification_uri",
                             "bad_response") from None
        deadline = time.monotonic() + expires_in
        yield event
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise OAuthError(f'OAuth sign-in "{account.name}": the code expired before '
                                 "the sign-in was completed. Run the sign-in again.",
                                 "expired_token", "expired_token")
            await asyncio.sleep(min(interval, remaining))
            try:
                with translated(account, "the device sign-in"):
                    response = await client.fetch_token(
                        account.token_endpoint, grant_type=DEVICE_GRANT, device_code=code)
            except OAuthError as exc:
                if exc.error == "authorization_pending":
                    yield Waiting("authorization_pending", interval, deadline - time.monotonic())
                    continue
                if exc.error == "slow_down":
                    interval += slow_down_step
                    yield Waiting("slow_down", interval, deadline - time.monotonic())
                    continue
                raise
            yield await _granted(account, store, response)
            return


def _json(account: Account, resp: Any, during: str) -> dict[str, Any]:
    try:
        data = resp.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and "error" in data:
        raise explain(account.name, during, str(data["error"]), data.get("error_description"),
                      account.provider.key)
    if resp.status_code >= 400 or not isinstance(data, dict):
        raise OAuthError(f'OAuth sign-in "{account.name}": {during} failed: the provider '
                         f"answered HTTP {resp.status_code}", f"http_{resp.status_code}")
    return data


def redirect_query(text: str) -> dict[str, str]:
    """The parameters of a pasted redirect: a whole URL, its query, or a bare code."""
    text = text.strip()
    query = urlsplit(text).query if "://" in text else text.lstrip("?")
    if "=" not in query:
        return {"code": query} if query else {}
    return {k: v[0] for k, v in parse_qs(query).items()}


async def code_flow(account: Account, store: TokenStore | None = None, *,
                    pasted: asyncio.Queue[str] | None = None,
                    timeout: float = CODE_FLOW_TIMEOUT) -> AsyncIterator[SignInEvent]:
    """Sign in in a browser (see the module docstring)."""
    if not account.authorization_endpoint:
        raise OAuthError(f"[oauth.{account.name}] has no authorization_endpoint; use the "
                         "device sign-in (--flow device)", "no_authorization_endpoint")
    try:
        redirects = await Redirects().start(account.redirect_port)
    except OSError as exc:
        raise OAuthError(f'OAuth sign-in "{account.name}": cannot listen on 127.0.0.1:'
                         f"{account.redirect_port} for the redirect ({exc.strerror})",
                         "loopback") from None
    try:
        async with await _client(account, redirects.redirect_uri) as client:
            from authlib.common.security import generate_token

            verifier = generate_token(64)
            url, state = client.create_authorization_url(
                account.authorization_endpoint, code_verifier=verifier,
                **({"login_hint": account.username} if account.username else {}))
            redirects.state = state
            yield OpenBrowser(url, redirects.redirect_uri)
            yield Waiting("browser", 0.0, timeout)
            params = await _next_redirect(account, redirects, pasted, timeout, state)
            if "error" in params:
                raise explain(account.name, "the browser sign-in", params["error"],
                              params.get("error_description"), account.provider.key)
            if "state" in params and params["state"] != state:
                raise OAuthError(f'OAuth sign-in "{account.name}": the redirect belongs to '
                                 "another sign-in (state does not match); nothing was "
                                 "stored", "state_mismatch")
            if not params.get("code"):
                raise OAuthError(f'OAuth sign-in "{account.name}": the redirect has no '
                                 "code", "no_code")
            with translated(account, "exchanging the code"):
                response = await client.fetch_token(
                    account.token_endpoint, grant_type="authorization_code",
                    code=params["code"], code_verifier=verifier,
                    redirect_uri=redirects.redirect_uri)
            yield await _granted(account, store, response)
    finally:
        await redirects.stop()


async def _next_redirect(account: Account, redirects: Redirects,
                         pasted: asyncio.Queue[str] | None, timeout: float, state: str
                         ) -> dict[str, str]:
    """The first redirect that arrives, pasted or at the loopback server. A loopback
    request for another sign-in (its state differs: another program on this machine) is
    ignored rather than allowed to end this one; a pasted one is the user's to correct."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        waits = [asyncio.ensure_future(redirects.received.get())]
        if pasted is not None:
            waits.append(asyncio.ensure_future(pasted.get()))
        try:
            done, _ = await asyncio.wait(
                waits, timeout=max(deadline - asyncio.get_running_loop().time(), 0),
                return_when=asyncio.FIRST_COMPLETED)
        finally:
            for wait in waits:
                wait.cancel()
        if not done:
            raise OAuthError(f'OAuth sign-in "{account.name}": the browser did not come '
                             f"back within {timeout / 60:g} minutes", "timeout")
        for wait in reversed(waits):  # a pasted address first
            if wait in done:
                params = redirect_query(wait.result())
                if wait is not waits[0] or params.get("state") == state:
                    return params
