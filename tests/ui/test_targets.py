"""绩效目标计算器 (ui.targets): opened from 工具, judges each row as the clerk types, fills the
least targets, writes the sentence into part 三 as one undoable edit, remembers the figures."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton

from tests.ui.conftest import commit_text, type_text
from ui.main_window import settings
from ui.targets import SUMMARY_START, TargetsDialog, with_summary


def open_targets(window) -> TargetsDialog:
    window.actions_by_name["targets"].trigger()
    shown = [d for d in window.findChildren(TargetsDialog, "targets") if d.isVisible()]
    assert len(shown) == 1  # (a closed one may wait for its deleteLater)
    return shown[0]


def cell(dialog, key: str, column: str) -> QLineEdit:
    return dialog.findChild(QLineEdit, f"targets.{key}.{column}")


def result(dialog, key: str):
    return dialog.findChild(type(dialog.count), f"targets.{key}.result")


def test_the_calculator_is_in_the_tools_menu(window):
    menus = {m.title(): m for m in (a.menu() for a in window.menuBar().actions()) if m is not None}
    assert window.actions_by_name["targets"] in menus["工具(&T)"].actions()
    assert window.actions_by_name["targets"].objectName() == "action.targets"


def test_each_row_is_judged_as_the_clerk_types(qtbot, window):
    dialog = open_targets(window)
    type_text(qtbot, cell(dialog, "deals", "base"), "10")
    assert result(dialog, "deals").property("status") == "incomplete"
    assert result(dialog, "deals").text() == "按年均增幅 30% 计：2023年不少于17次（每年增长 30% 时，2022年为13次）"
    type_text(qtbot, cell(dialog, "deals", "2022"), "13")
    type_text(qtbot, cell(dialog, "deals", "2023"), "16")
    assert result(dialog, "deals").property("status") == "short"
    assert "年均增幅 26.4%，不足 30%：2023年至少应为17次" in result(dialog, "deals").text()
    assert result(dialog, "deals").property("problem") == "error"
    cell(dialog, "deals", "2023").setText("17")
    assert result(dialog, "deals").property("status") == "ok"
    assert result(dialog, "deals").text().startswith("✓ 年均增幅 30.3%")
    assert dialog.summary.toPlainText().startswith(SUMMARY_START)
    dialog.close()


def test_a_figure_typed_wrong_is_marked_and_not_replaced(qtbot, window):
    dialog = open_targets(window)
    commit_text(cell(dialog, "amount", "base"), "一百")  # Chinese numerals are not read
    assert result(dialog, "amount").property("status") == "unreadable"
    assert result(dialog, "amount").text() == "2021年：“一百”不是数字"
    assert cell(dialog, "amount", "base").property("problem") == "error"
    assert not dialog.insert_button.isEnabled()       # nothing complete to write
    cell(dialog, "amount", "base").setText("１００万元")  # full-width digits and the unit are fine
    cell(dialog, "amount", "2022").setText("12.345")
    assert result(dialog, "amount").text() == "2022年目标：最多保留 2 位小数"
    dialog.fill_minimums()
    assert cell(dialog, "amount", "2022").text() == "12.345"   # the clerk's to correct
    assert cell(dialog, "amount", "2023").text() == "169.00"
    dialog.close()


def test_fill_raises_only_what_is_empty_or_too_low(qtbot, window):
    """Empty targets get 30 % a year; only a 2023 target can be too low (the guide asks for the
    average), so a 2022 target the clerk typed stays even below 30 %."""
    dialog = open_targets(window)
    cell(dialog, "amount", "base").setText("100")
    cell(dialog, "amount", "2022").setText("110")        # below 130: kept
    cell(dialog, "deals", "base").setText("10")
    cell(dialog, "deals", "2023").setText("25")          # higher than needed: kept
    cell(dialog, "received", "base").setText("33.33")
    cell(dialog, "received", "2022").setText("50")        # kept
    cell(dialog, "received", "2023").setText("50")        # too low: raised
    cell(dialog, "patents", "base").setText("0")          # no rate from 0: left alone
    dialog.fill_minimums()
    assert [cell(dialog, "deals", c).text() for c in ("2022", "2023")] == ["13", "25"]
    assert [cell(dialog, "received", c).text() for c in ("2022", "2023")] == ["50", "56.33"]
    assert [cell(dialog, "patents", c).text() for c in ("2022", "2023")] == ["", ""]
    assert [cell(dialog, "amount", c).text() for c in ("2022", "2023")] == ["110", "169.00"]
    assert result(dialog, "patents").property("status") == "zero_base"
    assert [result(dialog, k).property("status") for k in ("deals", "received", "amount")] == ["ok"] * 3
    assert dialog.summary.toPlainText().endswith("以上指标年均增幅均不少于30%。")
    dialog.close()


def test_writing_to_part_three_is_one_undoable_edit_that_replaces_its_earlier_sentence(qtbot, window):
    session = window.session
    before = session.get("plan")
    dialog = open_targets(window)
    cell(dialog, "deals", "base").setText("10")
    dialog.fill_minimums()
    summary = dialog.summary.toPlainText()
    assert summary.startswith(SUMMARY_START) and "由10次增至2022年的13次、2023年的17次" in summary
    assert dialog.write_to_plan()
    assert session.get("plan") == with_summary(before, summary)
    assert session.get("plan").startswith(before.rstrip("\n")) and session.get("plan").endswith("\n" + summary)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().objectName() == "plan")
    assert not dialog.isVisible()
    plan_editor = QApplication.focusWidget()
    assert plan_editor.textCursor().block().text() == summary  # the cursor shows what was written

    dialog = open_targets(window)                        # the figures come back …
    assert cell(dialog, "deals", "2023").text() == "17"
    cell(dialog, "deals", "2023").setText("20")          # … and a second write replaces the first
    dialog.write_to_plan()
    plan = session.get("plan")
    assert plan.count(SUMMARY_START) == 1 and "2023年的20次" in plan and plan.startswith(before.rstrip("\n"))

    window.actions_by_name["undo"].trigger()
    assert "2023年的17次" in session.get("plan")
    window.actions_by_name["undo"].trigger()
    assert session.get("plan") == before


def test_the_count_says_when_part_three_would_go_over_its_limit(qtbot, window):
    window.session.edit("plan", "字" * 1990, typing=False)
    dialog = open_targets(window)
    cell(dialog, "deals", "base").setText("10")
    dialog.fill_minimums()
    assert "超出" in dialog.count.text() and "/ 2000 字" in dialog.count.text()
    assert dialog.count.property("problem") == "error"
    dialog.close()


def test_a_short_target_is_pointed_out_before_writing(qtbot, window):
    dialog = open_targets(window)
    for column, text in (("base", "100"), ("2022", "120"), ("2023", "150")):
        cell(dialog, "received", column).setText(text)
    assert dialog.insert_button.isEnabled()              # the clerk may still write it …
    assert dialog.count.text().endswith("。注意：实际到账金额的目标未达到年均增幅30%")  # … told first
    assert dialog.count.property("problem") == "error"
    assert "均不少于30%" not in dialog.summary.toPlainText()
    dialog.close()


def test_typed_markup_is_shown_as_typed(qtbot, window):
    dialog = open_targets(window)
    cell(dialog, "deals", "base").setText("<b>12</b>")
    label = result(dialog, "deals")
    assert label.text() == "2021年：“<b>12</b>”不是数字"
    assert label.textFormat() == Qt.TextFormat.PlainText
    dialog.close()


def test_damaged_settings_open_an_empty_calculator(qtbot, window):
    key = f"targets/{window.session.draft_id}"
    for damaged in ("[" * 100000, "{not json", '["a list"]', '{"deals.base": 12}'):
        settings().setValue(key, damaged)
        dialog = open_targets(window)
        assert cell(dialog, "deals", "base").text() == ""
        dialog.close()


def test_the_figures_belong_to_their_draft(qtbot, window):
    dialog = open_targets(window)
    cell(dialog, "patents", "base").setText("8")
    dialog.close()
    dialog = open_targets(window)
    assert cell(dialog, "patents", "base").text() == "8"
    dialog.close()
    window.new_draft()
    assert cell(open_targets(window), "patents", "base").text() == ""


def test_with_summary_replaces_its_paragraph_or_adds_one():
    assert with_summary("", "绩效目标：以2021年为基数X") == "绩效目标：以2021年为基数X"
    assert with_summary("方案。", "绩效目标：以2021年为基数X") == "方案。\n绩效目标：以2021年为基数X"
    assert with_summary("方案。\n", "绩效目标：以2021年为基数X") == "方案。\n绩效目标：以2021年为基数X"
    assert (with_summary("一。\n绩效目标：以2021年为基数旧。\n二。", "绩效目标：以2021年为基数新。")
            == "一。\n绩效目标：以2021年为基数新。\n二。")


def test_part_three_offers_the_calculator_under_its_text(qtbot, window):
    window.focus_path("plan")
    button = window.findChild(QPushButton, "part.plan.targets")
    assert button is not None and button.isVisible() and button.text() == "绩效目标计算器…"
    button.click()
    shown = [d for d in window.findChildren(TargetsDialog, "targets") if d.isVisible()]
    assert len(shown) == 1
    shown[0].close()


def test_enter_in_a_figure_presses_no_button(qtbot, window):
    dialog = open_targets(window)
    cell(dialog, "deals", "base").setText("10")
    qtbot.keyClick(cell(dialog, "deals", "base"), Qt.Key.Key_Return)
    assert dialog.isVisible() and cell(dialog, "deals", "2022").text() == ""  # neither closed nor filled
    dialog.close()
