"""pdf.sanitize, pdf.geometry, pdf.images: sanitised PDF pages and images placed on A4, checked with real tools.

qpdf checks structure, poppler (pdftotext, pdfinfo, pdftoppm) reads text and renders pixels, and
pypdf walks every object.
"""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    TextStringObject,
)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from pdf import layout
from pdf.geometry import Placement, fit_into_box, fit_page_to_a4, merge_onto, page_geometry
from pdf.images import draw_image_page, image_page_size
from pdf.sanitize import FORBIDDEN_NAMES, _Copier, assert_clean_pdf, sanitize_pdf, sanitized_pdf_pages
from tests import attachment_samples as samples
from tests.tools import requires_tools

pytestmark = requires_tools("qpdf", "pdftotext", "pdfinfo", "pdftoppm")

A4_W, A4_H = A4
#: The printer's own attachment area, on a right-hand page (the one box there is).
BOX = layout.attachment_box(1, simplex=False)
#: The raw tokens that must not appear in an uncompressed sanitised file (a name ends at a
#: delimiter or white space, so /AAAAAA+Font would not count).
RAW_FORBIDDEN = [b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/OpenAction", b"/AA", b"/URI",
                 b"/AcroForm", b"/Annots", b"/XFA"]


def run(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, check=False, timeout=60)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_of(path: Path) -> str:
    result = run("pdftotext", "-layout", path, "-")
    assert result.returncode == 0, result.stderr
    return result.stdout


def render(path: Path, dpi: int = 72, page: int = 1, box: str = "crop") -> Image.Image:
    """One page (its crop box, as viewers show it, or its whole media box) as a grey image,
    without anti-aliasing so pixel tests stay crisp."""
    out = path.with_name(f"{path.stem}-{box}")
    crop = ["-cropbox"] if box == "crop" else []
    result = run("pdftoppm", "-r", str(dpi), "-gray", "-aa", "no", "-aaVector", "no", *crop,
                 "-f", str(page), "-l", str(page), "-singlefile", path, out)
    assert result.returncode == 0, result.stderr
    with Image.open(out.with_suffix(".pgm")) as image:
        return image.convert("L").copy()


def raw_tokens(path: Path, tmp_path: Path) -> list[bytes]:
    """Forbidden tokens found in the file once qpdf has uncompressed every stream."""
    qdf = tmp_path / (path.stem + ".qdf.pdf")
    result = run("qpdf", "--qdf", "--object-streams=disable", path, qdf)
    assert result.returncode == 0, result.stderr
    raw = qdf.read_bytes()
    return [token for token in RAW_FORBIDDEN if re.search(re.escape(token) + rb"(?![A-Za-z0-9#+_.-])", raw)]


def forbidden_by_walking(data: bytes) -> set[str]:
    """An independent walk (not the module's): every object listed in the xref, every key and
    every name value."""
    reader = PdfReader(io.BytesIO(data))
    found: set[str] = set()
    stack: list[object] = [reader.trailer]
    for gen, entries in reader.xref.items():
        for idnum in entries:
            stack.append(IndirectObject(idnum, gen, reader).get_object())
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):
            found.update(key for key in item if key in FORBIDDEN_NAMES)
            stack.extend(value for value in item.values() if not isinstance(value, IndirectObject))
        elif isinstance(item, ArrayObject):
            stack.extend(value for value in item if not isinstance(value, IndirectObject))
        elif isinstance(item, NameObject) and item in FORBIDDEN_NAMES:
            found.add(str(item))
    return found


# --- the hostile file ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile() -> bytes:
    return samples.hostile_pdf()


def test_the_hostile_sample_really_is_hostile(hostile: bytes, tmp_path: Path) -> None:
    """Guards the test itself: every threat is present before sanitising."""
    path = write(tmp_path, "hostile.pdf", hostile)
    assert run("qpdf", "--check", path).returncode == 0
    assert set(raw_tokens(path, tmp_path)) >= {b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile",
                                               b"/OpenAction", b"/AA", b"/URI", b"/AcroForm", b"/Annots"}
    assert run("pdfinfo", "-js", path).stdout.strip()
    assert PdfReader(io.BytesIO(hostile)).attachments
    with pytest.raises(ValueError, match="forbidden"):
        assert_clean_pdf(hostile)


def test_sanitised_hostile_pdf(hostile: bytes, tmp_path: Path) -> None:
    clean = sanitize_pdf(hostile)
    path = write(tmp_path, "clean.pdf", clean)

    check = run("qpdf", "--check", path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "No syntax or stream encoding errors" in check.stdout

    text = text_of(path)
    for page_text in samples.PAGE_TEXTS:
        assert page_text in text
    assert samples.FIELD_TEXT in text  # the printed look of the filled field is kept
    assert samples.HIDDEN_TEXT not in text  # a hidden annotation is not printed

    assert raw_tokens(path, tmp_path) == []
    assert forbidden_by_walking(clean) == set()
    assert_clean_pdf(clean)
    js = run("pdfinfo", "-js", path)
    assert js.returncode == 0 and js.stdout == ""

    reader = PdfReader(io.BytesIO(clean))
    assert len(reader.pages) == 2
    assert set(reader.trailer["/Root"]) == {"/Type", "/Pages"}
    assert reader.attachments == {}
    for page in reader.pages:
        assert "/Annots" not in page and "/AA" not in page
        assert page.rotation == 0
        assert [float(v) for v in page.mediabox] == pytest.approx([0, 0, A4_W, A4_H], abs=1e-3)
    assert b"app.alert" not in Path(tmp_path / "clean.qdf.pdf").read_bytes()


def test_annotations_can_be_dropped_without_flattening(hostile: bytes, tmp_path: Path) -> None:
    path = write(tmp_path, "plain.pdf", sanitize_pdf(hostile, flatten_annotations=False))
    text = text_of(path)
    assert samples.PAGE_TEXTS[0] in text
    assert samples.FIELD_TEXT not in text


def test_sanitised_pages(hostile: bytes) -> None:
    pages = sanitized_pdf_pages(hostile)
    assert len(pages) == 2
    assert "Shenbao sample attachment page two" in pages[1].extract_text()


def test_clean_pdf_is_unchanged_in_look(tmp_path: Path) -> None:
    original = write(tmp_path, "orig.pdf", samples.clean_pdf())
    clean = write(tmp_path, "clean.pdf", sanitize_pdf(original.read_bytes()))
    assert text_of(clean) == text_of(original)
    for page in (1, 2):
        assert images_match(render(original, page=page), render(clean, page=page))


@pytest.mark.parametrize(
    "data",
    [samples.encrypted_pdf(), samples.encrypted_pdf(""), samples.empty_pdf(), samples.zip_named_pdf(), b""],
    ids=["encrypted", "empty-password", "no-pages", "zip", "empty"],
)
def test_unusable_pdfs_raise_value_error(data: bytes) -> None:
    with pytest.raises(ValueError):
        sanitize_pdf(data)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_an_encrypted_pdf_is_refused_as_encrypted_whatever_its_cipher(algorithm: str) -> None:
    # pypdf runs without its cryptography backend (forms/__init__.py): an AES file it cannot
    # decrypt must still be called encrypted, not broken.
    with pytest.raises(ValueError, match="encrypted"):
        sanitize_pdf(samples.encrypted_pdf("", algorithm))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.floats(0, 1), st.integers(1, 255)), min_size=1, max_size=6))
def test_mutated_hostile_pdfs_give_clean_output_or_value_error(flips: list[tuple[float, int]]) -> None:
    data = bytearray(samples.hostile_pdf())
    for where, mask in flips:
        data[min(int(where * len(data)), len(data) - 1)] ^= mask
    try:
        clean = sanitize_pdf(bytes(data))
    except ValueError:
        return
    assert forbidden_by_walking(clean) == set()


# --- geometry: crop box, /Rotate, clipping, isolation ----------------------------------------


def images_match(a: Image.Image, b: Image.Image, tolerance: float = 0.01) -> bool:
    """Same size and at most ``tolerance`` of the pixels differ noticeably."""
    if a.size != b.size:
        return False
    different = sum(1 for x, y in zip(a.tobytes(), b.tobytes(), strict=True) if abs(x - y) > 64)
    return different <= tolerance * a.size[0] * a.size[1]


@pytest.mark.parametrize("rotate", [0, 90, 180, 270, -90, 450])
@pytest.mark.parametrize("cropbox", [None, (50, 20, 350, 280)])
def test_rotated_and_cropped_pages_look_the_same(rotate: int, cropbox, tmp_path: Path) -> None:
    original = write(tmp_path, "orig.pdf", samples.pdf_with_page_box(rotate=rotate, cropbox=cropbox))
    clean = sanitize_pdf(original.read_bytes())
    page = PdfReader(io.BytesIO(clean)).pages[0]
    assert page.rotation == 0
    x0, y0, x1, y1 = cropbox or (0, 0, 400, 300)
    expected = (y1 - y0, x1 - x0) if rotate % 180 else (x1 - x0, y1 - y0)
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(expected)

    clean_path = write(tmp_path, "clean.pdf", clean)
    before, after = render(original), render(clean_path)
    assert images_match(before, after)
    # The grey painted outside the crop box is clipped away for good, even in the media box.
    assert 128 not in set(render(clean_path, box="media").tobytes())
    assert (128 in set(render(original, box="media").tobytes())) == (cropbox is not None)
    assert "Rotated marker" in text_of(clean_path)


@pytest.mark.parametrize("over", [True, False], ids=["over", "under"])  # the printer merges under
def test_content_cannot_escape_its_placement(over: bool, tmp_path: Path) -> None:
    """A page that pops a graphics state it never pushed cannot undo its placement: the page
    lives in a form XObject, whose graphics state stack is its own."""

    def printed(page) -> Image.Image:
        writer = PdfWriter()
        target = writer.add_blank_page(A4_W, A4_H)
        merge_onto(target, page, (300.0, 300.0, 200.0, 200.0), over=over)
        out = io.BytesIO()
        writer.write(out)
        return render(write(tmp_path, "placed.pdf", out.getvalue()))

    [page] = sanitized_pdf_pages(samples.unbalanced_pdf())
    assert page.get_contents().get_data().strip() == b"q 1 0 0 1 0 0 cm /Pg Do Q"
    image = printed(page)
    assert image.getpixel((10, image.size[1] - 10)) == 255  # nothing at the A4 page's origin

    # Control: the same page merged as it is escapes to the origin.
    image = printed(PdfReader(io.BytesIO(samples.unbalanced_pdf())).pages[0])
    assert image.getpixel((10, image.size[1] - 10)) == 0


def test_page_geometry_defaults() -> None:
    writer = PdfWriter()
    page = writer.add_blank_page(100, 50)
    del page[NameObject("/MediaBox")]
    assert (page_geometry(page).width, page_geometry(page).height) == (612, 792)
    page[NameObject("/MediaBox")] = ArrayObject([FloatObject(v) for v in (0, 0, 100, 50)])
    page[NameObject("/Rotate")] = NumberObject(45)
    assert page_geometry(page).rotation == 0
    page[NameObject("/Rotate")] = NumberObject(-90)
    geometry = page_geometry(page)
    assert (geometry.rotation, geometry.width, geometry.height) == (270, 50, 100)
    page[NameObject("/UserUnit")] = FloatObject(2)
    assert (page_geometry(page).width, page_geometry(page).height) == (100, 200)


# --- fitting into A4 -------------------------------------------------------------------------


def corners(placement: Placement, width: float, height: float) -> dict[str, tuple[float, float]]:
    m = placement.matrix

    def apply(x: float, y: float) -> tuple[float, float]:
        return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]

    return {"bottom_left": apply(0, 0), "top_left": apply(0, height), "top_right": apply(width, height)}


def test_attachment_box_leaves_the_binding_and_the_footer_free() -> None:
    """One attachment area, pdf.layout's: the binding margin (≥ 25 mm) on the binding side of
    each page — left on right-hand pages and on every page in simplex, right on left-hand pages
    in duplex — and the footer band below it free."""
    binding = 25 * layout.mm
    for page, simplex in ((1, False), (2, False), (1, True), (2, True)):
        x, y, w, h = layout.attachment_box(page, simplex)
        left, right = x, A4_W - (x + w)
        if layout.binding_left(page, simplex):
            assert left >= binding and left == pytest.approx(layout.BINDING)
            assert right == pytest.approx(layout.ATTACHMENT_OUTER)
        else:
            assert right >= binding and right == pytest.approx(layout.BINDING)
            assert left == pytest.approx(layout.ATTACHMENT_OUTER)
        assert y >= layout.FOOTER_BASELINE + 5 * layout.mm  # clear of the footer line
        assert y + h + layout.ATTACHMENT_CAPTION_HEIGHT == pytest.approx(A4_H - layout.ATTACHMENT_TOP)
    assert layout.attachment_box(2, simplex=True) == layout.attachment_box(1, simplex=True)


def test_portrait_a4_is_scaled_down_and_centred() -> None:
    box = BOX
    placement = fit_into_box(A4_W, A4_H, box)
    assert not placement.rotated and placement.scale < 1
    x, y, w, h = placement.rect
    assert w / h == pytest.approx(A4_W / A4_H)
    assert box[0] <= x and x + w <= box[0] + box[2] + 1e-6
    assert box[1] <= y and y + h <= box[1] + box[3] + 1e-6
    assert x - box[0] == pytest.approx(box[0] + box[2] - (x + w))  # centred across
    assert y - box[1] == pytest.approx(box[1] + box[3] - (y + h))  # and up and down


def test_landscape_is_turned_with_its_top_at_the_binding_edge() -> None:
    box = BOX
    placement = fit_into_box(A4_H, A4_W, box)
    upright = fit_into_box(A4_H, A4_W, box, allow_rotate=False)
    assert placement.rotated and placement.scale > upright.scale
    c = corners(placement, A4_H, A4_W)
    x, y, w, h = placement.rect
    assert c["top_left"] == pytest.approx((x, y))  # the top edge runs up the left side
    assert c["top_right"] == pytest.approx((x, y + h))
    assert not upright.rotated


def test_small_content_is_never_enlarged() -> None:
    placement = fit_into_box(200, 100, (0, 0, 500, 700))
    assert placement.scale == 1 and not placement.rotated
    assert placement.rect == (150, 300, 200, 100)
    assert fit_into_box(200, 100, (0, 0, 500, 700), allow_upscale=True, allow_rotate=False).scale == 2.5
    assert fit_into_box(200, 100, (0, 0, 500, 700), allow_upscale=True).scale == 3.5  # turned
    assert not fit_into_box(300, 300, (0, 0, 200, 200)).rotated


def test_fit_page_to_a4_respects_rotate(tmp_path: Path) -> None:
    reader = PdfReader(io.BytesIO(samples.pdf_with_page_box(rotate=90, mediabox=(0, 0, 800, 600))))
    placement = fit_page_to_a4(reader.pages[0], BOX)
    # Upright the page is 600 × 800 (portrait): no turn needed.
    assert not placement.rotated
    assert placement.rect[2] / placement.rect[3] == pytest.approx(600 / 800)


def test_sanitised_pages_merged_onto_a4(hostile: bytes, tmp_path: Path) -> None:
    writer = PdfWriter()
    landscape = samples.pdf_with_page_box(rotate=0, mediabox=(0, 0, 900, 500))
    for page in sanitized_pdf_pages(hostile) + sanitized_pdf_pages(landscape):
        target = writer.add_blank_page(A4_W, A4_H)
        merge_onto(target, page, BOX)
    out = io.BytesIO()
    writer.write(out)
    path = write(tmp_path, "a4.pdf", out.getvalue())
    assert run("qpdf", "--check", path).returncode == 0
    info = run("pdfinfo", path).stdout
    assert "Pages:           3" in info and "595.276 x 841.89" in info
    text = text_of(path)
    assert samples.PAGE_TEXTS[0] in text and samples.PAGE_TEXTS[1] in text and "Rotated marker" in text
    assert raw_tokens(path, tmp_path) == []


# --- images ----------------------------------------------------------------------------------


def draw(tmp_path: Path, data: bytes, box=BOX, **kwargs) -> tuple[Path, Placement]:
    import reportlab.rl_config as rl_config

    saved, rl_config.invariant = rl_config.invariant, 1
    try:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=A4)
        placement = draw_image_page(canvas, data, box, **kwargs)
        canvas.showPage()
        canvas.save()
    finally:
        rl_config.invariant = saved
    return write(tmp_path, "image.pdf", out.getvalue()), placement


def quadrants(image: Image.Image, rect: tuple[float, float, float, float], dpi: int = 72) -> list[int]:
    """Mean grey of the 2 × 2 quadrants (TL, TR, BL, BR) of ``rect`` (points) on a rendering."""
    s = dpi / 72
    x, y, w, h = rect
    left, top = x * s, image.size[1] - (y + h) * s
    crop = image.crop((round(left) + 2, round(top) + 2, round(left + w * s) - 2, round(top + h * s) - 2))
    return list(crop.resize((2, 2), Image.Resampling.BOX).tobytes())


def expected_quadrants(data: bytes) -> list[int]:
    with Image.open(io.BytesIO(data)) as image:
        shown = ImageOps.exif_transpose(image).convert("L")
    return list(shown.resize((2, 2), Image.Resampling.BOX).tobytes())


@pytest.mark.parametrize(
    "data",
    [
        samples.png(dpi=72),
        samples.png(mode="P", dpi=72),
        samples.png(mode="1", dpi=72),
        samples.png(mode="LA", dpi=72),
        samples.png_16bit_gray(),
        samples.jpeg(dpi=72),
        samples.jpeg(mode="L", dpi=72),
        samples.jpeg(mode="CMYK", dpi=72),
        samples.jpeg(progressive=True, dpi=72),
    ],
    ids=["png", "png-P", "png-1", "png-LA", "png-16bit", "jpeg", "jpeg-L", "jpeg-CMYK", "jpeg-progressive"],
)
def test_images_are_drawn_as_valid_pdf(data: bytes, tmp_path: Path) -> None:
    path, placement = draw(tmp_path, data)
    check = run("qpdf", "--check", path)
    assert check.returncode == 0, check.stdout
    assert "595.276 x 841.89" in run("pdfinfo", path).stdout
    assert "image" in run("pdfimages", "-list", path).stdout
    assert quadrants(render(path), placement.rect) == pytest.approx([0, 128, 255, 255], abs=40)


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("maker", [samples.jpeg, samples.png], ids=["jpeg", "png"])
def test_exif_orientation_is_honoured(maker, orientation: int, tmp_path: Path) -> None:
    data = maker(size=(200, 120), dpi=72, orientation=orientation)
    path, placement = draw(tmp_path, data)
    width, height = image_page_size(data)
    assert (width, height) == pytest.approx((120, 200) if orientation >= 5 else (200, 120), abs=0.1)
    assert placement.rect[2:] == pytest.approx((width, height))
    assert quadrants(render(path), placement.rect) == pytest.approx(expected_quadrants(data), abs=40)


def test_jpeg_is_embedded_without_recompression(tmp_path: Path) -> None:
    data = samples.jpeg(dpi=72)
    path, _ = draw(tmp_path, data)
    page = PdfReader(path).pages[0]
    [image] = [obj.get_object() for obj in page["/Resources"]["/XObject"].values()]
    assert "/DCTDecode" in str(image["/Filter"])
    result = run("pdfimages", "-list", path)
    assert " jpeg " in result.stdout


def test_transparency_prints_on_white(tmp_path: Path) -> None:
    path, placement = draw(tmp_path, samples.png_rgba())
    assert quadrants(render(path), placement.rect) == pytest.approx([0, 255, 255, 255], abs=40)


def test_image_size_from_resolution() -> None:
    assert image_page_size(samples.png((300, 150), dpi=300)) == pytest.approx((72, 36), abs=0.01)
    assert image_page_size(samples.png((300, 150))) == pytest.approx((144, 72))  # 150 dpi assumed
    assert image_page_size(samples.jpeg((300, 150), dpi=1)) == pytest.approx((144, 72))  # implausible dpi


def test_large_landscape_image_is_turned_and_scaled(tmp_path: Path) -> None:
    data = samples.jpeg((3000, 2000), dpi=150)
    _, placement = draw(tmp_path, data)
    box = BOX
    assert placement.rotated and placement.scale < 1
    x, y, w, h = placement.rect
    assert box[0] - 1e-6 <= x and x + w <= box[0] + box[2] + 1e-6
    assert box[1] - 1e-6 <= y and y + h <= box[1] + box[3] + 1e-6
    _, upright = draw(tmp_path, data, allow_rotate=False)
    assert not upright.rotated and upright.scale < placement.scale


@pytest.mark.parametrize(
    "data",
    [samples.png_declaring(100_000, 100_000), samples.png_declaring(9_000, 9_000), samples.truncated_png(),
     samples.text_file(), samples.clean_pdf()],
    ids=["bomb", "over-limit", "truncated", "text", "pdf"],
)
def test_unusable_images_raise_value_error(data: bytes, tmp_path: Path) -> None:
    canvas = Canvas(io.BytesIO(), pagesize=A4)
    with pytest.raises(ValueError):
        draw_image_page(canvas, data, BOX)
    with pytest.raises(ValueError):
        image_page_size(data)


def test_copier_keeps_values_and_scrubs_names() -> None:
    source = DictionaryObject({
        NameObject("/Text"): TextStringObject("中文说明"),
        NameObject("/Bytes"): ByteStringObject(b"\xff\x00\x01"),
        NameObject("/Flag"): BooleanObject(True),
        NameObject("/Real"): FloatObject(1.5),
        NameObject("/List"): ArrayObject(
            [NameObject("/JavaScript"), NumberObject(3), NameObject("/DeviceRGB")]
        ),
        NameObject("/AA"): DictionaryObject(),
        NameObject("/Action"): DictionaryObject({NameObject("/S"): NameObject("/URI")}),
    })
    copied = _Copier(PdfWriter()).copy(source)
    original, result = io.BytesIO(), io.BytesIO()
    for key in ("/Text", "/Bytes", "/Flag", "/Real"):
        source[key].write_to_stream(original)
        copied[key].write_to_stream(result)
    assert result.getvalue() == original.getvalue()
    assert isinstance(copied["/List"][0], NullObject)
    assert list(copied["/List"])[1:] == [3, "/DeviceRGB"]
    assert "/AA" not in copied and "/Action" not in copied
