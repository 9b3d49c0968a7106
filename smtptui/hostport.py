"""Host names and addresses as people type them: ``host:port`` for display (IPv6 in
brackets, ``[::1]:25``) and checking that a host is a host."""

from __future__ import annotations

import functools
import re


def has_control(text: str) -> bool:
    """Does ``text`` hold what no host, address or name on the SMTP wire may: control,
    format or separator characters (anything not printable but the space)?"""
    return not text.isprintable()


@functools.cache
def _label() -> re.Pattern[str]:
    """One label of a host name: letters (IDN too), digits, ``-`` and ``_``."""
    return re.compile(r"(?!-)[\w-]{1,63}(?<!-)")


class HostError(ValueError):
    """Not a host name or IP address; ``str()`` says why, :attr:`port` holds a port that
    was typed into the host (``smtp.example.com:2525``)."""

    def __init__(self, reason: str, name: str = "", port: str = "") -> None:
        super().__init__(reason)
        self.name, self.port = name, port


def host_port(host: str, port: int | str) -> str:
    """``smtp.example.com:587``, ``192.0.2.1:25``, ``[2001:db8::1]:465``."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _ipv6(text: str) -> str | None:
    """``text`` as a canonical IPv6 address (a ``%zone`` kept), or None."""
    import socket

    address, zone, scope = text.partition("%")
    try:
        packed = socket.inet_pton(socket.AF_INET6, address)
    except OSError:
        return None
    return socket.inet_ntop(socket.AF_INET6, packed) + zone + scope


def _ipv4(text: str) -> bool:
    import socket

    try:
        socket.inet_pton(socket.AF_INET, text)
    except OSError:
        return False
    return True


def is_address(host: str) -> bool:
    """Is ``host`` an IPv4 or IPv6 address (not a name)?"""
    return _ipv4(host) or _ipv6(host.strip("[]")) is not None


def parse_host(host: str) -> str:
    """``host`` as a probe uses it (``[::1]`` becomes ``::1``), or :class:`HostError`."""
    if not host.strip():
        raise HostError("must not be empty")
    if has_control(host):
        raise HostError("must not contain control characters")
    shown = repr(host)
    if host.startswith("[") and host.endswith("]"):
        address = _ipv6(host[1:-1])
        if address is None:
            raise HostError(f"{shown} is not an IPv6 address in brackets")
        return address
    if ":" in host:
        address = _ipv6(host)
        if address is not None:
            return address
        name, _, port = host.rpartition(":")
        if port.isdigit() and name:
            raise HostError(f"{shown} includes a port", name.strip("[]"), port)
        raise HostError(f"{shown} is not a host name or IP address")
    if " " in host:  # other white space is not printable: refused above
        raise HostError(f"{shown} is not a host name or IP address (it has a space)")
    name = host.removesuffix(".")
    labels = name.split(".")
    if len(labels) == 4 and all(label.isdigit() for label in labels):
        if not _ipv4(name):
            raise HostError(f"{shown} is not a valid IPv4 address")
        return name
    label = _label()
    if len(name) > 253 or not all(label.fullmatch(part) for part in labels):
        raise HostError(f"{shown} is not a host name or IP address")
    if not name.isascii():
        try:
            name.encode("idna")  # an international name must fit DNS once in ASCII form
        except UnicodeError:
            raise HostError(f"{shown} is not a host name DNS can hold (a label is too long "
                            "once written in ASCII)") from None
    return host
