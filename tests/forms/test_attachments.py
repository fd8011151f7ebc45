"""forms.attachments: what an attachment really is, judged from its bytes, never raising."""

from __future__ import annotations

import hashlib
import io
import random
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from forms import attachments
from forms.attachments import (
    KINDS,
    MAX_ATTACHMENT_BYTES,
    MAX_IMAGE_PIXELS,
    AttachmentInfo,
    file_sha256,
    inspect_attachment,
    sniff_kind,
)
from forms.problems import Finding
from tests import attachment_samples as samples


def invalid(result: AttachmentInfo | Finding) -> str:
    """The message of an attachment_invalid finding (fails for anything else)."""
    assert isinstance(result, Finding), result
    assert result.code == "attachment_invalid"
    return result.message


# --- sniffing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (samples.clean_pdf(), "pdf"),
        (b"junk before the header\n" + samples.clean_pdf(), "pdf"),
        (b"x" * 1019 + b"%PDF-1.4", "pdf"),
        (b"x" * 1020 + b"%PDF-1.4", None),  # header must start within the first 1024 bytes
        (samples.png(), "png"),
        (samples.jpeg(), "jpeg"),
        (samples.zip_named_pdf(), None),
        (samples.exe_named_pdf(), None),
        (samples.text_file(), None),
        (b"", None),
        (b"\x89PNG", None),
    ],
)
def test_sniff_kind_uses_magic_bytes(data: bytes, kind: str | None) -> None:
    assert sniff_kind(data) == kind


def test_kinds_and_sha256() -> None:
    assert KINDS == ("pdf", "png", "jpeg")
    assert file_sha256(b"abc") == hashlib.sha256(b"abc").hexdigest()
    assert file_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --- accepted files --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (samples.clean_pdf(), AttachmentInfo("pdf", 2, "application/pdf")),
        (samples.clean_pdf(["only one page"]), AttachmentInfo("pdf", 1, "application/pdf")),
        # Hostile but well-formed: accepted here, defused by pdf.attachments.sanitize_pdf.
        (samples.hostile_pdf(), AttachmentInfo("pdf", 2, "application/pdf")),
        (
            samples.pdf_with_page_box(rotate=90, cropbox=(50, 20, 350, 280)),
            AttachmentInfo("pdf", 1, "application/pdf"),
        ),
        (samples.png(), AttachmentInfo("png", 1, "image/png")),
        (samples.png(mode="P"), AttachmentInfo("png", 1, "image/png")),
        (samples.png(mode="1"), AttachmentInfo("png", 1, "image/png")),
        (samples.png(mode="LA"), AttachmentInfo("png", 1, "image/png")),
        (samples.png_rgba(), AttachmentInfo("png", 1, "image/png")),
        (samples.png_16bit_gray(), AttachmentInfo("png", 1, "image/png")),
        (samples.jpeg(), AttachmentInfo("jpeg", 1, "image/jpeg")),
        (samples.jpeg(mode="L", orientation=6), AttachmentInfo("jpeg", 1, "image/jpeg")),
        (samples.jpeg(mode="CMYK"), AttachmentInfo("jpeg", 1, "image/jpeg")),
        (samples.jpeg(progressive=True), AttachmentInfo("jpeg", 1, "image/jpeg")),
    ],
)
def test_usable_files(data: bytes, expected: AttachmentInfo) -> None:
    assert inspect_attachment(data, "x") == expected


def test_the_name_does_not_matter_only_the_content() -> None:
    assert inspect_attachment(samples.png(), "scan.pdf") == AttachmentInfo("png", 1, "image/png")
    assert inspect_attachment(samples.clean_pdf(), "photo.jpg").kind == "pdf"


# --- refused files ---------------------------------------------------------------------------


def test_empty_file() -> None:
    message = invalid(inspect_attachment(b"", "a.pdf"))
    assert "附件“a.pdf”" in message and "空文件" in message


def test_too_large() -> None:
    data = b"%PDF-1.7\n" + b"\0" * MAX_ATTACHMENT_BYTES
    message = invalid(inspect_attachment(data, "big.pdf"))
    assert "大小为 50.1 MB，超过 50 MB 的上限" in message


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (samples.zip_named_pdf(), "ZIP 压缩包"),
        (samples.exe_named_pdf(), "Windows 可执行程序"),
        (samples.text_file(), "纯文本文件"),
        (b"GIF89a" + b"\0" * 20, "GIF 图片"),
        (b"BM" + b"\x36\x00\x0c\x00" + b"\0" * 20, "BMP 图片"),
        (b"BMW annual report\n", "纯文本文件"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, "旧版 Word"),
        (bytes(range(256)) * 4, "无法识别格式"),
    ],
)
def test_not_really_pdf_png_or_jpeg(data: bytes, looks_like: str) -> None:
    message = invalid(inspect_attachment(data, "申报材料.pdf"))
    assert "附件“申报材料.pdf”" in message
    assert looks_like in message
    assert "只接受 PDF、PNG、JPEG" in message


def test_truncated_pdf() -> None:
    message = invalid(inspect_attachment(samples.truncated_pdf(), "t.pdf"))
    assert "不完整" in message


def test_garbage_after_a_pdf_header() -> None:
    message = invalid(inspect_attachment(b"%PDF-1.7\n" + b"garbage " * 200 + b"\n%%EOF\n", "g.pdf"))
    assert "不是有效的 PDF" in message


def _one_page_pdf(mediabox: list[float] | None) -> bytes:
    from pypdf import PdfWriter
    from pypdf.generic import ArrayObject, FloatObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(100, 100)
    if mediabox is None:
        del page[NameObject("/MediaBox")]
    else:
        page[NameObject("/MediaBox")] = ArrayObject(FloatObject(v) for v in mediabox)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_page_sizes() -> None:
    assert inspect_attachment(_one_page_pdf(None)) == AttachmentInfo("pdf", 1, "application/pdf")
    assert "没有有效的页面尺寸" in invalid(inspect_attachment(_one_page_pdf([0, 0, 0, 0])))


def test_pdf_without_pages() -> None:
    assert "没有任何页面" in invalid(inspect_attachment(samples.empty_pdf(), "e.pdf"))


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
@pytest.mark.parametrize("password", ["secret", ""])
def test_encrypted_pdf_even_with_an_empty_password(password: str, algorithm: str) -> None:
    """Also AES-256, which pypdf without a cryptography backend cannot even open (forms/__init__.py):
    said to be encrypted, not broken."""
    message = invalid(inspect_attachment(samples.encrypted_pdf(password, algorithm), "enc.pdf"))
    assert "加密" in message and "请提供未加密的 PDF" in message


def test_a_pdf_that_needs_an_unavailable_filter_is_broken_not_encrypted() -> None:
    """pypdf's DependencyError means encryption only where the file declares it."""
    from pypdf.errors import DependencyError

    from forms.attachments import needs_decryption

    error = DependencyError("brotli is required for BrotliDecode")
    assert not needs_decryption(error, samples.clean_pdf())
    assert needs_decryption(error, samples.encrypted_pdf("", "AES-256"))
    assert not needs_decryption(ValueError("x"), samples.encrypted_pdf("", "AES-256"))


@pytest.mark.parametrize(
    ("data", "kind"), [(samples.truncated_png(), "PNG"), (samples.truncated_jpeg(), "JPEG")]
)
def test_truncated_images(data: bytes, kind: str) -> None:
    message = invalid(inspect_attachment(data, "broken"))
    assert f"{kind} 图片已损坏或不完整" in message


def test_png_with_a_bad_crc() -> None:
    data = bytearray(samples.png())
    data[29] ^= 0xFF  # inside the IHDR CRC
    assert "已损坏" in invalid(inspect_attachment(bytes(data), "crc.png"))


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [
        (100_000, 100_000, "100000 × 100000"),  # Pillow's DecompressionBombError range
        (10_000, 9_000, "10000 × 9000"),  # Pillow's DecompressionBombWarning range
        (9_000, 9_000, "9000 × 9000"),  # only our stricter limit
    ],
)
def test_decompression_bombs(width: int, height: int, shown: str) -> None:
    assert width * height > MAX_IMAGE_PIXELS
    message = invalid(inspect_attachment(samples.png_declaring(width, height), "bomb.png"))
    assert "8000 万像素的上限" in message
    assert shown in message


def test_bomb_checks_leave_no_global_state_behind() -> None:
    limit = Image.MAX_IMAGE_PIXELS
    filters = list(warnings.filters)
    inspect_attachment(samples.png_declaring(100_000, 100_000))
    inspect_attachment(samples.png_declaring(10_000, 9_000))
    inspect_attachment(samples.png())
    assert Image.MAX_IMAGE_PIXELS == limit
    assert warnings.filters == filters


def test_image_mode_that_cannot_be_printed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attachments, "PRINTABLE_MODES", frozenset({"L"}))
    message = invalid(inspect_attachment(samples.png(), "rgb.png"))
    assert "颜色模式（RGB）无法打印" in message


def test_message_without_a_name() -> None:
    assert invalid(inspect_attachment(b"")).startswith("附件是空文件")


# --- hostile input never raises --------------------------------------------------------------

_SEEDS = {
    "pdf": samples.clean_pdf(),
    "hostile": samples.hostile_pdf(),
    "png": samples.png(),
    "jpeg": samples.jpeg(),
}


def _check_verdict(result: object) -> None:
    if isinstance(result, Finding):
        assert result.code == "attachment_invalid"
        assert result.message
    else:
        assert isinstance(result, AttachmentInfo)
        assert result.kind in KINDS and result.pages >= 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.sampled_from(sorted(_SEEDS)),
    cut=st.floats(min_value=0, max_value=1),
    flips=st.lists(st.tuples(st.floats(min_value=0, max_value=1), st.integers(1, 255)), max_size=8),
)
def test_mutated_files_never_raise(seed: str, cut: float, flips: list[tuple[float, int]]) -> None:
    data = bytearray(_SEEDS[seed])
    for where, mask in flips:
        index = min(int(where * len(data)), len(data) - 1)
        data[index] ^= mask
    data = data[: max(1, int(cut * len(data)))] if cut < 0.98 else data
    _check_verdict(inspect_attachment(bytes(data), "fuzz"))


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_never_raise(data: bytes) -> None:
    _check_verdict(inspect_attachment(data, "fuzz"))


def test_hostile_structures_never_raise() -> None:
    deep = (
        b"%PDF-1.7\n1 0 obj\n" + b"[" * 100_000 + b"]" * 100_000
        + b"\nendobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    loop = (
        b"%PDF-1.7\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[2 0 R]/Count 1>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    rng = random.Random(7)
    noise = b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(5000)) + b"\n%%EOF\n"
    for data in (deep, loop, noise):
        _check_verdict(inspect_attachment(data, "hostile.pdf"))
