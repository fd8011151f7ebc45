"""历史版本: the draft's revisions, what changed since each, and restoring one.

The list shows each revision's time, reason, unit name and problem count (the last two are
worked out off the GUI thread, revision by revision). Selecting a revision shows a field-level
diff of it against the draft as it is now (personal numbers masked unless revealed). 恢复此版本
replaces the draft through the session: a new revision, undoable with Ctrl+Z, nothing lost.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from forms.store import StoreError
from forms.validate import validate
from ui.ago import AgoTexts
from ui.compare import describe
from ui.exporting import tell
from ui.merge import compare
from ui.worker import run_in_thread

COL_TIME, COL_REASON, COL_UNIT, COL_PROBLEMS = range(4)
REV_ROLE = Qt.ItemDataRole.UserRole


def _revision_facts(store, draft_id: str, revision_ids: list[int]) -> list[tuple[int, str, int, int]]:
    """(revision id, unit name, problem count, error count) of each revision (worker thread)."""
    out = []
    for rid in revision_ids:
        try:
            draft = store.load_revision(draft_id, rid)
        except StoreError:
            continue
        problems = validate(draft)
        out.append((rid, draft.unit_name, len(problems), sum(p.is_error for p in problems)))
    return out


class HistoryDialog(QDialog):
    """Revisions of the session's draft. ``restored(revision_id)`` after a restore."""

    restored = Signal(int)
    facts_loaded = Signal()

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("history")
        self.setWindowTitle("历史版本")
        self.session = session
        self._drafts: dict[int, object] = {}

        layout = QVBoxLayout(self)
        intro = QLabel("每次保存、打印、导入、合并都会留下一个版本。选中一个版本，下方列出它与现在的不同；"
                       "“恢复此版本”会把草稿改回那时的内容（作为新版本保存，可以撤销）。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.list = QTreeWidget(splitter)
        self.list.setObjectName("history.revisions")
        self.list.setHeaderLabels(["时间", "原因", "申报单位", "问题数"])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.header().setSectionResizeMode(COL_UNIT, QHeaderView.ResizeMode.Stretch)
        # the time with how long ago (2026年12月5日 14:05（3分钟前）): as wide as its text, never elided
        self.list.header().setSectionResizeMode(COL_TIME, QHeaderView.ResizeMode.ResizeToContents)
        self.list.header().resizeSection(COL_REASON, 220)
        self.diff = QTreeWidget(splitter)
        self.diff.setObjectName("history.diff")
        self.diff.setHeaderLabels(["位置", "该版本", "现在"])
        self.diff.setRootIsDecorated(False)
        self.diff.setWordWrap(True)
        self.diff.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.diff.header().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.diff.header().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.diff.header().resizeSection(0, 260)
        splitter.setSizes([260, 300])
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.summary = QLabel(self)
        self.summary.setObjectName("history.summary")
        self.reveal_box = QCheckBox("显示完整证件号码", self)
        self.reveal_box.setObjectName("history.reveal")
        row.addWidget(self.summary, 1)
        row.addWidget(self.reveal_box)
        layout.addLayout(row)
        buttons = QDialogButtonBox(self)
        self.restore_button = buttons.addButton("恢复此版本", QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.setObjectName("history.restore")
        self.restore_button.setEnabled(False)
        buttons.addButton("关闭", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.restore_button.clicked.connect(self.restore_selected)
        layout.addWidget(buttons)

        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.reveal_box.toggled.connect(self._on_reveal_box_toggled)
        self.times = AgoTexts(self)  # 刚刚 stays true while the dialog stays open
        self.reload()
        self.resize(900, 640)

    # -- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        self.session.flush()
        self.times.clear()
        self.list.clear()
        self._drafts.clear()
        try:
            revisions = self.session.store.revisions(self.session.draft_id)
        except StoreError as exc:
            self.summary.setText(f"无法读取历史版本：{exc}")
            return
        for rev in revisions:
            item = QTreeWidgetItem(self.list)
            self.times.show(partial(item.setText, COL_TIME), rev.created)
            item.setText(COL_REASON, rev.reason if rev.explicit else f"{rev.reason}（自动保存）")
            item.setText(COL_UNIT, "…")
            item.setText(COL_PROBLEMS, "…")
            item.setData(COL_TIME, REV_ROLE, rev.id)
        self.summary.setText(f"共 {len(revisions)} 个版本")
        run_in_thread(_revision_facts, self.session.store, self.session.draft_id, [r.id for r in revisions],
                      on_done=self._on_facts_done, on_error=self._on_facts_error)

    def _on_facts_done(self, facts) -> None:
        if not isValid(self):  # closed (and deleted) before the worker finished
            return
        by_id = {rid: (unit, n, errors) for rid, unit, n, errors in facts}
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            fact = by_id.get(item.data(COL_TIME, REV_ROLE))
            if fact is None:
                continue
            unit, n, errors = fact
            item.setText(COL_UNIT, unit or "（未填）")
            item.setText(COL_PROBLEMS, f"{n}（错误 {errors}）" if errors else str(n))
        self.facts_loaded.emit()

    def _on_facts_error(self, exc: BaseException) -> None:
        if not isValid(self):
            return
        self.summary.setText(f"{self.summary.text()}（单位名称和问题数未能读出：{exc}）")

    def revision_ids(self) -> list[int]:
        return [self.list.topLevelItem(i).data(COL_TIME, REV_ROLE) for i in range(self.list.topLevelItemCount())]

    def select_revision(self, revision_id: int) -> None:
        for i in range(self.list.topLevelItemCount()):
            item = self.list.topLevelItem(i)
            if item.data(COL_TIME, REV_ROLE) == revision_id:
                self.list.setCurrentItem(item)
                return
        raise KeyError(revision_id)

    def selected_revision(self) -> int | None:
        item = self.list.currentItem()
        return item.data(COL_TIME, REV_ROLE) if item is not None else None

    # -- the diff ---------------------------------------------------------------------------

    def _revision_draft(self, revision_id: int):
        if revision_id not in self._drafts:
            self._drafts[revision_id] = self.session.store.load_revision(self.session.draft_id, revision_id)
        return self._drafts[revision_id]

    def _on_list_current_item_changed(self, _current, _previous) -> None:
        self.show_diff()

    def _on_reveal_box_toggled(self, _on: bool) -> None:
        self.show_diff()

    def show_diff(self) -> None:
        self.diff.clear()
        rid = self.selected_revision()
        self.restore_button.setEnabled(rid is not None)
        if rid is None:
            return
        try:
            then = self._revision_draft(rid)
        except StoreError as exc:
            self.summary.setText(f"无法读取这个版本：{exc}")
            return
        now = self.session.snapshot()
        comparison = compare(then, now)
        reveal = self.reveal_box.isChecked()
        for d in comparison.differences:
            where, old, new = describe(then, now, d, reveal, ("该版本", "现在"))
            item = QTreeWidgetItem(self.diff, [where, old, new])
            for col in range(3):
                item.setToolTip(col, item.text(col))
        if comparison.other_edition:
            QTreeWidgetItem(self.diff, ["表格版本", then.form.id, now.form.id])
        count = self.diff.topLevelItemCount()
        self.summary.setText("这个版本与现在相同" if count == 0 else f"这个版本与现在有 {count} 处不同")
        self.restore_button.setEnabled(count > 0)

    def diff_rows(self) -> list[tuple[str, str, str]]:
        return [tuple(self.diff.topLevelItem(i).text(c) for c in range(3)) for i in range(self.diff.topLevelItemCount())]

    # -- restoring --------------------------------------------------------------------------

    def restore_selected(self) -> None:
        rid = self.selected_revision()
        if rid is None:
            return
        try:
            draft = self._revision_draft(rid).copy()
        except StoreError as exc:
            tell(self, "历史版本", f"无法恢复：{exc}\n草稿内容没有受到影响。", warning=True, name="history_error")
            return
        item = self.list.currentItem()
        self.session.flush()  # the state before the restore stays in history
        self.session.replace_draft(draft, f"恢复到 {item.text(COL_TIME)} 的版本")
        self.restored.emit(rid)
        self.reload()


def open_history(session, parent: QWidget | None = None) -> HistoryDialog:
    dialog = HistoryDialog(session, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
