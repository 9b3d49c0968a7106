"""The headless side never imports Textual (its import alone costs ~0.3 s)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import smtptui

HEADLESS = sorted(
    m.name for m in pkgutil.walk_packages(smtptui.__path__, "smtptui.")
    if not m.name.startswith("smtptui.app") and m.name != "smtptui.__main__"
)


def test_there_are_headless_modules_to_check() -> None:
    assert {"smtptui.probe.engine", "smtptui.cli", "smtptui.diagnose",
            "smtptui.commands.probe"} <= set(HEADLESS)


def imported_by(code: str) -> str:
    """What ``code``, run in a fresh interpreter, prints."""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def test_headless_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"mods = {HEADLESS!r}\n"
        "bad = []\n"
        "for m in mods:\n"
        "    importlib.import_module(m)\n"
        "    if 'textual' in sys.modules: bad.append(m); break\n"
        "print(bad)\n"
    )
    assert imported_by(code) == "[]"


def test_cli_parser_and_probe_path_do_not_import_textual() -> None:
    code = (
        "import sys\n"
        "from smtptui.cli import build_parser\n"
        "build_parser().parse_args(['probe', '--host', 'x'])\n"
        "import smtptui.probe.engine, smtptui.commands.probe, smtptui.commands.batch\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'cryptography',"
        " 'dns', 'rich')))\n"
    )
    assert imported_by(code) == "[]"


def test_every_subcommand_module_is_present() -> None:
    import importlib.util

    from smtptui.cli import SUBCOMMANDS

    missing = [n for n in SUBCOMMANDS if importlib.util.find_spec(f"smtptui.commands.{n}") is None]
    assert missing == []


def test_warm_up_pays_the_one_off_costs_before_probes_are_timed(cafile: str) -> None:
    """What a first failing probe would otherwise load mid-stage, while another is timed."""
    code = (
        "import sys\n"
        "from smtptui.probe.config import ProbeConfig\n"
        "from smtptui.probe.tlsinfo import _context\n"
        "from smtptui.probe.warmup import warm_up\n"
        "want = ('smtptui.diagnose.rules', 'tempfile', 'cryptography')\n"
        "before = [m for m in want if m in sys.modules]\n"
        f"warm_up([ProbeConfig(host='h', port=1, cafile={cafile!r})])\n"
        "after = [m for m in want if m in sys.modules]\n"
        "print(before, after, _context.cache_info().currsize)\n"
    )
    assert imported_by(code) == "[] ['smtptui.diagnose.rules', 'tempfile'] 2"
