"""Benchmark: the dashboard's first frame, a 20,000-line transcript, and peak memory.

    python bench/tui.py [--lines N] [--repeat R]

1. First frame: a fresh ``python`` process builds the app (``make_app``, a profiles
   file of 50 profiles) and runs it headless; the time from starting the process to
   the app's ``Ready`` event (the first painted frame) is measured from outside.
   Baseline: the same for a bare Textual app with one ``Static``. smtptui's bytecode is
   written first (as a wheel install does; see :func:`compile_package`).
2. Streaming: the probe view receives N transcript lines through the real path (the
   probe worker posts one message per event, the pane flushes in batches) while a
   key press is sent every 50 ms; prints the time until the last line is in the pane
   and the key-press round trips (against the same presses with nothing streaming).
   Baseline: Textual's ``Log.write_line`` once per line (the naive approach), timed on
   N/10 lines and scaled.
3. Peak RSS of this process and of the first-frame process.
4. Interaction on a 1,000-profile file: opening the editor (``n``, until its form is
   painted; and until the fields added after the first frame are too) against opening
   the help screen (``?``) in the same app; typing in the
   filter and in an editor field: 40 keys posted in one burst, time until the field
   holds them all and the app is idle again, per key (baseline: a bare Textual
   ``Input`` in a bare app). These two are CPU time of the app's process (steady on a
   shared machine; the app waits for nothing else while it does this work).

Targets (issue 4): first frame <= 0.5 s; 20,000 lines <= 1 s with keys answered;
RSS <= 120 MB. Issue 13: first frame <= 0.3 s and <= 1.8x bare; the editor opens in
<= 100 ms; typing costs <= 2 ms per key on a 1,000-profile file.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

from smtptui.probe.config import ProbeConfig
from smtptui.probe.events import (
    ProbeEvent,
    ProbeFinished,
    ProbeReport,
    StageFinished,
    StageStarted,
    Target,
    WireLine,
)

CHUNK = 500
"""Lines the fake server delivers per read (the engine yields a read's lines in a row)."""

FIRST_FRAME = textwrap.dedent("""
    import resource, sys, time
    from pathlib import Path
    {setup}
    from textual import events

    async def main():
        def hook(message):
            if isinstance(message, events.Ready):
                usage = resource.getrusage(resource.RUSAGE_SELF)
                print("READY", usage.ru_utime + usage.ru_stime, flush=True)
        async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
            await pilot.pause()
    import asyncio
    asyncio.run(main())
    print("RSS", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
""")
SMTPTUI_SETUP = ("from smtptui.app.launch import make_app\n"
                 "app = make_app(Path(sys.argv[1]))")
BARE_SETUP = textwrap.dedent("""\
    from textual.app import App
    from textual.widgets import Static
    class Bare(App):
        def compose(self):
            yield Static("hello")
    app = Bare()""")


def write_profiles(path: Path, count: int) -> None:
    lines = []
    for i in range(count):
        lines += ["[[profile]]", f'name = "relay {i:03d}"', f'client = "Client {i // 5:02d}"',
                  f'host = "smtp{i}.example.net"', "port = 587",
                  f'password = {{ env = "PW_{i}" }}', ""]
    path.write_text("\n".join(lines))


def compile_package() -> bool:
    """Write smtptui's bytecode (``__pycache__``), as installing a wheel does, so the first
    frame is measured as a user starts it, like the bare app's Textual (compiled when it
    was installed). With ``PYTHONDONTWRITEBYTECODE`` set and an editable install nothing
    else writes it, and compiling ~70 modules on every start would count ~50-100 ms that
    no installed copy pays. False if it could not be written (then it is measured so)."""
    import compileall

    import smtptui

    return bool(compileall.compile_dir(Path(smtptui.__file__).parent, quiet=2))


def first_frame(setup: str, profiles: Path) -> tuple[float, float, int]:
    """Seconds from process start to the first painted frame (wall clock, and the child's
    CPU time: steady on a shared machine), and the child's peak RSS (KB)."""
    code = FIRST_FRAME.format(setup=setup)
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, str(profiles)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ready = cpu = 0.0
    rss = 0
    for line in iter(proc.stdout.readline, ""):
        if line.startswith("READY"):
            ready = time.perf_counter() - start
            cpu = float(line.split()[1])
            break
    try:  # the rest (its RSS) as it exits; a child that never exits is said, not waited on
        rest, _ = proc.communicate(timeout=STALL)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise SystemExit(f"the first-frame process did not exit within {STALL:.0f} s") from None
    for line in rest.splitlines():
        if line.startswith("RSS"):
            rss = int(line.split()[1])
    if not ready:
        raise SystemExit("the app never became ready")
    return ready, cpu, rss


def fake_source(count: int) -> tuple[ProbeConfig, object]:
    """A probe 'engine' that streams ``count`` server lines, in reads of :data:`CHUNK`."""
    lines = tuple(WireLine("S" if i % 3 else "C", f"250-line {i} " + "x" * (i % 60), i * 0.01)
                  for i in range(count))

    async def source(config: ProbeConfig) -> AsyncIterator[ProbeEvent]:
        yield StageStarted("greeting", 0.0)
        for start in range(0, count, CHUNK):
            for line in lines[start:start + CHUNK]:
                yield line
            await asyncio.sleep(0)  # the next read from the socket
        stage = StageFinished("greeting", "pass", count * 0.01)
        yield stage
        yield ProbeFinished(ProbeReport(Target("bench.test", 25, "none"), (stage,),
                                        transcript=lines, total_ms=count * 0.01))

    return ProbeConfig(host="bench.test", port=25, tls="none", stop_after="greeting"), source


STALL = 60.0
"""Seconds a wait below may last before the benchmark stops and says what it waited for
(a wait that never ends would hang the run with nothing on screen)."""


async def wait_until(ready: Callable[[], bool], what: str, app: object,
                     poll: float = 0.0005) -> None:
    """Poll ``ready`` until it holds; after :data:`STALL` seconds, exit with the app's
    state (screen, focus, keys held back by :mod:`smtptui.app.key_order`)."""
    deadline = time.perf_counter() + STALL
    while not ready():
        if time.perf_counter() > deadline:
            held = list(getattr(app, "_waiting_keys", ()))
            raise SystemExit(
                f"stalled {STALL:.0f} s waiting for {what}: screen "
                f"{type(app.screen).__name__}, focus {app.focused!r}, "  # type: ignore[attr-defined]
                f"key in flight {getattr(app, '_key_in_flight', None)!r}, held {held!r}")
        await asyncio.sleep(poll)


async def key_round_trip(app: object) -> float:
    """Seconds from a key press arriving to the tree's cursor having moved."""
    from textual import events

    tree = app.main.sidebar.profile_tree  # type: ignore[attr-defined]
    before = tree.cursor_line
    key = "up" if before > 1 else "down"  # never up from the first line (it cannot move)
    start = time.perf_counter()
    app.post_message(events.Key(key, None))  # type: ignore[attr-defined]
    await wait_until(lambda: tree.cursor_line != before, f"the tree's cursor to go {key}", app)
    return time.perf_counter() - start


async def streaming(count: int, profiles: Path) -> tuple[float, list[float], list[float]]:
    from smtptui.app.launch import make_app

    config, source = fake_source(count)
    app = make_app(profiles, source=source)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        idle = [await key_round_trip(app) for _ in range(10)]
        view = app.main.view
        # When the run ends, the view's transcript is read at once: the key presses move
        # the list's cursor, and once nothing runs the view shows the newly highlighted
        # profile (its transcript empty). Waiting for "not running and every line in the
        # pane" instead was a race that hung the benchmark now and then.
        finished: list[tuple[float, int]] = []
        show_finished = view._finished

        def on_finished(report: ProbeReport) -> None:
            show_finished(report)
            finished.append((time.perf_counter(), view.transcript.line_count))

        view._finished = on_finished  # type: ignore[method-assign]
        start = time.perf_counter()
        view.start("bench", config, name="bench")
        busy: list[float] = []
        deadline = start + STALL
        while not finished:
            busy.append(await key_round_trip(app))
            await asyncio.sleep(0.05)
            if time.perf_counter() > deadline:
                raise SystemExit(f"stalled: {view.transcript.line_count} of {count} lines "
                                 f"after {STALL:.0f} s (running: {view.running})")
        end, lines = finished[0]
        assert lines == count, f"{lines} of {count} lines in the pane when the run ended"
    return end - start, idle, busy


async def naive_log(count: int) -> float:
    from textual.app import App, ComposeResult
    from textual.widgets import Log

    class Naive(App[None]):
        def compose(self) -> ComposeResult:
            yield Log(max_lines=50_000)

    app = Naive()
    async with app.run_test(size=(120, 40)) as pilot:
        log = app.query_one(Log)
        start = time.perf_counter()
        for i in range(count):
            log.write_line(f"250-line {i} " + "x" * (i % 60))
        await pilot.pause()
        return time.perf_counter() - start


TYPED = "relay 0123 client 04 smtp host example ".replace(" ", "x")[:40]


async def burst_per_key(app: object, field: object) -> float:
    """Seconds per key for :data:`TYPED` posted in one burst into the focused ``field``."""
    from textual import events

    field.value = ""  # type: ignore[attr-defined]
    field.focus()  # type: ignore[attr-defined]
    await wait_until(lambda: app.focused is field,  # type: ignore[attr-defined]
                     f"{field!r} to have the focus", app, 0.001)
    start = time.process_time()
    for char in TYPED:
        app.post_message(events.Key(char, char))  # type: ignore[attr-defined]
    await wait_until(lambda: field.value == TYPED,  # type: ignore[attr-defined]
                     f"{field!r} to hold {TYPED!r}", app, 0.0002)
    await field.wait_for_refresh()  # type: ignore[attr-defined]
    return (time.process_time() - start) / len(TYPED)


async def screen_open(app: object, key: str, ready: str, done: str = "") -> tuple[float, float]:
    """CPU seconds from pressing ``key`` to the first frame of the screen showing ``ready``
    being painted (written to the terminal), and to ``done`` (parts added after the first
    frame) being painted too. The first frame is taken where the app writes it: waiting
    for ``ready`` and then for a refresh would also count work queued to run after that
    refresh (the parts added after the first frame)."""
    from textual import events

    painted: list[float] = []
    display = app._display  # type: ignore[attr-defined]

    def timed_display(screen: object, update: object) -> None:
        if not painted and screen is not app.screen_stack[0] and bool(  # type: ignore[attr-defined]
                screen.query(ready)):  # type: ignore[attr-defined]
            painted.append(time.process_time())
        display(screen, update)

    app._display = timed_display  # type: ignore[attr-defined]
    try:
        start = time.process_time()
        app.post_message(events.Key(key, key if len(key) == 1 else None))  # type: ignore[attr-defined]
        await wait_until(lambda: bool(painted), f"{ready} painted after {key}", app)
        def shown() -> bool:
            return bool(app.screen.query(done or ready))  # type: ignore[attr-defined]

        await wait_until(shown, f"{done or ready} after {key}", app)
        await app.screen.wait_for_refresh()  # type: ignore[attr-defined]
        return painted[0] - start, time.process_time() - start
    finally:
        del app._display  # type: ignore[attr-defined]


async def interaction(profiles: Path, repeat: int) -> dict[str, list[float]]:
    from textual.app import App, ComposeResult
    from textual.widgets import Input

    from smtptui.app.launch import make_app

    out: dict[str, list[float]] = {k: [] for k in ("editor", "complete", "help", "filter",
                                                    "field", "bare")}
    app = make_app(profiles)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            await pilot.pause()
            out["help"].append((await screen_open(app, "question_mark", "HelpScreen *"))[0])
            await pilot.press("escape")
            await pilot.pause()
            first, complete = await screen_open(app, "n", "#name", "#notes")
            out["editor"].append(first)
            out["complete"].append(complete)
            # Both parts mounted after the first frame must be in before keys are timed
            # (else their mounting is counted as the keys' cost).
            await wait_until(lambda: bool(app.screen.query("#send"))  # type: ignore[attr-defined]
                             and bool(app.screen.query("#notes")),  # type: ignore[attr-defined]
                             "the editor's rows mounted after its first frame", app)
            await app.screen.wait_for_refresh()  # type: ignore[attr-defined]
            await pilot.pause()
            out["field"].append(await burst_per_key(app, app.screen.query_one("#name")))
            await pilot.press("escape")
            await pilot.pause()
            if app.screen is not app.main:  # "discard your changes?"
                await pilot.press("y")
                await pilot.pause()
            out["filter"].append(await burst_per_key(app, app.main.sidebar.query_one(
                "#filter")))
            await pilot.press("escape")

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Input()

    bare = Bare()
    async with bare.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for _ in range(repeat):
            out["bare"].append(await burst_per_key(bare, bare.query_one(Input)))
    return out


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        profiles = Path(tmp) / "profiles.toml"
        write_profiles(profiles, 50)
        compiled = compile_package()
        runs, bares = [], []
        for _ in range(args.repeat):  # interleaved: both see the same load
            runs.append(first_frame(SMTPTUI_SETUP, profiles))
            bares.append(first_frame(BARE_SETUP, profiles))
        frame, bare = min(t for t, _, _ in runs), min(t for t, _, _ in bares)
        cpu, bare_cpu = min(c for _, c, _ in runs), min(c for _, c, _ in bares)
        child_rss = max(r for _, _, r in runs)
        print(f"first frame     {ms(frame)}  (bare Textual app {ms(bare)}, "
              f"ratio {frame / bare:.2f}x; spread {ms(frame)}-"
              f"{ms(max(t for t, _, _ in runs))}"
              f"{'' if compiled else '; smtptui NOT byte-compiled'})  target <= 300 ms and <= 1.8x")
        print(f"  CPU time      {ms(cpu)}  (bare Textual app {ms(bare_cpu)}, ratio "
              f"{cpu / bare_cpu:.2f}x)")
        elapsed, idle, busy = asyncio.run(streaming(args.lines, profiles))
        naive = asyncio.run(naive_log(args.lines // 10)) * 10
    print(f"{args.lines} lines  {ms(elapsed)}  (Log.write_line per line, scaled: {ms(naive)}, "
          f"ratio {naive / elapsed:.1f}x faster)  target <= 1000 ms")
    print(f"key round trip  idle median {ms(statistics.median(idle))}; while streaming "
          f"median {ms(statistics.median(busy))}, max {ms(max(busy))} ({len(busy)} presses)")
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "profiles.toml"
        write_profiles(big, 1000)
        got = asyncio.run(interaction(big, args.repeat))
    help_s, editor_s = statistics.median(got["help"]), statistics.median(got["editor"])
    print(f"editor opens    {ms(editor_s)}  (help screen {ms(help_s)}, ratio "
          f"{editor_s / help_s:.2f}x; spread {ms(min(got['editor']))}-"
          f"{ms(max(got['editor']))}; every field drawn "
          f"{ms(statistics.median(got['complete']))})  target <= 100 ms")
    bare_key = statistics.median(got["bare"])
    for what in ("filter", "field"):
        per = statistics.median(got[what])
        print(f"{what + ' key':15} {ms(per)}  (bare Input {ms(bare_key)}, ratio "
              f"{per / bare_key:.2f}x; 1,000 profiles)  target <= 2 ms")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS        app process {child_rss / 1024:6.1f} MB; this process "
          f"(20k-line run) {rss:6.1f} MB  target <= 120 MB")


if __name__ == "__main__":
    main()
