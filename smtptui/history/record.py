"""Recording a finished run: the one call every front end makes, and it never raises.

Within one write transaction it finds the profile's previous run and last passing run,
works out what changed since each (:func:`~smtptui.history.changes.diff_reports`),
inserts the run and prunes that profile's old runs. Any problem with the database
becomes one line, "history unavailable: …", said once per process; the probe's own
output and exit status never depend on the history.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from smtptui.history.change import Change, latency_changes, notable, sentence, signature
from smtptui.history.facts import stage_ms
from smtptui.history.retention import Retention
from smtptui.history.store import (
    HistoryStore,
    HistoryUnavailable,
    Run,
    explain,
    pack,
    report_text,
)
from smtptui.probe.events import ProbeReport
from smtptui.probe.redact import REDACTED
from smtptui.records import record

if TYPE_CHECKING:
    from smtptui.history.store import StrPath

Warn = Callable[[str], None]


@record
class Recorded:
    """What recording a run found out."""

    run_id: int
    previous: Run | None
    """The profile's run before this one."""
    changes: tuple[Change, ...]
    """Since :attr:`previous`."""
    last_pass: Run | None
    """The profile's newest passing run before this one (may be :attr:`previous`)."""
    since_pass: tuple[Change, ...]
    """Since :attr:`last_pass`."""

    def lines(self, *, failed: bool) -> list[str]:
        """What the diagnosis says about it: what changed since the previous run, and —
        when the run failed and the previous one was not a pass — since the last pass."""
        out = []
        prev, last = self.previous, self.last_pass
        if failed and last is not None and self.since_pass:
            out.append(f"Since the last passing run on {last.date}: "
                       f"{sentence(_without_result(self.since_pass))}.")
        if prev is not None and self.changes and (
                not failed or last is None or prev.id != last.id):
            out.append(f"Since the previous run ({prev.when}): {sentence(self.changes)}.")
        return [line for line in out if not line.endswith(": .")]

    def to_json(self) -> dict[str, Any]:
        return {"run_id": self.run_id,
                "previous": self.previous.id if self.previous else None,
                "changes": [c.to_json() for c in self.changes],
                "last_pass": self.last_pass.id if self.last_pass else None,
                "since_pass": [c.to_json() for c in self.since_pass]}


def _without_result(changes: Iterable[Change]) -> list[Change]:
    """"Since the last pass" needs no "the run now fails" first: the reader knows."""
    return [c for c in changes if c.key != "result"]


_said: set[str] = set()
_lock = threading.Lock()


def say_unavailable(reason: str, warn: Warn | None = None) -> None:
    """``history unavailable: <reason>`` to ``warn``, or once per process to stderr."""
    line = f"history unavailable: {reason}"
    if warn is not None:
        warn(line)
        return
    with _lock:
        if line in _said:
            return
        _said.add(line)
    print(f"smtptui: {line}", file=sys.stderr, flush=True)


def _scrub(text: str, secrets: Iterable[str]) -> str:
    """Defence in depth: the engine redacts, but a secret that slipped into the report
    (a server echoing it) is replaced here too."""
    import json

    for secret in secrets:
        if secret and len(secret) >= 4 and secret in text:
            text = text.replace(json.dumps(secret, ensure_ascii=False)[1:-1], REDACTED)
    return text


def record_with(store: HistoryStore, report: ProbeReport, *, profile: str, client: str = "",
                origin: str, retention: Retention | None = None,
                secrets: Iterable[str] = (), text: str | None = None) -> Recorded:
    """Record ``report`` in an open store (raises :class:`HistoryUnavailable`). ``text``:
    the report's JSON (:meth:`~smtptui.probe.events.ProbeReport.to_json_text`) when the
    caller has it already, for printing."""
    if text is None:
        text = report_text(report)
    scrubbed = _scrub(text, secrets) if secrets else text
    if scrubbed is not text and scrubbed != text:
        text, report = scrubbed, ProbeReport.from_json(json.loads(scrubbed))
    blob = pack(text)
    sig = signature(report)
    times = stage_ms(report)
    with store.writing():
        previous = store.latest(profile)
        last_pass = (previous if previous is not None and previous.ok
                     else store.latest(profile, passing=True))
        changes = _since(store, previous, report, sig, times)
        if last_pass is not None and previous is not None and last_pass.id == previous.id:
            since_pass = changes
        else:
            since_pass = _since(store, last_pass, report, sig, times)
        run_id = store.insert(report, profile=profile, client=client, origin=origin,
                              changes=[c.to_json() for c in changes], blob=blob,
                              notable=not report.ok or notable(changes), signature=sig)
        store.prune(retention or Retention.from_env(), profile=profile)
    return Recorded(run_id, previous, changes, last_pass, since_pass)


def _since(store: HistoryStore, earlier: Run | None, report: ProbeReport, sig: str,
           times: dict[str, float]) -> tuple[Change, ...]:
    """What changed since ``earlier``: from the listed facts alone when its signature is
    the same (only latency can differ), else from its report."""
    if earlier is None:
        return ()
    if earlier.signature == sig:
        return tuple(latency_changes(earlier.stage_ms, times))
    from smtptui.history.changes import diff_reports  # the comparison tables: only now

    before = store.report(earlier.id, transcript=False)
    return tuple(diff_reports(before, report)) if before is not None else ()


def profile_key(report: ProbeReport, profile: str | None) -> str:
    """The name a run is filed under: its profile, or ``host:port`` for an ad-hoc target."""
    if profile:
        return profile
    if report.target.profile:
        return report.target.profile
    from smtptui.hostport import host_port

    return host_port(report.target.host, report.target.port)


def record_report(report: ProbeReport, *, profile: str | None, client: str | None = None,
                  origin: str, path: StrPath | None = None, warn: Warn | None = None,
                  secrets: Iterable[str] = (), retention: Retention | None = None
                  ) -> Recorded | None:
    """Record a finished run in the history at ``path`` (None: the default location).

    Never raises: a problem is said once ("history unavailable: …", to stderr or
    ``warn``) and None is returned. ``secrets`` are replaced by ``<redacted>`` should
    one appear anywhere in the report.
    """
    from smtptui.locations import history_location

    where = path if path is not None else history_location()
    try:
        with HistoryStore.open(where) as store:
            return record_with(store, report, profile=profile_key(report, profile),
                               client=client or "", origin=origin, retention=retention,
                               secrets=secrets)
    except HistoryUnavailable as exc:
        say_unavailable(str(exc), warn)
    except Exception as exc:  # never stop a probe over its history
        say_unavailable(f"{where}: {explain(exc)}", warn)
    return None


class HistorySink:
    """Where a front end records its runs: one database kept open for a batch, or
    nowhere (``--no-history``). :meth:`record` never raises; after the database has
    failed once the sink stops trying (a locked file would cost every run the wait)."""

    def __init__(self, path: StrPath | None, *, origin: str, enabled: bool = True,
                 warn: Warn | None = None, retention: Retention | None = None) -> None:
        self.path = path
        self.origin = origin
        self.enabled = enabled
        self.warn = warn
        self.retention = retention
        self._store: HistoryStore | None = None
        self._lock = threading.Lock()
        """One run at a time (the dashboard records from worker threads)."""

    @property
    def where(self) -> StrPath:
        from smtptui.locations import history_location

        return self.path if self.path is not None else history_location()

    def record(self, report: ProbeReport, *, profile: str | None, client: str | None = None,
               secrets: Iterable[str] = (), origin: str | None = None,
               text: str | None = None) -> Recorded | None:
        with self._lock:
            if not self.enabled:
                return None
            try:
                if self._store is None:
                    self._store = HistoryStore.open(self.where)
                return record_with(self._store, report, profile=profile_key(report, profile),
                                   client=client or "", origin=origin or self.origin,
                                   retention=self.retention, secrets=secrets, text=text)
            except HistoryUnavailable as exc:
                reason = str(exc)
            except Exception as exc:  # never stop a probe over its history
                reason = f"{self.where}: {explain(exc)}"
            self.enabled = False
            self._close()
        say_unavailable(reason, self.warn)
        return None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._store is not None:
            store, self._store = self._store, None
            try:
                store.close()
            except Exception:  # closing a broken database: nothing left to do
                pass

    def __enter__(self) -> HistorySink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
