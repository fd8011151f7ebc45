"""附件清单: add files (dialog and drag and drop) off the GUI thread, reorder, remove, undo;
thumbnails of the first page; total size; hostile files reported as problems, never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QAbstractItemView, QFileDialog, QPushButton

from tests.attachment_samples import clean_pdf, encrypted_pdf, png, png_declaring, text_file, truncated_pdf
from ui.attachments_page import AttachmentsPage, size_words

WAIT_MS = 60000


@pytest.fixture
def page(window) -> AttachmentsPage:
    window.show_part("attachments")
    found = window.findChild(AttachmentsPage)
    assert found is not None and found.isVisible()
    return found


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def add_with_dialog(qtbot, page, monkeypatch, paths) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileNames",
                        staticmethod(lambda *a: ([str(p) for p in paths], "")))
    with qtbot.waitSignal(page.files_added, timeout=WAIT_MS):
        page.add_button.click()


def titles(window) -> list[str]:
    return [row["title"] for row in window.session.get("attachments")]


def button(page, name) -> QPushButton:
    found = page.findChild(QPushButton, f"attachments.{name}")
    assert found is not None, name
    return found


def test_files_are_added_with_thumbnail_and_total_size_and_undone_at_once(qtbot, window, page, tmp_path,
                                                                         monkeypatch):
    before = titles(window)
    pdf = write(tmp_path, "资质证书.pdf", clean_pdf())
    image = write(tmp_path, "获奖照片.PNG", png())
    with qtbot.waitSignal(page.thumbnail_shown, timeout=WAIT_MS) as thumb:
        add_with_dialog(qtbot, page, monkeypatch, [pdf, image])
    assert titles(window) == before + ["资质证书", "获奖照片"]
    rows = window.session.get("attachments")
    assert rows[-1]["file"] == "attachments/获奖照片.png"
    assert window.session.draft.files[rows[-2]["file"]] == pdf.read_bytes()
    assert thumb.args == [rows[-1]["file"]]
    assert not page.thumb.pixmap().isNull()
    total = sum(len(window.session.draft.files[r["file"]]) for r in rows)
    assert page.total.text() == f"共 {len(rows)} 个附件，合计 {size_words(total)}"
    assert not [p for p in window.session.problems if p.path.startswith("attachments")]

    window.session.undo_stack.undo()  # both files were one command
    assert titles(window) == before


def test_reorder_and_remove(qtbot, window, page, tmp_path, monkeypatch):
    add_with_dialog(qtbot, page, monkeypatch, [write(tmp_path, "a.pdf", clean_pdf()),
                                               write(tmp_path, "b.png", png())])
    names = titles(window)
    last = len(names) - 1
    page.view.setCurrentIndex(page.table.model.index(last, 0))
    button(page, "up").click()
    assert titles(window) == names[:last - 1] + [names[last], names[last - 1]]
    page.view.selectRow(last - 1)
    button(page, "remove").click()
    assert titles(window) == names[:last - 1] + [names[last - 1]]
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert titles(window) == names


def test_hostile_files_are_reported_as_problems_not_crashes(qtbot, window, page, tmp_path, monkeypatch):
    files = [write(tmp_path, "加密.pdf", encrypted_pdf()),
             write(tmp_path, "炸弹.png", png_declaring(60000, 60000)),
             write(tmp_path, "截断.pdf", truncated_pdf()),
             write(tmp_path, "其实是文本.pdf", text_file())]
    first = len(titles(window))
    add_with_dialog(qtbot, page, monkeypatch, files)
    window.session.check_now()
    problems = [p for p in window.session.problems if p.code == "attachment_invalid"]
    assert sorted(p.path for p in problems) == [f"attachments[{first + i}].file" for i in range(4)]
    for p in problems:
        assert any(p.message in text for text in page.problem_texts())
    assert page.problems.isVisible()
    view = window.findChild(QAbstractItemView, "problems")  # shown like any other problem
    model = view.model()
    listed = {model.index(r, 0).data(Qt.ItemDataRole.UserRole)["path"] for r in range(model.rowCount())}
    assert {p.path for p in problems} <= listed
    page.view.setCurrentIndex(page.table.model.index(first + 1, 0))  # the bomb
    qtbot.waitUntil(lambda: page.thumb.text() == "无法预览", timeout=WAIT_MS)
    assert "无法使用" in page.info.text()


def test_a_file_that_cannot_be_read_is_not_added(qtbot, window, page, tmp_path, monkeypatch):
    before = titles(window)
    add_with_dialog(qtbot, page, monkeypatch, [tmp_path / "gone.pdf"])
    assert titles(window) == before
    box = page.findChild(object, "attachments_error")
    assert box is not None and "gone.pdf" in box.text()


def test_files_dropped_on_the_page_are_added(qtbot, window, page, tmp_path):
    pdf = write(tmp_path, "拖进来.pdf", clean_pdf())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf)), QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(page.files_added, timeout=WAIT_MS) as added:
        page.dropEvent(event)  # (offscreen Qt delivers no drop without a drag in progress)
    assert added.args == [1]  # the .txt is not offered
    assert titles(window)[-1] == "拖进来"


def test_focus_path_selects_the_attachment_row(window, page):
    window.focus_path("attachments[0].title")
    assert page.current_row() == 0


def test_title_and_category_are_edited_in_the_table_and_undone(window, page):
    model = page.table.model
    old_title, old_category = (window.session.get("attachments[0].title"),
                               window.session.get("attachments[0].category"))
    assert model.setData(model.index(0, 0), "ISO 9001 认证证书")
    assert model.setData(model.index(0, 1), "其他支撑材料")
    assert window.session.get("attachments[0].title") == "ISO 9001 认证证书"
    assert window.session.get("attachments[0].category") == "其他支撑材料"
    window.session.undo_stack.undo()
    window.session.undo_stack.undo()
    assert window.session.get("attachments[0].title") == old_title
    assert window.session.get("attachments[0].category") == old_category
