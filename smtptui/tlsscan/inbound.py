"""``smtptui mx DOMAIN``: every MX of a domain probed at once, as other servers see them.

The MX set (implicit and null MX included), then for each host on port 25 concurrently:
greeting, EHLO, STARTTLS, the certificate against the MX name, MTA-STS (policy fetched
over verified HTTPS) and DANE; TLS-RPT presence; the opt-in open-relay check; and, when
every MX times out, whether this network blocks outbound port 25.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

from smtptui.dnscheck.model import JsonMixin, Level, worst
from smtptui.dnscheck.mtasts import MtaStsReport
from smtptui.dnscheck.mx import MxHost
from smtptui.dnscheck.tlsrpt import TlsRptReport
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.model import TlsFinding, TlsScanReport
from smtptui.tlsscan.openrelay import RelayCheck
from smtptui.tlsscan.policy import PolicyFetch, mx_allowed, patterns_text

EGRESS_PORT = 443
"""The other port tried on an MX whose port 25 times out (is the host there at all?)."""

MAX_MX_HOSTS = 10
"""MX hosts probed at most, the most preferred first: DNS may answer with hundreds, and
senders try only a few (Postfix: ``smtp_mx_address_limit = 5``)."""



@dataclass(frozen=True)
class MxResult(JsonMixin):
    preference: int
    host: str
    address: str | None
    banner: str | None = None
    starttls: bool | None = None
    """Offered in EHLO (``None``: not reached)."""
    tls: TlsScanReport | None = None
    sts_match: bool | None = None
    open_relay: RelayCheck | None = None
    findings: tuple[TlsFinding, ...] = ()
    failed_kind: str | None = field(default=None, metadata={"json": False})

    @property
    def level(self) -> Level:
        return worst((f.level for f in self.findings), default="pass")

    @property
    def reason(self) -> str:
        """The worst finding, for the one-line table."""
        for level in ("fail", "warn"):
            hit = next((f.text for f in self.findings if f.level == level), None)
            if hit:
                return hit
        return "ok"


@dataclass(frozen=True)
class InboundReport(JsonMixin):
    domain: str
    port: int
    implicit_mx: bool
    null_mx: bool
    hosts: tuple[MxResult, ...]
    mta_sts: MtaStsReport | None
    policy: PolicyFetch | None
    tlsrpt: TlsRptReport | None
    findings: tuple[TlsFinding, ...]
    open_relay_checked: bool
    elapsed_ms: float

    @property
    def level(self) -> Level:
        levels = [f.level for f in self.findings] + [h.level for h in self.hosts]
        return worst(levels, default="pass")


@dataclass(frozen=True)
class InboundOptions:
    port: int = 25
    nameserver: str | None = None
    timeout: float = 10.0
    cafile: str | None = None
    open_relay: bool = False
    full_tls: bool = False
    https_port: int = 443
    egress_port: int = EGRESS_PORT


async def check_inbound(domain: str, options: InboundOptions) -> InboundReport:
    from smtptui.dnscheck.mtasts import check_mtasts
    from smtptui.dnscheck.mx import check_mx
    from smtptui.dnscheck.resolver import Dns
    from smtptui.dnscheck.tlsrpt import check_tlsrpt

    started = time.perf_counter()
    dns = Dns(options.nameserver, min(options.timeout, 30.0))
    mx, sts, rpt = await asyncio.gather(check_mx(dns, domain), check_mtasts(dns, domain),
                                        check_tlsrpt(dns, domain))
    silent = dns.silence()
    if silent:  # one cause, said once (not a timeout line per lookup)
        return _report(domain, options, False, False, [], None, None, None, [TlsFinding(
            "fail", f"{silent}: the MX hosts, MTA-STS and TLS-RPT of {domain} are unknown; "
                    "check --nameserver, or that this machine can reach that server")],
            started)
    findings: list[TlsFinding] = [TlsFinding(f.level, f.text) for f in mx.findings
                                  if f.level != "pass"]
    hosts = sorted(mx.hosts, key=lambda h: h.preference)
    if len(hosts) > MAX_MX_HOSTS:
        findings.append(TlsFinding("info", f"{len(hosts)} MX hosts: only the {MAX_MX_HOSTS} "
                                   "most preferred are probed (senders try only a few; "
                                   "Postfix tries 5 addresses)"))
        hosts = hosts[:MAX_MX_HOSTS]
    implicit = False
    if mx.null_mx:
        return _report(domain, options, False, True, [], sts, None, rpt, findings, started)
    if (await dns.query(domain, "MX")).status == "nxdomain":  # cached: no second query
        findings = [TlsFinding("fail", f"{domain} does not exist (NXDOMAIN): no mail can be "
                                       "delivered to it")]
        return _report(domain, options, False, False, [], None, None, None, findings, started)
    if not hosts and not _lookup_failed(mx):
        implicit = True
        a, aaaa = await asyncio.gather(dns.query(domain, "A"), dns.query(domain, "AAAA"))
        addresses = a.records + aaaa.records
        findings = [TlsFinding("warn" if addresses else "fail",
                               f"no MX record: senders deliver to {domain}'s own address "
                               f"(implicit MX, RFC 5321 5.1)" if addresses else
                               f"no MX record and no address for {domain}: it cannot "
                               "receive mail")]
        hosts = [MxHost(0, domain, addresses)] if addresses else []
    policy = await _policy(domain, sts, options)
    findings += _domain_findings(domain, sts, policy, rpt)
    mode = policy.policy.mode if policy and policy.policy and not policy.policy.problems \
        else None
    results = await asyncio.gather(*(
        _bounded_mx(h, domain, mode, policy, options) for h in hosts))
    findings += await _egress(results, options)
    return _report(domain, options, implicit, False, results, sts, policy, rpt, findings,
                   started)


def _lookup_failed(mx: object) -> bool:
    return any(f.level == "fail" for f in getattr(mx, "findings", ()))


def _report(domain: str, options: InboundOptions, implicit: bool, null: bool,
            hosts: list[MxResult], sts: MtaStsReport | None, policy: PolicyFetch | None,
            rpt: TlsRptReport | None, findings: list[TlsFinding],
            started: float) -> InboundReport:
    if null:
        findings.append(TlsFinding("info", f"null MX (RFC 7505): {domain} accepts no mail"))
    return InboundReport(domain, options.port, implicit, null, tuple(hosts), sts, policy, rpt,
                         tuple(findings), options.open_relay,
                         (time.perf_counter() - started) * 1000)


async def _policy(domain: str, sts: MtaStsReport, options: InboundOptions
                  ) -> PolicyFetch | None:
    from smtptui.tlsscan.policy import fetch_policy

    if not sts.records or sts.level == "fail" and not sts.policy_host_addresses:
        return None
    if not sts.policy_host_addresses:
        return None
    return await fetch_policy(domain, sts.policy_host_addresses[0], port=options.https_port,
                              cafile=options.cafile, timeout=options.timeout)


def _domain_findings(domain: str, sts: MtaStsReport, policy: PolicyFetch | None,
                     rpt: TlsRptReport) -> list[TlsFinding]:
    out = [TlsFinding(f.level, f"MTA-STS: {f.text}") for f in sts.findings
           if "not fetched" not in f.text]
    if policy is not None:
        if policy.error:
            out.append(TlsFinding("fail", f"MTA-STS policy {policy.url}: {policy.error}"))
        elif policy.policy is not None:
            p = policy.policy
            if p.problems:
                out += [TlsFinding("fail", f"MTA-STS policy: {clean(x)}") for x in p.problems]
            else:
                out.append(TlsFinding("pass" if p.mode == "enforce" else "info",
                                      f"MTA-STS policy: mode {p.mode}, mx "
                                      f"{patterns_text(p.mx)}, max_age {p.max_age}"))
                if p.mode == "testing":
                    out.append(TlsFinding("info", "MTA-STS in testing mode: senders report "
                                          "failures (TLS-RPT) but still deliver"))
            ctype = (policy.content_type or "").split(";")[0].strip().lower()
            if ctype != "text/plain":
                out.append(TlsFinding("warn", f"MTA-STS policy served as "
                                      f"{clean(ctype or 'no media type')!r}, not text/plain "
                                      "(RFC 8461 3.2)"))
    out += [TlsFinding(f.level, f"TLS-RPT: {f.text}") for f in rpt.findings]
    return out


MX_BUDGET_TIMEOUTS = 8
"""Each MX gets at most this many ``--timeout``s in all (probe, TLS, relay check): a
hostile or crawling host cannot hold the whole view longer than that."""


async def _bounded_mx(host: MxHost, domain: str, mode: str | None,
                      policy: PolicyFetch | None, options: InboundOptions) -> MxResult:
    budget = options.timeout * (MX_BUDGET_TIMEOUTS + (6 if options.full_tls else 0))
    try:
        return await asyncio.wait_for(_one_mx(host, domain, mode, policy, options), budget)
    except TimeoutError:
        return MxResult(host.preference, host.host,
                        host.addresses[0] if host.addresses else None, findings=(
                            TlsFinding("fail", f"no verdict within {budget:g} s: the host "
                                       "answers too slowly to be judged"),))


async def _one_mx(host: MxHost, domain: str, mode: str | None, policy: PolicyFetch | None,
                  options: InboundOptions) -> MxResult:
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.engine import probe

    if not host.addresses:
        return MxResult(host.preference, host.host, None, findings=(
            TlsFinding("fail", f"{clean(host.host)} does not resolve"),))
    address = host.addresses[0]
    report = await probe(ProbeConfig(
        host=address, port=options.port, tls="opportunistic", insecure=True,
        stop_after="ehlo", servername=host.host, timeout=options.timeout,
        ehlo_name="smtptui.invalid"))
    findings: list[TlsFinding] = []
    failed = report.failed_stage
    if failed is not None:
        text = failed.diagnosis.summary if failed.diagnosis else f"{failed.stage} failed"
        kind = failed.diagnosis.kind if failed.diagnosis else None
        return MxResult(host.preference, host.host, address, report.banner or None,
                        findings=(TlsFinding("fail", clean(text, 300)),), failed_kind=kind)
    starttls = "STARTTLS" in report.extensions
    tls: TlsScanReport | None = None
    if starttls:
        tls = await _tls(host, address, options)
        # per MX: what is wrong, and DANE's word; the library's limits are said once, in
        # the TLS section of each MX's JSON, not on every line of the table
        findings += [f for s in tls.sections for f in s.findings
                     if f.level in ("warn", "fail") or s.name == "dane"]
        problem = _sts_problem(host.host, tls) if mode == "enforce" else None
        if problem is not None:
            sts_level, why, fix = problem
            findings.append(TlsFinding(sts_level, "MTA-STS enforce: senders that honour it "
                                       f"will not deliver here ({why})"
                                       if sts_level == "fail" else f"MTA-STS enforce: {why}",
                                       fix))
    else:
        level: Level = "fail" if mode == "enforce" else "warn"
        findings.append(TlsFinding(level, "STARTTLS not offered: mail to this MX travels "
                                   "unencrypted" + (" and MTA-STS enforce senders refuse it"
                                                    if mode == "enforce" else "")))
    sts_match = None
    if policy is not None and policy.policy is not None and not policy.policy.problems:
        sts_match = mx_allowed(host.host, policy.policy.mx)
        if not sts_match and policy.policy.mode != "none":
            findings.append(TlsFinding(
                "fail" if policy.policy.mode == "enforce" else "warn",
                f"{clean(host.host)} is not among the MTA-STS policy's mx: patterns "
                f"({patterns_text(policy.policy.mx)})"))
    relay = None
    if options.open_relay:
        from smtptui.tlsscan.openrelay import check_open_relay

        relay = await check_open_relay(address, options.port, domain, timeout=options.timeout)
        findings += _relay_findings(relay)
    if not any(f.level in ("warn", "fail") for f in findings):
        findings.insert(0, TlsFinding("pass", "greeting, EHLO, STARTTLS and certificate fine"
                                      if starttls else "greeting and EHLO fine"))
    return MxResult(host.preference, host.host, address, report.banner or None, starttls,
                    tls, sts_match, relay, tuple(findings))


def _sts_problem(name: str, tls: TlsScanReport) -> tuple[Level, str, str | None] | None:
    """What makes MTA-STS senders refuse this MX (RFC 8461 4.2: a certificate valid for
    the MX name, chaining to a trusted root, in date); ``None``: nothing."""
    from smtptui.tlsscan.chain import name_matches
    from smtptui.tlsscan.scan import NOT_VERIFIED

    if tls.error or not tls.chain:
        return "fail", "no TLS certificate to validate", None
    leaf = tls.chain[0]
    if not name_matches(name, leaf.san):
        return "fail", f"the certificate is not for {clean(name)}", "cert_name"
    if leaf.days_left < 0:
        return "fail", "the certificate has expired", "cert_renew"
    if tls.verify_error and tls.verify_error.startswith(NOT_VERIFIED):
        return "warn", "could not tell whether senders accept the certificate " \
                       f"({tls.verify_error})", None
    if not tls.verified:
        return "fail", f"the chain does not validate ({tls.verify_error})", "cert_untrusted"
    return None


async def _tls(host: MxHost, address: str, options: InboundOptions) -> TlsScanReport:
    from smtptui.tlsscan.handshake import Endpoint
    from smtptui.tlsscan.inspect import inspect_endpoint

    endpoint = Endpoint(address, options.port, "starttls", host.host, "smtptui.invalid")
    return await inspect_endpoint(endpoint, host.host, cafile=options.cafile,
                                  nameserver=options.nameserver, timeout=options.timeout,
                                  dane=True, names=[host.host], strict=False,
                                  light=not options.full_tls)


def _relay_findings(relay: RelayCheck) -> list[TlsFinding]:
    if relay.open_variants:
        first = next(t for t in relay.tries if t.accepted)
        more = relay.open_variants[1:]
        also = f"; also accepted: {', '.join(more)}" if more else ""
        return [TlsFinding("fail", f"OPEN RELAY: accepted RCPT TO:<{clean(first.rcpt)}> "
                           f"({first.variant}, {first.code} {first.reply}){also}")]
    if relay.error:
        return [TlsFinding("warn", f"open-relay check incomplete: {relay.error}")]
    if relay.unanswered:
        t = relay.unanswered[0]
        return [TlsFinding("warn", f"open-relay check inconclusive: RCPT TO:<{clean(t.rcpt)}> "
                           f"({t.variant}) answered {t.code} {t.reply}, neither accepted nor "
                           "refused for good")]
    return [TlsFinding("pass", f"not an open relay: refused all {len(relay.tries)} "
                       "relay attempts")]


async def _egress(results: list[MxResult], options: InboundOptions) -> list[TlsFinding]:
    """Every MX timed out at connect: is port 25 blocked here, or are the hosts down?"""
    tried = [r for r in results if r.address]
    if not tried or not all(r.failed_kind == "connect_timeout" for r in tried):
        return []
    address = tried[0].address
    assert address is not None
    answered = await _answers(address, options.egress_port, options.timeout)
    if answered:
        return [TlsFinding("fail", f"every MX timed out on port {options.port}, yet "
                           f"{tried[0].host} answers on port {options.egress_port}: outbound "
                           f"port {options.port} is probably blocked from this network (as "
                           "most clouds and ISPs do); run this check from elsewhere")]
    return [TlsFinding("fail", f"every MX timed out on port {options.port}, and "
                       f"{tried[0].host} does not answer on port {options.egress_port} "
                       "either: the MX hosts look down or unreachable from here")]


async def _answers(address: str, port: int, timeout: float) -> bool:
    """A TCP connection accepted or actively refused: the host is there."""
    try:
        _r, writer = await asyncio.wait_for(asyncio.open_connection(address, port), timeout)
    except ConnectionRefusedError:
        return True
    except (TimeoutError, OSError):
        return False
    writer.close()
    return True
