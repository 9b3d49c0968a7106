"""Prometheus multi-target exporter: `GET /probe?profile=NAME` probes a saved profile on
demand and answers in the Prometheus text format (prometheus-client, lazily imported).

Only profiles in the profiles file can be probed: there is no free target parameter.
"""
