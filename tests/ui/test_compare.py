"""The compare view: a received draft with the same id as a local one is compared field by field
(rows matched by identity, not position), the user takes some values, the merge is undoable and
the state before it stays in history. Personal numbers are masked unless revealed."""

from __future__ import annotations

import copy

import pytest
from PySide6.QtWidgets import QMessageBox

from forms.draftfile import write_draft_file
from ui import operations
from ui.compare import CompareDialog
from ui.masking import mask_number
from ui.merge import ADDED, FIELD, ORDER, REMOVED, compare, merge

FLOW_MS = 60000
NEW_MEMBER = {"name": "顾新来", "id_type": "居民身份证", "id_number": "", "department": "法务部",
              "title": "", "education": "", "specialty": "", "task": "合同审查"}


def colleagues_version(draft):
    """What a colleague sends back: a new unit name, a new member at the top (so every row
    shifts), another task for the (now second) first member, the leader's phone changed."""
    theirs = draft.copy()
    theirs.set("unit.name", "上海浦江知识产权运营有限公司")
    members = theirs.get("team.members")
    members[0]["task"] = "统筹协调"
    members.insert(0, dict(NEW_MEMBER))
    theirs.set("people.leader.phone", "13912345678")
    return theirs


def send_back(window, tmp_path, theirs, name="back.shenbao"):
    path = tmp_path / name
    write_draft_file(theirs, path, draft_id=window.session.draft_id)
    return path


def open_compare(qtbot, window, path) -> tuple[object, CompareDialog]:
    flow = operations.import_files(window, [str(path)])
    dialog = flow.dialog
    assert isinstance(dialog, CompareDialog) and dialog.isVisible()
    return flow, dialog


def index_of(dialog, kind, path_part):
    for i, d in enumerate(dialog.differences()):
        if d.kind == kind and path_part in d.path:
            return i
    raise AssertionError((kind, path_part, dialog.differences()))


def test_rows_are_matched_by_identity_not_position(window):
    mine = window.session.snapshot()
    comparison = compare(mine, colleagues_version(mine))
    kinds = [(d.kind, d.path) for d in comparison.differences]
    assert (ADDED, "team.members") in kinds
    assert (FIELD, "team.members[0].task") in kinds  # mine row 0 is their row 1
    assert not any(k == REMOVED for k, _ in kinds)
    assert len([k for k in kinds if k[0] == FIELD]) == 3  # unit name, leader phone, one task
    assert comparison.matches["team.members"][0] == (0, 1)


def test_taking_everything_gives_their_draft_and_nothing_gives_mine(window):
    mine = window.session.snapshot()
    theirs = colleagues_version(mine)
    theirs.get("unit.partners").reverse()  # another order: one 'order' item
    del theirs.get("team.members")[-1]      # a row they removed
    comparison = compare(mine, theirs)
    assert {d.kind for d in comparison.differences} == {FIELD, ADDED, REMOVED, ORDER}
    assert merge(mine, theirs, comparison, comparison.differences) == theirs
    assert merge(mine, theirs, comparison, []) == mine


def test_a_member_found_by_name_when_the_number_was_corrected(window):
    mine = window.session.snapshot()
    theirs = mine.copy()
    member = theirs.get("team.members")[2]
    member["id_number"] = member["id_number"][:-1] + ("0" if member["id_number"][-1] != "0" else "1")
    theirs.get("team.members").reverse()
    comparison = compare(mine, theirs)
    fields = [d for d in comparison.differences if d.kind == FIELD]
    assert [d.path for d in fields] == ["team.members[2].id_number"]


def test_compare_view_merges_the_values_taken_and_keeps_the_earlier_state(qtbot, window, tmp_path):
    session = window.session
    path = send_back(window, tmp_path, colleagues_version(session.snapshot()))
    session.edit("unit.address", "上海市浦东新区刚改的地址1号")  # typed just now: not yet autosaved
    before = session.snapshot()
    flow, dialog = open_compare(qtbot, window, path)
    assert not dialog.merge_button.isEnabled()  # nothing taken yet
    dialog.set_taken([index_of(dialog, FIELD, "unit.name"), index_of(dialog, ADDED, "team.members")])
    assert dialog.count_label.text() == f"已选 2 / {len(dialog.differences())} 处"
    with qtbot.waitSignal(flow.finished, timeout=FLOW_MS):
        dialog.merge_button.click()

    now = session.snapshot()
    assert now.get("unit.name") == "上海浦江知识产权运营有限公司"
    assert now.get("team.members")[0]["name"] == NEW_MEMBER["name"]
    assert now.get("team.members")[1]["task"] == before.get("team.members")[0]["task"]  # not taken
    assert now.get("people.leader.phone") == before.get("people.leader.phone")           # not taken

    store, draft_id = window.store, session.draft_id
    revisions = store.revisions(draft_id)
    assert revisions[0].reason == "合并“back.shenbao”"
    assert any(store.load_revision(draft_id, r.id) == before for r in revisions[1:])
    assert store.load(draft_id) == now

    session.undo_stack.undo()
    assert session.snapshot() == before


def test_take_all_and_none_buttons(qtbot, window, tmp_path):
    path = send_back(window, tmp_path, colleagues_version(window.session.snapshot()))
    _flow, dialog = open_compare(qtbot, window, path)
    dialog.all_button.click()
    assert len(dialog.taken()) == len(dialog.differences())
    dialog.none_button.click()
    assert dialog.taken() == []
    dialog.reject()


def test_keeping_it_separate_adds_a_new_draft_and_leaves_mine(qtbot, window, tmp_path):
    before = window.session.snapshot()
    mine_id = window.session.draft_id
    path = send_back(window, tmp_path, colleagues_version(before))
    flow, dialog = open_compare(qtbot, window, path)
    with qtbot.waitSignal(flow.finished, timeout=FLOW_MS):
        dialog.separate_button.click()
    assert window.session.draft_id != mine_id
    assert window.session.get("unit.name") == "上海浦江知识产权运营有限公司"
    assert window.store.load(mine_id) == before


def test_an_identical_file_needs_no_merge(qtbot, window, tmp_path):
    path = send_back(window, tmp_path, window.session.snapshot())
    flow = operations.import_files(window, [str(path)])
    assert flow.is_done
    box = window.findChild(QMessageBox, "import_same")
    assert box is not None and "内容相同" in box.text()
    assert len(window.store.list_drafts()) == 1


def test_personal_numbers_are_masked_unless_revealed(qtbot, window, tmp_path):
    mine = window.session.snapshot()
    theirs = mine.copy()
    number = mine.get("people.leader.id_number")
    other = copy.deepcopy(mine.get("team.members")[1]["id_number"])
    theirs.set("people.leader.id_number", other)
    _flow, dialog = open_compare(qtbot, window, send_back(window, tmp_path, theirs))
    texts = dialog.item_texts()
    row = next(t for t in texts if "身份证号码" in t[0])
    assert row[1] == mask_number(number) and number not in " ".join(row)
    assert row[2] == mask_number(other)
    dialog.reveal_box.setChecked(True)
    row = next(t for t in dialog.item_texts() if "身份证号码" in t[0])
    assert row[1:] == (number, other)
    dialog.reject()


@pytest.mark.parametrize(("number", "shown"), [
    ("11010519491231002X", "110105********002X"),
    ("H1234567", "H1****67"),
    ("1234", "****"),
    ("", ""),
])
def test_mask_number(number, shown):
    assert mask_number(number) == shown


def test_a_file_sent_without_personal_numbers_offers_no_blanks(qtbot, window, tmp_path):
    from forms.draftfile import without_personal_numbers

    mine = window.session.snapshot()
    theirs = without_personal_numbers(mine)
    theirs.set("unit.name", "上海浦江知识产权运营有限公司")
    path = tmp_path / "no-numbers.shenbao"
    write_draft_file(theirs, path, draft_id=window.session.draft_id, without_personal=True)
    _flow, dialog = open_compare(qtbot, window, path)
    assert [d.path for d in dialog.differences()] == ["unit.name"]
    assert dialog.comparison.skipped_personal > 0
    assert dialog.findChild(object, "compare.personal_note") is not None
    dialog.reject()

