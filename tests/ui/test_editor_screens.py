"""The screenshot script, and files handed to the window (drag and drop, a second start)."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QImage

import ui.operations
from forms.definition import get_form
from ui.screenshots import SIZE, _shoot


def test_screenshots_of_every_part_and_of_problems(qtbot, tmp_path):
    written = _shoot(tmp_path, "", extras=False)
    parts = get_form().parts
    assert len(written) == 2 * len(parts) + 1
    shot = QImage(str(tmp_path / f"03-{parts[2]['id']}.png"))
    assert (shot.width(), shot.height()) == SIZE
    assert (tmp_path / "problems.png").is_file()


def test_dropped_files_go_to_the_import(qtbot, window, monkeypatch, tmp_path):
    received = []
    monkeypatch.setattr(ui.operations, "import_files", lambda w, paths=None: received.append((w, paths)))
    target = tmp_path / "同事的草稿.shenbao"
    target.write_bytes(b"x")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(target))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.NoButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)  # what Qt calls for a drop (offscreen has no drag and drop)
    qtbot.waitUntil(lambda: bool(received))
    assert received == [(window, [str(target)])]
