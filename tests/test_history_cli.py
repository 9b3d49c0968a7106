"""The history from the command line, as real processes: probe records, `history` lists,
`history show`, `diff`, `prune`, --no-history, and a history that cannot be written."""

from __future__ import annotations

import json
import os
import sqlite3
import ssl
import sys
from pathlib import Path

import pytest

from tests.app_helpers import PASSWORD_ENV, profile, write_profiles
from tests.conftest import CANARY, RelayFactory
from tests.test_cli_probe import smtptui


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "history.sqlite3"


def acme(path: Path, port: int, cafile: str) -> Path:
    return write_profiles(path, [profile("Acme relay", port, cafile),
                                 profile("Other relay", port, cafile, client="Globex")])


async def test_probe_records_and_history_lists_what_changed(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str, tmp_path: Path,
        db: Path) -> None:
    env = {PASSWORD_ENV: CANARY}
    first = await relay_factory(starttls=server_ctx, auth_mechanisms=("PLAIN", "LOGIN"))
    profiles = acme(tmp_path / "profiles.toml", first.port, cafile)
    common = ["--profiles", str(profiles), "--history", str(db)]
    code, out, err = await smtptui("probe", "Acme relay", *common, env=env)
    assert code == 0 and err == ""
    await first.stop()
    second = await relay_factory(starttls=server_ctx, auth_mechanisms=("PLAIN",))
    code, out, err = await smtptui("probe", "Acme relay", "--port", str(second.port),
                                   *common, "--json", env=env)
    assert code == 0, err
    doc = json.loads(out)
    assert [c["text"] for c in doc["history"]["changes"]] == ["AUTH LOGIN is no longer offered"]
    await second.stop()
    none = await relay_factory(starttls=server_ctx, auth_mechanisms=())
    code, out, err = await smtptui("probe", "Acme relay", "--port", str(none.port), *common,
                                   env=env)
    assert code == 1
    today = doc["started_at"][:10]
    [line] = [x for x in out.splitlines() if x.startswith("  changed:")]
    assert line.startswith(f"  changed:   Since the last passing run on {today}: "
                           "AUTH PLAIN is no longer offered")  # (then latency, when slow)

    code, out, err = await smtptui("history", "Acme relay", "--history", str(db),
                                   env={"COLUMNS": "160"})
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["id", "time", "result", "failing", "stage", "total",
                                "what", "changed"]
    newest, middle, oldest = lines[1:4]
    assert "✗ FAIL" in newest and "auth" in newest and "the run now fails" in newest
    assert "✓ pass" in middle and middle.endswith("AUTH LOGIN is no longer offered")
    assert oldest.endswith("–")

    code, out, _ = await smtptui("history", "--client", "Globex", "--history", str(db))
    assert (code, out) == (0, "No runs recorded yet.\n")
    code, _, err = await smtptui("history", "Nobody", "--history", str(db))
    assert code == 2 and err == ('smtptui: no runs recorded for "Nobody" '
                                 "(recorded: Acme relay)\n")

    code, out, err = await smtptui("history", "show", "3", "--history", str(db))
    assert code == 0, err
    assert out.startswith('run 3 of "Acme relay" at ')
    assert "Result: FAILED at auth" in out and "Transcript:" in out

    code, out, err = await smtptui("diff", "1", "3", "--history", str(db))
    assert code == 1, err  # something changed: as diff(1)
    assert "AUTH LOGIN, PLAIN are no longer offered" in out
    code, out, err = await smtptui("diff", "3", "3", "--history", str(db), "--json")
    assert code == 0 and json.loads(out)["changes"] == []


async def test_diff_of_two_saved_reports_and_a_history_export(
        relay, cafile: str, tmp_path: Path, db: Path) -> None:  # type: ignore[no-untyped-def]
    profiles = acme(tmp_path / "profiles.toml", relay.port, cafile)
    env = {PASSWORD_ENV: CANARY}
    code, out, _ = await smtptui("probe", "Acme relay", "--profiles", str(profiles),
                                 "--history", str(db), "--json", env=env)
    saved = tmp_path / "saved.json"
    saved.write_text(out)
    code, out, _ = await smtptui("history", "show", "1", "--json", "--history", str(db))
    export = tmp_path / "export.json"
    export.write_text(out)
    code, out, err = await smtptui("diff", str(saved), str(export), "--history", str(db))
    assert (code, err) == (0, "")
    assert out.endswith("  nothing changed (latency within the noise threshold)\n")
    newer = json.loads(saved.read_text())
    newer["schema"] = 99
    newer["relay_region"] = "eu"
    newer["banner"] = "relay.test ESMTP Postfix"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    code, out, err = await smtptui("diff", str(saved), str(tmp_path / "newer.json"),
                                   "--json")
    assert code == 1
    assert err == ("Written by a newer smtptui (report schema 99, this one reads 2): "
                   "not shown here: relay_region\n")
    assert json.loads(out)["changes"][0]["key"] == "greeting"
    for bad, message in ((tmp_path / "nope.json", "no such file"),
                         (profiles, "not JSON")):
        code, out, err = await smtptui("diff", str(bad), str(saved))
        assert code == 2 and message in err and err.count("\n") == 1


async def test_diff_of_runs_of_different_profiles_says_so_first(
        relay, cafile: str, tmp_path: Path, db: Path) -> None:  # type: ignore[no-untyped-def]
    profiles = acme(tmp_path / "profiles.toml", relay.port, cafile)
    common = ["--profiles", str(profiles), "--history", str(db)]
    for name in ("Acme relay", "Acme relay", "Other relay"):
        code, _, err = await smtptui("probe", name, *common, env={PASSWORD_ENV: CANARY})
        assert code == 0, err
    where = f"127.0.0.1:{relay.port}"
    code, out, err = await smtptui("diff", "1", "3", "--history", str(db))
    assert code == 0 and err == ""  # the same relay answered the same: nothing changed
    assert out.splitlines()[0] == ('Note: comparing runs of different profiles: "Acme relay" '
                                   f'({where}) vs "Other relay" ({where})')
    code, out, _ = await smtptui("diff", "1", "3", "--history", str(db), "--json")
    assert code == 0
    assert json.loads(out)["different_relays"] == (
        f'comparing runs of different profiles: "Acme relay" ({where}) vs "Other relay" '
        f"({where})")
    code, out, _ = await smtptui("diff", "1", "2", "--history", str(db))
    assert code == 0 and "Note:" not in out and out.startswith("From run 1")
    code, out, _ = await smtptui("diff", "1", "2", "--history", str(db), "--json")
    assert json.loads(out)["different_relays"] is None
    saved = tmp_path / "saved.json"
    code, out, _ = await smtptui("history", "show", "1", "--json", "--history", str(db))
    moved = json.loads(out)
    moved["target"]["port"] = 2525
    saved.write_text(json.dumps(moved))
    code, out, _ = await smtptui("diff", "1", str(saved), "--history", str(db))
    assert out.splitlines()[0] == ('Note: comparing runs of different targets: "Acme relay" '
                                   f'({where}) vs "Acme relay" (127.0.0.1:2525)')


async def test_no_history_records_nothing(relay, cafile: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          db: Path) -> None:
    profiles = acme(tmp_path / "profiles.toml", relay.port, cafile)
    env = {PASSWORD_ENV: CANARY, "SMTPTUI_HISTORY": str(db)}
    code, out, _ = await smtptui("probe", "Acme relay", "--profiles", str(profiles),
                                 "--no-history", "--json", env=env)
    assert code == 0 and "history" not in json.loads(out)
    assert not db.exists()
    code, out, _ = await smtptui("probe", "--all", "--profiles", str(profiles), "--json",
                                 env=env)  # $SMTPTUI_HISTORY
    assert code == 0
    assert [json.loads(line)["history"]["run_id"] for line in out.splitlines()] != []
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT profile, client, origin FROM runs ORDER BY profile")
        assert rows.fetchall() == [("Acme relay", "Acme", "batch"),
                                   ("Other relay", "Globex", "batch")]


async def test_compare_records_both_sides(relay, cafile: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                          db: Path) -> None:
    profiles = acme(tmp_path / "profiles.toml", relay.port, cafile)
    code, _, err = await smtptui("compare", "Acme relay", "Other relay", "--runs", "2",
                                 "--profiles", str(profiles), "--history", str(db), "--json",
                                 env={PASSWORD_ENV: CANARY})
    assert code == 0, err
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT profile, origin, COUNT(*) FROM runs GROUP BY profile")
        assert rows.fetchall() == [("Acme relay", "compare", 2), ("Other relay", "compare", 2)]


async def test_a_damaged_history_never_stops_a_probe(relay, cafile: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                     db: Path) -> None:
    db.write_bytes(b"\x00garbage" * 500)
    profiles = acme(tmp_path / "profiles.toml", relay.port, cafile)
    code, out, err = await smtptui("probe", "--all", "--profiles", str(profiles),
                                   "--history", str(db), env={PASSWORD_ENV: CANARY})
    assert code == 0
    assert err == (f"smtptui: history unavailable: {db}: the database file is damaged "
                   "(not a readable SQLite database)\n")
    assert "2 of 2 profiles passed" in out
    code, _, err = await smtptui("history", "--history", str(db))
    assert code == 2 and err.startswith("smtptui: history unavailable:")


def _without_override() -> list[str]:
    """A command prefix under which even root obeys file permissions (or none needed)."""
    import shutil

    if os.getuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("root without setpriv cannot be kept from writing a read-only file")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--bounding-set={drop}", f"--inh-caps={drop}"]


async def test_a_read_only_history_never_stops_a_probe(relay, cafile: str, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                       db: Path) -> None:
    import asyncio

    from smtptui.history.store import HistoryStore

    HistoryStore.open(db).close()
    db.chmod(0o444)
    proc = await asyncio.create_subprocess_exec(
        *_without_override(), sys.executable, "-m", "smtptui", "probe", "--host", "127.0.0.1",
        "--port", str(relay.port), "--cafile", cafile, "--history", str(db), "--timeout", "5",
        env={**os.environ, "NO_COLOR": "1"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await proc.communicate()
    assert proc.returncode == 0, err
    assert "Result: OK" in out.decode()
    assert err.decode() == (f"smtptui: history unavailable: {db}: the database is "
                            "read-only\n")
