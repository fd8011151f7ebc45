"""Column widths of the printed tables, shared by the PDF and the Word export.

Column widths
-------------

The definition gives each table's columns as ratios; printed as they are, identity numbers broke
over two lines and labels wrapped as 所在部/门. A cell asks for width at four levels
(:func:`needs`):

0. tokens that must not break (identity and phone numbers, codes, 序号) and the words of labels
   and short values (a label may wrap, but between words);
1. names on one line; labels and short values on at most two lines (never one character alone
   on a line: 法务部 rather than 法务/部); e-mail addresses on at most three; running text
   6 字 a line;
2. labels and short values on one line; running text 8 字 a line;
3. e-mail addresses on at most two lines; running text 10 字 a line.

:func:`fit_widths` meets these level by level, **one whole column at a time**: a column gets
its full need from the spare width of the others or nothing at all (or, when its widest cell
asks too much, the full need of the widest cell that can be served — again a threshold). Line
counts are thresholds — a column 0.4 mm short of its need wraps as if it had got nothing — so
meeting every deficit in part (as the first version did) left each column just short: 序号
printed as 序/号 at 9.4 mm of a 9.8 mm need while the identity column kept 3 mm it did not use.
Within a level the column served first is the one that leaves the table shortest, then the
cheapest; columns still short at that level give nothing away; columns of running text
(承担任务, …) never go below their base, the definition's proportions. After levels 0 and 1,
spare width goes where it makes the table shortest (:class:`TableModel`: the lines each cell
needs at a width, summed over rows), and levels 2 and 3 are met only where they do not make
the table taller.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pdf.linebreak import (
    SHORT_VALUE,
    _orphans,
    chunks,
    first_token,
    is_cjk_text,
    label_lines,
    name_halves,
    widest_word,
)

# --------------------------------------------------------------------------- what cells need

LEVELS = 4
MUST_LEVELS = 2  # levels met whatever the table's height; levels 2 and 3 only where it is free
NAME_ONE_LINE = 5  # characters of a name kept on one line when there is room
MEASURE = (6, 8, 10)  # characters per line wanted for running text at levels 1–3
#: At every level a column gives away width only down to this share of its base width; columns
#: of running text never go below their base.
FLOOR_SHARE = 0.4

#: Field types whose text must stay on one line (its first token, e.g. the number before
#: （港澳台居民居住证）).
UNBREAKABLE_TYPES = frozenset({"id", "phone", "uscc", "account", "postcode", "year", "date"})
#: Field types that should stay on one line when there is room (names).
NAME_TYPES = frozenset({"name"})
#: Field types whose short values (学历, 职务, 性别…) should wrap as little as room allows.
SHORT_TYPES = frozenset({"text", "choice"})

NO_NEEDS: tuple[float, ...] = (0.0,) * LEVELS


def value_kind(ftype: str) -> str:
    """How a value of field type ``ftype`` is sized: ``hard``, ``name``, ``email``, ``short`` or
    ``free`` (labels are ``label``)."""
    if ftype in UNBREAKABLE_TYPES:
        return "hard"
    if ftype in NAME_TYPES:
        return "name"
    if ftype == "email":
        return "email"
    if ftype in SHORT_TYPES:
        return "short"
    return "free"


def spec_kind(spec: dict | None, ftype: str | None = None) -> str | None:
    """The sizing kind of a definition cell (``ftype``: its field's type), ``None`` for cells
    that ask for no width (the 签名 blank)."""
    if spec is None or "blank" in spec:
        return None
    if "label" in spec or "text" in spec:
        return "label"
    if "index" in spec:
        return "hard"
    return value_kind(ftype or "text")


def running(text: str, kind: str | None) -> bool:
    """True for running text: it wraps anyway, and its column keeps at least its base width."""
    if kind == "free":
        return bool(text)
    return kind in ("short", "label") and len(text) > 2 * SHORT_VALUE


def needs(text: str, kind: str | None, measure: Callable[[str], float], pad: float) -> tuple[float, ...]:
    """The width a cell with ``text`` asks for at each level (module doc), in the unit of
    ``measure``; ``pad`` is the cell's left plus right padding (:data:`SLACK_MM` is the caller's
    to add)."""
    if not text or kind is None:
        return NO_NEEDS
    full = measure(text) + pad
    if kind == "hard":
        w = measure(first_token(text)) + pad
        return (w, w, w, w)
    if kind == "name":
        if len(text) <= NAME_ONE_LINE:
            return (0.0, full, full, full)
        if len(text) <= 2 * NAME_ONE_LINE:
            halves = name_halves(text, measure)
            half = full if _orphans(halves) else max(measure(p) for p in halves) + pad
            return (0.0, half, full, full)
        five = measure(text[:NAME_ONE_LINE]) + pad
        return (0.0, 0.0, five, five)
    if kind == "email":
        widest = max(measure(ch) for ch in text)
        third = measure(text) / 3 + widest + pad
        return (0.0, third, third, measure(text) / 2 + widest + pad)
    if kind in ("short", "label") and len(text) <= 2 * SHORT_VALUE:
        word = (widest_word(text, measure) + pad) if is_cjk_text(text) else 0.0
        halves = chunks(text, 2, measure)
        # two lines, unless one would hold a single character (序/号, 法务/部): then one line
        two = full if _orphans(halves) or len(halves) < 2 else max(measure(p) for p in halves) + pad
        if len(text) <= SHORT_VALUE:
            return (word, max(word, two), full, full)
        per = [min(full, measure(text[:k]) + pad) for k in MEASURE]
        return (word, max(word, per[0]), *per[1:])
    # running text: a readable measure
    per = [min(full, measure(text[:k]) + pad) for k in MEASURE]
    return (0.0, *per)


# --------------------------------------------------------------------------- fitting widths


def _floors(widths: Sequence[float], base: Sequence[float], steps: Sequence[set[float]],
            free: frozenset[int], short: Iterable[int] = ()) -> list[float]:
    """How far each column may give width away: down to the largest need it now meets (its
    ``steps`` — the needs of its cells so far), and never below :data:`FLOOR_SHARE` of its
    base — or its base, for the ``free`` columns of running text; not at all for the ``short``
    columns, which wait for width themselves."""
    out = []
    for k, (w, b) in enumerate(zip(widths, base)):
        met = max((v for v in steps[k] if v <= w + 1e-9), default=0.0)
        out.append(max(met, b if k in free else FLOOR_SHARE * b))
    for k in short:
        out[k] = max(out[k], widths[k])
    return out


def _give(widths: list[float], col: int, target: float, floors: Sequence[float]) -> list[float] | None:
    """``widths`` with column ``col`` widened to ``target``, the width taken from the other
    columns in proportion to their room above ``floors``; ``None`` when they have too little."""
    want = target - widths[col]
    if want <= 1e-9:
        return list(widths)
    spare = [0.0 if k == col else max(0.0, w - f) for k, (w, f) in enumerate(zip(widths, floors))]
    have = sum(spare)
    if have + 1e-9 < want:
        return None
    out = [w - s * want / have for w, s in zip(widths, spare)]
    out[col] = target
    return out


def fit_widths(base: Sequence[float], levels: Sequence[Sequence[float]], *, free: Iterable[int] = (),
               steps: Sequence[Sequence[Iterable[float]]] | None = None,
               model: "TableModel | None" = None) -> list[float]:
    """Column widths for ``base`` (their sum is kept) meeting the needs of ``levels`` (each a
    need per column, in priority order) one whole column at a time (module doc).

    At each level the columns short of their need are served one at a time, each fully — from
    the room of the columns not short themselves above what they must keep (:func:`_floors`)
    — or not at all: the one that
    leaves the table shortest (with a ``model``), then the cheapest. ``steps``
    (per level and column: the needs of the single cells, of which ``levels`` holds the
    largest) lets a column whose largest need cannot be met still reach the largest of its
    cells' needs that can: a threshold, never a width just short of one. With a ``model``,
    spare width then goes where it shortens the table (:meth:`TableModel.shorten`) and levels
    from :data:`MUST_LEVELS` on are met only where the table gets no taller."""
    n = len(base)
    widths = list(base)
    free = frozenset(free)
    need = [0.0] * n
    met: list[set[float]] = [set() for _ in range(n)]
    for k, level in enumerate(levels):
        need = [max(a, b) for a, b in zip(need, level, strict=True)]
        for c in range(n):
            met[c].add(level[c])
            if steps is not None:
                met[c].update(steps[k][c])
        while True:
            short = [c for c in range(n) if need[c] > widths[c] + 1e-9]
            floors = _floors(widths, base, met, free, short)
            height = model.height(widths) if model is not None else 0
            best: tuple[tuple[float, float], list[float]] | None = None
            for c in range(n):
                for target in sorted((v for v in met[c] if widths[c] + 1e-9 < v <= need[c]), reverse=True):
                    trial = _give(widths, c, target, floors)
                    if trial is None:
                        continue
                    after = model.height(trial) if model is not None else 0
                    if k >= MUST_LEVELS and after > height:
                        continue
                    key = (after, target - widths[c])
                    if best is None or key < best[0]:
                        best = (key, trial)
                    break
            if best is None:
                break
            widths = best[1]
        if model is not None and k == min(MUST_LEVELS, len(levels)) - 1:
            widths = model.shorten(widths, _floors(widths, base, met, free))
    return widths


@dataclass(frozen=True)
class Sized:
    """A cell as the width fitting sees it: its row, first column, span, text and kind."""

    row: int
    col: int
    span: int
    text: str
    kind: str | None


class TableModel:
    """How tall a table is at given column widths, in lines: for each row the most lines any of
    its cells needs (at least one), summed. Labels and short Chinese values count the lines of
    their word-boundary cut (:func:`label_lines`); other text fills lines greedily.

    Cells are grouped by their columns and, within a group, by text (a column of 学历 has a
    few distinct values over sixty rows), widest first: the texts that fit on one line cost one
    comparison for them all. What a group gives at a width — its rows' line counts, the
    widths at which its texts lose a line — is remembered for that exact width (line counts
    are remembered per text, so asking again gives the same answer), so that the many
    evaluations of :meth:`shorten`, which mostly move a few columns, stay cheap."""

    MAX_ROUNDS = 24
    MAX_TARGETS = 4  # per column and round: the nearest widths at which some cell loses a line

    def __init__(self, cells: Sequence[Sized], measure: Callable[[str], float], pad: float):
        self.measure = measure
        self.pad = pad
        self._texts: list[tuple[str, str]] = []  # (text, kind)
        self._one_line: list[float] = []  # width of the text on one line (inf: several paragraphs)
        self._labels: list[bool] = []
        index: dict[tuple[str, str], int] = {}
        groups: dict[tuple[int, int], dict[int, list[int]]] = {}
        rows: set[int] = set()
        for cell in cells:
            if not cell.text or cell.kind is None:
                continue
            key = (cell.text, cell.kind)
            t = index.get(key)
            if t is None:
                t = index[key] = len(self._texts)
                self._texts.append(key)
                self._one_line.append(math.inf if "\n" in cell.text else measure(cell.text))
                # cut at word boundaries, as labels are (pdf.linebreak.label_lines)
                self._labels.append(cell.kind in ("label", "short") and len(cell.text) <= 2 * SHORT_VALUE
                                    and is_cjk_text(cell.text))
            groups.setdefault((cell.col, cell.span), {}).setdefault(t, []).append(cell.row)
            rows.add(cell.row)
        same = self._alike(groups)
        one_line = self._one_line
        self._groups = []
        for (col, span), members in groups.items():
            merged: dict[int, list[int]] = {}
            for t, at in members.items():
                merged.setdefault(same[t], []).extend(at)
            self._groups.append((col, span, sorted(merged.items(), key=lambda m: -one_line[m[0]])))
        self._rows = sorted(rows)
        self._char_widths: dict[str, list[float]] = {}
        self._lines: dict[tuple[int, int], int] = {}
        self._fills: dict[int, tuple[list[float], list[int]]] = {}  # per text: widths filled, counts
        self._group_lines: dict[tuple[int, float], list[tuple[list[int], int]]] = {}
        self._group_steps: dict[tuple[int, float, float], list[float]] = {}

    def _alike(self, groups: dict[tuple[int, int], dict[int, list[int]]]) -> list[int]:
        """For each text, the first text that is counted as it is: a label of the same
        characters, or other text of the same character widths (第12项任务… and 第13项任务…),
        in the very same groups. Such texts are asked for their lines at the same widths in
        the same order, so their answers (remembered per rounded width) are the same; one of
        them answers for all."""
        member_of: dict[int, list[tuple[int, int]]] = {}
        for g, members in groups.items():
            for t in members:
                member_of.setdefault(t, []).append(g)
        char_width: dict[str, float] = {}

        def widths(paragraph: str) -> tuple[float, ...]:
            out = []
            for ch in paragraph:
                w = char_width.get(ch)
                if w is None:
                    w = char_width[ch] = self.measure(ch)
                out.append(w)
            return tuple(out)

        first: dict[tuple, int] = {}
        same = []
        for t, (text, _) in enumerate(self._texts):
            shape = text if self._labels[t] else tuple(widths(p) for p in text.split("\n"))
            same.append(first.setdefault((self._labels[t], shape, self._one_line[t], tuple(member_of[t])), t))
        return same

    def _widths_of(self, text: str) -> list[float]:
        got = self._char_widths.get(text)
        if got is None:
            got = self._char_widths[text] = [self.measure(ch) for ch in text]
        return got

    def _fill(self, text: str, avail: float) -> int:
        lines = 0
        for paragraph in text.split("\n"):
            lines += 1
            used = 0.0
            for w in self._widths_of(paragraph):
                if used + w > avail + 1e-9 and used > 0:
                    lines += 1
                    used = w
                else:
                    used += w
        return lines

    def count(self, t: int, avail: float) -> int:
        """Lines of text ``t`` in ``avail`` (the cell's width less its padding)."""
        if self._one_line[t] <= avail + 1e-9:
            return 1
        key = (t, round(avail * 100))
        got = self._lines.get(key)
        if got is None:
            got = 0
            if self._labels[t]:
                parts = label_lines(self._texts[t][0], avail, self.measure)
                if all(self.measure(p) <= avail + 1e-9 for p in parts):
                    got = len(parts)
            got = got or self._filled(t, avail)
            self._lines[key] = got
        return got

    def _filled(self, t: int, avail: float) -> int:
        """:meth:`_fill` of text ``t`` at ``avail``; without filling when it was filled at two
        widths around ``avail`` with the same count (the greedy fill is monotone: a line never
        ends earlier in a wider column)."""
        avails, counts = self._fills.setdefault(t, ([], []))
        i = bisect_left(avails, avail)
        if i < len(avails) and (avails[i] == avail or (i > 0 and counts[i - 1] == counts[i])):
            return counts[i]
        got = self._fill(self._texts[t][0], avail)
        avails.insert(i, avail)
        counts.insert(i, got)
        return got

    def _lines_of_group(self, g: int, avail: float) -> list[tuple[list[int], int]]:
        """The rows of group ``g`` and the lines their text needs at ``avail``, for the texts
        that need more than one."""
        key = (g, avail)
        got = self._group_lines.get(key)
        if got is None:
            got = self._group_lines[key] = []
            for t, rows in self._groups[g][2]:
                if self._one_line[t] <= avail + 1e-9:
                    break  # this text and the narrower ones after it fit on one line
                got.append((rows, self.count(t, avail)))
        return got

    def height(self, widths: Sequence[float]) -> int:
        tallest = dict.fromkeys(self._rows, 1)
        for g, (col, span, _) in enumerate(self._groups):
            for rows, n in self._lines_of_group(g, sum(widths[col:col + span]) - self.pad):
                for r in rows:
                    if n > tallest[r]:
                        tallest[r] = n
        return sum(tallest.values())

    def _steps_of_group(self, g: int, avail: float, room: float) -> list[float]:
        """The least widths above ``avail`` (at most ``room`` more, to 18 halvings) at which a
        text of group ``g`` needs a line less."""
        key = (g, avail, room)
        got = self._group_steps.get(key)
        if got is None:
            got = self._group_steps[key] = []
            for t, _ in self._groups[g][2]:
                if self._one_line[t] <= avail + 1e-9:
                    break  # one line, as every narrower text after it
                now = self.count(t, avail)
                if now <= 1 or self.count(t, avail + room) >= now:
                    continue
                lo, hi = avail, avail + room  # the least width with fewer lines (monotone count)
                for _ in range(18):
                    mid = (lo + hi) / 2
                    if self.count(t, mid) < now:
                        hi = mid
                    else:
                        lo = mid
                got.append(hi)
        return got

    def _targets(self, col: int, widths: Sequence[float], room: float) -> list[float]:
        """Widths of column ``col`` (above its current one, at most ``room`` more) at which one
        of its cells needs a line less."""
        out: set[float] = set()
        for g, (first, span, _) in enumerate(self._groups):
            if not first <= col < first + span:
                continue
            avail = sum(widths[first:first + span]) - self.pad
            for hi in self._steps_of_group(g, avail, room):
                out.add(math.ceil((widths[col] + hi - avail) * 100) / 100)
        return sorted(t for t in out if t > widths[col])[: self.MAX_TARGETS]

    def shorten(self, widths: list[float], floors: Sequence[float]) -> list[float]:
        """Move spare width (above ``floors``) to where it saves the most lines per unit of
        width, as long as anything is saved."""
        for _ in range(self.MAX_ROUNDS):
            now = self.height(widths)
            room = sum(max(0.0, w - f) for w, f in zip(widths, floors))
            if room <= 1e-6:
                break
            best: tuple[float, list[float]] | None = None
            for col in range(len(widths)):
                spare_here = max(0.0, widths[col] - floors[col])
                for target in self._targets(col, widths, room - spare_here):
                    trial = _give(widths, col, target, floors)
                    if trial is None:
                        continue
                    saved = now - self.height(trial)
                    if saved > 0:
                        rate = saved / (target - widths[col])
                        if best is None or rate > best[0]:
                            best = (rate, trial)
            if best is None:
                break
            widths = best[1]
        return widths


def column_widths(base: Sequence[float], cells: Sequence[Sized], measure: Callable[[str], float],
                  pad: float) -> list[float]:
    """The widths of a table's columns (module doc). ``base``: the definition's ratios scaled to
    the table's width; ``cells``: every cell with its text and kind; ``measure``: the renderer's
    text width, in the unit of ``base``; ``pad``: a cell's left plus right padding plus slack.
    A cell spanning several columns asks each of them for a share of its need in proportion to
    their base widths.

    The widths are a function of these arguments alone, so the last :data:`REMEMBERED` tables'
    are remembered: the preview renders again after every edit, and a table whose cells did not
    change keeps its widths without being fitted again (15 ms of a maximal render). ``measure``
    is part of the key by identity: the measurers of :mod:`pdf.colwidths` are one per font and
    size for the process; another function (another font) is another table."""
    return list(_remembered((tuple(base), tuple((c.row, c.col, c.span, c.text, c.kind) for c in cells),
                             measure, pad)))


#: How many tables' widths :func:`column_widths` remembers (a form has a handful of tables).
REMEMBERED = 16


@lru_cache(maxsize=REMEMBERED)
def _remembered(key: tuple) -> tuple[float, ...]:
    base, rows, measure, pad = key
    return tuple(_column_widths(base, [Sized(*row) for row in rows], measure, pad))


def forget_widths() -> None:
    """Drop the remembered widths: the next table of any content is fitted anew."""
    _remembered.cache_clear()


def _column_widths(base: Sequence[float], cells: Sequence[Sized], measure: Callable[[str], float],
                   pad: float) -> list[float]:
    n = len(base)
    levels = [[0.0] * n for _ in range(LEVELS)]
    steps: list[list[set[float]]] = [[set() for _ in range(n)] for _ in range(LEVELS)]
    free: set[int] = set()
    for cell in cells:
        if cell.kind is None or not cell.text:
            continue
        if cell.span == 1 and running(cell.text, cell.kind):
            free.add(cell.col)
        share = sum(base[cell.col:cell.col + cell.span])
        for level, need in enumerate(needs(cell.text, cell.kind, measure, pad)):
            for k in range(cell.col, cell.col + cell.span):
                part = need * base[k] / share
                if part > 0:
                    steps[level][k].add(part)
                    levels[level][k] = max(levels[level][k], part)
    return fit_widths(base, levels, free=free, steps=steps, model=TableModel(cells, measure, pad))
