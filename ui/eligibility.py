"""申报条件自查: the guide's conditions for the draft's 申报主体, one row each (forms.eligibility).

Rows the draft decides (本市注册登记, 合作期限3年以上, a 高校/科研院所 partner) show what was read and
a 转到 button that closes the check and puts the cursor in the field to correct. Rows only the
unit can answer have 是 / 否 (or the number of 创新主体); the verdict at the top follows every
answer at once. Answers are kept per draft (ui.helper_state) and come back the next time.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms import eligibility as e
from forms import targets
from ui import helper_state
from ui.style import restyle

UNANSWERED = "未确认"
MARKS = {e.MET: "✓", e.UNMET: "✗", e.UNKNOWN: "？"}


STATE = "eligibility"
#: The number of 创新主体 is read as the calculator reads its figures (forms.targets).
COUNT = targets.Indicator("innovators", "产业创新主体", "家", 0)


def read_count(text: str) -> int | None:
    """A count as typed (ASCII or full-width digits, a trailing 家); None when empty or not a
    whole number."""
    try:
        value = targets.parse_figure(text, COUNT)
    except targets.FigureError:
        return None
    return int(value) if value is not None else None


class EligibilityDialog(QDialog):
    def __init__(self, session, parent: QWidget | None = None, *, focus=None) -> None:
        super().__init__(parent)
        self.session = session
        self._focus = focus
        self.setObjectName("eligibility")
        self.setWindowTitle("申报条件自查")
        self.answers: dict[str, object] = {}
        self.controls: dict[str, QWidget] = {}
        self.marks: dict[str, QLabel] = {}
        self.details: dict[str, QLabel] = {}
        self._restore()
        self.finished.connect(self._save)
        self.result = e.check(session.draft, self.answers)

        self.verdict = QLabel()
        self.verdict.setObjectName("eligibility.verdict")
        self.verdict.setWordWrap(True)
        self.verdict.setTextFormat(Qt.TextFormat.PlainText)
        bold = self.verdict.font()
        bold.setBold(True)
        self.verdict.setFont(bold)
        note = QLabel(f"依据：申报指南“申报对象”“申报条件”。{e.PRIORITY_INDUSTRIES}")
        note.setWordWrap(True)
        note.setProperty("muted", True)

        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        row = 0
        for item in self.result.items:
            mark = QLabel()
            mark.setObjectName(f"eligibility.{item.key}.status")
            condition = QLabel(item.condition)
            condition.setWordWrap(True)
            detail = QLabel()
            detail.setObjectName(f"eligibility.{item.key}.detail")
            detail.setWordWrap(True)
            detail.setTextFormat(Qt.TextFormat.PlainText)  # it quotes partner names from the draft
            grid.addWidget(mark, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(condition, row, 1)
            grid.addWidget(self._control(item), row, 2)
            grid.addWidget(detail, row + 1, 1, 1, 2)
            self.marks[item.key] = mark
            self.details[item.key] = detail
            row += 2

        close_button = QPushButton("关闭")
        close_button.setObjectName("eligibility.close")
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.verdict)
        layout.addWidget(note)
        layout.addLayout(grid)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for button in self.findChildren(QPushButton):  # now all in the dialog: 转到 and 关闭
            button.setAutoDefault(False)  # Enter in the count does not close the check
        self.resize(820, 560)
        self.show_result()

    def _control(self, item: e.Item) -> QWidget:
        question = item.question
        if question is None:
            button = QPushButton("转到")
            button.setObjectName(f"eligibility.{item.key}.goto")
            button.setToolTip("关闭自查，转到决定此项的栏目")
            button.setEnabled(item.path is not None)
            button.clicked.connect(partial(self.go_to, item.path))
            return button
        if question.count:
            edit = QLineEdit()
            edit.setObjectName(f"eligibility.{question.key}")
            edit.setPlaceholderText("家数")
            edit.setMaxLength(12)
            edit.setAlignment(Qt.AlignmentFlag.AlignRight)
            edit.setFixedWidth(96)
            answer = self.answers.get(question.key)
            if isinstance(answer, int):
                edit.setText(str(answer))
            edit.textChanged.connect(partial(self._on_count_changed, question.key))
            self.controls[question.key] = edit
            return edit
        combo = QComboBox()
        combo.setObjectName(f"eligibility.{question.key}")
        combo.addItems([UNANSWERED, e.YES, e.NO])
        answer = self.answers.get(question.key)
        if answer in (e.YES, e.NO):
            combo.setCurrentText(answer)
        combo.currentTextChanged.connect(partial(self._on_answer_changed, question.key))
        self.controls[question.key] = combo
        return combo

    # -- answers ---------------------------------------------------------------------------

    def _restore(self) -> None:
        saved = helper_state.load(STATE, self.session.draft_id)
        self.answers = {k: v for k, v in saved.items()
                        if v in (e.YES, e.NO) or (isinstance(v, int) and not isinstance(v, bool))}

    def _save(self) -> None:
        helper_state.save(STATE, self.session.draft_id, self.answers)

    def _on_answer_changed(self, key: str, text: str) -> None:
        self.set_answer(key, text if text in (e.YES, e.NO) else None)

    def _on_count_changed(self, key: str, text: str) -> None:
        count = read_count(text)
        self.set_answer(key, count)
        if text.strip() and count is None:
            self.details[key].setText("请填写整数家数，例如 60")
            restyle(self.details[key], problem="error")

    def set_answer(self, key: str, value: object) -> None:
        if value is None:
            self.answers.pop(key, None)
        else:
            self.answers[key] = value
        self.result = e.check(self.session.draft, self.answers)
        self.show_result()

    # -- showing ---------------------------------------------------------------------------

    def show_result(self) -> None:
        self.verdict.setText(self.result.summary)
        restyle(self.verdict, status="ok" if self.result.status == e.MET else "",
                problem="error" if self.result.status == e.UNMET else "")
        for item in self.result.items:
            mark, detail = self.marks.get(item.key), self.details.get(item.key)
            if mark is None or detail is None:
                continue
            mark.setText(MARKS[item.status])
            detail.setText(item.detail)
            problem = "error" if item.status == e.UNMET else ""
            restyle(mark, status="ok" if item.status == e.MET else "", problem=problem)
            restyle(detail, problem=problem, muted=item.status != e.UNMET)

    def go_to(self, path: str | None) -> None:
        """Close the check and put the cursor in the field that decides an item."""
        self.close()
        if path is not None and self._focus is not None:
            self._focus(path)


def open_eligibility(session, parent: QWidget | None = None, *, focus=None) -> EligibilityDialog:
    dialog = EligibilityDialog(session, parent, focus=focus)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
