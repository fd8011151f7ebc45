"""Memory of the attachment merge (issue 13): sanitised attachments wait for the merge in a
temporary file; the merge reads back and parses one at a time, writes its objects straight to the file and lets go of it, so it
holds about one attachment at a time — not the whole merged document (as pypdf's writer did, 0.6×
the attachments' size), nor a parsed document per attachment.

Measured with tracemalloc (what Python allocates), not time: the bounds are multiples of the
attachments' size, as the issue's budget is.
"""

from __future__ import annotations

import gc
import io
import random
import subprocess
import sys
import tempfile
import tracemalloc

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from forms.sample import sample_draft
from pdf import layout
from pdf.export import export
from pdf.merge import CleanPdf, merge_pdf_attachments, prepare_attachments, write_merged
from tests.pdf.pdftools import run
from tests.tools import requires_tools

PAGES = 3
BOX = (60.0, 80.0, 470.0, 680.0)


def _scanned_pdf(seed: int) -> bytes:
    """A few pages as a scan comes: a distinct noise JPEG on each (nothing compresses away)."""
    rng = random.Random(seed)
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    for page in range(PAGES):
        canvas.drawString(72, 760, f"Attachment {seed + 1}, page {page + 1}")
        noise = Image.frombytes("L", (300, 300), rng.randbytes(300 * 300))
        jpeg = io.BytesIO()
        noise.save(jpeg, "JPEG", quality=60)
        canvas.drawImage(ImageReader(io.BytesIO(jpeg.getvalue())), 72, 72, width=300, height=300)
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _placeholders(count: int) -> bytes:
    """The layout's output in miniature: one captioned A4 page per attachment page."""
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1)
    for page in range(count):
        canvas.drawString(72, 800, f"placeholder {page + 1}")
        canvas.showPage()
    canvas.save()
    return buf.getvalue()


def _draft(attachments: int):
    draft = sample_draft()
    draft.data["attachments"] = []
    draft.files = {}
    for n in range(attachments):
        name = f"scan{n:02d}.pdf"
        draft.data["attachments"].append({"title": f"扫描件 {n + 1}", "category": "其他支撑材料", "file": name})
        draft.files[name] = _scanned_pdf(n)
    return draft


def _merge_memory(attachments: int, out) -> tuple[float, float]:
    """Python memory, as multiples of the attachments' size: what :func:`prepare_attachments`
    leaves for the merge, and the most :func:`write_merged` adds to that while writing ``out``."""
    draft = _draft(attachments)
    size = sum(len(blob) for blob in draft.files.values())
    slots = [layout.Slot(a * PAGES + k + 1, a, k, BOX) for a in range(attachments) for k in range(PAGES)]
    placeholders = _placeholders(len(slots))
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        prepared = prepare_attachments(draft, draft_mode=False)
        held = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        with out.open("wb") as fh:
            write_merged(placeholders, slots, prepared, fh)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return (held - base) / size, (peak - held) / size


def test_the_merge_holds_one_attachment_at_a_time(tmp_path):
    _merge_memory(1, tmp_path / "warm.pdf")  # pypdf's modules and caches loaded on first use
    out = tmp_path / "merged.pdf"
    held, merging = _merge_memory(16, out)
    reader = PdfReader(out)
    assert len(reader.pages) == 16 * PAGES
    for k in (0, 7, 16 * PAGES - 1):  # every placeholder page got its attachment page under it
        assert f"placeholder {k + 1}" in reader.pages[k].extract_text()
        [form] = [ref.get_object() for name, ref in reader.pages[k]["/Resources"]["/XObject"].items()
                  if name.startswith("/ShAtt")]
        assert "/Pg" in form["/Resources"]["/XObject"]  # the sanitised page, as a form
    # Waiting for the merge: the sanitised files wait in a temporary file, not in memory (0.01×
    # here; as bytes they took 1.1×), and no left-overs of the sanitiser.
    assert held < 0.1, f"prepared attachments hold {held:.2f}× their size"
    # Merging: each file is read back, written out and let go of before the next (0.29× here;
    # pypdf's writer, holding the whole output until the end, took 0.6×; without closing each
    # reader its parsed objects and file wait for the collector: 1.4×).
    assert merging < 0.5, f"the merge adds {merging:.2f}× the attachments' size"


def test_a_sanitised_attachment_is_handed_to_the_merge_once():
    draft = _draft(2)
    first, second = prepare_attachments(draft, draft_mode=False)
    assert isinstance(first.pages, CleanPdf) and len(first.pages) == PAGES == first.printed_pages
    spool = first.pages._spool
    assert spool is not None and spool is second.pages._spool  # one temporary file per print
    for item, seed in ((second, 1), (first, 0)):
        with item.pages.take() as reader:
            assert len(reader.pages) == PAGES
            assert f"Attachment {seed + 1}, page 1" in reader.pages[0].extract_text()
    assert spool.closed  # deleted once everything in it was read back
    assert len(first.pages) == PAGES  # the layout's count stays
    with pytest.raises(RuntimeError), first.pages.take():
        pass


def test_without_a_temporary_folder_sanitised_files_wait_in_memory(tmp_path, monkeypatch):
    """A print does not fail because the temporary folder is gone or full: the files wait as
    bytes, as before the spool."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "gone"))
    [item] = prepare_attachments(_draft(1), draft_mode=False)
    assert item.pages._spool is None and isinstance(item.pages._held, bytes)
    slots = [layout.Slot(k + 1, 0, k, BOX) for k in range(PAGES)]
    merged = merge_pdf_attachments(_placeholders(PAGES), slots, [item])
    assert len(PdfReader(io.BytesIO(merged)).pages) == PAGES


@pytest.mark.parametrize("attachments", [0, 2])
def test_written_to_a_file_as_returned_as_bytes(tmp_path, attachments):
    slots = [layout.Slot(a * PAGES + k + 1, a, k, BOX) for a in range(attachments) for k in range(PAGES)]
    placeholders = _placeholders(max(1, len(slots)))
    as_bytes = merge_pdf_attachments(placeholders, slots, prepare_attachments(_draft(attachments), draft_mode=False))
    out = tmp_path / "merged.pdf"
    with out.open("wb") as fh:
        write_merged(placeholders, slots, prepare_attachments(_draft(attachments), draft_mode=False), fh)
    assert out.read_bytes() == as_bytes
    assert (as_bytes == placeholders) == (attachments == 0)


@pytest.mark.parametrize("step", ["inspect", "sanitize"])
def test_checking_or_sanitising_a_pdf_leaves_no_copy_of_it_for_the_collector(step):
    """pypdf's readers refer to themselves in cycles and copy the file into their stream: unless
    the streams are closed, each attachment checked or sanitised leaves copies of itself until
    the next full collection (several MB waiting during a print's layout). With the collector
    off, what is left is the result alone, a small part of the file."""
    from forms.attachments import inspect_attachment
    from pdf.sanitize import sanitize_pdf

    data = _scanned_pdf(7)
    run = {"inspect": lambda: inspect_attachment(data, "scan.pdf"), "sanitize": lambda: sanitize_pdf(data)}[step]
    run()  # imports and first-use caches out of the way
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        result = run()
        kept = result if isinstance(result, bytes) else b""
        left = tracemalloc.get_traced_memory()[0] - base - len(kept)
    finally:
        tracemalloc.stop()
        gc.enable()
    assert left < 0.5 * len(data), f"{left / len(data):.2f}× the file left waiting after {step}"


def _objects(pdf: bytes) -> dict[int, bytes]:
    """Each object of a classic-xref file, as the bytes from its offset up to the next one."""
    reader = PdfReader(io.BytesIO(pdf))
    offsets = reader.xref[0]
    numbers = sorted(offsets, key=offsets.get)
    end = pdf.rindex(b"xref", 0, pdf.rindex(b"startxref"))
    bounds = [offsets[n] for n in numbers] + [end]
    return {n: pdf[bounds[i]:bounds[i + 1]] for i, n in enumerate(numbers)}


@requires_tools("qpdf")
def test_the_layout_is_copied_byte_for_byte_and_the_merge_checks_with_qpdf(tmp_path):
    """The merge writes the layout's objects as they are (same numbers, same bytes) and changes
    only the placeholder pages, which draw their attachment page first, as a form; each form is
    clipped to the sanitised page and placed by its own matrix. The whole file passes qpdf."""
    slots = [layout.Slot(a * PAGES + k + 1, a, k, BOX) for a in range(2) for k in range(PAGES)]
    placeholders = _placeholders(len(slots) + 1)  # the last page has no attachment under it
    merged = merge_pdf_attachments(placeholders, slots, prepare_attachments(_draft(2), draft_mode=False))
    before, after = _objects(placeholders), _objects(merged)
    source = PdfReader(io.BytesIO(placeholders))
    pages = {source.pages[slot.page - 1].indirect_reference.idnum for slot in slots}
    assert len(pages) == len(slots)
    assert {n: before[n] for n in before if n not in pages} == {n: after[n] for n in before if n not in pages}
    assert all(before[n] != after[n] for n in pages)
    assert merged[:placeholders.index(b"1 0 obj")] == placeholders[:placeholders.index(b"1 0 obj")]

    reader = PdfReader(io.BytesIO(merged))
    assert reader.trailer["/ID"] == source.trailer["/ID"] and len(reader.pages) == len(slots) + 1
    for number, slot in enumerate(slots):
        page = reader.pages[slot.page - 1]
        first = page["/Contents"][0].get_object().get_data()
        assert first.strip() == f"q /ShAtt{number} Do Q".encode()
        form = page["/Resources"]["/XObject"][f"/ShAtt{number}"].get_object()
        assert form["/Subtype"] == "/Form" and "/Parent" not in form
        assert [float(v) for v in form["/BBox"]] == pytest.approx([0, 0, *A4], abs=1e-3)
        scale = float(form["/Matrix"][0])
        assert 0 < scale < 1 and float(form["/Matrix"][4]) >= BOX[0]  # shrunk into the slot
    assert "/XObject" not in reader.pages[-1]["/Resources"]

    path = tmp_path / "merged.pdf"
    path.write_bytes(merged)
    run("qpdf", "--check", path)


# Runs ``python main.py render DRAFT -o OUT`` in a fresh interpreter, after a probe's set-up.
_RENDER = """
import runpy, sys
{before}
sys.argv = ["main.py", "render", sys.argv[1], "-o", sys.argv[2]]
try:
    runpy.run_path("main.py", run_name="__main__")
except SystemExit as end:
    assert not end.code, end.code
{after}
"""


def _render_command(tmp_path, root, *, before: str = "", after: str) -> tuple[str, object]:
    """Print a draft with two scanned PDF attachments through the command line; the last line
    it printed (``after``'s) and the printout's path."""
    from forms.draft import dump_draft_json

    draft = _draft(2)
    source = tmp_path / "draft.json"
    source.write_text(dump_draft_json(draft), encoding="utf-8")
    for name, blob in draft.files.items():
        (tmp_path / name).write_bytes(blob)
    out = tmp_path / "printed.pdf"
    code = _RENDER.format(before=before, after=after)
    done = subprocess.run([sys.executable, "-c", code, str(source), str(out)],
                          capture_output=True, text=True, cwd=root, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()[-1], out


def test_a_print_with_pdf_attachments_loads_no_cryptography_backend(tmp_path, root):
    """Checking, sanitising and merging PDF attachments decrypt nothing, so ``render`` runs
    without pypdf's cryptography backend (≈6 MB resident, forms/__init__.py) — and the printout
    is complete."""
    listed, out = _render_command(tmp_path, root, after='print(" ".join(sorted(sys.modules)))')
    modules = set(listed.split())
    assert {"pypdf", "pdf.sanitize", "pdf.merge"} <= modules  # the attachments were handled
    assert not {m for m in modules if m.split(".")[0] == "cryptography"}
    texts = "".join(page.extract_text() for page in PdfReader(out).pages)
    assert "Attachment 2, page 3" in texts


def _holders_during_layout(monkeypatch, draft, out, **options) -> list[int]:
    """Print ``draft`` and count, when the layout starts, the references to each of its
    attachment files other than this function's own list."""
    import pdf.render

    blobs = list(draft.files.values())
    counts: list[int] = []
    real_story = pdf.render.story

    def story(ctx):
        counts.extend(sys.getrefcount(blobs[i]) - 2 for i in range(len(blobs)))  # - list, - argument
        return real_story(ctx)

    monkeypatch.setattr(pdf.render, "story", story)
    export(draft, out, **options)
    monkeypatch.setattr(pdf.render, "story", real_story)
    return counts


def test_a_one_shot_print_lets_go_of_the_attachment_files_before_the_layout(tmp_path, monkeypatch):
    """``render`` prints a draft once (``export(consume=True)``): once the attachments wait,
    sanitised, in the print's temporary file, nothing holds the originals while the pages are
    laid out — not the draft, its printed copy, the validation memo nor the prepared attachments
    (the layout of the maximal draft with 20 of them: 85 → 71 MB peak) — and the printout is
    the same file, fingerprint included, as a print that keeps them."""
    kept, given = _draft(2), _draft(2)
    assert all(n > 0 for n in _holders_during_layout(monkeypatch, kept, tmp_path / "kept.pdf"))
    assert len(kept.files) == 2  # without consume the caller's draft is left as it was
    assert _holders_during_layout(monkeypatch, given, tmp_path / "given.pdf", consume=True) == [0, 0]
    assert given.files == {}
    assert (tmp_path / "given.pdf").read_bytes() == (tmp_path / "kept.pdf").read_bytes()


_COUNT_FILES_AT_THE_LAYOUT = """
import pdf.render
from forms.validate import _INSPECTED
seen = []
real_story = pdf.render.story
def story(ctx):
    seen.append((len(ctx.draft.files), len(_INSPECTED._seen), len(ctx.attachments)))
    return real_story(ctx)
pdf.render.story = story
"""


def test_the_render_command_prints_its_draft_once_and_lets_go_of_the_files(tmp_path, root):
    """``python main.py render`` hands its draft over to the print (consume): at the layout no
    file is held by the printed draft or the validation memo."""
    seen, _ = _render_command(tmp_path, root, before=_COUNT_FILES_AT_THE_LAYOUT, after="print(seen)")
    assert seen == "[(0, 0, 2)]"  # files, memo entries, attachments
