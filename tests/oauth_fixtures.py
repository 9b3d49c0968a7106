"""OAuth fixtures (pytest plugin): the loopback authorization server, a token store in a
temporary state dir, a relay that accepts only that server's tokens, profiles using them."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from smtptui.demo.relay import Relay
from smtptui.oauth.account import Account, parse_account
from smtptui.oauth.store import TokenStore
from tests import oauth_server
from tests.conftest import USER, RelayFactory
from tests.oauth_server import AuthServer


@pytest.fixture
def auth_server(server_ctx: ssl.SSLContext) -> Iterator[AuthServer]:
    state, httpd, thread = oauth_server.start(server_ctx, AuthServer(user=USER))
    yield state
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def no_keyring() -> Iterator[None]:
    """No keyring backend (as over SSH or in cron): tokens go to the 0600 file."""
    import keyring
    import keyring.backends.fail

    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_keyring: None) -> Path:
    path = tmp_path / "state"
    monkeypatch.setenv("SMTPTUI_STATE_DIR", str(path))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    return path


@pytest.fixture
def store(state_dir: Path) -> TokenStore:
    return TokenStore()


@pytest.fixture
def account(auth_server: AuthServer, cafile: str) -> Account:
    return parse_account("m365", auth_server.account_table(cafile=cafile))


@pytest.fixture
async def oauth_relay(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                      auth_server: AuthServer) -> Relay:
    """STARTTLS relay offering XOAUTH2/OAUTHBEARER, accepting only live tokens of the server."""
    return await relay_factory(starttls=server_ctx, users={},
                               auth_mechanisms=("XOAUTH2", "OAUTHBEARER"),
                               token_check=auth_server.check)


def write_profiles(path: Path, auth_server: AuthServer, cafile: str, port: int,
                   **account: Any) -> Path:
    """A profiles file with ``[oauth.m365]`` and a profile "M365 relay" using it."""
    doc = {"oauth": {"m365": auth_server.account_table(cafile=cafile, **account)},
           "profile": [{"name": "M365 relay", "host": "127.0.0.1", "port": port,
                        "tls": "starttls", "username": USER, "cafile": cafile,
                        "timeout": 5, "password": {"oauth": "m365"}}]}
    path.write_text(tomli_w.dumps(doc))
    return path
