"""`smtptui oauth login|status|logout` as real processes against the loopback server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import ssl
import sys
from pathlib import Path

import httpx2 as httpx

from smtptui.oauth.account import Account
from smtptui.oauth.flows import device_flow
from smtptui.oauth.store import TokenStore
from tests.conftest import CANARY, USER
from tests.oauth_fixtures import write_profiles
from tests.oauth_server import AuthServer
from tests.test_cli_probe import smtptui


async def test_login_with_the_device_flow(auth_server: AuthServer, store: TokenStore,
                                          state_dir: Path, profiles_path: Path,
                                          cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25)
    code, out, err = await smtptui("--profiles", str(profiles_path), "oauth", "login", "m365")
    assert code == 0, err
    assert out == ""  # for people: stderr
    assert f"open\n\n    {auth_server.base}/device\n\nand enter the code  " in err
    assert f"Signed in as {USER}: access token valid for 60 min (refreshed automatically)" in err
    assert f"stored in {state_dir / 'oauth' / 'm365.json'}." in err
    tokens = store.load("m365")
    assert tokens is not None and tokens.user == USER


class Interactive:
    """A CLI process whose stderr is read as it comes and whose stdin is written to."""

    def __init__(self, proc: asyncio.subprocess.Process) -> None:
        self.proc = proc
        self.err = ""

    @classmethod
    async def start(cls, *args: str) -> Interactive:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "smtptui", *args, env={**os.environ, "NO_COLOR": "1"},
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE)
        return cls(proc)

    async def until(self, pattern: str) -> re.Match[str]:
        assert self.proc.stderr is not None
        while not (found := re.search(pattern, self.err)):
            line = await asyncio.wait_for(self.proc.stderr.readline(), 30)
            assert line, f"the process ended before {pattern!r}: {self.err}"
            self.err += line.decode()
        return found

    async def finish(self) -> tuple[int, str, str]:
        out, rest = await asyncio.wait_for(self.proc.communicate(), 30)
        self.err += rest.decode()
        assert CANARY not in out.decode() + self.err
        assert self.proc.returncode is not None
        return self.proc.returncode, out.decode(), self.err


async def test_login_with_the_browser_and_loopback_redirect(
        auth_server: AuthServer, store: TokenStore, profiles_path: Path, cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25, flow="code")
    cli = await Interactive.start("--profiles", str(profiles_path), "oauth", "login", "m365",
                                  "--no-browser")
    url = (await cli.until(r"sign in:\n\n    (\S+)\n")).group(1)
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cafile)) as browser:
        at_provider = await browser.get(url)
        page = await browser.get(at_provider.headers["Location"])
    assert "Signed in" in page.text
    code, _, err = await cli.finish()
    assert code == 0, err
    assert f"Signed in as {USER}" in err
    assert store.load("m365") is not None


async def test_login_over_ssh_by_pasting_the_address(
        auth_server: AuthServer, store: TokenStore, profiles_path: Path, cafile: str) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25, flow="device")
    cli = await Interactive.start("--profiles", str(profiles_path), "oauth", "login", "m365",
                                  "--flow", "code", "--no-browser")
    url = (await cli.until(r"sign in:\n\n    (\S+)\n")).group(1)
    await cli.until(r"paste it here and press Enter")
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=cafile)) as browser:
        location = (await browser.get(url)).headers["Location"]  # not loaded: other machine
    assert cli.proc.stdin is not None
    cli.proc.stdin.write(location.encode() + b"\n")
    await cli.proc.stdin.drain()
    code, _, err = await cli.finish()
    assert code == 0, err
    assert store.load("m365") is not None


async def test_status_and_logout(account: Account, auth_server: AuthServer, store: TokenStore,
                                 profiles_path: Path, cafile: str, state_dir: Path) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25)
    code, out, _ = await smtptui("--profiles", str(profiles_path), "oauth", "status", "m365")
    assert code == 1
    assert out == "m365 (generic): not signed in (smtptui oauth login m365)\n"
    async for _ in device_flow(account, store):
        pass
    tokens = store.load("m365")
    assert tokens is not None
    code, out, _ = await smtptui("--profiles", str(profiles_path), "oauth", "status", "--json")
    assert code == 0
    row = json.loads(out)["sign_ins"][0]
    assert row["signed_in"] and row["user"] == USER and row["refresh_token"] is True
    assert row["scopes"] == ["https://outlook.office.com/SMTP.Send", "offline_access"]
    assert 3500 < row["expires_in"] <= 3600
    code, out, _ = await smtptui("--profiles", str(profiles_path), "oauth", "status")
    assert re.fullmatch(
        rf"m365 \(generic\): signed in as {USER}; access token expires \S+ \S+ \(in 60 min\); "
        r"refresh token kept; scopes https://outlook.office.com/SMTP.Send offline_access; "
        rf"stored in {state_dir}/oauth/m365.json\n", out)
    code, out, err = await smtptui("--profiles", str(profiles_path), "oauth", "logout", "m365")
    assert code == 0, err
    assert tokens.refresh_token in auth_server.revoked
    assert f"Revoked at {auth_server.base}/revoke." in err
    assert f"Forgot the tokens in {state_dir}/oauth/m365.json." in err
    assert store.load("m365") is None


async def test_a_token_file_others_can_read_is_refused(
        account: Account, auth_server: AuthServer, store: TokenStore, profiles_path: Path,
        cafile: str, state_dir: Path) -> None:
    async for _ in device_flow(account, store):
        pass
    path = state_dir / "oauth" / "m365.json"
    path.chmod(0o644)
    write_profiles(profiles_path, auth_server, cafile, 25)
    code, out, err = await smtptui("--profiles", str(profiles_path), "oauth", "status", "m365")
    assert code == 1
    assert err == (f"smtptui: {path} has mode 0644: others may read the tokens in it, so it "
                   f"is not used. Run: chmod 600 {path} (and sign in again if anyone could "
                   "have read it)\n")


async def test_unknown_sign_in(profiles_path: Path, auth_server: AuthServer, cafile: str,
                               state_dir: Path) -> None:
    write_profiles(profiles_path, auth_server, cafile, 25)
    code, _, err = await smtptui("--profiles", str(profiles_path), "oauth", "login", "gmail")
    assert code == 2
    assert err == ("smtptui: no [oauth.gmail] sign-in in the profiles file (known: m365); "
                   "add one like:\n\n"
                   "    [oauth.gmail]\n"
                   '    provider = "microsoft"   # or "google", "generic"\n'
                   '    tenant = "contoso.onmicrosoft.com"\n'
                   '    client_id = "..."\n')
    assert "; provider" not in err
    (profiles_path.parent / "none.toml").write_text("")
    code, out, err = await smtptui("--profiles", str(profiles_path.parent / "none.toml"),
                                   "oauth", "status")
    assert (code, out) == (0, "")
    assert err.startswith("No [oauth.NAME] sign-ins in the profiles file. Add one like:\n\n"
                          "    [oauth.NAME]\n    provider = ")
