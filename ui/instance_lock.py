"""Which editor came first on a store, decided with a lock file and Qt's core module only.

An editor that takes the lock is the first on its store: it opens its window at once and starts
listening for later starts (``ui.single_instance``, which needs QtNetwork — about 16 ms of import
and set-up) only once its window is ready. An editor that finds the lock taken hands its files to
the first one, waiting for it to listen if it has only just started.

The lock is a :class:`QLockFile` in the temporary folder, named like the server
(:func:`server_name`: per user and store). Qt writes the holder's process ID, program and host
into it; a lock whose process has gone (a killed or crashed editor) is stale and is taken over by
the next start (Qt checks the process, and on Unix its advisory lock, before removing the file).
"""

from __future__ import annotations

import enum
import getpass
import hashlib
import os
import re
import tempfile
from pathlib import Path

from PySide6.QtCore import QLockFile

from forms.store import default_store_path


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):  # no user name in the environment, no passwd entry
        return os.environ.get("USERNAME") or os.environ.get("USER") or "user"


def server_name(store_path: str | os.PathLike | None = None) -> str:
    """The server (and lock) name for this user and store.

    Named pipes on Windows and socket files in the temporary folder are visible machine-wide, so
    the name holds the user name (readable part) and a hash of user, domain and store path (the
    part that makes it unique). The store is ``store_path``, else ``SHENBAO_DB``, else the
    per-user default (forms.store.default_store_path); two editors on different stores do not
    hand files to each other.
    """
    user = _user()
    store = str(Path(store_path if store_path is not None else default_store_path()).resolve())
    key = "\0".join((user, os.environ.get("USERDOMAIN", ""), store))
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
    readable = re.sub(r"[^A-Za-z0-9_-]", "", user)[:24] or "user"
    return f"shenbao-{readable}-{digest}"


def lock_path(store_path: str | os.PathLike | None = None) -> Path:
    return Path(tempfile.gettempdir()) / f"{server_name(store_path)}.lock"


class Primacy(enum.Enum):
    FIRST = "first"        # this editor holds the lock
    TAKEN = "taken"        # a live editor holds it
    UNKNOWN = "unknown"    # the lock cannot be used (no temporary folder, no permission)


class EditorLock:
    """The lock of one store, held from :meth:`acquire` to :meth:`release` (or the process's end)."""

    def __init__(self, store_path: str | os.PathLike | None = None, *, path: Path | None = None) -> None:
        self.path = path if path is not None else lock_path(store_path)
        self._lock = QLockFile(str(self.path))
        # Held as long as the editor runs: never stale by age, only when its process is gone.
        self._lock.setStaleLockTime(0)

    def acquire(self) -> Primacy:
        if self._lock.tryLock(0):
            return Primacy.FIRST
        if self._lock.error() == QLockFile.LockError.LockFailedError:
            return Primacy.TAKEN
        return Primacy.UNKNOWN

    def holder(self) -> int | None:
        """The process ID written in the lock file, if it can be read."""
        info = self._lock.getLockInfo()  # (pid, host, program); (0, "", "") when unreadable
        return int(info[0]) or None if info else None

    def release(self) -> None:
        self._lock.unlock()
