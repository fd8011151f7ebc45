"""The grid both printed documents share: the numbers and the table walk.

The PDF (reportlab, ``pdf/render.py``) and the Word export (python-docx, ``pdf/docx/``) lay out
the same form definition. What they must agree on lives in three modules free of either
library, so paper and file cannot drift apart:

* here, **the numbers** — A4 margins (GB/T 9704-2012, mirrored for binding), seal and signature
  room, cell paddings, type sizes (Chinese point names), the attachment list's columns, the box
  height of 二 / 三, the date used when a draft has none. Lengths are millimetres (``_MM``),
  type sizes points (``_PT``); and **the table walk** (:func:`walk`) — a ``kind: table`` part's
  rows with ``span``/``rowspan`` and the repeat row expanded for one draft into positioned
  cells (:class:`Slot`);
* :mod:`pdf.linebreak` — **line breaks of labels, short values and names**: at word boundaries
  (身份证/号码, 产学研/合作单位, 硕士/研究生) and after a name's middle dot, never before a
  closing mark or after an opening one;
* :mod:`pdf.fitting` — **column widths**: each renderer passes its own text measurer
  (reportlab's font metrics; an estimate for Word, which lays out by itself), in any one unit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

# --------------------------------------------------------------------------- the numbers

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0  # A4
# Margins (spec/template-layout.md: GB/T 9704-2012), mirrored on even pages in duplex.
TOP_MM = 37.0
BOTTOM_MM = 35.0
BINDING_MM = 28.0  # the inside margin
OUTER_MM = 26.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - BINDING_MM - OUTER_MM  # 156 mm
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM
FOOTER_BASELINE_MM = 22.0  # the footer line, from the bottom edge

# Hand-written and stamped areas.
COVER_SEAL_MM = 42.0  # the unit's round seal on the cover (spec §1)
COVER_SEAL_CLEAR_MM = 46.0  # the square kept clear around it
OPINION_SEAL_MM = 45.0  # default of opinion.seal_area_mm (form.yaml)
OPINION_SEAL_MARGIN_MM = 3.0  # extra room on each side of the stated area
SIGNATURE_MIN_MM = 15.0  # default of the 签名 cell's min_height_mm (form.yaml)
BOX_MIN_MM = 40.0  # the writing area of 二 and 三 (template: a tall box)
BOX_PADDING_MM = 3.0  # around the text in that box

# Tables.
CELL_PADDING_MM = 1.6  # left and right padding of table cells
CELL_PADDING_V_MM = 1.2  # top and bottom padding of table cells
COMPACT_ABOVE_COLUMNS = 6  # tables with more columns use 五号 and narrower padding
COMPACT_PADDING_MM = 1.0
MIN_ROW_MM = 9.0  # a comfortable height for hand corrections in one-line rows
SLACK_MM = 0.5  # added to a measured need: rounding, and kerning the measurer does not see
#: The 附件清单 columns 序号 类别 附件名称 页数, as ratios.
ATTACHMENT_LIST_COLUMNS = (10, 24, 54, 12)

# Chinese point sizes.
YIHAO = 26.0  # 一号
XIAOER = 18.0  # 小二
SANHAO = 16.0  # 三号
SIHAO = 14.0  # 四号
XIAOSI = 12.0  # 小四
WUHAO = 10.5  # 五号
XIAOWU = 9.0  # 小五

BODY_PT = XIAOSI  # body text and tables
COMPACT_PT = WUHAO  # tables of more than COMPACT_ABOVE_COLUMNS columns (四's eight)
HEADING_PT = SIHAO  # 一、… 五、
PAGE_TITLE_PT = XIAOER  # 填 报 说 明, 附件清单
COVER_TITLE_PT = YIHAO
COVER_PT = SANHAO  # the cover's lines
FOOTER_PT = WUHAO  # 第 n 页 共 m 页
FOOTER_SMALL_PT = XIAOWU  # the fingerprint

#: The date stamped into a document whose draft has no cover.date (reportlab's invariant date).
FALLBACK_DATE = dt.date(2000, 1, 1)


def compact(ncols: int) -> bool:
    """True when a table of ``ncols`` columns is set in 五号 with narrow padding."""
    return ncols > COMPACT_ABOVE_COLUMNS


def cell_padding_mm(ncols: int) -> float:
    return COMPACT_PADDING_MM if compact(ncols) else CELL_PADDING_MM


def table_pt(ncols: int) -> float:
    return COMPACT_PT if compact(ncols) else BODY_PT


# --------------------------------------------------------------------------- the table walk


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key for per-cell data
class Slot:
    """One cell of an expanded table: at ``row``/``col``, ``span`` columns wide, ``rowspan`` rows
    high. ``spec`` is the definition's cell; ``None`` where a cell of a row above continues
    (Word writes such a slot as ``w:vMerge``; reportlab needs nothing there)."""

    row: int
    col: int
    span: int
    rowspan: int
    spec: dict | None
    item_path: str | None = None
    index: int | None = None


@dataclass
class Row:
    """One row of an expanded table. ``kind`` is ``static`` (a row of the definition), ``item``
    (one list item of the repeat row) or ``empty`` (the row left to write in when the list is
    empty); ``header`` marks the repeat row's header rows, which repeat on every page; rows of
    one repeat block (its header rows and items) share ``group``."""

    slots: list[Slot] = field(default_factory=list)
    kind: str = "static"
    header: bool = False
    group: int | None = None

    @property
    def cells(self) -> list[Slot]:
        """The slots that hold a cell of their own (not the continuation of one above)."""
        return [s for s in self.slots if s.spec is not None]

    @property
    def min_height_mm(self) -> float:
        return max((float(s.spec.get("min_height_mm", 0)) for s in self.cells), default=0.0)


def walk(part: dict, count: Callable[[str], int]) -> list[Row]:
    """The rows of table ``part`` for a draft whose list at path ``p`` has ``count(p)`` items:
    every cell at its grid column, row spans carried down. A list with no items gets one row of
    empty cells (a draft print leaves room to write in)."""
    ncols = len(part["columns"])
    rows: list[Row] = []
    covered: dict[int, list[int]] = {}  # column -> [rows still covered, span]

    def add(cells: list[dict], kind: str, item_path: str | None = None, index: int | None = None,
            group: int | None = None) -> None:
        r = len(rows)
        row = Row(kind=kind, group=group)
        specs = iter(cells)
        col = 0
        while col < ncols:
            if col in covered:
                left, span = covered[col]
                if left <= 1:
                    del covered[col]
                else:
                    covered[col][0] = left - 1
                row.slots.append(Slot(r, col, span, 1, None, item_path, index))
                col += span
                continue
            spec = next(specs, None)
            if spec is None:
                break
            span, rowspan = int(spec.get("span", 1)), int(spec.get("rowspan", 1))
            if rowspan > 1:
                covered[col] = [rowspan - 1, span]
            row.slots.append(Slot(r, col, span, rowspan, spec, item_path, index))
            col += span
        rows.append(row)

    for definition in part["rows"]:
        if isinstance(definition, dict):
            first = len(rows)
            header = int(definition.get("header_rows", 0))
            for k in range(max(0, first - header), first):
                rows[k].header, rows[k].group = True, first
            n = count(definition["repeat"])
            for i in range(n):
                add(definition["cells"], "item", f"{definition['repeat']}[{i}]", i, group=first)
            if not n:
                add([{"text": ""} for _ in range(ncols)], "empty", group=first)
        else:
            add(definition, "static")
    return rows
