"""Attachments in the printout: the 附件清单, each attachment on a right-hand page, PDF pages
sanitised end to end, images drawn, broken files never crash a draft print."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

from forms.sample import sample_draft
from forms.validate import validate
from pdf import layout
from pdf.merge import AttachmentError
from pdf.render import render_document
from pdf.sanitize import FORBIDDEN_NAMES
from tests import attachment_samples as samples
from tests.drafts import PDF_ATTACHMENT_TEXTS
from tests.pdf.pdftools import TOOLS, non_white, normalize, page_texts, pdftotext, render_page, run
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)

RAW_FORBIDDEN = [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/EmbeddedFiles", b"/OpenAction",
                 b"/AA", b"/URI", b"/AcroForm", b"/Annots", b"/XFA", b"/Names"]


def _draft_with(files: dict[str, bytes]):
    draft = sample_draft()
    draft.data["attachments"] = [{"title": f"附件文件{name}", "category": "其他支撑材料", "file": name}
                                 for name in files]
    draft.files = dict(files)
    return draft


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    draft = _draft_with({"hostile.pdf": samples.hostile_pdf(), "clean.pdf": samples.clean_pdf()})
    assert not [p for p in validate(draft) if p.is_error]  # hostile but well-formed: it passes
    result = render_document(draft)
    path = tmp_path_factory.mktemp("hostile") / "out.pdf"
    path.write_bytes(result.pdf)
    return draft, result, path


def _walk_every_object(pdf: bytes):
    """Every key and name in every object of the file, reachable or not."""
    reader = PdfReader(io.BytesIO(pdf))
    ids = {(num, gen) for gen, entries in reader.xref.items() for num in entries}
    ids |= {(num, 0) for num in reader.xref_objStm}
    stack = [reader.trailer] + [IndirectObject(num, gen, reader).get_object() for num, gen in sorted(ids)]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            for key, value in item.items():
                yield key
                if not isinstance(value, IndirectObject):
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(v for v in item if not isinstance(v, IndirectObject))
        elif isinstance(item, NameObject):
            yield str(item)


def test_hostile_attachment_comes_out_clean(hostile, tmp_path):
    _, result, path = hostile
    found = {name for name in _walk_every_object(result.pdf) if name in FORBIDDEN_NAMES or name == "/Names"}
    assert found == set()
    qdf = tmp_path / "qdf.pdf"
    run("qpdf", "--qdf", "--object-streams=disable", path, qdf)
    raw = qdf.read_bytes()
    for token in RAW_FORBIDDEN:
        assert not re.search(re.escape(token) + rb"(?![A-Za-z0-9])", raw), token
    assert samples.JS_CODE.encode() not in raw
    assert b"payload.exe" not in raw and b"fake executable payload" not in raw
    info = run("pdfinfo", path).stdout
    assert re.search(r"JavaScript:\s+no", info)


def test_hostile_attachment_still_prints_its_pages(hostile):
    _, result, path = hostile
    text = pdftotext(path)
    assert samples.PAGE_TEXTS[0] in text and samples.PAGE_TEXTS[1] in text
    assert samples.FIELD_TEXT in text  # the visible form field value is flattened into the page
    assert samples.HIDDEN_TEXT not in text
    starts = result.marks.attachment_starts
    assert sorted(starts) == [0, 1] and all(p % 2 == 1 for p in starts.values())


def test_attachment_list_and_pages(printed_maximal):
    printed = printed_maximal
    texts = [normalize(t) for t in page_texts(printed.path, printed.pages)]
    listing = next(i for i, t in enumerate(texts) if t.startswith("附件清单"))
    row1 = normalize("1任务书及成果证明承担的相关项目任务书（三页，含横向页）3")
    row2 = normalize("2资质证书园区荣誉证书扫描件1")
    assert row1 in texts[listing] and row2 in texts[listing]
    starts = printed.result.marks.attachment_starts
    for k, text in enumerate(PDF_ATTACHMENT_TEXTS):  # three pages, in order, each with its caption
        page = starts[0] + k
        assert normalize(text) in texts[page - 1]
        assert f"附件1：承担的相关项目任务书（三页，含横向页）（第{k + 1}页，共3页）" in texts[page - 1]
    assert "附件2：园区荣誉证书扫描件" in texts[starts[1] - 1]


def test_image_attachment_is_drawn(printed_maximal, tmp_path):
    page = printed_maximal.result.marks.attachment_starts[1]
    reader = PdfReader(io.BytesIO(printed_maximal.result.pdf))
    xobjects = reader.pages[page - 1]["/Resources"]["/XObject"]
    assert any(xobjects[n].get_object()["/Subtype"] == "/Image" for n in xobjects)
    image = render_page(printed_maximal.path, page, tmp_path, 50)
    box = layout.attachment_box(page, simplex=False)
    k = 50 / 72
    inside = (int(box[0] * k), int((layout.PAGE_HEIGHT - box[1] - box[3]) * k),
              int((box[0] + box[2]) * k), int((layout.PAGE_HEIGHT - box[1]) * k))
    assert non_white(image, inside) > 500  # the red frame and the lines of the test image


def test_attachment_pages_stay_clear_of_the_footer(printed_maximal, tmp_path):
    """Merged pages are scaled into their slot: between the slot and the footer line, white."""
    for slot in printed_maximal.result.marks.slots:
        x, y, w, h = slot.box
        assert y >= layout.FOOTER_BASELINE + 5 * layout.mm
        image = render_page(printed_maximal.path, slot.page, tmp_path, 72)
        band = (int(x), int(layout.PAGE_HEIGHT - y + 2), int(x + w), int(layout.PAGE_HEIGHT - layout.FOOTER_BASELINE - 12))
        assert non_white(image, band) == 0


BROKEN = {
    "truncated.pdf": samples.truncated_pdf(),
    "encrypted.pdf": samples.encrypted_pdf(),
    "zip.pdf": samples.zip_named_pdf(),
    "broken.png": samples.truncated_png(),
}


def test_broken_attachments_print_a_notice_in_a_draft(tmp_path):
    draft = _draft_with({**BROKEN, "ok.png": samples.png()})
    draft.data["attachments"].append({"title": "不存在的文件", "category": "其他支撑材料", "file": "missing.pdf"})
    result = render_document(draft, draft_mode=True)
    path = tmp_path / "d.pdf"
    path.write_bytes(result.pdf)
    texts = [normalize(t) for t in page_texts(path, result.page_count)]
    starts = result.marks.attachment_starts
    assert len(starts) == 6 and result.page_count % 2 == 0
    for index, name in enumerate([*BROKEN, "ok.png", "missing.pdf"]):
        page_text = texts[starts[index] - 1]
        if name == "ok.png":
            assert "未能纳入" not in page_text
        else:
            assert "未能纳入本稿" in page_text, name
    assert run("qpdf", "--check", path, check=False).returncode == 0


def test_a_final_print_refuses_an_unprintable_attachment():
    draft = _draft_with({"encrypted.pdf": samples.encrypted_pdf()})
    with pytest.raises(AttachmentError, match="encrypted.pdf|附件文件"):
        render_document(draft)


def test_no_attachments_print_none_in_the_list(tmp_path):
    draft = sample_draft()
    draft.data["attachments"] = []
    result = render_document(draft)
    path = tmp_path / "n.pdf"
    path.write_bytes(result.pdf)
    texts = [normalize(t) for t in page_texts(path, result.page_count)]
    assert "attachment" not in result.marks.page_kinds
    assert any(t.startswith("附件清单序号类别附件名称页数无") for t in texts)
    assert result.page_count % 2 == 0


def test_reproducible_with_pdf_attachments(hostile):
    draft, result, _ = hostile
    assert render_document(draft).pdf == result.pdf
    assert b"pypdf" not in result.pdf  # no producer stamp or timestamp from the merge step
