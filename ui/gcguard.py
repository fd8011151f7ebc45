"""Python's cyclic garbage collector, on the GUI thread only.

Automatic collection runs in whichever thread happens to allocate past the threshold. When that
is a worker (a preview render, the debounced check, an autosave) and the garbage holds a Qt
object — a closed dialog's wrapper, a table model in a cycle — Qt's destructor runs on the worker
thread, which Qt does not allow and which crashes the process at random (seen: a segfault in a
table view's updateGeometries while a worker imported pdf/). So the editor turns automatic
collection off and collects on the GUI thread from a timer, with the interpreter's own
thresholds deciding which generation (the recipe PyQt applications use).
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 250


class MainThreadCollector(QObject):
    """While it lives, garbage is collected on the thread that made it (the GUI thread)."""

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS):
        super().__init__(parent)
        self._threshold = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self._on_timer_timeout)
        self._timer.start()

    def _on_timer_timeout(self) -> None:
        count0, count1, count2 = gc.get_count()
        limit0, limit1, limit2 = self._threshold
        if count0 <= limit0:
            return
        generation = 2 if count1 > limit1 and count2 > limit2 else 1 if count1 > limit1 else 0
        gc.collect(generation)

    def stop(self) -> None:
        """Collect once more here and hand collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
