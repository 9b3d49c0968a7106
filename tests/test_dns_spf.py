"""SPF: syntax, macros (RFC 7208 7.4 examples) and check_host() against a loopback responder."""

from __future__ import annotations

import ipaddress

import pytest

from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.spf_check import check_spf
from smtptui.dnscheck.spf_eval import evaluate_spf
from smtptui.dnscheck.spf_macro import MacroContext, expand
from smtptui.dnscheck.spf_parse import SpfSyntaxError, parse_spf
from tests.dnsserver import DnsServer

LAYERS = [f"l{i}" for i in range(1, 12)]

ZONES = {
    "example.com": {
        "@": [("TXT", "v=spf1 include:_spf.example.net ~all")],
        "strict": [("TXT", "v=spf1 ip4:192.0.2.1 -all")],
        "neutral": [("TXT", "v=spf1 ip4:192.0.2.1 ?all")],
        "noall": [("TXT", "v=spf1 ip4:192.0.2.1"), ("TXT", "google-site-verification=x")],
        "many": [("TXT", "v=spf1 " + " ".join(f"include:{x}.example.com" for x in LAYERS)
                  + " -all")],
        **{x: [("TXT", "v=spf1 ip4:203.0.113.1 -all")] for x in LAYERS},
        "deep": [("TXT", "v=spf1 ip4:192.0.2.200 include:many.example.com -all")],
        "bad": [("TXT", "v=spf1 ip4:300.1.1.1 -all")],
        "unknown": [("TXT", "v=spf1 frobnicate:example.net -all")],
        "two": [("TXT", "v=spf1 -all"), ("TXT", "v=spf1 +all")],
        "void2": [("TXT", "v=spf1 a:n1.example.com a:n2.example.com -all")],
        "void3": [("TXT", "v=spf1 a:n1.example.com a:n2.example.com mx:n3.example.com -all")],
        "redir": [("TXT", "v=spf1 redirect=_spf.example.net")],
        "redir-none": [("TXT", "v=spf1 redirect=nothing.example.net")],
        "amx": [("TXT", "v=spf1 a mx:mail.example.net/28 -all"), ("A", "198.51.100.5")],
        "v6": [("TXT", "v=spf1 ip6:2001:db8:1::/48 a:v6host.example.com//64 ~all")],
        "v6host": [("AAAA", "2001:db8:99::1")],
        "exists": [("TXT", "v=spf1 exists:%{i}.allow.example.net -all")],
        "tempfail": [("TXT", "v=spf1 include:broken.example.net -all")],
        "inc-none": [("TXT", "v=spf1 include:nothing.example.net -all")],
        "exp": [("TXT", "v=spf1 ip4:192.0.2.1 -all exp=explain.example.com")],
        "explain": [("TXT", "%{i} may not send for %{d}")],
        "ptr": [("TXT", "v=spf1 ptr -all")],
        "h33.ptr": [("A", "192.0.2.33")],
        "plusall": [("TXT", "v=spf1 +all")],
        "none": [("A", "192.0.2.9")],
    },
    "example.net": {
        "_spf": [("TXT", "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8:5::/48 -all")],
        "mail": [("MX", "10 mx1"), ("MX", "20 mx2")],
        "mx1": [("A", "203.0.113.20")],
        "mx2": [("A", "203.0.113.100")],
        "192.0.2.77.allow": [("A", "127.0.0.2")],
        "nothing": [("A", "192.0.2.1")],
    },
    "2.0.192.in-addr.arpa": {"33": [("PTR", "h33.ptr.example.com.")]},
}


ZONE_OPTIONS = {"behaviour": {"broken.example.net": "servfail"}}


async def test_include_chain_pass_with_path(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "192.0.2.10", "example.com")
    assert ev.result == "pass"
    assert ev.path == ("example.com: include:_spf.example.net",
                       "_spf.example.net: ip4:192.0.2.0/24 -> pass")
    assert ev.lookups == 1


async def test_include_that_fails_falls_through_to_softfail(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "198.51.100.7", "example.com")
    assert ev.result == "softfail"
    assert ev.path == ("example.com: ~all -> softfail",)


@pytest.mark.parametrize(("domain", "ip", "result"), [
    ("strict.example.com", "192.0.2.1", "pass"),
    ("strict.example.com", "192.0.2.2", "fail"),
    ("neutral.example.com", "198.51.100.1", "neutral"),
    ("noall.example.com", "198.51.100.1", "neutral"),
    ("plusall.example.com", "198.51.100.1", "pass"),
    ("none.example.com", "192.0.2.9", "none"),
    ("nonexistent.example.com", "192.0.2.9", "none"),
])
async def test_qualifiers_and_defaults(dns: Dns, domain: str, ip: str, result: str) -> None:
    assert (await evaluate_spf(dns, ip, domain)).result == result


async def test_no_match_without_all_is_neutral_and_says_so(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "198.51.100.1", "noall.example.com")
    assert ev.path == ("noall.example.com: no mechanism matched -> neutral",)


async def test_eleven_includes_exceed_the_lookup_limit(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "198.51.100.7", "many.example.com")
    assert ev.result == "permerror"
    assert ev.lookups == 11
    assert "include:l11.example.com" in ev.path[-1]
    assert "more than 10 DNS lookups" in ev.path[-1]


async def test_lookup_limit_counts_across_nested_includes(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "198.51.100.7", "deep.example.com")
    assert ev.result == "permerror"
    assert ev.path[0] == "deep.example.com: include:many.example.com"
    assert "include:l10.example.com" in ev.path[-1]


async def test_lookup_limit_not_reached_when_an_early_term_matches(dns: Dns) -> None:
    assert (await evaluate_spf(dns, "192.0.2.200", "deep.example.com")).result == "pass"


@pytest.mark.parametrize("domain", ["bad.example.com", "unknown.example.com"])
async def test_syntax_error_is_permerror(dns: Dns, domain: str) -> None:
    ev = await evaluate_spf(dns, "192.0.2.1", domain)
    assert ev.result == "permerror"
    assert "syntax error" in ev.path[0]


async def test_two_records_is_permerror(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "192.0.2.1", "two.example.com")
    assert ev.result == "permerror"
    assert ev.path == ("two.example.com: 2 SPF records -> permerror",)


async def test_two_void_lookups_are_allowed_three_are_not(dns: Dns) -> None:
    two = await evaluate_spf(dns, "192.0.2.1", "void2.example.com")
    assert (two.result, two.void_lookups) == ("fail", 2)
    three = await evaluate_spf(dns, "192.0.2.1", "void3.example.com")
    assert three.result == "permerror"
    assert "void lookups" in three.path[-1] and "mx:n3.example.com" in three.path[-1]


async def test_redirect(dns: Dns) -> None:
    ok = await evaluate_spf(dns, "192.0.2.10", "redir.example.com")
    assert ok.result == "pass"
    assert ok.path == ("redir.example.com: redirect=_spf.example.net",
                       "_spf.example.net: ip4:192.0.2.0/24 -> pass")
    assert (await evaluate_spf(dns, "198.51.100.1", "redir.example.com")).result == "fail"


async def test_redirect_or_include_to_a_domain_without_spf_is_permerror(dns: Dns) -> None:
    assert (await evaluate_spf(dns, "192.0.2.1", "redir-none.example.com")).result == "permerror"
    ev = await evaluate_spf(dns, "192.0.2.1", "inc-none.example.com")
    assert ev.result == "permerror"
    assert "no SPF record" in " ".join(ev.path)


@pytest.mark.parametrize(("ip", "result", "term"), [
    ("198.51.100.5", "pass", "a"),
    ("203.0.113.25", "pass", "mx:mail.example.net/28"),
    ("203.0.113.100", "pass", "mx:mail.example.net/28"),
    ("203.0.113.40", "fail", "-all"),
])
async def test_a_and_mx_mechanisms(dns: Dns, ip: str, result: str, term: str) -> None:
    ev = await evaluate_spf(dns, ip, "amx.example.com")
    assert ev.result == result
    assert ev.path[-1] == f"amx.example.com: {term} -> {result}"


@pytest.mark.parametrize(("ip", "result"), [
    ("2001:db8:1:ffff::25", "pass"),
    ("2001:db8:99::abcd", "pass"),
    ("2001:db8:99:1::1", "softfail"),
    ("192.0.2.1", "softfail"),
])
async def test_ip6_and_a_with_ipv6_prefix(dns: Dns, ip: str, result: str) -> None:
    assert (await evaluate_spf(dns, ip, "v6.example.com")).result == result


async def test_ip6_through_include(dns: Dns) -> None:
    ev = await evaluate_spf(dns, ipaddress.ip_address("2001:db8:5::1"), "example.com")
    assert ev.result == "pass"
    assert ev.path[-1] == "_spf.example.net: ip6:2001:db8:5::/48 -> pass"


async def test_exists_with_ip_macro(dns: Dns, server: DnsServer) -> None:
    assert (await evaluate_spf(dns, "192.0.2.77", "exists.example.com")).result == "pass"
    assert ("udp", "192.0.2.77.allow.example.net", "A") in server.log
    assert (await evaluate_spf(dns, "192.0.2.78", "exists.example.com")).result == "fail"


async def test_dns_failure_in_an_include_is_temperror(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "192.0.2.1", "tempfail.example.com")
    assert ev.result == "temperror"
    assert ev.path[0] == "tempfail.example.com: include:broken.example.net"


async def test_fail_carries_the_exp_explanation(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "198.51.100.7", "exp.example.com")
    assert ev.result == "fail"
    assert ev.explanation == "198.51.100.7 may not send for exp.example.com"


async def test_ptr_works_but_is_flagged_deprecated(dns: Dns) -> None:
    ev = await evaluate_spf(dns, "192.0.2.33", "ptr.example.com")
    assert ev.result == "pass"
    assert any("deprecated" in w for w in ev.warnings)
    assert (await evaluate_spf(dns, "192.0.2.34", "ptr.example.com")).result == "fail"


async def test_check_spf_report(dns: Dns) -> None:
    report = await check_spf(dns, "example.com", [ipaddress.ip_address("192.0.2.10")])
    assert report.records == ("v=spf1 include:_spf.example.net ~all",)
    assert report.worst_case_lookups == 1
    assert report.level == "pass"
    assert [e.result for e in report.evaluations] == ["pass"]


async def test_check_spf_reports_lookup_budget_overrun_without_an_ip(dns: Dns) -> None:
    report = await check_spf(dns, "deep.example.com")
    assert report.worst_case_lookups == 12
    assert report.level == "fail"
    assert any("12 DNS lookup(s)" in f.text and f.level == "fail" for f in report.findings)


@pytest.mark.parametrize(("domain", "phrase"), [
    ("plusall.example.com", "+all lets any host"),
    ("two.example.com", "2 SPF records"),
    ("bad.example.com", "syntax error"),
    ("none.example.com", "no SPF record"),
    ("inc-none.example.com", "nothing.example.net: no SPF record"),
])
async def test_check_spf_failures(dns: Dns, domain: str, phrase: str) -> None:
    report = await check_spf(dns, domain)
    assert report.level == "fail"
    assert any(phrase in f.text for f in report.findings), report.findings


# -- pure: syntax and macros ------------------------------------------------------------

@pytest.mark.parametrize("record", [
    "v=spf1", "v=spf1 -all", "V=SPF1 +A -ALL", "v=spf1 a/24//64 mx:example.com/28 ~all",
    "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 ?all",
    "v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} -all",
    "v=spf1 include:_spf.example.com redirect=example.org",
    "v=spf1 -all exp=explain._spf.%{d}", "v=spf1 moo=cow -all",
])
def test_valid_records(record: str) -> None:
    parse_spf(record)


@pytest.mark.parametrize("record", [
    "v=spf1 ip4:192.0.2.0/33", "v=spf1 ip4:192.0.2", "v=spf1 ip6:zz::1",
    "v=spf1 include:", "v=spf1 include:localhost", "v=spf1 a:example.123",
    "v=spf1 redirect=a.example redirect=b.example", "v=spf1 all:foo",
    "v=spf1 exists:%{q}.example.com", "v=spf1 a:%{d0}.example.com", "v=spf1 mx/024",
    "v=spf1 %-all", "v=spf10 -all",
])
def test_invalid_records(record: str) -> None:
    with pytest.raises(SpfSyntaxError):
        parse_spf(record)


RFC_CTX = MacroContext("strong-bad@email.example.com", ipaddress.ip_address("192.0.2.3"),
                       "email.example.com", "mx.example.org")


@pytest.mark.parametrize(("spec", "expected"), [
    ("%{s}", "strong-bad@email.example.com"), ("%{o}", "email.example.com"),
    ("%{d}", "email.example.com"), ("%{d4}", "email.example.com"),
    ("%{d3}", "email.example.com"), ("%{d2}", "example.com"), ("%{d1}", "com"),
    ("%{dr}", "com.example.email"), ("%{d2r}", "example.email"), ("%{l}", "strong-bad"),
    ("%{l-}", "strong.bad"), ("%{lr}", "strong-bad"), ("%{lr-}", "bad.strong"),
    ("%{l1r-}", "strong"),
    ("%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"),
    ("%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"),
    ("%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"),
    ("%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"),
    ("%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"),
    ("%%%_%-", "% %20"),
])
def test_rfc7208_macro_examples(spec: str, expected: str) -> None:
    assert expand(spec, RFC_CTX) == expected


def test_rfc7208_ipv6_macro_example() -> None:
    ctx = MacroContext("strong-bad@email.example.com", ipaddress.ip_address("2001:db8::cb01"),
                       "email.example.com", "mx.example.org")
    assert expand("%{ir}.%{v}._spf.%{d2}", ctx) == (
        "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com")


@pytest.mark.parametrize(("record", "message"), [
    ("v=spf1 exp -all", "modifier 'exp' needs '=' (write exp=DOMAIN)"),
    ("v=spf1 redirect:example.com", "modifier 'redirect:example.com' needs '='"),
    ("v=spf1 redirect= -all", "modifier 'redirect=': no domain after '='"),
    ("v=spf1 mx foo=%{z} -all", "modifier 'foo=%{z}': unknown macro letter %{z}"),
    ("v=spf1 redirect=a.example redirect=b.example", "modifier 'redirect=b.example': "
                                                     "redirect= given twice"),
    ("v=spf1 bogus:x exp", "unknown mechanism 'bogus:x'; modifier 'exp' needs '='"),
])
def test_syntax_errors_name_every_bad_term(record: str, message: str) -> None:
    with pytest.raises(SpfSyntaxError) as info:
        parse_spf(record)
    assert str(info.value).startswith(message)
