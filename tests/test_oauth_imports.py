"""OAuth is an optional extra: nothing loads authlib/httpx2/segno unless OAuth is used."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
from pathlib import Path

from smtptui.oauth.account import Account
from smtptui.oauth.flows import device_flow
from smtptui.oauth.store import TokenStore
from tests.oauth_fixtures import write_profiles
from tests.oauth_server import AuthServer

HEAVY = ("authlib", "httpx2", "httpcore2", "segno", "anyio")


def heavy_after(args: list[str]) -> list[str]:
    """Run the CLI in a fresh interpreter; which OAuth libraries did it import?"""
    code = ("import sys\nfrom smtptui.cli import main\nmain(sys.argv[1:])\n"
            f"print(sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r})))")
    out = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                         timeout=60)
    return eval(out.stdout.strip().splitlines()[-1])  # a list literal we printed


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_probe_host_does_not_import_the_oauth_libraries() -> None:
    port = str(closed_port())
    assert heavy_after(["probe", "--host", "127.0.0.1", "--port", port, "--json"]) == []


async def test_only_the_oauth_path_imports_them(
        profiles_path: Path, auth_server: AuthServer, cafile: str, account: Account,
        store: TokenStore) -> None:
    port = closed_port()
    write_profiles(profiles_path, auth_server, cafile, port)
    # the file has an [oauth.m365] sign-in; a probe without it does not pay for it
    assert heavy_after(["--profiles", str(profiles_path), "probe", "--host", "127.0.0.1",
                        "--port", str(port)]) == []
    # the profile uses it, not signed in: the token source runs, without HTTP
    assert heavy_after(["--profiles", str(profiles_path), "probe", "M365 relay"]) == []
    # signed in with a token to refresh: now the client is needed, and loaded
    auth_server.access_lifetime = 10.0
    async for _ in device_flow(account, store):
        pass
    assert "authlib" in await asyncio.to_thread(
        heavy_after, ["--profiles", str(profiles_path), "probe", "M365 relay"])
