"""A real Prometheus scrapes the exporter in front of three loopback relays (healthy,
wrong password, expired certificate) through the shipped multi-target relabelling;
the test reads the results back from Prometheus' HTTP API."""

from __future__ import annotations

import asyncio
import ssl
import urllib.request
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.conftest import CANARY, RelayFactory
from tests.prometheus import BINARY, Prometheus, need
from tests.relay_profiles import PASSWORD_VAR, write_profiles

pytestmark = pytest.mark.slow


@pytest.fixture
async def exporter_url(relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
                       bad_certs: dict[str, ssl.SSLContext], cafile: str, tmp_path: Path,
                       monkeypatch: pytest.MonkeyPatch, _private_history: Path
                       ) -> AsyncIterator[str]:
    from smtptui.exporter.app import Exporter
    from smtptui.exporter.http import HTTPServer
    from smtptui.exporter.targets import Targets, load_targets

    monkeypatch.setenv(PASSWORD_VAR, CANARY)
    healthy = await relay_factory(starttls=server_ctx)
    strict = await relay_factory(starttls=server_ctx, users={"ops@acme.test": "another"})
    expired = await relay_factory(starttls=bad_certs["expired"])
    path = write_profiles(tmp_path / "profiles.toml", cafile, {
        "healthy": healthy.port, "wrong-password": strict.port, "expired-cert": expired.port})
    from smtptui.history.record import HistorySink

    sink = HistorySink(_private_history, origin="exporter")
    exporter = Exporter(Targets(path, await asyncio.to_thread(load_targets, path)), sink=sink)
    server = HTTPServer(exporter.handle)
    port = await server.start("127.0.0.1", 0, None)
    yield f"127.0.0.1:{port}"
    await server.close()
    sink.close()


def scrape_config(exporter: str) -> str:
    """The shipped contrib scrape job, pointed at this test's exporter."""
    shipped = (Path(__file__).parent.parent / "contrib" / "prometheus" / "prometheus.yml")
    text = shipped.read_text(encoding="utf-8")
    return (text.replace("127.0.0.1:9525", exporter)
            .replace("scrape_interval: 60s", "scrape_interval: 1s")
            .replace("scrape_timeout: 30s", "scrape_timeout: 1s")
            .replace("- targets: [\"Acme: mail relay\", \"Acme: backup relay\"]",
                     '- targets: ["healthy", "wrong-password", "expired-cert"]'))


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as r:
        return r.read().decode()


async def test_prometheus_scrapes_the_three_relays(exporter_url: str, tmp_path: Path,
                                                   _private_history: Path) -> None:
    from smtptui.history.store import HistoryStore

    need(BINARY, "prometheus")
    prom = Prometheus(scrape_config(exporter_url), tmp_path)
    try:
        await asyncio.to_thread(prom.ready)

        def all_three() -> list[dict[str, object]] | None:
            found = prom.query('probe_success{job="smtp"}')
            return found if len(found) == 3 else None

        results = await asyncio.to_thread(prom.poll, "three probe_success series", all_three)
        success = {r["metric"]["instance"]: r["value"][1] for r in results}  # type: ignore
        assert success == {"healthy": "1", "wrong-password": "0", "expired-cert": "0"}

        failing = await asyncio.to_thread(prom.query, 'smtptui_stage_success{job="smtp"} == 0')
        assert {(r["metric"]["instance"], r["metric"]["stage"]) for r in failing} == {
            ("wrong-password", "auth"), ("expired-cert", "starttls")}
        diag = await asyncio.to_thread(prom.query, 'smtptui_diagnosis_info{job="smtp"}')
        assert {(r["metric"]["instance"], r["metric"]["layer"], r["metric"]["kind"])
                for r in diag if r["metric"]["severity"] == "error"} == {
            ("wrong-password", "auth", "auth_failed"), ("expired-cert", "tls", "tls_expired")}
        codes = await asyncio.to_thread(prom.query, 'smtptui_reply_code{job="smtp",stage="auth"}')
        assert {r["metric"]["instance"]: r["value"][1] for r in codes} == {
            "healthy": "235", "wrong-password": "535"}

        expiry = await asyncio.to_thread(
            prom.query, 'probe_ssl_earliest_cert_expiry{job="smtp"} - time()')
        left = {r["metric"]["instance"]: float(r["value"][1]) for r in expiry}
        assert left["expired-cert"] < -2 * 86400  # expired three days ago
        assert left["healthy"] > 30 * 86400

        # No label of any series carries the password.
        everything = await asyncio.to_thread(prom.series, '{job="smtp"}')
        assert everything and CANARY not in repr(everything)
    finally:
        await asyncio.to_thread(prom.stop)
    # Nor does the exporter's own answer, its debug report or its own metrics.
    for path in ("/probe?profile=wrong-password", "/probe?profile=healthy&debug=true",
                 "/metrics"):
        body = await asyncio.to_thread(_get, f"http://{exporter_url}{path}")
        assert CANARY not in body
    assert "535" in await asyncio.to_thread(
        _get, f"http://{exporter_url}/probe?profile=wrong-password&debug=true")
    # Each probe the exporter ran is one run in the history (scrapes that shared it: none).
    with HistoryStore.open(_private_history) as store:
        runs = store.runs(profile="expired-cert")
        assert runs and {r.origin for r in runs} == {"exporter"}
        assert {r.failed_stage for r in runs} == {"starttls"}
    for file in _private_history.parent.iterdir():  # the database, its WAL and journal
        assert CANARY.encode() not in file.read_bytes()
