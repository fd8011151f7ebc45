"""Paper: A4 pages, duplex page order (cover alone, right-hand starts, even count), footers,
mirrored margins with the binding side kept free, and the simplex variant without blank pages."""

from __future__ import annotations

import html
import io
import re

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from forms.display import FINGERPRINT_LABEL
from pdf import layout
from tests.pdf.pdftools import TOOLS, normalize, page_texts, run
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)

A4 = (595.28, 841.89)
FOOTER = re.compile(r"第(\d+)页共(\d+)页")
LABEL = normalize(FINGERPRINT_LABEL)


def test_all_pages_are_a4_portrait(printed_any):
    reader = PdfReader(io.BytesIO(printed_any.result.pdf))
    assert len(reader.pages) == printed_any.pages
    for page in reader.pages:
        box = page.mediabox
        assert float(box.width) == pytest.approx(A4[0], abs=1)
        assert float(box.height) == pytest.approx(A4[1], abs=1)
        assert int(page.get("/Rotate", 0)) == 0
    info = run("pdfinfo", printed_any.path).stdout
    assert "(A4)" in info


@pytest.mark.parametrize("name", ["sample", "maximal", "maximal_draft"])
def test_duplex_page_order(name, request):
    printed = request.getfixturevalue(f"printed_{name}")
    kinds = printed.result.marks.page_kinds
    assert printed.pages % 2 == 0
    assert kinds[:3] == ["cover", "cover_back", "body"]  # cover alone on its sheet, body on page 3
    texts = page_texts(printed.path, printed.pages)
    assert normalize(texts[1]).replace("草稿", "") == ""  # the back of the cover is truly blank
    starts = printed.result.marks.attachment_starts
    assert len(starts) == len(printed.draft.get("attachments"))
    for index, page in starts.items():
        assert page % 2 == 1, f"attachment {index + 1} starts on left-hand page {page}"
        assert kinds[page - 1] == "attachment"
    for page, kind in enumerate(kinds, 1):
        if kind == "blank":
            assert "（此页无正文）" in texts[page - 1]
            # a blank page is only ever needed before a right-hand start or at the end
            assert page % 2 == 0


@pytest.mark.parametrize("name", ["sample_simplex", "maximal_simplex"])
def test_simplex_has_no_blank_pages(name, request):
    printed = request.getfixturevalue(f"printed_{name}")
    kinds = printed.result.marks.page_kinds
    assert kinds[0] == "cover" and kinds[1] == "body"
    assert "blank" not in kinds and "cover_back" not in kinds
    texts = page_texts(printed.path, printed.pages)
    assert all(normalize(t) for t in texts)  # no empty page at all
    assert not any("此页无正文" in t for t in texts)
    duplex = request.getfixturevalue(f"printed_{name.removesuffix('_simplex')}")
    assert printed.pages == duplex.pages - duplex.result.marks.page_kinds.count("blank") - 1


def test_simplex_viewer_preference_and_binding(printed_sample_simplex, printed_maximal_simplex):
    """Simplex: the print dialog starts at one-sided printing, and every sheet is bound on its
    left, so the text block keeps the binding margin on the left of even pages too (no
    mirroring), while the duplex print mirrors it there."""
    assert "/Simplex" in _viewer_preferences(printed_sample_simplex.result.pdf)["/Duplex"]
    for printed in (printed_sample_simplex, printed_maximal_simplex):
        lefts = _block_lefts(printed)
        even = [x for page, x in lefts.items() if page % 2 == 0]
        odd = [x for page, x in lefts.items() if page % 2 == 1]
        assert even and odd
        assert min(even) == pytest.approx(layout.BINDING, abs=0.5)  # a heading or grid edge
        assert min(even) == pytest.approx(min(odd), abs=0.5)
        for slot in printed.result.marks.slots:
            assert slot.box[0] == pytest.approx(layout.BINDING)


def _block_lefts(printed) -> dict[int, float]:
    """The left edge of the text block's text on each body page: the leftmost word."""
    boxes = _word_boxes(printed.path, printed.pages)
    kinds = printed.result.marks.page_kinds
    return {page: min(x0 for x0, _, _ in found) for page, found in enumerate(boxes, 1)
            if found and kinds[page - 1] == "body"}


def _viewer_preferences(pdf: bytes) -> dict:
    reader = PdfReader(io.BytesIO(pdf))
    return {k: str(v) for k, v in reader.trailer["/Root"]["/ViewerPreferences"].items()}


def test_footers_number_every_page_after_the_cover(printed_any):
    printed = printed_any
    texts = page_texts(printed.path, printed.pages)
    kinds = printed.result.marks.page_kinds
    first = kinds.index("body") + 1
    total = printed.pages - (first - 1)
    fingerprint = printed.draft.fingerprint()
    for page, (text, kind) in enumerate(zip(texts, kinds, strict=True), 1):
        flat = normalize(text)
        if kind in ("cover", "cover_back"):
            assert not FOOTER.search(flat) and LABEL not in flat
            continue
        assert FOOTER.findall(flat) == [(str(page - first + 1), str(total))], page
        assert f"{LABEL}{fingerprint}" in flat, page


def test_fingerprint_is_the_drafts(printed_sample):
    fp = printed_sample.draft.fingerprint()
    assert re.fullmatch(r"[0-9A-F]{8}", fp)
    assert fp in PdfReader(io.BytesIO(printed_sample.result.pdf)).metadata.subject


def _word_boxes(path, pages):
    """Per page: the (xMin, xMax) of every word pdftotext finds."""
    out = run("pdftotext", "-bbox", "-f", "1", "-l", str(pages), path, "-").stdout
    boxes: list[list[tuple[float, float, str]]] = []
    for page in re.split(r"<page ", out)[1:]:
        words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', page)
        boxes.append([(float(a), float(b), html.unescape(t)) for a, b, t in words])
    return boxes


@pytest.mark.parametrize("name", ["sample", "maximal", "maximal_simplex"])
def test_binding_margin_stays_free(name, request):
    """Text keeps ≥ 25 mm from the binding edge: the left edge on right-hand pages (and on every
    page in simplex), the right edge on left-hand pages in duplex."""
    printed = request.getfixturevalue(name.join(["printed_", ""]))
    simplex = name.endswith("simplex")
    kinds = printed.result.marks.page_kinds
    for page, words in enumerate(_word_boxes(printed.path, printed.pages), 1):
        if not words or kinds[page - 1] == "attachment":
            continue  # attachment pages are checked below, via their slot boxes
        if layout.binding_left(page, simplex):
            assert min(x0 for x0, _, _ in words) >= 25 * mm, page
        else:
            assert max(x1 for _, x1, _ in words) <= layout.PAGE_WIDTH - 25 * mm, page
    for slot in printed.result.marks.slots:
        x, _, w, _ = slot.box
        if layout.binding_left(slot.page, simplex):
            assert x >= 25 * mm
        else:
            assert x + w <= layout.PAGE_WIDTH - 25 * mm


def test_mirrored_text_block(printed_maximal):
    """The text block moves with the binding edge: its left edge is 28 mm in on odd pages and
    26 mm in on even pages."""
    boxes = _word_boxes(printed_maximal.path, printed_maximal.pages)
    kinds = printed_maximal.result.marks.page_kinds
    lefts = {page: min(x0 for x0, _, _ in words) for page, words in enumerate(boxes, 1)
             if words and kinds[page - 1] == "body"}
    odd = [x for p, x in lefts.items() if p % 2 == 1]
    even = [x for p, x in lefts.items() if p % 2 == 0]
    assert odd and even
    assert min(odd) >= layout.BINDING - 0.5
    assert min(even) < layout.BINDING - 1  # shifted towards the outer (left) edge
    assert min(even) >= layout.OUTER - 0.5


def test_long_texts_flow_across_pages(printed_maximal):
    """The 2000-字 plan and the 60-member table run over several pages, nothing dropped; the
    member table's two header rows repeat on every page it continues on."""
    texts = [normalize(t) for t in page_texts(printed_maximal.path, printed_maximal.pages)]
    plan = [i for i, t in enumerate(texts) if "三、项目实施方案" in t]
    assert plan
    assert "联合体围绕" in texts[plan[0] + 1]  # the plan continues on the next page
    members = printed_maximal.draft.get("team.members")
    rows = [f"{k + 1}{m['name']}{m['id_number']}" for k, m in enumerate(members)]
    member_pages = [i for i, t in enumerate(texts) if any(row in t for row in rows)]
    assert len(member_pages) >= 4
    for i in member_pages:
        assert "项目组全部成员序号姓名身份证号码" in texts[i], i + 1
