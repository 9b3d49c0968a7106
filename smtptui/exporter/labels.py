"""Bounded label values: anything a server says is mapped onto a fixed set first, so a
hostile or chatty relay cannot create new series (or smuggle text into a metric)."""

from __future__ import annotations

import functools

from smtptui.probe.events import ProbeReport

KNOWN_MECHANISMS = frozenset({
    "PLAIN", "LOGIN", "CRAM-MD5", "DIGEST-MD5", "XOAUTH2", "OAUTHBEARER", "GSSAPI", "NTLM",
    "SCRAM-SHA-1", "SCRAM-SHA-256", "SCRAM-SHA-1-PLUS", "SCRAM-SHA-256-PLUS", "EXTERNAL",
    "ANONYMOUS",
})
TLS_VERSIONS = frozenset({"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "SSLv3"})


@functools.cache
def _fault_kinds() -> frozenset[str]:
    from smtptui.diagnose import FAULT_KINDS

    return frozenset(FAULT_KINDS)


def mechanism(word: str) -> str:
    upper = word.upper()
    return upper if upper in KNOWN_MECHANISMS else "other"


def tls_version(version: str) -> str:
    return version if version in TLS_VERSIONS else "other"


def diagnosis_kind(kind: str) -> str:
    """The engine's fault kind; ``reply`` when the server's reply was the diagnosis."""
    if not kind:
        return "reply"
    return kind if kind in _fault_kinds() else "other"


def offered_mechanisms(report: ProbeReport) -> list[str]:
    words = report.extensions.get("AUTH", "").split()
    return sorted({mechanism(w) for w in words[:32]})


def used_mechanism(report: ProbeReport) -> str | None:
    """The mechanism the probe tried (from its own ``AUTH`` command), if it tried one."""
    for line in reversed(report.transcript):
        if line.direction == "C" and line.text[:5].upper() == "AUTH ":
            parts = line.text.split()
            return mechanism(parts[1]) if len(parts) > 1 else None
    return None
