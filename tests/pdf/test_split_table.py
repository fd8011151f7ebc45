"""SplitTable measures its rows once per size (issue 13): reportlab's Table.split measures again
what the wrap before it measured. The documents are byte-identical to those of a table that
measures every time, and a table whose commands change is measured anew."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Table, TableStyle

from forms.sample import sample_draft
from pdf.render import render_pdf
from pdf.styles import styles
from pdf.tables import SplitTable, grid_commands
from pdf.textlayer import para
from tests.drafts import maximal_draft
from tests.pdf.test_hostile import _draft


@pytest.mark.parametrize("make", [
    sample_draft, maximal_draft,
    lambda: _draft("people.leader.name", "阿卜杜勒·" * 150 + "艾尼"),
    lambda: _draft("unit.business_scope", "集成电路设计、知识产权运营。\n" * 300),
], ids=["sample", "maximal", "name", "scope"])
def test_documents_are_those_of_tables_measured_every_time(make, monkeypatch):
    measured = []
    real = SplitTable._calc

    def counting(self, w, h):
        measured.append("_measured_at" not in self.__dict__ or self._measured_at != (w, h))
        return real(self, w, h)

    monkeypatch.setattr(SplitTable, "_calc", counting)
    draft = make()
    fast = render_pdf(draft, draft_mode=True)
    assert not all(measured)  # some measuring was spared
    with monkeypatch.context() as m:
        m.setattr(SplitTable, "_calc", Table._calc)
        assert fast == render_pdf(draft, draft_mode=True)


def test_a_table_whose_commands_change_is_measured_anew():
    cell = para("上海市知识产权产学研运营联合体", styles()["cell"])
    table = SplitTable([[cell]], colWidths=[100])
    table.setStyle(TableStyle(grid_commands()))
    canv = Canvas(io.BytesIO())
    _, before = table.wrapOn(canv, 200, 500)
    table.setStyle(TableStyle([("TOPPADDING", (0, 0), (-1, -1), 30)]))
    _, after = table.wrapOn(canv, 200, 500)
    assert after > before
