"""Attachments on paper: sanitised PDF pages, and images, placed on A4.

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

Placing on A4 (:func:`fit_into_box`, :func:`fit_page_to_a4`, :func:`merge_onto`,
:func:`draw_image_page`) into a box the caller gives — in the printout always a part of
:func:`pdf.layout.attachment_box`, the one attachment area (binding side and footer kept free):
content is scaled down only (never enlarged), keeps its aspect ratio and is centred in the box. A page or
image is turned 90° counter-clockwise — its top at the left, the binding edge of a right-hand
page, as bound documents print landscape tables — only when that gives it a strictly larger
scale, i.e. for landscape content that would otherwise be shrunk more.
"""

from __future__ import annotations

import io
import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

from PIL import Image
from pypdf import PageObject, PdfReader, PdfWriter, Transformation
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
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo

from forms.attachments import MAX_IMAGE_PIXELS, PIL_FORMATS, PRINTABLE_MODES, sniff_kind

#: Resolution assumed for images that do not state a plausible one.
DEFAULT_IMAGE_DPI = 150.0
_DPI_RANGE = (50.0, 2400.0)

Box = tuple[float, float, float, float]  # x, y, width, height in points
Matrix = tuple[float, float, float, float, float, float]  # PDF (a b c d e f)
IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

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


# --- geometry --------------------------------------------------------------------------------


def _then(first: Matrix, second: Matrix) -> Matrix:
    """The matrix applying ``first`` and then ``second``."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = second
    return (a * a2 + b * c2, a * b2 + b * d2, c * a2 + d * c2, c * b2 + d * d2,
            e * a2 + f * c2 + e2, e * b2 + f * d2 + f2)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _scale(sx: float, sy: float) -> Matrix:
    return (sx, 0.0, 0.0, sy, 0.0, 0.0)


def _translate(tx: float, ty: float) -> Matrix:
    return (1.0, 0.0, 0.0, 1.0, tx, ty)


def _cm(m: Matrix) -> str:
    return " ".join(_num(v) for v in m) + " cm"


def _num(value: float) -> str:
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True)
class Placement:
    """Where content of a given upright size lands in a box.

    ``matrix`` maps the content's space onto the target page (for :func:`fit_page_to_a4`: the
    source page's user space; for :func:`fit_into_box`: the upright ``[0, w] × [0, h]``);
    ``rect`` is the placed area ``(x, y, width, height)`` on the target page; ``scale`` ≤ 1 unless
    upscaling was asked for; ``rotated`` tells whether the content was turned 90°
    counter-clockwise.
    """

    scale: float
    rotated: bool
    rect: Box
    matrix: Matrix

    @property
    def transformation(self) -> Transformation:
        """For :meth:`pypdf.PageObject.merge_transformed_page`."""
        return Transformation(self.matrix)


def fit_into_box(
    width: float,
    height: float,
    box: Box,
    *,
    allow_rotate: bool = True,
    allow_upscale: bool = False,
) -> Placement:
    """Fit upright content of ``width`` × ``height`` points into ``box``: keep the ratio, scale
    down only (unless ``allow_upscale``), centre; turn it 90° counter-clockwise only when that
    gives a strictly larger scale (and ``allow_rotate``)."""
    if not (width > 0 and height > 0 and math.isfinite(width) and math.isfinite(height)):
        raise ValueError(f"content size must be positive, not {width!r} × {height!r}")
    bx, by, bw, bh = box
    if not (bw > 0 and bh > 0):
        raise ValueError(f"box must have a positive size, not {box!r}")

    def scale_for(w: float, h: float) -> float:
        s = min(bw / w, bh / h)
        return s if allow_upscale else min(s, 1.0)

    upright, turned = scale_for(width, height), scale_for(height, width)
    rotated = allow_rotate and turned > upright * (1 + 1e-9)
    if rotated:
        scale = turned
        placed_w, placed_h = height * scale, width * scale
        base: Matrix = (0.0, 1.0, -1.0, 0.0, height, 0.0)  # (x, y) -> (height - y, x)
    else:
        scale = upright
        placed_w, placed_h = width * scale, height * scale
        base = IDENTITY
    x = bx + (bw - placed_w) / 2
    y = by + (bh - placed_h) / 2
    matrix = _then(_then(base, _scale(scale, scale)), _translate(x, y))
    return Placement(scale, rotated, (x, y, placed_w, placed_h), matrix)


@dataclass(frozen=True)
class PageGeometry:
    """What a viewer shows of a PDF page.

    ``box`` is the visible area (crop box ∩ media box) in user space as ``(x0, y0, x1, y1)``;
    ``rotation`` the page's ``/Rotate`` (clockwise, 0/90/180/270); ``width`` × ``height`` the
    upright size in points (``/UserUnit`` applied); ``matrix`` maps user space onto the upright
    ``[0, width] × [0, height]``.
    """

    box: tuple[float, float, float, float]
    rotation: int
    user_unit: float
    width: float
    height: float
    matrix: Matrix


def page_geometry(page: PageObject) -> PageGeometry:
    """The :class:`PageGeometry` of a page, defaulting as viewers do (no media box: US Letter;
    a crop box outside the media box or a /Rotate not a multiple of 90: ignored)."""
    media = _read_rect(page.get("/MediaBox")) or (0.0, 0.0, 612.0, 792.0)
    crop = _read_rect(page.get("/CropBox"))
    box = media
    if crop is not None:
        inter = (max(media[0], crop[0]), max(media[1], crop[1]),
                 min(media[2], crop[2]), min(media[3], crop[3]))
        if inter[2] - inter[0] > 0 and inter[3] - inter[1] > 0:
            box = inter
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    if not (w > 0 and h > 0):
        raise ValueError("page has no visible area")

    rotate = _resolve(page.get("/Rotate", 0))
    rotation = int(rotate) % 360 if isinstance(rotate, (int, float)) and math.isfinite(rotate) else 0
    if rotation % 90:
        rotation = 0
    unit_value = _resolve(page.get("/UserUnit", 1))
    user_unit = float(unit_value) if isinstance(unit_value, (int, float)) else 1.0
    if not (math.isfinite(user_unit) and user_unit > 0):
        user_unit = 1.0

    # /Rotate turns the page clockwise for display.
    turn: Matrix = {
        0: IDENTITY,
        90: (0.0, -1.0, 1.0, 0.0, 0.0, w),  # (x, y) -> (y, w - x)
        180: (-1.0, 0.0, 0.0, -1.0, w, h),
        270: (0.0, 1.0, -1.0, 0.0, h, 0.0),  # (x, y) -> (h - y, x)
    }[rotation]
    matrix = _then(_then(_translate(-x0, -y0), turn), _scale(user_unit, user_unit))
    up_w, up_h = (h, w) if rotation in (90, 270) else (w, h)
    return PageGeometry(box, rotation, user_unit, up_w * user_unit, up_h * user_unit, matrix)


def fit_page_to_a4(page: PageObject, box: Box, *, allow_rotate: bool = True) -> Placement:
    """Where a PDF page goes in ``box`` on an A4 page (the printer's box is
    :func:`pdf.layout.attachment_box`: binding side and footer kept free).

    The page's own crop box, ``/Rotate`` and ``/UserUnit`` are respected; the returned
    ``placement.transformation`` maps the page's user space onto the A4 page, for
    ``a4_page.merge_transformed_page(page, placement.transformation)``. Give it pages from
    :func:`sanitized_pdf_pages`: pypdf clips merged content to the media box only, and only
    sanitised pages have media box = visible box.
    """
    geometry = page_geometry(page)
    fit = fit_into_box(geometry.width, geometry.height, box, allow_rotate=allow_rotate)
    return Placement(fit.scale, fit.rotated, fit.rect, _then(geometry.matrix, fit.matrix))


def merge_onto(target: PageObject, page: PageObject, box: Box, *, over: bool = True,
               allow_rotate: bool = True) -> Placement:
    """Draw ``page`` (a sanitised page) into ``box`` of ``target`` (an A4 page, ideally one in a
    :class:`PdfWriter`) — over its content, or under it with ``over=False``, as the printer
    places attachment pages under their placeholder pages; returns the placement used."""
    placement = fit_page_to_a4(page, box, allow_rotate=allow_rotate)
    target.merge_transformed_page(page, placement.transformation, over=over)
    return placement


# --- sanitising ------------------------------------------------------------------------------


def sanitize_pdf(data: bytes, *, flatten_annotations: bool = True) -> bytes:
    """A clean copy of a PDF: same pages and look, no active or interactive content.

    Raises :class:`ValueError` when the file cannot be read (broken, encrypted, no pages) or if
    the result, against expectation, still contains a forbidden key or name.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
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
            out = io.BytesIO()
            writer.write(out)
            result = out.getvalue()
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001 - pypdf raises many types on hostile input
        raise ValueError(f"cannot read the PDF: {type(exc).__name__}: {exc}") from exc
    assert_clean_pdf(result)
    return result


def sanitized_pdf_pages(data: bytes, *, flatten_annotations: bool = True) -> list[PageObject]:
    """The pages of :func:`sanitize_pdf`'s output, ready for ``merge_transformed_page``: upright
    (no /Rotate), media box = visible box with its origin at (0, 0)."""
    clean = sanitize_pdf(data, flatten_annotations=flatten_annotations)
    return list(PdfReader(io.BytesIO(clean)).pages)


def assert_clean_pdf(data: bytes) -> None:
    """Raise :class:`ValueError` if any object in the file — reachable or not — has a key or a
    name value in :data:`FORBIDDEN_NAMES`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reader = PdfReader(io.BytesIO(data), strict=False)
        found: list[str] = []
        objects: list[tuple[str, PdfObject]] = [("trailer", reader.trailer)]
        ids = {(idnum, gen) for gen, entries in reader.xref.items() for idnum in entries}
        ids |= {(idnum, 0) for idnum in reader.xref_objStm}
        for idnum, gen in sorted(ids):
            objects.append((f"{idnum} {gen} obj", IndirectObject(idnum, gen, reader).get_object()))
        for where, obj in objects:
            for bad in _forbidden_in(obj):
                found.append(f"{bad} in {where}")
    if found:
        raise ValueError("sanitised PDF still contains forbidden entries: " + ", ".join(found[:20]))


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
    place = _cm(geometry.matrix)
    ops = [f"q {place} /Pg Do Q"]
    if flatten:
        x0, y0, x1, y1 = geometry.box
        clip = f"{_num(x0)} {_num(y0)} {_num(x1 - x0)} {_num(y1 - y0)} re W n"
        for number, (appearance, matrix) in enumerate(_printed_appearances(page)):
            copied = copier.copy(appearance)
            if not isinstance(copied, IndirectObject):
                continue
            name = f"/An{number}"
            xobjects[NameObject(name)] = copied
            ops.append(f"q {place} {clip} {_cm(matrix)} {name} Do Q")

    stream = DecodedStreamObject()
    stream.set_data("\n".join(ops).encode("ascii"))
    new_page = writer.add_blank_page(width=geometry.width, height=geometry.height)
    new_page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    new_page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())


def _printed_appearances(page: PageObject) -> Iterator[tuple[PdfObject, Matrix]]:
    """(normal appearance stream, matrix onto the page) of each annotation a printer prints,
    following PDF 32000-1 §12.5.5 (appearance box → /Rect)."""
    annotations = _resolve(page.get("/Annots"))
    if not isinstance(annotations, ArrayObject):
        return
    for item in list(annotations)[:_MAX_ANNOTATIONS]:
        try:
            annotation = _resolve(item)
            if not isinstance(annotation, DictionaryObject):
                continue
            if _name(annotation.get("/Subtype")) == "/Popup":
                continue
            flags = _resolve(annotation.get("/F", 0))
            flags = int(flags) if isinstance(flags, int) else 0
            if not flags & _FLAG_PRINT or flags & _FLAG_HIDDEN:
                continue
            appearances = _resolve(annotation.get("/AP"))
            if not isinstance(appearances, DictionaryObject):
                continue
            normal_ref = appearances.get("/N")
            normal = _resolve(normal_ref)
            if isinstance(normal, DictionaryObject) and not isinstance(normal, StreamObject):
                state = _name(annotation.get("/AS"))
                if state is None:
                    continue
                normal_ref = normal.get(state)
                normal = _resolve(normal_ref)
            if not isinstance(normal, StreamObject):
                continue
            rect = _read_rect(annotation.get("/Rect"))
            bbox = _read_rect(normal.get("/BBox"))
            if rect is None or bbox is None:
                continue
            form_matrix = _read_matrix(normal.get("/Matrix")) or IDENTITY
            corners = [_apply(form_matrix, x, y) for x in (bbox[0], bbox[2]) for y in (bbox[1], bbox[3])]
            tx0, ty0 = min(c[0] for c in corners), min(c[1] for c in corners)
            tw = max(c[0] for c in corners) - tx0
            th = max(c[1] for c in corners) - ty0
            rw, rh = rect[2] - rect[0], rect[3] - rect[1]
            if tw <= 0 or th <= 0 or rw <= 0 or rh <= 0:
                continue
            fit = _then(_then(_translate(-tx0, -ty0), _scale(rw / tw, rh / th)), _translate(rect[0], rect[1]))
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
        resolved = _resolve(value)
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
    return (_name(obj.get("/Type")) in _BANNED_TYPES
            or _name(obj.get("/Subtype")) in _BANNED_SUBTYPES
            or _name(obj.get("/S")) in _ACTION_TYPES)


# --- small readers ---------------------------------------------------------------------------


def _resolve(value: PdfObject | None) -> PdfObject | None:
    try:
        return value.get_object() if isinstance(value, IndirectObject) else value
    except Exception:  # noqa: BLE001
        return None


def _name(value: PdfObject | None) -> str | None:
    resolved = _resolve(value)
    return str(resolved) if isinstance(resolved, NameObject) else None


def _numbers(value: PdfObject | None, count: int) -> list[float] | None:
    array = _resolve(value)
    if not isinstance(array, ArrayObject) or len(array) != count:
        return None
    numbers = []
    for item in array:
        number = _resolve(item)
        if isinstance(number, BooleanObject) or not isinstance(number, (int, float)):
            return None
        number = float(number)
        if not math.isfinite(number):
            return None
        numbers.append(number)
    return numbers


def _read_rect(value: PdfObject | None) -> tuple[float, float, float, float] | None:
    numbers = _numbers(value, 4)
    if numbers is None:
        return None
    x0, y0, x1, y1 = numbers
    rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return rect if rect[2] > rect[0] and rect[3] > rect[1] else None


def _read_matrix(value: PdfObject | None) -> Matrix | None:
    numbers = _numbers(value, 6)
    return tuple(numbers) if numbers is not None else None  # type: ignore[return-value]


# --- images ----------------------------------------------------------------------------------

#: EXIF Orientation → matrix from the stored image's unit square to the displayed one.
_ORIENTATION: dict[int, Matrix] = {
    1: IDENTITY,
    2: (-1.0, 0.0, 0.0, 1.0, 1.0, 0.0),   # mirrored left-right
    3: (-1.0, 0.0, 0.0, -1.0, 1.0, 1.0),  # turned 180°
    4: (1.0, 0.0, 0.0, -1.0, 0.0, 1.0),   # mirrored top-bottom
    5: (0.0, -1.0, -1.0, 0.0, 1.0, 1.0),  # transposed
    6: (0.0, -1.0, 1.0, 0.0, 0.0, 1.0),   # to be turned 90° clockwise
    7: (0.0, 1.0, 1.0, 0.0, 0.0, 0.0),    # transversed
    8: (0.0, 1.0, -1.0, 0.0, 1.0, 0.0),   # to be turned 90° counter-clockwise
}


@dataclass
class _LoadedImage:
    kind: str
    image: Image.Image
    orientation: int
    size: tuple[float, float]  # displayed size in points


def _load_image(data: bytes) -> _LoadedImage:
    kind = sniff_kind(data)
    if kind not in PIL_FORMATS:
        raise ValueError("not a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]])
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_IMAGE_PIXELS:
                raise ValueError(f"image of {width} × {height} pixels is too large")
            if image.mode not in PRINTABLE_MODES:
                raise ValueError(f"image mode {image.mode} cannot be printed")
            image.load()
            orientation = image.getexif().get(0x0112, 1)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"cannot read the image: {type(exc).__name__}: {exc}") from exc
    if orientation not in _ORIENTATION:
        orientation = 1
    dpi_x, dpi_y = _image_dpi(image)
    w_pt, h_pt = width / dpi_x * 72.0, height / dpi_y * 72.0
    if orientation >= 5:
        w_pt, h_pt = h_pt, w_pt
    return _LoadedImage(kind, image, orientation, (w_pt, h_pt))


def _image_dpi(image: Image.Image) -> tuple[float, float]:
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI
    low, high = _DPI_RANGE
    if low <= x <= high and low <= y <= high:
        return x, y
    return DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI


def image_page_size(data: bytes) -> tuple[float, float]:
    """The natural printed size of a PNG/JPEG in points, as displayed (EXIF orientation applied):
    pixels at the image's stated resolution, or at :data:`DEFAULT_IMAGE_DPI` when it states none
    (or an implausible one). Raises :class:`ValueError` for unusable data."""
    return _load_image(data).size


def _printable(image: Image.Image) -> Image.Image:
    """``image`` as L, RGB or CMYK pixels; transparency is flattened onto white paper."""
    mode = image.mode
    if mode in ("L", "RGB", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode in ("YCbCr", "RGBX"):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    if alpha.getextrema() == (255, 255):
        return rgba.convert("RGB")
    paper = Image.new("RGB", rgba.size, "white")
    paper.paste(rgba.convert("RGB"), mask=alpha)
    return paper


def _jpeg_passthrough(data: bytes, image: Image.Image) -> bool:
    """True when the JPEG bytes can go into the PDF untouched (DCTDecode): baseline or
    progressive, 8 bits, grey or RGB. CMYK JPEGs are decoded instead (inverted Adobe CMYK)."""
    if image.mode not in ("L", "RGB"):
        return False
    try:
        _, _, components, _ = readJPEGInfo(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        return False
    return components in (1, 3)


def draw_image_page(canvas, data: bytes, box: Box, *, allow_rotate: bool = True) -> Placement:
    """Draw a PNG/JPEG attachment on a reportlab canvas, fitted into ``box`` (in the printout:
    the rest of the attachment page, inside :func:`pdf.layout.attachment_box`) by
    :func:`fit_into_box` from its :func:`image_page_size`: never enlarged, ratio kept, centred,
    EXIF orientation honoured, transparency on white.

    JPEGs are embedded as they are when PDF can carry them (no re-compression). Raises
    :class:`ValueError` for unusable data; returns the placement (of the displayed image).
    """
    loaded = _load_image(data)
    width, height = loaded.size
    fit = fit_into_box(width, height, box, allow_rotate=allow_rotate)
    if loaded.kind == "jpeg" and _jpeg_passthrough(data, loaded.image):
        reader = ImageReader(io.BytesIO(data))
    else:
        reader = ImageReader(_printable(loaded.image))
    matrix = _then(_then(_ORIENTATION[loaded.orientation], _scale(width, height)), fit.matrix)
    canvas.saveState()
    canvas.transform(*matrix)
    canvas.drawImage(reader, 0, 0, 1, 1)
    canvas.restoreState()
    return fit
