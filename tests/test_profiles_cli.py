"""`smtptui profiles ...`: exit codes, output on the right stream, no secret values ever."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from smtptui import cli
from smtptui.profiles import PRESETS, load

CANARY = "canary-Pa55w0rd-0xDEADBEEF"


@pytest.fixture
def path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A profiles path via $SMTPTUI_PROFILES; secrets in the environment hold a canary."""
    # Only our subcommand: siblings are built in parallel and are tested on their own.
    monkeypatch.setattr(cli, "SUBCOMMANDS", ("profiles",))
    target = tmp_path / "conf" / "profiles.toml"
    monkeypatch.setenv("SMTPTUI_PROFILES", str(target))
    monkeypatch.setenv("ACME_PW", CANARY)
    monkeypatch.setenv("ACME_TOKEN", CANARY)
    return target


def smtptui(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["profiles", *argv])
    out, err = capsys.readouterr()
    assert CANARY not in out and CANARY not in err
    return code, out, err


def _seed(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["add", "Acme Gmail", "--preset", "gmail", "--client", "Acme", "--user", "ops@acme.example",
         "--password-env", "ACME_PW", "--from", "ops@acme.example", "--to", "a@x.example",
         "b@x.example"],
        ["add", "Acme SES", "--preset", "ses", "--region", "eu-west-1", "--client", "Acme",
         "--user", "AKIAEXAMPLE", "--password-cmd", "pass show acme/ses"],
        ["add", "Beta M365", "--preset", "microsoft365", "--client", "Beta", "--auth",
         "xoauth2", "--user", "ops@beta.example", "--oauth-token-env", "ACME_TOKEN",
         "--password-keyring", "beta"],
        ["add", "Lab", "--host", "127.0.0.1", "--port", "2525", "--tls", "none",
         "--user", "lab", "--password-prompt", "--allow-plaintext-auth", "--timeout", "5",
         "--ehlo", "lab.example"],
    ):
        assert smtptui(capsys, *argv)[0] == 0


def test_add_list_show_remove(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(capsys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    code, out, err = smtptui(capsys, "list")
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Acme" and lines[3] == "Beta" and lines[5] == "(no client)"
    assert lines[1].split()[:3] == ["Acme", "Gmail", "smtp.gmail.com:587"]
    assert "password env:ACME_PW" in lines[1]
    assert "email-smtp.eu-west-1.amazonaws.com:587" in lines[2]
    code, out, _ = smtptui(capsys, "show", "Lab")
    assert code == 0
    shown = dict(line.split(":", 1) for line in out.splitlines())
    assert shown["host"].strip() == "127.0.0.1" and shown["password"].strip() == "prompt"
    assert shown["allow_plaintext_auth"].strip() == "true"
    code, _, err = smtptui(capsys, "remove", "Lab")
    assert code == 0 and err == f'smtptui: removed profile "Lab" from {path}\n'
    assert load(path).names() == ["Acme Gmail", "Acme SES", "Beta M365"]


def test_list_and_show_json(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(capsys)
    code, out, _ = smtptui(capsys, "list", "--json")
    assert code == 0
    data = json.loads(out)
    assert [d["name"] for d in data] == ["Acme Gmail", "Acme SES", "Beta M365", "Lab"]
    by_name = {d["name"]: d for d in data}
    assert by_name["Acme Gmail"]["password"] == "env:ACME_PW"
    assert by_name["Acme Gmail"]["to"] == ["a@x.example", "b@x.example"]
    assert by_name["Acme SES"]["password"] == "command:pass show acme/ses"
    assert by_name["Beta M365"]["oauth_token"] == "env:ACME_TOKEN"
    assert by_name["Beta M365"]["password"] == "keyring:beta"
    assert by_name["Lab"]["timeout"] == 5.0 and by_name["Lab"]["client"] == ""
    code, out, _ = smtptui(capsys, "show", "Beta M365", "--json")
    assert code == 0 and json.loads(out) == by_name["Beta M365"]


def test_no_secret_value_reaches_output_even_for_literal_passwords(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path.parent.mkdir(parents=True)
    path.write_text(f'[[profile]]\nname = "Lit"\nhost = "h.example"\nusername = "u"\n'
                    f'password = "{CANARY}"\n'
                    f'oauth_token = "{CANARY}"\n')
    path.chmod(0o644)
    for argv in (["list"], ["list", "--json"], ["show", "Lit"], ["show", "Lit", "--json"],
                 ["check"]):
        code, out, err = smtptui(capsys, *argv)  # asserts the canary is absent
        assert code == 0
        assert "password stored in plain text" in err and "chmod 600" in err
    assert json.loads(smtptui(capsys, "show", "Lit", "--json")[1])["password"] == "literal"


def test_add_inherits_defaults_and_accepts_a_preset_host(
        path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('[defaults]\ntimeout = 9\nfrom = "f@msp.example"\nto = ["s@msp.example"]\n')
    code, _, _ = smtptui(capsys, "add", "Z", "--preset", "zoho", "--host", "smtp.zoho.eu",
                         "--send")
    assert code == 0
    text = path.read_text()
    assert "timeout" not in text.split("[[profile]]")[1]  # inherited, not pinned
    z = load(path).get("Z")
    assert (z.host, z.port, z.tls, z.timeout, z.rcpt_to, z.send) == (
        "smtp.zoho.eu", 465, "implicit", 9.0, ("s@msp.example",), True)


def test_add_refuses_an_existing_name_unless_forced(path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert smtptui(capsys, "add", "X", "--host", "a.example")[0] == 0
    code, out, err = smtptui(capsys, "add", "X", "--host", "b.example")
    assert (code, out) == (2, "")
    assert err == (f'smtptui: profile "X" already exists in {path} '
                   "(use --force to replace it)\n")
    assert load(path).get("X").host == "a.example"
    code, _, err = smtptui(capsys, "add", "X", "--host", "b.example", "--force")
    assert code == 0 and "replaced" in err
    assert load(path).get("X").host == "b.example"


@pytest.mark.parametrize(("argv", "message"), [
    (["add", "X"], "profiles add needs --host or --preset"),
    (["add", "X", "--preset", "pigeon"], "unknown preset 'pigeon' (known: "),
    (["add", "X", "--preset", "ses"], 'preset "ses" needs a region'),
    (["add", "X", "--preset", "gmail", "--region", "eu-west-1"], "--region does not apply"),
    (["add", "X", "--host", "h", "--region", "eu-west-1"], "--region applies only with"),
    (["add", "X", "--host", "h", "--port", "70000"],
     'profile "X": port must be 1-65535, got 70000'),
    (["add", "X", "--host", "h", "--tls", "fast"], 'profile "X": tls must be one of'),
    (["add", "X", "--host", "h", "--port", "abc"], "invalid int value: 'abc'"),
    (["add", "X", "--host", "h", "--password-env", "A", "--password-prompt"],
     "not allowed with argument"),
    (["add", "X", "--host", "h", "--password-cmd", "pass 'x"], "not a valid command line"),
    (["add", "X", "--host", "h", "--send"], "send = true needs from and to"),
    (["add", " ", "--host", "h"], "profile name must not be empty"),
    (["show", "Nope"], "no such file"),
    (["remove", "Nope"], "no such file"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
])
def test_bad_input_exits_2_with_one_line(path: Path, capsys: pytest.CaptureFixture[str],
                                         argv: list[str], message: str) -> None:
    code, out, err = smtptui(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("smtptui: ") and err.count("\n") == 1
    assert message in err
    assert not path.exists()


def test_unknown_profile_lists_known_ones(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(capsys)
    for action in ("show", "remove"):
        code, _, err = smtptui(capsys, action, "Nope")
        assert code == 2
        assert err == ('smtptui: unknown profile "Nope" '
                       "(known: Acme Gmail, Acme SES, Beta M365, Lab)\n")


def test_check(path: Path, capsys: pytest.CaptureFixture[str],
               monkeypatch: pytest.MonkeyPatch) -> None:
    assert smtptui(capsys, "check")[0] == 2  # no file yet
    _seed(capsys)
    monkeypatch.setenv("PATH", str(path.parent))  # no `pass` command here
    monkeypatch.delenv("ACME_PW", raising=False)
    code, out, err = smtptui(capsys, "check")  # valid, but two profiles cannot run here
    assert (code, out) == (1, f"valid: 4 profiles in {path}; 2 cannot run here\n")
    assert err.splitlines() == [
        f'smtptui: {path}: profile "Acme Gmail": cannot run here: password: the environment '
        "variable ACME_PW is not set",
        f'smtptui: {path}: profile "Acme SES": cannot run here: password: the command '
        "'pass' is not found",
    ]
    tool = path.parent / "pass"
    tool.write_text("#!/bin/sh\necho secret\n")
    tool.chmod(0o755)
    monkeypatch.setenv("ACME_PW", CANARY)
    assert smtptui(capsys, "check") == (0, f"ok: 4 profiles in {path}\n", "")
    path.write_text(path.read_text().replace("port = 2525", "port = 70000").replace(
        'tls = "none"', 'tls = "fast"'))
    code, out, err = smtptui(capsys, "check")
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        f'smtptui: {path}: profile "Lab": port must be 1-65535, got 70000',
        f'smtptui: {path}: profile "Lab": tls must be one of starttls, implicit, none, '
        'opportunistic, got "fast"',
    ]
    path.write_text("[[profile]\n")
    code, _, err = smtptui(capsys, "check")
    assert code == 2 and err.startswith(f"smtptui: {path}: line 1, column ")


def test_check_finds_what_a_probe_would_refuse(path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[[profile]]\nname = "Lost CA"\nhost = "smtp.a.test"\n'
                    'cafile = "/nonexistent/ca.pem"\n'
                    '[[profile]]\nname = "No secret"\nhost = "smtp.b.test"\n'
                    'username = "ops@b.test"\n')
    path.chmod(0o600)
    code, out, err = smtptui(capsys, "check")
    assert (code, out) == (2, "")  # "No secret" can run nowhere: the file is unusable
    assert err.splitlines()[0].startswith(
        f'smtptui: {path}: profile "No secret": username \'ops@b.test\' has no password')
    assert err.splitlines()[1] == (f'smtptui: {path}: profile "Lost CA": cannot run here: '
                                   "cannot read the CA file /nonexistent/ca.pem")


def test_add_warns_about_what_a_probe_would_refuse(path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = smtptui(capsys, "add", "Lost CA", "--host", "smtp.a.test",
                           "--cafile", "/nonexistent/ca.pem")
    assert code == 0 and err.splitlines() == [
        f'smtptui: added profile "Lost CA" in {path}',
        'smtptui: warning: profile "Lost CA": cannot run here: cannot read the CA file '
        '/nonexistent/ca.pem']


@pytest.mark.parametrize(("flags", "message"), [
    (["--user", "ops@a.test"], '--user needs a password or token: give --password-env VAR, '
     "--password-cmd CMD, --password-keyring NAME, --password-prompt, --oauth NAME or "
     "--oauth-token-env VAR (or --stop-after tls to skip AUTH)"),
    (["--password-env", "ACME_PW"], "--password-env ACME_PW needs --user"),
    (["--to", "a@x.example"], "--to needs --from"),
    (["--tls", "none", "--cafile", "/etc/ssl/ca.pem"], "--cafile only applies with TLS"),
    (["--user", "u", "--auth", "xoauth2", "--password-env", "ACME_PW"],
     "--auth xoauth2 needs an OAuth token (--oauth NAME or --oauth-token-env VAR)"),
])
def test_add_refuses_what_check_refuses_and_writes_nothing(
        path: Path, capsys: pytest.CaptureFixture[str], flags: list[str], message: str) -> None:
    """Fields that contradict each other are refused by `profiles add` as by `profiles
    check`, the editor and `probe`: exit 2, one line in the add command's own flags."""
    code, out, err = smtptui(capsys, "add", "Acme", "--host", "smtp.a.test", *flags)
    assert (code, out, path.exists()) == (2, "", False)
    assert err.count("\n") == 1 and err.startswith(f'smtptui: profile "Acme": {message}'), err


def test_invalid_file_is_never_edited(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path.parent.mkdir(parents=True)
    path.write_text('[[profile]]\nname = "a"\nhost = "h"\nport = 0\n')
    for argv in (["add", "b", "--host", "h"], ["remove", "a"], ["list"], ["show", "a"]):
        code, _, err = smtptui(capsys, *argv)
        assert code == 2 and 'profile "a": port must be 1-65535, got 0' in err
    assert path.read_text().endswith("port = 0\n")


def test_profiles_flag_beats_env_and_works_at_both_levels(
        path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "other.toml"
    assert smtptui(capsys, "add", "A", "--host", "h", "--profiles", str(other))[0] == 0
    assert cli.main(["--profiles", str(other), "profiles", "list"]) == 0
    assert capsys.readouterr().out.startswith("(no client)\n  A")
    assert smtptui(capsys, "path") == (0, f"{path}\n", "")
    assert smtptui(capsys, "path", "--profiles", str(other)) == (0, f"{other}\n", "")
    assert not path.exists()


def test_empty_list_and_default_action(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = smtptui(capsys)
    assert (code, out) == (0, "") and "no profiles in" in err
    assert smtptui(capsys, "list", "--json") == (0, "[]\n", "")


def test_presets(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = smtptui(capsys, "presets", "--json")
    data = json.loads(out)
    assert code == 0 and [d["key"] for d in data] == list(PRESETS)
    assert next(d for d in data if d["key"] == "ses")["needs_region"] is True
    code, out, _ = smtptui(capsys, "presets")
    assert code == 0 and out.startswith("gmail ") and "smtp.sendgrid.net:587" in out


def test_profiles_modules_stay_headless_and_light() -> None:
    import subprocess
    import sys

    code = ("import sys, smtptui.profiles, smtptui.commands.profiles; "
            "print(sorted(m for m in ('textual', 'tomli_w', 'keyring') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "[]\n"


def test_add_sets_the_dns_fields_and_validates_the_nameserver(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    from smtptui.cli import main

    path = tmp_path / "p.toml"
    assert main(["profiles", "add", "acme", "--host", "smtp.acme.test", "--nameserver",
                 "127.0.0.1:5353", "--selector", "s1", "--selector", "s2",
                 "--profiles", str(path)]) == 0
    text = path.read_text()
    assert 'nameserver = "127.0.0.1:5353"' in text and 'dkim_selectors = ["s1", "s2"]' in text
    assert main(["profiles", "add", "bad", "--host", "h", "--nameserver", "dns.example",
                 "--profiles", str(path)]) == 2
    assert "nameserver must be an IP address" in capsys.readouterr().err


def test_list_lines_up_its_columns(path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(capsys)
    _, out, _ = smtptui(capsys, "list")
    rows = [line for line in out.splitlines() if line.startswith("  ")]
    hosts = [line.index(word) for line in rows
             for word in line.split() if ":" in word and word[-1].isdigit()]
    modes = [line.index(f" {mode} ") for line in rows
             for mode in ("starttls", "implicit", "none", "opportunistic") if f" {mode} " in line]
    assert len(rows) == 4 and len(set(hosts)) == 1 and len(set(modes)) == 1
