"""`smtptui dns` and `smtptui discover` end to end against the loopback responder."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import trustme
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from smtptui.cli import main
from tests.dnsserver import DnsServer

CA = trustme.CA()
LEAF = CA.issue_cert("mail.example.com")
_cert = x509.load_pem_x509_certificate(LEAF.cert_chain_pems[0].bytes())
SPKI_SHA256 = hashlib.sha256(_cert.public_key().public_bytes(
    Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).hexdigest()
DKIM_P = base64.b64encode(rsa.generate_private_key(65537, 2048).public_key().public_bytes(
    Encoding.DER, PublicFormat.SubjectPublicKeyInfo)).decode()

GOOD = {
    "@": [("MX", "10 mail"), ("TXT", "v=spf1 mx -all")],
    "mail": [("A", "192.0.2.10")],
    "_dmarc": [("TXT", "v=DMARC1; p=reject; rua=mailto:dmarc@example.com")],
    "s2048._domainkey": [("TXT", f"v=DKIM1; k=rsa; p={DKIM_P}")],
    "_mta-sts": [("TXT", "v=STSv1; id=2024")],
    "mta-sts": [("A", "192.0.2.80")],
    "_smtp._tls": [("TXT", "v=TLSRPTv1; rua=mailto:tls@example.com")],
    "_25._tcp.mail": [("TLSA", f"3 1 1 {SPKI_SHA256}")],
    "_submissions._tcp": [("SRV", "0 1 465 mail.example.com.")],
}
ZONES = {
    "example.com": GOOD,
    "bad.test": {"@": [("MX", "10 mx.bad.test."), ("TXT", "v=spf1 \x1b[31mred -all")],
                 "mx": [("A", "192.0.2.20")]},
    "gw.test": {"@": [("MX", "1 aspmx.l.google.com.")]},
    "2.0.192.in-addr.arpa": {"10": [("PTR", "mail.example.com.")]},
    "localhost": {"@": [("A", "127.0.0.1"), ("AAAA", "::1")]},
    "127.in-addr.arpa": {"1.0.0": [("PTR", "localhost.")]},
    "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa": {
        "1": [("PTR", "localhost.")]},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_healthy_domain_exits_0(server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "dns", "example.com", "--selector", "s2048",
                         "--ip", "192.0.2.10", "--nameserver", server.address)
    assert code == 0, out
    for section in ("MX", "SPF", "DMARC", "DKIM", "MTA-STS", "TLS-RPT", "Reverse DNS"):
        assert f"\n{section}\n" in out
    assert "✓ pass  192.0.2.10: pass (example.com: mx -> pass)" in out
    assert "✗" not in out and err == ""


def test_json_output(server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "example.com", "--ip", "198.51.100.1", "--json",
                       "--nameserver", server.address, "--no-common-selectors")
    data = json.loads(out)
    assert code == 1 and data["ok"] is False
    assert data["spf"]["evaluations"][0]["result"] == "fail"
    assert data["spf"]["evaluations"][0]["path"] == ["example.com: -all -> fail"]
    assert data["dmarc"]["effective_policy"] == "reject"
    assert data["mta_sts"]["policy_id"] == "2024"
    assert data["level"] == "fail"


def test_relay_host_with_certificate(server: DnsServer, tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    pem = tmp_path / "leaf.pem"
    pem.write_bytes(LEAF.cert_chain_pems[0].bytes())
    code, out, _ = run(capsys, "dns", "example.com", "--selector", "s2048", "--host",
                       "mail.example.com", "--cert", str(pem), "--nameserver", server.address,
                       "--json")
    data = json.loads(out)
    assert data["host"]["tlsa"]["matched"] is True
    assert data["spf_ips_from_host"] is True
    assert [e["ip"] for e in data["spf"]["evaluations"]] == ["192.0.2.10"]
    assert code == 0


def test_failed_check_exits_1_and_escapes_control_characters(
        server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "bad.test", "--nameserver", server.address)
    assert code == 1
    assert "\x1b" not in out
    assert "\\x1b[31mred" in out
    assert "✗ fail" in out


def test_nameserver_from_the_environment(server: DnsServer, monkeypatch: pytest.MonkeyPatch,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SMTPTUI_NAMESERVER", server.address)
    code, out, _ = run(capsys, "dns", "example.com", "--selector", "s2048", "--json")
    assert code == 0 and json.loads(out)["nameserver"] == server.address


def test_settings_from_a_profile(server: DnsServer, tmp_path: Path,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        '[[profile]]\nname = "acme"\nhost = "mail.example.com"\nport = 25\n'
        f'from = "ops@example.com"\nnameserver = "{server.address}"\n'
        'dkim_selectors = ["s2048"]\n')
    code, out, _ = run(capsys, "dns", "--profile", "acme", "--profiles", str(profiles),
                       "--no-common-selectors", "--json")
    data = json.loads(out)
    assert (data["domain"], data["host"]["host"], data["host"]["port"]) == (
        "example.com", "mail.example.com", 25)
    assert [k["selector"] for k in data["dkim"]["keys"]] == ["s2048"]
    assert code == 0


@pytest.mark.parametrize("host", ["192.0.2.10", "127.0.0.1", "::1", "[::1]"])
def test_relay_host_given_as_an_ip_address(host: str, server: DnsServer,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    ip = host.strip("[]")
    code, out, err = run(capsys, "dns", "example.com", "--host", host, "--nameserver",
                         server.address, "--no-common-selectors", "--json")
    assert err == ""
    data = json.loads(out)
    relay = data["host"]
    assert (relay["host"], relay["ip_literal"], relay["addresses"]) == (ip, True, [])
    assert [(r["ip"], r["status"]) for r in relay["reverse"]] == [(ip, "confirmed")]
    assert data["spf_ips_from_host"] is True
    assert [e["ip"] for e in data["spf"]["evaluations"]] == [ip]
    expected_spf = "pass" if ip == "192.0.2.10" else "fail"
    assert data["spf"]["evaluations"][0]["result"] == expected_spf
    assert code == (0 if expected_spf == "pass" else 1)
    texts = " ".join(f["text"] for f in relay["findings"])
    assert "is an IP address: no A/AAAA lookup" in texts and "TLSA" in texts
    asked = {name for _, name, _ in server.log}
    assert not any(name.rstrip(".") in (ip, f"_25._tcp.{ip}") for name in asked)


def test_relay_host_ip_in_text_output(server: DnsServer,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "example.com", "--host", "::1", "--port", "587",
                       "--nameserver", server.address, "--no-common-selectors")
    assert "\nRelay [::1]:587\n" in out
    assert "::1: PTR localhost, forward-confirmed" in out
    assert "invalid" not in out and code == 1


def test_relay_host_may_be_a_single_label_name(server: DnsServer,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "example.com", "--host", "localhost", "--nameserver",
                       server.address, "--no-common-selectors", "--json")
    relay = json.loads(out)["host"]
    assert (relay["host"], relay["ip_literal"]) == ("localhost", False)
    assert sorted(a["ip"] for a in relay["addresses"]) == ["127.0.0.1", "::1"]
    assert {r["status"] for r in relay["reverse"]} == {"confirmed"}


def test_profile_whose_host_is_an_ip_address(server: DnsServer, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "profiles.toml"
    profiles.write_text(
        '[[profile]]\nname = "by-ip"\nhost = "192.0.2.10"\nport = 587\n'
        f'from = "ops@example.com"\nnameserver = "{server.address}"\n')
    code, out, err = run(capsys, "dns", "--profile", "by-ip", "--profiles", str(profiles),
                         "--no-common-selectors", "--json")
    data = json.loads(out)
    assert err == "" and data["host"]["host"] == "192.0.2.10" and data["host"]["port"] == 587
    assert data["spf"]["evaluations"][0]["result"] == "pass" and code == 0


def test_timeout_is_reported_and_bounded(silent_nameserver: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "dns", "example.com", "--nameserver", silent_nameserver,
                       "--timeout", "0.5", "--no-common-selectors")
    assert code == 1
    said = f"the DNS server {silent_nameserver} did not answer in 0.5 s"
    assert out.count(said) == 1 and "timed out" not in out, out  # once, not per section
    code, out, _ = run(capsys, "dns", "example.com", "--nameserver", silent_nameserver,
                       "--timeout", "0.5", "--no-common-selectors", "--json")
    assert code == 1 and json.loads(out)["headline"]["text"].startswith(said)


@pytest.mark.parametrize(("argv", "message"), [
    (["dns", "example.com", "--ip", "300.1.1.1"], "invalid IP address"),
    (["dns", "not a domain"], "invalid domain name"),
    (["dns", "example.com", "--host", "not a host"], "invalid relay host 'not a host'"),
    (["dns", "example.com", "--host", "300.1.2.3"], "invalid relay host"),
    (["dns", "example.com", "--nameserver", "dns.example"], "must be an IP address"),
    (["dns", "example.com", "--nameserver", "[::1"], "invalid nameserver"),
    (["dns", "example.com", "--timeout", "-1"], "invalid timeout"),
    (["dns", "example.com", "--port", "25"], "need --host"),
    (["dns", "example.com", "--host", "mail.example.com", "--cert", "/nonexistent.pem"],
     "cannot read certificate"),
    (["dns"], "give a DOMAIN"),
    (["discover", "not-an-address@"], "invalid"),
    (["discover", "a@b.example", "--timeout", "0"], "invalid timeout"),
])
def test_bad_input_exits_2(argv: list[str], message: str,
                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, *argv, *(["--nameserver", "127.0.0.1:9"]
                                          if "--nameserver" not in argv else []))
    assert code == 2
    assert out == ""
    assert err.startswith("smtptui: ") and message in err and err.count("\n") == 1


def test_discover_human_and_json(server: DnsServer, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "discover", "ops@example.com", "--nameserver", server.address)
    assert code == 0
    assert "1. mail.example.com:465 implicit" in out
    code, out, _ = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["suggestions"][0]["preset"] == "gmail"


def test_discover_nothing_found_exits_1(server: DnsServer,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "discover", "x@nothing.example.com", "--nameserver",
                       server.address)
    assert code == 1 and "nothing found" in out
    assert "no SRV records" in out and "timed out" not in out


def test_discover_save_with_nothing_found_exits_1_and_saves_nothing(
        server: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, out, err = run(capsys, "discover", "x@nothing.example.com", "--nameserver",
                         server.address, "--save", "X", "--profiles", str(profiles), "--json")
    assert code == 1 and not profiles.exists()
    data = json.loads(out)
    assert (data["ok"], data["saved"], data["unanswered"]) == (False, None, [])
    assert err == ("smtptui discover: nothing found for nothing.example.com; "
                   'profile "X" not saved\n')


def test_discover_says_when_the_lookups_timed_out(
        silent_nameserver: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "discover", "ops@example.com", "--nameserver",
                       silent_nameserver, "--timeout", "0.3")
    assert code == 1
    assert re.search(r"nothing found for example\.com, but (\d+) of \1 DNS lookup\(s\) "
                     r"timed out after 0\.3 s", out), out
    assert "no SRV records" not in out
    profiles = tmp_path / "p.toml"
    code, out, err = run(capsys, "discover", "ops@example.com", "--nameserver",
                         silent_nameserver, "--timeout", "0.3", "--json",
                         "--save", "X", "--profiles", str(profiles))
    assert code == 1 and not profiles.exists()
    assert '(DNS lookups timed out); profile "X" not saved' in err
    statuses = {(lk["rdtype"], lk["status"]) for lk in json.loads(out)["unanswered"]}
    assert statuses == {("SRV", "timeout"), ("MX", "timeout"), ("A", "timeout"),
                        ("AAAA", "timeout")}


def test_discover_save_writes_a_profile(server: DnsServer, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--save", "GW", "--client", "Acme", "--profiles", str(profiles))
    assert code == 0
    assert err.splitlines()[-1].startswith(
        'smtptui: saved profile "GW" (smtp.gmail.com:587 starttls) to ')
    code, _, _ = run(capsys, "discover", "ops@example.com", "--nameserver", server.address,
                     "--save", "SRV", "--profiles", str(profiles))
    doc = tomllib.loads(profiles.read_text())
    saved = {p["name"]: p for p in doc["profile"]}
    assert saved["GW"]["host"] == "smtp.gmail.com" and saved["GW"]["preset"] == "gmail"
    assert saved["GW"]["username"] == "ops@gw.test" and saved["GW"]["client"] == "Acme"
    assert (saved["SRV"]["host"], saved["SRV"]["port"], saved["SRV"]["tls"]) == (
        "mail.example.com", 465, "implicit")
    code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--save", "GW", "--profiles", str(profiles))
    assert code == 2 and "already exists" in err


def test_real_entry_point_and_no_textual(server: DnsServer) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent.parent)}
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys; from smtptui.cli import main; code = main(sys.argv[1:]); "
         "assert 'textual' not in sys.modules, 'textual imported'; sys.exit(code)",
         "dns", "example.com", "--selector", "s2048", "--nameserver", server.address],
        capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr


def test_saved_profile_message_quotes_like_profiles_add(
        server: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--save", "new one", "--profiles", str(profiles))
    assert code == 0 and err.splitlines()[-1].startswith('smtptui: saved profile "new one" (')
    code, _, err = run(capsys, "profiles", "add", "other", "--host", "smtp.example.com",
                       "--profiles", str(profiles))
    assert code == 0 and err.startswith('smtptui: added profile "other" in ')


@pytest.mark.parametrize(("command", "phrases"), [
    ("dns", ["Check a sending domain's DNS: SPF (evaluated), DMARC, DKIM, MX, MTA-STS",
             "Exit 0: nothing failed"]),
    ("discover", ["Suggest host, port and security", "RFC 6186 SRV", "Exit 0: something"]),
    ("headers", ["Analyse a delivered message's headers: SPF, DKIM, DMARC, ARC,",
                 "Exit 0: nothing failed"]),
])
def test_help_descriptions_keep_their_capitals(command: str, phrases: list[str],
                                               capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert info.value.code == 0
    for phrase in phrases:
        assert phrase in out, out
    for lowered in ("dns: spf", "dmarc,", "rfc 6186", " arc,"):
        assert lowered not in out
