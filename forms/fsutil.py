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
