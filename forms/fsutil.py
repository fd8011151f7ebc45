"""Portable file helpers: atomic replace with a retry for Windows sharing violations, private
files for personal numbers, and temporary files of ours that can be recognised and cleaned up."""

from __future__ import annotations

import errno
import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Windows refuses to replace a file another program (a virus scanner, the search indexer, a
# viewer) holds open; such locks are usually gone within a second.
_RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.8)

#: Mode of the files we create on POSIX: they hold ID numbers and bank accounts (no-op on Windows,
#: where a file in the user's folders inherits the user-only ACL).
PRIVATE_MODE = 0o600

#: Our temporary files: ``.NAME.shenbao-PID-RANDOM.tmp`` beside the file being written.
_TMP_RE = re.compile(r"\..*\.shenbao-(\d+)-[0-9a-f]{8}\.tmp(?:-journal)?")
#: A temporary file of ours this old is stale whoever wrote it (no write takes this long).
STALE_TMP_SECONDS = 10 * 60
#: Younger than this, a temporary file is left alone even when no local process has its PID:
#: on a shared network folder it may belong to a Shenbao running on another computer.
WRITER_GRACE_SECONDS = 60
_TMP_NAME_CHARS = 120  # of the target's name, so the temporary name stays within 255


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


# --------------------------------------------------------------------------- temporary files


def temp_path_for(path: Path) -> Path:
    """A fresh name for a temporary file of ours beside ``path`` (see :func:`clean_stale_temps`)."""
    import secrets  # with random and hmac: only when a file is written, not at every start

    path = Path(path)
    return path.with_name(f".{path.name[:_TMP_NAME_CHARS]}.shenbao-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _pid_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there: rely on the age alone
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def clean_stale_temps(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temporary files of ours in ``folder`` left by a writer that was killed: those
    older than :data:`STALE_TMP_SECONDS`, or (POSIX) older than :data:`WRITER_GRACE_SECONDS`
    whose writing process is gone. Never raises; returns what was removed."""
    removed: list[Path] = []
    now = time.time() if now is None else now
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _TMP_RE.fullmatch(entry.name)
        if m is None:
            continue
        try:
            if not entry.is_file(follow_symlinks=False):
                continue
            age = now - entry.stat(follow_symlinks=False).st_mtime
            if age > STALE_TMP_SECONDS or (age > WRITER_GRACE_SECONDS and not _pid_alive(int(m.group(1)))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


_FILE_ATTRIBUTE_HIDDEN, _FILE_ATTRIBUTE_NORMAL = 0x2, 0x80


def _set_hidden(path: Path, hidden: bool) -> None:
    """Hide a temporary file in Explorer while it exists (Windows only; a no-op elsewhere)."""
    if os.name != "nt":
        return
    import ctypes

    attributes = _FILE_ATTRIBUTE_HIDDEN if hidden else _FILE_ATTRIBUTE_NORMAL
    try:
        ctypes.windll.kernel32.SetFileAttributesW(str(path), attributes)
    except (AttributeError, OSError):
        pass


def create_private(path: Path) -> int:
    """Create ``path`` (it must not exist) readable and writable by the user only; returns an
    open binary write descriptor."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), PRIVATE_MODE)


def new_temp_file(path: Path) -> tuple[Path, int]:
    """Make room (stale temporaries) and create a private, hidden temporary file beside ``path``:
    (its path, an open write descriptor)."""
    clean_stale_temps(Path(path).parent)
    tmp = temp_path_for(path)
    fd = create_private(tmp)
    _set_hidden(tmp, True)
    return tmp, fd


def commit_temp_file(tmp: Path, path: Path) -> None:
    """Rename a finished temporary file over ``path`` (with retries) and make that durable."""
    _set_hidden(tmp, False)
    replace_with_retry(tmp, path)
    fsync_dir(Path(path).parent)


@contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """A binary file whose content replaces ``path`` when the block ends: written to a temporary
    file of ours in the same folder (private, hidden on Windows), synced, then renamed — readers
    see the old file or the new one, never a half-written one; an exception in the block (or a
    failure) leaves the old file and no temporary file."""
    path = Path(path)
    tmp, fd = new_temp_file(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        commit_temp_file(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`atomic_writer`)."""
    with atomic_writer(path) as fh:
        fh.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


# --------------------------------------------------------------------------- messages

_OS_ERRORS = {
    errno.ENOENT: "文件夹不存在",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.EISDIR: "这是一个文件夹",
    errno.EACCES: "没有权限",
    errno.EPERM: "没有权限",
    errno.ENOSPC: "磁盘空间已满",
    errno.EROFS: "该位置是只读的",
    errno.ENAMETOOLONG: "文件名太长",
    errno.EEXIST: "文件已存在",
    errno.EBUSY: "文件正被其他程序占用",
    errno.EIO: "磁盘读写出错",
}
if hasattr(errno, "EDQUOT"):
    _OS_ERRORS[errno.EDQUOT] = "磁盘配额已用完"


def os_error_text(exc: OSError) -> str:
    """The reason of an OS error in Chinese (the OS's own text only for an unusual error)."""
    if isinstance(exc, PermissionError):
        return "没有权限，或文件正被其他程序占用"
    return _OS_ERRORS.get(exc.errno, exc.strerror or str(exc))


# --------------------------------------------------------------------------- memo


class BytesMemo:
    """``fn(blob, *args)`` remembered per bytes object (and args), for at most ``size`` entries.

    The editor keeps the same attachment bytes objects between keystrokes, so hashing or
    inspecting megabytes happens once per attachment, not once per save or validation. Each
    entry holds the object itself, so its ``id()`` cannot be reused while remembered.
    Thread-safe: the GUI thread and render workers share one memo; ``fn`` runs outside the lock
    (two threads may compute the same entry once each; both get an equal result).
    """

    def __init__(self, fn, size: int):
        self._fn = fn
        self._size = max(1, size)
        self._seen: dict[tuple, tuple[bytes, object]] = {}
        self._lock = threading.Lock()

    def __call__(self, blob: bytes, *args):
        key = (id(blob), *args)
        with self._lock:
            hit = self._seen.get(key)
        if hit is not None and hit[0] is blob:
            return hit[1]
        result = self._fn(blob, *args)
        with self._lock:
            while len(self._seen) >= self._size:
                self._seen.pop(next(iter(self._seen)))
            self._seen[key] = (blob, result)
        return result

    def forget(self, blob: bytes) -> None:
        """Let go of the entries for this very object, so that it can be freed."""
        with self._lock:
            for key in [k for k, (held, _) in self._seen.items() if held is blob]:
                del self._seen[key]
