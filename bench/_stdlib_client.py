"""Reference only: the smallest blocking stdlib client doing what the swaks benchmark
does (STARTTLS + AUTH PLAIN + QUIT, verified TLS). No asyncio, no transcript, no
diagnosis: it shows what a Python process costs before any engine is involved.

    python bench/_stdlib_client.py HOST PORT CAFILE SNI USER [--with-model]
                                                  (password in $BENCH_PW)

``--with-model`` first imports smtptui's typed data model and CLI plumbing (events,
config, profiles, report text; still no asyncio): what a blocking engine with the same
types would pay before connecting.
"""

from __future__ import annotations

import base64
import os
import socket
import ssl
import sys


def reply(stream) -> bytes:  # type: ignore[no-untyped-def]
    while True:
        line = stream.readline(8192)
        if line[3:4] != b"-":
            return bytes(line)


def main(host: str, port: str, cafile: str, sni: str, user: str) -> int:
    sock = socket.create_connection((host, int(port)), timeout=10)
    stream = sock.makefile("rb")
    reply(stream)
    sock.sendall(b"EHLO bench.local\r\n")
    reply(stream)
    sock.sendall(b"STARTTLS\r\n")
    reply(stream)
    tls = ssl.create_default_context(cafile=cafile).wrap_socket(sock, server_hostname=sni)
    stream = tls.makefile("rb")
    tls.sendall(b"EHLO bench.local\r\n")
    reply(stream)
    token = base64.b64encode(f"\0{user}\0{os.environ['BENCH_PW']}".encode())
    tls.sendall(b"AUTH PLAIN " + token + b"\r\n")
    ok = reply(stream).startswith(b"235")
    tls.sendall(b"QUIT\r\n")
    reply(stream)
    tls.close()
    return 0 if ok else 1


if __name__ == "__main__":
    if "--with-model" in sys.argv:
        import smtptui.cli
        import smtptui.probe.config
        import smtptui.probe.events
        import smtptui.profiles.model
        import smtptui.reports.text  # noqa: F401
    sys.exit(main(*sys.argv[1:6]))
