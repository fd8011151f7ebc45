"""The leader as one value in 一 and 四, conditional fields, undo/redo, the test edition."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPlainTextEdit, QWidget

from forms.definition import add_edition_dir, get_form
from forms.draft import Draft
from tests.ui.conftest import commit_text, focus, type_text


def inputs(window, path: str, cls=QWidget) -> list[QWidget]:
    return [w for w in window.findChildren(cls, path)]


def page_of_widget(widget: QWidget) -> str:
    while widget is not None and not widget.objectName().startswith("part."):
        widget = widget.parentWidget()
    return widget.objectName() if widget is not None else ""


def test_the_leader_is_one_value_shown_in_both_parts(qtbot, window):
    for key in ("name", "id_number", "phone", "email"):
        path = f"people.leader.{key}"
        edits = inputs(window, path, QLineEdit)
        assert sorted(page_of_widget(e) for e in edits) == ["part.team", "part.unit_info"], path
    first, second = sorted(inputs(window, "people.leader.name", QLineEdit), key=page_of_widget, reverse=True)
    assert page_of_widget(first) == "part.unit_info"
    window.show_part("unit_info")
    first.setFocus()
    first.selectAll()
    commit_text(first, "林雨")
    assert second.text() == "林雨"
    assert window.session.get("people.leader.name") == "林雨"


def test_nature_other_reveals_its_text_field(qtbot, empty_window):
    other = inputs(empty_window, "unit.nature_other", QLineEdit)[0]
    holder = other.parentWidget()
    assert holder.isHidden()
    combo = inputs(empty_window, "unit.nature", QComboBox)[0]
    combo.setCurrentIndex(combo.findText("其他"))
    assert not holder.isHidden()
    qtbot.waitUntil(lambda: any(p.path == "unit.nature_other" and p.code == "required"
                                for p in empty_window.session.problems))
    combo.setCurrentIndex(combo.findText("企业"))
    assert holder.isHidden()


def test_bank_rows_are_exempt_when_the_exemption_is_ticked(qtbot, window):
    for path in ("unit.bank_name", "unit.bank_account"):
        window.session.edit(path, "", typing=False)
    qtbot.waitUntil(lambda: {p.path for p in window.session.problems} == {"unit.bank_name", "unit.bank_account"})
    box = inputs(window, "unit.bank_exempt", QCheckBox)[0]
    assert "不打印" in box.text()
    box.setChecked(True)
    qtbot.waitUntil(lambda: window.session.problems == [])
    name = inputs(window, "unit.bank_name", QLineEdit)[0]
    assert name.placeholderText() == "免填"
    hint = name.parentWidget().hint_label
    assert not hint.isHidden() and hint.text().startswith("免填")
    box.setChecked(False)
    qtbot.waitUntil(lambda: len(window.session.problems) == 2)
    assert name.placeholderText() != "免填"


def test_public_institution_class_one_needs_no_bank(qtbot, window):
    window.session.edit("unit.bank_name", "", typing=False)
    combo = inputs(window, "unit.nature", QComboBox)[0]
    combo.setCurrentIndex(combo.findText("公益一类事业单位"))
    qtbot.waitUntil(lambda: not any(p.path == "unit.bank_name" for p in window.session.problems))
    assert inputs(window, "unit.bank_name", QLineEdit)[0].placeholderText() == "免填"


def test_a_park_shows_the_hint_and_needs_the_company(qtbot, window):
    name = inputs(window, "unit.name", QLineEdit)[-1]  # the one in 一 (the cover comes first)
    hint = name.parentWidget().hint_label
    assert hint.isHidden()
    combo = inputs(window, "unit.type", QComboBox)[0]
    combo.setCurrentIndex(combo.findText("科技型园区"))
    assert not hint.isHidden() and "xx园区；xx公司" in hint.text()
    qtbot.waitUntil(lambda: any(p.code == "park_company_missing" for p in window.session.problems))
    window.show_part("unit_info")
    name.setFocus()
    name.end(False)
    commit_text(name, "；上海临港园区管理有限公司")
    qtbot.waitUntil(lambda: not any(p.code == "park_company_missing" for p in window.session.problems))


def test_typing_in_one_field_is_one_undo_step(qtbot, empty_window):
    session = empty_window.session
    edit = focus(empty_window, "unit.address")
    type_text(qtbot, edit, "abc")
    commit_text(edit, "路")
    assert session.undo_stack.count() == 1
    other = focus(empty_window, "unit.postcode")
    type_text(qtbot, other, "200030")
    assert session.undo_stack.count() == 2
    qtbot.keyClick(other, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the window's undo
    assert session.get("unit.postcode") == "" and other.text() == ""
    qtbot.keyClick(other, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.get("unit.address") == "" and edit.text() == ""
    qtbot.keyClick(other, Qt.Key.Key_Y, Qt.KeyboardModifier.ControlModifier)
    assert session.get("unit.address") == "abc路" and edit.text() == "abc路"


def test_undo_in_a_long_text(qtbot, empty_window):
    session = empty_window.session
    edit = focus(empty_window, "plan")
    assert isinstance(edit, QPlainTextEdit)
    commit_text(edit, "第一段")
    qtbot.keyClick(edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert session.get("plan") == "" and edit.toPlainText() == ""


def test_choice_changes_are_undoable(qtbot, window):
    combo = inputs(window, "team.leader.gender", QComboBox)[0]
    combo.setCurrentIndex(combo.findText("男"))
    assert window.session.get("team.leader.gender") == "男"
    window.actions_by_name["undo"].trigger()
    assert window.session.get("team.leader.gender") == "女" and combo.currentText() == "女"


def test_the_test_edition_opens_with_no_code_change(qtbot, store, open_window):
    add_edition_dir(Path(__file__).resolve().parents[1] / "editions")
    form = get_form("test-consortium-2024")
    window = open_window(store, Draft(form))
    names = [p.objectName() for p in window.pages]
    assert names == [f"part.{p['id']}" for p in form.parts]
    for path in ("unit.name", "unit.credit_code", "unit.main_business", "unit.type", "cover.date"):
        assert window.findChild(QWidget, path) is not None, path
    edit = focus(window, "unit.main_business")
    commit_text(edit, "主营")
    assert window.session.get("unit.main_business") == "主营"


def test_a_problem_of_the_leader_is_marked_in_both_parts(qtbot, store, open_window):
    """The leader's number is shown in 一 and 四: a problem known when the pages are built is
    marked on both editors, and it goes from both when fixed."""
    from forms.sample import sample_draft

    draft = sample_draft()
    good = draft.get("people.leader.id_number")
    draft.set("people.leader.id_number", good[:-1] + ("0" if good[-1] != "0" else "1"))
    window = open_window(store, draft)
    edits = inputs(window, "people.leader.id_number", QLineEdit)
    assert len(edits) == 2
    assert [e.property("problem") for e in edits] == ["error", "error"]
    counts = {window.parts.item(i).data(Qt.ItemDataRole.UserRole): window.parts.item(i).data(Qt.ItemDataRole.UserRole + 1)
              for i in range(window.parts.count())}
    assert counts["unit_info"] >= 1 and counts["team"] >= 1  # counted in each part showing it
    window.session.edit("people.leader.id_number", good, typing=False)
    assert [e.property("problem") for e in edits] == ["", ""]
