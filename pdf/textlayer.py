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
"""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

from reportlab import rl_config

from forms.coverage import can_render
from pdf.cjkwrap import CJKParagraph
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
    text = escape(text.replace("\t", "    ").replace("\n", " "))
    return _SPACE_RUN.sub(_keep_spaces, text)


def para(text: str, style) -> CJKParagraph:
    """One paragraph of plain ``text`` (escaped) in ``style``."""
    return CJKParagraph(markup(text), style)


def paras(text: str, style, *, first_style=None) -> list[CJKParagraph]:
    """Multi-line ``text`` as one paragraph per line; an empty line keeps its height. Leading
    blanks of a line are dropped when ``style`` indents the first line itself."""
    out: list[CJKParagraph] = []
    for i, line in enumerate(text.split("\n")):
        if style.firstLineIndent:
            line = line.lstrip(" \u3000\t")
        st = first_style if (i == 0 and first_style is not None) else style
        out.append(CJKParagraph(markup(line) or _NBSP, st))
    return out
