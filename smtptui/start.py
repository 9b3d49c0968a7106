"""The process entry point (the ``smtptui`` console script and ``python -m smtptui``).

It turns the garbage collector off before anything else is imported: start-up creates
objects that all stay alive (modules, classes, functions), and collections during the
imports would only walk them again (about 1 ms of a one-probe process before
:func:`smtptui.cli.main` is even reached). :func:`smtptui.cli.main` freezes them and
turns the collector back on before the command runs (unless the command runs without
it).
"""

import gc


def main() -> None:
    collecting = gc.isenabled()
    gc.disable()
    from smtptui.cli import entry

    entry(collecting=collecting)
