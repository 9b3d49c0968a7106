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
