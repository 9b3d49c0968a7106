"""What a probe really tested: the last stage that passed, and the stages it did not try
(and why), so that a pass is never read as more than it covered."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.probe.config import ProbeConfig
    from smtptui.probe.events import StageFinished

Gap = tuple[tuple[str, ...], str]
"""Stages not tested, and why (e.g. (("mail", "rcpt"), "no sender/recipient set"))."""

LABELS = {"resolve": "DNS", "connect": "connect", "tls": "TLS", "greeting": "greeting",
          "ehlo": "EHLO", "starttls": "STARTTLS", "auth": "AUTH", "mail": "MAIL",
          "rcpt": "RCPT", "data": "DATA"}
_AFTER = {"greeting": ("ehlo", "starttls", "auth", "mail", "rcpt"),
          "ehlo": ("starttls", "auth", "mail", "rcpt"),
          "tls": ("auth", "mail", "rcpt")}


def tested_until(stages: Iterable[StageFinished]) -> str | None:
    """The last stage (other than QUIT) that ran and passed or warned."""
    done = [s.stage for s in stages if s.stage != "quit" and s.status in ("pass", "warn")]
    return done[-1] if done else None


def untested(config: ProbeConfig, stages: Sequence[StageFinished]) -> tuple[Gap, ...]:
    """The stages a full probe covers that this one did not try, with the reason. Empty
    when a stage failed: the failure is the verdict."""
    if any(s.status == "fail" for s in stages):
        return ()
    stop = config.stop_after
    flag = f"--stop-after {stop}"
    if stop in _AFTER:
        later = _AFTER[stop]
        if config.tls not in ("starttls", "opportunistic") or stop == "tls":
            later = tuple(s for s in later if s != "starttls")
        return ((later, flag),)
    gaps: list[Gap] = []
    auth = next((s for s in stages if s.stage == "auth"), None)
    if auth is not None and auth.status == "skip":
        gaps.append((("auth",), "no credentials"))
    if stop == "auth":
        return (*gaps, (("mail", "rcpt"), flag))
    if config.mail_from is None:
        return (*gaps, (("mail", "rcpt"), "no sender/recipient set"))
    if stop == "mail":
        return (*gaps, (("rcpt",), flag))
    if not config.rcpt_to:
        return (*gaps, (("rcpt",), "no recipient set"))
    if stop == "rcpt":
        return (*gaps, (("data",), flag))
    if not config.send:
        gaps.append((("data",), "no message sent; --send tests it"))
    return tuple(gaps)


def coverage_text(until: str | None, gaps: Sequence[Gap]) -> str:
    """``"up to AUTH — MAIL/RCPT not tested (no sender/recipient set)"``; empty when the
    probe tested everything it could."""
    if not gaps or until is None:
        return ""
    missing = "; ".join(f"{'/'.join(LABELS.get(s, s) for s in stages)} not tested ({why})"
                        for stages, why in gaps)
    return f"up to {LABELS.get(until, until)} — {missing}"
