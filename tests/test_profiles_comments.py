"""Saving a hand-written profiles file edits it in place: comments and layout survive.

Every expected text here is the input with the lines the change touches edited by hand.
Choice (documented in smtptui/profiles/patch.py): an inline comment belongs to its key, so
it stays on the line when the value changes, and goes only when the key goes.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import smtptui.profiles as profiles_package
from smtptui.profiles import (
    CommandSource,
    EnvSource,
    KeyringSource,
    Profile,
    ProfileFile,
    load,
    modify,
    writer,
)
from smtptui.profiles import patch as patching
from smtptui.profiles.store import as_dict

EXAMPLE = Path(__file__).resolve().parent.parent / "profiles.example.toml"

DOC = '''\
# smtptui profiles for the ACME MSP
# maintained by ops: edit by hand or with smtptui

schema_version = 3   # from a newer smtptui

[ui]                 # an unknown table
theme = "dark"

[defaults]           # applies to every profile
timeout = 20         # seconds
from = "monitor@msp.example"

# ------------------------------------------------ client: Acme

[[profile]]          # the main relay
name = "Acme relay"
client = "Acme"
host = "smtp.acme.example"   # their MX
port = 465                   # implicit TLS
tls = "implicit"
# username changed 2024-05
username = "ops@acme.example"
password = { env = "ACME_PW" }   # set in ~/.profile
cafile = "/etc/ssl/acme.pem"
x_ticket = "OPS-1234"        # unknown key, kept

# Acme's backup relay
[[profile]]
name = "Acme backup"
client = "Acme"
host = "backup.acme.example"
password.env = "ACME_BACKUP_PW"  # dotted key

[[profile]]
name = "Beta"
client = "Beta"
host = "mail.beta.example"

[profile.password]           # sub-table syntax
command = "pass show beta"   # from pass
timeout = 5

# ------------------------------------------------ lab
[[profile]]
name = "Lab"
host = "127.0.0.1"
port = 2525
tls = "none"
# port = 25   (once the lab has a real MTA)

# end of file
'''

LAB_BLOCK = ('[[profile]]\nname = "Lab"\nhost = "127.0.0.1"\nport = 2525\ntls = "none"\n'
             '# port = 25   (once the lab has a real MTA)\n')
Edit = Callable[[ProfileFile], object]


@pytest.fixture
def path(tmp_path: Path) -> Path:
    target = tmp_path / "profiles.toml"
    target.write_text(DOC)
    target.chmod(0o600)
    return target


def edit(who: str, /, **changes: Any) -> Edit:
    return lambda pf: pf.replace(who, replace(pf.get(who), **changes))


def saved(path: Path, change: Edit) -> str:
    """Load ``path``, apply ``change``, save; the new text (checked to read back right)."""
    pf = load(path)
    change(pf)
    pf.save()
    text = path.read_bytes().decode()
    assert pf.rewrite_reason is None
    assert tomllib.loads(text) == as_dict(pf)  # the document the full rewrite would give
    return text


def one(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_save_without_changes_keeps_the_file_byte_for_byte(path: Path) -> None:
    assert saved(path, lambda pf: None) == DOC
    assert path.with_name("profiles.toml.bak").read_text() == DOC


def test_an_edit_changes_only_the_lines_of_the_keys_that_changed(path: Path) -> None:
    text = saved(path, edit("Acme relay", port=587, tls="starttls", cafile=None,
                            servername="mx.acme.example", username="ops@acme.example"))
    expected = one(DOC, "port = 465                   # implicit TLS",
                   "port = 587                   # implicit TLS")  # comment stays on the line
    expected = one(expected, 'tls = "implicit"', 'tls = "starttls"')
    expected = one(expected, 'cafile = "/etc/ssl/acme.pem"\n', "")  # no longer written
    expected = one(expected, 'x_ticket = "OPS-1234"        # unknown key, kept\n',
                   'x_ticket = "OPS-1234"        # unknown key, kept\n'
                   'servername = "mx.acme.example"\n')  # new keys: after the last key
    assert text == expected


def test_a_rename_keeps_the_table_in_place(path: Path) -> None:
    assert saved(path, edit("Lab", name="Lab 2")) == one(DOC, 'name = "Lab"', 'name = "Lab 2"')
    assert load(path).names() == ["Acme relay", "Acme backup", "Beta", "Lab 2"]


def test_secrets_stay_in_the_form_they_were_written_in(path: Path) -> None:
    text = saved(path, lambda pf: (
        edit("Acme relay", password=KeyringSource("acme"))(pf),
        edit("Acme backup", password=EnvSource("OTHER_PW"))(pf),
        edit("Beta", password=CommandSource("pass show beta2", 5.0))(pf)))
    expected = one(DOC, 'password = { env = "ACME_PW" }   # set in ~/.profile',
                   'password = { keyring = "acme" }   # set in ~/.profile')
    expected = one(expected, 'password.env = "ACME_BACKUP_PW"', 'password.env = "OTHER_PW"')
    expected = one(expected, 'command = "pass show beta"', 'command = "pass show beta2"')
    assert text == expected


def test_a_sub_table_changes_key_by_key_and_goes_without_its_neighbours(path: Path) -> None:
    text = saved(path, edit("Beta", password=EnvSource("BETA_PW")))
    assert text == one(DOC, 'command = "pass show beta"   # from pass\ntimeout = 5\n',
                       'env = "BETA_PW"\n')
    path.write_text(DOC)
    text = saved(path, edit("Beta", password=None))
    assert text == one(DOC, '[profile.password]           # sub-table syntax\n'
                            'command = "pass show beta"   # from pass\ntimeout = 5\n\n', "")


def test_a_removed_profile_takes_its_lines_and_leaves_its_neighbours_comments(
        path: Path) -> None:
    text = saved(path, lambda pf: pf.remove("Acme backup"))
    assert text == one(DOC, '[[profile]]\nname = "Acme backup"\nclient = "Acme"\n'
                            'host = "backup.acme.example"\n'
                            'password.env = "ACME_BACKUP_PW"  # dotted key\n', "")
    path.write_text(DOC)  # the last one: a comment right below its keys is its own
    assert saved(path, lambda pf: pf.remove("Lab")) == one(DOC, LAB_BLOCK, "")
    path.write_text(DOC)  # the first one: the comment above it stays, one blank line goes
    text = saved(path, lambda pf: pf.remove("Acme relay"))
    first = DOC.index("[[profile]]          # the main relay")
    assert text == DOC[:first] + DOC[DOC.index("# Acme's backup relay"):]


def test_a_new_profile_goes_after_the_last_and_before_the_closing_comments(
        path: Path) -> None:
    pf = load(path)
    new = pf.new_profile(name="New", host="n.example", password=EnvSource("NEW_PW"))
    text = saved(path, lambda pf: pf.add(new))
    table = as_dict(load(path))["profile"][-1]
    assert table["name"] == "New" and "timeout" not in table  # inherited, not pinned
    assert text == one(DOC, LAB_BLOCK, LAB_BLOCK + "\n" + writer.profile_text(table))
    assert 'password = { env = "NEW_PW" }\n' in text


def test_edits_of_every_kind_at_once_keep_every_other_comment(path: Path) -> None:
    def change(pf: ProfileFile) -> None:
        edit("Acme relay", name="Acme primary", port=2465)(pf)
        pf.remove("Beta")
        pf.add(Profile(name="New", host="n.example"))

    text = saved(path, change)
    gone = {"# sub-table syntax", "# from pass"}  # Beta's own lines
    for line in DOC.splitlines():
        comment = line[line.index("#"):] if "#" in line else None
        if comment and comment not in gone:
            assert comment in text, comment
    assert "# from pass" not in text
    assert load(path).names() == ["Acme primary", "Acme backup", "Lab", "New"]


def test_an_untouched_profile_is_byte_identical_in_a_big_file(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    blocks = [f'# relay {i}\n[[profile]]\nname = "r{i}"   # #{i}\nhost = "h{i}.example"\n'
              for i in range(60)]
    path.write_text("\n".join(blocks))
    text = saved(path, lambda pf: (edit("r30", port=25)(pf), pf.remove("r45")))
    expected = blocks[:30] + [blocks[30] + "port = 25\n"] + blocks[31:45] + [
        "# relay 45\n"] + blocks[46:]
    assert text == "\n".join(expected)


def test_a_crlf_file_stays_crlf(path: Path) -> None:
    path.write_bytes(DOC.replace("\n", "\r\n").encode())
    def change(pf: ProfileFile) -> None:
        edit("Lab", port=2526)(pf)
        pf.add(Profile(name="New", host="n.example"))

    text = saved(path, change)
    assert "\n" not in text.replace("\r\n", "")
    lab = text.index('name = "Lab"')
    assert text[:lab] == DOC.replace("\n", "\r\n")[:lab]
    assert "port = 2526\r\n" in text and 'name = "New"\r\n' in text


def test_the_commented_example_file_survives_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "profiles.toml"
    original = EXAMPLE.read_text()
    path.write_text(original)
    pf = load(path)
    name = pf.profiles[-1].name
    text = saved(path, edit(name, port=2600))
    changed = [(a, b) for a, b in zip(original.splitlines(), text.splitlines(), strict=True)
               if a != b]
    assert len(changed) == 1 and "2600" in changed[0][1]


def test_without_tomlkit_the_file_is_rewritten_in_full(path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "smtptui.profiles.patch", None)  # import fails
    monkeypatch.delattr(profiles_package, "patch")
    pf = load(path)
    pf.remove("Beta")
    pf.save()
    assert pf.rewrite_reason == "tomlkit is not installed"
    assert path.read_text() == pf.to_toml() and "#" not in path.read_text()
    assert load(path).names() == ["Acme relay", "Acme backup", "Lab"]


SPLIT = ('# c\n[[profile]]\nname = "a"\nhost = "a"\n[ui]\nx = 1\n'
         '[[profile]]\nname = "b"\nhost = "b"\n')


@pytest.mark.parametrize(("text", "change"), [
    # edited together, tomlkit would move [[profile]] "b" above [ui]
    (SPLIT, lambda pf: (edit("a", port=25)(pf), edit("b", port=26)(pf))),
    (SPLIT.replace("[ui]\nx = 1\n", ""), lambda pf: pf.profiles.reverse()),
], ids=["profiles split by another table", "profiles reordered by hand"])
def test_what_cannot_be_edited_in_place_is_rewritten_and_says_why(
        tmp_path: Path, text: str, change: Edit) -> None:
    path = tmp_path / "p.toml"
    path.write_text(text)
    pf = load(path)
    change(pf)
    pf.save()
    assert pf.rewrite_reason is not None and "cannot edit the file in place" in pf.rewrite_reason
    assert path.read_text() == pf.to_toml()
    assert load(path).profiles == pf.profiles


def test_profiles_split_by_another_table_still_take_a_new_one_in_place(
        tmp_path: Path) -> None:
    path = tmp_path / "p.toml"
    path.write_text(SPLIT)
    new = Profile(name="c", host="c.example")
    text = saved(path, lambda pf: pf.add(new))
    assert text == SPLIT + "\n" + writer.profile_text(ProfileFile(path)._table(new))


def test_a_second_save_of_the_same_object_edits_what_the_first_wrote(path: Path) -> None:
    pf = load(path)
    pf.add(Profile(name="New", host="n.example"))
    pf.save()
    pf.replace("New", replace(pf.get("New"), name="Newer"))
    pf.save()
    assert pf.rewrite_reason is None
    text = path.read_text()
    assert text.startswith(DOC[:DOC.index("# end of file")]) and 'name = "Newer"' in text
    assert text.endswith("# end of file\n") and 'name = "New"\n' not in text


@pytest.mark.parametrize("change", [
    edit("Acme relay", port=1), edit("Beta", password=None), edit("Lab", name="L"),
    lambda pf: pf.remove("Acme relay"), lambda pf: pf.remove("Beta"),
    lambda pf: pf.remove("Lab"), lambda pf: pf.add(Profile(name="N", host="h")),
    lambda pf: (pf.remove("Lab"), pf.add(Profile(name="N", host="h"))),
    lambda pf: [pf.remove(n) for n in pf.names()],
], ids=["edit", "sub-table", "rename", "remove-first", "remove-middle", "remove-last",
        "add", "remove-add", "remove-all"])
def test_editing_only_around_the_change_gives_what_editing_it_all_gives(
        path: Path, change: Edit) -> None:
    pf = load(path)
    change(pf)
    entries = [(pf.origins.get(p.name), pf._table(p)) for p in pf.profiles]
    assert pf.source is not None
    around = patching._around_changes(pf.source, pf.extra, pf.defaults, entries)
    assert around == patching._whole(pf.source, pf.extra, pf.defaults, entries)
    assert patching.patch(pf.source, pf.extra, pf.defaults, entries) == around


def smtptui(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "smtptui", "profiles", *argv],
                          capture_output=True, text=True, timeout=60)


def test_cli_add_and_remove_keep_the_comments(path: Path) -> None:
    added = smtptui("add", "New", "--host", "n.example", "--user", "ops",
                    "--password-env", "NEW_PW", "--profiles", str(path))
    assert added.returncode == 0, added.stderr
    removed = smtptui("remove", "Acme backup", "--profiles", str(path))
    assert removed.returncode == 0, removed.stderr
    text = path.read_text()
    table = tomllib.loads(text)["profile"][-1]
    expected = one(DOC, '[[profile]]\nname = "Acme backup"\nclient = "Acme"\n'
                        'host = "backup.acme.example"\n'
                        'password.env = "ACME_BACKUP_PW"  # dotted key\n', "")
    assert text == one(expected, LAB_BLOCK, LAB_BLOCK + "\n" + writer.profile_text(table))
    assert path.with_name("profiles.toml.bak").read_text() != text  # the previous version


def test_modify_edits_in_place_too(path: Path) -> None:
    saved_file = modify(path, lambda pf: pf.remove("Lab"))
    assert saved_file.rewrite_reason is None
    assert path.read_text() == one(DOC, LAB_BLOCK, "")


def test_loading_and_probing_do_not_import_tomlkit_saving_does(path: Path) -> None:
    code = ("import sys\n"
            "from smtptui.cli import build_parser\n"
            "build_parser().parse_args(['probe', '--host', 'x'])\n"
            "import smtptui.commands.probe, smtptui.commands.profiles\n"
            "from smtptui.profiles import load\n"
            f"pf = load({str(path)!r})\n"
            "before = 'tomlkit' in sys.modules\n"
            "pf.save()\n"
            "print(before, 'tomlkit' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out == "False True\n"


def test_a_nan_value_does_not_make_the_save_give_up_on_comments(tmp_path: Path) -> None:
    target = tmp_path / "profiles.toml"
    text = DOC.replace("schema_version = 3   # from a newer smtptui",
                       "schema_version = 3   # from a newer smtptui\nx_ratio = nan   # unknown")
    target.write_text(text)
    target.chmod(0o600)
    pf = load(target)
    pf.replace("Lab", replace(pf.get("Lab"), name="Lab 2"))
    pf.save()
    assert pf.rewrite_reason is None
    assert target.read_text() == one(text, 'name = "Lab"', 'name = "Lab 2"')
