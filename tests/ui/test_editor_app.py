"""ui.app.run: the program's start with no file (the sample as a new draft in an empty store)."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from forms.sample import sample_draft
from forms.store import Store
from ui.app import run
from ui.main_window import MainWindow


def test_run_opens_the_sample_in_an_empty_store_and_returns_when_closed(qtbot, tmp_path):
    store_path = tmp_path / "drafts.sqlite3"
    seen = {}

    def look_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
        seen["count"] = len(windows)
        seen["draft"] = windows[0].session.draft if windows else None
        for w in windows:
            w.close()

    QTimer.singleShot(0, look_and_close)
    assert run([], store_path=store_path) == 0
    assert seen["count"] == 1
    assert seen["draft"] == sample_draft()
    with Store(store_path) as store:
        assert [d.unit_name for d in store.list_drafts()] == [sample_draft().unit_name]
