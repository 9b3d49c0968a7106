"""`smtptui demo --headless`: the embedded relays give one green probe and two diagnosed
failures, quietly (no library noise on stderr)."""

from __future__ import annotations

import json

from tests.test_cli_probe import smtptui


async def test_demo_headless_shows_a_pass_and_two_diagnosed_failures() -> None:
    code, out, err = await smtptui("demo", "--headless", "--json")
    assert code == 0
    assert err == ""  # no aiosmtpd tracebacks or log lines
    reports = [json.loads(line) for line in out.splitlines()]
    assert [r["target"]["profile"] for r in reports] == [
        "Demo: healthy relay", "Demo: wrong password", "Demo: expired certificate"]
    healthy, wrong, expired = reports
    assert healthy["ok"] is True
    failed = [s for s in wrong["stages"] if s["status"] == "fail"]
    assert failed[0]["stage"] == "auth" and failed[0]["replies"][-1]["enhanced"] == "5.7.8"
    failed = [s for s in expired["stages"] if s["status"] == "fail"]
    assert failed[0]["stage"] == "starttls" and failed[0]["diagnosis"]["layer"] == "tls"
    assert "expired" in expired["tls"]["cert"]["error"]


async def test_demo_headless_human_output() -> None:
    code, out, err = await smtptui("demo", "--headless")
    assert code == 0 and err == ""
    assert out.count("Result: OK") == 1 and out.count("Result: FAILED") == 2
    assert "FAILED at auth" in out and "FAILED at starttls" in out


async def test_demo_headless_suggests_minus_v_only_without_it() -> None:
    code, out, _ = await smtptui("demo", "--headless")
    assert code == 0 and "Run with -v to see which mechanism was used." in out
    code, out, _ = await smtptui("demo", "--headless", "-v")
    assert code == 0 and "C: AUTH PLAIN <redacted>" in out
    assert "with -v" not in out
    assert ("The mechanisms tried were PLAIN, then LOGIN (in the transcript above); --auth "
            "picks one.") in out
