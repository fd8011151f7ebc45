"""Keeping a heading with what follows it, without moving what follows as a whole.

reportlab's ``keepWithNext`` glues a heading to the *whole* next flowable: when a splittable box
or table does not fit in the rest of the page, heading and box move to a fresh page together,
leaving most of the page empty (the first printouts left ~70 % of a page blank before 二).

:class:`KeepWithFirstPiece` keeps ``lead`` (a section heading, a user's short sub-heading line)
with the *first piece* of ``body``: when the pair does not fit, it asks ``body`` to split in the
room left under the lead. If ``body`` gives a first piece (a table its first rows or the top of
a split row, a paragraph its first lines), the lead stays here with that piece and the rest
flows on; if not — too little room, an unsplittable table, a table refusing a sliver — the lead
goes to the next page with ``body``. A lead is therefore never the last thing on a page, and no
page is given up for nothing.

It works in a frame (section headings) and inside a table cell that reportlab splits across
pages (``splitInRow``), where a split must give exactly two pieces.
"""

from __future__ import annotations

from reportlab import rl_config
from reportlab.platypus import Flowable
from reportlab.rl_config import _FUZZ


class KeepWithFirstPiece(Flowable):
    """``lead`` on top of ``body``, never parted by a page end (module doc). ``min_piece`` is the
    least room under the lead worth starting ``body`` in at a page foot; a first piece smaller
    than that (a title row) must bring the top of the next piece with it."""

    def __init__(self, lead: Flowable, body: Flowable, *, min_piece: float = 0.0):
        super().__init__()
        self.lead, self.body = lead, body
        self.min_piece = min_piece
        self.width = self.height = 0.0
        self._wrapped_width: float | None = None
        self._lead_size = self._body_size = (0.0, 0.0)

    # -- spacing: the pair takes the lead's space before and the body's space after --------

    def getSpaceBefore(self):  # noqa: N802 (reportlab's name)
        return self.lead.getSpaceBefore()

    def getSpaceAfter(self):  # noqa: N802
        return self.body.getSpaceAfter()

    def _gap(self) -> float:
        """The space between lead and body, as a frame would leave it."""
        after, before = self.lead.getSpaceAfter(), self.body.getSpaceBefore()
        return max(after, before) if rl_config.overlapAttachedSpace else after + before

    # -- layout ----------------------------------------------------------------------------

    def _canv(self):
        return getattr(self, "canv", None)

    def wrap(self, aw, ah):
        self._wrapped_width = aw
        canv = self._canv()
        self._lead_size = self.lead.wrapOn(canv, aw, ah)
        room = ah - self._lead_size[1] - self._gap()
        self._body_size = self.body.wrapOn(canv, aw, max(room, 0.0))
        self.width = aw
        self.height = self._lead_size[1] + self._gap() + self._body_size[1]
        return self.width, self.height

    def split(self, aw, ah):
        # A table splitting a row passes its column's full width here, not the width inside
        # the cell padding the content was wrapped at: split at the wrapped width (as
        # reportlab's own Paragraph does by reusing its wrapped lines).
        if self._wrapped_width is not None:
            aw = self._wrapped_width
        canv = self._canv()
        _, lead_h = self.lead.wrapOn(canv, aw, ah)
        room = ah - lead_h - self._gap()
        if room <= _FUZZ or room < self.min_piece:
            return []
        pieces = self.body.splitOn(canv, aw, room)
        if not pieces:
            return []
        first, rest = pieces[0], list(pieces[1:])
        first_h = first.wrapOn(canv, aw, room)[1]
        if first_h > room + _FUZZ:
            return []
        if rest and first_h < self.min_piece - _FUZZ:
            # A small first piece (a box's title row, split off between rows): the top of the
            # next piece must stay here too, or the lead would end the page all but alone.
            more = KeepWithFirstPiece(first, rest[0]).splitOn(canv, aw, room)
            if not more:
                return []
            first, rest = more[0], [*more[1:], *rest[1:]]
        return [KeepWithFirstPiece(self.lead, first), *rest]

    def draw(self):
        canv = self.canv
        lead_w, lead_h = self._lead_size
        body_w, _ = self._body_size
        self.lead.drawOn(canv, 0, self.height - lead_h, _sW=self.width - lead_w)
        self.body.drawOn(canv, 0, 0, _sW=self.width - body_w)


__all__ = ["KeepWithFirstPiece"]
