"""Shared fixtures for every Qt test of the editor (pytest-qt, offscreen).

- Each test gets private ``QSettings`` (INI files in a temporary folder), so window geometry,
  the last draft and the recent list never leak between tests or into the user's settings.
- ``store``: a real SQLite store in the test's temporary folder.
- ``window``: a shown :class:`ui.main_window.MainWindow` (1366×768) on ``store`` with the
  built-in sample open as a new draft. ``window.session`` is the DraftSession (contract C8);
  find inputs by field path: ``window.findChild(QLineEdit, "unit.credit_code")``.
- ``empty_window``: the same with an empty draft.
- ``open_window(store, draft=None)``: a factory for more windows (a second window on the same
  store, another draft); each is closed at the end of the test.

Helpers for typing: :func:`type_text` (ASCII through ``qtbot.keyClicks``) and :func:`commit_text`
(any text, Chinese included, through a ``QInputMethodEvent`` as an input method commits it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QWidget

from forms.draft import Draft
from forms.sample import sample_draft
from forms.store import Store

# Offscreen-platform notices that say nothing about the editor.
_QT_NOISE = ("propagateSizeHints", "does not support raise()")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_ignore(*(re.escape(t) for t in _QT_NOISE)))


@pytest.fixture(autouse=True)
def _private_settings(qapp, tmp_path_factory):
    from ui.qtsetup import setup_application

    setup_application(qapp)
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      str(tmp_path_factory.mktemp("settings")))
    yield
    QApplication.clipboard().clear()


@pytest.fixture(autouse=True)
def _gc_on_gui_thread(qapp):
    """As in the editor (ui.app.run): garbage collected on the GUI thread only, never by a worker."""
    from ui.gcguard import MainThreadCollector

    collector = MainThreadCollector(qapp)
    yield
    collector.stop()


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "drafts.sqlite3")
    yield s
    s.close()


@pytest.fixture
def open_window(qtbot):
    from ui.main_window import MainWindow

    made = []

    def factory(store: Store, draft: Draft | None = None, *, draft_id: str | None = None):
        window = MainWindow(store)
        qtbot.addWidget(window)
        if draft_id is not None:
            window.open_draft(draft_id)
        elif draft is not None:
            window.new_draft(draft)
        else:
            window.open_last()
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        made.append(window)
        return window

    yield factory
    for window in made:
        window.close()


@pytest.fixture
def window(store, open_window):
    return open_window(store, sample_draft())


@pytest.fixture
def empty_window(store, open_window):
    return open_window(store, Draft())


def find(window: QWidget, path: str, cls=QWidget) -> QWidget:
    """The (first) input widget of a field path; fails clearly when there is none."""
    widget = window.findChild(cls, path)
    assert widget is not None, f"no widget named {path!r}"
    return widget


def focus(window, path: str) -> QWidget:
    """Bring the field into view and give it the keyboard focus, as a click would."""
    assert window.focus_path(path), path
    widget = QApplication.focusWidget()
    assert widget is not None and widget.objectName() == path, (path, widget)
    return widget


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """ASCII typed key by key."""
    qtbot.keyClicks(widget, text)


def commit_text(widget: QWidget, text: str) -> None:
    """Text (Chinese included) committed by an input method, as the IME does."""
    event = QInputMethodEvent("", [])
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)
