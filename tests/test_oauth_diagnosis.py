"""A rejected token explained by its own claims and the server's challenge: wrong resource,
wrong scope, wrong user, expired. Over the loopback server and the relay that checks it."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from smtptui.demo.relay import Relay
from smtptui.diagnose.token_claims import findings
from smtptui.oauth.account import Account
from smtptui.oauth.flows import device_flow
from smtptui.oauth.store import TokenStore
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport
from tests.conftest import CANARY, USER
from tests.oauth_server import AuthServer, jwt
from tests.servers import Conn, RawFactory, smtp_loop

ConfigFor = Callable[..., ProbeConfig]


async def token_from(account: Account, store: TokenStore) -> str:
    async for _ in device_flow(account, store):
        pass
    tokens = store.load("m365")
    assert tokens is not None
    return tokens.access_token


async def probe_with(token: str, relay: Relay, config_for: ConfigFor,
                     mech: str = "xoauth2") -> ProbeReport:
    report = await probe(config_for(relay.port, password=None, oauth_token=Secret(token),
                                    auth=mech))
    assert CANARY not in json.dumps(report.to_json()) and CANARY not in repr(report)
    return report


def auth_diagnosis(report: ProbeReport) -> tuple[str, str, str]:
    auth = report.stage("auth")
    assert auth is not None and auth.status == "fail" and auth.diagnosis is not None
    return auth.diagnosis.kind, auth.diagnosis.summary, auth.diagnosis.advice


async def test_token_for_microsoft_graph(account: Account, auth_server: AuthServer,
                                         store: TokenStore, oauth_relay: Relay,
                                         config_for: ConfigFor) -> None:
    auth_server.audience = "https://graph.microsoft.com"
    auth_server.issue_scope = "https://graph.microsoft.com/Mail.Send offline_access"
    report = await probe_with(await token_from(account, store), oauth_relay, config_for)
    kind, summary, advice = auth_diagnosis(report)
    assert kind == "auth_token_mismatch"
    assert summary.startswith(
        "The server rejected the OAuth token: the token is for Microsoft Graph, not "
        "https://outlook.office.com; sign in again with the SMTP.Send scope; the server's "
        "challenge asks for https://outlook.office.com/SMTP.Send — 535 5.7.8 ")
    assert "https://outlook.office.com/SMTP.Send offline_access" in advice


async def test_token_without_the_smtp_scope(account: Account, auth_server: AuthServer,
                                            store: TokenStore, oauth_relay: Relay,
                                            config_for: ConfigFor) -> None:
    auth_server.issue_scope = "https://outlook.office.com/IMAP.AccessAsUser.All offline_access"
    report = await probe_with(await token_from(account, store), oauth_relay, config_for,
                              "oauthbearer")
    _, summary, _ = auth_diagnosis(report)
    assert ("the token's scopes are IMAP.AccessAsUser.All, without SMTP.Send; sign in again "
            "with the scope https://outlook.office.com/SMTP.Send; the server's challenge asks "
            "for https://outlook.office.com/SMTP.Send") in summary


async def test_token_of_another_user(account: Account, auth_server: AuthServer,
                                     store: TokenStore, oauth_relay: Relay,
                                     config_for: ConfigFor) -> None:
    auth_server.user = "bob@acme.test"  # bob signed in at the device page
    report = await probe_with(await token_from(account, store), oauth_relay, config_for)
    kind, summary, advice = auth_diagnosis(report)
    assert summary.startswith("The server rejected the OAuth token: the token belongs to "
                              f"bob@acme.test, the login is {USER}")
    assert advice.startswith("Sign in with the account you log in as")


def test_every_finding_at_once_most_telling_first() -> None:
    token = jwt({"aud": "https://graph.microsoft.com", "scp": "Mail.Send",
                 "upn": "bob@acme.test", "exp": 1})
    found = findings(token, USER, '{"status":"401","scope":"https://outlook.office.com/SMTP'
                     '.Send"}', now=61.0)
    assert [v for v, _ in found] == ["expired", "audience", "user", "challenge"]


async def test_a_good_token_is_accepted(account: Account, auth_server: AuthServer,
                                        store: TokenStore, oauth_relay: Relay,
                                        config_for: ConfigFor) -> None:
    """The control: the same relay takes a token of the right user, resource and scope."""
    report = await probe_with(await token_from(account, store), oauth_relay, config_for)
    assert report.ok


def test_expired_and_opaque_tokens() -> None:
    now = time.time()
    token = jwt({"aud": "https://outlook.office.com", "scp": "SMTP.Send", "upn": USER,
                 "exp": int(now - 600)})
    assert findings(token, USER, "", server_is_microsoft=True, now=now) == [
        ("expired", f"the token expired at "
         f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(int(now - 600)))} "
         "(10 min ago); get a fresh one")]
    assert findings("ya29.opaque-google-token", USER, '{"status":"400"}') == []


@pytest.mark.parametrize("aud", ["00000002-0000-0ff1-ce00-000000000000",
                                 "https://outlook.office365.com"])
def test_other_names_of_exchange_online_are_the_right_resource(aud: str) -> None:
    token = jwt({"aud": aud, "scp": "SMTP.Send", "upn": USER, "exp": 2**40})
    assert findings(token, USER.upper(), '{"scope":"https://outlook.office.com/SMTP.Send"}') == []


async def test_the_refresh_token_is_redacted_too(account: Account, store: TokenStore,
                                                 raw_server: RawFactory) -> None:
    """The probe never sends the refresh token, but it knows it: a server quoting it (a
    leak elsewhere, a hostile relay) finds it redacted in every report."""
    from smtptui.profiles.secrets import OAuthSource

    await token_from(account, store)
    tokens = store.load("m365")
    assert tokens is not None and tokens.refresh_token
    secret = OAuthSource("m365", account).resolve("test")
    assert secret.reveal() == tokens.access_token
    refresh = tokens.refresh_token

    async def handler(conn: Conn) -> None:
        await conn.send(f"220 relay.test ready {refresh}")
        await smtp_loop(conn, {"EHLO": (f"250-relay.test {refresh}", "250 8BITMIME"),
                               "QUIT": "221 bye"})

    server = await raw_server(handler)
    config = ProbeConfig(host="127.0.0.1", port=server.port, tls="none", username=USER,
                         oauth_token=secret, stop_after="ehlo", timeout=5.0)
    assert refresh in config.secrets
    report = await probe(config)
    text = json.dumps(report.to_json())
    assert refresh not in text
    assert "220 relay.test ready <redacted>" in [line.text for line in report.transcript]
