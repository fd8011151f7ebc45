"""Lists that say how long ago something happened (刚刚, 3分钟前) keep saying it truly while they
stay open: :class:`AgoTexts` re-words them every :data:`REFRESH_MS`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from forms.display import when_text

#: How often the texts are re-worded: the coarsest step they show is a minute.
REFRESH_MS = 30_000


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class AgoTexts(QObject):
    """Texts ``when_text(moment)`` set through a setter (an item's ``setText``), re-worded by a
    timer that runs while the parent lives. :meth:`clear` before the items are replaced."""

    def __init__(self, parent: QObject):
        super().__init__(parent)
        self.clock: Callable[[], dt.datetime] = _now
        self._texts: list[tuple[Callable[[str], object], dt.datetime]] = []
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()

    def show(self, setter: Callable[[str], object], moment: dt.datetime) -> None:
        setter(when_text(moment, self.clock()))
        self._texts.append((setter, moment))

    def clear(self) -> None:
        self._texts.clear()

    def refresh(self) -> None:
        now = self.clock()
        for setter, moment in self._texts:
            setter(when_text(moment, now))
