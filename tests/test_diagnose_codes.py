"""Reply-code and RFC 3463 enhanced-code meanings."""

from __future__ import annotations

import pytest

from smtptui.diagnose import Reply, basic_meaning, enhanced_meaning, reply_meaning
from smtptui.diagnose.codes import (
    BASIC_CODES,
    ENHANCED_DETAILS,
    ENHANCED_SUBJECTS,
    VENDOR_ENHANCED,
    parse_enhanced,
)


@pytest.mark.parametrize(("enhanced", "words"), [
    ("5.7.8", "credentials invalid"),
    ("5.7.0", "other or undefined security"),
    ("5.7.1", "not authorised"),
    ("5.7.9", "too weak"),
    ("5.1.1", "bad destination mailbox"),
    ("5.2.2", "mailbox full"),
    ("5.3.4", "too big"),
    ("4.7.0", "temporary"),
    ("4.2.0", "mailbox status"),
    ("5.5.1", "invalid command"),
    ("5.5.2", "syntax error"),
    ("5.7.26", "SPF, DKIM, DMARC"),
    ("5.7.27", "null MX"),
    ("4.4.2", "bad connection"),
    ("5.7.30", "REQUIRETLS"),
])
def test_registry_meanings(enhanced: str, words: str) -> None:
    assert words in enhanced_meaning(enhanced)


def test_class_and_subject_are_always_explained() -> None:
    assert enhanced_meaning("4.7.0").startswith("temporary failure")
    assert enhanced_meaning("5.7.0").startswith("permanent failure")
    assert enhanced_meaning("2.0.0").startswith("success")
    for subject, text in ENHANCED_SUBJECTS.items():
        assert text in enhanced_meaning(f"5.{subject}.999")


def test_vendor_meanings_need_the_vendor_text() -> None:
    basic = "Basic authentication is not supported for Client Submission."
    assert "Basic authentication" in enhanced_meaning("5.7.30", basic)
    assert "REQUIRETLS" not in enhanced_meaning("5.7.30", basic)
    assert "REQUIRETLS" in enhanced_meaning("5.7.30", "REQUIRETLS support required")
    assert "Microsoft 365" in enhanced_meaning("5.7.139", "anything")
    for code, _, _ in VENDOR_ENHANCED:
        assert parse_enhanced(code) is not None, code


def test_tables_are_well_formed() -> None:
    assert all(200 <= code <= 599 for code in BASIC_CODES)
    for key in ENHANCED_DETAILS:
        subject, detail = key.split(".")
        assert int(subject) in ENHANCED_SUBJECTS and detail.isdigit()


def test_reply_meaning_covers_both_codes() -> None:
    text = reply_meaning(Reply(535, "5.7.8", "Username and Password not accepted"))
    assert text.startswith("535: authentication failed") and "5.7.8:" in text
    assert "credentials invalid" in text
    assert reply_meaning(Reply(421, None, "")) == f"421: {BASIC_CODES[421]}"


@pytest.mark.parametrize(("code", "words"), [
    (0, "not a valid"), (999, "not a valid"), (-5, "not a valid"),
    (299, "success (non-standard"), (477, "temporary failure (non-standard"),
    (599, "permanent failure (non-standard"),
])
def test_odd_basic_codes(code: int, words: str) -> None:
    assert words in basic_meaning(code)


@pytest.mark.parametrize("enhanced", ["", "5.7", "5.7.8.1", "x.y.z", "3.1.1", " 5.7.8 ",
                                      "5.1234.1", "\x1b[2J"])
def test_malformed_enhanced_codes(enhanced: str) -> None:
    meaning = reply_meaning(Reply(550, enhanced, "x" * 100_000))
    assert meaning.startswith("550:")
    if enhanced.strip() == "5.7.8":
        assert "credentials invalid" in meaning
    elif enhanced:
        assert "not a valid enhanced status code" in meaning
