"""The printout as Qt sees it: render it, load it into a QPdfDocument, draw its pages.

Shared by the preview, printing and the attachments page's thumbnails:

* :func:`render_printout` — the 申报书 PDF of a draft snapshot (worker thread): a final print,
  or, while errors remain, a 草稿 print;
* :func:`load_pdf` — a :class:`QPdfDocument` over bytes in memory (its QBuffer is its child);
* :func:`page_image` — one page as an image on white paper, at a resolution;
* :func:`print_pages` — pages drawn onto a :class:`QPrinter` at their real size, no scaling.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from forms.draft import Draft
from forms.problems import RenderRefused

POINTS_PER_INCH = 72.0
PRINT_DPI = 300  # never fewer dots per inch on paper
MAX_PRINT_DPI = 600  # an A4 page at 600 dpi is a 140 MB image already


@dataclass(frozen=True)
class Printout:
    pdf: bytes
    fingerprint: str
    page_count: int
    draft_mode: bool  # printed with the 草稿 watermark because errors remain
    problems: tuple


def render_printout(draft: Draft, *, draft_mode: bool | None = None) -> Printout:
    """The 申报书 of ``draft`` as PDF bytes. ``draft_mode`` None: a final print when the draft
    has no errors, otherwise a 草稿 print. Raises RenderRefused when even that fails. Safe in a
    worker thread (pdf.export works on a copy); call pdf.export.prepare_fonts() first."""
    from pdf.export import export_bytes

    if draft_mode is None:
        try:
            blob, printed = export_bytes(draft, "pdf")
            return Printout(blob, printed.fingerprint, printed.page_count or 0, False, printed.problems)
        except RenderRefused:
            draft_mode = True
    blob, printed = export_bytes(draft, "pdf", draft_mode=draft_mode)
    return Printout(blob, printed.fingerprint, printed.page_count or 0, draft_mode, printed.problems)


def load_pdf(blob: bytes, parent: QObject | None = None) -> QPdfDocument:
    """A QPdfDocument over ``blob`` (loaded at once; check ``status()``)."""
    doc = QPdfDocument(parent)
    buffer = QBuffer(doc)
    buffer.setData(QByteArray(blob))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    doc.load(buffer)
    return doc


def page_pixels(doc: QPdfDocument, index: int, dpi: float) -> QSize:
    size = doc.pagePointSize(index)
    return QSize(max(1, round(size.width() * dpi / POINTS_PER_INCH)),
                 max(1, round(size.height() * dpi / POINTS_PER_INCH)))


def page_image(doc: QPdfDocument, index: int, *, dpi: float | None = None, size: QSize | None = None) -> QImage:
    """Page ``index`` on white paper (QPdfDocument leaves the background transparent), at
    ``dpi`` or fitted into ``size`` keeping the page's proportions."""
    if size is not None:
        natural = page_pixels(doc, index, POINTS_PER_INCH)
        target = natural.scaled(size, Qt.AspectRatioMode.KeepAspectRatio)
    else:
        target = page_pixels(doc, index, dpi or PRINT_DPI)
    rendered = doc.render(index, target)
    paper = QImage(target, QImage.Format.Format_RGB32)
    paper.fill(QColor("white"))
    painter = QPainter(paper)
    painter.drawImage(0, 0, rendered)
    painter.end()
    return paper


def print_dpi(printer: QPrinter) -> int:
    """The resolution to render pages at for ``printer``: its own, within 300–600 dpi."""
    return max(PRINT_DPI, min(printer.resolution(), MAX_PRINT_DPI))


def print_pages(printer: QPrinter, doc: QPdfDocument, pages: Sequence[int] | None = None,
                progress: Callable[[int, int], bool] | None = None) -> int:
    """Draw ``pages`` (0-based; default all) of ``doc`` onto ``printer``, each at its real size
    from the paper's top left corner (no scaling to fit; a landscape page on portrait paper is
    turned). ``progress(done, total)`` may return False to stop. Returns the pages printed;
    raises OSError when the printer cannot be opened."""
    pages = list(range(doc.pageCount())) if pages is None else list(pages)
    dpi = print_dpi(printer)
    device_dpi = printer.resolution()
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("printer not ready")
    done = 0
    try:
        paper = printer.paperRect(QPrinter.Unit.DevicePixel)
        for n, index in enumerate(pages):
            if progress is not None and not progress(n, len(pages)):
                break
            if n and not printer.newPage():
                raise OSError("printer refused a new page")
            image = page_image(doc, index, dpi=dpi)
            scale = device_dpi / dpi
            w, h = image.width() * scale, image.height() * scale
            painter.save()
            if w > h and paper.height() > paper.width():
                painter.translate(paper.width(), 0)
                painter.rotate(90)
            painter.drawImage(QRectF(0, 0, w, h), image)
            painter.restore()
            done += 1
    finally:
        painter.end()
    return done
