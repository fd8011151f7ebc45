"""Column widths and short-text line breaks of the PDF's tables: :mod:`pdf.grid` with
reportlab's font metrics.

The fitting itself (levels of need, whole columns at a time, the table's height) and the word
boundaries of labels are shared with the Word export in :mod:`pdf.grid`; this module adds what
needs reportlab: measuring text in a paragraph style, and paragraph markup for a label or short
value cut into balanced lines (所在/部门, 身份证/号码, 产学研/合作单位).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from pdf.linebreak import label_lines
from pdf.textlayer import markup


def text_width(text: str, style: ParagraphStyle) -> float:
    """Width of ``text`` in ``style``, in points."""
    return stringWidth(text, style.fontName, style.fontSize)


def measurer(style: ParagraphStyle, unit: float = 1.0) -> Callable[[str], float]:
    """A text measurer for :mod:`pdf.grid`: widths in ``style``, in units of ``unit`` points
    (``mm`` for millimetres)."""
    return _measurer(style.fontName, style.fontSize, unit)


@lru_cache(maxsize=32)
def _measurer(font: str, size: float, unit: float) -> Callable[[str], float]:
    @lru_cache(maxsize=8192)
    def measure(text: str) -> float:
        return stringWidth(text, font, size) / unit

    return measure


def measurer_mm(style: ParagraphStyle) -> Callable[[str], float]:
    return measurer(style, mm)


def balanced(text: str, avail: float, style: ParagraphStyle) -> str:
    """Markup for ``text`` in a cell ``avail`` points wide: as is when it fits on one line or is
    not a short Chinese text; else cut at word boundaries into the fewest lines of (nearly)
    equal length that fit (:func:`pdf.grid.label_lines`)."""
    return "<br/>".join(markup(p) for p in label_lines(text, avail, measurer(style)))
