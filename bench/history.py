"""The run history's costs, measured against baselines in the same run.

1. Recording: N probes of a loopback relay (in another process), interleaved with and
   without recording each run the way `smtptui probe` does (open the database, find the
   previous and last passing runs, diff, insert, prune, close) into a history that
   already holds 1,000 runs of the profile. Prints both medians and the difference.
   Target: recording adds <= 2 ms per probe.
2. Listing: 10,000 runs of one profile, listed newest first (`smtptui history P --limit
   0` reads them the same way). Target: <= 100 ms.
3. Size: a year of 5-minute probes of 50 profiles (5.26 million runs) written day by day
   with the default retention (pruned as recording prunes), a blip failure in every 200
   runs and a certificate renewal every 60 days. Prints the file size and runs kept, and
   how long listing a profile takes then.

    python bench/history.py [N]           (N probes per mode, default 200)
    python bench/history.py --size-days D (simulate D days instead of 365)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import multiprocessing as mp
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from smtptui.history.facts import facts
from smtptui.history.record import record_report
from smtptui.history.retention import Retention
from smtptui.history.store import INSERT_REPORT, HistoryStore, pack
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import probe
from smtptui.probe.events import ProbeReport, StageFinished

sys.path.insert(0, str(Path(__file__).parent))
from probe_overhead import PASSWORD, USER, serve  # noqa: E402  (the same relay process)


def fill(db: Path, report: ProbeReport, profile: str, runs: int, *, start: float,
         step: float) -> None:
    blob = pack(report)
    with HistoryStore.open(db) as store, store.writing():
        for i in range(runs):
            store.insert(report, profile=profile, client="Bench", origin="bench",
                         started=start + i * step, blob=blob)


async def recording(n: int, tmp: Path) -> ProbeReport:
    parent, child = mp.Pipe()
    server = mp.Process(target=serve, args=(child,), daemon=True)
    server.start()
    port, cafile = parent.recv()
    config = ProbeConfig(host="127.0.0.1", port=port, username=USER,
                         password=Secret(PASSWORD), auth="plain", cafile=cafile,
                         servername="localhost", ehlo_name="bench.local", profile="bench")
    report = await probe(config)
    assert report.ok
    db = tmp / "record.sqlite3"
    fill(db, report, "bench", 1000, start=time.time() - 1000 * 300, step=300)
    without: list[float] = []
    with_history: list[float] = []
    record_only: list[float] = []
    record_cpu: list[float] = []
    for i in range(n + 10):
        for recorded in ((False, True) if i % 2 else (True, False)):  # interleaved
            t0 = time.perf_counter()
            result = await probe(config)
            t1, c1 = time.perf_counter(), time.process_time()
            if recorded:
                assert record_report(result, profile="bench", client="Bench",
                                     origin="probe", path=db) is not None
            t2, c2 = time.perf_counter(), time.process_time()
            if i < 10:
                continue  # warm-up
            (with_history if recorded else without).append((t2 - t0) * 1000)
            if recorded:
                record_only.append((t2 - t1) * 1000)
                record_cpu.append((c2 - c1) * 1000)
    parent.send("stop")
    server.join(5)
    a, b = statistics.median(without), statistics.median(with_history)
    print(f"recording: probe alone median {a:.2f} ms, probe + record {b:.2f} ms: "
          f"+{b - a:.2f} ms (record alone: median {statistics.median(record_only):.2f} ms, "
          f"p95 {sorted(record_only)[int(len(record_only) * 0.95)]:.2f} ms, CPU time median "
          f"{statistics.median(record_cpu):.2f} ms; n={n})")
    return report


def listing(report: ProbeReport, tmp: Path) -> None:
    db = tmp / "list.sqlite3"
    fill(db, report, "bench", 10_000, start=time.time() - 10_000 * 300, step=300)
    fill(db, report, "other", 10_000, start=time.time() - 10_000 * 300, step=300)
    times = []
    with HistoryStore.open(db) as store:
        for _ in range(7):
            t0 = time.perf_counter()
            runs = store.runs(profile="bench", brief=True)  # as `history` and the tab list
            times.append((time.perf_counter() - t0) * 1000)
            assert len(runs) == 10_000
    print(f"listing: 10,000 runs of a profile (of 20,000) in {statistics.median(times):.1f} ms "
          "(median of 7)")


def _row(report: ProbeReport) -> tuple[object, ...]:
    """The columns :meth:`HistoryStore.insert` writes for ``report`` (computed once, so
    the year is written in minutes: the figure measured is the file, not the writing)."""
    f = facts(report)
    return (f.verdict, f.failed_stage, f.failed_reply, f.diagnosis_kind, f.total_ms,
            json.dumps(f.stage_ms), f.tls_version, f.tls_cipher, f.cert_sha256, f.cert_issuer,
            f.cert_not_after, f.extensions, f.auth_mechs, f.banner, f.target, pack(report))


def size(report: ProbeReport, tmp: Path, days: int, profiles: int = 50) -> None:
    db = tmp / "year.sqlite3"
    failed = dataclasses.replace(report, stages=(
        *report.stages[:2], StageFinished("greeting", "fail", 30000.0)), tls=None)
    assert report.tls is not None and report.tls.cert is not None
    renewed = dataclasses.replace(report, tls=dataclasses.replace(
        report.tls, cert=dataclasses.replace(report.tls.cert, sha256="0" * 64)))
    rows = {id(r): _row(r) for r in (report, failed, renewed)}
    retention = Retention()
    per_day = 288
    start = time.time() - days * 86400
    t0 = time.perf_counter()
    n = 0
    sql = ("INSERT INTO runs (id, profile, client, started, origin, changes, notable, verdict, "
           "failed_stage, failed_reply, diagnosis_kind, total_ms, stage_ms, tls_version, "
           "tls_cipher, cert_sha256, cert_issuer, cert_not_after, extensions, auth_mechs, "
           "banner, target) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    with HistoryStore.open(db) as store:
        for day in range(days):
            batch, blobs = [], []
            for p in range(profiles):
                name = f"profile-{p:02d}"
                base = renewed if (day // 60) % 2 else report
                for k in range(per_day):
                    n += 1
                    r = failed if (n % 200 == 0) else base
                    changed = r is not base or (day % 60 == 0 and k == 0 and day > 0)
                    batch.append((n, name, "Bench", start + day * 86400 + k * 300, "watch",
                                  '[{"key":"x"}]' if changed else "[]", int(changed),
                                  *rows[id(r)][:-1]))
                    blobs.append((n, rows[id(r)][-1]))
            with store.writing():
                store.conn.executemany(sql, batch)
                store.conn.executemany(INSERT_REPORT, blobs)
                store.prune(retention, now=start + (day + 1) * 86400)
        kept = store.count()
        store.conn.execute("VACUUM")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        t1 = time.perf_counter()
        list_times, all_times = [], []
        for _ in range(5):
            s0 = time.perf_counter()
            store.runs(profile="profile-07", limit=50)
            s1 = time.perf_counter()
            every = store.runs(profile="profile-07")
            list_times.append((s1 - s0) * 1000)
            all_times.append((time.perf_counter() - s1) * 1000)
    mb = db.stat().st_size / 1e6
    print(f"size: {days} days of 5-minute probes of {profiles} profiles = {n:,} runs written "
          f"in {t1 - t0:.0f} s; with the default retention ({retention.keep_runs} runs, "
          f"{retention.keep_days:g} days, failures/changes {retention.keep_notable_days:g} "
          f"days) {kept:,} runs are kept in {mb:.1f} MB ({db.stat().st_size / kept:.0f} "
          f"bytes per run; one report compresses to {len(rows[id(report)][-1])} bytes "
          f"(a failure: {len(rows[id(failed)][-1])})); then `history PROFILE` reads "
          f"50 runs in {statistics.median(list_times):.1f} ms, all {len(every):,} of a "
          f"profile in {statistics.median(all_times):.0f} ms")


def main() -> None:
    args = sys.argv[1:]
    days = 365
    if "--size-days" in args:
        at = args.index("--size-days")
        days = int(args[at + 1])
        del args[at:at + 2]
    n = int(args[0]) if args else 200
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as tmp:
        report = asyncio.run(recording(n, Path(tmp)))
        listing(report, Path(tmp))
        size(report, Path(tmp), days)


if __name__ == "__main__":
    main()
