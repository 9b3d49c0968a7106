"""Advice once the transcript is on screen: no "run with -v", and the AUTH mechanism named."""

from __future__ import annotations

from smtptui.probe.events import ProbeReport, Target, WireLine
from smtptui.reports.advice import with_transcript


def _report(*lines: tuple[str, str]) -> ProbeReport:
    return ProbeReport(Target("relay.example", 587, "starttls"), (),
                       transcript=tuple(WireLine(d, t, 1.0) for d, t in lines))  # type: ignore[arg-type]


def test_each_wording_of_the_suggestion_says_where_to_look() -> None:
    report = _report(("C", "EHLO me"), ("C", "AUTH XOAUTH2 <redacted>"))
    assert with_transcript("Check it. Run with -v to see which mechanism was used.",
                           report) == ("Check it. The mechanism used was XOAUTH2 (AUTH "
                                       "XOAUTH2 in the transcript above).")
    assert with_transcript("Slow; run with -v to see where the time went.", report,
                           "below") == "Slow; the transcript below shows where the time went."
    assert with_transcript("Run with -v and report the transcript.", report) == (
        "Report the transcript.")
    assert with_transcript("The reason; run with -v for the exchange.", report) == (
        "The reason; see the transcript above for the exchange.")
    assert with_transcript("Run with -v: a parameter was refused.", report) == (
        "See the transcript above: a parameter was refused.")
    assert with_transcript("Nothing to change here.", report) == "Nothing to change here."


def test_without_an_auth_command_the_exchange_is_pointed_at() -> None:
    assert with_transcript("run with -v to see which mechanism was used", _report()) == (
        "the transcript above shows the AUTH exchange")


def test_a_fallback_names_every_mechanism_tried() -> None:
    report = _report(("C", "AUTH PLAIN <redacted>"), ("S", "535 5.7.8 no"),
                     ("C", "AUTH LOGIN"), ("C", "<redacted>"))
    assert with_transcript("Run with -v to see which mechanism was used.", report) == (
        "The mechanisms tried were PLAIN, then LOGIN (in the transcript above); --auth "
        "picks one.")
