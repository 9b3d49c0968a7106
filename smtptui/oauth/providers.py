"""OAuth providers as data: endpoints, default scopes and flow, what SMTP servers expect.

An ``[oauth.NAME]`` table in the profiles file names one of these (or ``generic`` with
its own endpoints). Endpoints may hold ``{tenant}`` (Microsoft identity platform).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Flow = Literal["device", "code"]
FLOWS: tuple[str, ...] = ("device", "code")


@dataclass(frozen=True)
class Provider:
    """A known identity provider."""

    key: str
    label: str
    authorization_endpoint: str = ""
    device_endpoint: str = ""
    token_endpoint: str = ""
    revocation_endpoint: str = ""
    scopes: tuple[str, ...] = ()
    flow: Flow = "code"
    audience: str = ""
    """The resource an SMTP access token must be for (JWT ``aud``), when the provider says."""
    smtp_scope: str = ""
    """The scope SMTP AUTH needs, named in diagnoses."""
    setup: str = ""
    """One paragraph: how to get a client id (shown by ``oauth login`` when it is missing)."""


PROVIDERS: dict[str, Provider] = {p.key: p for p in (
    Provider(
        key="microsoft", label="Microsoft 365 (Entra ID)",
        authorization_endpoint="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/authorize",
        device_endpoint="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/devicecode",
        token_endpoint="https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token",
        scopes=("https://outlook.office.com/SMTP.Send", "offline_access"),
        flow="device", audience="https://outlook.office.com",
        smtp_scope="https://outlook.office.com/SMTP.Send",
        setup="Register an app in the Entra admin center (App registrations -> New "
              "registration, 'Accounts in this organizational directory only'); under "
              "Authentication enable 'Allow public client flows'; under API permissions add "
              "Office 365 Exchange Online -> Delegated -> SMTP.Send (and grant admin consent "
              "if users may not consent). Use its Application (client) ID and Directory "
              "(tenant) ID as client_id and tenant."),
    Provider(
        key="google", label="Google (Gmail, Workspace)",
        authorization_endpoint="https://accounts.google.com/o/oauth2/v2/auth",
        device_endpoint="https://oauth2.googleapis.com/device/code",
        token_endpoint="https://oauth2.googleapis.com/token",
        revocation_endpoint="https://oauth2.googleapis.com/revoke",
        scopes=("https://mail.google.com/",), flow="code",
        smtp_scope="https://mail.google.com/",
        setup="In the Google Cloud console create an OAuth client ID of type 'Desktop "
              "app' (APIs & Services -> Credentials), add the scope https://mail.google.com/ "
              "to the consent screen, and put its client ID and client secret (not "
              "confidential for desktop apps) in client_id and client_secret. Google does "
              "not allow the device flow for mail scopes: sign in with the browser flow."),
    Provider(key="generic", label="Generic OAuth 2.0 provider",
             setup="Give the provider's token_endpoint and either device_endpoint "
                   "(flow = \"device\") or authorization_endpoint (flow = \"code\"), the "
                   "scopes SMTP needs, and your client_id."),
)}
