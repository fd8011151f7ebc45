"""Portable file helpers: atomic replace with a retry for Windows sharing violations."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

# Windows refuses to replace a file another program (a virus scanner, the search indexer, a
# viewer) holds open; such locks are usually gone within a second.
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)


def replace_with_retry(src: Path, dst: Path) -> None:
    """``os.replace`` that retries briefly when the target is locked (PermissionError)."""
    for delay in _RETRY_DELAYS:
        try:
            os.replace(src, dst)
            return
        except PermissionError:
            time.sleep(delay)
    os.replace(src, dst)


def fsync_dir(path: Path) -> None:
    """Make a rename durable where the platform allows it (a no-op on Windows)."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder, synced, then renamed:
    readers see the old file or the new one, never a half-written one."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace_with_retry(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


class BytesMemo:
    """``fn(blob, *args)`` remembered per bytes object (and args), for at most ``size`` entries.

    The editor keeps the same attachment bytes objects between keystrokes, so hashing or
    inspecting megabytes happens once per attachment, not once per save or validation. Each
    entry holds the object itself, so its ``id()`` cannot be reused while remembered.
    """

    def __init__(self, fn, size: int):
        self._fn = fn
        self._size = size
        self._seen: dict[tuple, tuple[bytes, object]] = {}

    def __call__(self, blob: bytes, *args):
        key = (id(blob), *args)
        hit = self._seen.get(key)
        if hit is not None and hit[0] is blob:
            return hit[1]
        result = self._fn(blob, *args)
        if len(self._seen) >= self._size:
            self._seen.pop(next(iter(self._seen)))
        self._seen[key] = (blob, result)
        return result
