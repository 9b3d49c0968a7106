"""`smtptui probe`: one relay (or a batch of profiles) headless, per the contract."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TextIO

from smtptui.commands.history_args import add_history_args, sink_for
from smtptui.commands.target_args import add_target_args
from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.events import ProbeReport


EXIT_WITHOUT_TEARDOWN = True
"""One probe or a batch, output printed, nothing left open: the process may skip the
interpreter's teardown (see :func:`smtptui.cli.entry`)."""


def register(sub: Any) -> None:
    p = sub.add_parser(
        "probe", help="probe a relay headless (scripts, cron, CI)",
        description="Probe an SMTP relay stage by stage. Exit 0: every stage passed "
                    "(warnings allowed); 1: a stage failed; 2: bad input.",
    )
    p.add_argument("profile", nargs="?", metavar="PROFILE", help="saved profile name")
    add_target_args(p)
    b = p.add_argument_group("batch")
    b.add_argument("--all", action="store_true", help="probe every saved profile")
    b.add_argument("--client", metavar="NAME", help="probe every profile of one client")
    b.add_argument("--concurrency", type=int, default=None, metavar="N",
                   help="probes at once in a batch (default: adapts to the CPUs and the "
                        "relays' latency)")
    b.add_argument("--ordered", action="store_true",
                   help="print a batch's results in the file's order (default: as each ends)")
    o = p.add_argument_group("output")
    o.add_argument("--json", action="store_true", help="one JSON object (per line in a batch)")
    o.add_argument("-v", "--verbose", action="store_true", help="show the transcript")
    o.add_argument("--swaks", action="store_true",
                   help="also print the equivalent swaks command line")
    o.add_argument("--openssl", action="store_true",
                   help="also print the openssl s_client line for the TLS handshake")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS,
                   help="profiles file")
    add_history_args(p)


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def without_collector(args: argparse.Namespace) -> bool:
    """A single probe runs without the garbage collector (:func:`smtptui.cli.main`): too
    little garbage to be worth a collection; a batch keeps it (10,000 probes)."""
    return not (args.all or args.client)


def run(args: argparse.Namespace) -> int:
    if args.all or args.client:
        if args.profile:
            raise UsageError("give either a PROFILE or --all/--client, not both")
        from smtptui.commands.batch import run_batch

        return run_batch(args)
    return _run_one(args)


def _run_one(args: argparse.Namespace) -> int:
    if args.concurrency is not None:
        raise UsageError("--concurrency only applies with --all or --client")
    if args.ordered:
        raise UsageError("--ordered only applies with --all or --client")
    from smtptui.commands.target_args import config_from_profile, profile_from_args

    profile = profile_from_args(args, args.profile)
    config = config_from_profile(profile, args)
    bridges = _bridges(config, profile, swaks=args.swaks, openssl=args.openssl)
    from smtptui.cli import run_async

    done: list[ProbeReport] = []
    run_async(_probe(config, done, json_out=args.json, verbose=args.verbose))
    report = done[0]
    text = report.to_json_text() if args.json else None
    with sink_for(args, "probe") as sink:
        recorded = sink.record(report, profile=profile.name if args.profile else None,
                               client=profile.client, secrets=config.secrets, text=text)
    if text is not None:
        from smtptui.probe.events import with_keys

        extra = dict(bridges)
        if recorded is not None:
            extra["history"] = recorded.to_json()
        print(with_keys(text, extra))
    else:
        _print_summary(report, bridges,
                       since=recorded.lines(failed=not report.ok) if recorded else (),
                       verbose=args.verbose)
    return ExitCode.OK if report.ok else ExitCode.FAILED


def _bridges(config: ProbeConfig, profile: Any, *, swaks: bool,
             openssl: bool) -> dict[str, Any]:
    """The JSON keys for --swaks (``swaks``: the line or null, ``swaks_notes``) and
    --openssl (``openssl``: the s_client line, null without TLS)."""
    if not (swaks or openssl):
        return {}
    from smtptui.commands.reproduce import openssl_line, swaks_notes, swaks_unsupported
    from smtptui.commands.target_args import env_vars

    out: dict[str, Any] = {}
    if swaks:
        why_not = swaks_unsupported(config)
        out["swaks"] = None if why_not else swaks_line(config, *env_vars(profile))
        out["swaks_notes"] = [f"# {why_not}"] if why_not else swaks_notes(config)
    if openssl:
        out["openssl"] = openssl_line(config)
    return out


async def _probe(config: ProbeConfig, done: list[ProbeReport], *, json_out: bool,
                 verbose: bool) -> None:
    """Run the probe and append its report to ``done``; in human mode stream each stage
    (and transcript line) as it happens.

    The report is handed over in ``done``, not returned: when ``asyncio.run`` puts back
    its SIGINT handler, ``signal.signal`` tries ``Handlers(partial)`` on the old one and
    the failed lookup formats ``repr(main_task)`` — with its result, the whole report
    (0.5-1 ms of a one-probe process, measured with cProfile)."""
    if json_out:  # nothing to show until the end: no event stream to feed
        from smtptui.probe.engine import probe

        done.append(await probe(config))
        return
    from smtptui.probe.engine import run_probe
    from smtptui.probe.events import ProbeFinished, StageFinished, WireLine
    from smtptui.reports.text import format_stage, format_wire

    color = use_color(sys.stdout)
    target = f"{config.host}:{config.port} ({config.tls})"
    label = f' — profile "{config.profile}"' if config.profile else ""
    print(f"smtptui probe of {target}{label}", flush=True)
    async for event in run_probe(config):
        if isinstance(event, ProbeFinished):
            done.append(event.report)
            return
        if isinstance(event, StageFinished):
            print(format_stage(event, color=color), flush=True)
        elif verbose and isinstance(event, WireLine):
            print(format_wire(event, color=color), flush=True)
    raise RuntimeError("probe ended without a report")  # pragma: no cover


def _print_summary(report: ProbeReport, bridges: dict[str, Any],
                   since: Sequence[str] = (), verbose: bool = False) -> None:
    from smtptui.reports.text import format_summary

    print()
    print("\n".join(format_summary(report, color=use_color(sys.stdout), since=since,
                                   transcript="above" if verbose else None)))
    if "swaks_notes" in bridges:
        print()
        lines = [bridges["swaks"]] if bridges["swaks"] else []
        print("\n  ".join(["Reproduce with swaks:", *lines, *bridges["swaks_notes"]]))
    if "openssl" in bridges:
        print()
        line = bridges["openssl"] or "# no TLS in this probe (--tls none)"
        print(f"Check the TLS handshake with openssl:\n  {line}")


def swaks_line(config: ProbeConfig, password_var: str | None = None,
               token_var: str | None = None) -> str:
    """The equivalent swaks command line; secrets appear only as placeholders
    (``"$VAR"`` of the variable the secret came from, else ``"$SMTP_PASSWORD"``)."""
    import re
    import shlex

    from smtptui.commands.reproduce import swaks_timeout

    def placeholder(var: str | None, default: str) -> str:
        ok = var is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", var)
        return _Raw(f'"${var}"' if ok else default)

    parts = ["swaks", "--server", f"{config.host}:{config.port}"]
    parts += {"starttls": ["--tls"], "opportunistic": ["--tls-optional"],
              "implicit": ["--tls-on-connect"], "none": []}[config.tls]
    if config.tls != "none" and not config.insecure:
        parts.append("--tls-verify")
    if config.cafile:
        parts += ["--tls-ca-path", config.cafile]
    if config.servername:
        parts += ["--tls-sni", config.servername]
    if config.ehlo_name:
        parts += ["--helo", config.ehlo_name]
    if config.username:
        mech = {"auto": None, "plain": "PLAIN", "login": "LOGIN", "cram-md5": "CRAM-MD5",
                "xoauth2": "XOAUTH2", "oauthbearer": "OAUTHBEARER"}[config.auth]
        parts += ["--auth"] + ([mech] if mech else [])
        # Some providers (Postmark) use the secret token as the user name too.
        user_is_secret = config.username in config.secrets
        parts += ["--auth-user", _Raw(_USER_PLACEHOLDER) if user_is_secret else config.username]
        secret = (placeholder(token_var, _TOKEN_PLACEHOLDER) if config.oauth_token
                  else placeholder(password_var, _PW_PLACEHOLDER))
        parts += ["--auth-password", secret]
    if config.mail_from:
        parts += ["--from", config.mail_from]
    if config.rcpt_to:
        parts += ["--to", ",".join(config.rcpt_to)]
    quit_after = {"greeting": "banner", "ehlo": "first-helo", "tls": "tls", "auth": "auth",
                  "mail": "mail", "rcpt": "rcpt"}
    if config.stop_after:
        parts += ["--quit-after", quit_after[config.stop_after]]
    elif not config.send:
        parts += ["--quit-after", "rcpt" if config.rcpt_to else "auth"]
    parts += ["--timeout", str(swaks_timeout(config))]
    return " ".join(p if isinstance(p, _Raw) else shlex.quote(p) for p in parts)


class _Raw(str):
    """A placeholder the shell must expand: not quoted."""

    __slots__ = ()


_PW_PLACEHOLDER = '"$SMTP_PASSWORD"'
_TOKEN_PLACEHOLDER = '"$SMTP_TOKEN"'
_USER_PLACEHOLDER = '"$SMTP_USER"'
