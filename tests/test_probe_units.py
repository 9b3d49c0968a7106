"""Pure logic of the engine: EHLO parsing, sanitising, SASL payloads, swaks lines."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from smtptui.probe import auth as sasl
from smtptui.probe.config import ProbeConfig, Secret
from smtptui.probe.engine import planned_stages
from smtptui.probe.extensions import changes, human_size, parse_ehlo, split_enhanced
from smtptui.probe.sanitize import clean, clean_bytes


def test_parse_ehlo_unions_both_auth_forms() -> None:
    host, ext = parse_ehlo("mx.example.test Hello\nSIZE 35882577\n8BITMIME\nAUTH LOGIN PLAIN"
                           "\nAUTH=LOGIN XOAUTH2\nenhancedstatuscodes\nPIPELINING")
    assert host == "mx.example.test Hello"
    assert ext["AUTH"] == "LOGIN PLAIN XOAUTH2"
    assert ext["SIZE"] == "35882577" and "ENHANCEDSTATUSCODES" in ext


@pytest.mark.parametrize(("value", "shown"), [
    ("35882577", "34.2 MiB"), ("0", "no limit"), ("", "no limit announced"),
    ("512", "512 bytes"), ("10485760", "10.0 MiB"),
])
def test_human_size(value: str, shown: str) -> None:
    assert human_size(value) == shown


def test_changes_between_ehlos() -> None:
    before = {"STARTTLS": "", "SIZE": "10"}
    after = {"SIZE": "20", "AUTH": "PLAIN"}
    assert changes(before, after) == {"added": ["AUTH"], "removed": ["STARTTLS"],
                                      "changed": ["SIZE"]}


def test_split_enhanced_strips_every_line() -> None:
    code, text = split_enhanced("5.7.8 Username and Password not accepted.\n5.7.8 Learn more")
    assert code == "5.7.8" and text == "Username and Password not accepted.\nLearn more"
    assert split_enhanced("OK queued") == (None, "OK queued")


def test_clean_escapes_terminal_controls_and_caps_length() -> None:
    assert clean("a\x1b[31mb\x07c\u202ed") == "a\\x1b[31mb\\x07c\\u202ed"
    assert clean("x" * 3000).endswith("… [+1000 chars]")
    assert clean_bytes(b"ok\xff\xc2\x9b") == "ok\\xff\\x9b"


def test_secret_never_shows_itself() -> None:
    s = Secret("hunter2")
    assert "hunter2" not in repr(s) and "hunter2" not in str(s)
    assert "hunter2" not in repr(ProbeConfig(host="h", password=s))
    assert s.reveal() == "hunter2"


def test_sasl_payloads() -> None:
    assert base64.b64decode(sasl.plain("u", "p")) == b"\0u\0p"
    challenge = base64.b64encode(b"<1.2@host>").decode()
    user, digest = base64.b64decode(sasl.cram_md5("u", "p", challenge)).decode().split()
    assert user == "u"
    assert digest == hmac.new(b"p", b"<1.2@host>", hashlib.md5).hexdigest()
    assert base64.b64decode(sasl.xoauth2("u", "t")) == b"user=u\x01auth=Bearer t\x01\x01"
    assert base64.b64decode(sasl.oauthbearer("u", "t", "h", 587)) == (
        b"n,a=u,\x01host=h\x01port=587\x01auth=Bearer t\x01\x01")


@pytest.mark.parametrize(("requested", "offered", "pw", "tok", "chosen"), [
    ("auto", ["CRAM-MD5", "LOGIN", "PLAIN"], True, False, "PLAIN"),  # over TLS
    ("auto", ["CRAM-MD5", "LOGIN"], True, False, "LOGIN"),
    ("auto", ["LOGIN", "PLAIN"], True, False, "PLAIN"),
    ("auto", ["XOAUTH2", "PLAIN"], False, True, "XOAUTH2"),
    ("auto", ["XOAUTH2", "OAUTHBEARER"], False, True, "OAUTHBEARER"),
    ("auto", ["XOAUTH2"], True, False, None),
    ("login", ["PLAIN"], True, False, None),
    ("login", ["plain", "login"], True, False, "LOGIN"),
])
def test_mechanism_choice(requested: str, offered: list[str], pw: bool, tok: bool,
                          chosen: str | None) -> None:
    assert sasl.choose(requested, offered, has_password=pw, has_token=tok) == chosen


def test_without_tls_cram_md5_comes_first() -> None:
    """The password itself never crosses an unencrypted wire when avoidable."""
    assert sasl.candidates("auto", ["PLAIN", "LOGIN", "CRAM-MD5"], has_password=True,
                           has_token=False, encrypted=False) == ["CRAM-MD5", "PLAIN", "LOGIN"]


def test_planned_stages() -> None:
    assert planned_stages(ProbeConfig(host="h", tls="implicit")) == [
        "resolve", "connect", "tls", "greeting", "ehlo", "auth", "quit"]
    assert planned_stages(ProbeConfig(host="h", mail_from="a@b", rcpt_to=("c@d",),
                                      send=True)) == [
        "resolve", "connect", "greeting", "ehlo", "starttls", "ehlo", "auth", "mail", "rcpt",
        "data", "quit"]
    assert planned_stages(ProbeConfig(host="h", stop_after="greeting")) == [
        "resolve", "connect", "greeting", "quit"]


def test_swaks_line_quotes_and_placeholders() -> None:
    from smtptui.commands.probe import swaks_line

    line = swaks_line(ProbeConfig(host="smtp.example.com", port=465, tls="implicit",
                                  username="me@x.test", password=Secret("PASSWORD-ish"),
                                  auth="login", ehlo_name="my host"))
    assert line == ("swaks --server smtp.example.com:465 --tls-on-connect --tls-verify "
                    "--helo 'my host' --auth LOGIN --auth-user me@x.test "
                    '--auth-password "$SMTP_PASSWORD" --quit-after auth --timeout 30')


@pytest.mark.parametrize(("host", "literal"), [
    ("127.0.0.1", True), ("::1", True), ("fe80::1%eth0", True), ("::ffff:192.0.2.1", True),
    ("localhost", False), ("1.2.3", False), ("999.1.1.1", False), ("smtp.example.com", False),
])
def test_address_literals_skip_dns(host: str, literal: bool) -> None:
    from smtptui.probe.stages_transport import address_family

    assert (address_family(host) is not None) is literal


@pytest.mark.parametrize("char", [
    "\u061c", "\u200e", "\u2066", "\u206a", "\u00ad", "\U000e0041", "\u2028", "\ue000", "\x85",
])
def test_every_invisible_or_format_character_is_shown_escaped(char: str) -> None:
    from smtptui.probe.sanitize import clean

    shown = clean(f"ok{char}ok")
    assert char not in shown and shown.startswith("ok\\") and shown.endswith("ok")
    assert clean("naïve – 中文 ok") == "naïve – 中文 ok"  # printable text is left alone


@pytest.mark.parametrize(("days", "text"), [
    (40, "40 days left"), (1, "1 day left"), (0, "expires within a day"),
    (-1, "expired 1 day ago"), (-30, "expired 30 days ago"),
])
def test_certificate_validity_reads_naturally(days: int, text: str) -> None:
    from smtptui.probe.tlsinfo import validity_text

    assert validity_text(days) == text


@pytest.mark.parametrize(("host", "shown"), [
    ("smtp.example.com", "smtp.example.com:587"), ("192.0.2.1", "192.0.2.1:587"),
    ("::1", "[::1]:587"), ("2001:db8::25", "[2001:db8::25]:587"),
])
def test_ipv6_addresses_get_brackets_before_the_port(host: str, shown: str) -> None:
    from smtptui.hostport import host_port

    assert host_port(host, 587) == shown


@pytest.mark.parametrize(("host", "problem"), [
    ("ü" * 63 + ".example", "a label is too long once written in ASCII"),
    ("256.1.1.1", "is not a valid IPv4 address"),
    ("smtp.example.com:2525", "includes a port"),
    ("exa mple", "it has a space"),
    ("", "must not be empty"),
])
def test_hosts_that_cannot_work_are_refused(host: str, problem: str) -> None:
    from smtptui.hostport import HostError, parse_host

    with pytest.raises(HostError, match=problem):
        parse_host(host)


@pytest.mark.parametrize(("host", "used"), [
    ("bücher.example", "bücher.example"), ("localhost", "localhost"), ("[::1]", "::1"),
    ("fe80::1%eth0", "fe80::1%eth0"), ("192.0.2.1", "192.0.2.1"),
    (".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61]) + ".", None),  # 253 + root dot
])
def test_valid_hosts_are_accepted(host: str, used: str | None) -> None:
    from smtptui.hostport import parse_host

    assert parse_host(host) == (used or host)


def test_the_enhanced_code_is_read_exactly_as_its_regular_expression_reads_it() -> None:
    # enhanced_prefix parses by hand what this expression matches (the pattern would
    # cost every start its compile); random lines over the characters that matter —
    # digits, other Unicode digits, dots, spaces of several kinds — must agree.
    import random
    import re

    from smtptui.probe.extensions import enhanced_prefix

    pattern = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?:\s+|$)")
    alphabet = "2455.0123456789..  \t\u00a0\x1c\u0663\u06f5xY-"
    rng = random.Random(3463)
    lines = ["5.7.8 Username", "4.2.0", "2.0.0  ok", "5.7.8x", "5.1234.1 a", "5.1.", "5..1 a",
             "2.1.2345 x", "3.1.1 x", "5.\u0663.1 \u00a0x", ""]
    lines += [rng.choice(("2.", "4.", "5.", "5.7.", ""))
              + "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
              for _ in range(20_000)]
    for line in lines:
        match = pattern.match(line)
        expected = ((f"{match.group(1)}.{match.group(2)}.{match.group(3)}", match.end())
                    if match else None)
        assert enhanced_prefix(line) == expected, line
