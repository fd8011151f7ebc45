"""Page geometry of the printed 申报书, and the record of where things landed on paper.

All lengths are PDF points (1/72 inch) unless a name ends in ``_MM``; coordinates have their
origin at the bottom left of the page, as in PDF. Layout decisions live here, apart from the
content (``pdf/parts.py``) and the page machinery (``pdf/pages.py``): the margins after
GB/T 9704-2012 mirrored for duplex binding, the footer band, the attachment box, and the sizes
of the hand-written and stamped areas (seal 42 mm, 五's clear area ≥ 45 × 45 mm, 签名 ≥ 15 mm).

:class:`Marks` is filled while the document is laid out: every area that must stay blank for a
seal or signature, and every slot an attachment page goes into. Tests crop the rendered page
images at :class:`Area` coordinates instead of hard-coding numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

from pdf.grid import (  # noqa: F401 (the numbers both documents share, re-exported here)
    BINDING_MM,
    BOTTOM_MM,
    COVER_SEAL_CLEAR_MM,
    COVER_SEAL_MM,
    FOOTER_BASELINE_MM,
    OPINION_SEAL_MARGIN_MM,
    OPINION_SEAL_MM,
    OUTER_MM,
    SIGNATURE_MIN_MM,
    TOP_MM,
)

PAGE_WIDTH, PAGE_HEIGHT = A4

# Margins (spec/template-layout.md: GB/T 9704-2012), mirrored on even pages in duplex.
TOP, BOTTOM, BINDING, OUTER = TOP_MM * mm, BOTTOM_MM * mm, BINDING_MM * mm, OUTER_MM * mm

FRAME_WIDTH = PAGE_WIDTH - BINDING - OUTER
FRAME_HEIGHT = PAGE_HEIGHT - TOP - BOTTOM

#: Baseline of the footer line ("第 n 页 共 m 页", fingerprint), below the text block.
FOOTER_BASELINE = FOOTER_BASELINE_MM * mm

#: Attachment pages: the box attachment content is fitted into (binding side kept free) and
#: the caption line above it.
ATTACHMENT_OUTER = 15 * mm
ATTACHMENT_TOP = 15 * mm
ATTACHMENT_BOTTOM = 30 * mm  # clear of the footer
ATTACHMENT_CAPTION_HEIGHT = 9 * mm  # the "附件 n：title" line at the top of the box

# The cover (page 1): heights measured from the top edge of the page.
COVER_TITLE_FROM_TOP = 85 * mm  # first title line
COVER_COMPILED_FROM_BOTTOM = 45 * mm  # 上海市知识产权局编制
COVER_FRAME_BOTTOM = COVER_COMPILED_FROM_BOTTOM + 10 * mm  # the cover's lines stay above it
COVER_FRAME_HEIGHT = PAGE_HEIGHT - TOP - COVER_FRAME_BOTTOM


def binding_left(page: int, simplex: bool) -> bool:
    """True when the binding edge of physical page ``page`` (1-based) is on the left: always in
    simplex, on right-hand (odd) pages in duplex."""
    return simplex or page % 2 == 1


def frame_x(page: int, simplex: bool) -> float:
    """Left edge of the text block on physical page ``page``."""
    return BINDING if binding_left(page, simplex) else OUTER


def attachment_box(page: int, simplex: bool) -> tuple[float, float, float, float]:
    """``(x, y, width, height)`` of the area attachment content goes into on ``page``: the
    binding margin kept, the footer band kept, the caption line excluded."""
    left = BINDING if binding_left(page, simplex) else ATTACHMENT_OUTER
    right = ATTACHMENT_OUTER if binding_left(page, simplex) else BINDING
    height = PAGE_HEIGHT - ATTACHMENT_TOP - ATTACHMENT_BOTTOM - ATTACHMENT_CAPTION_HEIGHT
    return (left, ATTACHMENT_BOTTOM, PAGE_WIDTH - left - right, height)


@dataclass(frozen=True)
class Area:
    """A rectangle on one physical page (1-based), in points from the bottom left."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width_mm(self) -> float:
        return (self.x1 - self.x0) / mm

    @property
    def height_mm(self) -> float:
        return (self.y1 - self.y0) / mm

    def pixels(self, dpi: float, inset_mm: float = 0.0) -> tuple[int, int, int, int]:
        """``(left, top, right, bottom)`` in the pixels of a page image rendered at ``dpi``
        (``pdftoppm -r dpi``), shrunk by ``inset_mm`` on each side; for ``Image.crop``."""
        k = dpi / 72.0
        inset = inset_mm * mm
        return (round((self.x0 + inset) * k), round((PAGE_HEIGHT - self.y1 + inset) * k),
                round((self.x1 - inset) * k), round((PAGE_HEIGHT - self.y0 - inset) * k))


@dataclass(frozen=True)
class Slot:
    """One attachment page to be merged onto physical page ``page`` into ``box``."""

    page: int
    attachment: int  # index in draft attachments
    source_page: int  # 0-based page of the attachment file
    box: tuple[float, float, float, float]


@dataclass
class Marks:
    """What the layout recorded while drawing (filled by the flowables of ``pdf/flowables.py``).

    ``areas`` maps names to areas that must stay blank on paper:

    * ``cover_seal`` — the square kept clear for the round seal beside（签章）; only the 申报单位
      line itself (``cover_seal_line``) runs through it, as the seal is stamped over it;
    * ``signature`` — the empty 签名 cell of 四 (inside its grid lines);
    * ``opinion_seal`` — 五's clear area for the unit's seal.

    ``page_kinds[n - 1]`` is the kind of physical page ``n``: ``cover``, ``cover_back``,
    ``body``, ``blank`` or ``attachment``; ``attachment_starts[i]`` the first page of
    attachment ``i``, ``images[i]`` where the picture of image attachment ``i`` landed.
    """

    areas: dict[str, Area] = field(default_factory=dict)
    slots: list[Slot] = field(default_factory=list)
    page_kinds: list[str] = field(default_factory=list)
    attachment_starts: dict[int, int] = field(default_factory=dict)
    attachment_pages: dict[int, int] = field(default_factory=dict)
    images: dict[int, Area] = field(default_factory=dict)
