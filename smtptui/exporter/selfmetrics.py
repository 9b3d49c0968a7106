"""The exporter's own metrics (`GET /metrics`): one registry for the process, every
series created up front so a dashboard sees zeros rather than gaps."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

ENDPOINTS = ("probe", "metrics", "other")
CODES = ("200", "400", "401", "404", "405", "500")


class SelfMetrics:
    def __init__(self) -> None:
        from prometheus_client import (
            GC_COLLECTOR,
            PLATFORM_COLLECTOR,
            PROCESS_COLLECTOR,
            CollectorRegistry,
            Counter,
            Gauge,
            Histogram,
        )

        self.registry: CollectorRegistry = CollectorRegistry(auto_describe=True)
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        r = self.registry
        self.requests = Counter("smtptui_exporter_requests", "HTTP requests by endpoint and "
                                "status code", ["endpoint", "code"], registry=r)
        for endpoint in ENDPOINTS:
            for code in CODES:
                self.requests.labels(endpoint, code)
        self.internal_errors = Counter("smtptui_exporter_internal_errors",
                                       "Scrapes answered 500 (a bug: see stderr)", registry=r)
        self.shared = Counter("smtptui_exporter_shared_probes",
                              "Scrapes that joined a probe already running", registry=r)
        self.deadline_exceeded = Counter("smtptui_exporter_deadline_exceeded",
                                         "Probes not finished within the scrape timeout",
                                         registry=r)
        self.in_flight = Gauge("smtptui_exporter_probes_in_flight", "Probes running now",
                               registry=r)
        self.probe_seconds = Histogram("smtptui_exporter_probe_duration_seconds",
                                       "Duration of the probes the exporter ran", registry=r,
                                       buckets=(.05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60))
        self.profiles = Gauge("smtptui_exporter_profiles", "Profiles the exporter may probe",
                              registry=r)
        self.reload_errors = Gauge("smtptui_exporter_profile_reload_errors",
                                   "Times the profiles file could not be re-read (the last "
                                   "good set is kept)", registry=r)
        self.auth_failures = Counter("smtptui_exporter_auth_failures",
                                     "Requests refused for missing or wrong basic-auth "
                                     "credentials", registry=r)

    def render(self) -> bytes:
        from prometheus_client import generate_latest

        return generate_latest(self.registry)
