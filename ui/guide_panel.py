"""The guide at hand (F1): the 申报指南's text, shipped as ``resources/guide/guide.txt``
(verbatim from the seed), and the focused field's label and hint above it."""

from __future__ import annotations

from PySide6.QtWidgets import QDockWidget, QLabel, QTextBrowser, QVBoxLayout, QWidget

from forms.coverage import resources_dir

GUIDE_FILE = "guide.txt"


def guide_text() -> str:
    path = resources_dir() / "guide" / GUIDE_FILE
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return f"找不到申报指南文件 {path}，请重新安装申报助手。"


class GuidePanel(QDockWidget):
    def __init__(self, parent=None):
        super().__init__("申报指南", parent)
        self.setObjectName("guide_dock")
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(6, 6, 6, 6)
        self.field_hint = QLabel()
        self.field_hint.setObjectName("field_hint")
        self.field_hint.setWordWrap(True)
        layout.addWidget(self.field_hint)
        self.browser = QTextBrowser(body)
        self.browser.setObjectName("guide")
        self.browser.setOpenExternalLinks(False)
        self.browser.setPlainText(guide_text())
        layout.addWidget(self.browser, 1)
        self.setWidget(body)
        self.show_field(None)

    def show_field(self, fdef) -> None:
        if fdef is None:
            self.field_hint.setText("点击任一栏目，这里显示它的填写说明。")
            return
        hint = fdef.hint or "（本栏没有额外说明）"
        extra = "" if fdef.printed else "\n本栏不打印，只用于检查。"
        self.field_hint.setText(f"当前栏目：{fdef.label}\n{hint}{extra}")
