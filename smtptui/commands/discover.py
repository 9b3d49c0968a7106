"""`smtptui discover user@domain`: suggest a submission server (SRV, MX provider), save it."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from smtptui.commands.dns import add_dns_args, can_encode, nameserver_of
from smtptui.commands.secret_choice import add_password_args, choose_source, password_from_args
from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.dnscheck.discover import Discovery
    from smtptui.profiles import Profile

HELP = "suggest host, port and security for an address (RFC 6186 SRV, MX provider)"
DESCRIPTION = ("Suggest host, port and security for an address from its domain's RFC 6186 "
               "SRV records and MX provider. Exit 0: something found; 1: nothing found; "
               "2: bad input.")
_ADDRESS_IS_USERNAME = frozenset({"gmail", "microsoft365", "outlook", "zoho", "icloud",
                                  "yahoo"})


def register(sub: Any) -> None:
    p = sub.add_parser("discover", help=HELP, description=DESCRIPTION)
    p.add_argument("address", metavar="USER@DOMAIN")
    add_dns_args(p)
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--save", metavar="NAME", help="save the best suggestion as a profile")
    p.add_argument("--client", metavar="C", default="", help="client of the saved profile")
    add_password_args(p)  # the saved profile's password source; asked on a terminal if none
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")


def profile_for(d: Discovery, name: str, client: str = "") -> Profile:
    """The best suggestion as a :class:`~smtptui.profiles.Profile` (preset when known)."""
    from smtptui.profiles import PRESETS, Profile

    best = d.best
    if best is None:
        raise UsageError(f"discover: nothing found for {d.domain}; no profile saved")
    has_user = "@" in d.address
    preset = PRESETS.get(best.preset) if best.preset else None
    if preset is not None:
        username = preset.username or (d.address if has_user and
                                       preset.key in _ADDRESS_IS_USERNAME else None)
        return preset.to_profile(name, client=client, host=best.host, port=best.port,
                                 tls=best.security, username=username,
                                 mail_from=d.address if has_user else None)
    return Profile(name=name, client=client, host=best.host, port=best.port, tls=best.security,
                   username=d.address if has_user else None,
                   mail_from=d.address if has_user else None)


def run(args: argparse.Namespace) -> int:
    import json

    from smtptui.cli import run_async
    from smtptui.dnscheck.discover import discover
    from smtptui.dnscheck.resolver import DnsInputError

    try:
        found = run_async(discover(args.address, nameserver_of(args), args.timeout))
    except DnsInputError as exc:
        raise UsageError(f"discover: {exc}") from None
    saved = None
    if args.save and not found.suggestions:
        why = " (DNS lookups timed out)" if found.timed_out else (
            " (some DNS lookups got no answer)" if found.unanswered else "")
        from smtptui.profiles.schema import show

        print(f"smtptui discover: nothing found for {found.domain}{why}; profile "
              f"{show(args.save)} not saved", file=sys.stderr)
    elif args.save:
        from smtptui.profiles import modify, resolve_path
        from smtptui.profiles.schema import show

        profile = profile_for(found, args.save, args.client)
        path = resolve_path(getattr(args, "profiles", None))
        if profile.username:  # `profiles check` refuses a username without a source
            from dataclasses import replace

            from smtptui.profiles import load_or_empty

            if args.save in load_or_empty(path):  # before asking anything
                raise UsageError(f"a profile named {show(args.save)} already exists")
            password = password_from_args(args) or choose_source(args.save)
            profile = replace(profile, password=password)
        modify(path, lambda pf: pf.add(profile))
        saved = args.save
        print(f"smtptui: saved profile {show(args.save)} ({profile.host}:{profile.port} "
              f"{profile.tls}) to {path}", file=sys.stderr)
    if args.json:
        print(json.dumps({"ok": bool(found.suggestions), **found.to_json(), "saved": saved}))
    else:
        from smtptui.dnscheck.render import Renderer

        print(Renderer(ascii_only=not can_encode(sys.stdout)).discovery(found))
    return ExitCode.OK if found.suggestions else ExitCode.FAILED
