"""Command-line entry point: `smtptui` (the app) and its headless subcommands.

Each subcommand lives in its own module under ``smtptui/commands/`` exposing
``register(subparsers)`` (argparse only, cheap to import) and ``run(args) -> int``
(which imports what it needs lazily). Nothing here imports Textual unless the app
is opened.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, NoReturn, TypeVar

from smtptui import __version__
from smtptui.errors import ExitCode, UsageError
from smtptui.pipesafe import PipeSafe

SUBCOMMANDS: tuple[str, ...] = (
    "probe", "compare", "profiles", "dns", "discover", "headers", "tls", "mx", "demo",
    "oauth", "history", "diff", "open", "exporter", "watch", "app",
)


def _columns() -> int:
    """The terminal's width as ``shutil.get_terminal_size`` gives it, without importing
    ``shutil`` (and the compression modules it pulls in) on every start."""
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, sized by :func:`_columns`."""

    def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                 width: int | None = None) -> None:
        super().__init__(prog, indent_increment, max_help_position,
                         _columns() - 2 if width is None else width)


class _Parser(argparse.ArgumentParser):
    """argparse that reports bad flags as one line and exit 2 (argparse's own default too)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        where = self.prog.removeprefix("smtptui").strip()
        raise UsageError(f"{where}: {message}" if where else message)


def _chosen_command(argv: Sequence[str]) -> str | None:
    """The subcommand named on the command line, if any (skipping top-level options)."""
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in ("--profiles", "--history"):
            skip = True
        elif not token.startswith("-"):
            return token if token in SUBCOMMANDS else None
    return None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; with ``only``, just that subcommand's (start-up time)."""
    parser = _Parser(
        prog="smtptui",
        description="Test SMTP relays: every protocol step, live, diagnosed.",
    )
    parser.add_argument("--version", action="version", version=f"smtptui {__version__}")
    parser.add_argument("--profiles", metavar="FILE", help="profiles file (default: "
                        "$SMTPTUI_PROFILES or the user config dir)")
    parser.add_argument("--history", metavar="FILE", help="history database (default: "
                        "$SMTPTUI_HISTORY or the user state dir)")
    parser.add_argument("--no-history", action="store_true", help="record nothing in the "
                        "history")
    parser.add_argument("--no-mouse", action="store_true", help="disable mouse support")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in (only,) if only else SUBCOMMANDS:
        try:
            module = importlib.import_module(f"smtptui.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"smtptui.commands.{name}":
                raise
            continue  # not installed in this build (a test checks that all are)
        module.register(sub)
    return parser


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP (a dropped SSH session): unwound like Ctrl-C, so every
    ``finally`` runs (temporary folders, password commands, child processes)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


T = TypeVar("T")

_graceful: list[Callable[[int], None]] = []
"""What an end signal calls instead of raising :class:`Terminated` (see :func:`gracefully`)."""


def _terminated(signum: int, _frame: object) -> None:
    if _graceful:
        _graceful[-1](signum)
        return
    raise Terminated(signum)


class gracefully:  # noqa: N801 (a context manager, used as ``with gracefully(end):``)
    """While inside, SIGTERM and SIGHUP call ``end(signum)`` (in the main thread, between
    two bytecodes of whatever it runs) instead of raising :class:`Terminated` there.

    For the dashboard: an exception raised at a random point of Textual's event loop
    can leave a task that never finishes, and ``asyncio.run`` then waits for it forever
    (a demo sent SIGHUP while it started hung 1 time in 40 on two busy cores).
    Textual has no handling of its own: https://github.com/Textualize/textual/issues/5140
    (open). ``end`` should ask the app to exit the way ``q`` does.
    """

    def __init__(self, end: Callable[[int], None]) -> None:
        self.end = end

    def __enter__(self) -> None:
        _graceful.append(self.end)

    def __exit__(self, *_exc: object) -> None:
        _graceful.remove(self.end)


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` for a headless command, SIGTERM and SIGHUP ending it as
    asyncio ends it on Ctrl-C: the coroutine's task is cancelled (its ``finally`` blocks
    run inside it, the loop still running), then :class:`Terminated` is raised.

    Raised wherever the loop happened to be, the exception could land in a task that
    asyncio only reports at shutdown ("unhandled exception during asyncio.run()
    shutdown", a traceback on stderr), or in a weakref callback, where Python prints
    and drops it: the signal was lost. Both seen 1 time in 60 under load. A second
    signal (or one before the task starts or after it ends) raises at once.
    """
    try:
        return _run_cancelling(coro)
    finally:  # done, or ended before it began: no "coroutine was never awaited" warning
        coro.close()


def _run_cancelling(coro: Coroutine[Any, Any, T]) -> T:
    import asyncio

    started: list[asyncio.Task[Any]] = []
    received: list[int] = []

    async def main() -> T:
        task = asyncio.current_task()
        assert task is not None
        started.append(task)
        return await coro

    def end(signum: int) -> None:
        if received or not started or started[0].done():
            raise Terminated(signum)
        received.append(signum)
        started[0].get_loop().call_soon_threadsafe(started[0].cancel)

    with gracefully(end), asyncio.Runner() as runner:
        try:
            result = runner.run(main())
        except asyncio.CancelledError:
            if received:
                raise Terminated(received[0]) from None
            raise
    if received:  # the task ended on its own before the cancellation reached it
        raise Terminated(received[0])
    return result


def leave_now(code: int) -> NoReturn:
    """End the process at once with ``code``: password commands stopped, the exit
    handlers run (the demo's folder), output flushed; no ``finally`` runs after this."""
    if "smtptui.profiles.command" in sys.modules:
        sys.modules["smtptui.profiles.command"].stop_all()
    import atexit

    atexit._run_exitfuncs()
    _flush()
    os._exit(code)


def _flush() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a reader that went away: the exit code still tells the result


_ignored: set[int] = set()
"""End signals this process was started ignoring (``nohup`` ignores SIGHUP)."""


def ignored(signum: int) -> bool:
    """Whether smtptui was started with ``signum`` ignored (leave it so)."""
    return signum in _ignored


def _on_end_signals() -> dict[int, Any]:
    """Unwind on SIGTERM and SIGHUP (main thread only), except one inherited as ignored
    (``nohup smtptui watch …`` must outlive its terminal); returns the previous handlers."""
    import signal

    previous: dict[int, Any] = {}
    for name in ("SIGTERM", "SIGHUP"):
        signum = getattr(signal, name, None)
        if signum is None:
            continue
        if signal.getsignal(signum) is signal.SIG_IGN:
            _ignored.add(signum)
            continue
        try:
            previous[signum] = signal.signal(signum, _terminated)
        except ValueError:  # not the main thread (tests call main() in a thread)
            break
    return previous


_skip_teardown = False
"""Set when the command run declares ``EXIT_WITHOUT_TEARDOWN`` (see :func:`entry`)."""


def entry(*, collecting: bool | None = None) -> None:
    """The console script and ``python -m smtptui`` (through :mod:`smtptui.start`, which
    says whether the garbage collector was on): :func:`main`, then exit.

    A command whose module sets ``EXIT_WITHOUT_TEARDOWN = True`` (the headless probe)
    leaves with ``os._exit`` once its output is flushed: the interpreter's teardown frees
    every object of ~300 modules one by one and runs OpenSSL's cleanup — about a tenth of
    a one-probe process, for nothing the operating system does not do at exit anyway.
    Such a command must have closed or committed whatever it writes before it returns.
    """
    code = main(exiting=True, collecting=collecting)
    if _stuck_threads():
        # A SIGTERM/SIGHUP that lands while the dashboard starts can unwind it before
        # Textual stops its (non-daemon) input and output threads: the interpreter
        # would wait for them forever. Every ``finally`` has run: leave.
        leave_now(code)
    if _skip_teardown:
        _flush()
        os._exit(code)
    raise SystemExit(code)


def _stuck_threads() -> list[str]:
    """Names of non-daemon threads still running besides this one (nothing should be)."""
    if "threading" not in sys.modules:
        return []
    import threading

    return [t.name for t in threading.enumerate()
            if t is not threading.main_thread() and not t.daemon and t.is_alive()]


def main(argv: Sequence[str] | None = None, *, exiting: bool = False,
         collecting: bool | None = None) -> int:
    """Run the command line ``argv``; ``exiting``: the process ends right after (see
    :func:`entry`), so a command that runs without the collector need not get it back;
    ``collecting``: whether the collector is meant to be on (default: whether it is)."""
    import gc

    if collecting is None:
        collecting = gc.isenabled()
    # Start-up allocates objects that all stay alive (modules, classes, functions): the
    # collector would only walk them again and again (~3.5 ms of a one-probe process in
    # ten collections). They are frozen out of its sight once the command is known, and
    # it is back on before the command runs, unless the command runs without it (a
    # single probe: too little garbage to be worth a collection).
    gc.disable()
    argv = list(sys.argv[1:] if argv is None else argv)
    original = sys.stdout
    if original is not None and not isinstance(original, PipeSafe):
        sys.stdout = PipeSafe(original)
    previous = _on_end_signals()
    try:
        return _main(argv, collecting)
    finally:
        if collecting and not (exiting and _skip_teardown):
            gc.enable()
        sys.stdout = original
        if "smtptui.profiles.command" in sys.modules:  # only if one ever ran
            sys.modules["smtptui.profiles.command"].stop_all()
        if previous:
            import signal

            for signum, handler in previous.items():
                signal.signal(signum, handler)


def _never(_args: argparse.Namespace) -> bool:
    return False


def _main(argv: list[str], collecting: bool) -> int:
    try:
        parser = build_parser(_chosen_command(argv))
        args = parser.parse_args(argv)
        command = args.command or "app"
        module = importlib.import_module(f"smtptui.commands.{command}")
        global _skip_teardown
        _skip_teardown = bool(getattr(module, "EXIT_WITHOUT_TEARDOWN", False))
        import gc

        gc.freeze()
        if collecting and not getattr(module, "without_collector", _never)(args):
            gc.enable()
        return int(module.run(args))
    except UsageError as exc:
        print(f"smtptui: {exc}", file=sys.stderr)
        return ExitCode.USAGE
    except Terminated as exc:
        return 128 + exc.signum
    except KeyboardInterrupt:
        print("smtptui: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPT
    except Exception as exc:  # last line of defence: one line, never a traceback
        if os.environ.get("SMTPTUI_DEBUG"):
            raise
        print(f"smtptui: internal error: {type(exc).__name__}: {exc} "
              "(set SMTPTUI_DEBUG=1 for details)", file=sys.stderr)
        return ExitCode.FAILED


if __name__ == "__main__":  # `python -m smtptui.cli …` works like `smtptui …`
    sys.exit(main())
