"""The compare view: a received draft beside the local one with the same id, field by field.

Each difference is one row — where (in the form's words), 本机 (mine), 收到的 (theirs) — with a
check box: checked rows take the incoming value. 全部采用 / 全部不采用 check all or none.
Member, partner and attachment rows are matched by identity (:mod:`ui.merge`), so a reordered
or inserted member is one row, not a cascade. Personal numbers are masked unless 显示完整证件号码
is checked. Accepting builds the merged draft (:meth:`CompareDialog.merged`); the caller applies
it through the session (undoable, the earlier state stays in history).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from forms.draft import Draft
from ui.masking import shown_row, shown_value
from ui.merge import ADDED, FIELD, ORDER, REMOVED, Comparison, Difference, compare, merge

COL_WHERE, COL_MINE, COL_THEIRS = 0, 1, 2
ITEM_ROLE = Qt.ItemDataRole.UserRole
CONTEXT = 20  # characters shown around a change in a long text
# Dialog results beyond Accepted (merge) and Rejected (cancel).
KEEP_SEPARATE = 2


def changed_part(old: str, new: str, context: int = CONTEXT) -> tuple[str, str]:
    """The part of two long texts that differs, with a little context on each side and … for
    what is left out (a 2000-字 plan is not shown whole for one added sentence)."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    a, b = max(0, start - context), end - context if end > context else 0

    def cut(text: str) -> str:
        stop = len(text) - b
        return ("…" if a else "") + text[a:stop] + ("…" if b else "")

    return cut(old), cut(new)


def describe(draft_mine: Draft, draft_theirs: Draft, d: Difference, reveal: bool,
             names: tuple[str, str] = ("本机", "收到的")) -> tuple[str, str, str]:
    """(where, mine, theirs) texts of one difference, personal numbers masked unless ``reveal``.
    ``names``: what the two sides are called (本机 / 收到的; 该版本 / 现在)."""
    form = draft_mine.form
    if d.kind == FIELD:
        path = d.path
        old = shown_value(form, path, d.mine, reveal=reveal)
        new = shown_value(form, path, d.theirs, reveal=reveal)
        if form.field(path).type == "para":
            old, new = changed_part(old, new)
        return (form.where(path) or path, old or "（空）", new or "（空）")
    label = form.field(d.list_path).label
    mine, theirs = names
    if d.kind == ADDED:
        return (f"{label}：{theirs}第 {d.theirs_index + 1} 行（{mine}没有）", "（没有这一行）",
                shown_row(form, d.list_path, d.theirs, reveal=reveal))
    if d.kind == REMOVED:
        return (f"{label}：{mine}第 {d.mine_index + 1} 行（{theirs}没有）",
                shown_row(form, d.list_path, d.mine, reveal=reveal), "（没有这一行）")
    assert d.kind == ORDER
    return (f"{label}：行的顺序", f"{mine}的顺序", f"{theirs}的顺序")


class CompareDialog(QDialog):
    """Mine / theirs side by side; the result is :meth:`merged` (or :data:`KEEP_SEPARATE`)."""

    selection_changed = Signal(int)

    def __init__(self, mine: Draft, theirs: Draft, parent: QWidget | None = None, *,
                 personal_removed: bool = False, source_name: str = ""):
        super().__init__(parent)
        self.setObjectName("compare")
        self.setWindowTitle("比较并合并草稿")
        self.mine, self.theirs = mine, theirs
        self.comparison: Comparison = compare(mine, theirs, skip_blank_personal=personal_removed)
        self._items: list[QTreeWidgetItem] = []

        layout = QVBoxLayout(self)
        what = f"“{source_name}”" if source_name else "收到的草稿"
        intro = QLabel(f"{what}与本机的草稿是同一份申报书（{mine.unit_name or '未填单位名称'}），"
                       f"有 {len(self.comparison.differences)} 处不同。勾选要采用的“收到的”内容，"
                       "没勾选的保留本机的。合并前的内容会留在“历史版本”中，也可以撤销。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if self.comparison.skipped_personal:
            note = QLabel(f"收到的文件不含证件号码（发送人选择了不含个人证件号码），"
                          f"本机的 {self.comparison.skipped_personal} 个号码（证件号码、银行账号）保持不变。", self)
            note.setObjectName("compare.personal_note")
            note.setWordWrap(True)
            layout.addWidget(note)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("compare.items")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["位置", "本机", "收到的（勾选即采用）"])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        header = self.tree.header()
        header.setSectionResizeMode(COL_WHERE, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_MINE, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(COL_THEIRS, QHeaderView.ResizeMode.Stretch)
        header.resizeSection(COL_WHERE, 340)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideNone)  # long places wrap instead
        for d in self.comparison.differences:
            item = QTreeWidgetItem(self.tree)
            item.setData(COL_WHERE, ITEM_ROLE, d)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(COL_THEIRS, Qt.CheckState.Unchecked)
            item.setForeground(COL_MINE, QBrush(QColor("#8a1f11")))
            item.setForeground(COL_THEIRS, QBrush(QColor("#1d5e20")))
            self._items.append(item)
        self.tree.itemChanged.connect(self._on_tree_item_changed)
        layout.addWidget(self.tree, 1)

        row = QHBoxLayout()
        self.all_button = QPushButton("全部采用", self)
        self.all_button.setObjectName("compare.take_all")
        self.none_button = QPushButton("全部不采用", self)
        self.none_button.setObjectName("compare.take_none")
        self.reveal_box = QCheckBox("显示完整证件号码", self)
        self.reveal_box.setObjectName("compare.reveal")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("compare.count")
        for w in (self.all_button, self.none_button, self.reveal_box):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(self.count_label)
        layout.addLayout(row)
        self.all_button.clicked.connect(self.take_all)
        self.none_button.clicked.connect(self.take_none)
        self.reveal_box.toggled.connect(self._on_reveal_box_toggled)

        buttons = QDialogButtonBox(self)
        self.merge_button = buttons.addButton("合并所选", QDialogButtonBox.ButtonRole.AcceptRole)
        self.merge_button.setObjectName("compare.merge")
        self.separate_button = buttons.addButton("另存为新草稿", QDialogButtonBox.ButtonRole.ActionRole)
        self.separate_button.setObjectName("compare.keep_separate")
        self.separate_button.setToolTip("不合并：把收到的草稿作为另一份草稿保存，本机的草稿不变")
        cancel = buttons.addButton("取消", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("compare.cancel")
        self.merge_button.clicked.connect(self.accept)
        self.separate_button.clicked.connect(self._on_separate_clicked)
        cancel.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self._fill_texts()
        self._update_count()
        self.resize(980, 620)

    # -- contents ---------------------------------------------------------------------------

    def differences(self) -> list[Difference]:
        return list(self.comparison.differences)

    def item_texts(self) -> list[tuple[str, str, str]]:
        return [(i.text(COL_WHERE), i.text(COL_MINE), i.text(COL_THEIRS)) for i in self._items]

    def _fill_texts(self) -> None:
        reveal = self.reveal_box.isChecked()
        self.tree.blockSignals(True)
        for item in self._items:
            texts = describe(self.mine, self.theirs, item.data(COL_WHERE, ITEM_ROLE), reveal)
            for col, text in enumerate(texts):
                item.setText(col, text)
                item.setToolTip(col, text)
        self.tree.blockSignals(False)

    def _on_reveal_box_toggled(self, _on: bool) -> None:
        self._fill_texts()

    # -- choosing ---------------------------------------------------------------------------

    def set_taken(self, indexes, taken: bool = True) -> None:
        state = Qt.CheckState.Checked if taken else Qt.CheckState.Unchecked
        for i in indexes:
            self._items[i].setCheckState(COL_THEIRS, state)

    def take_all(self) -> None:
        self.set_taken(range(len(self._items)), True)

    def take_none(self) -> None:
        self.set_taken(range(len(self._items)), False)

    def taken(self) -> list[Difference]:
        return [i.data(COL_WHERE, ITEM_ROLE) for i in self._items
                if i.checkState(COL_THEIRS) == Qt.CheckState.Checked]

    def _on_tree_item_changed(self, _item, column: int) -> None:
        if column == COL_THEIRS:
            self._update_count()

    def _update_count(self) -> None:
        n = len(self.taken())
        self.count_label.setText(f"已选 {n} / {len(self._items)} 处")
        self.merge_button.setEnabled(n > 0)
        self.selection_changed.emit(n)

    def merged(self) -> Draft:
        """The local draft with the checked incoming values."""
        return merge(self.mine, self.theirs, self.comparison, self.taken())

    def _on_separate_clicked(self) -> None:
        self.done(KEEP_SEPARATE)
