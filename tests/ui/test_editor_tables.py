"""Tables over lists: paste of Excel/WPS blocks, undo, copy out, rows, 序号, the leader action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QApplication, QPushButton

from forms.sample import sample_draft
from tests.forms.idgen import make_id
from ui.table import format_block, parse_block

MEMBER_KEYS = ["name", "id_number", "department", "title", "education", "specialty", "task", "id_type"]


def members_view(window) -> QAbstractItemView:
    view = window.findChild(QAbstractItemView, "team.members")
    assert view is not None
    return view


def block_3x8() -> list[list[str]]:
    rows = []
    for i, name in enumerate(("甲一", "乙二", "丙三")):
        rows.append([name, make_id(seq=500 + i), "研发部", "工程师", "硕士研究生", "材料", f"任务{i}", "居民身份证"])
    return rows


def test_columns_follow_the_printed_form_then_the_unprinted(window):
    model = members_view(window).model()
    assert [c.key for c in model.columns] == MEMBER_KEYS
    assert model.columns[-1].label.endswith("（不打印）")
    assert model.headerData(0, Qt.Orientation.Vertical) == "1"  # 序号 is the position
    assert members_view(window).corner.text() == "序号" and not members_view(window).corner.isHidden()


def test_paste_3x8_block_adds_rows_and_undo_removes_it(qtbot, empty_window):
    session = empty_window.session
    view = members_view(empty_window)
    empty_window.focus_path("team.members")
    block = block_3x8()
    QGuiApplication.clipboard().setText(format_block(block))
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = session.get("team.members")
    assert [[r[k] for k in MEMBER_KEYS] for r in rows] == block
    assert view.model().rowCount() == 3
    assert session.undo_stack.count() == 1  # the paste is one command
    empty_window.actions_by_name["undo"].trigger()
    assert session.get("team.members") == []
    assert view.model().rowCount() == 0
    empty_window.actions_by_name["redo"].trigger()
    assert [[r[k] for k in MEMBER_KEYS] for r in session.get("team.members")] == block


def test_paste_at_the_current_cell_overwrites_and_extends(qtbot, window):
    session = window.session
    view = members_view(window)
    before = len(session.get("team.members"))
    view.setCurrentIndex(view.model().index(before - 1, 6))  # the last row's 承担任务
    QGuiApplication.clipboard().setText("新任务一\r\n新任务二\r\n")
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    rows = session.get("team.members")
    assert len(rows) == before + 1
    assert rows[before - 1]["task"] == "新任务一" and rows[before]["task"] == "新任务二"
    assert rows[before]["name"] == ""


def test_a_copied_serial_number_column_is_skipped(empty_window):
    model = members_view(empty_window).model()
    block = [["1", *block_3x8()[0]]]
    model.paste(0, 0, block)
    assert empty_window.session.get("team.members[0].name") == "甲一"


def test_quoted_cells_with_line_breaks_round_trip():
    rows = [["a\tb", '说"明"', "两\n行"], ["x", "", "y"]]
    assert parse_block(format_block(rows)) == rows
    assert format_block([["a", "b"]]) == "a\tb\r\n"


def test_copy_out_as_tab_separated_rows(qtbot, window):
    view = members_view(window)
    model = view.model()
    view.selectionModel().select(model.index(0, 0), view.selectionModel().SelectionFlag.Select)
    view.selectionModel().select(model.index(1, 0), view.selectionModel().SelectionFlag.Select)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    names = [r["name"] for r in window.session.get("team.members")[:2]]
    assert QGuiApplication.clipboard().text() == "\r\n".join(names) + "\r\n"


def test_add_insert_remove_move_rows(qtbot, window):
    session = window.session
    names = [r["name"] for r in session.get("team.members")]
    view = members_view(window)
    click = lambda name: qtbot.mouseClick(window.findChild(QPushButton, f"team.members.{name}"), Qt.MouseButton.LeftButton)
    click("add")
    assert len(session.get("team.members")) == len(names) + 1
    view.setCurrentIndex(view.model().index(1, 0))
    click("down")
    assert [r["name"] for r in session.get("team.members")][:3] == [names[0], names[2], names[1]]
    click("up")
    assert [r["name"] for r in session.get("team.members")][:3] == names[:3]
    view.setCurrentIndex(view.model().index(0, 0))
    click("insert")
    assert session.get("team.members[0].name") == "" and session.get("team.members[1].name") == names[0]
    view.selectRow(0)
    click("remove")
    assert [r["name"] for r in session.get("team.members")][:len(names)] == names


def test_typing_into_a_cell(qtbot, empty_window):
    session = empty_window.session
    session.insert_row("team.members")
    view = members_view(empty_window)
    view.setCurrentIndex(view.model().index(0, 6))
    view.setFocus()
    qtbot.keyClick(view, "l")  # the first key opens the cell's editor (from the registry)
    editor = QApplication.focusWidget()
    assert editor.objectName() == "team.members[0].task"
    qtbot.keyClicks(editor, "ead")
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # the delegate commits on a queued call
    qtbot.waitUntil(lambda: session.get("team.members[0].task") == "lead")


def test_cells_with_problems_are_marked(qtbot, window):
    view = members_view(window)
    window.session.edit("team.members[2].id_number", "123")
    qtbot.waitUntil(lambda: view.model().index(2, 1).data(Qt.ItemDataRole.ToolTipRole) is not None)
    assert view.model().index(2, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert view.model().index(2, 0).data(Qt.ItemDataRole.ToolTipRole) is None


def test_the_leader_action_puts_the_leader_into_the_member_table(qtbot, store, open_window):
    draft = sample_draft()
    draft.data["team"]["members"] = draft.data["team"]["members"][1:]
    window = open_window(store, draft)
    session = window.session
    assert any(p.code == "leader_not_in_members" for p in session.problems)
    qtbot.mouseClick(window.findChild(QPushButton, "team.members.add_leader"), Qt.MouseButton.LeftButton)
    first = session.get("team.members[0]")
    assert first["name"] == "林雨桐" and first["id_number"] == session.get("people.leader.id_number")
    assert first["education"] == "博士研究生" and first["department"] == "知识产权运营中心"
    qtbot.waitUntil(lambda: not any(p.code == "leader_not_in_members" for p in session.problems))
    count = len(session.get("team.members"))
    qtbot.mouseClick(window.findChild(QPushButton, "team.members.add_leader"), Qt.MouseButton.LeftButton)
    assert len(session.get("team.members")) == count  # already there: selected, not added twice


def test_the_serial_column_is_measured_again_when_the_row_count_gains_a_digit(qtbot, empty_window):
    """The 序号 header keeps Qt's measured size between edits (Qt would measure every row label
    again at each re-wrapped cell) and measures again when the numbers get longer."""
    from PySide6.QtWidgets import QHeaderView

    header = members_view(empty_window).verticalHeader()
    session = empty_window.session
    session.run("添加", lambda: [session.model.insert_row("team.members") for _ in range(9)])
    assert header.count() == 9
    assert header.sizeHint() == QHeaderView.sizeHint(header)
    session.run("添加", lambda: [session.model.insert_row("team.members") for _ in range(91)])
    assert header.count() == 100
    assert header.sizeHint() == QHeaderView.sizeHint(header)
