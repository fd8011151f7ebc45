"""新建 / 打开: the list of drafts (unit name, last change, problem count), with search, 复制,
删除 (to the trash) and 恢复 (from the trash)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from forms.store import Store, StoreError
from ui.ago import AgoTexts


class DraftsDialog(QDialog):
    """Pick a draft to open; ``chosen_id`` is set when the user opens one."""

    def __init__(self, store: Store, current_id: str | None = None, parent=None):
        super().__init__(parent)
        self.setObjectName("drafts")
        self.setWindowTitle("打开草稿")
        self.resize(760, 460)
        self.store, self.current_id = store, current_id
        self.chosen_id: str | None = None
        self.new_requested = False
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit(self)
        self.search.setObjectName("drafts.search")
        self.search.setPlaceholderText("搜索申报单位")
        self.search.textChanged.connect(self._on_search_text_changed)
        top.addWidget(self.search, 1)
        self.trash = QCheckBox("显示回收站", self)
        self.trash.setObjectName("drafts.trash")
        self.trash.toggled.connect(self._on_trash_toggled)
        top.addWidget(self.trash)
        layout.addLayout(top)
        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("drafts.list")
        self.table.setHorizontalHeaderLabels(["申报单位", "最后修改", "问题", "状态"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for col in (1, 2, 3):  # the time with how long ago, the problem count: never elided
            self.table.horizontalHeader().setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        self.table.verticalHeader().hide()
        self.table.doubleClicked.connect(self._on_open_clicked)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.note = QLabel("删除的草稿在回收站保留 30 天，可以恢复。", self)
        self.note.setObjectName("hint")
        layout.addWidget(self.note)
        buttons = QHBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for name, text, slot in (("new", "新建", self._on_new_clicked),
                                 ("duplicate", "复制", self._on_duplicate_clicked),
                                 ("delete", "删除", self._on_delete_clicked),
                                 ("restore", "恢复", self._on_restore_clicked),
                                 ("open", "打开", self._on_open_clicked),
                                 ("cancel", "取消", self.reject)):
            button = QPushButton(text, self)
            button.setObjectName(f"drafts.{name}")
            button.setAutoDefault(name == "open")
            button.clicked.connect(slot)
            if name == "open":
                buttons.addStretch(1)
            buttons.addWidget(button)
            self.buttons[name] = button
        layout.addLayout(buttons)
        self.times = AgoTexts(self)  # 刚刚 stays true while the dialog stays open
        self.refresh()

    def refresh(self, select: str | None = None) -> None:
        needle = self.search.text().strip()
        try:
            drafts = self.store.list_drafts(include_deleted=self.trash.isChecked())
        except StoreError as exc:
            QMessageBox.warning(self, "草稿库", str(exc))
            drafts = []
        if self.trash.isChecked():
            drafts = [d for d in drafts if d.deleted_at is not None]
        drafts = [d for d in drafts if needle in (d.unit_name or "")]
        self.times.clear()
        self.table.setRowCount(len(drafts))
        for row, d in enumerate(drafts):
            name = QTableWidgetItem(d.unit_name or "（未填申报单位）")
            name.setData(Qt.ItemDataRole.UserRole, d.id)
            problems = f"{d.error_count} 个错误" if d.error_count else ("无错误" if not d.problem_count else f"{d.problem_count} 个提醒")
            state = "回收站" if d.deleted_at else ("当前" if d.id == self.current_id else "")
            when = QTableWidgetItem()
            self.times.show(when.setText, d.updated)
            for col, item in enumerate((name, when, QTableWidgetItem(problems), QTableWidgetItem(state))):
                self.table.setItem(row, col, item)
            if d.id == select:
                self.table.selectRow(row)
        if self.table.currentRow() < 0 and drafts:
            self.table.selectRow(0)
        self._update_buttons()

    def selected_id(self) -> str | None:
        row = self.table.currentRow()
        item = self.table.item(row, 0) if row >= 0 else None
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _update_buttons(self) -> None:
        has = self.selected_id() is not None
        trash = self.trash.isChecked()
        self.buttons["open"].setEnabled(has and not trash)
        self.buttons["duplicate"].setEnabled(has and not trash)
        self.buttons["delete"].setEnabled(has and not trash)
        self.buttons["restore"].setEnabled(has and trash)

    def _on_search_text_changed(self, text: str) -> None:
        self.refresh()

    def _on_trash_toggled(self, checked: bool) -> None:
        self.refresh()

    def _act(self, fn, draft_id: str) -> str | None:
        try:
            return fn(draft_id)
        except StoreError as exc:
            QMessageBox.warning(self, "草稿库", str(exc))
            return None

    def _on_new_clicked(self) -> None:
        self.new_requested = True
        self.accept()

    def _on_open_clicked(self, *args) -> None:
        draft_id = self.selected_id()
        if draft_id and not self.trash.isChecked():
            self.chosen_id = draft_id
            self.accept()

    def _on_duplicate_clicked(self) -> None:
        draft_id = self.selected_id()
        if draft_id:
            self.refresh(select=self._act(self.store.duplicate, draft_id))

    def _on_delete_clicked(self) -> None:
        draft_id = self.selected_id()
        if draft_id:
            self._act(self.store.delete, draft_id)
            self.refresh()

    def _on_restore_clicked(self) -> None:
        draft_id = self.selected_id()
        if draft_id:
            self._act(self.store.restore, draft_id)
            self.trash.setChecked(False)
            self.refresh(select=draft_id)
