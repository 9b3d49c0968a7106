"""The dashboard's pure parts: grouping and filtering, the editor's form logic, the stage
strip's bookkeeping, transcript lines, and the `smtptui [app]` command line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smtptui import cli
from smtptui.app.entries import NO_CLIENT, from_file, grouped
from smtptui.app.screens.editor_form import FormValues, build, values_of
from smtptui.app.status import ms
from smtptui.app.widgets.stage_strip import StageStrip
from smtptui.app.widgets.transcript import plain_line
from smtptui.probe.events import StageFinished, WireLine
from smtptui.profiles.secrets import EnvSource, PromptSource
from smtptui.profiles.store import parse


def test_entries_group_by_client_and_filter_by_words() -> None:
    pf = parse('[[profile]]\nname = "B relay"\nclient = "Acme"\nhost = "smtp.b.example"\n'
               '[[profile]]\nname = "A relay"\nclient = "Acme"\nhost = "smtp.a.example"\n'
               '[[profile]]\nname = "Loose"\nhost = "mx.loose.example"\n', Path("p.toml"))
    entries = from_file(pf)
    assert {c: [e.name for e in es] for c, es in grouped(entries).items()} == {
        NO_CLIENT: ["Loose"], "Acme": ["A relay", "B relay"]}
    assert [e.name for es in grouped(entries, "acme smtp.b").values() for e in es] == [
        "B relay"]
    assert [e.name for es in grouped(entries, "LOOSE").values() for e in es] == ["Loose"]
    assert grouped(entries, "nothing matches") == {}


def test_form_builds_a_profile_or_names_the_bad_fields() -> None:
    profile, problems = build(FormValues(name="R", host="smtp.r.example", port="2525",
                                         username="r", secret_kind="env", secret_value="R_PW",
                                         mail_from="r@x.example",
                                         rcpt_to="a@x.example, b@x.example"), None, set())
    assert problems == {} and profile is not None
    assert (profile.port, profile.password, profile.rcpt_to) == (
        2525, EnvSource("R_PW"), ("a@x.example", "b@x.example"))
    _, problems = build(FormValues(name="R", host="h", port="x", send=True, timeout="-1",
                                   secret_kind="command"), None, {"R"})
    assert set(problems) == {"name", "port", "send", "timeout", "secret_value"}
    assert "already exists" in problems["name"]


def test_form_round_trips_and_keeps_unknown_fields() -> None:
    pf = parse('[[profile]]\nname = "T"\nhost = "h"\nauth = "xoauth2"\nusername = "u"\n'
               'oauth_token = { prompt = true }\ndkim_selectors = ["s1"]\nx_custom = 1\n',
               Path("p.toml"))
    original = pf.profiles[0]
    values = values_of(original)
    assert (values.secret_kind, values.auth) == ("prompt", "xoauth2")
    profile, problems = build(values, original, set())
    assert problems == {} and profile is not None
    assert profile.oauth_token == PromptSource() and profile.password is None
    assert profile.dkim_selectors == ("s1",) and profile.extra == {"x_custom": 1}


def test_stage_strip_tracks_repeated_and_skipped_stages() -> None:
    strip = StageStrip()
    strip.reset(["connect", "greeting", "ehlo", "starttls", "ehlo", "auth", "quit"])
    for stage in ("connect", "greeting", "ehlo"):
        strip.stage_started(stage)
        strip.stage_finished(StageFinished(stage, "pass", 1.0))
    strip.stage_started("auth")  # opportunistic: STARTTLS was not offered
    assert [s.state for s in strip.slots] == [
        "pass", "pass", "pass", "notrun", "notrun", "running", "pending"]
    strip.cancelled()
    assert [s.state for s in strip.slots][-2:] == ["cancelled", "notrun"]
    assert strip.outcome == "cancelled"


def test_transcript_lines_and_times() -> None:
    assert plain_line(WireLine("C", "EHLO x", 12.0)) == "   0.012s C: EHLO x"
    assert plain_line(WireLine("*", "TLS up", 1500.0)) == "   1.500s *  TLS up"
    assert [ms(v) for v in (0.25, 12.4, 1250.0)] == ["0.2 ms", "12 ms", "1.25 s"]


@pytest.mark.parametrize(("argv", "path", "mouse"), [
    (["--no-mouse"], None, False),
    (["app", "--profiles", "x.toml"], "x.toml", True),
    (["--profiles", "y.toml", "app", "--no-mouse"], "y.toml", False),
])
def test_the_app_is_the_default_command(monkeypatch: pytest.MonkeyPatch, argv: list[str],
                                        path: str | None, mouse: bool,
                                        tmp_path: Path) -> None:
    calls: list[dict[str, Any]] = []

    def fake_run_app(profiles_path: Path | None, *, demo: bool, mouse: bool,
                     **history: object) -> int:
        assert history == {"history": None, "record_history": True}
        calls.append({"path": profiles_path, "demo": demo, "mouse": mouse})
        return 0

    monkeypatch.setenv("SMTPTUI_PROFILES", str(tmp_path / "default.toml"))
    monkeypatch.setattr("smtptui.app.launch.run_app", fake_run_app)
    assert cli.main(argv) == 0
    expected = Path(path) if path else tmp_path / "default.toml"
    assert calls == [{"path": expected, "demo": False, "mouse": mouse}]


@pytest.mark.parametrize(("table", "send", "shown"), [
    ('from = "a@x.example"\nto = ["b@x.example"]\n', True, "will be sent"),
    ("", True, "not sent: the profile has no From and To (e to set them)"),
    ('from = "a@x.example"\n', True, "not sent: the profile has no From and To"),
    ('from = "a@x.example"\nto = ["b@x.example"]\n', False, "not sent (s to send)"),
])
def test_the_card_says_whether_a_test_message_really_goes(table: str, send: bool,
                                                           shown: str) -> None:
    from smtptui.app.render import Field, entry_card

    pf = parse(f'[[profile]]\nname = "R"\nhost = "smtp.x.example"\n{table}', Path("p.toml"))
    card = entry_card(from_file(pf)[0], send=send)
    value = next(c.value.plain for c in card if isinstance(c, Field) and c.label == "Test message")
    assert value.startswith(shown)


def test_the_app_says_every_piece_of_advice_without_command_line_flags() -> None:
    """Each rule's text, as the dashboard shows it, names fields and the transcript."""
    import re

    from smtptui.app.phrasebook import for_app
    from smtptui.diagnose.fault_rules import FAULT_RULES
    from smtptui.diagnose.reply_rules import REPLY_RULES

    flag = re.compile(r"(?<![\w`])--?[a-z]")
    texts = [t for rule in (*FAULT_RULES, *REPLY_RULES) for t in (rule.summary, rule.advice)]
    said = [re.sub(r"`[^`]*`", "", for_app(t)) for t in texts]  # shell commands stay
    assert [s for s in said if flag.search(s)] == []
    assert for_app("Check it with `smtptui dns <domain>`.") == "Check it with the DNS checks (D)."
    assert for_app("Run with -v to see the last exchange.") == (
        "Look in the transcript for the last exchange.")
    assert for_app("Use STARTTLS mode (--tls starttls); --insecure gets past it.") == (
        "Use STARTTLS mode (Security “starttls”); “do not verify the certificate” gets past it.")


@pytest.mark.parametrize(("value", "expected"), [("16", "standard"), ("256", "256"),
                                                 ("TrueColor", "truecolor")])
def test_the_colour_system_takes_the_names_people_type(monkeypatch: pytest.MonkeyPatch,
                                                       value: str, expected: str) -> None:
    import os

    from smtptui.app.launch import check_colour_env

    monkeypatch.setenv("TEXTUAL_COLOR_SYSTEM", value)
    check_colour_env()
    assert os.environ["TEXTUAL_COLOR_SYSTEM"] == expected


def test_an_unknown_colour_system_is_one_line_and_exit_2(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "smtptui", "demo"], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL,
                          env={**os.environ, "TEXTUAL_COLOR_SYSTEM": "sixteen"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "TEXTUAL_COLOR_SYSTEM='sixteen' is not a colour system" in done.stderr
