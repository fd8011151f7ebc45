"""What a render remembers from the last ones (issue 13: the preview renders again after every
edit): a table's column widths while its cells are unchanged, and each embedded font subset,
cut and deflated. A render that remembers makes the bytes one that remembers nothing makes."""

from __future__ import annotations

from functools import partial

import pytest
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc

from forms.sample import sample_draft
from pdf import fitting, fonts
from pdf.export import export_bytes, forget_renders
from tests.drafts import maximal_draft


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)


def pdf_of(draft) -> bytes:
    return export_bytes(draft, "pdf", draft_mode=True)[0]


def forget_everything(monkeypatch) -> None:
    """Fit every table and cut and deflate every subset as if for the first time, every time."""
    monkeypatch.setattr(fitting, "column_widths", lambda base, cells, measure, pad:
                        fitting._column_widths(base, cells, measure, pad))
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
    assert fonts._deflated.cache_info().currsize == 0
    assert all(f.face.makeSubset.cache_info().currsize == 0 for f in fonts._fonts.values())
    assert pdf_of(draft) == first
    assert fitting._remembered.cache_info().currsize > 0
