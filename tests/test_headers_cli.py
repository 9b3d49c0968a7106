"""`smtptui headers FILE|-`: exit codes, JSON, stdin, unreadable input."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from smtptui.cli import main

DATA = Path(__file__).parent / "data" / "headers"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(("name", "code"), [
    ("gmail_newsletter.eml", 0), ("microsoft365_junk.eml", 1), ("mailing_list_arc.eml", 1)])
def test_exit_codes(name: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    got, out, err = run(capsys, "headers", str(DATA / name))
    assert got == code, out
    assert "Verdicts" in out and err == ""


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "headers", str(DATA / "microsoft365_junk.eml"), "--json")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert {v["mechanism"] for v in data["verdicts"]} >= {"spf", "dkim", "dmarc", "arc"}
    assert any("SCL 5" in r for r in data["spam_reasons"])


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    raw = (DATA / "gmail_newsletter.eml").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    code, out, _ = run(capsys, "headers", "-")
    assert code == 0 and 'From: "Example Shop" <news@shop.example>' in out


@pytest.mark.parametrize(("content", "message"), [
    (None, "cannot read"), (b"just some text\nwith no headers\n", "no mail headers"),
])
def test_bad_input_exits_2(tmp_path: Path, content: bytes | None, message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "h.eml"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "headers", str(path))
    assert code == 2 and out == "" and message in err


def test_invalid_utf8_is_tolerated(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "h.eml"
    path.write_bytes(b"From: a@example.com\nSubject: caf\xe9 \x1b[5m\n\n")
    code, out, _ = run(capsys, "headers", str(path))
    assert code == 0 and "\x1b" not in out and "caf\ufffd" in out


def test_a_single_header_is_analysed_and_what_is_missing_said(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "h.eml"
    path.write_bytes(b"Subject: hi\n")
    code, out, err = run(capsys, "headers", str(path))
    assert err == "" and code == 0  # not signed is a warning (RFC 8601: none), no failure
    assert ("headers: 1 header field(s); no Received headers (the delivery path is "
            "unknown); no Authentication-Results") in out
    code, out, _ = run(capsys, "headers", str(path), "--json")
    data = json.loads(out)
    assert data["header_count"] == 1 and data["subject"] == "hi"
    assert data["verdicts"][0]["mechanism"] == "headers"


def test_a_clock_skew_is_shown_with_one_sign(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "skew.eml"
    path.write_text(
        "Received: from b.example by c.example with ESMTP; Wed, 3 Jan 2024 08:00:07 +0000\n"
        "Received: from a.example by b.example with ESMTP; Wed, 3 Jan 2024 08:00:10 +0000\n"
        "Received: from x.example by a.example with ESMTP; Wed, 3 Jan 2024 08:00:05 +0000\n"
        "From: a@a.example\nSubject: skew\n\n")
    code, out, _ = run(capsys, "headers", str(path))
    assert "+-" not in out
    assert " 2.     +5 s  a.example" in out and " 3.     -3 s  b.example" in out
    assert "clock skew at hop 3 (-3 s)" in out


def test_a_dmarc_fail_explanation_agrees_with_the_aligned_passes_above(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "strict.eml"
    path.write_text(
        "Authentication-Results: mx.google.com; spf=pass smtp.mailfrom=bounce.shop.example;"
        " dkim=pass header.d=mail.shop.example header.s=s1; dmarc=fail (p=REJECT sp=REJECT"
        " dis=NONE) header.from=shop.example\n"
        'From: "Shop" <news@shop.example>\nSubject: strict\n\n')
    code, out, _ = run(capsys, "headers", str(path))
    assert code == 1
    assert "spf: pass, smtp.mailfrom=bounce.shop.example aligned with From" in out
    assert "dkim: pass, d=mail.shop.example aligned with From" in out
    assert "neither SPF nor DKIM" not in out
    assert ("dmarc: fail: the receiver found no aligned pass: SPF (bounce.shop.example) and "
            "DKIM (mail.shop.example) passed, aligned with From only in relaxed mode; the "
            "domain's DMARC record probably requires strict alignment (aspf=s/adkim=s) "
            "(header.from=shop.example, policy reject, action none)") in out
    code, out, _ = run(capsys, "headers", str(path), "--json")
    reason = next(r for r in json.loads(out)["spam_reasons"] if r.startswith("DMARC"))
    assert "neither" not in reason and "strict alignment" in reason


def test_a_dmarc_fail_with_no_aligned_pass_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "headers", str(DATA / "microsoft365_junk.eml"))
    assert ("dmarc: fail: neither SPF nor DKIM passed aligned with the From domain "
            "(header.from=partner.example, action quarantine)") in out
