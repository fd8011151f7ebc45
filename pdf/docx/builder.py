"""The Word export's part builders: the filled 申报书 as an editable .docx, for the electronic copy sent by e-mail.

Built with python-docx from the same form definition (``form.parts``) and the same display texts
(:mod:`forms.display`) as the PDF, so paper and file never disagree. One handler per part kind
(cover, static, table, box, opinion, attachments), like the PDF renderer.

Word conventions kept here:

* A4, mirrored margins (``w:mirrorMargins``): top 37 mm, inside (binding) 28 mm, outside 26 mm,
  bottom 35 mm — the PDF's page layout. The cover is its own section; the body starts on a
  right-hand page (odd-page section break: Word adds the blank back of the cover when printing).
* Fonts by name only: ``w:eastAsia`` 宋体 (body) / 黑体 (headings), Latin Times New Roman, so Word
  and WPS on a Chinese Windows use the system fonts. Characters beyond the BMP (CJK Ext-B … such
  as 𠈌) get SimSun-ExtB / SimSun-ExtG, the Windows fonts that hold them.
* Real tables with the template's merged cells (``w:gridSpan``, ``w:vMerge``); the members table
  is its own Word table so that its two header rows can repeat on each page (``w:tblHeader``
  only works on a table's first rows); rows may break across pages.
* Heading 1 (restyled: 黑体, black, no theme colours) for 填报说明, 一…五 and 附件清单, so the
  navigation pane shows the parts.
* Tables laid out on the PDF's grid: the same walk over rows, spans and the repeat row, the same
  column widths and word-boundary label breaks (身份证/号码, as ``w:br``), from :mod:`pdf.grid`
  — measured here by an estimate, since Word lays text out by itself. Short values that need
  two lines (研发/中心, 硕士/研究生) get the same manual line break (``w:br``) between words as
  on paper, since Word breaks Chinese text between any two characters; the text is otherwise
  as typed.
* Footer: 第 n 页 共 m 页 (:data:`forms.display.PAGE_OF`) as field codes built here; user text is
  only ever ``w:t`` text — never a field, never markup.
* Page numbers as on paper: the body section restarts at 1 (``w:pgNumType w:start="1"``), so
  填报说明 is 第 1 页 in Word as in the PDF, the cover and its blank back not counted. The total
  is ``PAGEREF`` to a bookmark at the end of the body: the number of the last body page, which
  with the restart is the count of body pages. ``NUMPAGES`` would count the cover pages, and
  ``SECTIONPAGES`` or a formula ``{= {NUMPAGES} - 2}`` are not computed by LibreOffice (it shows
  1, or the formula's text); ``PAGEREF`` is computed by Word (header and footer fields are
  updated as pages are laid out) and by LibreOffice (checked by converting with it in
  tests/pdf/test_word.py: the body's first page reads 第 1 页, its last 第 m 页 共 m 页).
* Reproducible: fixed core-property dates (from ``cover.date``) and fixed zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from forms.display import DRAFT_MARK, FINGERPRINT_LABEL, NONE_TEXT, PAGE_OF, cell_text, long_date
from forms.draft import Draft
from forms.fsutil import atomic_write_bytes
from forms.problems import RenderRefused
from forms.validate import inspect_file
from pdf import fitting, grid, linebreak
from pdf.docx.ooxml import (
    BODY_END,
    FONT_TABLE,
    HEI,
    SONG,
    Grid,
    add_field,
    add_run,
    element,
    mark_end,
    reproducible_zip,
    restart_numbering,
    set_fonts,
    set_spacing,
    xml_text,
)
from pdf.export import SIMPLEX_IN_WORD
from pdf.grid import (
    ATTACHMENT_LIST_COLUMNS,
    BINDING_MM,
    BODY_PT,
    BOTTOM_MM,
    BOX_MIN_MM,
    BOX_PADDING_MM,
    CELL_PADDING_MM,
    COVER_PT,
    COVER_TITLE_PT,
    FOOTER_BASELINE_MM,
    FOOTER_PT,
    FOOTER_SMALL_PT,
    HEADING_PT,
    MIN_ROW_MM,
    OPINION_SEAL_MARGIN_MM,
    OPINION_SEAL_MM,
    OUTER_MM,
    PAGE_HEIGHT_MM,
    PAGE_TITLE_PT,
    PAGE_WIDTH_MM,
    SIHAO,
    TEXT_HEIGHT_MM,
    TEXT_WIDTH_MM,
    TOP_MM,
)

# --------------------------------------------------------------------------- layout decisions

# The numbers are the PDF's (pdf/grid.py); only what Word alone needs is set here.
PAGE_W, PAGE_H = PAGE_WIDTH_MM, PAGE_HEIGHT_MM  # A4
TOP, BOTTOM, INSIDE, OUTSIDE = TOP_MM, BOTTOM_MM, BINDING_MM, OUTER_MM  # inside = binding side
HEADER_DISTANCE, FOOTER_DISTANCE = 20, FOOTER_BASELINE_MM  # mm from the page edge
TEXT_W_MM = TEXT_WIDTH_MM  # 156 mm
TEXT_H_PT = TEXT_HEIGHT_MM / 25.4 * 72  # about 638 pt


TITLE_PT = COVER_TITLE_PT
OPINION_WIDTHS = (27, 73)  # 五: the label (申报单位承诺及意见 on one line) and the opinion

AUTHOR = "Shenbao 申报助手"
FALLBACK_DATE = dt.datetime.combine(grid.FALLBACK_DATE, dt.time())  # a draft without cover.date
# Texts of this export that are not part of the printed form (the form's own texts come from
# the definition).
DRAFT_HEADER = f"{DRAFT_MARK} — 未经核验，不得作为正式申报材料"
ATTACHMENT_NOTE = "注：附件文件不嵌入本文档，按上表顺序随本申报书电子版一并报送。"


# --------------------------------------------------------------------------- the document


class _WordBuilder:
    def __init__(self, draft: Draft, draft_mode: bool):
        self.draft = draft
        self.form = draft.form
        self.draft_mode = draft_mode
        self._new_page = False
        self.stamp = FALLBACK_DATE
        self.doc = Document()
        self._setup_package()
        self._setup_styles()
        self._setup_settings()
        self._setup_section(self.doc.sections[0])

    # -- setup ---------------------------------------------------------------------------

    def _setup_package(self) -> None:
        package = self.doc.part.package
        for rid, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:  # python-docx's template preview picture
                package.rels.pop(rid)
        # The template's font table lists Japanese fonts; ours names the fonts used, with the
        # English names Word falls back to on a non-Chinese Windows.
        self.doc.part.part_related_by(RT.FONT_TABLE)._blob = FONT_TABLE.encode("utf-8")

    def _setup_styles(self) -> None:
        styles = self.doc.styles.element
        rpr_default = styles.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
        set_fonts(rpr_default, SONG)
        for tag, val in (("w:sz", BODY_PT * 2), ("w:szCs", BODY_PT * 2)):
            rpr_default.find(qn(tag)).set(qn("w:val"), str(val))
        lang = rpr_default.find(qn("w:lang"))
        lang.set(qn("w:eastAsia"), "zh-CN")
        ppr_default = styles.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        spacing = ppr_default.find(qn("w:spacing"))
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")

        heading = self.doc.styles["Heading 1"]
        for style in (heading, self.doc.styles["Heading 1 Char"]):
            rpr = style.element.get_or_add_rPr()
            set_fonts(rpr, HEI)
            for tag in ("w:color", "w:b", "w:bCs"):
                for old in rpr.findall(qn(tag)):
                    rpr.remove(old)
            style.font.color.rgb = RGBColor(0, 0, 0)
            style.font.bold = False
            style.font.size = Pt(HEADING_PT)
        heading.paragraph_format.space_before = Pt(18)
        heading.paragraph_format.space_after = Pt(10)
        heading.paragraph_format.keep_with_next = True
        for name in ("Header", "Footer"):  # Letter-size tab stops of the template
            ppr = self.doc.styles[name].element.get_or_add_pPr()
            for tabs in ppr.findall(qn("w:tabs")):
                ppr.remove(tabs)

    def _setup_settings(self) -> None:
        settings = self.doc.settings.element
        zoom = settings.find(qn("w:zoom"))
        mirror = element("w:mirrorMargins")
        if zoom is not None:
            zoom.addnext(mirror)
        else:
            settings.insert(0, mirror)
        lang = settings.find(qn("w:themeFontLang"))
        if lang is not None:
            lang.set(qn("w:eastAsia"), "zh-CN")

    def _setup_section(self, section: Any) -> None:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(PAGE_W), Mm(PAGE_H)
        section.top_margin, section.bottom_margin = Mm(TOP), Mm(BOTTOM)
        section.left_margin, section.right_margin = Mm(INSIDE), Mm(OUTSIDE)  # mirrored: inside
        section.gutter = Mm(0)
        section.header_distance, section.footer_distance = Mm(HEADER_DISTANCE), Mm(FOOTER_DISTANCE)

    # -- the parts -----------------------------------------------------------------------

    def build(self) -> None:
        handlers = {"cover": self._cover, "static": self._static, "table": self._table_part,
                    "box": self._box, "opinion": self._opinion, "attachments": self._attachments}
        for part in self.form.parts:
            handlers[part["kind"]](part)
        self._headers_and_footers()
        self._properties()

    def _heading(self, text: str, *, page_break: bool = False) -> Paragraph:
        paragraph = self.doc.add_paragraph(style="Heading 1")
        add_run(paragraph, text, font=HEI)
        paragraph.paragraph_format.page_break_before = (page_break or self._new_page) or None
        self._new_page = False
        return paragraph

    def _cover(self, part: dict) -> None:
        """项目编号 (blank), the two-line title, 申报单位 …（签章）, 申报时间, 上海市知识产权局编制 —
        alone on the first page (its own section), whatever the unit name's length."""
        number = self.doc.add_paragraph()
        number.paragraph_format.left_indent = Mm(TEXT_W_MM * 0.55)
        set_spacing(number, line=24, exact=True)
        add_run(number, part["number_label"], size=SIHAO)
        add_run(number, "\u3000" * 7, size=SIHAO, underline=True)

        unit = xml_text(self.draft.get(part["unit_field"]) or "")
        date = long_date(self.draft.get(part["date_field"]))
        # Room: estimate the unit line's height so that a 200-character name still leaves the
        # cover on one page, and put what is left into the gaps (title, seal, bottom line).
        indent_pt = TEXT_W_MM * 0.12 / 25.4 * 72
        label_pt = len(part["unit_label"]) * COVER_PT
        per_line = max(1, int((TEXT_W_MM / 25.4 * 72 - indent_pt - label_pt) // COVER_PT))
        unit_lines = -(-(len(unit) + len(part["seal"]) + 2) // per_line)
        line_pt = COVER_PT * 1.875  # 30 pt
        fixed = 24 + 2 * TITLE_PT * 1.6 + unit_lines * line_pt + 30 + line_pt + line_pt + 36
        free = max(0.0, TEXT_H_PT - fixed)
        gap_title, gap_unit = min(90.0, free * 0.3), min(120.0, free * 0.4)
        gap_bottom = max(0.0, free - gap_title - gap_unit)

        for i, line in enumerate(part["title"]):
            title = self.doc.add_paragraph()
            title.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_spacing(title, before=gap_title if i == 0 else 0, line=TITLE_PT * 1.6, exact=True)
            add_run(title, line, font=HEI, size=TITLE_PT)

        unit_p = self.doc.add_paragraph()
        unit_p.paragraph_format.left_indent = Pt(indent_pt + label_pt)
        unit_p.paragraph_format.first_line_indent = Pt(-label_pt)
        set_spacing(unit_p, before=gap_unit, after=30, line=line_pt, exact=True)
        add_run(unit_p, part["unit_label"], font=HEI, size=COVER_PT)
        add_run(unit_p, unit or "\u3000" * 8, size=COVER_PT, underline=True)
        add_run(unit_p, part["seal"], size=COVER_PT)

        date_p = self.doc.add_paragraph()
        date_p.paragraph_format.left_indent = Pt(indent_pt)
        set_spacing(date_p, line=line_pt, exact=True)
        add_run(date_p, part["date_label"], font=HEI, size=COVER_PT)
        add_run(date_p, date or "\u3000" * 8, size=COVER_PT, underline=True)

        issuer = self.doc.add_paragraph()
        issuer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        set_spacing(issuer, before=gap_bottom, line=line_pt, exact=True)
        add_run(issuer, part["compiled_by"], font=HEI, size=COVER_PT)

        body = self.doc.add_section(WD_SECTION.ODD_PAGE)  # the body starts on a right-hand page
        self._setup_section(body)

    def _static(self, part: dict) -> None:
        heading = self._heading(part["heading"])
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in heading.runs:
            run.font.size = Pt(PAGE_TITLE_PT)
        set_spacing(heading, before=0, after=18)
        for text in part["paragraphs"]:
            paragraph = self.doc.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            set_spacing(paragraph, after=6, line=1.5)
            add_run(paragraph, text)
        self._new_page = True  # 填报说明 has its page to itself

    # -- tables --------------------------------------------------------------------------

    def _fill(self, cell: _Cell, text: str, *, align: str = "center", size: float | None = None,
              spec: dict | None = None, lines: list[str] | None = None) -> None:
        """Put ``text`` in a cell, one Word paragraph per line of the text; ``lines``: the text
        cut into lines by us (a label cut at word boundaries, 身份证/号码), joined by ``w:br``
        within one paragraph. An ID number's document type (``…（港澳台居民居住证）``) goes on a
        line of its own, so that the number is never broken (LibreOffice finds no break between
        a digit and a full-width bracket)."""
        text = xml_text(text)
        if spec is not None and spec.get("format") == "id_number" and "（" in text:
            number, _, kind = text.partition("（")
            text = f"{number}\n（{kind}"
        paragraph = cell.paragraphs[0]
        if lines is not None and len(lines) > 1:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if align == "left" else WD_ALIGN_PARAGRAPH.CENTER
            for i, line in enumerate(lines):
                if i:
                    paragraph.add_run().add_break()
                add_run(paragraph, line, size=size)
            return
        for i, line_text in enumerate(text.split("\n")):
            if i:
                paragraph = cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if align == "left" else WD_ALIGN_PARAGRAPH.CENTER
            if line_text:
                add_run(paragraph, line_text, size=size)

    def _table_part(self, part: dict) -> None:
        """一 / 四: a table of the definition, on the PDF's grid (:func:`pdf.grid.walk`). A
        repeat row's header rows start a Word table of their own (Word repeats header rows only
        at a table's top); the block above it is kept together and with what follows. An empty
        list prints one empty row to write in, as on paper."""
        self._heading(part["heading"])
        ncols = len(part["columns"])
        rows = grid.walk(part, lambda path: len(self.draft.get(path) or []))
        cells = self._cells(rows)
        widths = self._column_widths(part, cells)
        split = next((i for i, row in enumerate(rows) if row.header), len(rows))
        chunks = [rows[:split], rows[split:]] if 0 < split < len(rows) else [rows]
        for n, chunk in enumerate(chunks):
            if n:  # a hairline paragraph between the two Word tables of one printed table
                gap = self.doc.add_paragraph()
                set_spacing(gap, line=1, exact=True)
                gap.paragraph_format.keep_with_next = True
                gap.add_run().font.size = Pt(1)
            table = Grid(self.doc, widths, grid.cell_padding_mm(ncols))
            if n < len(chunks) - 1:
                table.open_bottom()
            for i, row in enumerate(chunk):
                # keep the block above the members with them, header rows with the first
                # member, and a row of labels only (人员信息 …) with the row it heads
                keep = row.kind == "static" and (
                    row.header or n < len(chunks) - 1
                    or (all("label" in slot.spec for slot in row.cells) and i < len(chunk) - 1))
                self._table_row(table, row, cells, widths, keep=keep)

    def _cells(self, rows: list[grid.Row]) -> dict[grid.Slot, tuple[str, str | None]]:
        """Each cell's text and field type."""
        out = {}
        for row in rows:
            for slot in row.cells:
                spec = slot.spec
                ftype = None
                if "field" in spec or "key" in spec:
                    path = spec["field"] if "field" in spec else f"{slot.item_path}.{spec['key']}"
                    ftype = self.form.field(path).type
                out[slot] = (cell_text(self.draft, spec, slot.item_path, slot.index), ftype)
        return out

    @staticmethod
    def _kind(slot: grid.Slot, ftype: str | None) -> str | None:
        if slot.rowspan > 1:  # a label merged over several rows reads downwards
            return None
        return fitting.spec_kind(slot.spec, ftype)

    def _column_widths(self, part: dict, cells: dict[grid.Slot, tuple[str, str | None]]) -> list[float]:
        """The definition's relative widths fitted to this draft's texts by the PDF's rules
        (:func:`pdf.grid.column_widths`): identity numbers, phone numbers and codes never break;
        labels break only between words; names on one line, short values on few lines; what is
        left goes where it makes the table shortest. Text widths are estimated (:func:`_text_mm`)."""
        ncols = len(part["columns"])
        base = [TEXT_W_MM * w / sum(part["columns"]) for w in part["columns"]]
        sized = [fitting.Sized(slot.row, slot.col, slot.span, text, self._kind(slot, ftype))
                 for slot, (text, ftype) in cells.items()]
        pad = 2 * grid.cell_padding_mm(ncols) + grid.SLACK_MM
        return fitting.column_widths(base, sized, _measurer(grid.table_pt(ncols)), pad)

    def _table_row(self, table: Grid, row: grid.Row, cells: dict[grid.Slot, tuple[str, str | None]],
                   widths: list[float], *, keep: bool) -> None:
        """One row. Rows of the definition never split across pages unless they hold long text
        (a para field); list items may. A ``min_height_mm`` (the 签名 cell) sets an at-least row
        height; the repeat row's header rows repeat on each page."""
        ncols = table.ncols
        size, pad = grid.table_pt(ncols), 2 * grid.cell_padding_mm(ncols)
        measure = _measurer(size)
        has_para = any(cells[slot][1] == "para" for slot in row.cells)
        height = row.min_height_mm or (MIN_ROW_MM if row.kind == "empty" else None)  # room to write in
        tr = table.row(min_height_mm=height, header=row.header,
                       cant_split=row.kind == "static" and not has_para)
        for slot in row.slots:
            vmerge = "continue" if slot.spec is None else "restart" if slot.rowspan > 1 else None
            cell = table.cell(tr, slot.col, slot.span, vmerge=vmerge)
            if slot.spec is not None:
                text, ftype = cells[slot]
                avail = sum(widths[slot.col:slot.col + slot.span]) - pad
                if "label" in slot.spec or "text" in slot.spec:
                    lines = linebreak.label_lines(xml_text(text), avail, measure) if slot.rowspan == 1 else None
                    self._fill(cell, text, size=size, spec=slot.spec, lines=lines)
                else:
                    centred = ftype != "para" and linebreak.centred(slot.span, text, measure(text) <= avail)
                    # a short value (学历, 所在部门) cut between words like a label: Word would
                    # cut it anywhere (研发中/心, 硕士研/究生)
                    lines = linebreak.label_lines(xml_text(text), avail, measure) \
                        if self._kind(slot, ftype) == "short" else None
                    self._fill(cell, text, align="center" if centred else "left", size=size, spec=slot.spec,
                               lines=lines)
            if keep:
                for paragraph in cell.paragraphs:
                    paragraph.paragraph_format.keep_with_next = True

    def _box(self, part: dict) -> None:
        """二 / 三: one bordered cell holding the text as editable paragraphs."""
        self._heading(part["heading"])
        table = Grid(self.doc, [1], BOX_PADDING_MM)
        cell = table.cell(table.row(min_height_mm=BOX_MIN_MM), 0, valign="top")
        first = cell.paragraphs[0]
        if part.get("title"):
            first.alignment = WD_ALIGN_PARAGRAPH.CENTER
            set_spacing(first, before=4, after=6, line=1.5)
            add_run(first, part["title"], font=HEI)
            first = cell.add_paragraph()
        text = cell_text(self.draft, {"field": part["field"]})
        for i, line in enumerate(xml_text(text).split("\n")):
            paragraph = first if i == 0 else cell.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
            set_spacing(paragraph, line=1.5)
            if line:
                add_run(paragraph, line)

    def _opinion(self, part: dict) -> None:
        """五: label cell and opinion cell with clear room for the seal."""
        self._heading(part["heading"])
        seal_w, seal_h = (part.get("seal_area_mm") or [OPINION_SEAL_MM, OPINION_SEAL_MM])[:2]
        table = Grid(self.doc, OPINION_WIDTHS)
        tr = table.row(min_height_mm=seal_h + 55, cant_split=True)
        self._fill(table.cell(tr, 0), part["label"])
        cell = table.cell(tr, 1, valign="top")
        text = cell.paragraphs[0]
        text.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
        set_spacing(text, before=8, line=1.5)
        add_run(text, part["text"])
        seal = cell.add_paragraph()
        room_w, room_h = seal_w + 2 * OPINION_SEAL_MARGIN_MM, seal_h + 2 * OPINION_SEAL_MARGIN_MM
        cell_mm = TEXT_W_MM * OPINION_WIDTHS[1] / sum(OPINION_WIDTHS)
        seal.paragraph_format.left_indent = Mm(max(0.0, cell_mm - room_w - 2 * CELL_PADDING_MM))
        # 单位签章： at the top left of an empty area (the seal's room and a margin) below it.
        set_spacing(seal, before=18, line=1.5)
        seal.paragraph_format.space_after = Twips(math.ceil(room_h / 25.4 * 1440))
        add_run(seal, part["seal_label"])
        date = cell.add_paragraph()
        date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        date.paragraph_format.right_indent = Pt(2 * BODY_PT)
        set_spacing(date, after=8, line=1.5)
        value = self.draft.get(part["date_field"])
        add_run(date, long_date(value) if value else part["date_blank"])

    def _attachments(self, part: dict) -> None:
        heading = self._heading(part["heading"], page_break=True)  # a page title, like 填报说明
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        for run in heading.runs:
            run.font.size = Pt(PAGE_TITLE_PT)
        set_spacing(heading, before=0, after=18)
        labels = [column["label"] for column in part["columns"]]
        base = [TEXT_W_MM * w / sum(ATTACHMENT_LIST_COLUMNS) for w in ATTACHMENT_LIST_COLUMNS]
        measure, pad = _measurer(BODY_PT), 2 * CELL_PADDING_MM + grid.SLACK_MM
        table = Grid(self.doc, fitting.fit_widths(base, [[measure(label) + pad for label in labels]]))
        tr = table.row(header=True, cant_split=True)
        for col, label in enumerate(labels):
            self._fill(table.cell(tr, col), label)
        items = self.draft.get(part["field"]) or []
        for index, item in enumerate(items):
            tr = table.row()
            # 页数 as the PDF counts it (an image is one page); blank when the file is unusable
            info = inspect_file(self.draft, item.get("file") or "")
            pages = str(info.pages) if getattr(info, "pages", None) else ""
            values = (str(index + 1), item.get("category") or "", item.get("title") or "", pages)
            for col, value in enumerate(values):
                self._fill(table.cell(tr, col), value, align="left" if col == 2 else "center")
        if not items:
            self._fill(table.cell(table.row(), 0, table.ncols), part.get("empty_text") or NONE_TEXT)
        note = self.doc.add_paragraph()
        set_spacing(note, before=9, line=1.5)
        add_run(note, ATTACHMENT_NOTE)

    # -- page furniture and properties ----------------------------------------------------

    def _headers_and_footers(self) -> None:
        """The 草稿 header on every page (draft mode only); on body pages the footer
        第 n 页 共 m 页 with the fingerprint at the outer edge (odd and even footers differ, as the
        margins are mirrored). The body's pages are numbered from 1 and counted up to the
        bookmark at its end (module doc)."""
        self.doc.settings.odd_and_even_pages_header_footer = True
        cover, body = self.doc.sections[0], self.doc.sections[-1]
        restart_numbering(body)
        mark_end(self.doc)
        if self.draft_mode:  # each section its own headers (LibreOffice misplaces the text
            # under a header a section inherits, on that section's first page)
            for header in (cover.header, cover.even_page_header, body.header, body.even_page_header):
                header.is_linked_to_previous = False
                paragraph = header.paragraphs[0]
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                add_run(paragraph, DRAFT_HEADER, font=HEI, size=BODY_PT)
                paragraph.runs[0].font.color.rgb = RGBColor(0xC0, 0, 0)
        fingerprint = f"{FINGERPRINT_LABEL} {self.draft.fingerprint()}"
        for footer, outer_right in ((body.footer, True), (body.even_page_footer, False)):
            footer.is_linked_to_previous = False
            paragraph = footer.paragraphs[0]
            tabs = paragraph.paragraph_format.tab_stops
            tabs.add_tab_stop(Mm(TEXT_W_MM / 2), WD_TAB_ALIGNMENT.CENTER)
            tabs.add_tab_stop(Mm(TEXT_W_MM), WD_TAB_ALIGNMENT.RIGHT)
            if not outer_right:
                add_run(paragraph, fingerprint, size=FOOTER_SMALL_PT)
            add_run(paragraph, "\t", size=FOOTER_PT)
            for piece in re.split(r"(\{n\}|\{m\})", PAGE_OF):
                if piece == "{n}":
                    add_field(paragraph, "PAGE", "1", FOOTER_PT)
                elif piece == "{m}":
                    add_field(paragraph, f"PAGEREF {BODY_END}", "1", FOOTER_PT)
                elif piece:
                    add_run(paragraph, piece, size=FOOTER_PT)
            if outer_right:
                add_run(paragraph, "\t" + fingerprint, size=FOOTER_SMALL_PT)

    def _properties(self) -> None:
        props = self.doc.core_properties
        unit = xml_text(self.draft.unit_name).strip()
        props.title = f"{self.form.title}（{unit}）" if unit else self.form.title
        props.subject = f"{self.form.title}（{self.form.issuer}，{self.form.period}）"
        props.author = AUTHOR
        props.last_modified_by = AUTHOR
        props.comments = f"由 {AUTHOR} 生成。{FINGERPRINT_LABEL} {self.draft.fingerprint()}" + (
            "（草稿）" if self.draft_mode else "")
        props.keywords = "项目申报书"
        props.category = "项目申报书"
        props.revision = 1
        date = self.draft.get("cover.date")
        stamp = dt.datetime.combine(date, dt.time()) if isinstance(date, dt.date) else FALLBACK_DATE
        props.created = props.modified = stamp
        self.stamp = stamp

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.save(buffer)
        return reproducible_zip(buffer.getvalue(), self.stamp)


#: Latin text is estimated this much wider than Times New Roman sets it: the viewer may
#: substitute a wider font (Arial / Liberation Sans digits are 11 % wider), and an identity
#: number must still not wrap.
LATIN_MARGIN = 1.12


def _text_mm(text: str, size: float) -> float:
    """Estimated width of ``text`` at ``size`` pt: full-width characters one em, others half
    (Times New Roman digits are exactly half an em), capitals and wide letters three quarters;
    Latin widths with a margin of :data:`LATIN_MARGIN` for a substituted font."""
    full = latin = 0.0
    for ch in text:
        if unicodedata.east_asian_width(ch) in "WF":
            full += 1.0
        elif ch.isupper() or ch in "@%&mw":
            latin += 0.75
        else:
            latin += 0.5
    return (full + latin * LATIN_MARGIN) * size / 72 * 25.4


@lru_cache(maxsize=8)
def _measurer(size: float) -> Callable[[str], float]:
    """:func:`_text_mm` at ``size`` pt, as a measurer for :mod:`pdf.grid`."""
    return lru_cache(maxsize=8192)(lambda text: _text_mm(text, size))


# --------------------------------------------------------------------------- entry points


def render_docx(draft: Draft, *, draft_mode: bool = False) -> bytes:
    """The 申报书 of ``draft`` as the bytes of a .docx file. Does not validate: callers refuse
    drafts with errors unless ``draft_mode`` (then every page carries the 草稿 header)."""
    builder = _WordBuilder(draft, draft_mode)
    builder.build()
    return builder.to_bytes()


def write_docx(draft: Draft, out: Path, *, draft_mode: bool = False, simplex: bool = False) -> None:
    """Write the .docx atomically. A Word file has no simplex layout (Word itself inserts the
    blank back of the cover when printing on both sides): ``simplex`` is refused with
    :class:`RenderRefused`, not ignored. Does not validate: :func:`pdf.export.export` does."""
    if simplex:
        raise RenderRefused(SIMPLEX_IN_WORD)
    atomic_write_bytes(Path(out), render_docx(draft, draft_mode=draft_mode))
