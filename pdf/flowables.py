"""The printer's own flowables: cover lines, the seal block of 五, blank areas that record where
they landed, and attachment slots.

Each records what it must into the document's :class:`pdf.layout.Marks` while it is drawn, in
absolute page coordinates (``canv.absolutePosition``), so tests and the attachment merge use
the real positions rather than guesses.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable

from pdf import layout
from pdf.cjkwrap import CJKParagraph
from pdf.textlayer import markup


def _doc(canv):
    return canv._doctemplate


def _record(canv, name: str, x0: float, y0: float, x1: float, y1: float) -> None:
    """Record the rectangle (in the flowable's own coordinates) as area ``name``."""
    ax0, ay0 = canv.absolutePosition(x0, y0)
    ax1, ay1 = canv.absolutePosition(x1, y1)
    doc = _doc(canv)
    marks = getattr(doc, "marks", None)
    if marks is not None:  # None outside a ShenbaoDoc (a flowable tried on its own)
        marks.areas[name] = layout.Area(doc.page, min(ax0, ax1), min(ay0, ay1), max(ax0, ax1), max(ay0, ay1))


class AreaMark(Flowable):
    """An empty area (a hand signature goes here): full available width, fixed height."""

    def __init__(self, name: str, height: float):
        super().__init__()
        self.name = name
        self.height = height
        self.width = 0

    def wrap(self, aw, ah):
        self.width = aw
        return aw, self.height

    def draw(self):
        _record(self.canv, self.name, 0, 0, self.width, self.height)


class CoverLine(Flowable):
    """A cover line: ``label`` + an underlined blank holding ``value`` (wrapped, centred) +
    an optional ``suffix`` such as（签章）.

    With ``seal`` the flowable also holds a clear square for the round seal, centred on the
    suffix (on the last line of a long value), so no neighbour can come into it; the square and
    the band of the line's text are recorded as ``<seal>`` and ``<seal>_line``.
    """

    def __init__(self, label: str, value: str, *, label_style, value_style, blank_width: float,
                 suffix: str = "", indent: float = 0, seal: str | None = None,
                 seal_size: float = layout.COVER_SEAL_CLEAR_MM * mm):
        super().__init__()
        self.label, self.value, self.suffix = label, value, suffix
        self.label_style, self.value_style = label_style, value_style
        self.blank_width = blank_width
        self.indent = indent
        self.seal = seal
        self.seal_size = seal_size
        self._para = CJKParagraph(markup(value), value_style)
        self._lines = 1
        self._text_bottom = 0.0
        self.width = self.height = 0

    @property
    def label_width(self) -> float:
        return stringWidth(self.label, self.label_style.fontName, self.label_style.fontSize)

    def _text_height(self) -> float:
        return self._lines * self.value_style.leading

    def _seal_offset(self) -> float:
        """Height of the seal's centre (the middle of the suffix) above the text block's bottom."""
        lead, size = self.value_style.leading, self.value_style.fontSize
        return (lead - size) / 2 + 0.47 * size

    def wrap(self, aw, ah):
        self.width = aw
        _, h = self._para.wrap(self.blank_width, 10_000)
        self._lines = max(1, round(h / self.value_style.leading)) if self.value else 1
        self._text_bottom = 0.0
        self.height = self._text_height()
        if self.seal:  # the whole seal square inside the flowable: nothing else can intrude
            half = self.seal_size / 2
            self._text_bottom = max(0.0, half - self._seal_offset())
            self.height = max(self._text_bottom + self._text_height(), self._text_bottom + self._seal_offset() + half)
        return aw, self.height

    def draw(self):
        canv = self.canv
        lead = self.value_style.leading
        size = self.value_style.fontSize
        top = self._text_bottom + self._text_height()
        x_blank = self.indent + self.label_width
        first_base = top - lead + (lead - size) / 2 + 0.12 * size
        canv.saveState()
        canv.setFont(self.label_style.fontName, self.label_style.fontSize)
        canv.drawString(self.indent, first_base, self.label)
        if self.value:
            self._para.drawOn(canv, x_blank, top - self._text_height())
        canv.setLineWidth(0.8)
        for i in range(self._lines):
            y = first_base - i * lead - 0.25 * size
            canv.line(x_blank, y, x_blank + self.blank_width, y)
        last_base = first_base - (self._lines - 1) * lead
        if self.suffix:
            canv.setFont(self.label_style.fontName, self.label_style.fontSize)
            canv.drawString(x_blank + self.blank_width, last_base, self.suffix)
        canv.restoreState()
        if self.seal:
            sw = stringWidth(self.suffix, self.label_style.fontName, self.label_style.fontSize)
            cx = x_blank + self.blank_width + sw / 2
            cy = self._text_bottom + self._seal_offset()
            half = self.seal_size / 2
            _record(canv, self.seal, cx - half, cy - half, cx + half, cy + half)
            band_top = top + 0.5 * mm
            band_bottom = top - self._text_height() - 0.5 * mm
            _record(canv, f"{self.seal}_line", -self.indent - 100 * mm, band_bottom, self.width + 100 * mm, band_top)


class SealBlock(Flowable):
    """五's signing block: ``label`` (单位签章：) beside a clear square for the seal, the date
    line under it at the right. The square is recorded as area ``name``."""

    def __init__(self, label: str, date_text: str, *, style, area: tuple[float, float],
                 margin: float = layout.OPINION_SEAL_MARGIN_MM * mm, right_gap: float = 8 * mm,
                 name: str = "opinion_seal"):
        super().__init__()
        self.label, self.date_text, self.style = label, date_text, style
        self.area = area
        self.margin = margin
        self.right_gap = right_gap
        self.name = name
        self.width = self.height = 0

    @property
    def square(self) -> tuple[float, float]:
        return self.area[0] + 2 * self.margin, self.area[1] + 2 * self.margin

    def wrap(self, aw, ah):
        self.width = aw
        self.height = self.square[1] + 2.2 * self.style.leading
        return aw, self.height

    def draw(self):
        canv = self.canv
        sw, sh = self.square
        size = self.style.fontSize
        x_sq = self.width - self.right_gap - sw
        y_sq = self.height - sh
        canv.saveState()
        canv.setFont(self.style.fontName, size)
        label_w = stringWidth(self.label, self.style.fontName, size)
        canv.drawString(max(0, x_sq - label_w - 1 * mm), y_sq + sh / 2 - 0.35 * size, self.label)
        date_w = stringWidth(self.date_text, self.style.fontName, size)
        canv.drawString(self.width - self.right_gap - date_w, 0.6 * self.style.leading, self.date_text)
        canv.restoreState()
        _record(canv, self.name, x_sq, y_sq, x_sq + sw, y_sq + sh)


class AttachmentSlot(Flowable):
    """Takes the rest of an attachment page; its box receives page ``source_page`` of
    attachment ``index`` in the merge step."""

    def __init__(self, index: int, source_page: int):
        super().__init__()
        self.index, self.source_page = index, source_page
        self.width = self.height = 0

    def wrap(self, aw, ah):
        self.width, self.height = aw, ah
        return aw, ah

    def draw(self):
        canv = self.canv
        x0, y0 = canv.absolutePosition(0, 0)
        doc = _doc(canv)
        doc.marks.slots.append(layout.Slot(doc.page, self.index, self.source_page,
                                           (x0, y0, self.width, self.height)))


class ImageAttachment(Flowable):
    """A PNG/JPEG attachment fitted into the rest of the page (pdf.images.draw_image_page);
    where the picture landed is recorded as ``marks.images[index]``."""

    def __init__(self, data: bytes, index: int):
        super().__init__()
        self.data = data
        self.index = index
        self.width = self.height = 0

    def wrap(self, aw, ah):
        self.width, self.height = aw, ah
        return aw, ah

    def draw(self):
        from pdf.images import draw_image_page  # Pillow only for a draft with a picture

        x, y, w, h = draw_image_page(self.canv, self.data, (0, 0, self.width, self.height)).rect
        ax0, ay0 = self.canv.absolutePosition(x, y)
        ax1, ay1 = self.canv.absolutePosition(x + w, y + h)
        doc = _doc(self.canv)
        marks = getattr(doc, "marks", None)
        if marks is not None:
            marks.images[self.index] = layout.Area(doc.page, min(ax0, ax1), min(ay0, ay1),
                                                   max(ax0, ax1), max(ay0, ay1))


class AttachmentStart(Flowable):
    """Zero-size: records the physical page where attachment ``index`` starts."""

    def __init__(self, index: int):
        super().__init__()
        self.index = index

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        doc = _doc(self.canv)
        doc.marks.attachment_starts[self.index] = doc.page
