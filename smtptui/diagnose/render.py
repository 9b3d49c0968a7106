"""Turning rule templates into sentences: bounded evidence and ``{placeholder}`` filling.

Templates use ``{name}`` placeholders; unknown names are left as written, so advice may
quote braces (shell or config syntax) freely. Values come from the fault and are clipped
and stripped of control characters, however odd the input.
"""

from __future__ import annotations

import re

from smtptui.diagnose.model import Reply
from smtptui.hostport import host_port

_CTRL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

MODE_NAMES: dict[str, str] = {
    "starttls": "STARTTLS",
    "implicit": "implicit TLS",
    "none": "no-TLS",
    "opportunistic": "opportunistic STARTTLS",
}


def clip(text: str, limit: int = 160) -> str:
    """One line of at most ``limit`` characters, control characters made visible."""
    head = text[: limit * 4]
    head = _CTRL.sub(
        lambda m: " " if m.group() in "\t\r\n" else f"\\x{ord(m.group()):02x}", head
    )
    head = " ".join(head.split())
    return head if len(head) <= limit else head[: limit - 1].rstrip() + "…"


def reply_evidence(reply: Reply) -> str:
    """``535 5.7.8 Username and Password not accepted…`` — all lines as one, clipped."""
    enh = f" {clip(reply.enhanced, 16)}" if reply.enhanced else ""
    return f"{reply.code}{enh} {clip(reply.text, 140)}".rstrip()


def s_client_command(host: str, port: int, mode: str, name: str = "") -> str:
    """The ``openssl s_client`` line that reproduces this TLS handshake by hand."""
    address = host or "HOST"
    starttls = " -starttls smtp" if mode != "implicit" else ""
    return (f"openssl s_client -connect {address}:{port or 'PORT'} "
            f"-servername {name or address}{starttls}")


def context(*, host: str, port: int, mode: str, stage: str, detail: str,
            reply: Reply | None, provider: str, name: str = "") -> dict[str, str]:
    """The values templates may use; ``name`` is the name TLS checked (SNI), when it
    differs from ``host``."""
    safe_host = clip(host, 120)
    safe_name = clip(name, 120) or safe_host
    return {
        "host": safe_host or "the server",
        "name": safe_name or "the server",
        "port": str(port) if port else "?",
        "target": host_port(safe_host, port) if safe_host and port else (safe_host or "the server"),
        "mode": MODE_NAMES.get(mode, clip(mode, 20) or "?"),
        "stage": clip(stage, 20) or "this",
        "detail": clip(detail, 200),
        "reply": reply_evidence(reply) if reply else "",
        "code": str(reply.code) if reply else "",
        "enhanced": clip(reply.enhanced or "", 16) if reply else "",
        "provider": provider,
        "s_client": s_client_command(safe_host, port, mode, safe_name),
    }


def fill(template: str, ctx: dict[str, str]) -> str:
    """Replace known ``{name}`` placeholders; leave any other braces alone."""
    return _PLACEHOLDER.sub(lambda m: ctx.get(m.group(1), m.group(0)), template)


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.lower()))


def with_evidence(summary: str, evidence: list[str]) -> str:
    """``"X happened."`` + evidence -> ``"X happened — evidence; more."``. One clause per
    fact: evidence whose every word the summary already says is left out."""
    said = _words(summary)
    items = [e.rstrip(" .") for e in evidence if e.strip(" .") and not _words(e) <= said]
    if not items:
        return summary
    return f"{summary.rstrip().rstrip('.')} — {'; '.join(items)}."
