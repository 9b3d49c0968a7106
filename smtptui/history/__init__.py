"""Run history: every run kept in SQLite, any two compared ("what changed").

Data flows one way: engine -> report -> history. Nothing here is imported by
``smtptui.probe``; front ends record the report they received.

Public API (import the submodules; this package imports nothing eagerly)::

    from smtptui.history.record import record_report, HistorySink, Recorded
    record_report(report, profile="Acme relay", client="Acme", origin="probe",
                  path=None)              # -> Recorded | None; never raises: a problem
                                          #    prints "history unavailable: …" once
    sink = HistorySink(path, origin="batch", enabled=not no_history)
    sink.record(report, profile=..., client=...)   # one store kept open; never raises

    from smtptui.history.store import HistoryStore, HistoryUnavailable, Run
    with HistoryStore.open(path) as store:       # WAL, busy_timeout, migrations
        store.runs(profile=None, client=None, since=None, limit=None)  # newest first
        store.get(run_id) -> Run | None          # the listed facts of one run
        store.report(run_id) -> ProbeReport | None
        store.latest(profile, passing=False) -> Run | None
        store.newest_per_profile() -> dict[str, Run]
        store.prune(Retention(...)) -> int       # recording prunes its profile itself

    from smtptui.history.changes import diff_reports, Change   # pure: two reports -> changes
    from smtptui.locations import history_path   # --history / $SMTPTUI_HISTORY / state dir

``Recorded.changes`` is what changed since the profile's previous run,
``Recorded.since_pass`` since its last passing run; ``Recorded.lines(failed=...)`` is
what the diagnosis says about them.
"""
