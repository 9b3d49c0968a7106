"""What a one-relay headless probe imports before it can start (issue 13's budget): not
the history (with --no-history), dataclasses, cryptography, datetime, pathlib or Textual.
Checked in a fresh interpreter, as the start of `smtptui probe --host … --json`."""

from __future__ import annotations

import subprocess
import sys

AVOIDED = ("textual", "cryptography", "sqlite3", "dataclasses", "datetime", "pathlib",
           "smtptui.history.record", "smtptui.compare.runner", "smtptui.reports.text",
           "importlib.util", "toml_rs", "tomllib")


def test_a_host_probe_imports_only_what_it_runs() -> None:
    code = (
        "import sys\n"
        "from smtptui.cli import build_parser\n"
        "from smtptui.commands.history_args import sink_for\n"
        "from smtptui.commands.target_args import config_from_profile, profile_from_args\n"
        "args = build_parser('probe').parse_args(['probe', '--host', '127.0.0.1', '--json',\n"
        "                                         '--no-history', '--user', 'u',\n"
        "                                         '--password-env', 'HOME'])\n"
        "config = config_from_profile(profile_from_args(args, None), args)\n"
        "sink_for(args, 'probe')\n"
        "import smtptui.probe.engine, smtptui.probe.resolve, smtptui.probe.auth\n"
        f"print(sorted(m for m in {AVOIDED!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_argparse_comes_without_gettext_and_gettext_stays_real() -> None:
    # The entry point imports argparse against a stand-in for gettext (its only use
    # there: translating argparse's own English messages, which smtptui never binds a
    # catalog for). Errors still read as argparse words them; and whoever imports
    # gettext afterwards gets the real module, not the stand-in.
    code = (
        "import sys\n"
        "from smtptui.start import import_argparse\n"
        "import_argparse()\n"
        "print('gettext' in sys.modules)\n"
        "import argparse\n"
        "p = argparse.ArgumentParser(prog='x', exit_on_error=False)\n"
        "p.add_argument('--n', nargs=2)\n"
        "try:\n"
        "    p.parse_args(['--n', '1'])\n"
        "except argparse.ArgumentError as exc:\n"
        "    print(exc)\n"
        "import gettext\n"
        "print(hasattr(gettext, 'translation'), argparse.ngettext('a', 'b', 2))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.splitlines() == ["False", "argument --n: expected 2 arguments",
                                       "True b"]


def test_the_console_script_reports_bad_flags_in_english() -> None:
    out = subprocess.run([sys.executable, "-c", "from smtptui.start import main; main()",
                          "probe", "--port"], capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.strip() == "smtptui: probe: argument --port: expected one argument"
