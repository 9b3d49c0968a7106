"""Change detection against pairs of real loopback runs: the relay restarted with another
certificate, another extension list, another banner — and the same relay twice."""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Callable
from pathlib import Path

import pytest
import trustme

from smtptui.history.changes import diff_reports, notable, short_name, signature
from smtptui.history.record import record_report
from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport, StageFinished
from tests.conftest import RelayFactory

ConfigFor = Callable[..., ProbeConfig]


def _ctx(cert: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(ctx)
    return ctx


async def _run(relay_factory: RelayFactory, config_for: ConfigFor, **options: object
               ) -> ProbeReport:
    relay = await relay_factory(**options)
    report = await probe(config_for(relay.port, profile="Acme relay"))
    await relay.stop()
    return report


def texts(old: ProbeReport, new: ProbeReport) -> list[str]:
    changes = diff_reports(old, new)
    # recording skips reading the earlier report when the signatures are equal: they
    # must differ exactly when something other than latency changed
    assert (signature(old) != signature(new)) == notable(changes)
    return [c.text for c in changes]


async def test_the_same_relay_twice_changes_nothing(relay, config_for: ConfigFor) -> None:  # type: ignore[no-untyped-def]
    first = await probe(config_for(relay.port))
    second = await probe(config_for(relay.port))
    assert [c for c in diff_reports(first, second) if not c.key.startswith("latency.")] == []
    assert signature(first) == signature(second)


async def test_a_certificate_from_another_ca(relay_factory: RelayFactory, ca: trustme.CA,
                                             tmp_path: Path, server_ctx: ssl.SSLContext,
                                             config_for: ConfigFor) -> None:
    other = trustme.CA(organization_name="Other Trust Services")
    bundle = tmp_path / "both.pem"
    bundle.write_bytes(ca.cert_pem.bytes() + other.cert_pem.bytes())
    trusting = dataclasses.replace  # both runs trust both CAs: only the certificate differs

    async def run(ctx: ssl.SSLContext) -> ProbeReport:
        relay = await relay_factory(starttls=ctx)
        report = await probe(trusting(config_for(relay.port), cafile=str(bundle)))
        await relay.stop()
        return report

    before = await run(server_ctx)
    after = await run(_ctx(other.issue_cert("localhost", "127.0.0.1", "mail.acme.test")))
    assert before.ok and after.ok
    changes = {c.key: c for c in diff_reports(before, after)}
    assert signature(before) != signature(after)
    assert before.tls and before.tls.cert and after.tls and after.tls.cert
    issuer_a, issuer_b = (short_name(r.tls.cert.issuer) for r in (before, after))  # type: ignore[union-attr]
    assert changes["cert.sha256"].text == (
        f"the certificate was replaced (issuer {issuer_a} → {issuer_b})")
    assert changes["cert.names"].text == (
        "the certificate's names changed (now also mail.acme.test)")
    assert "result" not in changes and "tls.version" not in changes


async def test_an_auth_mechanism_and_an_extension_dropped(relay_factory: RelayFactory,
                                                          server_ctx: ssl.SSLContext,
                                                          config_for: ConfigFor) -> None:
    before = await _run(relay_factory, config_for, starttls=server_ctx,
                        auth_mechanisms=("PLAIN", "LOGIN"))
    after = await _run(relay_factory, config_for, starttls=server_ctx,
                       auth_mechanisms=("PLAIN",),
                       extensions=("ENHANCEDSTATUSCODES", "SMTPUTF8"))
    assert texts(before, after) == ["AUTH LOGIN is no longer offered",
                                    "PIPELINING is no longer offered"]


async def test_a_new_banner_and_greeting_host(relay_factory: RelayFactory,
                                              server_ctx: ssl.SSLContext,
                                              config_for: ConfigFor) -> None:
    before = await _run(relay_factory, config_for, starttls=server_ctx)
    after_banner = await _run(relay_factory, config_for, starttls=server_ctx,
                              banner="ESMTP Postfix (Debian)")
    assert texts(before, after_banner) == [
        "the banner changed (“relay.test ESMTP smtptui test relay” → "
        "“relay.test ESMTP Postfix (Debian)”)"]
    after_host = await _run(relay_factory, config_for, starttls=server_ctx,
                            hostname="mx2.acme.test")
    assert texts(before, after_host)[0] == (
        "the greeting host changed (relay.test → mx2.acme.test)")


async def test_a_relay_that_stops_offering_auth_fails_and_says_since_when(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, config_for: ConfigFor,
        tmp_path: Path) -> None:
    db = tmp_path / "history.sqlite3"
    good = await _run(relay_factory, config_for, starttls=server_ctx)
    first = record_report(good, profile="Acme relay", origin="probe", path=db)
    bad = await _run(relay_factory, config_for, starttls=server_ctx, auth_mechanisms=())
    assert not bad.ok and bad.failed_stage is not None
    second = record_report(bad, profile="Acme relay", origin="probe", path=db)
    assert first is not None and second is not None
    assert second.previous is not None and second.previous.id == first.run_id
    [line] = second.lines(failed=True)
    assert line == (f"Since the last passing run on {second.previous.date}: "
                    "AUTH LOGIN, PLAIN are no longer offered.")
    # and a third failing run still points back at the last pass
    third = record_report(bad, profile="Acme relay", origin="probe", path=db)
    assert third is not None and third.changes == ()
    assert third.last_pass is not None and third.last_pass.id == first.run_id
    assert third.lines(failed=True) == [line]


def _slower(report: ProbeReport, stage: str, ms: float) -> ProbeReport:
    stages = tuple(dataclasses.replace(s, elapsed_ms=ms) if s.stage == stage else s
                   for s in report.stages)
    return dataclasses.replace(report, stages=stages)


@pytest.mark.parametrize(("before", "after", "changed"), [
    (10.0, 45.0, False),    # 4.5x but only 35 ms: noise
    (100.0, 180.0, False),  # 80 ms but less than 2x
    (20.0, 120.0, True),
    (300.0, 40.0, True),    # faster counts too
])
async def test_latency_beyond_the_noise_threshold(relay, config_for: ConfigFor,  # type: ignore[no-untyped-def]
                                                  before: float, after: float,
                                                  changed: bool) -> None:
    report = await probe(config_for(relay.port))
    a, b = _slower(report, "greeting", before), _slower(report, "greeting", after)
    keys = [c.key for c in diff_reports(a, b)]
    assert keys == (["latency.greeting"] if changed else [])
    assert signature(a) == signature(b)


async def test_recording_finds_latency_changes_without_reading_the_report(
        relay, config_for: ConfigFor, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = await probe(config_for(relay.port))
    a, b = _slower(report, "greeting", 20.0), _slower(report, "greeting", 300.0)
    db = tmp_path / "history.sqlite3"
    record_report(a, profile="p", origin="test", path=db)
    recorded = record_report(b, profile="p", origin="test", path=db)
    assert recorded is not None
    assert recorded.changes == tuple(diff_reports(a, b))
    assert [c.text for c in recorded.changes] == ["greeting took 300 ms (was 20 ms, slower)"]


async def test_a_run_that_never_reached_tls_is_not_a_tls_change(relay,  # type: ignore[no-untyped-def]
                                                                config_for: ConfigFor) -> None:
    ok = await probe(config_for(relay.port))
    refused = dataclasses.replace(ok, stages=(*ok.stages[:1],
                                              StageFinished("connect", "fail", 1.0)),
                                  tls=None, extensions={}, banner="")
    assert [c.key for c in diff_reports(ok, refused)] == ["result"]


def _greeting(report: ProbeReport, seconds: float | None) -> ProbeReport:
    """``report`` with a greeting that took ``seconds`` and was warned about (None: fast)."""
    warned = seconds is not None
    text = f"the greeting took {seconds:.1f} s (tarpitting or a slow server)" if warned else ""
    stages = tuple(dataclasses.replace(
        s, status="warn" if warned else "pass",
        elapsed_ms=seconds * 1000 if seconds is not None else 5.0,
        warnings=(text,) if warned else ()) if s.stage == "greeting" else s
        for s in report.stages)
    return dataclasses.replace(report, stages=stages)


async def test_a_warned_latency_whose_figure_moves_is_not_a_change_nor_kept_longer(
        relay, config_for: ConfigFor, tmp_path: Path,  # type: ignore[no-untyped-def]
        capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3
    import time

    from smtptui.cli import main
    from smtptui.history.retention import Retention
    from smtptui.history.store import HistoryStore

    report = await probe(config_for(relay.port))
    slow, slower, fast = (_greeting(report, 3.2), _greeting(report, 3.6),
                          _greeting(report, None))
    assert diff_reports(slow, slower) == [] and signature(slow) == signature(slower)
    db = tmp_path / "history.sqlite3"
    for run in (slow, slower, fast, fast):
        assert record_report(run, profile="p", origin="test", path=db) is not None
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, notable, changes FROM runs ORDER BY id").fetchall()
    assert [(i, n) for i, n, _ in rows] == [(1, 0), (2, 0), (3, 1), (4, 0)]
    assert rows[1][2] == "[]"  # 3.2 s -> 3.6 s: the same warning, latency within the noise
    assert "the run passes again (was: passed with warnings)" in rows[2][2]

    assert main(["diff", "1", "2", "--history", str(db)]) == 0
    assert capsys.readouterr().out.endswith("nothing changed (latency within the noise "
                                            "threshold)\n")
    assert main(["diff", "2", "3", "--history", str(db)]) == 1
    assert "≠ warnings now: none" in capsys.readouterr().out
    assert main(["history", "p", "--history", str(db)]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line.split()[0] for line in listing[1:]] == ["4", "3", "2", "1"]
    assert listing[3].endswith("–") and listing[4].endswith("–")  # runs 2 and 1
    assert "the run passes again" in listing[2]

    with HistoryStore.open(db) as store:  # a month later: only what changed stays
        store.prune(Retention(keep_runs=1, keep_days=7, keep_notable_days=90),
                    now=time.time() + 30 * 86400)
        assert [r.id for r in store.runs(profile="p")] == [4, 3]
