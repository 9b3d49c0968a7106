"""The exporter's routes: `/probe`, `/metrics`, `/-/healthy` and a landing page.

`/probe?profile=NAME` or `/probe?client=NAME` (all of a client's profiles, told apart by
the ``profile`` label); `&debug=true` answers the redacted text report instead. Only
names from the profiles file are accepted: unknown ones get 400, never a probe.
"""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from smtptui.exporter.http import Request, Response
from smtptui.exporter.metrics import Outcome, render
from smtptui.exporter.prober import Prober
from smtptui.exporter.selfmetrics import SelfMetrics
from smtptui.exporter.targets import Targets
from smtptui.exporter.webconfig import WebConfig

if TYPE_CHECKING:
    from smtptui.history.record import HistorySink

TIMEOUT_OFFSET = 0.5
"""Seconds kept back from Prometheus' scrape timeout to answer in time (blackbox's value)."""
PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LANDING = b"""smtptui exporter

  /probe?profile=NAME   probe one saved profile (add &debug=true for the text report)
  /probe?client=NAME    probe every profile of one client
  /metrics              the exporter's own metrics
  /-/healthy            liveness
"""


class BadScrape(Exception):
    """The scrape asked for something we will not do (400, with this message)."""


class Exporter:
    def __init__(self, targets: Targets, *, web: WebConfig | None = None,
                 concurrency: int = 50, default_timeout: float = 10.0,
                 sink: HistorySink | None = None) -> None:
        self.targets = targets
        self.web = web
        self.stats = SelfMetrics()
        self.prober = Prober(concurrency, self.stats, sink)
        self.default_timeout = default_timeout
        self._refresh_lock = asyncio.Lock()
        self._checked = 0.0
        self._count_profiles()

    def _count_profiles(self) -> None:
        self.prober.clients = self.targets.current.client_of
        self.stats.profiles.set(len(self.targets.current.configs))
        self.stats.reload_errors.set(self.targets.reload_errors)

    async def handle(self, request: Request) -> Response:
        path = urlsplit(request.target).path
        endpoint = {"/probe": "probe", "/metrics": "metrics"}.get(path, "other")
        try:
            response = await self._route(request, path)
        except Exception as exc:  # a bug: answer 500, count it, keep serving
            self.stats.internal_errors.inc()
            print(f"smtptui exporter: internal error on {path}: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            response = Response(500, b"internal error (see the exporter's stderr)\n")
        self.stats.requests.labels(endpoint, str(response.status)).inc()
        return response

    async def _route(self, request: Request, path: str) -> Response:
        if request.method not in ("GET", "HEAD"):
            return Response(405, b"GET only\n", headers={"Allow": "GET, HEAD"})
        if self.web is not None and self.web.users:
            header = request.headers.get("authorization")
            if not await asyncio.to_thread(self.web.authorised, header):
                self.stats.auth_failures.inc()
                return Response(401, b"Unauthorized\n",
                                headers={"WWW-Authenticate": 'Basic realm="smtptui"'})
        if path == "/probe":
            try:
                return await self._probe(request)
            except BadScrape as exc:
                return Response(400, f"{exc}\n".encode())
        if path == "/metrics":
            return Response(200, self.stats.render(), PROMETHEUS_TYPE)
        if path == "/-/healthy":
            return Response(200, b"OK\n")
        if path == "/":
            return Response(200, LANDING)
        return Response(404, b"not found\n")

    async def _probe(self, request: Request) -> Response:
        query = parse_qs(urlsplit(request.target).query, keep_blank_values=True)
        unknown = sorted(set(query) - {"profile", "client", "debug"})
        if unknown:
            raise BadScrape(f"unknown parameter(s) {', '.join(unknown)}: only saved profiles "
                            "can be probed (profile=NAME or client=NAME)")
        if any(len(v) > 1 for v in query.values()):
            raise BadScrape("each parameter may be given once")
        debug = query.get("debug", ["false"])[0].lower()
        if debug not in ("true", "false"):
            raise BadScrape("debug must be true or false")
        budget = self._budget(request)
        await self._refresh()
        loaded = self.targets.current
        if ("profile" in query) == ("client" in query):
            raise BadScrape("give exactly one of profile=NAME or client=NAME")
        if "profile" in query:
            names = [query["profile"][0]]
            if names[0] not in loaded.configs:
                raise BadScrape(f"unknown profile {names[0]!r}")
        else:
            names = loaded.clients.get(query["client"][0], [])
            if not names:
                raise BadScrape(f"unknown client {query['client'][0]!r}")
        outcomes = await asyncio.gather(*(
            self.prober.run(n, loaded.configs[n], budget) for n in names))
        if debug == "true":
            return Response(200, _debug_text(outcomes, budget).encode() + render(outcomes))
        return Response(200, render(outcomes), PROMETHEUS_TYPE)

    def _budget(self, request: Request) -> float:
        header = request.headers.get("x-prometheus-scrape-timeout-seconds")
        if header is None:
            return self.default_timeout
        try:
            seconds = float(header)
        except ValueError:
            raise BadScrape("X-Prometheus-Scrape-Timeout-Seconds is not a number") from None
        if not 0 < seconds < 86400:
            raise BadScrape("X-Prometheus-Scrape-Timeout-Seconds out of range")
        return max(seconds - TIMEOUT_OFFSET, min(seconds, 0.5))

    async def _refresh(self) -> None:
        """Re-read the profiles file if it changed (looked at most once a second)."""
        async with self._refresh_lock:
            now = time.monotonic()
            if now - self._checked < 1.0:
                return
            self._checked = now
            await asyncio.to_thread(self.targets.refresh)
            self._count_profiles()


def _debug_text(outcomes: list[Outcome], budget: float) -> str:
    from smtptui.reports.text import render_text

    parts = []
    for out in outcomes:
        if out.report is None:
            parts.append(f"profile {out.profile}: no report within {budget:g} s "
                         "(the scrape timeout)\n")
        else:
            parts.append(render_text(out.report, color=False, verbose=True))
    return "\n".join(parts) + "\nMetrics that would have been returned:\n"
