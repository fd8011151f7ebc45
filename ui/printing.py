"""打印 (Ctrl+P): two signed copies, duplex, A4, exactly as the PDF — or first the errors.

While errors remain, :class:`BlockedPrintDialog` lists them (activating one jumps to its field)
and offers a 草稿 print instead. Otherwise the print dialog opens preset to A4, duplex on the long
edge, 2 copies, no scaling; the PDF is rendered off the GUI thread, then each page is drawn at
printer resolution (≥ 300 dpi) with ``QPdfDocument.render``. A printer that cannot print on both
sides gets the odd pages first, then (after the user turns the stack over) the even pages.
Printing records an explicit revision (打印) in the history. Failures leave the draft as it was.
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QPageLayout, QPageSize
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from forms.problems import Problem
from forms.validate import validate
from ui.pdfpages import Printout, load_pdf, print_pages, render_printout
from ui.worker import run_in_thread

COPIES = 2  # 填报说明 5: 打印一式两份
PATH_ROLE = Qt.ItemDataRole.UserRole

ODD_EVEN_HELP = ("这台打印机不能自动双面打印。请分两步打印（一次打一份，共需 {copies} 份）：\n"
                 "1. 点“打印奇数页”（第 1、3、5… 页）；\n"
                 "2. 取出打好的整叠纸，不要打乱顺序，翻面放回纸盒，再点“打印偶数页”（第 2、4、6… 页）。\n"
                 "不确定纸该怎样放时，先用一张纸做记号试一次。")


def where_text(problem: Problem) -> str:
    return f"{problem.where}：{problem.message}" if problem.where else problem.message


def _render(draft, draft_mode: bool) -> Printout:  # worker thread
    return render_printout(draft, draft_mode=draft_mode)


class BlockedPrintDialog(QDialog):
    """The errors that block a final print; each jumps to its field; or print a 草稿 copy."""

    draft_print_requested = Signal()

    def __init__(self, errors: list[Problem], focus: Callable[[str], object] | None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("print_blocked")
        self.setWindowTitle("还不能正式打印")
        self._focus = focus
        layout = QVBoxLayout(self)
        intro = QLabel(f"申报书还有 {len(errors)} 个错误，改正后才能打印正式稿（签字盖章用）。"
                       "双击一条错误，跳到要改的地方。", self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setObjectName("print_blocked.errors")
        self.list.setWordWrap(True)
        for problem in errors:
            item = QListWidgetItem(where_text(problem))
            item.setData(PATH_ROLE, problem.path)
            item.setToolTip(problem.path)
            self.list.addItem(item)
        self.list.itemActivated.connect(self._on_list_item_activated)
        layout.addWidget(self.list, 1)
        note = QLabel("也可以先打印一份草稿（每页带“草稿”水印）给同事核对；草稿不能用于正式申报。", self)
        note.setWordWrap(True)
        layout.addWidget(note)
        buttons = QDialogButtonBox(self)
        self.draft_button = QPushButton("打印草稿…", self)
        self.draft_button.setObjectName("print_blocked.draft")
        buttons.addButton(self.draft_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.close_button = buttons.addButton("去改正", QDialogButtonBox.ButtonRole.RejectRole)
        self.close_button.setObjectName("print_blocked.close")
        self.draft_button.clicked.connect(self._on_draft_clicked)
        self.close_button.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        path = item.data(PATH_ROLE)
        self.reject()
        if self._focus is not None:
            self._focus(path)

    def _on_draft_clicked(self) -> None:
        self.accept()
        self.draft_print_requested.emit()


def preset_printer(printer: QPrinter | None = None) -> QPrinter:
    """A printer (the default one unless given) set to A4 portrait, duplex on the long edge,
    :data:`COPIES` copies, full page (the PDF carries its own margins: no scaling)."""
    printer = printer or QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setPageOrientation(QPageLayout.Orientation.Portrait)
    printer.setFullPage(True)
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide)
    printer.setCopyCount(COPIES)
    printer.setDocName("申报书")
    return printer


def can_duplex(printer: QPrinter) -> bool:
    """Whether the chosen printer prints on both sides by itself. A PDF file is not paper:
    it needs no turning over."""
    if printer.outputFormat() == QPrinter.OutputFormat.PdfFormat:
        return True
    info = QPrinterInfo(printer)
    if info.isNull():
        return False
    modes = info.supportedDuplexModes()
    return QPrinter.DuplexMode.DuplexLongSide in modes or QPrinter.DuplexMode.DuplexAuto in modes


def selected_pages(printer: QPrinter, page_count: int) -> list[int]:
    """0-based pages the print dialog's range asks for (all when no range was chosen)."""
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first = printer.fromPage() - 1
        last = min(page_count, printer.toPage() or page_count) - 1
        return list(range(first, last + 1))
    return list(range(page_count))


class PrintJob(QObject):
    """One print, from the check to the last page. ``finished(pages)`` or ``failed(message)``;
    ``blocked`` when it stopped at the error list."""

    finished = Signal(int)
    failed = Signal(str)

    def __init__(self, session, parent: QWidget | None, *, focus: Callable[[str], object] | None = None,
                 printer: QPrinter | None = None):
        super().__init__(parent)
        self.session = session
        self.parent_widget = parent
        self.focus = focus
        self.printer = preset_printer(printer)
        self.blocked_dialog: BlockedPrintDialog | None = None
        self.printout: Printout | None = None
        self.progress: QProgressDialog | None = None
        self.pages_printed = 0

    # -- step 1: errors -----------------------------------------------------------------

    def start(self) -> None:
        errors = [p for p in validate(self.session.snapshot()) if p.is_error]
        if errors:
            self.blocked_dialog = BlockedPrintDialog(errors, self.focus, self.parent_widget)
            self.blocked_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.blocked_dialog.draft_print_requested.connect(self._on_draft_print_requested)
            self.blocked_dialog.open()
            return
        self.choose_printer(draft_mode=False)

    def _on_draft_print_requested(self) -> None:
        self.choose_printer(draft_mode=True)

    # -- step 2: the print dialog, then render off the GUI thread --------------------------

    def choose_printer(self, *, draft_mode: bool) -> None:
        dialog = QPrintDialog(self.printer, self.parent_widget)
        dialog.setObjectName("print_dialog")
        dialog.setWindowTitle("打印草稿" if draft_mode else "打印申报书")
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintToFile, True)
        dialog.setOption(QPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            self.failed.emit("")  # cancelled: nothing to say
            return
        self._show_progress("正在准备打印…")
        from pdf.export import prepare_fonts

        prepare_fonts()
        run_in_thread(_render, self.session.snapshot(), draft_mode,
                      on_done=self._on_render_done, on_error=self._on_render_error)

    def _show_progress(self, text: str) -> None:
        self.progress = QProgressDialog(text, "取消", 0, 0, self.parent_widget)
        self.progress.setObjectName("print_progress")
        self.progress.setWindowTitle("打印")
        self.progress.setWindowModality(Qt.WindowModality.WindowModal)
        self.progress.setMinimumDuration(0)
        self.progress.show()

    def _close_progress(self) -> None:
        if self.progress is not None:
            self.progress.close()
            self.progress.deleteLater()
            self.progress = None

    def _on_render_error(self, exc: BaseException) -> None:
        self._close_progress()
        self._fail(f"未能生成打印内容：{exc}")

    def _on_render_done(self, printout: Printout) -> None:
        self.printout = printout
        if self.progress is not None and self.progress.wasCanceled():
            self._close_progress()
            self.failed.emit("")
            return
        doc = load_pdf(printout.pdf, self)
        pages = selected_pages(self.printer, doc.pageCount())
        if can_duplex(self.printer):
            self._print(doc, [pages])
            return
        self._close_progress()
        self._ask_odd_even(doc, pages)

    # -- step 3: paper ---------------------------------------------------------------------

    def _ask_odd_even(self, doc, pages: list[int]) -> None:
        """Manual duplex: odd pages, then even pages, one button each; the box stays open."""
        box = QMessageBox(QMessageBox.Icon.Information, "手动双面打印",
                          ODD_EVEN_HELP.format(copies=COPIES), QMessageBox.StandardButton.NoButton,
                          self.parent_widget)
        box.setObjectName("print_odd_even")
        odd = box.addButton("打印奇数页", QMessageBox.ButtonRole.ActionRole)
        even = box.addButton("打印偶数页", QMessageBox.ButtonRole.ActionRole)
        box.addButton("完成", QMessageBox.ButtonRole.AcceptRole)
        odd_pages = [p for p in pages if p % 2 == 0]
        even_pages = [p for p in pages if p % 2 == 1]
        self.printer.setDuplex(QPrinter.DuplexMode.DuplexNone)
        self.printer.setCopyCount(1)  # one copy at a time: the stack is turned over in between
        while True:
            box.exec()
            clicked = box.clickedButton()
            if clicked is odd:
                self._print(doc, [odd_pages], keep_open=True)
            elif clicked is even:
                self._print(doc, [even_pages], keep_open=True)
            else:
                break
        self._done()

    def _print(self, doc, batches: list[list[int]], keep_open: bool = False) -> None:
        if self.progress is None:
            self._show_progress("正在打印…")
        total = sum(len(b) for b in batches)
        self.progress.setLabelText("正在打印…")
        self.progress.setRange(0, total)

        def progress(done: int, _total: int) -> bool:
            self.progress.setValue(done)
            QApplication.processEvents()
            return not self.progress.wasCanceled()

        try:
            for batch in batches:
                self.pages_printed += print_pages(self.printer, doc, batch, progress)
        except OSError:
            self._close_progress()
            self._fail("打印机没有响应（可能已关闭、断开或被删除）。请检查打印机后重试；草稿内容没有受到影响。")
            return
        self._close_progress()
        if not keep_open:
            self._done()

    def _done(self) -> None:
        if self.pages_printed:
            self.session.save_now("打印")
        self.finished.emit(self.pages_printed)

    def _fail(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "打印", message, QMessageBox.StandardButton.Ok,
                          self.parent_widget)
        box.setObjectName("print_error")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.failed.emit(message)


def start_print(session, parent: QWidget | None, *, focus: Callable[[str], object] | None = None,
                printer: QPrinter | None = None) -> PrintJob:
    """Print the session's draft (see the module docstring); returns the job."""
    job = PrintJob(session, parent, focus=focus, printer=printer)
    job.start()
    return job
