"""The PDF file itself: embedded fonts only, structurally sound (qpdf), printer hints, document
info, reproducible bytes, and the command line (refused, watermarked draft, simplex)."""

from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from forms.display import DRAFT_MARK
from forms.sample import sample_draft
from pdf.render import creator, render_pdf, write_pdf
from tests.drafts import maximal_draft
from tests.pdf.pdftools import TOOLS, main_py, normalize, page_texts, pdftotext, run
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)


def _fonts(path) -> list[tuple[str, bool]]:
    """(name, embedded) for each font pdffonts lists."""
    lines = run("pdffonts", path).stdout.splitlines()[2:]
    out = []
    for line in lines:
        parts = line.split()
        emb = parts[-5]  # name type encoding emb sub uni object ID (type may hold spaces)
        out.append((parts[0], emb == "yes"))
    return out


def test_only_embedded_fonts(printed_maximal, printed_maximal_draft, printed_sample_simplex):
    for printed in (printed_maximal, printed_maximal_draft):
        fonts = _fonts(printed.path)
        assert fonts and all(embedded for _, embedded in fonts), fonts
        names = {name.split("+", 1)[-1] for name, _ in fonts}
        assert names <= {"ShenbaoSong-Regular", "ShenbaoHei-Regular"}


def test_sample_fonts_embedded_except_what_its_attachment_brings(printed_sample, tmp_path):
    """The sample's attachment (resources/sample) lists Helvetica without embedding it (an
    unused resource reportlab adds); everything the printer itself draws is embedded."""
    attachment = tmp_path / "att.pdf"
    attachment.write_bytes(printed_sample.draft.files["sample-attachment.pdf"])
    foreign = {name for name, embedded in _fonts(attachment) if not embedded}
    missing = {name for name, embedded in _fonts(printed_sample.path) if not embedded}
    assert missing <= foreign
    body = tmp_path / "body.pdf"
    draft = sample_draft()
    draft.data["attachments"] = []
    body.write_bytes(render_pdf(draft))
    assert all(embedded for _, embedded in _fonts(body))


def test_qpdf_check_passes(printed_any):
    done = run("qpdf", "--check", printed_any.path, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors" in done.stdout


def test_viewer_preferences_for_the_print_dialog(printed_sample):
    root = PdfReader(io.BytesIO(printed_sample.result.pdf)).trailer["/Root"]
    prefs = root["/ViewerPreferences"]
    assert prefs["/Duplex"] == "/DuplexFlipLongEdge"
    assert prefs["/PrintScaling"] == "/None"
    assert prefs["/NumCopies"] == 2
    assert printed_sample.result.pdf.startswith(b"%PDF-1.7")  # Duplex and NumCopies are PDF 1.7
    assert root["/Lang"] == "zh-CN"


def test_document_info(printed_sample, printed_maximal_draft):
    meta = PdfReader(io.BytesIO(printed_sample.result.pdf)).metadata
    assert meta.title == "上海市知识产权产学研运营联合体项目申报书 — 上海临港芯链科技有限公司"
    assert meta.creator == creator()
    assert re.fullmatch(r"Shenbao 申报助手 \S+", meta.creator)
    assert "上海市知识产权产学研运营联合体项目申报书" in meta.subject
    assert meta["/CreationDate"] == "D:20220420000000+08'00'"  # cover.date, not the clock
    draft_meta = PdfReader(io.BytesIO(printed_maximal_draft.result.pdf)).metadata
    assert draft_meta.title.endswith("（草稿）")
    assert draft_meta["/CreationDate"] == "D:20220516000000+08'00'"


def test_same_draft_same_bytes(printed_sample, printed_maximal):
    assert render_pdf(sample_draft()) == printed_sample.result.pdf
    assert render_pdf(maximal_draft()) == printed_maximal.result.pdf


def test_other_draft_other_identifier(printed_sample):
    draft = sample_draft()
    draft.data["unit"]["address"] += "甲"
    ids = [PdfReader(io.BytesIO(pdf)).trailer["/ID"][0] for pdf in (printed_sample.result.pdf, render_pdf(draft))]
    assert ids[0] != ids[1]


def test_write_pdf_replaces_atomically(tmp_path):
    out = tmp_path / "out.pdf"
    out.write_bytes(b"old")
    write_pdf(sample_draft(), out, simplex=True)
    assert out.read_bytes().startswith(b"%PDF-")
    assert [p.name for p in tmp_path.iterdir()] == ["out.pdf"]  # no temporary file left


WATERMARK = re.compile(DRAFT_MARK)


def test_draft_mode_watermarks_every_page(printed_maximal_draft, printed_maximal):
    for text in page_texts(printed_maximal_draft.path, printed_maximal_draft.pages):
        assert WATERMARK.search(normalize(text))
    for text in page_texts(printed_maximal.path, printed_maximal.pages):
        assert not WATERMARK.search(normalize(text))


# --------------------------------------------------------------------------- command line


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli")
    done = main_py("sample", "-o", folder / "sample.json")
    assert done.returncode == 0, done.stderr
    return folder / "sample.json"


@pytest.fixture(scope="module")
def broken_json(sample_json):
    doc = json.loads(sample_json.read_text(encoding="utf-8"))
    doc["data"]["unit"]["credit_code"] = "91310115MA1FL3K29X"  # wrong check character
    doc["data"]["people"]["leader"]["name"] = ""
    path = sample_json.parent / "broken.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return path


def test_cli_render_same_bytes_as_the_library(sample_json, printed_sample, tmp_path):
    out = tmp_path / "out.pdf"
    done = main_py("render", sample_json, "-o", out)
    assert done.returncode == 0, done.stderr
    assert printed_sample.draft.fingerprint() in done.stdout
    assert out.read_bytes() == printed_sample.result.pdf  # reproducible across processes


def test_cli_refuses_a_draft_with_errors(broken_json, tmp_path):
    out = tmp_path / "refused.pdf"
    done = main_py("render", broken_json, "-o", out)
    assert done.returncode == 1
    assert "uscc_checksum" in done.stderr and "--draft" in done.stderr
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_draft_render_is_watermarked(broken_json, tmp_path):
    out = tmp_path / "draft.pdf"
    done = main_py("render", broken_json, "-o", out, "--draft")
    assert done.returncode == 0, done.stderr
    pages = int(re.search(r"Pages:\s+(\d+)", run("pdfinfo", out).stdout).group(1))
    texts = page_texts(out, pages)
    assert len(texts) == pages and pages % 2 == 0
    assert all(WATERMARK.search(normalize(t)) for t in texts)
    assert "91310115MA1FL3K29X" in pdftotext(out)  # the draft prints what was typed


def test_cli_simplex(sample_json, printed_sample_simplex, tmp_path):
    out = tmp_path / "simplex.pdf"
    done = main_py("render", sample_json, "-o", out, "--simplex")
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == printed_sample_simplex.result.pdf
