"""Column widths and short-text line breaks for the form's tables.

The definition gives each table's columns as ratios. Printed as they are, identity numbers broke
over two lines and labels wrapped as 所在部/门. :func:`fit_widths` keeps the ratios as the start
and then moves width, level by level (:data:`LEVELS`), to the columns that need it:

0. tokens that must not break: identity numbers, phone numbers, codes, 序号;
1. names on one line; labels and short values on at most two lines; running text 6 字 a line;
2. labels and short values on one line; running text 8 字 a line;
3. e-mail addresses on at most two lines (they may break anywhere, so they come last); running
   text 10 字 a line.

Each level takes only from columns wider than their own need at that level, so a lower level
never undoes a higher one. :func:`balanced` cuts a label that still does not fit into lines of
equal length, never before a closing mark or after an opening one.
"""

from __future__ import annotations

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth

from pdf.cjkwrap import CANNOT_END, CANNOT_START
from pdf.textlayer import markup

LEVELS = 4
NAME_ONE_LINE = 5  # characters of a name kept on one line when there is room
MEASURE = (6, 8, 10)  # characters per line wanted for running text at levels 1–3
SHORT_VALUE = 8  # characters: values up to this long are kept on few lines when there is room

#: Field types whose text must stay on one line (its first token, e.g. the number before
#: （港澳台居民居住证）).
UNBREAKABLE_TYPES = frozenset({"id", "phone", "uscc", "account", "postcode", "year", "date"})
#: Field types that should stay on one line when there is room (names).
NAME_TYPES = frozenset({"name"})
#: Field types whose short values (学历, 职务, 性别…) should wrap as little as room allows.
SHORT_TYPES = frozenset({"text", "choice"})

NO_NEEDS: tuple[float, ...] = (0.0,) * LEVELS


def text_width(text: str, style: ParagraphStyle) -> float:
    return stringWidth(text, style.fontName, style.fontSize)


def first_token(text: str) -> str:
    return text.split("（", 1)[0].split(" ", 1)[0] if text else ""


def needs(text: str, style: ParagraphStyle, pad: float, *, kind: str) -> tuple[float, ...]:
    """The width a cell asks for at each level; ``kind`` is ``hard``, ``name``, ``email``,
    ``short`` or ``free``; ``pad`` is the cell's left plus right padding."""
    pad += 1.0
    if not text or kind == "free":
        return NO_NEEDS
    if kind == "hard":
        w = text_width(first_token(text), style) + pad
        return (w, w, w, w)
    if kind == "name":  # one line for names of usual length; long names may wrap
        w = text_width(text[:NAME_ONE_LINE], style) + pad
        return (0.0, w, w, w)
    if kind == "email":
        widest = max(text_width(ch, style) for ch in text)
        third = text_width(text, style) / 3 + widest + pad
        return (0.0, third, third, text_width(text, style) / 2 + widest + pad)
    if kind in ("short", "free") and len(text) > SHORT_VALUE:  # running text: a readable measure
        w = [text_width(text[:k], style) + pad for k in MEASURE]
        return (0.0, *w)
    if kind == "short":
        half = max(text_width(p, style) for p in chunks(text, 2)) if len(text) > 1 else 0.0
        full = text_width(text, style) + pad
        return (0.0, half + pad, full, full)
    return NO_NEEDS


def value_kind(ftype: str) -> str:
    if ftype in UNBREAKABLE_TYPES:
        return "hard"
    if ftype in NAME_TYPES:
        return "name"
    if ftype == "email":
        return "email"
    if ftype in SHORT_TYPES:
        return "short"
    return "free"


#: At each level a column gives away width only down to this share of its base width: the
#: definition's proportions still count, and a free-text column never collapses.
FLOORS = (0.4, 0.75, 0.75, 0.75)


def fit_widths(base: list[float], levels: list[list[float]], floors: tuple[float, ...] = FLOORS) -> list[float]:
    """Adjust column widths ``base`` (their sum is kept) level by level: at each level, columns
    narrower than their need take width from columns wider than both their own need at that
    level and their floor (:data:`FLOORS`), in proportion to the surplus; if the surplus is not
    enough, deficits are met in part."""
    widths = list(base)
    cumulative = [0.0] * len(base)
    for k, level in enumerate(levels):
        floor = floors[min(k, len(floors) - 1)]
        cumulative = [max(a, b) for a, b in zip(cumulative, level, strict=True)]
        deficit = [max(0.0, n - w) for n, w in zip(cumulative, widths, strict=True)]
        surplus = [max(0.0, w - max(n, floor * b)) for n, w, b in zip(cumulative, widths, base, strict=True)]
        need, have = sum(deficit), sum(surplus)
        if need <= 0 or have <= 0:
            continue
        moved = min(need, have)
        widths = [w + d * moved / need - s * moved / have for w, d, s in zip(widths, deficit, surplus, strict=True)]
    return widths


def _is_cjk_text(text: str) -> bool:
    return all(ord(ch) >= 0x2E80 or ch in "/·" for ch in text)


def chunks(text: str, lines: int) -> list[str]:
    """``text`` cut into ``lines`` nearly equal parts, never before a closing mark nor after
    an opening one (通信地址/（邮政编码）, not 通信地址（/邮政编码）); after a "/" when cutting
    in two (职务/ 职称)."""
    if lines == 2 and "/" in text.strip("/"):
        cuts = [text.index("/", 1) + 1]
    else:
        per = -(-len(text) // lines)
        cuts = list(range(per, len(text), per))
    fixed: list[int] = []
    for cut in cuts:
        if text[cut - 1] in CANNOT_END and cut - 1 > (fixed[-1] if fixed else 0):
            cut -= 1
        elif text[cut] in CANNOT_START and cut + 1 < len(text):
            cut += 1
        fixed.append(cut)
    bounds = [0, *fixed, len(text)]
    return [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def balanced(text: str, avail: float, style: ParagraphStyle) -> str:
    """Markup for ``text`` in a cell ``avail`` wide: as is when it fits on one line or is not
    a short Chinese text; else cut into the fewest lines of (nearly) equal length that fit."""
    if not text or text_width(text, style) <= avail or len(text) > 2 * SHORT_VALUE or not _is_cjk_text(text):
        return markup(text)
    for lines in range(2, 5):
        parts = chunks(text, lines)
        if all(text_width(p, style) <= avail for p in parts):
            return "<br/>".join(markup(p) for p in parts)
    return markup(text)
