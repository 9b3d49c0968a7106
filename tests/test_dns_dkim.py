"""DKIM keys: found (RSA, Ed25519), missing, weak, revoked, invalid, big keys over TCP."""

from __future__ import annotations

import base64
import secrets

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smtptui.dnscheck.dkim import check_dkim, parse_key_record
from smtptui.dnscheck.resolver import Dns
from tests.dnsserver import DnsServer


def rsa_p(bits: int) -> str:
    """p= for an RSA public key of ``bits`` (a random odd modulus: fine for a public key,
    and the only way to get keys under 1024 bits from cryptography)."""
    n = secrets.randbits(bits) | (1 << (bits - 1)) | 1
    key = rsa.RSAPublicNumbers(65537, n).public_key()
    return base64.b64encode(key.public_bytes(Encoding.DER,
                                             PublicFormat.SubjectPublicKeyInfo)).decode()


def real_rsa_p(bits: int = 2048) -> str:
    key = rsa.generate_private_key(65537, bits).public_key()
    return base64.b64encode(key.public_bytes(Encoding.DER,
                                             PublicFormat.SubjectPublicKeyInfo)).decode()


ED = base64.b64encode(ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(
    Encoding.Raw, PublicFormat.Raw)).decode()

ZONES = {
    "example.com": {
        "s2048._domainkey": [("TXT", f"v=DKIM1; k=rsa; p={real_rsa_p()}")],
        "google._domainkey": [("TXT", f"v=DKIM1; k=rsa; p={rsa_p(1024)}")],
        "weak._domainkey": [("TXT", f"v=DKIM1; k=rsa; p={rsa_p(768)}")],
        "tiny._domainkey": [("TXT", f"v=DKIM1; p={rsa_p(512)}")],
        "ed._domainkey": [("TXT", f"v=DKIM1; k=ed25519; p={ED}")],
        "gone._domainkey": [("TXT", "v=DKIM1; k=rsa; p=")],
        "junk._domainkey": [("TXT", "v=DKIM1; k=rsa; p=bm90IGEga2V5")],
        "notdkim._domainkey": [("TXT", "hello world")],
        "big._domainkey": [("TXT", f"v=DKIM1; k=rsa; t=y; p={rsa_p(4096)}")],
        "selector1._domainkey": [("CNAME", "selector1-example-com._domainkey.tenant.example.net.")],
    },
    "example.net": {
        "selector1-example-com._domainkey.tenant": [("TXT", f"v=DKIM1; p={rsa_p(2048)}")],
    },
}


def by_selector(report: object) -> dict[str, object]:
    return {k.selector: k for k in report.keys}  # type: ignore[attr-defined]


@pytest.mark.parametrize(("selector", "status", "key_type", "bits", "level"), [
    ("s2048", "found", "rsa", 2048, "pass"),
    ("google", "found", "rsa", 1024, "warn"),
    ("weak", "found", "rsa", 768, "fail"),
    ("tiny", "found", "rsa", 512, "fail"),
    ("ed", "found", "ed25519", 256, "pass"),
    ("gone", "revoked", "rsa", None, "fail"),
    ("junk", "invalid", None, None, "fail"),
    ("notdkim", "invalid", None, None, "fail"),
    ("absent", "missing", None, None, "fail"),
])
async def test_requested_selectors(dns: Dns, selector: str, status: str,
                                   key_type: str | None, bits: int | None, level: str) -> None:
    report = await check_dkim(dns, "example.com", [selector], common=False)
    (key,) = report.keys
    assert (key.status, key.key_type, key.bits, key.level) == (status, key_type, bits, level)
    assert key.name == f"{selector}._domainkey.example.com"


async def test_common_selectors_are_found_without_being_asked(dns: Dns) -> None:
    report = await check_dkim(dns, "example.com")
    keys = by_selector(report)
    assert set(keys) == {"google", "selector1"}, "only common selectors that exist are shown"
    assert keys["selector1"].bits == 2048  # type: ignore[attr-defined]  # through the CNAME
    assert report.level == "warn"  # google is 1024-bit


async def test_weak_key_is_flagged_in_findings(dns: Dns) -> None:
    report = await check_dkim(dns, "example.com", ["weak"], common=False)
    assert report.level == "fail"
    assert "weak" in report.findings[0].text and "768-bit" in report.findings[0].text


async def test_large_key_comes_over_tcp(dns: Dns, server: DnsServer) -> None:
    report = await check_dkim(dns, "example.com", ["big"], common=False)
    (key,) = report.keys
    assert (key.status, key.bits, key.testing) == ("found", 4096, True)
    assert ("tcp", "big._domainkey.example.com", "TXT") in server.log


async def test_nothing_found_anywhere(dns: Dns) -> None:
    report = await check_dkim(dns, "nokeys.example.com")
    assert report.keys == ()
    assert report.level == "warn"
    assert "to the profile's dkim_selectors or pass --selector" in report.findings[-1].text


def test_pkcs1_rsa_key_is_accepted() -> None:
    key = rsa.RSAPublicNumbers(65537, secrets.randbits(1024) | (1 << 1023) | 1).public_key()
    p = base64.b64encode(key.public_bytes(Encoding.DER, PublicFormat.PKCS1)).decode()
    assert parse_key_record("s", "s._domainkey.x", f"p={p}", True).bits == 1024


@pytest.mark.parametrize(("record", "detail"), [
    ("k=rsa; v=DKIM1; p=abc", "first"),
    ("v=DKIM1; k=dsa; p=bm90IGEga2V5", "unknown key type"),
    ("v=DKIM1; p=!!!", "not a valid"),
    ("v=DKIM1; p=a; p=b", "twice"),
])
def test_invalid_records(record: str, detail: str) -> None:
    key = parse_key_record("s", "s._domainkey.x", record, True)
    assert key.status == "invalid"
    assert detail in (key.detail or "")


def test_a_malformed_tag_is_named_and_the_key_still_described() -> None:
    key = parse_key_record("s", "s._domainkey.x", f"v=DKIM1; k=rsa; foo; p={real_rsa_p()}",
                           True)
    assert (key.status, key.key_type, key.bits) == ("invalid", "rsa", 2048)
    assert key.detail is not None and key.detail.startswith("tag 'foo' has no '='")
    assert "RFC 6376" in key.detail
