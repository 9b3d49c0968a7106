"""Provider presets: where the big relays listen and what their credentials look like."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from smtptui.probe.config import TLSMode
from smtptui.profiles.errors import ProfilesError
from smtptui.profiles.model import Profile

_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")


@dataclass(frozen=True)
class Preset:
    """A known provider. ``host`` may hold ``{region}`` (Amazon SES)."""

    key: str
    label: str
    host: str
    port: int
    tls: TLSMode
    username_hint: str
    note: str
    username: str | None = None
    """A fixed username every account uses (SendGrid's ``apikey``), else None."""

    @property
    def needs_region(self) -> bool:
        return "{region}" in self.host

    def host_for(self, region: str | None = None) -> str:
        """The host name, with the region filled in where the provider needs one."""
        if not self.needs_region:
            return self.host
        if not region:
            raise ProfilesError(f'preset "{self.key}" needs a region, e.g. us-east-1')
        if not _REGION.match(region):
            raise ProfilesError(
                f'preset "{self.key}": region must look like us-east-1, got {region!r}')
        return self.host.format(region=region)

    def fields(self, region: str | None = None, *, host: str | None = None) -> dict[str, Any]:
        """The :class:`Profile` fields this preset sets (for ``ProfileFile.new_profile``);
        ``host`` replaces the preset's (a private endpoint, an EU host ...)."""
        out: dict[str, Any] = {"host": host or self.host_for(region), "port": self.port,
                               "tls": self.tls, "preset": self.key}
        if self.username is not None:
            out["username"] = self.username
        return out

    def to_profile(self, name: str, *, client: str = "", region: str | None = None,
                   **overrides: Any) -> Profile:
        """A new profile for this provider; ``overrides`` set any other :class:`Profile` field."""
        host = overrides.pop("host", None)
        fields = {**self.fields(region, host=host), "client": client, **overrides}
        return Profile(name=name, **fields)


def _p(key: str, label: str, host: str, port: int, tls: TLSMode, hint: str, note: str,
       username: str | None = None) -> tuple[str, Preset]:
    return key, Preset(key, label, host, port, tls, hint, note, username)


PRESETS: dict[str, Preset] = dict([
    _p("gmail", "Gmail / Google Workspace", "smtp.gmail.com", 587, "starttls",
       "your full email address",
       "needs an app password (2-Step Verification on) or OAuth (xoauth2); "
       "the account password is refused with 535 5.7.8"),
    _p("microsoft365", "Microsoft 365", "smtp.office365.com", 587, "starttls",
       "the user principal name (UPN)",
       "SMTP AUTH must be enabled for the mailbox (else 535 5.7.139); "
       "needs an app password with MFA, or OAuth (xoauth2)"),
    _p("outlook", "Outlook.com", "smtp-mail.outlook.com", 587, "starttls",
       "your Outlook.com address",
       "basic auth is being retired: may need OAuth (xoauth2) or an app password"),
    _p("sendgrid", "SendGrid", "smtp.sendgrid.net", 587, "starttls",
       'the literal word "apikey"',
       "password is an API key with Mail Send permission", username="apikey"),
    _p("mailgun", "Mailgun", "smtp.mailgun.org", 587, "starttls",
       "postmaster@your-domain (or another SMTP user of the domain)",
       "password is the domain's SMTP password; EU domains use smtp.eu.mailgun.org"),
    _p("postmark", "Postmark", "smtp.postmarkapp.com", 587, "starttls",
       "the server API token",
       "use the server API token as both username and password"),
    _p("ses", "Amazon SES", "email-smtp.{region}.amazonaws.com", 587, "starttls",
       "the SMTP credentials' username (not an IAM access key)",
       "needs the AWS region (e.g. us-east-1) and SES SMTP credentials; "
       "sandbox accounts may only send to verified addresses"),
    _p("zoho", "Zoho Mail", "smtp.zoho.com", 465, "implicit",
       "your full Zoho email address",
       "needs an app password when 2FA is on; EU accounts use smtp.zoho.eu"),
    _p("icloud", "iCloud Mail", "smtp.mail.me.com", 587, "starttls",
       "your Apple ID email (or @icloud.com address)",
       "needs an app-specific password"),
    _p("yahoo", "Yahoo Mail", "smtp.mail.yahoo.com", 587, "starttls",
       "your full Yahoo email address",
       "needs an app password"),
])
