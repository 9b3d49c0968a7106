"""One scrape's metrics: probe outcomes -> a fresh ``CollectorRegistry`` -> text format.

``probe_success``, ``probe_duration_seconds`` and ``probe_ssl_earliest_cert_expiry`` mean
what blackbox_exporter gives them, so its dashboards and alerts keep working; the
``smtptui_*`` series add which stage failed and why, with bounded labels only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from smtptui.exporter import labels
from smtptui.probe.events import ProbeReport

if TYPE_CHECKING:
    from prometheus_client.metrics_core import Metric


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one profile's probe gave a scrape: a report, or nothing within the deadline."""

    profile: str
    report: ProbeReport | None
    seconds: float
    """Wall time the scrape waited for it (the probe's own time when it has a report)."""


def _families(outcomes: Sequence[Outcome]) -> Iterator[Metric]:
    from prometheus_client.core import GaugeMetricFamily

    def gauge(name: str, doc: str, extra: Sequence[str] = ()) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, doc, labels=["profile", *extra])

    success = gauge("probe_success", "Whether the probe succeeded (every stage that ran passed)")
    duration = gauge("probe_duration_seconds", "How long the probe took to complete in seconds")
    expiry = gauge("probe_ssl_earliest_cert_expiry",
                   "Returns last SSL chain expiry in unixtime (the relay's certificate)")
    deadline = gauge("smtptui_probe_deadline_exceeded",
                     "1 when the probe did not finish within the scrape timeout")
    stage_ok = gauge("smtptui_stage_success", "Whether the stage passed (1) or failed (0); "
                     "skipped stages are absent", ["stage"])
    stage_s = gauge("smtptui_stage_duration_seconds", "Time the stage took", ["stage"])
    reply = gauge("smtptui_reply_code", "The last SMTP reply code the stage received",
                  ["stage"])
    diag = gauge("smtptui_diagnosis_info", "The diagnosis of the failing stage (or a warning)",
                 ["stage", "layer", "kind", "severity"])
    tls = gauge("smtptui_tls_version_info", "The negotiated TLS version", ["version"])
    tls_bb = gauge("probe_tls_version_info", "The negotiated TLS version (blackbox name)",
                   ["version"])
    offered = gauge("smtptui_auth_mechanism_info", "AUTH mechanisms the relay offers "
                    "(used=\"true\" for the one the probe tried)", ["mechanism", "used"])
    warnings = gauge("smtptui_warnings", "Number of warnings the probe raised")
    for out in outcomes:
        name, report = out.profile, out.report
        deadline.add_metric([name], 0.0 if report else 1.0)
        if report is None:
            success.add_metric([name], 0.0)
            duration.add_metric([name], out.seconds)
            continue
        success.add_metric([name], 1.0 if report.ok else 0.0)
        duration.add_metric([name], report.total_ms / 1000)
        warnings.add_metric([name], float(len(report.warnings)))
        for stage_name in dict.fromkeys(s.stage for s in report.stages):
            stage = report.stage(stage_name)  # EHLO may run twice: the last run counts
            assert stage is not None
            if stage.status == "skip":
                continue
            stage_ok.add_metric([name, stage.stage], 0.0 if stage.status == "fail" else 1.0)
            stage_s.add_metric([name, stage.stage], stage.elapsed_ms / 1000)
            if stage.replies:
                reply.add_metric([name, stage.stage], float(stage.replies[-1].code))
            if stage.diagnosis and stage.status in ("fail", "warn"):
                severity = "error" if stage.status == "fail" else "warning"
                diag.add_metric([name, stage.stage, stage.diagnosis.layer,
                                 labels.diagnosis_kind(stage.diagnosis.kind), severity], 1.0)
        if report.tls:
            version = labels.tls_version(report.tls.version)
            tls.add_metric([name, version], 1.0)
            tls_bb.add_metric([name, version], 1.0)
            if report.tls.cert and report.tls.cert.not_after:
                expiry.add_metric([name], _epoch(report.tls.cert.not_after))
        used = labels.used_mechanism(report)
        mechs = labels.offered_mechanisms(report)
        for mech in mechs:
            offered.add_metric([name, mech, "true" if mech == used else "false"], 1.0)
        if used and used not in mechs:
            offered.add_metric([name, used, "true"], 1.0)
    yield from (success, duration, expiry, deadline, stage_ok, stage_s, reply, diag, tls,
                tls_bb, offered, warnings)


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


class _Scrape:
    """A collector over one scrape's outcomes (registered in a fresh registry)."""

    def __init__(self, outcomes: Sequence[Outcome]) -> None:
        self.outcomes = outcomes

    def collect(self) -> Iterator[Metric]:
        return _families(self.outcomes)


def render(outcomes: Sequence[Outcome]) -> bytes:
    """The scrape's answer in the Prometheus text format."""
    from prometheus_client import CollectorRegistry, generate_latest

    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Scrape(outcomes))
    return generate_latest(registry)
