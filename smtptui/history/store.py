"""The history database: one row per run, SQLite in WAL mode (stdlib ``sqlite3``).

Several processes may write at once (the dashboard and a cron job): WAL lets readers
and one writer work together, ``busy_timeout`` makes a writer wait its turn, and each run
is one short ``BEGIN IMMEDIATE`` transaction. Every problem with the file (corrupt,
locked too long, read-only, written by a newer smtptui) is raised as one
:class:`HistoryUnavailable` with a one-line reason.
"""

from __future__ import annotations

import json
import os
import sys
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from smtptui.history.facts import facts
from smtptui.history.retention import Retention
from smtptui.history.sqlite import sqlite3
from smtptui.probe.events import ProbeReport

if TYPE_CHECKING:
    from os import PathLike

    StrPath = str | PathLike[str]

SCHEMA_VERSION = 6
"""The schema this smtptui writes: ``len(schema.MIGRATIONS)`` (a test keeps the two
equal). A database already at it opens without :mod:`smtptui.history.schema` and its
migrations being imported, as every recorded run but the first finds it."""

BUSY_TIMEOUT_MS = 5000
"""How long a writer waits for another one before the history counts as unavailable."""


class HistoryUnavailable(Exception):
    """The history cannot be used right now; the message is one line."""


class Run:
    """One recorded run, without its report (what a listing needs). Treat as read-only
    (a plain slotted class: listing 10,000 runs is faster without frozen-field set-up,
    and a recorded probe does not import :mod:`dataclasses` for it).

    ``started`` is Unix seconds; ``origin`` says which front end ran it (``probe``,
    ``batch``, ``compare``, ``app``, ``watch`` …); ``signature`` is
    :func:`smtptui.history.change.signature` of the report ("" before schema 5)."""

    __slots__ = ("id", "profile", "client", "target", "started", "origin", "verdict",
                 "failed_stage", "failed_reply", "diagnosis_kind", "total_ms", "stage_ms_json",
                 "tls_version", "tls_cipher", "cert_sha256", "cert_issuer", "cert_not_after",
                 "extensions", "auth_mechs", "banner", "changes_json", "signature")

    def __init__(self, id: int, profile: str, client: str,  # noqa: A002 (the column)
                 target: str, started: float, origin: str,
                 verdict: str, failed_stage: str | None, failed_reply: str | None,
                 diagnosis_kind: str | None, total_ms: float, stage_ms_json: str,
                 tls_version: str | None, tls_cipher: str | None, cert_sha256: str | None,
                 cert_issuer: str | None, cert_not_after: str | None, extensions: str,
                 auth_mechs: str, banner: str, changes_json: str = "[]",
                 signature: str = "") -> None:
        self.id = id
        self.profile = profile
        self.client = client
        self.target = target
        self.started = started
        self.origin = origin
        self.verdict = verdict
        self.failed_stage = failed_stage
        self.failed_reply = failed_reply
        self.diagnosis_kind = diagnosis_kind
        self.total_ms = total_ms
        self.stage_ms_json = stage_ms_json
        self.tls_version = tls_version
        self.tls_cipher = tls_cipher
        self.cert_sha256 = cert_sha256
        self.cert_issuer = cert_issuer
        self.cert_not_after = cert_not_after
        self.extensions = extensions
        self.auth_mechs = auth_mechs
        self.banner = banner
        self.changes_json = changes_json
        self.signature = signature

    def __repr__(self) -> str:
        return (f"Run(id={self.id}, profile={self.profile!r}, verdict={self.verdict!r}, "
                f"when={self.when!r})")

    @property
    def stage_ms(self) -> dict[str, float]:
        """Milliseconds per completed stage (parsed when asked: listings stay fast)."""
        value: dict[str, float] = json.loads(self.stage_ms_json or "{}")
        return value

    @property
    def changes(self) -> tuple[dict[str, Any], ...]:
        """What changed since the profile's run before (``Change.to_json()`` records)."""
        if self.changes_json in ("", "[]"):
            return ()
        return tuple(json.loads(self.changes_json))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Run) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    @property
    def ok(self) -> bool:
        return self.verdict != "fail"

    @property
    def when(self) -> str:
        """Start time in local time, to the second: ``2026-11-20 14:05:09``."""
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(self.started))

    @property
    def date(self) -> str:
        return self.when[:10]

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "profile": self.profile, "client": self.client,
                "target": self.target,
                "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
                "origin": self.origin, "verdict": self.verdict,
                "failed_stage": self.failed_stage, "failed_reply": self.failed_reply,
                "diagnosis_kind": self.diagnosis_kind, "total_ms": self.total_ms,
                "stage_ms": self.stage_ms, "tls_version": self.tls_version,
                "tls_cipher": self.tls_cipher, "cert_sha256": self.cert_sha256,
                "cert_issuer": self.cert_issuer, "cert_not_after": self.cert_not_after,
                "extensions": self.extensions.split(), "auth_mechs": self.auth_mechs.split(),
                "banner": self.banner, "changes": list(self.changes)}


INSERT_RUN = (
    "INSERT INTO runs (profile, client, started, origin, verdict, failed_stage, failed_reply, "
    "diagnosis_kind, total_ms, stage_ms, tls_version, tls_cipher, cert_sha256, cert_issuer, "
    "cert_not_after, extensions, auth_mechs, banner, target, changes, notable, signature) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
INSERT_REPORT = "INSERT INTO reports (run_id, report) VALUES (?, ?)"
_BRIEF = ("id, profile, started, origin, verdict, failed_stage, failed_reply, "
          "diagnosis_kind, total_ms, stage_ms, changes")
"""What a table of runs shows (every column fetched costs: 10,000 rows of these take
half the time of all of them)."""


def _brief_run(row: Sequence[Any]) -> Run:
    (run_id, profile, started, origin, verdict, failed_stage, failed_reply, kind, total_ms,
     stage_ms, changes) = row
    return Run(run_id, profile, "", "", started, origin, verdict, failed_stage, failed_reply,
               kind, total_ms, stage_ms, None, None, None, None, None, "", "", "", changes)

_COLUMNS = ("id, profile, client, target, started, origin, verdict, failed_stage, "
            "failed_reply, diagnosis_kind, total_ms, stage_ms, tls_version, tls_cipher, "
            "cert_sha256, cert_issuer, cert_not_after, extensions, auth_mechs, banner, changes, "
            "signature")


def _run(row: Sequence[Any]) -> Run:
    return Run(*row)


def report_text(report: ProbeReport) -> str:
    """The report's JSON, compact."""
    return json.dumps(report.to_json(), ensure_ascii=False, separators=(",", ":"))


def pack(report: ProbeReport | str) -> bytes:
    """The report (or its JSON text) compressed with the preset dictionary (what the
    ``report`` column holds): its id byte, then the zlib stream."""
    from smtptui.history.zdict import ZDICT_ID, ZDICT_V1

    text = report if isinstance(report, str) else report_text(report)
    packer = zlib.compressobj(6, zdict=ZDICT_V1)
    return bytes((ZDICT_ID,)) + packer.compress(text.encode()) + packer.flush()


def unpack(blob: bytes) -> dict[str, Any]:
    """The report's JSON object from :func:`pack` (or plain zlib, without a dictionary)."""
    if blob[:1] == b"\x78":
        data = zlib.decompress(blob)
    elif blob[:1] == b"\x01":
        from smtptui.history.zdict import ZDICT_V1

        unpacker = zlib.decompressobj(zdict=ZDICT_V1)
        data = unpacker.decompress(blob[1:]) + unpacker.flush()
    else:
        raise ValueError(f"unknown report format {blob[:1]!r}")
    doc: dict[str, Any] = json.loads(data)
    return doc


def explain(exc: BaseException) -> str:
    """One line for a database problem."""
    text = str(exc)
    low = text.lower()
    schema = sys.modules.get("smtptui.history.schema")  # not loaded: not its error
    if schema is not None and isinstance(exc, schema.NewerDatabase):
        return f"written by a newer smtptui ({text})"
    if "locked" in low or "busy" in low:
        return "the database is locked by another process"
    if "readonly" in low or "read-only" in low:
        return "the database is read-only"
    if "not a database" in low or "malformed" in low or "corrupt" in low:
        return "the database file is damaged (not a readable SQLite database)"
    if isinstance(exc, OSError):
        return exc.strerror or type(exc).__name__
    return text or type(exc).__name__


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the database in WAL mode (once per file: the mode is kept in it).

    Switching needs the file to itself, and SQLite answers "database is locked" at once
    (no busy handler) while another process holds it, which happens when two start on a
    new database together (the dashboard's start-up read and its first recorded run; a
    cron job): wait and try again, up to the busy timeout, as for any other lock."""
    if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
        return
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    pause = 0.001
    while True:
        try:
            if conn.execute("PRAGMA journal_mode = WAL").fetchone()[0].lower() == "wal":
                return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower():
                raise
        if time.monotonic() > deadline:
            raise sqlite3.OperationalError("database is locked")
        time.sleep(pause)
        pause = min(pause * 2, 0.05)


def _migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date (:mod:`smtptui.history.schema`: imported only here)."""
    from smtptui.history.schema import NewerDatabase, migrate

    try:
        migrate(conn)
    except NewerDatabase as exc:
        raise HistoryUnavailable(explain(exc)) from None


class HistoryStore:
    """An open history database. Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: StrPath) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: StrPath, *, create: bool = True) -> HistoryStore:
        """Open (``create``: and create, private to the user) and migrate the database.
        ``path`` may be a string: a recorded probe does not import :mod:`pathlib`."""
        try:
            if not os.path.exists(path):
                if not create:
                    raise HistoryUnavailable(f"{path}: no history yet")
                parent = os.path.dirname(os.fspath(path))
                if parent:
                    os.makedirs(parent, mode=0o700, exist_ok=True)
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
            # timeout= is SQLite's busy timeout (sqlite3_busy_timeout): no PRAGMA needed
            conn = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000,
                                   check_same_thread=False)
        except (OSError, sqlite3.Error) as exc:
            raise HistoryUnavailable(f"{path}: {explain(exc)}") from None
        try:
            _use_wal(conn)
            # No fsync: a crash of smtptui (even kill -9) never damages a WAL database;
            # only a power cut or OS crash could, and then the history says it is
            # unavailable. fsync costs ~15 ms per run on ordinary disks (the issue
            # allows 2 ms); see the README's "History".
            conn.execute("PRAGMA synchronous = OFF")
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                _migrate(conn)  # new, older, or newer than this smtptui knows
        except (sqlite3.Error, HistoryUnavailable) as exc:
            conn.close()
            reason = str(exc) if isinstance(exc, HistoryUnavailable) else explain(exc)
            raise HistoryUnavailable(f"{path}: {reason}") from None
        return cls(conn, path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """One write transaction (taken at once, so concurrent writers queue)."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise HistoryUnavailable(f"{self.path}: {explain(exc)}") from None
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if isinstance(exc, sqlite3.Error):
                raise HistoryUnavailable(f"{self.path}: {explain(exc)}") from None
            raise

    def _query(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        try:
            return self.conn.execute(sql, params).fetchall()
        except sqlite3.Error as exc:
            raise HistoryUnavailable(f"{self.path}: {explain(exc)}") from None

    # -- writing ----------------------------------------------------------------------
    def insert(self, report: ProbeReport, *, profile: str, client: str = "",
               origin: str, changes: Sequence[dict[str, Any]] = (),
               started: float | None = None, blob: bytes | None = None,
               notable: bool | None = None, signature: str = "") -> int:
        """Add one run (call inside :meth:`writing`, or alone: then it commits itself).
        ``notable`` runs (default: failed, or something other than latency changed) are
        kept longer."""
        f = facts(report)
        when = started if started is not None else _started(report)
        if notable is None:
            from smtptui.history.changes import Change
            from smtptui.history.changes import notable as changed

            notable = f.verdict == "fail" or changed([Change.from_json(c) for c in changes])
        row = (profile, client or "", when, origin, f.verdict, f.failed_stage, f.failed_reply,
               f.diagnosis_kind, f.total_ms, json.dumps(f.stage_ms), f.tls_version,
               f.tls_cipher, f.cert_sha256, f.cert_issuer, f.cert_not_after, f.extensions,
               f.auth_mechs, f.banner, f.target,
               json.dumps(list(changes), ensure_ascii=False),
               int(notable),
               signature)
        try:
            cur = self.conn.execute(INSERT_RUN, row)
            assert cur.lastrowid is not None
            self.conn.execute(INSERT_REPORT, (cur.lastrowid, blob if blob is not None
                                              else pack(report)))
        except sqlite3.Error as exc:
            raise HistoryUnavailable(f"{self.path}: {explain(exc)}") from None
        return cur.lastrowid

    def prune(self, retention: Retention, *, profile: str | None = None,
              now: float | None = None) -> int:
        """Delete runs the retention no longer keeps (one profile's, or everyone's);
        returns how many. Never deletes a profile's newest passing run."""
        now = time.time() if now is None else now
        profiles = [profile] if profile is not None else [
            r[0] for r in self._query("SELECT DISTINCT profile FROM runs")]
        deleted = 0
        for name in profiles:
            cutoff = now - retention.keep_days * 86400
            rows = self._query("SELECT started FROM runs WHERE profile = ? "
                               "ORDER BY started DESC LIMIT 1 OFFSET ?",
                               (name, retention.keep_runs - 1)) if retention.keep_runs else []
            if retention.keep_runs and not rows:
                continue  # fewer than keep_runs runs: all kept
            if rows:
                cutoff = min(cutoff, rows[0][0])
            notable = now - retention.keep_notable_days * 86400
            try:
                cur = self.conn.execute(
                    "DELETE FROM runs WHERE profile = ? AND started < ? "
                    "AND NOT (notable AND started >= ?) "
                    "AND id IS NOT (SELECT id FROM runs WHERE profile = ? AND verdict != 'fail' "
                    "ORDER BY started DESC LIMIT 1)",
                    (name, cutoff, notable, name))
            except sqlite3.Error as exc:
                raise HistoryUnavailable(f"{self.path}: {explain(exc)}") from None
            deleted += cur.rowcount
        return deleted

    # -- reading ----------------------------------------------------------------------
    def runs(self, *, profile: str | None = None, client: str | None = None,
             since: float | None = None, limit: int | None = None,
             before_id: int | None = None, verdicts: Sequence[str] = (),
             brief: bool = False) -> list[Run]:
        """Runs, newest first, filtered by profile, client, start time, id and verdict.
        ``brief``: only what a table of runs shows (no client, target, origin, TLS,
        extension or banner facts); listing is then about twice as fast."""
        where: list[str] = []
        params: list[Any] = []
        for clause, value in (("profile = ?", profile), ("client = ?", client),
                              ("started >= ?", since), ("id < ?", before_id)):
            if value is not None:
                where.append(clause)
                params.append(value)
        if verdicts:
            where.append(f"verdict IN ({','.join('?' * len(verdicts))})")
            params.extend(verdicts)
        sql = f"SELECT {_BRIEF if brief else _COLUMNS} FROM runs"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY started DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        make = _brief_run if brief else _run
        return [make(r) for r in self._query(sql, params)]

    def get(self, run_id: int) -> Run | None:
        rows = self._query(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,))
        return _run(rows[0]) if rows else None

    def report_json(self, run_id: int) -> dict[str, Any] | None:
        """The run's report as it was saved (JSON object), or None if there is no such run."""
        rows = self._query("SELECT report FROM reports WHERE run_id = ?", (run_id,))
        if not rows:
            return None
        try:
            return unpack(rows[0][0])
        except (zlib.error, ValueError) as exc:
            raise HistoryUnavailable(f"run {run_id}: its report is damaged ({exc})") from None

    def report(self, run_id: int, *, transcript: bool = True) -> ProbeReport | None:
        """The run's report (``transcript=False``: without it, for comparing runs)."""
        doc = self.report_json(run_id)
        if doc is None:
            return None
        from smtptui.probe.report_json import read_report

        return read_report(doc, transcript=transcript).report

    def latest(self, profile: str, *, before_id: int | None = None,
               passing: bool = False) -> Run | None:
        """The profile's newest run (before run ``before_id``; ``passing``: that passed)."""
        found = self.runs(profile=profile, before_id=before_id, limit=1,
                          verdicts=("pass", "warn") if passing else ())
        return found[0] if found else None

    def newest_per_profile(self) -> dict[str, Run]:
        """Each profile's newest run (for marks like "changed since the run before")."""
        rows = self._query(
            f"SELECT {_COLUMNS} FROM runs r WHERE id = (SELECT id FROM runs WHERE "
            "profile = r.profile ORDER BY started DESC, id DESC LIMIT 1)")
        return {run.profile: run for run in map(_run, rows)}

    def profiles(self) -> list[tuple[str, str, int]]:
        """(profile, client, runs) of everything recorded, by name."""
        return [(r[0], r[1], r[2]) for r in self._query(
            "SELECT profile, MAX(client), COUNT(*) FROM runs GROUP BY profile ORDER BY profile")]

    def count(self) -> int:
        return int(self._query("SELECT COUNT(*) FROM runs")[0][0])


def utc_seconds(stamp: str) -> float:
    """``2026-12-04T22:58:23Z`` (a report's ``started_at``) as Unix seconds; ValueError for
    anything else. Plain arithmetic: :func:`time.strptime` imports ``_strptime`` and
    ``calendar`` (2 ms of a recorded probe)."""
    digits = stamp[:4] + stamp[5:7] + stamp[8:10] + stamp[11:13] + stamp[14:16] + stamp[17:]
    marks = stamp[4] + stamp[7] + stamp[10] + stamp[13] + stamp[16] if len(stamp) == 20 else ""
    if not (stamp.isascii() and marks == "--T::" and digits[:-1].isdigit()
            and stamp.endswith("Z")):
        raise ValueError(f"not a UTC time stamp: {stamp!r}")
    year, month, day = int(stamp[:4]), int(stamp[5:7]), int(stamp[8:10])
    hour, minute, second = int(stamp[11:13]), int(stamp[14:16]), int(stamp[17:19])
    if not (1 <= month <= 12 and 1 <= day <= _days_in(year, month) and hour < 24
            and minute < 60 and second < 61):
        raise ValueError(f"not a UTC time stamp: {stamp!r}")
    from smtptui.probe.tlsinfo import utc_epoch  # loaded with the engine already

    return float(utc_epoch(year, month, day, hour, minute, second))


def _days_in(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def local_time(started_at: str) -> str:
    """A report's ``started_at`` (UTC) in local time, as runs show theirs."""
    try:
        stamp = utc_seconds(started_at)
    except ValueError:
        return started_at
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))


def _started(report: ProbeReport) -> float:
    """The report's start time as Unix seconds: to the millisecond when it just ended
    (``started_at`` has whole seconds), else as written (now, when it has none)."""
    now = time.time()
    precise = now - report.total_ms / 1000
    try:
        stamp = utc_seconds(report.started_at)
    except ValueError:
        return precise
    return precise if abs(precise - stamp) < 2 else stamp
