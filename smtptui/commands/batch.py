"""`smtptui probe --all | --client NAME`: many saved profiles at once, for cron."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from smtptui.errors import ExitCode, UsageError
from smtptui.probe.batch import DEFAULT_CONCURRENCY

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink
    from smtptui.profiles.model import Profile
    from smtptui.profiles.store import ProfileFile


def run_batch(args: argparse.Namespace) -> int:
    from smtptui.commands.probe import use_color
    from smtptui.commands.target_args import (
        config_from_profile,
        load_profiles,
        profile_from_args,
    )
    from smtptui.commands.target_checks import check_flags
    from smtptui.glyphs import glyph

    check_batch_flags(args)
    check_flags(args)
    concurrency = args.concurrency if args.concurrency is not None else DEFAULT_CONCURRENCY
    if not 1 <= concurrency <= 500:
        raise UsageError(f"--concurrency must be 1-500, got {concurrency}")
    profiles = load_profiles(args)
    chosen = pick_profiles(profiles, args.client)
    from smtptui.profiles.store import check_literal_secrets

    check_literal_secrets(profiles, [profile_from_args(args, p.name, profiles)
                                     for p in chosen])  # the file's problem: nothing runs
    configs, names, errors = [], [], []
    for profile in chosen:
        try:
            configs.append(config_from_profile(profile_from_args(args, profile.name, profiles),
                                               args))
            names.append(profile)
        except UsageError as problem:  # a missing secret, an unreadable CA file …
            errors.append((profile, problem))
    if errors and not configs:
        raise errors[0][1]  # nothing could run: most likely the flags themselves are wrong
    color = use_color(sys.stdout)
    failed = len(errors)
    for profile, error in errors:
        if args.json:
            print(json.dumps(not_run(profile, str(error))), flush=True)
        else:
            print(f"{glyph('fail')} fail  {profile.name}  "
                  f"({profile.client or 'no client'}): {error}", flush=True)
    import asyncio

    from smtptui.commands.history_args import sink_for

    with sink_for(args, "batch") as sink:
        failed += asyncio.run(_run(configs, names, concurrency, json_out=args.json,
                                   color=color, sink=sink))
    if not args.json:
        total = len(chosen)
        print(f"\n{total - failed} of {total} profiles passed", flush=True)
    return ExitCode.FAILED if failed else ExitCode.OK


def pick_profiles(profiles: ProfileFile, client: str | None) -> list[Profile]:
    """Every profile in the file, or one client's (also `smtptui watch`); none is bad input."""
    chosen = profiles.profiles
    if client:
        chosen = [p for p in chosen if p.client == client]
        if not chosen:
            known = ", ".join(sorted({p.client for p in profiles.profiles if p.client}))
            raise UsageError(f'no profiles for client "{client}" (known: {known or "none"})')
    if not chosen:
        raise UsageError(f"no profiles in {profiles.path}")
    return list(chosen)


def check_batch_flags(args: argparse.Namespace) -> None:
    """Flags that would do nothing in a batch are bad input, not silently ignored."""
    if args.all and args.client:
        raise UsageError("give either --all or --client NAME, not both")
    if args.verbose:
        raise UsageError("-v/--verbose does not apply to --all/--client (use --json for each "
                         "profile's transcript, or probe one PROFILE with -v)")
    for flag in ("swaks", "openssl"):
        if getattr(args, flag, False):
            raise UsageError(f"--{flag} does not apply to --all/--client "
                             f"(probe one PROFILE with --{flag})")


def not_run(profile: Profile, error: str) -> dict[str, object]:
    """The contract's object for a profile that could not be probed (no stage ran)."""
    return {"ok": False,
            "target": {"host": profile.host, "port": profile.port, "tls": profile.tls,
                       "profile": profile.name},
            "stages": [], "tls": None, "extensions": {}, "transcript": [],
            "profile": profile.name, "client": profile.client, "error": error}


async def _run(configs: list, names: list, concurrency: int, *, json_out: bool,  # type: ignore[type-arg]
               color: bool, sink: HistorySink) -> int:
    from smtptui.glyphs import glyph
    from smtptui.history.changes import sentence
    from smtptui.history.record import record_each
    from smtptui.probe.batch import probe_many
    from smtptui.reports.text import paint

    failed = 0
    who = [(p.name, p.client) for p in names]
    results = probe_many(configs, concurrency)
    async for index, report, recorded in record_each(results, who, sink,
                                                     [c.secrets for c in configs]):
        profile = names[index]
        failed += not report.ok
        if json_out:
            doc = report.to_json()
            doc["profile"] = profile.name
            doc["client"] = profile.client
            if recorded is not None:
                doc["history"] = recorded.to_json()
            print(json.dumps(doc, ensure_ascii=False), flush=True)
            continue
        status = "fail" if not report.ok else ("warn" if report.warnings else "pass")
        bad = report.failed_stage
        detail = (f"failed at {bad.stage}: {bad.diagnosis.summary}" if bad and bad.diagnosis
                  else f"{report.total_ms:.0f} ms")
        if not bad and report.coverage:  # a pass says what it covered
            detail += f", {report.coverage}"
        if recorded is not None and recorded.changes:
            detail += f"; changed: {sentence(recorded.changes, limit=2)}"
        print(f"{paint(glyph(status) + ' ' + status, status, color)}  {profile.name}  "
              f"({profile.client or 'no client'}, {report.target.host}:{report.target.port})  "
              f"{detail}", flush=True)
    return failed
