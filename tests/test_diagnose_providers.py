"""Recognising the provider behind a relay from its host name and banner."""

from __future__ import annotations

import pytest

from smtptui.diagnose import PROVIDERS, provider_name, provider_of

HOSTS = [
    ("smtp.gmail.com", "gmail"),
    ("smtp-relay.gmail.com", "gmail"),
    ("SMTP.GMAIL.COM.", "gmail"),
    ("smtp.office365.com", "microsoft365"),
    ("acme-com.mail.protection.outlook.com", "microsoft365"),
    ("smtp-mail.outlook.com", "outlook"),
    ("smtp.mail.yahoo.com", "yahoo"),
    ("smtp.aol.com", "yahoo"),
    ("smtp.mail.me.com", "icloud"),
    ("smtp.sendgrid.net", "sendgrid"),
    ("smtp.eu.mailgun.org", "mailgun"),
    ("smtp.postmarkapp.com", "postmark"),
    ("email-smtp.eu-central-1.amazonaws.com", "ses"),
    ("smtp.zoho.com", "zoho"),
    ("smtppro.zoho.eu", "zoho"),
]

BANNERS = [
    ("220 smtp.gmail.com ESMTP a640c23a62f3a-a7 - gsmtp", "gmail"),
    ("220 AM0PR02CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready at Mon",
     "microsoft365"),
    ("220 smtp.mail.yahoo.com ESMTP ready", "yahoo"),
    ("220 p00-icloudmta-asmtp-us-west-2a ESMTP", "icloud"),
    ("220 SG ESMTP service ready at geopod-ismtpd-3", "sendgrid"),
    ("220 Mailgun Influx ready", "mailgun"),
    ("220 smtp.postmarkapp.com ESMTP Postmark", "postmark"),
    ("220 email-smtp.amazonaws.com ESMTP SimpleEmailService-d-ABC123", "ses"),
    ("220 mx.zohomail.com SMTP Server ready", "zoho"),
]


@pytest.mark.parametrize(("host", "expected"), HOSTS)
def test_host_names(host: str, expected: str) -> None:
    assert provider_of("", host) == expected


@pytest.mark.parametrize(("banner", "expected"), BANNERS)
def test_banners_identify_aliased_relays(banner: str, expected: str) -> None:
    assert provider_of(banner, "relay.acme.example") == expected


def test_every_provider_is_recognisable() -> None:
    assert {p.id for p in PROVIDERS} == {e for _, e in HOSTS}
    assert {p.id for p in PROVIDERS} - {"outlook"} == {e for _, e in BANNERS}


def test_host_beats_banner_for_outlook_com() -> None:
    banner = "220 DM6PR01CA0001.outlook.office365.com Microsoft ESMTP MAIL Service ready"
    assert provider_of(banner, "smtp-mail.outlook.com") == "outlook"
    assert provider_of(banner, "") == "microsoft365"


@pytest.mark.parametrize(("server", "host"), [
    ("220 mail.example.net ESMTP Postfix (Debian/GNU)", "mail.example.net"),
    ("220 notgmail.com.evil.example ESMTP", "gmail.com.evil.example"),
    ("", ""),
    ("\x1b[2J" * 10_000, "\x00"),
    ("220 mysendgridclone.example ESMTP", "yahoo.com.example.org"),
])
def test_unknown_servers_are_not_misattributed(server: str, host: str) -> None:
    assert provider_of(server, host) is None


def test_provider_names() -> None:
    assert provider_name("microsoft365") == "Microsoft 365"
    assert provider_name(None) == provider_name("nope") == "the server"
