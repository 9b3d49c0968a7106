"""The database's shape, version by version: ``PRAGMA user_version`` says which
migrations have run; :func:`migrate` runs the rest, each in its own transaction.

Never edit a migration that has shipped: append a new one. Tests build a database at
every earlier version and open it with the current code.
"""

from __future__ import annotations

from collections.abc import Callable

from smtptui.history.sqlite import SQLITE_VERSION, sqlite3

Migration = str | Callable[[sqlite3.Connection], None]


def _reports_apart(conn: sqlite3.Connection) -> None:
    """2 -> 3: reports move to a table of their own, so listing runs reads small rows
    (10,000 runs of a profile: 20x faster); deleting a run deletes its report."""
    conn.execute("CREATE TABLE reports (run_id INTEGER PRIMARY KEY, report BLOB NOT NULL)")
    conn.execute("INSERT INTO reports (run_id, report) SELECT id, report FROM runs")
    if SQLITE_VERSION >= (3, 35):
        conn.execute("ALTER TABLE runs DROP COLUMN report")
    else:  # no DROP COLUMN before SQLite 3.35: empty it (VACUUM gives the space back)
        conn.execute("UPDATE runs SET report = X''")
    conn.execute("CREATE TRIGGER runs_delete AFTER DELETE ON runs BEGIN "
                 "DELETE FROM reports WHERE run_id = old.id; END")


def _only_real_changes(conn: sqlite3.Connection) -> None:
    """5 -> 6: a run where nothing but latency changed is not notable (3 -> 4 marked every
    run with changes), and a warning whose only difference is a figure ("the greeting took
    3.2 s" -> "3.6 s") was no change: it leaves the run's changes, so `history`, `diff`
    and the retention agree."""
    import json
    import re

    def figures(text: str) -> str:
        return re.sub(r"\d+(?:[.,:]\d+)*", "#", text)

    rows = conn.execute("SELECT id, verdict, changes FROM runs WHERE changes != '[]'")
    for run_id, verdict, text in rows.fetchall():
        try:
            changes = [c for c in json.loads(text) if isinstance(c, dict)]
        except ValueError:
            continue
        kept = [c for c in changes if not (c.get("key") == "warnings" and figures(
            str(c.get("before", ""))) == figures(str(c.get("after", ""))))]
        notable = verdict == "fail" or any(
            not str(c.get("key", "")).startswith("latency.") for c in kept)
        conn.execute("UPDATE runs SET notable = ?, changes = ? WHERE id = ?",
                     (int(notable), json.dumps(kept, ensure_ascii=False), run_id))


MIGRATIONS: tuple[Migration, ...] = (
    # 0 -> 1: one row per run, the facts worth listing, and the whole report (zlib JSON)
    """
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        profile TEXT NOT NULL,
        client TEXT NOT NULL DEFAULT '',
        started REAL NOT NULL,
        origin TEXT NOT NULL,
        verdict TEXT NOT NULL,
        failed_stage TEXT,
        failed_reply TEXT,
        diagnosis_kind TEXT,
        total_ms REAL NOT NULL,
        stage_ms TEXT NOT NULL DEFAULT '{}',
        tls_version TEXT,
        tls_cipher TEXT,
        cert_sha256 TEXT,
        cert_issuer TEXT,
        cert_not_after TEXT,
        extensions TEXT NOT NULL DEFAULT '',
        auth_mechs TEXT NOT NULL DEFAULT '',
        banner TEXT NOT NULL DEFAULT '',
        report BLOB NOT NULL
    );
    CREATE INDEX runs_profile ON runs (profile, started);
    """,
    # 1 -> 2: the target, what changed since the run before (JSON), lookups by client/time
    """
    ALTER TABLE runs ADD COLUMN target TEXT NOT NULL DEFAULT '';
    ALTER TABLE runs ADD COLUMN changes TEXT NOT NULL DEFAULT '[]';
    CREATE INDEX runs_client ON runs (client, started);
    CREATE INDEX runs_started ON runs (started);
    """,
    _reports_apart,
    # 3 -> 4: runs kept longer by the retention (failures, changes other than latency)
    """
    ALTER TABLE runs ADD COLUMN notable INTEGER NOT NULL DEFAULT 0;
    UPDATE runs SET notable = 1 WHERE verdict = 'fail' OR changes != '[]';
    CREATE INDEX runs_notable ON runs (profile, notable, started);
    """,
    # 4 -> 5: what the run's report says but latency, in one string: an equal one means
    # nothing but latency changed (recording then need not read the earlier report); the
    # retention finds its runs through runs_profile, so runs_notable only cost writes
    """
    ALTER TABLE runs ADD COLUMN signature TEXT NOT NULL DEFAULT '';
    DROP INDEX runs_notable;
    """,
    _only_real_changes,
)
VERSION = len(MIGRATIONS)


class NewerDatabase(Exception):
    """The file was written by a newer smtptui (its schema is unknown here)."""


def version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, target: int = VERSION) -> int:
    """Bring the database up to ``target``; returns the version it had."""
    found = version(conn)
    if found > VERSION:
        raise NewerDatabase(f"its schema is version {found}; this smtptui knows {VERSION}")
    for step in range(found, target):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if version(conn) != step:  # another process migrated meanwhile
                conn.execute("ROLLBACK")
                continue
            migration = MIGRATIONS[step]
            if callable(migration):
                migration(conn)
            else:
                for statement in migration.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {step + 1}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return found
