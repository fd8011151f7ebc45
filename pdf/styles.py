"""Type and paragraph styles of the printed 申报书, and the printer's own few words.

Type sizes (template-layout.md; the national rule of the same family: "标题统一用黑体四号字，正文
部分统一用宋体小四号字填写…行距为1.5倍"):

* body text 宋体 小四 12 pt at 1.5 line spacing — the applicant's text in the tables and in the
  boxes of 二 and 三, and 五's sentence;
* 填报说明 is body text too: 小四 12 pt, first lines indented two characters. The first
  printouts set it at 四号 14 pt; nothing in the template asks for a larger size, the Word export
  sets it at 小四, and its five paragraphs have a page of their own at either size;
* section headings (一、… to 五、…) 黑体 四号 14 pt; page titles (填 报 说 明, 附件清单) 黑体 小二
  18 pt; the cover title 黑体 一号 26 pt, the cover's lines 三号 16 pt;
* tables with more than six columns — 四's eight-column 项目组全部成员 table — print at 五号
  10.5 pt with 1 mm cell padding (:data:`pdf.tables.COMPACT_ABOVE_COLUMNS`). The text block is
  156 mm wide (210 − 28 − 26 mm). At 小四 the eight columns need about 181 mm with every label
  on one line: an 18-digit identity number alone 40 mm plus padding, 现从事专业 21 mm, 职务/职称
  18 mm, a four-character name 17 mm, 序号 8.5 mm, and 承担任务 a readable 6 字 a line. At 五号
  they need about 152 mm and fit, without cutting labels as 所在部/门 or numbers over two lines;
* footers 宋体 五号 (page numbers) and 小五 (the fingerprint).

Every style breaks lines the CJK way (``wordWrap="CJK"``, with :mod:`pdf.cjkwrap`'s rules).
Labels and static text of the form come from the form definition, never from here; this module
only holds the words the printer adds to the page (footer, blank-page note, watermark,
attachment captions). Headings are kept with what follows them by
:class:`pdf.keep.KeepWithFirstPiece`, not by ``keepWithNext``.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.colors import Color
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from forms.display import DRAFT_MARK, FINGERPRINT_LABEL, PAGE_OF
from pdf import grid
from pdf.fonts import HEI, SONG, register_fonts

# Chinese point sizes: one table for the PDF and the Word file.
from pdf.grid import SANHAO, SIHAO, WUHAO, XIAOER, XIAOSI, YIHAO

BODY_SIZE = XIAOSI
BODY_LEADING = 1.5 * BODY_SIZE
CELL_PADDING = grid.CELL_PADDING_MM * mm  # left/right padding of table cells
CELL_PADDING_V = grid.CELL_PADDING_V_MM * mm  # top/bottom padding of table cells
MIN_ROW_HEIGHT = grid.MIN_ROW_MM * mm  # a comfortable height for hand corrections in one-line rows
GRID_WIDTH = 0.6
GRID_COLOR = Color(0, 0, 0)
TEXT_COLOR = Color(0, 0, 0)
FOOTER_COLOR = Color(0.2, 0.2, 0.2)
WATERMARK_GREY = Color(0.55, 0.55, 0.55)
WATERMARK_ALPHA = 0.28

# The printer's words (not part of the form definition).
FOOTER_PAGE = PAGE_OF
FOOTER_FINGERPRINT = FINGERPRINT_LABEL + " {fp}"
BLANK_PAGE_NOTE = "（此页无正文）"
WATERMARK_TEXT = DRAFT_MARK
ATTACHMENT_CAPTION = "附件 {n}：{title}"  # its line's height: pdf.layout.ATTACHMENT_CAPTION_HEIGHT
ATTACHMENT_CAPTION_PAGE = "（第 {k} 页，共 {total} 页）"
ATTACHMENT_FAILED = "附件“{title}”未能纳入本稿"
ATTACHMENT_FAILED_DETAIL = "原因：{reason}"
ATTACHMENT_FAILED_HINT = "这是带“草稿”水印的稿；正式打印前请在申报助手中重新选择该附件文件。"
ATTACHMENT_MISSING = "找不到附件文件。"
EMPTY_MARK = "〓"  # stands in for a character no bundled font can draw (draft prints only)


def _style(name: str, **kw) -> ParagraphStyle:
    base = dict(fontName=SONG, fontSize=BODY_SIZE, leading=BODY_LEADING, wordWrap="CJK",
                textColor=TEXT_COLOR, allowOrphans=0, allowWidows=0)
    base.update(kw)
    return ParagraphStyle(name, **base)


@cache
def styles() -> dict[str, ParagraphStyle]:
    """The named paragraph styles (fonts registered on first use)."""
    register_fonts()
    return {
        "body": _style("body", alignment=TA_JUSTIFY),
        "para": _style("para", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE),
        "instruction": _style("instruction", alignment=TA_JUSTIFY, firstLineIndent=2 * BODY_SIZE,
                              spaceAfter=0.5 * BODY_SIZE),
        "cell": _style("cell", alignment=TA_LEFT),
        "cell_center": _style("cell_center", alignment=TA_CENTER),
        "label": _style("label", alignment=TA_CENTER),
        "box_title": _style("box_title", fontName=HEI, alignment=TA_CENTER),
        "heading": _style("heading", fontName=HEI, fontSize=SIHAO, leading=1.5 * SIHAO,
                          spaceBefore=5 * mm, spaceAfter=3 * mm),
        "page_title": _style("page_title", fontName=HEI, fontSize=XIAOER, leading=2 * SANHAO,
                             alignment=TA_CENTER, spaceBefore=2 * mm, spaceAfter=8 * mm),
        "cover_title": _style("cover_title", fontName=HEI, fontSize=YIHAO, leading=1.7 * YIHAO,
                              alignment=TA_CENTER),
        "cover_label": _style("cover_label", fontName=HEI, fontSize=SANHAO, leading=1.6 * SANHAO),
        "cover_value": _style("cover_value", fontSize=SANHAO, leading=1.6 * SANHAO, alignment=TA_CENTER),
        "caption": _style("caption", fontName=HEI, fontSize=WUHAO, leading=1.4 * WUHAO),
        "notice_title": _style("notice_title", fontName=HEI, fontSize=SIHAO, leading=1.6 * SIHAO,
                               alignment=TA_CENTER, spaceAfter=6 * mm),
    }
