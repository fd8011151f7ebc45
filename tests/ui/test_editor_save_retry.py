"""A save that fails (the draft was moved to the trash from another window) is retried, and once
the store takes writes again, autosave is back to its one-second promise."""

from __future__ import annotations

from forms.store import Store
from tests.ui.conftest import focus, type_text
from ui.session import SAVE_DELAY_MS


def test_autosave_keeps_its_delay_after_a_failed_save(qtbot, window, store) -> None:
    session = window.session
    other = Store(store.path)
    try:
        other.delete(session.draft_id)  # another window trashes this draft: saves now fail
        field = focus(window, "unit.address")
        with qtbot.waitSignal(session.save_failed, timeout=5000):
            type_text(qtbot, field, "A")
        other.restore(session.draft_id)
        qtbot.waitSignal(session.saved, timeout=10000).wait()  # the retry succeeds
        with qtbot.waitSignal(session.saved, timeout=SAVE_DELAY_MS + 600):
            type_text(qtbot, field, "B")
        assert other.load(session.draft_id).get("unit.address") == session.draft.get("unit.address")
        assert session.draft.get("unit.address").startswith("AB")  # typed at the start of the field
    finally:
        other.close()
