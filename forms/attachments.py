"""Attachment files: what they really are, and whether the printer can use them.

Users attach PDF, PNG or JPEG files (spec §2 ``attachments[].file``); they are printed after the
form. Files come from anywhere, including a colleague's exported draft, so everything here treats
the bytes as hostile: the verdict is decided by the content (magic bytes, then a real parse with
pypdf or Pillow), never by the file name, and no input makes these functions raise — anything
pypdf or Pillow throws becomes an ``attachment_invalid`` finding (spec §3).

Headless and free of reportlab/Qt, so the editor, ``validate`` and the printer share one verdict.
The printer then uses :mod:`pdf.attachments` to sanitise and place what passed.

pypdf, Pillow and logging are imported by the first inspection, not with this module: the
limits and sniffing here are read by code (reading a draft file, ``validate`` of a draft without
attachments) that must not pay for them.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import math
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from forms.messages import megabytes
from forms.problems import Finding

MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
#: Page content a PDF attachment may expand to, and the time its check may take.
MAX_PDF_DECODED_BYTES = 400 * 1024 * 1024
PDF_CHECK_SECONDS = 8.0
#: Pixel limit for images (decompression bombs). Below Pillow's own default (≈ 89.5 M).
MAX_IMAGE_PIXELS = 80_000_000
#: Page limit for PDFs; keeps inspection and printing bounded in time.
MAX_PDF_PAGES = 2000
#: A complete PDF ends with ``%%EOF``; it must appear within this many bytes of the end.
PDF_EOF_WINDOW = 4096

KINDS = ("pdf", "png", "jpeg")
MIME_TYPES = {"pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg"}
#: The Pillow plugin that must parse each image kind (``Image.open(formats=...)``).
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG"}

#: Pillow modes :func:`pdf.attachments.draw_image_page` knows how to turn into printable pixels.
PRINTABLE_MODES = frozenset({
    "1", "L", "LA", "La", "P", "PA", "RGB", "RGBA", "RGBa", "RGBX", "CMYK", "YCbCr",
    "I", "I;16", "I;16L", "I;16B", "I;16N",
})

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PDF_SIGNATURE = b"%PDF-"
_PDF_HEADER_WINDOW = 1024

#: (magic prefix, offset, description) of formats people attach by mistake.
_LOOKALIKES: tuple[tuple[bytes, int, str], ...] = (
    (b"PK\x03\x04", 0, "ZIP 压缩包（也可能是 Word、Excel、WPS 等新版 Office 文档）"),
    (b"PK\x05\x06", 0, "空的 ZIP 压缩包"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "旧版 Word/Excel/PowerPoint 文档（.doc/.xls/.ppt）"),
    (b"MZ", 0, "Windows 可执行程序（.exe/.dll）"),
    (b"\x7fELF", 0, "Linux 可执行程序"),
    (b"\xcf\xfa\xed\xfe", 0, "macOS 可执行程序"),
    (b"Rar!\x1a\x07", 0, "RAR 压缩包"),
    (b"7z\xbc\xaf\x27\x1c", 0, "7z 压缩包"),
    (b"\x1f\x8b", 0, "gzip 压缩文件"),
    (b"GIF87a", 0, "GIF 图片"),
    (b"GIF89a", 0, "GIF 图片"),
    (b"BM", 0, "BMP 图片"),  # only with its reserved bytes zero, see describe_content
    (b"II*\x00", 0, "TIFF 图片"),
    (b"MM\x00*", 0, "TIFF 图片"),
    (b"ftypheic", 4, "HEIC 图片（苹果手机照片）"),
    (b"ftypheix", 4, "HEIC 图片（苹果手机照片）"),
    (b"ftypmif1", 4, "HEIF 图片"),
    (b"ftypavif", 4, "AVIF 图片"),
    (b"{\\rtf", 0, "RTF 文档"),
    (b"%!PS", 0, "PostScript 文件"),
    (b"SQLite format 3\x00", 0, "SQLite 数据库"),
    (b"<?xml", 0, "XML 文本文件"),
)


# --- pypdf's log records ---------------------------------------------------------------------
#
# pypdf reports every robustness fix of a damaged file ("incorrect startxref pointer") through
# the logging module; with no logging set up they end on stderr, under a command that succeeded.
# The verdict of an inspection is our own finding, so records logged by a thread inside
# quiet_pypdf() are dropped; others pass on to the root logger's handlers exactly as before.

_QUIET = threading.local()
# warnings.catch_warnings() swaps the process-wide filter list: two threads inside it at once can
# leave the other's filters installed (an "error" filter for DecompressionBombWarning outliving
# an inspection would break every later image). Our inspections take turns.
_WARNINGS_LOCK = threading.RLock()


_GATE_LOCK = threading.Lock()
_gate_installed = False


def _install_gate() -> None:
    """Put the gate on pypdf's logger (once, before pypdf first reads anything for us)."""
    global _gate_installed
    if _gate_installed:
        return
    import logging

    class _PypdfGate(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            if getattr(_QUIET, "depth", 0):
                return
            root = logging.getLogger()
            if record.levelno >= root.getEffectiveLevel():
                root.handle(record)

    with _GATE_LOCK:
        logger = logging.getLogger("pypdf")
        if not any(type(h).__name__ == "_PypdfGate" for h in logger.handlers):
            logger.addHandler(_PypdfGate())
            logger.propagate = False
        _gate_installed = True


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Drop pypdf's log records in this thread while inside (other threads are untouched)."""
    _install_gate()
    depth = getattr(_QUIET, "depth", 0)
    _QUIET.depth = depth + 1
    try:
        yield
    finally:
        _QUIET.depth = depth


@dataclass(frozen=True)
class AttachmentInfo:
    """What an acceptable attachment is: its kind (:data:`KINDS`), page count (1 for images)
    and MIME type."""

    kind: str
    pages: int
    mime: str


def file_sha256(data: bytes) -> str:
    """Hex SHA-256 of an attachment's bytes (identity for de-duplication and the draft file)."""
    return hashlib.sha256(data).hexdigest()


def sniff_kind(data: bytes) -> str | None:
    """``"pdf"``, ``"png"`` or ``"jpeg"`` judged by magic bytes only, else ``None``.

    PNG and JPEG must start at byte 0; ``%PDF-`` may follow up to 1024 bytes of junk, as PDF
    readers allow.
    """
    head = bytes(data[:_PDF_HEADER_WINDOW])
    if head.startswith(_PNG_SIGNATURE):
        return "png"
    if head.startswith(_JPEG_SIGNATURE):
        return "jpeg"
    if _PDF_SIGNATURE in head:
        return "pdf"
    return None


def describe_content(data: bytes) -> str:
    """A short Chinese description of what bytes that are not PDF/PNG/JPEG look like."""
    head = bytes(data[:64])
    for magic, offset, what in _LOOKALIKES:
        if head[offset:offset + len(magic)] == magic:
            if magic == b"BM" and head[6:10] != b"\0\0\0\0":
                continue  # a text that happens to start with "BM"
            return what
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "WebP 图片"
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "网页（HTML）文件"
    if lowered.startswith(b"<svg"):
        return "SVG 图片"
    if _looks_like_text(bytes(data[:4096])):
        return "纯文本文件"
    return "无法识别格式的文件"


def inspect_attachment(data: bytes, name: str = "") -> AttachmentInfo | Finding:
    """Decide whether ``data`` can be printed as an attachment.

    Returns :class:`AttachmentInfo` for a usable file, otherwise a :class:`Finding` with code
    ``attachment_invalid`` and a Chinese message naming the file (``name``, shown only). Never
    raises on any input.
    """
    label = f"附件“{name}”" if name else "附件"
    try:
        size = len(data)
        if size == 0:
            return _invalid("empty", label=label)
        if size > MAX_ATTACHMENT_BYTES:
            return _invalid("size", label=label, size=megabytes(size), limit=megabytes(MAX_ATTACHMENT_BYTES))
        kind = sniff_kind(data)
        if kind is None:
            what = describe_content(data)
            if what[:1].isascii():
                what = " " + what
            return _invalid("kind", label=label, what=what)
        if kind == "pdf":
            return _inspect_pdf(bytes(data), label)
        return _inspect_image(bytes(data), kind, label)
    except Exception:  # noqa: BLE001 - the last line of defence: hostile input never raises
        return _invalid("unreadable_content", label=label)


# --- PDF -------------------------------------------------------------------------------------


def _inspect_pdf(data: bytes, label: str) -> AttachmentInfo | Finding:
    from pypdf import PdfReader

    broken = _invalid("pdf_broken", label=label)
    if b"%%EOF" not in data[-PDF_EOF_WINDOW:]:
        return _invalid("pdf_truncated", label=label)
    # pypdf's reader copies the file into its stream (BytesIO.getbuffer) and refers to itself in
    # cycles, so the copy would wait for the collector: closing the stream lets it go at once
    # (20 attachments of a print were ~6 MB of copies waiting during the layout).
    with _WARNINGS_LOCK, warnings.catch_warnings(), quiet_pypdf(), io.BytesIO(data) as stream:
        warnings.simplefilter("ignore")
        try:
            reader = PdfReader(stream, strict=False)
            if reader.is_encrypted:
                return _invalid("pdf_encrypted", label=label)
            count = len(reader.pages)
        except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile input
            return _invalid("pdf_encrypted", label=label) if needs_decryption(exc, data) else broken
        if count == 0:
            return _invalid("pdf_no_pages", label=label)
        if count > MAX_PDF_PAGES:
            return _invalid("pdf_pages", label=label, count=count, limit=MAX_PDF_PAGES)
        started, decoded = time.monotonic(), 0
        for number in range(count):
            try:
                page = reader.pages[number]
                if not _page_has_size(page):
                    return _invalid("pdf_page_size", label=label, page=number + 1)
                contents = page.get_contents()
                if contents is not None:
                    decoded += len(contents.get_data())
            except Exception:  # noqa: BLE001
                return _invalid("pdf_page_broken", label=label, page=number + 1)
            # A small file whose pages expand to gigabytes (a "PDF bomb") must not hold up the
            # editor, an import or a print: bounded in decoded size and in time.
            if decoded > MAX_PDF_DECODED_BYTES or time.monotonic() - started > PDF_CHECK_SECONDS:
                return _invalid("pdf_bomb", label=label, limit=megabytes(MAX_PDF_DECODED_BYTES),
                                seconds=f"{PDF_CHECK_SECONDS:g}")
    return AttachmentInfo("pdf", count, MIME_TYPES["pdf"])


def needs_decryption(exc: Exception, data: bytes) -> bool:
    """Whether pypdf failed to open ``data`` because it is encrypted with AES and pypdf has no
    cryptography backend (see :mod:`forms`): its ``DependencyError``, from a file that declares
    encryption (``/Encrypt`` in its trailer, which is never compressed)."""
    from pypdf.errors import DependencyError

    return isinstance(exc, DependencyError) and b"/Encrypt" in data


def _page_has_size(page) -> bool:
    """True when the page's media box (as pypdf resolves it) is a finite, non-empty rectangle,
    or is missing altogether (viewers, and the printer, then assume US Letter)."""
    if page.get("/MediaBox") is None:
        return True
    box = page.mediabox
    values = [float(box.left), float(box.bottom), float(box.right), float(box.top)]
    if not all(math.isfinite(v) for v in values):
        return False
    return abs(values[2] - values[0]) >= 1 and abs(values[3] - values[1]) >= 1


# --- images ----------------------------------------------------------------------------------


def _inspect_image(data: bytes, kind: str, label: str) -> AttachmentInfo | Finding:
    from PIL import Image, UnidentifiedImageError

    name = kind.upper()
    broken = _invalid("image_broken", label=label, kind=name)
    formats = [PIL_FORMATS[kind]]
    # Pillow signals decompression bombs with a warning (over its limit) or an error (over
    # twice it). Treat both as a verdict; the global Image.MAX_IMAGE_PIXELS is never touched,
    # and our own limit is enforced from the header before any pixel is decoded.
    with _WARNINGS_LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=formats) as image:
                width, height = image.size
                mode = image.mode
                if width <= 0 or height <= 0:
                    return broken
                if width * height > MAX_IMAGE_PIXELS:
                    return _too_many_pixels(label, width, height)
                if mode not in PRINTABLE_MODES:
                    return _invalid("image_mode", label=label, mode=mode)
                image.verify()
            with Image.open(io.BytesIO(data), formats=formats) as image:
                image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            return _too_many_pixels(label, *_declared_png_size(data))
        except (UnidentifiedImageError, Exception):  # noqa: BLE001
            return broken
    return AttachmentInfo(kind, 1, MIME_TYPES[kind])


def _declared_png_size(data: bytes) -> tuple[int | None, int | None]:
    """Width and height from a PNG's IHDR (for messages only), or ``(None, None)``."""
    if data.startswith(_PNG_SIGNATURE) and data[12:16] == b"IHDR" and len(data) >= 24:
        return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    return None, None


def _too_many_pixels(label: str, width: int | None, height: int | None) -> Finding:
    limit = f"{MAX_IMAGE_PIXELS // 10_000} 万像素"
    if width is None or height is None:
        size = "过大"
    else:
        size = f"为 {width} × {height} 像素（约 {width * height // 10_000} 万像素）"
    return _invalid("image_pixels", label=label, size=size, limit=limit)


# --- helpers ---------------------------------------------------------------------------------


def _invalid(variant: str, **fields: object) -> Finding:
    return Finding.of(f"attachment_invalid.{variant}", **fields)


def _looks_like_text(sample: bytes) -> bool:
    if not sample or b"\x00" in sample:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            # Incremental: a multi-byte character cut at the end of the sample is not an error.
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        printable = sum(1 for ch in text if ch.isprintable() or ch in "\r\n\t")
        return printable >= 0.95 * len(text)
    return False
