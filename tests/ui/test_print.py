"""打印: errors block a final print (listed, each jumps to its field); otherwise the pages go to
the printer at their real size, A4, and an explicit revision (打印) is recorded."""

from __future__ import annotations

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QMessageBox

from forms.validate import validate
from pdf.export import export_bytes
from ui import operations
from ui.printing import COPIES, BlockedPrintDialog, can_duplex, preset_printer, selected_pages

RENDER_MS = 120000
A4_POINTS = (595, 842)


def pdf_printer(path) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def accept_print_dialog_when_shown(tries: int = 200) -> None:
    """Press 打印 in the print dialog as soon as it is up (it is modal, as on Windows)."""
    def attempt(left: int) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QPrintDialog):
            dialog.accept()
        elif left:
            QTimer.singleShot(20, lambda: attempt(left - 1))
    QTimer.singleShot(0, lambda: attempt(tries))


def reasons(window) -> list[str]:
    return [r.reason for r in window.store.revisions(window.session.draft_id)]


def test_print_to_a_pdf_printer_gives_every_page_on_a4(qtbot, window, tmp_path):
    out = tmp_path / "printed.pdf"
    expected = export_bytes(window.session.snapshot())[1].page_count
    accept_print_dialog_when_shown()
    job = operations.print_draft(window, printer=pdf_printer(out))
    with qtbot.waitSignal(job.finished, timeout=RENDER_MS) as done:
        pass
    assert done.args == [expected]
    pages = PdfReader(str(out)).pages
    assert len(pages) == expected
    for page in pages:
        box = page.mediabox
        assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    assert not job.printout.draft_mode
    assert reasons(window)[0] == "打印"


def test_the_printer_is_preset_for_two_a4_copies_at_print_resolution():
    """(Duplex is preset too, but a machine without printers gives a PDF QPrinter, which
    forgets duplex: it cannot be read back here.)"""
    printer = preset_printer(QPrinter(QPrinter.PrinterMode.HighResolution))
    assert printer.copyCount() == COPIES == 2
    assert printer.fullPage()  # no margins added: the PDF's own, unscaled
    assert round(printer.pageLayout().fullRect().width()) == 595  # points: A4 portrait
    assert printer.resolution() >= 300


def test_errors_block_the_print_and_each_jumps_to_its_field(qtbot, window):
    window.session.edit("unit.credit_code", "91310000ABC", typing=False)
    window.session.edit("unit.postcode", "", typing=False)
    window.actions_by_name["print"].trigger()
    dialog = window.findChild(BlockedPrintDialog, "print_blocked")
    assert dialog is not None and dialog.isVisible()
    errors = [p for p in validate(window.session.snapshot()) if p.is_error]
    shown = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    assert shown == [f"{p.where}：{p.message}" for p in errors]
    assert any("邮政编码" in text for text in shown)

    item = next(dialog.list.item(i) for i in range(dialog.list.count())
                if dialog.list.item(i).toolTip() == "unit.postcode")
    dialog.list.itemActivated.emit(item)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert QApplication.focusWidget().objectName() == "unit.postcode"
    assert "打印" not in reasons(window)


def test_a_draft_print_is_offered_while_errors_remain(qtbot, window, tmp_path):
    window.session.edit("unit.postcode", "", typing=False)
    out = tmp_path / "draft.pdf"
    job = operations.print_draft(window, printer=pdf_printer(out))
    assert job.blocked_dialog is not None
    accept_print_dialog_when_shown()
    job.blocked_dialog.draft_button.click()
    with qtbot.waitSignal(job.finished, timeout=RENDER_MS):
        pass
    assert job.printout.draft_mode
    expected = export_bytes(window.session.snapshot(), draft_mode=True)[1].page_count
    assert len(PdfReader(str(out)).pages) == expected


@pytest.mark.qt_log_ignore("QPainter::begin", "propagateSizeHints")  # Qt says so too; the user gets ours
def test_a_printer_that_cannot_be_opened_says_so_and_keeps_the_draft(qtbot, window, tmp_path):
    before = window.session.snapshot()
    revisions = reasons(window)
    accept_print_dialog_when_shown()
    job = operations.print_draft(window, printer=pdf_printer(tmp_path / "no such folder" / "x.pdf"))
    with qtbot.waitSignal(job.failed, timeout=RENDER_MS) as failed:
        pass
    assert "打印机没有响应" in failed.args[0]
    box = window.findChild(QMessageBox, "print_error")
    assert box is not None and "草稿内容没有受到影响" in box.text()
    assert window.session.snapshot() == before
    assert reasons(window) == revisions


def test_a_pdf_file_needs_no_turning_over():
    printer = pdf_printer("unused.pdf")
    assert can_duplex(printer)


def test_a_page_range_chosen_in_the_dialog_is_what_prints():
    printer = pdf_printer("unused.pdf")
    assert selected_pages(printer, 12) == list(range(12))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert selected_pages(printer, 12) == [1, 2]
    printer.setFromTo(11, 99)
    assert selected_pages(printer, 12) == [10, 11]
