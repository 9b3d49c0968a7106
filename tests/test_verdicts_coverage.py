"""Issue 11 item 9: a pass says what it tested (`tested_until`), in the JSON, the CLI
summary, the dashboard and compare — and compare only compares stages both sides ran."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from smtptui.app.render import report_card
from smtptui.app.status import report_state
from smtptui.compare import Side, compare_reports
from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from smtptui.probe.events import StageFinished
from tests.app_helpers import app_for, diagnosis_text, run_selected, select
from tests.compare_reports import make_report
from tests.conftest import USER
from tests.postfix_like import cli_env
from tests.postfix_like import run_cli as smtptui
from tests.servers import Conn, RawFactory, smtp_loop


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_env(monkeypatch, "probe")


def args(port: int, cafile: str) -> list[str]:
    return ["probe", "--host", "127.0.0.1", "--port", str(port), "--cafile", cafile,
            "--user", USER, "--password-env", "SMTP_PW", "--timeout", "5"]


async def test_a_pass_without_sender_says_it_stopped_at_auth(
        relay, cafile: str, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = await smtptui(capsys, *args(relay.port, cafile), "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["tested_until"] == "auth"
    assert doc["untested"] == [{"stages": ["mail", "rcpt"],
                                "reason": "no sender/recipient set"}]
    code, out, _ = await smtptui(capsys, *args(relay.port, cafile))
    assert code == 0
    assert "Result: OK up to AUTH — MAIL/RCPT not tested (no sender/recipient set);" in out


async def test_a_full_probe_names_only_what_it_left_out(
        relay, cafile: str, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = await smtptui(capsys, *args(relay.port, cafile), "--from", USER,
                                 "--to", "a@acme.test", "--json")
    doc = json.loads(out)
    assert (code, doc["tested_until"]) == (0, "rcpt")
    assert doc["untested"] == [{"stages": ["data"],
                                "reason": "no message sent; --send tests it"}]
    code, out, _ = await smtptui(capsys, *args(relay.port, cafile), "--from", USER,
                                 "--to", "a@acme.test", "--send", "--json")
    doc = json.loads(out)
    assert (code, doc["tested_until"], doc["untested"]) == (0, "data", [])
    code, out, _ = await smtptui(capsys, *args(relay.port, cafile), "--stop-after", "tls",
                                 "--json")
    doc = json.loads(out)
    assert doc["tested_until"] == "ehlo"
    assert doc["untested"] == [{"stages": ["auth", "mail", "rcpt"],
                                "reason": "--stop-after tls"}]


async def test_the_dashboard_says_what_a_pass_covered(acme_file: Path) -> None:
    app = app_for(acme_file)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        view = app.main.view
        assert view.strip.outcome == "pass"
        assert "PASSED up to RCPT" in view.strip.plain()  # the profile sets From and To
        assert "DATA not tested (no message sent; s sends one)" in diagnosis_text(app)


def with_envelope(report, mail_ms: float = 30.0, rcpt_ms: float = 30.0):  # type: ignore[no-untyped-def]
    """The same run, having also tested MAIL and RCPT (before QUIT)."""
    stages = list(report.stages)
    stages[-1:-1] = [StageFinished("mail", "pass", mail_ms), StageFinished("rcpt", "pass", rcpt_ms)]
    return dataclasses.replace(report, stages=tuple(stages),
                               total_ms=report.total_ms + mail_ms + rcpt_ms,
                               tested_until="rcpt")


def test_compare_counts_only_the_stages_both_sides_ran() -> None:
    a = dataclasses.replace(make_report("a.test"), tested_until="auth",
                            untested=((("mail", "rcpt"), "no sender/recipient set"),))
    b = with_envelope(make_report("b.test"))
    c = compare_reports(Side("A", (a,), 0), Side("B", (b,), 0))
    total = c.row("latency.total")
    assert total.aspect == "total (stages both ran)"
    assert total.a == total.b and total.faster is None and c.faster["overall"] is None
    tested = c.row("tested_until")
    assert tested.a == "AUTH — MAIL/RCPT not tested (no sender/recipient set)"
    assert tested.b == "RCPT" and tested.differs
    same = compare_reports(Side("A", (with_envelope(make_report("a.test")),), 0),
                           Side("B", (b,), 0))
    assert same.row("latency.total").aspect == "total"
    assert not same.row("tested_until").differs


EXIM_EHLO = ("250-mx.test.local Hello localhost [127.0.0.1]", "250-SIZE 52428800",
             "250-8BITMIME", "250-PIPELINING", "250-PIPE_CONNECT", "250-CHUNKING",
             "250-PRDR", "250 HELP")


async def exim(conn: Conn) -> None:
    await conn.send("220 mx.test.local ESMTP Exim 4.96 Fri, 04 Dec 2026 20:00:00 +0000")
    await smtp_loop(conn, {"EHLO": EXIM_EHLO, "MAIL": "250 OK", "RCPT": "250 Accepted",
                           "QUIT": "221 mx.test.local closing connection"})


async def test_a_healthy_exim_passes_without_warnings(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(exim)
    target = ["probe", "--host", "127.0.0.1", "--port", str(server.port), "--tls", "none",
              "--timeout", "5", "--from", "a@test.local", "--to", "b@test.local"]
    code, out, _ = await smtptui(capsys, *target, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["warnings"] == []
    assert {s["status"] for s in doc["stages"]} == {"pass", "skip"}  # no AUTH: skipped
    assert any("ENHANCEDSTATUSCODES" in i for i in doc["info"])
    ehlo = next(s for s in doc["stages"] if s["stage"] == "ehlo")
    assert ehlo["diagnosis"] is None and ehlo["info"]
    code, out, _ = await smtptui(capsys, *target)
    assert "Result: OK up to RCPT" in out and "with warnings" not in out
    assert "Info (nothing to do):" in out and "⚠" not in out
    report = await probe(ProbeConfig("127.0.0.1", server.port, tls="none", timeout=5))
    assert report_state(report) == "pass"  # the sidebar shows ✓, not ⚠
    card = "\n".join(str(line) for line in report_card(report))
    assert "Info (nothing to do)" in card and "WITH WARNINGS" not in card


async def test_a_batch_line_says_what_each_pass_covered(
        relay, cafile: str, tmp_path: Path,  # type: ignore[no-untyped-def]
        capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f'[[profile]]\nname = "no sender"\nhost = "127.0.0.1"\n'
                    f'port = {relay.port}\ncafile = "{cafile}"\nusername = "{USER}"\n'
                    'password = { env = "SMTP_PW" }\ntimeout = 5\n')
    path.chmod(0o600)
    code, out, _ = await smtptui(capsys, "probe", "--all", "--profiles", str(path))
    assert code == 0
    assert "up to AUTH — MAIL/RCPT not tested (no sender/recipient set)" in out
