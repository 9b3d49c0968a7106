"""Where tokens are kept: the system keyring when one is available, else a 0600 file.

The file is ``<state dir>/oauth/<name>.json`` (``$SMTPTUI_STATE_DIR`` overrides the state
dir); one whose mode lets anyone but its owner read it is refused, never used. Tokens never
go into the profiles file.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from smtptui.oauth.tokens import Tokens

KEYRING_SERVICE = "smtptui-oauth"
_SAFE = re.compile(r"^[A-Za-z0-9_.-]{1,100}$")


class StoreError(Exception):
    """The token store cannot be used (one line, never holding a token)."""


def state_dir() -> Path:
    """``$SMTPTUI_STATE_DIR``, else the user's state dir for smtptui (one place for both:
    :mod:`smtptui.locations`)."""
    from smtptui.locations import state_dir as shared

    return shared()


def _file_name(name: str) -> str:
    if _SAFE.match(name) and not name.startswith("."):
        return f"{name}.json"
    return "x-" + name.encode("utf-8").hex()[:200] + ".json"


def keyring_backend() -> object | None:
    """The usable keyring backend, or None (package missing, or no backend: SSH, cron)."""
    try:
        import keyring
    except ImportError:
        return None
    try:
        backend = keyring.get_keyring()
        priority = float(getattr(backend, "priority", 1))
    except Exception:  # a broken backend configuration is "no keyring" here
        return None
    return backend if priority > 0 else None


@dataclass
class TokenStore:
    """Tokens by account name. ``directory`` holds the files (default: state dir/oauth)."""

    directory: Path | None = None
    use_keyring: bool = True

    @property
    def folder(self) -> Path:
        return self.directory if self.directory is not None else state_dir() / "oauth"

    def path(self, name: str) -> Path:
        return self.folder / _file_name(name)

    @contextlib.contextmanager
    def locked(self, name: str) -> Iterator[None]:
        """One refresh at a time per account (refresh tokens may rotate)."""
        from smtptui.profiles import atomic
        from smtptui.profiles.errors import ProfilesError

        try:
            with atomic.locked(self.path(name)):
                yield
        except ProfilesError as exc:
            raise StoreError(str(exc)) from None

    def load(self, name: str) -> Tokens | None:
        """The stored tokens, or None when there are none."""
        backend = self._keyring()
        if backend is not None:
            try:
                text = backend.get_password(KEYRING_SERVICE, name)  # type: ignore[attr-defined]
            except Exception as exc:
                raise StoreError(f"the keyring could not be read ({type(exc).__name__}); "
                                 "unlock it or sign in again") from None
            if text:
                return _parse(text, "the keyring entry")
        return self._load_file(name)

    def save(self, tokens: Tokens) -> str:
        """Store ``tokens``; returns where they went, for the user."""
        text = json.dumps(tokens.to_json())
        backend = self._keyring()
        reason = ""
        if backend is not None:
            try:
                backend.set_password(KEYRING_SERVICE, tokens.account, text)  # type: ignore[attr-defined]
            except Exception as exc:
                reason = f" (the keyring refused it: {type(exc).__name__})"
            else:
                self._remove_file(tokens.account)
                return f"the system keyring ({type(backend).__name__})"
        self._write_file(tokens.account, text)
        return f"{self.path(tokens.account)}{reason}"

    def delete(self, name: str) -> list[str]:
        """Forget the tokens everywhere; returns where they were."""
        gone: list[str] = []
        backend = self._keyring()
        if backend is not None:
            with contextlib.suppress(Exception):  # "not found" has backend-specific types
                if backend.get_password(KEYRING_SERVICE, name):  # type: ignore[attr-defined]
                    backend.delete_password(KEYRING_SERVICE, name)  # type: ignore[attr-defined]
                    gone.append("the system keyring")
        if self._remove_file(name):
            gone.append(str(self.path(name)))
        return gone

    def where(self, name: str) -> str:
        """Where :meth:`load` finds the tokens (the file when the keyring refused them)."""
        if self._keyring() is not None and not self.path(name).exists():
            return "the system keyring"
        return str(self.path(name))

    def _keyring(self) -> object | None:
        return keyring_backend() if self.use_keyring else None

    def _load_file(self, name: str) -> Tokens | None:
        path = self.path(name)
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"{path}: cannot read: {exc.strerror}") from None
        with os.fdopen(fd, "rb") as fh:
            _check_private(path, os.fstat(fh.fileno()))
            data = fh.read()
        return _parse(data.decode("utf-8", "replace"), str(path))

    def _write_file(self, name: str, text: str) -> None:
        from smtptui.profiles import atomic

        path = self.path(name)
        with contextlib.suppress(FileNotFoundError):
            _check_private(path, os.lstat(path))
        try:
            atomic.write(path, text.encode("utf-8"), backup=False)
        except OSError as exc:
            raise StoreError(f"{path}: cannot write: {exc.strerror}") from None

    def _remove_file(self, name: str) -> bool:
        try:
            os.unlink(self.path(name))
        except FileNotFoundError:
            return False
        return True


def _check_private(path: Path, st: os.stat_result) -> None:
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file; refusing to use it")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise StoreError(f"{path} belongs to another user; refusing to use it")
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise StoreError(
            f"{path} has mode {mode:04o}: others may read the tokens in it, so it is not "
            f"used. Run: chmod 600 {path} (and sign in again if anyone could have read it)")


def _parse(text: str, where: str) -> Tokens:
    try:
        return Tokens.from_json(json.loads(text))
    except (ValueError, TypeError):
        raise StoreError(f"{where} does not hold smtptui tokens; sign in again") from None
