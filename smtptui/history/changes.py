"""What changed between two runs of one profile: a pure function, report in, typed
changes out, each with a sentence a person reads ("AUTH LOGIN is no longer offered").

The comparison table already knows which differences are real
(:mod:`smtptui.compare.rows`: normalised values, "unknown" never counts): its rows are
reused for the result, TLS, extensions, banner and warnings. What a comparison of two
providers does not need and a history does is added here: the certificate's
fingerprint, expiry and names, the greeting host, the resolved address and per-stage
latency beyond a noise threshold (more than :data:`LATENCY_RATIO` times and more than
:data:`LATENCY_MIN_MS` apart).
"""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.compare.model import Row, Side
from smtptui.compare.rows import (
    UNKNOWN,
    extension_rows,
    greeting_row,
    result_rows,
    tls_rows,
    warnings_row,
)
from smtptui.history.change import (
    LATENCY_MIN_MS,
    LATENCY_RATIO,
    Change,
    latency_changes,
    notable,
    sentence,
    signature,
)
from smtptui.history.facts import greeting_host, stage_ms
from smtptui.probe.events import ProbeReport

__all__ = ["LATENCY_MIN_MS", "LATENCY_RATIO", "Change", "diff_reports", "latency_changes",
           "notable", "sentence", "short_name", "signature"]


def _known(value: str) -> bool:
    return not value.startswith(UNKNOWN)


def short_name(dn: str) -> str:
    """``CN=R11,O=Let's Encrypt,C=US`` -> ``R11`` (the whole name when it has no CN)."""
    for part in dn.split(","):
        key, _, value = part.partition("=")
        if key.strip().upper() == "CN" and value:
            return value.strip()
    return dn


def _mechs(value: str) -> set[str]:
    return set(value.split()) if _known(value) and value not in (
        "not offered", "(no mechanisms listed)") else set()


def _listing(words: Sequence[str]) -> str:
    return ", ".join(words)


def _row_change(row: Row) -> list[Change]:
    """The sentence(s) for a differing row of the comparison table."""
    before, after = row.a, row.b
    key = row.key
    if key == "result":
        text = {"failed": "the run now fails",
                "passed": "the run passes again"}.get(after, f"the run now {after}")
        return [Change(key, "result", before, after, f"{text} (was: {before})")]
    if key == "failing_stage":
        if before == "none" or after == "none":
            return []  # the result row says it
        return [Change(key, "failing stage", before, after,
                       f"it now fails at {after} (was {before})")]
    if key == "ext.AUTH":
        gone, new = sorted(_mechs(before) - _mechs(after)), sorted(_mechs(after) - _mechs(before))
        out = []
        if after == "not offered":
            out.append(Change(key, "AUTH mechanisms", before, after, "AUTH is no longer offered"))
        elif before == "not offered":
            out.append(Change(key, "AUTH mechanisms", before, after,
                              f"AUTH is now offered ({after})"))
        else:
            if gone:
                verb = "is" if len(gone) == 1 else "are"
                out.append(Change(key, "AUTH mechanisms", before, after,
                                  f"AUTH {_listing(gone)} {verb} no longer offered"))
            if new:
                verb = "is" if len(new) == 1 else "are"
                out.append(Change(key, "AUTH mechanisms", before, after,
                                  f"AUTH {_listing(new)} {verb} now offered"))
        return out
    if key.startswith("ext."):
        name = row.aspect
        if after in ("no", "not announced"):
            return [Change(key, name, before, after, f"{name} is no longer offered")]
        if before in ("no", "not announced"):
            return [Change(key, name, before, after, f"{name} is now offered")]
        return [Change(key, name, before, after, f"{name} changed ({before} → {after})")]
    if key == "tls.version":
        return [Change(key, "TLS version", before, after, f"TLS version {before} → {after}")]
    if key == "tls.cipher":
        return [Change(key, "cipher", before, after, f"cipher {before} → {after}")]
    if key == "tls.verified":
        text = ("the certificate now verifies" if after == "yes"
                else f"the certificate no longer verifies ({after.removeprefix('no: ')})")
        return [Change(key, "certificate verified", before, after, text)]
    if key == "greeting":
        return [Change(key, "greeting banner", before, after,
                       f"the banner changed (“{before}” → “{after}”)")]
    if key == "warnings":
        return [Change(key, "warnings", before, after, f"warnings now: {after}")]
    return [Change(key, row.aspect, before, after, f"{row.aspect}: {before} → {after}")]


def _certificate(old: ProbeReport, new: ProbeReport) -> list[Change]:
    a = old.tls.cert if old.tls else None
    b = new.tls.cert if new.tls else None
    if a is None or b is None:
        return []
    out: list[Change] = []
    fa, fb = a.fingerprint, b.fingerprint
    if fa and fb and fa != fb:
        issuer = (f"issuer {short_name(a.issuer)} → {short_name(b.issuer)}"
                  if a.issuer != b.issuer else f"same issuer {short_name(b.issuer)}")
        out.append(Change("cert.sha256", "certificate", fa[:16], fb[:16],
                          f"the certificate was replaced ({issuer})"))
    elif a.issuer != b.issuer:
        out.append(Change("cert.issuer", "certificate issuer", a.issuer, b.issuer,
                          f"certificate issuer {short_name(a.issuer)} → "
                          f"{short_name(b.issuer)}"))
    if a.not_after[:10] != b.not_after[:10]:  # a re-issue within the day: "replaced" says it
        out.append(Change("cert.not_after", "certificate expiry", a.not_after, b.not_after,
                          f"the certificate now expires {b.not_after[:10]} "
                          f"(was {a.not_after[:10]})"))
    if sorted(a.san) != sorted(b.san):
        gone = [n for n in a.san if n not in b.san]
        new_names = [n for n in b.san if n not in a.san]
        parts = ([f"no longer {_listing(gone)}"] if gone else []) + (
            [f"now also {_listing(new_names)}"] if new_names else [])
        out.append(Change("cert.names", "certificate names", ", ".join(a.san),
                          ", ".join(b.san), f"the certificate's names changed "
                          f"({'; '.join(parts)})"))
    return out


def diff_reports(old: ProbeReport, new: ProbeReport) -> list[Change]:
    """Everything that really changed from ``old`` to ``new`` (two runs of one profile),
    most important first: result, failure, certificate and TLS, AUTH and extensions,
    greeting, address, latency, warnings."""
    side_a, side_b = Side("", (old,)), Side("", (new,))
    rows = {r.key: r for r in (*result_rows(side_a, side_b), *tls_rows(old, new),
                               *extension_rows(old, new), greeting_row(old, new),
                               warnings_row(old, new))}
    out: list[Change] = []

    def add(*keys: str) -> None:
        for key in keys:
            row = rows.get(key)
            if row is not None and row.differs:
                out.extend(_row_change(row))

    add("result", "failing_stage")
    out += _certificate(old, new)
    if not any(c.key == "cert.sha256" for c in out):
        add("tls.issuer")
    add("tls.verified", "tls.version", "tls.cipher", "ext.AUTH", "ext.STARTTLS")
    add(*[k for k in rows if k.startswith("ext.") and k not in ("ext.AUTH", "ext.STARTTLS")])
    host_a, host_b = greeting_host(old), greeting_host(new)
    if host_a and host_b and host_a != host_b:
        out.append(Change("greeting.host", "greeting host", host_a, host_b,
                          f"the greeting host changed ({host_a} → {host_b})"))
    else:
        add("greeting")
    addr_a, addr_b = old.target.address, new.target.address
    if addr_a and addr_b and addr_a != addr_b:
        out.append(Change("address", "resolved address", addr_a, addr_b,
                          f"{new.target.host} now resolves to {addr_b} (was {addr_a})"))
    out += latency_changes(stage_ms(old), stage_ms(new))
    add("warnings")
    return out
