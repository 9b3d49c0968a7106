"""Recognise the hosted mail provider behind a relay, from the host name and the server's text.

The host name the user typed is the stronger signal (Outlook.com and Microsoft 365 share
servers and banners); the greeting banner / EHLO text catches custom CNAMEs.
"""

from __future__ import annotations

from dataclasses import dataclass

from smtptui.diagnose.ruletypes import compiled

_SERVER_LIMIT = 4096


@dataclass(frozen=True, slots=True)
class Provider:
    """One provider: its id, display name and how to recognise it."""

    id: str
    name: str
    hosts: str
    """Regex (case-insensitive) on the host name without a trailing dot."""
    banner: str | None
    """Regex (case-insensitive) on the greeting banner and EHLO text; None: host only."""

    def matches_host(self, host: str) -> bool:
        return bool(host) and compiled(self.hosts).search(host) is not None

    def matches_banner(self, server: str) -> bool:
        return self.banner is not None and compiled(self.banner).search(server) is not None


PROVIDERS: tuple[Provider, ...] = (
    # Outlook.com before Microsoft 365: both live under outlook.com.
    Provider("outlook", "Outlook.com",
             r"(^|\.)(smtp-mail\.outlook\.com|smtp\.live\.com|hotmail\.com)$", None),
    Provider("microsoft365", "Microsoft 365",
             r"(^|\.)(office365\.com|outlook\.com|office\.com)$",
             r"\b(outlook\.office365\.com|protection\.outlook\.com|outlook\.com|office365\.com)\b"
             r"|Microsoft ESMTP MAIL Service"),
    Provider("gmail", "Gmail",
             r"(^|\.)(gmail\.com|googlemail\.com|google\.com)$",
             r"\bgsmtp\b|\b(smtp|smtp-relay|aspmx\.l)\.(gmail|google)\.com\b"),
    Provider("yahoo", "Yahoo Mail",
             r"(^|\.)(yahoo\.com|yahoodns\.net|aol\.com)$",
             r"\byahoo(dns)?\.(com|net)\b|\baol\.com\b"),
    Provider("icloud", "iCloud Mail",
             r"(^|\.)(me\.com|icloud\.com|mac\.com)$",
             r"\bicloud|\bmail\.me\.com\b"),
    Provider("sendgrid", "SendGrid",
             r"(^|\.)sendgrid\.(net|com)$",
             r"\bsendgrid\b|\bSG ESMTP\b|\bismtpd\b"),
    Provider("mailgun", "Mailgun",
             r"(^|\.)mailgun\.(org|net|com)$",
             r"\bmailgun\b"),
    Provider("postmark", "Postmark",
             r"(^|\.)postmarkapp\.com$",
             r"\bpostmark(app)?\b"),
    Provider("ses", "Amazon SES",
             r"(^|\.)(email-smtp(-fips)?\.[a-z0-9-]+\.amazonaws\.com|amazonses\.com)$",
             r"SimpleEmailService|\bamazonses\b|\bemail-smtp(-fips)?\.[a-z0-9.-]*amazonaws\.com"),
    Provider("zoho", "Zoho Mail",
             r"(^|\.)zoho(mail)?\.(com|eu|in|com\.au|com\.cn|jp|sa|ca)$",
             r"\bzoho(mail)?\b"),
)

_BY_ID: dict[str, Provider] = {p.id: p for p in PROVIDERS}


def provider_of(server: str, host: str = "") -> str | None:
    """The provider id for a relay, from its host name first, else its banner/EHLO text."""
    name = host.strip().rstrip(".").lower()
    for provider in PROVIDERS:
        if provider.matches_host(name):
            return provider.id
    text = server[:_SERVER_LIMIT]
    for provider in PROVIDERS:
        if provider.matches_banner(text):
            return provider.id
    return None


def provider_name(provider_id: str | None) -> str:
    """Display name for a provider id ("the server" when unknown)."""
    found = _BY_ID.get(provider_id or "")
    return found.name if found else "the server"
