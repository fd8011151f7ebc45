"""Chinese line breaking for reportlab paragraphs (禁则: no line starts with "，" or ends with "（").

reportlab's ``wordWrap="CJK"`` cuts between any two characters and knows only a Japanese list of
characters that may not start a line — without the full-width comma, semicolon, colon, closing
quotes and brackets of Chinese text — and nothing about characters that may not end a line. The
first printouts had lines beginning with "，" and "；" and ending with "（".

:class:`CJKParagraph` is a ``Paragraph`` whose CJK line breaking follows the common rules of
Chinese typesetting (GB/T 15834 practice):

* a closing mark (，。、；：！？”’）》」】… and the like) never starts a line: a single one hangs
  at the end of the line before (标点悬挂); two in a row ("。”") pull the preceding character
  down with them instead;
* an opening mark (“‘（《「【 and the like) never ends a line: it moves down to what it opens;
* a run of Latin letters or digits (a number, an e-mail address, "A4") is moved whole to the
  next line when it starts in the second half of the line, as reportlab does; a run that must
  be broken (longer than the rest of the line, e.g. an e-mail address in a narrow column) is
  broken at an '@' or after a '.', '-' or '_' — zhou.liheng / @example.com, not zhou.liheng /
  @example.c / om — and only between any two of its characters when it has none on the line.

Everything else is reportlab's own machinery (``cjkU``, ``makeCJKParaLine``), so drawing,
splitting across pages and justification behave as with a plain ``Paragraph``.
"""

from __future__ import annotations

from unicodedata import category

from reportlab.platypus.paragraph import (
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
)
from reportlab.rl_config import _FUZZ

from pdf.grid import CANNOT_END, CANNOT_START  # the line-break rules the width model uses too

#: Inside a Latin run that must be broken (an e-mail address, a long code), a line may end after
#: one of these (or before an '@') rather than between any two letters.
LATIN_BREAK_AFTER = frozenset("@.-_")


def _width(u) -> float:
    return u.width


def break_indexes(units: list, max_widths: list[float]) -> list[tuple[int, int, bool]]:
    """Line ranges ``(start, end, forced)`` over ``units`` (``cjkU``: characters with ``width``
    and ``frag``); ``forced`` when the line ends at a ``<br/>``."""
    lines: list[tuple[int, int, bool]] = []
    n = len(units)
    i = start = 0
    used = 0.0
    max_width = max_widths[0]
    while i < n:
        u = units[i]
        used += _width(u)
        i += 1
        if hasattr(u.frag, "lineBreak"):
            lines.append((start, i, True))
            start, used = i, 0.0
        elif used > max_width + _FUZZ and i - start > 1:
            brk = _choose_break(units, start, i - 1)
            lines.append((start, brk, False))
            start = i = brk
            used = 0.0
        else:
            continue
        max_width = max_widths[min(len(lines), len(max_widths) - 1)]
    if start < n:
        lines.append((start, n, False))
    return lines


def _in_latin_run(u) -> bool:
    """A letter, digit or ASCII mark (not a space): part of a word that should not be cut."""
    ch = str(u)[:1]
    return bool(ch) and ord(ch) < 0x3000 and not category(ch).startswith("Z")


def _latin_break(units: list, start: int, over: int) -> int | None:
    """Where to break the Latin run that character ``over`` is in, on a line starting at
    ``start`` (the index of the next line's first character), or None when the run has no good
    place on this line. Good places are after an '@', '.', '-' or '_' and before an '@'; one at
    an '@' is taken when it leaves the line at least half full (zhou.liheng / @example.com),
    else the last one that leaves it at least a third full."""
    first = over
    while first > start and _in_latin_run(units[first - 1]):
        first -= 1

    def at_sign(k: int) -> bool:
        return str(units[k - 1]) == "@" or str(units[k]) == "@"

    cuts = [k for k in range(over, max(first, start + 1) - 1, -1)
            if (str(units[k - 1]) in LATIN_BREAK_AFTER or str(units[k]) == "@")
            and str(units[k]) not in CANNOT_START and 3 * (k - start) >= over - start]
    at = [k for k in cuts if at_sign(k) and 2 * (k - start) >= over - start]
    return (at or cuts or [None])[0]


def _choose_break(units: list, start: int, over: int) -> int:
    """Where to end the line ``units[start:…]`` whose character ``over`` no longer fits: the
    index of the first character of the next line (> start, so every line holds something)."""
    brk = over
    if _in_latin_run(units[brk]):
        # Inside a Latin/digit run: move the whole run down if it starts in the second half.
        j, limit = brk, (start + over) // 2
        while j > limit and _in_latin_run(units[j - 1]):
            j -= 1
        if j > limit:
            brk = j
        else:  # the run must be broken: after its @ . - _ if it has one on this line
            cut = _latin_break(units, start, over)
            if cut is not None:
                return cut
    if brk == over and str(units[brk]) in CANNOT_START:
        follows = brk + 1 < len(units) and str(units[brk + 1]) in CANNOT_START
        if not follows:
            brk += 1  # hang one closing mark in the margin
        elif brk - 1 > start:
            brk -= 1  # "。”": take the previous character down with them
    while brk - 1 > start and str(units[brk - 1]) in CANNOT_END:
        brk -= 1
    return max(brk, start + 1)


def kinsoku_frag_split(frags, max_widths, calc_bounds, encoding: str = "utf8") -> ParaLines:
    """``reportlab.platypus.paragraph.cjkFragSplit`` with the breaking rules above."""
    units = []
    for f in frags:
        text = f.text
        if isinstance(text, bytes):
            text = text.decode(encoding)
        if text:
            units.extend(cjkU(t, f, encoding) for t in text)
        else:
            units.append(cjkU(text, f, encoding))
    lines = []
    for n, (a, b, forced) in enumerate(break_indexes(units, max_widths)):
        max_width = max_widths[min(n, len(max_widths) - 1)]
        used = sum(_width(u) for u in units[a:b])
        lines.append(makeCJKParaLine(units[a:b], max_width, used, max_width - used, forced, calc_bounds))
    return ParaLines(kind=1, lines=lines)


class CJKParagraph(Paragraph):
    """A Paragraph with Chinese line-breaking rules (module doc); use with ``wordWrap="CJK"``."""

    def breakLinesCJK(self, maxWidths):  # noqa: N802,N803 (reportlab's names)
        if not isinstance(maxWidths, (list, tuple)):
            maxWidths = [maxWidths]
        style = self.style
        self.height = 0
        _handleBulletWidth(self.bulletText, style, maxWidths)
        if hasattr(self, "blPara") and getattr(self, "_splitpara", 0):
            return self.blPara
        if not self.frags:
            return ParaLines(kind=0, fontSize=style.fontSize, fontName=style.fontName,
                             textColor=style.textColor, lines=[], ascent=style.fontSize,
                             descent=-0.2 * style.fontSize)
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        return kinsoku_frag_split(self.frags, maxWidths, auto not in ("", "off"))
