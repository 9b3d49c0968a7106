"""TLS contexts, handshake-error classification and certificate inspection.

Certificates are read with the stdlib: a verified one from ``getpeercert``, one that
failed verification (or ``--insecure``) from its DER bytes with CPython's own decoder.
``cryptography`` (~28 ms and 35 MB to import) is only the fallback where that decoder is
missing.
"""

from __future__ import annotations

import functools
import os
import ssl
import time
from typing import Any

from smtptui.probe.events import CertInfo, TLSInfo
from smtptui.probe.sanitize import clean

EXPIRY_WARN_DAYS = 14

# OpenSSL X509_V_ERR_* codes -> our fault kinds.
_VERIFY_CODES: dict[int, str] = {
    10: "tls_expired",            # CERT_HAS_EXPIRED
    9: "tls_not_yet_valid",       # CERT_NOT_YET_VALID
    18: "tls_self_signed",        # DEPTH_ZERO_SELF_SIGNED_CERT
    19: "tls_self_signed",        # SELF_SIGNED_CERT_IN_CHAIN
    2: "tls_unknown_ca",          # UNABLE_TO_GET_ISSUER_CERT
    20: "tls_unknown_ca",         # UNABLE_TO_GET_ISSUER_CERT_LOCALLY
    21: "tls_unknown_ca",         # UNABLE_TO_VERIFY_LEAF_SIGNATURE
    62: "tls_hostname_mismatch",  # HOSTNAME_MISMATCH
    64: "tls_hostname_mismatch",  # IP_ADDRESS_MISMATCH
}

_PLAIN_SMTP_REASONS = ("WRONG_VERSION_NUMBER", "RECORD_LAYER_FAILURE", "PACKET_LENGTH_TOO_LONG",
                       "HTTP_REQUEST", "UNKNOWN_PROTOCOL")
_TOO_OLD_REASONS = ("UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION",
                    "NO_PROTOCOLS_AVAILABLE", "VERSION_TOO_LOW")


def ssl_hostname(name: str) -> str:
    """``name`` as handed to :mod:`ssl` for SNI and certificate matching.

    :mod:`ssl` passes every ``str`` name through the ``idna`` codec, whose first use
    imports ``encodings.idna``, ``stringprep`` and ``unicodedata`` (about 1 ms of a
    one-probe process) to give back the same bytes for a name in ASCII. Such a name is
    handed over as those bytes (``ssl`` accepts them: ``SSLContext._encode_hostname``);
    any other name, or one the codec would refuse (an empty or over-long label), goes
    through the codec as before. Typed ``str`` for the asyncio signatures.
    """
    if not name.isascii():
        return name
    labels = name.split(".")
    if labels[-1] == "":
        labels.pop()
    if not labels or any(not 0 < len(label) < 64 for label in labels):
        return name  # let the codec raise as it always has
    return name.encode("ascii")  # type: ignore[return-value]


def make_context(*, cafile: str | None, insecure: bool) -> ssl.SSLContext:
    """A client context: verified against the system store (or ``cafile``) unless insecure.

    Contexts are cached (loading the system store costs milliseconds per probe in a
    batch); a changed ``cafile`` is noticed by its modification time.
    """
    stamp = _stamp(cafile, time.monotonic()) if cafile else 0
    return _context(cafile, insecure, stamp)


_STAMPS: dict[str, tuple[float, int]] = {}
STAMP_SECONDS = 1.0
"""How long a CA file's modification time is trusted before it is looked at again."""


def _stamp(cafile: str, now: float) -> int:
    """The file's modification time (``-1``: unreadable), looked up at most once a second:
    a batch of probes does not stat the file for each one."""
    seen = _STAMPS.get(cafile)
    if seen is not None and now - seen[0] < STAMP_SECONDS:
        return seen[1]
    try:
        stamp = os.stat(cafile).st_mtime_ns
    except OSError:
        stamp = -1  # let ssl report the unreadable file
    _STAMPS[cafile] = (now, stamp)
    return stamp


@functools.lru_cache(maxsize=32)
def _context(cafile: str | None, insecure: bool, _stamp: int) -> ssl.SSLContext:
    if insecure:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if cafile is None:
        directory = system_trust_dir()
        if directory:
            return ssl.create_default_context(capath=directory)
    return ssl.create_default_context(cafile=cafile)


def system_trust_dir() -> str | None:
    """The system's hashed CA directory (``/etc/ssl/certs`` on Debian), when verifying
    against it can stand for the system store: OpenSSL then reads just the certificates a
    chain needs, by name, where loading the bundle file parses all ~140 of them (20-40 ms
    of every process that probes without ``--cafile``). Only where the bundle file
    (``SSL_CERT_FILE`` or OpenSSL's default) lies in that directory, as
    update-ca-certificates keeps the two, so both hold the same certificates; else None,
    and the bundle is loaded as usual (Fedora, macOS, a bundle of one's own)."""
    paths = ssl.get_default_verify_paths()  # SSL_CERT_FILE / SSL_CERT_DIR count here
    directory, bundle = paths.capath, paths.cafile
    if not directory or not bundle:
        return None
    real = os.path.realpath(directory)
    if os.path.dirname(os.path.realpath(bundle)) != real:
        return None
    try:
        with os.scandir(real) as entries:
            hashed = any(e.name.endswith(".0") and len(e.name) == 10 for e in entries)
    except OSError:
        return None
    return directory if hashed else None


def unverified_context() -> ssl.SSLContext:
    """For looking at a certificate that failed verification, or sniffing a port."""
    return make_context(cafile=None, insecure=True)


def classify(exc: BaseException) -> tuple[str, str]:
    """Map a handshake exception to (fault kind, one-line detail)."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        kind = _VERIFY_CODES.get(exc.verify_code or -1, "tls_unknown_ca")
        message = exc.verify_message or str(exc)
        if kind == "tls_unknown_ca" and "self" in message.lower():
            kind = "tls_self_signed"
        return kind, clean(message)
    if isinstance(exc, ssl.SSLError):
        reason = (exc.reason or "").upper()
        if any(r in reason for r in _PLAIN_SMTP_REASONS):
            said = clean(exc.reason or str(exc)).lower().replace("_", " ")
            return "tls_plain_smtp_port", f"the answer was not TLS (OpenSSL: {said})"
        if any(r in reason for r in _TOO_OLD_REASONS):
            return "tls_protocol_too_old", clean(exc.reason or str(exc))
        return "tls_handshake_failed", clean(exc.reason or str(exc))
    if isinstance(exc, TimeoutError):
        return "tls_handshake_timeout", "the TLS handshake did not complete in time"
    if isinstance(exc, ConnectionResetError | ConnectionAbortedError | BrokenPipeError):
        return "tls_handshake_failed", "the server reset the connection during the handshake"
    return "tls_handshake_failed", clean(str(exc) or type(exc).__name__)


def inspect(ssl_object: ssl.SSLObject | ssl.SSLSocket | None, *, verified: bool) -> TLSInfo:
    """Version, cipher and certificate of an established TLS session."""
    if ssl_object is None:
        return TLSInfo(version="?", cipher="?", bits=0, cert=None)
    name, _proto, bits = ssl_object.cipher() or ("?", "?", 0)
    cert: CertInfo | None
    peer = ssl_object.getpeercert() if verified else None
    der = ssl_object.getpeercert(binary_form=True)
    if peer:
        cert = cert_from_dict(peer, verified=True, der=der)
    else:
        cert = cert_from_der(der, verified=verified, error=None) if der else None
    return TLSInfo(version=ssl_object.version() or "?", cipher=name, bits=bits or 0, cert=cert)


_SHORT = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU",
          "countryName": "C", "localityName": "L", "stateOrProvinceName": "ST",
          "emailAddress": "E", "domainComponent": "DC"}


SAN_SHOWN = 10
"""Names of a certificate's subjectAltName kept; the rest are counted."""


def cap_names(names: list[str]) -> tuple[str, ...]:
    """At most :data:`SAN_SHOWN` names, then ``"… and 2,990 more"`` (a certificate may
    carry thousands: shown whole, they are one line of tens of kilobytes)."""
    if len(names) <= SAN_SHOWN:
        return tuple(names)
    return (*names[:SAN_SHOWN], f"… and {len(names) - SAN_SHOWN:,} more")


def _name(rdns: Any) -> str:
    """getpeercert's nested subject tuples as an RFC 4514-style string, most specific first."""
    parts = [f"{_SHORT.get(k, k)}={v}" for rdn in rdns for (k, v) in rdn]
    return clean(",".join(reversed(parts)))


def validity_text(days_left: int) -> str:
    """``"40 days left"``, ``"expires today"``, ``"expired 30 days ago"``."""
    if days_left > 0:
        return f"{days_left} day{'s' if days_left != 1 else ''} left"
    if days_left == 0:
        return "expires within a day"
    return f"expired {-days_left} day{'s' if days_left != -1 else ''} ago"


def _days_left(not_after_ts: float) -> int:
    return int((not_after_ts - time.time()) / 86400)  # whole days, towards zero


_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1)}


def _cert_time(value: str) -> tuple[float, str]:
    """``"Nov 29 22:11:01 2026 GMT"`` -> (seconds since the epoch, ISO 8601 in UTC).

    What ``ssl.cert_time_to_seconds`` does, without ``time.strptime`` (slow enough to
    show in a probe's timing) or ``datetime`` (an import on every start); anything
    unexpected falls back to it.
    """
    try:
        month_name, day_text, clock, year_text, zone = value.split()
        hour, minute, second = (int(x) for x in clock.split(":"))
        year, month, day = int(year_text), _MONTHS[month_name], int(day_text)
        if zone != "GMT" or not (1 <= day <= 31 and hour < 24 and minute < 60
                                 and second < 61 and 1 <= year <= 9999):
            raise ValueError(value)
    except (ValueError, KeyError):
        ts = float(ssl.cert_time_to_seconds(value))
        return ts, _iso(ts)
    stamp = utc_epoch(year, month, day, hour, minute, second)
    return float(stamp), f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}Z"


def utc_epoch(year: int, month: int, day: int, hour: int, minute: int, second: int) -> int:
    """Seconds since 1970-01-01T00:00:00Z of a UTC date and time (``calendar.timegm``
    without importing ``calendar``; also used for the history's report times)."""
    return _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's algorithm)."""
    year -= month <= 2
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def cert_from_dict(peer: dict[str, Any], *, verified: bool, der: bytes | None = None
                   ) -> CertInfo:
    """From ``SSLSocket.getpeercert()`` (only available for a verified peer)."""
    _ts, not_before = _cert_time(peer["notBefore"])
    expires, not_after = _cert_time(peer["notAfter"])
    san = cap_names([clean(v) for (_k, v) in peer.get("subjectAltName", ())])
    subject = _name(peer.get("subject", ()))
    issuer = _name(peer.get("issuer", ()))
    return CertInfo(
        subject=subject, issuer=issuer, san=san, not_before=not_before, not_after=not_after,
        days_left=_days_left(expires), verified=verified, error=None,
        self_signed=subject == issuer, der=der,
    )


def cert_from_der(der: bytes, *, verified: bool, error: str | None) -> CertInfo:
    """Read a DER certificate (one that failed verification, or ``--insecure``)."""
    peer = _decode_der(der)
    if peer is None:
        return _cert_from_der_cryptography(der, verified=verified, error=error)
    entries = peer.get("subjectAltName", ())
    san = tuple([clean(v) for (k, v) in entries if k == "DNS"]
                + [_address(v) for (k, v) in entries if k == "IP Address"])
    cert = cert_from_dict(peer, verified=verified, der=der)
    return CertInfo(
        subject=cert.subject, issuer=cert.issuer, san=san, not_before=cert.not_before,
        not_after=cert.not_after, days_left=cert.days_left, verified=verified, error=error,
        self_signed=cert.self_signed, der=der,
    )


def _decode_der(der: bytes) -> dict[str, Any] | None:
    """The certificate as ``getpeercert()`` gives it for a verified peer. For an
    unverified one it gives ``{}`` (python/cpython#122962), so decode the bytes with the
    function CPython's own ssl tests use; None where it is missing or fails."""
    import _ssl

    decode = getattr(_ssl, "_test_decode_cert", None)
    if decode is None:
        return None
    import tempfile  # it reads a PEM file

    try:
        with tempfile.NamedTemporaryFile("w", suffix=".pem", encoding="ascii") as pem:
            pem.write(ssl.DER_cert_to_PEM_cert(der))
            pem.flush()
            peer = decode(pem.name)
    except (ssl.SSLError, OSError, ValueError):
        return None
    return peer if isinstance(peer, dict) and "notAfter" in peer else None


def _address(text: str) -> str:
    """An IP address from a certificate, shortest form (OpenSSL spells ``::1`` out)."""
    if ":" not in text:
        return clean(text)
    import ipaddress

    try:
        return ipaddress.ip_address(text).compressed
    except ValueError:
        return clean(text)


def _cert_from_der_cryptography(der: bytes, *, verified: bool, error: str | None
                                ) -> CertInfo:
    """Parse a DER certificate with ``cryptography`` (imported here, lazily)."""
    from cryptography import x509

    cert = x509.load_der_x509_certificate(der)
    try:
        ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        san = cap_names(
            [clean(n) for n in ext.get_values_for_type(x509.DNSName)]
            + [str(ip) for ip in ext.get_values_for_type(x509.IPAddress)]
        )
    except x509.ExtensionNotFound:
        san = ()
    not_before = cert.not_valid_before_utc.timestamp()
    not_after = cert.not_valid_after_utc.timestamp()
    subject = clean(cert.subject.rfc4514_string())
    issuer = clean(cert.issuer.rfc4514_string())
    return CertInfo(
        subject=subject, issuer=issuer, san=san,
        not_before=_iso(not_before), not_after=_iso(not_after),
        days_left=_days_left(not_after), verified=verified, error=error,
        self_signed=cert.subject == cert.issuer, der=der,
    )


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


def tls_warnings(info: TLSInfo, *, insecure: bool) -> list[tuple[str, str]]:
    """(fault kind, text) warnings about an established session."""
    out: list[tuple[str, str]] = []
    if insecure:
        out.append(("tls_verification_disabled",
                    "certificate verification is disabled (--insecure)"))
    if info.version in ("SSLv3", "TLSv1", "TLSv1.1"):
        out.append(("tls_old_version", f"negotiated {info.version}, older than TLS 1.2"))
    cert = info.cert
    if cert and cert.days_left < 0:  # only reachable with --insecure
        out.append(("tls_expired", f"the certificate expired {-cert.days_left} days ago "
                    f"({cert.not_after})"))
    elif cert and cert.days_left < EXPIRY_WARN_DAYS:
        out.append(("cert_expiring_soon",
                    f"the certificate expires in {cert.days_left} days ({cert.not_after})"))
    return out
