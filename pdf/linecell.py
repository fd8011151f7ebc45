"""A table cell of one plain line, drawn without reportlab's line machinery (issue 13).

Most cells of the printed tables hold a short value or label on one line: a name, a date, an
identity number, 学历, 序号. As a :class:`~pdf.cjkwrap.CJKParagraph` each of them is broken into
lines at every ``wrap`` a table makes (several per cell: measuring, splitting, drawing) and drawn
by reportlab's general paragraph code; over the 600-odd cells of the maximal draft that was more
than half of the in-process render.

:class:`LineCell` is a ``CJKParagraph`` that knows when its text is one line at the width it is
wrapped at — a single run of plain text (no markup, no ``<br/>``) whose width fits by the very
comparison :func:`pdf.cjkwrap.break_indexes` makes — and then measures and draws that line
directly. It emits exactly the operators reportlab's ``drawPara`` emits for such a line (the
text through the canvas's own text object, so font subsets switch as they do for any text), so
the PDF is byte-identical. For any other text or width (more than one line, markup, a style
with borders or bullets, justified or right-aligned…) it is an ordinary ``CJKParagraph``:
``wrap``, ``split`` and ``draw`` are the paragraph's.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.rl_config import _FUZZ

from pdf.cjkwrap import CJKParagraph, _char_widths

_ALIGNMENTS = (TA_LEFT, TA_CENTER)


def _one_run(para: CJKParagraph) -> tuple[float, float] | None:
    """For a paragraph of one plain run of text that reportlab would draw with nothing but a
    font, a colour and the text: the width :func:`pdf.cjkwrap.break_indexes` compares with the
    line's width (the running sum of its characters) and the width its line records
    (``sum`` of them, as :func:`pdf.cjkwrap._split`). ``None`` for anything else."""
    frags = para.frags
    if len(frags) != 1 or para.bulletText:
        return None
    f = frags[0]
    text = f.text
    if (not isinstance(text, str) or not text or "\xa0" in text or f.rise or f.us_lines or f.link
            or getattr(f, "backColor", None) or "cbDefn" in f.__dict__ or "lineBreak" in f.__dict__):
        return None
    style = para.style
    if (style.wordWrap != "CJK" or style.alignment not in _ALIGNMENTS or style.endDots or style.backColor
            or (style.borderColor and style.borderWidth) or getattr(style, "shaping", 0)
            or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")):
        return None
    table = _char_widths(f.fontName, f.fontSize)
    widths = []
    running = 0.0
    for ch in text:
        w = table.get(ch)
        if w is None:
            w = table[ch] = stringWidth(ch, f.fontName, f.fontSize)
        widths.append(w)
        running += w
    return running, sum(widths)


class LineCell(CJKParagraph):
    """A ``CJKParagraph`` (same arguments) that wraps and draws a single line of plain text
    itself (module doc). ``_line`` holds the space left on that line after the last ``wrap``,
    or ``None`` when the paragraph's own code took over."""

    _line: float | None = None
    _run: tuple[float, float] | None = None

    def _setup(self, text, style, bulletText, frags, cleaner):
        super()._setup(text, style, bulletText, frags, cleaner)
        # the pieces of a split (made from their frags) keep the lines they were given
        self._run = _one_run(self) if frags is None else None
        self._line = None

    def wrap(self, availWidth, availHeight):
        run = self._run
        if run is not None and availWidth >= _FUZZ:
            style = self.style
            first = availWidth - (style.leftIndent + style.firstLineIndent) - style.rightIndent
            # break_indexes: a second character ends the line when the running width passes
            # the line's width plus reportlab's fuzz; the running width only grows
            if len(self.frags[0].text) < 2 or run[0] - (first + _FUZZ) <= 0:
                self.__dict__.pop("blPara", None)  # lines of an earlier width: not these
                self._line = first - run[1]
                self.width, self.height = availWidth, style.leading
                return self.width, self.height
        self._line = None
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):
        if (self._line is None and self._run is not None and "blPara" not in self.__dict__
                and availWidth >= _FUZZ and availHeight >= _FUZZ):
            self.wrap(availWidth, availHeight)  # as Paragraph.split wraps a paragraph never wrapped
        if self._line is None:
            return super().split(availWidth, availHeight)
        # Paragraph.split of a paragraph of one line: it stays whole where a line fits (two
        # when orphans are not allowed), else it moves on and is wrapped anew
        if availWidth < _FUZZ or availHeight < _FUZZ:
            return []
        fits = int(availHeight / float(self.style.leading))
        allow_orphans = getattr(self, "allowOrphans", getattr(self.style, "allowOrphans", 0))
        if (not allow_orphans and fits <= 1) or fits == 0:
            self._line = None
            return []
        return [self]

    def draw(self):
        if self._line is None:
            return super().draw()
        # Paragraph.drawPara for one line of one run (kind 1 lines), operator by operator
        canvas, style = self.canv, self.style
        f = self.frags[0]
        canvas.saveState()
        cur_y = self.height - (f.fontSize if rl_paragraph.paraFontSizeHeightOffset
                               else rl_paragraph.getAscentDescent(f.fontName, f.fontSize)[0])
        tx = self.beginText(style.leftIndent, cur_y)
        tx.preformatted = False
        tx.direction = style.wordWrap
        offset = style.firstLineIndent + getattr(self, "_offsets", [0])[0]
        if style.alignment == TA_CENTER:
            offset = offset + 0.5 * self._line
        rl_paragraph.setXPos(tx, offset)  # _centerDrawParaLineX / _leftDrawParaLineX
        tx.setLeading(style.leading)  # _putFragLine: the text object's leading starts unset
        tx._setFont(f.fontName, f.fontSize)
        if f.textColor is not None:
            tx.setFillColor(f.textColor)
        tx._textOut(f.text, 1)
        rl_paragraph.setXPos(tx, -offset)
        canvas.drawText(tx)
        canvas.restoreState()
