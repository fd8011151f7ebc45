"""Table cells drawn without reportlab's general paragraph machinery (issue 13).

Most cells of the printed tables hold a short value or label: a name, a date, an identity
number, 学历, 序号 on one line; a label or short value cut into balanced lines joined by
``<br/>`` (统一社会 / 信用代码). As a :class:`~pdf.cjkwrap.CJKParagraph` each of them is broken
into lines at every ``wrap`` a table makes (several per cell: measuring, splitting, drawing) and
drawn by reportlab's general paragraph code, which looks at every word for images, links,
underlines, colours and rises; over the 600-odd cells of the maximal draft that was more than
half of the in-process render.

:class:`LineCell` is a ``CJKParagraph`` that knows when its text is plain lines — one run of
text, or runs joined by ``<br/>``, all in the style's one font and colour — and then:

* **wraps** without breaking lines when each run fits on its line at the width it is wrapped
  at, by the very comparison :func:`pdf.cjkwrap.break_indexes` makes (the running width of its
  characters against the line's width plus reportlab's fuzz); a run that does not fit is broken
  by the paragraph's own ``breakLinesCJK``;
* **draws** its lines with exactly the operators reportlab's ``drawPara`` emits for them (the
  text through the canvas's own text object, so font subsets switch as they do for any text):
  the PDF is byte-identical.

Any other text or style (markup, entities, a style with borders, bullets, justified or
right-aligned…) is an ordinary ``CJKParagraph``: ``wrap``, ``split`` and ``draw`` are the
paragraph's; so are the pieces of a split.
"""

from __future__ import annotations

from reportlab.lib.enums import TA_CENTER, TA_LEFT
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import paragraph as rl_paragraph
from reportlab.rl_config import _FUZZ

from pdf.cjkwrap import CJKParagraph, _char_widths

_ALIGNMENTS = (TA_LEFT, TA_CENTER)


def _plain(frag, text_frag) -> bool:
    """A fragment drawn with nothing but ``text_frag``'s font and colour: no image, link,
    underline, background, rise or no-break space."""
    return (isinstance(frag.text, str) and "\xa0" not in frag.text and not frag.rise and not frag.us_lines
            and not frag.link and not getattr(frag, "backColor", None) and "cbDefn" not in frag.__dict__
            and frag.fontName == text_frag.fontName and frag.fontSize == text_frag.fontSize
            and frag.textColor == text_frag.textColor)


def _runs(para: CJKParagraph) -> list[tuple[tuple[str, ...], int, float, float]] | None:
    """For a paragraph of plain lines (text fragments, ``<br/>`` fragments between them) in a
    style :class:`LineCell` draws: per line, the texts of its words (the run, and ``""`` for
    the ``<br/>`` ending it), its length, its running width (what
    :func:`pdf.cjkwrap.break_indexes` compares with the line's width) and the width its line
    records (``sum`` of its characters' widths, ``<br/>`` included, as
    :func:`pdf.cjkwrap._split`). ``None`` for anything else."""
    frags = para.frags
    if not frags or len(frags) % 2 == 0 or para.bulletText:
        return None
    style = para.style
    if (style.wordWrap != "CJK" or style.alignment not in _ALIGNMENTS or style.endDots or style.backColor
            or (style.borderColor and style.borderWidth) or getattr(style, "shaping", 0)
            or getattr(para, "autoLeading", getattr(style, "autoLeading", "")) not in ("", "off")):
        return None
    first = frags[0]
    runs = []
    for k in range(0, len(frags), 2):
        f = frags[k]
        br = frags[k + 1] if k + 1 < len(frags) else None
        if (not f.text or "lineBreak" in f.__dict__ or not _plain(f, first)
                or (br is not None and (br.text != "" or not getattr(br, "lineBreak", False) or not _plain(br, first)))):
            return None
        table = _char_widths(f.fontName, f.fontSize)
        widths = []
        running = 0.0
        for ch in f.text:
            w = table.get(ch)
            if w is None:
                w = table[ch] = stringWidth(ch, f.fontName, f.fontSize)
            widths.append(w)
            running += w
        # a <br/> is the zero-width last unit of its line: it adds nothing to the sums
        runs.append(((f.text,) if br is None else (f.text, ""), len(f.text), running, sum(widths)))
    return runs


class LineCell(CJKParagraph):
    """A ``CJKParagraph`` (same arguments) that wraps plain lines that fit and draws plain
    lines itself (module doc). ``_lines`` holds, after a ``wrap`` that did not break lines, per
    line the space left on it and the texts of its words; ``None`` when the paragraph's lines
    (``blPara``) are drawn."""

    _runs: list | None = None
    _lines: list[tuple[float, tuple[str, ...]]] | None = None

    def _setup(self, text, style, bulletText, frags, cleaner):
        super()._setup(text, style, bulletText, frags, cleaner)
        # the pieces of a split (made from their frags) keep the lines they were given
        self._runs = _runs(self) if frags is None else None
        self._lines = None

    def wrap(self, availWidth, availHeight):
        runs = self._runs
        if runs is not None and availWidth >= _FUZZ:
            style = self.style
            first = availWidth - (style.leftIndent + style.firstLineIndent) - style.rightIndent
            later = availWidth - style.leftIndent - style.rightIndent
            lines = []
            for k, (texts, n, running, used) in enumerate(runs):
                width = first if k == 0 else later
                # break_indexes: a second character ends the line when the running width
                # passes the line's width plus reportlab's fuzz; the running width only grows
                if n > 1 and running - (width + _FUZZ) > 0:
                    break
                lines.append((width - used, texts))
            else:
                self.__dict__.pop("blPara", None)  # lines of an earlier width: not these
                self._lines = lines
                self.width, self.height = availWidth, len(lines) * style.leading
                return self.width, self.height
        if availWidth >= _FUZZ:  # (narrower, Paragraph.wrap changes nothing: nor does this)
            self._lines = None
        return super().wrap(availWidth, availHeight)

    def split(self, availWidth, availHeight):
        # Paragraph.split cuts the lines of the last wrap, or of a wrap at this width when the
        # paragraph was not wrapped: the paragraph's own lines, broken here (splits are rare)
        if self._lines is not None:
            self._lines = None
            super().wrap(self.width, availHeight)
        elif ("blPara" not in self.__dict__ and self.frags and availWidth >= _FUZZ
              and availHeight >= _FUZZ):
            super().wrap(availWidth, availHeight)
        return super().split(availWidth, availHeight)

    def draw(self):
        lines = self._lines
        if lines is not None:
            size = self.frags[0].fontSize
        else:
            para = self.__dict__.get("blPara")
            if self._runs is None or para is None or para.kind != 1 or not para.lines:
                return super().draw()
            lines = [(line.extraSpace, [w.text for w in line.words]) for line in para.lines]
            size = para.lines[0].fontSize
        self._draw_lines(lines, size)

    def _draw_lines(self, lines, size) -> None:
        """Paragraph.drawPara for plain lines of one font and colour (kind 1 lines: those of
        ``breakLinesCJK``), operator by operator; ``size``: the first line's font size."""
        canvas, style = self.canv, self.style
        f = self.frags[0]
        canvas.saveState()
        cur_y = self.height - (size if rl_paragraph.paraFontSizeHeightOffset
                               else rl_paragraph.getAscentDescent(f.fontName, size)[0])
        tx = self.beginText(style.leftIndent, cur_y)
        tx.preformatted = False
        tx.direction = style.wordWrap
        offsets = list(getattr(self, "_offsets", [0]))
        offsets += (len(lines) - len(offsets)) * [offsets[-1]]
        offsets[0] += style.firstLineIndent
        centre = style.alignment == TA_CENTER
        for i, (extra, texts) in enumerate(lines):
            # _centerDrawParaLineX / _leftDrawParaLineX, then _putFragLine
            m = offsets[i] + 0.5 * extra if centre else offsets[i]
            rl_paragraph.setXPos(tx, m)
            if i == 0:  # the text object's leading, font and colour start unset
                tx.setLeading(style.leading)
                tx._setFont(f.fontName, f.fontSize)
                if f.textColor is not None:
                    tx.setFillColor(f.textColor)
            last = len(texts) - 1
            for j, text in enumerate(texts):
                tx._textOut(text, j == last)
            rl_paragraph.setXPos(tx, -m)
        canvas.drawText(tx)
        canvas.restoreState()

