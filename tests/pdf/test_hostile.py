"""Hostile and unlucky text (issue 9): render time linear in a field's length, a value taller
than a page cut with a visible mark instead of a crash, split paragraphs read on unchanged."""

from __future__ import annotations

import gc
import re
import time

import pytest

from forms.draft import Draft
from forms.sample import sample_draft
from pdf.export import prepare_fonts
from pdf.render import render_document
from pdf.truncate import PRINT_MAX_CHARS, TRUNCATED, clip
from tests.pdf.pdftools import content, normalize, pdftotext
from tests.tools import requires_tools

MARK = normalize(TRUNCATED)


def _draft(path: str, text: str) -> Draft:
    """The sample without its attachment, ``path`` set to ``text`` as typed (no cleaning)."""
    draft = sample_draft()
    draft.data["attachments"], draft.files = [], {}
    steps = path.replace("]", "").replace("[", ".").split(".")
    node = draft.data
    for step in steps[:-1]:
        node = node[int(step)] if step.isdigit() else node[step]
    node[steps[-1]] = text
    return draft


def _text(tmp_path, draft: Draft, **kw) -> tuple[str, object]:
    result = render_document(draft, **kw)
    out = tmp_path / "out.pdf"
    out.write_bytes(result.pdf)
    return pdftotext(out), result


def _best_of_3(draft: Draft) -> float:
    """This process's CPU time (other processes on a busy machine do not count), with the
    cyclic collector paused (its pauses fall where they fall, not where the text grows)."""
    best = float("inf")
    gc.collect()
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            render_document(draft, draft_mode=True)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


# --------------------------------------------------------------------------- linear time

GROWTH_N = 20_000


@pytest.mark.parametrize("path, unit", [
    ("capability", "a"),  # a box (二) split over many pages
    ("unit.business_scope", "a"),  # running text in a table cell (一)
    ("team.members[0].task", "a"),  # a one-line value in the member table
    ("people.leader.phone", "1"),  # a one-line value in rows bound by a rowspan (四)
])
def test_render_time_grows_linearly_with_an_unbroken_run(path, unit):
    prepare_fonts()
    render_document(_draft(path, unit * 100), draft_mode=True)  # warm up
    at_n = _best_of_3(_draft(path, unit * GROWTH_N))
    at_2n = _best_of_3(_draft(path, unit * 2 * GROWTH_N))
    assert at_2n <= 2.5 * at_n, f"{path}: {at_n:.3f} s at {GROWTH_N}, {at_2n:.3f} s at {2 * GROWTH_N}"


# --------------------------------------------------------------------------- cut, never raise


@requires_tools("pdftotext")
def test_a_value_taller_than_a_page_is_cut_with_a_mark(tmp_path):
    phone = "021-" + " -" * 20000 + "x"  # issue 9 item 2: LayoutError before
    text, result = _text(tmp_path, _draft("people.leader.phone", phone), draft_mode=True)
    assert MARK in normalize(text)
    assert "021--" in normalize(text)  # the start of what was typed prints
    assert result.page_count <= 16


@requires_tools("pdftotext")
def test_rows_bound_by_a_rowspan_are_cut_to_fit_a_page(tmp_path):
    # Under the one-line limit, but 四's five 项目负责人 rows cannot split across pages.
    title = "高级知识产权运营工程师" * 80
    assert len(title) < PRINT_MAX_CHARS
    text, result = _text(tmp_path, _draft("team.leader.title", title), draft_mode=True)
    assert MARK in normalize(text)
    assert content(text).count("高级知识产权运营工程师") < 80
    assert result.page_count <= 14


@requires_tools("pdftotext")
def test_a_huge_unit_name_keeps_the_cover_on_one_page(tmp_path):
    text, result = _text(tmp_path, _draft("unit.name", "上海临港芯链科技有限公司" * 500), draft_mode=True)
    assert result.marks.page_kinds[:3] == ["cover", "cover_back", "body"]
    assert result.areas["cover_seal"].page == 1
    assert MARK in normalize(text.split("\f")[0])


def test_every_one_line_limit_is_below_the_print_limit():
    """A valid value is never cut: validation stops every one-line value before the print
    limit (fields without a declared limit are ``para`` text, which is never clipped)."""
    for fdef in sample_draft().form.fields:
        limit = getattr(fdef, "max_chars", None)
        if limit is not None:
            assert limit < PRINT_MAX_CHARS, fdef.path


def test_clip():
    assert clip("短") == "短"
    assert clip("a" * PRINT_MAX_CHARS) == "a" * PRINT_MAX_CHARS
    assert clip("a" * (PRINT_MAX_CHARS + 1)) == "a" * PRINT_MAX_CHARS + TRUNCATED
    assert clip("甲\n" + "b" * 2000) == "甲\n" + "b" * PRINT_MAX_CHARS + TRUNCATED


@requires_tools("pdftotext")
def test_valid_long_texts_are_not_cut(printed_maximal):
    assert MARK not in normalize(pdftotext(printed_maximal.path))


# --------------------------------------------------------------------------- split paragraphs


@requires_tools("pdftotext")
def test_split_paragraphs_gain_no_spaces(tmp_path):
    """The rest of a paragraph split across pages reads on as typed: reportlab rebuilt it from
    its drawn lines with a space after each, which then broke the continued text as
    "主营业务 范围很长" (a gap in the middle of a line) on every page after the first."""
    draft = _draft("unit.business_scope", "主营业务范围很长。" * 400)
    draft.data["capability"] = "申报单位承担项目能力。" * 500
    text, _ = _text(tmp_path, draft)
    lines = [line.strip() for line in text.splitlines() if re.search("主营业务|范围很长|承担项目|项目能力", line)]
    assert len(lines) > 100
    assert [line for line in lines if " " in line] == []
    flat = content(text)
    assert flat.count("主营业务范围很长。") == 400
    assert flat.count("申报单位承担项目能力。") == 500
