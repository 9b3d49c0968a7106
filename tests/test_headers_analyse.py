"""Header analyser on real-world-shaped samples (tests/data/headers) and on its parts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtptui.dnscheck.headers import HeaderReport, analyse_headers
from smtptui.dnscheck.headers.authres import parse_auth_results, parse_received_spf
from smtptui.dnscheck.headers.lexer import split_outside, strip_comments, words
from smtptui.dnscheck.headers.received import parse_date, parse_received, received_chain
from smtptui.dnscheck.render import Renderer

DATA = Path(__file__).parent / "data" / "headers"


def sample(name: str) -> HeaderReport:
    return analyse_headers((DATA / name).read_text())


def verdicts(report: HeaderReport) -> dict[str, tuple[str, str]]:
    return {v.mechanism: (v.result, v.level) for v in report.verdicts}


def test_gmail_newsletter_is_clean() -> None:
    r = sample("gmail_newsletter.eml")
    assert (r.from_address, r.from_domain, r.authserv_id) == (
        "news@shop.example", "shop.example", "mx.google.com")
    assert verdicts(r) == {
        "spf": ("pass", "pass"), "dkim": ("pass", "pass"), "dmarc": ("pass", "pass"),
        "arc": ("pass", "pass"), "unsubscribe": ("one-click", "pass"),
        "delivery": ("ok", "pass")}
    assert r.one_click and r.spam_reasons == ()
    assert [(s.domain, s.selector, s.aligned_strict, s.aligned_relaxed)
            for s in r.dkim_signatures] == [("shop.example", "s1", True, True),
                                            ("sendgrid.info", "smtpapi", False, False)]
    assert [h.by_host for h in r.hops] == ["geopod-ismtpd-3", "filterdrecv-6d5c8c4f4b-x2x9q",
                                           "mx.google.com", "2002:a05:7300:5b8e:b0:ea:1c2f:9a1"]
    assert r.hops[2].from_ip == "198.51.100.7" and r.hops[2].tls
    assert r.hops[2].delay_s == pytest.approx(20.38761)  # fractional seconds are kept
    assert r.total_delay_s == pytest.approx(21.47)
    assert r.level == "pass"


def test_microsoft365_junk_explains_why() -> None:
    r = sample("microsoft365_junk.eml")
    assert r.authserv_id == ""  # Microsoft writes no authserv-id
    assert verdicts(r) == {
        "spf": ("softfail", "warn"), "dkim": ("none", "warn"), "dmarc": ("fail", "fail"),
        "arc": ("none", "info"), "unsubscribe": ("none", "info"),
        "spam-filter": ("SCL 5", "fail"), "delivery": ("ok", "pass")}
    assert any("SCL 5" in reason for reason in r.spam_reasons)
    assert any("DMARC fail" in reason for reason in r.spam_reasons)
    dmarc = next(v for v in r.verdicts if v.mechanism == "dmarc")
    assert "action quarantine" in dmarc.detail
    assert r.hops[1].from_ip == "203.0.113.9"
    assert r.received_spf[0].result == "softfail"
    assert r.received_spf[0].props["client-ip"] == "203.0.113.9"
    assert r.level == "fail"


def test_mailing_list_with_arc() -> None:
    r = sample("mailing_list_arc.eml")
    assert r.skipped_lines == 2  # the preamble lines before the headers
    assert r.arc.instances == 2 and r.arc.valid
    assert [(s.instance, s.cv, s.domain) for s in r.arc.seals] == [
        (1, "none", "lists.example.org"), (2, "pass", "google.com")]
    assert [a.instance for a in r.arc.results] == [2, 1]
    v = verdicts(r)
    assert v["dmarc"] == ("fail", "fail") and v["arc"] == ("pass", "pass")
    assert v["dkim"] == ("pass", "warn") and v["spf"] == ("pass", "warn")
    assert v["unsubscribe"] == ("present", "warn")
    assert v["delivery"] == ("slow", "warn")
    dmarc = next(x for x in r.verdicts if x.mechanism == "dmarc")
    assert "policy reject" in dmarc.detail and "ARC" in dmarc.detail
    dkim = next(x for x in r.verdicts if x.mechanism == "dkim")
    assert "d=sender.example did not verify" in dkim.detail
    assert r.hops[0].from_ip == "203.0.113.77"
    assert max(h.delay_s or 0 for h in r.hops) == 1000.0


def test_reports_serialise_to_json() -> None:
    for name in ("gmail_newsletter.eml", "microsoft365_junk.eml", "mailing_list_arc.eml"):
        data = json.loads(json.dumps(sample(name).to_json()))
        assert data["verdicts"] and data["level"] in ("pass", "warn", "fail")


def test_control_characters_never_reach_the_terminal() -> None:
    text = ("From: Evil <e@evil.example>\n"
            "Subject: \x1b[2J\x1b]0;owned\x07 hi\n"
            "Authentication-Results: mx.example; dmarc=fail\x1b[31m header.from=evil.example\n"
            "\n")
    r = analyse_headers(text)
    rendered = Renderer().headers(r)
    assert "\x1b" not in rendered and "\x07" not in rendered
    assert "\\x1b" in rendered
    assert all("\x1b" not in v.detail for v in r.verdicts)


def test_junk_and_quoting_are_skipped_and_body_ignored() -> None:
    text = ("> quoted reply line\nrandom junk\n\nFrom: a@example.com\nnot a header line\n"
            "Subject: x\n   continued\n\nBody: not a header\n")
    r = analyse_headers(text)
    assert r.from_address == "a@example.com"
    assert r.subject == "x continued"
    assert r.skipped_lines == 3


def test_empty_or_garbage_input_does_not_crash() -> None:
    for text in ("", "\n\n", "no headers at all", "From: <<<\n\n", "Received: ;\n\n",
                 "DKIM-Signature: d\n\n", "ARC-Seal: i=x; cv\n\n"):
        analyse_headers(text)


def test_crlf_input() -> None:
    r = analyse_headers("From: a@example.com\r\nAuthentication-Results: x; spf=pass "
                        "smtp.mailfrom=example.com\r\n\r\n")
    assert verdicts(r)["spf"] == ("pass", "pass")


def test_no_dkim_and_spf_fail_is_spam_material() -> None:
    r = analyse_headers("From: a@example.com\nAuthentication-Results: mx.example;\n"
                        " spf=fail smtp.mailfrom=example.com; dkim=none; dmarc=fail "
                        "header.from=example.com\n\n")
    v = verdicts(r)
    assert v["spf"] == ("fail", "fail") and v["dkim"] == ("none", "warn")
    assert len(r.spam_reasons) >= 3


def test_only_the_topmost_receivers_results_are_trusted() -> None:
    r = analyse_headers("From: a@example.com\n"
                        "Authentication-Results: mx.receiver.example; spf=fail "
                        "smtp.mailfrom=example.com\n"
                        "Authentication-Results: forged.example; spf=pass "
                        "smtp.mailfrom=example.com\n\n")
    assert r.authserv_id == "mx.receiver.example"
    assert verdicts(r)["spf"] == ("fail", "fail")


def test_one_click_requires_https() -> None:
    r = analyse_headers("From: a@example.com\nList-Unsubscribe: <mailto:u@example.com>\n"
                        "List-Unsubscribe-Post: List-Unsubscribe=One-Click\n\n")
    assert verdicts(r)["unsubscribe"] == ("invalid", "warn")


def test_rsa_sha1_signature_is_flagged() -> None:
    r = analyse_headers("From: a@example.com\nAuthentication-Results: mx; dkim=pass "
                        "header.d=example.com\nDKIM-Signature: v=1; a=rsa-sha1; d=example.com; "
                        "s=old; h=from; b=x; bh=y\n\n")
    assert verdicts(r)["dkim"] == ("pass", "warn")


def test_signature_without_receiver_results() -> None:
    r = analyse_headers("From: a@mail.example.com\nDKIM-Signature: v=1; a=rsa-sha256; "
                        "d=example.com; s=s1; h=from:to; b=x; bh=y\n\n")
    assert verdicts(r)["dkim"] == ("unknown", "pass")
    assert r.dkim_signatures[0].aligned_relaxed and not r.dkim_signatures[0].aligned_strict
    assert r.dkim_signatures[0].signs_from


def test_spamassassin_flag() -> None:
    r = analyse_headers("From: a@example.com\nX-Spam-Flag: YES\n"
                        "X-Spam-Status: Yes, score=7.3 required=5.0\n\n")
    assert verdicts(r)["spam-filter"] == ("spam", "fail")


# -- the parts -------------------------------------------------------------------------

def test_authentication_results_parsing() -> None:
    h = parse_auth_results(
        'mx.google.com; dkim=pass header.i=@a.example header.s=s1 header.b="Ab;C"; '
        "spf=pass (google.com: domain of x@a.example designates 192.0.2.1 as permitted "
        "sender; really) smtp.mailfrom=x@a.example; dmarc=fail reason=\"policy (p=reject)\" "
        "header.from=a.example")
    assert h.authserv_id == "mx.google.com"
    assert [(r.method, r.result) for r in h.results] == [("dkim", "pass"), ("spf", "pass"),
                                                         ("dmarc", "fail")]
    assert h.results[0].props["header.b"] == "Ab;C"
    assert h.results[1].comments == ("google.com: domain of x@a.example designates 192.0.2.1 "
                                     "as permitted sender; really",)
    assert h.results[2].reason == "policy (p=reject)"


def test_authentication_results_none_and_version() -> None:
    assert parse_auth_results("mx.example.org 1; none").results == ()
    arc = parse_auth_results("i=3; lists.example; spf=pass smtp.mailfrom=x", arc=True)
    assert (arc.instance, arc.authserv_id, arc.results[0].method) == (3, "lists.example", "spf")


def test_received_spf_parsing() -> None:
    r = parse_received_spf("Pass (mx: domain of a@b.example designates 192.0.2.1) "
                           "client-ip=192.0.2.1; envelope-from=\"a@b.example\"; helo=h;")
    assert (r.result, r.props["client-ip"], r.props["envelope-from"]) == (
        "pass", "192.0.2.1", "a@b.example")


def test_received_parsing() -> None:
    fields, when = parse_received(
        "from mx.a.example (mx.a.example [IPv6:2001:db8::1]) by mx.b.example (Postfix) "
        "with ESMTPS id ABC for <u@b.example>; Mon, 1 Jan 2024 00:00:00 +0100")
    assert fields == {"from_host": "mx.a.example", "from_ip": "2001:db8::1",
                      "by_host": "mx.b.example", "protocol": "ESMTPS", "id": "ABC",
                      "recipient": "u@b.example", "from_rdns": "mx.a.example"}
    assert when is not None and when.isoformat() == "2023-12-31T23:00:00+00:00"


def test_received_chain_is_oldest_first_with_negative_delay_kept() -> None:
    hops, total = received_chain([
        "by c; Mon, 1 Jan 2024 00:00:05 +0000",
        "by b; Mon, 1 Jan 2024 00:00:10 +0000",
        "by a; Mon, 1 Jan 2024 00:00:00 +0000"])
    assert [h.by_host for h in hops] == ["a", "b", "c"]
    assert [h.delay_s for h in hops] == [None, 10.0, -5.0]
    assert total == 5.0


@pytest.mark.parametrize(("text", "iso"), [
    ("Tue, 02 Jan 2024 10:15:35 -0800 (PST)", "2024-01-02T18:15:35+00:00"),
    ("2 Jan 2024 18:15:14.530 +0000 (UTC)", "2024-01-02T18:15:14.530000+00:00"),
    ("2024-01-02 18:15:14.612389554 +0000 UTC m=+1.5", "2024-01-02T18:15:14.612390+00:00"),
    ("Tue, 2 Jan 2024 18:15:14 -0000", "2024-01-02T18:15:14+00:00"),
    # -04:00 offsets and fractions (issue 18 item 15)
    ("Thu, 11 Jan 2024 10:21:05 -04:00", "2024-01-11T14:21:05+00:00"),
    ("Thu, 11 Jan 2024 10:21:05.5 -04:00", "2024-01-11T14:21:05.500000+00:00"),
    ("Thu, 11 Jan 2024 17:21:07.842 +0300", "2024-01-11T14:21:07.842000+00:00"),
    ("11 Jan 2024 14:21:05 GMT", "2024-01-11T14:21:05+00:00"),
    ("Thu, 11 Jan 2024 10:21:05 EDT", "2024-01-11T14:21:05+00:00"),
    ("2024-01-11T10:21:05.25-04:00", "2024-01-11T14:21:05.250000+00:00"),
    ("2024-01-11 14:21:05Z", "2024-01-11T14:21:05+00:00"),
])
def test_parse_date(text: str, iso: str) -> None:
    when = parse_date(text)
    assert when is not None and when.isoformat() == iso


def test_parse_date_garbage() -> None:
    assert parse_date("yesterday, probably") is None


def test_lexer() -> None:
    assert split_outside('a; b (c; d) "e;f"; g') == ["a", ' b (c; d) "e;f"', " g"]
    assert strip_comments("a (b (nested) c) d") == ("a   d", ["b (nested) c"])
    assert words('x="a b" y=c') == ["x=a b", "y=c"]


def test_unsigned_message_is_not_called_changed_in_transit() -> None:
    from pathlib import Path

    from smtptui.dnscheck.headers.analyse import analyse_headers

    text = (Path(__file__).parent / "data" / "headers" / "microsoft365_junk.eml").read_text()
    reasons = " ".join(analyse_headers(text).spam_reasons)
    assert "no DKIM signature" in reasons
    assert "changed in transit" not in reasons


def test_complete_samples_have_no_completeness_verdict() -> None:
    for name in ("gmail_newsletter.eml", "mailing_list_arc.eml", "microsoft365_junk.eml"):
        r = sample(name)
        assert "headers" not in verdicts(r) and r.header_count > 10


def test_received_spf_without_authentication_results_is_mentioned() -> None:
    r = analyse_headers("Received-SPF: pass (example.com: domain of a@example.com)\n"
                        "Received: from a by b; Mon, 1 Jan 2024 10:00:00 +0000\n"
                        "From: a@example.com\n")
    (partial,) = [v for v in r.verdicts if v.mechanism == "headers"]
    assert partial.detail == (
        "3 header field(s); no Authentication-Results (the receiving server's SPF, DKIM and "
        "DMARC results are unknown; Received-SPF is there): paste all the headers of the "
        "delivered message")
