"""Issue 11 item 14: the printed swaks and openssl lines reproduce the probe (they are
run here against the same loopback relay), or say where they cannot."""

from __future__ import annotations

import asyncio
import json
import os
import shlex
import shutil

import pytest

from smtptui.commands.probe import swaks_line
from smtptui.commands.reproduce import openssl_line
from smtptui.demo.relay import Relay
from smtptui.probe.config import ProbeConfig, Secret
from tests.conftest import CANARY, USER
from tests.postfix_like import cli_env
from tests.postfix_like import run_cli as smtptui


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_env(monkeypatch, "probe")


async def run(line: str, stdin: bytes = b"QUIT\r\n") -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "bash", "-c", line, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT, env={**os.environ, "SMTP_PW": CANARY})
    out, _ = await asyncio.wait_for(proc.communicate(stdin), 30)
    assert proc.returncode is not None
    return proc.returncode, out.decode(errors="replace")


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="no openssl")


@needs_openssl
async def test_the_openssl_line_verifies_like_the_probe(
        relay: Relay, relay_factory, bad_certs, cafile: str,  # type: ignore[no-untyped-def]
        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await smtptui(capsys, "probe", "--host", "127.0.0.1", "--port",
                                 str(relay.port), "--cafile", cafile, "--stop-after", "tls",
                                 "--timeout", "5", "--openssl", "--json")
    line = json.loads(out)["openssl"]
    assert "-starttls smtp" in line and "-verify_ip 127.0.0.1" in line
    status, said = await run(line)
    assert status == 0 and "Verification: OK" in said
    wrong = await relay_factory(starttls=bad_certs["wrong_host"])
    config = ProbeConfig("127.0.0.1", wrong.port, cafile=cafile, servername="localhost")
    line = openssl_line(config)
    assert line is not None and "-verify_hostname localhost" in line
    status, said = await run(line)
    assert status != 0  # the name check fails, as the probe's does


@pytest.mark.skipif(shutil.which("swaks") is None, reason="no swaks")
async def test_the_swaks_line_runs_the_same_test(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await smtptui(capsys, "probe", "--host", "127.0.0.1", "--port",
                                 str(relay.port), "--cafile", cafile, "--user", USER,
                                 "--password-env", "SMTP_PW", "--from", USER, "--to",
                                 "b@acme.test", "--timeout", "4.5", "--swaks", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["swaks"].endswith("--timeout 5")  # whole seconds, rounded up
    notes = doc["swaks_notes"]
    assert notes[0].startswith("# swaks verifies the certificate chain (--tls-verify) but "
                               "not the host name")
    assert notes[1].startswith("#   openssl s_client") and "-verify_ip 127.0.0.1" in notes[1]
    assert "rounded up to 5" in notes[2]
    before = relay.verbs.count("RCPT")
    status, said = await run(doc["swaks"], stdin=b"")
    assert status == 0, said
    assert relay.verbs.count("RCPT") == before + 1


async def test_swaks_is_not_offered_for_oauth(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = await smtptui(capsys, "probe", "--host", "127.0.0.1", "--port",
                                 str(relay.port), "--cafile", cafile, "--user", USER,
                                 "--oauth-token-env", "OAUTH_TOK", "--auth", "xoauth2",
                                 "--stop-after", "ehlo", "--swaks", "--openssl")
    assert "swaks cannot reproduce this test: it has no XOAUTH2/OAUTHBEARER" in out
    assert "swaks --server" not in out
    assert "Check the TLS handshake with openssl:\n  openssl s_client" in out


def test_no_tls_means_no_openssl_line() -> None:
    assert openssl_line(ProbeConfig("h.example", 25, tls="none")) is None
    implicit = openssl_line(ProbeConfig("h.example", 465, tls="implicit", insecure=True))
    assert implicit == "openssl s_client -connect h.example:465 -servername h.example"
    assert shlex.split(swaks_line(ProbeConfig("h.example", username="u", password=Secret("x"),
                                              timeout=0.2)))[-2:] == ["--timeout", "1"]
