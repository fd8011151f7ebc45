"""Slow work off the GUI thread (contract C8), after Anki's ``QueryOp``.

``run_in_thread(fn, *args, on_done=..., on_error=...)`` runs ``fn(*args)`` on Qt's global thread
pool and delivers its result (or exception) to the callbacks on the GUI thread. Hand workers a
``DraftSession.snapshot()``, never the live draft.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot


class _Relay(QObject):
    """Lives on the GUI thread; queued signals carry the outcome back to it."""

    done = Signal(object)
    failed = Signal(object)


class _Job(QRunnable):
    def __init__(self, fn: Callable[..., Any], args: tuple, relay: _Relay):
        super().__init__()
        self._fn, self._args, self._relay = fn, args, relay

    def run(self) -> None:  # worker thread
        try:
            result = self._fn(*self._args)
        except BaseException as exc:  # noqa: BLE001 - handed to on_error on the GUI thread
            self._relay.failed.emit(exc)
        else:
            self._relay.done.emit(result)


_LIVE: set[_Relay] = set()  # relays of running jobs (kept alive until they report)


def run_in_thread(fn: Callable[..., Any], *args: Any, on_done: Callable[[Any], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None,
                  pool: QThreadPool | None = None) -> None:
    """Run ``fn(*args)`` on a worker thread; callbacks run on the GUI thread."""
    relay = _Relay()
    _LIVE.add(relay)

    @Slot(object)
    def _done(result: Any) -> None:
        _LIVE.discard(relay)
        if on_done is not None:
            on_done(result)

    @Slot(object)
    def _failed(exc: BaseException) -> None:
        _LIVE.discard(relay)
        if on_error is not None:
            on_error(exc)
        else:
            raise exc

    relay.done.connect(_done)
    relay.failed.connect(_failed)
    (pool or QThreadPool.globalInstance()).start(_Job(fn, args, relay))


def wait_for_workers(timeout_ms: int = 30000) -> bool:
    """Block until every job of the global pool has finished (closing, tests)."""
    return QThreadPool.globalInstance().waitForDone(timeout_ms)
