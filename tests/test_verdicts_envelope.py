"""Issue 11: envelope verdicts against servers that answer like the real Postfix and Exim
(refused recipients, the submission port that wants AUTH, address typos, SMTPUTF8)."""

from __future__ import annotations

import json

import pytest

from tests.postfix_like import cli_env, postfix_dialogue
from tests.postfix_like import run_cli as smtptui
from tests.servers import Conn, Handler, RawFactory, RawServer

POSTFIX_EHLO = ("250-mx.test.local", "250-PIPELINING", "250-SIZE 10240000",
                "250-ENHANCEDSTATUSCODES", "250-8BITMIME", "250 SMTPUTF8")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    cli_env(monkeypatch, "probe")


def postfix(rcpt: dict[str, str], *, ehlo: tuple[str, ...] = POSTFIX_EHLO,
            mail: str = "250 2.1.0 Ok") -> Handler:
    """A Postfix-like plain SMTP dialogue with per-recipient RCPT replies."""
    async def answer(conn: Conn, verb: str, line: str) -> bool | None:
        if verb == "EHLO":
            await conn.send(*ehlo)
        elif verb == "MAIL":
            await conn.send(mail)
        elif verb == "RCPT":
            address = line.partition("<")[2].partition(">")[0]
            await conn.send(rcpt.get(address, "250 2.1.5 Ok"))
        else:
            return None
        return True
    return postfix_dialogue(answer)


def plain_target(server: RawServer) -> list[str]:
    return ["--host", "127.0.0.1", "--port", str(server.port), "--tls", "none",
            "--timeout", "5"]


async def test_every_refused_recipient_fails_rcpt_with_its_own_cause(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(postfix({
        "nobody@test.local": "550 5.1.1 <nobody@test.local>: Recipient address rejected: "
                             "User unknown in local recipient table",
        "x@example.com": "554 5.7.1 <x@example.com>: Relay access denied",
    }))
    to = ["alice@test.local", "nobody@test.local", "x@example.com"]
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server),
                                 "--from", "ops@test.local", "--to", *to, "--json")
    assert code == 1
    doc = json.loads(out)
    rcpt = next(s for s in doc["stages"] if s["stage"] == "rcpt")
    assert rcpt["status"] == "fail" and rcpt["note"] == "1/3 accepted"
    refused = {r["address"]: r for r in rcpt["refused"]}
    assert set(refused) == {"nobody@test.local", "x@example.com"}
    assert refused["nobody@test.local"]["reply"]["code"] == 550
    assert "does not exist" in refused["nobody@test.local"]["diagnosis"]["summary"]
    assert refused["x@example.com"]["reply"]["enhanced"] == "5.7.1"
    assert "relay" in refused["x@example.com"]["diagnosis"]["summary"].lower()
    assert "2 of 3 recipients were refused" in rcpt["diagnosis"]["summary"]
    assert "data" not in [s["stage"] for s in doc["stages"]]
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server),
                                 "--from", "ops@test.local", "--to", *to)
    assert code == 1 and "FAILED at rcpt" in out
    assert "refused recipients:" in out
    assert out.count("✗ The recipient") + out.count("✗ The server refuses to relay") == 2


async def test_one_refused_recipient_of_one_is_diagnosed_alone(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(postfix({
        "nobody@test.local": "550 5.1.1 <nobody@test.local>: Recipient address rejected: "
                             "User unknown in local recipient table"}))
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server), "--from",
                                 "ops@test.local", "--to", "alice@test.local",
                                 "nobody@test.local", "--json")
    assert code == 1
    rcpt = next(s for s in json.loads(out)["stages"] if s["stage"] == "rcpt")
    assert len(rcpt["refused"]) == 1
    assert "nobody@test.local" in rcpt["diagnosis"]["summary"]


CLIENT_REJECTED = "554 5.7.1 <localhost[127.0.0.1]>: Client host rejected: Access denied"


async def test_a_refused_client_without_auth_means_the_port_wants_auth(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(postfix({"alice@test.local": CLIENT_REJECTED}))
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server), "--from",
                                 "ops@test.local", "--to", "alice@test.local", "--json")
    assert code == 1
    rcpt = next(s for s in json.loads(out)["stages"] if s["stage"] == "rcpt")
    diagnosis = rcpt["diagnosis"]
    assert diagnosis["layer"] == "auth"
    assert "accepts mail only from authenticated clients" in diagnosis["summary"]
    assert "relay" not in diagnosis["summary"].lower()


def with_plain_auth(handler: Handler) -> Handler:
    """The Postfix-like dialogue, offering AUTH PLAIN and accepting any login first."""
    async def wrapped(conn: Conn) -> None:
        original = conn.readline

        async def readline() -> str:
            line = await original()
            while line.upper().startswith("AUTH "):
                await conn.send("235 2.7.0 Authentication successful")
                line = await original()
            return line

        conn.readline = readline  # type: ignore[method-assign]
        await handler(conn)
    return wrapped


@pytest.mark.parametrize(("reply", "summary"), [
    (CLIENT_REJECTED, "even after a successful login"),
    ("530 5.7.0 Authentication required", "login succeeded, but the server still"),
])
async def test_the_same_refusal_after_a_login_means_something_else(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str], reply: str,
        summary: str) -> None:
    ehlo = (*POSTFIX_EHLO[:-1], "250-AUTH PLAIN", POSTFIX_EHLO[-1])
    server = await raw_server(with_plain_auth(postfix({"alice@test.local": reply},
                                                      ehlo=ehlo)))
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server),
                                 "--allow-plaintext-auth", "--user", "ops@test.local",
                                 "--password-env", "SMTP_PW", "--from", "ops@test.local",
                                 "--to", "alice@test.local", "--json")
    assert code == 1
    stages = {s["stage"]: s for s in json.loads(out)["stages"]}
    assert stages["auth"]["status"] == "pass"
    assert summary in stages["rcpt"]["diagnosis"]["summary"]
    assert "not logged in" not in stages["rcpt"]["diagnosis"]["summary"]


@pytest.mark.parametrize("address", [
    "x@@test.local", "x@test..local", "@test.local", "x@", ".x@test.local", "x.@test.local",
    "a b@test.local", "x@-bad.test.local", "<x@test.local>", "x@[300.1.1.1]",
    '"unclosed@test.local', "x" * 65 + "@test.local",
])
async def test_an_address_typo_is_bad_input_not_a_relay_verdict(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str], address: str) -> None:
    server = await raw_server(postfix({}))
    for flags in (["--from", "ops@test.local", "--to", address], ["--from", address]):
        code, out, err = await smtptui(capsys, "probe", *plain_target(server), *flags)
        assert (code, out) == (2, "") and err.count("\n") == 1
        assert "is not a valid address" in err
    assert server.connections == 0


@pytest.mark.parametrize("address", [
    "alice@test.local", "first.last+tag@test.local", '"john doe"@test.local',
    "o'hara@test.local", "alice@[127.0.0.1]", "alice@[IPv6:::1]", "jörg@münchen.test",
])
def test_real_mailboxes_are_accepted(address: str) -> None:
    from smtptui.mailbox import mailbox_problem

    assert mailbox_problem(address) is None


async def test_a_saved_address_typo_is_bad_input(
        tmp_path, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.toml"
    path.write_text('[[profile]]\nname = "typo"\nhost = "127.0.0.1"\nport = 2525\n'
                    'tls = "none"\nfrom = "ops@test.local"\nto = ["x@@test.local"]\n')
    code, out, err = await smtptui(capsys, "probe", "typo", "--profiles", str(path))
    assert (code, out) == (2, "")
    assert 'profile "typo": to has "x@@test.local", which is not a valid address: it has ' \
           "more than one @" in err


async def test_a_non_ascii_address_is_sent_with_smtputf8(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(postfix({}))
    code, out, err = await smtptui(capsys, "probe", *plain_target(server), "--from",
                                   "jörg@münchen.test", "--to", "bob@test.local", "--json")
    assert code == 0, err
    assert "MAIL FROM:<jörg@münchen.test> SMTPUTF8" in server.received
    assert "RCPT TO:<bob@test.local>" in server.received


async def test_without_smtputf8_a_non_ascii_address_is_not_sent(
        raw_server: RawFactory, capsys: pytest.CaptureFixture[str]) -> None:
    server = await raw_server(postfix({}, ehlo=POSTFIX_EHLO[:-2] + ("250 8BITMIME",)))
    code, out, _ = await smtptui(capsys, "probe", *plain_target(server), "--from",
                                 "ops@test.local", "--to", "andré@test.local", "--json")
    assert code == 1
    mail = next(s for s in json.loads(out)["stages"] if s["stage"] == "mail")
    assert mail["status"] == "fail" and mail["diagnosis"]["kind"] == "smtputf8_not_offered"
    assert "andré@test.local" in mail["diagnosis"]["summary"]
    assert "does not offer SMTPUTF8" in mail["diagnosis"]["summary"]
    assert "MAIL" not in server.verbs


async def test_a_utf8_message_is_delivered(relay, config_for) -> None:  # type: ignore[no-untyped-def]
    from smtptui.probe.engine import probe

    report = await probe(config_for(relay.port, mail_from="ops@acme.test",
                                    rcpt_to=("jörg@acme.test",), send=True))
    assert report.ok, report.failed_stage
    assert relay.messages[0].rcpt_tos == ["jörg@acme.test"]
    assert "SMTPUTF8" in relay.messages[0].mail_options
