"""绩效目标计算器: the guide's 年均增幅不少于30% worked out on the unit's own figures.

A table of the guide's four indicators (forms.targets): the clerk types the 2021 figure and the
targets they plan for 2022 and 2023; each row says at once whether the target reaches the
guide's average growth, and by how much it falls short. 按30%补足目标 fills empty targets with
30 % a year and raises a 2023 target that is too low to the least figure that reaches the average
(the guide asks for the average, so a 2022 target the clerk set is never changed, nor a higher
2023 one).
写入第三部分 puts the 绩效目标 sentence into part 三 (the 工作方案) — replacing the sentence an
earlier use wrote, else as a new paragraph at its end — as one edit that 撤销 takes back.

The figures are not part of the 申报书 (the form has no place for them): they are kept per draft
(ui.helper_state) and come back the next time the calculator opens.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms import targets as t
from forms.text import count_zi
from ui import helper_state
from ui.style import restyle

PLAN = "plan"
GUIDE_QUOTE = ("申报指南·工作目标：任务期内，项目承担单位开展专利许可、转让、作价入股的次数、专利数量、"
               "成交金额、实际到账金额年均增幅不少于30%。")
SUMMARY_START = f"绩效目标：以{t.BASE_YEAR}年为基数"
COLUMNS = ("base", *(str(y) for y in t.YEARS))


STATE = "targets"


def with_summary(plan: str, summary: str) -> str:
    """``plan`` with ``summary`` in place of the paragraph an earlier use wrote, else appended
    as a paragraph of its own."""
    lines = plan.split("\n") if plan else []
    for i, line in enumerate(lines):
        if line.startswith(SUMMARY_START):
            lines[i] = summary
            return "\n".join(lines)
    if lines and lines[-1].strip():
        lines.append(summary)
    elif lines:
        lines[-1] = summary
    else:
        lines = [summary]
    return "\n".join(lines)


class TargetsDialog(QDialog):
    """The calculator for the session's draft; ``focus(path)`` shows part 三 after writing."""

    def __init__(self, session, parent: QWidget | None = None, *, focus=None) -> None:
        super().__init__(parent)
        self.session = session
        self._focus = focus
        self.setObjectName("targets")
        self.setWindowTitle("绩效目标计算器")
        self.inputs: dict[tuple[str, str], QLineEdit] = {}
        self.results: dict[str, QLabel] = {}
        self.assessments: list[t.Assessment] = []

        quote = QLabel(GUIDE_QUOTE)
        quote.setWordWrap(True)
        quote.setProperty("muted", True)
        grid = QGridLayout()
        headers = ("指标", f"{t.BASE_YEAR}年（基数）", *(f"{y}年目标" for y in t.YEARS), "结果")
        for col, text in enumerate(headers):
            grid.addWidget(QLabel(f"<b>{text}</b>"), 0, col)
        for row, indicator in enumerate(t.INDICATORS, start=1):
            grid.addWidget(QLabel(f"{indicator.label}（{indicator.unit}）"), row, 0)
            for col, column in enumerate(COLUMNS, start=1):
                edit = QLineEdit()
                edit.setObjectName(f"targets.{indicator.key}.{column}")
                edit.setMaxLength(t.MAX_TEXT * 2)
                edit.setAlignment(Qt.AlignmentFlag.AlignRight)
                edit.setPlaceholderText("0" if indicator.places == 0 else "0.00")
                edit.setMinimumWidth(96)
                edit.textChanged.connect(self._on_edit_text_changed)
                grid.addWidget(edit, row, col)
                self.inputs[(indicator.key, column)] = edit
            result = QLabel()
            result.setObjectName(f"targets.{indicator.key}.result")
            result.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what was typed
            result.setWordWrap(True)
            result.setMinimumWidth(260)
            grid.addWidget(result, row, len(headers) - 1)
            self.results[indicator.key] = result
        grid.setColumnStretch(len(headers) - 1, 1)

        self.summary = QPlainTextEdit()
        self.summary.setObjectName("targets.summary")
        self.summary.setReadOnly(True)
        self.summary.setPlaceholderText("填入基数和两年目标后，这里给出写入第三部分的绩效目标表述。")
        self.summary.setMaximumHeight(110)
        self.count = QLabel()
        self.count.setObjectName("targets.count")
        self.count.setTextFormat(Qt.TextFormat.PlainText)
        self.count.setWordWrap(True)

        self.fill_button = QPushButton("按30%补足目标")
        self.fill_button.setObjectName("targets.fill")
        self.fill_button.setToolTip("空着的目标按每年增长30%填入；2023年目标不足年均增幅30%的，提高到最低值。"
                                    "已填的2022年目标和足够的2023年目标不变。")
        self.fill_button.clicked.connect(self.fill_minimums)
        self.copy_button = QPushButton("复制表述")
        self.copy_button.setObjectName("targets.copy")
        self.copy_button.clicked.connect(self._on_copy_clicked)
        self.insert_button = QPushButton("写入第三部分")
        self.insert_button.setObjectName("targets.insert")
        self.insert_button.setToolTip("写入“三、项目实施方案、资金安排和绩效目标”；可用撤销（Ctrl+Z）取消。")
        self.insert_button.clicked.connect(self.write_to_plan)
        close_button = QPushButton("关闭")
        close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fill_button)
        buttons.addStretch(1)
        for button in (self.copy_button, self.insert_button, close_button):
            buttons.addWidget(button)
        for button in (self.fill_button, self.copy_button, self.insert_button, close_button):
            button.setAutoDefault(False)  # Enter in a figure does not press a button

        layout = QVBoxLayout(self)
        layout.addWidget(quote)
        layout.addLayout(grid)
        layout.addWidget(QLabel("绩效目标表述："))
        layout.addWidget(self.summary)
        layout.addWidget(self.count)
        layout.addLayout(buttons)
        self.resize(980, 420)

        self._restoring = True
        self._restore()
        self._restoring = False
        self.finished.connect(self._save)
        self.recompute()

    # -- figures ---------------------------------------------------------------------------

    def _restore(self) -> None:
        saved = helper_state.load(STATE, self.session.draft_id)
        for (key, column), edit in self.inputs.items():
            value = saved.get(f"{key}.{column}")
            if isinstance(value, str):
                edit.setText(value[: edit.maxLength()])

    def _save(self) -> None:
        values = {f"{key}.{column}": edit.text() for (key, column), edit in self.inputs.items() if edit.text()}
        helper_state.save(STATE, self.session.draft_id, values)

    def _on_edit_text_changed(self, _text: str) -> None:
        if not self._restoring:
            self.recompute()

    def _read(self, indicator: t.Indicator) -> tuple[list, str | None]:
        """The row's three figures (None where empty or unreadable) and the first reading error."""
        values, error = [], None
        for column in COLUMNS:
            edit = self.inputs[(indicator.key, column)]
            try:
                values.append(t.parse_figure(edit.text(), indicator))
                restyle(edit, problem="")
            except t.FigureError as exc:
                values.append(None)
                restyle(edit, problem="error")
                heading = f"{t.BASE_YEAR}年" if column == "base" else f"{column}年目标"
                error = error or f"{heading}：{exc}"
        return values, error

    def recompute(self) -> None:
        self.assessments = []
        for indicator in t.INDICATORS:
            (base, *targets), error = self._read(indicator)
            assessment = t.assess(indicator, base, tuple(targets))
            self.assessments.append(assessment)
            label = self.results[indicator.key]
            if error is not None:
                label.setText(error)
                restyle(label, status="unreadable", problem="error", muted=False)
            else:
                mark = {"ok": "✓ ", "short": "✗ "}.get(assessment.status, "")
                label.setText(mark + assessment.message)
                restyle(label, status=assessment.status, problem="error" if assessment.status == t.SHORT else "",
                        muted=assessment.status in (t.INCOMPLETE, t.ZERO_BASE))
        text = t.summary_text(self.assessments)
        self.summary.setPlainText(text)
        self.copy_button.setEnabled(bool(text))
        self.insert_button.setEnabled(bool(text))
        if text:
            limit = self.session.form.field(PLAN).max_zi
            after = count_zi(with_summary(self.session.get(PLAN) or "", text))
            over = f"，超出 {after - limit} 字，请精简工作方案" if limit and after > limit else ""
            short = "、".join(a.indicator.label for a in self.assessments
                             if a.status == t.SHORT and all(x is not None for x in a.targets))
            warn = f"。注意：{short}的目标未达到年均增幅30%" if short else ""
            self.count.setText(f"写入后第三部分共 {after} / {limit} 字{over}{warn}")
            restyle(self.count, problem="error" if over or warn else "")
        else:
            self.count.setText("")

    def fill_minimums(self) -> None:
        """Empty targets get 30 % a year; a 2023 target below the least figure reaching the average
        is raised to it. A 2022 target the clerk typed stays (only the average is required)."""
        self._restoring = True
        try:
            for indicator in t.INDICATORS:
                (base, *targets), _error = self._read(indicator)
                if base is None or base == 0:
                    continue
                for column, target, least in zip(COLUMNS[1:], targets, t.minimum_targets(base, indicator)):
                    edit = self.inputs[(indicator.key, column)]
                    if target is None:
                        if edit.text().strip():
                            continue  # an unreadable figure is the clerk's to correct, not ours to replace
                        edit.setText(str(least))
                    elif column == COLUMNS[-1] and target < least:
                        edit.setText(str(least))
        finally:
            self._restoring = False
        self.recompute()

    # -- output ----------------------------------------------------------------------------

    def _on_copy_clicked(self) -> None:
        QApplication.clipboard().setText(self.summary.toPlainText())

    def write_to_plan(self) -> bool:
        """Put the sentence into part 三 as one undoable edit; True when the text changed."""
        text = self.summary.toPlainText()
        if not text:
            return False
        changed = self.session.edit(PLAN, with_summary(self.session.get(PLAN) or "", text), typing=False)
        if self._focus is not None:
            self._focus(PLAN)
            self._show_in_plan(text)
        self.close()
        return changed

    def _show_in_plan(self, text: str) -> None:
        """Put part 三's cursor at the start of the sentence written, scrolled into view."""
        parent = self.parentWidget()
        editor = parent.findChild(QPlainTextEdit, PLAN) if parent is not None else None
        if editor is None:
            return
        plain = editor.toPlainText()
        at = plain.find(text)
        if at < 0:
            return
        cursor = editor.textCursor()
        cursor.setPosition(len(plain[:at].encode("utf-16-le")) // 2)  # Qt counts UTF-16 units
        editor.setTextCursor(cursor)
        editor.ensureCursorVisible()


def open_targets(session, parent: QWidget | None = None, *, focus=None) -> TargetsDialog:
    dialog = TargetsDialog(session, parent, focus=focus)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
