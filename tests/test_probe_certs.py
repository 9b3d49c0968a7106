"""A certificate that failed verification is still shown, read with the stdlib alone:
the same fields ``cryptography`` would give, without its 28 ms and 35 MB."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import ssl
import sys
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture
def hashed_store(ca: trustme.CA, tmp_path: Path,
                 monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A system store laid out as update-ca-certificates does: the bundle file inside a
    directory of certificates named by subject hash, holding the test CA."""
    import shutil
    import subprocess

    from smtptui.probe import tlsinfo

    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to name the certificate by its hash")
    store = tmp_path / "certs"
    store.mkdir()
    bundle = store / "ca-certificates.crt"
    ca.cert_pem.write_to_path(str(bundle))
    digest = subprocess.run(["openssl", "x509", "-subject_hash", "-noout", "-in", str(bundle)],
                            capture_output=True, text=True, check=True).stdout.strip()
    (store / f"{digest}.0").symlink_to(bundle)
    paths = ssl.DefaultVerifyPaths(str(bundle), str(store), "SSL_CERT_FILE", str(bundle),
                                   "SSL_CERT_DIR", str(store))
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: paths)
    tlsinfo._context.cache_clear()
    yield store
    tlsinfo._context.cache_clear()


async def test_the_system_store_is_read_by_name_not_loaded_whole(
        hashed_store: Path, relay_factory: RelayFactory, server_ctx: ssl.SSLContext,
        bad_certs: dict[str, ssl.SSLContext]) -> None:
    from smtptui.probe.engine import probe
    from smtptui.probe.tlsinfo import make_context, system_trust_dir
    from tests.conftest import make_config

    assert system_trust_dir() == str(hashed_store)
    assert make_context(cafile=None, insecure=False).cert_store_stats()["x509_ca"] == 0
    good = await relay_factory(starttls=server_ctx)
    report = await probe(make_config(good.port, servername="localhost"))
    assert report.ok and report.tls is not None and report.tls.cert is not None
    assert report.tls.cert.verified is True
    stranger = await relay_factory(starttls=bad_certs["unknown_ca"])
    report = await probe(make_config(stranger.port, servername="localhost"))
    assert not report.ok and report.failed_stage is not None
    assert report.failed_stage.stage == "starttls"


def test_a_bundle_outside_the_directory_is_loaded_as_usual(
        hashed_store: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from smtptui.probe.tlsinfo import system_trust_dir

    own = tmp_path / "own.pem"
    own.write_text((hashed_store / "ca-certificates.crt").read_text())
    paths = ssl.DefaultVerifyPaths(str(own), str(hashed_store), "SSL_CERT_FILE", str(own),
                                   "SSL_CERT_DIR", str(hashed_store))
    monkeypatch.setattr(ssl, "get_default_verify_paths", lambda: paths)
    assert system_trust_dir() is None
