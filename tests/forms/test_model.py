"""The change-emitting draft model: every edit returns a Change, subscribers see it, inverses undo."""

from __future__ import annotations

import datetime as dt

import pytest

from forms.model import Change, DraftModel, row_path, split_row_path
from forms.sample import sample_draft


@pytest.fixture
def model() -> DraftModel:
    return DraftModel(sample_draft())


def test_set_returns_and_emits_a_change(model: DraftModel) -> None:
    seen: list[Change] = []
    model.subscribe(seen.append)
    old = model.get("unit.name")
    change = model.set("unit.name", "  新名称有限公司 ")
    assert change is not None and change.kind == "set" and change.path == "unit.name"
    assert change.old == old and change.new == model.get("unit.name")
    assert seen == [change]
    assert model.revision == 1


def test_set_cleans_by_field_type(model: DraftModel) -> None:
    change = model.set("unit.postcode", "２０００３０")  # full-width digits, as pasted
    assert change is not None and model.get("unit.postcode") == "200030"


def test_unchanged_value_emits_nothing(model: DraftModel) -> None:
    seen: list[Change] = []
    model.subscribe(seen.append)
    assert model.set("unit.name", model.get("unit.name")) is None
    assert seen == [] and model.revision == 0


def test_a_date_field_keeps_its_type(model: DraftModel) -> None:
    model.set("opinion.date", dt.date(2022, 3, 1))
    assert model.get("opinion.date") == dt.date(2022, 3, 1)
    assert model.set("opinion.date", None).new is None


def test_records_and_lists_are_not_set_whole(model: DraftModel) -> None:
    with pytest.raises(TypeError):
        model.set("team.members", [])


def test_insert_remove_move_and_their_inverses(model: DraftModel) -> None:
    before = model.snapshot()
    n = len(model.get("team.members"))
    ins = model.insert_row("team.members", 1, {"name": "王五"})
    assert ins.kind == "insert" and ins.index == 1 and len(model.get("team.members")) == n + 1
    assert model.get("team.members[1].name") == "王五"
    assert model.get("team.members[1].id_type") == "居民身份证"  # the declared default
    mv = model.move_row("team.members", 1, 0)
    assert model.get("team.members[0].name") == "王五"
    rm = model.remove_row("team.members", 0)
    assert rm.old["name"] == "王五"
    for change in (rm, mv, ins):  # undo in reverse order
        model.apply(change.inverse())
    assert model.draft == before


def test_undo_and_redo_of_a_set(model: DraftModel) -> None:
    before = model.snapshot()
    change = model.set("people.leader.name", "阿卜杜勒·艾尼")
    model.apply(change.inverse())
    assert model.draft == before
    model.apply(change)
    assert model.get("people.leader.name") == "阿卜杜勒·艾尼"


def test_reset_replaces_the_draft_and_is_undoable(model: DraftModel) -> None:
    before = model.draft
    other = model.snapshot()
    other.set("unit.name", "另一家单位")
    change = model.reset(other)
    assert model.get("unit.name") == "另一家单位"
    model.apply(change.inverse())
    assert model.draft is before


def test_insert_refuses_unknown_keys(model: DraftModel) -> None:
    with pytest.raises(KeyError):
        model.insert_row("team.members", 0, {"nickname": "x"})


def test_bad_indexes_are_refused(model: DraftModel) -> None:
    n = len(model.get("team.members"))
    with pytest.raises(IndexError):
        model.remove_row("team.members", n)
    with pytest.raises(IndexError):
        model.move_row("team.members", 0, n)


def test_unsubscribe(model: DraftModel) -> None:
    seen: list[Change] = []
    unsubscribe = model.subscribe(seen.append)
    unsubscribe()
    model.set("unit.name", "x公司")
    assert seen == []


def test_snapshot_is_independent(model: DraftModel) -> None:
    snap = model.snapshot()
    model.set("team.members[0].name", "改过的名字")
    assert snap.get("team.members[0].name") != "改过的名字"


def test_row_paths() -> None:
    assert row_path("team.members", 2, "name") == "team.members[2].name"
    assert split_row_path("team.members[2].name") == ("team.members", 2, "name")
    assert split_row_path("unit.name") is None
