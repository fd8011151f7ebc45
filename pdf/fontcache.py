"""What reportlab reads from our fonts, cached next to them (issue 13).

reportlab parses a whole TrueType file when a font is registered: the cmap (33,000 code points),
the horizontal metrics, the glyph offsets — about 0.2–0.8 s for our two CJK fonts at every start
of the program, though the result never changes. :func:`load_face` gives the same
``TTFontFace`` from a compact file of that parse (``<font>.metrics`` beside the ``.ttf``:
``marshal`` data), and maps the font file itself (``mmap``), from which
reportlab later copies the glyphs a page uses into the PDF (subsetting), so the output is byte
for byte the same and only the glyphs used are ever read into memory.

The cache is keyed by the font file's size, the CRC-32 of every byte reportlab's parse reads,
reportlab's version, the byte order and :data:`FORMAT`: a changed font (or reportlab) finds no
matching cache and is parsed in full, as before — never mixed with stale metrics. The parse reads
the table directory and every table but the glyph outlines (``glyf``, 97 % of the file): those
are never cached, a subset copies them from the file itself, so they are left out of the CRC
(which then reads 0.3 MB of each font at a start, not 10–14 MB). The CRC is there to catch a
font rebuilt without its cache, not tampering: whoever can change the font can change the cache
beside it. ``python -m pdf.fontcache`` (re)writes the cache files; run it after
``resources/fonts/build_fonts.py``. The cache holds only plain data (numbers, strings, bytes,
lists, dicts), so loading it runs no code.
"""

from __future__ import annotations

import marshal
import mmap
import struct
import sys
import zlib
from array import array
from collections.abc import Sequence
from pathlib import Path

import reportlab
from reportlab.pdfbase.ttfonts import TTFNameBytes, TTFontFace

#: Bump when the stored fields change.
FORMAT = 5
_MAGIC = b"SHENBAO-FONT-METRICS"


def cache_path(font: Path) -> Path:
    return Path(font).with_suffix(".metrics")


def _outlines(data) -> tuple[int, int]:
    """Where the ``glyf`` table lies in font ``data`` (start, end); (size, size) — nothing — when
    the file is no single TrueType font with a ``glyf`` table inside it (then all of it counts)."""
    size = len(data)
    if size < 12 or data[:4] not in (b"\0\1\0\0", b"true"):
        return size, size
    (count,) = struct.unpack_from(">H", data, 4)
    if 12 + 16 * count > size:
        return size, size
    for i in range(count):
        tag, _checksum, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
        if tag == b"glyf" and offset + length <= size:
            return offset, offset + length
    return size, size


def _key(data) -> str:
    """The cache key of font ``data`` (its map, or its bytes): every byte but the outlines counts
    (module doc). The integer arrays are stored in this machine's byte order."""
    start, end = _outlines(data)
    with memoryview(data) as view:
        crc = zlib.crc32(view[end:], zlib.crc32(view[:start]))
    return f"{FORMAT}|{reportlab.Version}|{sys.byteorder}|{len(data)}|{start}-{end}|{crc:08x}"


def _mapped(path: Path) -> mmap.mmap:
    """The font file, mapped read-only: reportlab slices the glyphs a page uses out of it when
    it embeds a subset, so only those parts of the 10–14 MB file are ever read into memory."""
    with path.open("rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def _ints(values) -> tuple[str, bytes]:
    """Integers as the narrowest array that holds them all: (type code, bytes)."""
    values = list(values)
    for code in "HhIiq":
        try:
            return code, array(code, values).tobytes()
        except OverflowError:
            continue
    raise OverflowError("pdf.fontcache: an integer beyond 64 bits")


def _array(packed: tuple[str, bytes]) -> array:
    code, blob = packed
    return array(code, blob)


class _Pairs(Sequence):
    """(advance, bearing) of glyph *i* as reportlab's list of pairs gives it, from two arrays."""

    __slots__ = ("_first", "_second")

    def __init__(self, first: array, second: array):
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return list(zip(self._first[i], self._second[i]))
        return self._first[i], self._second[i]


def _state(face: TTFontFace) -> dict:
    """The face's parsed state as plain data (without the file's bytes). The cmap and the widths
    stay dicts, which ``marshal`` makes again in a few milliseconds (uncompressed: inflating
    took as long as the rest); the per-glyph tables, read only when a subset is embedded, are
    packed as integer arrays; ``glyphToChar`` is not stored (:class:`CachedFace` rebuilds it
    from ``charToGlyph`` when needed)."""
    state, names = {}, []
    for key, value in face.__dict__.items():
        if key in ("_ttf_data", "_pdfScale", "filename", "glyphToChar"):
            continue
        if isinstance(value, TTFNameBytes):
            names.append(key)
            value = bytes(value)
        state[key] = value
    packed = {
        "hmetrics": (_ints(a for a, _ in face.hmetrics), _ints(b for _, b in face.hmetrics)),
        "glyphPos": _ints(face.glyphPos),
    }
    for key in packed:
        del state[key]
    return {"state": state, "names": names, "packed": packed}


class CachedFace(TTFontFace):
    """A ``TTFontFace`` restored from the cache. ``glyphToChar`` (glyph → code points, which
    reportlab reads only when shaping text) is rebuilt from ``charToGlyph`` when first asked
    for, in the order reportlab's parse builds it."""

    @property
    def glyphToChar(self) -> dict[int, list[int]]:
        built = self.__dict__.get("_glyph_to_char")
        if built is None:
            built = {}
            for char, glyph in self.charToGlyph.items():
                built.setdefault(glyph, []).append(char)
            self.__dict__["_glyph_to_char"] = built
        return built

    @glyphToChar.setter
    def glyphToChar(self, value: dict[int, list[int]]) -> None:
        self.__dict__["_glyph_to_char"] = value

    # The horizontal metrics and glyph offsets of all 32,000 glyphs are read only when a subset
    # is embedded (makeSubset), which looks up the few glyphs it copies by index: they are
    # sequences over the stored arrays, not lists made of them (~6 ms a font).

    @property
    def hmetrics(self) -> Sequence[tuple[int, int]]:
        got = self.__dict__.get("_hmetrics")
        if got is None:
            advances, bearings = self.__dict__["_packed_hmetrics"]
            got = self.__dict__["_hmetrics"] = _Pairs(_array(advances), _array(bearings))
        return got

    @hmetrics.setter
    def hmetrics(self, value: list[tuple[int, int]]) -> None:
        self.__dict__["_hmetrics"] = value

    @property
    def glyphPos(self) -> Sequence[int]:  # noqa: N802 (reportlab's name)
        got = self.__dict__.get("_glyph_pos")
        if got is None:
            got = self.__dict__["_glyph_pos"] = _array(self.__dict__["_packed_glyph_pos"])
        return got

    @glyphPos.setter
    def glyphPos(self, value: list[int]) -> None:  # noqa: N802
        self.__dict__["_glyph_pos"] = value

    def get_table(self, tag):  # noqa: D102 - reportlab's name and meaning
        if tag == "glyf":  # read by makeSubset for the glyphs it copies: no copy of the table
            return _TableSlices(self._ttf_data, *self.get_table_pos(tag))
        return super().get_table(tag)


class _TableSlices:
    """A font table that gives slices of itself as bytes, read from the font file when asked:
    reportlab's ``makeSubset`` takes the whole ``glyf`` table (most of the 10–14 MB file) for
    every subset of 256 characters, and only ever slices the glyphs of that subset out of it."""

    __slots__ = ("_data", "_start", "_length")

    def __init__(self, data, start: int, length: int):
        self._data, self._start, self._length = data, start, length

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, part: slice) -> bytes:
        if not isinstance(part, slice) or part.step not in (None, 1):
            raise TypeError("pdf.fontcache: only slices of a font table are read")
        a, b, _ = part.indices(self._length)
        return bytes(self._data[self._start + a:self._start + max(a, b)])


def _face(stored: dict, data: bytes | mmap.mmap, path: Path) -> TTFontFace:
    face = CachedFace.__new__(CachedFace)
    state = dict(stored["state"])
    for key in stored["names"]:
        state[key] = TTFNameBytes(state[key])
    packed = stored["packed"]
    state["_packed_hmetrics"] = packed["hmetrics"]
    state["_packed_glyph_pos"] = packed["glyphPos"]
    face.__dict__.update(state)
    face._ttf_data = data
    face.filename = str(path)
    units = face.unitsPerEm  # reportlab's own scale function (TTFontFile.extractInfo)
    if units == 1000:
        face._pdfScale = lambda x: x
    else:
        mult = 1000 / units
        face._pdfScale = lambda x: x * mult
    return face


def _read(cache: Path, key: str) -> dict | None:
    try:
        blob = cache.read_bytes()
    except OSError:
        return None
    if not blob.startswith(_MAGIC):
        return None
    try:
        stored = marshal.loads(blob[len(_MAGIC):])
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(stored, dict) or stored.get("key") != key:
        return None  # another font, another reportlab: parse in full
    return stored


def load_face(path: Path, cache: Path | None = None) -> TTFontFace:
    """The ``TTFontFace`` of font file ``path``: from its cache when the cache matches the file,
    else parsed by reportlab in full."""
    path = Path(path)
    try:
        data = _mapped(path)
    except (OSError, ValueError):  # no such file, an empty one…: reportlab says what is wrong
        return TTFontFace(str(path))
    stored = _read(cache or cache_path(path), _key(data))
    if stored is None:
        data.close()
        return TTFontFace(str(path))
    return _face(stored, data, path)


def write_cache(path: Path, cache: Path | None = None) -> Path:
    """Parse font ``path`` in full and write its cache; returns the cache's path."""
    path = Path(path)
    face = TTFontFace(str(path))
    stored = {"key": _key(face._ttf_data), **_state(face)}
    out = cache or cache_path(path)
    out.write_bytes(_MAGIC + marshal.dumps(stored))
    return out


def main(argv: list[str] | None = None) -> int:
    from pdf.fonts import HEI, SONG, font_path

    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [font_path(SONG), font_path(HEI)]
    for font in paths:
        out = write_cache(font)
        print(f"{out} ({out.stat().st_size // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
