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

from PySide6.QtWidgets import QApplication, QMessageBox

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


def _single_instance(paths: list[str], window_holder: list, store_path: Path | None) -> tuple[bool, object | None]:
    """(handed over to a running editor on the same store, this editor's server)."""
    from ui.single_instance import InstanceServer, hand_over

    if hand_over(paths, store_path=store_path):
        return True, None
    server = InstanceServer(store_path=store_path)
    server.listen()

    def received(received_paths: list) -> None:
        if window_holder:
            window_holder[0].open_paths([str(p) for p in received_paths])

    server.paths_received.connect(received)
    return False, server


@dataclass
class Editor:
    """A running editor's parts besides the application, closed by :meth:`close` when it ends."""

    window: MainWindow
    store: Store
    server: object
    collector: MainThreadCollector

    def close(self) -> None:
        self.server.close()
        self.store.close()
        self.collector.stop()


def open_editor(app: QApplication, paths: list[str], *, store_path: Path | None = None) -> Editor | None:
    """What :func:`run` does before showing the window (the start benchmark does the same): hand
    ``paths`` to an editor already running on the store (then None), else listen for later
    starts, open the store (StoreError when it cannot be), the window with the last draft
    (lazily) and the runtime."""
    holder: list[MainWindow] = []
    handed, server = _single_instance([str(Path(p).resolve()) for p in paths], holder, store_path)
    if handed:
        return None
    try:
        store = Store(store_path)
    except StoreError:
        server.close()
        raise
    window = MainWindow(store)
    holder.append(window)
    window.open_last(lazy=True)
    return Editor(window, store, server, start_runtime(app, window))


def run(paths: list[str], *, store_path: Path | None = None) -> int:
    """Open the editor; returns the process exit code."""
    app = make_application()
    try:
        editor = open_editor(app, paths, store_path=store_path)
    except StoreError as exc:
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
