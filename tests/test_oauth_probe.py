"""Probes with `password = { oauth = "NAME" }` and `--oauth NAME`: the token is refreshed
before AUTH, and when it cannot be, the probe says exactly why."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from smtptui.demo.relay import Relay
from smtptui.oauth.account import Account
from smtptui.oauth.flows import device_flow
from smtptui.oauth.store import TokenStore
from tests.conftest import USER
from tests.oauth_fixtures import write_profiles
from tests.oauth_server import AuthServer
from tests.test_cli_probe import smtptui


async def sign_in(account: Account, store: TokenStore) -> None:
    async for _ in device_flow(account, store):
        pass


def auth_stage(doc: dict[str, object]) -> dict[str, object]:
    stages = doc["stages"]
    assert isinstance(stages, list)
    return next(s for s in stages if s["stage"] == "auth")


async def test_probe_refreshes_an_expired_token(
        account: Account, auth_server: AuthServer, store: TokenStore, oauth_relay: Relay,
        profiles_path: Path, cafile: str) -> None:
    auth_server.access_lifetime = -30.0  # signed in long ago: the access token has expired
    await sign_in(account, store)
    old = store.load("m365")
    assert old is not None and not old.fresh()
    assert auth_server.check(USER, old.access_token) is not None  # the relay would refuse it
    auth_server.access_lifetime = 3600.0
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    code, out, err = await smtptui("probe", "M365 relay", "--profiles", str(profiles_path),
                                   "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert auth_stage(doc)["status"] == "pass"
    assert [p for p, f in auth_server.requests if f.get("grant_type") == "refresh_token"]
    new = store.load("m365")
    assert new is not None and new.fresh() and new.access_token != old.access_token
    assert new.refresh_token != old.refresh_token  # rotated, and the new one kept
    assert "XOAUTH2" in doc["extensions"]["AUTH"]
    for secret in (*old.secrets, *new.secrets):
        assert secret not in out and secret not in err


async def test_a_fresh_token_is_used_without_refreshing(
        account: Account, auth_server: AuthServer, store: TokenStore, oauth_relay: Relay,
        cafile: str, profiles_path: Path) -> None:
    await sign_in(account, store)
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    code, out, err = await smtptui("probe", "--host", "127.0.0.1", "--port",
                                   str(oauth_relay.port), "--cafile", cafile, "--user", USER,
                                   "--oauth", "m365", "--profiles", str(profiles_path))
    assert code == 0, err
    assert not [p for p, f in auth_server.requests if f.get("grant_type") == "refresh_token"]


async def test_revoked_refresh_token(
        account: Account, auth_server: AuthServer, store: TokenStore, oauth_relay: Relay,
        profiles_path: Path, cafile: str) -> None:
    auth_server.access_lifetime = 10.0  # within the refresh margin
    await sign_in(account, store)
    auth_server.revoke_all()
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    code, out, err = await smtptui("probe", "M365 relay", "--profiles", str(profiles_path),
                                   "--json")
    assert code == 1  # everything up to AUTH was tested; the credentials are what failed
    reason = ('OAuth sign-in "m365": refresh failed (invalid_grant): the refresh token was '
              "revoked or has expired. Sign in again: smtptui oauth login m365")
    assert reason in err
    doc = json.loads(out)
    auth = auth_stage(doc)
    assert auth["status"] == "fail"
    assert reason in auth["diagnosis"]["summary"]
    assert auth["diagnosis"]["kind"] == "auth_secret_unavailable"
    assert [s["status"] for s in doc["stages"][:6]] == ["pass"] * 6  # up to the 2nd EHLO
    assert not [e for e in oauth_relay.log if e.verb == "AUTH"]  # nothing was sent


async def test_aadsts_code_in_plain_words(
        account: Account, auth_server: AuthServer, store: TokenStore, oauth_relay: Relay,
        profiles_path: Path, cafile: str) -> None:
    auth_server.access_lifetime = 10.0
    await sign_in(account, store)
    auth_server.refresh_error = (
        "invalid_grant", "AADSTS50173: The provided grant has expired due to it being "
        "revoked, a fresh auth token is needed. Trace ID: 0f1e Correlation ID: 2a3b")
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    code, _, err = await smtptui("probe", "M365 relay", "--profiles", str(profiles_path))
    assert code == 1
    assert ('refresh failed (invalid_grant, AADSTS50173): the refresh token was revoked '
            "(password changed or reset, or sessions revoked by an admin). Sign in again: "
            "smtptui oauth login m365") in err
    assert "Trace ID" not in err


async def test_not_signed_in(auth_server: AuthServer, store: TokenStore, oauth_relay: Relay,
                             profiles_path: Path, cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, oauth_relay.port)
    code, _, err = await smtptui("probe", "M365 relay", "--profiles", str(profiles_path))
    assert code == 1
    assert ('OAuth sign-in "m365": not signed in yet. Run: smtptui oauth login m365') in err


async def test_unknown_sign_in_is_bad_input(profiles_path: Path, auth_server: AuthServer,
                                            cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25)
    code, _, err = await smtptui("probe", "--host", "127.0.0.1", "--user", USER, "--oauth",
                                 "nope", "--profiles", str(profiles_path))
    assert code == 2
    assert err.strip() == (f"smtptui: --oauth nope: no [oauth.nope] sign-in in "
                           f"{profiles_path} (known: m365)")


async def test_without_the_oauth_extra(account: Account, auth_server: AuthServer,
                                       store: TokenStore,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """authlib missing: one line saying which extra to install, not a traceback."""
    from smtptui.profiles.errors import TokenUnavailable
    from smtptui.profiles.secrets import OAuthSource

    auth_server.access_lifetime = 10.0
    await sign_in(account, store)
    for name in [m for m in sys.modules if m.split(".")[0] == "authlib"]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "authlib", None)  # `import authlib...` now fails
    with pytest.raises(TokenUnavailable) as info:
        await asyncio.to_thread(OAuthSource("m365", account).resolve, "label")
    assert str(info.value) == ("label: OAuth sign-in needs the optional packages authlib and "
                               "httpx2: pip install 'smtptui[oauth]'")
