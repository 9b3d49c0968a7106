"""Host names and addresses as people type them: ``host:port`` for display (IPv6 in
brackets, ``[::1]:25``) and checking that a host is a host."""

from __future__ import annotations

import re

CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Characters no host, address or name on the SMTP wire may contain."""
_LABEL = re.compile(r"(?!-)[\w-]{1,63}(?<!-)")
"""One label of a host name: letters (IDN too), digits, ``-`` and ``_``."""


class HostError(ValueError):
    """Not a host name or IP address; ``str()`` says why, :attr:`port` holds a port that
    was typed into the host (``smtp.example.com:2525``)."""

    def __init__(self, reason: str, name: str = "", port: str = "") -> None:
        super().__init__(reason)
        self.name, self.port = name, port


def host_port(host: str, port: int | str) -> str:
    """``smtp.example.com:587``, ``192.0.2.1:25``, ``[2001:db8::1]:465``."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_host(host: str) -> str:
    """``host`` as a probe uses it (``[::1]`` becomes ``::1``), or :class:`HostError`."""
    import ipaddress

    if not host.strip():
        raise HostError("must not be empty")
    if CONTROL.search(host):
        raise HostError("must not contain control characters")
    shown = repr(host)
    if host.startswith("[") and host.endswith("]"):
        try:
            return str(ipaddress.IPv6Address(host[1:-1]))
        except ValueError:
            raise HostError(f"{shown} is not an IPv6 address in brackets") from None
    if ":" in host:
        try:
            return str(ipaddress.IPv6Address(host))
        except ValueError:
            pass
        name, _, port = host.rpartition(":")
        if port.isdigit() and name:
            raise HostError(f"{shown} includes a port", name.strip("[]"), port)
        raise HostError(f"{shown} is not a host name or IP address")
    if any(c.isspace() for c in host):
        raise HostError(f"{shown} is not a host name or IP address (it has a space)")
    name = host.removesuffix(".")
    labels = name.split(".")
    if len(name) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
        raise HostError(f"{shown} is not a host name or IP address")
    if all(label.isdigit() for label in labels) and len(labels) == 4:
        try:
            return str(ipaddress.IPv4Address(name))
        except ValueError:
            raise HostError(f"{shown} is not a valid IPv4 address") from None
    try:
        name.encode("idna")  # an international name must fit DNS once in ASCII form
    except UnicodeError:
        raise HostError(f"{shown} is not a host name DNS can hold (a label is too long "
                        "once written in ASCII)") from None
    return host
