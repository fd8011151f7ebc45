"""WordprocessingML helpers for the Word export: runs with the right fonts, fields, spacing, a
bordered table grid with merged cells, page numbering, the end bookmark and a reproducible zip.
They know nothing of the form: the part builders are in :mod:`pdf.docx.builder`."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from typing import Any

from docx.enum.text import WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph

from pdf.grid import (
    CELL_PADDING_MM,
    CELL_PADDING_V_MM,
    TEXT_WIDTH_MM,
)

SONG, HEI = "宋体", "黑体"
LATIN = "Times New Roman"
EXT_B, EXT_G = "SimSun-ExtB", "SimSun-ExtG"
BORDER_SZ = 6  # eighths of a point
BODY_END = "_BodyEnd"  # the bookmark at the end of the body, for the page total

FONT_TABLE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:font w:name="Times New Roman"><w:panose1 w:val="02020603050405020304"/><w:charset w:val="00"/>\
<w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>\
<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>
<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>\
<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="SimSun-ExtB"><w:panose1 w:val="02010609060101010101"/><w:charset w:val="86"/>\
<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
<w:font w:name="SimSun-ExtG"><w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>
</w:fonts>
"""

# Characters XML 1.0 forbids (lxml refuses them); the draft model strips controls already.
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# Supplementary-plane characters, runs of which get a font that holds them.
_ASTRAL = re.compile("([\U00010000-\U0010ffff]+)")


def xml_text(text: str) -> str:
    """User text made safe for a ``w:t``: line ends normalised, XML-illegal characters removed."""
    return _XML_ILLEGAL.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))


def astral_font(ch: str) -> str:
    cp = ord(ch)
    return EXT_B if 0x20000 <= cp <= 0x2A6DF or 0x2F800 <= cp <= 0x2FA1F else EXT_G


# --------------------------------------------------------------------------- XML helpers


def element(tag: str, **attrs: str) -> Any:
    """A ``w:`` element with ``w:`` attributes."""
    node = OxmlElement(tag)
    for key, value in attrs.items():
        node.set(qn(f"w:{key}"), str(value))
    return node


def set_fonts(rpr: Any, east_asia: str, latin: str = LATIN) -> None:
    """Explicit fonts on an ``w:rPr`` (theme font attributes, which win over names, removed)."""
    fonts = rpr.get_or_add_rFonts()
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for attr, name in (("ascii", latin), ("hAnsi", latin), ("eastAsia", east_asia), ("cs", latin)):
        fonts.set(qn(f"w:{attr}"), name)


def twips(mm: float) -> int:
    return round(mm / 25.4 * 1440)


def add_run(paragraph: Paragraph, text: str, *, font: str = SONG, size: float | None = None,
             underline: bool = False) -> None:
    """Append ``text`` as plain runs; supplementary-plane characters get an Ext font."""
    for i, chunk in enumerate(_ASTRAL.split(xml_text(text))):
        if not chunk:
            continue
        run = paragraph.add_run(chunk)
        if i % 2:  # an astral chunk
            name = astral_font(chunk[0])
            set_fonts(run._r.get_or_add_rPr(), name, name)
            run._r.rPr.rFonts.set(qn("w:hint"), "eastAsia")
        elif font != SONG:  # 宋体 is the document default
            set_fonts(run._r.get_or_add_rPr(), font)
        if size is not None:
            run.font.size = Pt(size)
        if underline:
            run.font.underline = True


def add_field(paragraph: Paragraph, instr: str, placeholder: str, size: float | None) -> None:
    """A field of ours (PAGE, NUMPAGES) as begin / instrText / separate / result / end runs."""
    def run_with(child: Any | None, text: str | None = None) -> None:
        run = paragraph.add_run(text)
        if size is not None:
            run.font.size = Pt(size)
        if child is not None:
            run._r.append(child)

    run_with(element("w:fldChar", fldCharType="begin"))
    instr_el = OxmlElement("w:instrText")
    instr_el.set(qn("xml:space"), "preserve")
    instr_el.text = f" {instr} "
    run_with(instr_el)
    run_with(element("w:fldChar", fldCharType="separate"))
    run_with(None, placeholder)
    run_with(element("w:fldChar", fldCharType="end"))


def set_spacing(paragraph: Paragraph, *, before: float = 0, after: float = 0,
             line: float | None = None, exact: bool = False) -> None:
    fmt = paragraph.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if line is not None:
        if exact:
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(line)
        else:
            fmt.line_spacing = line


class Grid:
    """One Word table being built: a bordered table over the text width whose grid columns are
    in proportion to ``widths``; rows and cells are added with their spans and merges."""

    def __init__(self, doc: Any, widths: list[float] | tuple[float, ...], margin_mm: float = CELL_PADDING_MM):
        full = twips(TEXT_WIDTH_MM)
        self.cols = [round(full * w / sum(widths)) for w in widths]
        self.cols[-1] += full - sum(self.cols)
        self.table = doc.add_table(rows=0, cols=len(self.cols))
        tbl = self.table._tbl
        for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), self.cols):
            grid_col.set(qn("w:w"), str(width))
        tbl_pr = tbl.tblPr
        for child in list(tbl_pr):
            tbl_pr.remove(child)
        borders = element("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            borders.append(element(f"w:{side}", val="single", sz=str(BORDER_SZ), space="0", color="000000"))
        margins = element("w:tblCellMar")
        for side, mm in (("top", CELL_PADDING_V_MM), ("left", margin_mm), ("bottom", CELL_PADDING_V_MM),
                         ("right", margin_mm)):
            margins.append(element(f"w:{side}", w=str(twips(mm)), type="dxa"))
        for child in (element("w:tblW", w=str(full), type="dxa"), element("w:jc", val="center"), borders,
                      element("w:tblLayout", type="fixed"), margins,
                      element("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0",
                          lastColumn="0", noHBand="1", noVBand="1")):
            tbl_pr.append(child)  # in the schema's order

    @property
    def ncols(self) -> int:
        return len(self.cols)

    def open_bottom(self) -> None:
        """No bottom border: the table below, a hairline away, closes this one."""
        self.table._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:bottom")).set(qn("w:val"), "nil")

    def row(self, *, min_height_mm: float | None = None, header: bool = False,
            cant_split: bool = False) -> Any:
        tr = self.table._tbl.add_tr()
        if min_height_mm is not None or header or cant_split:
            tr_pr = tr.get_or_add_trPr()
            if cant_split:
                tr_pr.append(element("w:cantSplit"))
            if min_height_mm is not None:
                tr_pr.append(element("w:trHeight", val=str(math.ceil(min_height_mm / 25.4 * 1440)),
                                 hRule="atLeast"))
            if header:
                tr_pr.append(element("w:tblHeader"))
        return tr

    def cell(self, tr: Any, col: int, span: int = 1, *, vmerge: str | None = None,
             valign: str = "center") -> _Cell:
        tc = tr.add_tc()
        tc_pr = tc.get_or_add_tcPr()
        tc_pr.append(element("w:tcW", w=str(sum(self.cols[col:col + span])), type="dxa"))
        if span > 1:
            tc_pr.append(element("w:gridSpan", val=str(span)))
        if vmerge is not None:
            tc_pr.append(element("w:vMerge", val=vmerge) if vmerge == "restart" else element("w:vMerge"))
        tc_pr.append(element("w:vAlign", val=valign))
        return _Cell(tc, self.table)


def restart_numbering(section: Any) -> None:
    """Number the pages of ``section`` from 1 (``w:pgNumType``, in the schema's place)."""
    sect_pr = section._sectPr
    for old in sect_pr.findall(qn("w:pgNumType")):
        sect_pr.remove(old)
    number_type = element("w:pgNumType", start="1")
    later = ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection",
             "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings", "w:sectPrChange")
    follower = next((child for child in sect_pr if child.tag in {qn(t) for t in later}), None)
    if follower is not None:
        follower.addprevious(number_type)
    else:
        sect_pr.append(number_type)


def mark_end(doc: Any) -> None:
    """The bookmark :data:`BODY_END` at the end of the document's last paragraph."""
    body = doc.element.body
    last = [child for child in body if child.tag == qn("w:p")][-1]
    last.append(element("w:bookmarkStart", id="0", name=BODY_END))
    last.append(element("w:bookmarkEnd", id="0"))


def reproducible_zip(blob: bytes, stamp: dt.datetime) -> bytes:
    """The same package with every member dated ``stamp`` (python-docx stamps them 'now')."""
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, stamp.hour, stamp.minute, stamp.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=date_time)
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
