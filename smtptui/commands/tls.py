"""`smtptui tls PROFILE|HOST[:PORT]`: protocol versions, weak choices, the chain as served."""

from __future__ import annotations

import argparse
from typing import Any

from smtptui.errors import ExitCode, UsageError

HELP = "inspect a relay's TLS: versions, weak ciphers, the certificate chain as served"
DESCRIPTION = (
    "Inspect the TLS set-up of a relay beyond the handshake: each protocol version on a "
    "connection of its own, weak cipher families, key-exchange groups, the cipher order, "
    "the certificate chain as served and DANE TLSA, with what to change in Postfix, Exim or "
    "Exchange. Exit 0: nothing failed (warnings allowed); 1: a check failed or the server "
    "could not be reached; 2: bad input.")


def register(sub: Any) -> None:
    from smtptui.commands.dns import add_dns_args

    p = sub.add_parser("tls", help=HELP, description=DESCRIPTION)
    p.add_argument("target", metavar="PROFILE|HOST[:PORT]",
                   help="a saved profile's name, or a host (with an optional port)")
    p.add_argument("--port", type=int, metavar="N", help="port (default: the profile's, or "
                   "587; 465 means implicit TLS)")
    p.add_argument("--tls", choices=("starttls", "implicit"),
                   help="how TLS starts (default: implicit on 465, else STARTTLS)")
    p.add_argument("--servername", metavar="NAME", help="name to send (SNI) and check the "
                   "certificate against (default: the host name)")
    p.add_argument("--cafile", metavar="FILE", help="trust these CA certificates instead of "
                   "the system store")
    p.add_argument("--no-dane", action="store_true", help="skip the TLSA lookup")
    add_dns_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")


def _target(args: argparse.Namespace) -> dict[str, Any]:
    """host, port, mode, servername, cafile and nameserver from the profile or the text;
    ``unreadable``: the profiles file's error, when it could not be read."""
    from smtptui.hostport import HostError, parse_host
    from smtptui.profiles import load_or_empty, resolve_path
    from smtptui.profiles.errors import ProfilesError
    from smtptui.tlsscan.target import default_mode, split_target

    found: dict[str, Any] = {}
    try:
        pf = load_or_empty(resolve_path(getattr(args, "profiles", None)))
        unreadable: ProfilesError | None = None
    except ProfilesError as exc:  # a host still works without a usable profiles file
        pf, unreadable = None, exc
    if pf is not None and args.target in pf.names():
        p = pf.get(args.target)
        found = {"host": p.host, "port": p.port, "mode": p.tls, "servername": p.servername,
                 "cafile": p.cafile, "nameserver": p.nameserver}
    else:
        bare = "." not in args.target and ":" not in args.target
        if pf is not None and pf.names() and bare and args.target != "localhost":
            pf.get(args.target)  # a word that names no profile is a typo far more often
            # than a single-label host: unknown profile "…" (known: …), exit 2
        try:
            host, port = split_target(args.target)
        except HostError as exc:
            if unreadable is not None:
                raise unreadable from None
            raise UsageError(f"tls: {args.target!r} is neither a saved profile nor a host: "
                             f"{exc}") from None
        found = {"host": host, "port": port, "unreadable": unreadable}
    port = args.port if args.port is not None else found.get("port") or 587
    if not 0 < port < 65536:
        raise UsageError(f"tls: invalid port {port}")
    if args.servername:
        try:
            parse_host(args.servername)
        except HostError as exc:
            raise UsageError(f"tls: invalid --servername: {exc}") from None
    mode = args.tls or found.get("mode") or default_mode(port)
    if mode not in ("starttls", "implicit"):
        mode = default_mode(port)  # opportunistic profiles: STARTTLS is what is inspected
    return {"host": found["host"], "port": port, "mode": mode,
            "servername": args.servername or found.get("servername"),
            "cafile": args.cafile or found.get("cafile"),
            "nameserver": args.nameserver or found.get("nameserver"),
            "unreadable": found.get("unreadable")}


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from smtptui.cli import run_async
    from smtptui.commands.dns import can_encode, nameserver_of
    from smtptui.dnscheck.resolver import DnsInputError, check_timeout
    from smtptui.tlsscan.inspect import inspect
    from smtptui.tlsscan.target import TargetError
    from smtptui.tlsscan.text import render_tls

    try:
        timeout = check_timeout(args.timeout)
    except DnsInputError as exc:
        raise UsageError(f"tls: {exc}") from None
    t = _target(args)
    nameserver = nameserver_of(args, t["nameserver"])
    if nameserver:
        from smtptui.dnscheck.settings import parse_nameserver

        try:
            parse_nameserver(nameserver)
        except DnsInputError as exc:
            raise UsageError(f"tls: {exc}") from None
    if t["cafile"]:
        from smtptui.commands.target_checks import check_cafile

        check_cafile(t["cafile"])
    try:
        report = run_async(inspect(
            t["host"], t["port"], t["mode"], servername=t["servername"], cafile=t["cafile"],
            nameserver=nameserver, timeout=timeout,
            dane=not args.no_dane))
    except TargetError as exc:
        if t["unreadable"] is not None:  # the name was most likely meant as a profile
            raise t["unreadable"] from None
        print(f"smtptui: tls: {exc}", file=sys.stderr)
        return ExitCode.FAILED
    failed = report.level == "fail"
    if args.json:
        print(json.dumps({"ok": not failed, **report.to_json()}))
    else:
        print(render_tls(report, ascii_only=not can_encode(sys.stdout)))
    return ExitCode.FAILED if failed else ExitCode.OK
