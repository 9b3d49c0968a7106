"""`smtptui probe --all | --client NAME`: many saved profiles at once, for cron."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from smtptui.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink, Recorded
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.events import ProbeReport
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

    check_batch_flags(args)
    check_flags(args)
    concurrency = args.concurrency
    if concurrency is not None and not 1 <= concurrency <= 500:
        raise UsageError(f"--concurrency must be 1-500, got {concurrency}")
    profiles = load_profiles(args)
    chosen = pick_profiles(profiles, args.client)
    from smtptui.profiles.store import check_literal_secrets

    check_literal_secrets(profiles, [profile_from_args(args, p.name, profiles, base=p)
                                     for p in chosen])  # the file's problem: nothing runs
    configs: list[ProbeConfig] = []
    where: list[int] = []  # configs[i] is chosen[where[i]]
    errors: dict[int, UsageError] = {}
    for position, profile in enumerate(chosen):
        try:
            configs.append(config_from_profile(
                profile_from_args(args, profile.name, profiles, base=profile), args))
            where.append(position)
        except UsageError as problem:  # a missing secret, an unreadable CA file …
            errors[position] = problem
    if errors and not configs:
        raise next(iter(errors.values()))  # nothing could run: most likely the flags are wrong
    out = Output(chosen, json_out=args.json, color=use_color(sys.stdout), ordered=args.ordered)
    for position, error in errors.items():
        out.not_run(position, str(error))
    from smtptui.cli import run_async
    from smtptui.commands.history_args import sink_for

    with sink_for(args, "batch") as sink:
        run_async(_run(configs, where, concurrency, out, sink))
    out.flush()
    if not args.json:
        total = len(chosen)
        print(f"\n{total - out.failed} of {total} profiles passed", flush=True)
    return ExitCode.FAILED if out.failed else ExitCode.OK


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


async def _run(configs: list[ProbeConfig], where: list[int], concurrency: int | None,
               out: Output, sink: HistorySink) -> None:
    from smtptui.probe.batch import probe_many

    async for index, report in probe_many(configs, concurrency):
        profile = out.chosen[where[index]]
        text = report.to_json_text() if out.json_out else None  # printed and recorded
        recorded = sink.record(report, profile=profile.name, client=profile.client,
                               secrets=configs[index].secrets, text=text)
        out.report(where[index], report, recorded, text)


class Output:
    """Prints each profile's result as it ends, or (``ordered``) in the file's order: a
    result that comes early waits, as its printed line, for those before it."""

    def __init__(self, chosen: list[Profile], *, json_out: bool, color: bool,
                 ordered: bool) -> None:
        self.chosen = chosen
        self.json_out, self.color, self.ordered = json_out, color, ordered
        self.failed = 0
        self._next = 0
        self._held: dict[int, str] = {}

    def not_run(self, position: int, error: str) -> None:
        self.failed += 1
        profile = self.chosen[position]
        if self.json_out:
            self._emit(position, json.dumps(not_run(profile, error)))
        else:
            from smtptui.glyphs import glyph

            self._emit(position, f"{glyph('fail')} fail  {profile.name}  "
                                 f"({profile.client or 'no client'}): {error}")

    def report(self, position: int, report: ProbeReport, recorded: Recorded | None,
               text: str | None = None) -> None:
        """One result; ``text``: its :meth:`~ProbeReport.to_json_text`, if made already."""
        self.failed += not report.ok
        profile = self.chosen[position]
        if self.json_out:
            from smtptui.probe.events import with_keys

            extra: dict[str, object] = {"profile": profile.name, "client": profile.client}
            if recorded is not None:
                extra["history"] = recorded.to_json()
            self._emit(position, with_keys(text or report.to_json_text(), extra))
            return
        from smtptui.glyphs import glyph
        from smtptui.history.changes import sentence
        from smtptui.reports.text import paint

        status = "fail" if not report.ok else ("warn" if report.warnings else "pass")
        bad = report.failed_stage
        detail = (f"failed at {bad.stage}: {bad.diagnosis.summary}" if bad and bad.diagnosis
                  else f"{report.total_ms:.0f} ms")
        if not bad and report.coverage:  # a pass says what it covered
            detail += f", {report.coverage}"
        if recorded is not None and recorded.changes:
            detail += f"; changed: {sentence(recorded.changes, limit=2)}"
        self._emit(position, f"{paint(glyph(status) + ' ' + status, status, self.color)}  "
                             f"{profile.name}  ({profile.client or 'no client'}, "
                             f"{report.target.host}:{report.target.port})  {detail}")

    def _emit(self, position: int, line: str) -> None:
        if not self.ordered:
            print(line, flush=True)
            return
        self._held[position] = line
        ready = []
        while self._next in self._held:
            ready.append(self._held.pop(self._next))
            self._next += 1
        if ready:
            print("\n".join(ready), flush=True)

    def flush(self) -> None:
        """What is still held (nothing, once every profile has reported)."""
        if self._held:
            print("\n".join(self._held.pop(k) for k in sorted(self._held)), flush=True)
