"""Signature and seal blocks stay blank on paper: pages rendered to pixels by pdftoppm, the areas
cropped where the layout recorded them (pdf.layout.Marks), every pixel white."""

from __future__ import annotations

import pytest
from reportlab.lib.units import mm

from pdf import layout
from tests.pdf.pdftools import TOOLS, non_white, normalize, page_texts, render_page, vertical_rules
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)

DPI = 100
INSET_MM = 1.0  # keep clear of the grid lines around a cell


@pytest.fixture(params=["sample", "maximal"])
def printed(request):
    return request.getfixturevalue(f"printed_{request.param}")


def test_areas_recorded_where_expected(printed):
    areas = printed.result.areas
    assert set(areas) >= {"cover_seal", "cover_seal_line", "signature", "opinion_seal"}
    assert areas["cover_seal"].page == 1
    kinds = printed.result.marks.page_kinds
    assert kinds[areas["signature"].page - 1] == "body"
    assert areas["opinion_seal"].page >= areas["signature"].page


def test_cover_seal_room_is_blank(printed, tmp_path):
    """A square of ≥ 42 mm centred on（签章）: nothing in it but the 申报单位 line itself, over
    which the round seal is stamped."""
    seal = printed.result.areas["cover_seal"]
    line = printed.result.areas["cover_seal_line"]
    assert seal.width_mm >= layout.COVER_SEAL_MM and seal.height_mm >= layout.COVER_SEAL_MM
    assert seal.x1 <= layout.PAGE_WIDTH and seal.x0 >= 0
    image = render_page(printed.path, seal.page, tmp_path, DPI)
    left, top, right, bottom = seal.pixels(DPI)
    _, line_top, _, line_bottom = line.pixels(DPI)
    assert line_top < bottom and top < line_bottom < bottom  # the line runs through the square
    if line_top > top:  # a long name wraps upwards: its lines may fill the top of the square
        assert non_white(image, (left, top, right, line_top)) == 0
    assert non_white(image, (left, line_bottom, right, bottom)) == 0
    assert (bottom - line_bottom) / DPI * 25.4 >= 15  # clear room below the line for the seal
    # the check sees ink: the line band itself is not blank
    assert non_white(image, (left, line_top, right, line_bottom)) > 0


def test_signature_cell_is_empty_and_tall_enough(printed, tmp_path):
    area = printed.result.areas["signature"]
    assert area.height_mm >= layout.SIGNATURE_MIN_MM - 0.01
    assert area.width_mm >= 30
    image = render_page(printed.path, area.page, tmp_path, DPI)
    assert non_white(image, area.pixels(DPI, inset_mm=INSET_MM)) == 0
    # the grid line just outside the area is there (the crop is where we think it is)
    left, top, right, bottom = area.pixels(DPI)
    assert non_white(image, (left - 3, top + 5, left + 1, bottom - 5)) > 0


def test_opinion_seal_area_is_clear(printed, tmp_path):
    area = printed.result.areas["opinion_seal"]
    assert area.width_mm >= 45 and area.height_mm >= 45
    image = render_page(printed.path, area.page, tmp_path, DPI)
    assert non_white(image, area.pixels(DPI)) == 0
    # 单位签章： sits just left of the area, the date line just below it
    left, top, right, bottom = area.pixels(DPI)
    assert non_white(image, (left - 100, top, left, bottom)) > 0
    assert non_white(image, (left, bottom, right + 40, bottom + 60)) > 0


@pytest.mark.parametrize("name", ["sample", "maximal"])
def test_areas_keep_their_place_in_the_text_block(name, request):
    """Simplex changes where pages fall and which side is bound, not what is on them: every
    area sits at the same place inside the text block, whichever side the block moved to."""
    duplex = request.getfixturevalue(f"printed_{name}")
    simplex = request.getfixturevalue(f"printed_{name}_simplex")
    for key, a in duplex.result.areas.items():
        b = simplex.result.areas[key]
        if a.page == 1:  # the cover is page 1 in both
            assert b == a
            continue
        offset_a = a.x0 - layout.frame_x(a.page, simplex=False)
        offset_b = b.x0 - layout.frame_x(b.page, simplex=True)
        assert offset_b == pytest.approx(offset_a), key
        assert (b.y0, b.width_mm, b.height_mm) == pytest.approx((a.y0, a.width_mm, a.height_mm)), key


def _table_edges(printed, page: int, tmp_path) -> tuple[float, float]:
    """The left and right margins (mm) of page ``page``, measured at the outer vertical rules
    of the tables on it: tables fill the text block's width."""
    image = render_page(printed.path, page, tmp_path, DPI)
    rules = vertical_rules(image, layout.TOP + 5 * mm, layout.PAGE_HEIGHT - layout.BOTTOM - 5 * mm, DPI)
    assert rules, page
    return min(rules) / mm, (layout.PAGE_WIDTH - max(rules)) / mm


def test_binding_side_is_the_wider_margin_on_odd_and_even_pages(printed_maximal, printed_maximal_simplex,
                                                                  tmp_path):
    """Measured on paper: the member table's ruled edges sit 28 mm from the binding edge and
    26 mm from the outer edge — left binding on odd (right-hand) pages, right binding on even
    ones in duplex; left binding on every page in simplex."""
    for printed, simplex in ((printed_maximal, False), (printed_maximal_simplex, True)):
        kinds = printed.result.marks.page_kinds
        texts = page_texts(printed.path, printed.pages)
        tables = [p for p, (kind, text) in enumerate(zip(kinds, texts, strict=True), 1)
                  if kind == "body" and "项目组全部成员" in normalize(text) and "五、" not in text]
        odd = next(p for p in tables if p % 2 == 1)
        even = next(p for p in tables if p % 2 == 0)
        for page in (odd, even):
            left, right = _table_edges(printed, page, tmp_path)
            bound_left = simplex or page % 2 == 1  # right-hand pages are odd: cover, blank back, 1…
            binding, outer = (left, right) if bound_left else (right, left)
            assert binding == pytest.approx(layout.BINDING_MM, abs=0.5), (simplex, page, left, right)
            assert outer == pytest.approx(layout.OUTER_MM, abs=0.5), (simplex, page, left, right)
            assert binding > outer
