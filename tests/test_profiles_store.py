"""The profiles store never loses data: round-trips, atomic saves, locks, conflicts, modes."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from smtptui.probe.config import Secret
from smtptui.profiles import (
    CommandSource,
    EnvSource,
    KeyringSource,
    LiteralSource,
    Profile,
    ProfileFile,
    ProfilesError,
    PromptSource,
    default_path,
    load,
    load_or_empty,
    modify,
    resolve_path,
)
from smtptui.profiles.atomic import lock_path

DOC = '''\
schema_version = 3                        # a key from a newer smtptui
[ui]
theme = "dark"

[defaults]
timeout = 12
auth = "plain"
from = "ops@msp.example"
colour = "green"

[[profile]]
name = "Acme relay"
client = "Acme"
host = "smtp.acme.example"
port = 465
tls = "implicit"
username = "ops@acme.example"
password = { env = "ACME_PW" }
auth = "auto"                             # overrides [defaults] back to the built-in
to = ["seed@acme.example"]
x_custom = { nested = [1, 2], deep = { a = "b" } }

[[profile]]
name = "Beta"
client = "Beta Ltd"
host = "mail.beta.example"
oauth_token = { command = "token --for beta", timeout = 3 }
password = { keyring = "beta" }
dkim_selectors = ["s1"]

[[profile]]
name = "Lab"
host = "127.0.0.1"
port = 2525
tls = "none"
password = { prompt = true }
allow_plaintext_auth = true
timeout = 12
'''


@pytest.fixture
def doc(tmp_path: Path) -> Path:
    path = tmp_path / "profiles.toml"
    path.write_text(DOC)
    path.chmod(0o600)
    return path


def _tables(path: Path) -> list[dict[str, object]]:
    return list(tomllib.loads(path.read_text())["profile"])


def test_load_applies_defaults_with_profile_values_winning(doc: Path) -> None:
    pf = load(doc)
    acme, beta, lab = pf.profiles
    assert (acme.auth, acme.timeout, acme.mail_from, acme.port) == (
        "auto", 12.0, "ops@msp.example", 465)
    assert (beta.auth, beta.port, beta.tls) == ("plain", 587, "starttls")
    assert acme.password == EnvSource("ACME_PW")
    assert beta.oauth_token == CommandSource("token --for beta", 3.0)
    assert beta.password == KeyringSource("beta")
    assert lab.password == PromptSource()
    assert acme.rcpt_to == ("seed@acme.example",)
    assert pf.defaults["colour"] == "green"


def test_round_trip_keeps_everything_including_unknown_keys(doc: Path) -> None:
    first = load(doc)
    first.save()
    second = load(doc)
    assert second.profiles == first.profiles
    assert second.defaults == first.defaults
    assert second.extra == first.extra == {"schema_version": 3, "ui": {"theme": "dark"}}
    assert second.profiles[0].extra == {"x_custom": {"nested": [1, 2], "deep": {"a": "b"}}}
    # What each profile inherits stays inherited; what it set stays set (even if redundant).
    acme, beta, lab = _tables(doc)
    assert acme["auth"] == "auto" and "timeout" not in acme and "from" not in acme
    assert "auth" not in beta and "port" not in beta and "tls" not in beta
    assert lab["timeout"] == 12
    assert doc.with_name("profiles.toml.bak").read_text() == DOC


def test_secret_tables_are_written_inline(doc: Path) -> None:
    pf = load(doc)  # a save edits only what changed: change the secrets to rewrite them
    pf.replace("Acme relay", replace(pf.get("Acme relay"), password=EnvSource("ACME_PW2")))
    pf.replace("Beta", replace(pf.get("Beta"),
                               oauth_token=CommandSource("token --for beta", 4.0)))
    pf.save()
    text = doc.read_text()
    assert 'password = { env = "ACME_PW2" }' in text
    assert 'oauth_token = { command = "token --for beta", timeout = 4.0 }' in text
    assert "[profile.password]" not in text and "[profile.oauth_token]" not in text


def test_new_profile_inherits_defaults_and_round_trips(doc: Path) -> None:
    pf = load(doc)
    new = pf.new_profile(name="New", client="Acme", host="n.example",
                         password=LiteralSource(Secret("pw")), rcpt_to=("a@b.example",))
    assert (new.auth, new.timeout, new.mail_from) == ("plain", 12.0, "ops@msp.example")
    pf.add(new)
    pf.save()
    table = _tables(doc)[-1]
    assert table == {"name": "New", "client": "Acme", "host": "n.example", "port": 587,
                     "tls": "starttls", "password": "pw", "to": ["a@b.example"]}
    assert load(doc).get("New") == new
    # A profile built without the defaults pins the built-in values it differs in.
    pf = load(doc)
    pf.add(Profile(name="Pinned", host="p.example"))
    pf.save()
    assert _tables(doc)[-1] == {"name": "Pinned", "host": "p.example", "port": 587,
                                "tls": "starttls", "auth": "auto", "timeout": 30}


def test_edits_add_replace_remove(doc: Path) -> None:
    pf = load(doc)
    with pytest.raises(ProfilesError, match='a profile named "Lab" already exists'):
        pf.add(Profile(name="Lab", host="x.example"))
    with pytest.raises(ProfilesError, match='profile "Bad": port must be 1-65535, got 0'):
        pf.add(Profile(name="Bad", host="x.example", port=0))
    with pytest.raises(ProfilesError, match='a profile named "Beta" already exists'):
        pf.replace("Lab", Profile(name="Beta", host="x.example"))
    pf.replace("Lab", replace(pf.get("Lab"), name="Lab 2", port=2526))
    removed = pf.remove("Beta")
    assert removed.name == "Beta"
    pf.save()
    again = load(doc)
    assert again.names() == ["Acme relay", "Lab 2"]
    assert again.get("Lab 2").port == 2526
    with pytest.raises(ProfilesError) as info:
        again.get("Nope")
    assert str(info.value) == 'unknown profile "Nope" (known: Acme relay, Lab 2)'
    with pytest.raises(ProfilesError) as info:
        again.get("Acme rellay")  # a typo gets a suggestion
    assert str(info.value) == ('unknown profile "Acme rellay": did you mean "Acme relay"? '
                               '(known: Acme relay, Lab 2)')


def test_clients_groups_and_sorts_with_no_client_last(tmp_path: Path) -> None:
    pf = ProfileFile(tmp_path / "p.toml")
    for name, client in [("z", "beta"), ("b", ""), ("a", "Acme"), ("Y", "beta"), ("c", "")]:
        pf.add(Profile(name=name, client=client, host="h.example"))
    groups = pf.clients()
    assert list(groups) == ["Acme", "beta", ""]
    assert [p.name for p in groups["beta"]] == ["Y", "z"]
    assert [p.name for p in groups[""]] == ["b", "c"]


def test_new_file_is_created_0600_in_a_new_directory(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "profiles.toml"
    pf = load_or_empty(path)
    assert pf.profiles == [] and pf.path == path
    pf.add(Profile(name="a", host="a.example"))
    pf.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not path.with_name("profiles.toml.bak").exists()
    assert load(path).names() == ["a"]
    pf.add(Profile(name="b", host="b.example"))
    pf.save()  # the same object saves again: its fingerprint follows its own writes
    assert load(path).names() == ["a", "b"]
    assert load(path.with_name("profiles.toml.bak")).names() == ["a"]


def test_existing_mode_is_kept_and_backup_is_private(doc: Path) -> None:
    doc.chmod(0o640)
    load(doc).save()
    assert stat.S_IMODE(doc.stat().st_mode) == 0o640
    assert stat.S_IMODE(doc.with_name("profiles.toml.bak").stat().st_mode) == 0o600


def test_interrupted_save_leaves_old_file_intact_and_no_temp_file(
        doc: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pf = load(doc)
    pf.remove("Beta")
    real_replace = os.replace

    def crash_on_final_rename(src: str, dst: str | Path) -> None:
        if Path(dst) == doc:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", crash_on_final_rename)
    with pytest.raises(ProfilesError, match="cannot write: No space left on device"):
        pf.save()
    assert doc.read_text() == DOC
    leftovers = sorted(p.name for p in doc.parent.iterdir())
    assert leftovers == [".profiles.toml.lock", "profiles.toml", "profiles.toml.bak"]


def test_save_refuses_to_overwrite_a_file_changed_since_it_was_read(doc: Path) -> None:
    pf = load(doc)
    pf.remove("Lab")
    outside = DOC.replace('name = "Beta"', 'name = "Beta (edited elsewhere)"')
    doc.write_text(outside)  # same size class, different content
    with pytest.raises(ProfilesError, match="changed by another program since it was read"):
        pf.save()
    assert doc.read_text() == outside


def test_save_refuses_when_the_file_appeared_after_an_empty_read(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    pf = load_or_empty(path)
    path.write_text('[[profile]]\nname = "theirs"\nhost = "t.example"\n')
    pf.add(Profile(name="mine", host="m.example"))
    with pytest.raises(ProfilesError, match="changed by another program"):
        pf.save()
    assert load(path).names() == ["theirs"]


def test_same_size_same_mtime_edit_is_still_detected(doc: Path) -> None:
    pf = load(doc)
    before = doc.stat()
    doc.write_text(DOC.replace("Acme relay", "Acme relaY"))
    os.utime(doc, ns=(before.st_atime_ns, before.st_mtime_ns))
    with pytest.raises(ProfilesError, match="changed by another program"):
        pf.save()


def test_modify_sees_changes_made_after_our_read(doc: Path) -> None:
    stale = load(doc)
    modify(doc, lambda pf: pf.add(Profile(name="first", host="f.example")))
    result = modify(doc, lambda pf: pf.add(Profile(name="second", host="s.example")))
    assert result.names()[-2:] == ["first", "second"]
    with pytest.raises(ProfilesError, match="changed by another program"):
        stale.save()


def test_modify_refuses_to_edit_an_invalid_file(doc: Path) -> None:
    doc.write_text(DOC + "port = \n")
    with pytest.raises(ProfilesError, match="line"):
        modify(doc, lambda pf: pf.add(Profile(name="x", host="x.example")))
    assert doc.read_text() == DOC + "port = \n"


WRITER = '''
import sys
from pathlib import Path
from smtptui.profiles import Profile, modify

path, tag, count = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
print("ready", flush=True)
sys.stdin.readline()
for i in range(count):
    modify(path, lambda pf: pf.add(Profile(name=f"{tag}-{i}", host=f"{tag}.example")))
print("done", flush=True)
'''


def test_two_processes_adding_at_once_lose_nothing(doc: Path) -> None:
    count = 25
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(doc), tag, str(count)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
             for tag in ("left", "right")]
    for proc in procs:  # both started and waiting: release them together
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    for proc in procs:
        assert proc.stdin is not None
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    names = load(doc).names()
    expected = {f"{tag}-{i}" for tag in ("left", "right") for i in range(count)}
    assert expected <= set(names)
    assert len(names) == len(set(names)) == 3 + 2 * count


def test_plain_text_password_warns_and_asks_for_chmod_when_readable(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[[profile]]\nname = "Lab"\nhost = "l.example"\npassword = "hunter2"\n')
    path.chmod(0o644)
    warnings = load(path).warnings
    assert warnings == [
        'profile "Lab": password stored in plain text in the file',
        f"{path} holds plain-text passwords and is readable by others (mode 0644); "
        f"run: chmod 600 {path}",
    ]
    assert not any("hunter2" in w for w in warnings)
    path.chmod(0o600)
    assert load(path).warnings == ['profile "Lab": password stored in plain text in the file']


def test_no_permission_warning_without_literal_secrets(doc: Path) -> None:
    doc.chmod(0o644)
    assert load(doc).warnings == [
        'unknown top-level key "schema_version" (kept as is)',
        'unknown top-level key "ui" (kept as is)',
        '[defaults]: unknown key "colour" (kept as is)',
        'profile "Acme relay": unknown key "x_custom" (kept as is)',
    ]


def test_literal_secret_in_defaults_warns(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[defaults]\noauth_token = "tok"\n[[profile]]\nname = "a"\nhost = "h"\n')
    path.chmod(0o604)
    warnings = load(path).warnings
    assert warnings[0] == "[defaults]: oauth_token stored in plain text in the file"
    assert "chmod 600" in warnings[1]


def test_reprs_never_show_secret_values(tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text('[defaults]\npassword = "canary-1"\n[[profile]]\nname = "a"\nhost = "h"\n'
                    'api_key = "canary-2"\n')
    pf = load(path)
    assert "canary" not in repr(pf)
    assert "canary" not in repr(pf.profiles[0])
    assert "canary" not in repr(pf.profiles[0].to_probe_config())


def test_symlinked_file_is_updated_through_the_link(doc: Path, tmp_path: Path) -> None:
    link = tmp_path / "link.toml"
    link.symlink_to(doc)
    pf = load(link)
    pf.remove("Lab")
    pf.save()
    assert link.is_symlink()
    assert load(doc).names() == ["Acme relay", "Beta"]
    assert lock_path(link) == lock_path(doc)


def test_paths_cli_value_then_env_then_config_dir(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMTPTUI_PROFILES", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_path() == tmp_path / "cfg" / "smtptui" / "profiles.toml"
    monkeypatch.setenv("SMTPTUI_PROFILES", str(tmp_path / "env.toml"))
    assert default_path() == tmp_path / "env.toml"
    assert resolve_path(None) == tmp_path / "env.toml"
    assert resolve_path(str(tmp_path / "cli.toml")) == tmp_path / "cli.toml"
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_path("~/x.toml") == tmp_path / "x.toml"


@pytest.mark.parametrize("where", ["read-only folder", "folder is a file"])
def test_an_unusable_lock_file_is_a_one_line_profiles_error(
        where: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if where == "folder is a file":
        (tmp_path / "afile").write_text("")
        path = tmp_path / "afile" / "p.toml"  # NotADirectoryError, even for root
    else:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o500)
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: a read-only folder is still writable")
        path = folder / "p.toml"
    with pytest.raises(ProfilesError) as caught:
        modify(path, lambda pf: pf.add(Profile(name="x", host="h.example")))
    message = str(caught.value)
    assert message.startswith(f"{path}: cannot write: lock file {lock_path(path)}: ")
    assert "\n" not in message and not path.exists()
    from smtptui import cli

    assert cli.main(["profiles", "add", "x", "--host", "h.example",
                     "--profiles", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"smtptui: {path}: ") and err.count("\n") == 1, err
    assert "internal error" not in err
