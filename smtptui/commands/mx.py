"""`smtptui mx DOMAIN`: the inbound view — every MX of a domain, tested as senders see it."""

from __future__ import annotations

import argparse
from typing import Any

from smtptui.errors import ExitCode, UsageError

HELP = "test a domain's inbound mail: every MX, STARTTLS, certificates, MTA-STS, DANE"
DESCRIPTION = (
    "Resolve the domain's MX set and probe every MX host concurrently, as another mail "
    "server would: greeting, EHLO, STARTTLS, the certificate against the MX name, the "
    "MTA-STS policy (fetched over verified HTTPS), DANE TLSA and TLS-RPT. With "
    "--open-relay-check (never by default) it also tries to relay through each MX. Exit 0: "
    "nothing failed (warnings allowed); 1: a check failed; 2: bad input.")


def _port(value: str) -> int:
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"invalid port {value!r}")
    return int(value)


def register(sub: Any) -> None:
    from smtptui.commands.dns import add_dns_args

    p = sub.add_parser("mx", help=HELP, description=DESCRIPTION)
    p.add_argument("domain", metavar="DOMAIN", help="the receiving domain")
    p.add_argument("--port", type=_port, default=25, metavar="N",
                   help="SMTP port of the MX hosts (default 25)")
    p.add_argument("--tls-scan", action="store_true", help="the full TLS inspection "
                   "(versions, weak ciphers) of each MX, as `smtptui tls` does")
    p.add_argument("--open-relay-check", action="store_true", help="also try to relay "
                   "through each MX (RFC 2606 addresses, RSET, never DATA)")
    p.add_argument("--cafile", metavar="FILE", help="trust these CA certificates (for the "
                   "MX certificates and the MTA-STS policy host) instead of the system store")
    p.add_argument("--https-port", type=_port, default=443, metavar="N",
                   help="port of the MTA-STS policy host (default 443)")
    p.add_argument("--egress-port", type=_port, default=443, metavar="N",
                   help="port tried when every MX times out, to tell a blocked outbound "
                   "port 25 from dead hosts (default 443)")
    add_dns_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.cli import run_async
    from smtptui.commands.dns import can_encode, nameserver_of
    from smtptui.dnscheck.resolver import DnsInputError, check_timeout, normalise_domain
    from smtptui.dnscheck.settings import parse_nameserver
    from smtptui.tlsscan.inbound import InboundOptions, check_inbound
    from smtptui.tlsscan.text import render_inbound

    try:
        domain = normalise_domain(args.domain)
        timeout = check_timeout(args.timeout)
        nameserver = nameserver_of(args)
        if nameserver:
            parse_nameserver(nameserver)
    except DnsInputError as exc:
        raise UsageError(f"mx: {exc}") from None
    if args.cafile:
        from smtptui.commands.target_checks import check_cafile

        check_cafile(args.cafile)
    options = InboundOptions(port=args.port, nameserver=nameserver, timeout=timeout,
                             cafile=args.cafile, open_relay=args.open_relay_check,
                             full_tls=args.tls_scan, https_port=args.https_port,
                             egress_port=args.egress_port)
    report = run_async(check_inbound(domain, options))
    failed = report.level == "fail"
    if args.json:
        print(json.dumps({"ok": not failed, **report.to_json()}))
    else:
        from smtptui.cli import _columns

        width = _columns() if sys.stdout.isatty() else 10_000  # a pipe gets whole lines
        print(render_inbound(report, ascii_only=not can_encode(sys.stdout), width=width))
    return ExitCode.FAILED if failed else ExitCode.OK
