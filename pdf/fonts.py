"""The two fonts Shenbao prints with, registered with reportlab.

``SONG`` (Shenbao Song, from Noto Serif CJK SC) is the body font: all user text is printed in
it.  ``HEI`` (Shenbao Hei, from Noto Sans CJK SC) is for headings.  Both are TrueType files
built by ``resources/fonts/build_fonts.py``; ``resources/fonts/coverage.txt`` lists what
``SONG`` can draw, for code that must not import reportlab.

Call :func:`register_fonts` before drawing; it is cheap after the first call. reportlab's parse
of the files comes from a cache beside them when it matches (:mod:`pdf.fontcache`).

reportlab fix
-------------
reportlab (checked with 4.x/5.1) writes each subset's ToUnicode CMap with
``"<%04X>" % codepoint`` (``ttfonts.makeToUnicodeCMap``), so a character beyond the BMP such
as 𠈌 U+2020C becomes the odd-length ``<2020C>`` and text extraction, search and copy return
garbage (pdftotext gives "†").  Drawing is not affected: reportlab reads the font's format-12
cmap and subsets the right glyph.  Our fonts are registered as :class:`_ShenbaoTTFont`, whose
``addObjects`` lets reportlab build the font objects and then, for each subset holding a code
point above U+FFFF, rewrites that subset's ToUnicode stream with UTF-16 surrogate pairs
(``<D840DE0C>``).  Subsets within the BMP are left byte-for-byte as reportlab writes them.
Nothing in reportlab itself is patched, so other fonts are not touched.

Embedded subsets remembered
---------------------------
Every print embeds each subset of the glyphs it uses: reportlab cuts the subset font out of the
file (``makeSubset``) and deflates it, ≈8 ms of a maximal render, the same work again at each
refresh of the preview. Our faces remember the last subset files they cut, by the subset's
code points, and their deflated bytes, by the subset file: the PDF holds the same bytes as
before (same file, same ``zlib.compress``), cut and deflated once per process.
"""

from __future__ import annotations

import sys
import threading
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path
from weakref import WeakKeyDictionary

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import SUBSETN, TTEncoding, TTFont

from pdf.fontcache import load_face

SONG = "ShenbaoSong"
HEI = "ShenbaoHei"

_FILES = {SONG: "ShenbaoSong.ttf", HEI: "ShenbaoHei.ttf"}

_lock = threading.Lock()
_fonts: dict[str, TTFont] = {}
_cmaps: dict[str, dict[int, int]] = {}  # each font's cmap as registered (code point → glyph)
_coverage: dict[str, frozenset[int]] = {}


def fonts_dir() -> Path:
    """The folder holding the font files (inside a PyInstaller bundle when frozen)."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        candidate = Path(bundle) / "resources" / "fonts"
        if candidate.is_dir():
            return candidate
    return Path(__file__).resolve().parent.parent / "resources" / "fonts"


def font_path(name: str) -> Path:
    """The TrueType file of font *name* (``SONG`` or ``HEI``), e.g. for Qt's font database."""
    try:
        filename = _FILES[name]
    except KeyError:
        raise ValueError(f"unknown font {name!r}; expected one of {sorted(_FILES)}") from None
    return fonts_dir() / filename


def to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """A ToUnicode CMap for one 256-code subset, as reportlab writes it, but with code points
    beyond the BMP written as UTF-16 surrogate pairs."""

    def utf16(cp: int) -> str:
        return chr(cp).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(subset),
    ]
    lines += ["<%02X> <%s>" % (i, utf16(cp)) for i, cp in enumerate(subset)]
    lines += [
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ]
    return "\n".join(lines)


#: How many subset files a face remembers, and their deflated bytes (a maximal draft uses 4–6).
SUBSETS_REMEMBERED = 24


class _RememberedFlate:
    """reportlab's Flate filter (``pdfdoc.PDFZCompress``: the same name, the same
    ``zlib.compress``) remembering what it deflated last: set on the subset font files only."""

    pdfname = pdfdoc.PDFZCompress.pdfname

    def encode(self, content: bytes) -> bytes:
        return _deflated(content)

    def decode(self, encoded: bytes) -> bytes:
        return pdfdoc.PDFZCompress.decode(encoded)


@lru_cache(maxsize=SUBSETS_REMEMBERED)
def _deflated(content: bytes) -> bytes:
    return pdfdoc.PDFZCompress.encode(content)


_REMEMBERED_FLATE = _RememberedFlate()


def _remember_subsets(face) -> None:
    """Make ``face.makeSubset`` remember its last files, by code points (module doc)."""
    make = face.makeSubset

    @lru_cache(maxsize=SUBSETS_REMEMBERED)
    def cut(codes: tuple[int, ...]) -> bytes:
        return make(list(codes))

    def make_subset(subset):
        return cut(tuple(subset))

    make_subset.cache_info, make_subset.cache_clear = cut.cache_info, cut.cache_clear
    face.makeSubset = make_subset


class _ShenbaoTTFont(TTFont):
    """reportlab's TTFont with ToUnicode CMaps that are right beyond the BMP (module doc), whose
    face comes from the metrics cache beside the font when it matches (:mod:`pdf.fontcache`)."""

    def __init__(self, name: str, filename: str):  # noqa: D107 - as TTFont.__init__, face cached
        self.fontName = name
        self.face = load_face(Path(filename))
        _remember_subsets(self.face)
        self.encoding = TTEncoding()
        self.state = WeakKeyDictionary()
        self._asciiReadable = rl_config.ttfAsciiReadable
        self.shapable = not any(fnmatch(name, glob) for glob in rl_config.unShapedFontGlob)

    def addObjects(self, doc):  # noqa: N802 (reportlab's name)
        state = self.state.get(doc)
        subsets = [list(s) for s in state.subsets] if state is not None else []
        super().addObjects(doc)
        face = self.face
        for n in range(len(subsets)):
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            font_file = doc.idToObject.get(f"fontFile:{face.filename}({base})")
            if font_file is not None and font_file.filters == [pdfdoc.PDFZCompress]:
                font_file.filters = [_REMEMBERED_FLATE]
        for n, subset in enumerate(subsets):
            if max(subset, default=0) <= 0xFFFF:
                continue
            # reportlab names the subset font and its CMap stream exactly like this.
            base = b"".join((SUBSETN(n), b"+", face.name, face.subfontNameX)).decode("pdfdoc")
            stream = doc.idToObject.get("toUnicodeCMap:" + base)
            if stream is None:
                raise RuntimeError(
                    f"pdf.fonts: cannot find reportlab's ToUnicode CMap for {base}; "
                    "reportlab's internals changed, revisit _ShenbaoTTFont.addObjects")
            stream.content = to_unicode_cmap(base, subset)


def register_fonts() -> None:
    """Register ``SONG`` and ``HEI`` with reportlab (idempotent, thread-safe).

    The files are parsed once per process; later calls only re-register them should
    reportlab's registry have been reset.
    """
    with _lock:
        for name in (SONG, HEI):
            font = _fonts.get(name)
            if font is None:
                font = _fonts[name] = _ShenbaoTTFont(name, str(font_path(name)))
                # Copied now (reportlab may add private-use entries later when shaping); the
                # coverage is made from the copy only when asked for.
                _cmaps[name] = font.face.charToGlyph.copy()
            if name not in pdfmetrics.getRegisteredFontNames():
                pdfmetrics.registerFont(font)
            if pdfmetrics.getFont(name) is not font:
                raise RuntimeError(
                    f"pdf.fonts: {font.face.name!r} was registered by other code, "
                    f"so {name} would print without the ToUnicode fix")


def forget_subsets() -> None:
    """Drop the remembered subset files and their deflated bytes (the next embed cuts anew)."""
    with _lock:
        for font in _fonts.values():
            clear = getattr(font.face.makeSubset, "cache_clear", None)
            if clear is not None:
                clear()
    _deflated.cache_clear()


def covered_codepoints(name: str = SONG) -> frozenset[int]:
    """The code points font *name* draws, from its cmap as reportlab reads it."""
    if name not in _FILES:
        raise ValueError(f"unknown font {name!r}; expected one of {sorted(_FILES)}")
    register_fonts()
    with _lock:
        if name not in _coverage:
            _coverage[name] = frozenset(cp for cp, gid in _cmaps[name].items() if gid)
        return _coverage[name]


__all__ = [
    "HEI",
    "SONG",
    "covered_codepoints",
    "font_path",
    "fonts_dir",
    "forget_subsets",
    "register_fonts",
    "to_unicode_cmap",
]
