"""A recorded one-relay probe (the default) keeps issue 13's start-up budget: what it
imports, that it still records, that the collector is back for in-process callers, and
that SNI names reach TLS unchanged whether or not they skip the ``idna`` codec. (The
comparison tables, now imported only when two runs differ, are covered by
``test_history_cli``'s "AUTH LOGIN is no longer offered".)"""

from __future__ import annotations

import asyncio
import calendar
import json
import sqlite3
import ssl
import sys
import time
from pathlib import Path

import pytest
import trustme

from smtptui.history.store import local_time, utc_seconds
from smtptui.probe.tlsinfo import ssl_hostname
from tests.conftest import CANARY, RelayFactory
from tests.test_cli_probe import smtptui, target

AVOIDED = ("pathlib", "dataclasses", "datetime", "sqlite3.dbapi2", "_strptime", "calendar",
           "encodings.idna", "smtptui.compare.rows", "smtptui.history.changes",
           "platformdirs", "textual")


async def test_a_recorded_probe_records_without_the_heavy_imports(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        tmp_path: Path) -> None:
    relay = await relay_factory(starttls=server_ctx, auth_mechanisms=("PLAIN",))
    db = tmp_path / "state" / "history.sqlite3"  # its folder does not exist yet
    argv = ["probe", *target(relay.port, cafile), "--servername", "localhost", "--json",
            "--history", str(db)]
    code = (
        "import gc, json, sys\n"
        "from smtptui.cli import main\n"
        f"code = main({argv!r})\n"
        f"print(json.dumps({{'code': code, 'gc': gc.isenabled(), 'loaded': sorted(\n"
        f"    m for m in {AVOIDED!r} if m in sys.modules)}}), file=sys.stderr)\n"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", code, env={"SMTP_PW": CANARY, "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    facts = json.loads(err.decode().strip().splitlines()[-1])
    assert facts == {"code": 0, "gc": True, "loaded": []}
    doc = json.loads(out)
    assert doc["ok"] is True and doc["history"]["previous"] is None
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT id, profile, verdict FROM runs").fetchall()
    assert rows == [(doc["history"]["run_id"], f"127.0.0.1:{relay.port}", "pass")]
    assert CANARY not in out.decode() + err.decode()


def test_main_gives_the_collector_back_to_an_in_process_caller() -> None:
    import gc

    from smtptui.cli import main

    assert gc.isenabled()
    assert main(["profiles", "presets"]) == 0
    assert gc.isenabled()
    gc.disable()
    try:
        main(["profiles", "presets"])
        assert not gc.isenabled()  # left as the caller had it
    finally:
        gc.enable()


@pytest.mark.parametrize("seconds", [0, 951782400, 1_709_164_800, 1_733_353_103,
                                     4_102_444_799, 253_402_300_799])
def test_utc_seconds_agrees_with_the_standard_library(seconds: int) -> None:
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
    assert utc_seconds(stamp) == calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ"))


@pytest.mark.parametrize("stamp", ["2026-02-29T00:00:00Z", "2026-13-01T00:00:00Z",
                                   "2026-12-04 22:58:23Z", "2026-12-04T22:58:23",
                                   "2026-12-04T24:00:00Z", "\uff12026-12-04T22:58:23Z", ""])
def test_utc_seconds_refuses_anything_else(stamp: str) -> None:
    with pytest.raises(ValueError):
        utc_seconds(stamp)
    assert local_time(stamp) == stamp  # shown as written


@pytest.mark.parametrize(("name", "given"), [
    ("localhost", b"localhost"), ("Mail.Example.COM.", b"Mail.Example.COM."),
    ("127.0.0.1", b"127.0.0.1"), ("bücher.example", "bücher.example"),
    ("a..example", "a..example"), ("x" * 64 + ".example", "x" * 64 + ".example"),
])
def test_ascii_names_reach_ssl_as_the_bytes_the_codec_would_give(
        name: str, given: str | bytes) -> None:
    assert ssl_hostname(name) == given
    if isinstance(given, bytes):
        assert given == name.encode("idna")
        obj = ssl.create_default_context().wrap_bio(ssl.MemoryBIO(), ssl.MemoryBIO(),
                                                    server_hostname=ssl_hostname(name))
        assert obj.server_hostname == name


async def test_an_internationalised_servername_still_verifies(
        relay_factory: RelayFactory, ca: trustme.CA, cafile: str) -> None:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("xn--bcher-kva.test").configure_cert(ctx)
    relay = await relay_factory(starttls=ctx, auth_mechanisms=("PLAIN",))
    code, out, err = await smtptui("probe", *target(relay.port, cafile), "--servername",
                                   "bücher.test", "--json", "--no-history")
    assert code == 0, out + err
    assert json.loads(out)["tls"]["cert"]["verified"] is True
    code, out, _ = await smtptui("probe", *target(relay.port, cafile), "--servername",
                                 "other.test", "--json", "--no-history")
    assert code == 1  # the name is really checked
