"""The page machinery: page templates, mirrored frames, right-hand starts, footers, watermark.

:class:`ShenbaoDoc` is a platypus ``BaseDocTemplate`` with five page templates — ``cover``,
``cover_back``, ``body``, ``blank`` and ``attachment`` — whose frames move with the binding edge
(left on odd pages, right on even pages in duplex). Two marker flowables steer it:

* :class:`StartOn` ends the current page and starts the next on a template; with
  ``right_hand=True`` (duplex only) it first inserts a ``blank`` page when the next page would be
  a left-hand (even) one;
* :class:`PadToEven` adds a final ``blank`` page when the page count is odd (duplex only).

The footer ("第 n 页 共 m 页" and the draft fingerprint) needs the total page count, so
:class:`FooterCanvas` holds each finished page back and draws the footers when the document is
saved — one layout pass. Cover pages carry no number; the count starts at the first body page,
so odd numbers are right-hand pages in duplex.

Blank pages inside the document (before a right-hand start, at the end) say "（此页无正文）" and
carry the footer: the numbering a reviewer checks stays continuous, the fingerprint is on every
sheet, and nobody wonders whether a page failed to print. The back of the cover stays truly
blank, like the back of any printed cover.

The 草稿 watermark of a draft print is drawn when a page ends (``afterDrawPage``), over all its
content, translucent and multiplied in: an image attachment cannot hide it and text under it
stays readable. Attachment PDF pages are merged under their placeholder page after layout, so
the mark lies over them too.
"""

from __future__ import annotations

from reportlab.pdfbase.pdfdoc import PDFDictionary
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from pdf import layout
from pdf.fonts import HEI, SONG
from pdf.grid import SANHAO, WUHAO, XIAOSI, XIAOWU
from pdf.styles import (
    BLANK_PAGE_NOTE,
    FOOTER_COLOR,
    FOOTER_FINGERPRINT,
    FOOTER_PAGE,
    WATERMARK_ALPHA,
    WATERMARK_GREY,
    WATERMARK_TEXT,
)

NUMBERED_KINDS = frozenset({"body", "blank", "attachment"})


# --------------------------------------------------------------------------- markers


class _Marker(Flowable):
    """A flowable that the document handles itself; it is never drawn."""

    def wrap(self, aw, ah):  # pragma: no cover - never laid out
        return 0, 0

    def draw(self):  # pragma: no cover
        pass


class StartOn(_Marker):
    """End the page; continue on ``template``, on a right-hand page if ``right_hand``."""

    def __init__(self, template: str, right_hand: bool = False):
        super().__init__()
        self.template = template
        self.right_hand = right_hand


class PadToEven(_Marker):
    """Make the page count even with a blank page (duplex)."""


class Fill(Flowable):
    """An invisible, zero-size flowable: gives an otherwise empty page its content."""

    def wrap(self, aw, ah):
        return 0, 0

    def draw(self):
        pass


# --------------------------------------------------------------------------- templates


class _Template(PageTemplate):
    """A page template whose frames follow the binding edge, and which knows its page kind."""

    def __init__(self, id: str, kind: str, frame_height: float, frame_y: float, settings: PageSettings,
                 x_of=None, width: float = layout.FRAME_WIDTH):
        self.kind = kind
        self.settings = settings
        self._x_of = x_of or (lambda page: layout.frame_x(page, settings.simplex))
        frame = Frame(self._x_of(1), frame_y, width, frame_height, leftPadding=0, rightPadding=0,
                      topPadding=0, bottomPadding=0, id=f"{id}-frame")
        super().__init__(id=id, frames=[frame], pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT))

    def beforeDrawPage(self, canv, doc):  # noqa: N802 (reportlab's name)
        page = doc.page
        for frame in self.frames:
            frame.x1 = self._x_of(page)
        doc.marks.page_kinds.append(self.kind)
        if self.kind == "blank":
            draw_blank_note(canv, page, self.settings.simplex)

    def afterDrawPage(self, canv, doc):  # noqa: N802
        if self.kind == "cover" and doc.page == 1 and self.settings.compiled_by:
            canv.saveState()
            canv.setFont(HEI, SANHAO)
            x = layout.frame_x(1, self.settings.simplex) + layout.FRAME_WIDTH / 2
            canv.drawCentredString(x, layout.COVER_COMPILED_FROM_BOTTOM, self.settings.compiled_by)
            canv.restoreState()
        if self.settings.draft_mode:
            # Last, over everything the page holds — an opaque image attachment would hide a
            # watermark drawn first. (Attachment PDF pages are merged under the page later.)
            draw_watermark(canv)


class PageSettings:
    """What the page decorations need to know about this print."""

    def __init__(self, *, simplex: bool, draft_mode: bool, fingerprint: str, compiled_by: str):
        self.simplex = simplex
        self.draft_mode = draft_mode
        self.fingerprint = fingerprint
        self.compiled_by = compiled_by


def page_templates(settings: PageSettings) -> list[PageTemplate]:
    body_y, body_h = layout.BOTTOM, layout.FRAME_HEIGHT

    def attachment_x(page: int) -> float:
        return layout.attachment_box(page, settings.simplex)[0]

    box = layout.attachment_box(1, settings.simplex)
    return [
        _Template("cover", "cover", layout.COVER_FRAME_HEIGHT, layout.COVER_FRAME_BOTTOM, settings),
        _Template("cover_back", "cover_back", body_h, body_y, settings),
        _Template("body", "body", body_h, body_y, settings),
        _Template("blank", "blank", body_h, body_y, settings),
        _Template("attachment", "attachment", box[3] + layout.ATTACHMENT_CAPTION_HEIGHT, box[1], settings,
                  x_of=attachment_x, width=box[2]),
    ]


# --------------------------------------------------------------------------- the document


class ShenbaoDoc(BaseDocTemplate):
    """The document template; see the module doc for :class:`StartOn` and :class:`PadToEven`."""

    def __init__(self, buf, *, settings: PageSettings, marks: layout.Marks, doc_setup=None, **kw):
        self.settings = settings
        self.marks = marks
        self._doc_setup = doc_setup
        super().__init__(buf, pagesize=(layout.PAGE_WIDTH, layout.PAGE_HEIGHT), invariant=1,
                         pageTemplates=page_templates(settings), leftMargin=layout.BINDING,
                         rightMargin=layout.OUTER, topMargin=layout.TOP, bottomMargin=layout.BOTTOM,
                         allowSplitting=1, initialFontName=SONG, initialFontSize=12, **kw)

    def beforeDocument(self):  # noqa: N802
        if self._doc_setup is not None:
            self._doc_setup(self.canv)

    def handle_flowable(self, flowables):
        f = flowables[0]
        if isinstance(f, StartOn):
            del flowables[0]
            if f.right_hand and not self.settings.simplex and (self.page + 1) % 2 == 0:
                self._break_to("blank")
                flowables[0:0] = [Fill(), StartOn(f.template)]
            else:
                self._break_to(f.template)
            return
        if isinstance(f, PadToEven):
            del flowables[0]
            if not self.settings.simplex and self.page % 2 == 1:
                self._break_to("blank")
                flowables.insert(0, Fill())
            return
        super().handle_flowable(flowables)

    def _break_to(self, template: str) -> None:
        """End the current page (one is always open here: platypus begins a pending page
        before it hands over the next flowable) and pick the template of the next."""
        self.handle_nextPageTemplate(template)
        self.handle_pageBreak()


# --------------------------------------------------------------------------- decorations


def draw_watermark(canv: Canvas) -> None:
    """A large diagonal 草稿, light and translucent, drawn over the page content. It multiplies
    with what is under it (blend mode Multiply): white paper turns light grey, black text stays
    black, so every word under the mark remains readable."""
    canv.saveState()
    canv.setFillColor(WATERMARK_GREY)
    canv.setFillAlpha(WATERMARK_ALPHA)
    canv.setBlendMode("Multiply")
    canv.setFont(HEI, 150)
    canv.translate(layout.PAGE_WIDTH / 2, layout.PAGE_HEIGHT / 2)
    canv.rotate(50)
    canv.drawCentredString(0, -50, WATERMARK_TEXT)
    canv.restoreState()


def draw_blank_note(canv: Canvas, page: int, simplex: bool) -> None:
    canv.saveState()
    canv.setFont(SONG, XIAOSI)
    canv.setFillColor(FOOTER_COLOR)
    x = layout.frame_x(page, simplex) + layout.FRAME_WIDTH / 2
    canv.drawCentredString(x, layout.PAGE_HEIGHT / 2, BLANK_PAGE_NOTE)
    canv.restoreState()


def draw_footer(canv: Canvas, page: int, number: int, total: int, settings: PageSettings) -> None:
    """"第 n 页 共 m 页" centred under the text block; the fingerprint at its outer edge."""
    x0 = layout.frame_x(page, settings.simplex)
    canv.saveState()
    canv.setFillColor(FOOTER_COLOR)
    canv.setFont(SONG, WUHAO)
    canv.drawCentredString(x0 + layout.FRAME_WIDTH / 2, layout.FOOTER_BASELINE,
                           FOOTER_PAGE.format(n=number, m=total))
    canv.setFont(SONG, XIAOWU)
    text = FOOTER_FINGERPRINT.format(fp=settings.fingerprint)
    if layout.binding_left(page, settings.simplex):  # outer edge on the right
        canv.drawRightString(x0 + layout.FRAME_WIDTH, layout.FOOTER_BASELINE, text)
    else:
        canv.drawString(x0, layout.FOOTER_BASELINE, text)
    canv.restoreState()


class FooterCanvas(Canvas):
    """A canvas that draws the footers once the page total is known (at :meth:`save`)."""

    def __init__(self, *args, settings: PageSettings, marks: layout.Marks, **kw):
        super().__init__(*args, **kw)
        self._settings = settings
        self._marks = marks
        self._held: list[dict] = []

    def showPage(self):  # noqa: N802 (reportlab's name)
        self._held.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        kinds = self._marks.page_kinds
        first = kinds.index("body") + 1 if "body" in kinds else len(kinds) + 1
        total = len(kinds) - first + 1
        for page, state in enumerate(self._held, 1):
            self.__dict__.update(state)
            if page >= first and page <= len(kinds) and kinds[page - 1] in NUMBERED_KINDS:
                draw_footer(self, page, page - first + 1, total, self._settings)
            Canvas.showPage(self)
        Canvas.save(self)


def set_viewer_preferences(canv: Canvas, *, simplex: bool, copies: int = 2) -> None:
    """Print dialog defaults: duplex flipped on the long edge (or simplex), actual size,
    ``copies`` copies; the window shows the document title."""
    canv.setViewerPreference("Duplex", "Simplex" if simplex else "DuplexFlipLongEdge")
    canv.setViewerPreference("PrintScaling", "None")
    canv.setViewerPreference("DisplayDocTitle", "true")
    prefs = canv._doc.Catalog.ViewerPreferences
    PDFDictionary.__setitem__(prefs, "NumCopies", copies)  # not in reportlab's checked list
    canv._doc._pdfVersion = max(canv._doc._pdfVersion, (1, 7))  # Duplex, NumCopies: PDF 1.7


__all__ = ["FooterCanvas", "Fill", "PadToEven", "PageSettings", "ShenbaoDoc", "StartOn", "set_viewer_preferences"]
