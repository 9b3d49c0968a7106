"""MTA-STS and TLS-RPT records: present, malformed, duplicated, absent."""

from __future__ import annotations

import pytest

from smtptui.dnscheck.model import Finding
from smtptui.dnscheck.mtasts import check_mtasts, validate_mtasts
from smtptui.dnscheck.records import one_record
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.dnscheck.tlsrpt import check_tlsrpt, validate_tlsrpt

ZONES = {
    "example.com": {
        "_mta-sts": [("TXT", "v=STSv1; id=20240102T030405;")],
        "mta-sts": [("A", "192.0.2.80")],
        "_smtp._tls": [("TXT", "v=TLSRPTv1; rua=mailto:tls@example.com,https://r.example.com/t")],
        "_mta-sts.badid": [("TXT", "v=STSv1; id=not-valid-id!")],
        "mta-sts.badid": [("A", "192.0.2.80")],
        "_mta-sts.noid": [("TXT", "v=STSv1;")],
        "_mta-sts.nohost": [("TXT", "v=STSv1; id=abc123")],
        "_mta-sts.twice": [("TXT", "v=STSv1; id=a1"), ("TXT", "v=STSv1; id=b2")],
        "_smtp._tls.badrua": [("TXT", "v=TLSRPTv1; rua=ftp://example.com/x")],
        "_smtp._tls.norua": [("TXT", "v=TLSRPTv1;")],
        "_smtp._tls.twice": [("TXT", "v=TLSRPTv1; rua=mailto:a@example.com"),
                             ("TXT", "v=TLSRPTv1; rua=mailto:b@example.com")],
    },
}


async def test_mtasts_present_and_valid(dns: Dns) -> None:
    r = await check_mtasts(dns, "example.com")
    assert r.policy_id == "20240102T030405"
    assert r.policy_host_addresses == ("192.0.2.80",)
    assert r.level == "pass"
    assert any("not fetched" in f.text and f.level == "info" for f in r.findings)


@pytest.mark.parametrize(("domain", "phrase"), [
    ("badid.example.com", "1-32 letters or digits"),
    ("noid.example.com", "id= is missing"),
    ("nohost.example.com", "does not resolve"),
    ("twice.example.com", "2 v=STSv1 records"),
])
async def test_mtasts_problems(dns: Dns, domain: str, phrase: str) -> None:
    r = await check_mtasts(dns, domain)
    assert r.level == "fail"
    assert any(phrase in f.text for f in r.findings), r.findings


async def test_mtasts_absent_is_information(dns: Dns) -> None:
    r = await check_mtasts(dns, "absent.example.com")
    assert (r.records, r.level) == ((), "info")


async def test_tlsrpt_present_and_valid(dns: Dns) -> None:
    r = await check_tlsrpt(dns, "example.com")
    assert r.rua == ("mailto:tls@example.com", "https://r.example.com/t")
    assert r.level == "pass"


@pytest.mark.parametrize(("domain", "phrase"), [
    ("badrua.example.com", "must be mailto: or https:"),
    ("norua.example.com", "rua= is missing"),
    ("twice.example.com", "2 v=TLSRPTv1 records"),
])
async def test_tlsrpt_problems(dns: Dns, domain: str, phrase: str) -> None:
    r = await check_tlsrpt(dns, domain)
    assert r.level == "fail"
    assert any(phrase in f.text for f in r.findings), r.findings


@pytest.mark.parametrize(("record", "ok"), [
    ("v=STSv1; id=abc", True), ("v=STSv1;id=abc;", True), ("v = STSv1 ; id = A1", True),
    ("id=abc; v=STSv1", False), ("v=STSv1; id=" + "a" * 33, False), ("v=STSv1; id", False),
])
def test_validate_mtasts(record: str, ok: bool) -> None:
    assert (validate_mtasts(record)[1] == []) is ok


@pytest.mark.parametrize(("record", "ok"), [
    ("v=TLSRPTv1; rua=mailto:a@example.com", True),
    ("v=TLSRPTv1;rua=https://example.com/r", True),
    ("v=TLSRPTv1; rua=mailto:nobody", False), ("rua=mailto:a@example.com; v=TLSRPTv1", False),
])
def test_validate_tlsrpt(record: str, ok: bool) -> None:
    assert (validate_tlsrpt(record)[1] == []) is ok


def test_one_record_says_why_there_is_none() -> None:
    absent = Finding("info", "none here")
    timed_out = Lookup("_smtp._tls.example.com", "TXT", "timeout", error="timed out after 2 s")
    failed = one_record(timed_out, (), absent=absent, several="records")
    assert failed == Finding("fail", f"TXT lookup for _smtp._tls.example.com: "
                                     f"{timed_out.describe()}")
    empty = Lookup("_smtp._tls.example.com", "TXT", "nodata")
    assert one_record(empty, (), absent=absent, several="records") is absent
    two = Lookup("_smtp._tls.example.com", "TXT", "ok", records=("v=a", "v=b"))
    assert one_record(two, two.records, absent=absent, several="v=X records") == Finding(
        "fail", "2 v=X records")
    assert one_record(two, two.records[:1], absent=absent, several="records") == "v=a"


def test_malformed_tags_are_named_and_the_valid_ones_kept() -> None:
    assert validate_mtasts("v=STSv1; id=2024; foo") == ("2024", ["tag 'foo' has no '='"])
    assert validate_tlsrpt("v=TLSRPTv1; bar; rua=mailto:tls@example.com") == (
        ("mailto:tls@example.com",), ["tag 'bar' has no '='"])
