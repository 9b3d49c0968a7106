"""DMARC: record variants, org-domain fallback, warnings, external report authorisation."""

from __future__ import annotations

import pytest

from smtptui.dnscheck.dmarc import check_dmarc, parse_dmarc
from smtptui.dnscheck.orgdomain import aligned, org_domain
from smtptui.dnscheck.resolver import Dns

ZONES = {
    "example.com": {
        "_dmarc": [("TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com; adkim=s")],
        "_dmarc.lax": [("TXT", "v=DMARC1; p=none")],
        "_dmarc.partial": [("TXT", "v=DMARC1; p=quarantine; pct=25; rua=mailto:d@example.com")],
        "_dmarc.twice": [("TXT", "v=DMARC1; p=reject"), ("TXT", "v=DMARC1; p=none")],
        "_dmarc.broken": [("TXT", "v=DMARC1; p=maybe; pct=200; rua=ftp://x")],
        "_dmarc.ext": [("TXT", "v=DMARC1; p=reject; rua=mailto:agg@reports.example.net")],
        "_dmarc.ext-ok": [("TXT", "v=DMARC1; p=reject; rua=mailto:agg@reports.example.net")],
        "_dmarc.other-txt": [("TXT", "some-verification=abc")],
        "_dmarc.stray": [("TXT", "v=DMARC1; p=reject; foo; rua=mailto:d@example.com")],
    },
    "example.org": {
        "_dmarc": [("TXT", "v=DMARC1; p=reject; sp=quarantine; rua=mailto:r@example.org")],
    },
    "example.net": {
        "ext-ok.example.com._report._dmarc.reports": [("TXT", "v=DMARC1")],
    },
    "nodmarc.test": {"@": [("A", "192.0.2.1")]},
}


async def test_strict_reject_policy_passes(dns: Dns) -> None:
    r = await check_dmarc(dns, "example.com")
    assert r.record is not None
    assert (r.effective_policy, r.record.adkim, r.record.aspf) == ("reject", "s", "r")
    assert r.record.rua == ("mailto:dmarc@example.com",)
    assert r.level == "pass"
    assert not r.org_fallback


async def test_p_none_and_no_rua_are_warnings(dns: Dns) -> None:
    r = await check_dmarc(dns, "lax.example.com")
    assert r.level == "warn"
    texts = " ".join(f.text for f in r.findings)
    assert "p=none" in texts and "no usable rua=" in texts


async def test_pct_below_100_is_a_warning(dns: Dns) -> None:
    r = await check_dmarc(dns, "partial.example.com")
    assert r.record is not None and r.record.pct == 25
    assert any(f.level == "warn" and "25%" in f.text for f in r.findings)


async def test_multiple_records_is_an_error(dns: Dns) -> None:
    r = await check_dmarc(dns, "twice.example.com")
    assert r.level == "fail"
    assert len(r.records) == 2
    assert r.record is None


async def test_invalid_values_are_all_reported(dns: Dns) -> None:
    r = await check_dmarc(dns, "broken.example.com")
    assert r.level == "fail"
    texts = " ".join(f.text for f in r.findings)
    assert "p='maybe'" in texts and "pct='200'" in texts and "ftp://x" in texts


async def test_falls_back_to_the_organisational_domain_and_uses_sp(dns: Dns) -> None:
    r = await check_dmarc(dns, "mail.eu.example.org")
    assert r.org_fallback
    assert r.queried == "_dmarc.example.org"
    assert r.effective_policy == "quarantine"
    assert [lk.name for lk in r.lookups] == ["_dmarc.mail.eu.example.org", "_dmarc.example.org"]


async def test_other_txt_records_do_not_count_and_fallback_applies(dns: Dns) -> None:
    r = await check_dmarc(dns, "other-txt.example.com")
    assert r.org_fallback and r.effective_policy == "reject"


async def test_missing_record_fails(dns: Dns) -> None:
    r = await check_dmarc(dns, "nodmarc.test")
    assert r.level == "fail"
    assert r.record is None
    assert "no DMARC record" in r.findings[0].text


async def test_external_report_address_must_be_authorised(dns: Dns) -> None:
    unauthorised = await check_dmarc(dns, "ext.example.com")
    assert any(f.level == "warn" and "does not authorise" in f.text
               for f in unauthorised.findings)
    authorised = await check_dmarc(dns, "ext-ok.example.com")
    assert any(f.level == "pass" and "authorised" in f.text for f in authorised.findings)


def test_parse_defaults() -> None:
    rec = parse_dmarc("v=DMARC1; p=quarantine")
    assert (rec.pct, rec.adkim, rec.aspf, rec.rua, rec.problems) == (100, "r", "r", (), ())


@pytest.mark.parametrize(("domain", "org"), [
    ("example.com", "example.com"), ("a.b.example.com", "example.com"),
    ("www.example.co.uk", "example.co.uk"), ("EXAMPLE.COM.", "example.com"),
])
def test_org_domain_heuristic(domain: str, org: str) -> None:
    assert org_domain(domain) == org


def test_alignment_modes() -> None:
    assert aligned("mail.example.com", "example.com", "r")
    assert not aligned("mail.example.com", "example.com", "s")
    assert not aligned("example.net", "example.com", "r")


def test_a_malformed_tag_is_reported_and_the_others_kept() -> None:
    rec = parse_dmarc("v=DMARC1; p=reject; foo")
    assert (rec.policy, rec.problems, rec.ignored) == ("reject", (), ("tag 'foo' has no '='",))
    rec = parse_dmarc("v=DMARC1; p=quarantine; =x; pct=50; a b=c")
    assert (rec.policy, rec.pct, rec.problems) == ("quarantine", 50, ())
    assert rec.ignored == ("'=x' has no tag name before '='",
                           "tag name 'a b' contains a space (a missing ';'?)")


async def test_a_malformed_tag_does_not_void_the_policy(dns: Dns) -> None:
    r = await check_dmarc(dns, "stray.example.com")
    assert r.effective_policy == "reject" and r.level == "warn"
    assert [(f.level, f.text) for f in r.findings][:2] == [
        ("warn", "tag 'foo' has no '=': receivers ignore it (RFC 7489 6.3)"),
        ("pass", "policy reject: mail that fails DMARC is rejected")]
    assert not any("p= is missing" in f.text for f in r.findings)
