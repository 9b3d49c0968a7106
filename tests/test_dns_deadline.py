"""Every DNS check has an overall deadline derived from ``--timeout``: a chain of slow
answers cannot make `smtptui dns` run for minutes; what was not finished is a
temporary error (SPF ``temperror``)."""

from __future__ import annotations

import json

import pytest

from smtptui.cli import main
from smtptui.dnscheck.resolver import DEADLINE_FACTOR
from tests.dns_fixtures import DnsServerFactory

SLOW = 0.3


def slow_zones() -> tuple[dict[str, object], dict[str, str]]:
    """example.test's SPF has 10 ``mx:`` terms of 10 MX hosts each; every address
    lookup of those hosts is answered ``SLOW`` seconds late (inside the timeout)."""
    zones: dict[str, object] = {
        "example.test": {"@": [("TXT", "v=spf1 " + " ".join(
            f"mx:d{i}.example.test" for i in range(10)) + " -all")]}}
    behaviour = {}
    for i in range(10):
        zones[f"d{i}.example.test"] = {
            "@": [("MX", f"10 h{j}") for j in range(10)],
            **{f"h{j}": [("A", f"192.0.2.{j + 1}")] for j in range(10)}}
        for j in range(10):
            behaviour[f"h{j}.d{i}.example.test"] = f"slow:{SLOW}"
    return zones, behaviour


def test_a_check_of_many_slow_answers_ends_at_its_deadline(
        dns_server_factory: DnsServerFactory, capsys: pytest.CaptureFixture[str]) -> None:
    zones, behaviour = slow_zones()
    server = dns_server_factory(zones, behaviour=behaviour)
    timeout = 0.5
    code = main(["dns", "example.test", "--ip", "198.51.100.7", "--nameserver",
                 server.address, "--timeout", str(timeout), "--no-common-selectors",
                 "--json"])
    out = capsys.readouterr().out
    doc = json.loads(out)
    spf = json.dumps(doc)
    assert code == 1
    assert "temperror" in spf and "not finished" in spf
    assert f"{DEADLINE_FACTOR * timeout:g} s" in spf
    slow = [name for _t, name, _q in server.log if name.startswith("h")]
    budget = DEADLINE_FACTOR * timeout / SLOW
    assert len(slow) <= budget + 2  # 100 slow lookups were needed; the deadline cut them


async def test_a_cname_loop_is_named_as_such(dns_server_factory: DnsServerFactory) -> None:
    from smtptui.dnscheck.resolver import Dns

    server = dns_server_factory({"loop.test": {"@": [("TXT", "v=spf1 -all")],
                                               "a": [("CNAME", "b")], "b": [("CNAME", "a")]}})
    lookup = await Dns(server.address, 2).query("a.loop.test", "A")
    assert lookup.error == "CNAME loop at a.loop.test"
    assert "The" not in lookup.describe()
