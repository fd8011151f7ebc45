"""发送给同事 and 导入: a .shenbao file out of one store and into another; personal numbers left
out on request; a passphrase asked twice with its strength, and asked for on import (a wrong one
says so and asks again); unusable files refused with a message, nothing changed."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from forms.draft import Draft
from forms.sample import write_sample
from forms.store import Store
from ui import operations
from ui.share import FAIR, STRONG, WEAK, PassphraseDialog, ShareDialog, strength

FLOW_MS = 60000


@pytest.fixture
def other_store(tmp_path):
    s = Store(tmp_path / "colleague.sqlite3")
    yield s
    s.close()


def save_to(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: (str(path), "")))


def share(qtbot, window, monkeypatch, path: Path, *, without_personal=False, passphrase=None) -> Path:
    save_to(monkeypatch, path)
    flow = operations.share(window)
    dialog = window.findChild(ShareDialog, "share")
    assert dialog is not None and dialog.isVisible()
    dialog.without_personal_box.setChecked(without_personal)
    if passphrase:
        dialog.protect_box.setChecked(True)
        dialog.pass1.setText(passphrase)
        dialog.pass2.setText(passphrase)
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(flow.finished, timeout=FLOW_MS):
        dialog.ok_button.click()
    assert path.is_file()
    return path


def import_into(qtbot, window, paths):
    flow = operations.import_files(window, [str(p) for p in paths])
    return flow


def test_a_shared_draft_opens_in_a_colleagues_store(qtbot, window, other_store, open_window, tmp_path,
                                                    monkeypatch):
    path = share(qtbot, window, monkeypatch, tmp_path / "sent.shenbao")
    assert window.store.revisions(window.session.draft_id)[0].reason == "发送给同事"
    colleague = open_window(other_store, Draft())
    flow = import_into(qtbot, colleague, [path])
    qtbot.waitUntil(lambda: colleague.session.draft_id == window.session.draft_id, timeout=FLOW_MS)
    assert colleague.session.snapshot() == window.session.snapshot()
    assert flow.done_ids == [window.session.draft_id]


def test_personal_numbers_can_be_left_out(qtbot, window, other_store, open_window, tmp_path, monkeypatch):
    path = share(qtbot, window, monkeypatch, tmp_path / "sent.shenbao", without_personal=True)
    colleague = open_window(other_store, Draft())
    import_into(qtbot, colleague, [path])
    qtbot.waitUntil(lambda: colleague.session.draft_id == window.session.draft_id, timeout=FLOW_MS)
    got = colleague.session.snapshot()
    assert got.get("people.leader.id_number") == ""
    assert all(m["id_number"] == "" for m in got.get("team.members"))
    assert got.get("unit.name") == window.session.get("unit.name")
    assert window.session.get("people.leader.id_number")  # the sender keeps them


def test_the_passphrase_is_asked_twice_and_its_strength_shown(qtbot, window):
    dialog = ShareDialog(window)
    qtbot.addWidget(dialog)
    dialog.protect_box.setChecked(True)
    dialog.pass1.setText("abc")
    assert not dialog.ok_button.isEnabled() and "至少 8 个字符" in dialog.hint.text()
    assert dialog.strength_label.text() == WEAK
    dialog.pass1.setText("Shenbao-2026-Qiu")
    dialog.pass2.setText("Shenbao-2026-Qiv")
    assert not dialog.ok_button.isEnabled() and "不一样" in dialog.hint.text()
    dialog.pass2.setText("Shenbao-2026-Qiu")
    assert dialog.ok_button.isEnabled()
    assert dialog.strength_label.text() == STRONG
    assert dialog.passphrase() == "Shenbao-2026-Qiu"
    dialog.protect_box.setChecked(False)
    assert dialog.passphrase() is None


def test_strength_grows_with_length_and_kinds_of_characters():
    assert strength("")[0] == WEAK
    assert strength("12345678")[0] == WEAK
    assert strength("abcd1234x")[0] == FAIR
    assert strength("申报助手-2026-上海")[0] == STRONG
    assert strength("abcdefgh")[1] < strength("abcdefgh1234")[1]


def test_an_encrypted_file_asks_for_its_passphrase_again_until_right(qtbot, window, other_store, open_window,
                                                                      tmp_path, monkeypatch):
    path = share(qtbot, window, monkeypatch, tmp_path / "locked.shenbao", passphrase="Shenbao-2026-Qiu")
    colleague = open_window(other_store, Draft())
    before = [d.id for d in other_store.list_drafts()]
    flow = import_into(qtbot, colleague, [path])
    dialog = flow.dialog
    assert isinstance(dialog, PassphraseDialog) and dialog.isVisible()
    dialog.field.setText("wrong passphrase")
    dialog.accept()
    assert dialog.isVisible() and "口令不正确" in dialog.error_label.text()
    assert [d.id for d in other_store.list_drafts()] == before
    dialog.field.setText("Shenbao-2026-Qiu")
    with qtbot.waitSignal(flow.finished, timeout=FLOW_MS):
        dialog.accept()
    assert colleague.session.draft_id == window.session.draft_id
    assert colleague.session.snapshot() == window.session.snapshot()


def test_an_unusable_file_is_refused_and_nothing_changes(qtbot, window, tmp_path):
    bad = tmp_path / "broken.shenbao"
    bad.write_bytes(b"SQLite format 3\x00" + b"\x00" * 200)
    drafts = [(d.id, d.updated) for d in window.store.list_drafts()]
    before = window.session.snapshot()
    flow = import_into(qtbot, window, [bad])
    qtbot.waitUntil(lambda: flow.is_done, timeout=FLOW_MS)
    box = window.findChild(QMessageBox, "import_error")
    assert box is not None and "broken.shenbao" in box.text() and "没有任何改动" in box.text()
    assert [(d.id, d.updated) for d in window.store.list_drafts()] == drafts
    assert window.session.snapshot() == before


def test_draft_json_is_imported_as_a_new_draft_through_the_action(qtbot, window, tmp_path, monkeypatch):
    json_path = tmp_path / "in" / "sample.json"
    json_path.parent.mkdir()
    write_sample(json_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a: ([str(json_path)], "")))
    first = window.session.draft_id
    window.actions_by_name["import"].trigger()
    qtbot.waitUntil(lambda: window.session.draft_id != first, timeout=FLOW_MS)
    assert len(window.store.list_drafts()) == 2
    assert window.session.get("attachments")  # with its attachment bytes
    assert window.store.revisions(window.session.draft_id)[0].reason == "导入“sample.json”"


def test_a_file_dropped_on_the_window_is_imported(qtbot, window, other_store, open_window, tmp_path,
                                                  monkeypatch):
    path = share(qtbot, window, monkeypatch, tmp_path / "dropped.shenbao")
    colleague = open_window(other_store, Draft())
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    colleague.dropEvent(event)  # (offscreen Qt delivers no drop without a drag in progress)
    assert event.isAccepted()
    qtbot.waitUntil(lambda: colleague.session.draft_id == window.session.draft_id, timeout=FLOW_MS)


def test_a_share_that_cannot_be_written_is_reported_and_nothing_changes(qtbot, window, tmp_path, monkeypatch):
    before = window.session.snapshot()
    save_to(monkeypatch, tmp_path / "missing folder" / "x.shenbao")
    flow = operations.share(window)
    dialog = window.findChild(ShareDialog, "share")
    with qtbot.waitSignal(flow.failed, timeout=FLOW_MS) as failed:
        dialog.ok_button.click()
    assert "文件没有导出" in failed.args[0] and "草稿内容没有受到影响" in failed.args[0]
    assert window.findChild(QMessageBox, "share_error") is not None
    assert window.session.snapshot() == before
    assert not (tmp_path / "missing folder").exists()
