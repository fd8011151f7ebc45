"""Field editors from a registry keyed by field type (text, name, id, uscc, … para, file).

A :class:`FieldEditor` is the widget of one field path: the input itself (``objectName`` = the
path, as spec §7 asks), a mark and message when the field has a problem, a muted hint, a 不打印
mark for fields the printout does not show, and for long texts a live 已输入 n / 1000 字 counter.
It holds no data: it hands every edit to the :class:`~ui.session.DraftSession` and shows the
session's value when told that the path changed. The same registry gives the table delegates
their cell editors (:func:`cell_editor`, :func:`read_cell`, :func:`write_cell`).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from forms.definition import FieldDef
from forms.fieldtypes import InputError
from forms.problems import Problem
from forms.text import clean_para, count_zi
from ui.style import restyle

NOT_PRINTED = "不打印"
CHOOSE = "请选择"
DATE_HINT = "如 2022-05-16"


# --------------------------------------------------------------------------- text <-> value


def parse_date(text: str) -> dt.date | None:
    """What people type as a date: 2022-05-16, 2022/5/16, 2022.5.16, 2022年5月16日, 20220516."""
    text = unicodedata.normalize("NFKC", text).strip()
    if not text:
        return None
    m = (re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?", text)
         or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", text))
    if not m:
        raise InputError(f"日期“{text}”看不懂，请写作 2022-05-16")
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise InputError(f"{text} 不是有效日期") from None


def value_to_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def text_to_value(fdef: FieldDef, text: str) -> Any:
    """The value to hand the session for what is in a line editor (it cleans it further)."""
    if fdef.type == "date":
        return parse_date(text)
    return text


# --------------------------------------------------------------------------- inputs


class _GlobalUndo:
    """Mixin: Ctrl+Z / Ctrl+Y go to the window's undo stack, not the widget's own history."""

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and (
                event.matches(QKeySequence.StandardKey.Undo) or event.matches(QKeySequence.StandardKey.Redo)):
            event.ignore()
            return True
        return super().event(event)  # type: ignore[misc]


class LineInput(_GlobalUndo, QLineEdit):
    pass


class ParaInput(_GlobalUndo, QPlainTextEdit):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setUndoRedoEnabled(False)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.minimumHeight())


class ChoiceInput(QComboBox):
    def wheelEvent(self, event) -> None:
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


# --------------------------------------------------------------------------- the editor


class FieldEditor(QWidget):
    """One field's editor; subclasses per kind of input. See the module docstring."""

    focused = Signal(str)  # path

    def __init__(self, session, path: str, fdef: FieldDef, parent: QWidget | None = None, *,
                 show_label: bool = False):
        super().__init__(parent)
        self.session, self.path, self.fdef = session, path, fdef
        self._updating = False
        self._local_error = ""
        self.problems: list[Problem] = []
        self.input = self._make_input()
        self.input.setObjectName(path)
        self.input.setProperty("field_path", path)
        self.input.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        head = QHBoxLayout()
        head.setSpacing(6)
        if show_label or not fdef.printed:
            label = QLabel(fdef.label + ("" if fdef.printed else f"（{NOT_PRINTED}）"))
            label.setObjectName("field_label")
            label.setProperty("muted", not fdef.printed)
            label.setBuddy(self.input)
            head.addWidget(label)
        head.addWidget(self.input, 1)
        layout.addLayout(head)
        self.hint_label = QLabel()
        self.hint_label.setObjectName("hint")
        self.hint_label.setWordWrap(True)
        self.hint_label.setVisible(False)
        layout.addWidget(self.hint_label)
        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setVisible(False)
        layout.addWidget(self.message)
        self.show_value()

    # subclasses
    def _make_input(self) -> QWidget:
        raise NotImplementedError

    def show_value(self) -> None:
        """Show the session's value unless the input already holds text meaning it."""
        raise NotImplementedError

    # shared
    def eventFilter(self, obj, event) -> bool:
        # getattr: when the collector frees a closed window it clears this wrapper's attributes
        # before Qt deletes the widgets, and the input still sends events (focus out) meanwhile.
        if obj is getattr(self, "input", None):
            if event.type() == QEvent.Type.FocusIn:
                self.focused.emit(self.path)
            elif event.type() == QEvent.Type.FocusOut:
                self._on_input_left()
        return False

    def _on_input_left(self) -> None:
        self.session.end_typing()
        if not self._local_error:
            self._updating = True
            try:
                self.show_value(force=True)
            finally:
                self._updating = False

    def _hand_over(self, value: Any, *, typing: bool = True) -> None:
        if self._updating:
            return
        try:
            self.session.edit(self.path, value, typing=typing)
        except InputError as exc:
            self._local_error = str(exc)
        else:
            self._local_error = ""
        self._show_marks()

    def set_hint(self, text: str) -> None:
        self.hint_label.setText(text)
        self.hint_label.setVisible(bool(text))

    def set_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        self._show_marks()

    def _show_marks(self) -> None:
        messages = ([self._local_error] if self._local_error else []) + [p.message for p in self.problems]
        if self._local_error or any(p.is_error for p in self.problems):
            level = "error"
        elif self.problems:
            level = "warning"
        else:
            level = ""
        if self.input.property("problem") != level:
            for w in (self.input, self.message):
                restyle(w, problem=level)
            self._set_icon(level)
        text = "\n".join(messages)
        if self.message.text() != text:
            self.input.setToolTip(text)
            self.message.setText(text)
            self.message.setVisible(bool(messages))
            if getattr(self, "_icon_action", None) is not None:
                self._icon_action.setToolTip(text)

    def _set_icon(self, level: str) -> None:
        pass


class LineEditor(FieldEditor):
    """One-line text, names, numbers and codes, dates and years."""

    def _make_input(self) -> QWidget:
        edit = LineInput()
        placeholder = self.fdef.hint or (DATE_HINT if self.fdef.type == "date" else "")
        edit.setPlaceholderText(placeholder)
        edit.textEdited.connect(self._on_input_text_edited)
        self._icon_action = None
        return edit

    def _means(self, text: str, value: Any) -> bool:
        try:
            return self.session.clean(self.path, text_to_value(self.fdef, text)) == value
        except InputError:
            return False

    def show_value(self, force: bool = False) -> None:
        value = self.session.get(self.path)
        text = value_to_text(value)
        if force or not self._means(self.input.text(), value):
            if self.input.text() != text:
                self.input.setText(text)
                if not self.input.hasFocus():
                    self.input.setCursorPosition(0)  # show the start of a long value
            self._local_error = ""

    def _on_input_text_edited(self, text: str) -> None:
        try:
            value = text_to_value(self.fdef, text)
        except InputError as exc:
            self._local_error = str(exc)
            self._show_marks()
            return
        self._hand_over(value)

    def _set_icon(self, level: str) -> None:
        if self._icon_action is not None:
            self.input.removeAction(self._icon_action)
            self._icon_action = None
        if level:
            icon = self.style().standardIcon(
                QStyle.StandardPixmap.SP_MessageBoxCritical if level == "error"
                else QStyle.StandardPixmap.SP_MessageBoxWarning)
            self._icon_action = self.input.addAction(icon, QLineEdit.ActionPosition.TrailingPosition)
            self._icon_action.setToolTip(self.input.toolTip())


class ParaEditor(FieldEditor):
    """Multi-line text with the 字 counter (forms.text.count_zi, Word's counting)."""

    def _make_input(self) -> QWidget:
        edit = ParaInput()
        edit.setPlaceholderText(self.fdef.hint)
        edit.setMinimumHeight(160 if self.fdef.max_zi else 64)
        edit.textChanged.connect(self._on_input_text_changed)
        return edit

    def __init__(self, *args, **kwargs):
        self.counter = QLabel()
        self.counter.setObjectName("counter")
        self.counter.setAlignment(Qt.AlignmentFlag.AlignRight)
        super().__init__(*args, **kwargs)
        self.counter.setObjectName(f"{self.path}.counter")
        self.layout().addWidget(self.counter)
        self._update_counter()

    def show_value(self, force: bool = False) -> None:
        value = self.session.get(self.path) or ""
        current = self.input.toPlainText()
        if clean_para(current) != value:
            self._updating = True
            try:
                self.input.setPlainText(value)
            finally:
                self._updating = False
        if hasattr(self, "counter"):
            self._update_counter()

    def _on_input_left(self) -> None:
        self.session.end_typing()

    def _on_input_text_changed(self) -> None:
        self._update_counter()
        self._hand_over(self.input.toPlainText())

    def zi(self) -> int:
        return count_zi(self.input.toPlainText())

    def _update_counter(self) -> None:
        n = self.zi()
        limit = self.fdef.max_zi
        self.counter.setText(f"已输入 {n} / {limit} 字" if limit else f"已输入 {n} 字")
        restyle(self.counter, problem="error" if limit and n > limit else "")


class ChoiceEditor(FieldEditor):
    def _make_input(self) -> QWidget:
        combo = ChoiceInput()
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        fill_choices(combo, self.fdef)
        combo.currentIndexChanged.connect(self._on_input_index_changed)
        return combo

    def show_value(self, force: bool = False) -> None:
        self._updating = True
        try:
            select_choice(self.input, self.session.get(self.path) or "")
        finally:
            self._updating = False

    def _on_input_index_changed(self, index: int) -> None:
        self._hand_over(self.input.itemData(index) or "", typing=False)


class BoolEditor(FieldEditor):
    def _make_input(self) -> QWidget:
        box = QCheckBox(self.fdef.label)
        box.toggled.connect(self._on_input_toggled)
        return box

    def __init__(self, session, path, fdef, parent=None, *, show_label=False):
        super().__init__(session, path, fdef, parent, show_label=False)
        if not fdef.printed:
            self.input.setText(f"{fdef.label}（{NOT_PRINTED}）")
        for label in self.findChildren(QLabel, "field_label"):
            label.hide()

    def show_value(self, force: bool = False) -> None:
        self._updating = True
        try:
            self.input.setChecked(bool(self.session.get(self.path)))
        finally:
            self._updating = False

    def _on_input_toggled(self, checked: bool) -> None:
        self._hand_over(checked, typing=False)


def fill_choices(combo: QComboBox, fdef: FieldDef) -> None:
    if fdef.default is None:
        combo.addItem(CHOOSE, "")
    for choice in fdef.choices:
        combo.addItem(choice, choice)


def select_choice(combo: QComboBox, value: str) -> None:
    index = combo.findData(value)
    if index < 0 and value:  # a value outside the list (choice_invalid): show it as it is
        combo.addItem(value, value)
        index = combo.count() - 1
    combo.setCurrentIndex(max(index, 0))


#: field type -> editor class. Every scalar type of forms.definition has an entry (a test checks).
EDITORS: dict[str, type[FieldEditor]] = {
    **{t: LineEditor for t in ("text", "name", "id", "uscc", "phone", "email", "postcode",
                               "account", "year", "date", "file")},
    "para": ParaEditor,
    "choice": ChoiceEditor,
    "bool": BoolEditor,
}


def make_editor(session, path: str, parent: QWidget | None = None, *, show_label: bool = False) -> FieldEditor:
    fdef = session.form.field(path)
    return EDITORS[fdef.type](session, path, fdef, parent, show_label=show_label)


# --------------------------------------------------------------------------- table cells

def cell_editor(fdef: FieldDef, parent: QWidget) -> QWidget:
    """The editor widget of one table cell, from the same registry kinds."""
    if fdef.type == "choice":
        combo = QComboBox(parent)
        fill_choices(combo, fdef)
        return combo
    if fdef.type == "bool":
        return QCheckBox(parent)
    edit = LineInput(parent)
    edit.setPlaceholderText(DATE_HINT if fdef.type == "date" else "")
    return edit


def write_cell(widget: QWidget, value: Any) -> None:
    if isinstance(widget, QComboBox):
        select_choice(widget, value or "")
    elif isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    else:
        widget.setText(value_to_text(value))


def read_cell(fdef: FieldDef, widget: QWidget) -> Any:
    """The cell editor's value for the session (InputError when it is not one)."""
    if isinstance(widget, QComboBox):
        return widget.currentData() or ""
    if isinstance(widget, QCheckBox):
        return widget.isChecked()
    return text_to_value(fdef, widget.text())
