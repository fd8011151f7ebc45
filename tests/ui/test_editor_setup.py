"""The guide panel (F1), the bundled fonts as UI font, Qt's zh_CN translations, actions, tabs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QFontDatabase, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QLabel, QTextBrowser, QWidget

from forms.coverage import resources_dir
from tests.ui.conftest import focus
from ui.guide_panel import guide_text

SEED = Path("/work/shared/seed/000_64ee7a3541429cdd.txt")
SHORTCUTS = {"save": "Ctrl+S", "undo": "Ctrl+Z", "redo": "Ctrl+Y", "preview": "Ctrl+Shift+P",
             "print": "Ctrl+P", "guide": "F1", "new": "Ctrl+N", "open": "Ctrl+O"}
ACTIONS = ("new", "open", "save", "undo", "redo", "preview", "print", "export_pdf", "export_docx",
           "share", "import", "history", "guide")


def test_guide_panel_opens_with_f1_and_shows_the_guide(qtbot, window):
    dock = window.findChild(QDockWidget, "guide_dock")
    assert dock.isHidden()
    focus(window, "capability")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F1)
    assert not dock.isHidden()
    text = window.findChild(QTextBrowser, "guide").toPlainText()
    for heading in ("申报对象", "申报条件", "工作任务", "工作目标"):
        assert heading in text
    assert text == guide_text()
    hint = window.findChild(QLabel, "field_hint").text()
    assert "申报单位承担项目能力基本情况" in hint and "1000字以内" in hint


@pytest.mark.skipif(not SEED.is_file(), reason="the seed text is not on this machine")
def test_guide_resource_is_verbatim_from_the_seed():
    text = (resources_dir() / "guide" / "guide.txt").read_text(encoding="utf-8")
    assert text.startswith("上海市知识产权产学研运营联合体申报指南")
    assert text.rstrip("\n") in SEED.read_text(encoding="utf-8")


def test_bundled_fonts_are_the_ui_font(qapp):
    from ui.qtsetup import hei_family, song_family

    families = set(QFontDatabase.families())
    assert song_family() in families and hei_family() in families
    assert qapp.font().family() == hei_family()


def test_qt_dialogs_speak_chinese(qapp):
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"


def test_actions_have_their_names_and_shortcuts(window):
    for name in ACTIONS:
        action = window.findChild(QAction, f"action.{name}")
        assert action is not None, name
        if name in SHORTCUTS:
            assert action.shortcut() == QKeySequence(SHORTCUTS[name]), name


def test_every_part_has_its_page_and_the_nav_list(window):
    from forms.definition import get_form

    names = [p.objectName() for p in window.pages]
    assert names == [f"part.{p['id']}" for p in get_form().parts]
    assert window.findChild(QWidget, "parts").count() == len(names)


def test_tab_follows_the_form(qtbot, window):
    edit = focus(window, "unit.credit_code")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "unit.bank_exempt"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget().objectName() == "unit.bank_name"


def test_geometry_and_docks_are_remembered(qtbot, store, open_window):
    first = open_window(store)
    first.resize(1100, 700)
    first.findChild(QDockWidget, "guide_dock").show()
    first.close()
    second = open_window(store)
    assert not second.findChild(QDockWidget, "guide_dock").isHidden()
