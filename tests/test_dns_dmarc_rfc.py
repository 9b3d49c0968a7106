"""DMARC records to the letter of RFC 7489 (and RFC 9091's np=): what receivers discard,
what they repair with defaults, and where the policy stands. On loopback DNS."""

from __future__ import annotations

import pytest

from smtptui.dnscheck.dmarc import check_dmarc, is_dmarc, parse_dmarc
from smtptui.dnscheck.dmarc_walk import walk_names
from smtptui.dnscheck.resolver import Dns

ZONES = {
    "example.com": {
        "_dmarc.lower": [("TXT", "v=dmarc1; p=reject; rua=mailto:d@example.com")],
        "_dmarc.order": [("TXT", "v=DMARC1; sp=none; p=reject; rua=mailto:d@example.com")],
        "_dmarc.dup": [("TXT", "v=DMARC1; p=none; p=reject; rua=mailto:d@example.com")],
        "_dmarc.badpct": [("TXT", "v=DMARC1; p=reject; pct=150; rua=ftp://x.example/r, "
                                  "mailto:d@example.com")],
        "_dmarc.nop": [("TXT", "v=DMARC1; rua=mailto:d@example.com")],
        "_dmarc.nothing": [("TXT", "v=DMARC1; sp=reject")],
        "_dmarc.values": [("TXT", "v=DMARC1; p=quarantine; rua=mailto:x@example.com!10p; "
                                  "ri=bad; rf=; adkim=x")],
        "lower": [("A", "192.0.2.1")],
        "_dmarc.dept": [("TXT", "v=DMARC1; p=reject; rua=mailto:d@example.com")],
    },
    "np.example": {
        "_dmarc": [("TXT", "v=DMARC1; p=quarantine; sp=none; np=reject; "
                           "rua=mailto:d@np.example")],
        "real": [("A", "192.0.2.2")],
    },
}


def findings(report: object) -> list[tuple[str, str]]:
    return [(f.level, f.text) for f in report.findings]  # type: ignore[attr-defined]


async def test_wrong_case_version_is_discarded(dns: Dns) -> None:
    r = await check_dmarc(dns, "lower.example.com")
    assert r.record is None or r.org_fallback
    assert any(lvl == "fail" and "v=DMARC1" in text and "discard" in text
               for lvl, text in findings(r))
    assert not is_dmarc("v=dmarc1; p=reject") and is_dmarc("V = DMARC1; p=reject")


async def test_p_must_follow_v(dns: Dns) -> None:
    r = await check_dmarc(dns, "order.example.com")
    assert r.level == "fail"
    assert any("p= is not right after v=DMARC1" in text for _, text in findings(r))


async def test_duplicate_tags_void_the_record(dns: Dns) -> None:
    r = await check_dmarc(dns, "dup.example.com")
    assert r.level == "fail"
    assert any("'p' given twice" in text and lvl == "fail" for lvl, text in findings(r))


async def test_bad_optional_tags_fall_back_to_defaults_and_the_policy_stands(dns: Dns) -> None:
    r = await check_dmarc(dns, "badpct.example.com")
    assert r.record is not None and r.effective_policy == "reject"
    assert (r.record.pct, r.record.rua) == (100, ("mailto:d@example.com",))
    texts = findings(r)
    assert ("pass", "policy reject: mail that fails DMARC is rejected") in texts
    assert any(lvl == "warn" and "pct='150'" in text and "pct=100" in text
               for lvl, text in texts)
    assert any(lvl == "warn" and "ftp://x.example/r" in text for lvl, text in texts)
    assert r.level == "warn"


async def test_rua_without_p_means_p_none(dns: Dns) -> None:
    r = await check_dmarc(dns, "nop.example.com")
    assert r.record is not None and r.record.implied_policy
    assert r.effective_policy == "none" and r.level == "warn"
    assert any("receivers act as if p=none" in text for _, text in findings(r))


async def test_no_p_and_no_rua_is_no_policy(dns: Dns) -> None:
    r = await check_dmarc(dns, "nothing.example.com")
    assert r.level == "fail" and r.effective_policy is None


@pytest.mark.parametrize(("record", "fragment"), [
    ("v=DMARC1; p=none; rua=mailto:x@example.com!10p", "'!10p'"),
    ("v=DMARC1; p=none; rua=mailto:x@example.com!am", "'!am'"),
    ("v=DMARC1; p=none; rua=mailto:x@example.com!", "'!'"),
    ("v=DMARC1; p=none; rua=mailto:x@example.com!" + "9" * 47, "invalid size"),
    ("v=DMARC1; p=none; rua=", "rua= is empty"),
    ("v=DMARC1; p=none; ri=bad", "ri='bad'"),
    ("v=DMARC1; p=none; ri=-1", "ri='-1'"),
    ("v=DMARC1; p=none; rf=", "rf=''"),
    ("v=DMARC1; p=none; fo=2", "fo='2'"),
    ("v=DMARC1; p=none; np=maybe", "np='maybe'"),
])
def test_values_are_checked(record: str, fragment: str) -> None:
    rec = parse_dmarc(record)
    assert rec.problems == () and rec.policy == "none"
    assert any(fragment in e for e in rec.tag_errors), rec.tag_errors


def test_valid_values_pass() -> None:
    rec = parse_dmarc("v=DMARC1; p=reject; sp=quarantine; np=reject; pct=0; adkim=s; aspf=r; "
                      "fo=0:1:d:s; ri=3600; rf=afrf; rua=mailto:a@example.com!10m, "
                      "mailto:b@example.net; ruf=mailto:f@example.com!0")
    assert (rec.problems, rec.ignored, rec.tag_errors) == ((), (), ())
    assert rec.nonexistent_policy == "reject" and len(rec.rua) == 2


async def test_np_applies_to_a_subdomain_that_does_not_exist(dns: Dns) -> None:
    gone = await check_dmarc(dns, "ghost.np.example")
    assert gone.exists is False and gone.effective_policy == "reject"
    assert any("np=reject applies (RFC 9091)" in text for _, text in findings(gone))
    real = await check_dmarc(dns, "real.np.example")
    assert real.exists is True and real.effective_policy == "none"


def test_tree_walk_names() -> None:
    assert walk_names("a.b.c.d.e.f.example.com") == [
        "a.b.c.d.e.f.example.com", "e.f.example.com", "f.example.com", "example.com", "com"]
    assert walk_names("mail.eu.example.com") == [
        "mail.eu.example.com", "eu.example.com", "example.com", "com"]


async def test_where_dmarcbis_and_rfc7489_disagree_it_is_said(dns: Dns) -> None:
    r = await check_dmarc(dns, "x.dept.example.com")
    assert r.specification == "RFC 7489" and r.record is None
    assert r.dmarcbis_domain == "dept.example.com"
    assert any(lvl == "warn" and "DMARCbis" in text and "_dmarc.dept.example.com" in text
               for lvl, text in findings(r))


async def test_where_they_agree_nothing_is_said(dns: Dns) -> None:
    r = await check_dmarc(dns, "ghost.np.example")
    assert r.dmarcbis_domain == "np.example"
    assert not any("tree walk" in text for _, text in findings(r))
