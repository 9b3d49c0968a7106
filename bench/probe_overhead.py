"""Engine overhead: N sequential STARTTLS + AUTH + QUIT probes through smtptui's engine,
against a minimal baseline doing the same exchange with raw asyncio streams + ssl, in the
same run, against the same loopback relay. Prints both medians and the ratio.

    python bench/probe_overhead.py [N]        (target: engine <= 1.15x the baseline)
"""

from __future__ import annotations

import asyncio
import base64
import multiprocessing as mp
import ssl
import statistics
import sys
import time
from multiprocessing.connection import Connection

from smtptui.demo.certs import make_pki
from smtptui.demo.relay import Relay, RelayOptions
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import probe

USER, PASSWORD = "bench@smtptui.test", "bench-password"


async def baseline(port: int, ctx: ssl.SSLContext) -> None:
    """The same wire exchange with nothing but asyncio streams and ssl (the context made
    once, as the engine caches its contexts too)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)

    async def reply() -> bytes:
        while True:
            line = await reader.readline()
            if line[3:4] != b"-":
                return line

    await reply()
    writer.write(b"EHLO bench.local\r\n")
    await reply()
    writer.write(b"STARTTLS\r\n")
    await reply()
    await writer.start_tls(ctx, server_hostname="localhost")
    writer.write(b"EHLO bench.local\r\n")
    await reply()
    token = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())
    writer.write(b"AUTH PLAIN " + token + b"\r\n")
    assert (await reply()).startswith(b"235")
    writer.write(b"QUIT\r\n")
    await reply()
    writer.close()
    await writer.wait_closed()


def serve(conn: Connection) -> None:
    """The relay, in its own process (on the other core), so only the clients are timed."""
    async def run() -> None:
        pki = make_pki()
        relay = await Relay(RelayOptions(starttls=pki.good, users={USER: PASSWORD})).start()
        conn.send((relay.port, str(pki.ca_file)))
        await asyncio.get_running_loop().run_in_executor(None, conn.recv)
        await relay.stop()

    asyncio.run(run())


async def main(n: int) -> None:
    parent, child = mp.Pipe()
    server = mp.Process(target=serve, args=(child,), daemon=True)
    server.start()
    port, cafile = parent.recv()
    config = ProbeConfig(host="127.0.0.1", port=port, username=USER,
                         password=Secret(PASSWORD), auth="plain", cafile=cafile,
                         servername="localhost", ehlo_name="bench.local")
    ctx = ssl.create_default_context(cafile=cafile)
    engine_ms: list[float] = []
    base_ms: list[float] = []
    for _ in range(5):  # warm-up
        await baseline(port, ctx)
        assert (await probe(config)).ok
    for _ in range(n):  # interleaved, so drift hits both alike
        t = time.perf_counter()
        await baseline(port, ctx)
        base_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        report = await probe(config)
        engine_ms.append((time.perf_counter() - t) * 1000)
        assert report.ok
    parent.send("stop")
    server.join(10)
    b, e = statistics.median(base_ms), statistics.median(engine_ms)
    print(f"runs: {n} sequential STARTTLS + AUTH PLAIN + QUIT probes, loopback relay "
          "in another process")
    print(f"baseline (asyncio streams + ssl): median {b:.2f} ms")
    print(f"smtptui engine:                   median {e:.2f} ms")
    print(f"ratio engine/baseline: {e / b:.3f}x  (target <= 1.15x)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
