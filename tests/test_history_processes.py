"""Several processes and a hard kill against one real history file."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from smtptui.history.store import HistoryStore
from smtptui.probe.engine import probe

WRITER = """
import json, sys
from pathlib import Path
from smtptui.history.record import record_report
from smtptui.probe.events import ProbeReport
report = ProbeReport.from_json(json.loads(Path(sys.argv[1]).read_text()))
name, count = sys.argv[3], int(sys.argv[4])
print("ready", flush=True)
sys.stdin.readline()  # start together
i = 0
while count == 0 or i < count:
    recorded = record_report(report, profile=name, origin="test", path=Path(sys.argv[2]))
    assert recorded is not None
    print(recorded.run_id, flush=True)
    i += 1
"""


def _writer(report_file: Path, db: Path, name: str, count: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(report_file), str(db), name,
                             str(count)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


async def _report_file(relay, config_for, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    report = await probe(config_for(relay.port))
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report.to_json()))
    return path


async def test_two_processes_writing_at_once_lose_nothing(relay, config_for,  # type: ignore[no-untyped-def]
                                                          tmp_path: Path) -> None:
    report_file = await _report_file(relay, config_for, tmp_path)
    db = tmp_path / "history.sqlite3"
    procs = [_writer(report_file, db, name, 60) for name in ("dashboard", "cron")]
    for proc in procs:  # both start writing now
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    ids: list[int] = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and err == "", err
        ids += [int(x) for x in out.split()]
    assert len(ids) == len(set(ids)) == 120
    with HistoryStore.open(db) as store:
        assert len(store.runs(profile="dashboard")) == 60
        assert len(store.runs(profile="cron")) == 60
        # each process's runs were compared with its own profile's previous run
        assert all(run.changes == () for run in store.runs())


async def test_kill_9_during_writes_leaves_a_readable_database(relay, config_for,  # type: ignore[no-untyped-def]
                                                               tmp_path: Path) -> None:
    report_file = await _report_file(relay, config_for, tmp_path)
    db = tmp_path / "history.sqlite3"
    proc = _writer(report_file, db, "cron", 0)  # writes until killed
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    confirmed = 0
    for _ in range(25):  # mid-stream: it is writing the next run right now
        assert proc.stdout.readline().strip()
        confirmed += 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    confirmed += len(proc.stdout.read().split())  # lines already in the pipe
    proc.stdout.close()
    proc.stdin.close()
    proc.stderr.close()  # type: ignore[union-attr]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert confirmed <= count <= confirmed + 1  # at most the run being written is missing
    with HistoryStore.open(db) as store:  # and the next writer carries on
        newest = store.runs(limit=1)[0]
        assert store.report(newest.id) is not None
