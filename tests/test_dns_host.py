"""Relay host: A/AAAA with TTLs, PTR and FCrDNS, DANE TLSA against trustme certificates."""

from __future__ import annotations

import hashlib

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smtptui.dnscheck.addresses import check_reverse
from smtptui.dnscheck.host import check_relay_host
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.tlsa import check_tlsa, load_cert_chain, tlsa_matches
from tests.dns_fixtures import DnsServerFactory
from tests.dnsserver import DnsServer

CA = trustme.CA()
LEAF = CA.issue_cert("mail.example.com")
OTHER = trustme.CA().issue_cert("mail.example.com")


def der(pem: bytes) -> bytes:
    return x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER)


LEAF_DER = der(LEAF.cert_chain_pems[0].bytes())
CA_DER = der(CA.cert_pem.bytes())
OTHER_DER = der(OTHER.cert_chain_pems[0].bytes())


def spki(cert_der: bytes) -> bytes:
    cert = x509.load_der_x509_certificate(cert_der)
    return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


ZONES = {
    "example.com": {
        "mail": [("A", "192.0.2.10", 3600), ("AAAA", "2001:db8::25", 120)],
        "liar": [("A", "192.0.2.99")],
        "_25._tcp.mail": [("TLSA", f"3 1 1 {hashlib.sha256(spki(LEAF_DER)).hexdigest()}")],
        "_465._tcp.mail": [("TLSA", f"3 0 2 {hashlib.sha512(LEAF_DER).hexdigest()}"),
                           ("TLSA", f"3 1 1 {hashlib.sha256(spki(OTHER_DER)).hexdigest()}")],
        "_587._tcp.mail": [("TLSA", f"2 0 1 {hashlib.sha256(CA_DER).hexdigest()}")],
        "_26._tcp.mail": [("TLSA", f"3 1 1 {hashlib.sha256(spki(OTHER_DER)).hexdigest()}")],
        "nowhere": [("TXT", "no addresses here")],
    },
    "2.0.192.in-addr.arpa": {
        "10": [("PTR", "mail.example.com.")],
        "11": [("PTR", "liar.example.com.")],
    },
    "8.b.d.0.1.0.0.2.ip6.arpa": {
        "5.2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0": [("PTR", "mail.example.com.")],
    },
}


async def test_relay_host_addresses_ttls_and_reverse(dns: Dns) -> None:
    r = await check_relay_host(dns, "mail.example.com", 25)
    assert [(a.ip, a.rdtype, a.ttl) for a in r.addresses] == [
        ("192.0.2.10", "A", 3600), ("2001:db8::25", "AAAA", 120)]
    assert [(x.ip, x.status, x.confirmed_name) for x in r.reverse] == [
        ("192.0.2.10", "confirmed", "mail.example.com"),
        ("2001:db8::25", "confirmed", "mail.example.com")]
    assert r.tlsa.records and r.tlsa.matched is None  # no certificate given
    assert r.level == "warn"  # TLSA answer not DNSSEC-validated


async def test_host_without_addresses_fails(dns: Dns) -> None:
    r = await check_relay_host(dns, "nowhere.example.com", 25)
    assert r.level == "fail"
    assert any("no A or AAAA" in f.text for f in r.findings)


@pytest.mark.parametrize(("ip", "status", "names"), [
    ("192.0.2.10", "confirmed", ("mail.example.com",)),
    ("192.0.2.11", "mismatch", ("liar.example.com",)),
    ("192.0.2.12", "no-ptr", ()),
])
async def test_ptr_and_fcrdns(dns: Dns, ip: str, status: str, names: tuple[str, ...]) -> None:
    r = await check_reverse(dns, ip)
    assert (r.status, r.ptr_names) == (status, names)
    assert r.finding().level == ("pass" if status == "confirmed" else "warn")


@pytest.mark.parametrize(("port", "chain", "matched", "level"), [
    (25, [LEAF_DER], True, "pass"),          # 3 1 1 DANE-EE SPKI SHA-256
    (465, [LEAF_DER], True, "pass"),         # 3 0 2 full cert SHA-512 (one other record)
    (587, [LEAF_DER, CA_DER], True, "pass"),  # 2 0 1 DANE-TA, needs the chain
    (587, [LEAF_DER], None, "warn"),         # trust anchor record, leaf only: cannot tell
    (26, [LEAF_DER], False, "fail"),         # another certificate's key
])
async def test_tlsa_against_trustme_certificates(server: DnsServer, port: int,
                                                 chain: list[bytes], matched: bool | None,
                                                 level: str) -> None:
    dns = Dns(server.address, 2.0)
    r = await check_tlsa(dns, "mail.example.com", port, chain)
    assert r.matched is matched
    assert r.cert_checked
    levels = [f.level for f in r.findings]
    assert (level in levels) if level != "pass" else ("pass" in levels and "fail" not in levels)


async def test_tlsa_mismatch_makes_the_host_fail(dns: Dns) -> None:
    r = await check_relay_host(dns, "mail.example.com", 26, [LEAF_DER])
    assert r.level == "fail"
    assert any("matches none" in f.text for f in r.findings)


async def test_validated_answer_has_no_dnssec_warning(
        dns_server_factory: DnsServerFactory) -> None:
    server = dns_server_factory(ZONES, authenticated=True)
    r = await check_tlsa(Dns(server.address, 2.0), "mail.example.com", 25, [LEAF_DER])
    assert r.authenticated
    assert [f.level for f in r.findings] == ["info", "pass"]


async def test_no_tlsa_is_information(dns: Dns) -> None:
    r = await check_tlsa(dns, "mail.example.com", 2525)
    assert r.records == () and r.level == "info"


def test_tlsa_matching_rules() -> None:
    full = spki(LEAF_DER)
    assert tlsa_matches(3, 1, 0, full, [LEAF_DER]) is True
    assert tlsa_matches(1, 1, 0, full, [LEAF_DER]) is True
    assert tlsa_matches(0, 1, 0, full, [LEAF_DER]) is None  # TA usage with no chain
    assert tlsa_matches(3, 1, 9, full, [LEAF_DER]) is None  # unknown matching type
    assert tlsa_matches(3, 1, 0, full, []) is None


def test_load_cert_chain_pem_and_der(tmp_path: pytest.TempPathFactory) -> None:
    pem = tmp_path / "chain.pem"  # type: ignore[operator]
    pem.write_bytes(b"".join(b.bytes() for b in LEAF.cert_chain_pems) + CA.cert_pem.bytes())
    assert load_cert_chain(str(pem)) == [LEAF_DER, CA_DER]
    raw = tmp_path / "leaf.der"  # type: ignore[operator]
    raw.write_bytes(LEAF_DER)
    assert load_cert_chain(str(raw)) == [LEAF_DER]
