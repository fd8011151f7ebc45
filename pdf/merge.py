"""Attachments: checked and sanitised before layout, merged onto their pages after it.

Before layout, :func:`prepare_attachments` decides for every attachment what will be printed:
a PDF's pages after :func:`pdf.sanitize.sanitized_pdf_pages` (JavaScript, actions,
annotations, forms, embedded files removed), an image as it is, or — in a draft print only — a
notice page saying the file could not be included. In a final print an attachment that cannot
be printed raises :class:`AttachmentError` (validation reports such files as
``attachment_invalid`` first, so this only happens when the editor's verdict and the printer's
disagree — better no printout than one silently missing an attachment).

After layout, :func:`merge_pdf_attachments` draws each sanitised page *under* the reportlab
placeholder page that holds its footer (and watermark), scaled into the slot the layout recorded.
The document catalog, info and ``/ID`` of the reportlab output are cloned, so the result stays
reproducible byte for byte.
"""

from __future__ import annotations

import io
import logging
import threading
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from forms.draft import Draft
from forms.problems import Finding, RenderRefused
from forms.validate import inspect_file
from pdf import layout
from pdf.styles import ATTACHMENT_MISSING

if TYPE_CHECKING:
    from pypdf import PageObject

# pypdf, Pillow and the sanitiser are imported where an attachment is handled: a draft without
# attachments prints without loading them (issue 13: imports a render does not need).


class AttachmentError(RenderRefused):
    """An attachment cannot be printed (final prints only; drafts print a notice page)."""


@dataclass
class Prepared:
    """One attachment, ready for layout."""

    index: int
    title: str
    category: str
    kind: str | None = None  # "pdf", "png", "jpeg"; None when it cannot be printed
    data: bytes | None = None
    pages: list[PageObject] = field(default_factory=list)  # sanitised PDF pages
    error: str | None = None

    @property
    def printed_pages(self) -> int:
        """Pages it takes in the printout (a notice page when it failed)."""
        if self.kind == "pdf":
            return len(self.pages)
        return 1


_quiet_lock = threading.Lock()
_quiet_depth = 0
_quiet_saved = logging.NOTSET


@contextmanager
def quiet_pypdf():
    """pypdf logs its repairs of broken files ("EOF marker not at start of line", "incorrect
    startxref pointer") as warnings; the verdict is ours to report, so keep them off the user's
    console while we read. Thread-safe: the level is lowered by the first of overlapping users
    (threads) and restored by the last."""
    global _quiet_depth, _quiet_saved
    logger = logging.getLogger("pypdf")
    with _quiet_lock:
        if _quiet_depth == 0:
            _quiet_saved = logger.level
            logger.setLevel(logging.ERROR)
        _quiet_depth += 1
    try:
        yield
    finally:
        with _quiet_lock:
            _quiet_depth -= 1
            if _quiet_depth == 0:
                logger.setLevel(_quiet_saved)


def _fail(item: Prepared, reason: str, draft_mode: bool) -> Prepared:
    if not draft_mode:
        raise AttachmentError(f"附件“{item.title}”无法打印：{reason}")
    item.kind, item.error = None, reason
    return item


def prepare_attachments(draft: Draft, *, draft_mode: bool) -> list[Prepared]:
    with quiet_pypdf():
        return _prepare(draft, draft_mode)


def _prepare(draft: Draft, draft_mode: bool) -> list[Prepared]:
    items = draft.get("attachments") or []
    if not items:
        return []
    from pdf.images import image_page_size
    from pdf.sanitize import sanitized_pdf_pages

    out = []
    for i, att in enumerate(items):
        item = Prepared(i, att.get("title") or "", att.get("category") or "")
        name = att.get("file") or ""
        verdict = inspect_file(draft, name) if name else None
        if verdict is None:
            out.append(_fail(item, ATTACHMENT_MISSING, draft_mode))
            continue
        if isinstance(verdict, Finding):
            out.append(_fail(item, verdict.message, draft_mode))
            continue
        data = draft.files[name]
        try:
            if verdict.kind == "pdf":
                item.pages = sanitized_pdf_pages(data)
            else:
                image_page_size(data)  # loads and checks the pixels
        except ValueError as exc:
            out.append(_fail(item, f"文件无法读取或无法安全处理（{exc}）", draft_mode))
            continue
        item.kind, item.data = verdict.kind, data
        out.append(item)
    return out


def merge_pdf_attachments(pdf: bytes, slots: list[layout.Slot], prepared: list[Prepared]) -> bytes:
    """Place every slot's sanitised page under its placeholder page; ``pdf`` when no slot."""
    if not slots:
        return pdf
    from pypdf import PdfReader, PdfWriter

    from pdf.geometry import merge_onto

    with warnings.catch_warnings(), quiet_pypdf():
        warnings.simplefilter("ignore")
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        for slot in slots:
            source = prepared[slot.attachment].pages[slot.source_page]
            merge_onto(writer.pages[slot.page - 1], source, slot.box, over=False)
        writer.pdf_header = pdf[:8].decode("ascii")
        out = io.BytesIO()
        writer.write(out)
    return out.getvalue()
