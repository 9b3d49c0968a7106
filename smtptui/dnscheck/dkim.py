"""DKIM public keys in DNS (RFC 6376 3.6.1, RFC 8463): selectors, key type and size."""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from smtptui.dnscheck.model import Finding, JsonMixin, Level, level_of
from smtptui.dnscheck.resolver import Dns
from smtptui.dnscheck.tags import scan_tags
from smtptui.probe.sanitize import clean

COMMON_SELECTORS: tuple[str, ...] = (
    "google", "selector1", "selector2", "default", "k1", "k2", "k3", "s1", "s2", "mail",
    "dkim", "smtp", "mandrill", "everlytickey1", "everlytickey2", "mxvault", "zoho", "sig1",
    "key1", "key2", "dkim1", "mx", "fm1", "fm2", "fm3", "protonmail", "protonmail2",
    "protonmail3", "mailjet", "krs", "pm", "hs1", "hs2", "cm", "turbo-smtp", "amazonses",
)
"""Selectors widely used by providers and MTAs (Google, Microsoft 365, SendGrid, Mailchimp,
Fastmail, Proton, Mailgun, Postmark, HubSpot, Zoho...)."""

WEAK_BITS = 1024
RECOMMENDED_BITS = 2048
KeyStatus = Literal["found", "missing", "revoked", "invalid", "error"]


@dataclass(frozen=True)
class DkimKey(JsonMixin):
    """What ``SELECTOR._domainkey.DOMAIN`` holds."""

    selector: str
    name: str
    status: KeyStatus
    requested: bool
    """Asked for by the caller (not just one of the common selectors tried)."""
    key_type: str | None = None
    bits: int | None = None
    testing: bool = False
    record: str | None = None
    detail: str | None = None

    @property
    def level(self) -> Level:
        if self.status == "found":
            if self.key_type != "rsa":
                return "pass"
            bits = self.bits or 0
            return "fail" if bits < WEAK_BITS else "warn" if bits < RECOMMENDED_BITS else "pass"
        if self.status == "missing" and not self.requested:
            return "info"
        if self.status == "revoked" and not self.requested:
            return "warn"
        return "fail"


@dataclass(frozen=True)
class DkimReport(JsonMixin):
    domain: str
    keys: tuple[DkimKey, ...]
    """Requested selectors always; common selectors only when something is there."""
    findings: tuple[Finding, ...]

    @property
    def level(self) -> Level:
        return level_of(self.findings)


def key_size(key_type: str, der: bytes) -> int:
    """Bits of an RSA (SubjectPublicKeyInfo or PKCS#1) or Ed25519 (raw 32 bytes) key."""
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    if key_type == "ed25519":
        ed25519.Ed25519PublicKey.from_public_bytes(der)
        return 256
    try:
        key: object = load_der_public_key(der)
    except ValueError:
        key = _pkcs1(der)
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError(f"k=rsa but the key is {type(key).__name__}")
    return key.key_size


def _pkcs1(der: bytes) -> object:
    """Wrap a bare PKCS#1 RSAPublicKey in SubjectPublicKeyInfo and load it."""
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    alg = bytes.fromhex("300d06092a864886f70d0101010500")
    bit_string = b"\x03" + _der_len(len(der) + 1) + b"\x00" + der
    body = alg + bit_string
    return load_der_public_key(b"\x30" + _der_len(len(body)) + body)


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def parse_key_record(selector: str, name: str, text: str, requested: bool) -> DkimKey:
    """Judge one DKIM key record (``v=DKIM1; k=rsa; p=...``).

    A malformed tag makes the whole record unusable (RFC 6376 3.2, 6.1.2): the status is
    ``invalid``, the detail names the tag, and the key's type and size are still reported.
    """
    tags, malformed = scan_tags(text)
    key = _judge_key(selector, name, text, requested, tags)
    if not malformed:
        return key
    detail = "; ".join(malformed) + " (verifiers reject the whole key record, RFC 6376 6.1.2)"
    if key.status == "invalid" and key.detail:
        detail += f"; also {key.detail}"
    return DkimKey(selector, name, "invalid", requested, key.key_type, key.bits, key.testing,
                   text, detail)


def _judge_key(selector: str, name: str, text: str, requested: bool,
               tags: dict[str, str]) -> DkimKey:
    def bad(detail: str) -> DkimKey:
        return DkimKey(selector, name, "invalid", requested, record=text, detail=detail)

    if "v" in tags and (tags["v"] != "DKIM1" or next(iter(tags)) != "v"):
        return bad("v= must be DKIM1 and come first")
    if "p" not in tags:
        return bad("no p= (public key) tag: not a DKIM key record")
    key_type = tags.get("k", "rsa").lower()
    testing = "y" in [f.strip() for f in tags.get("t", "").split(":")]
    p = "".join(tags["p"].split())
    if not p:
        return DkimKey(selector, name, "revoked", requested, key_type, None, testing, text,
                       "empty p=: the key was revoked")
    if key_type not in ("rsa", "ed25519"):
        return bad(f"unknown key type k={key_type}")
    try:
        bits = key_size(key_type, base64.b64decode(p, validate=True))
    except (binascii.Error, ValueError) as exc:
        return bad(f"p= is not a valid {key_type} public key ({exc})")
    return DkimKey(selector, name, "found", requested, key_type, bits, testing, text)


async def lookup_key(dns: Dns, domain: str, selector: str, requested: bool) -> DkimKey:
    name = f"{selector}._domainkey.{domain}"
    lookup = await dns.query(name, "TXT")
    if lookup.failed:
        return DkimKey(selector, name, "error", requested, detail=lookup.describe())
    if not lookup.records:
        return DkimKey(selector, name, "missing", requested, detail=lookup.describe())
    if len(lookup.records) > 1:
        keys = [r for r in lookup.records if "p=" in r]
        if len(keys) != 1:
            return DkimKey(selector, name, "invalid", requested, record=lookup.records[0],
                           detail=f"{len(lookup.records)} TXT records; verifiers need one")
        return parse_key_record(selector, name, keys[0], requested)
    return parse_key_record(selector, name, lookup.records[0], requested)


def _finding(key: DkimKey) -> Finding:
    sel = clean(key.selector)
    if key.status == "found":
        size = f"{key.key_type} {key.bits}-bit"
        text = f"selector {sel}: {size} key"
        if key.level == "fail":
            text += f" (weak: under {WEAK_BITS} bits, receivers ignore or distrust it)"
        elif key.level == "warn":
            text += f" (works; {RECOMMENDED_BITS} bits recommended)"
        if key.testing:
            text += "; t=y testing mode"
        return Finding(key.level, text)
    if key.status == "revoked":
        return Finding(key.level, f"selector {sel}: revoked (empty p=)")
    return Finding(key.level, f"selector {sel}: {key.status}: {clean(key.detail or '')}")


async def check_dkim(dns: Dns, domain: str, selectors: Sequence[str] = (),
                     common: bool = True) -> DkimReport:
    """Look up the given selectors, plus :data:`COMMON_SELECTORS` when ``common``."""
    wanted = list(dict.fromkeys(s.strip().lower() for s in selectors if s.strip()))
    extra = [s for s in COMMON_SELECTORS if s not in wanted] if common else []
    keys = await asyncio.gather(*(lookup_key(dns, domain, s, True) for s in wanted),
                                *(lookup_key(dns, domain, s, False) for s in extra))
    shown = tuple(k for k in keys if k.requested or k.status not in ("missing", "error"))
    findings = [_finding(k) for k in shown]
    errors = [k for k in keys if not k.requested and k.status == "error"]
    if errors:
        findings.append(Finding("fail", f"{len(errors)} common selector(s) could not be "
                                        f"checked: {clean(errors[0].detail or 'error')}"))
    answered = [k for k in keys if k.status != "error"]
    if answered and not any(k.status == "found" for k in shown):
        where = "the given selectors" if wanted and not common else (
            "the given or common selectors" if wanted else "the common selectors")
        if errors:
            where += f" that could be checked ({len(answered)} of {len(keys)})"
        findings.append(Finding(
            "warn" if not wanted else "fail",
            f"no DKIM key found under {where}; add the selector (the s= of a "
            "DKIM-Signature header) to the profile's dkim_selectors or pass --selector"))
    return DkimReport(domain, shown, tuple(findings))
