"""`smtptui compare A B`: exit codes, the JSON shape and the human table, against relays."""

from __future__ import annotations

import asyncio
import json
import ssl
from pathlib import Path

import pytest

from smtptui import cli
from smtptui.demo.relay import Relay
from smtptui.profiles import EnvSource, Profile, load_or_empty
from tests.conftest import CANARY, USER, RelayFactory

MB = 1024 * 1024


@pytest.fixture
async def relays(relay_factory: RelayFactory, server_ctx: ssl.SSLContext) -> tuple[Relay, Relay]:
    a = await relay_factory(starttls=server_ctx, size=10 * MB,
                            extensions=("PIPELINING", "ENHANCEDSTATUSCODES"))
    b = await relay_factory(starttls=server_ctx, size=20 * MB,
                            extensions=("PIPELINING", "ENHANCEDSTATUSCODES"),
                            users={USER: "another-password"})
    return a, b


@pytest.fixture
def profiles(tmp_path: Path, relays: tuple[Relay, Relay], cafile: str,
             monkeypatch: pytest.MonkeyPatch) -> Path:
    """Profiles "Alpha" and "Beta" (whose relay refuses our password), "Alpha 2" = Alpha."""
    monkeypatch.setattr(cli, "SUBCOMMANDS", ("compare",))  # siblings are tested on their own
    monkeypatch.setenv("SMTP_PW", CANARY)
    monkeypatch.setenv("NO_COLOR", "1")
    path = tmp_path / "profiles.toml"
    pf = load_or_empty(path)
    for name, relay in (("Alpha", relays[0]), ("Alpha 2", relays[0]), ("Beta", relays[1])):
        pf.add(Profile(name=name, host="127.0.0.1", port=relay.port, username=USER,
                       password=EnvSource("SMTP_PW"), cafile=cafile, timeout=5.0))
    pf.save()
    return path


async def smtptui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """The real CLI in-process (in a thread: the relays keep running on this loop)."""
    code = await asyncio.to_thread(cli.main, list(argv))
    out, err = capsys.readouterr()
    assert CANARY not in out + err and "Traceback" not in err
    return code, out, err


async def test_json_shape_and_exit_1_when_a_side_fails(
        profiles: Path, relays: tuple[Relay, Relay], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await smtptui(capsys, "compare", "Alpha", "Beta", "--runs", "2",
                                   "--json", "--profiles", str(profiles))
    assert code == 1, err
    doc = json.loads(out)  # exactly one JSON object
    assert {"a", "b", "runs", "stats", "rows", "cold_warm"} <= set(doc)
    assert doc["runs"] == 2 and doc["ok"] is False
    assert doc["a"]["target"]["port"] == relays[0].port and doc["a"]["ok"] is True
    assert doc["b"]["target"]["port"] == relays[1].port and doc["b"]["ok"] is False
    assert doc["a"]["target"]["profile"] == "Alpha"
    assert relays[0].connections == relays[1].connections == 2
    for row in doc["rows"]:
        assert {"key", "aspect", "a", "b", "differs"} <= set(row)
        assert isinstance(row["differs"], bool)
    rows = {r["key"]: r for r in doc["rows"]}
    assert rows["failing_stage"]["b"] == "auth (535 5.7.8)" and rows["failing_stage"]["differs"]
    assert rows["ext.SIZE"]["differs"] and not rows["ext.PIPELINING"]["differs"]
    assert doc["stats"]["a"]["connect"]["n"] == 2
    assert set(doc["stats"]["a"]) == {"resolve", "connect", "greeting", "ehlo", "tls", "auth",
                                      "send", "total"}
    assert doc["stats"]["b"]["auth"] is None  # AUTH never completed on B
    assert doc["cold_warm"]["a"]["warm_note"] == "n/a (needs --from/--to)"


async def test_human_table_marks_differences_and_exit_0(
        profiles: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await smtptui(capsys, "compare", "Alpha", "Alpha 2", "--profiles",
                                 str(profiles), "--from", "ops@acme.test", "--to", "x@y.test")
    assert code == 0
    assert "\x1b[" not in out  # not a terminal, and NO_COLOR
    lines = out.splitlines()
    assert any(line.startswith("  A run 1/1") and "passed" in line for line in lines)
    size = next(line for line in lines if line.strip().startswith("SIZE"))
    assert "10.0 MiB" in size and "≠" not in size  # the same relay: no difference
    assert "Cold vs warm" in out and "warm n/a" not in out  # --from/--to: warm measured


def _send_row(out: str) -> str:
    """The table's send row (not the "N differences: …" line, which names it when the
    two sides' send latencies differ, as they can on a loaded machine)."""
    return next(line for line in out.splitlines()
                if line.lstrip().removeprefix("≠ ").startswith("send (MAIL+RCPT+DATA)"))


async def test_send_shows_what_mail_rcpt_and_data_did_on_each_side(
        profiles: Path, relays: tuple[Relay, Relay], capsys: pytest.CaptureFixture[str]) -> None:
    """A sent; B never got past AUTH: A's send figure is not hidden as n/a."""
    argv = ["compare", "Alpha", "Beta", "--send", "--from", "ops@acme.test", "--to",
            "x@y.test", "--profiles", str(profiles)]
    code, out, _ = await smtptui(capsys, *argv)
    assert code == 1 and len(relays[0].messages) == 1
    row = _send_row(out).split()
    assert row[3:5] == ["ms", "n/a"] and float(row[2]) > 0, row  # A's figure, then B
    assert "(not reached: AUTH" in _send_row(out)
    lines = out.splitlines()
    send = lines[lines.index("Send: MAIL, RCPT and DATA as they ran"):]
    assert send[1].startswith("  A: MAIL pass ") and ", RCPT pass " in send[1]
    assert ", DATA pass " in send[1] and "(250 2.0.0 OK queued as" in send[1]
    assert send[2] == "  B: not reached: AUTH failed"
    code, out, _ = await smtptui(capsys, *argv, "--json")
    doc = json.loads(out)
    assert doc["stats"]["a"]["send"]["n"] == 1 and doc["stats"]["b"]["send"] is None
    assert doc["send"]["b"] == {"outcome": "not reached: AUTH failed", "stages": []}
    a = doc["send"]["a"]
    assert a["outcome"] == "MAIL+RCPT+DATA passed"
    assert [(s["stage"], s["status"]) for s in a["stages"]] == [
        ("mail", "pass"), ("rcpt", "pass"), ("data", "pass")]
    assert a["stages"][1]["reply"] == "250 2.1.5 OK" and a["stages"][2]["elapsed_ms"] > 0


async def test_send_names_the_refused_stage_and_a_probe_without_data(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, profiles: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    picky = await relay_factory(starttls=server_ctx,
                                rcpt_replies={"x@y.test": "550 5.1.1 no such user"})
    pf = load_or_empty(profiles)
    pf.add(Profile(name="Picky", host="127.0.0.1", port=picky.port, username=USER,
                   password=EnvSource("SMTP_PW"), cafile=pf.get("Alpha").cafile, timeout=5.0))
    pf.save()
    argv = ["compare", "Alpha", "Picky", "--from", "ops@acme.test", "--to", "x@y.test",
            "--profiles", str(profiles)]
    code, out, _ = await smtptui(capsys, *argv)
    assert code == 1
    assert "(MAIL+RCPT, no DATA)" in _send_row(out)
    code, out, _ = await smtptui(capsys, *argv, "--json")
    doc = json.loads(out)
    row = next(r for r in doc["rows"] if r["key"] == "latency.send")
    assert row["a"].endswith(" ms (MAIL+RCPT, no DATA)")
    assert row["b"].endswith(" ms (MAIL passed; RCPT failed: 550 5.1.1)")
    send = doc["send"]
    assert send["a"]["outcome"] == "MAIL+RCPT, no DATA"
    assert send["b"]["outcome"] == "MAIL passed; RCPT failed: 550 5.1.1"
    assert send["b"]["stages"][1]["reply"] == "550 5.1.1 no such user"


@pytest.mark.parametrize("argv, message", [
    (["Alpha", "Nope"], "unknown profile"),
    (["Alpha", "Beta", "--runs", "0"], "runs must be 1-100"),
    (["Alpha", "Beta", "--runs", "101"], "runs must be 1-100"),
    (["Alpha", "Beta", "--runs", "many"], "not a number of runs"),
    (["Alpha", "Beta", "--send"], "--send needs --from"),
])
async def test_bad_input_exits_2(profiles: Path, relays: tuple[Relay, Relay],
                                 capsys: pytest.CaptureFixture[str], argv: list[str],
                                 message: str) -> None:
    code, out, err = await smtptui(capsys, "compare", *argv, "--profiles", str(profiles))
    assert code == 2 and out == ""
    assert err.startswith("smtptui: ") and message in err and len(err.splitlines()) == 1
    assert relays[0].connections == relays[1].connections == 0
