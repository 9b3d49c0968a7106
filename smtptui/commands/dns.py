"""`smtptui dns DOMAIN`: SPF, DMARC, DKIM, MX, MTA-STS, TLS-RPT (and a relay host) headless."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from smtptui.dnscheck.settings import NAMESERVER_ENV, env_nameserver
from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.dnscheck.domain import DomainReport

HELP = "check a sending domain's DNS: SPF (evaluated), DMARC, DKIM, MX, MTA-STS, TLS-RPT"
DESCRIPTION = ("Check a sending domain's DNS: SPF (evaluated), DMARC, DKIM, MX, MTA-STS and "
               "TLS-RPT, and optionally a relay host (a name or an IP address). Exit 0: "
               "nothing failed (warnings allowed); 1: a check failed; 2: bad input.")


def add_dns_args(p: argparse.ArgumentParser) -> None:
    """``--nameserver`` and ``--timeout``, shared by the DNS subcommands."""
    p.add_argument("--nameserver", metavar="HOST[:PORT]",
                   help=f"DNS resolver to ask (IP; IPv6 as [::1]:53; default ${NAMESERVER_ENV} "
                        "or the system's)")
    p.add_argument("--timeout", metavar="S", type=float, default=5.0,
                   help="seconds per DNS lookup (default 5); the whole check stops after "
                        "4 times this")


def nameserver_of(args: argparse.Namespace, fallback: str | None = None) -> str | None:
    return args.nameserver or env_nameserver() or fallback or None


def register(sub: Any) -> None:
    p = sub.add_parser(
        "dns", help=HELP, description=DESCRIPTION)
    p.add_argument("domain", nargs="?", metavar="DOMAIN",
                   help="the sending (From) domain; default: the --profile's From domain")
    p.add_argument("--ip", action="append", default=[], metavar="IP",
                   help="sending IP to evaluate SPF for and check reverse DNS of (repeatable)")
    p.add_argument("--sender", metavar="ADDR", help="envelope sender for SPF (default "
                   "postmaster@DOMAIN)")
    p.add_argument("--helo", metavar="NAME", help="the HELO/EHLO name the relay announces: "
                   "its SPF is evaluated too (RFC 7208 2.3) and it is %%{h} in macros")
    p.add_argument("--selector", action="append", default=[], metavar="S",
                   help="DKIM selector to look up (repeatable); common ones are tried too")
    p.add_argument("--no-common-selectors", action="store_true",
                   help="look up only the given selectors")
    p.add_argument("--host", metavar="RELAYHOST", help="also check this relay host (a name "
                   "or an IP address): A/AAAA, reverse DNS, TLSA")
    p.add_argument("--port", metavar="N", type=int, help="relay port for TLSA (default 25)")
    p.add_argument("--cert", metavar="FILE", help="certificate the relay presents (PEM, chain "
                   "allowed, or DER) to match against its TLSA records")
    p.add_argument("--profile", metavar="NAME", help="take the domain, DKIM selectors, "
                   "nameserver and relay host from a saved profile")
    add_dns_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")


def can_encode(stream: TextIO, text: str = "✓⚠✗→") -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "ascii")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _from_profile(args: argparse.Namespace) -> dict[str, Any]:
    if not args.profile:
        return {}
    from smtptui.profiles import load, resolve_path

    profile = load(resolve_path(getattr(args, "profiles", None))).get(args.profile)
    domain = (profile.mail_from or profile.username or "").rpartition("@")[2] or None
    return {"domain": domain, "selectors": list(profile.dkim_selectors),
            "nameserver": profile.nameserver, "host": profile.host, "port": profile.port}


def _spf_none(domain: str) -> str | None:
    """Why SPF answers ``none`` for this name without a lookup (a literal, one label, an
    empty or over-long label), or ``None`` to run the checks."""
    from smtptui.dnscheck.spf_eval import not_a_domain

    if any(ord(c) < 0x21 or c in "\\@" for c in domain.strip()):
        return None          # not a name at all: the usage error says so
    return not_a_domain(domain)


def _print_spf_none(domain: str, reason: str, as_json: bool) -> int:
    """RFC 7208 4.3: SPF's answer for such a name is ``none``; nothing else applies."""
    from smtptui.probe.sanitize import clean

    text = (f"SPF result for {clean(domain, 300)!r}: none ({reason}, RFC 7208 4.3); no DNS "
            "check applies to a name that is not a domain")
    if as_json:
        import json

        print(json.dumps({"ok": False, "domain": domain,
                          "spf": {"result": "none", "reason": reason}}))
    else:
        print(text)
    return ExitCode.FAILED


def run(args: argparse.Namespace) -> int:
    import json

    from smtptui.cli import run_async
    from smtptui.dnscheck.domain import check_domain
    from smtptui.dnscheck.resolver import DnsInputError
    from smtptui.dnscheck.tlsa import load_cert_chain

    prof = _from_profile(args)
    domain = args.domain or prof.get("domain")
    if not domain:
        raise UsageError("dns: give a DOMAIN (or a --profile with a From address)")
    host = args.host or prof.get("host")
    port = args.port or (prof.get("port") if not args.host else None) or 25
    if (args.port is not None or args.cert) and not host:
        raise UsageError("dns: --port and --cert need --host")
    if args.port is not None and not 0 < args.port < 65536:
        raise UsageError(f"dns: invalid port {args.port}")
    none_reason = _spf_none(domain)
    if none_reason is not None:
        return _print_spf_none(domain, none_reason, args.json)
    try:
        chain = load_cert_chain(args.cert) if args.cert else []
        report: DomainReport = run_async(check_domain(
            domain, ips=args.ip, selectors=[*prof.get("selectors", []), *args.selector],
            host=host, port=port, cert_chain=chain, sender=args.sender, helo=args.helo,
            common_selectors=not args.no_common_selectors,
            nameserver=nameserver_of(args, prof.get("nameserver")), timeout=args.timeout))
    except DnsInputError as exc:
        raise UsageError(f"dns: {exc}") from None
    failed = report.level == "fail"
    if args.json:
        print(json.dumps({"ok": not failed, **report.to_json()}))
    else:
        from smtptui.dnscheck.render import Renderer

        print(Renderer(ascii_only=not can_encode(sys.stdout)).domain(report))
    return ExitCode.FAILED if failed else ExitCode.OK
