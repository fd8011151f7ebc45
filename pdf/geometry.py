"""Geometry of attachment pages on A4: boxes, matrices, a source page's visible box, placing a
page or an image into a box.

Placing on A4 (:func:`fit_into_box`, :func:`fit_page_to_a4`, :func:`merge_onto`,
:func:`draw_image_page`) into a box the caller gives — in the printout always a part of
:func:`pdf.layout.attachment_box`, the one attachment area (binding side and footer kept free):
content is scaled down only (never enlarged), keeps its aspect ratio and is centred in the box. A page or
image is turned 90° counter-clockwise — its top at the left, the binding edge of a right-hand
page, as bound documents print landscape tables — only when that gives it a strictly larger
scale, i.e. for landscape content that would otherwise be shrunk more.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pypdf import PageObject, Transformation
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    IndirectObject,
    NameObject,
    PdfObject,
)

Box = tuple[float, float, float, float]  # x, y, width, height in points
Matrix = tuple[float, float, float, float, float, float]  # PDF (a b c d e f)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

def compose(first: Matrix, second: Matrix) -> Matrix:
    """The matrix applying ``first`` and then ``second``."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def apply_matrix(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def scaling(sx: float, sy: float) -> Matrix:
    return (sx, 0.0, 0.0, sy, 0.0, 0.0)


def translate(tx: float, ty: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


def cm_operator(m: Matrix) -> str:
    return " ".join(pdf_number(v) for v in m) + " cm"


def pdf_number(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True)
class Placement:
    """Where content of a given upright size lands in a box.

    ``matrix`` maps the content's space onto the target page (for :func:`fit_page_to_a4`: the
    source page's user space; for :func:`fit_into_box`: the upright ``[0, w] × [0, h]``);
    ``rect`` is the placed area ``(x, y, width, height)`` on the target page; ``scale`` ≤ 1 unless
    upscaling was asked for; ``rotated`` tells whether the content was turned 90°
    counter-clockwise.
    """

    scale: float
    rotated: bool
    rect: Box
    matrix: Matrix

    @property
    def transformation(self) -> Transformation:
        """For :meth:`pypdf.PageObject.merge_transformed_page`."""
        return Transformation(self.matrix)


def fit_into_box(
    width: float,
    height: float,
    box: Box,
    *,
    allow_rotate: bool = True,
    allow_upscale: bool = False,
) -> Placement:
    """Fit upright content of ``width`` × ``height`` points into ``box``: keep the ratio, scale
    down only (unless ``allow_upscale``), centre; turn it 90° counter-clockwise only when that
    gives a strictly larger scale (and ``allow_rotate``)."""
    if not (width > 0 and height > 0 and math.isfinite(width) and math.isfinite(height)):
        raise ValueError(f"content size must be positive, not {width!r} × {height!r}")
    bx, by, bw, bh = box
    if not (bw > 0 and bh > 0):
        raise ValueError(f"box must have a positive size, not {box!r}")

    def scale_for(w: float, h: float) -> float:
        s = min(bw / w, bh / h)
        return s if allow_upscale else min(s, 1.0)

    upright, turned = scale_for(width, height), scale_for(height, width)
    rotated = allow_rotate and turned > upright * (1 + 1e-9)
    if rotated:
        scale = turned
        placed_w, placed_h = height * scale, width * scale
        base: Matrix = (0.0, 1.0, -1.0, 0.0, height, 0.0)  # (x, y) -> (height - y, x)
    else:
        scale = upright
        placed_w, placed_h = width * scale, height * scale
        base = IDENTITY
    x = bx + (bw - placed_w) / 2
    y = by + (bh - placed_h) / 2
    matrix = compose(compose(base, scaling(scale, scale)), translate(x, y))
    return Placement(scale, rotated, (x, y, placed_w, placed_h), matrix)


@dataclass(frozen=True)
class PageGeometry:
    """What a viewer shows of a PDF page.

    ``box`` is the visible area (crop box ∩ media box) in user space as ``(x0, y0, x1, y1)``;
    ``rotation`` the page's ``/Rotate`` (clockwise, 0/90/180/270); ``width`` × ``height`` the
    upright size in points (``/UserUnit`` applied); ``matrix`` maps user space onto the upright
    ``[0, width] × [0, height]``.
    """

    box: tuple[float, float, float, float]
    rotation: int
    user_unit: float
    width: float
    height: float
    matrix: Matrix


def page_geometry(page: PageObject) -> PageGeometry:
    """The :class:`PageGeometry` of a page, defaulting as viewers do (no media box: US Letter;
    a crop box outside the media box or a /Rotate not a multiple of 90: ignored)."""
    media = read_rect(page.get("/MediaBox")) or (0.0, 0.0, 612.0, 792.0)
    crop = read_rect(page.get("/CropBox"))
    box = media
    if crop is not None:
        inter = (max(media[0], crop[0]), max(media[1], crop[1]),
                 min(media[2], crop[2]), min(media[3], crop[3]))
        if inter[2] - inter[0] > 0 and inter[3] - inter[1] > 0:
            box = inter
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if not (w > 0 and h > 0):
        raise ValueError("page has no visible area")

    rotate = resolve(page.get("/Rotate", 0))
    rotation = int(rotate) % 360 if isinstance(rotate, (int, float)) and math.isfinite(rotate) else 0
    if rotation % 90:
        rotation = 0
    unit_value = resolve(page.get("/UserUnit", 1))
    user_unit = float(unit_value) if isinstance(unit_value, (int, float)) else 1.0
    if not (math.isfinite(user_unit) and user_unit > 0):
        user_unit = 1.0

    # /Rotate turns the page clockwise for display.
    turn: Matrix = {
        0: IDENTITY,
        90: (0.0, -1.0, 1.0, 0.0, 0.0, w),  # (x, y) -> (y, w - x)
        180: (-1.0, 0.0, 0.0, -1.0, w, h),
        270: (0.0, 1.0, -1.0, 0.0, h, 0.0),  # (x, y) -> (h - y, x)
    }[rotation]
    matrix = compose(compose(translate(-x0, -y0), turn), scaling(user_unit, user_unit))
    up_w, up_h = (h, w) if rotation in (90, 270) else (w, h)
    return PageGeometry(box, rotation, user_unit, up_w * user_unit, up_h * user_unit, matrix)


def fit_page_to_a4(page: PageObject, box: Box, *, allow_rotate: bool = True) -> Placement:
    """Where a PDF page goes in ``box`` on an A4 page (the printer's box is
    :func:`pdf.layout.attachment_box`: binding side and footer kept free).

    The page's own crop box, ``/Rotate`` and ``/UserUnit`` are respected; the returned
    ``placement.transformation`` maps the page's user space onto the A4 page, for
    ``a4_page.merge_transformed_page(page, placement.transformation)``. Give it pages from
    :func:`sanitized_pdf_pages`: pypdf clips merged content to the media box only, and only
    sanitised pages have media box = visible box.
    """
    geometry = page_geometry(page)
    fit = fit_into_box(geometry.width, geometry.height, box, allow_rotate=allow_rotate)
    return Placement(fit.scale, fit.rotated, fit.rect, compose(geometry.matrix, fit.matrix))


def merge_onto(target: PageObject, page: PageObject, box: Box, *, over: bool = True,
               allow_rotate: bool = True) -> Placement:
    """Draw ``page`` (a sanitised page) into ``box`` of ``target`` (an A4 page, ideally one in a
    :class:`PdfWriter`) — over its content, or under it with ``over=False``, as the printer
    places attachment pages under their placeholder pages; returns the placement used."""
    placement = fit_page_to_a4(page, box, allow_rotate=allow_rotate)
    target.merge_transformed_page(page, placement.transformation, over=over)
    return placement


# --- small readers ---------------------------------------------------------------------------


def resolve(value: PdfObject | None) -> PdfObject | None:
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except Exception:  # noqa: BLE001
        return None


def name_value(value: PdfObject | None) -> str | None:
    resolved = resolve(value)
    return str(resolved) if isinstance(resolved, NameObject) else None


def read_numbers(value: PdfObject | None, count: int) -> list[float] | None:
    array = resolve(value)
    if not isinstance(array, ArrayObject) or len(array) != count:
        return None
    numbers = []
    for item in array:
        number = resolve(item)
        if isinstance(number, BooleanObject) or not isinstance(number, (int, float)):
            return None
        number = float(number)
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers


def read_rect(value: PdfObject | None) -> tuple[float, float, float, float] | None:
    numbers = read_numbers(value, 4)
    if numbers is None:
        return None
    x0, y0, x1, y1 = numbers
    rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return rect if rect[2] > rect[0] and rect[3] > rect[1] else None


def read_matrix(value: PdfObject | None) -> Matrix | None:
    numbers = read_numbers(value, 6)
    return tuple(numbers) if numbers is not None else None  # type: ignore[return-value]
