"""The exporter at scale: N profiles (default 1,000) scraped through `smtptui exporter`
against loopback relays, as Prometheus would (one HTTP GET /probe?profile=NAME each, C
scrapes in flight). Prints scrapes per second, the exporter's CPU per scrape and its
memory, and the same probes run in-process with no HTTP (the baseline, same run).

    python bench/exporter.py [N] [CONCURRENCY] [LATENCY_S]

The requirement it checks: 1,000 profiles scraped every 60 s is 16.7 scrapes/s on this
2-core machine, with the relays and the scraper on the same two cores. The relays run
in their own process and delay their greeting by LATENCY_S (default 0.05 s) to stand in
for network round trips. The exporter runs as `smtptui exporter` in a child process,
recording each run in a history database as it does by default.
"""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).parent))

from batch import PASSWORD, USER, run, serve  # noqa: E402

from smtptui.probe.config import ProbeConfig, Secret  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime


def memory_kib(pid: int, key: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    return 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def scrape_all(port: int, names: list[str], concurrency: int) -> tuple[float, int]:
    """GET /probe for every name, ``concurrency`` keep-alive connections at once."""
    queue = list(reversed(names))
    ok = 0

    async def worker() -> None:
        nonlocal ok
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while queue:
            name = queue.pop()
            writer.write(f"GET /probe?profile={quote(name)} HTTP/1.1\r\nHost: bench\r\n"
                         "X-Prometheus-Scrape-Timeout-Seconds: 30\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            body = await reader.readexactly(length)
            ok += b"probe_success{" in body and b"} 1.0\n" in body.split(b"probe_success{")[1][:200]
        writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - start, ok


def wait_listening(port: int, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if proc.poll() is not None:
            raise SystemExit(f"the exporter exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the exporter did not start listening")


def one_round(profiles: Path, names: list[str], concurrency: int, history: Path | None
              ) -> dict[str, float]:
    port = free_port()
    env = {**os.environ, "BENCH_PASSWORD": PASSWORD}
    args = [sys.executable, "-m", "smtptui", "exporter", "--profiles", str(profiles),
            "--listen", f"127.0.0.1:{port}", "--concurrency", str(concurrency)]
    args += ["--history", str(history)] if history else ["--no-history"]
    proc = subprocess.Popen(args, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_listening(port, proc)
        idle_rss = memory_kib(proc.pid, "VmRSS")
        cpu0 = cpu_seconds(proc.pid)
        wall, ok = asyncio.run(scrape_all(port, names, concurrency))
        cpu = cpu_seconds(proc.pid) - cpu0
        return {"wall": wall, "ok": ok, "cpu": cpu, "idle_rss": idle_rss,
                "rss": memory_kib(proc.pid, "VmRSS"), "hwm": memory_kib(proc.pid, "VmHWM")}
    finally:
        proc.terminate()
        proc.wait(10)


def main(n: int, concurrency: int, latency: float) -> None:
    parent, child = mp.Pipe()
    relays = mp.Process(target=serve, args=(latency, child), daemon=True)
    relays.start()
    ports, cafile = parent.recv()
    names = [f"relay-{i:04d}" for i in range(n)]
    with tempfile.TemporaryDirectory() as tmp:
        profiles = Path(tmp) / "profiles.toml"
        profiles.write_text("".join(
            f'[[profile]]\nname = "{name}"\nclient = "client-{i % 50}"\nhost = "127.0.0.1"\n'
            f'port = {ports[i % len(ports)]}\nservername = "localhost"\ncafile = "{cafile}"\n'
            f'username = "{USER}"\npassword = {{ env = "BENCH_PASSWORD" }}\n\n'
            for i, name in enumerate(names)))
        configs = [ProbeConfig(host="127.0.0.1", port=ports[i % len(ports)], username=USER,
                               password=Secret(PASSWORD), cafile=cafile, servername="localhost",
                               profile=name) for i, name in enumerate(names)]
        try:
            base_wall, base_ok = asyncio.run(run(configs, concurrency))
            plain = one_round(profiles, names, concurrency, None)
            recorded = one_round(profiles, names, concurrency, Path(tmp) / "history.sqlite3")
        finally:
            parent.send("stop")
            relays.join(10)
    need = n / 60
    print(f"{n} profiles (STARTTLS + AUTH + QUIT), {concurrency} scrapes in flight, relays "
          f"with {latency * 1000:.0f} ms greeting latency, 2 cores shared by all")
    print(f"baseline, probe_many in-process, no HTTP: {n / base_wall:7.1f} probes/s "
          f"({base_ok} ok)")
    for label, r in (("exporter, --no-history", plain), ("exporter, with history", recorded)):
        rate = n / r["wall"]
        print(f"{label:<24}: {rate:7.1f} scrapes/s ({int(r['ok'])} ok), "
              f"{r['cpu'] / n * 1000:.1f} ms exporter CPU per scrape, "
              f"RSS {r['idle_rss'] / 1024:.0f} MiB idle -> {r['rss'] / 1024:.0f} MiB "
              f"(peak {r['hwm'] / 1024:.0f} MiB); {rate / (n / base_wall):.2f}x the baseline; "
              f"{rate / need:.1f}x the {need:.1f} scrapes/s that {n} profiles every 60 s need")


if __name__ == "__main__":
    args = sys.argv[1:]
    main(int(args[0]) if args else 1000, int(args[1]) if len(args) > 1 else 50,
         float(args[2]) if len(args) > 2 else 0.05)
