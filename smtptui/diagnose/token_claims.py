"""Why a server refused an OAuth token, from what the token says about itself.

Combines the decoded XOAUTH2/OAUTHBEARER error challenge (``{"status":"401",
"schemes":"bearer","scope":"https://outlook.office.com/SMTP.Send"}``) with a JWT access
token's claims (``aud``, ``scp``, ``exp``, ``upn``/``email``, read without verifying
anything) into sentences such as "the token belongs to bob@…, the login is alice@…".
Opaque tokens (Google's) have no claims: only the challenge is left to explain them.
"""

from __future__ import annotations

import json
import time
from typing import Any

from smtptui.oauth.claims import audience_name, audiences, decode, identity, scopes
from smtptui.probe.sanitize import clean

OUTLOOK = "https://outlook.office.com"
SMTP_SEND = "SMTP.Send"


def challenge_fields(decoded: str) -> dict[str, Any]:
    """The JSON object of a decoded error challenge, or {} for anything else."""
    try:
        data = json.loads(decoded)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _expected_audience(challenge: dict[str, Any], server_is_microsoft: bool) -> str | None:
    scope = challenge.get("scope")
    if isinstance(scope, str) and scope.startswith("https://"):
        first = scope.split()[0]
        base = first.rsplit("/", 1)[0] if first.count("/") > 2 else first.rstrip("/")
        return base
    return OUTLOOK if server_is_microsoft else None


def findings(token: str, username: str, decoded_challenge: str = "", *,
             server_is_microsoft: bool = False, now: float | None = None
             ) -> list[tuple[str, str]]:
    """(variant, sentence) for each thing wrong with the token, most telling first:
    ``expired``, ``audience`` or ``scope``, ``user``; then ``challenge``, what the server
    asked for (last: a diagnosis cut to length loses it first). Empty when the token says
    nothing."""
    claims = decode(token)
    if not claims:
        return []
    now = time.time() if now is None else now
    challenge = challenge_fields(decoded_challenge)
    out: list[tuple[str, str]] = []
    exp = claims.get("exp")
    if isinstance(exp, int | float) and exp <= now:
        ago = now - exp
        when = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(exp))
        span = f"{ago / 60:.0f} min" if ago < 7200 else f"{ago / 3600:.1f} h"
        out.append(("expired", f"the token expired at {when} ({span} ago); get a fresh one"))
    wanted = _expected_audience(challenge, server_is_microsoft)
    auds = audiences(claims)
    if wanted and auds and not any(audience_name(a) == audience_name(wanted) for a in auds):
        out.append(("audience", f"the token is for {clean(audience_name(auds[0]), 100)}, not "
                    f"{clean(wanted, 100)}; sign in again with the "
                    f"{SMTP_SEND if audience_name(wanted) == audience_name(OUTLOOK) else 'SMTP'}"
                    " scope"))
    elif wanted and audience_name(wanted) == audience_name(OUTLOOK):
        granted = scopes(claims)
        if granted and SMTP_SEND not in granted and "SMTP.SendAsApp" not in granted:
            out.append(("scope", f"the token's scopes are {clean(' '.join(granted), 120)}, "
                        f"without {SMTP_SEND}; sign in again with the scope "
                        f"{OUTLOOK}/{SMTP_SEND}"))
    owner = identity(token)
    if owner and username and owner.casefold() != username.casefold():
        out.append(("user", f"the token belongs to {clean(owner, 100)}, the login is "
                    f"{clean(username, 100)}"))
    asked = challenge.get("scope")
    if any(v in ("audience", "scope") for v, _ in out) and isinstance(asked, str) and asked:
        out.append(("challenge", f"the server's challenge asks for {clean(asked, 100)}"))
    return out
