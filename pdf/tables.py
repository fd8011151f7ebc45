"""Bordered tables from the form definition: rows, cells, ``span``/``rowspan``, the repeat row.

One handler for every ``kind: table`` part (一 and 四). The definition gives the grid and the
relative column widths; the walk over rows and spans and the column widths are shared with the
Word export (:mod:`pdf.grid`, measured by :mod:`pdf.colwidths`); this module lays the cells out:

* every cell is a paragraph (user text escaped, Chinese line breaking); labels are centred,
  short values centred in single-column cells, long values flow left-aligned. Cells are
  :class:`~pdf.linecell.LineCell` paragraphs, which measure and draw a text that fits on one
  line directly (most cells: names, dates, numbers, labels);
* long cells split across pages (``splitInRow``, only rows that read from the top: see
  :class:`SplitTable`), each piece closed at the page foot and opened on the next page by a rule
  (:func:`grid_commands`); the repeat row's ``header_rows`` rows repeat at the top of each
  continuation page (``repeatRows`` as a tuple of row indexes);
* a ``blank`` cell is an :class:`~pdf.flowables.AreaMark` of its ``min_height_mm`` (the 签名
  cell), recorded so tests can prove it stays empty.

reportlab cannot split a row inside a *spanned* cell (it wraps the split text at the width of
the cell's first column and draws it over the rows above). So a table is printed as a stack of
blocks: consecutive rows with the same column boundaries become one ``Table`` whose columns are
merged accordingly — 一's "label | value over four columns" rows are a plain two-column table —
and only rows bound together by a ``rowspan`` or by the repeat header keep ``SPAN`` commands.
The blocks share the grid's column positions, so on paper they read as one table.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Table, TableStyle

from forms.display import cell_text
from forms.draft import Draft
from pdf import colwidths, fitting, grid, layout, linebreak
from pdf.cjkwrap import CJKParagraph
from pdf.flowables import AreaMark
from pdf.fonts import SONG
from pdf.linecell import LineCell
from pdf.styles import CELL_PADDING, CELL_PADDING_V, GRID_COLOR, GRID_WIDTH, MIN_ROW_HEIGHT, WUHAO
from pdf.textlayer import markup, paras
from pdf.truncate import clip, cut_to_height

#: Tables with more columns than this use 五号 (10.5 pt) and narrower padding.
COMPACT_ABOVE_COLUMNS = grid.COMPACT_ABOVE_COLUMNS
COMPACT_PADDING = grid.COMPACT_PADDING_MM * mm
#: The least height of a row piece left at the bottom of a page when a row is split.
MIN_SPLIT_PIECE = 20 * mm
#: Rows bound together by a ``rowspan`` cannot split across pages: they must fit in this height
#: (a page less room for the section heading above them), else their tallest values are cut.
UNSPLITTABLE_MAX = 0.85 * layout.FRAME_HEIGHT


@dataclass
class _Cell:
    row: int
    col: int
    span: int = 1
    rowspan: int = 1
    flow: object = ""  # ready flowable(s), or None when made from ``text`` once widths are known
    kind: str | None = None  # how the cell is sized (pdf.grid.spec_kind)
    text: str = ""
    label: bool = False
    blank: bool = False


@dataclass
class _Row:
    cells: list[_Cell] = field(default_factory=list)
    min_height: float = MIN_ROW_HEIGHT
    group: int | None = None  # rows with the same group stay in one block


def _small(style: ParagraphStyle) -> ParagraphStyle:
    return ParagraphStyle(style.name + "_small", parent=style, fontSize=WUHAO, leading=1.45 * WUHAO)


def table_styles(base: dict, ncols: int) -> dict:
    if ncols <= COMPACT_ABOVE_COLUMNS:
        return base
    return {k: _small(v) for k, v in base.items()}


class TableBuilder:
    """Builds one ``kind: table`` part for one draft: :meth:`build` returns its blocks."""

    def __init__(self, draft: Draft, part: dict, styles: dict, width: float = layout.FRAME_WIDTH):
        self.draft = draft
        self.part = part
        self.ncols = len(part["columns"])
        self.st = table_styles(styles, self.ncols)
        self.width = width
        self.pad = CELL_PADDING if self.ncols <= COMPACT_ABOVE_COLUMNS else COMPACT_PADDING
        self.rows: list[_Row] = []
        self.repeat_rows: tuple[int, ...] = ()

    # -- cells ----------------------------------------------------------------------------

    def _make_cell(self, slot: grid.Slot) -> _Cell:
        st, cell = self.st, slot.spec
        made = _Cell(slot.row, slot.col, slot.span, slot.rowspan)
        if "blank" in cell:
            height = float(cell.get("min_height_mm", layout.SIGNATURE_MIN_MM)) * mm
            made.flow, made.blank = AreaMark(cell["blank"], height), True
            return made
        text = cell_text(self.draft, cell, slot.item_path, slot.index)
        ftype = None
        if "field" in cell or "key" in cell:
            path = cell["field"] if "field" in cell else f"{slot.item_path}.{cell['key']}"
            ftype = self.draft.form.field(path).type
        if ftype != "para":
            text = clip(text)  # a one-line value: at most a page or so, even in a draft
        made.text, made.kind = text, fitting.spec_kind(cell, ftype)
        if "label" in cell or "text" in cell:
            if made.rowspan > 1:  # a label merged over several rows reads downwards: let it wrap
                made.flow, made.kind = LineCell(markup(text), st["label"]), None
            else:
                made.flow, made.label = None, True
        elif "index" in cell:
            made.flow = LineCell(markup(text), st["cell_center"])
        elif ftype == "para":
            made.flow = paras(text, st["cell"]) if text else ""
        else:
            made.flow = None
        return made

    def _read_rows(self) -> None:
        rows = grid.walk(self.part, lambda path: len(self.draft.get(path) or []))
        for row in rows:
            made = _Row(group=row.group)
            for slot in row.cells:
                cell = self._make_cell(slot)
                made.cells.append(cell)
                if cell.blank:
                    made.min_height = max(made.min_height, cell.flow.height)
            self.rows.append(made)
        self.repeat_rows = tuple(r for r, row in enumerate(rows) if row.header)

    # -- widths and blocks ----------------------------------------------------------------

    def _widths(self) -> list[float]:
        """The definition's ratios fitted to this draft's texts (:func:`pdf.grid.column_widths`,
        in millimetres, measured with the table's fonts)."""
        cols = self.part["columns"]
        base = [self.width / mm * w / sum(cols) for w in cols]
        cells = [fitting.Sized(c.row, c.col, c.span, c.text, c.kind) for row in self.rows for c in row.cells]
        pad = 2 * self.pad / mm + grid.SLACK_MM
        widths = fitting.column_widths(base, cells, colwidths.measurer_mm(self.st["cell"]), pad)
        return [w * mm for w in widths]

    def _blocks(self) -> list[list[int]]:
        """Row indexes grouped into blocks (module doc)."""
        occupants: list[list[_Cell]] = [[] for _ in self.rows]
        for row in self.rows:
            for cell in row.cells:
                for k in range(cell.row, cell.row + cell.rowspan):
                    occupants[k].append(cell)
        bounds = [frozenset(b for cell in occ for b in (cell.col, cell.col + cell.span)) for occ in occupants]
        blocks: list[list[int]] = []
        reach = -1  # last row still covered by a rowspan of the current block
        for r, row in enumerate(self.rows):
            prev = r - 1
            joined = blocks and (
                r <= reach
                or (row.group is not None and row.group == self.rows[prev].group)
                or bounds[r] == bounds[prev]
            )
            if joined:
                blocks[-1].append(r)
            else:
                blocks.append([r])
            reach = max(reach, *(cell.row + cell.rowspan - 1 for cell in row.cells), r)
        return blocks

    def _cell_flow(self, cell: _Cell, width: float, paragraph: type[CJKParagraph] | None = None) -> object:
        """Labels centred, cut into balanced lines when they do not fit (所在/部门). Values in a
        single-column cell centred when short, else left-aligned and flowing. ``paragraph``:
        the class of the paragraph made (:class:`~pdf.linecell.LineCell`, the same lines drawn
        faster; a plain ``CJKParagraph`` keeps its lines in ``blPara`` after every wrap)."""
        if cell.flow is not None:
            return cell.flow
        paragraph = paragraph or LineCell
        avail = width - 2 * self.pad
        if cell.label:
            return paragraph(colwidths.balanced(cell.text, avail, self.st["label"]), self.st["label"])
        short = cell.span == 1 and (colwidths.text_width(cell.text, self.st["cell"]) <= avail
                                    or len(cell.text) <= 2 * linebreak.SHORT_VALUE)
        if cell.kind == "short":
            text = colwidths.balanced(cell.text, avail, self.st["cell"])
        elif cell.kind == "hard":  # the number on its own line, （护照或其他） below
            lines = linebreak.hard_lines(cell.text, avail, colwidths.measurer(self.st["cell"]))
            text = "<br/>".join(markup(p) for p in lines)
        elif cell.kind == "name":  # cut after its middle dots: 阿卜杜勒· / 艾尼
            lines = linebreak.name_lines(cell.text, avail, colwidths.measurer(self.st["cell"]))
            text = "<br/>".join(markup(p) for p in lines)
        else:
            text = markup(cell.text)
        return paragraph(text, self.st["cell_center" if short else "cell"])

    def _block_table(self, rows: list[int], widths: list[float]) -> SplitTable:
        members = [self.rows[r] for r in rows]
        edges = sorted({b for row in members for cell in row.cells for b in (cell.col, cell.col + cell.span)})
        col_of = {edge: i for i, edge in enumerate(edges)}
        block_widths = [sum(widths[a:b]) for a, b in zip(edges, edges[1:], strict=False)]
        data: list[list[object]] = [[""] * len(block_widths) for _ in rows]
        commands: list[tuple] = []
        first = rows[0]
        for row in members:
            for cell in row.cells:
                r, c = cell.row - first, col_of[cell.col]
                c_end = col_of[cell.col + cell.span] - 1
                data[r][c] = self._cell_flow(cell, sum(widths[cell.col:cell.col + cell.span]))
                if c_end > c or cell.rowspan > 1:
                    commands.append(("SPAN", (c, r), (c_end, r + cell.rowspan - 1)))
                if cell.blank:
                    commands += [(p, (c, r), (c_end, r), 0) for p in
                                 ("LEFTPADDING", "RIGHTPADDING", "TOPPADDING", "BOTTOMPADDING")]
            if any(_long(cell) for cell in row.cells):
                # A row that may run over a page reads from the top, label included: centred
                # cells of a split row would land anywhere on either page.
                r = row.cells[0].row - first
                commands.append(("VALIGN", (0, r), (-1, r), "TOP"))
        repeat = tuple(r - first for r in self.repeat_rows if r in rows)
        # reportlab would wrap the rest of a split spanned cell at its first column's width and
        # draw it over the rows above: rows bound by a rowspan stay whole (_fit_on_a_page).
        bound = any(cell.rowspan > 1 for row in members for cell in row.cells)
        table = SplitTable(data, colWidths=block_widths, repeatRows=repeat or 0, splitInRow=0 if bound else 1,
                      minRowHeights=[row.min_height for row in members], hAlign="CENTER")
        table.setStyle(TableStyle(grid_commands(self.pad) + commands))
        return table

    def _fit_on_a_page(self, rows: list[int], widths: list[float]) -> None:
        """Rows bound by a ``rowspan`` print on one page: when they are taller than
        :data:`UNSPLITTABLE_MAX`, the values of the tallest rows are cut (marked) down to the
        one height that makes them fit, the rows below it kept whole."""
        leading = self.st["cell"].leading
        measured: list[tuple[_Cell, float, float]] = []
        heights = []
        for r in rows:
            row = self.rows[r]
            tallest = row.min_height
            for cell in row.cells:
                if cell.flow is not None or cell.label or cell.rowspan > 1:
                    continue  # labels are the definition's; ready flows are never values to cut
                width = sum(widths[cell.col:cell.col + cell.span])
                h = self._cell_flow(cell, width).wrap(width - 2 * self.pad, 1e9)[1] + 2 * CELL_PADDING_V
                measured.append((cell, width, h))
                tallest = max(tallest, h)
            heights.append(tallest)
        if sum(heights) <= UNSPLITTABLE_MAX:
            return
        cap = water_level(heights, UNSPLITTABLE_MAX)
        for cell, width, h in measured:
            if h > cap:
                cell.text = cut_to_height(
                    cell.text, lambda t, c=cell, w=width: self._cell_flow(replace(c, text=t), w, CJKParagraph),
                    width - 2 * self.pad, cap - 2 * CELL_PADDING_V, leading)

    def build(self) -> list[SplitTable]:
        self._read_rows()
        widths = self._widths()
        blocks = self._blocks()
        for rows in blocks:
            if any(cell.rowspan > 1 for r in rows for cell in self.rows[r].cells):
                self._fit_on_a_page(rows, widths)
        return [self._block_table(rows, widths) for rows in blocks]


def water_level(heights: list[float], total: float) -> float:
    """The height ``c`` at which rows cut to at most ``c`` add up to ``total``."""
    rest, n = total, len(heights)
    for i, h in enumerate(sorted(heights)):
        if h * (n - i) > rest:
            return rest / (n - i)
        rest -= h
    return max(heights, default=total)


class SplitTable(Table):
    """A ``Table`` that splits a row across pages only when a worthwhile piece of it stays on
    this page (:data:`MIN_SPLIT_PIECE`).

    reportlab first tries to split between rows and then inside a row; in the rest of a long
    table that has just been split, the in-row attempt happily placed the repeated header rows
    plus an empty sliver of the next row at the very bottom of the page. Refusing slivers moves
    the row, header and all, to the next page; a row taller than a page is still split there.

    Only rows that read from the top (every cell ``VALIGN TOP``: the rows with long text, see
    :meth:`TableBuilder._block_table`, and the writing area of a box) are split at all: the
    vertically centred cells of an ordinary row would land on either page, in no reading order
    (a member's 学历 on the next page beside the second half of the task). Such a row moves to
    the next page whole — unless it is taller than a page.
    """

    def _calc(self, availWidth, availHeight):
        """reportlab's measuring of rows and columns, once per size: ``Table.split`` measures
        again what the ``wrap`` before it measured at the same size, the table unchanged (a
        command added since measures anew)."""
        size = (availWidth, availHeight)
        if self.__dict__.get("_measured_at") != size:
            super()._calc(availWidth, availHeight)
            self._measured_at = size

    def _addCommand(self, cmd):
        self.__dict__.pop("_measured_at", None)
        super()._addCommand(cmd)

    def _splitRows(self, availHeight, doInRowSplit=0):  # noqa: N802,N803 (reportlab's names)
        if doInRowSplit:
            n = self._getFirstPossibleSplitRowPosition(availHeight, ignoreSpans=doInRowSplit)
            if n < len(self._rowHeights):
                if availHeight - sum(self._rowHeights[:n]) < MIN_SPLIT_PIECE:
                    return []
                top = all(style.valign == "TOP" for style in self._cellStyles[n])
                if not top and self._rowHeights[n] <= layout.FRAME_HEIGHT:
                    return []
        pieces = super()._splitRows(availHeight, doInRowSplit=doInRowSplit)
        if len(pieces) > 1:
            # reportlab applies the "splitfirst"/"splitlast" rules of grid_commands to this split
            # but drops them from the pieces: a piece split again (a box over three pages)
            # would lose its closing and opening rules. Hand them on.
            special = [cmd for cmd in self._linecmds if isinstance(cmd[1][1], str)]
            for piece in pieces:
                piece._linecmds += [cmd for cmd in special if cmd not in piece._linecmds]
        return pieces


#: A value longer than this (characters) makes its row a long one (:meth:`_block_table`).
LONG_VALUE = 120


def _long(cell: _Cell) -> bool:
    if isinstance(cell.flow, list):  # a multi-paragraph field
        return True
    return len(cell.text) > LONG_VALUE


def grid_commands(pad: float = CELL_PADDING) -> list[tuple]:
    """The common look of every bordered table. Where a table breaks across pages, the piece
    at the page foot is closed by a rule and the piece on the next page opened by one — also
    when the break falls inside a cell (reportlab leaves a split cell open at both ends)."""
    return [
        ("GRID", (0, 0), (-1, -1), GRID_WIDTH, GRID_COLOR),
        ("LINEBELOW", (0, "splitlast"), (-1, "splitlast"), GRID_WIDTH, GRID_COLOR),
        ("LINEABOVE", (0, "splitfirst"), (-1, "splitfirst"), GRID_WIDTH, GRID_COLOR),
        ("FONTNAME", (0, 0), (-1, -1), SONG),  # for empty string cells (else Helvetica)
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), CELL_PADDING_V),
        ("BOTTOMPADDING", (0, 0), (-1, -1), CELL_PADDING_V),
    ]
