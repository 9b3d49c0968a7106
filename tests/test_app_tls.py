"""The dashboard's TLS tab: T inspects the selected profile's TLS, I shows the inbound view
of its domain (every MX), each in place of the probe view; T again (or H) leaves it."""

from __future__ import annotations

from pathlib import Path

from smtptui.app.widgets.history_pane import HistoryPane
from smtptui.app.widgets.tls_pane import TlsPane
from tests.app_helpers import Relays, app_for, profile, select, until, write_profiles
from tests.dns_fixtures import DnsServerFactory


async def test_t_inspects_the_selected_profiles_tls_in_its_own_tab(
        acme_file: Path, tmp_path: Path) -> None:
    app = app_for(acme_file, history=tmp_path / "h.sqlite3")
    async with app.run_test(size=(120, 40)) as pilot:
        await select(pilot, app, "Acme relay")
        await pilot.press("T")
        pane = app.main.query_one(TlsPane)
        await until(pilot, lambda: "handshakes in" in pane.text, "the inspection")
        assert pane.display and not app.main.view.display
        text = pane.text
        assert "TLS of 127.0.0.1" in text and "Protocol versions" in text
        assert "certificate names include 127.0.0.1" in text
        assert "Certificate chain as served" in text and "all checks passed" in text
        await pilot.press("H")  # another tab takes its place
        assert not pane.display and app.main.query_one(HistoryPane).display
        await pilot.press("H")
        await pilot.press("T")
        await until(pilot, lambda: "handshakes in" in pane.text, "the second inspection")
        await pilot.press("T")  # leaves the tab
        assert not pane.display and app.main.view.display
        await pilot.press("T")
        await select(pilot, app, "Acme strict")  # another profile: its own run, not this tab
        await until(pilot, lambda: not pane.display and app.main.view.display,
                    "the probe view of the other profile")


async def test_i_shows_the_inbound_view_of_the_profiles_domain(
        tmp_path: Path, relays: Relays, cafile: str,
        dns_server_factory: DnsServerFactory) -> None:
    dns = dns_server_factory({"acme.test": {"@": [("MX", "10 mx")],
                                            "mx": [("A", "127.0.0.1")]}})
    path = write_profiles(tmp_path / "p.toml", [profile(
        "Acme relay", relays.healthy.port, cafile, nameserver=dns.address,
        **{"from": "ops@acme.test"})])
    app = app_for(path, history=tmp_path / "h.sqlite3")
    async with app.run_test(size=(80, 24)) as pilot:
        app.inbound_port = relays.healthy.port  # the MX "port 25" of this test
        await select(pilot, app, "Acme relay")
        await pilot.press("I")
        pane = app.main.query_one(TlsPane)
        await until(pilot, lambda: "MX host(s) on port" in pane.text, "the inbound view")
        text = pane.text
        assert "Inbound mail for acme.test" in text
        assert "10 mx.acme.test (127.0.0.1, TLSv1.3)" in text
        assert pane.border_title == "Inbound · acme.test"


async def test_a_profile_without_a_domain_says_what_to_set(
        tmp_path: Path, relays: Relays, cafile: str) -> None:
    path = write_profiles(tmp_path / "p.toml", [profile(
        "Bare", relays.healthy.port, cafile, username=None, password=None,
        **{"from": None, "to": None})])
    app = app_for(path, history=tmp_path / "h.sqlite3")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await select(pilot, app, "Bare")
        await pilot.press("I")
        await until(pilot, lambda: app._notifications, "a notification")
        assert "set From with e" in " ".join(n.message for n in app._notifications)
        assert not app.main.query_one(TlsPane).display
