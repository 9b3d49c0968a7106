"""The history database: real SQLite files in temp dirs, reports from real loopback runs."""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest

from smtptui.history.record import HistorySink, record_report
from smtptui.history.retention import Retention
from smtptui.history.schema import MIGRATIONS, VERSION
from smtptui.history.store import HistoryStore, HistoryUnavailable, unpack
from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport
from tests.conftest import CANARY

ConfigFor = Callable[..., ProbeConfig]


@pytest.fixture
async def healthy_report(relay, config_for: ConfigFor) -> ProbeReport:  # type: ignore[no-untyped-def]
    return await probe(config_for(relay.port, profile="Acme relay"))


async def test_a_recorded_run_reads_back_whole(tmp_path: Path,
                                              healthy_report: ProbeReport) -> None:
    db = tmp_path / "state" / "history.sqlite3"  # the folder is created
    recorded = record_report(healthy_report, profile="Acme relay", client="Acme",
                             origin="probe", path=db)
    assert recorded is not None and recorded.previous is None
    with HistoryStore.open(db) as store:
        [run] = store.runs(profile="Acme relay")
        assert run.id == recorded.run_id
        assert (run.client, run.origin, run.verdict) == ("Acme", "probe", "pass")
        assert run.tls_version == healthy_report.tls.version  # type: ignore[union-attr]
        assert run.cert_sha256 and len(run.cert_sha256) == 64
        assert run.auth_mechs == "CRAM-MD5 LOGIN PLAIN"
        assert "STARTTLS" not in run.extensions.split()  # after TLS, as the report says
        assert run.banner.startswith("relay.test ESMTP")
        assert set(run.stage_ms) >= {"connect", "greeting", "ehlo", "starttls", "auth"}
        back = store.report(run.id)
    assert back is not None
    saved, original = back.to_json(), healthy_report.to_json()
    # cold_ms is a sum of stage times rounded to the microsecond: equal to within them
    assert abs(saved.pop("cold_ms") - original.pop("cold_ms")) < 0.01
    assert saved == original
    assert db.stat().st_mode & 0o777 == 0o600  # banners and host names are private
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


async def test_the_canary_password_never_reaches_the_database(
        tmp_path: Path, healthy_report: ProbeReport) -> None:
    db = tmp_path / "history.sqlite3"
    record_report(healthy_report, profile="Acme relay", origin="probe", path=db,
                  secrets=[CANARY])
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert CANARY.encode() not in raw
    with sqlite3.connect(db) as conn:
        for (blob,) in conn.execute("SELECT report FROM reports"):
            assert CANARY not in json.dumps(unpack(blob))


async def test_a_secret_that_slipped_into_a_report_is_scrubbed(
        tmp_path: Path, healthy_report: ProbeReport) -> None:
    import dataclasses

    leaky = dataclasses.replace(healthy_report, banner=f"relay.test hello {CANARY}")
    db = tmp_path / "history.sqlite3"
    record_report(leaky, profile="Acme relay", origin="probe", path=db, secrets=[CANARY])
    with sqlite3.connect(db) as conn:
        blob, banner = conn.execute("SELECT report, banner FROM runs JOIN reports "
                                    "ON run_id = id").fetchone()
    assert CANARY not in json.dumps(unpack(blob)) and CANARY not in banner
    assert "<redacted>" in banner


def _database_at(path: Path, version: int, report: ProbeReport) -> None:
    """A database as smtptui with schema ``version`` left it, with one run in it."""
    conn = sqlite3.connect(path, isolation_level=None)
    for step in MIGRATIONS[:version]:
        if callable(step):
            step(conn)
        else:
            conn.executescript(step)
    conn.execute(f"PRAGMA user_version = {version}")
    blob = zlib.compress(json.dumps(report.to_json()).encode())  # the first format: no zdict
    if 1 <= version < 3:  # the report in the runs table
        conn.execute("INSERT INTO runs (profile, client, started, origin, verdict, total_ms, "
                     "report) VALUES ('Acme relay', 'Acme', 1700000000, 'probe', 'pass', 12.5, ?)",
                     (blob,))
    elif version >= 3:
        conn.execute("INSERT INTO runs (profile, client, started, origin, verdict, total_ms) "
                     "VALUES ('Acme relay', 'Acme', 1700000000, 'probe', 'pass', 12.5)")
        conn.execute("INSERT INTO reports VALUES (last_insert_rowid(), ?)", (blob,))
    conn.close()


@pytest.mark.parametrize("version", range(VERSION))
async def test_every_earlier_schema_is_migrated_and_keeps_its_runs(
        tmp_path: Path, healthy_report: ProbeReport, version: int) -> None:
    db = tmp_path / "history.sqlite3"
    _database_at(db, version, healthy_report)
    recorded = record_report(healthy_report, profile="Acme relay", origin="probe", path=db)
    assert recorded is not None
    with HistoryStore.open(db) as store:
        runs = store.runs(profile="Acme relay")
        assert len(runs) == (2 if version >= 1 else 1)
        if version >= 1:
            old = runs[-1]
            assert (old.started, old.total_ms, old.changes) == (1700000000, 12.5, ())
            assert store.report(old.id) is not None
            assert recorded.previous is not None and recorded.previous.id == old.id
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == VERSION


async def test_runs_marked_notable_for_latency_alone_are_not_kept_longer_after_migrating(
        tmp_path: Path, healthy_report: ProbeReport) -> None:
    db = tmp_path / "history.sqlite3"
    _database_at(db, 5, healthy_report)

    def change(key: str, before: str, after: str) -> dict[str, str]:
        return {"key": key, "aspect": key, "before": before, "after": after,
                "text": f"{key}: {before} -> {after}"}

    latency = change("latency.greeting", "20 ms", "300 ms")
    figure = change("warnings", "the greeting took 3.2 s (tarpitting or a slow server)",
                    "the greeting took 3.6 s (tarpitting or a slow server)")
    banner = change("greeting", "a", "b")
    with sqlite3.connect(db) as conn:  # as schema 3 -> 4 and earlier recording left them
        for changes in ([latency], [figure, latency], [banner, figure]):
            conn.execute("INSERT INTO runs (profile, client, started, origin, verdict, "
                         "total_ms, changes, notable) VALUES ('Acme relay', 'Acme', "
                         "1700000001, 'probe', 'pass', 12.5, ?, 1)", (json.dumps(changes),))
    with HistoryStore.open(db) as store:
        runs = store.runs(profile="Acme relay")
        assert [[c["key"] for c in r.changes] for r in reversed(runs)] == [
            [], ["latency.greeting"], ["latency.greeting"], ["greeting"]]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT id, notable FROM runs ORDER BY id").fetchall() == [
            (1, 0), (2, 0), (3, 0), (4, 1)]
    with HistoryStore.open(db) as store:  # and a run inserted without saying
        new = store.insert(healthy_report, profile="Acme relay", origin="t",
                           changes=[latency])
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT notable FROM runs WHERE id = ?", (new,)).fetchone() == (0,)


async def test_a_newer_database_is_left_alone(tmp_path: Path, healthy_report: ProbeReport,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "history.sqlite3"
    _database_at(db, VERSION, healthy_report)
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {VERSION + 1}")
    with pytest.raises(HistoryUnavailable, match="newer smtptui"):
        HistoryStore.open(db)
    seen: list[str] = []
    assert record_report(healthy_report, profile="x", origin="probe", path=db,
                         warn=seen.append) is None
    assert len(seen) == 1 and seen[0].startswith("history unavailable:")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0] == 1


async def test_a_damaged_file_degrades_to_one_line(tmp_path: Path,
                                                   healthy_report: ProbeReport) -> None:
    db = tmp_path / "history.sqlite3"
    db.write_bytes(b"this is not a database at all" * 100)
    seen: list[str] = []
    sink = HistorySink(db, origin="batch", warn=seen.append)
    assert sink.record(healthy_report, profile="a") is None
    assert sink.record(healthy_report, profile="b") is None  # said once, then quiet
    assert seen == [f"history unavailable: {db}: the database file is damaged "
                    "(not a readable SQLite database)"]


async def test_a_locked_database_degrades_without_a_long_wait(
        tmp_path: Path, healthy_report: ProbeReport, monkeypatch: pytest.MonkeyPatch) -> None:
    import smtptui.history.store as store_mod

    db = tmp_path / "history.sqlite3"
    record_report(healthy_report, profile="a", origin="probe", path=db)
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        seen: list[str] = []
        assert record_report(healthy_report, profile="b", origin="probe", path=db,
                             warn=seen.append) is None
        assert seen and "locked" in seen[0]
    finally:
        holder.execute("ROLLBACK")
        holder.close()


async def test_retention_keeps_the_last_runs_recent_ones_and_the_last_pass(
        tmp_path: Path, healthy_report: ProbeReport) -> None:
    import dataclasses

    from smtptui.probe.events import StageFinished

    failed = dataclasses.replace(healthy_report, stages=(
        *healthy_report.stages[:2], StageFinished("greeting", "fail", 1.0)))
    day = 86400.0
    now = 1_800_000_000.0
    with HistoryStore.open(tmp_path / "history.sqlite3") as store:
        store.insert(healthy_report, profile="p", origin="t", started=now - 400 * day)
        for i in range(30):  # a month of daily failures
            store.insert(failed, profile="p", origin="t", started=now - (200 - i) * day)
        for i in range(10):
            store.insert(failed, profile="p", origin="t", started=now - i * day)
        store.insert(healthy_report, profile="other", origin="t", started=now - 400 * day)
        deleted = store.prune(Retention(keep_runs=5, keep_days=3, keep_notable_days=100),
                              now=now)
        kept = store.runs(profile="p")
    assert deleted == 30  # old failures beyond 100 days went; the last pass stays
    assert [round((now - r.started) / day) for r in kept] == [*range(10), 400]
    assert store is not None


async def test_listing_filters_by_client_and_time(tmp_path: Path,
                                                  healthy_report: ProbeReport) -> None:
    with HistoryStore.open(tmp_path / "h.sqlite3") as store:
        store.insert(healthy_report, profile="a", client="Acme", origin="t", started=100)
        store.insert(healthy_report, profile="b", client="Acme", origin="t", started=200)
        store.insert(healthy_report, profile="c", client="Globex", origin="t", started=300)
        assert [r.profile for r in store.runs(client="Acme")] == ["b", "a"]
        assert [r.profile for r in store.runs(since=150)] == ["c", "b"]
        assert store.newest_per_profile()["c"].started == 300
        assert store.profiles() == [("a", "Acme", 1), ("b", "Acme", 1), ("c", "Globex", 1)]


def test_processes_opening_a_new_database_together_all_get_it(tmp_path: Path) -> None:
    """The dashboard's start-up read and its first recorded run (or a cron job) may open
    a database that does not exist yet at the same moment: switching it to WAL then
    meets "database is locked" at once, with no busy handler; each waits its turn."""
    import threading

    problems: list[str] = []
    for attempt in range(200):
        path = tmp_path / f"h{attempt}.sqlite3"
        start = threading.Barrier(3)

        def open_it(create: bool, path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                with HistoryStore.open(path, create=create) as store:
                    store.runs(limit=1)
            except HistoryUnavailable as exc:
                if "no history yet" not in str(exc):
                    problems.append(str(exc))

        threads = [threading.Thread(target=open_it, args=(create,))
                   for create in (True, False, True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert problems == []


def test_the_store_knows_the_schema_version_without_importing_it() -> None:
    # A database already at the current version opens without the migrations module;
    # the version the store checks against must be the one the migrations reach.
    from smtptui.history.store import SCHEMA_VERSION

    assert SCHEMA_VERSION == VERSION == len(MIGRATIONS)
