"""A list of the draft (``team.members``, ``unit.partners``, ``attachments``) as a table.

:class:`ListTableModel` is a ``QAbstractTableModel`` over the list path: it reads the session's
live rows, writes through the session (one undo command per cell edit or paste) and refreshes
from the session's Change events. Cells with a problem are marked (colour, icon, tooltip).
:class:`ListTableView` pastes blocks copied from Excel or WPS (tab-separated, CRLF, quoted cells)
at the current cell, adding rows as needed, and copies cells out the same way. 序号 is the row's
position (the vertical header), never stored.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from forms.definition import FieldDef
from forms.fieldtypes import InputError
from forms.model import INSERT, MOVE, REMOVE, RESET, SET, Change, row_path, split_row_path
from forms.problems import Problem
from ui.fields import NOT_PRINTED, cell_editor, read_cell, value_to_text, write_cell

SERIAL_LABEL = "序号"
ERROR_BG = QColor("#fde7e7")
WARNING_BG = QColor("#fff4d6")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    fdef: FieldDef


def columns_for(form, list_path: str, keys: list[str] | None = None,
                labels: dict[str, str] | None = None) -> list[Column]:
    """The table's columns: ``keys`` in order (the printed ones), then every other key of the
    record (not printed: marked so in the header)."""
    record = form.field(list_path).record
    keys = list(keys or record.keys)
    labels = labels or {}
    cols = [Column(k, labels.get(k) or record.field(k).label, record.field(k)) for k in keys]
    for sub in record.fields:
        if sub.key not in keys:
            cols.append(Column(sub.key, f"{sub.label}（{NOT_PRINTED}）", sub))
    return cols


def parse_block(text: str) -> list[list[str]]:
    """Rows of cells from text copied out of Excel/WPS: tabs between cells, CRLF between rows,
    cells holding tabs, line breaks or quotes in double quotes."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removesuffix("\n")
    if not text:
        return []
    import csv  # only for the clipboard, not on the way to the first window

    return [row for row in csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')]


def format_block(rows: list[list[str]]) -> str:
    """Cells as Excel puts them on the clipboard (quoted where needed, CRLF rows)."""
    out = io.StringIO()
    import csv

    writer = csv.writer(out, delimiter="\t", quotechar='"', lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


ROOT = QModelIndex()  # the invisible root (Qt's default argument)
_DISPLAY, _EDIT, _TOOLTIP, _BACKGROUND, _DECORATION, _USER = (int(r.value) for r in (
    Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole, Qt.ItemDataRole.UserRole))
_ROLES = frozenset((_DISPLAY, _EDIT, _TOOLTIP, _BACKGROUND, _DECORATION, _USER))  # what data() answers
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEditable


class ListTableModel(QAbstractTableModel):
    input_refused = Signal(str)

    def __init__(self, session, list_path: str, columns: list[Column], parent=None):
        super().__init__(parent)
        self.session, self.list_path, self.columns = session, list_path, columns
        self._marks: dict[tuple[int, str], list[Problem]] = {}
        self._rows_of = None
        self._rows: list[dict] = []
        session.changed.connect(self._on_session_changed)
        session.problems_changed.connect(self._on_session_problems_changed)
        self._on_session_problems_changed(session.problems)

    # -- reading --------------------------------------------------------------------------

    def rows(self) -> list[dict]:
        """The live list (the model changes it in place; a new draft means a new list)."""
        draft = self.session.draft
        if draft is not self._rows_of:
            rows = draft.get(self.list_path)  # not `or []`: an empty list is the live one too
            self._rows_of, self._rows = draft, rows if rows is not None else []
        return self._rows

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.rows())

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = ROOT) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def path(self, row: int, column: int) -> str:
        return row_path(self.list_path, row, self.columns[column].key)

    def data(self, index, role=_DISPLAY) -> Any:
        # Called for every role of every visible cell at each repaint (the delegate asks for
        # fonts, colours, alignment…): the roles this model has nothing for return at once.
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        col = self.columns[column]
        if role == _DISPLAY or role == _EDIT:
            rows = self.rows()
            if row >= len(rows):
                return None
            value = rows[row].get(col.key)
            if role == _EDIT:
                return value
            if col.fdef.type == "bool":
                return "是" if value else "否"
            return value_to_text(value)
        if role == _USER:
            return self.path(row, column)
        marks = self._marks.get((row, col.key))
        if not marks:
            return None
        if role == _TOOLTIP:
            return "\n".join(p.message for p in marks)
        error = any(p.is_error for p in marks)
        if role == _BACKGROUND:
            return QBrush(ERROR_BG if error else WARNING_BG)
        pixmap = QStyle.StandardPixmap.SP_MessageBoxCritical if error else QStyle.StandardPixmap.SP_MessageBoxWarning
        return QGuiApplication.instance().style().standardIcon(pixmap)

    def headerData(self, section, orientation, role=_DISPLAY):
        if role != _DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.columns[section].label if section < len(self.columns) else None
        return str(section + 1)  # 序号: the position

    def flags(self, index) -> Qt.ItemFlag:
        return _CELL_FLAGS if index.isValid() else Qt.ItemFlag.NoItemFlags

    # -- writing --------------------------------------------------------------------------

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        try:
            return self.session.edit(self.path(index.row(), index.column()), value, typing=False) or True
        except InputError as exc:
            self.input_refused.emit(str(exc))
            return False

    def paste(self, top: int, left: int, block: list[list[str]]) -> int:
        """Write ``block`` with its first cell at (top, left), adding rows as needed; one undo
        command. Cells that cannot be stored (a year that is no number) are skipped and
        reported. Returns the number of rows written."""
        if not block:
            return 0
        width = max(len(r) for r in block)
        if width == len(self.columns) + 1 and left == 0 and all(
                (r[0].strip().isdigit() or not r[0].strip()) for r in block):
            block = [r[1:] for r in block]  # a leading 序号 column copied from the printed form
        model = self.session.model
        refused: list[str] = []

        def action() -> None:
            for i, cells in enumerate(block):
                row = top + i
                if row >= len(self.rows()):
                    model.insert_row(self.list_path, row)
                for j, text in enumerate(cells):
                    col = left + j
                    if col >= len(self.columns):
                        break
                    path = self.path(row, col)
                    try:
                        model.set(path, _cell_value(self.columns[col].fdef, text))
                    except InputError as exc:
                        refused.append(f"第 {row + 1} 行“{self.columns[col].label}”：{exc}")

        self.session.run(f"粘贴 {len(block)} 行", action)
        if refused:
            self.input_refused.emit("；".join(refused))
        return len(block)

    # -- refreshing -----------------------------------------------------------------------

    def _on_session_changed(self, change: Change) -> None:
        if change.kind == RESET:
            self.beginResetModel()
            self.endResetModel()
            return
        if change.path != self.list_path and change.kind != SET:
            return
        if change.kind == SET:
            where = split_row_path(change.path)
            if where is None or where[0] != self.list_path:
                return
            row = where[1]
            col = next((i for i, c in enumerate(self.columns) if c.key == where[2]), None)
            if col is not None:
                index = self.index(row, col)
                self.dataChanged.emit(index, index)
        elif change.kind == INSERT:
            self.beginInsertRows(QModelIndex(), change.index, change.index)
            self.endInsertRows()
        elif change.kind == REMOVE:
            self.beginRemoveRows(QModelIndex(), change.index, change.index)
            self.endRemoveRows()
        elif change.kind == MOVE:
            self.layoutChanged.emit()
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(0, self.rowCount() - 1))

    def _on_session_problems_changed(self, problems: list[Problem]) -> None:
        marks: dict[tuple[int, str], list[Problem]] = {}
        prefix = self.list_path + "["
        for p in problems:
            if p.path.startswith(prefix):
                where = split_row_path(p.path)
                if where and where[0] == self.list_path:
                    marks.setdefault((where[1], where[2]), []).append(p)
        if marks == self._marks:
            return
        changed = {key for key in marks.keys() | self._marks.keys() if marks.get(key) != self._marks.get(key)}
        self._marks = marks
        keys = [c.key for c in self.columns]
        for row, key in changed:
            if row < self.rowCount() and key in keys:
                index = self.index(row, keys.index(key))
                self.dataChanged.emit(index, index, MARK_ROLES)


MARK_ROLES = [Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.DecorationRole]


def _cell_value(fdef: FieldDef, text: str) -> Any:
    from ui.fields import text_to_value

    if fdef.type == "bool":
        return text.strip() in ("是", "true", "True", "1", "√", "✓")
    return text_to_value(fdef, text)


class CellDelegate(QStyledItemDelegate):
    """Cell editors from the field-type registry of ui.fields."""

    def __init__(self, columns: list[Column], parent=None):
        super().__init__(parent)
        self.columns = columns

    def createEditor(self, parent, option, index):
        editor = cell_editor(self.columns[index.column()].fdef, parent)
        editor.setObjectName(index.data(Qt.ItemDataRole.UserRole) or "")
        return editor

    def setEditorData(self, editor, index) -> None:
        write_cell(editor, index.data(Qt.ItemDataRole.EditRole))

    def setModelData(self, editor, model, index) -> None:
        try:
            value = read_cell(self.columns[index.column()].fdef, editor)
        except InputError as exc:
            model.input_refused.emit(str(exc))
            return
        model.setData(index, value, Qt.ItemDataRole.EditRole)


class SerialHeader(QHeaderView):
    """The 序号 column (the vertical header). Its width depends only on the digits of the row
    count: the size Qt measures over every row label is kept until that changes (Qt measures
    again whenever a row's height changes — every edit that re-wraps a cell)."""

    def __init__(self, parent=None):
        super().__init__(Qt.Orientation.Vertical, parent)
        self._hint_key: tuple | None = None
        self._hint = QSize()

    def sizeHint(self) -> QSize:
        count = self.count()
        key = (len(str(count)) if count else 0, self.font().key(), self.defaultSectionSize())
        if key != self._hint_key:
            self._hint, self._hint_key = super().sizeHint(), key
        return QSize(self._hint)

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._hint_key = None
        super().changeEvent(event)


class ListTableView(QTableView):
    """The table view: Excel/WPS paste and copy, Delete clears the selected cells."""

    def __init__(self, model: ListTableModel, parent=None):
        super().__init__(parent)
        self.setVerticalHeader(SerialHeader(self))
        self._width_timer = QTimer(self, singleShot=True, interval=0)
        self._width_timer.timeout.connect(self._after_width_change)
        self.setModel(model)
        self.setObjectName(model.list_path)
        self.setItemDelegate(CellDelegate(model.columns, self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed
                             | QAbstractItemView.EditTrigger.AnyKeyPressed)
        self.setTabKeyNavigation(False)
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideNone)  # rows fit their text: nothing to elide
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        for i, column in enumerate(model.columns):  # numbers and codes are shown whole
            if column.fdef.type in ("id", "uscc", "account", "phone", "date", "year"):
                header.setSectionResizeMode(i, QHeaderView.ResizeMode.ResizeToContents)
        header.setMinimumSectionSize(48)
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setCornerButtonEnabled(False)
        self.corner = QLabel(SERIAL_LABEL, self)  # the 序号 column's title, as on paper
        self.corner.setObjectName(f"{model.list_path}.serial")
        self.corner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        model.rowsInserted.connect(self._on_model_rows_inserted)
        model.rowsRemoved.connect(self._fit_height)
        model.modelReset.connect(self._on_model_reset)
        model.layoutChanged.connect(self._on_model_reset)
        model.dataChanged.connect(self._on_model_data_changed)
        header.sectionResized.connect(self._on_header_section_resized)
        self.resizeRowsToContents()
        self._fit_height()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        corner = getattr(self, "corner", None)
        if corner is None:
            return  # setModel lays out before __init__ made the label
        frame = self.frameWidth()
        hint = corner.sizeHint().width()
        header = self.verticalHeader()
        if header.minimumWidth() < hint:
            header.setMinimumWidth(hint)
        corner.setGeometry(frame, frame, max(header.width(), hint), self.horizontalHeader().height())

    # Rows are as tall as their wrapped text; only the rows that changed are measured again
    # (ResizeToContents would measure all 60 rows on every keystroke's mark).
    def _on_model_rows_inserted(self, parent, first: int, last: int) -> None:
        for row in range(first, last + 1):
            self.resizeRowToContents(row)
        self._fit_height()

    def _on_model_reset(self, *args) -> None:
        self.resizeRowsToContents()
        self._fit_height()

    def _on_model_data_changed(self, top, bottom, roles=()) -> None:
        if roles and Qt.ItemDataRole.DisplayRole not in roles:
            return
        for row in range(top.row(), bottom.row() + 1):
            self.resizeRowToContents(row)
        self._fit_height()

    def _on_header_section_resized(self, *args) -> None:
        self._width_timer.start()  # once, after all columns have their new widths

    def _after_width_change(self) -> None:
        self.resizeRowsToContents()
        self._fit_height()

    def table_model(self) -> ListTableModel:
        return self.model()  # type: ignore[return-value]

    def _fit_height(self, *args) -> None:
        """Show every row (the page scrolls, not the table), as on paper."""
        rows = self.model().rowCount()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += self.verticalHeader().length() if rows else self.verticalHeader().defaultSectionSize()
        self.setFixedHeight(min(height + 4, 100000))

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_clipboard()
            return
        if event.matches(QKeySequence.StandardKey.Copy):
            self.copy_selection()
            return
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.state() != QAbstractItemView.State.EditingState:
            self.clear_selection_cells()
            return
        super().keyPressEvent(event)

    def current_cell(self) -> tuple[int, int]:
        index = self.currentIndex()
        return (max(index.row(), 0), max(index.column(), 0)) if index.isValid() else (self.model().rowCount(), 0)

    def paste_clipboard(self) -> int:
        block = parse_block(QGuiApplication.clipboard().text())
        top, left = self.current_cell()
        return self.table_model().paste(top, left, block)

    def copy_selection(self) -> str:
        indexes = sorted(self.selectedIndexes(), key=lambda i: (i.row(), i.column()))
        if not indexes:
            return ""
        rows = sorted({i.row() for i in indexes})
        cols = sorted({i.column() for i in indexes})
        chosen = {(i.row(), i.column()) for i in indexes}
        block = [[(self.model().index(r, c).data() or "") if (r, c) in chosen else "" for c in cols] for r in rows]
        text = format_block(block)
        QGuiApplication.clipboard().setText(text)
        return text

    def clear_selection_cells(self) -> None:
        model = self.table_model()
        values = [(model.path(i.row(), i.column()), None) for i in self.selectedIndexes()]
        if values:
            model.session.set_many("清除单元格", values)

    def selected_rows(self) -> list[int]:
        rows = {i.row() for i in self.selectedIndexes()}
        if not rows and self.currentIndex().isValid():
            rows = {self.currentIndex().row()}
        return sorted(rows)


class TableEditor(QWidget):
    """A table with its buttons: 添加, 插入, 删除, 上移, 下移 (and any extra actions)."""

    def __init__(self, session, list_path: str, columns: list[Column], parent=None):
        super().__init__(parent)
        self.session, self.list_path = session, list_path
        self.model = ListTableModel(session, list_path, columns, self)
        self.view = ListTableView(self.model, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(4)
        self.buttons.addStretch(1)
        for name, text, slot in (("add", "添加一行", self._on_add_clicked),
                                 ("insert", "插入一行", self._on_insert_clicked),
                                 ("remove", "删除所选行", self._on_remove_clicked),
                                 ("up", "上移", self._on_up_clicked),
                                 ("down", "下移", self._on_down_clicked)):
            self.add_button(name, text, slot)
        layout.addLayout(self.buttons)
        layout.addWidget(self.view)

    def add_button(self, name: str, text: str, slot) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(f"{self.list_path}.{name}")
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        self.buttons.insertWidget(self.buttons.count() - 1, button)  # before the stretch
        return button

    def _select(self, row: int) -> None:
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.setFocus()

    def _on_add_clicked(self) -> None:
        self.session.insert_row(self.list_path)
        self._select(self.model.rowCount() - 1)

    def _on_insert_clicked(self) -> None:
        row = self.view.currentIndex().row() if self.view.currentIndex().isValid() else 0
        self.session.insert_row(self.list_path, row)
        self._select(row)

    def _on_remove_clicked(self) -> None:
        rows = self.view.selected_rows()
        if rows:
            self.session.remove_rows(self.list_path, rows)

    def _move(self, step: int) -> None:
        index = self.view.currentIndex()
        if not index.isValid():
            return
        src, dst = index.row(), index.row() + step
        if 0 <= dst < self.model.rowCount():
            self.session.move_row(self.list_path, src, dst)
            self.view.setCurrentIndex(self.model.index(dst, index.column()))

    def _on_up_clicked(self) -> None:
        self._move(-1)

    def _on_down_clicked(self) -> None:
        self._move(1)
