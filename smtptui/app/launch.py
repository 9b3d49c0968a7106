"""Build and run the app: one factory for the CLI, the tests and the benchmark."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from smtptui.app.app import SmtpTuiApp
    from smtptui.app.widgets.probe_view import ProbeSource
    from smtptui.probe.report_json import ReadReport


def make_app(profiles_path: Path | None, *, demo: bool = False, mouse: bool = True,
             source: ProbeSource | None = None, history: Path | None = None,
             record_history: bool = True, viewing: tuple[ReadReport, str] | None = None,
             temporary_profiles: bool = False) -> SmtpTuiApp:
    """The app for ``profiles_path`` (None: the default location).

    ``demo`` starts the loopback demo relays inside the app's event loop;
    ``mouse`` is applied by :func:`run_app` (``App.run(mouse=...)``); ``source``
    replaces the probe engine (benchmarks); ``history`` is the history database (None:
    the default location), ``record_history=False`` records nothing (``--no-history``);
    ``viewing`` (a report read from a file, and where from) opens that report read-only
    instead of the dashboard (``smtptui open``); ``temporary_profiles`` says the file
    is the demo's own, removed when it ends (the screen says so where it names the file).
    """
    import gc

    # No cyclic garbage collection until the first frame is painted (the app turns it
    # back on then): starting allocates a lot and frees little, and the collector's full
    # passes over it were a tenth of the time to the first frame.
    collecting = gc.isenabled()
    gc.disable()
    try:
        from smtptui.app.app import SmtpTuiApp
        from smtptui.profiles.paths import resolve_path

        path = profiles_path if profiles_path is not None else resolve_path(None)
        app = SmtpTuiApp(path, demo=demo, source=source, history=history,
                         record_history=record_history, viewing=viewing,
                         temporary_profiles=temporary_profiles)
    except BaseException:
        if collecting:
            gc.enable()
        raise
    app.collect_after_first_frame = collecting
    app.use_mouse = mouse
    return app


RELAY_SWITCH_INTERVAL = 0.0005
"""Seconds a thread may hold the GIL while another waits (Python's default: 0.005)."""


COLOUR_SYSTEMS = ("auto", "standard", "256", "truecolor", "windows")
"""What Textual (Rich) takes in ``TEXTUAL_COLOR_SYSTEM``."""
COLOUR_ALIASES = {"16": "standard", "8": "standard", "24bit": "truecolor"}
"""Names people type for them."""


def check_colour_env() -> None:
    """``TEXTUAL_COLOR_SYSTEM=16`` means the 16 ANSI colours (Rich calls that "standard");
    a value Textual does not know is one line and exit 2, not a KeyError at start-up."""
    import os

    from smtptui.errors import UsageError

    value = os.environ.get("TEXTUAL_COLOR_SYSTEM")
    if value is None:
        return
    wanted = value.strip().lower()
    if wanted in COLOUR_ALIASES:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = COLOUR_ALIASES[wanted]
    elif wanted not in COLOUR_SYSTEMS:
        raise UsageError(f"TEXTUAL_COLOR_SYSTEM={value!r} is not a colour system: use "
                         "standard (or 16), 256, truecolor or auto")
    else:
        os.environ["TEXTUAL_COLOR_SYSTEM"] = wanted


def run_app(profiles_path: Path | None, *, demo: bool = False, mouse: bool = True,
            history: Path | None = None, record_history: bool = True,
            viewing: tuple[ReadReport, str] | None = None,
            temporary_profiles: bool = False) -> int:
    """Open the dashboard until the user quits; returns the exit status."""
    import sys

    check_colour_env()  # before Textual reads it

    app = make_app(profiles_path, demo=demo, mouse=mouse, history=history,
                   record_history=record_history, viewing=viewing,
                   temporary_profiles=temporary_profiles)
    # Probes run in child processes; the demo relays run on a thread here: a short
    # switch interval lets that thread answer within a millisecond while the screen works.
    sys.setswitchinterval(RELAY_SWITCH_INTERVAL)
    from smtptui.app.end_signal import EndOnSignal, HangupWatch
    from smtptui.cli import gracefully

    ending = EndOnSignal(app)
    hangup = HangupWatch.on_terminal()
    try:
        with gracefully(ending):
            app.run(mouse=app.use_mouse)
    finally:
        ending.cancel()
        if hangup is not None:
            hangup.stop()
    return ending.return_code or app.return_code or 0
