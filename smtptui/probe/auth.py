"""SASL mechanisms for SMTP AUTH: choice, initial responses, and the OAuth error flow.

Everything secret is base64-encoded here and handed to the wire layer together with
the text the transcript may show (always ``<redacted>`` for the payload).
"""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.probe.config import ProbeConfig

PASSWORD_MECHS = ("PLAIN", "LOGIN", "CRAM-MD5")
"""Over TLS: PLAIN, then LOGIN — the server checks the password as stored, whatever the
storage. CRAM-MD5 last: many servers advertise it but keep hashed passwords, with which
it cannot work, so a right password would be reported as wrong."""
PLAINTEXT_MECHS = ("CRAM-MD5", "PLAIN", "LOGIN")
"""Without TLS (only when explicitly allowed): CRAM-MD5 first, as it never sends the
password itself."""
TOKEN_MECHS = ("OAUTHBEARER", "XOAUTH2")


def b64(data: str | bytes) -> bytes:
    raw = data.encode() if isinstance(data, str) else data
    return base64.b64encode(raw)


def b64decode_text(data: str) -> str:
    """Decode a server challenge for display; undecodable input is returned as-is."""
    try:
        return base64.b64decode(data.strip(), validate=True).decode("utf-8", "backslashreplace")
    except (binascii.Error, ValueError):
        return data


def candidates(requested: str, offered: list[str], *, has_password: bool, has_token: bool,
               encrypted: bool = True) -> list[str]:
    """The mechanisms to try, in order: the requested one alone, or for ``auto`` every
    offered one we have credentials for, preferred first (tokens, then passwords as
    :data:`PASSWORD_MECHS` or, unencrypted, :data:`PLAINTEXT_MECHS`). Empty when
    nothing fits."""
    offered_up = [m.upper() for m in offered]
    if requested != "auto":
        mech = requested.upper()
        usable = has_token if mech in TOKEN_MECHS else has_password
        return [mech] if usable and mech in offered_up else []
    passwords = PASSWORD_MECHS if encrypted else PLAINTEXT_MECHS
    wanted = (TOKEN_MECHS if has_token else ()) + (passwords if has_password else ())
    return [m for m in wanted if m in offered_up]


def choose(requested: str, offered: list[str], *, has_password: bool,
           has_token: bool, encrypted: bool = True) -> str | None:
    """The first mechanism :func:`candidates` would try, or ``None`` when nothing fits."""
    found = candidates(requested, offered, has_password=has_password, has_token=has_token,
                       encrypted=encrypted)
    return found[0] if found else None


def plain(username: str, password: str) -> bytes:
    return b64(f"\0{username}\0{password}")


def cram_md5(username: str, password: str, challenge_b64: str) -> bytes:
    import hashlib  # only this mechanism needs them
    import hmac

    challenge = base64.b64decode(challenge_b64.strip())
    digest = hmac.new(password.encode(), challenge, hashlib.md5).hexdigest()
    return b64(f"{username} {digest}")


def xoauth2(username: str, token: str) -> bytes:
    return b64(f"user={username}\x01auth=Bearer {token}\x01\x01")


def oauthbearer(username: str, token: str, host: str, port: int) -> bytes:
    """RFC 7628 initial client response."""
    return b64(f"n,a={username},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01")


def encodings(config: ProbeConfig) -> list[bytes]:
    """Every form in which this probe's credentials could cross the wire, known before
    any is sent (so that a server quoting one early, e.g. in a 334 challenge, is caught).
    The CRAM-MD5 response depends on the challenge and is added when sent."""
    user = config.username or ""
    host, port = config.servername or config.host, config.port
    out: list[bytes] = []
    if config.password is not None:
        password = config.password.reveal()
        out += [*b64_inside(password), plain(user, password)]
    if config.oauth_token is not None:
        token = config.oauth_token.reveal()
        out += [*b64_inside(token), xoauth2(user, token), oauthbearer(user, token, host, port)]
    return out


def b64_inside(secret: str) -> list[bytes]:
    """The base64 text of ``secret`` as it reads inside a longer base64 text (a JSON
    challenge quoting it, say), for each of the three alignments it can start at: the
    characters that depend on the secret alone (mixed groups at the edges dropped)."""
    raw = secret.encode()
    out = [b64(raw)]
    for lead in range(3):
        text = base64.b64encode(b"\0" * lead + raw)
        inner = text[4 if lead else 0:len(text) - 4]  # edge groups mix with neighbours
        if len(inner) >= 4:
            out.append(inner)
    return out


OAUTH_ERROR_ACK = {"XOAUTH2": b"", "OAUTHBEARER": b"AQ=="}
"""What the client sends after a 334 error challenge, before the server's final reply."""
