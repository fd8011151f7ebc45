"""The table model of the column fitting (pdf/fitting.py) remembers what it computed (issue 13):
groups of texts sorted widest first, their line counts and line-losing widths per exact width,
greedy fills inferred between two widths that gave the same count. The widths it gives must be
exactly those of the plain model, which computes everything each time."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as hs

from pdf import fitting
from pdf.fitting import SHORT_VALUE, Sized, TableModel, column_widths
from pdf.linebreak import is_cjk_text, label_lines


def _greedy(text: str, avail: float, measure) -> int:
    """Lines of ``text`` filled character by character into lines ``avail`` wide."""
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = 0.0
        for ch in paragraph:
            w = measure(ch)
            if used + w > avail + 1e-9 and used > 0:
                lines += 1
                used = w
            else:
                used += w
    return lines


class PlainModel(TableModel):
    """The model without its memories: every height, target and fill computed anew, texts in
    the order they were met (the counts are still remembered per rounded width, as they are
    part of what the model computes)."""

    def __init__(self, cells, measure, pad):
        super().__init__(cells, measure, pad)
        groups: dict = {}
        index = {key: t for t, key in enumerate(self._texts)}
        for cell in cells:
            if cell.text and cell.kind is not None:
                t = index[(cell.text, cell.kind)]
                groups.setdefault((cell.col, cell.span), {}).setdefault(t, []).append(cell.row)
        self._plain_groups = [(col, span, list(members.items())) for (col, span), members in groups.items()]

    def count(self, t, avail):
        if self._one_line[t] <= avail + 1e-9:
            return 1
        key = (t, round(avail * 100))
        got = self._lines.get(key)
        if got is None:
            text, kind = self._texts[t]
            got = 0
            if kind in ("label", "short") and len(text) <= 2 * SHORT_VALUE and is_cjk_text(text):
                parts = label_lines(text, avail, self.measure)
                if all(self.measure(p) <= avail + 1e-9 for p in parts):
                    got = len(parts)
            got = got or _greedy(text, avail, self.measure)
            self._lines[key] = got
        return got

    def height(self, widths):
        tallest = dict.fromkeys(self._rows, 1)
        for col, span, members in self._plain_groups:
            avail = sum(widths[col:col + span]) - self.pad
            for t, rows in members:
                if self._one_line[t] <= avail + 1e-9:
                    continue
                n = self.count(t, avail)
                for r in rows:
                    tallest[r] = max(tallest[r], n)
        return sum(tallest.values())

    def _targets(self, col, widths, room):
        out = set()
        for first, span, members in self._plain_groups:
            if not first <= col < first + span:
                continue
            avail = sum(widths[first:first + span]) - self.pad
            for t, _ in members:
                now = self.count(t, avail)
                if now <= 1 or self.count(t, avail + room) >= now:
                    continue
                lo, hi = avail, avail + room
                for _ in range(18):
                    mid = (lo + hi) / 2
                    if self.count(t, mid) < now:
                        hi = mid
                    else:
                        lo = mid
                out.add(math.ceil((widths[col] + hi - avail) * 100) / 100)
        return sorted(t for t in out if t > widths[col])[: self.MAX_TARGETS]


#: Character widths (mm) with the fractions real fonts have, and one of no width.
WIDTHS = {"上": 4.2333, "海": 4.2333, "研": 4.2333, "究": 4.2333, "生": 4.2333, "，": 4.2333, "（": 4.2333,
          "·": 1.3843, "a": 2.3579, "Z": 2.5612, "9": 2.3791, "@": 3.8608, ".": 1.3843, " ": 1.0837,
          "\u200b": 0.0, "学": 4.2333, "历": 4.2333, "部": 4.2333, "门": 4.2333}


def _measure(text: str) -> float:
    return sum(WIDTHS[ch] if ch != "\n" else 0.0 for ch in text)


_texts = hs.text(alphabet=hs.sampled_from(sorted(WIDTHS) + ["\n"]), max_size=60)
_kinds = hs.sampled_from(["label", "short", "free", "name", "hard", "email", None])


@hs.composite
def tables(draw):
    ncols = draw(hs.integers(2, 8))
    base = draw(hs.lists(hs.floats(4.0, 60.0), min_size=ncols, max_size=ncols))
    cells = []
    for row in range(draw(hs.integers(1, 25))):
        col = 0
        while col < ncols:
            span = draw(hs.integers(1, min(3, ncols - col)))
            cells.append(Sized(row, col, span, draw(_texts), draw(_kinds)))
            col += span
    return base, cells, draw(hs.floats(0.5, 5.0))


@settings(max_examples=150, deadline=None)
@given(tables())
def test_the_widths_are_those_of_the_plain_model(table):
    base, cells, pad = table
    fast = column_widths(base, cells, _measure, pad)
    with pytest.MonkeyPatch.context() as m:
        m.setattr(fitting, "TableModel", PlainModel)
        assert fast == column_widths(base, cells, _measure, pad)


@settings(max_examples=150, deadline=None)
@given(tables(), hs.lists(hs.lists(hs.floats(0.0, 150.0), min_size=8, max_size=8), min_size=1, max_size=12))
def test_heights_and_targets_are_those_of_the_plain_model(table, trials):
    base, cells, pad = table
    fast, plain = TableModel(cells, _measure, pad), PlainModel(cells, _measure, pad)
    n = len(base)
    for widths in trials + trials:  # each asked twice: the second time from memory
        widths = widths[:n]
        assert fast.height(widths) == plain.height(widths)
        for col in range(n):
            for room in (7.5, 2.25):
                assert fast._targets(col, widths, room) == plain._targets(col, widths, room)


@settings(max_examples=300, deadline=None)
@given(_texts.filter(bool), hs.lists(hs.floats(0.5, 80.0), min_size=1, max_size=40))
def test_fills_inferred_between_widths_are_fills(text, avails):
    model = TableModel([Sized(0, 0, 1, text, "free")], _measure, 0.0)
    for avail in avails + sorted(avails):
        assert model._filled(0, avail) == _greedy(text, avail, _measure)


def test_labels_are_counted_alike_only_when_they_are_the_same_label():
    """Two labels of the same length, of characters of the same width, in the same column: a
    label breaks at its words, so only the same characters may answer for one another (other
    text of the same character widths fills alike and may)."""
    cells = [Sized(0, 0, 1, "上海研究生学历", "label"), Sized(1, 0, 1, "学历部门上海研", "label"),
             Sized(2, 0, 1, "上海研究生学历", "label"), Sized(0, 1, 1, "a", "free"),
             Sized(1, 1, 1, "a", "free"), Sized(2, 1, 1, "a", "free")]
    model, plain = TableModel(cells, _measure, 1.0), PlainModel(cells, _measure, 1.0)
    [(_, _, members)] = [g for g in model._groups if g[0] == 0]
    assert sorted(rows for _, rows in members) == [[0, 2], [1]]  # the repeated label once, the other apart
    for width in (8, 10, 12, 14, 16, 18, 20, 25, 30):
        assert model.height([width, 20.0]) == plain.height([width, 20.0])
