"""Client contexts for the scanner's questions: one protocol version, one cipher family,
one key-exchange group, a cipher order. None of them verifies (the chain is judged apart);
old versions and weak ciphers need OpenSSL's security level 0 to be offered at all."""

from __future__ import annotations

import ssl
import warnings
from dataclasses import dataclass

VERSIONS: tuple[tuple[str, str], ...] = (
    ("SSLv3", "SSLv3"), ("TLSv1", "TLSv1.0"), ("TLSv1_1", "TLSv1.1"),
    ("TLSv1_2", "TLSv1.2"), ("TLSv1_3", "TLSv1.3"),
)
"""(``ssl.TLSVersion`` member, the name people use), oldest first."""


@dataclass(frozen=True)
class Family:
    """A family of weak choices, and the OpenSSL cipher string that offers only it."""

    key: str
    label: str
    ciphers: str
    max_version: str = "TLSv1_2"
    min_version: str = "TLSv1"


WEAK_FAMILIES: tuple[Family, ...] = (
    Family("null", "NULL ciphers (no encryption)", "eNULL:@SECLEVEL=0"),
    Family("anon", "anonymous key exchange (no authentication)", "aNULL:!eNULL:@SECLEVEL=0"),
    Family("export", "export-grade ciphers", "EXP:@SECLEVEL=0"),
    Family("rc4", "RC4", "RC4:!aNULL:!eNULL:@SECLEVEL=0"),
    Family("3des", "3DES (Sweet32)", "3DES:!aNULL:!eNULL:@SECLEVEL=0"),
    Family("cbc_tls10", "CBC ciphers with TLS 1.0 (BEAST)",
           "ALL:!aNULL:!eNULL:!RC4:@SECLEVEL=0",  # RC4, the only other kind, is asked apart
           max_version="TLSv1", min_version="TLSv1"),
    Family("rsa_kx", "RSA key exchange (no forward secrecy)", "kRSA:!aNULL:!eNULL:@SECLEVEL=0"),
)

GROUPS: tuple[tuple[str, str], ...] = (
    ("X25519", "X25519"), ("prime256v1", "P-256"), ("secp384r1", "P-384"),
    ("secp521r1", "P-521"),
)
"""(OpenSSL's name, the name people use) of the key-exchange groups asked about."""


class Unavailable(Exception):
    """This machine's TLS library cannot offer what was asked: the question is not tested."""


def _base() -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def _bound(ctx: ssl.SSLContext, low: str, high: str) -> None:
    try:
        with warnings.catch_warnings():  # asking about deprecated versions is the point
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion[low]
            ctx.maximum_version = ssl.TLSVersion[high]
    except (ValueError, KeyError) as exc:
        raise Unavailable(f"{low}–{high} cannot be set here: {exc}") from None


def version_context(member: str) -> ssl.SSLContext:
    """Offers exactly one protocol version (with every cipher the library still has)."""
    if member == "SSLv3" and not ssl.HAS_SSLv3:
        raise Unavailable("this machine's OpenSSL was built without SSL 3")
    if member in ("TLSv1", "TLSv1_1") and not getattr(ssl, f"HAS_{member.upper()}", True):
        raise Unavailable(f"this machine's OpenSSL was built without {member}")
    ctx = _base()
    _bound(ctx, member, member)
    if member != "TLSv1_3":
        _ciphers(ctx, "ALL:@SECLEVEL=0")
    return ctx


def family_context(family: Family) -> ssl.SSLContext:
    """Offers only ``family``'s ciphers, TLS 1.2 at most (1.3 has no weak suites)."""
    ctx = _base()
    _bound(ctx, family.min_version, family.max_version)
    _ciphers(ctx, family.ciphers)
    return ctx


def group_context(group: str) -> ssl.SSLContext:
    """Offers one key-exchange group (both for TLS 1.2's ECDHE and TLS 1.3's key share)."""
    ctx = _base()
    try:
        ctx.set_ecdh_curve(group)
    except (ValueError, ssl.SSLError) as exc:
        raise Unavailable(f"group {group} is not available here: {exc}") from None
    return ctx


def order_context(ciphers: list[str]) -> ssl.SSLContext:
    """TLS 1.2 only, offering ``ciphers`` in this order (to see whose order the server uses)."""
    ctx = _base()
    _bound(ctx, "TLSv1_2", "TLSv1_2")
    _ciphers(ctx, ":".join(ciphers))
    return ctx


def default_ciphers_tls12() -> list[str]:
    """The TLS 1.2 cipher names a default client offers, in its order."""
    ctx = ssl.create_default_context()
    return [c["name"] for c in ctx.get_ciphers() if c.get("protocol") == "TLSv1.2"]


def plain_context() -> ssl.SSLContext:
    """A default client's offer, without verification (the main handshake)."""
    return _base()


def legacy_context() -> ssl.SSLContext:
    """Any version from TLS 1.0 and any cipher: the main handshake with a server that
    refuses a default client (so an old server can still be inspected)."""
    ctx = _base()
    _bound(ctx, "TLSv1", "TLSv1_3")
    ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def verifying_context(cafile: str | None, *, legacy: bool = False) -> ssl.SSLContext:
    """The system store (or ``cafile``), without the name check (judged apart);
    ``legacy`` also speaks to servers that only have old versions or ciphers."""
    ctx = ssl.create_default_context(cafile=cafile)
    ctx.check_hostname = False
    if legacy:
        _bound(ctx, "TLSv1", "TLSv1_3")
        ctx.set_ciphers("ALL:@SECLEVEL=0")
    return ctx


def _ciphers(ctx: ssl.SSLContext, spec: str) -> None:
    try:
        ctx.set_ciphers(spec)
    except ssl.SSLError:
        raise Unavailable("this machine's OpenSSL no longer has these ciphers") from None
    if not any(c.get("protocol") != "TLSv1.3" for c in ctx.get_ciphers()):
        raise Unavailable("this machine's OpenSSL no longer has these ciphers")
