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
watermark), scaled into the slot the layout recorded. The reportlab objects are copied as they
are — catalog, info and ``/ID`` included — so the result stays reproducible byte for byte.

Memory (issue 13): an attachment's sanitised file waits for the merge as its bytes
(:class:`CleanPdf`), not as a parsed document; the merge parses one attachment at a time, writes
its objects to the output at once and lets go of it, so besides the draft's own attachment bytes
the merge holds about one attachment — the merged document is never in memory as a whole (as it
was with pypdf's ``PdfWriter``, which writes only at the end).
"""

from __future__ import annotations

import gc
import io
import itertools
import logging
import tempfile
import threading
import warnings
from collections import deque
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
    from pypdf.generic import PdfObject

# pypdf, Pillow and the sanitiser are imported where an attachment is handled: a draft without
# attachments prints without loading them (issue 13: imports a render does not need).


class AttachmentError(RenderRefused):
    """An attachment cannot be printed (final prints only; drafts print a notice page)."""


class Spool:
    """One temporary file where a print's sanitised attachments wait for the merge, so that
    they are not in memory during the layout (issue 13). Private to this process and deleted
    once every file put in it has been read back (or when it is collected); ``put`` gives a
    place, ``get`` reads it back, once."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile(prefix="shenbao-")  # noqa: SIM115 - closed by get()
        self._end = 0
        self._waiting = 0

    def put(self, data: bytes) -> tuple[int, int]:
        self._file.seek(self._end)
        self._file.write(data)
        place, self._end = (self._end, len(data)), self._end + len(data)
        self._waiting += 1
        return place

    def get(self, place: tuple[int, int]) -> bytes:
        offset, length = place
        try:
            self._file.seek(offset)
            data = self._file.read(length)
        finally:
            self._waiting -= 1
            if self._waiting == 0:
                self._file.close()
        if len(data) != length:
            raise OSError(f"the temporary file of the print lost {length - len(data)} bytes")
        return data

    @property
    def closed(self) -> bool:
        return self._file.closed

    def __del__(self) -> None:  # a print that ended before its merge (refused, failed)
        file = getattr(self, "_file", None)
        if file is not None:
            file.close()


def open_spool() -> Spool | None:
    """A spool in the user's temporary folder, or None when none can be made there (then
    sanitised files wait in memory, as a print still succeeds that way)."""
    try:
        return Spool()
    except OSError:
        return None


class CleanPdf:
    """A sanitised PDF (the output of :func:`pdf.sanitize.sanitize_pdf`) waiting for the merge.

    ``len()`` is its page count (all the layout needs). The file waits in ``spool`` (a
    temporary file) when one is given, else as bytes; :meth:`take` hands it to the merge once.
    """

    def __init__(self, clean: bytes, spool: Spool | None = None):
        from pypdf import PdfReader

        with io.BytesIO(clean) as stream:
            reader = PdfReader(stream)
            self._count = len(reader.pages)
            if hasattr(reader, "close"):  # pypdf ≥ 4.3: its objects go now, not at a collection
                reader.close()
        self._spool = spool
        self._held: bytes | tuple[int, int] | None = clean
        if spool is not None:
            try:
                self._held = spool.put(clean)
            except OSError:  # the temporary folder is full or gone: it waits in memory
                self._spool = None

    def __len__(self) -> int:
        return self._count

    @contextmanager
    def take(self) -> Iterator[PdfReader]:
        """The reader, for one merge: its pages are upright (no /Rotate), media box = visible box
        with its origin at (0, 0). The file's bytes are let go of when the block ends (also when
        the reader is still referenced), so a merge holds one attachment's file at a time; a
        second take raises ``RuntimeError``."""
        from pypdf import PdfReader

        held, self._held = self._held, None
        if held is None:
            raise RuntimeError("the sanitised attachment was already merged")
        data = held if isinstance(held, bytes) else self._spool.get(held)
        reader = PdfReader(io.BytesIO(data))
        del data, held
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
    spool: Spool | None = None
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
                clean = sanitize_pdf(data)
                if spool is None:
                    spool = open_spool()
                item.pages = CleanPdf(clean, spool)
                del clean
            else:
                image_page_size(data)  # loads and checks the pixels
        except ValueError as exc:
            out.append(_fail(item, f"文件无法读取或无法安全处理（{exc}）", draft_mode))
            continue
        # a PDF prints from its sanitised copy: the original's bytes are not kept (issue 13)
        item.kind, item.data = verdict.kind, (None if verdict.kind == "pdf" else data)
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
    of returned: written object by object, one attachment parsed at a time, so the merged
    document is never in memory as a whole (issue 13)."""
    if not slots:
        out.write(pdf)
        return
    with warnings.catch_warnings(), quiet_pypdf():
        warnings.simplefilter("ignore")
        _StreamedMerge(pdf, slots, out).write(prepared)


class _StreamedMerge:
    """The reportlab output with attachment pages drawn under its placeholder pages, written
    straight to a file.

    The reportlab objects are copied byte for byte (same numbers), except each placeholder page,
    which gets a first content stream ``q /ShAttN Do Q`` and the form XObject ``/ShAttN`` in its
    resources: the attachment page as a form whose ``/Matrix`` places it into the slot and whose
    ``/BBox`` (the sanitised page's media box = its visible box) clips it. Then, one attachment at
    a time, each form and the objects its resources reach (renumbered after the reportlab ones;
    never ``/Parent``) are written and the attachment is let go of. The catalog, info and ``/ID``
    stay reportlab's, so the result is reproducible byte for byte.
    """

    def __init__(self, pdf: bytes, slots: list[layout.Slot], out: BinaryIO):
        from pypdf import PdfReader

        self.pdf, self.slots, self.out = pdf, slots, out
        self.source = PdfReader(io.BytesIO(pdf))
        updated = any(entries for generation, entries in self.source.xref.items() if generation != 0)
        if self.source.xref_objStm or updated or "/Prev" in self.source.trailer:
            raise ValueError("pdf.merge: the layout's PDF has object streams or updates")
        self.offsets: dict[int, int] = {}  # output object number -> its offset
        self.position = 0
        self.next_number = int(self.source.trailer["/Size"])
        self.form_number = [self._number() for _ in slots]
        self.by_page: dict[int, list[int]] = {}  # placeholder page object -> its slots
        for k, slot in enumerate(slots):
            page = self.source.pages[slot.page - 1].indirect_reference.idnum
            self.by_page.setdefault(page, []).append(k)
        self.content_number = {page: self._number() for page in self.by_page}

    def _number(self) -> int:
        number, self.next_number = self.next_number, self.next_number + 1
        return number

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.position += len(data)

    def _object(self, number: int, value: PdfObject, stream: bytes | None = None) -> None:
        """Write object ``number``: ``value`` (a dictionary when ``stream`` data is given)."""
        from pypdf.generic import NameObject, NumberObject

        buffer = io.BytesIO()
        buffer.write(b"%d 0 obj\n" % number)
        if stream is not None:
            value[NameObject("/Length")] = NumberObject(len(stream))
        value.write_to_stream(buffer)
        if stream is not None:
            buffer.write(b"\nstream\n")
            buffer.write(stream)
            buffer.write(b"\nendstream")
        buffer.write(b"\nendobj\n")
        self.offsets[number] = self.position
        self._write(buffer.getvalue())

    def write(self, prepared: list[Prepared]) -> None:
        self._write_layout()
        # Slots come in page order, so each attachment's slots are consecutive.
        for index, group in itertools.groupby(range(len(self.slots)), key=lambda k: self.slots[k].attachment):
            with prepared[index].pages.take() as reader:
                try:
                    self._write_attachment(reader, list(group))
                finally:
                    close = getattr(reader, "close", None)  # its parsed objects go now (pypdf ≥ 4.3)
                    if close is not None:
                        close()
        self._write_end()

    def _write_layout(self) -> None:
        pdf, offsets = self.pdf, self.source.xref[0]
        numbers = sorted(offsets, key=offsets.get)
        end = int(pdf[pdf.rindex(b"startxref") + 9:].split()[0])
        self._write(pdf[:offsets[numbers[0]]])  # header and binary comment
        for i, number in enumerate(numbers):
            start = offsets[number]
            stop = offsets[numbers[i + 1]] if i + 1 < len(numbers) else end
            if not pdf.startswith(b"%d 0 obj" % number, start) or stop <= start:
                raise ValueError(f"pdf.merge: object {number} of the layout's PDF is not where its xref says")
            if number in self.by_page:
                self._write_placeholder(number)
            else:
                self.offsets[number] = self.position
                self._write(pdf[start:stop])

    def _write_placeholder(self, number: int) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

        from pdf.geometry import resolve

        page = self.source.get_object(number)
        new = DictionaryObject(page)
        contents = page.get("/Contents")
        drawn = list(contents) if isinstance(contents, ArrayObject) else [] if contents is None else [contents]
        new[NameObject("/Contents")] = ArrayObject([IndirectObject(self.content_number[number], 0, None), *drawn])
        resources = DictionaryObject(resolve(page.get("/Resources")) or {})
        xobjects = DictionaryObject(resolve(resources.get("/XObject")) or {})
        ops = []
        for k in self.by_page[number]:
            xobjects[NameObject(f"/ShAtt{k}")] = IndirectObject(self.form_number[k], 0, None)
            ops.append(f"q /ShAtt{k} Do Q")
        resources[NameObject("/XObject")] = xobjects
        new[NameObject("/Resources")] = resources
        self._object(number, new)
        self._object(self.content_number[number], DictionaryObject(), ("\n".join(ops) + "\n").encode("ascii"))

    def _write_attachment(self, reader: PdfReader, group: list[int]) -> None:
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, StreamObject

        from pdf.geometry import fit_page_to_a4, resolve

        renumbered: dict[tuple[int, int], int] = {}
        waiting: deque = deque()

        def number_of(ref) -> int:
            key = (ref.idnum, ref.generation)
            if key not in renumbered:
                renumbered[key] = self._number()
                waiting.append((renumbered[key], ref))
            return renumbered[key]

        for k in group:
            slot = self.slots[k]
            page = reader.pages[slot.source_page]
            placement = fit_page_to_a4(page, slot.box)
            contents = page.get_contents()
            form = DictionaryObject({
                NameObject("/Type"): NameObject("/XObject"),
                NameObject("/Subtype"): NameObject("/Form"),
                NameObject("/BBox"): ArrayObject(FloatObject(v) for v in page.mediabox),
                NameObject("/Matrix"): ArrayObject(FloatObject(v) for v in placement.matrix),
                NameObject("/Resources"): _renumbered(resolve(page.get("/Resources")) or DictionaryObject(), number_of),
            })
            self._object(self.form_number[k], form, contents.get_data() if contents is not None else b"")
            while waiting:
                number, ref = waiting.popleft()
                value = ref.get_object()
                if isinstance(value, StreamObject):
                    self._object(number, _renumbered(DictionaryObject(value), number_of), value._data)
                else:
                    self._object(number, _renumbered(value, number_of))

    def _write_end(self) -> None:
        from pypdf.generic import DictionaryObject, NameObject, NumberObject

        at = self.position
        rows = [b"xref\n0 %d\n0000000000 65535 f \n" % self.next_number]
        for number in range(1, self.next_number):
            offset = self.offsets.get(number)
            rows.append(b"%010d 00000 n \n" % offset if offset is not None else b"0000000000 65535 f \n")
        self._write(b"".join(rows))
        trailer = DictionaryObject({NameObject("/Size"): NumberObject(self.next_number)})
        for key in ("/Root", "/Info", "/ID"):
            if key in self.source.trailer:
                trailer[NameObject(key)] = self.source.trailer.raw_get(key)
        buffer = io.BytesIO()
        trailer.write_to_stream(buffer)
        self._write(b"trailer\n" + buffer.getvalue() + b"\nstartxref\n%d\n%%%%EOF\n" % at)


def _renumbered(value: PdfObject, number_of) -> PdfObject:
    """A copy of ``value`` (from a sanitised attachment) whose references carry the output's
    object numbers; ``/Parent`` and ``/Length`` are left out (the latter is written anew).
    Iterative: nesting depth cannot exhaust the stack."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    def shell(item):
        if isinstance(item, IndirectObject):
            return IndirectObject(number_of(item), 0, None)
        if isinstance(item, DictionaryObject):
            copied = DictionaryObject()
            pending.append((item, copied))
            return copied
        if isinstance(item, ArrayObject):
            copied = ArrayObject()
            pending.append((item, copied))
            return copied
        return item

    pending: list = []
    result = shell(value)
    while pending:
        source, target = pending.pop()
        if isinstance(source, DictionaryObject):
            for key, item in source.items():
                if key not in ("/Parent", "/Length"):
                    target[NameObject(key)] = shell(item)
        else:
            target.extend(shell(item) for item in source)
    return result
