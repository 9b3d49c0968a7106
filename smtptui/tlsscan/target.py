"""From what the user named (a profile, ``HOST[:PORT]``) to an :class:`Endpoint`."""

from __future__ import annotations

from smtptui.hostport import HostError, parse_host
from smtptui.probe.sanitize import clean
from smtptui.tlsscan.handshake import Endpoint, Mode


class TargetError(Exception):
    """The target cannot be reached by name (DNS); ``str()`` is one line."""


def split_target(text: str) -> tuple[str, int | None]:
    """``host``, ``host:port``, ``[v6]:port`` → (host, port or None); :class:`HostError`."""
    try:
        return parse_host(text), None
    except HostError as exc:
        if exc.port:
            port = int(exc.port)
            if not 0 < port < 65536:
                raise HostError(f"invalid port {exc.port}") from None
            return parse_host(exc.name), port
        raise


def default_mode(port: int) -> Mode:
    return "implicit" if port == 465 else "starttls"


async def endpoint_for(host: str, port: int, mode: Mode, *, servername: str | None,
                       nameserver: str | None, timeout: float) -> Endpoint:
    """Resolve ``host`` (the system resolver, or ``nameserver``) and pick its first address."""
    from smtptui.probe.resolve import resolve

    try:
        addresses = await resolve(host, port, nameserver, timeout)
    except LookupError as exc:
        raise TargetError(clean(str(exc.args[-1]) if exc.args else str(exc))) from None
    is_name = any(c.isalpha() for c in host) and ":" not in host
    return Endpoint(addresses[0][1], port, mode, servername or (host if is_name else None))
