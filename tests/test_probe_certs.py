"""A certificate that failed verification is still shown, read with the stdlib alone:
the same fields ``cryptography`` would give, without its 28 ms and 35 MB."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import sys

import pytest
import trustme

from smtptui.probe.tlsinfo import _cert_from_der_cryptography, cert_from_der
from tests.conftest import RelayFactory


def _der(cert: trustme.LeafCert) -> bytes:
    return ssl.PEM_cert_to_DER_cert(cert.cert_chain_pems[0].bytes().decode())


@pytest.mark.parametrize("names", [
    ("localhost", "127.0.0.1"),
    ("mail.example.net", "::1", "relay.example.net", "2001:db8::25"),
    ("xn--bcher-kva.example",),
])
def test_stdlib_reading_matches_cryptography(ca: trustme.CA, names: tuple[str, ...]) -> None:
    der = _der(ca.issue_cert(*names, not_after=dt.datetime(2031, 2, 28, 13, 5, 9,
                                                           tzinfo=dt.UTC)))
    ours = cert_from_der(der, verified=False, error="unable to get local issuer")
    theirs = _cert_from_der_cryptography(der, verified=False,
                                         error="unable to get local issuer")
    assert ours == theirs
    assert ours.not_after == "2031-02-28T13:05:09Z" and ours.der == der
    # the names, in the order the JSON has always listed them: DNS names, then addresses
    assert set(ours.san) == {n for n in names}


async def test_an_unknown_ca_is_shown_without_importing_cryptography(
        relay_factory: RelayFactory, bad_certs: dict[str, ssl.SSLContext], cafile: str
) -> None:
    relay = await relay_factory(starttls=bad_certs["unknown_ca"])
    code = (
        "import asyncio, json, sys\n"
        "from smtptui.probe.config import ProbeConfig\n"
        "from smtptui.probe.engine import probe\n"
        f"config = ProbeConfig(host='127.0.0.1', port={relay.port}, cafile={cafile!r},\n"
        "                      servername='localhost', timeout=10)\n"
        "report = asyncio.run(probe(config))\n"
        "print(json.dumps([report.tls.cert.to_json(), 'cryptography' in sys.modules]))\n"
    )
    child = await asyncio.create_subprocess_exec(sys.executable, "-c", code,
                                                 stdout=asyncio.subprocess.PIPE)
    out, _ = await child.communicate()
    cert, imported = json.loads(out)
    assert imported is False
    assert cert["verified"] is False and "issuer" in cert["error"]
    assert cert["san"] == ["localhost", "127.0.0.1"] and cert["subject"].startswith("OU=")
