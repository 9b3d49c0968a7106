"""Servers that send nonsense: the probe always ends with a diagnosis — never an internal
error, never a hang, never raw control bytes in the report."""

from __future__ import annotations

import json
import random
from collections.abc import Callable

import pytest

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe
from tests.servers import Conn, RawFactory

ConfigFor = Callable[..., ProbeConfig]

GREETINGS: dict[str, list[bytes]] = {
    "not a number": [b"hello there\r\n"],
    "code without text": [b"220\r\n"],
    "bare LF line ends": [b"220 lf.test ESMTP\n"],
    "NUL and high bytes": [b"220 \x00\xff\xfe nul.test\r\n"],
    "endless continuation": [b"220-more\r\n" * 3000],
    "two replies at once": [b"220 a\r\n220 b\r\n"],
    "HTTP server": [b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"],
    "SSH server": [b"SSH-2.0-OpenSSH_9.6\r\n"],
    "random bytes": [random.Random(7).randbytes(4096)],
}


@pytest.mark.parametrize("case", sorted(GREETINGS))
async def test_nonsense_greetings_are_diagnosed(raw_server: RawFactory, config_for: ConfigFor,
                                                case: str) -> None:
    async def nonsense(conn: Conn) -> None:
        for chunk in GREETINGS[case]:
            await conn.send(chunk)
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            await conn.send({"EHLO": "250 ok.test", "QUIT": "221 bye"}.get(verb, "500 what"))

    server = await raw_server(nonsense)
    report = await probe(config_for(server.port, tls="none", username=None, password=None,
                                    timeout=2.0))
    doc = json.dumps(report.to_json())
    for stage in report.stages:
        if stage.status == "fail":
            assert stage.diagnosis is not None
            assert "unexpected error" not in stage.diagnosis.summary.lower(), stage.diagnosis
    for line in report.transcript:
        assert not any(ord(c) < 32 for c in line.text), line
    assert "\\u0000" not in doc  # NUL shown as an escape in the text, not smuggled into JSON


async def test_two_replies_to_one_read_is_flagged(raw_server: RawFactory,
                                                  config_for: ConfigFor) -> None:
    async def double(conn: Conn) -> None:
        await conn.send(b"220 a.test first\r\n220 b.test second\r\n")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            await conn.send({"EHLO": "250 ok.test", "QUIT": "221 bye"}.get(verb, "500 what"))

    server = await raw_server(double)
    report = await probe(config_for(server.port, tls="none", username=None, password=None))
    assert any("out of step" in w for w in report.warnings)
    assert report.stage("greeting").status == "warn"  # type: ignore[union-attr]
