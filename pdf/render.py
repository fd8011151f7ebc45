"""Entry points: a draft → the printed 申报书 as PDF bytes or a file.

The pipeline (rst2pdf-style stages): prepare attachments (sanitise, check) → build the story
from the form definition's parts (``pdf/parts.py``) → lay it out on the page templates
(``pdf/pages.py``) with footers that know the page total → merge sanitised attachment pages
under their placeholder pages (``pdf/merge.py``).

The output is reproducible: reportlab runs in invariant mode, the creation date is the draft's
``cover.date`` (not the clock), and the file identifier is derived from the draft's content — the
same draft gives the same bytes. Document info and viewer preferences tell any viewer's print
dialog what the paper needs: duplex (flip on the long edge), actual size, two copies.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from forms.about import program_version
from forms.display import DRAFT_MARK, FINGERPRINT_LABEL
from forms.draft import Draft, fingerprint_of
from forms.fsutil import atomic_writer
from forms.validate import let_go_of_files
from pdf import layout
from pdf.grid import FALLBACK_DATE
from pdf.merge import AttachmentError, Prepared, merge_pdf_attachments, prepare_attachments, write_merged
from pdf.pages import FooterCanvas, PageSettings, ShenbaoDoc, set_viewer_preferences
from pdf.parts import Context, story
from pdf.styles import styles

__all__ = ["AttachmentError", "RenderResult", "creator", "render_document", "render_pdf", "write_document",
           "write_pdf"]

APP_NAME = "Shenbao 申报助手"
TIMEZONE = "+08'00'"  # Shanghai


@dataclass
class RenderResult:
    """The PDF and what the layout recorded (page kinds, blank areas, attachment pages)."""

    pdf: bytes
    marks: layout.Marks
    attachments: list[Prepared] = field(default_factory=list)

    @property
    def page_count(self) -> int:
        return len(self.marks.page_kinds)

    @property
    def areas(self) -> dict[str, layout.Area]:
        return self.marks.areas


def version() -> str:
    return program_version()


def creator() -> str:
    return f"{APP_NAME} {version()}"


def _pdf_date(draft: Draft) -> str:
    date = draft.get("cover.date") or FALLBACK_DATE
    return f"D:{date:%Y%m%d}000000{TIMEZONE}"


def _doc_setup(draft: Draft, canonical: str, *, simplex: bool, draft_mode: bool):
    """Document-level settings, applied to the canvas before the first page; ``canonical`` is
    the draft's :meth:`~forms.draft.Draft.canonical_json`."""
    form = draft.form
    unit = draft.unit_name
    fingerprint = fingerprint_of(canonical)
    pdf_date = _pdf_date(draft)
    identity = hashlib.sha256(
        f"{canonical}|simplex={simplex}|draft={draft_mode}|{version()}".encode()
    ).hexdigest()

    def setup(canv) -> None:
        title = f"{form.title} — {unit}" if unit else form.title
        canv.setTitle(title + (f"（{DRAFT_MARK}）" if draft_mode else ""))
        canv.setAuthor(unit or form.issuer)
        canv.setSubject(f"{form.title}（{form.period}），{form.issuer}；{FINGERPRINT_LABEL} {fingerprint}")
        canv.setCreator(creator())
        canv.setKeywords(f"{form.id}; {fingerprint}")
        canv.setDateFormatter(lambda *_: pdf_date)
        canv._doc.updateSignature(identity)  # the /ID follows the content, not the clock
        set_viewer_preferences(canv, simplex=simplex)

    return setup


def render_document(draft: Draft, *, draft_mode: bool = False, simplex: bool = False) -> RenderResult:
    """Lay out and render ``draft``; the result also carries the layout's marks.

    Raises :class:`AttachmentError` when an attachment cannot be printed and ``draft_mode`` is
    false (a draft print shows a notice page instead).
    """
    pdf, marks, prepared = _laid_out(draft, draft_mode=draft_mode, simplex=simplex)
    return RenderResult(merge_pdf_attachments(pdf, marks.slots, prepared), marks, prepared)


def write_document(draft: Draft, out: BinaryIO, *, draft_mode: bool = False, simplex: bool = False,
                   release_files: bool = False) -> int:
    """:func:`render_document` written to ``out`` (a file open for binary writing); returns the
    page count. With attachments the merged document goes to the file as it is written instead
    of being held in memory once more as bytes (issue 13).

    ``release_files``: the caller hands ``draft`` over and reads it no more; its attachment files
    are let go (:func:`forms.validate.let_go_of_files`) once prepared for the merge, so that a
    one-shot print does not hold every attachment twice while it lays out the pages."""
    pdf, marks, prepared = _laid_out(draft, draft_mode=draft_mode, simplex=simplex, release_files=release_files)
    write_merged(pdf, marks.slots, prepared, out)
    return len(marks.page_kinds)


def _laid_out(draft: Draft, *, draft_mode: bool, simplex: bool,
              release_files: bool = False) -> tuple[bytes, layout.Marks, list[Prepared]]:
    """The reportlab output (placeholder pages where attachment pages go), the marks and the
    prepared attachments, ready for the merge."""
    canonical = draft.canonical_json()  # the files' too: taken before they may be let go
    fingerprint = fingerprint_of(canonical)
    prepared = prepare_attachments(draft, draft_mode=draft_mode)
    if release_files:
        let_go_of_files(draft)
    ctx = Context(draft, styles(), simplex, prepared)
    marks = layout.Marks()
    compiled_by = next((p.get("compiled_by", "") for p in draft.form.parts if p["kind"] == "cover"), "")
    settings = PageSettings(simplex=simplex, draft_mode=draft_mode, fingerprint=fingerprint,
                            compiled_by=compiled_by)
    buf = io.BytesIO()
    doc = ShenbaoDoc(buf, settings=settings, marks=marks,
                     doc_setup=_doc_setup(draft, canonical, simplex=simplex, draft_mode=draft_mode),
                     lang="zh-CN")
    doc.build(story(ctx), canvasmaker=partial(FooterCanvas, settings=settings, marks=marks))
    for item in prepared:
        marks.attachment_pages[item.index] = item.printed_pages
    return buf.getvalue(), marks, prepared


def render_pdf(draft: Draft, *, draft_mode: bool = False, simplex: bool = False) -> bytes:
    """The printed 申报书 as PDF bytes (A4, duplex layout unless ``simplex``; every page
    watermarked 草稿 when ``draft_mode``)."""
    return render_document(draft, draft_mode=draft_mode, simplex=simplex).pdf


def write_pdf(draft: Draft, out: Path, *, draft_mode: bool = False, simplex: bool = False) -> None:
    """Render and write atomically: ``out`` holds the old file or the complete new one."""
    with atomic_writer(Path(out)) as fh:
        write_document(draft, fh, draft_mode=draft_mode, simplex=simplex)
