"""Start the editor (contract C6): ``run(paths, store_path=None) -> int``.

QApplication set-up (fonts, Qt's zh_CN translations), one instance per user (a second start hands
its files to the first, ``ui.single_instance``), then the last draft, or the sample as a new draft
when the store is empty, or the files given (spec §7).
"""

from __future__ import annotations

import gc
import sys
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


def run(paths: list[str], *, store_path: Path | None = None) -> int:
    """Open the editor; returns the process exit code."""
    app = make_application()
    holder: list[MainWindow] = []
    handed, server = _single_instance([str(Path(p).resolve()) for p in paths], holder, store_path)
    if handed:
        return 0
    try:
        store = Store(store_path)
    except StoreError as exc:
        QMessageBox.critical(None, APP_TITLE, str(exc))
        return 2
    window = MainWindow(store)
    holder.append(window)
    window.open_last(lazy=True)
    collector = start_runtime(app, window)
    window.show()
    if paths:
        window.open_paths([str(p) for p in paths])
    code = app.exec()
    server.close()
    store.close()
    collector.stop()
    return code
