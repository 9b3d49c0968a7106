"""`smtptui dns` leads with what matters: a domain that does not exist, a resolver that
refuses everything; a loopback/private relay address without PTR is no delivery problem."""

from __future__ import annotations

import json

import pytest

from smtptui.cli import main
from smtptui.dnscheck.addresses import check_reverse
from smtptui.dnscheck.domain import check_domain
from smtptui.dnscheck.resolver import Dns
from tests.dns_fixtures import DnsServerFactory

ZONES = {
    "example.com": {"@": [("MX", "10 mail"), ("TXT", "v=spf1 mx -all")],
                    "mail": [("A", "192.0.2.10")]},
    "2.0.192.in-addr.arpa": {"99": [("PTR", "nowhere.example.com.")]},
    "in-addr.arpa": {"1.0.0.127": [("A", "127.0.0.1")], "3.2.1.10": [("A", "10.1.2.3")]},
    "ip6.arpa": {"x": [("A", "192.0.2.1")]},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


async def test_nxdomain_is_the_headline(dns: Dns) -> None:
    r = await check_domain("no-such-name.example.com", dns=dns)
    assert r.exists is False and r.headline is not None
    assert "does not exist (NXDOMAIN" in r.headline.text
    assert [title for title, _ in r.sections()] == ["Domain"]
    assert r.level == "fail"


def test_nxdomain_cli(server: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "dns", "typo.example.com", "--nameserver",
                         server.address)  # type: ignore[attr-defined]
    assert code == 1 and err == ""
    assert "typo.example.com does not exist (NXDOMAIN" in out
    assert "falls back to" not in out and "no SPF record" not in out
    assert out.count("fail  ") == 2      # the headline and the summary line
    code, out, _ = run(capsys, "dns", "typo.example.com", "--json", "--nameserver",
                       server.address)  # type: ignore[attr-defined]
    data = json.loads(out)
    assert data["exists"] is False and "does not exist" in data["headline"]["text"]


async def test_an_existing_domain_has_no_headline(dns: Dns) -> None:
    r = await check_domain("example.com", dns=dns)
    assert r.headline is None and r.exists is True
    assert [t for t, _ in r.sections()][:2] == ["MX", "SPF"]


@pytest.mark.parametrize("behaviour", ["refused", "servfail"])
def test_a_resolver_failing_everything_is_one_headline(
        behaviour: str, dns_server_factory: DnsServerFactory,
        capsys: pytest.CaptureFixture[str]) -> None:
    names = ["example.com", "_dmarc.example.com", "_mta-sts.example.com",
             "_smtp._tls.example.com"] + [f"{s}._domainkey.example.com"
                                          for s in ("default", "google", "selector1",
                                                    "selector2", "k1", "s1", "s2", "dkim",
                                                    "mail", "smtp", "s1024", "s2048", "mx")]
    failing = dns_server_factory({}, behaviour={n: behaviour for n in names})
    code, out, err = run(capsys, "dns", "example.com", "--nameserver", failing.address)
    assert code == 1 and err == ""
    word = behaviour.upper()
    assert f"answered {word} to every query" in out
    assert out.count("fail  ") == 2, out


def test_the_relay_sections_do_not_repeat_the_resolver_headline(
        dns_server_factory: DnsServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    refusing = dns_server_factory({})
    code, out, _ = run(capsys, "dns", "example.com", "--host", "mail.example.com", "--ip",
                       "192.0.2.1", "--nameserver", refusing.address)
    assert code == 1 and out.count("REFUSED") == 1
    assert "Relay mail.example.com" not in out and "Reverse DNS" not in out


async def test_one_failing_name_is_not_a_resolver_headline(
        dns_server_factory: DnsServerFactory) -> None:
    server = dns_server_factory(ZONES, behaviour={"_dmarc.example.com": "servfail"})
    r = await check_domain("example.com", dns=Dns(server.address, timeout=2))
    assert r.headline is None
    assert any("SERVFAIL" in f.text for f in r.dmarc.findings)


@pytest.mark.parametrize("ip", ["127.0.0.1", "10.1.2.3", "192.168.1.20", "::1", "fd00::25",
                                "::ffff:127.0.0.1"])
async def test_no_ptr_for_an_internal_address_is_not_a_warning(dns: Dns, ip: str) -> None:
    check = await check_reverse(dns, ip)
    assert check.status == "no-ptr"
    finding = check.finding()
    assert finding.level == "info" and "does not matter for delivery" in finding.text


async def test_a_failed_ptr_lookup_stays_a_failure(dns_server_factory: DnsServerFactory
                                                   ) -> None:
    server = dns_server_factory({}, behaviour={"1.0.0.127.in-addr.arpa": "servfail"})
    check = await check_reverse(Dns(server.address, timeout=2), "127.0.0.1")
    assert (check.status, check.finding().level) == ("error", "fail")


async def test_no_ptr_for_a_public_address_is_still_a_warning(dns: Dns) -> None:
    check = await check_reverse(dns, "192.0.2.77")
    assert check.finding().level == "warn"
    check = await check_reverse(dns, "192.0.2.99")
    assert (check.status, check.finding().level) == ("mismatch", "warn")


def test_relay_on_loopback_cli(server: object, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "example.com", "--host", "127.0.0.1", "--nameserver",
                       server.address)  # type: ignore[attr-defined]
    line = next(x for x in out.splitlines() if "127.0.0.1:" in x and "PTR" in x)
    assert "info" in line and "warn" not in line
