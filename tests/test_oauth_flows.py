"""Sign-in flows against the loopback authorization server: device code and PKCE code."""

from __future__ import annotations

import asyncio
import os
import ssl
import stat
from pathlib import Path

import httpx2 as httpx
import pytest

from smtptui.oauth.account import Account
from smtptui.oauth.errors import OAuthError
from smtptui.oauth.events import Granted, OpenBrowser, SignInEvent, UserCode, Waiting
from smtptui.oauth.flows import code_flow, device_flow
from smtptui.oauth.store import TokenStore
from tests.conftest import USER
from tests.oauth_server import AuthServer


async def collect(flow: object) -> list[SignInEvent]:
    return [event async for event in flow]  # type: ignore[attr-defined]


async def test_device_flow_signs_in_and_stores_privately(
        account: Account, auth_server: AuthServer, store: TokenStore, state_dir: Path) -> None:
    events = await collect(device_flow(account, store))
    code = events[0]
    assert isinstance(code, UserCode)
    assert code.verification_uri == f"{auth_server.base}/device"
    assert code.user_code and code.interval == auth_server.interval
    assert [e.reason for e in events if isinstance(e, Waiting)] == [
        "authorization_pending"] * auth_server.pending_polls
    granted = events[-1]
    assert isinstance(granted, Granted)
    assert granted.tokens.user == USER
    assert granted.tokens.refresh_token in auth_server.refresh_tokens
    # no keyring here: a 0600 file in a 0700 folder of the state dir
    path = state_dir / "oauth" / "m365.json"
    assert granted.where == str(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(path.parent).st_mode) == 0o700
    assert store.load("m365") == granted.tokens
    assert "Canary" not in repr(granted) and "Canary" not in repr(granted.tokens)


async def test_device_flow_slows_down_when_told(
        account: Account, auth_server: AuthServer, store: TokenStore) -> None:
    auth_server.slow_down_polls, auth_server.pending_polls = 2, 3
    events = await collect(device_flow(account, store, slow_down_step=0.02))
    waits = [(e.reason, round(e.interval, 3)) for e in events if isinstance(e, Waiting)]
    assert waits == [("slow_down", 0.03), ("slow_down", 0.05),
                     ("authorization_pending", 0.05)]
    assert isinstance(events[-1], Granted)


async def test_device_flow_expired_code(account: Account, auth_server: AuthServer,
                                        store: TokenStore) -> None:
    auth_server.device_lifetime, auth_server.pending_polls = 0.05, 10**6
    with pytest.raises(OAuthError) as info:
        await collect(device_flow(account, store))
    assert info.value.error == "expired_token"
    assert "expired before" in str(info.value) and "again" in str(info.value)
    assert store.load("m365") is None


@pytest.mark.parametrize(("knob", "reason"), [
    ("expire_devices", "(expired_token): the sign-in code expired before it was used"),
    ("deny_device", "(access_denied): the sign-in was declined"),
], ids=["expired-at-the-server", "declined"])
async def test_device_flow_ends_as_the_server_says(account: Account, auth_server: AuthServer,
                                                   store: TokenStore, knob: str,
                                                   reason: str) -> None:
    setattr(auth_server, knob, True)
    with pytest.raises(OAuthError) as info:
        await collect(device_flow(account, store))
    assert str(info.value) == (f'OAuth sign-in "m365": the device sign-in failed {reason}. '
                               "Sign in again: smtptui oauth login m365")
    assert store.load("m365") is None


async def browse(url: str, cafile: str) -> httpx.Response:
    """The user's browser: sign in at the provider, follow its redirect to the loopback."""
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cafile)) as browser:
        at_provider = await browser.get(url)
        assert at_provider.status_code == 302
        return await browser.get(at_provider.headers["Location"])


async def test_code_flow_with_loopback_redirect(
        account: Account, auth_server: AuthServer, store: TokenStore, cafile: str) -> None:
    flow = code_flow(account, store)
    opened = await anext(flow)
    assert isinstance(opened, OpenBrowser)
    assert opened.redirect_uri.startswith("http://127.0.0.1:")
    assert "code_challenge_method=S256" in opened.url
    assert isinstance(await anext(flow), Waiting)
    waiting = asyncio.ensure_future(anext(flow))
    page = await browse(opened.url, cafile)
    assert page.status_code == 200 and "Signed in" in page.text
    granted = await waiting
    assert isinstance(granted, Granted) and granted.tokens.user == USER
    token_request = next(f for p, f in auth_server.requests if p == "/token")
    assert token_request["grant_type"] == "authorization_code"
    assert len(token_request["code_verifier"]) >= 43  # RFC 7636: 43-128 characters
    with pytest.raises(StopAsyncIteration):
        await anext(flow)


async def test_code_flow_ignores_a_foreign_request_at_the_loopback(
        account: Account, auth_server: AuthServer, store: TokenStore, cafile: str) -> None:
    """Another program hitting the redirect port cannot end (or hijack) the sign-in."""
    flow = code_flow(account, store)
    opened = await anext(flow)
    assert isinstance(opened, OpenBrowser)
    await anext(flow)
    waiting = asyncio.ensure_future(anext(flow))
    async with httpx.AsyncClient() as other:
        page = await other.get(opened.redirect_uri, params={"code": "x", "state": "forged"})
    assert page.status_code == 400 and "another sign-in" in page.text
    await browse(opened.url, cafile)
    granted = await waiting
    assert isinstance(granted, Granted)


async def test_code_flow_with_pasted_address(
        account: Account, auth_server: AuthServer, store: TokenStore, cafile: str) -> None:
    """Over SSH the browser cannot reach this machine's loopback: paste where it ended."""
    pasted: asyncio.Queue[str] = asyncio.Queue()
    flow = code_flow(account, store, pasted=pasted)
    opened = await anext(flow)
    assert isinstance(opened, OpenBrowser)
    await anext(flow)
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cafile)) as browser:
        location = (await browser.get(opened.url)).headers["Location"]
    pasted.put_nowait(f"  {location}\n")
    granted = await anext(flow)
    assert isinstance(granted, Granted)
    assert store.load("m365") == granted.tokens


async def test_code_flow_refuses_a_foreign_state(
        account: Account, auth_server: AuthServer, store: TokenStore) -> None:
    pasted: asyncio.Queue[str] = asyncio.Queue()
    flow = code_flow(account, store, pasted=pasted)
    await anext(flow)
    await anext(flow)
    pasted.put_nowait("http://127.0.0.1:1/?code=stolen&state=not-ours")
    with pytest.raises(OAuthError) as info:
        await anext(flow)
    assert info.value.code == "state_mismatch"
    assert store.load("m365") is None


async def test_server_verifies_pkce(auth_server: AuthServer, cafile: str) -> None:
    """The test server's PKCE check is real: a code with the wrong verifier is refused."""
    from tests.oauth_server import CLIENT_ID

    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cafile)) as http:
        redirect = "http://127.0.0.1:9/"
        resp = await http.get(f"{auth_server.base}/authorize", params={
            "client_id": CLIENT_ID, "response_type": "code", "redirect_uri": redirect,
            "code_challenge": "x" * 43, "code_challenge_method": "S256", "state": "s"})
        code = httpx.URL(resp.headers["Location"]).params["code"]
        token = await http.post(f"{auth_server.base}/token", data={
            "grant_type": "authorization_code", "client_id": CLIENT_ID, "code": code,
            "redirect_uri": redirect, "code_verifier": "y" * 43})
    assert token.status_code == 400
    assert token.json()["error_description"] == "PKCE verification failed"
