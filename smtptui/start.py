"""The process entry point (the ``smtptui`` console script and ``python -m smtptui``).

It turns the garbage collector off before anything else is imported: start-up creates
objects that all stay alive (modules, classes, functions), and collections during the
imports would only walk them again (about 1 ms of a one-probe process before
:func:`smtptui.cli.main` is even reached). :func:`smtptui.cli.main` freezes them and
turns the collector back on before the command runs (unless the command runs without
it).

It also imports :mod:`argparse` without :mod:`gettext` (see :func:`import_argparse`).
"""

import gc
import sys


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    import_argparse()
    from smtptui.cli import entry

    entry(collecting=collecting)


def _untranslated(message: str) -> str:
    return message


def _untranslated_plural(singular: str, plural: str, n: int) -> str:
    return singular if n == 1 else plural


def import_argparse() -> None:
    """Import :mod:`argparse` against a stand-in for :mod:`gettext`, then take it away.

    argparse imports gettext only to translate its own few messages ("usage:",
    "expected one argument" …) through the ``messages`` domain. smtptui speaks English
    and binds no catalog, so those messages are English either way, while importing
    gettext (which imports :mod:`locale` and compiles a regular expression) costs about
    0.6 ms of every start — a tenth of what smtptui adds to a one-probe process. The
    stand-in lives only while argparse is imported: anything that imports gettext
    afterwards gets the real module.
    """
    if "argparse" in sys.modules or "gettext" in sys.modules:
        return
    import types

    stand_in = types.ModuleType("gettext", "argparse's view of gettext at smtptui's start")
    stand_in.gettext = _untranslated  # type: ignore[attr-defined]
    stand_in.ngettext = _untranslated_plural  # type: ignore[attr-defined]
    sys.modules["gettext"] = stand_in
    try:
        import argparse  # noqa: F401
    finally:
        if sys.modules.get("gettext") is stand_in:
            del sys.modules["gettext"]
