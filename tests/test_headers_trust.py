"""Whose Authentication-Results count (RFC 8601 5/7.1) and which From address is the
sender's (RFC 5322 3.4, RFC 7489 6.6.1), on message files kept in tests/data/headers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from smtptui.cli import main
from smtptui.dnscheck.headers import HeaderReport, analyse_headers
from smtptui.dnscheck.headers.mailbox import parse_mailboxes

DATA = Path(__file__).parent / "data" / "headers"


def sample(name: str, trust: tuple[str, ...] = ()) -> HeaderReport:
    return analyse_headers((DATA / name).read_text(), trust)


def verdicts(report: HeaderReport) -> dict[str, tuple[str, str]]:
    return {v.mechanism: (v.result, v.level) for v in report.verdicts}


def test_one_receiver_writing_a_header_per_milter_is_trusted_whole() -> None:
    r = sample("icloud_milters.eml")
    assert [i.split(".", 1)[0] for i in r.trusted_ids] == ["dmarcmilter", "dkimmilter",
                                                           "spfmilter"]
    v = verdicts(r)
    assert v["spf"] == ("pass", "pass") and v["dkim"] == ("pass", "pass")
    assert v["dmarc"] == ("pass", "pass")
    # A header with the receiver's id below the sender's own hop is not the receiver's.
    assert len(r.auth_results) == 4 and len(r.trusted_results) == 3


def test_results_below_the_first_external_hop_are_not_trusted() -> None:
    r = sample("display_name_spoof.eml")
    assert r.trusted_ids == ("mx.google.com",)
    assert [res.props.get("header.from") for res in r.results_for("dmarc")] == ["evil.example"]


def test_trust_names_the_ids() -> None:
    r = sample("icloud_milters.eml", ("spfmilter.p00-icloudmta-asmtp-us-west-1a-20-percent-0"
                                      ".mail.us-west-1.apple.example",))
    v = verdicts(r)
    assert v["spf"] == ("pass", "pass") and v["dmarc"][0] == "unknown"
    # A parent name trusts every host under it, wherever the header sits.
    r = sample("icloud_milters.eml", ("apple.example",))
    assert len(r.trusted_results) == 4


def test_without_received_only_the_receivers_ids_count() -> None:
    r = analyse_headers("From: a@example.com\n"
                        "Authentication-Results: mx1.receiver.example; spf=fail "
                        "smtp.mailfrom=example.com\n"
                        "Authentication-Results: mx2.receiver.example; dkim=pass "
                        "header.d=example.com\n"
                        "Authentication-Results: forged.example; dmarc=pass "
                        "header.from=example.com\n\n")
    assert r.trusted_ids == ("mx1.receiver.example", "mx2.receiver.example")
    assert verdicts(r)["dmarc"][0] == "unknown"


def test_display_name_address_is_not_the_from_address() -> None:
    r = sample("display_name_spoof.eml")
    assert (r.from_address, r.from_domain) == ("attacker@evil.example", "evil.example")
    v = verdicts(r)
    assert v["from"] == ("display-name", "warn")
    assert v["dkim"] == ("pass", "pass")        # aligned with evil.example, as Gmail says
    assert any("ceo@bank.example" in reason and "attacker@evil.example" in reason
               for reason in r.spam_reasons)


def test_several_from_addresses_are_flagged() -> None:
    r = sample("two_from.eml")
    assert verdicts(r)["from"] == ("several", "fail")
    assert [b.address for b in r.from_mailboxes] == ["news@sender.example",
                                                    "billing@other.example"]
    r = analyse_headers("From: a@one.example, b@two.example\n\n")
    assert verdicts(r)["from"] == ("several", "fail") and r.from_domain == "one.example"


@pytest.mark.parametrize(("raw", "expected"), [
    ("ceo@bank.example <attacker@evil.example>", [("attacker@evil.example", "ceo@bank.example")]),
    ('"Doe, Jane" <jane@x.example>', [("jane@x.example", "Doe, Jane")]),
    ("=?utf-8?q?ceo=40bank=2Eexample?= <a@evil.example>", [("a@evil.example",
                                                            "ceo@bank.example")]),
    ("jane@x.example (Jane Doe)", [("jane@x.example", "Jane Doe")]),
    ("a@x.example, B <b@y.example>", [("a@x.example", ""), ("b@y.example", "B")]),
    ("Team: a@x.example, b@y.example;", [("a@x.example", ""), ("b@y.example", "")]),
])
def test_mailbox_parsing(raw: str, expected: list[tuple[str, str]]) -> None:
    assert [(b.address, b.display_name) for b in parse_mailboxes([raw])] == expected


def test_same_organisation_in_the_display_name_is_not_a_spoof() -> None:
    r = analyse_headers("From: support@shop.example <noreply@mail.shop.example>\n\n")
    assert "from" not in verdicts(r)


def test_cli_trust_flag_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["headers", str(DATA / "icloud_milters.eml"), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and len(data["trusted_ids"]) == 3
    code = main(["headers", str(DATA / "icloud_milters.eml"), "--trust", "nobody.example"])
    out = capsys.readouterr().out
    assert code == 0 and "Results from" not in out and "spf: " in out


def test_the_receivers_header_from_disagreeing_is_said() -> None:
    r = analyse_headers("From: a@x.example\nAuthentication-Results: mx.example; dmarc=pass "
                        "header.from=y.example\n\n")
    assert verdicts(r)["from"] == ("mismatch", "warn")
