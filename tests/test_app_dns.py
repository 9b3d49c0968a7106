"""Pilot tests: the DNS section of the diagnostics (D), against a loopback DNS responder.

Every profile names the loopback responder (or a silent one) as its nameserver: these
tests never ask the machine's resolver.
"""

from __future__ import annotations

import hashlib
import ssl
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smtptui.app.app import SmtpTuiApp
from smtptui.app.widgets.diagnostics import DiagnosticsPanel
from tests.app_helpers import PASSWORD_ENV, app_for, profile, run_selected, select, until
from tests.conftest import CANARY, RelayFactory
from tests.dns_fixtures import DnsServerFactory

RELAY = "relay.acme.test"


def spki_sha256(cert_pem: bytes) -> str:
    cert = x509.load_pem_x509_certificate(cert_pem)
    spki = cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def section(app: SmtpTuiApp) -> str:
    return app.main.query_one(DiagnosticsPanel).section_text


async def dns_checks(pilot: object, app: SmtpTuiApp, key: str) -> str:
    """Press D and wait for the DNS section of ``key`` to be finished."""
    before = app.dns_results.get(key)
    await pilot.press("D")  # type: ignore[attr-defined]
    await until(pilot, lambda: app.dns_results.get(key) not in (None, before),  # type: ignore[arg-type]
                "the DNS checks")
    await pilot.pause()  # type: ignore[attr-defined]
    return section(app)


@pytest.fixture
async def acme(tmp_path: Path, ca: trustme.CA, cafile: str, relay_factory: RelayFactory,
               dns_server_factory: DnsServerFactory,
               monkeypatch: pytest.MonkeyPatch) -> Path:
    """A relay named relay.acme.test (its certificate pinned by TLSA) and two profiles:
    From acme.test (SPF allows 127.0.0.1, DMARC p=none) and From globex.test (SPF does
    not allow it, DMARC p=reject)."""
    leaf = ca.issue_cert(RELAY)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    leaf.configure_cert(ctx)
    relay = await relay_factory(starttls=ctx)
    tlsa = spki_sha256(leaf.cert_chain_pems[0].bytes())
    server = dns_server_factory({
        "acme.test": {
            "relay": [("A", "127.0.0.1")],
            f"_{relay.port}._tcp.relay": [("TLSA", f"3 1 1 {tlsa}")],
            "@": [("TXT", "v=spf1 ip4:127.0.0.1 -all"), ("MX", f"10 {RELAY}.")],
            "_dmarc": [("TXT", "v=DMARC1; p=none")],
        },
        "globex.test": {
            "@": [("TXT", "v=spf1 ip4:192.0.2.10 -all")],
            "_dmarc": [("TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@globex.test")],
        },
        "127.in-addr.arpa": {"1.0.0": [("PTR", f"{RELAY}.")]},
    })
    monkeypatch.setenv(PASSWORD_ENV, CANARY)
    from tests.app_helpers import write_profiles

    return write_profiles(tmp_path / "profiles.toml", [
        profile("Acme relay", relay.port, cafile, host=RELAY, nameserver=server.address,
                **{"from": "ops@acme.test"}),
        profile("Globex", relay.port, cafile, host=RELAY, nameserver=server.address,
                client="Globex", **{"from": "ops@globex.test"}),
    ])


async def test_dns_section_after_a_probe(acme: Path) -> None:
    app = app_for(acme)
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await run_selected(pilot, app)
        assert app.main.view.report is not None and app.main.view.report.ok
        text = await dns_checks(pilot, app, "file:Acme relay")
        outcome = app.dns_results["file:Acme relay"]
        assert outcome.domain is not None and outcome.plan.relay_ip == "127.0.0.1"
        # the relay host: address, forward-confirmed PTR of the connected IP, DANE
        assert f"✓ pass  {RELAY} resolves: 127.0.0.1" in text
        assert f"✓ pass  127.0.0.1: PTR {RELAY}, forward-confirmed" in text
        assert "✓ pass  certificate matches TLSA DANE-EE SPKI SHA2-256" in text
        # SPF evaluated for the IP the probe connected to
        spf = [f for f in outcome.domain.spf.findings if f.text.startswith("127.0.0.1: ")]
        assert [f.level for f in spf] == ["pass"]
        assert f"✓ pass  {spf[0].text}" in text
        # DMARC p=none is a warning, shown with its word
        warnings = [f.text for f in outcome.domain.dmarc.findings if f.level == "warn"]
        assert any("p=none" in w for w in warnings)
        for warning in warnings:
            assert f"⚠ warn  {warning}" in text
        assert "Sender domain acme.test" in text and "v=DMARC1; p=none" in text
        assert app.main.query_one(DiagnosticsPanel).text.startswith("✓ PASSED")
        assert CANARY not in text


async def test_spf_fail_for_the_relay_and_notes_before_any_probe(acme: Path) -> None:
    app = app_for(acme)
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Globex")
        text = await dns_checks(pilot, app, "file:Globex")
        assert "has not been probed yet" in text
        assert "✗ fail  127.0.0.1: fail" in text
        assert "evaluated for 127.0.0.1, an address of the relay host in DNS" in text
        assert text.splitlines()[2].startswith("✗ fail  ")  # the verdict line
        # the section stays with its profile: another profile shows none (or its own)
        await pilot.press("home")
        await select(pilot, app, "Acme relay")
        assert section(app) == ""
        await select(pilot, app, "Globex")
        assert "✗ fail  127.0.0.1: fail" in section(app)


@pytest.fixture
def silent_file(tmp_path: Path, cafile: str, silent_nameserver: str) -> Path:
    from tests.app_helpers import write_profiles

    return write_profiles(tmp_path / "profiles.toml", [
        profile("Bare IP", 2525, cafile, nameserver=silent_nameserver, **{"from": None}),
        profile("Named", 2525, cafile, host="smtp.acme.test", nameserver=silent_nameserver),
    ])


async def test_a_silent_resolver_times_out_and_says_so(silent_file: Path) -> None:
    app = app_for(silent_file)
    app.dns_timeout = 0.3
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Bare IP")
        text = await dns_checks(pilot, app, "file:Bare IP")
        assert "127.0.0.1 is an IP address: no host checks" in text
        assert "no From address in this profile: no sender-domain checks" in text
        assert "✗ fail  1 of 1 lookup(s) timed out after 0.3 s" in text
        assert "✗ fail  127.0.0.1: PTR lookup timed out after 0.3 s" in text


async def test_the_whole_run_has_a_deadline_and_esc_cancels(silent_file: Path) -> None:
    app = app_for(silent_file)
    app.dns_deadline = 0.4
    async with app.run_test(size=(80, 24)) as pilot:
        await select(pilot, app, "Named")
        text = await dns_checks(pilot, app, "file:Named")
        assert "✗ fail  timed out: the checks took longer than 0.4 s" in text
        app.dns_deadline = 30
        await pilot.press("D")
        await until(pilot, lambda: "(Esc cancels)" in section(app), "the running note")
        await pilot.press("escape")
        await until(pilot, lambda: app.dns_results["file:Named"].status == "cancelled",
                    "the cancellation")
        await pilot.pause()
        assert "⚠ warn  DNS checks cancelled" in section(app)
        assert not [w for w in app.main.workers if w.group == "dns" and w.is_running]
