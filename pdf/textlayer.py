"""Text into reportlab paragraphs: user text is data, never markup.

reportlab's :class:`~reportlab.platypus.Paragraph` parses its text as a little markup language
(``<b>``, ``<img src=…>``, ``<a href=…>``, entities). Everything the printer puts into a
paragraph passes :func:`markup` first: ``&``, ``<`` and ``>`` are escaped, so a name like
``A<B & <img src="/etc/passwd"/>`` prints exactly as typed and embeds nothing. As a second
line of defence, importing this module empties ``rl_config.trustedSchemes`` so reportlab fetches
no URL even if markup ever slipped through.

The text layer stays what the user typed: no normalisation (NFC/NFKC would change CJK
compatibility ideographs), runs of spaces kept (reportlab would collapse them), and characters no
bundled font can draw shown as 〓 instead of an invisible blank (validation reports them as
``unrenderable_char``, so only a draft print can contain them). The ToUnicode fix for
characters beyond the BMP is in ``pdf/fonts.py``; Chinese line breaking in ``pdf/cjkwrap.py``.

Multi-line text (:func:`paras`) is one paragraph per line. A short line that does not end a
sentence — a user's own sub-heading such as "四、资金使用计划" — is kept with the paragraph after
it (:class:`pdf.keep.KeepWithFirstPiece`), so it never stands alone at the foot of a page with
its text on the next one, also inside a bordered box that splits across pages.
"""

from __future__ import annotations

import re
from html import escape  # with quote=False as xml.sax.saxutils.escape, whose module loads urllib.request

from reportlab import rl_config

from forms.coverage import can_render
from forms.text import count_zi
from pdf.cjkwrap import CJKParagraph
from pdf.keep import KeepWithFirstPiece
from pdf.styles import EMPTY_MARK

rl_config.trustedSchemes = []
rl_config.trustedHosts = None

_SPACE_RUN = re.compile(r" {2,}")
_NBSP = "&nbsp;"


def _keep_spaces(match: re.Match) -> str:
    return _NBSP * (len(match.group(0)) - 1) + " "


def markup(text: str) -> str:
    """``text`` as safe paragraph markup: escaped, spaces kept, one line (no line breaks)."""
    if not text:
        return ""
    if not all(map(can_render, text)):
        text = "".join(ch if can_render(ch) else EMPTY_MARK for ch in text)
    text = escape(text.replace("\t", "    ").replace("\n", " "), quote=False)
    return _SPACE_RUN.sub(_keep_spaces, text)


def para(text: str, style) -> CJKParagraph:
    """One paragraph of plain ``text`` (escaped) in ``style``."""
    return CJKParagraph(markup(text), style)


#: A line of at most this many 字 that does not end a sentence reads as a sub-heading.
SUBHEADING_MAX_ZI = 20
#: More short lines in a row than this are a list, not headings: kept together they would make
#: one block that cannot split across pages.
MAX_SUBHEADING_RUN = 3
SENTENCE_END = frozenset("。；：！？.;:!?")


def is_subheading(line: str) -> bool:
    """A short line not ending a sentence ("四、资金使用计划", "（二）管理机制")."""
    line = line.strip(" \u3000\t")
    return bool(line) and count_zi(line) <= SUBHEADING_MAX_ZI and line[-1] not in SENTENCE_END


def paras(text: str, style) -> list:
    """Multi-line ``text`` as one paragraph per line; an empty line keeps its height. Leading
    blanks of a line are dropped when ``style`` indents the first line itself. Sub-heading lines
    (:func:`is_subheading`, up to :data:`MAX_SUBHEADING_RUN` in a row: "四、…", "（一）…")
    followed by text are kept with it (module doc)."""
    lines = text.split("\n")
    out: list = []
    for line in lines:
        if style.firstLineIndent:
            line = line.lstrip(" \u3000\t")
        out.append(CJKParagraph(markup(line) or _NBSP, style))
    keep = [False] * len(lines)
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and is_subheading(lines[end]):
            end += 1
        # lines[start:end] are short lines; they head lines[end] unless they are a list
        if 0 < end - start <= MAX_SUBHEADING_RUN and end < len(lines) and lines[end].strip(" \u3000\t"):
            keep[start:end] = [True] * (end - start)
        start = max(end, start + 1)
    for i in range(len(lines) - 2, -1, -1):  # from the end: "四、…" + "（一）…" + text nest
        if keep[i]:
            out[i:i + 2] = [KeepWithFirstPiece(out[i], out[i + 1])]
    return out
