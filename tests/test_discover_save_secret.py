"""`smtptui discover --save` always gives the saved profile a password source, so the next
`smtptui profiles check` passes: asked on a terminal, `{ prompt = true }` without one."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from smtptui.cli import main
from tests.dnsserver import DnsServer

ZONES = {
    "gw.test": {"@": [("MX", "1 aspmx.l.google.com.")]},
    "example.com": {"_submissions._tcp": [("SRV", "0 1 465 mail.example.com.")]},
}
ROOT = Path(__file__).parent.parent


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def saved(path: Path, name: str) -> dict[str, object]:
    return {p["name"]: p for p in tomllib.loads(path.read_text())["profile"]}[name]


def test_without_a_terminal_the_profile_prompts_and_checks(
        server: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--save", "GW", "--profiles", str(profiles))
    assert code == 0
    said = err.splitlines()
    assert said[0] == ('smtptui: profile "GW" asks for its password each time it runs '
                       "(password = { prompt = true }); give --password-env, --password-cmd "
                       "or --password-keyring to store a source instead")
    assert said[1].startswith('smtptui: saved profile "GW" (smtp.gmail.com:587 starttls)')
    assert saved(profiles, "GW")["password"] == {"prompt": True}
    assert saved(profiles, "GW")["username"] == "ops@gw.test"
    code, out, err = run(capsys, "profiles", "check", "--profiles", str(profiles))
    assert (code, err) == (0, "")
    assert out == f"ok: 1 profile in {profiles}\n"


def test_a_password_flag_is_saved_as_given(server: DnsServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    profiles = tmp_path / "p.toml"
    for name, flags, source in (
            ("env", ["--password-env", "GW_PW"], {"env": "GW_PW"}),
            ("cmd", ["--password-cmd", "true"], {"command": "true"}),
            ("prompt", ["--password-prompt"], {"prompt": True})):
        code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                           "--save", name, "--profiles", str(profiles), *flags)
        assert code == 0 and "asks for its password" not in err
        assert saved(profiles, name)["password"] == source
    monkeypatch.setenv("GW_PW", "not-read-by-check")
    code, out, _ = run(capsys, "profiles", "check", "--profiles", str(profiles))
    assert code == 0 and out.startswith("ok: 3 profiles")


def test_an_existing_name_is_refused_before_anything_is_asked(
        server: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    run(capsys, "discover", "ops@gw.test", "--nameserver", server.address, "--save", "GW",
        "--profiles", str(profiles))
    before = profiles.read_text()
    code, _, err = run(capsys, "discover", "ops@gw.test", "--nameserver", server.address,
                       "--save", "GW", "--profiles", str(profiles))
    assert code == 2 and err == 'smtptui: a profile named "GW" already exists\n'
    assert profiles.read_text() == before


def test_a_profile_without_username_gets_no_secret(
        server: DnsServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, _, err = run(capsys, "discover", "example.com", "--nameserver", server.address,
                       "--save", "SRV", "--profiles", str(profiles))
    assert code == 0 and "password" not in err
    assert "password" not in saved(profiles, "SRV")
    assert run(capsys, "profiles", "check", "--profiles", str(profiles))[0] == 0


def on_a_terminal(server: DnsServer, profiles: Path, answers: str) -> tuple[int, str]:
    """Run `discover --save` with a pseudo-terminal as stdin, typing ``answers``."""
    import pty

    master, slave = pty.openpty()
    try:
        os.write(master, answers.encode())
        proc = subprocess.run(
            [sys.executable, "-m", "smtptui", "discover", "ops@gw.test", "--nameserver",
             server.address, "--save", "GW", "--profiles", str(profiles)],
            stdin=slave, capture_output=True, text=True, timeout=60,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
    finally:
        os.close(slave)
        os.close(master)
    return proc.returncode, proc.stderr


def test_on_a_terminal_the_source_is_asked(server: DnsServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    profiles = tmp_path / "p.toml"
    code, err = on_a_terminal(server, profiles, "7\n2\n\nGW_PASSWORD\n")
    assert code == 0, err
    assert 'Where does the password of profile "GW" come from?' in err
    assert "  1) ask for it each time the profile runs (nothing stored)" in err
    assert "type 1-4" in err and "an empty answer is not a source" in err
    assert saved(profiles, "GW")["password"] == {"env": "GW_PASSWORD"}
    profiles.unlink()
    code, err = on_a_terminal(server, profiles, "\n")  # Enter: the default
    assert code == 0, err
    assert saved(profiles, "GW")["password"] == {"prompt": True}
    assert run(capsys, "profiles", "check", "--profiles", str(profiles))[0] == 0
