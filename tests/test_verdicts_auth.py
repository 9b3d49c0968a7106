"""Issue 11 item 13: `--auth auto` prefers PLAIN then LOGIN over TLS, and after a 535
tries the other offered mechanisms once each, saying which failed and which worked."""

from __future__ import annotations

import base64
import ssl

import pytest

from smtptui.probe.engine import probe
from tests.conftest import CANARY, USER, make_config
from tests.postfix_like import postfix_dialogue
from tests.servers import Conn, Handler, RawFactory


def dovecot_like(accepts: set[str], server_ctx: ssl.SSLContext,
                 offered: str = "PLAIN LOGIN CRAM-MD5") -> Handler:
    """Postfix + Dovecot SASL over STARTTLS: only the mechanisms in ``accepts`` can check
    the (hashed) password; the others answer 535 like Dovecot does."""
    async def answer(conn: Conn, verb: str, line: str) -> bool | None:
        if verb == "EHLO":
            encrypted = conn.writer.get_extra_info("sslcontext") is not None
            await conn.send("250-mx.test.local",
                            f"250-AUTH {offered}" if encrypted else "250-STARTTLS",
                            "250-ENHANCEDSTATUSCODES", "250 8BITMIME")
        elif verb == "STARTTLS":
            await conn.send("220 2.0.0 Ready to start TLS")
            await conn.start_tls(server_ctx)
        elif verb == "AUTH":
            mech, _, initial = line.partition(" ")[2].partition(" ")
            await conn.send("235 2.7.0 Authentication successful"
                            if await sasl_ok(conn, mech.upper(), initial, accepts)
                            else "535 5.7.8 Error: authentication failed: "
                                 "authentication failure")
        else:
            return None
        return True
    return postfix_dialogue(answer, "220 mx.test.local ESMTP Postfix")


async def sasl_ok(conn: Conn, mech: str, initial: str, accepts: set[str]) -> bool:
    """Run the mechanism's exchange; True when this server can check it (and, for
    PLAIN, the password is right)."""
    if mech == "LOGIN":
        for prompt in ("334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6"):
            await conn.send(prompt)
            await conn.readline()
    elif mech == "CRAM-MD5":
        await conn.send("334 " + base64.b64encode(b"<1.2@mx>").decode())
        await conn.readline()
    right = f"\0{USER}\0{CANARY}".encode()
    return mech in accepts and (mech != "PLAIN" or base64.b64decode(initial) == right)


def mechs_tried(received: list[str]) -> list[str]:
    return [line.split()[1].upper() for line in received if line.upper().startswith("AUTH ")]


async def test_auto_prefers_plain_over_tls(raw_server: RawFactory, server_ctx: ssl.SSLContext,
                                           cafile: str) -> None:
    server = await raw_server(dovecot_like({"PLAIN", "LOGIN"}, server_ctx))
    report = await probe(make_config(server.port, cafile=cafile, stop_after="auth"))
    auth = report.stage("auth")
    assert auth is not None and auth.status == "pass" and auth.note == "PLAIN accepted"
    assert mechs_tried(server.received) == ["PLAIN"]


async def test_after_a_535_the_other_mechanisms_are_tried_once_each(
        raw_server: RawFactory, server_ctx: ssl.SSLContext, cafile: str) -> None:
    server = await raw_server(dovecot_like({"CRAM-MD5"}, server_ctx))
    report = await probe(make_config(server.port, cafile=cafile, stop_after="auth"))
    auth = report.stage("auth")
    assert auth is not None and report.ok and auth.status == "warn"
    assert mechs_tried(server.received) == ["PLAIN", "LOGIN", "CRAM-MD5"]
    assert auth.note == "CRAM-MD5 accepted; PLAIN, LOGIN refused"
    assert auth.diagnosis is not None and auth.diagnosis.kind == "auth_mechanism_fallback"
    assert "CRAM-MD5 accepted, PLAIN and LOGIN refused" in auth.diagnosis.summary


async def test_when_every_mechanism_is_refused_each_is_named(
        raw_server: RawFactory, server_ctx: ssl.SSLContext, cafile: str) -> None:
    server = await raw_server(dovecot_like(set(), server_ctx))
    report = await probe(make_config(server.port, cafile=cafile, stop_after="auth"))
    failed = report.failed_stage
    assert failed is not None and failed.stage == "auth" and failed.diagnosis is not None
    assert mechs_tried(server.received) == ["PLAIN", "LOGIN", "CRAM-MD5"]
    assert "tried PLAIN, LOGIN, CRAM-MD5: all refused" in failed.diagnosis.summary
    assert failed.diagnosis.layer == "auth"


@pytest.mark.parametrize("mech", ["plain", "cram-md5"])
async def test_an_explicit_mechanism_is_tried_alone(
        raw_server: RawFactory, server_ctx: ssl.SSLContext, cafile: str, mech: str) -> None:
    server = await raw_server(dovecot_like(set(), server_ctx))
    report = await probe(make_config(server.port, cafile=cafile, stop_after="auth", auth=mech))
    assert not report.ok
    assert mechs_tried(server.received) == [mech.upper()]


async def test_no_further_mechanism_after_a_lockout_warning(
        raw_server: RawFactory, server_ctx: ssl.SSLContext, cafile: str) -> None:
    async def locked(conn: Conn, verb: str, line: str) -> bool | None:
        if verb == "EHLO":
            encrypted = conn.writer.get_extra_info("sslcontext") is not None
            await conn.send("250-mx.test.local", "250-AUTH PLAIN LOGIN" if encrypted
                            else "250-STARTTLS", "250 ENHANCEDSTATUSCODES")
        elif verb == "STARTTLS":
            await conn.send("220 2.0.0 Ready to start TLS")
            await conn.start_tls(server_ctx)
        elif verb == "AUTH":
            await conn.send("535 5.7.0 (#AUTH005) Too many bad auth attempts.")
        else:
            return None
        return True

    server = await raw_server(postfix_dialogue(locked))
    report = await probe(make_config(server.port, cafile=cafile, stop_after="auth"))
    assert not report.ok and mechs_tried(server.received) == ["PLAIN"]
