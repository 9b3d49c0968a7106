"""Autodiscovery: RFC 6186 SRV ordering, "." targets, MX -> provider preset, name guesses."""

from __future__ import annotations

import pytest

from smtptui.dnscheck.discover import discover, split_address
from smtptui.dnscheck.providers import PRESET_SERVERS, match_mx
from smtptui.dnscheck.resolver import DnsInputError
from tests.dnsserver import DnsServer

MX_CASES = {
    "gw.test": ("aspmx.l.google.com.", "gmail", "smtp.gmail.com", 587, "starttls", None),
    "m365.test": ("contoso-com.mail.protection.outlook.com.", "microsoft365",
                  "smtp.office365.com", 587, "starttls", None),
    "olc.test": ("hotmail-com.olc.protection.outlook.com.", "outlook",
                 "smtp-mail.outlook.com", 587, "starttls", None),
    "apple.test": ("mx01.mail.icloud.com.", "icloud", "smtp.mail.me.com", 587, "starttls",
                   None),
    "yah.test": ("mta5.am0.yahoodns.net.", "yahoo", "smtp.mail.yahoo.com", 587, "starttls",
                 None),
    "mg.test": ("mxa.eu.mailgun.org.", "mailgun", "smtp.eu.mailgun.org", 587, "starttls",
                "eu"),
    "sg.test": ("mx.sendgrid.net.", "sendgrid", "smtp.sendgrid.net", 587, "starttls", None),
    "ses.test": ("inbound-smtp.eu-west-1.amazonaws.com.", "ses",
                 "email-smtp.eu-west-1.amazonaws.com", 587, "starttls", "eu-west-1"),
    "zoho.test": ("mx.zoho.eu.", "zoho", "smtp.zoho.eu", 465, "implicit", "eu"),
    "pm.test": ("inbound.postmarkapp.com.", "postmark", "smtp.postmarkapp.com", 587,
                "starttls", None),
}

ZONES: dict[str, object] = {
    "example.com": {
        "_submissions._tcp": [("SRV", "0 1 465 mail.example.com.")],
        "_submission._tcp": [("SRV", "10 5 587 smtp1.example.com."),
                             ("SRV", "10 10 587 smtp2.example.com."),
                             ("SRV", "5 0 2525 smtp0.example.com.")],
        "@": [("MX", "10 aspmx.l.google.com."), ("MX", "20 alt1.aspmx.l.google.com.")],
    },
    "noimplicit.test": {
        "_submissions._tcp": [("SRV", "0 0 0 .")],
        "_submission._tcp": [("SRV", "0 0 587 mail.noimplicit.test.")],
    },
    "unknown.test": {"@": [("MX", "10 mx.unknown.test.")], "smtp": [("A", "192.0.2.5")]},
    "empty.test": {"@": [("A", "192.0.2.1")]},
    **{zone: {"@": [("MX", f"10 {case[0]}")]} for zone, case in MX_CASES.items()},
}


async def test_srv_records_ordered_implicit_first_then_priority_then_weight(
        server: DnsServer) -> None:
    d = await discover("ops@example.com", nameserver=server.address, timeout=2)
    assert [(s.host, s.port, s.security, s.source) for s in d.suggestions] == [
        ("mail.example.com", 465, "implicit", "srv"),
        ("smtp0.example.com", 2525, "starttls", "srv"),
        ("smtp2.example.com", 587, "starttls", "srv"),
        ("smtp1.example.com", 587, "starttls", "srv"),
        ("smtp.gmail.com", 587, "starttls", "mx"),
    ]
    assert d.suggestions[-1].preset == "gmail"
    assert d.mx == ("aspmx.l.google.com", "alt1.aspmx.l.google.com")
    assert d.best is d.suggestions[0]


async def test_dot_target_means_not_offered(server: DnsServer) -> None:
    d = await discover("a@noimplicit.test", nameserver=server.address, timeout=2)
    assert [(s.host, s.security) for s in d.suggestions] == [("mail.noimplicit.test",
                                                              "starttls")]
    assert any("explicitly not offered" in f.text for f in d.findings)


@pytest.mark.parametrize("zone", sorted(MX_CASES))
async def test_mx_maps_to_a_preset(server: DnsServer, zone: str) -> None:
    _mx, preset, host, port, security, region = MX_CASES[zone]
    d = await discover(f"someone@{zone}", nameserver=server.address, timeout=2)
    best = d.best
    assert best is not None
    assert (best.preset, best.host, best.port, best.security, best.region, best.source) == (
        preset, host, port, security, region, "mx")


async def test_unknown_provider_falls_back_to_names_that_resolve(server: DnsServer) -> None:
    d = await discover("x@unknown.test", nameserver=server.address, timeout=2)
    assert [(s.host, s.source) for s in d.suggestions] == [("smtp.unknown.test", "guess")]
    assert any("matches no known provider" in f.text for f in d.findings)


async def test_nothing_found(server: DnsServer) -> None:
    d = await discover("empty.test", nameserver=server.address, timeout=2)
    assert d.suggestions == ()
    assert d.findings[-1].level == "fail"


@pytest.mark.parametrize("bad", ["", "a@b@c.example", "@example.com", "user@", "x@not a domain"])
def test_bad_addresses(bad: str) -> None:
    with pytest.raises(DnsInputError):
        split_address(bad)


def test_split_address_normalises_idn() -> None:
    assert split_address("Jö@Bücher.Example") == ("Jö@Bücher.Example", "xn--bcher-kva.example")


@pytest.mark.parametrize(("mx", "preset"), [
    ("ALT2.ASPMX.L.GOOGLE.COM.", "gmail"), ("smtp.google.com", "gmail"),
    ("aspmx2.googlemail.com", "gmail"), ("example-com.l-v1.mx.microsoft", "microsoft365"),
    ("mx.zoho.com", "zoho"), ("mxb.mailgun.org", "mailgun"),
    ("mx.example.com", None), ("google.com.evil.example", None),
    ("notsendgrid.net", None),
])
def test_match_mx(mx: str, preset: str | None) -> None:
    m = match_mx(mx)
    assert (m.preset if m else None) == preset


def test_every_preset_key_has_a_server() -> None:
    assert set(PRESET_SERVERS) == {"gmail", "microsoft365", "outlook", "sendgrid", "mailgun",
                                   "postmark", "ses", "zoho", "icloud", "yahoo"}


async def test_a_known_mailbox_domain_needs_no_dns(silent_nameserver: str) -> None:
    from smtptui.dnscheck.discover import discover

    found = await discover("ops@gmail.com", nameserver=silent_nameserver, timeout=0.3)
    first = found.suggestions[0]
    assert (first.preset, first.host, first.port, first.source) == (
        "gmail", "smtp.gmail.com", 587, "domain")
    assert not any(f.level == "fail" for f in found.findings)
