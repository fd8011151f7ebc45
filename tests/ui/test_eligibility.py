"""申报条件自查 (ui.eligibility): opened from 工具, the verdict follows every answer, 转到 puts the
cursor in the field that decides an item, the answers come back for their draft only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QLineEdit, QPushButton

from tests.forms.idgen import make_uscc
from tests.ui.conftest import commit_text, type_text
from ui.eligibility import EligibilityDialog, read_count
from ui.main_window import settings

ENTERPRISE_QUESTIONS = ("legal_person", "rd_investment", "rd_team", "rd_results", "patents")


def open_check(window) -> EligibilityDialog:
    window.actions_by_name["eligibility"].trigger()
    shown = [d for d in window.findChildren(EligibilityDialog, "eligibility") if d.isVisible()]
    assert len(shown) == 1
    return shown[0]


def combo(dialog, key: str) -> QComboBox:
    return dialog.findChild(QComboBox, f"eligibility.{key}")


def label(dialog, name: str) -> QLabel:
    return dialog.findChild(QLabel, f"eligibility.{name}")


def test_the_check_is_in_the_tools_menu_beside_the_calculator(window):
    menus = {m.title(): m for m in (a.menu() for a in window.menuBar().actions()) if m is not None}
    tools = [a.objectName() for a in menus["工具(&T)"].actions()]
    assert tools == ["action.eligibility", "action.targets"]


def test_the_verdict_follows_every_answer(qtbot, window):
    dialog = open_check(window)
    assert label(dialog, "verdict").text() == "还有 5 项待确认。"
    assert label(dialog, "partnership.status").text() == "✓"      # read from the sample's partners
    assert label(dialog, "partnership.detail").text().startswith("合作已满 3 年：申江大学（自2016年起）")
    for key in ENTERPRISE_QUESTIONS:
        combo(dialog, key).setCurrentText("是")
    assert label(dialog, "verdict").text().startswith("按自查，符合企事业单位的申报条件")
    assert label(dialog, "verdict").property("status") == "ok"
    combo(dialog, "rd_team").setCurrentText("否")
    assert label(dialog, "verdict").text() == "按自查，尚不符合申报条件：具有一定条件的研发团队。"
    assert label(dialog, "verdict").property("problem") == "error"
    assert label(dialog, "rd_team.status").text() == "✗"
    dialog.close()


def test_a_park_is_asked_for_its_innovators_as_a_number(qtbot, window):
    window.session.edit("unit.type", "科技型园区", typing=False)
    dialog = open_check(window)
    count = dialog.findChild(QLineEdit, "eligibility.innovators")
    assert combo(dialog, "rd_team") is None and count is not None
    type_text(qtbot, count, "49")
    assert label(dialog, "innovators.detail").text().startswith("填报 49 家，少于 50 家")
    assert label(dialog, "innovators.status").text() == "✗"
    count.clear()
    commit_text(count, "五十")                                   # not a number a clerk can mean
    assert label(dialog, "innovators.detail").text() == "请填写整数家数，例如 60"
    count.setText("６０家")
    assert label(dialog, "innovators.status").text() == "✓"
    dialog.close()


def test_go_to_closes_the_check_and_puts_the_cursor_in_the_field(qtbot, window):
    dialog = open_check(window)
    dialog.findChild(QPushButton, "eligibility.shanghai.goto").click()
    assert not dialog.isVisible()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None
                    and QApplication.focusWidget().objectName() == "unit.credit_code")


def test_a_field_corrected_in_the_draft_changes_the_check(qtbot, window):
    window.session.edit("unit.credit_code", "91110108MA1FL2B3XX", typing=False)  # not a valid code
    dialog = open_check(window)
    assert label(dialog, "shanghai.status").text() == "？"
    assert label(dialog, "shanghai.detail").text() == "统一社会信用代码有误，请先改正"
    dialog.close()


def test_the_answers_belong_to_their_draft(qtbot, window):
    dialog = open_check(window)
    combo(dialog, "patents").setCurrentText("否")
    combo(dialog, "legal_person").setCurrentText("是")
    dialog.close()
    dialog = open_check(window)
    assert combo(dialog, "patents").currentText() == "否"
    assert label(dialog, "patents.status").text() == "✗"
    dialog.close()
    window.new_draft()
    dialog = open_check(window)
    assert label(dialog, "unit_type.detail").text().startswith("请先在“一、申报单位基本信息”中选择申报主体")
    assert combo(dialog, "patents") is None
    assert combo(dialog, "legal_person").currentText() == "未确认"
    dialog.close()


def test_a_code_from_a_national_authority_is_asked(qtbot, window):
    window.session.edit("unit.credit_code", make_uscc(authority="1", kind="2", division="100000"), typing=False)
    dialog = open_check(window)
    assert label(dialog, "shanghai.status").text() == "？"
    combo(dialog, "shanghai").setCurrentText("是")
    assert label(dialog, "shanghai.status").text() == "✓"
    dialog.close()


def test_partner_names_are_shown_as_typed_and_damaged_settings_ignored(qtbot, window):
    window.session.edit("unit.partners[0].name", "<b>申江</b>大学", typing=False)
    settings().setValue(f"eligibility/{window.session.draft_id}", "[" * 100000)
    dialog = open_check(window)
    detail = label(dialog, "partnership.detail")
    assert "<b>申江</b>大学（自2016年起）" in detail.text()
    assert detail.textFormat() == Qt.TextFormat.PlainText
    assert combo(dialog, "legal_person").currentText() == "未确认"
    dialog.close()


def test_read_count():
    assert read_count("６０家") == 60
    assert read_count("60\u200b") == 60                 # pasted with a zero-width space
    assert read_count("①②") is None and read_count("5²") is None
    assert read_count(" 1 200 ") == 1200
    assert read_count("") is None
    assert read_count("-3") is None
    assert read_count("5.5") is None


def test_enter_in_the_count_does_not_close_the_check(qtbot, window):
    window.session.edit("unit.type", "科技型园区", typing=False)
    dialog = open_check(window)
    count = dialog.findChild(QLineEdit, "eligibility.innovators")
    type_text(qtbot, count, "60")
    qtbot.keyClick(count, Qt.Key.Key_Return)
    assert dialog.isVisible()
    dialog.close()
