"""One editor per user and store: a second start hands its file paths to the running window.

A double-click on a ``.shenbao`` file starts ``shenbao FILE``. When the editor already runs on the
same store, the new process passes FILE to it through a ``QLocalServer`` (a named pipe on Windows,
a socket file in the temporary folder elsewhere) and exits, instead of opening a second window on
the same drafts.

The message is a 4-byte big-endian length followed by UTF-8 JSON ``{"paths": [...]}`` (absolute
paths; an empty list only asks the window to come to the front). The receiver answers one byte
(``ACK``) before it emits ``paths_received``, so the sender can exit 0 knowing the paths arrived.
"""

from __future__ import annotations

import json
import os
import struct
import sys
import time

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ui.instance_lock import server_name

__all__ = ["ACK", "InstanceServer", "hand_over", "server_name", "someone_listens"]

ACK = b"\x06"
MAX_MESSAGE = 1 << 20          # 1 MiB of paths is far beyond any real double-click
_HEADER = struct.Struct(">I")


def _frame(paths: list[str]) -> bytes:
    body = json.dumps({"paths": paths}, ensure_ascii=False).encode("utf-8")
    return _HEADER.pack(len(body)) + body


def _allow_foreground() -> None:
    """Windows lets only the foreground process raise a window: let the running editor do it."""
    if sys.platform == "win32":
        import ctypes

        ASFW_ANY = -1
        ctypes.windll.user32.AllowSetForegroundWindow(ASFW_ANY)


def hand_over(paths: list[str], timeout_ms: int = 2000, *, store_path: str | os.PathLike | None = None,
              name: str | None = None, wait_ms: int = 0) -> bool:
    """Pass ``paths`` to a running editor; True if one took them, False if none answers.

    ``wait_ms``: how long to keep trying while nobody listens yet — an editor that holds the
    store's lock (ui.instance_lock) starts listening only once its window is ready. Relative
    paths are made absolute here: the running editor has its own working folder.
    """
    message = _frame([os.path.abspath(p) for p in paths])
    name = name or server_name(store_path)
    deadline = time.monotonic() + wait_ms / 1000
    while True:
        sent = _send(message, name, timeout_ms)
        if sent is not None:  # connected: the editor answered, or failed after taking the message
            return sent
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


def _send(message: bytes, name: str, timeout_ms: int) -> bool | None:
    """True: acknowledged; False: connected but not acknowledged; None: nobody listens."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    try:
        if not sock.waitForConnected(timeout_ms):
            return None
        _allow_foreground()
        sock.write(message)
        if not sock.waitForBytesWritten(timeout_ms):
            return False
        reply = b""
        while not reply:
            if sock.bytesAvailable() == 0 and not sock.waitForReadyRead(timeout_ms):
                return False
            reply = bytes(sock.read(1).data())
        return reply == ACK
    finally:
        sock.abort()


def someone_listens(name: str, timeout_ms: int = 500) -> bool:
    """True if a live server answers under ``name`` (a stale socket file does not)."""
    probe = QLocalSocket()
    probe.connectToServer(name)
    alive = probe.waitForConnected(timeout_ms)
    probe.abort()
    return alive


class InstanceServer(QObject):
    """Listens for later starts; emits ``paths_received(list[str])`` for each hand-over."""

    paths_received = Signal(list)

    def __init__(self, parent: QObject | None = None, *, store_path: str | os.PathLike | None = None,
                 name: str | None = None) -> None:
        super().__init__(parent)
        self.name = name or server_name(store_path)
        self._server = QLocalServer(self)
        # Unix: the socket file is readable by this user only; Windows: the pipe's ACL allows only him.
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self) -> bool:
        """Start listening; a server left by a killed editor (Unix socket file) is removed first.

        False when another live editor already listens under the name (it answers a connection).
        Probe first: with socket options Qt's Unix listen() renames its socket over an existing
        one, and on Windows two servers may share a pipe name, so a plain listen() would succeed
        beside a live editor.
        """
        if self._server.isListening():
            return True
        if someone_listens(self.name):
            return False
        # A killed editor's socket file (Unix); Qt's own rename would also replace it, but only
        # while socket options are set.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        self._server.close()

    @property
    def full_server_name(self) -> str:
        return self._server.fullServerName()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            sock = self._server.nextPendingConnection()
            self._buffers[sock] = bytearray()
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))
            if sock.bytesAvailable():
                self._read(sock)

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock)
        if buf is None:
            return
        buf += bytes(sock.readAll().data())
        if len(buf) < _HEADER.size:
            return
        (size,) = _HEADER.unpack_from(buf)
        if size > MAX_MESSAGE:
            self._buffers.pop(sock, None)
            sock.abort()
            return
        if len(buf) < _HEADER.size + size:
            return
        paths = _parse(bytes(buf[_HEADER.size:_HEADER.size + size]))
        self._buffers.pop(sock, None)
        if paths is None:
            sock.abort()
            return
        sock.write(ACK)
        sock.flush()
        sock.disconnectFromServer()
        self.paths_received.emit(paths)


def _parse(body: bytes) -> list[str] | None:
    """The paths in a message, or None for anything that is not our message."""
    try:
        message = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    paths = message.get("paths") if isinstance(message, dict) else None
    if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
        return None
    return paths
