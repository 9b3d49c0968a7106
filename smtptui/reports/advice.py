"""Advice when the transcript is already shown: "run with -v to see …" becomes where to look.

The diagnoses are written for a run without ``-v``; with ``-v`` (or a saved report that
includes the transcript) suggesting ``-v`` is wrong, and the mechanism it would have
shown is named outright.
"""

from __future__ import annotations

import re

from smtptui.probe.events import ProbeReport

_MECHANISM = re.compile(r"\b([Rr])un with -v to see which mechanism was used")
_PHRASES = (
    (re.compile(r"\b([Rr])un with -v and report"), "report"),
    (re.compile(r"\b([Rr])un with -v to see"), "the transcript {where} shows"),
    (re.compile(r"\b([Rr])un with -v for"), "see the transcript {where} for"),
    (re.compile(r"\b([Rr])un with -v:"), "see the transcript {where}:"),
)


def _sub(pattern: re.Pattern[str], text: str, replacement: str) -> str:
    """Replace ``pattern`` (whose group 1 is the R of Run/run), keeping a capital."""
    def fill(match: re.Match[str]) -> str:
        upper = match.group(1).isupper()
        return replacement[:1].upper() + replacement[1:] if upper else replacement

    return pattern.sub(fill, text)


def auth_mechanisms(report: ProbeReport) -> list[str]:
    """The SASL mechanisms the probe's AUTH commands used, in order (``["PLAIN", "LOGIN"]``
    when ``--auth auto`` fell back)."""
    out: list[str] = []
    for line in report.transcript:
        words = line.text.split()
        if line.direction == "C" and len(words) > 1 and words[0].upper() == "AUTH" and (
                re.fullmatch(r"[A-Za-z0-9_-]{1,20}", words[1])):
            out.append(words[1].upper())
    return list(dict.fromkeys(out))


def with_transcript(advice: str, report: ProbeReport, where: str = "above") -> str:
    """``advice`` for a reader who has the transcript ``where`` (above/below) it."""
    if "-v" not in advice:
        return advice
    mechs = auth_mechanisms(report)
    if len(mechs) == 1:
        said = f"the mechanism used was {mechs[0]} (AUTH {mechs[0]} in the transcript {where})"
    elif mechs:
        said = (f"the mechanisms tried were {', then '.join(mechs)} (in the transcript "
                f"{where}); --auth picks one")
    else:
        said = f"the transcript {where} shows the AUTH exchange"
    advice = _sub(_MECHANISM, advice, said)
    for pattern, replacement in _PHRASES:
        advice = _sub(pattern, advice, replacement.format(where=where))
    return advice
