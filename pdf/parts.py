"""One builder per part kind of the form definition (``form.parts``): cover, static, table,
box, opinion, attachments. Each returns platypus flowables; labels and static text come from the
part, values through :mod:`forms.display` (the same text the Word export and the editor show).

Page flow (spec §1, template-layout.md): the cover alone on its sheet; the first body part on a
right-hand page; the part after 填报说明 and the 附件清单 on a new page; every attachment on a
right-hand page; an even page count at the end. Page breaks are :class:`pdf.pages.StartOn`
markers, so the parity rules live in one place. Everything else flows: a section heading
follows the part before it on the same page and stays with the first piece of what it heads
(:func:`headed`), so a box or table too long for the rest of a page starts there and continues
on the next instead of leaving the page empty.
"""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Spacer, Table, TableStyle

from forms.display import long_date, value_text
from forms.draft import Draft
from pdf import grid, layout
from pdf.cjkwrap import CJKParagraph
from pdf.fitting import fit_widths
from pdf.flowables import AttachmentSlot, AttachmentStart, CoverLine, ImageAttachment, SealBlock
from pdf.keep import KeepWithFirstPiece
from pdf.merge import Prepared
from pdf.pages import Fill, PadToEven, StartOn
from pdf.styles import (
    ATTACHMENT_CAPTION,
    ATTACHMENT_CAPTION_PAGE,
    ATTACHMENT_FAILED,
    ATTACHMENT_FAILED_DETAIL,
    ATTACHMENT_FAILED_HINT,
    CELL_PADDING,
    MIN_ROW_HEIGHT,
)
from pdf.tables import MIN_SPLIT_PIECE, SplitTable, TableBuilder, grid_commands
from pdf.textlayer import markup, para, paras
from pdf.truncate import clip, cut_to_height

BOX_MIN_HEIGHT = grid.BOX_MIN_MM * mm  # the writing area of 二 and 三 (template: a tall box)
BOX_PADDING = grid.BOX_PADDING_MM * mm
COVER_BLANK = 82 * mm  # the underlined blanks of the cover (申报单位, 申报时间)
#: Lines of 申报单位 the cover holds at most (a valid name of 200 字 needs 12 at full width).
COVER_NAME_MAX_LINES = 14


@dataclass
class Context:
    draft: Draft
    styles: dict
    simplex: bool
    attachments: list[Prepared]


def _grid(extra: list[tuple] = (), pad: float = CELL_PADDING) -> TableStyle:
    return TableStyle(grid_commands(pad) + list(extra))


def headed(text: str, body: list, ctx: Context, style: str = "heading") -> list:
    """A heading and the flowables under it: the heading stays with the first piece of the
    first of them (:class:`pdf.keep.KeepWithFirstPiece`), which may split at the page foot —
    the heading neither jumps to the next page with a whole box nor stays there alone."""
    lead = para(text, ctx.styles[style])
    if not body:
        return [lead]
    return [KeepWithFirstPiece(lead, body[0], min_piece=MIN_SPLIT_PIECE), *body[1:]]


# --------------------------------------------------------------------------- cover


def cover(part: dict, ctx: Context) -> list:
    st = ctx.styles

    def width(text: str, style: str) -> float:
        return stringWidth(text, st[style].fontName, st[style].fontSize)

    label_w = max(width(part[k], "cover_label") for k in ("unit_label", "date_label"))
    suffix_w = width(part["seal"], "cover_label")
    unit_name = clip(value_text(ctx.draft, part["unit_field"]))
    blank = COVER_BLANK
    if width(unit_name, "cover_value") > 3 * blank:
        blank = layout.FRAME_WIDTH - label_w - suffix_w  # a very long name: use the full width
        # one that would not fit on the cover is cut (a draft print: validation limits it)
        unit_name = cut_to_height(unit_name, lambda t: para(t, st["cover_value"]), blank,
                                  COVER_NAME_MAX_LINES * st["cover_value"].leading, st["cover_value"].leading)
    indent = max(0.0, (layout.FRAME_WIDTH - label_w - blank - suffix_w) / 2)

    def line(label_key: str, value: str, **kw) -> CoverLine:
        return CoverLine(part[label_key], value, label_style=st["cover_label"], value_style=st["cover_value"],
                         **kw)

    number_indent = layout.FRAME_WIDTH / 2
    number = line("number_label", "", blank_width=layout.FRAME_WIDTH - number_indent - 22 * mm,
                  indent=number_indent)
    title = [para(t, st["cover_title"]) for t in part["title"]]
    unit = line("unit_label", unit_name, blank_width=blank, suffix=part["seal"], indent=indent, seal="cover_seal")
    date = line("date_label", value_text(ctx.draft, part["date_field"]), blank_width=blank, indent=indent)
    # The gaps above and below the title shrink (together) only when a very long unit name
    # needs the room: the cover stays one page, above 上海市知识产权局编制.
    used = sum(f.wrap(layout.FRAME_WIDTH, layout.COVER_FRAME_HEIGHT)[1] for f in (number, *title, unit, date))
    gaps = [max(0.0, layout.COVER_TITLE_FROM_TOP - layout.TOP - st["cover_label"].leading), 24 * mm]
    scale = min(1.0, max(0.0, layout.COVER_FRAME_HEIGHT - used - 1) / sum(gaps))
    return [number, Spacer(1, gaps[0] * scale), *title, Spacer(1, gaps[1] * scale), unit, date]


# --------------------------------------------------------------------------- static text


def static(part: dict, ctx: Context) -> list:
    return headed(part["heading"], [para(p, ctx.styles["instruction"]) for p in part["paragraphs"]], ctx,
                  "page_title")


# --------------------------------------------------------------------------- tables and boxes


def table(part: dict, ctx: Context) -> list:
    return headed(part["heading"], TableBuilder(ctx.draft, part, ctx.styles).build(), ctx)


def box(part: dict, ctx: Context) -> list:
    st = ctx.styles
    text = value_text(ctx.draft, part["field"])
    rows, heights, extra = [], [], []
    if part.get("title"):
        rows.append([para(part["title"], st["box_title"])])
        heights.append(MIN_ROW_HEIGHT)
    content_row = len(rows)
    rows.append([paras(text, st["para"]) if text else ""])
    heights.append(BOX_MIN_HEIGHT)
    extra += [("VALIGN", (0, content_row), (0, content_row), "TOP"),
              ("TOPPADDING", (0, content_row), (0, content_row), 2 * mm),
              ("BOTTOMPADDING", (0, content_row), (0, content_row), 2 * mm)]
    t = SplitTable(rows, colWidths=[layout.FRAME_WIDTH], splitInRow=1, minRowHeights=heights,
              repeatRows=0)
    t.setStyle(_grid(extra, pad=BOX_PADDING))
    return headed(part["heading"], [t], ctx)


def opinion(part: dict, ctx: Context) -> list:
    st = ctx.styles
    label = para(part["label"], st["label"])
    label_w = label.minWidth() + 2 * CELL_PADDING + 2 * mm
    date = ctx.draft.get(part["date_field"])
    date_text = long_date(date) if date else part["date_blank"]
    area = tuple(part.get("seal_area_mm", (layout.OPINION_SEAL_MM, layout.OPINION_SEAL_MM)))
    right = [
        para(part["text"], st["body"]),
        Spacer(1, 8 * mm),
        SealBlock(part["seal_label"], date_text, style=st["body"], area=(area[0] * mm, area[1] * mm)),
    ]
    t = Table([[label, right]], colWidths=[label_w, layout.FRAME_WIDTH - label_w], splitInRow=0)
    t.setStyle(_grid([("TOPPADDING", (1, 0), (1, 0), 4 * mm)]))
    return headed(part["heading"], [t], ctx)


# --------------------------------------------------------------------------- attachments


def attachment_list(part: dict, ctx: Context) -> list:
    st = ctx.styles
    labels = [c["label"] for c in part["columns"]]
    rows = [[para(label, st["label"]) for label in labels]]
    extra = []
    for item in ctx.attachments:
        rows.append([para(str(item.index + 1), st["cell_center"]), para(item.category, st["cell_center"]),
                     para(clip(item.title), st["cell"]), para(str(item.printed_pages), st["cell_center"])])
    if not ctx.attachments:
        rows.append([para(part.get("empty_text", ""), st["cell_center"]), "", "", ""])
        extra.append(("SPAN", (0, 1), (-1, 1)))
    cols = grid.ATTACHMENT_LIST_COLUMNS
    base = [layout.FRAME_WIDTH * w / sum(cols) for w in cols]
    need = [CJKParagraph(markup(x), st["label"]).minWidth() + 2 * CELL_PADDING + 1 for x in labels]
    widths = fit_widths(base, [need])
    t = SplitTable(rows, colWidths=widths, repeatRows=1, splitInRow=1, minRowHeights=[MIN_ROW_HEIGHT] * len(rows))
    t.setStyle(_grid(extra))
    return headed(part["heading"], [t], ctx, "page_title")


def _caption(item: Prepared, k: int, ctx: Context) -> CJKParagraph:
    text = ATTACHMENT_CAPTION.format(n=item.index + 1, title=clip(item.title))
    if item.printed_pages > 1:
        text += ATTACHMENT_CAPTION_PAGE.format(k=k + 1, total=item.printed_pages)
    return para(text, ctx.styles["caption"])


def attachment_pages(item: Prepared, ctx: Context) -> list:
    out: list = [StartOn("attachment", right_hand=True), AttachmentStart(item.index)]
    if item.kind == "pdf":
        for k in range(len(item.pages)):
            if k:
                out.append(StartOn("attachment"))
            out += [_caption(item, k, ctx), Spacer(1, 2 * mm), AttachmentSlot(item.index, k)]
    elif item.kind in ("png", "jpeg"):
        out += [_caption(item, 0, ctx), Spacer(1, 2 * mm), ImageAttachment(item.data or b"", item.index)]
    else:
        st = ctx.styles
        out += [_caption(item, 0, ctx), Spacer(1, 40 * mm),
                para(ATTACHMENT_FAILED.format(title=clip(item.title)), st["notice_title"]),
                para(ATTACHMENT_FAILED_DETAIL.format(reason=item.error or ""), st["body"]),
                Spacer(1, 4 * mm), para(ATTACHMENT_FAILED_HINT, st["body"])]
    return out


def attachments(part: dict, ctx: Context) -> list:
    out: list = [StartOn("body"), *attachment_list(part, ctx)]
    for item in ctx.attachments:
        out += attachment_pages(item, ctx)
    return out


# --------------------------------------------------------------------------- the story

BUILDERS = {"cover": cover, "static": static, "table": table, "box": box, "opinion": opinion,
            "attachments": attachments}


def story(ctx: Context) -> list:
    """All flowables of the printout, in the definition's part order."""
    out: list = []
    previous = None
    for part in ctx.draft.form.parts:
        kind = part["kind"]
        if previous == "cover":
            if not ctx.simplex:
                out += [StartOn("cover_back"), Fill()]
            out.append(StartOn("body", right_hand=True))
        elif previous == "static":
            out.append(StartOn("body"))
        out += BUILDERS[kind](part, ctx)
        previous = kind
    out.append(PadToEven())
    return out
