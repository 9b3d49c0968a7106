"""Provider presets produce valid profiles; the shipped example file loads."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from smtptui.probe.config import TLS_MODES
from smtptui.profiles import PRESETS, ProfileFile, ProfilesError, load
from smtptui.profiles.schema import validate_profile

EXAMPLE = Path(__file__).resolve().parent.parent / "profiles.example.toml"
DESIGN_TEN = {"gmail", "microsoft365", "outlook", "sendgrid", "mailgun", "postmark", "ses",
              "zoho", "icloud", "yahoo"}


def test_the_ten_design_presets_exist_and_are_complete() -> None:
    assert DESIGN_TEN <= set(PRESETS)
    for key, preset in PRESETS.items():
        assert preset.key == key
        assert preset.label and preset.username_hint and preset.note
        assert preset.tls in TLS_MODES and 1 <= preset.port <= 65535


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_every_preset_makes_a_valid_profile_that_round_trips(key: str, tmp_path: Path) -> None:
    preset = PRESETS[key]
    region = "eu-west-1" if preset.needs_region else None
    profile = preset.to_profile(f"{key} relay", client="Acme", region=region)
    assert validate_profile(profile) == []
    assert (profile.port, profile.tls, profile.preset) == (preset.port, preset.tls, key)
    pf = ProfileFile(tmp_path / "p.toml")
    pf.add(profile)
    pf.save()
    assert load(pf.path).profiles == [profile]


def test_ses_needs_and_checks_a_region() -> None:
    ses = PRESETS["ses"]
    assert "region" in ses.note
    assert ses.to_profile("s", region="us-east-1").host == "email-smtp.us-east-1.amazonaws.com"
    with pytest.raises(ProfilesError, match='preset "ses" needs a region, e.g. us-east-1'):
        ses.to_profile("s")
    with pytest.raises(ProfilesError, match="region must look like us-east-1"):
        ses.to_profile("s", region="evil.example/x")
    assert ses.to_profile("s", host="vpce.example").host == "vpce.example"


def test_fixed_usernames_and_overrides() -> None:
    assert PRESETS["sendgrid"].to_profile("sg").username == "apikey"
    gmail = PRESETS["gmail"].to_profile("g", username="me@gmail.example", timeout=5.0)
    assert (gmail.username, gmail.timeout, gmail.host) == ("me@gmail.example", 5.0,
                                                           "smtp.gmail.com")
    assert "app password" in PRESETS["gmail"].note


def test_example_file_loads_and_shows_every_mode_and_source() -> None:
    pf = load(EXAMPLE)
    assert len(pf.clients()) >= 3
    assert {p.tls for p in pf.profiles} == set(TLS_MODES)
    kinds = {type(s).__name__ for p in pf.profiles for s in (p.password, p.oauth_token) if s}
    assert kinds == {"EnvSource", "CommandSource", "KeyringSource", "PromptSource",
                     "LiteralSource", "OAuthSource"}
    assert any("plain text" in w for w in pf.warnings)
    text = EXAMPLE.read_text()
    assert "only the lines that\n# changed are edited" in text
    assert text.count("#") > 40  # heavily commented
    tomllib.loads(text)
