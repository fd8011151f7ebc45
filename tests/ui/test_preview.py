"""打印预览: rendered off the GUI thread into the QPdfView named ``preview``; follows edits."""

from __future__ import annotations

from PySide6.QtPdfWidgets import QPdfView

from forms.display import FINGERPRINT_LABEL
from pdf.export import export_bytes
from ui.preview import PreviewWindow, facing_rows

RENDER_MS = 60000


def open_preview(qtbot, window) -> PreviewWindow:
    window.actions_by_name["preview"].trigger()
    preview = window.findChild(PreviewWindow, "preview_window")
    assert preview is not None and preview.isVisible()
    assert preview.busy  # the render runs on a worker; the window is not blocked
    with qtbot.waitSignal(preview.rendered, timeout=RENDER_MS):
        pass
    return preview


def test_preview_shows_every_page_of_the_printout(qtbot, window):
    preview = open_preview(qtbot, window)
    expected = export_bytes(window.session.snapshot())[1]
    view = window.findChild(QPdfView, "preview")
    assert view is not None and view.isVisible()
    assert view.document().pageCount() == expected.page_count == preview.page_count()
    assert preview.count_label.text() == f"共 {expected.page_count} 页"
    assert preview.fingerprint_label.text() == f"{FINGERPRINT_LABEL} {expected.fingerprint}"
    assert not preview.banner.isVisible()  # the sample is a final print
    preview.next_page()
    assert preview.current_page() == 1
    assert preview.page_box.value() == 2


def test_preview_follows_edits_while_open(qtbot, window):
    preview = open_preview(qtbot, window)
    pages = preview.page_count()
    window.session.edit("unit.name", "上海浦江知识产权运营有限公司", typing=False)
    with qtbot.waitSignal(preview.rendered, timeout=RENDER_MS):
        pass
    fingerprint = window.session.snapshot().fingerprint()
    assert preview.fingerprint_label.text().endswith(fingerprint)
    assert preview.page_count() == pages

    window.session.edit("unit.postcode", "", typing=False)  # now an error: a 草稿 preview
    with qtbot.waitSignal(preview.rendered, timeout=RENDER_MS):
        pass
    assert preview.printout.draft_mode
    assert preview.banner.isVisible() and "草稿" in preview.banner.text()
    assert window.session.get("unit.postcode") == ""  # the preview changed nothing


def test_edits_during_a_render_are_rendered_after_it(qtbot, window):
    preview = open_preview(qtbot, window)
    preview.refresh()
    assert preview.busy
    window.session.edit("unit.name", "上海某某科技有限公司", typing=False)
    preview.refresh()  # while busy: queued, not a second parallel render
    with qtbot.waitSignal(preview.rendered, timeout=RENDER_MS):
        pass
    with qtbot.waitSignal(preview.rendered, timeout=RENDER_MS):
        pass
    assert preview.printout.fingerprint == window.session.snapshot().fingerprint()


def test_facing_pages_show_the_cover_alone_then_spreads(qtbot, window):
    preview = open_preview(qtbot, window)
    with qtbot.waitSignal(preview.facing_shown, timeout=RENDER_MS) as shown:
        preview.set_facing(True)
    assert shown.args == [preview.page_count()]
    assert preview.stack.currentWidget() is preview.facing
    labels = preview.facing.page_labels()
    assert [label.toolTip() for label in labels] == [f"第 {n} 页" for n in range(1, preview.page_count() + 1)]
    preview.set_facing(False)
    assert preview.stack.currentWidget() is preview.view


def test_facing_rows_put_the_cover_alone_on_the_right():
    assert facing_rows(0) == []
    assert facing_rows(1) == [(None, 1)]
    assert facing_rows(4) == [(None, 1), (2, 3), (4, None)]
    assert facing_rows(5) == [(None, 1), (2, 3), (4, 5)]


def test_the_preview_closes_when_another_draft_is_opened(qtbot, window):
    from forms.draft import Draft

    open_preview(qtbot, window)
    window.new_draft(Draft())
    qtbot.waitUntil(lambda: window.findChild(PreviewWindow, "preview_window") is None)
