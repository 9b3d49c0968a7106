"""One resolver factory and one lookup wrapper for every DNS check.

Every check takes ``nameserver`` ("HOST[:PORT]", IPv6 as ``[::1]:5353``; ``None`` means the
system's resolver) and a finite ``timeout`` in seconds. A lookup never raises for DNS trouble:
it returns a :class:`Lookup` whose ``status`` says what happened (``timeout`` included).
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any, Literal

import dns.asyncresolver
import dns.exception
import dns.flags
import dns.name
import dns.nameserver
import dns.rdata
import dns.rdatatype
import dns.resolver

from smtptui.dnscheck.settings import DnsInputError as DnsInputError  # re-exported
from smtptui.dnscheck.settings import parse_nameserver as parse_nameserver  # re-exported
from smtptui.dnscheck.text import decode

DEFAULT_TIMEOUT = 5.0
LookupStatus = Literal["ok", "nxdomain", "nodata", "timeout", "servfail", "error"]


def check_timeout(timeout: float) -> float:
    """A finite, positive number of seconds."""
    if not isinstance(timeout, int | float) or not math.isfinite(timeout) or timeout <= 0:
        raise DnsInputError(f"invalid timeout {timeout!r}: must be a positive number of seconds")
    return float(timeout)


def make_resolver(nameserver: str | None, timeout: float = DEFAULT_TIMEOUT
                  ) -> dns.asyncresolver.Resolver:
    """An async resolver for ``nameserver`` (or the system's), bounded by ``timeout``.

    Queries ask for the AD bit so a validating resolver can say an answer was DNSSEC-secure.
    """
    timeout = check_timeout(timeout)
    if nameserver is None:
        try:
            resolver = dns.asyncresolver.Resolver(configure=True)
        except dns.resolver.NoResolverConfiguration:
            raise DnsInputError("no system resolver configured; pass --nameserver") from None
    else:
        ip, port = parse_nameserver(nameserver)
        resolver = dns.asyncresolver.Resolver(configure=False)
        resolver.nameservers = [dns.nameserver.Do53Nameserver(ip, port)]
    resolver.timeout = timeout
    resolver.lifetime = timeout
    resolver.flags = dns.flags.RD | dns.flags.AD
    resolver.retry_servfail = False
    resolver.cache = None
    return resolver


def normalise_domain(text: str, *, single_label: bool = False) -> str:
    """A domain name as lower-case ASCII without the trailing dot; IDNs are encoded.

    ``single_label`` also accepts a name of one label (``localhost``). Raises
    :class:`DnsInputError` for anything that is not a plausible host or domain name.
    """
    raw = text.strip().rstrip(".")
    try:
        name = dns.name.from_unicode(raw) if not raw.isascii() else dns.name.from_text(raw)
    except (dns.exception.DNSException, UnicodeError, ValueError):
        raise DnsInputError(f"invalid domain name {text!r}") from None
    ascii_name = name.to_text(omit_final_dot=True).lower()
    labels = ascii_name.split(".")
    if len(labels) < (1 if single_label else 2) or labels[-1].isdigit() or not all(
            re.fullmatch(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?", label) for label in labels):
        raise DnsInputError(f"invalid domain name {text!r}")
    return ascii_name


def host_address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """``text`` as an IP address (an IPv6 one may be in brackets), or None for a name."""
    raw = text.strip()
    if raw.startswith("[") and raw.endswith("]"):
        raw = raw[1:-1]
    try:
        return ipaddress.ip_address(raw)
    except ValueError:
        return None


def normalise_host(text: str) -> str:
    """A relay host: an IP address in its canonical form, or a host name as
    :func:`normalise_domain` gives it, one label (``localhost``) allowed."""
    ip = host_address(text)
    if ip is not None:
        return str(ip)
    try:
        return normalise_domain(text, single_label=True)
    except DnsInputError:
        raise DnsInputError(f"invalid relay host {text!r} (give a host name or an IP "
                            "address)") from None


def parse_ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """An IPv4 or IPv6 address, or :class:`DnsInputError`."""
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        raise DnsInputError(f"invalid IP address {text!r}") from None


@dataclass(frozen=True)
class Lookup:
    """The outcome of one query. ``rdata`` holds dnspython objects (not serialised)."""

    name: str
    rdtype: str
    status: LookupStatus
    ttl: int | None = None
    records: tuple[str, ...] = ()
    """Records as text (TXT strings joined), for display and JSON."""
    authenticated: bool = False
    """The resolver set the AD bit (DNSSEC-validated answer)."""
    error: str | None = None
    rdata: tuple[Any, ...] = field(default=(), metadata={"json": False}, repr=False,
                                   compare=False)

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def void(self) -> bool:
        """NXDOMAIN or an empty answer (RFC 7208 "void lookup")."""
        return self.status in ("nxdomain", "nodata")

    @property
    def failed(self) -> bool:
        """Timeout, SERVFAIL or another error: the answer is unknown, not empty."""
        return self.status in ("timeout", "servfail", "error")

    def describe(self) -> str:
        """A short phrase for people: "no such name", "timed out after 5 s" ..."""
        return {
            "ok": f"{len(self.records)} record(s)",
            "nxdomain": "no such name (NXDOMAIN)",
            "nodata": f"no {self.rdtype} record",
            "timeout": self.error or "timed out",
            "servfail": self.error or "server failure (SERVFAIL)",
            "error": self.error or "lookup error",
        }[self.status]


def _txt(rdata: Any) -> str:
    return "".join(decode(s) for s in rdata.strings)


def record_text(rdata: Any) -> str:
    """Display form of one record; TXT strings are concatenated (RFC 7208 3.3)."""
    if rdata.rdtype == dns.rdatatype.TXT:
        return _txt(rdata)
    return str(rdata.to_text())


DEADLINE_FACTOR = 4
"""A whole check may take this many per-lookup timeouts (20 s with the default 5 s: the
least RFC 7208 section 4.6.4 suggests for an SPF evaluation)."""


def overall_deadline(timeout: float) -> float:
    """Seconds a whole DNS check may take, derived from the per-lookup ``timeout``."""
    return DEADLINE_FACTOR * timeout


class Dns:
    """Runs lookups against one resolver, remembering answers for the duration of a check.

    Each lookup is bounded by ``timeout``, and the whole check by ``deadline`` seconds
    from creation (default :func:`overall_deadline`): past it, lookups are not made and
    come back as ``timeout`` (a temporary error: SPF's ``temperror``), so a chain of slow
    answers cannot make a check run for minutes.
    """

    def __init__(self, nameserver: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 resolver: dns.asyncresolver.Resolver | None = None,
                 deadline: float | None = None) -> None:
        self.timeout = check_timeout(timeout)
        self.deadline = check_timeout(overall_deadline(self.timeout) if deadline is None
                                      else deadline)
        self.nameserver = nameserver
        self.resolver = resolver or make_resolver(nameserver, timeout)
        self.queries = 0
        self.skipped = 0
        """Lookups not made because the overall deadline had passed."""
        self.answered = 0
        """Lookups the server answered (any answer, NXDOMAIN and SERVFAIL included)."""
        self.timed_out = 0
        self._cache: dict[tuple[str, str], Lookup] = {}
        self._ends = time.monotonic() + self.deadline

    def silence(self) -> str | None:
        """``"the DNS server 192.0.2.53 did not answer in 5 s (3 lookups)"`` when lookups
        were made and not one was answered (a dead or unreachable resolver); else None."""
        if self.answered or not self.timed_out:
            return None
        server = self.nameserver or "of this system ({})".format(
            ", ".join(str(n) for n in self.resolver.nameservers) or "none configured")
        return (f"the DNS server {server} did not answer in {self.timeout:g} s "
                f"({self.timed_out} lookup{'s' if self.timed_out != 1 else ''})")

    @property
    def label(self) -> str:
        return self.nameserver or "system resolver"

    @property
    def _past_deadline(self) -> str:
        return (f"not finished: the whole check may take {self.deadline:g} s "
                f"({DEADLINE_FACTOR} x the {self.timeout:g} s timeout)")

    async def query(self, name: str, rdtype: str) -> Lookup:
        """Look ``name`` up; DNS trouble comes back as a status, never an exception."""
        key = (name.lower().rstrip("."), rdtype.upper())
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        result = await self._query(key[0], key[1])
        if result.status != "timeout":
            self._cache[key] = result
            self.answered += result.status in ("ok", "nodata", "nxdomain", "servfail")
        else:
            self.timed_out += 1
        return result

    async def _query(self, name: str, rdtype: str) -> Lookup:
        left = self._ends - time.monotonic()
        if left <= 0:
            self.skipped += 1
            return Lookup(name, rdtype, "timeout", error=self._past_deadline)
        self.queries += 1
        try:
            qname = dns.name.from_text(name)
        except dns.exception.DNSException as exc:
            return Lookup(name, rdtype, "error", error=f"invalid name: {exc}")
        try:
            answer = await self.resolver.resolve(qname, rdtype, raise_on_no_answer=False,
                                                 search=False, lifetime=min(self.timeout, left))
        except dns.resolver.NXDOMAIN:
            return Lookup(name, rdtype, "nxdomain")
        except dns.exception.Timeout:  # LifetimeTimeout included
            if time.monotonic() >= self._ends:
                return Lookup(name, rdtype, "timeout", error=self._past_deadline)
            return Lookup(name, rdtype, "timeout",
                          error=f"timed out after {self.timeout:g} s ({self.label})")
        except dns.resolver.NoNameservers as exc:
            loop = _cname_trouble(exc)
            if loop:
                return Lookup(name, rdtype, "error", error=loop)
            m = re.search(r"answered ([A-Z]+)\b", str(exc))
            return Lookup(name, rdtype, "servfail",
                          error=f"server answered {m.group(1)}" if m else "server failure")
        except dns.resolver.YXDOMAIN:
            return Lookup(name, rdtype, "error", error="name too long after CNAME (YXDOMAIN)")
        except (dns.exception.DNSException, OSError) as exc:
            return Lookup(name, rdtype, "error", error=_first_line(exc, type(exc).__name__))
        ad = bool(answer.response.flags & dns.flags.AD)
        if answer.rrset is None or len(answer.rrset) == 0:
            return Lookup(name, rdtype, "nodata", authenticated=ad)
        rdata = tuple(answer.rrset)
        return Lookup(name, rdtype, "ok", ttl=answer.rrset.ttl,
                      records=tuple(record_text(r) for r in rdata),
                      authenticated=ad, rdata=rdata)


def _cname_trouble(exc: dns.resolver.NoNameservers) -> str | None:
    """"CNAME loop at NAME" (or a chain too long) when that is why every server
    "failed": dnspython reports it as ``ChainTooLong`` inside NoNameservers."""
    import dns.message

    from smtptui.probe.sanitize import clean

    for error in exc.kwargs.get("errors") or ():
        if len(error) < 5 or not isinstance(error[3], dns.message.ChainTooLong):
            continue
        seen: set[str] = set()
        response = error[4]
        for rrset in getattr(response, "answer", ()):
            if rrset.rdtype != dns.rdatatype.CNAME:
                continue
            owner = rrset.name.to_text(omit_final_dot=True)
            target = rrset[0].target.to_text(omit_final_dot=True)
            seen.add(owner.lower())
            if target.lower() in seen:
                return f"CNAME loop at {clean(target, 255)}"
        return "CNAME chain too long (more than dnspython follows)"
    return None


def _first_line(exc: BaseException, fallback: str) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else fallback
