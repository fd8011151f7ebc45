"""The one-line table cell (pdf/linecell.py, issue 13) draws what a CJKParagraph draws: the very
same content-stream operators for every text and width, through its fast path when the text is
one plain line, through the paragraph's own code otherwise; documents are byte-identical."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.rl_config import _FUZZ

import pdf.tables
from forms.sample import sample_draft
from pdf.cjkwrap import CJKParagraph
from pdf.linecell import LineCell
from pdf.render import render_pdf
from pdf.styles import styles
from pdf.tables import _small
from pdf.textlayer import markup
from tests.drafts import maximal_draft
from tests.pdf.test_hostile import _draft

#: 小四 (12 pt) centred and left-aligned, the 五号 (10.5 pt) styles of the members table, and
#: styles with indents (none of the tables has them; the paragraph's code does).
STYLES = ["cell", "cell_center", "label", "cell_small", "cell_center_small", "label_small", "indented",
          "indented_left"]


def _style(name: str):
    if name.startswith("indented"):
        parent = styles()["cell" if name.endswith("_left") else "cell_center"]
        return ParagraphStyle(name, parent=parent, firstLineIndent=7.5, leftIndent=3.25, rightIndent=2)
    if name.endswith("_small"):
        return _small(styles()[name[: -len("_small")]])
    return styles()[name]


def _canvas(prefix: str = "") -> Canvas:
    """A canvas; ``prefix`` is drawn on it first (to fill a font subset)."""
    canv = Canvas(io.BytesIO())
    if prefix:
        para = CJKParagraph(prefix, styles()["cell"])
        para.wrapOn(canv, 10_000, 10_000)
        para.drawOn(canv, 0, 0)
    return canv


def _drawn(cls, text: str, style, widths: list[float], prefix: str = "") -> tuple[list, list]:
    """What a table does with a cell: wrap it (at each of ``widths``), then draw it; the sizes
    the wraps returned and the canvas's operators."""
    canv = _canvas(prefix)
    cell = cls(text, style)
    sizes = [cell.wrapOn(canv, w, 10_000) for w in widths]
    cell.drawOn(canv, 31.5, 402.25)
    return sizes, canv._code


def _same(text: str, style, widths: list[float], prefix: str = "") -> LineCell:
    assert _drawn(LineCell, text, style, widths, prefix) == _drawn(CJKParagraph, text, style, widths, prefix)
    cell = LineCell(text, style)
    for w in widths:
        cell.wrap(w, 10_000)
    return cell


def _width(text: str, style) -> float:
    return stringWidth(text, style.fontName, style.fontSize)


ONE_LINE = ["张三", "博士研究生", "110101199003074578", "A4", "欧阳𠈌明", "𠀾𠁀𠂉", "zhou.liheng@example.com",
            "2024年3月1日", "职务/职称", "x", "序号", "Ünïcödé 𠈌 文字", "（港澳台居民居住证）",
            "Z_0fmf", "i@@l-上.11-il··m_1上il"]  # widths whose running total and sum() differ


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("text", ONE_LINE)
def test_a_one_line_text_is_drawn_as_the_paragraph_draws_it_by_the_fast_path(text, style):
    st = _style(style)
    wide = _width(text, st) + 17.3
    cell = _same(text, st, [wide])
    assert cell._lines is not None  # the fast path drew it
    assert _same(text, st, [wide, wide - 5.0, wide + 1e-13])._lines is not None
    assert _same(text, st, [wide, 0.0])._lines is not None  # no room at all: nothing changes
    # the space left on the line is the paragraph's to the last bit (not only as printed)
    para = CJKParagraph(text, st)
    para.wrap(wide, 10_000)
    assert cell._lines[0][0] == para.blPara.lines[0].extraSpace


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("text", ["身份证号码", "110101199003074578", "欧阳𠈌明"])
def test_a_text_exactly_as_wide_as_the_cell_is_one_line_and_a_hair_narrower_is_two(text, style):
    st = _style(style)
    exact = _width(text, st) + st.leftIndent + st.firstLineIndent + st.rightIndent
    for width in (exact, exact - 0.5 * _FUZZ, exact + 1e-12):
        assert _same(text, st, [width])._lines is not None, width
    narrow = _same(text, st, [exact - 2 * _FUZZ])
    assert narrow._lines is None and len(narrow.blPara.lines) == 2


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("text", ["上海张江高科技园区集成电路产业创新联合体示范园区",
                                  "zhang.zhe.project-leader@research.example.com", "欧阳𠈌明𠀾𠁀"])
def test_a_text_of_several_lines_is_the_paragraphs(text, style):
    st = _style(style)
    cell = _same(text, st, [40.0])
    assert cell._lines is None and len(cell.blPara.lines) > 1
    # one line at one width, several at the next: the last wrap decides what is drawn
    wide = _width(text, st) + 20
    assert _same(text, st, [wide, 40.0])._lines is None
    cell = _same(text, st, [40.0, wide])
    assert cell._lines is not None and getattr(cell, "blPara", None) is None  # no lines of 40 pt kept


LINES = ["统一社会<br/>信用代码", "教授级<br/>高级<br/>工程师/<br/>主任", "身份证<br/>号码", "a <br/> b", "  前后  空格  "]


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("text", LINES)
def test_plain_lines_joined_by_line_breaks_are_drawn_as_the_paragraph_draws_them(text, style):
    st = _style(style)
    assert _same(text, st, [200.0])._lines is not None  # each line fits: not broken
    narrow = _same(text, st, [200.0, 20.0])
    if max(_width(line, st) for line in text.split("<br/>")) > 20.0 + _FUZZ:
        assert narrow._lines is None  # a line too long: broken


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("text", ["A &amp; B", "<b>粗</b>体", "张&nbsp; 三", "", "a<br/><br/>b", "<br/>b", "a<br/>"])
def test_markup_and_other_texts_are_the_paragraphs(text, style):
    st = _style(style)
    cell = _same(text, st, [200.0])
    assert cell._lines is None and cell._runs is None


def test_plain_lines_are_drawn_without_reportlabs_paragraph_code(monkeypatch):
    """The point of it all: broken or not, plain lines never go through drawPara."""
    def refuse(self, debug=0):
        raise AssertionError("drawPara")

    monkeypatch.setattr(CJKParagraph, "drawPara", refuse)
    for text, width in (("张三", 100.0), ("统一社会<br/>信用代码", 100.0), ("统一社会<br/>信用代码", 30.0),
                        ("上海张江高科技园区集成电路产业创新联合体示范园区", 50.0)):
        _drawn(LineCell, text, styles()["label"], [width])
    with pytest.raises(AssertionError, match="drawPara"):
        _drawn(LineCell, "<b>粗</b>体", styles()["label"], [100.0])


def test_a_text_crossing_into_a_new_font_subset_switches_subset_as_the_paragraph_does():
    """reportlab's subsets hold 256 codes (the first less: it keeps ASCII's): 152 distinct
    characters drawn before, the cell's text starts in one subset and ends in the next (two
    font operators inside its text)."""
    prefix = "".join(chr(0x4E00 + k) for k in range(152))
    text = "".join(chr(0x5000 + k) for k in range(12))
    st = styles()["cell_center"]
    cell = _same(text, st, [_width(text, st) + 4], prefix=prefix)
    assert cell._lines is not None
    _, code = _drawn(LineCell, text, st, [_width(text, st) + 4], prefix=prefix)
    assert "/F2+0 12 Tf" in code[-3] and "/F2+1 12 Tf" in code[-3]


@settings(max_examples=300, deadline=None)
@given(lines=hs.lists(hs.text(alphabet=hs.sampled_from("上海市研究生，。（）“”aZ09@.-_ /\u3000𠈌𠀾é·"), max_size=24),
                     min_size=1, max_size=3),
       style=hs.sampled_from(STYLES), widths=hs.lists(hs.floats(5.0, 320.0), min_size=1, max_size=3))
def test_any_text_at_any_widths_is_drawn_as_the_paragraph_draws_it(lines, style, widths):
    _same("<br/>".join(markup(line) for line in lines), _style(style), widths)


# --------------------------------------------------------------------------- splitting in a row


@pytest.mark.parametrize("text", ["张三", "博士研究生", "上海张江高科技园区集成电路产业创新联合体示范园区"])
@pytest.mark.parametrize("lines", [0.4, 1.0, 1.7, 2.0, 2.6, 5.0])
@pytest.mark.parametrize("wraps", [[], [80.0], [30.0, 80.0], [80.0, 30.0]])
@pytest.mark.parametrize("then", [(80.0, 30.0), (30.0, 80.0)])
def test_a_cell_splits_as_the_paragraph_splits(text, lines, wraps, then):
    """Split after wraps at other widths (a table measures, then splits at its own width),
    then split again at a height (a failed split leaves the cell to be wrapped anew)."""
    st = styles()["cell"]
    results = []
    for cls in (LineCell, CJKParagraph):
        cell = cls(text, st)
        for w in wraps:
            cell.wrap(w, 10_000)
        got = []
        for width, height in ((80.0, lines * st.leading), (then[0], 2.2 * st.leading), (then[1], 2.2 * st.leading)):
            for piece in cell.split(width, height):  # each piece as a table draws it
                canv = _canvas()
                size = piece.wrapOn(canv, 80.0, 10_000)
                piece.drawOn(canv, 0, 0)
                got.append((width, height, piece is cell, size, canv._code))
        results.append(got)
    assert results[0] == results[1]


def test_a_one_line_cell_that_does_not_split_is_wrapped_again_before_it_is_drawn():
    st = styles()["cell"]
    cell = LineCell("张三", st)
    cell.wrap(80.0, 10_000)
    assert cell.split(80.0, 1.5 * st.leading) == []  # no orphans: one line needs room for two
    assert cell.split(80.0, 2.5 * st.leading) == [cell]


# --------------------------------------------------------------------------- whole documents


def _with_paragraphs(monkeypatch, draft) -> bytes:
    with monkeypatch.context() as m:
        m.setattr(pdf.tables, "LineCell", CJKParagraph)
        return render_pdf(draft, draft_mode=True)


@pytest.mark.parametrize("make", [
    sample_draft, maximal_draft,
    # values cut to fit a page in 四's rows bound by a rowspan (pdf.truncate): a name of many
    # parts on lines of their own, a long title
    lambda: _draft("people.leader.name", "阿卜杜勒·" * 150 + "艾尼"),
    lambda: _draft("team.leader.title", "高级知识产权运营工程师" * 80),
], ids=["sample", "maximal", "name", "title"])
def test_documents_are_byte_identical_to_those_printed_with_paragraph_cells(make, monkeypatch):
    fast = []
    real = LineCell.draw

    def counting(self):
        fast.append(self._lines is not None)
        return real(self)

    monkeypatch.setattr(LineCell, "draw", counting)
    draft = make()
    assert render_pdf(draft, draft_mode=True) == _with_paragraphs(monkeypatch, draft)
    assert sum(fast) > 0.5 * len(fast)  # most cells drew by the fast path
