"""Text too long for the paper: cut it, visibly, instead of printing for minutes or failing.

Validation keeps a final print's one-line values short (``too_long`` and the format checks), but
a draft prints whatever was typed: a phone number of 100,000 characters, a name that would fill
two thousand pages. Two limits keep such a draft print bounded and its layout possible, and each
cut ends in :data:`TRUNCATED` so the reader sees that text is missing and where to find it:

* :func:`clip` — a one-line value (every field type but ``para``) prints at most
  :data:`PRINT_MAX_CHARS` characters per line: more than any valid value has (the longest
  validation limit of a one-line field is 254, an e-mail address), so a valid value is never cut;
* :func:`cut_to_height` — text that must fit a given height (rows bound together by a
  ``rowspan``, which cannot split across pages; the cover's 申报单位 line) keeps the lines
  that fit. Long running text (``para`` fields: 二, 三, 主营业务范围) is never cut: it splits
  across pages.
"""

from __future__ import annotations

from collections.abc import Callable

from reportlab.platypus import Flowable

#: The mark ending a cut text.
TRUNCATED = "……（内容过长，已截断，见草稿文件）"
#: Characters a one-line value prints per line at most (module doc).
PRINT_MAX_CHARS = 1000


def clip(text: str, limit: int = PRINT_MAX_CHARS) -> str:
    """``text`` with every line longer than ``limit`` characters cut there and marked."""
    if len(text) <= limit:
        return text
    return "\n".join(line if len(line) <= limit else line[:limit] + TRUNCATED
                     for line in text.split("\n"))


def _lines_chars(flow: Flowable, keep: int) -> int | None:
    """Characters on the first ``keep`` lines of a wrapped CJK paragraph (None: not one)."""
    bl = getattr(flow, "blPara", None)
    if bl is None or getattr(bl, "kind", 0) != 1:
        return None
    return sum(len(word.text) for line in bl.lines[:keep] for word in line.words)


def cut_to_height(text: str, make: Callable[[str], Flowable], width: float, height: float,
                  leading: float) -> str:
    """``text``, or its start and :data:`TRUNCATED`, such that ``make(result)`` wrapped at
    ``width`` is at most ``height`` tall (at least the mark itself is kept). ``make`` builds
    the flowable from a text (escaping it); ``leading`` is its line height. Linear in the
    length of ``text``: one wrap of it, then a few of the (short) kept part."""
    flow = make(text)
    if flow.wrap(width, 1e9)[1] <= height + 1e-6:
        return text
    keep = max(0, int(height // leading) - 1)  # a line for the mark
    chars = _lines_chars(flow, keep)
    if chars is None:  # not a plain paragraph: by the average characters per line
        total = max(1, round(flow.wrap(width, 1e9)[1] / leading))
        chars = len(text) * keep // total
    chars = min(chars, len(text))
    while True:
        cut = text[:chars].rstrip("\n") + TRUNCATED
        if chars == 0 or make(cut).wrap(width, 1e9)[1] <= height + 1e-6:
            return cut
        chars = max(0, chars - max(1, chars // 8))
