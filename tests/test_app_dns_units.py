"""Unit tests: what the DNS checks of a profile look at, and filling the form from a
discovered server (no widgets, no network)."""

from __future__ import annotations

import pytest

from smtptui.app.dns_plan import plan_for
from smtptui.app.entries import Entry
from smtptui.app.screens.editor_form import FormValues, apply_suggestion
from smtptui.dnscheck.discover import Suggestion
from smtptui.probe.events import CertInfo, ProbeReport, Target, TLSInfo
from smtptui.profiles.model import Profile


def entry(**fields: object) -> Entry:
    profile = Profile(**{"name": "P", "host": "smtp.acme.test", **fields})  # type: ignore[arg-type]
    return Entry("file:P", "P", "", profile=profile)


def report(host: str, address: str, der: bytes | None) -> ProbeReport:
    cert = CertInfo("CN=x", "CN=ca", (), "", "", 30, True, der=der)
    return ProbeReport(target=Target(host, 587, "starttls", "P", address), stages=(),
                       tls=TLSInfo("TLSv1.3", "X", 256, cert), extensions={},
                       transcript=(), banner="", started_at="", total_ms=1.0)


def test_plan_takes_the_from_domain_selectors_and_the_last_probe(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTPTUI_NAMESERVER", raising=False)
    plan = plan_for(entry(mail_from="Ops <ops@Acme.test>", dkim_selectors=("s1",),
                          nameserver="127.0.0.1:5353"),
                    report("smtp.acme.test", "192.0.2.7", b"DER"))
    assert (plan.from_domain, plan.selectors, plan.nameserver) == (
        "Acme.test", ("s1",), "127.0.0.1:5353")
    assert (plan.relay_ip, plan.cert_der, plan.host_is_ip) == ("192.0.2.7", b"DER", False)
    # a report of another host (the profile was changed) is not used
    assert plan_for(entry(), report("old.acme.test", "192.0.2.7", b"DER")).relay_ip is None


def test_plan_for_an_ip_literal_without_from_uses_the_environment_resolver(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTPTUI_NAMESERVER", "127.0.0.1:53")
    plan = plan_for(entry(host="[2001:db8::1]"), None)
    assert (plan.host, plan.host_is_ip, plan.from_domain) == ("2001:db8::1", True, None)
    assert plan.nameserver == "127.0.0.1:53"


def test_a_suggestion_fills_only_empty_personal_fields() -> None:
    srv = Suggestion("smtp.acme.test", 465, "implicit", "srv", "SRV")
    filled = apply_suggestion(FormValues(), srv, "ops@acme.test")
    assert (filled.host, filled.port, filled.tls, filled.preset) == (
        "smtp.acme.test", "465", "implicit", "")
    assert (filled.name, filled.username, filled.mail_from) == (
        "acme.test", "ops@acme.test", "ops@acme.test")
    mine = FormValues(name="Mine", username="me", mail_from="me@x.test")
    sendgrid = Suggestion("smtp.sendgrid.net", 587, "starttls", "mx", "MX", preset="sendgrid")
    kept = apply_suggestion(mine, sendgrid, "ops@acme.test")
    assert (kept.name, kept.username, kept.mail_from, kept.preset) == (
        "Mine", "me", "me@x.test", "sendgrid")
    assert apply_suggestion(FormValues(), sendgrid, "acme.test").username == "apikey"
