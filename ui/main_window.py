"""The main window (contract C8): parts on the left with their problem counts, the part in the
centre, the problems panel below, the guide (F1) on the right, save state, 校验码 and the current
field's 字 count in the status bar.

Everything the window shows comes from its :class:`~ui.session.DraftSession`; the window only
wires views to it, opens and switches drafts, and hands the file operations (preview, print,
export, share, import, history) to :mod:`ui.operations`.
"""

from __future__ import annotations

import hashlib
import importlib
from functools import partial
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from forms.draft import Draft
from forms.model import RESET, split_row_path
from forms.problems import Problem
from forms.store import Store, StoreError
from forms.text import count_zi
from ui.fields import FieldEditor
from ui.guide_panel import GuidePanel
from ui.parts import PartPage, fill_page, new_pages
from ui.placement import companions
from ui.problems_panel import ProblemsPanel
from ui.session import DraftSession
from ui.style import STYLE
from ui.table import ListTableView

APP_TITLE = "申报助手"
RECENT_MAX = 8

# action name -> (menu text, shortcut, ui.operations function or None for the window's own)
ACTIONS: dict[str, tuple[str, QKeySequence | str | None, str | None]] = {
    "new": ("新建草稿", QKeySequence.StandardKey.New, None),
    "open": ("打开草稿…", QKeySequence.StandardKey.Open, None),
    "save": ("保存版本", QKeySequence.StandardKey.Save, None),
    "undo": ("撤销", QKeySequence.StandardKey.Undo, None),
    "redo": ("重做", "Ctrl+Y", None),
    "preview": ("打印预览", "Ctrl+Shift+P", "preview"),
    "print": ("打印…", QKeySequence.StandardKey.Print, "print_draft"),
    "export_pdf": ("导出 PDF…", None, "export_pdf"),
    "export_docx": ("导出 Word…", None, "export_docx"),
    "share": ("发送草稿文件…", None, "share"),
    "import": ("导入草稿…", None, "import_files"),
    "history": ("历史版本…", None, "history"),
    "guide": ("申报指南", "F1", None),
    "eligibility": ("申报条件自查…", None, "eligibility"),
    "targets": ("绩效目标计算器…", None, "targets"),
}

# part id -> (action, button text, tooltip): the helper a part's writer may want, offered on
# that part's page as well as in the 工具 menu.
HELPER_LINKS: dict[str, tuple[str, str, str]] = {
    "plan": ("targets", "绩效目标计算器…", "按申报指南“年均增幅不少于30%”计算各项指标的目标，并写入本部分"),
}


def settings() -> QSettings:
    return QSettings()


def _store_key(store: Store) -> str:
    return hashlib.sha1(str(Path(store.path).resolve()).encode("utf-8")).hexdigest()[:12]


class MainWindow(QMainWindow):
    """Opening a draft with ``lazy=True`` (the program's start) builds only the part shown, so
    the window paints at once; the other parts are built one per event-loop pass after that, and
    then the first whole-draft check starts on a worker thread. :meth:`is_ready` / ``ready``: every
    page built and the first check applied. Until then :meth:`page_of` and :meth:`focus_path`
    build what is missing on demand, and :meth:`ensure_pages` builds everything (``findChild``
    callers that cannot wait)."""

    draft_opened = Signal(str)
    ready = Signal()  # every page of the open draft built and its first whole-draft check applied

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.session: DraftSession | None = None
        self.pages: list[PartPage] = []
        self._plan: dict = {}
        self._generation = 0        # +1 per opened draft: stale lazy-build steps stop
        self._ready_emitted = True
        self._editors_by_path: dict[str, list[FieldEditor]] = {}
        self._marked: dict[str, list[Problem]] = {}  # path -> the problems its editors show
        self._part_of: dict[str, tuple[int, ...]] = {}  # problem path -> the pages showing it
        self._current_field: str | None = None
        self.setObjectName("main_window")
        self.setWindowTitle(APP_TITLE)
        self.setStyleSheet(STYLE)
        self.setAcceptDrops(True)
        self.resize(1280, 760)

        self.parts = QListWidget(self)
        self.parts.setObjectName("parts")
        self.parts.setMinimumWidth(200)
        self.parts.setWordWrap(True)
        self.parts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.parts.currentRowChanged.connect(self._on_parts_current_row_changed)
        self.stack = QStackedWidget(self)
        self.stack.setObjectName("pages")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("splitter")
        splitter.addWidget(self.parts)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 1060])
        self.setCentralWidget(splitter)

        self.problems_panel = ProblemsPanel(self)
        self.problems_panel.path_activated.connect(self.focus_path)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.problems_panel)
        self.guide_panel = GuidePanel(self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.guide_panel)
        self.guide_panel.hide()

        self.save_state = QLabel("尚未修改")
        self.save_state.setObjectName("save_state")
        self.fingerprint = QLabel()
        self.fingerprint.setObjectName("fingerprint")
        self.zi_count = QLabel()  # the focused field's 字 count (empty until a field has focus)
        self.zi_count.setObjectName("zi_count")
        for label in (self.zi_count, self.fingerprint, self.save_state):
            self.statusBar().addPermanentWidget(label)

        self.actions_by_name: dict[str, QAction] = {}
        self._make_actions()
        QApplication.instance().focusChanged.connect(self._on_app_focus_changed)
        self._restore_geometry()

    # -- actions --------------------------------------------------------------------------

    def _make_actions(self) -> None:
        for name, (text, shortcut, _op) in ACTIONS.items():
            action = QAction(text, self)
            action.setObjectName(f"action.{name}")
            if shortcut is not None:
                action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(getattr(self, f"_on_action_{name}_triggered"))
            self.addAction(action)
            self.actions_by_name[name] = action
        a = self.actions_by_name
        file_menu = self.menuBar().addMenu("文件(&F)")
        for name in ("new", "open"):
            file_menu.addAction(a[name])
        self.recent_menu = QMenu("最近打开", self)
        self.recent_menu.setObjectName("recent")
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        for name in ("save", "history", "import", "share"):
            file_menu.addAction(a[name])
        file_menu.addSeparator()
        for name in ("preview", "print", "export_pdf", "export_docx"):
            file_menu.addAction(a[name])
        edit_menu = self.menuBar().addMenu("编辑(&E)")
        edit_menu.addAction(a["undo"])
        edit_menu.addAction(a["redo"])
        self.view_menu = self.menuBar().addMenu("视图(&V)")
        self.view_menu.addAction(self.problems_panel.toggleViewAction())
        tools_menu = self.menuBar().addMenu("工具(&T)")
        tools_menu.addAction(a["eligibility"])
        tools_menu.addAction(a["targets"])
        help_menu = self.menuBar().addMenu("帮助(&H)")
        help_menu.addAction(a["guide"])
        toolbar = self.addToolBar("常用")
        toolbar.setObjectName("toolbar")
        for name in ("new", "open", "save", "undo", "redo", "preview", "print", "export_pdf", "guide"):
            toolbar.addAction(a[name])

    def _operation(self, name: str, *args) -> object:
        """Call ``ui.operations.<name>(self, *args)``, imported on first use (preview, printing
        and sharing pull in pdf/ and QtPdf, which the first paint does not need)."""
        operations = importlib.import_module("ui.operations")
        return getattr(operations, name)(self, *args)

    def _on_action_new_triggered(self) -> None:
        self.new_draft()

    def _on_action_open_triggered(self) -> None:
        self.show_drafts_dialog()

    def _on_action_save_triggered(self) -> None:
        if self.session is not None and self.session.save_now("保存"):
            self.statusBar().showMessage("已保存为一个版本，可在“历史版本”中找回。", 4000)

    def _on_action_undo_triggered(self) -> None:
        if self.session is not None:
            self.session.end_typing()
            self.session.undo_stack.undo()

    def _on_action_redo_triggered(self) -> None:
        if self.session is not None:
            self.session.undo_stack.redo()

    def _on_action_preview_triggered(self) -> None:
        self._operation("preview")

    def _on_action_print_triggered(self) -> None:
        self._operation("print_draft")

    def _on_action_export_pdf_triggered(self) -> None:
        self._operation("export_pdf")

    def _on_action_export_docx_triggered(self) -> None:
        self._operation("export_docx")

    def _on_action_share_triggered(self) -> None:
        self._operation("share")

    def _on_action_import_triggered(self) -> None:
        self._operation("import_files")

    def _on_action_history_triggered(self) -> None:
        self._operation("history")

    def _on_action_eligibility_triggered(self) -> None:
        self._operation("eligibility")

    def _on_action_targets_triggered(self) -> None:
        self._operation("targets")

    def _on_action_guide_triggered(self) -> None:
        self.guide_panel.setVisible(not self.guide_panel.isVisible())

    # -- drafts ---------------------------------------------------------------------------

    def new_draft(self, draft: Draft | None = None, reason: str = "新建", *, lazy: bool = False) -> str:
        draft_id = self.store.create(draft if draft is not None else Draft(), reason)
        self.open_draft(draft_id, lazy=lazy)
        return draft_id

    def open_draft(self, draft_id: str, *, lazy: bool = False) -> None:
        """Show a stored draft (the previous one is saved first). ``lazy``: see the class."""
        draft = self.store.load(draft_id)
        self.close_session()
        session = DraftSession(self.store, draft_id, draft, self, check_later=lazy)
        self.session = session
        session.changed.connect(self._on_session_changed)
        session.problems_changed.connect(self._on_session_problems_changed)
        session.saved.connect(self._on_session_saved)
        session.save_failed.connect(self._on_session_save_failed)
        session.checked.connect(self._on_session_checked)
        session.undo_stack.canUndoChanged.connect(self.actions_by_name["undo"].setEnabled)
        session.undo_stack.canRedoChanged.connect(self.actions_by_name["redo"].setEnabled)
        self.actions_by_name["undo"].setEnabled(False)
        self.actions_by_name["redo"].setEnabled(False)
        self._build_pages(lazy)
        self._on_session_problems_changed(session.problems)
        self._on_session_checked()
        self.save_state.setText("已打开")
        self._remember_open(draft_id)
        self.setWindowTitle(f"{draft.unit_name or '新草稿'} — {APP_TITLE}")
        self.draft_opened.emit(draft_id)

    def close_session(self) -> None:
        self._generation += 1  # lazy-build steps of this draft's pages stop
        if self.session is None:
            return
        self.session.close()
        self.session.deleteLater()
        self.session = None

    def open_last(self, *, lazy: bool = False) -> None:
        """The last draft of this store, else the most recently changed, else the sample as a
        new draft (spec §7); then the field the user left (once the window is ready when
        ``lazy``: see the class)."""
        s = settings()
        key = _store_key(self.store)
        last = s.value(f"stores/{key}/last_draft")
        ids = [d.id for d in self.store.list_drafts()]
        if last not in ids:
            last = ids[0] if ids else None
        if last is None:
            from forms.sample import sample_draft  # only for an empty store

            self.new_draft(sample_draft(), "示例", lazy=lazy)
            return
        self.open_draft(last, lazy=lazy)
        field = s.value(f"stores/{key}/last_field/{last}")
        if field:
            self.when_ready(partial(self.focus_path, str(field)))

    def open_paths(self, paths: list[str]) -> None:
        """Draft JSON or .shenbao files handed over (command line, drag and drop, second start)."""
        if paths:
            self._operation("import_files", [str(p) for p in paths])
        self.raise_()
        self.activateWindow()

    def show_drafts_dialog(self) -> None:
        from ui.drafts_dialog import DraftsDialog  # not needed for the first paint

        if self.session is not None:
            self.session.flush()
        dialog = DraftsDialog(self.store, self.session.draft_id if self.session else None, self)
        dialog.exec()
        if dialog.new_requested:
            self.new_draft()
        elif dialog.chosen_id:
            self.open_draft(dialog.chosen_id)
        elif self.session is not None:
            self._leave_deleted_draft()

    def _leave_deleted_draft(self) -> None:
        """The open draft went to the trash from the list: show another one."""
        try:
            deleted = self.store.summary(self.session.draft_id).deleted_at is not None
        except StoreError:
            deleted = True
        if deleted:
            self.session.close()
            self.session = None
            self.open_last()

    def _remember_open(self, draft_id: str) -> None:
        s = settings()
        key = _store_key(self.store)
        s.setValue(f"stores/{key}/last_draft", draft_id)
        recent = [r for r in (s.value(f"stores/{key}/recent") or []) if r != draft_id]
        recent = [draft_id, *recent][:RECENT_MAX]
        s.setValue(f"stores/{key}/recent", recent)
        self._fill_recent_menu(recent)

    def _fill_recent_menu(self, recent: list[str]) -> None:
        self.recent_menu.clear()
        names = {d.id: d.unit_name for d in self.store.list_drafts()}
        for draft_id in recent:
            if draft_id in names:
                action = self.recent_menu.addAction(names[draft_id] or "（未填申报单位）")
                action.setData(draft_id)
                action.triggered.connect(self._on_recent_triggered)

    def _on_recent_triggered(self) -> None:
        action = self.sender()
        if isinstance(action, QAction) and action.data():
            self.open_draft(action.data())

    # -- pages ----------------------------------------------------------------------------

    def _build_pages(self, lazy: bool = False) -> None:
        while self.stack.count():
            widget = self.stack.widget(0)
            self.stack.removeWidget(widget)
            widget.deleteLater()
        self._generation += 1
        self._ready_emitted = False
        self.parts.blockSignals(True)
        self.parts.clear()
        self.pages = new_pages(self.session, self.session.form)
        self._plan = companions(self.session.form)
        self._editors_by_path = {}
        self._marked = {}
        self._part_of = {}
        for page in self.pages:
            scroll = QScrollArea()
            scroll.setObjectName("page_scroll")
            scroll.setWidgetResizable(True)
            scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            scroll.setWidget(page)
            self.stack.addWidget(scroll)
            item = QListWidgetItem(page.title)
            item.setData(Qt.ItemDataRole.UserRole, page.part["id"])
            item.setData(Qt.ItemDataRole.UserRole + 1, 0)  # the part's problem count
            self.parts.addItem(item)
        self.parts.blockSignals(False)
        first = next((i for i, p in enumerate(self.pages) if p.part["kind"] != "static"), 0)
        if lazy:
            self._fill(self.pages[first])
            QTimer.singleShot(0, self, partial(self._fill_next, self._generation))
        else:
            self.ensure_pages()
        self.parts.setCurrentRow(first)
        self.stack.setCurrentIndex(first)

    def _add_helper_link(self, page: PartPage) -> None:
        link = HELPER_LINKS.get(page.part["id"])
        if link is None:
            return
        action_name, text, tip = link
        button = QPushButton(text, page)
        button.setObjectName(f"part.{page.part['id']}.{action_name}")
        button.setToolTip(tip)
        button.clicked.connect(self.actions_by_name[action_name].trigger)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(button)
        page.layout_.insertLayout(1, row)  # under the part's heading, in sight when the page opens

    def _fill(self, page: PartPage) -> None:
        """Build one page and wire its editors to the window."""
        if page.built:
            return
        fill_page(page, self._plan)
        self._add_helper_link(page)
        for editor in page.editors:
            self._editors_by_path.setdefault(editor.path, []).append(editor)
            editor.focused.connect(self._on_editor_focused)
            self._marked.pop(editor.path, None)  # a new editor of a marked path shows its marks too
        for table in page.tables.values():
            table.model.input_refused.connect(self._on_input_refused)
        if self.session is not None and page.editors:
            self._on_session_problems_changed(self.session.problems)

    def _fill_next(self, generation: int) -> None:
        """One page per event-loop pass (input and paints go between), then ``ready``."""
        if generation != self._generation:
            return  # another draft was opened meanwhile
        page = next((p for p in self.pages if not p.built), None)
        if page is not None:
            self._fill(page)
        if all(p.built for p in self.pages):
            self.session.start_first_check()
            self._maybe_ready()  # in the pass that built the last page: is_ready() and ready agree
            return
        QTimer.singleShot(0, self, partial(self._fill_next, generation))

    def ensure_pages(self) -> None:
        """Build every page not built yet, now."""
        for page in self.pages:
            self._fill(page)
        self._maybe_ready()

    def is_ready(self) -> bool:
        return (self.session is not None and self.session.first_check_done
                and all(p.built for p in self.pages))

    def _maybe_ready(self) -> None:
        if not self._ready_emitted and self.is_ready():
            self._ready_emitted = True
            self.ready.emit()

    def when_ready(self, fn) -> None:
        """Call ``fn()`` now if the window is ready, else once it is (for this draft only)."""
        if self.is_ready():
            fn()
            return
        generation = self._generation

        def once() -> None:
            self.ready.disconnect(once)
            if generation == self._generation:
                fn()
        self.ready.connect(once)

    def page_of(self, path: str) -> PartPage | None:
        for page in self.pages:
            if page.built and page.shows(path):
                return page
        if all(p.built for p in self.pages):
            return None
        self.ensure_pages()
        return self.page_of(path)

    def show_part(self, part_id: str) -> PartPage:
        for i, page in enumerate(self.pages):
            if page.part["id"] == part_id:
                self.parts.setCurrentRow(i)
                return page
        raise KeyError(part_id)

    def _on_parts_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self.pages):
            self._fill(self.pages[row])
        if row >= 0:
            self.stack.setCurrentIndex(row)

    def focus_path(self, path: str) -> bool:
        """Show the part holding ``path``, scroll to the field and focus it (in a table: select
        its row and cell). False when no page shows it."""
        page = self.page_of(path)
        if page is None:
            return False
        self.show_part(page.part["id"])
        scroll = self.stack.currentWidget()
        where = split_row_path(path)
        list_path = where[0] if where else (path if path in page.tables else None)
        if list_path in page.tables:
            table = page.tables[list_path]
            row, column = (where[1], next((i for i, c in enumerate(table.model.columns) if c.key == where[2]), 0)) if where else (0, 0)
            index = table.model.index(row, column)
            if index.isValid():
                table.view.setCurrentIndex(index)
                table.view.scrollTo(index)
            table.view.setFocus(Qt.FocusReason.OtherFocusReason)
            scroll.ensureWidgetVisible(table.view, 50, 50)
            return True
        attachments = getattr(page, "attachments_page", None)
        if attachments is not None and hasattr(attachments, "focus_path"):
            attachments.focus_path(path)
            return True
        editors = [e for e in page.editors if e.path == path]
        if not editors:
            return True
        editor = editors[0]
        editor.setVisible(True)
        scroll.ensureWidgetVisible(editor, 50, 80)
        editor.input.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    # -- session events -------------------------------------------------------------------

    def _on_session_changed(self, change) -> None:
        if change.kind == RESET:
            for editors in self._editors_by_path.values():
                for editor in editors:
                    editor.show_value()
        else:
            for editor in self._editors_by_path.get(change.path, ()):
                editor.show_value()
        for page in self.pages:
            page.refresh_conditions()
        if self._current_field == change.path:
            self._show_zi(change.path)
        if change.path == "unit.name" or change.kind == RESET:
            self.setWindowTitle(f"{self.session.draft.unit_name or '新草稿'} — {APP_TITLE}")
        self.save_state.setText("正在保存…")

    def _on_session_problems_changed(self, problems: list[Problem]) -> None:
        """Marks on the editors whose problems changed (only those), the problems panel, and
        each part's count in the parts list."""
        by_path: dict[str, list[Problem]] = {}
        for p in problems:
            by_path.setdefault(p.path, []).append(p)
        for path in self._marked.keys() | by_path.keys():
            shown = by_path.get(path, [])
            if self._marked.get(path, []) == shown:
                continue
            for editor in self._editors_by_path.get(path, ()):
                editor.set_problems(shown)
        self._marked = {path: shown for path, shown in by_path.items() if path in self._editors_by_path}
        self.problems_panel.set_problems(problems)
        counts = [0] * len(self.pages)
        for p in problems:
            for index in self._parts_showing(p.path):
                counts[index] += 1
        for i, (page, count) in enumerate(zip(self.pages, counts)):
            item = self.parts.item(i)
            text = f"{page.title}（{count}）" if count else page.title
            if item.text() != text:
                item.setText(text)
                item.setData(Qt.ItemDataRole.UserRole + 1, count)

    def _parts_showing(self, path: str) -> tuple[int, ...]:
        """The pages showing ``path`` (the leader's fields are on two), remembered once every
        page is built (a page knows its paths when built)."""
        found = self._part_of.get(path)
        if found is None:
            found = tuple(i for i, page in enumerate(self.pages) if page.shows(path))
            if all(page.built for page in self.pages):
                self._part_of[path] = found
        return found

    def _on_session_checked(self) -> None:
        from forms.display import FINGERPRINT_LABEL

        fingerprint = self.session.fingerprint
        self.fingerprint.setText(f"{FINGERPRINT_LABEL} {fingerprint}" if fingerprint else "")
        self.problems_panel.set_checking(not self.session.first_check_done)
        self._maybe_ready()

    def _on_session_saved(self, when) -> None:
        self.save_state.setText(f"已保存 {when:%H:%M:%S}")

    def _on_session_save_failed(self, message: str) -> None:
        self.save_state.setText("未能保存")
        self.statusBar().showMessage(message, 10000)

    def _on_input_refused(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # -- focus, 字 count ------------------------------------------------------------------

    def _on_editor_focused(self, path: str) -> None:
        self._current_field = path
        self._show_zi(path)
        self.guide_panel.show_field(self.session.form.field(path))
        if self.session is not None:
            settings().setValue(f"stores/{_store_key(self.store)}/last_field/{self.session.draft_id}", path)

    def _on_app_focus_changed(self, old, new) -> None:
        if new is None or self.session is None or not self.isAncestorOf(new):
            return
        index_path = None
        if isinstance(new, ListTableView) and new.currentIndex().isValid():
            index_path = new.currentIndex().data(Qt.ItemDataRole.UserRole)
        if index_path:
            self._current_field = index_path
            self._show_zi(index_path)

    def _show_zi(self, path: str) -> None:
        value = self.session.get(path) if self.session else None
        text = value if isinstance(value, str) else ""
        self.zi_count.setText(f"本栏 {count_zi(text)} 字")

    # -- window ---------------------------------------------------------------------------

    def _restore_geometry(self) -> None:
        s = settings()
        geometry = s.value("window/geometry")
        state = s.value("window/state")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            self.restoreState(state)

    def save_window_state(self) -> None:
        s = settings()
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("window/state", self.saveState())
        s.sync()

    def closeEvent(self, event) -> None:
        self.save_window_state()
        self.close_session()
        super().closeEvent(event)

    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            QTimer.singleShot(0, self, partial(self.open_paths, paths))

