"""Reproducing a probe with the tools admins reach for next: the ``openssl s_client``
line for its TLS handshake, and what a swaks line cannot reproduce (said, not hidden)."""

from __future__ import annotations

import math
import shlex
from typing import TYPE_CHECKING

from smtptui.hostport import host_port

if TYPE_CHECKING:
    from smtptui.probe.config import ProbeConfig


def openssl_line(config: ProbeConfig) -> str | None:
    """``openssl s_client`` doing this probe's TLS handshake, verifying chain and host
    name as the probe does; None when the probe uses no TLS."""
    if config.tls == "none":
        return None
    name = config.servername or config.host
    parts = ["openssl", "s_client", "-connect", host_port(config.host, config.port)]
    if config.tls != "implicit":
        parts += ["-starttls", "smtp"]
        if config.ehlo_name:
            parts += ["-name", config.ehlo_name]
    parts += ["-servername", name]
    if not config.insecure:
        from smtptui.probe.stages_transport import address_family

        check = "-verify_ip" if address_family(name) is not None else "-verify_hostname"
        parts += [check, name, "-verify_return_error"]
    if config.cafile:
        parts += ["-CAfile", config.cafile]
    return " ".join(shlex.quote(p) for p in parts)


def swaks_unsupported(config: ProbeConfig) -> str | None:
    """Why swaks cannot run this test at all, if it cannot."""
    token_auth = config.auth in ("xoauth2", "oauthbearer") or (
        config.auth == "auto" and config.oauth_token is not None)
    if config.username and token_auth:
        return ("swaks cannot reproduce this test: it has no XOAUTH2/OAUTHBEARER "
                "authentication (the TLS part: smtptui probe … --openssl)")
    return None


def swaks_timeout(config: ProbeConfig) -> int:
    """swaks takes whole seconds: the stage timeout, rounded up."""
    return max(1, math.ceil(config.timeout))


def swaks_notes(config: ProbeConfig) -> list[str]:
    """Where the swaks line differs from the probe, each as a shell comment."""
    notes: list[str] = []
    if config.tls != "none" and not config.insecure:
        notes.append("# swaks verifies the certificate chain (--tls-verify) but not the host "
                     "name; check the name with:")
        notes.append(f"#   {openssl_line(config)}")
    if swaks_timeout(config) != config.timeout:
        notes.append(f"# swaks takes whole seconds: --timeout {config.timeout:g} s rounded up "
                     f"to {swaks_timeout(config)}")
    return notes
