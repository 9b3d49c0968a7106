"""File primitives that never lose data: fingerprints, atomic replace with backup, a lock.

Writes go to a temporary file in the same directory, are fsynced, and replace the target
with ``os.replace``; the previous version is kept as ``<file>.bak``. New files are 0600.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smtptui.profiles.errors import ProfilesError

NEW_FILE_MODE = 0o600
MAX_FILE_SIZE = 16 * 1024 * 1024
"""Bytes a profiles file may hold; a larger one is refused, never read whole."""


class FileRefused(OSError):
    """The path is not something to read as a profiles file: not a regular file
    (a FIFO would block, ``/dev/zero`` never ends) or larger than :data:`MAX_FILE_SIZE`."""


@dataclass(frozen=True)
class Fingerprint:
    """What a file looked like when read: a later mismatch means someone else changed it."""

    mtime_ns: int
    size: int
    sha256: str


def real_path(path: Path) -> Path:
    """Follow symlinks, so a linked file (dotfiles repo) is updated in place, not replaced."""
    return Path(os.path.realpath(path))


def read(path: Path, limit: int = MAX_FILE_SIZE) -> tuple[bytes, Fingerprint]:
    """The file's bytes and fingerprint, taken from the same open file.

    Only a regular file is read (opened without blocking, so a FIFO cannot hang us),
    and at most ``limit`` bytes: anything else raises :class:`FileRefused`.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise FileRefused(f"not a regular file ({_kind(st.st_mode)})")
        data = fh.read(limit + 1)
        if len(data) > limit:
            raise FileRefused(f"larger than {limit // (1024 * 1024)} MiB; not read")
        st = os.fstat(fh.fileno())
    return data, Fingerprint(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return name
    return "not a file"


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's current fingerprint, or None if it does not exist."""
    try:
        return read(path)[1]
    except FileNotFoundError:
        return None


def write(path: Path, data: bytes, *, backup: bool = True) -> Fingerprint:
    """Atomically replace ``path`` with ``data``; keep the old version as ``<path>.bak``.

    Returns the fingerprint of what was written (content hash of ``data`` itself, so an
    edit that slips in right after the rename is still seen as a change later).

    An existing file's permission bits are kept; a new file is created 0600. If anything
    fails before the final rename, the old file is untouched and no temporary file remains.
    """
    path = real_path(path)
    private_dirs(path.parent)
    try:
        mode = os.stat(path).st_mode & 0o7777
        exists = True
    except FileNotFoundError:
        mode, exists = NEW_FILE_MODE, False
    if exists and backup:
        _replace_with(path.with_name(path.name + ".bak"), read(path)[0], NEW_FILE_MODE)
    _replace_with(path, data, mode)
    _fsync_dir(path.parent)
    st = os.stat(path)
    return Fingerprint(st.st_mtime_ns, st.st_size, hashlib.sha256(data).hexdigest())


def _replace_with(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fchmod(fh.fileno(), mode)
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be fsynced
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def lock_path(path: Path) -> Path:
    """The lock file guarding ``path``: ``.<name>.lock`` beside it."""
    path = real_path(path)
    return path.with_name(f".{path.name}.lock")


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``path``'s lock file (blocks until it is free).

    A lock file that cannot be created or locked (read-only folder, a file where a folder
    should be ...) raises :class:`ProfilesError`, one line naming the file.
    """
    lock = lock_path(path)
    try:
        private_dirs(lock.parent)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, NEW_FILE_MODE)
    except OSError as exc:
        raise _lock_error(path, lock, exc) from None
    try:
        try:
            import fcntl
        except ImportError:  # not POSIX: the fingerprint check still refuses lost updates
            pass
        else:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except OSError as exc:
                raise _lock_error(path, lock, exc) from None
            remove_stale_temporaries(path)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def remove_stale_temporaries(path: Path, before: float | None = None) -> list[Path]:
    """Remove the temporary files a writer of ``path`` left when it was killed (kill -9,
    power loss) before its rename. Called holding the lock: every writer holds it while
    its temporary exists, so one older than our lock (``before``: now) has no owner."""
    import glob  # here: only a save needs it (start-up time)
    import time

    real = real_path(path)
    cutoff = time.time() if before is None else before
    removed = []
    for tmp in real.parent.glob(f".{glob.escape(real.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            if tmp.is_file() and not tmp.is_symlink() and tmp.stat().st_mtime < cutoff:
                tmp.unlink()
                removed.append(tmp)
    return removed


def private_dirs(folder: Path) -> None:
    """Create ``folder`` and any missing parents, each 0700 whatever the umask
    (``mkdir(parents=True, mode=...)`` applies the mode to the last one only)."""
    missing = []
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for new in reversed(missing):
        new.mkdir(mode=0o700, exist_ok=True)
        os.chmod(new, 0o700)


def _lock_error(path: Path, lock: Path, exc: OSError) -> ProfilesError:
    # mkdir(exist_ok=True) says "File exists" when a file stands where a folder should be
    reason = ("Not a directory" if isinstance(exc, FileExistsError)
              else exc.strerror or type(exc).__name__)
    return ProfilesError(f"{path}: cannot write: lock file {lock}: {reason}")
