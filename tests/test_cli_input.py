"""`smtptui probe|demo` input checks: flags that cannot work are exit 2 with one line,
before any connection is made (the relays count their connections to prove it)."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
from pathlib import Path

import pytest

from smtptui.demo.relay import Relay, RelayOptions
from tests.conftest import CANARY, USER, RelayFactory
from tests.postfix_like import cli_env, run_cli


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_env(monkeypatch, "probe", "demo")


smtptui = run_cli


async def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """Run the CLI, expect exit 2 with one line on stderr and nothing on stdout."""
    code, out, err = await smtptui(capsys, *argv)
    assert (code, out) == (2, ""), err
    assert err.startswith("smtptui: ") and err.count("\n") == 1
    return err


def relay_args(relay: Relay, cafile: str) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(relay.port), "--cafile", cafile,
            "--timeout", "5"]


def write_profiles(path: Path, relay: Relay, cafile: str, **extra: str) -> Path:
    """A "good" profile on ``relay``, plus one per ``extra`` (name -> TOML lines)."""
    text = (f'[[profile]]\nname = "good"\nclient = "C"\nhost = "127.0.0.1"\n'
            f'port = {relay.port}\nusername = "{USER}"\npassword = {{ env = "SMTP_PW" }}\n'
            f'cafile = "{cafile}"\ntimeout = 5\n')
    for name, lines in extra.items():
        text += (f'\n[[profile]]\nname = "{name}"\nclient = "C"\nport = {relay.port}\n'
                 f'cafile = "{cafile}"\ntimeout = 5\n{lines}\n')
    path.write_text(text)
    return path


# 1. host validation


@pytest.mark.parametrize(("host", "message"), [
    ("", "--host must not be empty"),
    ("127.0.0.1:2525", "includes a port: use --host 127.0.0.1 --port 2525"),
    ("[::1]:2525", "includes a port: use --host ::1 --port 2525"),
    ("exa mple", "is not a host name or IP address"),
    ("a/b.example", "is not a host name or IP address"),
    ("mail\x00.example", "control characters are not allowed in --host"),
    ("mail\r\n.example", "control characters are not allowed in --host"),
])
async def test_a_host_that_cannot_be_one_is_bad_input(
        capsys: pytest.CaptureFixture[str], host: str, message: str) -> None:
    err = await usage_error(capsys, "probe", "--host", host, "--tls", "none", "--timeout", "2")
    assert message in err


async def test_a_bracketed_ipv6_host_is_accepted(capsys: pytest.CaptureFixture[str]) -> None:
    relay = await Relay(RelayOptions(require_auth=False)).start(host="::1")
    try:
        code, out, err = await smtptui(capsys, "probe", "--host", "[::1]", "--port",
                                       str(relay.port), "--tls", "none", "--json")
    finally:
        await relay.stop()
    assert code == 0, err
    assert json.loads(out)["target"]["host"] == "::1" and relay.connections == 1


async def test_a_saved_bad_host_makes_the_file_invalid(
        relay: Relay, cafile: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    """Checked when the file is read, like every other field: nothing runs."""
    path = write_profiles(tmp_path / "p.toml", relay, cafile, bad='host = "127.0.0.1:2525"')
    for args in (["probe", "bad"], ["probe", "--all", "--json"]):
        err = await usage_error(capsys, *args, "--profiles", str(path))
        assert "host '127.0.0.1:2525' includes a port (write the port as port = 2525)" in err
    assert relay.connections == 0


# 2. control characters in flags


@pytest.mark.parametrize("flag", ["--ehlo", "--from", "--to", "--user", "--servername"])
@pytest.mark.parametrize("bad", ["a\r\nRSET", "a\nb", "a\x00b", "a\x1bb"])
async def test_control_characters_in_a_flag_are_bad_input(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str],
        flag: str, bad: str) -> None:
    value = f"{bad}@x.test" if flag in ("--from", "--to") else bad
    args = ["--user", USER, "--password-env", "SMTP_PW", "--from", "a@x.test",
            "--to", "b@x.test"]
    err = await usage_error(capsys, "probe", *relay_args(relay, cafile), *args, flag, value)
    assert err == f"smtptui: control characters are not allowed in {flag}\n"
    assert relay.connections == 0


# 3. credentials that cannot work


@pytest.mark.parametrize(("args", "message"), [
    (["--password-env", "SMTP_PW"], "--password-env SMTP_PW needs --user"),
    (["--password-cmd", "echo x"], "--password-cmd needs --user"),
    (["--ask-password"], "--ask-password needs --user"),
    (["--oauth-token-env", "OAUTH_TOK"], "--oauth-token-env needs --user"),
    (["--user", USER], "--user needs a password or token"),
    (["--user", USER, "--auth", "plain", "--oauth-token-env", "OAUTH_TOK"],
     "--auth plain needs a password"),
    (["--user", USER, "--auth", "cram-md5", "--oauth-token-env", "OAUTH_TOK"],
     "--auth cram-md5 needs a password"),
    (["--user", USER, "--auth", "xoauth2", "--password-env", "SMTP_PW"],
     "--auth xoauth2 needs an OAuth token"),
    (["--user", USER, "--auth", "oauthbearer", "--password-env", "SMTP_PW"],
     "--auth oauthbearer needs an OAuth token"),
])
async def test_credentials_that_cannot_authenticate_are_bad_input(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    err = await usage_error(capsys, "probe", *relay_args(relay, cafile), *args)
    assert message in err
    assert relay.connections == 0


@pytest.mark.parametrize("args", [
    ["--password-env", "SMTP_PW", "--stop-after", "ehlo"],
    ["--oauth-token-env", "OAUTH_TOK", "--stop-after", "greeting"],
    ["--user", USER, "--stop-after", "tls"],
])
async def test_credentials_do_not_matter_when_the_probe_stops_before_auth(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str], args: list[str]) -> None:
    code, _, err = await smtptui(capsys, "probe", *relay_args(relay, cafile), *args)
    assert code == 0, err
    assert relay.connections == 1


async def test_saved_profiles_with_unusable_credentials_are_bad_input(
        relay: Relay, cafile: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_profiles(
        tmp_path / "p.toml", relay, cafile,
        nopw=f'host = "127.0.0.1"\nusername = "{USER}"',
        nouser='host = "127.0.0.1"\npassword = { env = "SMTP_PW" }',
        tokplain=f'host = "127.0.0.1"\nusername = "{USER}"\nauth = "login"\n'
                 'oauth_token = { env = "OAUTH_TOK" }')
    for name, message in (("nopw", "has no password or oauth_token"),
                          ("nouser", "a password needs --user (or a username in the profile)"),
                          ("tokplain", "--auth login needs a password")):
        err = await usage_error(capsys, "probe", name, "--profiles", str(path))
        assert err.startswith(f'smtptui: profile "{name}": ') and message in err
    # a flag can complete the profile, and stopping before AUTH makes it valid
    code, _, err = await smtptui(capsys, "probe", "nopw", "--password-env", "SMTP_PW",
                                 "--profiles", str(path))
    assert code == 0, err
    code, _, err = await smtptui(capsys, "probe", "nopw", "--stop-after", "tls",
                                 "--profiles", str(path))
    assert code == 0, err
    # a batch reports each unusable profile as a JSON object with "error" and goes on
    code, out, _ = await smtptui(capsys, "probe", "--client", "C", "--json",
                                 "--profiles", str(path))
    assert code == 1
    docs = {d["profile"]: d for d in map(json.loads, out.splitlines())}
    assert docs["good"]["ok"] is True
    for name in ("nopw", "nouser", "tokplain"):
        assert docs[name]["ok"] is False and docs[name]["stages"] == [] and docs[name]["error"]
    assert relay.connections == 3


# 4. --to swallowing the PROFILE name


async def test_a_profile_name_after_to_is_bad_input(
        relay: Relay, cafile: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    path = write_profiles(tmp_path / "p.toml", relay, cafile)
    err = await usage_error(capsys, "probe", "--profiles", str(path), "--from", "a@x.test",
                            "--to", "b@x.test", "good")
    assert err == ("smtptui: --to 'good' is not an address "
                   "(put the PROFILE name before --to)\n")
    code, _, err = await smtptui(capsys, "probe", "good", "--profiles", str(path),
                                 "--from", "a@x.test", "--to", "b@x.test")
    assert code == 0, err


# 5. flags that would do nothing


@pytest.mark.parametrize(("args", "message"), [
    (["--all", "-v"], "-v/--verbose does not apply to --all/--client"),
    (["--client", "C", "--verbose"], "-v/--verbose does not apply to --all/--client"),
    (["--all", "--swaks"], "--swaks does not apply to --all/--client"),
    (["--client", "C", "--json", "--swaks"], "--swaks does not apply to --all/--client"),
    (["--all", "--client", "C"], "either --all or --client NAME, not both"),
])
async def test_batch_flags_that_do_nothing_are_bad_input(
        relay: Relay, cafile: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
        args: list[str], message: str) -> None:
    path = write_profiles(tmp_path / "p.toml", relay, cafile)
    err = await usage_error(capsys, "probe", *args, "--profiles", str(path))
    assert message in err
    assert relay.connections == 0


@pytest.mark.parametrize("stop", ["auth", "mail", "rcpt"])
async def test_send_with_stop_after_is_bad_input(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str], stop: str) -> None:
    err = await usage_error(capsys, "probe", *relay_args(relay, cafile), "--user", USER,
                            "--password-env", "SMTP_PW", "--from", "a@x.test",
                            "--to", "b@x.test", "--send", "--stop-after", stop)
    assert "--send needs the probe to reach DATA" in err
    assert relay.connections == 0 and not relay.messages


async def test_json_with_swaks_carries_the_line(
        relay: Relay, cafile: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = await smtptui(capsys, "probe", *relay_args(relay, cafile), "--user", USER,
                                   "--password-env", "SMTP_PW", "--json", "--swaks")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["swaks"].startswith(f"swaks --server 127.0.0.1:{relay.port} --tls")
    assert '--auth-password "$SMTP_PW"' in doc["swaks"]


# 6. demo --json


async def test_demo_json_implies_headless() -> None:
    """Without the fix this starts the full-screen app (escape codes, never exits)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "demo", "--json",
        env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80", "LINES": "24"},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode == 0, err
    assert b"\x1b" not in out + err
    reports = [json.loads(line) for line in out.decode().splitlines()]
    assert [r["ok"] for r in reports] == [True, False, False]


# 7. the timeout range


@pytest.mark.parametrize("value", ["0", "-1", "600.5"])
async def test_timeout_out_of_range_says_the_exact_range(
        capsys: pytest.CaptureFixture[str], value: str) -> None:
    err = await usage_error(capsys, "probe", "--host", "127.0.0.1", "--timeout", value)
    assert f"timeout must be more than 0 and at most 600 s, got {value}" in err


# 8. secret labels without a fake profile name


@pytest.mark.parametrize(("args", "label"), [
    (["--user", "u@x.test", "--password-env", "NOPE_NOT_SET"], "password for u@x.test"),
    (["--user", "u@x.test", "--oauth-token-env", "NOPE_NOT_SET"], "OAuth token for u@x.test"),
    (["--password-env", "NOPE_NOT_SET", "--stop-after", "ehlo"], "--password-env NOPE_NOT_SET"),
])
async def test_ad_hoc_secret_errors_name_no_profile(
        capsys: pytest.CaptureFixture[str], args: list[str], label: str) -> None:
    err = await usage_error(capsys, "probe", "--host", "127.0.0.1", *args)
    assert err.startswith(f"smtptui: {label}: environment variable NOPE_NOT_SET is not set")
    assert "profile" not in err


async def test_the_password_prompt_names_the_user_not_a_profile(
        relay: Relay, cafile: str) -> None:
    """--ask-password on a real terminal (a pty): the prompt, the answer, a passing probe."""
    import pty

    main_fd, child_fd = pty.openpty()
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", "probe", *relay_args(relay, cafile),
        "--user", USER, "--ask-password",
        env={**os.environ, "NO_COLOR": "1"}, stdin=child_fd, stdout=asyncio.subprocess.PIPE,
        stderr=child_fd, start_new_session=True,
        preexec_fn=lambda: __import__("fcntl").ioctl(0, __import__("termios").TIOCSCTTY, 0))
    os.close(child_fd)

    def read_prompt() -> str:
        seen = b""
        while not seen.endswith(b": "):
            seen += os.read(main_fd, 1024)
        os.write(main_fd, CANARY.encode() + b"\n")
        return seen.decode()

    try:
        prompt = await asyncio.wait_for(asyncio.to_thread(read_prompt), 30)
        out, _ = await asyncio.wait_for(proc.communicate(), 30)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        os.close(main_fd)
    assert prompt.strip() == f"password for {USER}:"
    assert proc.returncode == 0 and CANARY.encode() not in out and b"Result: OK" in out


# 9. the swaks line names the variables the secrets came from


async def test_swaks_line_is_not_offered_for_a_token(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    relay = await relay_factory(starttls=server_ctx, tokens={USER: "tok-" + CANARY},
                                auth_mechanisms=("XOAUTH2",))
    code, out, err = await smtptui(capsys, "probe", *relay_args(relay, cafile), "--user", USER,
                                   "--oauth-token-env", "OAUTH_TOK", "--swaks")
    assert code == 0, err
    # swaks has no XOAUTH2: it says so rather than print a command that fails
    assert "swaks cannot reproduce this test: it has no XOAUTH2/OAUTHBEARER" in out
    assert "--auth-password" not in out and "tok-" not in out


def test_swaks_line_falls_back_for_a_variable_the_shell_cannot_expand() -> None:
    from smtptui.commands.probe import swaks_line
    from smtptui.probe.config import ProbeConfig, Secret

    config = ProbeConfig(host="h.example", username="u", password=Secret("x"))
    assert '--auth-password "$PW_1"' in swaks_line(config, "PW_1")
    assert '--auth-password "$SMTP_PASSWORD"' in swaks_line(config, "A-B;rm")
    assert '--auth-password "$SMTP_PASSWORD"' in swaks_line(config)
    quoted = swaks_line(ProbeConfig(host="h.example", mail_from='"$SMTP_PASSWORD"'))
    assert "--from '\"$SMTP_PASSWORD\"'" in quoted  # only real placeholders go unquoted
