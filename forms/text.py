"""Text cleaning and 字 counting, shared by every text field.

Free text keeps what was typed except control and zero-width characters (spec §3); it is never
NFC/NFKC-normalised, because that would turn CJK compatibility ideographs into other characters.
"""

from __future__ import annotations

import re
import threading
import unicodedata

# Zero-width and invisible formatting characters removed from every input (bidi overrides
# included: they make printed text read differently from what the reviewer sees on screen).
INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f"  # zero-width space/joiners, direction marks
    "\u202a\u202b\u202c\u202d\u202e"  # bidi embeddings and overrides
    "\u2060\u2061\u2062\u2063\u2064"  # word joiner, invisible operators
    "\u2066\u2067\u2068\u2069"  # bidi isolates
    "\ufeff\u00ad"  # BOM / zero-width no-break space, soft hyphen
)
_INVISIBLE_RE = re.compile("[" + "".join(sorted(INVISIBLE)) + "]")
# C0/C1 controls except newline and tab (handled per field kind).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Look-alike dots people type inside names such as 阿卜杜勒·艾尼.
_NAME_DOTS = str.maketrans({c: "\u00b7" for c in "\u2022\u2027\u30fb\uff65\u2219\u22c5"})


def strip_invisible(text: str) -> str:
    """Remove control (but \\n, \\t) and zero-width characters; normalise line ends to \\n."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _INVISIBLE_RE.sub("", _CONTROL_RE.sub("", text))


def clean_line(text: str) -> str:
    """One-line text: invisible characters removed, line breaks and tabs become spaces, trimmed."""
    text = strip_invisible(text).replace("\n", " ").replace("\t", " ")
    return text.strip()


def clean_para(text: str) -> str:
    """Multi-line text: invisible characters removed, paragraphs kept, outer blank space trimmed."""
    lines = [line.rstrip() for line in strip_invisible(text).split("\n")]
    return "\n".join(lines).strip("\n").rstrip()


def clean_name(text: str) -> str:
    """A person's name: one line, look-alike dots turned into the middle dot U+00B7."""
    return clean_line(text).translate(_NAME_DOTS)


# --- 字 counting (spec §3: as Microsoft Word's 字数) -------------------------------------------

# Punctuation of Chinese text that Word counts one each even though it is not full-width.
_CJK_PUNCT_EXTRA = set("‘’“”—…·–")


def _is_cjk_unit(ch: str) -> bool:
    """True for a character that counts as one 字 on its own."""
    cp = ord(ch)
    if ch in _CJK_PUNCT_EXTRA:
        return True
    if (
        0x2E80 <= cp <= 0x2FDF  # radicals supplement, Kangxi radicals
        or 0x2FF0 <= cp <= 0x303F  # ideographic description, CJK symbols and punctuation
        or 0x3040 <= cp <= 0x31FF  # kana, bopomofo, Hangul compat, kanbun, strokes
        or 0x3200 <= cp <= 0x4DBF  # enclosed CJK, compatibility, Ext-A
        or 0x4E00 <= cp <= 0x9FFF  # unified ideographs
        or 0xA000 <= cp <= 0xA4CF  # Yi
        or 0xAC00 <= cp <= 0xD7AF  # Hangul syllables
        or 0xF900 <= cp <= 0xFAFF  # compatibility ideographs
        or 0xFE10 <= cp <= 0xFE1F  # vertical forms
        or 0xFE30 <= cp <= 0xFE6F  # CJK compatibility forms, small form variants
        or 0xFF00 <= cp <= 0xFFEF  # half-width and full-width forms
        or 0x20000 <= cp <= 0x3FFFF  # Ext-B and beyond, compatibility supplement
    ):
        return True
    return unicodedata.east_asian_width(ch) in ("W", "F") and not ch.isspace()


class _Classes(dict):
    """Code point -> its class for counting: "s" white space, "c" one 字 on its own, "o" other.
    A ``str.translate`` table filled on demand; bounded (hostile text with every code point)."""

    def __missing__(self, cp: int) -> str:
        ch = chr(cp)
        kind = "s" if ch.isspace() else "c" if _is_cjk_unit(ch) else "o"
        with _CLASSES_LOCK:  # shared by the GUI thread and workers: changes one at a time
            if len(self) > 100_000:
                self.clear()
            self[cp] = kind
        return kind


_CLASSES = _Classes()
_CLASSES_LOCK = threading.Lock()
_RUN_RE = re.compile("o+")


def count_zi(text: str) -> int:
    """Count 字 the way Word does: each CJK character or CJK/full-width punctuation mark is one,
    each maximal run of other non-space characters is one, white space counts nothing.

    >>> [count_zi(s) for s in ("产学研合作", "AI芯片", "2022年增长30%。", "hello world", "“专利”")]
    [5, 3, 6, 2, 4]
    """
    # Linear, and in C once a character has been seen: each character becomes its class (s, c
    # or o) through the memo table, then the 字 and the runs of other characters are counted.
    classes = text.translate(_CLASSES)
    return classes.count("c") + len(_RUN_RE.findall(classes))
