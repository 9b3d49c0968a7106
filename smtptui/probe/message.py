"""The generated test message sent by ``--send``."""

from __future__ import annotations

import socket
import time
from email.message import EmailMessage
from email.policy import SMTPUTF8
from email.utils import formatdate, make_msgid


def test_message(mail_from: str, rcpt_to: list[str], *, subject: str | None = None,
                 target: str = "") -> bytes:
    """A small RFC 5322 message with Date, Message-ID, From, To and a timestamped Subject."""
    stamp = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    utf8 = not all(a.isascii() for a in (mail_from, *rcpt_to))
    msg = EmailMessage(policy=SMTPUTF8) if utf8 else EmailMessage()  # RFC 6532 headers
    msg["Date"] = formatdate(localtime=True)
    domain = mail_from.rpartition("@")[2] or socket.gethostname()
    msg["Message-ID"] = make_msgid("smtptui", domain=domain)
    msg["From"] = mail_from
    msg["To"] = ", ".join(rcpt_to)
    msg["Subject"] = subject or f"smtptui test message {stamp}"
    msg["X-Mailer"] = "smtptui"
    via = f"\nRelay: {target}" if target else ""
    msg.set_content(
        f"This is a test message sent by smtptui at {stamp}.{via}\n"
        "If you received it, the relay accepted and delivered it.\n"
    )
    return msg.as_bytes()
