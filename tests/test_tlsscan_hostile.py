"""`smtptui tls` and `smtptui mx` against hostile servers, policy hosts and DNS: every
path bounded, nothing untrusted reaching the terminal raw, no verdict claimed that was
not observed."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import Awaitable, Callable, Collection
from pathlib import Path
from typing import Any

import pytest
import trustme

from smtptui.tlsscan.handshake import Endpoint
from smtptui.tlsscan.openrelay import check_open_relay
from smtptui.tlsscan.scan import scan_tls
from tests.conftest import RelayFactory
from tests.dns_fixtures import DnsServerFactory
from tests.postfix_like import cli_env, run_cli
from tests.servers import Conn, Handler, RawFactory, smtp_loop


def relay_server(rcpt: str, mail: str = "250 2.1.0 ok") -> Handler:
    async def handler(conn: Conn) -> None:
        await conn.send("220 relay.test ESMTP")
        await smtp_loop(conn, {"EHLO": "250 relay.test", "MAIL": mail, "RCPT": rcpt,
                               "RSET": "250 ok", "QUIT": "221 bye"})
    return handler


async def test_a_temporary_rcpt_refusal_is_inconclusive_not_closed(
        raw_server: RawFactory) -> None:
    """Greylisting (450) says nothing about relaying: never "not an open relay"."""
    from smtptui.tlsscan.inbound import _relay_findings

    server = await raw_server(relay_server("450 4.7.1 greylisted, try again later"))
    check = await check_open_relay("127.0.0.1", server.port, "relay.test", timeout=3.0)
    assert check.open_variants == ()
    found = _relay_findings(check)
    assert not any("not an open relay" in f.text for f in found)
    assert any(f.level == "warn" and "inconclusive" in f.text for f in found)
    assert "QUIT" in server.verbs and "DATA" not in server.verbs


async def test_a_refused_sender_still_gets_quit(raw_server: RawFactory) -> None:
    server = await raw_server(relay_server("554 5.7.1 no", mail="553 5.7.1 sender rejected"))
    check = await check_open_relay("127.0.0.1", server.port, "relay.test", timeout=3.0)
    assert check.error and "refused" in check.error and check.tries == ()
    assert server.verbs[-1] == "QUIT"
    assert "RCPT" not in server.verbs and "DATA" not in server.verbs


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
async def test_tls_rejects_a_timeout_that_is_not_a_positive_finite_number(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        value: str) -> None:
    """``inf`` would let a server that never answers hold the scan for ever."""
    cli_env(monkeypatch, "tls")
    code, out, err = await run_cli(capsys, "tls", "127.0.0.1:1", "--timeout", value)
    assert code == 2 and out == "" and err.count("\n") == 1 and "timeout" in err


async def test_tls_names_a_broken_profiles_file_rather_than_a_missing_host(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        dns_server_factory: DnsServerFactory, tmp_path: Path) -> None:
    """``smtptui tls edge`` with a broken profiles file: the user meant the profile."""
    cli_env(monkeypatch, "tls")
    broken = tmp_path / "profiles.toml"
    broken.write_text("[[profile]\nname = 'edge'\n")
    dns = dns_server_factory({"other.test": {"@": [("A", "127.0.0.1")]}})
    code, out, err = await run_cli(capsys, "tls", "edge", "--profiles", str(broken),
                                   "--nameserver", dns.address, "--timeout", "2")
    assert code == 2 and err.count("\n") == 1 and str(broken) in err


def _malformed_certificate(tmp_path: Path) -> ssl.SSLContext:
    """A server certificate OpenSSL loads and serves but ``cryptography`` cannot parse:
    its TLS-feature extension holds an OCTET STRING where an INTEGER belongs."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "evil.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(7)
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("evil.test")]), False)
            .add_extension(x509.TLSFeature([x509.TLSFeatureType.status_request]), False)
            .sign(key, hashes.SHA256()))
    der = cert.public_bytes(serialization.Encoding.DER)
    good_value = b"\x30\x03\x02\x01\x05"  # SEQUENCE { INTEGER 5 }
    assert der.count(good_value) == 1
    der = der.replace(good_value, b"\x30\x03\x04\x01\x05")
    return _serving(tmp_path, ssl.DER_cert_to_PEM_cert(der).encode(), key)


def _serving(tmp_path: Path, chain_pem: bytes, key: Any) -> ssl.SSLContext:
    """A server context for ``chain_pem`` (any certificates OpenSSL loads) and ``key``."""
    from cryptography.hazmat.primitives import serialization

    (tmp_path / "chain.pem").write_bytes(chain_pem)
    (tmp_path / "key.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(tmp_path / "chain.pem", tmp_path / "key.pem")
    return ctx


async def test_a_certificate_the_parser_rejects_is_a_finding_not_a_crash(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    relay = await relay_factory(starttls=_malformed_certificate(tmp_path))
    report = await scan_tls(Endpoint("127.0.0.1", relay.port, "starttls", "evil.test"),
                            "evil.test", timeout=5.0, light=True)
    cert = [(f.level, f.text) for s in report.sections if s.name == "certificate"
            for f in s.findings]
    assert any(level == "fail" and "malformed" in text for level, text in cert), cert
    assert report.chain and "evil.test" in report.chain[0].subject
    assert report.level == "fail"


def starttls_server(ctx: ssl.SSLContext, drop: Collection[int] = (),
                    after_tls: Callable[[Conn], Awaitable[None]] | None = None) -> Handler:
    """A STARTTLS server that hangs up at once on the connections numbered in ``drop``
    (counted from 1, in the order accepted); after each handshake, ``after_tls`` (by
    default: read until the client leaves)."""
    count = 0

    async def handler(conn: Conn) -> None:
        nonlocal count
        count += 1
        if count in drop:
            return
        await conn.send("220 tls.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-tls.test", "250 STARTTLS")
            elif verb == "STARTTLS":
                await conn.send("220 go ahead")
                await conn.start_tls(ctx)
                await (after_tls or Conn.until_eof)(conn)
                return
            else:
                await conn.send("221 bye")
                return
    return handler


async def test_a_dropped_verifying_connection_is_not_read_as_an_untrusted_chain(
        raw_server: RawFactory, tmp_path: Path) -> None:
    """The second connection (the verifying handshake) is cut by the network: the chain
    could not be judged, which is not "does not verify"."""
    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("tls.test").configure_cert(ctx)
    server = await raw_server(starttls_server(ctx, drop={2}))
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    report = await scan_tls(Endpoint("127.0.0.1", server.port, "starttls", "tls.test"),
                            "tls.test", cafile=str(cafile), timeout=5.0, light=True)
    assert report.version is not None and server.connections == 2
    cert = [(f.level, f.text) for s in report.sections for f in s.findings]
    assert not any("does not verify" in text for _l, text in cert), cert
    assert "cert_untrusted" not in report.fixes
    assert any(level == "warn" and "could not verify the chain" in text
               for level, text in cert), cert
    assert report.verified is False


async def test_a_policy_host_that_stops_reading_cannot_hold_the_fetch(
        tmp_path: Path) -> None:
    """It sends half an answer, then never reads again (so never answers our TLS
    close_notify): the fetch ends at its timeout, not at asyncio's 30 s TLS shutdown."""
    from smtptui.tlsscan.policy import fetch_policy

    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("mta-sts.example.test").configure_cert(ctx)
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))
    never = asyncio.Event()

    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nversion: STSv1\n")
        await writer.drain()
        writer.transport.pause_reading()
        with contextlib.suppress(asyncio.CancelledError):
            await never.wait()
        writer.transport.abort()

    server = await asyncio.start_server(stall, "127.0.0.1", 0, ssl=ctx)
    port = server.sockets[0].getsockname()[1]
    try:
        async with asyncio.timeout(10):  # a bound (20 times the timeout), not a speed test
            fetched = await fetch_policy("example.test", "127.0.0.1", port=port,
                                         cafile=str(cafile), timeout=0.5)
    finally:
        server.close()
        never.set()
    assert fetched.error == "no complete answer within 0.5 s"


async def test_a_domain_with_dozens_of_mx_hosts_is_capped_and_says_so(
        dns_server_factory: DnsServerFactory) -> None:
    """Hostile DNS answers 40 MX records: the view probes the most preferred few (not 40
    servers at once, three connections each) and names what it left out."""
    from smtptui.tlsscan.inbound import MAX_MX_HOSTS, InboundOptions, check_inbound

    zone: dict[str, list[tuple[str, str]]] = {
        "@": [("MX", f"{40 - i} mx{i}") for i in range(40)]}
    zone.update({f"mx{i}": [("A", f"127.0.2.{i + 1}")] for i in range(40)})
    dns = dns_server_factory({"many.test": zone})
    report = await check_inbound("many.test", InboundOptions(
        port=9, nameserver=dns.address, timeout=2.0))
    assert len(report.hosts) == MAX_MX_HOSTS < 40
    assert [h.preference for h in report.hosts] == list(range(1, MAX_MX_HOSTS + 1))
    assert any(f"40 MX hosts: only the {MAX_MX_HOSTS} most preferred" in f.text
               for f in report.findings)


def _server_ctx(name: str = "tls.test") -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    trustme.CA().issue_cert(name).configure_cert(ctx)
    return ctx


async def test_checks_the_network_cut_are_could_not_tell_never_refused(
        raw_server: RawFactory) -> None:
    """After the first two connections the server hangs up on every new one (a rate
    limit, a flaky network): no version, family or group may be called refused, and the
    verdict must not claim that TLS 1.2 and 1.3 are not accepted."""
    server = await raw_server(starttls_server(_server_ctx(), drop=set(range(3, 100))))
    report = await scan_tls(Endpoint("127.0.0.1", server.port, "starttls", "tls.test"),
                            "tls.test", timeout=5.0)
    assert report.version is not None
    checks = [*report.versions, *report.weak, *report.groups]
    assert checks and not any(c.status == "refused" for c in checks)
    said = [(f.level, f.text) for s in report.sections for f in s.findings]
    assert not any("neither TLS 1.2 nor TLS 1.3 is accepted" in t for _l, t in said), said
    assert any(level == "warn" and "could not tell whether TLS 1.2 or TLS 1.3" in t
               for level, t in said), said
    assert "no_modern" not in report.fixes
    assert not any("no protocol older than TLS 1.2" in t for _l, t in said)


async def test_a_server_that_stops_reading_after_the_handshake_is_still_judged(
        raw_server: RawFactory) -> None:
    """It completes every handshake, then never reads again (so never answers our TLS
    close): each handshake's result stands; the slow close does not turn it into a
    timeout."""
    never = asyncio.Event()

    async def stop_reading(conn: Conn) -> None:
        conn.writer.transport.pause_reading()
        await never.wait()

    server = await raw_server(starttls_server(_server_ctx(), after_tls=stop_reading))
    report = await scan_tls(Endpoint("127.0.0.1", server.port, "starttls", "tls.test"),
                            "tls.test", timeout=0.9)  # shorter than the close's grace
    versions = {c.key: c.status for c in report.versions}
    assert versions["TLSv1.2"] == versions["TLSv1.3"] == "accepted", report.versions


def test_an_old_version_that_could_not_be_asked_is_not_called_refused() -> None:
    from smtptui.tlsscan.model import Check
    from smtptui.tlsscan.verdict import protocol_findings

    versions = [Check("TLSv1.0", "TLSv1.0", "error", "no answer within 5 s"),
                Check("TLSv1.1", "TLSv1.1", "refused"),
                Check("TLSv1.2", "TLSv1.2", "accepted"), Check("TLSv1.3", "TLSv1.3", "accepted")]
    said = [(f.level, f.text) for f in protocol_findings(versions, 587)]
    assert not any("no protocol older than TLS 1.2" in t for _l, t in said)
    assert ("warn", "TLSv1.0: could not tell (no answer within 5 s)") in said


async def test_a_server_that_hangs_up_right_after_the_handshake_makes_no_noise(
        raw_server: RawFactory, caplog: pytest.LogCaptureFixture) -> None:
    """asyncio warns "returning true from eof_received() has no effect when using ssl"
    when the EOF beats StreamWriter.start_tls's bookkeeping: not on our stderr."""
    async def hang_up(conn: Conn) -> None:
        conn.writer.close()

    server = await raw_server(starttls_server(_server_ctx(), after_tls=hang_up))
    caplog.set_level("DEBUG", logger="asyncio")
    report = await scan_tls(Endpoint("127.0.0.1", server.port, "starttls", "tls.test"),
                            "tls.test", timeout=5.0)
    assert report.version is not None
    assert not [r.getMessage() for r in caplog.records if r.levelname != "DEBUG"]


async def test_an_expired_intermediate_is_named_not_hidden_behind_a_valid_leaf(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    """The leaf is valid, the intermediate it is served with expired yesterday: clients
    fail to verify, and the verdict must say so (expiry is said once, but said)."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    root = trustme.CA()
    inter = root.create_child_ca()
    old = inter._certificate
    now = dt.datetime.now(dt.UTC)
    builder = (x509.CertificateBuilder().subject_name(old.subject).issuer_name(old.issuer)
               .public_key(old.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(now - dt.timedelta(days=400))
               .not_valid_after(now - dt.timedelta(days=1)))
    for ext in old.extensions:
        builder = builder.add_extension(ext.value, ext.critical)
    inter._certificate = builder.sign(root._private_key, hashes.SHA256())
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    inter.issue_cert("tls.test").configure_cert(ctx)  # serves leaf + intermediate
    relay = await relay_factory(starttls=ctx)
    cafile = tmp_path / "ca.pem"
    root.cert_pem.write_to_path(str(cafile))
    report = await scan_tls(Endpoint("127.0.0.1", relay.port, "starttls", "tls.test"),
                            "tls.test", cafile=str(cafile), timeout=5.0, light=True)
    assert report.verified is False and len(report.chain) == 2
    cert = [(f.level, f.text) for s in report.sections for f in s.findings]
    expired = [t for level, t in cert if level == "fail" and "expired" in t]
    assert len(expired) == 1 and expired[0].startswith("certificate 2 "), cert
    assert report.level == "fail"


@pytest.mark.parametrize("argv", [("127.0.0.1", "--port", "0"), ("127.0.0.1:0",),
                                  ("127.0.0.1", "--port", "70000"), ("host:99999",), ("",),
                                  ("127.0.0.1", "--servername", ".x"),
                                  ("127.0.0.1", "--servername", "a\x1bb")])
async def test_tls_bad_targets_are_one_line_and_exit_2(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        argv: tuple[str, ...]) -> None:
    cli_env(monkeypatch, "tls")
    code, out, err = await run_cli(capsys, "tls", *argv, "--timeout", "1")
    assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)


def test_a_bare_wildcard_is_no_mx_pattern() -> None:
    from smtptui.tlsscan.policy import mx_allowed

    assert not mx_allowed("localhost", ("*.",))
    assert mx_allowed("a.example.test", ("*.example.test",))


HOSTILE_POLICY_ANSWERS = {
    "endless chunks": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                       + b"1\r\nx\r\n" * 70_000, "larger than 64 KiB"),
    "negative chunk": (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nx\r\n",
                       "readexactly size can not be less than zero"),
    "huge header": (b"HTTP/1.1 200 OK\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
                    "longer than limit"),
    "many headers": (b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 1000 + b"\r\n",
                     "too many HTTP headers"),
    "huge length": (b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\n",
                    "larger than 64 KiB"),
    "no length, endless": (b"HTTP/1.1 200 OK\r\n\r\n" + b"mx: a.test\n" * 7000,
                           "larger than 64 KiB"),
    "not http": (b"\x1b[2J SSH-2.0-OpenSSH\r\n", "not an HTTP answer: '\\\\x1b[2J"),
}


@pytest.mark.parametrize("case", list(HOSTILE_POLICY_ANSWERS))
async def test_hostile_policy_answers_are_bounded_and_named(tmp_path: Path,
                                                            case: str) -> None:
    from smtptui.tlsscan.policy import fetch_policy

    answer, expected = HOSTILE_POLICY_ANSWERS[case]
    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("mta-sts.example.test").configure_cert(ctx)
    cafile = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(cafile))

    async def answer_it(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception):
            await reader.readuntil(b"\r\n\r\n")
            writer.write(answer)
            await writer.drain()
        writer.transport.abort()

    server = await asyncio.start_server(answer_it, "127.0.0.1", 0, ssl=ctx)
    try:
        fetched = await fetch_policy("example.test", "127.0.0.1",
                                     port=server.sockets[0].getsockname()[1],
                                     cafile=str(cafile), timeout=5.0)
    finally:
        server.close()
    assert fetched.policy is None and fetched.error and expected in fetched.error, fetched
    assert "\x1b" not in fetched.error


async def test_an_endless_ehlo_reply_is_cut_at_a_total_size(raw_server: RawFactory) -> None:
    """Lines each under the line limit, and fewer than the line count limit, but 200 KiB
    in all: one reply may not take more than 64 KiB of memory."""
    from smtptui.tlsscan.handshake import READ_LIMIT

    async def long_ehlo(conn: Conn) -> None:
        await conn.send("220 big.test ESMTP")
        if (await conn.readline()).upper().startswith("EHLO"):
            await conn.send(*(f"250-{'x' * 1000}" for _ in range(200)), "250 STARTTLS")
            await conn.until_eof()

    server = await raw_server(long_ehlo)
    from smtptui.tlsscan.contexts import plain_context
    from smtptui.tlsscan.handshake import handshake

    shake = await handshake(Endpoint("127.0.0.1", server.port, "starttls", None),
                            plain_context(), 5.0)
    assert shake.outcome == "network" and shake.error == \
        f"reply longer than {READ_LIMIT // 1024} KiB", shake


@pytest.mark.parametrize("argv", [("tls", "127.0.0.1:1"), ("mx", "example.test")])
async def test_a_bad_nameserver_is_bad_input_not_an_internal_error(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        argv: tuple[str, ...]) -> None:
    cli_env(monkeypatch, argv[0])
    code, out, err = await run_cli(capsys, *argv, "--nameserver", "nonsense")
    assert code == 2 and out == "" and err.count("\n") == 1, (code, out, err)
    assert "invalid nameserver" in err and "internal error" not in err


async def test_no_command_can_be_smuggled_into_the_relay_check(raw_server: RawFactory) -> None:
    """Whatever the domain (a caller that skipped validation, a DNS label with CR LF),
    the relay check never sends DATA: a line with CR or LF is never written."""
    server = await raw_server(relay_server("554 5.7.1 no"))
    check = await check_open_relay("127.0.0.1", server.port, "relay.test>\r\nDATA\r\nX",
                                   timeout=3.0)
    assert "DATA" not in server.verbs
    assert check.error and "line break" in check.error
    assert not any(t.accepted for t in check.tries)


async def test_a_handshake_that_never_completes_is_bounded_and_its_socket_closed(
        raw_server: RawFactory) -> None:
    """The server says 220 to STARTTLS, then never speaks TLS: each connection ends at the
    timeout, as "no answer", and is closed by us (the server sees it go)."""
    async def never_tls(conn: Conn) -> None:
        await conn.send("220 stall.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "EHLO":
                await conn.send("250-stall.test", "250 STARTTLS")
            elif verb == "STARTTLS":
                await conn.send("220 go ahead")
                await conn.until_eof()  # the ClientHello arrives; no answer goes back
                return

    server = await raw_server(never_tls)
    report = await scan_tls(Endpoint("127.0.0.1", server.port, "starttls", "stall.test"),
                            "stall.test", timeout=0.5, light=True)
    assert report.error == "no answer: no answer within 0.5 s"
    while server._writers:  # each connection ends as our side closes it
        server.closed.clear()
        await asyncio.wait_for(server.closed.wait(), 10)
    assert server.connections == 2


async def test_implicit_tls_against_a_plaintext_port_says_what_to_try(
        relay_factory: RelayFactory) -> None:
    """A confused user: implicit TLS against a STARTTLS port gets a hint, not only
    OpenSSL's WRONG_VERSION_NUMBER."""
    relay = await relay_factory()
    report = await scan_tls(Endpoint("127.0.0.1", relay.port, "implicit", None),
                            "127.0.0.1", timeout=5.0, light=True)
    assert report.error is not None and "plaintext" in report.error
    assert "--tls starttls" in report.error


def _long_chain(tmp_path: Path, extra: int) -> ssl.SSLContext:
    """A valid leaf served with ``extra`` needless self-signed certificates after it."""
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)

    def cert(name: str, sans: bool) -> bytes:
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        builder = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
                   .public_key(key.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - dt.timedelta(days=1))
                   .not_valid_after(now + dt.timedelta(days=90)))
        if sans:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.DNSName(name)]), False)
        return builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)

    pem = cert("tls.test", True) + b"".join(cert(f"r{i}", False) for i in range(extra))
    return _serving(tmp_path, pem, key)


async def test_a_chain_of_hundreds_of_certificates_is_summarised(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    from smtptui.app.tls_card import tls_card
    from smtptui.tlsscan.text import render_tls

    relay = await relay_factory(starttls=_long_chain(tmp_path, 150))
    report = await scan_tls(Endpoint("127.0.0.1", relay.port, "starttls", "tls.test"),
                            "tls.test", timeout=5.0, light=True)
    assert len(report.chain) == 151  # all of them in the JSON
    shown = render_tls(report)
    assert len(shown.splitlines()) < 80, shown
    assert "and 141 more certificates" in shown and "r149" not in shown
    assert len(tls_card(report)) < 80
