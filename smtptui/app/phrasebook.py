"""Advice is written once, for the command line (``--tls implicit``, ``run with -v``);
the dashboard says the same with its own words: the editor's fields and the transcript
that is always on screen."""

from __future__ import annotations

import re
from collections.abc import Callable

_MODES = r"(starttls|implicit|none|opportunistic)"
_MECHS = r"(auto|plain|login|cram-md5|xoauth2|oauthbearer)"

_PHRASES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = tuple(
    (re.compile(pattern), replacement) for pattern, replacement in (
        (r"`smtptui dns [^`]*`", "the DNS checks (D)"),
        (r"\b[Rr]un with -v and report", "report"),
        (r"\b[Rr]un with -v to see", "look in the transcript for"),
        (r"\b[Rr]un with -v for", "look in the transcript for"),
        (r"\b[Rr]un with -v:", "look in the transcript:"),
        (rf"--tls {_MODES} or {_MODES}", r"Security “\1” or “\2”"),
        (rf"--tls {_MODES}", r"Security “\1”"),
        (r"--tls\b", "Security"),
        (rf"--auth {_MECHS}", r"AUTH “\1”"),
        (r"--auth mechanism", "AUTH mechanism"),
        (r"--auth\b", "AUTH"),
        (r"--password-env, --password-cmd or --ask-password", "a “Password from” source"),
        (r"--password-env|--password-cmd|--ask-password", "“Password from”"),
        (r"--oauth-token-env( VAR)?", "the OAuth token source"),
        (r"--allow-plaintext-auth", "“allow AUTH without TLS”"),
        (r"--insecure", "“do not verify the certificate”"),
        (r"--servername", "the TLS name"),
        (r"--cafile", "the CA file"),
        (r"--timeout", "the timeout"),
        (r"--ehlo name", "EHLO name"),
        (r"--ehlo", "the EHLO name"),
        (r"set with --nameserver \(or the profile's nameserver\)",
         "in the profile's Nameserver field"),
        (r"--nameserver", "the nameserver"),
        (r"--user\b", "the username"),
        (r"--send tests it", "s sends one"),
        (r"--stop-after\b", "the profile's “Stop after”"),
    ))


def for_app(text: str) -> str:
    """``text`` with the command line's flags said as the dashboard's fields."""
    if "-" not in text and "`" not in text:
        return text
    for pattern, replacement in _PHRASES:
        text = pattern.sub(_keep_case(replacement), text)
    return text


def _keep_case(replacement: str | Callable[[re.Match[str]], str]
               ) -> Callable[[re.Match[str]], str]:
    """Capitalise the replacement where the match began a sentence (``Run …``)."""
    def substitute(match: re.Match[str]) -> str:
        out = match.expand(replacement) if isinstance(replacement, str) else replacement(match)
        return out[:1].upper() + out[1:] if match.group(0)[:1].isupper() else out

    return substitute
