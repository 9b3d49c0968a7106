"""Pure pieces of the exporter and the watch: --listen, the web config's hashes,
bounded labels, the terminal notification."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from smtptui.commands.exporter import parse_listen
from smtptui.errors import UsageError
from smtptui.exporter import labels
from smtptui.exporter.webconfig import load_web_config
from smtptui.watch.notify import terminal_notification


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1:9525", ("127.0.0.1", 9525, True)),
    ("[::1]:9525", ("::1", 9525, True)),
    ("localhost:1", ("localhost", 1, True)),
    ("127.8.9.10:80", ("127.8.9.10", 80, True)),
    (":9525", ("", 9525, False)),
    ("0.0.0.0:9525", ("0.0.0.0", 9525, False)),
    ("[::]:9525", ("::", 9525, False)),
    ("exporter.example:9525", ("exporter.example", 9525, False)),
])
def test_listen_addresses(text: str, expected: tuple[str, int, bool]) -> None:
    assert parse_listen(text) == expected


@pytest.mark.parametrize("text", ["9525", "host:", "host:99999", "host:x"])
def test_bad_listen_addresses(text: str) -> None:
    with pytest.raises(UsageError):
        parse_listen(text)


def test_basic_auth_accepts_htpasswd_2y_hashes_and_nothing_else(tmp_path: Path) -> None:
    import bcrypt

    hashed = bcrypt.hashpw(b"s3cret", bcrypt.gensalt(4)).decode().replace("$2b$", "$2y$", 1)
    (tmp_path / "web.yml").write_text(f"basic_auth_users:\n  prom: '{hashed}'\n")
    web = load_web_config(tmp_path / "web.yml")

    def header(user: str, password: str) -> str:
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    assert web.authorised(header("prom", "s3cret"))
    assert web.authorised(header("prom", "s3cret"))  # remembered
    assert not web.authorised(header("prom", "S3cret"))
    assert not web.authorised(header("other", "s3cret"))
    assert not web.authorised("Basic not-base64!")
    assert not web.authorised("Bearer x")
    assert not web.authorised(None)


def test_labels_are_bounded() -> None:
    assert labels.mechanism("plain") == "PLAIN"
    assert labels.mechanism("X-EVIL-{}") == "other"
    assert labels.tls_version("TLSv1.3") == "TLSv1.3"
    assert labels.tls_version("TLSv9 \"quoted\"") == "other"
    assert labels.diagnosis_kind("auth_failed") == "auth_failed"
    assert labels.diagnosis_kind("") == "reply"
    assert labels.diagnosis_kind("made-up") == "other"


def test_a_notification_cannot_smuggle_escape_sequences() -> None:
    text = terminal_notification("smtptui: relay pass -> fail",
                                 "535 \x1b]52;c;ZXZpbA==\x07 bad; worse\\")
    assert text.startswith("\a\x1b]777;notify;smtptui: relay pass -> fail;")
    body = text[1:]
    # Exactly the two sequences we meant, each ended by ST; nothing from the body.
    assert body.count("\x1b") == 4 and "\x07" not in body
    assert "bad, worse/" in body
    wrapped = terminal_notification("t", "b", tmux=True)
    assert wrapped == ("\a\x1bPtmux;\x1b\x1b]777;notify;t;b\x07\x1b\\"
                       "\x1bPtmux;\x1b\x1b]9;t: b\x07\x1b\\")
