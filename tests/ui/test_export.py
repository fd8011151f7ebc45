"""导出 PDF / 导出 Word: the save dialog offers 申报书-<unit>-<date>; the files open; errors offer
a 草稿 export; a file that cannot be written is said clearly and changes nothing."""

from __future__ import annotations

import datetime as dt

import docx
from pypdf import PdfReader
from PySide6.QtWidgets import QFileDialog, QMessageBox

from pdf.export import export_bytes
from ui import operations
from ui.exporting import default_name, safe_stem

EXPORT_MS = 120000


def answer_save_dialog(monkeypatch, path):
    """Replace the static save dialog: it answers ``path`` and records what it was offered."""
    offered = []

    def fake(parent, title, start, filters):
        offered.append((title, start, filters))
        return str(path), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    return offered


def test_export_pdf_writes_the_printout(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "out.pdf"
    offered = answer_save_dialog(monkeypatch, out)
    job = operations.export_pdf(window)
    with qtbot.waitSignal(job.finished, timeout=EXPORT_MS):
        pass
    unit = window.session.get("unit.name")
    assert offered[0][1].endswith(f"申报书-{unit}-{dt.date.today().isoformat()}.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) == export_bytes(window.session.snapshot())[1].page_count
    assert unit in reader.pages[0].extract_text()


def test_export_word_writes_a_document_that_opens(qtbot, window, tmp_path, monkeypatch):
    out = tmp_path / "申报书"  # the suffix is added when the user leaves it out
    answer_save_dialog(monkeypatch, out)
    job = operations.export_docx(window)
    with qtbot.waitSignal(job.finished, timeout=EXPORT_MS):
        pass
    written = tmp_path / "申报书.docx"
    text = "\n".join(p.text for p in docx.Document(str(written)).paragraphs)
    for table in docx.Document(str(written)).tables:
        text += "\n".join(cell.text for row in table.rows for cell in row.cells)
    assert window.session.get("unit.name") in text


def test_errors_offer_a_draft_export(qtbot, window, tmp_path, monkeypatch):
    window.session.edit("unit.postcode", "", typing=False)
    out = tmp_path / "draft.pdf"
    offered = answer_save_dialog(monkeypatch, out)
    job = operations.export_pdf(window)
    question = window.findChild(QMessageBox, "export_draft_question")
    assert question is not None and "1 个错误" in question.text()
    assert not offered  # nothing is asked before the user agrees to a draft
    with qtbot.waitSignal(job.finished, timeout=EXPORT_MS):
        job.draft_button.click()
    assert "草稿" in offered[0][0]
    assert "草稿" in PdfReader(str(out)).pages[1].extract_text()


def test_a_file_that_cannot_be_written_is_reported_and_nothing_changes(qtbot, window, tmp_path, monkeypatch):
    before = window.session.snapshot()
    answer_save_dialog(monkeypatch, tmp_path / "missing folder" / "x.pdf")
    job = operations.export_pdf(window)
    with qtbot.waitSignal(job.failed, timeout=EXPORT_MS) as failed:
        pass
    assert "无法写入" in failed.args[0] and "草稿内容没有受到影响" in failed.args[0]
    assert window.findChild(QMessageBox, "export_error") is not None
    assert window.session.snapshot() == before
    assert not (tmp_path / "missing folder").exists()


def test_cancelling_the_save_dialog_writes_nothing(qtbot, window, tmp_path, monkeypatch):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    job = operations.export_pdf(window)
    assert job.path is None
    assert not list(tmp_path.glob("*.pdf"))


def test_default_names_are_valid_on_windows(window):
    draft = window.session.snapshot()
    draft.set("unit.name", 'A<B>C:D"E/F\\G|H?I*J')
    name = default_name(draft, ".pdf", dt.date(2026, 12, 4))
    assert name == "申报书-A_B_C_D_E_F_G_H_I_J-2026-12-04.pdf"
    assert safe_stem("CON") == "_CON"
    assert safe_stem("x" * 300) == "x" * 120
    assert safe_stem(" . ") == "申报书"
