"""SPF details of RFC 7208 that real domains hit, on the loopback responder: domain-specs
with '/' and ':', names made invalid by macros, %{p}, identities SPF answers with none,
and the HELO identity."""

from __future__ import annotations

import json

import pytest

from smtptui.cli import main
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.spf_eval import check_identity, evaluate_spf
from smtptui.dnscheck.spf_parse import parse_spf

ZONES = {
    "example.com": {
        "slash": [("TXT", "v=spf1 a:foo:bar/baz.example.com -all")],
        "foo:bar/baz": [("A", "192.0.2.5")],
        "cidr": [("TXT", "v=spf1 a:foo/bar.example.com/24 -all")],
        "foo/bar": [("A", "192.0.2.1")],
        "mxslash": [("TXT", "v=spf1 mx:foo:bar/baz.example.com//64 -all")],
        "long": [("TXT", "v=spf1 a:%{l}.example.com -all")],
        "exists": [("TXT", "v=spf1 exists:%{l}.x.example.com ~all")],
        "p": [("TXT", "v=spf1 exists:%{p}.ok.example.com -all exp=why.example.com")],
        "why": [("TXT", "sent by %{p}")],
        "p2": [("TXT", "v=spf1 -all exp=why.example.com")],
        "mail.p": [("A", "192.0.2.9")],
        "mail.p.example.com.ok": [("A", "127.0.0.2")],
        "helo": [("TXT", "v=spf1 ip4:192.0.2.7 -all"), ("A", "192.0.2.7")],
        "h": [("TXT", "v=spf1 a:%{h} -all")],
        "@": [("TXT", "v=spf1 -all")],
    },
    "2.0.192.in-addr.arpa": {
        "9": [("PTR", "mail.p.example.com.")],
        "10": [("PTR", "mail.p.example.com.")],   # does not resolve back: unknown
    },
}


@pytest.mark.parametrize(("domain", "ip", "result"), [
    ("slash.example.com", "192.0.2.5", "pass"), ("slash.example.com", "192.0.2.6", "fail"),
    ("cidr.example.com", "192.0.2.200", "pass"), ("cidr.example.com", "192.0.3.1", "fail"),
])
async def test_slash_and_colon_inside_a_domain_spec(dns: Dns, domain: str, ip: str,
                                                    result: str) -> None:
    assert (await evaluate_spf(dns, ip, domain)).result == result


def test_the_cidr_is_the_last_suffix() -> None:
    m = parse_spf("v=spf1 a:foo/bar.example.com/24 mx:foo:bar/baz.example.com//64").mechanisms
    assert [(x.domain, x.cidr4, x.cidr6) for x in m] == [
        ("foo/bar.example.com", 24, None), ("foo:bar/baz.example.com", None, 64)]


@pytest.mark.parametrize("local", ["x" * 64, "a..b", "ab."])
async def test_a_name_made_invalid_by_a_macro_matches_nothing(dns: Dns, local: str) -> None:
    ev = await evaluate_spf(dns, "192.0.2.1", "long.example.com", f"{local}@long.example.com")
    assert ev.result == "fail"              # -all, never temperror
    assert any("not a valid domain" in w for w in ev.warnings)
    ev = await evaluate_spf(dns, "192.0.2.1", "exists.example.com",
                            f"{local}@exists.example.com")
    assert ev.result == "softfail"


async def test_p_macro_is_the_validated_domain(dns: Dns) -> None:
    ok = await evaluate_spf(dns, "192.0.2.9", "p.example.com")
    assert ok.result == "pass"
    unvalidated = await evaluate_spf(dns, "192.0.2.10", "p.example.com")
    assert unvalidated.result == "fail"
    assert unvalidated.explanation == "sent by unknown"
    named = await evaluate_spf(dns, "192.0.2.9", "p2.example.com")
    assert (named.result, named.explanation) == ("fail", "sent by mail.p.example.com")
    no_ptr = await evaluate_spf(dns, "192.0.2.11", "p.example.com")
    assert no_ptr.result == "fail" and no_ptr.explanation == "sent by unknown"


@pytest.mark.parametrize(("mailfrom", "helo", "why"), [
    ("a@" + "x" * 64 + ".example.com", "mail.example.com", "longer than 63"),
    ("a@a..example.com", "mail.example.com", "empty label"),
    ("", "localhost", "one label"),
    ("", "[192.0.2.1]", "domain literal"),
])
async def test_identities_spf_answers_with_none(dns: Dns, mailfrom: str, helo: str,
                                                why: str) -> None:
    ev = await check_identity(dns, "192.0.2.1", mailfrom, helo)
    assert ev.result == "none" and why in ev.path[0]


async def test_a_bounce_uses_the_helo_identity(dns: Dns) -> None:
    ev = await check_identity(dns, "192.0.2.7", "", "helo.example.com")
    assert (ev.result, ev.sender) == ("pass", "postmaster@helo.example.com")
    ev = await check_identity(dns, "192.0.2.7", "@helo.example.com", "x.example")
    assert ev.sender == "postmaster@helo.example.com"


@pytest.mark.parametrize(("name", "reason"), [
    ("a..b.example.com", "an empty label"), ("x" * 64 + ".example.com", "longer than 63"),
    ("localhost", "one label"), ("[192.0.2.1]", "domain literal"),
])
def test_cli_answers_none_for_such_names(name: str, reason: str, server: object,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["dns", name, "--nameserver", server.address])  # type: ignore[attr-defined]
    out, err = capsys.readouterr()
    assert code == 1 and err == "" and "SPF result" in out and ": none (" in out
    assert reason in out
    code = main(["dns", name, "--json", "--nameserver",
                 server.address])  # type: ignore[attr-defined]
    data = json.loads(capsys.readouterr().out)
    assert data["spf"]["result"] == "none" and data["ok"] is False


def test_cli_helo_identity_and_h_macro(server: object,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    main(["dns", "h.example.com", "--ip", "192.0.2.7", "--helo", "helo.example.com",
          "--json", "--nameserver", server.address])  # type: ignore[attr-defined]
    data = json.loads(capsys.readouterr().out)
    spf = data["spf"]
    assert spf["helo"] == "helo.example.com"
    assert [e["result"] for e in spf["helo_evaluations"]] == ["pass"]
    # %{h} is the HELO name: a:%{h} -> a:helo.example.com, which is 192.0.2.7.
    assert spf["evaluations"][0]["result"] == "pass"
    main(["dns", "h.example.com", "--ip", "192.0.2.7", "--json", "--nameserver",
          server.address])  # type: ignore[attr-defined]
    without = json.loads(capsys.readouterr().out)["spf"]
    assert without["evaluations"][0]["result"] == "fail" and without["helo"] is None
    code = main(["dns", "h.example.com", "--ip", "192.0.2.7", "--helo", "helo.example.com",
                 "--nameserver", server.address])  # type: ignore[attr-defined]
    out = capsys.readouterr().out
    assert code == 1 and "no DMARC record" in out     # this zone has none: a real failure
    assert "HELO helo.example.com, 192.0.2.7: pass" in out
    assert "path for HELO helo.example.com, 192.0.2.7" in out
