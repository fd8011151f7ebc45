"""Signature and seal blocks stay blank on paper: pages rendered to pixels by pdftoppm, the areas
cropped where the layout recorded them (pdf.layout.Marks), every pixel white."""

from __future__ import annotations

import pytest

from pdf import layout
from tests.pdf.pdftools import TOOLS, non_white, render_page
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


def test_areas_do_not_move_in_simplex(printed_sample, printed_sample_simplex):
    """Simplex changes where pages fall, not what is on them."""
    a, b = printed_sample.result.areas, printed_sample_simplex.result.areas
    assert b["cover_seal"] == a["cover_seal"]
    assert b["signature"].height_mm == pytest.approx(a["signature"].height_mm)
