"""Every field reachable: from an empty draft, the whole built-in sample is entered through the
widgets alone — keys, input-method commits, combo boxes driven by the keyboard, table pastes and
the attachments page's add button — and the result is the sample exactly, with no problems.

This proves that every path of the definition has a working editor (no ``Draft.set`` here)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
)

from forms.sample import SAMPLE_ATTACHMENT, SAMPLE_DIR, sample_draft
from tests.ui.conftest import commit_text
from ui.fields import value_to_text
from ui.placement import placed_paths
from ui.table import format_block


def scalar_paths(form) -> list[str]:
    out = []
    for fdef in form.fields:
        if fdef.type == "record":
            out += [f"{fdef.path}.{sub.key}" for sub in fdef.record.fields]
        elif fdef.type != "list":
            out.append(fdef.path)
    return out


def enter(qtbot, window, path: str, value) -> None:
    assert window.focus_path(path), path
    widget = QApplication.focusWidget()
    assert widget is not None and widget.objectName() == path, path
    if isinstance(widget, QComboBox):
        target = widget.findData(value)
        assert target >= 0, (path, value)
        key = Qt.Key.Key_Down if target > widget.currentIndex() else Qt.Key.Key_Up
        while widget.currentIndex() != target:
            qtbot.keyClick(widget, key)
    elif isinstance(widget, QCheckBox):
        if widget.isChecked() != bool(value):
            qtbot.keyClick(widget, Qt.Key.Key_Space)
    elif isinstance(widget, QPlainTextEdit):
        for i, line in enumerate(value.split("\n")):
            if i:
                qtbot.keyClick(widget, Qt.Key.Key_Return)
            if line:
                commit_text(widget, line)
    else:
        assert isinstance(widget, QLineEdit), path
        text = value_to_text(value)
        if text.isascii():
            qtbot.keyClicks(widget, text)
        else:
            commit_text(widget, text)


def paste_rows(qtbot, window, list_path: str, rows: list[dict], top: int = 0) -> None:
    assert window.focus_path(list_path)
    view = window.findChild(QAbstractItemView, list_path)
    model = view.model()
    block = [[value_to_text(row[c.key]) for c in model.columns] for row in rows]
    QGuiApplication.clipboard().setText(format_block(block))
    view.setCurrentIndex(model.index(top, 0)) if model.rowCount() > top else None
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def test_every_field_of_the_sample_can_be_entered_through_the_widgets(qtbot, empty_window, monkeypatch):
    window = empty_window
    sample = sample_draft()
    form = sample.form
    session = window.session

    for path in scalar_paths(form):
        value = sample.get(path)
        if value in (None, "", False) or value == session.get(path):
            continue
        enter(qtbot, window, path, value)
        assert session.get(path) == value, path

    for fdef in form.fields:
        if fdef.type == "list" and fdef.path != "attachments":
            paste_rows(qtbot, window, fdef.path, sample.get(fdef.path))
            assert session.get(fdef.path) == sample.get(fdef.path), fdef.path

    # attachments: through the attachments page's own add button and a replaced file dialog
    blob_path = SAMPLE_DIR / SAMPLE_ATTACHMENT
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a, **k: ([str(blob_path)], "")))
    window.focus_path("attachments")
    add = window.findChild(QPushButton, "attachments.add_files")
    qtbot.mouseClick(add, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(session.get("attachments")) == 1)
    row = sample.get("attachments")[0]
    view = window.findChild(QAbstractItemView, "attachments")
    view.setCurrentIndex(view.model().index(0, 0))
    QGuiApplication.clipboard().setText(format_block([[row["title"], row["category"]]]))
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    session.check_now()
    assert session.problems == []
    # The same data: attachment files compared by their bytes (the page files them under a
    # folder of its own), everything else value for value.
    assert session.draft.canonical_json() == sample.canonical_json()
    assert session.draft.fingerprint() == sample.fingerprint()


def test_every_declared_path_has_a_widget_or_a_table_column(qtbot, empty_window):
    form = empty_window.session.form
    for path in scalar_paths(form):
        assert empty_window.findChild(QLineEdit, path) or empty_window.findChild(QComboBox, path) \
            or empty_window.findChild(QCheckBox, path) or empty_window.findChild(QPlainTextEdit, path), path
    for fdef in form.fields:
        if fdef.type == "list":
            view = empty_window.findChild(QAbstractItemView, fdef.path)
            assert view is not None, fdef.path
            if fdef.path != "attachments":  # its file column is the page's file chooser
                assert {c.key for c in view.model().columns} == set(fdef.record.keys), fdef.path
    assert set(placed_paths(form)) <= set(scalar_paths(form)) | {f.path for f in form.fields}
