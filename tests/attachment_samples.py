"""Sample attachment files for the tests, built from scratch (no binary fixtures in the tree).

Every builder returns the bytes of a real file: clean and hostile PDFs (reportlab + pypdf),
encrypted and truncated PDFs, PNG/JPEG images in various modes and orientations, broken images,
a hand-made PNG decompression bomb, and files that only pretend to be PDFs.
"""

from __future__ import annotations

import functools
import io
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Sequence

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.annotations import Link
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

#: Text printed on the pages of :func:`clean_pdf` (ASCII: the standard fonts need no embedding).
PAGE_TEXTS = ("Shenbao sample attachment page one", "Shenbao sample attachment page two")
#: The visible value of the form field in :func:`hostile_pdf` (drawn by its appearance stream).
FIELD_TEXT = "Filled field value"
#: Text of an annotation appearance that is flagged hidden: it must never be printed.
HIDDEN_TEXT = "Hidden annotation text"
JS_CODE = "app.alert('pwned');"

A4 = (595.2756, 841.8898)


# --- PDFs ------------------------------------------------------------------------------------


def clean_pdf(texts: Sequence[str] = PAGE_TEXTS, pagesize: tuple[float, float] = A4) -> bytes:
    """A plain PDF made by reportlab: one page per text, the text near the top left."""
    import reportlab.rl_config as rl_config
    from reportlab.pdfgen.canvas import Canvas

    saved = rl_config.invariant
    rl_config.invariant = 1
    try:
        out = io.BytesIO()
        canvas = Canvas(out, pagesize=pagesize)
        for text in texts:
            canvas.setFont("Helvetica", 14)
            canvas.drawString(72, pagesize[1] - 100, text)
            canvas.rect(72, 72, 100, 50, fill=1)
            canvas.showPage()
        canvas.save()
        return out.getvalue()
    finally:
        rl_config.invariant = saved


def _js_action(code: str = JS_CODE) -> DictionaryObject:
    return DictionaryObject({
        NameObject("/Type"): NameObject("/Action"),
        NameObject("/S"): NameObject("/JavaScript"),
        NameObject("/JS"): TextStringObject(code),
    })


def _rect(*values: float) -> ArrayObject:
    return ArrayObject(FloatObject(v) for v in values)


def _text_form(writer: PdfWriter, text: str, width: float = 200, height: float = 20) -> object:
    """An appearance stream (form XObject) drawing ``text`` in Helvetica."""
    font = DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    })
    stream = DecodedStreamObject()
    stream.set_data(f"BT /Helv 10 Tf 2 6 Td ({text}) Tj ET".encode("ascii"))
    stream.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): _rect(0, 0, width, height),
        NameObject("/Resources"): DictionaryObject({
            NameObject("/Font"): DictionaryObject({NameObject("/Helv"): writer._add_object(font)}),
        }),
    })
    return writer._add_object(stream)


def hostile_pdf() -> bytes:
    """:func:`clean_pdf` plus everything a sanitiser must remove.

    Document /OpenAction JavaScript, document and page /AA, /Names /JavaScript, an embedded
    file (/Names /EmbeddedFiles), a /Launch link, a /URI link, an AcroForm text field (with a
    printable appearance and its own /AA) plus XFA, a FileAttachment annotation, a hidden
    annotation, an outline with a JavaScript action, and — tucked inside the page resources — an
    ExtGState carrying an /AA and a reference back to the catalog.
    """
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(clean_pdf())))
    root = writer.root_object
    root[NameObject("/OpenAction")] = writer._add_object(_js_action())
    root[NameObject("/AA")] = DictionaryObject({NameObject("/WC"): _js_action("app.alert('close');")})
    root[NameObject("/URI")] = DictionaryObject(
        {NameObject("/Base"): TextStringObject("https://example.com/")}
    )
    writer.add_open_action(JavaScript(JS_CODE))  # pypdf: goes into /Names /JavaScript
    writer.add_attachment("payload.exe", b"MZ\x90\x00 fake executable payload")

    page = writer.pages[0]
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): _js_action("app.alert('page');")})

    launch = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Link"),
        NameObject("/Rect"): _rect(72, 600, 272, 620),
        NameObject("/Border"): ArrayObject([NumberObject(0)] * 3),
        NameObject("/A"): DictionaryObject({
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
            NameObject("/Win"): DictionaryObject({NameObject("/F"): TextStringObject("cmd.exe")}),
        }),
    })
    writer.add_annotation(page_number=0, annotation=launch)
    link = Link(rect=(72, 560, 272, 580), url="https://example.com/x")
    writer.add_annotation(page_number=0, annotation=link)

    field = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Widget"),
        NameObject("/FT"): NameObject("/Tx"),
        NameObject("/T"): TextStringObject("field1"),
        NameObject("/V"): TextStringObject(FIELD_TEXT),
        NameObject("/F"): NumberObject(4),  # Print
        NameObject("/Rect"): _rect(72, 500, 272, 520),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): _text_form(writer, FIELD_TEXT)}),
        NameObject("/AA"): DictionaryObject({NameObject("/K"): _js_action("event.value='x';")}),
    })
    field_ref = writer._add_object(field)
    hidden = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/Stamp"),
        NameObject("/F"): NumberObject(4 | 2),  # Print + Hidden
        NameObject("/Rect"): _rect(72, 450, 272, 470),
        NameObject("/AP"): DictionaryObject({NameObject("/N"): _text_form(writer, HIDDEN_TEXT)}),
    })
    attachment_spec = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Filespec"),
        NameObject("/F"): TextStringObject("other.exe"),
        NameObject("/EF"): DictionaryObject(
            {NameObject("/F"): writer._add_object(_embedded_file(b"MZ other"))}
        ),
    }))
    file_annot = DictionaryObject({
        NameObject("/Type"): NameObject("/Annot"),
        NameObject("/Subtype"): NameObject("/FileAttachment"),
        NameObject("/Rect"): _rect(300, 600, 320, 620),
        NameObject("/FS"): attachment_spec,
    })
    annots = page["/Annots"].get_object()
    annots.append(field_ref)
    annots.append(writer._add_object(hidden))
    annots.append(writer._add_object(file_annot))

    xfa = DecodedStreamObject()
    xfa.set_data(b"<xdp:xdp xmlns:xdp='http://ns.adobe.com/xdp/'><script>app.alert(1)</script></xdp:xdp>")
    root[NameObject("/AcroForm")] = DictionaryObject({
        NameObject("/Fields"): ArrayObject([field_ref]),
        NameObject("/XFA"): writer._add_object(xfa),
    })

    outline = writer.add_outline_item(title="Chapter", page_number=0)
    outline.get_object()[NameObject("/A")] = _js_action("app.alert('outline');")

    resources = page["/Resources"].get_object()
    resources[NameObject("/ExtGState")] = DictionaryObject({
        NameObject("/GSx"): DictionaryObject({
            NameObject("/Type"): NameObject("/ExtGState"),
            NameObject("/CA"): FloatObject(1),
            NameObject("/AA"): DictionaryObject({NameObject("/O"): _js_action()}),
            NameObject("/Back"): root.indirect_reference,
        }),
    })
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _embedded_file(data: bytes) -> DecodedStreamObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    stream[NameObject("/Type")] = NameObject("/EmbeddedFile")
    return stream


_ENCRYPT = """
import io, sys
from pypdf import PdfReader, PdfWriter
writer = PdfWriter(clone_from=PdfReader(io.BytesIO(sys.stdin.buffer.read())))
writer.encrypt(user_password=sys.argv[1], owner_password="owner-pw", algorithm=sys.argv[2])
out = io.BytesIO()
writer.write(out)
sys.stdout.buffer.write(out.getvalue())
"""


@functools.cache
def encrypted_pdf(user_password: str = "secret", algorithm: str = "AES-128") -> bytes:
    """:func:`clean_pdf` encrypted (pypdf's algorithm names: RC4-40, RC4-128, AES-128,
    AES-256); ``user_password=""`` opens without a password. Made by a Python of its own: the
    program's pypdf has no cryptography backend (forms/__init__.py), so it cannot encrypt with
    AES — which is the point."""
    done = subprocess.run([sys.executable, "-c", _ENCRYPT, user_password, algorithm], input=clean_pdf(),
                          capture_output=True, check=True, timeout=60)
    return done.stdout


def truncated_pdf() -> bytes:
    """The first 60 % of :func:`clean_pdf`: no xref, no trailer, no %%EOF."""
    data = clean_pdf()
    return data[: len(data) * 6 // 10]


def empty_pdf() -> bytes:
    """A well-formed PDF whose page tree has no pages."""
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


def pdf_with_page_box(rotate: int = 0, mediabox=(0, 0, 400, 300), cropbox=None) -> bytes:
    """One page, content drawn in user space: a black square in the top-left corner of the
    crop box and marker text; ``/Rotate`` and an optional crop box set on the page."""
    x0, y0, x1, y1 = cropbox or mediabox
    size = min(x1 - x0, y1 - y0) / 3
    writer = PdfWriter()
    page = writer.add_blank_page(width=1, height=1)
    page[NameObject("/MediaBox")] = _rect(*mediabox)
    if cropbox:
        page[NameObject("/CropBox")] = _rect(*cropbox)
    if rotate:
        page[NameObject("/Rotate")] = NumberObject(rotate)
    font = writer._add_object(DictionaryObject({
        NameObject("/Type"): NameObject("/Font"),
        NameObject("/Subtype"): NameObject("/Type1"),
        NameObject("/BaseFont"): NameObject("/Helvetica"),
    }))
    page[NameObject("/Resources")] = DictionaryObject({
        NameObject("/Font"): DictionaryObject({NameObject("/F1"): font}),
    })
    content = DecodedStreamObject()
    # Everything outside the crop box is painted too (grey frame over the whole media box): a
    # correct sanitiser clips it away.
    mx0, my0, mx1, my1 = mediabox
    content.set_data(
        (
            f"0.5 g {mx0} {my0} {mx1 - mx0} {my1 - my0} re f "
            f"1 g {x0} {y0} {x1 - x0} {y1 - y0} re f "
            f"0 g {x0} {y1 - size} {size} {size} re f "
            f"BT /F1 12 Tf {x0 + size + 10} {y1 - 20} Td (Rotated marker) Tj ET"
        ).encode("ascii")
    )
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def unbalanced_pdf() -> bytes:
    """A page whose content pops a graphics state it never pushed, then paints a black square
    at its origin: merged naively onto another page, the ``Q`` pops the placement (scale,
    offset, clip) and the square lands at the other page's origin."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    content = DecodedStreamObject()
    content.set_data(b"Q 0 g 0 0 50 50 re f")
    page[NameObject("/Contents")] = writer._add_object(content)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_named_pdf() -> bytes:
    """A ZIP archive (what a .docx is), as if someone renamed it to .pdf."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def exe_named_pdf() -> bytes:
    """The first bytes of a Windows executable."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def text_file() -> bytes:
    return "这是一个纯文本文件，不是 PDF。\nplain text\n".encode("utf-8")


# --- images ----------------------------------------------------------------------------------


def quadrant_image(size: tuple[int, int] = (160, 100), mode: str = "RGB") -> Image.Image:
    """Top-left quadrant black, top-right grey, bottom half white: every flip or turn of it
    looks different, so orientation mistakes are visible."""
    image = Image.new("RGB", size, "white")
    image.paste((0, 0, 0), (0, 0, size[0] // 2, size[1] // 2))
    image.paste((128, 128, 128), (size[0] // 2, 0, size[0], size[1] // 2))
    return image.convert(mode)


def _save_quadrant(size: tuple[int, int], mode: str, fmt: str, dpi: float | None,
                   orientation: int | None, **params) -> bytes:
    """:func:`quadrant_image` saved as ``fmt``, with a resolution and an EXIF Orientation tag."""
    if dpi:
        params["dpi"] = (dpi, dpi)
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        params["exif"] = exif.tobytes()
    out = io.BytesIO()
    quadrant_image(size, mode).save(out, fmt, **params)
    return out.getvalue()


def png(
    size: tuple[int, int] = (160, 100),
    mode: str = "RGB",
    dpi: float | None = None,
    orientation: int | None = None,
) -> bytes:
    """A PNG of :func:`quadrant_image`, optionally with a resolution and an EXIF orientation."""
    return _save_quadrant(size, mode, "PNG", dpi, orientation)


def png_rgba() -> bytes:
    """Transparent everywhere except an opaque black top-left quadrant."""
    image = Image.new("RGBA", (160, 100), (255, 0, 0, 0))
    image.paste((0, 0, 0, 255), (0, 0, 80, 50))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def png_16bit_gray() -> bytes:
    """:func:`quadrant_image` as 16-bit grey (what some scanners write), at 72 dpi."""
    image = Image.new("I;16", (160, 100), 65535)
    image.paste(0, (0, 0, 80, 50))
    image.paste(128 * 257, (80, 0, 160, 50))
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(72, 72))
    return out.getvalue()


def jpeg(
    size: tuple[int, int] = (160, 100),
    mode: str = "RGB",
    orientation: int | None = None,
    dpi: float | None = None,
    progressive: bool = False,
) -> bytes:
    """A JPEG of :func:`quadrant_image`; ``orientation`` stores an EXIF Orientation tag (the
    pixels are stored as is, so a viewer that honours the tag shows them transposed)."""
    return _save_quadrant(size, mode, "JPEG", dpi, orientation, quality=95, progressive=progressive)


def truncated_png() -> bytes:
    data = png((400, 300))
    return data[: len(data) // 2]


def truncated_jpeg() -> bytes:
    noisy = Image.effect_noise((400, 300), 64).convert("RGB")
    out = io.BytesIO()
    noisy.save(out, "JPEG", quality=90)
    data = out.getvalue()
    return data[: len(data) // 2]


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_declaring(width: int, height: int) -> bytes:
    """A hand-made PNG whose IHDR declares ``width`` × ``height`` RGB pixels (correct CRCs) with
    a tiny IDAT: a decompression bomb's header, without the gigabytes behind it."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )
