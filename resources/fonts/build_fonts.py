"""Build the two TrueType fonts Shenbao embeds in its PDFs.

    python resources/fonts/build_fonts.py [--jobs N] [--source-dir DIR]

Sources: the Simplified-Chinese faces of Noto Serif CJK and Noto Sans CJK (Regular), taken
from the ``.ttc`` collections of the Debian package ``fonts-noto-cjk``
(``/usr/share/fonts/opentype/noto``).  For each font the script

1. picks the SC face from the collection by its name table (family "Noto Serif CJK SC" /
   "Noto Sans CJK SC"), never by index;
2. subsets it to the code points Simplified-Chinese text uses (``INCLUDE`` below: every CJK
   ideograph the face has, Ext-B and beyond included, CJK and general punctuation, full-width
   forms, Latin incl. pinyin letters, Greek, Cyrillic, kana, bopomofo, the symbols of
   forms); Hangul is left out.  Layout (GSUB/GPOS/...) and vertical tables are dropped: the
   PDF writer (reportlab) does no shaping;
3. converts the cubic CFF outlines to quadratic TrueType outlines (``glyf``/``loca``) with
   cu2qu, max error 1.0 font unit (of 1000), reversing contour direction, as fontTools'
   ``otf2ttf`` snippet does; ``maxp`` becomes version 1.0, ``post`` format 3 (no glyph names);
4. renames the font (name IDs 1, 3, 4, 6, 16, 17) to "Shenbao Song" / "Shenbao Hei", as the
   SIL OFL asks of modified versions; copyright, trademark and licence names are kept;
5. saves it deterministically: the source's head.created/modified are kept and never
   recalculated, so two runs give identical bytes.

It also writes ``coverage.txt`` (the code points ShenbaoSong.ttf maps, as hex ranges) and
``OFL.txt`` (from the Debian copyright file).  Output goes next to this script.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, TTFont, newTable
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE_DIR = Path("/usr/share/fonts/opentype/noto")
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")

MAX_ERR = 1.0  # cu2qu tolerance in font units (unitsPerEm is 1000)
MAX_BYTES = 20 * 1024 * 1024

# Characters that must be in the body font: rare name characters seen on real forms.
REQUIRED = "喆堃昇犇淼珺玥𠈌䶮龑○□√×①"


@dataclass(frozen=True)
class Spec:
    source: str  # .ttc file name
    face: str  # family name (name ID 1) of the face to take from the collection
    family: str  # new family name
    postscript: str  # new PostScript name (name ID 6)
    output: str  # output file name


SPECS = (
    Spec("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", "Shenbao Song",
         "ShenbaoSong-Regular", "ShenbaoSong.ttf"),
    Spec("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "Shenbao Hei",
         "ShenbaoHei-Regular", "ShenbaoHei.ttf"),
)

# Unicode blocks kept (intersected with what the source face maps).  Everything the SC face
# maps falls in one of these except Hangul (U+1100-11FF, 3130-318F, A960-A97F, AC00-D7FF)
# and the variation sequences of cmap format 14.
INCLUDE = (
    (0x0020, 0x007E, "Basic Latin"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x0100, 0x017F, "Latin Extended-A"),
    (0x0180, 0x024F, "Latin Extended-B (pinyin ǎ ǐ ǒ ǔ ǖ ǘ ǚ ǜ)"),
    (0x0250, 0x02AF, "IPA Extensions (pinyin ɑ ɡ)"),
    (0x02B0, 0x02FF, "Spacing Modifier Letters (ˇ ˉ ˊ ˋ ˙)"),
    (0x0300, 0x036F, "Combining Diacritical Marks"),
    (0x0370, 0x03FF, "Greek"),
    (0x0400, 0x04FF, "Cyrillic (in GB 2312)"),
    (0x1E00, 0x1EFF, "Latin Extended Additional (pinyin ḿ)"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2070, 0x209F, "Superscripts and Subscripts"),
    (0x20A0, 0x20CF, "Currency Symbols"),
    (0x20D0, 0x20FF, "Combining Diacritical Marks for Symbols (enclosing ⃝ ⃞)"),
    (0x2100, 0x214F, "Letterlike Symbols (℃ №)"),
    (0x2150, 0x218F, "Number Forms (Ⅰ Ⅱ)"),
    (0x2190, 0x21FF, "Arrows"),
    (0x2200, 0x22FF, "Mathematical Operators"),
    (0x2300, 0x23FF, "Miscellaneous Technical"),
    (0x2400, 0x243F, "Control Pictures"),
    (0x2460, 0x24FF, "Enclosed Alphanumerics (① ⑴ ⒈)"),
    (0x2500, 0x257F, "Box Drawing"),
    (0x2580, 0x259F, "Block Elements"),
    (0x25A0, 0x25FF, "Geometric Shapes (○ □ ■ △)"),
    (0x2600, 0x26FF, "Miscellaneous Symbols (★ ☆)"),
    (0x2700, 0x27BF, "Dingbats (✓ ✕)"),
    (0x2900, 0x297F, "Supplemental Arrows-B"),
    (0x2980, 0x29FF, "Miscellaneous Mathematical Symbols-B (⦿)"),
    (0x2B00, 0x2BFF, "Miscellaneous Symbols and Arrows"),
    (0x2E00, 0x2E7F, "Supplemental Punctuation (⸺ two-em dash)"),
    (0x2E80, 0x2EFF, "CJK Radicals Supplement"),
    (0x2F00, 0x2FDF, "Kangxi Radicals"),
    (0x2FF0, 0x2FFF, "Ideographic Description Characters"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0x3040, 0x309F, "Hiragana"),
    (0x30A0, 0x30FF, "Katakana"),
    (0x3100, 0x312F, "Bopomofo"),
    (0x3190, 0x319F, "Kanbun"),
    (0x31A0, 0x31BF, "Bopomofo Extended"),
    (0x31C0, 0x31EF, "CJK Strokes"),
    (0x31F0, 0x31FF, "Katakana Phonetic Extensions"),
    (0x3200, 0x32FF, "Enclosed CJK Letters and Months (㈠ ㈱)"),
    (0x3300, 0x33FF, "CJK Compatibility (㎡ ㎏)"),
    (0x3400, 0x4DBF, "CJK Unified Ideographs Extension A"),
    (0x4DC0, 0x4DFF, "Yijing Hexagram Symbols"),
    (0x4E00, 0x9FFF, "CJK Unified Ideographs"),
    (0xF900, 0xFAFF, "CJK Compatibility Ideographs"),
    (0xFB00, 0xFB4F, "Alphabetic Presentation Forms"),
    (0xFE10, 0xFE1F, "Vertical Forms"),
    (0xFE30, 0xFE4F, "CJK Compatibility Forms"),
    (0xFE50, 0xFE6F, "Small Form Variants"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
    (0x1F100, 0x1F1FF, "Enclosed Alphanumeric Supplement"),
    (0x1F200, 0x1F2FF, "Enclosed Ideographic Supplement"),
    (0x20000, 0x3FFFF, "CJK Extensions B and beyond, Compatibility Ideographs Supplement"),
)


def in_include(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi, _ in INCLUDE)


def open_face(path: Path, family: str) -> TTFont:
    """Return the face of collection *path* whose family name (ID 1) is *family*."""
    collection = TTCollection(str(path), lazy=True)
    index = None
    for i, face in enumerate(collection.fonts):
        if face["name"].getDebugName(1) == family:
            index = i
            break
    if index is None:
        names = [face["name"].getDebugName(1) for face in collection.fonts]
        raise SystemExit(f"{path}: no face named {family!r} (has {names})")
    # recalcTimestamp=False keeps head.modified as in the source: deterministic output.
    return TTFont(str(path), fontNumber=index, recalcTimestamp=False, lazy=False)


def subset_font(font: TTFont) -> None:
    unicodes = sorted(cp for cp in font.getBestCmap() if in_include(cp))
    options = subset.Options()
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_outline = True
    options.glyph_names = False
    options.hinting = False
    options.desubroutinize = True
    options.legacy_cmap = False
    options.symbol_cmap = False
    options.prune_unicode_ranges = True
    options.prune_codepage_ranges = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def cff_to_glyf(font: TTFont) -> None:
    """Replace the CFF outlines by quadratic glyf outlines (fontTools otf2ttf approach)."""
    glyph_order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = glyph_order
    glyf.glyphs = {}
    for name in glyph_order:
        tt_pen = TTGlyphPen(None)
        glyph_set[name].draw(Cu2QuPen(tt_pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = tt_pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    for tag in ("VORG", "CFF2"):
        if tag in font:
            del font[tag]
    glyf.compile(font)  # computes the bounding boxes

    # TrueType wants lsb == xMin.
    hmtx = font["hmtx"]
    for name, glyph in glyf.glyphs.items():
        if hasattr(glyph, "xMin"):
            hmtx[name] = (hmtx[name][0], glyph.xMin)

    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    maxp.maxZones = 1
    maxp.maxTwilightPoints = 0
    maxp.maxStorage = 0
    maxp.maxFunctionDefs = 0
    maxp.maxInstructionDefs = 0
    maxp.maxStackElements = 0
    maxp.maxSizeOfInstructions = 0
    maxp.maxComponentElements = 0
    font["maxp"] = maxp
    maxp.compile(font)  # recalculates numGlyphs, maxPoints, maxContours, ...

    post = font["post"]
    post.formatType = 3.0
    post.extraNames = []
    post.mapping = {}
    post.glyphOrder = glyph_order

    # Unhinted outlines: ask for smoothing at every size, no grid-fitting.
    gasp = newTable("gasp")
    gasp.version = 1
    gasp.gaspRange = {0xFFFF: 0x000A}  # GASP_DOGRAY | GASP_SYMMETRIC_SMOOTHING
    font["gasp"] = gasp

    font.sfntVersion = "\x00\x01\x00\x00"


def keep_unicode_cmaps(font: TTFont) -> None:
    """Keep the Windows Unicode subtables: (3,1) format 4 and (3,10) format 12."""
    cmap = font["cmap"]
    best = font.getBestCmap()
    tables = []
    bmp = {cp: g for cp, g in best.items() if cp <= 0xFFFF}
    for platform, encoding, fmt, mapping in ((3, 1, 4, bmp), (3, 10, 12, best)):
        if fmt == 12 and max(best) <= 0xFFFF:
            continue
        table = cmap.getcmap(platform, encoding)
        if table is None or table.format != fmt:
            table = CmapSubtable.newSubtable(fmt)
            table.platformID, table.platEncID, table.language = platform, encoding, 0
        table.cmap = dict(mapping)
        tables.append(table)
    cmap.tables = tables


def rename(font: TTFont, spec: Spec) -> None:
    name = font["name"]
    english = {r.nameID: r.toUnicode() for r in name.names
               if (r.platformID, r.platEncID, r.langID) == (3, 1, 0x409)}
    version = english.get(5, "Version %.3f" % font["head"].fontRevision)
    revision = "%.3f" % font["head"].fontRevision
    # Start afresh: drop Mac records and localized names that carry the old family name.
    name.names = []
    records = {nid: text for nid, text in english.items() if nid not in (1, 2, 3, 4, 6, 16, 17)}
    records.update({
        1: spec.family,
        2: "Regular",
        3: f"{revision};SHENBAO;{spec.postscript}",
        4: f"{spec.family} Regular",
        5: f"{version}; Shenbao build: SC subset, TrueType outlines, from {spec.face}",
        6: spec.postscript,
        16: spec.family,
        17: "Regular",
    })
    for nid in sorted(records):
        name.setName(records[nid], nid, 3, 1, 0x409)


def build_one(spec: Spec, source_dir: Path, out_dir: Path) -> dict:
    started = time.monotonic()
    font = open_face(source_dir / spec.source, spec.face)
    source_version = font["name"].getDebugName(5)
    subset_font(font)
    keep_unicode_cmaps(font)
    cff_to_glyf(font)
    rename(font, spec)
    out = out_dir / spec.output
    font.save(str(out), reorderTables=True)
    font.close()

    check = TTFont(str(out))
    cmap = check.getBestCmap()
    assert "glyf" in check and "CFF " not in check, "outlines were not converted"
    assert check["maxp"].tableVersion == 0x00010000
    size = out.stat().st_size
    if size >= MAX_BYTES:
        raise SystemExit(f"{out}: {size} bytes, over the 20 MB limit")
    return {
        "output": spec.output,
        "source": spec.source,
        "face": spec.face,
        "source_version": source_version,
        "codepoints": sorted(cmap),
        "glyphs": check["maxp"].numGlyphs,
        "size": size,
        "sha256": hashlib.sha256(out.read_bytes()).hexdigest(),
        "seconds": time.monotonic() - started,
    }


def ranges(codepoints: list[int]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for cp in sorted(codepoints):
        if out and cp == out[-1][1] + 1:
            out[-1] = (out[-1][0], cp)
        else:
            out.append((cp, cp))
    return out


def write_coverage(song: dict, path: Path) -> None:
    lines = [
        "# generated by build_fonts.py -- do not edit; rerun the script instead.",
        f"# Code points mapped by {song['output']} (the body font all user text is printed in),",
        f"# from {song['face']} ({song['source_version']}).",
        "# One inclusive range per line in hex: 'XXXX' or 'XXXX-YYYY'. Lines starting with '#'",
        "# are comments. Characters outside these ranges print as a blank box.",
    ]
    spans = ranges(song["codepoints"])
    lines.append(f"# {len(song['codepoints'])} code points in {len(spans)} ranges")
    for lo, hi in spans:
        lines.append(f"{lo:04X}" if lo == hi else f"{lo:04X}-{hi:04X}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_ofl(results: list[dict], path: Path) -> None:
    """OFL.txt: copyright lines from the fonts, licence text from Debian's copyright file."""
    if not DEBIAN_COPYRIGHT.exists():
        if path.exists():
            return  # keep the committed copy
        raise SystemExit(f"{DEBIAN_COPYRIGHT} missing and no {path} to keep")
    text = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
    match = re.search(r"^License: SIL-1\.1\n((?: .*\n?)+)", text, re.M)
    if not match:
        raise SystemExit(f"{DEBIAN_COPYRIGHT}: no 'License: SIL-1.1' paragraph")
    body = []
    for line in match.group(1).splitlines():
        line = line[1:]
        body.append("" if line == "." else line)
    head = []
    for r in results:
        font = TTFont(str(path.parent / r["output"]), lazy=True)
        copyright_ = font["name"].getDebugName(0)
        trademark = font["name"].getDebugName(7)
        font.close()
        head.append(f"{r['output']} is a modified version of {r['face']} "
                    f"({r['source_version'].split(';')[0]}):")
        head.append(f"Copyright {copyright_.removeprefix('© ')}" if copyright_.startswith("©")
                    else copyright_)
        head.append("")
    head.append(trademark)
    head.append("Modified (subset, converted to TrueType outlines, renamed) for Shenbao;")
    head.append("the modified fonts are distributed under the same licence:")
    head.append("")
    path.write_text("\n".join(head + body).rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR)
    parser.add_argument("--out-dir", type=Path, default=HERE)
    parser.add_argument("--jobs", type=int, default=2, help="fonts built in parallel")
    args = parser.parse_args(argv)

    started = time.monotonic()
    args.out_dir.mkdir(parents=True, exist_ok=True)
    if args.jobs > 1:
        with ProcessPoolExecutor(max_workers=min(args.jobs, len(SPECS))) as pool:
            results = list(pool.map(build_one, SPECS, [args.source_dir] * len(SPECS),
                                    [args.out_dir] * len(SPECS)))
    else:
        results = [build_one(spec, args.source_dir, args.out_dir) for spec in SPECS]

    song = results[0]
    missing = [c for c in REQUIRED if ord(c) not in set(song["codepoints"])]
    if missing:
        raise SystemExit(f"{song['output']} lacks required characters: {''.join(missing)}")
    write_coverage(song, args.out_dir / "coverage.txt")
    write_ofl(results, args.out_dir / "OFL.txt")

    for r in results:
        cps = r["codepoints"]
        print(f"{r['output']}: {r['size']:,} bytes, {r['glyphs']} glyphs, {len(cps)} code points "
              f"({sum(cp > 0xFFFF for cp in cps)} beyond the BMP), {r['seconds']:.0f} s, "
              f"sha256 {r['sha256']}")
    print(f"total {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
