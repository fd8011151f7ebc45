"""dependents()/check_paths(): re-checking only what a change can affect gives exactly what a full
validation gives, for any sequence of edits (hypothesis), and the set is small for a plain field."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forms.dependents import check_paths, dependents
from forms.model import DraftModel
from forms.sample import sample_draft
from forms.validate import validate
from tests.forms.idgen import make_id

TODAY = dt.date(2026, 12, 4)
GOOD_ID = make_id(region="310104", birth=dt.date(1980, 5, 1), seq=12, sex="男")
GOOD_ID_F = make_id(region="310104", birth=dt.date(1985, 7, 9), seq=13, sex="女")
BAD_ID = GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1")

VALUES = {
    "unit.name": ["", "申江园区；申江公司", "申江园区", "上海某某有限公司"],
    "unit.type": ["企事业单位", "科技型园区"],
    "unit.nature": ["企业", "公益一类事业单位", "其他", "公益二类事业单位", ""],
    "unit.nature_other": ["", "民办非企业单位"],
    "unit.bank_exempt": [True, False],
    "unit.bank_name": ["", "中国银行上海分行"],
    "unit.bank_account": ["", "12345", "6222020200112233445"],
    "unit.credit_code": ["", "91310000MA1FL2B3X4", "12310000425011869N"],
    "cover.date": [dt.date(2022, 4, 1), dt.date(2019, 1, 1), None],
    "people.leader.id_number": [GOOD_ID, GOOD_ID_F, BAD_ID, ""],
    "people.leader.id_type": ["居民身份证", "护照或其他"],
    "people.leader.name": ["张三", "", "阿卜杜勒·艾尼"],
    "team.leader.gender": ["男", "女", ""],
    "team.members[0].id_number": [GOOD_ID, GOOD_ID_F, BAD_ID, ""],
    "team.members[1].id_number": [GOOD_ID, GOOD_ID_F, ""],
    "team.members[0].id_type": ["居民身份证", "港澳台居民居住证"],
    "team.members[0].name": ["", "李四", "😀"],
    "unit.partners[0].since": [2021, 1900, 2015, None],
    "capability": ["", "短", "字" * 1001],
}

edits = st.lists(
    st.one_of(
        st.sampled_from(sorted(VALUES)).flatmap(lambda p: st.tuples(st.just("set"), st.just(p), st.sampled_from(VALUES[p]))),
        st.tuples(st.just("insert"), st.sampled_from(["team.members", "unit.partners"]), st.integers(0, 3)),
        st.tuples(st.just("remove"), st.sampled_from(["team.members", "unit.partners"]), st.integers(0, 3)),
    ),
    min_size=1, max_size=6,
)


def _key(problems):
    return Counter((p.path, p.code, p.message) for p in problems)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits)
def test_incremental_checks_equal_a_full_validation(ops) -> None:
    model = DraftModel(sample_draft())
    problems = validate(model.draft, TODAY)
    for op, path, arg in ops:
        rows_len = len(model.get(path) or []) if op != "set" else 0
        if op == "set":
            if model.get(path, _MISSING) is _MISSING:
                continue  # the row was removed by an earlier edit
            change = model.set(path, arg)
        elif op == "insert":
            change = model.insert_row(path, min(arg, rows_len))
        else:
            if not rows_len:
                continue
            change = model.remove_row(path, min(arg, rows_len - 1))
        if change is None:
            continue
        affected = dependents(model.draft, change.touches())
        problems = [p for p in problems if p.path not in affected] + check_paths(model.draft, affected, TODAY)
        assert _key(problems) == _key(validate(model.draft, TODAY)), (op, path, arg)


_MISSING = object()


def test_a_plain_field_affects_itself_only() -> None:
    draft = sample_draft()
    assert dependents(draft, "unit.address") == {"unit.address"}


def test_nature_reaches_the_bank_rows_and_its_other_text() -> None:
    deps = dependents(sample_draft(), "unit.nature")
    assert {"unit.bank_name", "unit.bank_account", "unit.nature_other", "unit.credit_code"} <= deps


def test_id_type_reaches_its_number() -> None:
    assert "people.legal_rep.id_number" in dependents(sample_draft(), "people.legal_rep.id_type")


def test_leader_number_reaches_the_member_table_and_gender() -> None:
    draft = sample_draft()
    deps = dependents(draft, "people.leader.id_number")
    assert {"team.leader.gender", "team.members", "team.members[0].id_number"} <= deps


def test_a_member_number_reaches_every_row_for_duplicates() -> None:
    draft = sample_draft()
    n = len(draft.get("team.members"))
    deps = dependents(draft, "team.members[0].id_number")
    assert {f"team.members[{i}].id_number" for i in range(n)} <= deps


def test_check_paths_reports_a_bad_number_at_its_path() -> None:
    model = DraftModel(sample_draft())
    model.set("people.contact.id_number", BAD_ID)
    found = check_paths(model.draft, dependents(model.draft, "people.contact.id_number"), TODAY)
    assert [(p.path, p.code) for p in found] == [("people.contact.id_number", "id_checksum")]


def test_removing_the_last_row_lets_go_of_its_problems() -> None:
    model = DraftModel(sample_draft())
    last = len(model.get("team.members")) - 1
    model.set(f"team.members[{last}].id_number", BAD_ID)
    problems = validate(model.draft, TODAY)
    assert any(p.path == f"team.members[{last}].id_number" for p in problems)
    change = model.remove_row("team.members", last)
    affected = dependents(model.draft, change.touches())
    problems = [p for p in problems if p.path not in affected] + check_paths(model.draft, affected, TODAY)
    assert _key(problems) == _key(validate(model.draft, TODAY))
