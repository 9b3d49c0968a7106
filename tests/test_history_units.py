"""Pure pieces of the history: reading reports back, --since, import boundaries, paths."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from smtptui.commands.history import parse_since
from smtptui.errors import UsageError
from smtptui.probe.events import SCHEMA_VERSION, ProbeReport
from smtptui.probe.report_json import read_report


async def test_a_report_reads_back_to_the_same_json(relay, config_for) -> None:  # type: ignore[no-untyped-def]
    from smtptui.probe.engine import probe

    report = await probe(config_for(relay.port))
    doc = report.to_json()
    assert doc["schema"] == SCHEMA_VERSION and len(doc["tls"]["cert"]["sha256"]) == 64
    read = read_report(doc)
    assert read.unknown == () and read.notice() == ""
    again = read.report.to_json()
    assert abs(again.pop("cold_ms") - doc.pop("cold_ms")) < 0.01
    assert again == doc
    assert ProbeReport.from_json(doc).tls == read.report.tls


async def test_refusals_info_and_coverage_read_back(relay_factory, server_ctx,  # type: ignore[no-untyped-def]
                                                    config_for) -> None:
    from smtptui.probe.engine import probe

    relay = await relay_factory(starttls=server_ctx, extensions=("PIPELINING",),
                                rcpt_replies={"gone@x.test": "550 5.1.1 No such user"})
    report = await probe(config_for(relay.port, mail_from="a@x.test",
                                    rcpt_to=("ok@x.test", "gone@x.test")))
    doc = report.to_json()
    rcpt = next(s for s in doc["stages"] if s["stage"] == "rcpt")
    assert rcpt["refused"] and doc["info"] and doc["tested_until"]
    read = read_report(doc)
    assert read.unknown == ()
    again = read.report.to_json()
    assert abs(again.pop("cold_ms") - doc.pop("cold_ms")) < 0.01
    assert again == doc


def test_a_version_1_report_and_a_batch_not_run_line_are_read() -> None:
    v1 = {"ok": False, "target": {"host": "mx.example.net", "port": 25, "tls": "starttls",
                                  "profile": "Old"},
          "stages": [{"stage": "connect", "status": "fail", "elapsed_ms": 3.5, "replies": [],
                      "diagnosis": {"layer": "network", "summary": "refused",
                                    "advice": "check the port"}}],
          "tls": None, "extensions": {}, "transcript": []}
    read = read_report(v1)
    assert read.schema == 1 and read.unknown == ()
    assert read.report.failed_stage is not None
    assert read.report.failed_stage.diagnosis is not None
    assert read.report.failed_stage.diagnosis.layer == "network"
    not_run = {**v1, "stages": [], "profile": "Old", "client": "Acme",
               "error": "SMTP_PW is not set"}
    assert read_report(not_run).error == "SMTP_PW is not set"


def test_unknown_fields_and_values_are_named_not_fatal() -> None:
    doc = {"schema": 7, "target": {"host": "h", "port": 1, "tls": "none", "region": "eu"},
           "stages": [{"stage": "ehlo", "status": "info", "elapsed_ms": 1, "severity": 2}],
           "coverage_map": "rcpt"}
    read = read_report(doc)
    assert read.unknown == ("coverage_map", "target.region", "stages[].severity",
                            "stage status 'info'")
    assert read.report.stages[0].status == "warn"
    assert read.notice().startswith("Written by a newer smtptui (report schema 7")


@pytest.mark.parametrize(("doc", "message"), [
    ([1, 2], "the document is not an object"),
    ({"ok": True}, "no target and stages"),
    ({"target": {"port": 1}, "stages": []}, "target has no host"),
    ({"target": {"host": "h", "port": "x"}, "stages": []}, "invalid literal"),
    ({"target": {"host": "h"}, "stages": [], "schema": "2"}, "bad schema"),
])
def test_what_is_not_a_report_says_so_in_one_line(doc: object, message: str) -> None:
    with pytest.raises(ValueError, match=message) as caught:
        read_report(doc)
    assert str(caught.value).startswith("not a smtptui report")
    assert "\n" not in str(caught.value)


def test_since_takes_dates_times_and_ages() -> None:
    import time
    from datetime import datetime

    assert parse_since("2026-11-20") == datetime(2026, 11, 20).timestamp()
    assert parse_since("2026-11-20T14:30") == datetime(2026, 11, 20, 14, 30).timestamp()
    assert abs(parse_since("7d") - (time.time() - 7 * 86400)) < 5
    assert abs(parse_since("12h") - (time.time() - 12 * 3600)) < 5
    with pytest.raises(UsageError, match="not a date"):
        parse_since("last tuesday")


def _modules_after(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_the_engine_never_imports_the_history() -> None:
    code = ("import pkgutil, importlib, sys, smtptui.probe\n"
            "for m in pkgutil.walk_packages(smtptui.probe.__path__, 'smtptui.probe.'):\n"
            "    importlib.import_module(m.name)\n"
            "print(sorted(m for m in sys.modules if m.startswith('smtptui.history')))\n")
    assert _modules_after(code) == "[]"


def test_the_probe_command_loads_sqlite_only_to_record() -> None:
    code = ("import sys\n"
            "from smtptui.cli import build_parser\n"
            "build_parser('probe').parse_args(['probe', '--host', 'x', '--no-history'])\n"
            "import smtptui.commands.probe, smtptui.commands.batch\n"
            "print(sorted(m for m in ('sqlite3', 'zlib', 'smtptui.history.store') "
            "if m in sys.modules))\n")
    assert _modules_after(code) == "[]"


def test_paths_come_from_flags_then_environment_then_platform_dirs(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from smtptui.locations import history_path, profiles_path, state_dir

    monkeypatch.setenv("SMTPTUI_HISTORY", str(tmp_path / "env.sqlite3"))
    assert history_path("~/x.sqlite3") == Path.home() / "x.sqlite3"
    assert history_path() == tmp_path / "env.sqlite3"
    monkeypatch.delenv("SMTPTUI_HISTORY")
    assert history_path() == state_dir() / "history.sqlite3"
    assert history_path().parent.name == "smtptui"
    monkeypatch.delenv("SMTPTUI_PROFILES", raising=False)
    assert profiles_path().name == "profiles.toml"


def test_the_top_level_history_flag_reaches_every_command(tmp_path: Path) -> None:
    db = tmp_path / "top.sqlite3"
    out = subprocess.run([sys.executable, "-m", "smtptui", "--history", str(db), "history"],
                         capture_output=True, text=True)
    assert (out.returncode, out.stdout) == (0, f"No runs recorded yet ({db}).\n")


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG rule is written out on Linux only")
@pytest.mark.parametrize("xdg", [None, "/srv/state", "relative/state", "  "])
def test_the_default_state_dir_is_the_one_platformdirs_gives(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, xdg: str | None) -> None:
    """The history's default location skips importing platformdirs on Linux: it must
    still be exactly where platformdirs puts it."""
    from platformdirs import user_state_dir

    from smtptui.locations import state_location

    monkeypatch.delenv("SMTPTUI_STATE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_STATE_HOME", xdg)
    assert state_location() == user_state_dir("smtptui", appauthor=False)
