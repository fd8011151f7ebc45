"""The problems panel (spec §7): an item view named ``problems``, one row per problem.

Each row's ``Qt.UserRole`` data is a dict with ``path``, ``code`` and ``severity``; activating a
row emits :attr:`ProblemsPanel.path_activated` (the window moves the focus to that field).
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QApplication, QDockWidget, QHeaderView, QStyle, QTreeView

from forms.problems import Problem

HEADERS = ("问题", "位置")


ROOT = QModelIndex()  # the invisible root (Qt's default argument)


class ProblemsModel(QAbstractTableModel):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.problems: list[Problem] = []

    def set_problems(self, problems: list[Problem]) -> None:
        ordered = sorted(problems, key=lambda p: (not p.is_error,))
        if ordered == self.problems:
            return
        self.beginResetModel()
        self.problems = ordered
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self.problems)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        p = self.problems[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return p.message if index.column() == 0 else (getattr(p, "where", "") or p.path)
        if role == Qt.ItemDataRole.ToolTipRole:
            return p.message
        if role == Qt.ItemDataRole.UserRole:
            return {"path": p.path, "code": p.code, "severity": p.severity}
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            icon = (QStyle.StandardPixmap.SP_MessageBoxCritical if p.is_error
                    else QStyle.StandardPixmap.SP_MessageBoxWarning)
            return QApplication.style().standardIcon(icon)
        return None


class ProblemsView(QTreeView):
    def sizeHint(self) -> QSize:
        return QSize(600, 96)


class ProblemsPanel(QDockWidget):
    path_activated = Signal(str)

    def __init__(self, parent=None):
        super().__init__("问题", parent)
        self.setObjectName("problems_dock")
        self.model = ProblemsModel(self)
        self.view = ProblemsView(self)
        self.view.setObjectName("problems")
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        self.view.header().setStretchLastSection(False)
        self.view.header().resizeSection(1, 320)
        self.view.activated.connect(self._on_view_activated)
        self.view.doubleClicked.connect(self._on_view_activated)
        self.setWidget(self.view)
        self._checking = False
        self._update_title()

    def set_problems(self, problems: list[Problem]) -> None:
        self.model.set_problems(problems)
        self._update_title()

    def set_checking(self, checking: bool) -> None:
        """While the draft's first whole-draft check runs, the title says so: "无" would claim a
        draft nobody has checked yet is free of problems."""
        self._checking = checking
        self._update_title()

    def _update_title(self) -> None:
        if self._checking:
            self.setWindowTitle("问题（正在检查…）")
            return
        errors = sum(1 for p in self.model.problems if p.is_error)
        warnings = len(self.model.problems) - errors
        self.setWindowTitle(f"问题（{errors} 个错误，{warnings} 个提醒）" if self.model.problems else "问题（无）")

    def _on_view_activated(self, index) -> None:
        data = index.data(Qt.ItemDataRole.UserRole)
        if data:
            self.path_activated.emit(data["path"])
