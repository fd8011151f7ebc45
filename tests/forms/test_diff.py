"""Field-level diff between two drafts (forms/diff.py)."""

from __future__ import annotations

import datetime as dt

from forms.diff import Change, diff_drafts
from forms.sample import sample_draft
from forms.store import Store
from tests.forms.idgen import make_id


def test_identical_drafts_have_no_changes():
    assert diff_drafts(sample_draft(), sample_draft()) == []


def test_scalar_and_record_fields():
    a, b = sample_draft(), sample_draft()
    b.set("unit.name", "新单位")
    b.set("cover.date", "2022-05-01")
    b.set("people.contact.phone", "13900000000")
    assert diff_drafts(a, b) == [
        Change("cover.date", dt.date(2022, 4, 20), dt.date(2022, 5, 1)),
        Change("unit.name", "上海临港芯链科技有限公司", "新单位"),
        Change("people.contact.phone", "021-58880000", "13900000000"),
    ]


def test_changed_row_is_per_field():
    a, b = sample_draft(), sample_draft()
    b.set("team.members[2].task", "新的任务")
    b.set("team.members[2].title", "")
    assert diff_drafts(a, b) == [
        Change("team.members[2].title", "法务经理", ""),
        Change("team.members[2].task", "许可转让合同与备案登记", "新的任务"),
    ]


def test_inserted_row_is_one_added_change():
    a, b = sample_draft(), sample_draft()
    row = b.new_item("team.members")
    row.update(name="新成员", id_number=make_id(seq=500), task="协助")
    b.data["team"]["members"].insert(0, row)
    assert diff_drafts(a, b) == [Change("team.members[0]", None, row, kind="added")]
    assert diff_drafts(b, a) == [Change("team.members[0]", row, None, kind="removed")]


def test_removed_row_indexed_in_old_draft():
    a, b = sample_draft(), sample_draft()
    gone = b.data["team"]["members"].pop(3)
    assert diff_drafts(a, b) == [Change("team.members[3]", gone, None, kind="removed")]


def test_reordered_rows():
    a, b = sample_draft(), sample_draft()
    partners = b.data["unit"]["partners"]
    partners.append(partners.pop(0))
    changes = diff_drafts(a, b)
    assert {c.kind for c in changes} <= {"added", "removed"}
    assert [c for c in changes if c.kind == "added"] == [Change("unit.partners[2]", None, partners[2], "added")]


def test_attachment_bytes_changed_same_name():
    a, b = sample_draft(), sample_draft()
    b.files["sample-attachment.pdf"] = b"%PDF-1.4 other bytes"
    assert diff_drafts(a, b) == [
        Change("attachments[0].file", "sample-attachment.pdf", "sample-attachment.pdf", kind="file")]


def test_diff_between_revisions(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        draft_id = s.create(sample_draft())
        s.set_value(draft_id, "plan", "简短的方案")
        first, second = s.revisions(draft_id)[::-1]
        changes = diff_drafts(s.load_revision(draft_id, first.id), s.load_revision(draft_id, second.id))
    assert [c.path for c in changes] == ["plan"] and changes[0].new == "简短的方案"
