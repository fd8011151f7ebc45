"""Autosave into the store, reopening the last draft at the last field, the drafts list."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLineEdit, QPushButton, QTableWidget

from forms.draft import Draft
from forms.sample import sample_draft
from tests.ui.conftest import commit_text, focus
from ui.drafts_dialog import DraftsDialog
from ui.session import SAVE_DELAY_MS

LEFT = Qt.MouseButton.LeftButton


def test_autosave_then_a_second_window_on_the_same_store_shows_the_text(qtbot, store, window):
    edit = focus(window, "unit.address")
    edit.selectAll()
    with qtbot.waitSignal(window.session.saved, timeout=1000):  # within a second, no save button
        commit_text(edit, "上海市徐汇区漕溪北路1号")
    assert window.findChild(QLabel, "save_state").text().startswith("已保存 ")
    second = type(window)(store)
    qtbot.addWidget(second)
    second.open_draft(window.session.draft_id)
    assert second.findChild(QLineEdit, "unit.address").text() == "上海市徐汇区漕溪北路1号"
    second.close()


def test_autosave_delay_is_under_a_second():
    assert SAVE_DELAY_MS < 1000


def test_closing_saves_what_was_typed_and_asks_nothing(qtbot, store, open_window):
    window = open_window(store, Draft())
    draft_id = window.session.draft_id
    edit = focus(window, "unit.name")
    commit_text(edit, "刚刚输入")
    window.close()  # no dialog: the test would hang on one
    assert store.load(draft_id).get("unit.name") == "刚刚输入"


def test_start_reopens_the_last_draft_at_the_last_field(qtbot, store, open_window):
    first = open_window(store, sample_draft())
    focus(first, "team.leader.specialty")
    draft_id = first.session.draft_id
    first.close()
    store.create(Draft())  # a newer draft does not matter: the last one opened does
    again = open_window(store)
    assert again.session.draft_id == draft_id
    assert QApplication.focusWidget().objectName() == "team.leader.specialty"


def test_empty_store_starts_with_the_sample_as_a_new_draft(qtbot, store, open_window):
    window = open_window(store)
    assert window.session.draft == sample_draft()
    assert [d.id for d in store.list_drafts()] == [window.session.draft_id]


def test_drafts_list_search_duplicate_delete_restore(qtbot, store):
    a = store.create(sample_draft())
    empty = Draft()
    empty.set("unit.name", "另一家单位")
    b = store.create(empty)
    dialog = DraftsDialog(store, a)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "drafts.list")
    assert table.rowCount() == 2
    when = table.item(0, 1).text()
    assert when.endswith("（刚刚）")  # the moment and how long ago, not elided
    assert table.columnWidth(1) >= table.sizeHintForColumn(1)  # what its texts need, margins included
    dialog.search.setText("另一家")
    assert table.rowCount() == 1 and dialog.selected_id() == b
    qtbot.mouseClick(dialog.buttons["duplicate"], LEFT)
    assert table.rowCount() == 2 and len(store.list_drafts()) == 3
    qtbot.mouseClick(dialog.buttons["delete"], LEFT)
    assert len(store.list_drafts()) == 2
    dialog.findChild(QCheckBox, "drafts.trash").setChecked(True)
    assert table.rowCount() == 1
    deleted = dialog.selected_id()
    qtbot.mouseClick(dialog.buttons["restore"], LEFT)
    assert deleted in [d.id for d in store.list_drafts()]
    dialog.search.clear()
    assert table.rowCount() == 3
    problems = [table.item(r, 2).text() for r in range(3)]
    assert "无错误" in problems and any("错误" in p and p != "无错误" for p in problems)


def test_drafts_list_keeps_how_long_ago_true_while_it_stays_open(qtbot, store, monkeypatch):
    import datetime as dt

    from ui import ago

    monkeypatch.setattr(ago, "REFRESH_MS", 20)
    store.create(sample_draft())
    dialog = DraftsDialog(store)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "drafts.list")
    first = table.item(0, 1).text()
    assert first.endswith("（刚刚）")
    dialog.times.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)  # the dialog left open
    qtbot.waitUntil(lambda: table.item(0, 1).text().endswith("（5分钟前）"), timeout=5000)
    assert table.item(0, 1).text().split("（")[0] == first.split("（")[0]  # the moment itself stays
    dialog.times.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)  # and again: not once only
    qtbot.waitUntil(lambda: table.item(0, 1).text().endswith("（2小时前）"), timeout=5000)
    dialog.search.setText("没有这家单位")  # the rows replaced: the clock forgets the old ones
    qtbot.wait(100)
    dialog.search.clear()
    qtbot.waitUntil(lambda: table.item(0, 1).text().endswith("（2小时前）"), timeout=5000)


def test_open_from_the_list_and_deleting_the_open_draft(qtbot, store, window):
    other = Draft()
    other.set("unit.name", "第二份草稿")
    other_id = store.create(other)
    current = window.session.draft_id

    def pick(dialog: DraftsDialog) -> None:
        dialog.search.setText("第二份")
        qtbot.mouseClick(dialog.findChild(QPushButton, "drafts.open"), LEFT)

    QTimer.singleShot(0, lambda: pick(QApplication.activeModalWidget()))
    window.actions_by_name["open"].trigger()
    assert window.session.draft_id == other_id
    assert window.findChild(QLineEdit, "unit.name").text() == "第二份草稿"

    def delete_open(dialog: DraftsDialog) -> None:
        dialog.search.setText("第二份")
        qtbot.mouseClick(dialog.buttons["delete"], LEFT)
        dialog.reject()

    QTimer.singleShot(0, lambda: delete_open(QApplication.activeModalWidget()))
    window.actions_by_name["open"].trigger()
    assert window.session.draft_id == current  # the trashed draft is not left open


def test_new_draft_is_empty_and_stored(qtbot, store, window):
    window.actions_by_name["new"].trigger()
    assert window.session.draft == Draft()
    assert len(store.list_drafts()) == 2
