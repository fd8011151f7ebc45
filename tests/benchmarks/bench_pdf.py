"""Benchmark of the printed PDF (issue 3): ``python tests/benchmarks/bench_pdf.py [--runs 10]``.

Run from the project folder. Not a test (pytest collects only test_*.py): it prints figures —
the time ``render_pdf`` takes and the size of the PDF for the built-in sample (with its one
PDF attachment, and without it), for the maximal draft of tests/drafts.py (60 members, 1000 /
2000 字, Ext-B names, a three-page PDF and a PNG attachment; also without attachments, the
figure the "< 2 MB" aim is about) and its simplex and draft variants — beside baselines: a
one-page reportlab document with the same two embedded fonts, the floor any printout pays; the
same with as many pages as the maximal draft's (reportlab's cost per page); and the maximal's
printed text, page by page, as plain reportlab paragraphs (reportlab's cost for that much text,
without our tables, rules and line-breaking rules) — issue 13's floors.
The first render of a process also parses the fonts (once); it is shown separately.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import reportlab  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfgen.canvas import Canvas  # noqa: E402

from forms.sample import sample_draft  # noqa: E402
from tests.drafts import maximal_draft  # noqa: E402


def timed(fn, runs: int) -> tuple[list[float], bytes]:
    result = fn()  # warm up: imports, the form definition, attachment inspection caches
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - start)
    return out, result


def baseline() -> bytes:
    """One A4 page, one line in each of the two fonts, embedded, invariant."""
    from pdf.fonts import HEI, SONG, register_fonts

    register_fonts()
    buf = io.BytesIO()
    canvas = Canvas(buf, pagesize=A4, invariant=1, initialFontName=SONG)
    canvas.setFont(HEI, 16)
    canvas.drawString(72, 760, "上海市知识产权产学研运营联合体项目申报书")
    canvas.setFont(SONG, 12)
    canvas.drawString(72, 730, "申报单位：上海临港芯链科技有限公司")
    canvas.showPage()
    canvas.save()
    return buf.getvalue()


def floor(pages: list[str]):
    """reportlab alone on a document like ours (issue 13: what no change to pdf/ can go below):
    one page per entry of ``pages``, each that text as one CJK paragraph in the body font (a
    page of an empty text holds one line), with the same two fonts embedded as subsets."""
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

    from pdf.fonts import HEI, SONG, register_fonts

    register_fonts()
    body = ParagraphStyle("body", fontName=SONG, fontSize=12, leading=20, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=HEI, fontSize=16, leading=24, wordWrap="CJK")

    def build() -> bytes:
        buf = io.BytesIO()
        story = []
        for n, text in enumerate(pages):
            story += [Paragraph(f"第 {n + 1} 页", head), Paragraph(escape(text) or "。", body), PageBreak()]
        SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(story)
        return buf.getvalue()

    return build


def page_texts(pdf: bytes) -> list[str]:
    """The text of each page of ``pdf``, in one line."""
    return ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def without_attachments(draft):
    draft.data["attachments"] = []
    draft.files = {}
    return draft


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    start = time.perf_counter()
    from pdf.render import render_pdf

    render_pdf(sample_draft())
    first = time.perf_counter() - start

    sample, maximal = sample_draft(), maximal_draft()
    bare_sample, bare_maximal = without_attachments(sample_draft()), without_attachments(maximal_draft())
    texts = page_texts(render_pdf(bare_maximal))
    cases = [
        ("baseline: 1 page, 2 fonts (reportlab)", baseline),
        (f"floor: {len(texts)} pages of one line (reportlab)", floor([""] * len(texts))),
        (f"floor: the maximal's text, {len(texts)} pages", floor(texts)),
        ("sample", lambda: render_pdf(sample)),
        ("sample, no attachment", lambda: render_pdf(bare_sample)),
        ("maximal", lambda: render_pdf(maximal)),
        ("maximal, no attachments", lambda: render_pdf(bare_maximal)),
        ("maximal --simplex", lambda: render_pdf(maximal, simplex=True)),
        ("maximal --draft", lambda: render_pdf(maximal, draft_mode=True)),
    ]
    print(f"Python {platform.python_version()} on {platform.platform()}, reportlab {reportlab.Version}")
    print(f"first render in a fresh process (imports, fonts parsed): {first * 1000:.0f} ms")
    print(f"{'case':40} {'median':>9} {'min':>9} {'max':>9} {'pages':>6} {'size':>10}")
    for label, fn in cases:
        times, pdf = timed(fn, args.runs)
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        print(f"{label:40} {statistics.median(times) * 1000:7.0f} ms {min(times) * 1000:6.0f} ms "
              f"{max(times) * 1000:6.0f} ms {pages:>6} {len(pdf) / 1024:8.0f} KB")

if __name__ == "__main__":
    main()
