"""Token storage: the system keyring when there is one, else a private file; the profiles
file only names sign-ins; unit checks of the sign-in tables and error words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from smtptui.oauth.account import AccountError, parse_account
from smtptui.oauth.errors import explain
from smtptui.oauth.store import KEYRING_SERVICE, TokenStore
from smtptui.oauth.tokens import Tokens
from smtptui.profiles.errors import ProfilesError
from smtptui.profiles.secrets import OAuthSource
from smtptui.profiles.store import load

TOKENS = Tokens(account="m365", provider="microsoft", access_token="at-123456789",
                refresh_token="rt-abcdefghi", expires_at=2e9, scopes=("a", "b"),
                user="ops@acme.test")


@pytest.fixture
def memory_keyring() -> Iterator[dict[tuple[str, str], str]]:
    import keyring
    import keyring.backend

    entries: dict[tuple[str, str], str] = {}
    base: Any = keyring.backend.KeyringBackend

    class Memory(base):  # type: ignore[misc]
        priority = 1

        def get_password(self, service: str, username: str) -> str | None:
            return entries.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            entries[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del entries[(service, username)]

    before = keyring.get_keyring()
    memory: Any = Memory
    keyring.set_keyring(memory())
    yield entries
    keyring.set_keyring(before)


def test_keyring_when_available(tmp_path: Path,
                                memory_keyring: dict[tuple[str, str], str]) -> None:
    store = TokenStore(tmp_path)
    assert store.save(TOKENS) == "the system keyring (Memory)"
    assert json.loads(memory_keyring[(KEYRING_SERVICE, "m365")])["refresh_token"] == (
        "rt-abcdefghi")
    assert list(tmp_path.iterdir()) == []  # nothing on disk
    assert store.load("m365") == TOKENS
    assert store.delete("m365") == ["the system keyring"]
    assert store.load("m365") is None and memory_keyring == {}


def test_file_when_no_keyring(tmp_path: Path, no_keyring: None) -> None:
    store = TokenStore(tmp_path / "oauth")
    assert store.save(TOKENS) == str(tmp_path / "oauth" / "m365.json")
    assert (tmp_path / "oauth" / "m365.json").stat().st_mode & 0o777 == 0o600
    assert store.load("m365") == TOKENS
    odd = Tokens(account="../../etc/x", provider="generic", access_token="at-zzzzzzzz")
    assert Path(store.save(odd)).parent == tmp_path / "oauth"  # a name is never a path


def test_tokens_hide_in_repr() -> None:
    assert "at-123456789" not in repr(TOKENS) and "rt-abcdefghi" not in repr(TOKENS)


def test_profiles_file_names_the_sign_in_only(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[oauth.m365]\nprovider = "microsoft"\ntenant = "contoso.example"\n'
                    'client_id = "cid"\n\n[[profile]]\nname = "M"\nhost = "smtp.office365.com"\n'
                    'username = "ops@contoso.example"\npassword = { oauth = "m365" }\n')
    pf = load(path)
    assert pf.warnings == []
    profile = pf.get("M")
    assert isinstance(profile.password, OAuthSource) and profile.password.account is not None
    account = profile.password.account
    assert account.token_endpoint == (
        "https://login.microsoftonline.com/contoso.example/oauth2/v2.0/token")
    assert account.scopes == ("https://outlook.office.com/SMTP.Send", "offline_access")
    assert account.flow == "device"
    assert profile.describe()["password"] == "oauth:m365"
    pf.save()  # round trip keeps the sign-in table and the source as written
    assert load(path).get("M") == profile
    assert '[oauth.m365]' in path.read_text()


def test_a_missing_sign_in_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[[profile]]\nname = "M"\nhost = "h"\nusername = "u"\n'
                    'password = { oauth = "m365" }\n')
    with pytest.raises(ProfilesError) as info:
        load(path)
    assert info.value.problems == [
        'profile "M": password.oauth names "m365", but there is no [oauth.m365] table']


@pytest.mark.parametrize(("table", "problem"), [
    ({"provider": "yahoo", "client_id": "x"},
     "[oauth.n]: provider must be one of microsoft, google, generic, got 'yahoo'"),
    ({"provider": "google"}, "[oauth.n]: client_id is required. In the Google Cloud console"),
    ({"provider": "generic", "client_id": "x", "token_endpoint": "https://i/t"},
     '[oauth.n]: scopes is required for provider = "generic"'),
    ({"provider": "generic", "client_id": "x", "scopes": ["s"],
      "token_endpoint": "http://idp.example/t"},
     "[oauth.n]: token_endpoint must be an https:// URL, got 'http://idp.example/t'"),
    ({"provider": "generic", "client_id": "x", "scopes": ["s"],
      "token_endpoint": "https://i/t"},
     '[oauth.n]: flow = "code" needs authorization_endpoint'),
    ({"provider": "google", "client_id": "x", "tenant": "t"},
     '[oauth.n]: tenant applies only to provider = "microsoft"'),
    ({"provider": "microsoft", "client_id": "x", "scopes": []},
     "[oauth.n]: scopes must be a non-empty list of scope strings"),
    ({"provider": "microsoft", "client_id": "x", "colour": "red"},
     "[oauth.n]: unknown key 'colour'; allowed: provider, client_id"),
])
def test_sign_in_table_problems(table: dict[str, Any], problem: str) -> None:
    with pytest.raises(AccountError) as info:
        parse_account("n", table)
    assert str(info.value).startswith(problem)


def test_google_says_why_its_refresh_tokens_expire() -> None:
    desc = "Token has been expired or revoked."
    assert str(explain("g", "refresh", "invalid_grant", desc, "google")).endswith(
        "revoked or has expired (Google: after 7 days for apps in Testing). Sign in again: "
        "smtptui oauth login g")
    assert "Google" not in str(explain("g", "refresh", "invalid_grant", desc, "generic"))


@pytest.mark.parametrize(("error", "description", "words"), [
    ("invalid_grant", "AADSTS700082: The refresh token has expired due to inactivity.",
     "(invalid_grant, AADSTS700082): the refresh token expired after 90 days without use. "
     "Sign in again: smtptui oauth login m365"),
    ("invalid_grant", "AADSTS65001: The user or administrator has not consented",
     "consent was withdrawn. Grant consent for the app's SMTP.Send permission"),
    ("invalid_client", "AADSTS7000218: The request body must contain client_assertion",
     "set 'Allow public client flows' to Yes"),
    ("invalid_grant", None, "(invalid_grant): the refresh token or code is no longer valid "
     "(revoked, expired, or consent withdrawn). Sign in again"),
    ("server_error", "Something odd. Trace ID: 1", "(server_error): Something odd"),
])
def test_errors_in_plain_words(error: str, description: str | None, words: str) -> None:
    message = str(explain("m365", "refresh", error, description))
    assert message.startswith('OAuth sign-in "m365": refresh failed ')
    assert words in message
    assert "Trace ID" not in message


async def test_profiles_add_with_oauth(tmp_path: Path) -> None:
    from tests.test_cli_probe import smtptui

    path = tmp_path / "p.toml"
    path.write_text('[oauth.m365]\nprovider = "microsoft"\nclient_id = "cid"\n')
    add = ["--profiles", str(path), "profiles", "add", "M", "--host", "smtp.office365.com",
           "--user", "ops@contoso.example"]
    code, _, err = await smtptui(*add, "--oauth", "m365")
    assert code == 0, err
    assert 'password = { oauth = "m365" }' in path.read_text()
    assert isinstance(load(path).get("M").password, OAuthSource)
    code, _, err = await smtptui(*add[:4], "N", *add[5:], "--oauth", "nope")
    assert code == 2
    assert 'password.oauth names "nope", but there is no [oauth.nope] table' in err
    assert "N" not in load(path)


def test_google_preset_uses_the_browser_flow() -> None:
    account = parse_account("g", {"provider": "google", "client_id": "x.apps.googleusercontent"
                                  ".com", "client_secret": "GOCSPX-desktop"})
    assert (account.flow, account.scopes) == ("code", ("https://mail.google.com/",))
    assert account.revocation_endpoint == "https://oauth2.googleapis.com/revoke"
    assert account.secrets == ("GOCSPX-desktop",)  # kept out of output like a token


def test_qr_code_only_where_it_fits() -> None:
    from smtptui.oauth.qr import terminal_qr

    url = "https://microsoft.com/devicelogin"
    code = terminal_qr(url, 80, 40, "utf-8")
    assert code is not None and "▀" in code
    width = len(code.splitlines()[0])
    assert terminal_qr(url, width, 40, "utf-8") == code
    assert terminal_qr(url, width - 1, 40, "utf-8") is None  # too narrow
    assert terminal_qr(url, 80, 12, "utf-8") is None  # too short
    assert terminal_qr(url, 80, 40, "ascii") is None  # cannot draw the blocks
