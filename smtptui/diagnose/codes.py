"""Plain meanings of SMTP reply codes (RFC 5321, 4954, 3207, 7504) and RFC 3463 enhanced codes.

The enhanced-code tables follow the IANA "Enumerated Status Codes" registry. A few
vendor codes outside the registry (Microsoft 365, Google) are explained only when the
reply text confirms the vendor meaning, because some of them reuse registered numbers.
"""

from __future__ import annotations

import re

from smtptui.diagnose.model import Reply

BASIC_CODES: dict[int, str] = {
    211: "system status",
    214: "help message",
    220: "service ready",
    221: "service closing the connection",
    235: "authentication succeeded",
    250: "requested action completed",
    251: "user not local; the server will forward",
    252: "cannot verify the user, but the server will try delivery",
    334: "authentication challenge: the server waits for the next AUTH step",
    354: "start mail input; end with <CRLF>.<CRLF>",
    421: "service not available: the server is closing the connection",
    432: "a password transition is needed",
    450: "mailbox unavailable for now (busy, or blocked by a temporary policy such as "
         "greylisting)",
    451: "action aborted: local error in processing (temporary)",
    452: "insufficient system storage, or too many recipients (temporary)",
    454: "temporary failure: TLS not available, or authentication could not be checked",
    455: "server unable to accommodate the parameters",
    500: "syntax error: command unrecognised (or the line was too long)",
    501: "syntax error in parameters or arguments",
    502: "command not implemented",
    503: "bad sequence of commands: another step was expected first",
    504: "command parameter not implemented",
    521: "this host does not accept mail",
    530: "authentication (or STARTTLS) required before this command",
    534: "authentication mechanism is too weak",
    535: "authentication failed: the credentials were not accepted",
    538: "encryption required for the requested authentication mechanism",
    550: "mailbox unavailable: not found, no access, or refused by policy",
    551: "user not local",
    552: "exceeded storage allocation: message too big or mailbox full",
    553: "mailbox name not allowed (address refused or malformed)",
    554: "transaction failed (at connect: no SMTP service for you here)",
    555: "MAIL FROM/RCPT TO parameters not recognised or not implemented",
    556: "the domain does not accept mail",
}

_CODE_CLASSES: dict[int, str] = {
    2: "success",
    3: "intermediate: the server waits for more input",
    4: "temporary failure",
    5: "permanent failure",
}

ENHANCED_CLASSES: dict[int, str] = {
    2: "success",
    4: "temporary failure (the same request may work later)",
    5: "permanent failure (repeating the same request will fail again)",
}

ENHANCED_SUBJECTS: dict[int, str] = {
    0: "other or undefined status",
    1: "addressing status",
    2: "mailbox status",
    3: "mail system status",
    4: "network and routing status",
    5: "mail delivery protocol status",
    6: "message content or media status",
    7: "security or policy status",
}

ENHANCED_DETAILS: dict[str, str] = {
    "0.0": "other undefined status",
    "1.0": "other address status",
    "1.1": "bad destination mailbox address (no such mailbox)",
    "1.2": "bad destination system address (no such domain or host)",
    "1.3": "bad destination mailbox address syntax",
    "1.4": "destination mailbox address ambiguous",
    "1.5": "destination address valid",
    "1.6": "destination mailbox has moved, no forwarding address",
    "1.7": "bad sender's mailbox address syntax",
    "1.8": "bad sender's system address (the sender domain does not resolve)",
    "1.9": "message relayed to a non-compliant mailer",
    "1.10": "recipient address has a null MX (the domain accepts no mail)",
    "2.0": "other or undefined mailbox status",
    "2.1": "mailbox disabled, not accepting messages",
    "2.2": "mailbox full",
    "2.3": "message length exceeds an administrative limit",
    "2.4": "mailing list expansion problem",
    "3.0": "other or undefined mail system status",
    "3.1": "mail system full",
    "3.2": "system not accepting network messages",
    "3.3": "system not capable of selected features",
    "3.4": "message too big for the system",
    "3.5": "system incorrectly configured",
    "3.6": "requested priority was changed",
    "4.0": "other or undefined network or routing status",
    "4.1": "no answer from host",
    "4.2": "bad connection",
    "4.3": "directory server failure",
    "4.4": "unable to route",
    "4.5": "mail system congestion",
    "4.6": "routing loop detected",
    "4.7": "delivery time expired",
    "5.0": "other or undefined protocol status",
    "5.1": "invalid command",
    "5.2": "syntax error",
    "5.3": "too many recipients",
    "5.4": "invalid command arguments",
    "5.5": "wrong protocol version",
    "5.6": "authentication exchange line is too long",
    "6.0": "other or undefined media error",
    "6.1": "media not supported",
    "6.2": "conversion required and prohibited",
    "6.3": "conversion required but not supported",
    "6.4": "conversion with loss performed",
    "6.5": "conversion failed",
    "6.6": "message content not available",
    "6.7": "non-ASCII addresses not permitted for that sender or recipient",
    "6.8": "UTF-8 string reply is required, but not permitted by the client",
    "6.9": "UTF-8 header message cannot be transferred to one or more recipients",
    "7.0": "other or undefined security status (often: authentication required)",
    "7.1": "delivery not authorised, message refused (e.g. relaying denied, sender not "
           "allowed)",
    "7.2": "mailing list expansion prohibited",
    "7.3": "security conversion required but not possible",
    "7.4": "security features not supported",
    "7.5": "cryptographic failure",
    "7.6": "cryptographic algorithm not supported",
    "7.7": "message integrity failure",
    "7.8": "authentication credentials invalid",
    "7.9": "authentication mechanism is too weak",
    "7.10": "encryption needed",
    "7.11": "encryption required for the requested authentication mechanism",
    "7.12": "a password transition is needed",
    "7.13": "user account disabled",
    "7.14": "trust relationship required",
    "7.15": "priority level is too low",
    "7.16": "message is too big for the specified priority",
    "7.17": "mailbox owner has changed",
    "7.18": "domain owner has changed",
    "7.19": "RRVS test cannot be completed",
    "7.20": "no passing DKIM signature found",
    "7.21": "no acceptable DKIM signature found",
    "7.22": "no valid author-matched DKIM signature found",
    "7.23": "SPF validation failed",
    "7.24": "SPF validation error",
    "7.25": "reverse DNS validation failed",
    "7.26": "multiple authentication checks failed (SPF, DKIM, DMARC)",
    "7.27": "sender address has a null MX (the sender domain accepts no mail)",
    "7.28": "mail flood detected",
    "7.29": "ARC validation failure",
    "7.30": "REQUIRETLS support required",
}

VENDOR_ENHANCED: tuple[tuple[str, str | None, str], ...] = (
    # (enhanced code, regex the reply text must match (None: any text), meaning)
    ("5.7.139", None, "Microsoft 365: authentication unsuccessful (SMTP AUTH disabled, "
                      "blocked by policy, or wrong credentials; the text says which)"),
    ("5.7.30", r"basic auth", "Microsoft 365: Basic authentication is not supported for "
                             "client submission"),
    ("5.7.3", r"authentication unsuccessful", "Microsoft 365: authentication unsuccessful"),
    ("5.7.57", None, "Microsoft 365: client not authenticated to send anonymous mail"),
    ("5.7.60", None, "Microsoft 365: the client may not send as this sender"),
    ("5.7.64", None, "Microsoft 365: relay access denied (no connector matches this client)"),
    ("5.7.708", None, "Microsoft 365: traffic not accepted from this IP"),
    ("5.7.750", None, "Microsoft 365: client blocked from sending from unregistered domains"),
    ("5.7.501", None, "Microsoft 365: access denied, spam abuse detected"),
    ("5.7.502", None, "Microsoft 365: access denied, spam abuse detected"),
    ("5.7.503", None, "Microsoft 365: access denied, banned sender"),
    ("4.7.66", None, "Microsoft 365: TLS 1.0 and 1.1 are not supported"),
    ("5.7.14", r"browser|sign in|log in", "Google: sign in through a web browser first"),
    ("5.4.5", r"limit|quota", "daily sending limit exceeded"),
)

_ENHANCED_RE = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")
_TEXT_LIMIT = 4096


def parse_enhanced(enhanced: str | None) -> tuple[int, int, int] | None:
    """``"5.7.8"`` -> ``(5, 7, 8)``; anything malformed -> ``None``."""
    if not enhanced:
        return None
    m = _ENHANCED_RE.fullmatch(enhanced.strip())
    if m is None:
        return None
    return int(m.group(1)), int(m.group(2)), int(m.group(3))


def basic_meaning(code: int) -> str:
    """The meaning of a three-digit reply code, or of its class when it is non-standard."""
    if code in BASIC_CODES:
        return BASIC_CODES[code]
    if 200 <= code <= 599 and code // 100 in _CODE_CLASSES:
        return f"{_CODE_CLASSES[code // 100]} (non-standard code)"
    return "not a valid SMTP reply code"


def enhanced_meaning(enhanced: str, text: str = "") -> str:
    """The meaning of an RFC 3463 code, e.g. ``"5.7.8"``; vendor meanings need matching text."""
    parts = parse_enhanced(enhanced)
    if parts is None:
        return "not a valid enhanced status code"
    cls, subject, detail = parts
    sample = text[:_TEXT_LIMIT]
    head = f"{ENHANCED_CLASSES[cls]}; {ENHANCED_SUBJECTS.get(subject, 'unknown subject')}"
    canonical = f"{cls}.{subject}.{detail}"
    for code, pattern, meaning in VENDOR_ENHANCED:
        if code == canonical and (pattern is None or re.search(pattern, sample, re.I)):
            return f"{head}: {meaning}"
    known = ENHANCED_DETAILS.get(f"{subject}.{detail}")
    return f"{head}: {known}" if known else head


def reply_meaning(reply: Reply) -> str:
    """Plain meaning of the reply's basic code and, when present, of its enhanced code."""
    out = f"{reply.code}: {basic_meaning(reply.code)}"
    if reply.enhanced:
        out += f"; {reply.enhanced}: {enhanced_meaning(reply.enhanced, reply.text)}"
    return out
