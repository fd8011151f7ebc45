"""Start the editor (contract C6): ``run(paths, store_path=None) -> int``.

QApplication set-up (fonts, Qt's zh_CN translations), one instance per user (a second start hands
its files to the first, ``ui.single_instance``), then the last draft, or the sample as a new draft
when the store is empty, or the files given (spec §7).
"""

from __future__ import annotations

import gc
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from forms.store import Store, StoreError
from ui.gcguard import MainThreadCollector
from ui.main_window import APP_TITLE, MainWindow
from ui.qtsetup import setup_application


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv[:1])
    setup_application(app)
    return app  # type: ignore[return-value]


def start_runtime(app: QApplication, window: MainWindow) -> MainThreadCollector:
    """What the running editor has besides its window (the benchmarks measure it the same way):
    garbage collected on the GUI thread only, and once the window is ready its long-lived
    objects frozen out of the collector's work (shorter collections while the user types)."""
    collector = MainThreadCollector(app)  # never let a worker thread destroy Qt objects
    window.when_ready(gc.freeze)
    return collector


# How long a second start keeps trying to hand its files to the editor holding the store's lock
# while that one is still starting (it listens once its window is ready, well within a second).
HAND_OVER_WAIT_MS = 5000
LISTEN_AT_THE_LATEST_MS = 3000


class Instance:
    """This editor's part in "one editor per user and store" (ui.instance_lock, ui.single_instance).

    The first editor on a store holds its lock and starts listening for later starts only when
    :meth:`listen` is called — once its window is ready — so that QtNetwork is not on the way to
    the first window. Without a usable lock it listens at once, as before there was a lock.
    """

    def __init__(self, store_path: Path | None, window_holder: list, lock=None) -> None:
        self.store_path = store_path
        self.lock = lock
        self.server = None
        self.closed = False
        self._holder = window_holder

    def listen(self) -> None:
        """Start the server (once); later starts on the store hand their files to this window."""
        if self.server is not None or self.closed:
            return
        from ui.single_instance import InstanceServer

        self.server = InstanceServer(store_path=self.store_path)
        self.server.listen()
        self.server.paths_received.connect(self._received)

    def _received(self, received_paths: list) -> None:
        if self._holder:
            self._holder[0].open_paths([str(p) for p in received_paths])

    def close(self) -> None:
        self.closed = True
        if self.server is not None:
            self.server.close()
        if self.lock is not None:
            self.lock.release()


def _single_instance(paths: list[str], window_holder: list, store_path: Path | None) -> tuple[bool, Instance | None]:
    """(handed over to a running editor on the same store, this editor's :class:`Instance`)."""
    from ui.instance_lock import EditorLock, Primacy

    lock = EditorLock(store_path)
    primacy = lock.acquire()
    if primacy is Primacy.FIRST:
        return False, Instance(store_path, window_holder, lock)
    from ui.single_instance import hand_over

    # Another editor holds the store: it may still be starting, so wait for it to listen. When the
    # lock cannot be used at all, ask whoever listens, once.
    wait = HAND_OVER_WAIT_MS if primacy is Primacy.TAKEN else 0
    if hand_over(paths, store_path=store_path, wait_ms=wait):
        return True, None
    instance = Instance(store_path, window_holder)  # nobody answers: this window takes the files
    instance.listen()
    return False, instance


@dataclass
class Editor:
    """A running editor's parts besides the application, closed by :meth:`close` when it ends."""

    window: MainWindow
    store: Store
    instance: Instance
    collector: MainThreadCollector

    def close(self) -> None:
        self.instance.close()
        self.store.close()
        self.collector.stop()


def open_editor(app: QApplication, paths: list[str], *, store_path: Path | None = None) -> Editor | None:
    """What :func:`run` does before showing the window (the start benchmark does the same): hand
    ``paths`` to an editor already running on the store (then None), else take the store's
    lock, open the store (StoreError when it cannot be), the window with the last draft
    (lazily) and the runtime; the first editor listens for later starts once its window is
    ready."""
    holder: list[MainWindow] = []
    handed, instance = _single_instance([str(Path(p).resolve()) for p in paths], holder, store_path)
    if handed:
        return None
    try:
        store = Store(store_path)
    except StoreError:
        instance.close()
        raise
    window = MainWindow(store)
    holder.append(window)
    window.ready.connect(instance.listen)  # the first ready: every page built, the first check done
    QTimer.singleShot(LISTEN_AT_THE_LATEST_MS, instance.listen)  # should a draft never get ready
    window.open_last(lazy=True)
    return Editor(window, store, instance, start_runtime(app, window))


def run(paths: list[str], *, store_path: Path | None = None) -> int:
    """Open the editor; returns the process exit code."""
    app = make_application()
    try:
        editor = open_editor(app, paths, store_path=store_path)
    except StoreError as exc:
        from PySide6.QtWidgets import QMessageBox  # its enums only when needed

        QMessageBox.critical(None, APP_TITLE, str(exc))
        return 2
    if editor is None:
        return 0
    editor.window.show()
    if paths:
        editor.window.open_paths([str(p) for p in paths])
    code = app.exec()
    editor.close()
    return code
