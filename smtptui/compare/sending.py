"""What the send stages (MAIL, RCPT, DATA) of one run did, for the compare table and JSON.

A figure alone ("n/a", "4.1 ms") hides whether DATA ran, which stage refused and why a
side has no figure; this says it: ``"MAIL+RCPT, no DATA"``, ``"RCPT failed: 550 5.1.1"``,
``"not reached: AUTH failed"``, ``"not tested: no sender/recipient set"``.
"""

from __future__ import annotations

from typing import Any

from smtptui.probe.coverage import LABELS
from smtptui.probe.events import ProbeReport, StageFinished

SEND_STAGES = ("mail", "rcpt", "data")


def send_stages(report: ProbeReport) -> list[StageFinished]:
    """The MAIL, RCPT and DATA stages the run tried, in order."""
    return [s for s in report.stages if s.stage in SEND_STAGES and s.status != "skip"]


def _refusal(stage: StageFinished) -> str:
    reply = stage.replies[-1] if stage.replies else None
    if reply is None:
        return f"{LABELS[stage.stage]} failed"
    return f"{LABELS[stage.stage]} failed: {reply.code}" + (
        f" {reply.enhanced}" if reply.enhanced else "")


def send_outcome(report: ProbeReport) -> str:
    """One phrase: which send stages ran and how they ended ("" when all three passed)."""
    ran = send_stages(report)
    if not ran:
        failed = report.failed_stage
        if failed is not None:
            return f"not reached: {LABELS.get(failed.stage, failed.stage)} failed"
        why = next((why for stages, why in report.untested if "mail" in stages), "")
        return f"not tested: {why}" if why else "not tested"
    done = [s for s in ran if s.status in ("pass", "warn")]
    refused = next((s for s in ran if s.status == "fail"), None)
    passed = "+".join(dict.fromkeys(LABELS[s.stage] for s in done))
    if refused is not None:
        return f"{passed} passed; {_refusal(refused)}" if passed else _refusal(refused)
    missing = not_tried(report)
    return f"{passed}, no {'/'.join(missing)}" if missing else ""


def not_tried(report: ProbeReport) -> list[str]:
    """The send stages this run did not try (``["DATA"]`` without --send)."""
    tried = {s.stage for s in send_stages(report)}
    return [LABELS[s] for s in SEND_STAGES if s not in tried]


def send_json(report: ProbeReport) -> dict[str, Any]:
    """``{"outcome": str, "stages": [{"stage", "status", "elapsed_ms", "reply"}]}``."""
    return {"outcome": send_outcome(report) or "MAIL+RCPT+DATA passed",
            "stages": [{"stage": s.stage, "status": s.status,
                        "elapsed_ms": round(s.elapsed_ms, 3),
                        "reply": str(s.replies[-1]) if s.replies else None}
                       for s in send_stages(report)]}
