"""The organisational domain (RFC 7489 3.2) by the Public Suffix List: the list's own test
cases (shipped in the ``publicsuffixlist`` package), the cases admins meet, and the DMARC
fallback on loopback DNS looking up the right ``_dmarc`` name."""

from __future__ import annotations

import re
from importlib import resources

import pytest

from smtptui.dnscheck.dmarc import check_dmarc
from smtptui.dnscheck.orgdomain import (
    aligned,
    is_public_suffix,
    org_domain,
    psl_snapshot,
    registrable_domain,
)
from smtptui.dnscheck.resolver import Dns


def _psl_cases() -> list[tuple[str, str | None]]:
    """``checkPublicSuffix('a.b.example.com', 'example.com');`` lines of the PSL's own
    test file (publicsuffix.org/list/test_psl.txt, shipped in the package)."""
    try:
        text = resources.files("publicsuffixlist").joinpath("test_psl.txt").read_text("utf-8")
    except (FileNotFoundError, ModuleNotFoundError):  # pragma: no cover - packaging changed
        return []
    cases = []
    for line in text.splitlines():
        m = re.fullmatch(r"checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);", line.strip())
        if m and m.group(1) != "null":
            expected = None if m.group(2) == "null" else m.group(2).strip("'")
            cases.append((m.group(1).strip("'"), expected))
    return cases


PSL_CASES = _psl_cases()


def test_the_psl_test_file_was_found() -> None:
    assert len(PSL_CASES) >= 70, "publicsuffixlist no longer ships test_psl.txt"


@pytest.mark.parametrize(("domain", "expected"), PSL_CASES)
def test_public_suffix_list_own_tests(domain: str, expected: str | None) -> None:
    assert registrable_domain(domain) == (expected.lower() if expected else None)


@pytest.mark.parametrize(("domain", "org"), [
    ("mail.example.uk.com", "example.uk.com"),        # uk.com is a (private) suffix
    ("www.test.ac.jp", "test.ac.jp"),
    ("a.b.test.kyoto.jp", "test.kyoto.jp"),
    ("b.ide.kyoto.jp", "b.ide.kyoto.jp"),             # ide.kyoto.jp is a suffix too
    ("mail.school.k12.ak.us", "school.k12.ak.us"),
    ("a.b.test.ck", "b.test.ck"),                     # *.ck
    ("www.www.ck", "www.ck"),                         # !www.ck
    ("a.b.c.kobe.jp", "b.c.kobe.jp"),                 # *.kobe.jp: c.kobe.jp is a suffix
    ("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"),  # IDN suffix, A-label
    ("www.食狮.公司.cn", "食狮.公司.cn"),               # IDN suffix, U-label
    ("mail.eu.example.com", "example.com"), ("EXAMPLE.CO.UK.", "example.co.uk"),
])
def test_cases_the_last_labels_rule_got_wrong(domain: str, org: str) -> None:
    assert org_domain(domain) == org


def test_a_public_suffix_has_no_organisational_domain() -> None:
    assert registrable_domain("ac.jp") is None and is_public_suffix("ac.jp")
    assert registrable_domain("c.kobe.jp") is None and is_public_suffix("c.kobe.jp")
    assert not is_public_suffix("example.com")


def test_alignment_follows_the_list() -> None:
    assert aligned("mail.example.com", "example.com", "r")
    assert not aligned("mail.example.com", "example.com", "s")
    assert not aligned("a.example.uk.com", "b.other.uk.com")     # two organisations
    assert not aligned("x.b.c.kobe.jp", "y.d.c.kobe.jp")
    assert aligned("x.b.c.kobe.jp", "b.c.kobe.jp")
    assert aligned("ac.jp", "AC.JP.")                              # same name is aligned


def test_snapshot_date_is_named() -> None:
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", psl_snapshot())


ZONES = {
    "kobe.jp": {
        # Another organisation's record one label up must never apply to b.c.kobe.jp.
        "_dmarc.c": [("TXT", "v=DMARC1; p=none; rua=mailto:other@c.kobe.jp")],
        "_dmarc.b.c": [("TXT", "v=DMARC1; p=reject; rua=mailto:d@b.c.kobe.jp")],
    },
    "uk.com": {
        "_dmarc": [("TXT", "v=DMARC1; p=none")],
        "_dmarc.example": [("TXT", "v=DMARC1; p=quarantine; rua=mailto:d@example.uk.com")],
    },
    "ac.jp": {"@": [("A", "192.0.2.1")]},
}


async def test_dmarc_fallback_goes_to_the_registrable_domain(dns: Dns) -> None:
    r = await check_dmarc(dns, "a.b.c.kobe.jp")
    assert r.org_fallback and r.queried == "_dmarc.b.c.kobe.jp"
    assert r.effective_policy == "reject"
    assert [lk.name for lk in r.lookups] == ["_dmarc.a.b.c.kobe.jp", "_dmarc.b.c.kobe.jp"]
    assert any(psl_snapshot() in f.text and "Public Suffix List" in f.text
               for f in r.findings)


async def test_dmarc_fallback_under_a_private_suffix(dns: Dns) -> None:
    r = await check_dmarc(dns, "mail.example.uk.com")
    assert r.queried == "_dmarc.example.uk.com" and r.effective_policy == "quarantine"


async def test_no_fallback_above_a_public_suffix(dns: Dns) -> None:
    r = await check_dmarc(dns, "ac.jp")
    assert [lk.name for lk in r.lookups] == ["_dmarc.ac.jp"]
    assert r.record is None and not r.org_fallback
