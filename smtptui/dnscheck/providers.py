"""Which mail provider an MX host belongs to, as a provider preset key.

Deliberately independent of ``smtptui.profiles``: a small table of MX patterns and the
submission server each preset uses (host, port, security).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PRESET_SERVERS: dict[str, tuple[str, str, int, str]] = {
    # key: (provider name, submission host, port, security)
    "gmail": ("Google (Gmail / Workspace)", "smtp.gmail.com", 587, "starttls"),
    "microsoft365": ("Microsoft 365", "smtp.office365.com", 587, "starttls"),
    "outlook": ("Outlook.com", "smtp-mail.outlook.com", 587, "starttls"),
    "sendgrid": ("SendGrid", "smtp.sendgrid.net", 587, "starttls"),
    "mailgun": ("Mailgun", "smtp.mailgun.org", 587, "starttls"),
    "postmark": ("Postmark", "smtp.postmarkapp.com", 587, "starttls"),
    "ses": ("Amazon SES", "email-smtp.{region}.amazonaws.com", 587, "starttls"),
    "zoho": ("Zoho Mail", "smtp.zoho.com", 465, "implicit"),
    "icloud": ("iCloud Mail", "smtp.mail.me.com", 587, "starttls"),
    "yahoo": ("Yahoo Mail", "smtp.mail.yahoo.com", 587, "starttls"),
}

_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"(?:^|\.)(?:google|googlemail)\.com$", "gmail"),
    (r"\.olc\.protection\.outlook\.com$", "outlook"),
    (r"\.mail\.protection\.outlook\.com$", "microsoft365"),
    (r"\.mx\.microsoft$", "microsoft365"),
    (r"(?:^|\.)zoho(?:mail)?\.(?P<zone>com|eu|in|com\.au|jp|com\.cn|sa)$", "zoho"),
    (r"(?:^|\.)mail\.icloud\.com$", "icloud"),
    (r"(?:^|\.)yahoodns\.net$", "yahoo"),
    (r"(?:^|\.)(?P<eu>eu\.)?mailgun\.org$", "mailgun"),
    (r"(?:^|\.)sendgrid\.net$", "sendgrid"),
    (r"^inbound-smtp\.(?P<region>[a-z]{2}(?:-[a-z]+)+-\d)\.amazonaws\.com$", "ses"),
    (r"(?:^|\.)postmarkapp\.com$", "postmark"),
)


@dataclass(frozen=True)
class ProviderMatch:
    preset: str
    provider: str
    host: str
    port: int
    security: str
    region: str | None = None


def match_mx(mx_host: str) -> ProviderMatch | None:
    """``aspmx.l.google.com`` -> the ``gmail`` preset; ``None`` for unknown hosts."""
    host = mx_host.rstrip(".").lower()
    for pattern, key in _PATTERNS:
        m = re.search(pattern, host)
        if not m:
            continue
        provider, server, port, security = PRESET_SERVERS[key]
        groups = m.groupdict()
        region = groups.get("region")
        if region:
            server = server.format(region=region)
        if groups.get("eu"):
            server, region = "smtp.eu.mailgun.org", "eu"
        zone = groups.get("zone")
        if zone and zone != "com":
            server, region = f"smtp.zoho.{zone}", zone
        return ProviderMatch(key, provider, server, port, security, region)
    return None


MAILBOX_DOMAINS: dict[str, str] = {
    "gmail.com": "gmail", "googlemail.com": "gmail",
    "outlook.com": "outlook", "hotmail.com": "outlook", "live.com": "outlook",
    "msn.com": "outlook",
    "yahoo.com": "yahoo", "ymail.com": "yahoo", "rocketmail.com": "yahoo",
    "icloud.com": "icloud", "me.com": "icloud", "mac.com": "icloud",
    "zoho.com": "zoho", "zohomail.com": "zoho",
}
"""Consumer mailbox domains whose submission server is known without any DNS."""


def match_domain(domain: str) -> ProviderMatch | None:
    """``gmail.com`` -> the ``gmail`` preset (also ``yahoo.co.uk`` and the like)."""
    domain = domain.rstrip(".").lower()
    key = MAILBOX_DOMAINS.get(domain)
    if key is None and domain.startswith("yahoo."):
        key = "yahoo"
    if key is None:
        return None
    provider, server, port, security = PRESET_SERVERS[key]
    return ProviderMatch(key, provider, server, port, security)
