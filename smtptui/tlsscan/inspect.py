"""One relay's TLS inspection: resolve, scan, then judge the served chain against DANE."""

from __future__ import annotations

from collections.abc import Sequence

from smtptui.tlsscan.handshake import Endpoint, Mode
from smtptui.tlsscan.model import Section, TlsFinding, TlsScanReport
from smtptui.tlsscan.scan import scan_tls, with_section
from smtptui.tlsscan.target import endpoint_for


async def inspect(host: str, port: int, mode: Mode, *, servername: str | None = None,
                  cafile: str | None = None, nameserver: str | None = None,
                  timeout: float = 5.0, dane: bool = True, names: Sequence[str] = (),
                  strict: bool | None = None) -> TlsScanReport:
    """Resolve ``host`` and inspect it; raises :class:`~.target.TargetError` on DNS failure."""
    from smtptui.hostport import is_address

    endpoint = await endpoint_for(host, port, mode, servername=servername,
                                  nameserver=nameserver, timeout=timeout)
    # DANE names a host in DNS: an IP address typed as the host has no TLSA name
    return await inspect_endpoint(endpoint, host, cafile=cafile, nameserver=nameserver,
                                  timeout=timeout, dane=dane and not is_address(host),
                                  names=names, strict=strict)


async def inspect_endpoint(endpoint: Endpoint, host: str, *, cafile: str | None,
                           nameserver: str | None, timeout: float, dane: bool,
                           names: Sequence[str] = (), strict: bool | None = None,
                           light: bool = False) -> TlsScanReport:
    report = await scan_tls(endpoint, host, cafile=cafile, timeout=timeout, names=names,
                            strict=strict, light=light)
    if dane and report.chain and endpoint.servername and not report.error:
        report = with_section(report, await dane_section(
            endpoint.servername, endpoint.port, report, nameserver, timeout))
    return report


async def dane_section(host: str, port: int, report: TlsScanReport, nameserver: str | None,
                       timeout: float) -> Section:
    """TLSA records of ``_PORT._tcp.HOST`` against the chain the server served."""
    from smtptui.dnscheck.resolver import Dns
    from smtptui.dnscheck.tlsa import check_tlsa

    tlsa = await check_tlsa(Dns(nameserver, timeout), host, port, report.chain_der)
    return Section("dane", tuple(
        TlsFinding(f.level, f.text, "dane_mismatch" if f.level == "fail" and tlsa.records
                   else None) for f in tlsa.findings))

