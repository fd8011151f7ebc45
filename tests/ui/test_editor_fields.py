"""Typing into fields: ASCII and Chinese input, checks while typing, problems panel, 字 counter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLabel, QListWidget

from forms.definition import SCALAR_TYPES
from forms.text import count_zi
from tests.ui.conftest import commit_text, focus, type_text
from ui.fields import EDITORS


def rows_of(window) -> list[dict]:
    view = window.findChild(QAbstractItemView, "problems")
    model = view.model()
    return [model.index(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(model.rowCount())]


def test_every_field_type_has_an_editor():
    assert SCALAR_TYPES <= set(EDITORS)


def test_ascii_typing_reaches_the_draft(qtbot, empty_window):
    edit = focus(empty_window, "unit.credit_code")
    type_text(qtbot, edit, "91310115MA1FL3K293")
    assert empty_window.session.get("unit.credit_code") == "91310115MA1FL3K293"


def test_chinese_through_the_input_method(qtbot, empty_window):
    edit = focus(empty_window, "unit.name")
    commit_text(edit, "上海临港")
    commit_text(edit, "芯链科技有限公司")
    assert edit.text() == "上海临港芯链科技有限公司"
    assert empty_window.session.get("unit.name") == "上海临港芯链科技有限公司"


def test_chinese_in_a_long_text(qtbot, empty_window):
    edit = focus(empty_window, "capability")
    commit_text(edit, "产学研合作")
    assert empty_window.session.get("capability") == "产学研合作"


def test_bad_id_shows_in_problems_with_its_code_and_goes_when_fixed(qtbot, window):
    path = "people.contact.id_number"
    good = window.session.get(path)
    edit = focus(window, path)
    edit.selectAll()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    type_text(qtbot, edit, bad)
    qtbot.waitUntil(lambda: {"path": path, "code": "id_checksum", "severity": "error"} in rows_of(window))
    assert edit.property("problem") == "error"
    message = edit.parent().findChild(QLabel, "message")
    assert message.isVisible() and "校验" in message.text() or message.text()
    edit.selectAll()
    type_text(qtbot, edit, good)
    qtbot.waitUntil(lambda: not any(r["path"] == path for r in rows_of(window)))
    assert edit.property("problem") == ""
    assert rows_of(window) == []


def test_problem_count_in_the_parts_list(qtbot, window):
    edit = focus(window, "unit.postcode")
    edit.selectAll()
    type_text(qtbot, edit, "12")
    parts = window.findChild(QListWidget, "parts")
    qtbot.waitUntil(lambda: parts.item(2).text().endswith("（1）"))


def test_activating_a_problem_focuses_its_field(qtbot, window):
    path = "team.leader.education"
    window.session.edit(path, "")
    window.show_part("cover")
    view = window.findChild(QAbstractItemView, "problems")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    view.activated.emit(view.model().index(0, 0))
    assert QApplication.focusWidget().objectName() == path
    assert window.stack.currentWidget().widget().objectName() == "part.team"


def test_activating_a_member_problem_selects_its_cell(qtbot, window):
    window.session.edit("team.members[3].task", "")
    view = window.findChild(QAbstractItemView, "problems")
    qtbot.waitUntil(lambda: view.model().rowCount() == 1)
    view.activated.emit(view.model().index(0, 0))
    table = window.findChild(QAbstractItemView, "team.members")
    assert QApplication.focusWidget() is table
    assert table.currentIndex().row() == 3
    assert table.model().columns[table.currentIndex().column()].key == "task"


@pytest.mark.parametrize("n, red", [(999, False), (1000, False), (1001, True)])
def test_zi_counter_at_the_limit(qtbot, empty_window, n, red):
    edit = focus(empty_window, "capability")
    text = "字" * (n - 2) + "AI" + "。"  # a Latin run counts one
    assert count_zi(text) == n
    commit_text(edit, text)
    counter = empty_window.findChild(QLabel, "capability.counter")
    assert counter.text() == f"已输入 {n} / 1000 字"
    assert (counter.property("problem") == "error") is red
    codes = {p.code for p in empty_window.session.problems if p.path == "capability"}
    assert ("too_long" in codes) is red
    assert empty_window.session.get("capability") == text  # nothing is ever cut


def test_number_fields_take_what_people_paste(qtbot, empty_window):
    edit = focus(empty_window, "unit.bank_account")
    commit_text(edit, "１００１ ２８００-0900")
    assert empty_window.session.get("unit.bank_account") == "100128000900"
    focus(empty_window, "unit.postcode")  # leaving the field shows the normalised value
    assert edit.text() == "100128000900"


def test_rare_ext_b_names_are_not_cut(qtbot, empty_window):
    edit = focus(empty_window, "people.leader.name")
    commit_text(edit, "𠈌" * 50)
    assert empty_window.session.get("people.leader.name") == "𠈌" * 50
    assert not [p for p in empty_window.session.problems if p.path == "people.leader.name" and p.code == "too_long"]
    assert edit.maxLength() == 32767  # never QLineEdit.setMaxLength


def test_status_bar_shows_the_fields_zi_count_and_fingerprint(qtbot, window):
    focus(window, "unit.name")
    zi = window.findChild(QLabel, "zi_count")
    assert zi.text() == f"本栏 {count_zi(window.session.get('unit.name'))} 字"
    assert window.findChild(QLabel, "fingerprint").text() == f"校验码 {window.session.draft.fingerprint()}"


def test_year_field_refuses_text_without_losing_it(qtbot, window):
    table = window.findChild(QAbstractItemView, "unit.partners")
    model = table.model()
    col = [c.key for c in model.columns].index("since")
    messages = []
    model.input_refused.connect(messages.append)
    assert not model.setData(model.index(0, col), "二零一六")
    assert messages and window.session.get("unit.partners[0].since") == 2016


def test_keystrokes_that_change_no_problem_do_not_redraw_the_marks(qtbot, window):
    """Most keystrokes change no problem: the views (marks, parts list, problems panel) are told
    only when the problems differ, and at once when they do."""
    emitted: list[list] = []
    window.session.problems_changed.connect(emitted.append)
    edit = focus(window, "unit.address")
    type_text(qtbot, edit, "12")
    assert "12" in window.session.get("unit.address")
    assert emitted == []
    edit = focus(window, "unit.postcode")
    edit.selectAll()
    type_text(qtbot, edit, "12")
    assert emitted and any(p.path == "unit.postcode" for p in emitted[-1])
    assert edit.property("problem") == "error"


def test_a_whole_draft_check_that_finds_the_same_problems_tells_only_that_it_ran(qtbot, window):
    emitted, checked = [], []
    window.session.check_now()
    window.session.problems_changed.connect(emitted.append)
    window.session.checked.connect(lambda: checked.append(True))
    window.session.check_now()
    assert checked == [True] and emitted == []


def test_an_editor_cleared_by_the_collector_ignores_the_events_of_its_input(qtbot, window):
    """Closing a window leaves its editors to the garbage collector, which clears their
    attributes before Qt deletes the widgets; an input's last events must not raise then."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QFocusEvent

    from ui.fields import make_editor

    editor = make_editor(window.session, "unit.address")
    qtbot.addWidget(editor)
    line = editor.input
    editor.__dict__.clear()  # what the collector's tp_clear does to a wrapper in a cycle
    QApplication.sendEvent(line, QFocusEvent(QEvent.Type.FocusIn))
    QApplication.sendEvent(line, QFocusEvent(QEvent.Type.FocusOut))
