"""`smtptui exporter`: the Prometheus multi-target exporter over the saved profiles."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from smtptui.errors import ExitCode, UsageError

DEFAULT_LISTEN = "127.0.0.1:9525"
DEFAULT_CONCURRENCY = 50


def register(sub: Any) -> None:
    p = sub.add_parser(
        "exporter", help="Prometheus exporter: /probe?profile=NAME probes a saved profile",
        description="Serve the Prometheus multi-target pattern: GET /probe?profile=NAME (or "
                    "client=NAME) probes saved profiles on demand; /metrics has the exporter's "
                    "own metrics. Only profiles in the file can be probed. Runs until "
                    "interrupted; exit 0 on SIGTERM/SIGINT, 1 if it cannot listen, 2 on bad "
                    "input.")
    p.add_argument("--listen", default=DEFAULT_LISTEN, metavar="HOST:PORT",
                   help=f"address to listen on (default {DEFAULT_LISTEN}); anything but "
                        "loopback needs --web-config")
    p.add_argument("--web-config", metavar="FILE", type=Path,
                   help="exporter-toolkit web config (basic_auth_users, tls_server_config)")
    p.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, metavar="N",
                   help=f"probes running at once (default {DEFAULT_CONCURRENCY})")
    p.add_argument("--default-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="deadline when the scraper sends no X-Prometheus-Scrape-Timeout-Seconds "
                        "(default 10)")
    p.add_argument("--profiles", metavar="FILE", default=argparse.SUPPRESS, help="profiles file")
    from smtptui.commands.history_args import add_history_args

    add_history_args(p)


def parse_listen(text: str) -> tuple[str, int, bool]:
    """``HOST:PORT`` -> (host, port, is loopback). ``[::1]:9525`` for IPv6; ``:9525``
    means every interface."""
    import ipaddress

    host, sep, port_text = text.rpartition(":")
    if not sep or not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise UsageError(f"--listen must be HOST:PORT, got {text!r}")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if host in ("localhost", "ip6-localhost"):
        return host, int(port_text), True
    try:
        loopback = ipaddress.ip_address(host).is_loopback if host else False
    except ValueError:
        loopback = False  # a host name: whatever it resolves to, treat it as exposed
    return host or "", int(port_text), loopback


def run(args: argparse.Namespace) -> int:
    try:
        import prometheus_client  # noqa: F401
    except ImportError:
        raise UsageError("the exporter needs prometheus-client: "
                         "pip install 'smtptui[exporter]'") from None
    host, port, loopback = parse_listen(args.listen)
    if not 1 <= args.concurrency <= 1000:
        raise UsageError(f"--concurrency must be 1-1000, got {args.concurrency}")
    if not 0 < args.default_timeout <= 600:
        raise UsageError("--default-timeout must be more than 0 and at most 600 seconds")
    web = None
    if args.web_config is not None:
        from smtptui.exporter.webconfig import load_web_config

        web = load_web_config(args.web_config)
    if not loopback and not (web and web.secured):
        raise UsageError(f"--listen {args.listen} is not loopback: give --web-config FILE with "
                         "basic_auth_users and/or tls_server_config")
    from smtptui.exporter.targets import Targets, load_targets
    from smtptui.profiles import ProfilesError, resolve_path

    path = resolve_path(getattr(args, "profiles", None))
    try:
        targets = Targets(path, load_targets(path))
    except ProfilesError as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    from smtptui.cli import run_async

    return run_async(_serve(targets, web, host, port, args))


async def _serve(targets: Any, web: Any, host: str, port: int,
                 args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from smtptui.commands.history_args import sink_for
    from smtptui.exporter.app import Exporter
    from smtptui.exporter.http import HTTPServer
    from smtptui.probe.warmup import warm_up

    sink = sink_for(args, "exporter")
    exporter = Exporter(targets, web=web, concurrency=args.concurrency,
                        default_timeout=args.default_timeout, sink=sink)
    await asyncio.to_thread(warm_up, list(targets.current.configs.values()))
    server = HTTPServer(exporter.handle)
    try:
        bound = await server.start(host or None, port, web.tls if web else None)  # type: ignore[arg-type]
    except OSError as exc:
        print(f"smtptui: cannot listen on {args.listen}: {exc.strerror}", file=sys.stderr)
        return ExitCode.FAILED
    scheme = "https" if web and web.tls else "http"
    shown = f"[{host}]" if ":" in host else (host or "0.0.0.0")
    count = len(targets.current.configs)
    print(f"smtptui exporter: listening on {scheme}://{shown}:{bound}/ "
          f"({count} profile{'s' if count != 1 else ''} from {targets.path})",
          file=sys.stderr, flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await server.close()
        sink.close()
    print("smtptui exporter: stopped", file=sys.stderr)
    return ExitCode.OK
