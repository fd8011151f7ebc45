"""导出 PDF / 导出 Word: a save dialog with a good default name, then the one print operation.

The default name is 申报书-<unit name>-<date> (NTFS-safe), in the folder last used. While errors
remain, the user is told and may export a 草稿 (watermarked) file instead. The file is written
off the GUI thread by :func:`pdf.export.export` (atomically: a failed write leaves the old file).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from forms.draft import Draft
from forms.validate import validate
from ui.worker import run_in_thread

LAST_DIR_KEY = "files/last_dir"
_NTFS_BAD = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_STEM = 120

KIND_TEXT = {"pdf": ("PDF", "PDF 文件 (*.pdf)"), "docx": ("Word", "Word 文件 (*.docx)"),
             "shenbao": ("草稿文件", "申报草稿 (*.shenbao)")}


def safe_stem(text: str) -> str:
    """``text`` as a file name stem valid on NTFS: characters Windows forbids become "_", no
    trailing dots or spaces, no reserved device names, at most :data:`MAX_STEM` characters."""
    stem = _NTFS_BAD.sub("_", text).strip().rstrip(". ")
    stem = stem[:MAX_STEM].rstrip(". ")
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    return stem or "申报书"


def default_name(draft: Draft, suffix: str, today: dt.date | None = None) -> str:
    """申报书-<unit name>-<YYYY-MM-DD><suffix>"""
    unit = draft.unit_name.strip() or "未填单位"
    day = (today or dt.date.today()).isoformat()
    return safe_stem(f"申报书-{unit}-{day}") + suffix


def last_dir() -> Path:
    value = QSettings().value(LAST_DIR_KEY, "")
    if value and Path(str(value)).is_dir():
        return Path(str(value))
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs) if docs else Path.home()


def remember_dir(path: Path) -> None:
    QSettings().setValue(LAST_DIR_KEY, str(Path(path).parent))


def ask_save_path(parent: QWidget | None, title: str, draft: Draft, kind: str) -> Path | None:
    """The static save dialog (native on Windows) with the default name; None if cancelled."""
    suffix = f".{kind}"
    start = last_dir() / default_name(draft, suffix)
    chosen, _filter = QFileDialog.getSaveFileName(parent, title, str(start), KIND_TEXT[kind][1])
    if not chosen:
        return None
    path = Path(chosen)
    if path.suffix.lower() != suffix:
        path = path.with_name(path.name + suffix)
    remember_dir(path)
    return path


def tell(parent: QWidget | None, title: str, text: str, *, warning: bool = False,
         name: str = "message") -> QMessageBox:
    """A message box that does not block (tests and users read it; OK closes it)."""
    box = QMessageBox(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information, title, text,
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


def _write(draft: Draft, path: Path, draft_mode: bool):  # worker thread
    from pdf.export import export

    return export(draft, path, draft_mode=draft_mode)


class ExportJob(QObject):
    """One export. ``finished(path)`` when written; ``failed(message)`` (``""`` if cancelled)."""

    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, session, parent: QWidget | None, kind: str):
        super().__init__(parent)
        self.session, self.parent_widget, self.kind = session, parent, kind
        self.question: QMessageBox | None = None
        self.path: Path | None = None

    def start(self) -> None:
        snapshot = self.session.snapshot()
        errors = [p for p in validate(snapshot) if p.is_error]
        if not errors:
            self._choose(draft_mode=False)
            return
        name = KIND_TEXT[self.kind][0]
        box = QMessageBox(QMessageBox.Icon.Question, f"导出 {name}",
                          f"申报书还有 {len(errors)} 个错误，还不能导出正式文件。\n"
                          f"可以先导出一份草稿（每页带“草稿”水印）给同事核对。", QMessageBox.StandardButton.NoButton,
                          self.parent_widget)
        box.setObjectName("export_draft_question")
        self.draft_button = box.addButton("导出草稿…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton("取消", QMessageBox.ButtonRole.RejectRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(self._on_question_button_clicked)
        self.question = box
        box.open()

    def _on_question_button_clicked(self, button) -> None:
        if button is self.draft_button:
            self._choose(draft_mode=True)
        else:
            self.failed.emit("")

    def _choose(self, *, draft_mode: bool) -> None:
        name = KIND_TEXT[self.kind][0]
        title = f"导出 {name}（草稿）" if draft_mode else f"导出 {name}"
        snapshot = self.session.snapshot()
        path = ask_save_path(self.parent_widget, title, snapshot, self.kind)
        if path is None:
            self.failed.emit("")
            return
        self.path = path
        from pdf.export import prepare_fonts

        prepare_fonts()
        run_in_thread(_write, snapshot, path, draft_mode, on_done=self._on_written, on_error=self._on_error)

    def _on_written(self, _printed) -> None:
        window = self.parent_widget
        if window is not None and hasattr(window, "statusBar"):
            window.statusBar().showMessage(f"已导出：{self.path}", 10000)
        self.finished.emit(self.path)

    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, OSError):
            reason = exc.strerror or str(exc)
            message = (f"无法写入 {self.path}：{reason}。\n请换一个文件夹或文件名（文件可能正被 Word 或 "
                       "PDF 阅读器打开）。草稿内容没有受到影响。")
        else:
            message = f"导出没有完成：{exc}\n草稿内容没有受到影响。"
        tell(self.parent_widget, "导出", message, warning=True, name="export_error")
        self.failed.emit(message)


def start_export(session, parent: QWidget | None, kind: str) -> ExportJob:
    job = ExportJob(session, parent, kind)
    job.start()
    return job
