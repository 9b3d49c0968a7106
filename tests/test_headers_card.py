"""The header analyser's card (what the app shows), on pasted text without widgets."""

from __future__ import annotations

from pathlib import Path

from smtptui.app.headers_card import headers_card
from smtptui.app.render import card_text
from smtptui.dnscheck.headers import analyse_headers

DATA = Path(__file__).parent / "data" / "headers"

RESULTS_ONLY = (
    "Authentication-Results: mx.google.com; dkim=pass header.i=@example.com;\n"
    " spf=pass smtp.mailfrom=example.com; dmarc=pass header.from=example.com\n"
    "From: a@example.com\nSubject: hi\n")


def test_results_without_the_signature_header_do_not_contradict_each_other() -> None:
    text = card_text(headers_card(analyse_headers(RESULTS_ONLY)))
    assert "DKIM: pass, d=example.com aligned with From" in text
    assert ("DKIM-Signature not in the pasted headers; the receiving server reported "
            "dkim=pass for d=example.com") in text
    assert "no signature" not in text


def test_no_signature_and_no_result_says_both() -> None:
    text = card_text(headers_card(analyse_headers("From: a@example.com\nSubject: hi\n")))
    assert "DKIM: no DKIM-Signature header and no receiver result" in text
    assert "Headers: 2 header field(s); no Received headers" in text


def test_signed_sample_lists_its_signatures() -> None:
    report = analyse_headers((DATA / "gmail_newsletter.eml").read_text())
    text = card_text(headers_card(report))
    assert "DKIM d=shop.example s=s1: aligned (strict)" in text
    assert "DKIM-Signature not in the pasted headers" not in text
    assert "Headers:" not in text
