"""Attachments: checked and sanitised before layout, merged onto their pages after it.

Before layout, :func:`prepare_attachments` decides for every attachment what will be printed:
a PDF's pages after :func:`pdf.sanitize.sanitized_pdf_pages` (JavaScript, actions,
annotations, forms, embedded files removed), an image as it is, or — in a draft print only — a
notice page saying the file could not be included. In a final print an attachment that cannot
be printed raises :class:`AttachmentError` (validation reports such files as
``attachment_invalid`` first, so this only happens when the editor's verdict and the printer's
disagree — better no printout than one silently missing an attachment).

After layout, :func:`merge_pdf_attachments` (or :func:`write_merged`, straight into a file)
draws each sanitised page *under* the reportlab placeholder page that holds its footer (and
watermark), scaled into the slot the layout recorded. The document catalog, info and ``/ID`` of
the reportlab output are cloned, so the result stays reproducible byte for byte.

Memory (issue 13): an attachment's sanitised file waits for the merge as its bytes
(:class:`CleanPdf`), not as a parsed document; the merge parses one attachment at a time and lets
go of it once its pages are in the output, so besides the draft's own attachment bytes the merge
holds about one more copy of them (the output's objects) — and :func:`write_merged` writes them
to a file without building the whole output in memory a second time.
"""

from __future__ import annotations

import gc
import io
import itertools
import logging
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO

from forms.draft import Draft
from forms.problems import Finding, RenderRefused
from forms.validate import inspect_file
from pdf import layout
from pdf.styles import ATTACHMENT_MISSING

if TYPE_CHECKING:
    from pypdf import PdfReader

# pypdf, Pillow and the sanitiser are imported where an attachment is handled: a draft without
# attachments prints without loading them (issue 13: imports a render does not need).


class AttachmentError(RenderRefused):
    """An attachment cannot be printed (final prints only; drafts print a notice page)."""


class CleanPdf:
    """A sanitised PDF (the output of :func:`pdf.sanitize.sanitize_pdf`) waiting for the merge.

    ``len()`` is its page count (all the layout needs). Its reader has parsed the page tree only,
    so waiting costs about the file's size; :meth:`take` hands it to the merge once.
    """

    def __init__(self, clean: bytes):
        from pypdf import PdfReader

        self._reader: PdfReader | None = PdfReader(io.BytesIO(clean))
        self._count = len(self._reader.pages)

    def __len__(self) -> int:
        return self._count

    @contextmanager
    def take(self) -> Iterator[PdfReader]:
        """The reader, for one merge: its pages are upright (no /Rotate), media box = visible box
        with its origin at (0, 0). The file's bytes are let go of when the block ends (also when
        the reader is still referenced, as pypdf's merged pages do), so a merge holds one
        attachment's file at a time; a second take raises ``RuntimeError``."""
        reader, self._reader = self._reader, None
        if reader is None:
            raise RuntimeError("the sanitised attachment was already merged")
        try:
            yield reader
        finally:
            reader.stream.close()


@dataclass
class Prepared:
    """One attachment, ready for layout."""

    index: int
    title: str
    category: str
    kind: str | None = None  # "pdf", "png", "jpeg"; None when it cannot be printed
    data: bytes | None = None
    pages: CleanPdf | tuple = ()  # a PDF's sanitised pages
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
    from pdf.sanitize import sanitize_pdf

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
                item.pages = CleanPdf(sanitize_pdf(data))
            else:
                image_page_size(data)  # loads and checks the pixels
        except ValueError as exc:
            out.append(_fail(item, f"文件无法读取或无法安全处理（{exc}）", draft_mode))
            continue
        item.kind, item.data = verdict.kind, data
        out.append(item)
    if any(item.kind == "pdf" for item in out):
        # pypdf's readers and writers refer to themselves in cycles: without a collection the
        # sanitiser's left-overs (each holding copies of a file) wait for the layout to fill them.
        gc.collect()
    return out


def merge_pdf_attachments(pdf: bytes, slots: list[layout.Slot], prepared: list[Prepared]) -> bytes:
    """Place every slot's sanitised page under its placeholder page; ``pdf`` when no slot."""
    if not slots:
        return pdf
    out = io.BytesIO()
    write_merged(pdf, slots, prepared, out)
    return out.getvalue()


def write_merged(pdf: bytes, slots: list[layout.Slot], prepared: list[Prepared], out: BinaryIO) -> None:
    """:func:`merge_pdf_attachments` written to ``out`` (a file open for binary writing) instead
    of returned: the merged document is never in memory as one more whole copy."""
    if not slots:
        out.write(pdf)
        return
    from pypdf import PdfReader, PdfWriter

    from pdf.geometry import merge_onto

    with warnings.catch_warnings(), quiet_pypdf():
        warnings.simplefilter("ignore")
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
        # Slots come in page order, so each attachment's slots are consecutive: parse one
        # attachment, merge its pages, let go of it before the next.
        for index, group in itertools.groupby(slots, key=lambda slot: slot.attachment):
            with prepared[index].pages.take() as reader:
                for slot in group:
                    merge_onto(writer.pages[slot.page - 1], reader.pages[slot.source_page], slot.box, over=False)
        writer.pdf_header = pdf[:8].decode("ascii")
        writer.write(out)
