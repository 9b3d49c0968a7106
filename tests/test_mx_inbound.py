"""`smtptui mx`: every MX of a domain on loopback addresses (127.0.0.x), the project's DNS
responder serving MX/TLSA/MTA-STS/TLS-RPT, and a loopback HTTPS server for the policy."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import ssl
import sys
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import trustme

from smtptui.demo.relay import Relay, RelayOptions
from smtptui.dnscheck.tlsa import association
from smtptui.tlsscan.inbound import InboundOptions, InboundReport, check_inbound
from smtptui.tlsscan.policy import mx_allowed, parse_policy
from tests.dns_fixtures import DnsServerFactory
from tests.servers import Conn, RawFactory, unanswering_listener

DOMAIN = "example.test"
POLICY_IP = "127.0.0.4"


@dataclass
class PolicyServer:
    """HTTPS on 127.0.0.4 for mta-sts.example.test; what it answers is set per test."""

    ctx: ssl.SSLContext
    body: bytes = b"version: STSv1\r\nmode: enforce\r\nmx: mx1.example.test\r\n" \
                  b"mx: *.mail.example.test\r\nmax_age: 86400\r\n"
    status: str = "200 OK"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "text/plain"})
    hold: asyncio.Event | None = None
    port: int = 0
    server: asyncio.base_events.Server | None = None
    requests: list[str] = field(default_factory=list)

    async def start(self) -> PolicyServer:
        self.server = await asyncio.start_server(self._serve, POLICY_IP, 0, ssl=self.ctx)
        self.port = self.server.sockets[0].getsockname()[1]
        return self

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(Exception, asyncio.CancelledError):  # also at teardown
            request = (await reader.readuntil(b"\r\n\r\n")).decode()
            self.requests.append(request)
            if self.hold is not None:
                await self.hold.wait()
            head = [f"HTTP/1.1 {self.status}", f"Content-Length: {len(self.body)}",
                    *(f"{k}: {v}" for k, v in self.headers.items()), "Connection: close"]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + self.body)
            await writer.drain()
        writer.close()


@dataclass
class World:
    nameserver: str
    cafile: str
    port: int
    policy: PolicyServer
    relays: dict[str, Relay]

    def options(self, **kw: Any) -> InboundOptions:
        base: dict[str, Any] = dict(port=self.port, nameserver=self.nameserver, timeout=3.0,
                                    cafile=self.cafile, https_port=self.policy.port)
        base.update(kw)
        return InboundOptions(**base)


def _ctx(leaf: trustme.LeafCert) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(ctx)
    return ctx


async def _relays_on_one_port(specs: dict[str, RelayOptions]) -> dict[str, Relay]:
    """Relays on several loopback addresses sharing one port (the MX port is one number)."""
    for _attempt in range(20):
        started: dict[str, Relay] = {}
        port = 0
        try:
            for address, options in specs.items():
                relay = await Relay(options).start(address, port)
                port = relay.port
                started[address] = relay
            return started
        except OSError:
            for relay in started.values():
                await relay.stop()
    raise RuntimeError("no common free port")


def _zone(port: int, extra: dict[str, list[tuple[str, str]]] | None = None
          ) -> dict[str, list[tuple[str, str]]]:
    zone: dict[str, list[tuple[str, str]]] = {
        "@": [("MX", "10 mx1"), ("MX", "20 mx2")],
        "mx1": [("A", "127.0.0.2")],
        "mx2": [("A", "127.0.0.3")],
        "_mta-sts": [("TXT", "v=STSv1; id=20261204T1")],
        "mta-sts": [("A", POLICY_IP)],
        "_smtp._tls": [("TXT", "v=TLSRPTv1; rua=mailto:tlsrpt@example.test")],
    }
    zone.update(extra or {})  # a name given replaces that name's records
    return zone


def _validity(days: int | None) -> dict[str, Any]:
    """trustme's dates for a certificate ending ``days`` from now (negative: expired)."""
    if days is None:
        return {}
    import datetime as dt

    now = dt.datetime.now(dt.UTC)
    return {"not_before": now - dt.timedelta(days=30),
            "not_after": now + dt.timedelta(days=days, hours=1)}


@pytest.fixture
async def world(dns_server_factory: DnsServerFactory, tmp_path: Path
                ) -> AsyncIterator[Callable[..., Any]]:
    made: list[World] = []

    async def make(*, mx2_name: str | tuple[str, ...] = "mx2.example.test",
                   zone_extra: dict[str, Any] | None = None,
                   mx2_starttls: bool = True, mx1_days: int | None = None) -> World:
        mx2_names = (mx2_name,) if isinstance(mx2_name, str) else mx2_name
        ca = trustme.CA()
        cafile = tmp_path / "ca.pem"
        ca.cert_pem.write_to_path(str(cafile))
        relays = await _relays_on_one_port({
            "127.0.0.2": RelayOptions(hostname="mx1.example.test", require_auth=False,
                                      starttls=_ctx(ca.issue_cert(
                                          "mx1.example.test", **_validity(mx1_days)))),
            "127.0.0.3": RelayOptions(hostname="mx2.example.test", require_auth=False,
                                      starttls=_ctx(ca.issue_cert(*mx2_names))
                                      if mx2_starttls else None),
        })
        port = next(iter(relays.values())).port
        policy = await PolicyServer(_ctx(ca.issue_cert(f"mta-sts.{DOMAIN}"))).start()
        extra = zone_extra(port) if callable(zone_extra) else zone_extra
        dns = dns_server_factory({DOMAIN: _zone(port, extra)})
        w = World(dns.address, str(cafile), port, policy, relays)
        made.append(w)
        return w

    yield make
    for w in made:
        for relay in w.relays.values():
            await relay.stop()
        if w.policy.hold is not None:
            w.policy.hold.set()  # a held answer ends, so no handler is left pending
        if w.policy.server:
            w.policy.server.close()
            await w.policy.server.wait_closed()


def host(report: InboundReport, name: str) -> Any:
    return next(h for h in report.hosts if h.host == name)


def texts(findings: Any, level: str | None = None) -> list[str]:
    return [f.text for f in findings if level is None or f.level == level]


async def test_every_mx_is_probed_and_a_wrong_certificate_name_fails_under_enforce(
        world: Callable[..., Any]) -> None:
    w = await world(mx2_name="wrong.example.test")
    report = await check_inbound(DOMAIN, w.options())
    assert [(h.preference, h.host) for h in report.hosts] == [
        (10, "mx1.example.test"), (20, "mx2.example.test")]
    mx1, mx2 = host(report, "mx1.example.test"), host(report, "mx2.example.test")
    assert mx1.level == "pass" and mx1.starttls and mx1.sts_match is True
    assert mx2.level == "fail"
    assert any("not for mx2.example.test" in t for t in texts(mx2.findings))
    assert any("MTA-STS enforce" in t for t in texts(mx2.findings, "fail"))
    # the mx2 name itself is not in the policy either (only mx1 and *.mail.example.test)
    assert mx2.sts_match is False
    assert any("MTA-STS policy: mode enforce" in t for t in texts(report.findings, "pass"))
    assert any(t.startswith("TLS-RPT") for t in texts(report.findings))
    assert w.policy.requests and "Host: mta-sts.example.test" in w.policy.requests[0]
    assert report.level == "fail"


async def test_testing_mode_warns_where_enforce_fails(world: Callable[..., Any]) -> None:
    w = await world()
    w.policy.body = b"version: STSv1\nmode: testing\nmx: mx1.example.test\nmax_age: 600\n"
    report = await check_inbound(DOMAIN, w.options())
    mx2 = host(report, "mx2.example.test")
    assert mx2.sts_match is False and mx2.level == "warn"
    assert any("testing mode" in t for t in texts(report.findings))
    assert report.level == "warn"


@pytest.mark.parametrize("case", ["oversize", "redirect", "wrong type", "not found"])
async def test_a_bad_policy_file_is_named(world: Callable[..., Any], case: str) -> None:
    w = await world()
    if case == "oversize":
        w.policy.body = b"version: STSv1\n" + b"x" * (70 * 1024)
    elif case == "redirect":
        w.policy.status = "301 Moved"
        w.policy.headers["Location"] = "https://elsewhere.test/policy"
    elif case == "wrong type":
        w.policy.headers["Content-Type"] = "text/html"
    else:
        w.policy.status = "404 Not Found"
    report = await check_inbound(DOMAIN, w.options())
    found = " | ".join(texts(report.findings))
    expected = {"oversize": "larger than 64 KiB", "redirect": "must not follow redirects",
                "wrong type": "not text/plain", "not found": "HTTP 404"}[case]
    assert expected in found


async def test_a_slow_policy_host_is_bounded(world: Callable[..., Any]) -> None:
    w = await world()
    w.policy.hold = asyncio.Event()  # never set: the server never answers
    report = await check_inbound(DOMAIN, w.options(timeout=0.5))
    assert any("no complete answer within 0.5 s" in t for t in texts(report.findings, "fail"))


async def test_a_malformed_sts_record_id(world: Callable[..., Any]) -> None:
    w = await world(zone_extra={"_mta-sts": [("TXT", "v=STSv1; id=not-valid!")]})
    report = await check_inbound(DOMAIN, w.options())
    assert any("MTA-STS" in t and "id=" in t for t in texts(report.findings, "fail"))


async def test_dane_is_checked_per_mx_against_what_each_serves(
        world: Callable[..., Any], dns_server_factory: DnsServerFactory) -> None:
    w = await world()
    der = await _served_der("127.0.0.2", w.port)
    good = f"3 1 1 {association(der, 1, 1).hex()}"
    dns = dns_server_factory({DOMAIN: _zone(w.port, {
        f"_{w.port}._tcp.mx1": [("TLSA", good)],
        f"_{w.port}._tcp.mx2": [("TLSA", good)]})})  # mx2 serves another key
    report = await check_inbound(DOMAIN, w.options(nameserver=dns.address))

    def dane(name: str) -> list[tuple[str, str]]:
        tls = host(report, name).tls
        return [(f.level, f.text) for s in tls.sections if s.name == "dane" for f in s.findings]

    assert any(level == "pass" and "matches TLSA" in t for level, t in dane("mx1.example.test"))
    assert any(level == "fail" and "none of the TLSA" in t
               for level, t in dane("mx2.example.test"))
    assert host(report, "mx2.example.test").level == "fail"


async def test_an_mx_without_starttls_fails_under_enforce(world: Callable[..., Any]) -> None:
    w = await world(mx2_starttls=False)
    w.policy.body = b"version: STSv1\nmode: enforce\nmx: *.example.test\nmax_age: 600\n"
    report = await check_inbound(DOMAIN, w.options())
    mx2 = host(report, "mx2.example.test")
    assert mx2.starttls is False and mx2.sts_match is True
    assert any("STARTTLS not offered" in t and "MTA-STS enforce" in t
               for t in texts(mx2.findings, "fail"))


async def _served_der(address: str, port: int) -> bytes:
    from smtptui.tlsscan.contexts import plain_context
    from smtptui.tlsscan.handshake import Endpoint, handshake

    shake = await handshake(Endpoint(address, port, "starttls", None), plain_context(), 3.0)
    return shake.chain[0]


async def test_null_implicit_and_missing_domains(dns_server_factory: DnsServerFactory) -> None:
    dns = dns_server_factory({
        "null.test": {"@": [("MX", "0 .")]},
        "implicit.test": {"@": [("A", "127.0.0.9")]},
    })
    options = InboundOptions(port=1, nameserver=dns.address, timeout=1.0)
    null = await check_inbound("null.test", options)
    assert null.null_mx and not null.hosts
    assert any("accepts no mail" in t for t in texts(null.findings))
    implicit = await check_inbound("implicit.test", options)
    assert implicit.implicit_mx and implicit.hosts[0].host == "implicit.test"
    assert any("implicit MX" in t for t in texts(implicit.findings))
    gone = await check_inbound("nowhere.null.test", options)
    assert gone.level == "fail" and not gone.hosts
    assert texts(gone.findings) == [
        "nowhere.null.test does not exist (NXDOMAIN): no mail can be delivered to it"]


async def test_the_mx_hosts_are_probed_at_once(raw_server: RawFactory,
                                               dns_server_factory: DnsServerFactory) -> None:
    """Each server greets only once all five have been connected to: probing them one
    after another would never get a greeting (and time out)."""
    arrived = asyncio.Event()
    count = 0

    async def greet_when_all_arrived(conn: Conn) -> None:
        nonlocal count
        count += 1
        if count == 5:
            arrived.set()
        await arrived.wait()
        await conn.send("220 mx.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            await conn.send("250 mx.test" if verb == "EHLO" else "221 bye")
            if verb == "QUIT":
                return

    servers = await _raw_on_one_port(raw_server, greet_when_all_arrived, 5)
    zone = {"@": [("MX", f"{i} mx{i}") for i in range(5)]}
    zone.update({f"mx{i}": [("A", f"127.0.1.{i + 1}")] for i in range(5)})
    dns = dns_server_factory({"five.test": zone})
    try:
        report = await check_inbound("five.test", InboundOptions(
            port=servers[0].port, nameserver=dns.address, timeout=3.0))
    finally:
        for server in servers:
            await server.stop()
    assert len(report.hosts) == 5
    assert all(h.banner and "mx.test" in h.banner for h in report.hosts)
    assert all(any("STARTTLS not offered" in t for t in texts(h.findings)) for h in report.hosts)


async def _raw_on_one_port(raw_server: RawFactory, handler: Any, n: int) -> list[Any]:
    """``n`` raw servers on 127.0.1.1… sharing one port (the caller stops them)."""
    from tests.servers import RawServer

    for _attempt in range(20):
        port = 0
        started: list[RawServer] = []
        try:
            for i in range(n):
                server = RawServer(handler)
                server._server = await asyncio.start_server(server._serve, f"127.0.1.{i + 1}",
                                                            port)
                server.port = port = server._server.sockets[0].getsockname()[1]
                started.append(server)
            return started
        except OSError:
            for s in started:
                await s.stop()
    raise RuntimeError("no common free port")


async def test_the_open_relay_check_names_the_variant(
        raw_server: RawFactory, dns_server_factory: DnsServerFactory) -> None:
    """A server with broken relay rules: it refuses outside recipients, except through the
    percent hack. The check finds it, names it, sends RSET and never DATA."""
    async def percent_only(conn: Conn) -> None:
        await conn.send("220 relay.test ESMTP")
        while line := await conn.readline():
            verb = line.split(" ", 1)[0].upper()
            if verb == "RCPT":
                ok = "%" in line
                await conn.send("250 2.1.5 ok" if ok else "554 5.7.1 Relay access denied")
            elif verb == "QUIT":
                await conn.send("221 bye")
                return
            elif verb == "DATA":
                await conn.send("354 go ahead")
            else:
                await conn.send("250 ok")

    server = await raw_server(percent_only)
    dns = dns_server_factory({"relay.test": {"@": [("MX", "10 mx")],
                                             "mx": [("A", "127.0.0.1")]}})
    options = InboundOptions(port=server.port, nameserver=dns.address, timeout=3.0,
                             open_relay=True)
    report = await check_inbound("relay.test", options)
    mx = report.hosts[0]
    assert mx.open_relay is not None and mx.open_relay.open_variants == ("percent hack",)
    assert any("OPEN RELAY" in t and "percent hack" in t and "also" not in t
               for t in texts(mx.findings, "fail"))
    assert "DATA" not in server.verbs and "RSET" in server.verbs and "QUIT" in server.verbs
    assert all("example.net" in line or "example.invalid" in line
               for line in server.received if line.upper().startswith(("MAIL", "RCPT")))
    # without the flag, nothing but EHLO/QUIT reaches the server
    before = len(server.received)
    await check_inbound("relay.test", InboundOptions(port=server.port,
                                                     nameserver=dns.address, timeout=3.0))
    assert not any(v in ("MAIL", "RCPT") for v in server.verbs[before:])




@pytest.mark.parametrize("other_port_answers", [True, False])
async def test_port_25_egress_block_is_told_from_a_dead_mx(
        dns_server_factory: DnsServerFactory, other_port_answers: bool) -> None:
    listener, fillers = unanswering_listener("127.0.0.5")
    other, other_fillers = unanswering_listener("127.0.0.5")
    if other_port_answers:
        for s in (other, *other_fillers):
            s.close()
        other = socket.socket()
        other.bind(("127.0.0.5", 0))
        other.listen(8)
        other_fillers = []
    try:
        dns = dns_server_factory({"blocked.test": {"@": [("MX", "10 mx")],
                                                   "mx": [("A", "127.0.0.5")]}})
        report = await check_inbound("blocked.test", InboundOptions(
            port=listener.getsockname()[1], nameserver=dns.address, timeout=0.5,
            egress_port=other.getsockname()[1]))
    finally:
        for s in (listener, *fillers, other, *other_fillers):
            s.close()
    found = " | ".join(texts(report.findings, "fail"))
    if other_port_answers:
        assert "probably blocked from this network" in found
    else:
        assert "look down or unreachable" in found


def test_policy_parsing_and_mx_patterns() -> None:
    policy = parse_policy("version: STSv1\r\nmode: enforce\r\nmx: *.example.test\r\n"
                          "mx: mail.example.test\r\nmax_age: 604800\r\n")
    assert policy.problems == () and policy.mode == "enforce"
    assert mx_allowed("a.example.test", policy.mx)
    assert not mx_allowed("a.b.example.test", policy.mx)  # one label only
    assert not mx_allowed("example.test", policy.mx)
    assert mx_allowed("MAIL.example.test.", policy.mx)
    bad = parse_policy("version: STSv2\nmode: strict\nmax_age: 99999999999\n")
    assert len(bad.problems) == 4


async def test_cli_mx_json_and_port_override(world: Callable[..., Any]) -> None:
    w = await world()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "mx", DOMAIN, "--port", str(w.port),
        "--nameserver", w.nameserver, "--cafile", w.cafile, "--https-port",
        str(w.policy.port), "--json", stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=dict(os.environ))
    out, err = await proc.communicate()
    data = json.loads(out)
    assert proc.returncode == (0 if data["ok"] else 1), err
    assert [h["host"] for h in data["hosts"]] == ["mx1.example.test", "mx2.example.test"]
    assert data["port"] == w.port
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "mx", "not a domain", stderr=asyncio.subprocess.PIPE)
    _o, err = await proc.communicate()
    assert proc.returncode == 2 and err.decode().count("\n") == 1


def test_a_dead_resolver_is_reported_once(silent_nameserver: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from smtptui.cli import main

    code = main(["mx", "example.test", "--nameserver", silent_nameserver, "--timeout", "0.3"])
    out, err = capsys.readouterr()
    assert code == 1 and err == ""
    assert out.count(f"the DNS server {silent_nameserver} did not answer in 0.3 s") == 1, out
    assert "timed out" not in out
    assert "1 failed, 0 warning(s)" in out
    code = main(["mx", "example.test", "--nameserver", silent_nameserver, "--timeout", "0.3",
                 "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and data["ok"] is False and data["hosts"] == []
    [finding] = data["findings"]
    assert finding["text"].startswith(f"the DNS server {silent_nameserver} did not answer in "
                                      "0.3 s (")


async def test_a_resolver_that_answers_some_lookups_is_not_called_dead(
        dns_server_factory: DnsServerFactory) -> None:
    """Only the MX lookup times out: that is said for MX, not "the server did not answer"."""
    dns = dns_server_factory({"example.test": {"@": [("A", "192.0.2.1")]}},
                             behaviour={"example.test": "drop"})
    report = await check_inbound("example.test", InboundOptions(
        port=1, nameserver=dns.address, timeout=0.3))
    texts = [f.text for f in report.findings]
    assert any(t.startswith("MX lookup for example.test: timed out") for t in texts), texts
    assert not any("did not answer" in t for t in texts)


def test_the_default_mx_port_is_25() -> None:
    from smtptui.cli import build_parser

    args = build_parser("mx").parse_args(["mx", "example.test"])
    assert args.port == 25 and args.open_relay_check is False


async def test_hostile_policy_fields_are_escaped_and_summarised(
        world: Callable[..., Any]) -> None:
    """A policy's mx: lines are the policy host's text: no ESC reaches the terminal, and
    two thousand of them are summarised, not printed whole (on each MX's line too)."""
    from smtptui.tlsscan.text import render_inbound

    w = await world()
    many = b"".join(b"mx: m%d.other.test\n" % i for i in range(2000))
    w.policy.body = (b"version: STSv1\nmode: testing\nmx: evil\x1b[2J\xe2\x80\xae.test\n"
                     + many + b"max_age: 600\n")
    report = await check_inbound(DOMAIN, w.options())
    shown = render_inbound(report, width=120)
    assert "\x1b" not in shown and "\u202e" not in shown
    assert "evil\\x1b[2j\\u202e.test" in shown  # patterns are compared in lower case
    assert "and 1,996 more" in shown  # the first five patterns, then a count
    assert len(shown) < 20_000
    # cleaned where it is read, so the dashboard's card gets display-safe text too
    assert "\u202e" not in json.dumps(report.to_json(), ensure_ascii=False)


async def test_a_certificate_with_thousands_of_names_is_summarised(
        world: Callable[..., Any]) -> None:
    """3000 SANs, none of them the MX name: the text and the card name a few and count
    the rest."""
    from smtptui.app.tls_card import inbound_card
    from smtptui.tlsscan.text import render_inbound

    w = await world(mx2_name=tuple(f"n{i}.elsewhere.test" for i in range(3000)))
    report = await check_inbound(DOMAIN, w.options())
    mx2 = host(report, "mx2.example.test")
    assert len(mx2.tls.chain[0].san) == 3000  # all of them in the JSON
    shown = render_inbound(report, width=120)
    assert "n2999.elsewhere.test" not in shown and len(shown) < 10_000
    assert "and 2,996 more" in shown  # the certificate line: four names, then a count
    assert "and 2,995 more" in shown  # the name finding: five names, then a count
    card = inbound_card(report)
    assert sum(len(str(getattr(r, "text", r))) for r in card) < 10_000


@pytest.mark.parametrize("days", [5, -2])
async def test_enforce_fails_an_mx_only_for_a_certificate_senders_reject(
        world: Callable[..., Any], days: int) -> None:
    """A certificate that expires in 5 days is still valid: a warning to renew, not
    "MTA-STS senders will not deliver here"; one that expired 2 days ago is."""
    w = await world(mx1_days=days)
    report = await check_inbound(DOMAIN, w.options())
    mx1 = host(report, "mx1.example.test")
    refused = [t for t in texts(mx1.findings, "fail") if "MTA-STS enforce" in t]
    if days > 0:
        assert not refused and mx1.level == "warn"
        assert any("expires in 5 days" in t for t in texts(mx1.findings, "warn"))
    else:
        assert len(refused) == 1 and "expired" in refused[0]


async def test_an_mx_that_crawls_is_cut_at_its_budget(
        raw_server: RawFactory, dns_server_factory: DnsServerFactory,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A host that stops answering is cut by the MX's own budget (here made shorter than
    one stage's timeout, so the budget is what ends it), and the view still answers."""
    import smtptui.tlsscan.inbound as inbound

    monkeypatch.setattr(inbound, "MX_BUDGET_TIMEOUTS", 0.5)
    gate = asyncio.Event()  # never set: the server greets, then never answers EHLO

    async def crawl(conn: Conn) -> None:
        await conn.send("220 slow.test ESMTP")
        await gate.wait()

    server = await raw_server(crawl)
    dns = dns_server_factory({"slow.test": {"@": [("MX", "10 mx")],
                                            "mx": [("A", "127.0.0.1")]}})
    options = InboundOptions(port=server.port, nameserver=dns.address, timeout=0.3)
    report = await check_inbound("slow.test", options)
    mx = report.hosts[0]
    assert mx.level == "fail"
    assert texts(mx.findings, "fail") == [
        "no verdict within 0.15 s: the host answers too slowly to be judged"]
