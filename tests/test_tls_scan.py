"""`smtptui tls`: versions, weak choices, order, the chain as served and DANE, against real
loopback relays with trustme certificates (each server's TLS set up the way it is judged)."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import ssl
import sys
import warnings
from pathlib import Path

import trustme

from smtptui.dnscheck.tlsa import association
from smtptui.tlsscan.handshake import Endpoint
from smtptui.tlsscan.inspect import inspect, inspect_endpoint
from smtptui.tlsscan.model import TlsScanReport
from smtptui.tlsscan.scan import scan_tls
from tests.conftest import RelayFactory
from tests.dns_fixtures import DnsServerFactory

NAME = "relay.test"


def server_ctx(leaf: trustme.LeafCert, *, chain: bool = True, low: str = "TLSv1_2",
               high: str = "TLSv1_3", ciphers: str | None = None,
               server_order: bool = True) -> ssl.SSLContext:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    with warnings.catch_warnings():  # an old-protocol server is what some tests need
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ssl.TLSVersion[low]
        ctx.maximum_version = ssl.TLSVersion[high]
    if ciphers:
        ctx.set_ciphers(ciphers)
    if not server_order:
        ctx.options &= ~ssl.OP_CIPHER_SERVER_PREFERENCE
    pems = leaf.cert_chain_pems if chain else leaf.cert_chain_pems[:1]
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        cert, key = Path(d, "c.pem"), Path(d, "k.pem")
        cert.write_bytes(b"".join(p.bytes() for p in pems))
        key.write_bytes(leaf.private_key_pem.bytes())
        ctx.load_cert_chain(cert, key)
    return ctx


def write_ca(tmp_path: Path, *cas: trustme.CA) -> str:
    path = tmp_path / "ca.pem"
    path.write_bytes(b"".join(c.cert_pem.bytes() for c in cas))
    return str(path)


async def scan(port: int, cafile: str, name: str = NAME, **kw: object) -> TlsScanReport:
    return await scan_tls(Endpoint("127.0.0.1", port, "starttls", name), name, cafile=cafile,
                          timeout=5.0, **kw)  # type: ignore[arg-type]


def section(report: TlsScanReport, name: str) -> list[tuple[str, str]]:
    return [(f.level, f.text) for s in report.sections if s.name == name for f in s.findings]


def status(report: TlsScanReport, key: str) -> str:
    return next(c.status for c in (*report.versions, *report.weak, *report.groups)
                if c.key == key)


async def test_a_modern_relay_passes_and_says_what_it_could_not_test(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(starttls=server_ctx(ca.issue_cert(NAME)))
    report = await scan(relay.port, write_ca(tmp_path, ca))
    assert report.level == "pass", report.sections
    assert status(report, "TLSv1.2") == status(report, "TLSv1.3") == "accepted"
    assert status(report, "TLSv1.0") == status(report, "TLSv1.1") == "refused"
    assert status(report, "SSLv3") == ("not_tested" if not ssl.HAS_SSLv3 else "refused")
    # a family the local OpenSSL cannot offer is "not tested", never "refused"
    local = [c for c in report.weak if "this machine's OpenSSL" in (c.detail or "")]
    assert local, "Debian's OpenSSL 3 has no export or RC4 suites: those are not tested"
    assert all(c.status == "not_tested" for c in local)
    assert report.server_order is True
    assert report.chain and report.chain[0].san == (NAME,)
    assert report.fixes == ()
    assert ("pass", "chain verifies (1 certificate served, complete)") in \
        section(report, "certificate")


async def test_a_legacy_relay_fails_with_the_postfix_exim_and_exchange_fixes(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA(key_type=trustme.KeyType.RSA)
    leaf = ca.issue_cert(NAME, key_type=trustme.KeyType.RSA)
    relay = await relay_factory(starttls=server_ctx(
        leaf, low="TLSv1", high="TLSv1", ciphers="ALL:@SECLEVEL=0"))
    report = await scan(relay.port, write_ca(tmp_path, ca))
    assert status(report, "TLSv1.0") == "accepted"
    assert status(report, "TLSv1.2") == status(report, "TLSv1.3") == "refused"
    protocols = section(report, "protocols")
    assert ("fail", "neither TLS 1.2 nor TLS 1.3 is accepted") in protocols
    assert any(level == "warn" and "TLSv1.0 accepted" in text for level, text in protocols)
    assert status(report, "rsa_kx") == "accepted"
    assert status(report, "cbc_tls10") == "accepted"
    assert {"no_modern", "old_protocols", "no_forward_secrecy"} <= set(report.fixes)
    assert report.level == "fail"


async def test_anonymous_suites_fail_on_a_submission_port_but_not_on_port_25(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(starttls=server_ctx(
        ca.issue_cert(NAME), high="TLSv1_2", ciphers="ALL:aNULL:@SECLEVEL=0"))
    cafile = write_ca(tmp_path, ca)
    strict = await scan(relay.port, cafile)
    assert status(strict, "anon") == "accepted"
    assert any(level == "fail" and "anonymous" in text
               for level, text in section(strict, "ciphers"))
    assert "anon_submission" in strict.fixes
    lenient = await scan(relay.port, cafile, strict=False)
    assert any(level == "info" and "port 25" in text
               for level, text in section(lenient, "ciphers"))
    assert "anon_submission" not in lenient.fixes


async def test_a_server_that_follows_the_clients_cipher_order_is_noticed(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(starttls=server_ctx(ca.issue_cert(NAME), server_order=False))
    report = await scan(relay.port, write_ca(tmp_path, ca))
    assert report.server_order is False
    assert ("info", "the server follows the client's cipher order") in section(report, "ciphers")


async def test_a_missing_intermediate_is_found_even_when_this_machine_has_it(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    root = trustme.CA()
    intermediate = root.create_child_ca()
    relay = await relay_factory(starttls=server_ctx(intermediate.issue_cert(NAME), chain=False))
    # verifies here only because the local store holds the intermediate
    report = await scan(relay.port, write_ca(tmp_path, root, intermediate))
    cert = section(report, "certificate")
    assert any(level == "warn" and "does not send the intermediate" in text
               and "only because this machine's store has it" in text for level, text in cert)
    assert "chain_incomplete" in report.fixes
    # a client without the intermediate cannot build the chain at all
    bare = tmp_path / "root-only"
    bare.mkdir()
    report = await scan(relay.port, write_ca(bare, root))
    assert any(level == "fail" and "neither sent by the server nor trusted" in text
               and "--cafile" in text
               for level, text in section(report, "certificate"))


async def test_a_full_chain_with_the_root_served_is_complete_with_a_note(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    root = trustme.CA()
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert(NAME)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    pem = tmp_path / "full.pem"
    pem.write_bytes(b"".join(p.bytes() for p in leaf.cert_chain_pems) + root.cert_pem.bytes())
    key = tmp_path / "key.pem"
    key.write_bytes(leaf.private_key_pem.bytes())
    ctx.load_cert_chain(pem, key)
    relay = await relay_factory(starttls=ctx)
    report = await scan(relay.port, write_ca(tmp_path, root))
    assert len(report.chain) == 3 and report.chain[2].self_signed
    cert = section(report, "certificate")
    assert any(level == "info" and "is a root" in text for level, text in cert)
    assert any(level == "pass" and "chain verifies (3" in text for level, text in cert)
    assert report.level == "pass"


async def test_expiry_and_name_are_each_said_once(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    now = dt.datetime.now(dt.UTC)
    relay = await relay_factory(starttls=server_ctx(ca.issue_cert(
        NAME, not_before=now - dt.timedelta(days=90), not_after=now - dt.timedelta(days=3))))
    report = await scan(relay.port, write_ca(tmp_path, ca), name="other.test")
    cert = section(report, "certificate")
    expired = [text for _l, text in cert if "expired" in text]
    assert len(expired) == 1 and expired[0].startswith("certificate expired 3 days ago")
    assert ("fail", "certificate is not for other.test (it names relay.test)") in cert
    assert {"cert_renew", "cert_name"} <= set(report.fixes)


async def test_dane_tlsa_records_are_matched_against_the_served_chain(
        relay_factory: RelayFactory, dns_server_factory: DnsServerFactory,
        tmp_path: Path) -> None:
    ca = trustme.CA()
    leaf = ca.issue_cert(NAME)
    relay = await relay_factory(starttls=server_ctx(leaf))
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(leaf.cert_chain_pems[0].bytes()).public_bytes(
        Encoding.DER)
    good = association(der, 1, 1).hex()
    zones = {"relay.test": {f"_{relay.port}._tcp": [("TLSA", f"3 1 1 {good}")]},
             "bad.test": {f"_{relay.port}._tcp": [("TLSA", "3 1 1 " + "00" * 32)]}}
    dns = dns_server_factory(zones)
    cafile = write_ca(tmp_path, ca)
    ok = await inspect_endpoint(Endpoint("127.0.0.1", relay.port, "starttls", NAME), NAME,
                                cafile=cafile, nameserver=dns.address, timeout=5, dane=True)
    assert any(level == "pass" and "matches TLSA" in text for level, text in section(ok, "dane"))
    bad = await inspect_endpoint(Endpoint("127.0.0.1", relay.port, "starttls", "bad.test"),
                                 "bad.test", cafile=cafile, nameserver=dns.address, timeout=5,
                                 dane=True, names=[NAME])
    assert any(level == "fail" for level, _t in section(bad, "dane"))
    assert "dane_mismatch" in bad.fixes and bad.level == "fail"


async def test_implicit_tls_and_a_port_without_starttls(
        relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    implicit = await relay_factory(implicit_tls=server_ctx(ca.issue_cert(NAME)))
    report = await scan_tls(Endpoint("127.0.0.1", implicit.port, "implicit", NAME), NAME,
                            cafile=write_ca(tmp_path, ca), timeout=5.0)
    assert report.version == "TLSv1.3" and report.level == "pass"
    plain = await relay_factory()
    report = await scan(plain.port, write_ca(tmp_path, ca))
    assert report.error == "no TLS: STARTTLS is not offered" and report.level == "fail"


async def test_a_name_is_resolved_through_the_given_nameserver(
        relay_factory: RelayFactory, dns_server_factory: DnsServerFactory,
        tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(starttls=server_ctx(ca.issue_cert(NAME)))
    dns = dns_server_factory({"relay.test": {"@": [("A", "127.0.0.1")]}})
    report = await inspect(NAME, relay.port, "starttls", cafile=write_ca(tmp_path, ca),
                           nameserver=dns.address, timeout=5)
    assert report.servername == NAME and report.level == "pass"


def _cli(*args: str, env: dict[str, str] | None = None) -> asyncio.Future[tuple[int, str, str]]:
    async def go() -> tuple[int, str, str]:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "smtptui", *args, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env={**os.environ, **(env or {})})
        out, err = await proc.communicate()
        return proc.returncode or 0, out.decode(), err.decode()

    return asyncio.ensure_future(go())


async def test_cli_json_text_and_exit_codes(relay_factory: RelayFactory,
                                            tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(starttls=server_ctx(ca.issue_cert(NAME)))
    cafile = write_ca(tmp_path, ca)
    env = {"SMTPTUI_PROFILES": str(tmp_path / "none.toml")}
    code, out, err = await _cli("tls", f"127.0.0.1:{relay.port}", "--servername", NAME,
                                "--cafile", cafile, "--no-dane", "--json", env=env)
    assert code == 0, err
    data = json.loads(out)
    assert data["ok"] is True and data["level"] == "pass"
    assert {c["key"] for c in data["versions"]} >= {"TLSv1.2", "TLSv1.3"}
    assert "chain_der" not in data
    code, out, err = await _cli("tls", f"127.0.0.1:{relay.port}", "--servername", "x.test",
                                "--cafile", cafile, "--no-dane", env=env)
    assert code == 1 and "certificate is not for x.test" in out and "What to change:" in out
    assert "Postfix:" in out and "Exim:" in out and "Exchange:" in out
    code, out, err = await _cli("tls", "not a host!", env=env)
    assert code == 2 and err.count("\n") == 1 and "neither a saved profile nor a host" in err
    code, out, err = await _cli("tls", f"127.0.0.1:{relay.port}", "--tls", "none", env=env)
    assert code == 2 and "invalid choice" in err


async def test_cli_takes_a_saved_profile(relay_factory: RelayFactory, tmp_path: Path) -> None:
    ca = trustme.CA()
    relay = await relay_factory(implicit_tls=server_ctx(ca.issue_cert(NAME)))
    cafile = write_ca(tmp_path, ca)
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(f'[[profile]]\nname = "edge"\nhost = "127.0.0.1"\nport = {relay.port}\n'
                        f'tls = "implicit"\nservername = "{NAME}"\ncafile = "{cafile}"\n')
    profiles.chmod(0o600)
    code, out, err = await _cli("tls", "edge", "--no-dane", "--json", "--profiles",
                                str(profiles))
    assert code == 0, err
    data = json.loads(out)
    assert data["mode"] == "implicit" and data["servername"] == NAME


async def test_a_misspelt_profile_name_is_named_not_looked_up(tmp_path: Path) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text('[[profile]]\nname = "healthy"\nhost = "127.0.0.1"\nport = 25\n')
    profiles.chmod(0o600)
    code, out, err = await _cli("tls", "helthy", "--profiles", str(profiles))
    assert code == 2 and err.count("\n") == 1 and 'unknown profile "helthy"' in err
