"""A certificate with thousands of names is summarised in every output, as other server
text is: the first names, then how many more."""

from __future__ import annotations

import json
import ssl
from collections.abc import Callable

import trustme

from smtptui.probe.config import ProbeConfig
from smtptui.probe.engine import run_probe
from smtptui.probe.events import ProbeFinished
from smtptui.probe.tlsinfo import SAN_SHOWN
from smtptui.reports.text import render_text
from tests.conftest import RelayFactory


async def test_three_thousand_names_are_capped_and_counted(
        ca: trustme.CA, relay_factory: RelayFactory,
        config_for: Callable[..., ProbeConfig]) -> None:
    names = ["localhost", "127.0.0.1", *(f"host-{i}.example.test" for i in range(2998))]
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*names).configure_cert(ctx)
    relay = await relay_factory(starttls=ctx)
    final = [e async for e in run_probe(config_for(relay.port, stop_after="tls"))][-1]
    assert isinstance(final, ProbeFinished)
    report = final.report
    assert report.tls is not None and report.tls.cert is not None
    san = report.tls.cert.san
    assert san[:SAN_SHOWN] == tuple(names[:SAN_SHOWN])
    assert san[-1] == f"… and {3000 - SAN_SHOWN:,} more" and len(san) == SAN_SHOWN + 1
    text = render_text(report, verbose=True, color=False)
    assert "… and 2,990 more" in text
    assert max(len(line) for line in text.splitlines()) < 1000
    assert json.loads(json.dumps(report.to_json()))["tls"]["cert"]["san"][-1] == san[-1]
