"""The exporter over real HTTP against loopback relays: what a scrape may ask for,
shared probes, the scrape deadline, its own metrics, basic auth and TLS."""

from __future__ import annotations

import asyncio
import base64
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
import trustme

from tests.conftest import CANARY, RelayFactory
from tests.relay_profiles import PASSWORD_VAR, write_profiles

Start = Callable[..., Awaitable[str]]


@pytest.fixture
async def start_exporter(tmp_path: Path, cafile: str, monkeypatch: pytest.MonkeyPatch
                         ) -> AsyncIterator[Start]:
    """Start an exporter over profiles for ``relays`` (name -> port); returns its base URL."""
    from smtptui.exporter.app import Exporter
    from smtptui.exporter.http import HTTPServer
    from smtptui.exporter.targets import Targets, load_targets

    monkeypatch.setenv(PASSWORD_VAR, CANARY)
    servers: list[HTTPServer] = []

    async def start(relays: dict[str, int], web: object = None, **kwargs: object) -> str:
        path = write_profiles(tmp_path / "profiles.toml", cafile, relays)
        exporter = Exporter(Targets(path, load_targets(path)), web=web, **kwargs)  # type: ignore[arg-type]
        server = HTTPServer(exporter.handle)
        servers.append(server)
        start.exporter = exporter  # type: ignore[attr-defined]
        tls = getattr(web, "tls", None)
        port = await server.start("127.0.0.1", 0, tls)
        return f"{'https' if tls else 'http'}://127.0.0.1:{port}"

    yield start
    for server in servers:
        await server.close()


def get(url: str, headers: dict[str, str] | None = None,
        context: ssl.SSLContext | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=20, context=context) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


async def aget(url: str, **kwargs: object) -> tuple[int, str]:
    return await asyncio.to_thread(get, url, **kwargs)  # type: ignore[arg-type]


async def test_only_saved_profiles_can_be_probed(relay_factory: RelayFactory,
                                                 server_ctx: ssl.SSLContext,
                                                 start_exporter: Start) -> None:
    relay = await relay_factory(starttls=server_ctx)
    url = await start_exporter({"main": relay.port})
    assert (await aget(f"{url}/probe?profile=nope"))[0] == 400
    status, body = await aget(f"{url}/probe?target=127.0.0.1:25")
    assert status == 400 and "only saved profiles" in body
    assert (await aget(f"{url}/probe?client=Nobody"))[0] == 400
    assert (await aget(f"{url}/probe"))[0] == 400
    assert (await aget(f"{url}/probe?profile=main&profile=main"))[0] == 400
    assert relay.connections == 0  # nothing above reached a relay
    status, body = await aget(f"{url}/probe?client=Acme")
    assert status == 200 and 'probe_success{profile="main"} 1.0' in body
    own = (await aget(f"{url}/metrics"))[1]
    assert 'smtptui_exporter_requests_total{code="400",endpoint="probe"} 5.0' in own
    assert 'smtptui_exporter_requests_total{code="200",endpoint="probe"} 1.0' in own
    assert "process_resident_memory_bytes" in own
    assert CANARY not in body + own


async def test_concurrent_scrapes_share_the_running_probe(relay_factory: RelayFactory,
                                                          server_ctx: ssl.SSLContext,
                                                          start_exporter: Start) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.5)
    url = await start_exporter({"slow": relay.port})
    bodies = await asyncio.gather(*(aget(f"{url}/probe?profile=slow") for _ in range(3)))
    assert all('probe_success{profile="slow"} 1.0' in b for _s, b in bodies)
    assert relay.connections == 1
    own = (await aget(f"{url}/metrics"))[1]
    assert "smtptui_exporter_shared_probes_total 2.0" in own


async def test_the_scrape_timeout_is_kept(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                                          start_exporter: Start) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=30)
    url = await start_exporter({"silent": relay.port})
    status, body = await aget(f"{url}/probe?profile=silent",
                              headers={"X-Prometheus-Scrape-Timeout-Seconds": "1.5"})
    assert status == 200
    assert 'probe_success{profile="silent"} 0.0' in body
    assert 'probe_duration_seconds{profile="silent"} 1.0' in body or (
        'smtptui_stage_success{profile="silent",stage="greeting"} 0.0' in body)
    assert (await aget(f"{url}/probe?profile=silent",
                       headers={"X-Prometheus-Scrape-Timeout-Seconds": "soon"}))[0] == 400


async def test_an_internal_error_is_500_and_counted(relay_factory: RelayFactory,
                                                    server_ctx: ssl.SSLContext,
                                                    start_exporter: Start) -> None:
    relay = await relay_factory(starttls=server_ctx)
    url = await start_exporter({"main": relay.port})

    async def broken(*_args: object) -> object:
        raise RuntimeError("a bug")

    start_exporter.exporter.prober.run = broken  # type: ignore[attr-defined]
    assert (await aget(f"{url}/probe?profile=main"))[0] == 500
    own = (await aget(f"{url}/metrics"))[1]
    assert "smtptui_exporter_internal_errors_total 1.0" in own


async def test_basic_auth_and_tls_from_a_web_config(relay_factory: RelayFactory,
                                                    server_ctx: ssl.SSLContext, ca: trustme.CA,
                                                    cafile: str, tmp_path: Path,
                                                    start_exporter: Start) -> None:
    import bcrypt

    from smtptui.exporter.webconfig import load_web_config

    relay = await relay_factory(starttls=server_ctx)
    leaf = ca.issue_cert("127.0.0.1")
    leaf.cert_chain_pems[0].write_to_path(str(tmp_path / "cert.pem"))
    leaf.private_key_pem.write_to_path(str(tmp_path / "key.pem"))
    hashed = bcrypt.hashpw(b"scrape-secret", bcrypt.gensalt(4)).decode()
    (tmp_path / "web.yml").write_text(
        f"basic_auth_users:\n  prometheus: '{hashed}'\n"
        "tls_server_config:\n  cert_file: cert.pem\n  key_file: key.pem\n")
    url = await start_exporter({"main": relay.port}, web=load_web_config(tmp_path / "web.yml"))
    client = ssl.create_default_context(cafile=cafile)
    assert (await aget(f"{url}/metrics", context=client))[0] == 401
    wrong = base64.b64encode(b"prometheus:guess").decode()
    assert (await aget(f"{url}/metrics", context=client,
                       headers={"Authorization": f"Basic {wrong}"}))[0] == 401
    good = {"Authorization": "Basic " + base64.b64encode(b"prometheus:scrape-secret").decode()}
    status, body = await aget(f"{url}/probe?profile=main", context=client, headers=good)
    assert status == 200 and 'probe_success{profile="main"} 1.0' in body
    own = (await aget(f"{url}/metrics", context=client, headers=good))[1]
    assert "smtptui_exporter_auth_failures_total 2.0" in own


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smtptui", "exporter", *args],
                          capture_output=True, text=True, timeout=60)


def test_a_non_loopback_listen_needs_a_web_config(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text('[[profile]]\nname = "a"\nhost = "127.0.0.1"\n')
    out = run_cli("--profiles", str(tmp_path / "p.toml"), "--listen", "0.0.0.0:9525")
    assert out.returncode == 2
    assert out.stderr.strip().endswith(
        "give --web-config FILE with basic_auth_users and/or tls_server_config")
    (tmp_path / "web.yml").write_text("basic_auth_users:\n  prometheus: plaintext-oops\n")
    out = run_cli("--profiles", str(tmp_path / "p.toml"), "--listen", "0.0.0.0:9525",
                  "--web-config", str(tmp_path / "web.yml"))
    assert out.returncode == 2 and "must be a bcrypt hash" in out.stderr
    assert "plaintext-oops" not in out.stderr
    (tmp_path / "web.yml").write_text("tls_server_config:\n  cert_file: c.pem\n  key_file: k\n"
                                      "  cipher_suites: [x]\n")
    out = run_cli("--profiles", str(tmp_path / "p.toml"), "--listen", "0.0.0.0:9525",
                  "--web-config", str(tmp_path / "web.yml"))
    assert out.returncode == 2 and "unsupported key(s) cipher_suites" in out.stderr
    assert run_cli("--listen", "nonsense").returncode == 2


@pytest.mark.parametrize(("signame", "code"), [("SIGTERM", 0), ("SIGHUP", 129)])
async def test_the_exporter_command_serves_and_stops_on_sigterm(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path, signame: str, code: int) -> None:
    """SIGTERM stops it (exit 0); SIGHUP (its terminal gone) ends it too, exit 129, with
    the server closed and the closing line said, not a traceback."""
    import os
    import signal

    from tests.prometheus import free_port

    relay = await relay_factory(starttls=server_ctx)
    path = write_profiles(tmp_path / "profiles.toml", cafile, {"main": relay.port})
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "exporter", "--profiles", str(path),
        "--listen", f"127.0.0.1:{port}", "--no-history",
        env={**os.environ, PASSWORD_VAR: CANARY}, stderr=asyncio.subprocess.PIPE)
    assert proc.stderr is not None
    banner = await asyncio.wait_for(proc.stderr.readline(), 30)  # said once it listens
    assert f"listening on http://127.0.0.1:{port}/ (1 profile from" in banner.decode()
    status, body = await aget(f"http://127.0.0.1:{port}/probe?profile=main")
    assert status == 200 and 'smtptui_reply_code{profile="main",stage="auth"} 235.0' in body
    assert CANARY not in body
    proc.send_signal(getattr(signal, signame))
    assert await asyncio.wait_for(proc.wait(), 30) == code
    rest = (await proc.stderr.read()).decode()
    assert "Traceback" not in rest and ("stopped" in rest) == (signame == "SIGTERM"), rest


async def test_probes_are_bounded(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                                  start_exporter: Start) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.2)
    url = await start_exporter({"one": relay.port, "two": relay.port, "three": relay.port},
                               concurrency=1)
    status, body = await aget(f"{url}/probe?client=Acme")
    assert status == 200 and body.count("} 1.0\n") >= 3
    assert relay.connections == 3 and relay.max_active == 1  # one at a time
