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

Everything else is reportlab's own machinery (``cjkU`` characters, ``FragLine`` lines), so
drawing, splitting across pages and justification behave as with a plain ``Paragraph``.

Linear time
-----------
Breaking is linear in the text's length: each line is decided by looking at that line only, a
paragraph remembers its lines for the width it was broken at (a table asks its cells for their
size many times), and the piece a page split leaves over inherits its lines instead of being
broken again (:meth:`CJKParagraph.split`) — so a text running over fifty pages costs fifty pages,
not fifty times the text. Across renders, the lines of the last paragraphs are remembered by
their fragments and widths (:func:`_remembered_split`): a render after an edit breaks only the
paragraphs the edit changed. Character widths come from a per-font table, and the lines are built
by :func:`_make_line`, which gives reportlab's ``makeCJKParaLine`` result for runs of one style.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from functools import lru_cache
from unicodedata import category
from weakref import WeakKeyDictionary

from reportlab.lib.rl_accel import sameFrag
from reportlab.pdfbase.pdfmetrics import getAscentDescent, stringWidth
from reportlab.platypus.paragraph import (
    FragLine,
    Paragraph,
    ParaLines,
    _handleBulletWidth,
    cjkU,
    makeCJKParaLine,
    textTransformFrags,
)
from reportlab.platypus.paraparser import ParaParser
from reportlab.rl_config import _FUZZ

from pdf.linebreak import CANNOT_END, CANNOT_START

#: Inside a Latin run that must be broken (an e-mail address, a long code), a line may end after
#: one of these (or before an '@') rather than between any two letters.
LATIN_BREAK_AFTER = frozenset("@.-_")


class _Text:
    """A paragraph's characters as the breaker sees them: the ``cjkU`` units reportlab draws,
    and beside them their plain characters, widths, whether each is part of a Latin run, and
    where a ``<br/>`` forces a line end."""

    __slots__ = ("chars", "forced", "latin", "units", "widths")

    def __init__(self, frags, encoding: str = "utf8"):
        units: list = []
        chars: list[str] = []
        widths: list[float] = []
        forced: set[int] = set()
        for f in frags:
            text = f.text
            if isinstance(text, bytes):
                text = text.decode(encoding)
            if not text:
                if hasattr(f, "lineBreak"):
                    forced.add(len(units))
                u = cjkU(text, f, encoding)
                units.append(u)
                chars.append(text)
                widths.append(u.width)
                continue
            if hasattr(f, "cbDefn"):
                made = [cjkU(t, f, encoding) for t in text]
                widths.extend(u.width for u in made)
            else:
                table = _char_widths(f.fontName, f.fontSize)
                made = []
                for t in text:
                    w = table.get(t)
                    if w is None:
                        w = table[t] = stringWidth(t, f.fontName, f.fontSize)
                    u = str.__new__(cjkU, t)  # cjkU(t, f) without measuring the character again
                    u._frag, u._width = f, w
                    made.append(u)
                    widths.append(w)
            if hasattr(f, "lineBreak"):
                forced.update(range(len(units), len(units) + len(made)))
            units.extend(made)
            chars.extend(text)
        self.units, self.chars, self.widths, self.forced = units, chars, widths, forced
        self.latin = [_latin_char(ch) for ch in chars]


_widths_lock = threading.Lock()
_widths: dict[tuple[str, float], dict[str, float]] = {}


def _char_widths(font: str, size: float) -> dict[str, float]:
    """The memo of character widths for one font and size (filled as characters are met;
    writing the same width twice from two threads is harmless)."""
    key = (font, size)
    table = _widths.get(key)
    if table is None:
        with _widths_lock:
            table = _widths.setdefault(key, {})
    return table


@lru_cache(maxsize=4096)
def _latin_char(ch: str) -> bool:
    """A letter, digit or ASCII mark (not a space): part of a word that should not be cut."""
    return bool(ch) and ord(ch[0]) < 0x3000 and not category(ch[0]).startswith("Z")


def break_indexes(text: _Text, max_widths: list[float]) -> tuple[list[tuple[int, int, bool]], float]:
    """Line ranges ``(start, end, forced)`` over the characters of ``text`` (``forced`` when the
    line ends at a ``<br/>``), and the margin: the least distance between a line's running
    width and the width it was compared with. Widths that all differ from ``max_widths`` by
    less than the margin give exactly these lines (every comparison comes out the same)."""
    widths, forced = text.widths, text.forced
    lines: list[tuple[int, int, bool]] = []
    n = len(widths)
    i = start = 0
    used = 0.0
    margin = math.inf
    limit = max_widths[0] + _FUZZ
    while i < n:
        used += widths[i]
        i += 1
        if i - 1 in forced:
            lines.append((start, i, True))
            start, used = i, 0.0
        elif i - start > 1:
            over = used - limit
            if over <= 0:
                margin = min(margin, -over)
                continue
            margin = min(margin, over)
            brk = _choose_break(text, start, i - 1)
            lines.append((start, brk, False))
            start = i = brk
            used = 0.0
        else:
            continue
        limit = max_widths[min(len(lines), len(max_widths) - 1)] + _FUZZ
    if start < n:
        lines.append((start, n, False))
    return lines, margin


def _latin_break(text: _Text, start: int, over: int) -> int | None:
    """Where to break the Latin run that character ``over`` is in, on a line starting at
    ``start`` (the index of the next line's first character), or None when the run has no good
    place on this line. Good places are after an '@', '.', '-' or '_' and before an '@'; one at
    an '@' is taken when it leaves the line at least half full (zhou.liheng / @example.com),
    else the last one that leaves it at least a third full."""
    chars, latin = text.chars, text.latin
    first = over
    while first > start and latin[first - 1]:
        first -= 1

    def at_sign(k: int) -> bool:
        return chars[k - 1] == "@" or chars[k] == "@"

    cuts = [k for k in range(over, max(first, start + 1) - 1, -1)
            if (chars[k - 1] in LATIN_BREAK_AFTER or chars[k] == "@")
            and chars[k] not in CANNOT_START and 3 * (k - start) >= over - start]
    at = [k for k in cuts if at_sign(k) and 2 * (k - start) >= over - start]
    return (at or cuts or [None])[0]


def _choose_break(text: _Text, start: int, over: int) -> int:
    """Where to end the line ``start…`` whose character ``over`` no longer fits: the index of
    the first character of the next line (> start, so every line holds something)."""
    chars, latin = text.chars, text.latin
    brk = over
    if latin[brk]:
        # Inside a Latin/digit run: move the whole run down if it starts in the second half.
        j, limit = brk, (start + over) // 2
        while j > limit and latin[j - 1]:
            j -= 1
        if j > limit:
            brk = j
        else:  # the run must be broken: after its @ . - _ if it has one on this line
            cut = _latin_break(text, start, over)
            if cut is not None:
                return cut
    if brk == over and chars[brk] in CANNOT_START:
        follows = brk + 1 < len(chars) and chars[brk + 1] in CANNOT_START
        if not follows:
            brk += 1  # hang one closing mark in the margin
        elif brk - 1 > start:
            brk -= 1  # "。”": take the previous character down with them
    while brk - 1 > start and chars[brk - 1] in CANNOT_END:
        brk -= 1
    return max(brk, start + 1)


def _plain(frag) -> bool:
    """A frag that ``sameFrag`` compares by its attributes (not a ``<br/>`` or an image)."""
    return "cbDefn" not in frag.__dict__ and "lineBreak" not in frag.__dict__


def _make_line(units: list, max_width: float, used: float, forced: bool, calc_bounds: bool) -> FragLine:
    """reportlab's ``makeCJKParaLine`` for ``units``, the same line object, built in one pass
    per run of units sharing a frag instead of one per character: a unit whose frag is the very
    frag of the unit before adds nothing new to the line's sizes and joins the current word."""
    if calc_bounds:  # image sizes: reportlab's own
        return makeCJKParaLine(units, max_width, used, max_width - used, forced, calc_bounds)
    words = []
    chars: list = []
    f0 = FragLine()
    max_size = max_ascent = min_descent = 0
    last = None
    for u in units:
        f = u._frag
        if f is last and _plain(f):
            chars.append(u)
            continue
        last = f
        size = f.fontSize
        ascent, descent = getAscentDescent(f.fontName, size)
        max_size = max(max_size, size)
        max_ascent = max(max_ascent, ascent)
        min_descent = min(min_descent, descent)
        if not sameFrag(f0, f):
            f0 = f0.clone()
            f0.text = "".join(chars)
            words.append(f0)
            chars = []
            f0 = f
        chars.append(u)
    if chars:
        f0 = f0.clone()
        f0.text = "".join(chars)
        words.append(f0)
    return FragLine(kind=1, extraSpace=max_width - used, wordCount=1, words=words[1:], fontSize=max_size,
                    ascent=max_ascent, descent=min_descent, maxWidth=max_width, currentWidth=used,
                    lineBreak=forced)


def kinsoku_frag_split(frags, max_widths, calc_bounds, encoding: str = "utf8") -> ParaLines:
    """``reportlab.platypus.paragraph.cjkFragSplit`` with the breaking rules above."""
    return _split(frags, max_widths, calc_bounds, encoding)[0]


def _split(frags, max_widths, calc_bounds, encoding: str = "utf8") -> tuple[ParaLines, float]:
    """:func:`kinsoku_frag_split` and the margin of its breaks (:func:`break_indexes`)."""
    text = _Text(frags, encoding)
    units, widths = text.units, text.widths
    lines = []
    indexes, margin = break_indexes(text, max_widths)
    for n, (a, b, forced) in enumerate(indexes):
        max_width = max_widths[min(n, len(max_widths) - 1)]
        used = sum(widths[a:b])
        lines.append(_make_line(units[a:b], max_width, used, forced, calc_bounds))
    return ParaLines(kind=1, lines=lines), margin


#: How many paragraphs' lines are remembered across renders (:func:`_remembered_split`).
LINES_KEPT = 256
_lines_lock = threading.Lock()
_lines: OrderedDict[tuple, tuple[ParaLines, float]] = OrderedDict()


def _frags_key(frags) -> tuple | None:
    """What decides a paragraph's lines and how they are drawn: each fragment's class and
    attributes, its text among them (lists as tuples); None when an attribute cannot be
    compared: such a paragraph is broken every time."""
    key = []
    for f in frags:
        items = []
        for name, value in sorted(vars(f).items()):
            if isinstance(value, list):
                value = tuple(value)
            items.append((name, value))
        key.append((type(f), tuple(items)))
    try:
        hash(made := tuple(key))
    except TypeError:
        return None
    return made


def _remembered_split(frags, max_widths, calc_bounds) -> tuple[ParaLines, float]:
    """:func:`_split`, remembered across renders for the last :data:`LINES_KEPT` paragraphs:
    the preview renders the whole document after every edit, and every paragraph but the
    edited one has the fragments and widths it had in the render before (issue 13). Each call
    gets its own copy of the lines: reportlab changes a line's words when it splits a paragraph
    across pages (``_split_blParaHard`` appends a space to each line's last word), and renders in
    two threads must not see each other's changes. Lines with images (``calc_bounds``) are
    broken every time."""
    key = None if calc_bounds else _frags_key(frags)
    if key is None:
        return _split(frags, max_widths, calc_bounds)
    key = (key, tuple(max_widths))
    with _lines_lock:
        got = _lines.get(key)
        if got is not None:
            _lines.move_to_end(key)
    if got is None:
        got = _split(frags, max_widths, calc_bounds)
        with _lines_lock:
            _lines[key] = got
            while len(_lines) > LINES_KEPT:
                _lines.popitem(last=False)
    lines, margin = got
    return _copy_lines(lines), margin


def _copy_lines(broken: ParaLines) -> ParaLines:
    """Lines made by :func:`_split` that share nothing changeable with ``broken``: each line and
    each of its words (fragments) copied; their texts, fonts and colours are not changed."""
    return ParaLines(kind=1, lines=[line.clone(words=[word.clone() for word in line.words])
                                    for line in broken.lines])


def forget_lines() -> None:
    """Drop the lines remembered across renders: every paragraph is broken anew."""
    with _lines_lock:
        _lines.clear()


def _at_widths(broken: ParaLines, max_widths: tuple[float, ...]) -> ParaLines:
    """The lines of ``broken`` (from :func:`_make_line`) for other widths at which they break
    the same: only each line's width and the space left on it differ."""
    last = len(max_widths) - 1
    lines = [line.clone(maxWidth=max_widths[min(n, last)],
                        extraSpace=max_widths[min(n, last)] - line.currentWidth)
             for n, line in enumerate(broken.lines)]
    return ParaLines(kind=1, lines=lines)


#: Widths a paragraph remembers its lines for (a table measures a cell at one width and draws it
#: at another that differs in the last bit: its column positions are running sums).
_REMEMBERED_WIDTHS = 4

#: Room left for the rounding of a width plus :data:`_FUZZ` (points; widths are below 10⁴).
_ROUNDING = 1e-9


#: Per style: a copy of its attributes, and what reportlab's parser makes of a plain text in it
#: (the style it returns, the fragment of a text and the fragment of a ``<br/>``, whose copies
#: make the fragments of plain lines joined by ``<br/>``).
_plain_frags: WeakKeyDictionary = WeakKeyDictionary()
_PROBE = "一"
BR = "<br/>"


def _plain_frag(style):
    """The style and the fragment templates (text, ``<br/>``) reportlab's markup parser gives
    plain lines (no tags, no entities) joined by ``<br/>`` in ``style``; parsed once per style,
    again if the style was changed. ``(None, None, None)`` for a style the parser treats
    specially: its texts are always parsed."""
    got = _plain_frags.get(style)
    if got is not None and got[0] == style.__dict__:
        return got[1:]
    parser = ParaParser()
    parsed_style, frags, bullet = parser.parse(_PROBE, style)
    if frags is None or len(frags) != 1 or bullet or frags[0].text != _PROBE:
        return None, None, None
    text = frags[0]
    _, frags, bullet = ParaParser().parse(_PROBE + BR + _PROBE, style)
    br = None  # a style whose line breaks the parser makes otherwise: lines are parsed
    if (frags is not None and len(frags) == 3 and not bullet and vars(frags[0]) == vars(text) == vars(frags[2])
            and frags[1].text == "" and getattr(frags[1], "lineBreak", False)):
        br = frags[1]
    _plain_frags[style] = (dict(style.__dict__), parsed_style, text, br)
    return parsed_style, text, br


def _copy(frag):
    """``copy.copy`` of a fragment (a plain attribute bag: a new one with the same attributes),
    without its generic protocol."""
    made = frag.__class__.__new__(frag.__class__)
    made.__dict__.update(frag.__dict__)
    return made


class CJKParagraph(Paragraph):
    """A Paragraph with Chinese line-breaking rules (module doc); use with ``wordWrap="CJK"``.

    It remembers its lines for the widths it was last broken at, and the second piece of a
    split inherits its lines from this one (module doc: linear time). A plain text (most table
    cells: no tags, no entities; or plain lines joined by ``<br/>``, as labels cut into balanced
    lines) is not run through reportlab's markup parser: it gives such a text one fragment per
    line with the style's attributes and one per ``<br/>``, copied from the parse of a probe."""

    def _setup(self, text, style, bulletText, frags, cleaner):
        if frags is None and isinstance(text, str):
            cleaned = cleaner(text)
            if cleaned and "&" not in cleaned:
                lines = cleaned.split(BR) if "<" in cleaned else (cleaned,)
                parsed_style, template, br = _plain_frag(style)
                if (template is not None and all(lines) and (len(lines) == 1 or br is not None)
                        and not any("<" in line for line in lines)):
                    frags = []
                    for line in lines:  # as ParaParser.handle_data and its <br/> make them
                        if frags:
                            frags.append(_copy(br))
                        frag = _copy(template)
                        frag.text = line
                        frags.append(frag)
                    textTransformFrags(frags, parsed_style)
                    super()._setup(cleaned, parsed_style, bulletText, frags, cleaner)
                    return
        super()._setup(text, style, bulletText, frags, cleaner)

    def breakLinesCJK(self, maxWidths):
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
        key = tuple(maxWidths)
        memo = self.__dict__.get("_broken")
        if memo is None:
            memo = self._broken = {}
        cached = memo.get(key)
        if cached is not None:
            return cached[0]
        for other, (lines, margin) in memo.items():
            if len(other) == len(key) and all(abs(a - b) + _ROUNDING < margin for a, b in zip(other, key)):
                # at these widths every comparison is at least this much less decisive
                drift = max(abs(a - b) for a, b in zip(other, key)) + _ROUNDING
                broken = memo[key] = (_at_widths(lines, key), margin - drift)
                return broken[0]
        auto = getattr(self, "autoLeading", getattr(style, "autoLeading", ""))
        calc_bounds = auto not in ("", "off")
        lines, margin = _remembered_split(self.frags, maxWidths, calc_bounds)
        if len(memo) >= _REMEMBERED_WIDTHS:
            memo.pop(next(iter(memo)))
        memo[key] = (lines, 0.0 if calc_bounds else margin)  # image lines: exact widths only
        return lines

    def split(self, availWidth, availHeight):
        pieces = super().split(availWidth, availHeight)
        if len(pieces) == 2 and getattr(self, "blPara", None) is not None and self.blPara.kind == 1:
            # The rest starts at a line start, where breaking only looks ahead: breaking its
            # text again at the later lines' width gives exactly these lines.
            first, rest = pieces
            later = self._wrapWidths[-1]
            rest._broken = {(later, later): (ParaLines(kind=1, lines=self.blPara.lines[len(first.blPara.lines):]), 0.0)}
        return pieces
