"""The certificate chain as served: facts per certificate and what is wrong with it.

Order, missing intermediates (a chain that verifies only because this machine's store
has the intermediate), an extra root, the leaf's key and signature, its names against the
names checked, must-staple and days left. Imports ``cryptography`` (lazily, by callers).

The certificates are the server's bytes: OpenSSL serves some that ``cryptography``
refuses to parse (a malformed extension, an unknown key or signature type). Such a part
is named as malformed; it never stops the inspection.
"""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Sequence
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtensionOID

from smtptui.dnscheck.model import Level
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.model import CertFacts, TlsFinding

SHOWN = 3
"""Per-certificate findings of one kind said at most (a hostile chain may hold hundreds)."""
EXPIRY_WARN_DAYS = 14
MIN_RSA_BITS = 2048
_WEAK_HASHES = ("md5", "sha1")


def _days(n: int) -> str:
    return f"{n:,} day" if n == 1 else f"{n:,} days"


def _name(name: x509.Name) -> str:
    return clean(name.rfc4514_string(), 200) or "(empty)"


_UNREADABLE = (ValueError, UnsupportedAlgorithm)


def _malformed(exc: Exception) -> str:
    return clean(str(exc).split(" {", 1)[0] or type(exc).__name__, 120)


def _extension_problem(cert: x509.Certificate) -> str | None:
    """Why the extensions cannot be read (``None``: they can)."""
    try:
        _ = cert.extensions
    except _UNREADABLE as exc:
        return _malformed(exc)
    return None


def _key(cert: x509.Certificate) -> tuple[str, int | None]:
    try:
        key = cert.public_key()
    except _UNREADABLE:
        return "unreadable key", None
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}", key.key_size
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {key.curve.name}", key.key_size
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448", 448
    if isinstance(key, dsa.DSAPublicKey):
        return f"DSA {key.key_size}", key.key_size
    return type(key).__name__, None


def _sans(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    except (x509.ExtensionNotFound, *_UNREADABLE):
        return ()
    value = ext.value
    assert isinstance(value, x509.SubjectAlternativeName)
    names = [str(n) for n in value.get_values_for_type(x509.DNSName)]
    names += [str(a) for a in value.get_values_for_type(x509.IPAddress)]
    return tuple(clean(n, 255) for n in names)


def _must_staple(cert: x509.Certificate) -> bool:
    try:
        ext = cert.extensions.get_extension_for_oid(ExtensionOID.TLS_FEATURE)
    except (x509.ExtensionNotFound, *_UNREADABLE):
        return False
    value = ext.value
    return isinstance(value, x509.TLSFeature) and x509.TLSFeatureType.status_request in value


def _signature(cert: x509.Certificate) -> str:
    oid = cert.signature_algorithm_oid
    return getattr(oid, "_name", None) or oid.dotted_string


def _hash_name(cert: x509.Certificate) -> str | None:
    try:
        algo = cert.signature_hash_algorithm
    except _UNREADABLE:
        return None
    return algo.name if algo is not None else None


def _load(der: bytes) -> x509.Certificate | str:
    """The certificate, or why it cannot be parsed."""
    try:
        return x509.load_der_x509_certificate(der)
    except _UNREADABLE as exc:
        return _malformed(exc)


def facts(der: bytes, now: datetime | None = None) -> CertFacts:
    cert = _load(der)
    if not isinstance(cert, str):
        try:
            return _facts(der, cert, now or datetime.now(UTC))
        except _UNREADABLE as exc:  # a field parsed lazily (a name) is malformed
            cert = _malformed(exc)
    return CertFacts(subject=f"(malformed certificate: {cert})", issuer="?", key="?",
                     signature="?", not_after="?", days_left=0, self_signed=False,
                     sha256=hashlib.sha256(der).hexdigest())


def _facts(der: bytes, cert: x509.Certificate, now: datetime) -> CertFacts:
    not_after = cert.not_valid_after_utc
    return CertFacts(
        subject=_name(cert.subject), issuer=_name(cert.issuer), key=_key(cert)[0],
        signature=_signature(cert), not_after=not_after.isoformat(),
        days_left=(not_after - now).days, self_signed=cert.issuer == cert.subject,
        sha256=hashlib.sha256(der).hexdigest(), san=_sans(cert),
        must_staple=_must_staple(cert))


def name_matches(name: str, sans: Sequence[str]) -> bool:
    """RFC 6125 matching: exact, or a wildcard standing for exactly the leftmost label;
    IP addresses only against IP entries."""
    name = name.lower().rstrip(".")
    try:
        ip = ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        ip = None
    for san in sans:
        entry = san.lower().rstrip(".")
        if ip is not None:
            try:
                if ipaddress.ip_address(entry) == ip:
                    return True
            except ValueError:
                pass
            continue
        if entry == name:
            return True
        if entry.startswith("*.") and "." in name:
            label, rest = name.split(".", 1)
            if label and rest == entry[2:]:
                return True
    return False


def chain_findings(served: Sequence[bytes], verified_chain: Sequence[bytes],
                   verify_error: str | None, names: Sequence[str], *,
                   strict: bool) -> list[TlsFinding]:
    """What is right and wrong with the served chain (see :func:`_chain_findings`)."""
    try:
        return _chain_findings(served, verified_chain, verify_error, names, strict=strict)
    except _UNREADABLE as exc:  # a field parsed lazily (a name) is malformed
        return [TlsFinding("fail" if strict else "warn", "the served chain is malformed "
                           f"({_malformed(exc)}): strict clients reject it", "cert_untrusted")]


def _chain_findings(served: Sequence[bytes], verified_chain: Sequence[bytes],
                    verify_error: str | None, names: Sequence[str], *,
                    strict: bool) -> list[TlsFinding]:
    """What is right and wrong with the served chain. ``strict``: clients verify (a
    submission port); otherwise (MX on port 25) trust problems are warnings, as senders
    deliver anyway unless MTA-STS or DANE says otherwise."""
    if not served:
        return [TlsFinding("warn", "the server sent no certificate")]
    bad: Level = "fail" if strict else "warn"
    loaded = [_load(d) for d in served]
    out: list[TlsFinding] = [
        TlsFinding(bad, f"certificate {i} is malformed ({why}): strict clients reject it",
                   "cert_untrusted") for i, why in enumerate(loaded, start=1)
        if isinstance(why, str)]
    certs = [c for c in loaded if not isinstance(c, str)]
    if isinstance(loaded[0], str):
        return out  # nothing more can be said of a leaf that cannot be read
    out += [TlsFinding(bad, f"certificate {i} has malformed extensions ({why}): strict "
                       "clients reject it", "cert_untrusted")
            for i, c in enumerate(loaded, start=1)
            if not isinstance(c, str) and (why := _extension_problem(c))]
    leaf = certs[0]
    served_set = set(served)
    from_store = [d for d in verified_chain[1:-1] if d not in served_set]
    for i in range(len(certs) - 1):
        if certs[i].issuer != certs[i + 1].subject:
            out.append(TlsFinding("warn", f"chain out of order: certificate {i + 2} did not "
                                  f"issue certificate {i + 1}", "chain_order"))
            break
    roots = [(i, c) for i, c in enumerate(certs[1:], start=2) if c.issuer == c.subject]
    for i, cert in roots[:SHOWN]:
        out.append(TlsFinding("info", f"certificate {i} is a root ({_name(cert.subject)}): "
                              "serving it is harmless but unnecessary", "chain_root"))
    if len(roots) > SHOWN:
        out.append(TlsFinding("info", f"… and {len(roots) - SHOWN:,} more roots served",
                              "chain_root"))
    outdated = _outdated_intermediates(certs)
    out += outdated
    if verify_error is None and verified_chain:
        if from_store:
            missing = ", ".join(_name(x509.load_der_x509_certificate(d).subject)
                                for d in from_store)
            out.append(TlsFinding("warn", f"the server does not send the intermediate "
                                  f"{missing}: the chain verified here only because this "
                                  "machine's store has it; other clients will fail",
                                  "chain_incomplete"))
        else:
            many = "s" if len(served) > 1 else ""
            out.append(TlsFinding("pass", f"chain verifies ({len(served)} certificate{many} "
                                  "served, complete)"))
    elif verify_error is not None:
        issuer_served = any(c.subject == leaf.issuer for c in certs[1:])
        if "issuer" in verify_error.lower() and not issuer_served and leaf.issuer != leaf.subject:
            out.append(TlsFinding(bad, f"chain does not verify: its issuer "
                                  f"{_name(leaf.issuer)} is neither sent by the server nor "
                                  "trusted here — the server leaves out an intermediate, or "
                                  "that is a private CA (check again with --cafile CA.pem)",
                                  "issuer_unknown"))
        elif not (_is_expiry(verify_error) and (outdated or not _in_date(leaf))):
            # expiry is said once: by the leaf's own finding below, or the served one's above
            out.append(TlsFinding(bad, f"chain does not verify: {clean(verify_error, 200)}",
                                  "cert_untrusted"))
    out.extend(_leaf_findings(leaf, certs, names, bad))
    return out


def _in_date(cert: x509.Certificate) -> bool:
    now = datetime.now(UTC)
    return cert.not_valid_before_utc <= now <= cert.not_valid_after_utc


def _is_expiry(verify_error: str) -> bool:
    return "expired" in verify_error.lower() or "not yet valid" in verify_error.lower()


def _outdated_intermediates(certs: Sequence[x509.Certificate]) -> list[TlsFinding]:
    """Served intermediates out of their validity (a served root is not used: the
    client's own copy is)."""
    out: list[TlsFinding] = []
    for i, cert in enumerate(certs[1:], start=2):
        if cert.issuer == cert.subject or _in_date(cert) or len(out) == SHOWN:
            continue
        if cert.not_valid_after_utc < datetime.now(UTC):
            when = f"expired on {cert.not_valid_after_utc:%Y-%m-%d}"
        else:
            when = f"is not valid yet (from {cert.not_valid_before_utc:%Y-%m-%d})"
        out.append(TlsFinding("fail", f"certificate {i} ({_name(cert.subject)}) {when}: "
                              "clients cannot verify the chain; serve the current "
                              "intermediate", "chain_incomplete"))
    return out


def _leaf_findings(leaf: x509.Certificate, certs: Sequence[x509.Certificate],
                   names: Sequence[str], bad: Level) -> list[TlsFinding]:
    out: list[TlsFinding] = []
    label, size = _key(leaf)
    if (label.startswith("RSA") and (size or 0) < MIN_RSA_BITS) or label.startswith("DSA") \
            or (label.startswith("EC") and (size or 0) < 256):
        out.append(TlsFinding("fail", f"weak leaf key: {label}", "weak_key"))
    else:
        out.append(TlsFinding("pass", f"leaf key {label}, signed with {_signature(leaf)}"))
    weak = [(i, algo) for i, cert in enumerate(certs)
            if cert.issuer != cert.subject and (algo := _hash_name(cert)) in _WEAK_HASHES]
    for i, algo in weak[:SHOWN]:
        assert algo is not None
        out.append(TlsFinding("fail" if i == 0 else "warn",
                              f"certificate {i + 1} is signed with {algo.upper()}",
                              "weak_signature"))
    if len(weak) > SHOWN:
        out.append(TlsFinding("warn", f"… and {len(weak) - SHOWN:,} more certificates "
                              "signed with SHA-1 or MD5", "weak_signature"))
    sans = _sans(leaf)
    for name in names:
        if name_matches(name, sans):
            out.append(TlsFinding("pass", f"certificate names include {clean(name)}"))
        else:
            shown = ", ".join(sans[:5]) + (f" … and {len(sans) - 5:,} more"
                                           if len(sans) > 5 else "")
            out.append(TlsFinding(bad, f"certificate is not for {clean(name)} "
                                  f"(it names {shown or 'nothing'})", "cert_name"))
    now = datetime.now(UTC)
    days = (leaf.not_valid_after_utc - now).days
    if leaf.not_valid_after_utc < now:
        ago = (now - leaf.not_valid_after_utc).days
        out.append(TlsFinding("fail", f"certificate expired {_days(ago)} ago "
                              f"({leaf.not_valid_after_utc:%Y-%m-%d})", "cert_renew"))
    elif leaf.not_valid_before_utc > now:
        out.append(TlsFinding("fail", "certificate is not valid yet (from "
                              f"{leaf.not_valid_before_utc:%Y-%m-%d})", "cert_renew"))
    elif days < EXPIRY_WARN_DAYS:
        out.append(TlsFinding("warn", f"certificate expires in {_days(days)}", "cert_renew"))
    else:
        out.append(TlsFinding("pass", f"certificate valid until "
                              f"{leaf.not_valid_after_utc:%Y-%m-%d} ({_days(days)})"))
    if _must_staple(leaf):
        out.append(TlsFinding("info", "must-staple is set: clients that check it need the "
                              "server to staple an OCSP response (SMTP servers rarely do)"))
    return out
