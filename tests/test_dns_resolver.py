"""The resolver factory, lookup statuses (timeout included) and the test responder itself."""

from __future__ import annotations

import time

import dns.flags
import dns.message
import dns.query
import pytest

from smtptui.dnscheck.domain import check_domain
from smtptui.dnscheck.resolver import (
    Dns,
    DnsInputError,
    make_resolver,
    normalise_domain,
    parse_nameserver,
)
from smtptui.dnscheck.spf_eval import evaluate_spf
from tests.dns_fixtures import DnsServerFactory

ZONES = {"example.com": {"@": [("TXT", "v=spf1 -all"), ("A", "192.0.2.1")],
                         "big": [("TXT", "x" * 300), ("TXT", "y" * 300)],
                         "alias": [("CNAME", "@")],
                         "ghost": [("CNAME", "missing")]}}


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("::1", ("::1", 53)), ("[::1]:5353", ("::1", 5353)), ("[2001:db8::1]", ("2001:db8::1", 53)),
    (" 192.0.2.1:53 ", ("192.0.2.1", 53)),
])
def test_parse_nameserver(text: str, expected: tuple[str, int]) -> None:
    assert parse_nameserver(text) == expected


@pytest.mark.parametrize("text", ["dns.example", "dns.example:53", "127.0.0.1:0",
                                  "127.0.0.1:70000", "127.0.0.1:", "[::1", "[::1]:x", ""])
def test_bad_nameservers(text: str) -> None:
    with pytest.raises(DnsInputError):
        parse_nameserver(text)


@pytest.mark.parametrize("timeout", [0, -1, float("inf"), float("nan")])
def test_timeout_must_be_finite_and_positive(timeout: float) -> None:
    with pytest.raises(DnsInputError):
        make_resolver("127.0.0.1", timeout)


def test_resolver_is_bounded_and_points_where_asked() -> None:
    r = make_resolver("[::1]:5353", 1.5)
    assert (r.timeout, r.lifetime) == (1.5, 1.5)
    assert [(ns.address, ns.port) for ns in r.nameservers] == [("::1", 5353)]  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "expected"), [
    ("Example.COM.", "example.com"), ("bücher.example", "xn--bcher-kva.example"),
    ("_dmarc.example.com", "_dmarc.example.com"),
])
def test_normalise_domain(text: str, expected: str) -> None:
    assert normalise_domain(text) == expected


@pytest.mark.parametrize("text", ["", "localhost", "exa mple.com", "a..b", "-a.example",
                                  "x" * 64 + ".example", "1.2.3.4:5",
                                  "192.0.2.1"])
def test_bad_domains(text: str) -> None:
    with pytest.raises(DnsInputError):
        normalise_domain(text)


async def test_statuses(dns_server_factory: DnsServerFactory) -> None:
    server = dns_server_factory(ZONES, behaviour={"sick.example.com": "servfail"})
    d = Dns(server.address, 2.0)
    assert (await d.query("example.com", "A")).records == ("192.0.2.1",)
    assert (await d.query("alias.example.com", "A")).records == ("192.0.2.1",)
    assert (await d.query("example.com", "AAAA")).status == "nodata"
    assert (await d.query("nope.example.com", "A")).status == "nxdomain"
    assert (await d.query("ghost.example.com", "A")).status == "nxdomain"
    sick = await d.query("sick.example.com", "A")
    assert sick.status == "servfail" and sick.failed
    assert (await d.query("elsewhere.example.org", "A")).status == "servfail"  # REFUSED


async def test_lookup_timeout_is_reported_not_raised(silent_nameserver: str) -> None:
    d = Dns(silent_nameserver, timeout=0.5)
    started = time.monotonic()
    lookup = await d.query("example.com", "TXT")
    assert time.monotonic() - started < 2.0
    assert lookup.status == "timeout" and lookup.failed
    assert lookup.describe() == f"timed out after 0.5 s ({silent_nameserver})"


async def test_spf_on_a_silent_resolver_is_temperror(silent_nameserver: str) -> None:
    ev = await evaluate_spf(Dns(silent_nameserver, 0.5), "192.0.2.1", "example.com")
    assert ev.result == "temperror"
    assert "timed out" in ev.path[0]


async def test_whole_domain_check_on_a_silent_resolver_is_bounded(
        silent_nameserver: str) -> None:
    started = time.monotonic()
    report = await check_domain("example.com", nameserver=silent_nameserver, timeout=0.5)
    assert time.monotonic() - started < 4.0
    assert report.level == "fail"
    [(title, (finding,))] = report.sections()  # said once, not a timeout per section
    assert title == "Domain" and finding.text.startswith(
        f"the DNS server {silent_nameserver} did not answer in 0.5 s ("), finding.text


def test_responder_truncates_big_udp_answers_and_serves_tcp(
        dns_server_factory: DnsServerFactory) -> None:
    server = dns_server_factory(ZONES)
    query = dns.message.make_query("big.example.com", "TXT")
    udp = dns.query.udp(query, "127.0.0.1", port=server.port, timeout=2)
    assert udp.flags & dns.flags.TC and not udp.answer
    tcp = dns.query.tcp(query, "127.0.0.1", port=server.port, timeout=2)
    assert sorted(len(b"".join(r.strings)) for r in tcp.answer[0]) == [300, 300]


async def test_force_tcp_still_answers(dns_server_factory: DnsServerFactory) -> None:
    server = dns_server_factory(ZONES, force_tcp=True)
    lookup = await Dns(server.address, 2.0).query("example.com", "TXT")
    assert lookup.records == ("v=spf1 -all",)
    assert [t for t, *_ in server.log] == ["udp", "tcp"]
