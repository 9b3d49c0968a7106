"""A small authoritative DNS responder for tests, on 127.0.0.1 over UDP and TCP.

Built on dnspython's message API. Zones are zone-file text or Python data::

    DnsServer({"example.com": {"@": [("TXT", '"v=spf1 -all"'), ("MX", "10 mx")],
                               "mx": [("A", "192.0.2.25")]}})

Names in data are relative to the origin unless they end with a dot; ``@`` is the origin;
an item may be ``(type, rdata)`` or ``(type, rdata, ttl)``; TXT rdata not starting with a
quote is taken as one value (str or bytes) and split/escaped by :func:`txt`. CNAMEs are
chased across the zones served. ``behaviour`` makes a name misbehave: ``"servfail"``,
``"refused"``, ``"drop"`` (never answer: a timeout) or ``"slow:SECONDS"`` (answer late).
Names outside every zone get REFUSED.

Answers over UDP are truncated (TC) when larger than 512 bytes or the client's EDNS size,
so big records go over TCP just as with a real server; ``force_tcp`` truncates every UDP
answer. ``authenticated`` sets the AD bit as a validating resolver would.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.rrset
import dns.zone

ZoneData = Mapping[str, Sequence[tuple[Any, ...]]]
DEFAULT_TTL = 300


def txt(value: str | bytes) -> str:
    """TXT rdata text for ``value``: split into 255-byte strings, quotes and backslashes and
    non-printable bytes escaped (``\\DDD``)."""
    raw = value.encode() if isinstance(value, str) else value
    chunks = [raw[i:i + 255] for i in range(0, len(raw), 255)] or [b""]

    def esc(chunk: bytes) -> str:
        return "".join(chr(b) if 0x20 <= b < 0x7F and b not in (0x22, 0x5C) else f"\\{b:03d}"
                       for b in chunk)

    return " ".join(f'"{esc(c)}"' for c in chunks)


def zone_text(origin: str, data: ZoneData) -> str:
    """Zone-file text from Python data; an SOA is added when there is none."""
    lines = [f"$ORIGIN {origin.rstrip('.')}.", f"$TTL {DEFAULT_TTL}"]
    has_soa = any(item[0].upper() == "SOA" for items in data.values() for item in items)
    if not has_soa:
        lines.append("@ SOA ns.invalid. hostmaster.invalid. 1 3600 600 86400 60")
    for name, items in data.items():
        for item in items:
            rtype, rdata = item[0], item[1]
            ttl = item[2] if len(item) > 2 else DEFAULT_TTL
            if rtype.upper() == "TXT" and not str(rdata).startswith('"'):
                rdata = txt(rdata)
            lines.append(f"{name} {ttl} IN {rtype} {rdata}")
    return "\n".join(lines) + "\n"


class DnsServer:
    """Serve ``zones`` ({origin: zone text or data}) on 127.0.0.1, UDP and TCP, one port."""

    def __init__(self, zones: Mapping[str, str | ZoneData], *,
                 behaviour: Mapping[str, str] | None = None, authenticated: bool = False,
                 force_tcp: bool = False) -> None:
        self.zones: dict[dns.name.Name, dns.zone.Zone] = {}
        for origin, spec in zones.items():
            text = spec if isinstance(spec, str) else zone_text(origin, spec)
            zone = dns.zone.from_text(text, origin=origin.rstrip(".") + ".",
                                      relativize=False, check_origin=False)
            self.zones[zone.origin] = zone  # type: ignore[index]
        self.behaviour = {dns.name.from_text(k): v for k, v in (behaviour or {}).items()}
        self.authenticated = authenticated
        self.force_tcp = force_tcp
        self.log: list[tuple[str, str, str]] = []
        """(transport, name, type) of every query received, in order."""
        self._lock = threading.Lock()
        self._servers: list[socketserver.BaseServer] = []
        self._threads: list[threading.Thread] = []
        self.port = 0

    @property
    def address(self) -> str:
        """The ``HOST:PORT`` to pass as ``nameserver``."""
        return f"127.0.0.1:{self.port}"

    # -- answering ---------------------------------------------------------------------

    def _zone_for(self, name: dns.name.Name) -> dns.zone.Zone | None:
        best = None
        for origin, zone in self.zones.items():
            if name.is_subdomain(origin) and (best is None or len(origin) > len(best[0])):
                best = (origin, zone)
        return best[1] if best else None

    def _negative(self, resp: dns.message.Message, zone: dns.zone.Zone) -> None:
        origin = zone.origin
        assert origin is not None
        soa = zone.get_rdataset(origin, dns.rdatatype.SOA)
        if soa is not None:
            resp.authority.append(dns.rrset.from_rdata_list(origin, soa.ttl, list(soa)))

    def answer(self, query: dns.message.Message) -> dns.message.Message | None:
        """The response to ``query`` (None: do not answer)."""
        resp = dns.message.make_response(query)
        resp.flags |= dns.flags.AA
        if not query.question:
            resp.set_rcode(dns.rcode.FORMERR)
            return resp
        q = query.question[0]
        name, qtype = q.name, q.rdtype
        action = self.behaviour.get(name)
        if action == "drop":
            return None
        if action is not None and action.startswith("slow:"):
            time.sleep(float(action[5:]))  # each query has its own server thread
        if action in ("servfail", "refused"):
            resp.set_rcode(dns.rcode.SERVFAIL if action == "servfail" else dns.rcode.REFUSED)
            return resp
        if self.authenticated:
            resp.flags |= dns.flags.AD
        zone = self._zone_for(name)
        if zone is None:
            resp.set_rcode(dns.rcode.REFUSED)
            resp.flags &= ~dns.flags.AA
            return resp
        for _ in range(8):
            node = zone.get_node(name)
            if node is None:
                if not any(n.is_subdomain(name) for n in zone.nodes):
                    resp.set_rcode(dns.rcode.NXDOMAIN)
                self._negative(resp, zone)
                return resp
            rdataset = node.get_rdataset(dns.rdataclass.IN, qtype)
            if rdataset is not None:
                resp.answer.append(dns.rrset.from_rdata_list(name, rdataset.ttl, list(rdataset)))
                return resp
            cname = node.get_rdataset(dns.rdataclass.IN, dns.rdatatype.CNAME)
            if cname is None or qtype == dns.rdatatype.CNAME:
                self._negative(resp, zone)
                return resp
            resp.answer.append(dns.rrset.from_rdata_list(name, cname.ttl, list(cname)))
            name = list(cname)[0].target
            next_zone = self._zone_for(name)
            if next_zone is None:
                return resp
            zone = next_zone
        return resp

    def handle(self, wire: bytes, transport: str) -> bytes | None:
        try:
            query = dns.message.from_wire(wire)
        except dns.exception.DNSException:
            return None
        if query.question:
            q = query.question[0]
            with self._lock:
                self.log.append((transport, q.name.to_text(omit_final_dot=True).lower(),
                                 dns.rdatatype.to_text(q.rdtype)))
        resp = self.answer(query)
        if resp is None:
            return None
        if transport == "tcp":
            return resp.to_wire()
        limit = max(512, query.payload) if query.edns >= 0 else 512
        try:
            if self.force_tcp:
                raise dns.exception.TooBig
            return resp.to_wire(max_size=limit)
        except dns.exception.TooBig:
            short = dns.message.make_response(query)
            short.flags |= dns.flags.TC | dns.flags.AA
            return short.to_wire()

    # -- sockets ---------------------------------------------------------------------

    def start(self) -> DnsServer:
        server = self

        class Udp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                data, sock = self.request
                reply = server.handle(data, "udp")
                if reply is not None:
                    sock.sendto(reply, self.client_address)

        class Tcp(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                sock: socket.socket = self.request
                sock.settimeout(5)
                try:
                    while True:
                        head = _recv_exact(sock, 2)
                        if head is None:
                            return
                        body = _recv_exact(sock, struct.unpack("!H", head)[0])
                        if body is None:
                            return
                        reply = server.handle(body, "tcp")
                        if reply is None:
                            return
                        sock.sendall(struct.pack("!H", len(reply)) + reply)
                except OSError:
                    return

        for _ in range(50):
            udp = socketserver.ThreadingUDPServer(("127.0.0.1", 0), Udp)
            port = udp.server_address[1]
            try:
                tcp = socketserver.ThreadingTCPServer(("127.0.0.1", port), Tcp)
            except OSError:
                udp.server_close()
                continue
            break
        else:  # pragma: no cover
            raise RuntimeError("no free port for both UDP and TCP")
        for srv in (udp, tcp):
            srv.daemon_threads = True
            thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.02},
                                      daemon=True)
            thread.start()
            self._servers.append(srv)
            self._threads.append(thread)
        self.port = port
        return self

    def stop(self) -> None:
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        for thread in self._threads:
            thread.join(timeout=5)
        self._servers.clear()
        self._threads.clear()

    def __enter__(self) -> DnsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf
