"""Validation of profiles files: every problem is named, located and explained at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from smtptui.errors import UsageError
from smtptui.probe.config import AUTH_MECHS, STOP_AFTER, TLS_MODES
from smtptui.profiles import ProfilesError, load
from smtptui.profiles.store import parse

GOOD = '''
[[profile]]
name = "Acme relay"
host = "smtp.acme.example"
'''


def _problems(text: str) -> list[str]:
    with pytest.raises(ProfilesError) as info:
        parse(text, Path("p.toml"))
    return info.value.problems


def _one(fields: str) -> str:
    """The single problem with a profile made of GOOD plus ``fields``."""
    problems = _problems(GOOD + fields + "\n")
    assert len(problems) == 1, problems
    return problems[0]


@pytest.mark.parametrize(("fields", "expected"), [
    ("port = 70000", 'profile "Acme relay": port must be 1-65535, got 70000'),
    ("port = 0", 'profile "Acme relay": port must be 1-65535, got 0'),
    ('port = "587"', 'profile "Acme relay": port must be an integer 1-65535, got "587"'),
    ("port = true", 'profile "Acme relay": port must be an integer 1-65535, got true'),
    ('tls = "fast"',
     f'profile "Acme relay": tls must be one of {", ".join(TLS_MODES)}, got "fast"'),
    ('auth = "ntlm"',
     f'profile "Acme relay": auth must be one of {", ".join(AUTH_MECHS)}, got "ntlm"'),
    ('stop_after = "data"',
     f'profile "Acme relay": stop_after must be one of {", ".join(STOP_AFTER)}, got "data"'),
    ("timeout = 0",
     'profile "Acme relay": timeout must be a number of seconds > 0 and <= 600, got 0'),
    ("timeout = 601.5",
     'profile "Acme relay": timeout must be a number of seconds > 0 and <= 600, got 601.5'),
    ('insecure = "yes"', 'profile "Acme relay": insecure must be true or false, got "yes"'),
    ('to = "a@b.example"',
     'profile "Acme relay": to must be a list of strings, got "a@b.example"'),
    ('to = ["a@b.example", 5]',
     'profile "Acme relay": to must be a list of non-empty strings, got an item 5'),
    ('from = "a@b\\r\\nRSET"',
     'profile "Acme relay": from must not contain control characters, got "a@b\\x0d\\x0aRSET"'),
    ("username = 12", 'profile "Acme relay": username must be a string, got 12'),
    ('ehlo = "my host"',
     'profile "Acme relay": ehlo must be a host name or address without spaces, '
     'got "my host"'),
    ("send = true", 'profile "Acme relay": send = true needs from and to'),
    ("password = 123456",
     'profile "Acme relay": password must be a string or a table like { env = "VAR" } '
     "(env, command, keyring, prompt, oauth), got an integer"),
    ('password = ""', 'profile "Acme relay": password must not be empty (leave it out for none)'),
    ('password = { env = "A", command = "b" }',
     'profile "Acme relay": password must have exactly one of env, command, keyring, prompt, '
     "oauth, got env, command"),
    ("password = {}",
     'profile "Acme relay": password must have exactly one of env, command, keyring, prompt, '
     "oauth, got none"),
    ('password = { vault = "x" }',
     'profile "Acme relay": password has unknown key "vault"; '
     "allowed: env, command, keyring, prompt, oauth"),
    ('password = { env = "1BAD" }',
     'profile "Acme relay": password.env must be an environment variable name '
     "(letters, digits and _, not starting with a digit)"),
    ('password = { command = "pass \'show" }',
     'profile "Acme relay": password.command is not a valid command line '
     "(No closing quotation)"),
    ('password = { command = "  " }',
     'profile "Acme relay": password.command must be a non-empty string '
     "without control characters"),
    ('password = { command = "x", timeout = -1 }',
     'profile "Acme relay": password.timeout must be a number of seconds > 0 and <= 600, '
     "got -1"),
    ('password = { env = "X", timeout = 5 }',
     'profile "Acme relay": password.timeout applies only to { command = ... }'),
    ("password = { prompt = false }", 'profile "Acme relay": password.prompt must be true'),
    ("oauth_token = { keyring = 5 }",
     'profile "Acme relay": oauth_token.keyring must be a non-empty string '
     "without control characters"),
])
def test_each_field_problem_is_named_and_explained(fields: str, expected: str) -> None:
    assert _one(fields) == expected


def test_host_and_name_are_required_and_problems_are_all_collected() -> None:
    problems = _problems('''
[[profile]]
host = "a.example"
[[profile]]
name = "Bravo"
port = 99999
tls = "nope"
[[profile]]
name = "Bravo"
host = "b c"
[[profile]]
name = "  "
host = "d.example"
''')
    assert problems == [
        "profile #1: name is required",
        'profile "Bravo": port must be 1-65535, got 99999',
        'profile "Bravo": tls must be one of starttls, implicit, none, opportunistic, got "nope"',
        'profile "Bravo": host is required',
        "profile \"Bravo\": host 'b c' is not a host name or IP address (it has a space)",
        'profile "Bravo": name is used more than once (profiles #2 and #3)',
        "profile #4: name must not be empty",
    ]


def test_error_message_is_one_line_joining_every_problem() -> None:
    with pytest.raises(ProfilesError) as info:
        parse(GOOD + "port = 70000\ntimeout = 0\n", Path("/x/p.toml"))
    assert isinstance(info.value, UsageError)
    message = str(info.value)
    assert "\n" not in message
    assert message == "/x/p.toml: " + "; ".join(info.value.problems)
    assert len(info.value.problems) == 2


def test_secret_values_are_never_echoed_in_problems() -> None:
    canary = "Sup3r-S3cret-Canary"
    problems = _problems(GOOD + f'password = {{ env = "{canary} x" }}\n'
                         f'oauth_token = {{ prompt = "{canary}" }}\n')
    assert len(problems) == 2
    assert not any(canary in p for p in problems)


@pytest.mark.parametrize(("text", "expected"), [
    ("defaults = 3\n", "defaults must be a table ([defaults]), got an integer"),
    ('[defaults]\nname = "x"\n', "[defaults]: name cannot have a default"),
    ("[defaults]\nport = -1\n", "[defaults]: port must be 1-65535, got -1"),
    ('[profile]\nname = "x"\n',
     "profile must be an array of tables: write [[profile]], not [profile]"),
    ('profile = "x"\n', 'profile must be an array of tables ([[profile]]), got a string'),
    ("profile = [1]\n", "profile #1: must be a table ([[profile]]), got an integer"),
])
def test_document_level_problems(text: str, expected: str) -> None:
    assert _problems(text) == [expected]


def test_a_bad_default_is_reported_once_not_per_profile() -> None:
    problems = _problems('[defaults]\ntimeout = 0\n' + GOOD + GOOD.replace("Acme", "Beta"))
    assert problems == [
        "[defaults]: timeout must be a number of seconds > 0 and <= 600, got 0"]


@pytest.mark.parametrize(("text", "line", "column"), [
    ('[[profile]]\nname = "x"\nhost = \n', 3, 8),
    ('[[profile]]\nname = "x\n', 2, 10),
    ('[[profile]]\nname = "x"\nname = "y"\n', 3, 11),
])
def test_syntax_error_names_file_line_and_column(tmp_path: Path, text: str, line: int,
                                                 column: int) -> None:
    path = tmp_path / "profiles.toml"
    path.write_text(text)
    with pytest.raises(ProfilesError) as info:
        load(path)
    message = str(info.value)
    assert message.startswith(f"{path}: line {line}, column {column}: ")
    assert "\n" not in message


def test_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(ProfilesError, match="no such file"):
        load(tmp_path / "missing.toml")
    with pytest.raises(ProfilesError, match="cannot read: Is a directory"):
        load(tmp_path)
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'# caf\xe9\n')
    with pytest.raises(ProfilesError, match=r"not valid UTF-8 \(byte 5\)"):
        load(bad)


def test_unknown_keys_are_warnings_not_errors() -> None:
    pf = parse('colour = "blue"\n[defaults]\nfoo = 1\n' + GOOD + 'passwrod = "x"\n',
               Path("p.toml"))
    assert pf.warnings == [
        'unknown top-level key "colour" (kept as is)',
        '[defaults]: unknown key "foo" (kept as is)',
        'profile "Acme relay": unknown key "passwrod" (kept as is)',
    ]
    assert pf.profiles[0].extra == {"passwrod": "x"}


def test_unknown_preset_is_a_warning() -> None:
    pf = parse(GOOD + 'preset = "carrier-pigeon"\n', Path("p.toml"))
    assert len(pf.warnings) == 1
    assert pf.warnings[0].startswith('profile "Acme relay": unknown preset "carrier-pigeon"')


@pytest.mark.parametrize(("key", "meant"), [
    ("profiles", "[[profile]]"), ("Profile", "[[profile]]"), ("default", "[defaults]"),
])
def test_a_misspelt_top_level_table_is_an_error_not_an_empty_file(key: str,
                                                                  meant: str) -> None:
    text = f'[[{key}]]\nname = "Acme relay"\nhost = "smtp.acme.test"\n'
    with pytest.raises(ProfilesError) as info:
        parse(text, Path("p.toml"))
    assert f'unknown top-level key "{key}": did you mean {meant}?' in info.value.problems


def test_other_unknown_top_level_keys_are_kept_with_a_warning() -> None:
    pf = parse('x_team = "ops"\n[[profile]]\nname = "A"\nhost = "smtp.a.test"\n', Path("p.toml"))
    assert pf.extra == {"x_team": "ops"}
    assert pf.warnings == ['unknown top-level key "x_team" (kept as is)']
