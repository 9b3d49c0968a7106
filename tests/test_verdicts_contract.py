"""Issue 11 items 11 and 17: flags that would do nothing are bad input (exit 2, before
any connection); `python -m smtptui.cli` works; `profiles check` tells a broken file (2)
from profiles that cannot run on this machine (1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from smtptui.demo.relay import Relay
from tests.conftest import USER
from tests.postfix_like import cli_env
from tests.postfix_like import run_cli as smtptui

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_env(monkeypatch, "probe", "profiles")


@pytest.mark.parametrize(("flags", "message"), [
    (["--auth", "plain"], "--auth plain needs --user"),
    (["--stop-after", "mail"], "--stop-after mail needs --from"),
    (["--from", "a@test.local", "--stop-after", "rcpt"], "--stop-after rcpt needs --to"),
    (["--tls", "none", "--cafile", "CA"], "--cafile only applies with TLS"),
    (["--tls", "none", "--servername", "mx.test.local"], "--servername only applies with TLS"),
    (["--tls", "none", "--insecure"], "--insecure only applies with TLS"),
    (["--insecure", "--cafile", "CA"], "--insecure and --cafile contradict"),
    (["--tls", "none", "--stop-after", "tls"], "--stop-after tls needs TLS"),
])
async def test_flags_that_would_do_nothing_are_bad_input(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str], flags: list[str],
        message: str) -> None:
    flags = [cafile if f == "CA" else f for f in flags]
    code, out, err = await smtptui(capsys, "probe", "--host", "127.0.0.1", "--port",
                                   str(relay.port), "--timeout", "5", *flags)
    assert (code, out) == (2, "") and err.count("\n") == 1
    assert message in err
    assert relay.connections == 0  # refused before anything ran


async def test_insecure_overrides_a_saved_ca_file(
        relay: Relay, cafile: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    path.write_text(f'[[profile]]\nname = "r"\nhost = "127.0.0.1"\nport = {relay.port}\n'
                    f'cafile = "{cafile}"\nusername = "{USER}"\n'
                    'password = { env = "SMTP_PW" }\ntimeout = 5\n')
    code, _, err = await smtptui(capsys, "probe", "r", "--profiles", str(path), "--insecure")
    assert code == 0, err  # the flag wins; verification off is a warning, not a conflict


def test_python_dash_m_smtptui_cli_runs_the_cli() -> None:
    proc = subprocess.run([sys.executable, "-m", "smtptui.cli", "probe", "--stop-after",
                           "mail", "--host", "127.0.0.1"], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2
    assert proc.stderr.startswith("smtptui: --stop-after mail needs --from")


async def test_the_shipped_example_checks_as_valid(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ACME_GMAIL_APP_PASSWORD",):
        monkeypatch.delenv(var, raising=False)
    example = ROOT / "profiles.example.toml"
    code, out, err = await smtptui(capsys, "--profiles", str(example), "profiles", "check")
    assert code in (0, 1), err
    problems = [line for line in err.splitlines() if "warning:" not in line]
    assert problems and all(": cannot run here: " in line for line in problems)
    assert 'profile "Initech Exchange": cannot run here: cannot read the CA file' in err
    import tomllib

    count = len(tomllib.loads(example.read_text())["profile"])
    assert out.startswith(f"valid: {count} profiles in")


async def test_a_broken_file_is_still_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[[profile]]\nname = "x"\nhost = "127.0.0.1"\nsend = true\n')
    code, _, err = await smtptui(capsys, "--profiles", str(path), "profiles", "check")
    assert code == 2 and "send = true needs from and to" in err
