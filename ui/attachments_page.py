"""附件清单: the attachments as a table (title, category, order) beside the chosen file's details.

Files are added with 添加文件… (the static open dialog) or dropped on the page: each is read and
checked off the GUI thread (the check warms the validation's cache, so the editor never parses a
large PDF while the user types), then added as one undoable command. A bad file (encrypted PDF,
decompression bomb, not really PDF/PNG/JPEG, unreadable) is added all the same and its
``attachment_invalid`` problem shows here and in the problems panel, like any other problem.
The current attachment's first page is shown as a thumbnail; 打开 opens a temporary copy with
the system's viewer. Titles, categories and order are edited in the table (undo works).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path, PurePosixPath

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget
from shiboken6 import isValid

from forms.attachments import MAX_ATTACHMENT_BYTES, AttachmentInfo
from forms.draft import Draft, DraftInputError, read_input_bytes
from forms.model import RESET
from forms.validate import inspect_file
from ui.exporting import last_dir, remember_dir, safe_stem, tell
from ui.merge import free_name
from ui.pdfpages import load_pdf, page_image
from ui.table import Column, TableEditor
from ui.worker import run_in_thread

LIST_PATH = "attachments"
ACCEPTED_SUFFIXES = (".pdf", ".png", ".jpg", ".jpeg")
DEFAULT_CATEGORY = "其他支撑材料"
THUMB = QSize(150, 212)
FILES_FOLDER = "attachments"


def size_words(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(1, round(size / 1024))} KB" if size else "0 KB"
    return f"{size / 1024 / 1024:.1f} MB"


def _read_and_check(paths: list[Path]) -> list[tuple[Path, bytes | None, str]]:
    """(path, bytes or None, message) for each file; inspecting warms the validation cache
    (worker thread)."""
    out = []
    for path in paths:
        try:
            blob = read_input_bytes(path, MAX_ATTACHMENT_BYTES, "附件")
        except DraftInputError as exc:
            out.append((path, None, str(exc)))
            continue
        inspect_file(Draft(files={path.name: blob}), path.name)
        out.append((path, blob, ""))
    return out


def _thumbnail(blob: bytes, name: str) -> QImage | None:
    """The first page (PDF) or the picture, fitted into :data:`THUMB`; None for a file the
    checks refuse (worker thread: never hands a hostile file to Qt's decoders)."""
    info = inspect_file(Draft(files={name: blob}), name)
    if not isinstance(info, AttachmentInfo):
        return None
    if info.kind == "pdf":
        doc = load_pdf(blob)
        try:
            return page_image(doc, 0, size=THUMB) if doc.pageCount() else None
        finally:
            doc.close()
    buffer = QBuffer()
    buffer.setData(QByteArray(blob))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


class AttachmentsPage(QWidget):
    """The 附件清单 part. ``files_added(count)`` after files were added; ``thumbnail_shown``
    when the details pane shows a thumbnail."""

    files_added = Signal(int)
    thumbnail_shown = Signal(str)

    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("attachments_page")
        self.setAcceptDrops(True)
        self.session = session
        self._thumbs: dict[str, tuple[bytes, QImage | None]] = {}  # file name -> (its bytes, image)
        self._pending: set[str] = set()
        self._temp_dir: Path | None = None

        form = session.form
        record = form.field(LIST_PATH).record
        columns = [Column(k, record.field(k).label, record.field(k)) for k in ("title", "category")]
        self.table = TableEditor(session, LIST_PATH, columns, self)
        for name in ("add", "insert"):  # an attachment row is made by choosing its file
            button = self.table.findChild(QPushButton, f"{LIST_PATH}.{name}")
            if button is not None:
                button.hide()
        self.add_button = self.table.add_button("add_files", "添加文件…", self.choose_files)
        self.table.buttons.insertWidget(0, self.add_button)  # the first thing to do here
        self.open_button = self.table.add_button("open", "打开", self.open_current)
        self.view = self.table.view
        self.view.selectionModel().currentRowChanged.connect(self._on_view_current_row_changed)

        self.details = QFrame(self)
        self.details.setObjectName("attachments.details")
        self.details.setFrameShape(QFrame.Shape.StyledPanel)
        side = QVBoxLayout(self.details)
        self.thumb = QLabel(self.details)
        self.thumb.setObjectName("attachments.thumbnail")
        self.thumb.setFixedSize(THUMB)
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumb.setStyleSheet("background:#f4f4f4; border:1px solid #ccc;")
        self.info = QLabel(self.details)
        self.info.setObjectName("attachments.info")
        self.info.setWordWrap(True)
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info.setMinimumWidth(THUMB.width())
        side.addWidget(self.thumb, 0, Qt.AlignmentFlag.AlignHCenter)
        side.addWidget(self.info)
        side.addStretch(1)

        self.hint = QLabel("可添加 PDF、PNG 或 JPEG 文件（每个不超过 50 MB），也可以把文件直接拖到这里。"
                           "打印时每个附件从右手页开始。", self)
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.total = QLabel(self)
        self.total.setObjectName("attachments.total")
        self.problems = QLabel(self)
        self.problems.setObjectName("attachments.problems")
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color:#b3261e;")
        self.problems.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        row = QHBoxLayout()
        row.addWidget(self.table, 1, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self.details, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addLayout(row)
        layout.addWidget(self.total)
        layout.addWidget(self.problems)

        session.changed.connect(self._on_session_changed)
        session.problems_changed.connect(self._on_session_problems_changed)
        self._refresh()

    # -- reading the draft ------------------------------------------------------------------

    def rows(self) -> list[dict]:
        return self.session.get(LIST_PATH) or []

    def _blob(self, row: dict) -> bytes | None:
        name = row.get("file") or ""
        return self.session.draft.files.get(name) if name else None

    def current_row(self) -> int:
        index = self.view.currentIndex()
        return index.row() if index.isValid() else -1

    def total_bytes(self) -> int:
        seen: set[str] = set()
        total = 0
        for row in self.rows():
            name = row.get("file") or ""
            blob = self._blob(row)
            if blob is not None and name not in seen:
                seen.add(name)
                total += len(blob)
        return total

    def problem_texts(self) -> list[str]:
        prefix = f"{LIST_PATH}["
        return [f"第 {int(p.path[len(prefix):].split(']')[0]) + 1} 个附件：{p.message}"
                for p in self.session.problems if p.path.startswith(prefix)]

    # -- adding -----------------------------------------------------------------------------

    def choose_files(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        chosen, _filter = QFileDialog.getOpenFileNames(
            self, "添加附件", str(last_dir()), "PDF 或图片 (*.pdf *.png *.jpg *.jpeg);;所有文件 (*)")
        if chosen:
            remember_dir(Path(chosen[0]))
            self.add_files([Path(p) for p in chosen])

    def add_files(self, paths: list[Path]) -> None:
        """Read and check ``paths`` off the GUI thread, then add them (one undo command)."""
        self.total.setText("正在读取和检查附件…")
        run_in_thread(_read_and_check, list(paths), on_done=self._on_files_read,
                      on_error=self._on_files_failed)

    def _on_files_failed(self, exc: BaseException) -> None:
        if not isValid(self):  # the page was rebuilt (another draft opened) meanwhile
            return
        self._refresh()
        tell(self, "添加附件", f"附件没有添加：{exc}\n草稿内容没有受到影响。", warning=True, name="attachments_error")

    def _on_files_read(self, results: list[tuple[Path, bytes | None, str]]) -> None:
        if not isValid(self):
            return
        unreadable = [message for _, blob, message in results if blob is None]
        good = [(path, blob) for path, blob, _ in results if blob is not None]
        if good:
            draft = self.session.draft

            def action() -> None:
                for path, blob in good:
                    name = free_name(draft.files, str(PurePosixPath(FILES_FOLDER, safe_stem(path.stem)
                                                                    + path.suffix.lower())), blob)
                    draft.files[name] = blob
                    self.session.model.insert_row(LIST_PATH, None, {
                        "title": path.stem, "category": DEFAULT_CATEGORY, "file": name})

            self.session.run("添加附件", action)
            last = len(self.rows()) - 1
            self.view.setCurrentIndex(self.table.model.index(last, 0))
        self._refresh()
        if unreadable:
            tell(self, "添加附件", "以下文件没有添加：\n" + "\n".join(unreadable), warning=True,
                 name="attachments_error")
        self.files_added.emit(len(good))

    # -- drag and drop ----------------------------------------------------------------------

    @staticmethod
    def _dropped(event) -> list[Path]:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        return [Path(u.toLocalFile()) for u in urls
                if u.isLocalFile() and Path(u.toLocalFile()).suffix.lower() in ACCEPTED_SUFFIXES]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._dropped(event):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = self._dropped(event)
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)
        else:
            event.ignore()

    # -- details of the current attachment --------------------------------------------------

    def _on_view_current_row_changed(self, current, _previous) -> None:
        self._show_details(current.row() if current.isValid() else -1)

    def _show_details(self, index: int) -> None:
        rows = self.rows()
        self.open_button.setEnabled(0 <= index < len(rows))
        if not 0 <= index < len(rows):
            self.thumb.clear()
            self.thumb.setText("（未选附件）")
            self.info.setText("")
            return
        row = rows[index]
        name = row.get("file") or ""
        blob = self._blob(row)
        if blob is None:
            self.thumb.setText("（没有文件）")
            self.info.setText(f"{name or '未选择文件'}")
            return
        found = inspect_file(self.session.draft, name)
        if isinstance(found, AttachmentInfo):
            what = f"{found.kind.upper()}，{found.pages} 页，{size_words(len(blob))}"
        else:
            what = f"{size_words(len(blob))}，无法使用"
        self.info.setText(f"{PurePosixPath(name).name}\n{what}")
        cached = self._thumbs.get(name)
        if cached is not None and cached[0] is blob:
            self._set_thumb(cached[1], name)
            return
        self.thumb.setText("…")
        if name not in self._pending:
            self._pending.add(name)
            run_in_thread(_thumbnail, blob, name, on_done=functools.partial(self._on_thumb, name, blob),
                          on_error=functools.partial(self._on_thumb_failed, name, blob))

    def _on_thumb_failed(self, name: str, blob: bytes, _exc: BaseException) -> None:
        self._on_thumb(name, blob, None)

    def _on_thumb(self, name: str, blob: bytes, image: QImage | None) -> None:
        if not isValid(self):
            return
        self._pending.discard(name)
        self._thumbs[name] = (blob, image)
        index = self.current_row()
        rows = self.rows()
        if 0 <= index < len(rows) and rows[index].get("file") == name:
            self._set_thumb(image, name)

    def _set_thumb(self, image: QImage | None, name: str) -> None:
        if image is None:
            self.thumb.setPixmap(QPixmap())
            self.thumb.setText("无法预览")
            return
        self.thumb.setPixmap(QPixmap.fromImage(image))
        self.thumbnail_shown.emit(name)

    def open_current(self) -> None:
        """Open a temporary copy of the current attachment with the system's viewer."""
        index = self.current_row()
        rows = self.rows()
        if not 0 <= index < len(rows):
            return
        blob = self._blob(rows[index])
        if blob is None:
            return
        try:
            if self._temp_dir is None:
                self._temp_dir = Path(tempfile.mkdtemp(prefix="shenbao-"))
            target = self._temp_dir / PurePosixPath(rows[index]["file"]).name
            target.write_bytes(blob)
        except OSError as exc:
            tell(self, "打开附件", f"无法打开附件：{exc.strerror or exc}", warning=True, name="attachments_error")
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))

    # -- refreshing -------------------------------------------------------------------------

    def _on_session_changed(self, change) -> None:
        if change.kind == RESET or change.path.startswith(LIST_PATH):
            self._refresh()

    def _on_session_problems_changed(self, _problems) -> None:
        texts = self.problem_texts()
        self.problems.setText("\n".join(texts))
        self.problems.setVisible(bool(texts))

    def _refresh(self) -> None:
        rows = self.rows()
        self.total.setText(f"共 {len(rows)} 个附件，合计 {size_words(self.total_bytes())}" if rows else "暂无附件")
        self._on_session_problems_changed(None)
        self._show_details(self.current_row())

    def focus_path(self, path: str) -> None:
        """Select the row of ``attachments[i]…`` and focus the table."""
        prefix = f"{LIST_PATH}["
        if path.startswith(prefix):
            row = int(path[len(prefix):].split("]")[0])
            self.view.setCurrentIndex(self.table.model.index(row, 0))
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
