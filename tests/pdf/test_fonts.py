"""The embedded fonts: registration, extraction of non-BMP text, coverage.txt."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from reportlab import rl_config
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfbase.ttfonts import TTFont as RLTTFont
from reportlab.pdfbase.ttfonts import TTFontFace
from reportlab.platypus import Paragraph, SimpleDocTemplate

from pdf import fontcache, fonts
from tests.tools import requires_tools

FONTS_DIR = Path(__file__).resolve().parents[2] / "resources" / "fonts"
RARE = "喆堃昇犇淼珺玥𠈌䶮龑"
SAMPLE = "上海 喆 堃 𠈌 䶮 龑 Latin ǚ ① ○□√×"
HEADINGS = (
    "一、申报单位基本信息 二、申报单位承担项目能力基本情况 三、项目实施方案、资金安排和绩效目标 "
    "四、项目组成员信息 五、申报单位意见 填 报 说 明 上海市知识产权产学研运营联合体 项目申报书 附件清单"
)

needs_poppler = requires_tools("pdftotext", "pdffonts")


@pytest.fixture(autouse=True)
def _invariant(monkeypatch):
    monkeypatch.setattr(rl_config, "invariant", 1)


def read_coverage(path: Path) -> set[int]:
    points: set[int] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        match = re.fullmatch(r"([0-9A-F]{4,6})(?:-([0-9A-F]{4,6}))?", line)
        assert match, f"bad coverage line {line!r}"
        lo = int(match.group(1), 16)
        hi = int(match.group(2) or match.group(1), 16)
        assert lo <= hi
        points.update(range(lo, hi + 1))
    return points


def font_cmap(name: str) -> set[int]:
    font = TTFont(str(fonts.font_path(name)), lazy=True)
    try:
        return {cp for cp, glyph in font.getBestCmap().items() if glyph != ".notdef"}
    finally:
        font.close()


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True,
                          encoding="utf-8").stdout


def draw_canvas(path: Path) -> None:
    fonts.register_fonts()
    canvas = Canvas(str(path), initialFontName=fonts.SONG, initialFontSize=12)
    canvas.setFont(fonts.SONG, 12)
    canvas.drawString(72, 720, SAMPLE)
    canvas.setFont(fonts.HEI, 14)
    canvas.drawString(72, 690, "一、申报单位基本信息 𠈌")
    canvas.showPage()
    canvas.save()


# --- registration ---------------------------------------------------------------------------

def test_font_files_exist_and_are_truetype():
    for name in (fonts.SONG, fonts.HEI):
        path = fonts.font_path(name)
        assert path.parent == FONTS_DIR
        assert path.stat().st_size < 20 * 1024 * 1024
        assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # glyf outlines, not CFF


def test_font_path_rejects_unknown_names():
    with pytest.raises(ValueError):
        fonts.font_path("Helvetica")


def test_register_fonts_is_idempotent():
    from reportlab.pdfbase import pdfmetrics

    fonts.register_fonts()
    first = pdfmetrics.getFont(fonts.SONG)
    fonts.register_fonts()
    assert pdfmetrics.getFont(fonts.SONG) is first
    assert {fonts.SONG, fonts.HEI} <= set(pdfmetrics.getRegisteredFontNames())


def test_bundle_folder_is_used_when_frozen(monkeypatch, tmp_path):
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    monkeypatch.setattr("sys._MEIPASS", str(tmp_path), raising=False)
    assert fonts.font_path(fonts.SONG) == tmp_path / "resources" / "fonts" / "ShenbaoSong.ttf"


def test_to_unicode_cmap_uses_surrogate_pairs():
    cmap = fonts.to_unicode_cmap("AAAAAA+X", [0, 0x4E0A, 0x2020C])
    assert "<00> <0000>" in cmap
    assert "<01> <4E0A>" in cmap
    assert "<02> <D840DE0C>" in cmap


# --- PDF output -----------------------------------------------------------------------------

@needs_poppler
def test_canvas_text_extracts_exactly(tmp_path):
    pdf = tmp_path / "canvas.pdf"
    draw_canvas(pdf)
    lines = [line for line in run("pdftotext", "-layout", str(pdf), "-").splitlines()
             if line.strip()]
    assert lines[0].strip() == SAMPLE
    assert lines[1].strip() == "一、申报单位基本信息 𠈌"


@needs_poppler
def test_paragraph_text_extracts_exactly(tmp_path):
    fonts.register_fonts()
    pdf = tmp_path / "para.pdf"
    doc = SimpleDocTemplate(str(pdf), initialFontName=fonts.SONG)
    body = ParagraphStyle("body", fontName=fonts.SONG, fontSize=12, leading=18)
    head = ParagraphStyle("head", fontName=fonts.HEI, fontSize=14, leading=21)
    doc.build([Paragraph("二、申报单位承担项目能力基本情况", head),
               Paragraph("联系人 喆 堃 𠈌 䶮 龑 and ASCII 123", body)])
    text = run("pdftotext", str(pdf), "-")
    assert "二、申报单位承担项目能力基本情况" in text
    assert "联系人 喆 堃 𠈌 䶮 龑 and ASCII 123" in text


@needs_poppler
def test_only_embedded_truetype_fonts(tmp_path):
    pdf = tmp_path / "fonts.pdf"
    draw_canvas(pdf)
    rows = run("pdffonts", str(pdf)).splitlines()[2:]
    assert rows, "no fonts listed"
    names = set()
    for row in rows:
        # name type... encoding emb sub uni object-id generation
        fields = row.split()
        emb, sub, uni = fields[-5:-2]
        assert "TrueType" in row, row
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        names.add(fields[0].split("+", 1)[1])
    assert names == {"ShenbaoSong-Regular", "ShenbaoHei-Regular"}


def test_non_bmp_glyph_is_drawn_not_notdef():
    fonts.register_fonts()
    from reportlab.pdfbase import pdfmetrics

    face = pdfmetrics.getFont(fonts.SONG).face
    assert face.charToGlyph[0x2020C] != 0
    # reportlab's subset keeps the real glyph for the non-BMP character.
    assert 0x2020C in fonts.covered_codepoints(fonts.SONG)
    width = pdfmetrics.stringWidth("𠈌", fonts.SONG, 10)
    assert width == pytest.approx(10.0)  # a full-width ideograph, not the notdef width


# --- coverage -------------------------------------------------------------------------------

def test_coverage_file_matches_song_cmap():
    path = FONTS_DIR / "coverage.txt"
    assert path.read_text(encoding="utf-8").startswith("# generated by build_fonts.py")
    coverage = read_coverage(path)
    assert coverage == font_cmap(fonts.SONG)
    assert coverage == set(fonts.covered_codepoints(fonts.SONG))


def test_coverage_is_the_cmap_as_registered(monkeypatch):
    """The coverage is made on first use (not at every start), from the cmap as it was when the
    font was registered: code points reportlab adds later while shaping are not "covered"."""
    fonts.register_fonts()
    monkeypatch.setattr(fonts, "_coverage", {})
    monkeypatch.setitem(fonts._fonts[fonts.SONG].face.charToGlyph, 0xF0000, 7)  # as shaping would
    covered = fonts.covered_codepoints(fonts.SONG)
    assert 0xF0000 not in covered and ord("𠈌") in covered


def test_coverage_has_rare_name_characters_and_extensions():
    coverage = read_coverage(FONTS_DIR / "coverage.txt")
    assert {ord(c) for c in RARE} <= coverage
    assert set(range(0x4E00, 0x9FEB)) <= coverage  # CJK Unified Ideographs to Unicode 10
    assert set(range(0x3400, 0x4DB6)) <= coverage  # Extension A as of Unicode 3.0
    assert sum(1 for cp in coverage if cp > 0xFFFF) > 2000
    for block in (range(0x3000, 0x3004), range(0xFF01, 0xFF5F)):
        assert set(block) <= coverage


def test_hei_covers_the_fixed_headings():
    hei = font_cmap(fonts.HEI)
    missing = sorted({c for c in HEADINGS if ord(c) not in hei})
    assert missing == []
    assert {ord(c) for c in RARE} <= hei


# --------------------------------------------------------------------------- the metrics cache


def _same_face(cached, parsed) -> None:
    lazy = {"glyphToChar", "hmetrics", "glyphPos"}  # unpacked when first read
    skip = {"_pdfScale", "_ttf_data", "_glyph_to_char", "_packed_hmetrics", "_packed_glyph_pos", *lazy}
    assert {k: v for k, v in vars(cached).items() if k not in skip} == \
        {k: v for k, v in vars(parsed).items() if k not in skip}
    assert cached._ttf_data[:] == parsed._ttf_data  # the cached face maps the file (mmap)
    for name in sorted(lazy):
        got, want = getattr(cached, name), getattr(parsed, name)
        assert (got if isinstance(want, dict) else list(got)) == want, name
    for name in ("hmetrics", "glyphPos"):  # sequences over the stored arrays, read as reportlab's lists
        got, want = getattr(cached, name), getattr(parsed, name)
        assert len(got) == len(want) and got[-1] == want[-1] and list(got[5:9]) == want[5:9], name
    assert [cached._pdfScale(v) for v in (0, 1, 977, -213)] == [parsed._pdfScale(v) for v in (0, 1, 977, -213)]


@pytest.mark.parametrize("name", [fonts.SONG, fonts.HEI])
def test_bundled_fonts_load_from_their_cache_as_parsed(name):
    """The cache beside the fonts matches them (else run ``python -m pdf.fontcache``) and gives
    exactly what reportlab's parse gives."""
    path = fonts.font_path(name)
    cached = fontcache.load_face(path)
    assert isinstance(cached, fontcache.CachedFace), "stale cache: run python -m pdf.fontcache"
    _same_face(cached, TTFontFace(str(path)))


def test_a_changed_font_is_parsed_not_read_from_a_stale_cache(tmp_path):
    song, hei = fonts.font_path(fonts.SONG), fonts.font_path(fonts.HEI)
    # the cache of another font: never used for this one
    face = fontcache.load_face(hei, cache=fontcache.cache_path(song))
    assert not isinstance(face, fontcache.CachedFace)
    assert face.name == TTFontFace(str(hei)).name
    # a font changed after its cache was written: parsed again
    copy = tmp_path / "Song.ttf"
    copy.write_bytes(song.read_bytes())
    fontcache.write_cache(copy)
    assert isinstance(fontcache.load_face(copy), fontcache.CachedFace)
    copy.write_bytes(song.read_bytes() + b"\0\0\0\0")
    assert not isinstance(fontcache.load_face(copy), fontcache.CachedFace)
    # the same size, one byte different in a table the parse reads (before and after the
    # outlines in the file) or in the table directory (a checksum): parsed again
    tables = TTFontFace(str(song)).table
    for where in [tables[tag]["offset"] + tables[tag]["length"] // 2 for tag in ("cmap", "hmtx")] + [19]:
        copy.write_bytes(song.read_bytes())
        fontcache.write_cache(copy)
        changed = bytearray(song.read_bytes())
        changed[where] ^= 0x01
        copy.write_bytes(bytes(changed))
        assert not isinstance(fontcache.load_face(copy), fontcache.CachedFace), where
    # a damaged cache: parsed again
    fontcache.cache_path(copy).write_bytes(b"SHENBAO-FONT-METRICS" + b"garbage")
    assert not isinstance(fontcache.load_face(copy), fontcache.CachedFace)


def test_changed_outlines_are_embedded_from_the_font_itself(tmp_path):
    """The glyph outlines (``glyf``) are not part of the cache, nor of its key: a subset copies
    them from the font file, so a font whose outlines changed embeds its new outlines, exactly
    as reportlab's own parse of it would."""
    song = fonts.font_path(fonts.SONG)
    copy = tmp_path / "Song.ttf"
    copy.write_bytes(song.read_bytes())
    fontcache.write_cache(copy)
    parsed = TTFontFace(str(song))
    glyph = parsed.charToGlyph[ord("申")]
    start = parsed.table["glyf"]["offset"] + parsed.glyphPos[glyph]
    changed = bytearray(song.read_bytes())
    changed[start + 12] ^= 0xFF  # inside the outline of 申
    copy.write_bytes(bytes(changed))
    cached, reparsed = fontcache.load_face(copy), TTFontFace(str(copy))
    assert isinstance(cached, fontcache.CachedFace)
    subset = [0, ord("申"), ord("报")]
    assert cached.makeSubset(subset) == reparsed.makeSubset(subset) != parsed.makeSubset(subset)


def test_registered_font_is_set_up_as_reportlab_sets_it_up():
    fonts.register_fonts()
    ours = fonts._fonts[fonts.SONG]
    plain = RLTTFont("Plain", str(fonts.font_path(fonts.SONG)))
    assert set(vars(ours)) == set(vars(plain))
    assert (ours._asciiReadable, ours.shapable) == (plain._asciiReadable, plain.shapable)


def test_a_cached_font_is_not_read_into_memory_whole():
    """Loading from the cache maps the font file instead of reading its 10–14 MB (issue 13:
    peak memory); reportlab still gets every byte it slices for a subset."""
    import tracemalloc

    path = fonts.font_path(fonts.SONG)
    tracemalloc.start()
    try:
        face = fontcache.load_face(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(face, fontcache.CachedFace)
    # the metrics alone take about 0.9× the file's size; read whole, the file adds 1×
    assert peak < 1.5 * path.stat().st_size, f"{peak / 2**20:.1f} MB traced while loading"
    assert face._ttf_data[-64:] == path.read_bytes()[-64:]


@pytest.mark.parametrize("name", [fonts.SONG, fonts.HEI])
def test_a_subset_from_the_cached_face_is_reportlabs_own(name):
    """The cached face hands reportlab the glyphs from the mapped file without copying the
    whole glyf table; the embedded subset is byte for byte what reportlab's parse makes."""
    path = fonts.font_path(name)
    cached, parsed = fontcache.load_face(path), TTFontFace(str(path))
    text = "上海市知识产权产学研运营联合体项目申报书（一）、。ABCxyz019@é𠈌"
    subset = [0] + [ord(ch) for ch in text if ord(ch) in parsed.charToGlyph]
    assert cached.makeSubset(subset) == parsed.makeSubset(subset)
