"""The resolve stage: the system resolver, or a given nameserver through dnspython.

Errors are raised as ``LookupError(kind, detail)`` with a fault kind for ``diagnose``.
"""

from __future__ import annotations

import asyncio
import socket

from smtptui.probe.sanitize import clean

_GAI_KINDS = {
    socket.EAI_NONAME: ("dns_nxdomain", "no such host"),
    socket.EAI_AGAIN: ("dns_timeout", "temporary failure in name resolution"),
}
_EAI_NODATA = getattr(socket, "EAI_NODATA", None)


async def resolve(host: str, port: int, nameserver: str | None,
                  timeout: float = 5.0) -> list[tuple[int, str]]:
    """Addresses of ``host`` as (family, address), IPv4 first, without duplicates."""
    if nameserver:
        return await _resolve_with(host, nameserver, timeout)
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if _EAI_NODATA is not None and exc.errno == _EAI_NODATA:
            raise LookupError("dns_no_address", f"{clean(host)} has no A or AAAA record") from None
        default = ("dns_error", clean(exc.strerror or str(exc)))
        kind, text = _GAI_KINDS.get(exc.errno, default) if exc.errno is not None else default
        raise LookupError(kind, f"{clean(host)}: {text}") from None
    seen: dict[str, int] = {}
    for family, _t, _p, _c, sockaddr in infos:
        seen.setdefault(str(sockaddr[0]), family)
    ordered = sorted(seen.items(), key=lambda item: item[1] != socket.AF_INET)
    return [(family, addr) for addr, family in ordered]


async def _resolve_with(host: str, nameserver: str, timeout: float) -> list[tuple[int, str]]:
    import dns.asyncresolver
    import dns.exception
    import dns.resolver

    from smtptui.dnscheck.settings import parse_nameserver

    ns_host, ns_port = parse_nameserver(nameserver)
    resolver = dns.asyncresolver.Resolver(configure=False)
    resolver.nameservers = [ns_host]
    resolver.port = ns_port
    resolver.lifetime = timeout
    out: list[tuple[int, str]] = []
    nxdomain = False
    for rdtype, family in (("A", socket.AF_INET), ("AAAA", socket.AF_INET6)):
        try:
            answer = await resolver.resolve(host, rdtype)
        except dns.resolver.NXDOMAIN:
            nxdomain = True
            break
        except dns.resolver.NoAnswer:
            continue
        except dns.exception.Timeout:
            raise LookupError("dns_timeout_nameserver",
                              f"{clean(host)}: {nameserver} did not answer in time") from None
        except dns.exception.DNSException as exc:
            raise LookupError("dns_error", f"{clean(host)}: {clean(str(exc))}") from None
        out.extend((family, rr.to_text()) for rr in answer)
    if nxdomain:
        raise LookupError("dns_nxdomain", f"{clean(host)}: no such domain (NXDOMAIN)")
    if not out:
        raise LookupError("dns_no_address", f"{clean(host)} has no A or AAAA record")
    return out
