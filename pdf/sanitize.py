"""The sanitiser (security-critical): a PDF attachment rebuilt without active content.


PDF attachments are never copied into the 申报书 as they are. :func:`sanitize_pdf` rebuilds each
page from scratch in a fresh :class:`pypdf.PdfWriter`:

* the page's content stream becomes a form XObject whose ``/BBox`` is the visible box (crop box
  ∩ media box), so anything painted outside it stays invisible wherever the page is placed, and
  whose own graphics state is isolated, so a stray ``Q`` in hostile content cannot escape the
  placement matrix;
* the new page is upright (``/Rotate`` and ``/UserUnit`` are applied to the content, the new page
  has neither) and its media box starts at (0, 0);
* only the page's ``/Resources`` (fonts, images, colour spaces…) are copied, by a scrubbing copier
  that drops actions, JavaScript, annotations, form fields, embedded files, external references
  and the like wherever they hide, and never follows ``/Parent``;
* annotations are not copied. By default the *printed look* of annotations that a printer would
  print (``/F`` has Print, not Hidden: filled-in form fields, stamps, visible signatures and
  electronic seals) is flattened into the page as plain drawing; links, file attachments and
  every interactive behaviour are gone;
* nothing from the document catalog is copied (no /OpenAction, /AA, /Names, /AcroForm, XFA,
  /Outlines, /URI).

The written file is then read back and *every* object in it (not only the reachable ones) is
walked; if any forbidden key or name survived, :class:`ValueError` is raised.

Known limit: optional content (layers) is not evaluated. The catalog's /OCProperties is dropped
with the rest of the catalog, so viewers show every layer, including ones the source had
switched off.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DecodedStreamObject,
    DictionaryObject,
    EncodedStreamObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
    create_string_object,
)

from forms.attachments import needs_decryption
from pdf.geometry import (
    IDENTITY,
    Matrix,
    apply_matrix,
    cm_operator,
    compose,
    name_value,
    page_geometry,
    pdf_number,
    read_matrix,
    read_rect,
    resolve,
    scaling,
    translate,
)

#: Keys and names that must not exist anywhere in a sanitised file.
FORBIDDEN_NAMES = frozenset({
    "/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/OpenAction", "/AA",
    "/URI", "/AcroForm", "/Annots", "/XFA", "/SubmitForm", "/ImportData", "/GoToR", "/GoToE",
    "/RichMedia", "/RichMediaExecute",
})
#: Keys dropped by the copier on top of :data:`FORBIDDEN_NAMES`: document structure that must not
#: be pulled in, and references to external content.
_DROP_KEYS = FORBIDDEN_NAMES | {"/Names", "/Outlines", "/Dests", "/Threads", "/Parent", "/Pg",
                                "/OPI", "/Ref"}
#: Stream keys dropped by the copier: external stream data, and the length (rewritten).
_DROP_STREAM_KEYS = {"/F", "/FFilter", "/FDecodeParms", "/Length", "/DL"}
#: A dictionary with one of these /Type, /Subtype or /S values is replaced by null wholesale.
_BANNED_TYPES = {"/Catalog", "/Pages", "/Page", "/Annot", "/Action", "/Filespec", "/EmbeddedFile",
                 "/Sig", "/Outlines", "/Collection", "/3D"}
_BANNED_SUBTYPES = {"/PS", "/Link", "/Widget", "/FileAttachment", "/Screen", "/Movie", "/Sound",
                    "/RichMedia", "/3D", "/Popup"}
_ACTION_TYPES = {"/GoTo", "/GoToR", "/GoToE", "/GoToDp", "/Launch", "/Thread", "/URI", "/Sound",
                 "/Movie", "/Hide", "/Named", "/SubmitForm", "/ResetForm", "/ImportData",
                 "/SetOCGState", "/Rendition", "/Trans", "/GoTo3DView", "/JavaScript",
                 "/RichMediaExecute"}
_MAX_ANNOTATIONS = 10_000

# Annotation flags (PDF 32000-1 §12.5.3).
_FLAG_HIDDEN = 2
_FLAG_PRINT = 4

def sanitize_pdf(data: bytes, *, flatten_annotations: bool = True) -> bytes:
    """A clean copy of a PDF: same pages and look, no active or interactive content.

    Raises :class:`ValueError` when the file cannot be read (broken, encrypted, no pages) or if
    the result, against expectation, still contains a forbidden key or name.
    """
    try:
        # The readers' and writer's streams are closed as soon as they are done with: pypdf's
        # objects refer to each other in cycles, and each stream holds a copy of a file that
        # would otherwise wait for the collector (issue 13: memory of a print with attachments).
        with warnings.catch_warnings(), io.BytesIO(data) as source, io.BytesIO() as out:
            warnings.simplefilter("ignore")
            reader = PdfReader(source, strict=False)
            try:
                if reader.is_encrypted:
                    raise ValueError("the PDF is encrypted")
                pages = reader.pages
                if len(pages) == 0:
                    raise ValueError("the PDF has no pages")
                writer = PdfWriter()
                writer.pdf_header = "%PDF-1.7"
                copier = _Copier(writer)
                for page in pages:
                    _add_clean_page(writer, copier, page, flatten_annotations)
                writer.write(out)
                result = out.getvalue()
                _let_go(writer)
            finally:
                _close(reader)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile input
        if needs_decryption(exc, data):
            raise ValueError("the PDF is encrypted") from exc
        raise ValueError(f"cannot read the PDF: {type(exc).__name__}: {exc}") from exc
    assert_clean_pdf(result)
    return result


def _close(reader: PdfReader) -> None:
    """Let go of a reader's parsed objects (``PdfReader.close``, pypdf 4.3 and later; with an
    older pypdf they wait for the collector)."""
    close = getattr(reader, "close", None)
    if close is not None:
        close()


def _let_go(writer: PdfWriter) -> None:
    """Drop the objects of a writer whose file is written (copies of every stream of the page),
    which pypdf keeps in cycles until the next collection. pypdf has no public call for this;
    should its private list be renamed, the objects only wait for the collector as before."""
    objects = getattr(writer, "_objects", None)
    if isinstance(objects, list):
        objects.clear()


def sanitized_pdf_pages(data: bytes, *, flatten_annotations: bool = True) -> list[PageObject]:
    """The pages of :func:`sanitize_pdf`'s output, ready for ``merge_transformed_page``: upright
    (no /Rotate), media box = visible box with its origin at (0, 0)."""
    clean = sanitize_pdf(data, flatten_annotations=flatten_annotations)
    return list(PdfReader(io.BytesIO(clean)).pages)


def assert_clean_pdf(data: bytes) -> None:
    """Raise :class:`ValueError` if any object in the file — reachable or not — has a key or a
    name value in :data:`FORBIDDEN_NAMES`."""
    with warnings.catch_warnings(), io.BytesIO(data) as stream:
        warnings.simplefilter("ignore")
        reader = PdfReader(stream, strict=False)
        try:
            found = [f"{bad} in {where}" for where, obj in _all_objects(reader) for bad in _forbidden_in(obj)]
        finally:
            _close(reader)  # its objects (each stream's data) go now, not at the next collection
    if found:
        raise ValueError("sanitised PDF still contains forbidden entries: " + ", ".join(found[:20]))


def _all_objects(reader: PdfReader) -> Iterator[tuple[str, PdfObject]]:
    """Every object of ``reader`` — reachable or not — with where it is."""
    yield "trailer", reader.trailer
    ids = {(idnum, gen) for gen, entries in reader.xref.items() for idnum in entries}
    ids |= {(idnum, 0) for idnum in reader.xref_objStm}
    for idnum, gen in sorted(ids):
        yield f"{idnum} {gen} obj", IndirectObject(idnum, gen, reader).get_object()


def _forbidden_in(obj: PdfObject | None) -> Iterator[str]:
    """Forbidden keys and name values in ``obj`` and its direct children (indirect references
    are not followed: every indirect object is checked on its own)."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, DictionaryObject):  # streams too
            for key, value in item.items():
                if key in FORBIDDEN_NAMES:
                    yield key
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
        elif isinstance(item, NameObject) and item in FORBIDDEN_NAMES:
            yield str(item)


def _add_clean_page(writer: PdfWriter, copier: _Copier, page: PageObject, flatten: bool) -> None:
    geometry = page_geometry(page)
    contents = page.get_contents()
    content = contents.get_data() if contents is not None else b""

    form = DecodedStreamObject()
    form.set_data(content)
    form.update({
        NameObject("/Type"): NameObject("/XObject"),
        NameObject("/Subtype"): NameObject("/Form"),
        NameObject("/BBox"): ArrayObject(FloatObject(v) for v in geometry.box),
        NameObject("/Resources"): copier.copy_dict(page.get("/Resources")),
    })
    group = copier.copy_dict(page.get("/Group"))
    if group:
        form[NameObject("/Group")] = group

    xobjects = DictionaryObject({NameObject("/Pg"): writer._add_object(form.flate_encode())})
    place = cm_operator(geometry.matrix)
    ops = [f"q {place} /Pg Do Q"]
    if flatten:
        x0, y0, x1, y1 = geometry.box
        clip = f"{pdf_number(x0)} {pdf_number(y0)} {pdf_number(x1 - x0)} {pdf_number(y1 - y0)} re W n"
        for number, (appearance, matrix) in enumerate(_printed_appearances(page)):
            copied = copier.copy(appearance)
            if not isinstance(copied, IndirectObject):
                continue
            name = f"/An{number}"
            xobjects[NameObject(name)] = copied
            ops.append(f"q {place} {clip} {cm_operator(matrix)} {name} Do Q")

    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    new_page = writer.add_blank_page(width=geometry.width, height=geometry.height)
    new_page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    new_page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())


def _printed_appearances(page: PageObject) -> Iterator[tuple[PdfObject, Matrix]]:
    """(normal appearance stream, matrix onto the page) of each annotation a printer prints,
    following PDF 32000-1 §12.5.5 (appearance box → /Rect)."""
    annotations = resolve(page.get("/Annots"))
    if not isinstance(annotations, ArrayObject):
        return
    for item in list(annotations)[:_MAX_ANNOTATIONS]:
        try:
            annotation = resolve(item)
            if not isinstance(annotation, DictionaryObject):
                continue
            if name_value(annotation.get("/Subtype")) == "/Popup":
                continue
            flags = resolve(annotation.get("/F", 0))
            flags = int(flags) if isinstance(flags, int) else 0
            if not flags & _FLAG_PRINT or flags & _FLAG_HIDDEN:
                continue
            appearances = resolve(annotation.get("/AP"))
            if not isinstance(appearances, DictionaryObject):
                continue
            normal_ref = appearances.get("/N")
            normal = resolve(normal_ref)
            if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
                state = name_value(annotation.get("/AS"))
                if state is None:
                    continue
                normal_ref = normal.get(state)
                normal = resolve(normal_ref)
            if not isinstance(normal, StreamObject):
                continue
            rect = read_rect(annotation.get("/Rect"))
            bbox = read_rect(normal.get("/BBox"))
            if rect is None or bbox is None:
                continue
            form_matrix = read_matrix(normal.get("/Matrix")) or IDENTITY
            corners = [apply_matrix(form_matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
            tx0, ty0 = min(c[0] for c in corners), min(c[1] for c in corners)
            tw = max(c[0] for c in corners) - tx0
            th = max(c[1] for c in corners) - ty0
            rw, rh = rect[2] - rect[0], rect[3] - rect[1]
            if tw <= 0 or th <= 0 or rw <= 0 or rh <= 0:
                continue
            fit = compose(compose(translate(-tx0, -ty0), scaling(rw / tw, rh / th)), translate(rect[0], rect[1]))
            yield normal_ref, fit
        except Exception:  # noqa: BLE001 - a broken annotation is simply not drawn
            continue


class _Copier:
    """Copies objects from a reader into a writer, scrubbing as it goes.

    Iterative (hostile nesting cannot exhaust the stack), memoised per indirect object (shared
    resources stay shared; cycles terminate). Drops :data:`_DROP_KEYS`; replaces actions,
    annotations, file specifications, pages, the catalog and PostScript XObjects by null;
    replaces forbidden name values by null; streams are always written as indirect objects and
    keep their encoded data as is.
    """

    def __init__(self, writer: PdfWriter) -> None:
        self._writer = writer
        self._memo: dict[tuple[int, int], PdfObject] = {}
        self._pending: list[tuple[DictionaryObject | ArrayObject, DictionaryObject | ArrayObject]] = []

    def copy(self, value: PdfObject | None) -> PdfObject:
        result = self._shell(value)
        while self._pending:
            source, target = self._pending.pop()
            if isinstance(source, DictionaryObject):
                is_stream = isinstance(source, StreamObject)
                for key, item in list(source.items()):
                    if key in _DROP_KEYS or (is_stream and key in _DROP_STREAM_KEYS):
                        continue
                    copied = self._shell(item)
                    if not isinstance(copied, NullObject):
                        target[NameObject(key)] = copied
            else:
                for item in source:
                    target.append(self._shell(item))
        return result

    def copy_dict(self, value: PdfObject | None) -> DictionaryObject:
        """A copy that is a direct dictionary (empty when ``value`` is not a dictionary)."""
        resolved = resolve(value)
        if not isinstance(resolved, DictionaryObject) or isinstance(resolved, StreamObject):
            return DictionaryObject()
        copied = self.copy(resolved)
        return copied if isinstance(copied, DictionaryObject) else DictionaryObject()

    def _shell(self, value: PdfObject | None) -> PdfObject:
        """The copy of ``value`` with its children still to be filled in (queued)."""
        if isinstance(value, IndirectObject):
            key = (value.idnum, value.generation)
            if key in self._memo:
                return self._memo[key]
            try:
                resolved = value.get_object()
            except Exception:  # noqa: BLE001 - a dangling or broken reference becomes null
                resolved = None
            self._memo[key] = NullObject()  # provisional: breaks self-references while copying
            copied = self._direct(resolved)
            if not isinstance(copied, NullObject):
                copied = self._writer._add_object(copied)
            self._memo[key] = copied
            return copied
        copied = self._direct(value)
        if isinstance(copied, StreamObject):
            return self._writer._add_object(copied)  # streams must be indirect
        return copied

    def _direct(self, value: PdfObject | None) -> PdfObject:
        if isinstance(value, (DictionaryObject, ArrayObject)):
            if isinstance(value, DictionaryObject) and _banned(value):
                return NullObject()
            if isinstance(value, StreamObject):
                target: DictionaryObject | ArrayObject = (
                    EncodedStreamObject() if isinstance(value, EncodedStreamObject) else DecodedStreamObject()
                )
                target._data = value._data
            elif isinstance(value, DictionaryObject):
                target = DictionaryObject()
            else:
                target = ArrayObject()
            self._pending.append((value, target))
            return target
        if isinstance(value, NameObject):
            return NullObject() if value in FORBIDDEN_NAMES else NameObject(value)
        if isinstance(value, BooleanObject):
            return BooleanObject(bool(value))
        if isinstance(value, NumberObject):
            return NumberObject(int(value))
        if isinstance(value, FloatObject):
            return FloatObject(float(value))
        if isinstance(value, ByteStringObject):
            return ByteStringObject(bytes(value))
        if isinstance(value, TextStringObject):
            return create_string_object(value.original_bytes)
        return NullObject()


def _banned(obj: DictionaryObject) -> bool:
    if "/JS" in obj or "/FT" in obj:
        return True
    return (name_value(obj.get("/Type")) in _BANNED_TYPES
            or name_value(obj.get("/Subtype")) in _BANNED_SUBTYPES
            or name_value(obj.get("/S")) in _ACTION_TYPES)
