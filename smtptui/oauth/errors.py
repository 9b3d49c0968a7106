"""Why a sign-in or refresh failed, in plain words with the fix (RFC 6749/8628 errors,
Microsoft's ``AADSTS`` codes, Google's ``invalid_grant`` texts).

Tables, not string-matching in the flows: :data:`AADSTS` and :data:`OAUTH_ERRORS` map a code
to (meaning, fix); :func:`explain` picks the most specific.
"""

from __future__ import annotations

import re

from smtptui.probe.sanitize import clean

LOGIN_AGAIN = "Sign in again: smtptui oauth login {name}"

AADSTS: dict[str, tuple[str, str]] = {
    "50173": ("the refresh token was revoked (password changed or reset, or sessions "
              "revoked by an admin)", LOGIN_AGAIN),
    "700082": ("the refresh token expired after 90 days without use", LOGIN_AGAIN),
    "70008": ("the refresh token or authorization code expired", LOGIN_AGAIN),
    "70043": ("the refresh token expired under a Conditional Access sign-in frequency "
              "policy", LOGIN_AGAIN),
    "50089": ("the sign-in expired", LOGIN_AGAIN),
    "54005": ("the authorization code was already used", LOGIN_AGAIN),
    "65001": ("the user or an administrator has not consented to this app, or consent "
              "was withdrawn", "Grant consent for the app's SMTP.Send permission (Entra "
              "admin center -> App registrations -> API permissions -> Grant admin "
              "consent), then sign in again: smtptui oauth login {name}"),
    "65004": ("the user declined to consent to the app", "Sign in again and accept the "
              "permissions: smtptui oauth login {name}"),
    "70011": ("the requested scope is not valid for this app",
              "Use the scopes https://outlook.office.com/SMTP.Send offline_access"),
    "70000": ("the grant is invalid: unauthorized or malformed scopes", LOGIN_AGAIN),
    "50076": ("multi-factor authentication is now required", LOGIN_AGAIN),
    "50079": ("the user must register for multi-factor authentication", LOGIN_AGAIN),
    "53003": ("a Conditional Access policy blocked the sign-in", "Ask the tenant's "
              "administrator: Entra admin center -> Sign-in logs shows which policy"),
    "50158": ("an external security challenge was not satisfied", LOGIN_AGAIN),
    "7000218": ("the app is not allowed to use public client flows (device code, "
                "PKCE without a secret)", "In the app registration -> Authentication, set "
                "'Allow public client flows' to Yes"),
    "700016": ("no app with this client id exists in the tenant", "Check client_id and "
               "tenant in [oauth.{name}] (App registrations -> Overview)"),
    "90002": ("the tenant does not exist", "Check tenant in [oauth.{name}]: the Directory "
              "(tenant) ID or a verified domain"),
    "50194": ("the app is single-tenant, but the sign-in used a multi-tenant endpoint",
              "Set tenant in [oauth.{name}] to the Directory (tenant) ID"),
    "500011": ("Exchange Online is not present in the tenant", "Check the tenant has "
               "Exchange Online licences, or use the right tenant"),
    "50020": ("the account is not in this tenant", "Set tenant in [oauth.{name}] to the "
              "account's own tenant, or use organizations"),
    "50034": ("the account does not exist in the tenant", "Check the user name"),
    "50057": ("the account is disabled", "Ask the tenant's administrator to enable it"),
    "50055": ("the account's password has expired", "Change the password, then sign in "
              "again: smtptui oauth login {name}"),
    "50126": ("the user name or password is wrong", LOGIN_AGAIN),
    "50011": ("the loopback redirect address is not registered for the app",
              "Add http://127.0.0.1 under Authentication -> Mobile and desktop "
              "applications in the app registration, or use the device flow (--flow device)"),
    "7000215": ("the client secret is wrong", "Check client_secret in [oauth.{name}]"),
    "70019": ("the device code expired before the sign-in was completed", LOGIN_AGAIN),
}
"""Microsoft identity platform error codes -> (what it means, what to do)."""

OAUTH_ERRORS: dict[str, tuple[str, str]] = {
    "invalid_grant": ("the refresh token or code is no longer valid (revoked, expired, "
                      "or consent withdrawn)", LOGIN_AGAIN),
    "expired_token": ("the sign-in code expired before it was used", LOGIN_AGAIN),
    "access_denied": ("the sign-in was declined", LOGIN_AGAIN),
    "invalid_client": ("the provider does not know this client id (or its secret is "
                       "wrong)", "Check client_id and client_secret in [oauth.{name}]"),
    "unauthorized_client": ("this client may not use this kind of sign-in",
                            "Allow the flow in the app's registration, or set flow in "
                            "[oauth.{name}]"),
    "invalid_scope": ("the provider refused the requested scopes",
                      "Check scopes in [oauth.{name}]"),
    "consent_required": ("consent is required for the requested scopes", LOGIN_AGAIN),
    "interaction_required": ("the provider needs the user to sign in interactively",
                             LOGIN_AGAIN),
    "admin_policy_enforced": ("an administrator's policy blocks this app",
                              "Ask the Workspace administrator to trust the app"),
    "org_internal": ("the app is limited to users of its own organisation",
                     "Sign in with an account of that organisation"),
    "invalid_request": ("the provider refused the request as malformed",
                        "Check [oauth.{name}] (endpoints, client_id)"),
    "unsupported_grant_type": ("the provider does not support this kind of sign-in",
                               "Set flow in [oauth.{name}] to the other flow"),
}

_TEXT: tuple[tuple[str, str, str], ...] = (
    ("google", r"expired or revoked", "the refresh token was revoked or has expired "
     "(Google: after 7 days for apps in Testing)"),
    ("", r"expired or revoked", "the refresh token was revoked or has expired"),
)
"""(provider or "" for any, pattern in the description, what it means)."""


class OAuthError(Exception):
    """A sign-in or refresh failed. ``str()`` is one line: what, why, and the fix."""

    def __init__(self, message: str, code: str = "", error: str = "") -> None:
        super().__init__(message)
        self.code = code
        """The most specific code: ``AADSTS50173``, else the OAuth error."""
        self.error = error or code
        """The OAuth ``error`` field as sent (``authorization_pending``)."""


def explain(name: str, during: str, error: str, description: str | None = None,
            provider: str = "") -> OAuthError:
    """The error a token endpoint returned, as words and a fix; ``during`` says what was
    being done (``refreshing the token``)."""
    error = clean(str(error or "error"), 60)
    desc = str(description or "")
    found = re.search(r"\bAADSTS(\d{5,8})\b", desc)
    meaning: tuple[str, str] | None = None
    code = error
    if found and found.group(1) in AADSTS:
        code = f"AADSTS{found.group(1)}"
        meaning = AADSTS[found.group(1)]
    elif found:
        code = f"AADSTS{found.group(1)}"
    if meaning is None:
        for only, pattern, words in _TEXT:
            if only in ("", provider) and re.search(pattern, desc, re.I):
                meaning = (words, LOGIN_AGAIN)
                break
    if meaning is None:
        meaning = OAUTH_ERRORS.get(error)
    label = f"{error}, {code}" if code != error else error
    if meaning is None:
        first = clean(desc.split("\n", 1)[0].split(". ", 1)[0], 160)
        return OAuthError(f'OAuth sign-in "{name}": {during} failed ({label})'
                          + (f": {first}" if first else ""), code, error)
    what, fix = meaning
    return OAuthError(f'OAuth sign-in "{name}": {during} failed ({label}): {what}. '
                      + fix.replace("{name}", name), code, error)
