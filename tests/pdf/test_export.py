"""The one print operation (pdf/export.py): validates a copy, refuses a final print with errors,
refuses options a renderer cannot honour and unknown kinds, writes atomically."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
import threading

import pytest
from pypdf import PdfReader

from forms.display import DRAFT_MARK
from forms.problems import RenderRefused
from forms.sample import sample_draft
from pdf.export import Printed, export, export_bytes, kind_of, prepare_fonts
from pdf.merge import quiet_pypdf
from pdf.render import render_pdf
from tests.pdf.pdftools import ROOT, normalize, pdftotext
from tests.tools import requires_tools

OLD = b"old bytes of a previous print"


def _broken():
    draft = sample_draft()
    draft.set("unit.credit_code", "91310115MA1FL3K29X")  # wrong check character
    draft.set("people.leader.name", "")
    return draft


def _bad_id():
    draft = sample_draft()
    good = draft.get("people.leader.id_number")
    draft.set("people.leader.id_number", good[:-1] + ("1" if good[-1] != "1" else "2"))
    return draft


def _assert_untouched(folder, out):
    assert out.read_bytes() == OLD
    assert sorted(p.name for p in folder.iterdir()) == [out.name]  # no temporary file left


@pytest.mark.parametrize("suffix", [".pdf", ".docx"])
def test_a_draft_with_errors_is_refused_with_its_errors(tmp_path, suffix):
    out = tmp_path / f"out{suffix}"
    out.write_bytes(OLD)
    with pytest.raises(RenderRefused) as caught:
        export(_broken(), out)
    problems = caught.value.problems
    assert {(p.path, p.code) for p in problems} >= {
        ("unit.credit_code", "uscc_checksum"), ("people.leader.name", "required")}
    assert all(p.is_error for p in problems)
    assert "2 个错误" in str(caught.value)
    _assert_untouched(tmp_path, out)


def test_id_number_errors_block_the_final_print(tmp_path):
    out = tmp_path / "out.pdf"
    out.write_bytes(OLD)
    with pytest.raises(RenderRefused) as caught:
        export(_bad_id(), out)
    assert [(p.path, p.code) for p in caught.value.problems] == [("people.leader.id_number", "id_checksum")]
    _assert_untouched(tmp_path, out)
    with pytest.raises(RenderRefused):
        export_bytes(_bad_id(), "docx")


@requires_tools("pdftotext")
def test_draft_mode_prints_with_errors_and_watermarks(tmp_path):
    draft = _broken()
    out = tmp_path / "draft.pdf"
    printed = export(draft, out, draft_mode=True)
    assert printed.kind == "pdf" and printed.fingerprint == draft.fingerprint()
    assert {p.code for p in printed.problems} >= {"uscc_checksum", "required"}
    assert out.read_bytes() == render_pdf(draft, draft_mode=True)
    for page in (1, printed.page_count):
        assert DRAFT_MARK in normalize(pdftotext(out, first=page, last=page))
    assert "91310115MA1FL3K29X" in pdftotext(out)  # a draft prints what was typed


def test_a_clean_draft_prints_the_same_bytes_as_the_renderer(tmp_path):
    draft = sample_draft()
    blob, printed = export_bytes(draft, "pdf", simplex=True)
    assert blob == render_pdf(draft, simplex=True)
    assert printed == Printed("pdf", draft.fingerprint(), printed.page_count, ())
    assert printed.page_count == len(PdfReader(io.BytesIO(blob)).pages)
    blob, printed = export_bytes(draft, "docx")
    assert blob.startswith(b"PK") and printed.page_count is None and printed.kind == "docx"


def test_word_refuses_simplex_instead_of_ignoring_it(tmp_path):
    out = tmp_path / "out.docx"
    out.write_bytes(OLD)
    with pytest.raises(RenderRefused, match="Word 文件不区分单双面") as caught:
        export(sample_draft(), out, simplex=True)
    assert caught.value.problems == ()
    _assert_untouched(tmp_path, out)
    with pytest.raises(RenderRefused, match="单双面"):
        export_bytes(sample_draft(), "docx", simplex=True, draft_mode=True)


@pytest.mark.parametrize("name", ["out.txt", "out", "out.pdf.bak", "out.doc"])
def test_an_unknown_suffix_is_refused(tmp_path, name):
    out = tmp_path / name
    out.write_bytes(OLD)
    with pytest.raises(RenderRefused, match="不支持的输出格式"):
        export(sample_draft(), out)
    _assert_untouched(tmp_path, out)


def test_kinds():
    assert kind_of("a/B.PDF") == "pdf" and kind_of("x.Docx") == "docx"
    with pytest.raises(RenderRefused, match="pdf 或 docx"):
        export_bytes(sample_draft(), "odt")


def test_the_callers_draft_is_not_touched():
    draft = _broken()
    before = draft.canonical_json()
    prepare_fonts()
    prepare_fonts()  # idempotent
    export_bytes(draft, "pdf", draft_mode=True)
    assert draft.canonical_json() == before


def test_pypdf_repair_notes_stay_off_the_console(caplog):
    """An attachment with a wrong startxref pointer prints; pypdf's notes about repairing it
    ("incorrect startxref pointer") are not the user's business (issue 9 item 12)."""
    draft = sample_draft()
    name = draft.get("attachments")[0]["file"]
    blob = draft.files[name]
    pointer = blob[blob.rfind(b"startxref"):].split()[1]
    draft.files[name] = blob.replace(b"startxref\n" + pointer, b"startxref\n" + str(int(pointer) - 800).encode())
    level = logging.getLogger("pypdf").level
    with caplog.at_level(logging.WARNING):
        _, printed = export_bytes(draft)
    assert printed.problems == ()
    assert [r.getMessage() for r in caplog.records if r.name.startswith("pypdf")] == []
    assert logging.getLogger("pypdf").level == level  # restored afterwards


def test_quiet_pypdf_is_thread_safe():
    """Overlapping users (a preview worker and an export) each silence pypdf; the first to
    leave must not turn the notes back on for the other, the last restores the level."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    entered = [threading.Event(), threading.Event()]
    leave = [threading.Event(), threading.Event()]
    left = [threading.Event(), threading.Event()]

    def user(k):
        with quiet_pypdf():
            entered[k].set()
            leave[k].wait(10)
        left[k].set()

    threads = [threading.Thread(target=user, args=(k,)) for k in (0, 1)]
    threads[0].start()
    entered[0].wait(10)
    threads[1].start()
    entered[1].wait(10)
    leave[0].set()  # the first in leaves first
    left[0].wait(10)
    assert logger.getEffectiveLevel() == logging.ERROR  # still quiet for the other
    leave[1].set()
    for t in threads:
        t.join(10)
    assert logger.level == level


def test_a_draft_without_attachments_prints_without_pypdf():
    """Issue 13: imports a render does not need cost every start; pypdf and the sanitiser load
    only when a draft has attachments. (``forms`` blocks pypdf's cryptography provider with a
    ``None`` entry in ``sys.modules``; such an entry is not a loaded module.)"""
    code = ("import sys\n"
            "from forms.sample import sample_draft\n"
            "from pdf.export import export_bytes\n"
            "d = sample_draft(); d.data['attachments'], d.files = [], {}\n"
            "export_bytes(d)\n"
            "print(sorted(m for m, mod in sys.modules.items()\n"
            "             if mod is not None and (m.split('.')[0] == 'pypdf' or m == 'pdf.sanitize')))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False,
                          cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("draft_mode", [False, True])
def test_a_pdf_written_to_a_file_is_the_pdf_export_bytes_returns(tmp_path, draft_mode):
    """export() streams the merged PDF to the file (pdf.render.write_document): with the
    sample's attachment merged in, the file holds exactly what export_bytes returns."""
    draft = sample_draft()
    assert draft.files, "the sample must carry an attachment for this test"
    blob, from_bytes = export_bytes(draft, "pdf", draft_mode=draft_mode)
    out = tmp_path / "申报书.pdf"
    printed = export(draft, out, draft_mode=draft_mode)
    assert out.read_bytes() == blob
    assert printed == from_bytes
    assert printed.page_count == len(PdfReader(io.BytesIO(blob)).pages)
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left
