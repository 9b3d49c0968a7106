"""SPF ``check_host()`` (RFC 7208 section 4-6): the result for one IP and the path to it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Literal

from dns.reversename import from_address as reverse_name

from smtptui.dnscheck.model import JsonMixin
from smtptui.dnscheck.resolver import Dns, Lookup
from smtptui.dnscheck.spf_macro import (
    IPAddress,
    MacroContext,
    expand,
    truncate_domain,
    uses_p,
    valid_name,
)
from smtptui.dnscheck.spf_parse import (
    QUALIFIER_RESULT,
    Mechanism,
    SpfRecord,
    SpfSyntaxError,
    check_macro_string,
    is_spf,
    parse_spf,
)

SpfResult = Literal["pass", "fail", "softfail", "neutral", "none", "permerror", "temperror"]
LOOKUP_LIMIT = 10
VOID_LIMIT = 2
MX_LIMIT = 10
PTR_LIMIT = 10


@dataclass(frozen=True)
class SpfEvaluation(JsonMixin):
    """The result of evaluating ``domain``'s SPF policy for ``ip``."""

    domain: str
    ip: str
    sender: str
    result: SpfResult
    path: tuple[str, ...]
    """The terms that decided, outermost first, e.g. ``"example.com: include:_spf.x"``."""
    lookups: int
    void_lookups: int
    explanation: str | None = None
    warnings: tuple[str, ...] = ()


def not_a_domain(name: str) -> str | None:
    """Why ``name`` is no domain SPF can check (RFC 7208 4.3: the result is ``none``), or
    ``None``: a domain literal, a single label, an empty label or one over 63 octets."""
    name = name.strip().rstrip(".")
    if name.startswith("[") or name.endswith("]"):
        return "a domain literal, not a domain name"
    labels = name.split(".")
    if len(labels) < 2:
        return "not a fully qualified domain name (one label)"
    if "" in labels:
        return "an empty label"
    if any(len(label.encode("utf-8", "surrogateescape")) > 63 for label in labels):
        return "a label longer than 63 octets"
    return None


class _Abort(Exception):
    def __init__(self, result: SpfResult, path: list[str]) -> None:
        super().__init__(result)
        self.result = result
        self.path = path


@dataclass
class _State:
    dns: Dns
    ip: IPAddress
    sender: str
    helo: str
    lookups: int = 0
    voids: int = 0
    warnings: list[str] = field(default_factory=list)
    validated: dict[str, str] = field(default_factory=dict)
    """``%{p}`` per current domain, looked up once."""

    def ctx(self, domain: str) -> MacroContext:
        return MacroContext(self.sender, self.ip, domain, self.helo,
                            validated=self.validated.get(domain, "unknown"))


def _where(domain: str, mech: Mechanism | str) -> str:
    return f"{domain}: {mech.text if isinstance(mech, Mechanism) else mech}"


class _Evaluator:
    def __init__(self, state: _State) -> None:
        self.s = state

    def count_lookup(self, domain: str, term: str) -> None:
        self.s.lookups += 1
        if self.s.lookups > LOOKUP_LIMIT:
            raise _Abort("permerror", [f"{_where(domain, term)}: more than {LOOKUP_LIMIT} "
                                       "DNS lookups -> permerror"])

    def note_void(self, lookup: Lookup, domain: str, term: str) -> None:
        if lookup.void:
            self.s.voids += 1
            if self.s.voids > VOID_LIMIT:
                raise _Abort("permerror", [f"{_where(domain, term)}: more than {VOID_LIMIT} "
                                           "void lookups -> permerror"])

    def temperror(self, lookup: Lookup, domain: str, term: str) -> _Abort:
        return _Abort("temperror", [f"{_where(domain, term)}: {lookup.name} {lookup.rdtype} "
                                    f"{lookup.describe()} -> temperror"])

    async def expand(self, spec: str, domain: str) -> str:
        """Expand ``spec`` for ``domain``, looking up ``%{p}`` first when it is used."""
        if uses_p(spec) and domain not in self.s.validated:
            self.s.validated[domain] = await self.validated_domain(domain)
        return expand(spec, self.s.ctx(domain))

    async def validated_domain(self, domain: str) -> str:
        """RFC 7208 7.3 ``%{p}``: a PTR name of the IP whose A/AAAA leads back to it; the
        domain itself or a subdomain of it preferred; at most 10 names (4.6.4); "unknown"
        when none validates or DNS fails (never an error)."""
        rev = reverse_name(str(self.s.ip)).to_text(omit_final_dot=True)
        lookup = await self.s.dns.query(rev, "PTR")
        names = [str(r.target.to_text(omit_final_dot=True)) for r in lookup.rdata][:PTR_LIMIT]
        rdtype = "A" if self.s.ip.version == 4 else "AAAA"
        valid = []
        for name in names:
            forward = await self.s.dns.query(name, rdtype)
            if any(ipaddress.ip_address(r.address) == self.s.ip for r in forward.rdata):
                valid.append(name)
        low = domain.lower()
        for test in (lambda n: n.lower() == low, lambda n: n.lower().endswith("." + low),
                     lambda n: True):
            chosen = next((n for n in valid if test(n)), None)
            if chosen:
                return chosen
        return "unknown"

    async def target(self, mech: Mechanism, domain: str) -> str | None:
        """The domain a mechanism looks up; ``None`` when macro expansion made a name DNS
        cannot carry (RFC 7208 4.8: the term then does not match)."""
        if mech.domain is None:
            return domain
        name = truncate_domain(await self.expand(mech.domain, domain))
        return name if valid_name(name) else None

    async def query(self, name: str, rdtype: str, domain: str, term: str) -> Lookup:
        lookup = await self.s.dns.query(name, rdtype)
        if lookup.failed:
            raise self.temperror(lookup, domain, term)
        return lookup

    def in_network(self, addresses: list[IPAddress], mech: Mechanism) -> bool:
        prefix = mech.cidr4 if self.s.ip.version == 4 else mech.cidr6
        for addr in addresses:
            if addr.version != self.s.ip.version:
                continue
            bits = prefix if prefix is not None else addr.max_prefixlen
            if self.s.ip in ipaddress.ip_network(f"{addr}/{bits}", strict=False):
                return True
        return False

    async def addresses(self, name: str, domain: str, term: str, void: bool) -> list[IPAddress]:
        rdtype = "A" if self.s.ip.version == 4 else "AAAA"
        lookup = await self.query(name, rdtype, domain, term)
        if void:
            self.note_void(lookup, domain, term)
        return [ipaddress.ip_address(r.address) for r in lookup.rdata]

    async def matches(self, mech: Mechanism, domain: str) -> tuple[bool, list[str]]:
        """Does ``mech`` match? Returns the sub-path for ``include``."""
        name, term = mech.name, mech.text
        if name == "all":
            return True, []
        if name in ("ip4", "ip6"):
            if (name == "ip4") != (self.s.ip.version == 4):
                return False, []
            assert mech.network is not None
            return self.in_network([ipaddress.ip_address(mech.network)], mech), []
        self.count_lookup(domain, term)
        target = await self.target(mech, domain)
        if target is None:
            if name == "include":
                raise _Abort("permerror", [f"{_where(domain, term)}: the name after macro "
                                           "expansion is not a valid domain -> permerror"])
            self.s.warnings.append(f"{_where(domain, term)}: the name after macro expansion "
                                   "is not a valid domain; the term does not match")
            return False, []
        if name == "include":
            return await self.include(target, domain, term)
        if name == "a":
            return self.in_network(await self.addresses(target, domain, term, True), mech), []
        if name == "mx":
            return await self.mx(target, mech, domain), []
        if name == "exists":
            lookup = await self.query(target, "A", domain, term)
            self.note_void(lookup, domain, term)
            return lookup.ok, []
        return await self.ptr(target, domain, term), []

    async def include(self, target: str, domain: str, term: str) -> tuple[bool, list[str]]:
        result, path = await self.check_host(target)
        head = [_where(domain, term)]
        if result == "pass":
            return True, head + path
        if result in ("fail", "softfail", "neutral"):
            return False, []
        if result == "none":
            raise _Abort("permerror", head + path + [
                f"{_where(domain, term)}: included domain has no SPF record -> permerror"])
        raise _Abort(result, head + path)

    async def mx(self, target: str, mech: Mechanism, domain: str) -> bool:
        lookup = await self.query(target, "MX", domain, mech.text)
        self.note_void(lookup, domain, mech.text)
        hosts = [r.exchange.to_text(omit_final_dot=True) for r in lookup.rdata]
        hosts = [h for h in hosts if h not in ("", ".")]
        if len(hosts) > MX_LIMIT:
            raise _Abort("permerror", [f"{_where(domain, mech)}: {len(hosts)} MX hosts "
                                       f"(more than {MX_LIMIT}) -> permerror"])
        for host in hosts:
            if self.in_network(await self.addresses(host, domain, mech.text, False), mech):
                return True
        return False

    async def ptr(self, target: str, domain: str, term: str) -> bool:
        self.s.warnings.append(f"{domain}: 'ptr' is deprecated (RFC 7208 5.5); use ip4/ip6/a")
        rev = reverse_name(str(self.s.ip)).to_text(omit_final_dot=True)
        lookup = await self.s.dns.query(rev, "PTR")
        self.note_void(lookup, domain, term)
        names = [r.target.to_text(omit_final_dot=True).lower() for r in lookup.rdata]
        target = target.lower()
        for name in names[:PTR_LIMIT]:
            if name != target and not name.endswith("." + target):
                continue
            rdtype = "A" if self.s.ip.version == 4 else "AAAA"
            forward = await self.s.dns.query(name, rdtype)
            if any(ipaddress.ip_address(r.address) == self.s.ip for r in forward.rdata):
                return True
        return False

    async def record(self, domain: str) -> SpfRecord | tuple[SpfResult, list[str]]:
        lookup = await self.s.dns.query(domain, "TXT")
        if lookup.failed:
            return "temperror", [f"{domain}: TXT {lookup.describe()} -> temperror"]
        records = [r for r in lookup.records if is_spf(r)]
        if not records:
            return "none", [f"{domain}: no SPF record -> none"]
        if len(records) > 1:
            return "permerror", [f"{domain}: {len(records)} SPF records -> permerror"]
        try:
            return parse_spf(records[0])
        except SpfSyntaxError as exc:
            return "permerror", [f"{domain}: syntax error: {exc} -> permerror"]

    async def check_host(self, domain: str) -> tuple[SpfResult, list[str]]:
        domain = domain.rstrip(".").lower()
        reason = not_a_domain(domain)
        if reason:
            return "none", [f"{domain}: {reason} -> none (RFC 7208 4.3)"]
        record = await self.record(domain)
        if isinstance(record, tuple):
            return record
        try:
            for mech in record.mechanisms:
                matched, sub = await self.matches(mech, domain)
                if not matched:
                    continue
                result: SpfResult = QUALIFIER_RESULT[mech.qualifier]  # type: ignore[assignment]
                if mech.name == "include":
                    tail = [] if mech.qualifier == "+" else [f"{_where(domain, mech)} -> {result}"]
                    return result, sub + tail
                return result, [f"{_where(domain, mech)} -> {result}"]
            if record.redirect:
                term = f"redirect={record.redirect}"
                self.count_lookup(domain, term)
                target = truncate_domain(await self.expand(record.redirect, domain))
                result, path = await self.check_host(target)
                head = [_where(domain, term)]
                if result == "none":
                    return "permerror", head + path + [
                        f"{_where(domain, term)}: redirect target has no SPF record"
                        " -> permerror"]
                return result, head + path
        except _Abort as abort:
            return abort.result, abort.path
        return "neutral", [f"{domain}: no mechanism matched -> neutral"]

    async def explanation(self, domain: str) -> str | None:
        """The ``exp=`` text of the record that failed (best effort, errors ignored)."""
        record = await self.record(domain)
        if isinstance(record, tuple) or not record.exp:
            return None
        name = truncate_domain(await self.expand(record.exp, domain))
        if not valid_name(name):
            return None
        lookup = await self.s.dns.query(name, "TXT")
        if len(lookup.records) != 1:
            return None
        try:
            check_macro_string(lookup.records[0], "slodipvhcrt", spaces=True)
        except SpfSyntaxError:
            return None
        return await self.expand(lookup.records[0], domain)


async def evaluate_spf(dns: Dns, ip: IPAddress | str, domain: str, sender: str | None = None,
                       helo: str | None = None) -> SpfEvaluation:
    """Evaluate ``domain``'s SPF policy for a message from ``ip`` (RFC 7208 check_host).

    ``sender`` defaults to ``postmaster@domain`` and ``helo`` to ``domain``.
    """
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    domain = domain.rstrip(".").lower()
    sender = sender or f"postmaster@{domain}"
    state = _State(dns, addr, sender, helo or domain)
    ev = _Evaluator(state)
    result, path = await ev.check_host(domain)
    explanation = None
    if result == "fail" and path:
        failing_domain = path[-1].split(":", 1)[0]
        explanation = await ev.explanation(failing_domain)
    return SpfEvaluation(domain, str(addr), sender, result, tuple(path), state.lookups,
                         state.voids, explanation, tuple(dict.fromkeys(state.warnings)))


async def check_identity(dns: Dns, ip: IPAddress | str, mailfrom: str, helo: str
                         ) -> SpfEvaluation:
    """SPF for the identities of one SMTP session (RFC 7208 2.3, 2.4, 4.3): the MAIL FROM
    address, or ``postmaster@HELO`` when it is empty (a bounce); a sender without a local
    part is ``postmaster@domain``."""
    mailfrom = mailfrom.strip().strip("<>")
    if mailfrom and "@" in mailfrom:
        local, _, domain = mailfrom.rpartition("@")
        sender = f"{local or 'postmaster'}@{domain}"
    elif mailfrom:
        domain, sender = mailfrom, f"postmaster@{mailfrom}"
    else:
        domain, sender = helo, f"postmaster@{helo}"
    return await evaluate_spf(dns, ip, domain, sender, helo or domain)
