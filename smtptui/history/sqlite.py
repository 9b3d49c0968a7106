"""The stdlib's SQLite driver without the start-up work of ``sqlite3.dbapi2``.

``import sqlite3`` runs ``sqlite3.dbapi2``, which imports :mod:`datetime` and registers
the default date and time adapters (deprecated since Python 3.12; the history stores
Unix seconds and never uses them): about 1.2 ms of a recorded probe. ``sqlite3``
re-exports everything of the C module ``_sqlite3``, so this is the same driver with the
same classes (``sqlite3.Error`` *is* ``_sqlite3.Error``); where an interpreter has no
such module, the package is imported as usual. What only ``sqlite3.dbapi2`` defines
(``sqlite_version_info``, the date adapters, ``Binary``) is not there: use
:data:`SQLITE_VERSION`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3
else:
    try:
        import _sqlite3 as sqlite3
    except ImportError:  # pragma: no cover - other interpreters
        import sqlite3

SQLITE_VERSION: tuple[int, ...] = tuple(int(part) for part in sqlite3.sqlite_version.split("."))
"""The SQLite library's version, as ``sqlite3.sqlite_version_info``."""

__all__ = ["SQLITE_VERSION", "sqlite3"]
