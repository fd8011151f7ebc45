"""Which characters the bundled print fonts can draw (spec §3 ``unrenderable_char``).

reportlab draws a blank for a character its font lacks, so every character of user text is
checked against the coverage list that ``resources/fonts/build_fonts.py`` writes beside the fonts.
Pure Python: the editor and the command line check without loading any font.
"""

from __future__ import annotations

import sys
import threading
from bisect import bisect_right
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from forms.problems import Problem

if TYPE_CHECKING:
    from forms.draft import Draft


def resources_dir() -> Path:
    """The ``resources`` folder, in a checkout or inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


COVERAGE_FILE = resources_dir() / "fonts" / "coverage.txt"
_ALWAYS_OK = frozenset("\n\t")


@cache
def _ranges() -> tuple[list[int], list[int]]:
    starts: list[int] = []
    ends: list[int] = []
    try:
        text = COVERAGE_FILE.read_text(encoding="utf-8")
    except OSError as exc:  # a broken installation: say so instead of failing obscurely
        raise RuntimeError(f"申报助手安装不完整：缺少字库覆盖表 {COVERAGE_FILE}（{exc.strerror or exc}），请重新安装。") from None
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        lo, _, hi = line.partition("-")
        starts.append(int(lo, 16))
        ends.append(int(hi or lo, 16))
    order = sorted(range(len(starts)), key=starts.__getitem__)
    return [starts[i] for i in order], [ends[i] for i in order]


# Verdicts per character: a page of Chinese text uses a few hundred distinct characters, so
# after the first check almost every lookup is one dict hit. The editor's GUI thread and render
# workers share it: a lookup is one atomic dict read, every change happens under the lock.
_VERDICTS: dict[str, bool] = {}
_VERDICTS_LOCK = threading.Lock()
_MAX_VERDICTS = 100_000  # hostile text with every code point: stay bounded
_RANGES_LOCK = threading.Lock()
# The characters found drawable so far (bounded by what the fonts cover): a whole text is
# checked with one set difference, in C, instead of one lookup per character.
_DRAWABLE: set[str] = set(_ALWAYS_OK)


def _lookup(ch: str) -> bool:
    if ch in _ALWAYS_OK:
        return True
    with _RANGES_LOCK:  # the first call reads the file once, whichever thread comes first
        starts, ends = _ranges()
    cp = ord(ch)
    i = bisect_right(starts, cp) - 1
    return i >= 0 and cp <= ends[i]


def can_render(ch: str) -> bool:
    verdict = _VERDICTS.get(ch)
    if verdict is None:
        verdict = _lookup(ch)
        with _VERDICTS_LOCK:
            if len(_VERDICTS) >= _MAX_VERDICTS:
                _VERDICTS.clear()
            _VERDICTS[ch] = verdict
            if verdict:
                _DRAWABLE.add(ch)
    return verdict


def unrenderable(text: str) -> list[str]:
    """The distinct characters of ``text`` that no bundled font can draw, in order."""
    unknown = set(text).difference(_DRAWABLE)  # one C call: atomic beside other threads' adds
    if not unknown:
        return []
    bad = {ch for ch in unknown if not can_render(ch)}
    return [ch for ch in dict.fromkeys(text) if ch in bad] if bad else []


def _strings(node: object, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def describe(ch: str) -> str:
    return f"“{ch}”（U+{ord(ch):04X}）"


def _all_drawable(node: object) -> bool:
    """Whether every character of every text in ``node`` can be drawn (file names included;
    when this says no, :func:`unrenderable_problems` looks closer)."""
    chars: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            chars.update(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return all(can_render(ch) for ch in chars.difference(_DRAWABLE))


def unrenderable_problems(draft: "Draft") -> list[Problem]:
    if _all_drawable(draft.data):  # the usual case, without naming every text's path
        return []
    problems = []
    for path, text in _strings(draft.data, ""):
        if path.endswith(".file"):
            continue  # a file name is not printed
        bad = unrenderable(text)
        if bad:
            shown = "、".join(describe(c) for c in bad[:5]) + ("等" if len(bad) > 5 else "")
            form = draft.form
            problems.append(Problem.of(path, "unrenderable_char", form.where(path),
                                       subject=form.who(path), chars=shown))
    return problems
