"""Header grammar to the letter: CFWS anywhere in Authentication-Results (RFC 8601 2.2 and
Appendix B.7), Received dates with -04:00 offsets and fractions, other envelope-sender
properties, the whole ``with`` clause, and negative transit times."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtptui.dnscheck.headers import analyse_headers
from smtptui.dnscheck.headers.authres import parse_auth_results
from smtptui.dnscheck.headers.received import parse_received

DATA = Path(__file__).parent / "data" / "headers"

B7 = ("foo.example.net (foobar) 1 (baz); dkim (Because I like it) / 1 (One yay) = (wait "
      "for it) fail policy (A dot can go here) . (like that) expired (this surprised me) = "
      "(as I wasn't expecting it) 1362471462")


def test_rfc8601_appendix_b7() -> None:
    h = parse_auth_results(B7)
    assert h.authserv_id == "foo.example.net"
    (r,) = h.results
    assert (r.method, r.result, r.props) == ("dkim", "fail", {"policy.expired": "1362471462"})
    assert "Because I like it" in r.comments


@pytest.mark.parametrize("value", [
    "mx.example; spf = pass smtp.mailfrom = a@example.com",
    "mx.example; spf= pass smtp.mailfrom =a@example.com",
    "mx.example;spf=pass (ok) smtp . mailfrom=a@example.com",
])
def test_spaces_around_equals(value: str) -> None:
    (r,) = parse_auth_results(value).results
    assert (r.method, r.result, r.prop("smtp.mailfrom")) == ("spf", "pass", "a@example.com")


def test_a_trailing_dot_in_a_value_stays_put() -> None:
    (r,) = parse_auth_results("mx.example; spf=pass smtp.helo=mail.example.com. "
                              "smtp.mailfrom=a@example.com").results
    assert r.props == {"smtp.helo": "mail.example.com.", "smtp.mailfrom": "a@example.com"}


def test_a_real_chain_across_time_zones_has_no_false_skew() -> None:
    r = analyse_headers((DATA / "yandex_offsets.eml").read_text())
    assert [h.delay_s for h in r.hops] == [None, pytest.approx(2.342),
                                          pytest.approx(0.285)]
    delivery = next(v for v in r.verdicts if v.mechanism == "delivery")
    assert delivery.result == "ok" and "skew" not in delivery.detail
    spf = next(v for v in r.verdicts if v.mechanism == "spf")
    assert (spf.result, spf.level) == ("pass", "pass")
    assert "smtp.mailfrom=partner.example aligned" in spf.detail      # from smtp.mail=
    dkim = next(v for v in r.verdicts if v.mechanism == "dkim")
    assert dkim.result == "pass"


def test_smtp_mfrom_is_the_envelope_sender() -> None:
    r = analyse_headers("From: a@example.org\nAuthentication-Results: mx.example; spf=pass "
                        "smtp.mfrom=bounce@example.org\n\n")
    spf = next(v for v in r.verdicts if v.mechanism == "spf")
    assert "smtp.mailfrom=example.org aligned" in spf.detail


def test_negative_transit_is_not_healthy() -> None:
    r = analyse_headers(
        "From: a@example.com\n"
        "Received: from b by c; Mon, 1 Jan 2024 10:00:00 +0000\n"
        "Received: from a by b; Mon, 1 Jan 2024 10:05:00 +0000\n\n")
    delivery = next(v for v in r.verdicts if v.mechanism == "delivery")
    assert (delivery.result, delivery.level) == ("clock-skew", "warn")
    assert r.total_delay_s == -300.0


def test_the_with_clause_is_kept_whole() -> None:
    r = analyse_headers((DATA / "microsoft365_junk.eml").read_text())
    assert r.hops[1].protocol == ("Microsoft SMTP Server (version=TLS1_2, "
                                  "cipher=TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384)")
    assert r.hops[1].tls is True
    fields, _ = parse_received("from a (a [192.0.2.1]) by b with ESMTPS id X for <u@b>; "
                               "Mon, 1 Jan 2024 00:00:00 +0000")
    assert fields["protocol"] == "ESMTPS"
