"""The rows of the comparison table, one aspect each, built from the two sides' reports.

No false differences: values are normalised before they are compared (AUTH mechanisms
sorted, SIZE in readable units), a value that is unknown on one side (the probe never
got that far) never counts as a difference, latency follows
:func:`~smtptui.compare.stats.meaningfully_different`, and certificate lifetimes differ
only by more than a day (two certificates issued together straddle midnight).
"""

from __future__ import annotations

from smtptui.compare.model import ColdWarm, Row, Side
from smtptui.compare.stats import LATENCY_ASPECTS, Stats, faster
from smtptui.durations import fmt_ms
from smtptui.probe.coverage import LABELS, tested_until
from smtptui.probe.events import ProbeReport
from smtptui.probe.extensions import human_size
from smtptui.probe.sanitize import clean
from smtptui.probe.warning_kinds import warning_kinds

UNKNOWN = "unknown"
KNOWN_EXTENSIONS = ("SIZE", "PIPELINING", "CHUNKING", "SMTPUTF8", "8BITMIME", "DSN",
                    "REQUIRETLS", "ENHANCEDSTATUSCODES", "AUTH", "STARTTLS")
"""Always shown, in this order; any other extension either side offers follows."""


def _row(key: str, section: str, aspect: str, a: str, b: str) -> Row:
    differs = a != b and not a.startswith(UNKNOWN) and not b.startswith(UNKNOWN)
    return Row(key, section, aspect, a, b, differs)


# -- result ---------------------------------------------------------------------------
def _result(side: Side) -> str:
    reports = side.reports
    if not side.ok:
        word = "failed"
    elif any(r.warnings or any(s.status == "warn" for s in r.stages) for r in reports):
        word = "passed with warnings"
    else:
        word = "passed"
    if len(reports) == 1:
        return word
    if side.ok:
        return f"{word} (all {len(reports)} runs)"
    return f"{word} ({side.passed}/{len(reports)} runs passed)"


def _failing_stage(side: Side) -> str:
    """Where the last failing run failed and why, briefly: the refusing reply's code, or
    the layer (with the certificate's problem for TLS)."""
    report = next((r for r in reversed(side.reports) if r.failed_stage), None)
    if report is None or report.failed_stage is None:
        return "none"
    failed = report.failed_stage
    reply = failed.replies[-1] if failed.replies else None
    if reply is not None and reply.code >= 400:  # a 220 to STARTTLS is not the cause
        return f"{failed.stage} ({reply.code}{' ' + reply.enhanced if reply.enhanced else ''})"
    if failed.diagnosis is None:
        return failed.stage
    cert = report.tls.cert if report.tls else None
    if failed.diagnosis.layer == "tls" and cert is not None and cert.error:
        return f"{failed.stage} (tls: {clean(cert.error, 40)})"
    kind = failed.diagnosis.kind
    cause = _CAUSES.get(kind) or kind.replace("_", " ") or failed.diagnosis.layer
    return f"{failed.stage} ({cause})"


_CAUSES = {
    "starttls_not_offered": "STARTTLS not offered",
    "tls_plain_smtp_port": "plain-text answer to TLS",
    "greeting_timeout_implicit_tls": "port speaks implicit TLS",
    "auth_secret_unavailable": "password not available",
    "auth_token_mismatch": "token for another user or scope",
    "auth_no_credentials": "no credentials",
    "auth_plaintext_refused": "no TLS for AUTH",
    "connect_refused": "refused", "connect_timeout": "timed out",
    "greeting_timeout": "no greeting", "dns_nxdomain": "no such host",
}
"""Short causes for the compare table (anything else: the fault kind in words)."""


def _tested(side: Side) -> str:
    """How far the representative run tested: ``"RCPT"`` or ``"AUTH — MAIL/RCPT not
    tested (no sender/recipient set)"``; for a run that failed, the last stage that
    passed before it (``"STARTTLS (AUTH failed)"``)."""
    report = side.representative
    last = report.tested_until or tested_until(report.stages)
    if not report.ok:
        failed = report.failed_stage
        where = f"{LABELS.get(failed.stage, failed.stage)} failed" if failed else "failed"
        return f"{LABELS.get(last, last)} ({where})" if last else f"nothing ({where})"
    if last is None:
        return UNKNOWN
    until = LABELS.get(last, last)
    return report.coverage.removeprefix("up to ") if report.coverage else until


def result_rows(a: Side, b: Side) -> list[Row]:
    return [_row("result", "result", "result", _result(a), _result(b)),
            _row("tested_until", "result", "tested until", _tested(a), _tested(b)),
            _row("failing_stage", "result", "failing stage", _failing_stage(a),
                 _failing_stage(b))]


# -- latency --------------------------------------------------------------------------
def _latency_row(key: str, label: str, a: Stats | None, b: Stats | None) -> Row:
    win = faster(a, b)
    va, vb = fmt_ms(a.median if a else None), fmt_ms(b.median if b else None)
    return Row(key, "latency", label, va, vb, win is not None, win)


def _with_outcome(value: str, outcome: str) -> str:
    if not outcome:
        return value
    return f"n/a ({outcome})" if value == "n/a" else f"{value} ({outcome})"


def latency_rows(stats_a: dict[str, Stats | None], stats_b: dict[str, Stats | None],
                 cold_warm: dict[str, ColdWarm], *, shared_only: bool = False,
                 send: tuple[str, str] = ("", "")) -> list[Row]:
    """Median latency per stage, then cold connection and warm message. A side with no
    figure (the stage did not complete) is shown as n/a and is not a difference. With
    ``shared_only`` the sides tried different stages and the total is over those both ran.
    ``send``: each side's :func:`~smtptui.compare.sending.send_outcome`, added to its send
    figure (given when a side tried MAIL; else "tested until" already says why)."""
    rows = [_latency_row(f"latency.{key}", label, stats_a[key], stats_b[key])
            for key, label, _ in LATENCY_ASPECTS]
    i = next(n for n, r in enumerate(rows) if r.key == "latency.send")
    r = rows[i]
    rows[i] = Row(r.key, r.section, r.aspect, _with_outcome(r.a, send[0]),
                  _with_outcome(r.b, send[1]), r.differs, r.faster)
    if shared_only:
        total = rows[-1]
        rows[-1] = Row(total.key, total.section, "total (stages both ran)", total.a, total.b,
                       total.differs, total.faster)
    ca, cb = cold_warm["a"], cold_warm["b"]
    rows.append(_latency_row("latency.cold", "cold (new connection)", ca.cold, cb.cold))
    warm = _latency_row("latency.warm", "warm (next message)", ca.warm, cb.warm)
    if ca.warm is None or cb.warm is None:  # say why there is no figure
        warm = Row(warm.key, warm.section, warm.aspect,
                   warm.a if ca.warm else ca.warm_note or "n/a",
                   warm.b if cb.warm else cb.warm_note or "n/a", False)
    rows.append(warm)
    return rows


# -- TLS ------------------------------------------------------------------------------
def _reached(report: ProbeReport, *stages: str) -> bool:
    return any(s.stage in stages and s.status in ("pass", "warn") for s in report.stages)


def _tls_values(report: ProbeReport) -> dict[str, str]:
    tls = report.tls
    if tls is None:
        plain = report.target.tls == "none" or (
            report.target.tls == "opportunistic" and _reached(report, "starttls"))
        value = "none (plain text)" if plain else f"{UNKNOWN} (no TLS handshake)"
        return dict.fromkeys(("version", "cipher", "issuer", "days_left", "verified"), value)
    cert = tls.cert
    return {
        "version": tls.version,
        "cipher": f"{tls.cipher} ({tls.bits} bits)",
        "issuer": cert.issuer if cert else f"{UNKNOWN} (no certificate)",
        "days_left": str(cert.days_left) if cert else f"{UNKNOWN} (no certificate)",
        "verified": ("yes" if cert.verified else f"no: {cert.error or 'not checked'}")
        if cert else f"{UNKNOWN} (no certificate)",
    }


def tls_rows(a: ProbeReport, b: ProbeReport) -> list[Row]:
    va, vb = _tls_values(a), _tls_values(b)
    labels = {"version": "TLS version", "cipher": "cipher", "issuer": "certificate issuer",
              "days_left": "certificate days left", "verified": "certificate verified"}
    rows = [_row(f"tls.{k}", "tls", label, va[k], vb[k]) for k, label in labels.items()]
    days = rows[3]
    if days.differs and va["days_left"].lstrip("-").isdigit() and (
            vb["days_left"].lstrip("-").isdigit()):
        close = abs(int(va["days_left"]) - int(vb["days_left"])) <= 1
        rows[3] = Row(days.key, days.section, days.aspect, days.a, days.b, not close)
    return rows


# -- EHLO extensions ------------------------------------------------------------------
def _ext_value(report: ProbeReport, key: str) -> str:
    if not _reached(report, "ehlo"):
        return f"{UNKNOWN} (no EHLO)"
    ext = report.extensions
    if key == "STARTTLS":
        if report.target.tls == "implicit":
            return "n/a (implicit TLS)"
        offered = ("STARTTLS" in ext or "STARTTLS" in report.ehlo_changes.get("removed", [])
                   or _reached(report, "starttls"))
        return "yes" if offered else "no"
    if key not in ext:
        return {"SIZE": "not announced", "AUTH": "not offered"}.get(key, "no")
    params = ext[key]
    if key == "SIZE":
        return human_size(params)
    if key == "AUTH":
        return " ".join(sorted(params.split())) or "(no mechanisms listed)"
    return f"yes ({params})" if params else "yes"


def extension_rows(a: ProbeReport, b: ProbeReport) -> list[Row]:
    keys = list(KNOWN_EXTENSIONS)
    keys += [k for k in (*a.extensions, *b.extensions) if k not in keys]
    keys = list(dict.fromkeys(keys))
    return [_row(f"ext.{k}", "extensions", "AUTH mechanisms" if k == "AUTH" else k,
                 _ext_value(a, k), _ext_value(b, k)) for k in keys]


# -- greeting and warnings ------------------------------------------------------------
def _banner(report: ProbeReport) -> str:
    if not report.banner:
        return "none" if _reached(report, "greeting") else f"{UNKNOWN} (no greeting)"
    return report.banner.split("\n", 1)[0]


def greeting_row(a: ProbeReport, b: ProbeReport) -> Row:
    return _row("greeting", "greeting", "greeting banner", _banner(a), _banner(b))


def warnings_row(a: ProbeReport, b: ProbeReport) -> Row:
    wa, wb = sorted(set(a.warnings)), sorted(set(b.warnings))
    return Row("warnings", "warnings", "warnings", "; ".join(wa) or "none",
               "; ".join(wb) or "none", warning_kinds(a) != warning_kinds(b))
