"""Engine overhead: N sequential STARTTLS + AUTH + QUIT probes through smtptui's engine,
against a minimal baseline doing the same exchange with raw asyncio streams + ssl, in the
same run, against the same loopback relay. Prints both medians and the ratio.

    python bench/probe_overhead.py [N]        (target: engine <= 1.15x the baseline)
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import statistics
import sys
import time

from smtptui.democerts import make_pki
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import probe
from smtptui.relay import Relay, RelayOptions

USER, PASSWORD = "bench@smtptui.test", "bench-password"


async def baseline(port: int, cafile: str) -> None:
    """The same wire exchange with nothing but asyncio streams and ssl."""
    ctx = ssl.create_default_context(cafile=cafile)
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


async def main(n: int) -> None:
    pki = make_pki()
    relay = await Relay(RelayOptions(starttls=pki.good, users={USER: PASSWORD})).start()
    config = ProbeConfig(host="127.0.0.1", port=relay.port, username=USER,
                         password=Secret(PASSWORD), auth="plain", cafile=str(pki.ca_file),
                         servername="localhost", ehlo_name="bench.local")
    engine_ms: list[float] = []
    base_ms: list[float] = []
    for _ in range(5):  # warm-up
        await baseline(relay.port, str(pki.ca_file))
        assert (await probe(config)).ok
    for _ in range(n):  # interleaved, so drift hits both alike
        t = time.perf_counter()
        await baseline(relay.port, str(pki.ca_file))
        base_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        report = await probe(config)
        engine_ms.append((time.perf_counter() - t) * 1000)
        assert report.ok
    await relay.stop()
    b, e = statistics.median(base_ms), statistics.median(engine_ms)
    print(f"runs: {n} sequential STARTTLS + AUTH PLAIN + QUIT probes, loopback relay")
    print(f"baseline (asyncio streams + ssl): median {b:.2f} ms")
    print(f"smtptui engine:                   median {e:.2f} ms")
    print(f"ratio engine/baseline: {e / b:.3f}x  (target <= 1.15x)")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
