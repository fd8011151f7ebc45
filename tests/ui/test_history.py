"""历史版本: revisions listed with time, reason, unit name and problem count; a field-level diff
of any revision against now; restore as a new revision, undoable."""

from __future__ import annotations

from forms.validate import validate
from ui.history import COL_PROBLEMS, COL_REASON, COL_TIME, COL_UNIT, HistoryDialog

FIRST_NAME = "上海临港芯链科技有限公司"


def make_history(window):
    session = window.session
    session.edit("unit.name", "上海第二名称科技有限公司", typing=False)
    session.save_now("保存")
    session.edit("unit.name", "上海第三名称科技有限公司", typing=False)
    session.edit("unit.postcode", "", typing=False)
    session.save_now("保存")


def open_history(qtbot, window) -> HistoryDialog:
    window.actions_by_name["history"].trigger()
    dialog = window.findChild(HistoryDialog, "history")
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_revisions_are_listed_with_unit_name_and_problem_count(qtbot, window):
    make_history(window)
    with qtbot.waitSignal(open_history_signal(window), timeout=30000):
        pass
    dialog = window.findChild(HistoryDialog, "history")
    store, draft_id = window.store, window.session.draft_id
    revisions = store.revisions(draft_id)
    assert dialog.revision_ids() == [r.id for r in revisions]
    items = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    assert items[0].text(COL_UNIT) == "上海第三名称科技有限公司"
    assert items[-1].text(COL_UNIT) == FIRST_NAME
    assert items[-1].text(COL_REASON) == "新建"
    assert all(item.text(COL_TIME).endswith("（刚刚）") for item in items)  # made a moment ago
    qtbot.waitUntil(lambda: dialog.list.columnWidth(COL_TIME) > 0)
    # as wide as the view says its texts need (text and margins): not elided
    assert dialog.list.columnWidth(COL_TIME) >= dialog.list.sizeHintForColumn(COL_TIME)
    for item, rev in zip(items, revisions):
        problems = validate(store.load_revision(draft_id, rev.id))
        errors = sum(p.is_error for p in problems)
        assert item.text(COL_PROBLEMS) == (f"{len(problems)}（错误 {errors}）" if errors else str(len(problems)))
    dialog.reject()


def test_how_long_ago_stays_true_while_the_list_stays_open(qtbot, window, monkeypatch):
    import datetime as dt

    from ui import ago

    monkeypatch.setattr(ago, "REFRESH_MS", 20)
    make_history(window)
    dialog = open_history(qtbot, window)
    items = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    assert all(item.text(COL_TIME).endswith("（刚刚）") for item in items)
    dialog.times.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
    qtbot.waitUntil(lambda: all(item.text(COL_TIME).endswith("（2小时前）") for item in items), timeout=5000)
    dialog.times.clock = lambda: dt.datetime.now(dt.UTC) + dt.timedelta(days=3)  # and again: not once only
    qtbot.waitUntil(lambda: all(item.text(COL_TIME).endswith("（3天前）") for item in items), timeout=5000)
    dialog.reload()  # the items replaced: the clock forgets the old ones
    qtbot.wait(100)
    item = dialog.list.topLevelItem(0)
    assert item.text(COL_TIME).endswith("（3天前）")
    dialog.reject()


def open_history_signal(window):
    """Open the dialog and return the signal that says its unit names and counts are in."""
    window.actions_by_name["history"].trigger()
    return window.findChild(HistoryDialog, "history").facts_loaded


def test_a_revision_is_diffed_against_now(qtbot, window):
    make_history(window)
    dialog = open_history(qtbot, window)
    oldest = dialog.revision_ids()[-1]
    dialog.select_revision(oldest)
    rows = dialog.diff_rows()
    assert ("一、申报单位基本信息 › 申报单位", FIRST_NAME, "上海第三名称科技有限公司") in rows
    assert any(r[0].endswith("邮政编码") and r[2] == "（空）" for r in rows)
    assert dialog.summary.text() == f"这个版本与现在有 {len(rows)} 处不同"
    dialog.select_revision(dialog.revision_ids()[0])  # the newest is now
    assert dialog.diff_rows() == []
    assert not dialog.restore_button.isEnabled()
    dialog.reject()


def test_restore_makes_a_new_revision_and_can_be_undone(qtbot, window):
    make_history(window)
    session = window.session
    before = session.snapshot()
    dialog = open_history(qtbot, window)
    oldest = dialog.revision_ids()[-1]
    old_draft = window.store.load_revision(session.draft_id, oldest)
    dialog.select_revision(oldest)
    with qtbot.waitSignal(dialog.restored):
        dialog.restore_button.click()
    assert session.snapshot() == old_draft
    revisions = window.store.revisions(session.draft_id)
    assert revisions[0].reason.startswith("恢复到 ")
    assert window.store.load_revision(session.draft_id, revisions[1].id) == before  # nothing lost
    assert dialog.revision_ids()[0] == revisions[0].id  # the list shows the new revision
    session.undo_stack.undo()
    assert session.snapshot() == before
    dialog.reject()


def test_personal_numbers_in_the_diff_are_masked_until_revealed(qtbot, window):
    session = window.session
    number = session.get("people.contact.id_number")
    session.edit("people.contact.id_number", "", typing=False)
    session.save_now("保存")
    dialog = open_history(qtbot, window)
    dialog.select_revision(dialog.revision_ids()[-1])
    row = next(r for r in dialog.diff_rows() if r[0].endswith("项目联系人 › 身份证号码"))
    assert number not in row[1] and row[1].startswith(number[:6]) and "*" in row[1]
    dialog.reveal_box.setChecked(True)
    row = next(r for r in dialog.diff_rows() if r[0].endswith("项目联系人 › 身份证号码"))
    assert row[1] == number
    dialog.reject()
