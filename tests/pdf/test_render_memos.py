"""What a render remembers from the last ones (issue 13: the preview renders again after every
edit): a table's column widths while its cells are unchanged, a paragraph's lines while its text
and widths are unchanged, and each embedded font subset, cut and deflated. A render that
remembers makes the bytes one that remembers nothing makes."""

from __future__ import annotations

from functools import partial

import pytest
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from forms.sample import sample_draft
from pdf import cjkwrap, fitting, fonts
from pdf.export import export_bytes, forget_renders
from tests.drafts import maximal_draft


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)


def pdf_of(draft) -> bytes:
    return export_bytes(draft, "pdf", draft_mode=True)[0]


def forget_everything(monkeypatch) -> None:
    """Fit every table, break every paragraph and cut and deflate every subset as if for the
    first time, every time."""
    monkeypatch.setattr(fitting, "column_widths", lambda base, cells, measure, pad:
                        fitting._column_widths(base, cells, measure, pad))
    monkeypatch.setattr(cjkwrap, "_remembered_split", cjkwrap._split)
    fonts.register_fonts()
    for font in fonts._fonts.values():
        monkeypatch.setattr(font.face, "makeSubset", partial(type(font.face).makeSubset, font.face))
    monkeypatch.setattr(fonts, "_REMEMBERED_FLATE", pdfdoc.PDFZCompress)


def test_renders_that_remember_make_the_bytes_of_renders_that_do_not(monkeypatch):
    sample, maximal = sample_draft(), maximal_draft()
    remembered = [pdf_of(d) for d in (sample, maximal, sample, maximal)]
    assert remembered[0] == remembered[2] and remembered[1] == remembered[3]
    with monkeypatch.context() as m:
        forget_everything(m)
        fresh = [pdf_of(d) for d in (sample, maximal)]
    assert remembered[:2] == fresh


def test_a_table_is_fitted_again_only_when_its_cells_change(monkeypatch):
    fitted = []
    real = fitting._column_widths
    monkeypatch.setattr(fitting, "_column_widths", lambda *args: fitted.append(args) or real(*args))
    fitting._remembered.cache_clear()
    draft = maximal_draft()
    pdf_of(draft)
    tables = len(fitted)
    assert tables >= 2  # the member table and the partners'
    pdf_of(draft)
    assert len(fitted) == tables  # nothing changed: no table fitted again
    draft.set("team.members[3].name", "欧阳·阿卜杜勒")
    pdf_of(draft)
    assert len(fitted) == tables + 1  # the member table alone
    base, cells, measure, pad = fitted[-1]
    assert any(c.text == "欧阳·阿卜杜勒" for c in cells)
    # the widths handed out are a copy: changing them changes nothing remembered
    widths = fitting.column_widths(base, cells, measure, pad)
    assert widths == real(base, cells, measure, pad)
    widths[0] = -1.0
    assert fitting.column_widths(base, cells, measure, pad) == real(base, cells, measure, pad)


def test_a_paragraph_is_broken_again_only_when_its_text_changes(monkeypatch):
    broken = []
    real = cjkwrap._split
    monkeypatch.setattr(cjkwrap, "_split", lambda frags, *args: broken.append(frags) or real(frags, *args))
    cjkwrap.forget_lines()
    draft = maximal_draft()
    pdf_of(draft)
    first = len(broken)
    assert first > 20  # 二, 三 and the tables' longer cells
    pdf_of(draft)
    assert len(broken) == first  # nothing changed: nothing broken again
    draft.set("capability", draft.get("capability")[:-4] + "（修改）")
    pdf_of(draft)
    again = broken[first:]
    assert again and all("（修改）" in "".join(f.text for f in frags) for frags in again)


def test_lines_split_across_pages_in_one_render_are_whole_in_the_next(monkeypatch):
    """reportlab changes a paragraph's lines when it splits it across pages (a space after each
    line's last word): a later render that remembers those lines gets its own copy of them."""
    long_name = maximal_draft()
    company = "；上海张江高新技术产业园区开发运营管理有限公司"
    long_name.data["unit"]["name"] = ("上海张江高科技园区集成电路产业创新联合体示范园区" * 9)[:200 - len(company)] + company
    draft = maximal_draft()
    cjkwrap.forget_lines()
    pdf_of(long_name)
    export_bytes(long_name, "pdf")
    remembered = pdf_of(draft)
    assert cjkwrap._lines
    with monkeypatch.context() as m:
        forget_everything(m)
        assert pdf_of(draft) == remembered


def test_lines_are_remembered_per_font_size_and_width():
    """The same text in another size, or at another width, is broken anew: its own lines."""
    from reportlab.lib.styles import ParagraphStyle

    from pdf.cjkwrap import CJKParagraph
    from pdf.styles import styles

    def lines(style, width):
        para = CJKParagraph("产学研合作联合体的建设目标、组织架构与运营机制，以及三年内的主要任务。", style)
        para.wrap(width, 10_000)
        return [(line.currentWidth, "".join(w.text for w in line.words), w.fontSize)
                for line in para.blPara.lines for w in line.words]

    fonts.register_fonts()
    cjkwrap.forget_lines()
    cell = styles()["cell"]
    big = ParagraphStyle("big", parent=cell, fontSize=cell.fontSize * 1.5, leading=cell.leading * 1.5)
    seen = [lines(cell, 150), lines(big, 150), lines(cell, 110)]
    assert seen[0] != seen[1] and seen[0] != seen[2]
    cjkwrap.forget_lines()
    assert [lines(cell, 150), lines(big, 150), lines(cell, 110)] == seen


def test_remembered_lines_are_bounded(monkeypatch):
    monkeypatch.setattr(cjkwrap, "LINES_KEPT", 5)
    cjkwrap.forget_lines()
    draft = maximal_draft()
    remembered = [pdf_of(draft) for _ in range(2)]
    assert len(cjkwrap._lines) == 5
    with monkeypatch.context() as m:
        forget_everything(m)
        assert pdf_of(draft) == remembered[0] == remembered[1]


def test_a_subset_is_cut_and_deflated_once_per_process():
    fonts.register_fonts()
    face = fonts._fonts[fonts.SONG].face
    draft = sample_draft()
    pdf_of(draft)
    cut, deflated = face.makeSubset.cache_info(), fonts._deflated.cache_info()
    pdf_of(draft)
    assert face.makeSubset.cache_info().misses == cut.misses
    assert face.makeSubset.cache_info().hits > cut.hits
    assert fonts._deflated.cache_info().misses == deflated.misses
    assert fonts._deflated.cache_info().hits > deflated.hits


def test_forget_renders_makes_the_next_render_cut_and_fit_anew():
    draft = maximal_draft()
    first = pdf_of(draft)
    forget_renders()
    assert fitting._remembered.cache_info().currsize == 0
    assert not cjkwrap._lines
    assert fonts._deflated.cache_info().currsize == 0
    assert all(f.face.makeSubset.cache_info().currsize == 0 for f in fonts._fonts.values())
    assert pdf_of(draft) == first
    assert fitting._remembered.cache_info().currsize > 0
    assert cjkwrap._lines
