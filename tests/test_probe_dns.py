"""The resolve stage against a real DNS responder on loopback (never the system's)."""

from __future__ import annotations

from collections.abc import Callable

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import probe

ConfigFor = Callable[..., ProbeConfig]
ZONES = {"acme.test": {"smtp": [("A", "127.0.0.1")], "v6only": [("AAAA", "::1")],
                       "broken": [("A", "127.0.0.1")]}}


async def test_host_name_resolved_through_the_given_nameserver(relay, config_for: ConfigFor,
                                                               dns_server_factory) -> None:  # type: ignore[no-untyped-def]
    dns = dns_server_factory(ZONES)
    report = await probe(config_for(relay.port, host="smtp.acme.test", servername="localhost",
                                     nameserver=dns.address))
    assert report.ok, report.failed_stage
    assert report.target.address == "127.0.0.1"
    assert any("resolved smtp.acme.test -> 127.0.0.1" in w.text for w in report.transcript)


async def test_nxdomain_fails_at_resolve(config_for: ConfigFor, dns_server_factory) -> None:  # type: ignore[no-untyped-def]
    dns = dns_server_factory(ZONES)
    report = await probe(config_for(25, host="nope.acme.test", nameserver=dns.address))
    stage = report.failed_stage
    assert stage is not None and stage.stage == "resolve"
    assert stage.diagnosis is not None and stage.diagnosis.layer == "dns"
    assert [s.stage for s in report.stages] == ["resolve"]


async def test_dns_timeout_is_reported_as_such(config_for: ConfigFor,
                                               silent_nameserver: str) -> None:
    report = await probe(config_for(25, host="smtp.acme.test", nameserver=silent_nameserver,
                                    timeout=1.0))
    stage = report.failed_stage
    assert stage is not None and stage.stage == "resolve"
    assert stage.diagnosis is not None and stage.diagnosis.layer == "dns"
    assert "nameserver given for this probe did not answer" in stage.diagnosis.summary
    assert silent_nameserver in stage.diagnosis.summary  # which one, in the evidence
    assert "--nameserver" in stage.diagnosis.advice
    assert "resolv.conf" not in stage.diagnosis.advice
