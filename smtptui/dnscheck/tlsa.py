"""DANE TLSA records (RFC 6698, RFC 7672) and whether a certificate matches them."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.resolver import Dns, DnsInputError

USAGES = {0: "PKIX-TA", 1: "PKIX-EE", 2: "DANE-TA", 3: "DANE-EE"}
SELECTORS = {0: "Cert", 1: "SPKI"}
MATCHING = {0: "Full", 1: "SHA2-256", 2: "SHA2-512"}


@dataclass(frozen=True)
class TlsaRecord(JsonMixin):
    usage: int
    selector: int
    mtype: int
    data: str
    """Hex of the association data."""
    matches: bool | None = None
    """``None`` when no certificate was given or this record cannot be checked."""

    @property
    def label(self) -> str:
        return (f"{USAGES.get(self.usage, self.usage)} {SELECTORS.get(self.selector, '?')} "
                f"{MATCHING.get(self.mtype, '?')} {self.data[:16]}…")


@dataclass(frozen=True)
class TlsaReport(JsonMixin):
    name: str
    records: tuple[TlsaRecord, ...]
    authenticated: bool
    cert_checked: bool
    matched: bool | None
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


def _selected(der: bytes, selector: int) -> bytes:
    if selector == 0:
        return der
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    cert = x509.load_der_x509_certificate(der)
    return cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)


def association(der: bytes, selector: int, mtype: int) -> bytes:
    """The association data a TLSA record with ``selector``/``mtype`` would hold for ``der``."""
    data = _selected(der, selector)
    if mtype == 0:
        return data
    if mtype == 1:
        return hashlib.sha256(data).digest()
    if mtype == 2:
        return hashlib.sha512(data).digest()
    raise ValueError(f"unknown matching type {mtype}")


def tlsa_matches(usage: int, selector: int, mtype: int, data: bytes,
                 chain: Sequence[bytes]) -> bool | None:
    """Does the chain (leaf first, DER) satisfy this record? ``None``: cannot tell."""
    if usage not in USAGES or selector not in SELECTORS or mtype not in MATCHING or not chain:
        return None
    candidates = chain[:1] if usage in (1, 3) else chain[1:]
    if not candidates:
        return None
    return any(association(der, selector, mtype) == data for der in candidates)


def load_cert_chain(path: str) -> list[bytes]:
    """Certificates (leaf first) from a PEM file, or one DER certificate, as DER bytes."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise DnsInputError(f"cannot read certificate {path!r}: {exc.strerror}") from None
    try:
        if b"-----BEGIN CERTIFICATE-----" in raw:
            return [c.public_bytes(Encoding.DER) for c in x509.load_pem_x509_certificates(raw)]
        x509.load_der_x509_certificate(raw)
        return [raw]
    except ValueError:
        raise DnsInputError(f"{path!r} is not a PEM or DER certificate") from None


async def check_tlsa(dns: Dns, host: str, port: int,
                     chain: Sequence[bytes] = ()) -> TlsaReport:
    """``_PORT._tcp.HOST`` TLSA records, checked against ``chain`` (leaf first) if given."""
    name = f"_{port}._tcp.{host}"
    lookup = await dns.query(name, "TLSA")
    records = tuple(
        TlsaRecord(r.usage, r.selector, r.mtype, r.cert.hex(),
                   tlsa_matches(r.usage, r.selector, r.mtype, r.cert, chain))
        for r in lookup.rdata)
    findings: list[Finding] = []
    matched: bool | None = None
    if lookup.failed:
        findings.append(Finding("fail", f"TLSA lookup for {name}: {lookup.describe()}"))
    elif not records:
        findings.append(Finding("info", f"no TLSA records at {name} (DANE not used)"))
    else:
        findings.append(Finding("info", f"{len(records)} TLSA record(s) at {name}"))
        if not lookup.authenticated:
            findings.append(Finding("warn", "answer not DNSSEC-validated (no AD bit): DANE "
                                            "needs a signed zone and a validating resolver"))
        if chain:
            results = [r.matches for r in records]
            matched = True if True in results else (None if None in results else False)
            if matched:
                hit = next(r for r in records if r.matches)
                findings.append(Finding("pass", f"certificate matches TLSA {hit.label}"))
            elif matched is None:
                findings.append(Finding("warn", "no record matched the leaf; trust-anchor "
                                                "records need the full chain to check"))
            else:
                findings.append(Finding("fail", "certificate matches none of the TLSA "
                                                "records: DANE senders will refuse to deliver"))
    return TlsaReport(name, records, lookup.authenticated, bool(chain), matched,
                      tuple(findings))
