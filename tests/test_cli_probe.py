"""`smtptui probe` as a real process: the headless contract (output, JSON, exit codes)."""

from __future__ import annotations

import asyncio
import json
import os
import ssl
import sys
from pathlib import Path

import pytest

from tests.conftest import CANARY, USER, RelayFactory
from tests.servers import Conn, RawFactory, smtp_loop

STAGE_NAMES = {"resolve", "connect", "tls", "greeting", "ehlo", "starttls", "auth", "mail",
               "rcpt", "data", "quit"}


async def smtptui(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the real CLI in a subprocess while the test's servers keep running."""
    full_env = {**os.environ, "SMTP_PW": CANARY, "NO_COLOR": "1", **(env or {})}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "smtptui", *args, env=full_env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    stdout, stderr = out.decode(), err.decode()
    assert CANARY not in stdout and CANARY not in stderr
    assert "Traceback" not in stderr
    assert proc.returncode is not None
    return proc.returncode, stdout, stderr


def target(port: int, cafile: str) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(port), "--cafile", cafile,
            "--user", USER, "--password-env", "SMTP_PW", "--timeout", "5"]


async def test_json_contract_on_success(relay, cafile: str) -> None:
    code, out, err = await smtptui("probe", *target(relay.port, cafile), "--json")
    assert code == 0, err
    doc = json.loads(out)  # exactly one JSON object on stdout
    assert doc["ok"] is True
    assert doc["target"] == {"host": "127.0.0.1", "port": relay.port, "tls": "starttls",
                             "profile": None, "address": "127.0.0.1"}
    assert [s["stage"] for s in doc["stages"]] == [
        "resolve", "connect", "greeting", "ehlo", "starttls", "ehlo", "auth", "quit"]
    for stage in doc["stages"]:
        assert stage["stage"] in STAGE_NAMES
        assert stage["status"] in {"pass", "warn", "fail", "skip"}
        assert isinstance(stage["elapsed_ms"], float)
        for reply in stage["replies"]:
            assert set(reply) == {"code", "enhanced", "text"}
    assert doc["tls"]["cert"]["verified"] is True
    assert doc["extensions"]["AUTH"] == "CRAM-MD5 LOGIN PLAIN"
    dirs = {line["dir"] for line in doc["transcript"]}
    assert dirs == {"C", "S", "*"}
    assert any(line["text"] == "<redacted>" or "<redacted>" in line["text"]
               for line in doc["transcript"])


async def test_wrong_password_exits_1_with_diagnosis(relay_factory: RelayFactory,
                                                     server_ctx: ssl.SSLContext,
                                                     cafile: str) -> None:
    relay = await relay_factory(starttls=server_ctx, users={USER: "something-else"})
    code, out, _ = await smtptui("probe", *target(relay.port, cafile), "--json")
    assert code == 1
    doc = json.loads(out)
    failed = [s for s in doc["stages"] if s["status"] == "fail"]
    assert [s["stage"] for s in failed] == ["auth"]
    assert failed[0]["replies"][-1]["enhanced"] == "5.7.8"
    assert failed[0]["diagnosis"]["layer"] == "auth"
    code, out, _ = await smtptui("probe", *target(relay.port, cafile))
    assert code == 1
    assert "✗ fail" in out and "FAILED at auth" in out and "next step:" in out


async def test_minus_v_is_suggested_only_without_it_and_then_the_mechanism_is_named(
        relay_factory: RelayFactory, server_ctx: ssl.SSLContext, cafile: str) -> None:
    relay = await relay_factory(starttls=server_ctx, users={USER: "something-else"},
                                auth_mechanisms=("LOGIN",))
    code, out, _ = await smtptui("probe", *target(relay.port, cafile))
    assert code == 1
    [step] = [line for line in out.splitlines() if line.startswith("  next step:")]
    assert "Run with -v to see which mechanism was used." in step
    code, out, _ = await smtptui("probe", *target(relay.port, cafile), "-v")
    assert code == 1 and "C: AUTH LOGIN" in out
    [step] = [line for line in out.splitlines() if line.startswith("  next step:")]
    assert "-v" not in step
    assert step.endswith("The mechanism used was LOGIN (AUTH LOGIN in the transcript above).")


async def test_human_output_streams_stages_and_verbose_transcript(relay, cafile: str) -> None:
    code, out, _ = await smtptui("probe", *target(relay.port, cafile), "-v")
    assert code == 0
    assert "✓ pass  starttls" in out
    assert "S: 220 relay.test" in out
    assert "C: AUTH PLAIN <redacted>" in out  # auto over TLS: PLAIN first
    assert "Result: OK" in out and "TLS: TLSv1" in out
    assert "\x1b[" not in out  # NO_COLOR and not a terminal: no colour codes


async def test_server_escape_sequences_never_reach_the_terminal(raw_server: RawFactory) -> None:
    async def evil(conn: Conn) -> None:
        await conn.send("220 evil.test \x1b]52;c;aGk=\x07\x1b[2J [bold]x[/]")
        await smtp_loop(conn, {"EHLO": "250 evil.test", "QUIT": "221 bye"})

    server = await raw_server(evil)
    code, out, _ = await smtptui("probe", "--host", "127.0.0.1", "--port", str(server.port),
                                 "--tls", "none", "-v")
    assert code == 0
    assert "\x1b" not in out and "\x07" not in out
    assert "\\x1b]52;c;aGk=\\x07" in out and "[bold]x[/]" in out


@pytest.mark.parametrize(("args", "message"), [
    (["probe"], "give a PROFILE name or --host"),
    (["probe", "--host", "x", "--port", "70000"], "port must be 1-65535"),
    (["probe", "--host", "x", "--tls", "ssl"], "invalid choice"),
    (["probe", "--host", "x", "--send", "--to", "a@b.c"], "--send needs --from"),
    (["probe", "--host", "x", "--allow-plaintext-auth"], "only applies with --tls none"),
    (["probe", "--host", "x", "--password-env", "NOPE_NOT_SET", "--user", "u"], "NOPE_NOT_SET"),
    (["probe", "--host", "x", "--ask-password", "--user", "u"], "cannot prompt"),
    (["probe", "nosuchprofile"], "unknown profile"),
    (["nosuchcommand"], "invalid choice"),
])
async def test_bad_input_is_one_line_and_exit_2(tmp_path: Path, args: list[str],
                                                message: str) -> None:
    profiles = tmp_path / "p.toml"
    profiles.write_text('[[profile]]\nname = "a"\nhost = "127.0.0.1"\n')
    code, out, err = await smtptui(*args, env={"SMTPTUI_PROFILES": str(profiles)})
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("smtptui: ") and message in err


async def test_invalid_profiles_file_exits_2(tmp_path: Path) -> None:
    profiles = tmp_path / "p.toml"
    profiles.write_text('[[profile]]\nname = "a"\nhost = "x"\nport = 70000\n')
    code, _, err = await smtptui("probe", "a", "--profiles", str(profiles))
    assert code == 2 and "port must be 1-65535, got 70000" in err


async def test_profile_with_flag_overrides(relay, cafile: str, tmp_path: Path) -> None:
    profiles = tmp_path / "p.toml"
    profiles.write_text(
        '[[profile]]\nname = "acme"\nclient = "Acme"\nhost = "127.0.0.1"\nport = 1\n'
        f'username = "{USER}"\npassword = {{ env = "SMTP_PW" }}\ncafile = "{cafile}"\n')
    code, out, _ = await smtptui("probe", "acme", "--port", str(relay.port), "--json",
                                 "--profiles", str(profiles))
    assert code == 0
    doc = json.loads(out)
    assert doc["target"]["profile"] == "acme" and doc["target"]["port"] == relay.port


async def test_swaks_line_has_placeholders_not_secrets(relay, cafile: str) -> None:
    code, out, _ = await smtptui("probe", *target(relay.port, cafile), "--swaks",
                                 "--from", "a@acme.test", "--to", "b@acme.test")
    assert code == 0
    line = out.split("Reproduce with swaks:\n", 1)[1].strip()
    assert line.startswith(f"swaks --server 127.0.0.1:{relay.port} --tls --tls-verify")
    assert '--auth-password "$SMTP_PW"' in line  # the variable --password-env named
    assert "--from a@acme.test --to b@acme.test --quit-after rcpt" in line


def test_swaks_line_hides_a_user_name_that_is_the_secret_too() -> None:
    """Postmark: the server token is both the user name and the password."""
    from smtptui.commands.probe import swaks_line
    from smtptui.probe.config import ProbeConfig, Secret

    token = "0f4e5c3a-1b2c-4d5e-8f90-abcdef123456"
    line = swaks_line(ProbeConfig(host="smtp.postmarkapp.com", port=587, username=token,
                                  password=Secret(token)))
    assert token not in line
    assert '--auth-user "$SMTP_USER" --auth-password "$SMTP_PASSWORD"' in line


async def test_batch_json_lines_and_concurrency_limit(relay_factory: RelayFactory,
                                                      server_ctx: ssl.SSLContext,
                                                      cafile: str, tmp_path: Path) -> None:
    relay = await relay_factory(starttls=server_ctx, greeting_delay=0.05)
    lines = []
    for i in range(50):
        user = "intruder@acme.test" if i % 5 == 0 else USER  # every 5th is refused
        client = "Acme" if i % 2 else "Globex"
        lines.append(f'[[profile]]\nname = "p{i:02d}"\nclient = "{client}"\n'
                     f'host = "127.0.0.1"\nport = {relay.port}\nusername = "{user}"\n'
                     f'password = {{ env = "SMTP_PW" }}\ncafile = "{cafile}"\n')
    profiles = tmp_path / "p.toml"
    profiles.write_text("\n".join(lines))
    code, out, err = await smtptui("probe", "--all", "--json", "--concurrency", "4",
                                   "--profiles", str(profiles))
    assert code == 1, err
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(docs) == 50
    by_name = {d["profile"]: d for d in docs}
    for i in range(50):
        doc = by_name[f"p{i:02d}"]
        assert doc["ok"] is (i % 5 != 0)
        if i % 5 == 0:
            assert doc["stages"][-2]["stage"] == "auth"
    assert relay.connections == 50
    assert 2 <= relay.max_active <= 4  # concurrent, and never more than asked
    # one client only, human summary
    code, out, _ = await smtptui("probe", "--client", "Acme", "--profiles", str(profiles))
    assert code == 1
    assert out.strip().endswith("of 25 profiles passed")


@pytest.mark.parametrize(("args", "message"), [
    (["--nameserver", "dns.example"], "invalid nameserver"),
    (["--cafile", "__README__"], "holds no usable certificate"),
])
async def test_bad_resolver_or_ca_file_is_bad_input(args: list[str], message: str) -> None:
    readme = str(Path(__file__).parent.parent / "README.md")
    args = [readme if a == "__README__" else a for a in args]
    code, _, err = await smtptui("probe", "--host", "localhost", *args)
    assert code == 2 and message in err


async def test_a_closed_pipe_keeps_the_real_exit_code(relay, cafile: str) -> None:
    """`smtptui probe … | head -1`: output stops, the result still decides the exit code."""
    cmd = " ".join([sys.executable, "-m", "smtptui", "probe", *target(relay.port, cafile),
                    "-v", "|", "head", "-1", ";", "exit", "${PIPESTATUS[0]}"])
    proc = await asyncio.create_subprocess_exec(
        "bash", "-c", cmd, env={**os.environ, "SMTP_PW": CANARY},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 0, err
    assert out.decode().count("\n") == 1 and b"Traceback" not in err and not err


async def test_batch_reports_a_profile_it_cannot_run_and_probes_the_rest(
        relay, cafile: str, tmp_path: Path) -> None:
    profiles = tmp_path / "p.toml"
    profiles.write_text(
        f'[[profile]]\nname = "ok"\nhost = "127.0.0.1"\nport = {relay.port}\n'
        f'username = "{USER}"\npassword = {{ env = "SMTP_PW" }}\ncafile = "{cafile}"\n\n'
        f'[[profile]]\nname = "asks"\nhost = "127.0.0.1"\nport = {relay.port}\n'
        f'username = "{USER}"\npassword = {{ prompt = true }}\n\n'
        f'[[profile]]\nname = "no-env"\nhost = "127.0.0.1"\nport = {relay.port}\n'
        f'username = "{USER}"\npassword = {{ env = "UNSET_VAR_X" }}\n')
    code, out, _ = await smtptui("probe", "--all", "--json", "--profiles", str(profiles))
    assert code == 1
    docs = {d["profile"]: d for d in map(json.loads, out.splitlines())}
    assert docs["ok"]["ok"] is True
    for name in ("asks", "no-env"):
        assert docs[name]["ok"] is False and docs[name]["stages"] == []
        assert docs[name]["target"]["port"] == relay.port and docs[name]["error"]
