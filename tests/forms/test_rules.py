"""Tests for forms.rules through ``validate(draft)``: conditional requiredness (bank fields,
单位性质 其他) and the named cross-field rules of spec form-2022.md §3 — park_company_missing,
uscc_nature_mismatch, gender_mismatch, leader_not_in_members, duplicate_id,
partnership_under_3_years, year_invalid — and, over this file and test_validate.py together,
that every code of the spec is reachable.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from forms.draft import Draft
from forms.validate import validate
from tests.forms.idgen import make_foreign_pr, make_hk_permit, make_id, make_uscc
from tests.forms.test_validate import (
    CJK_RE,
    PATH_RE,
    MEMBER_IDS,
    SAMPLE,
    SCENARIOS,
    SPEC_CODES,
    TODAY,
    at,
    build,
    found,
)

PUBLIC_INSTITUTION_CODE = make_uscc(authority="1", kind="2", division="310104")  # 12…: 事业单位
ENTERPRISE_CODE = SAMPLE["unit"]["credit_code"]
assert ENTERPRISE_CODE.startswith("91")

MALE_ID = make_id(region="310104", birth=dt.date(1980, 6, 1), seq=101, sex="男")
FEMALE_ID = make_id(region="310104", birth=dt.date(1980, 6, 1), seq=102, sex="女")
OTHER_ID = make_id(region="310106", birth=dt.date(1979, 1, 2), seq=55, sex="男")
assert OTHER_ID not in MEMBER_IDS


def leader_is(number: str, gender: str) -> list[tuple[str, Any]]:
    """Changes making ``number`` the leader's (in people.leader and as member 1) with ``gender``."""
    return [("people.leader.id_number", number), ("team.members[0].id_number", number),
            ("team.leader.gender", gender)]


# ============================================================================================
# Conditional requiredness
# ============================================================================================

NO_BANK = [("unit.bank_name", ""), ("unit.bank_account", None)]
BANK_REQUIRED = {("unit.bank_name", "required"), ("unit.bank_account", "required")}


def test_bank_required_for_an_enterprise() -> None:
    assert found(build(NO_BANK)) == BANK_REQUIRED


@pytest.mark.parametrize("nature", ["公益二类事业单位", "公益三类事业单位"])
def test_bank_required_for_other_public_institutions(nature: str) -> None:
    changes = NO_BANK + [("unit.nature", nature), ("unit.credit_code", PUBLIC_INSTITUTION_CODE)]
    assert found(build(changes)) == BANK_REQUIRED


def test_bank_not_required_for_public_institution_class_one() -> None:
    changes = NO_BANK + [("unit.nature", "公益一类事业单位"), ("unit.credit_code", PUBLIC_INSTITUTION_CODE)]
    assert found(build(changes)) == set()


def test_bank_not_required_when_exempt() -> None:
    assert found(build(NO_BANK + [("unit.bank_exempt", True)])) == set()


def test_exempt_bank_fields_are_still_checked_when_filled() -> None:
    changes = [("unit.bank_exempt", True), ("unit.bank_account", "12345")]
    assert found(build(changes)) == {("unit.bank_account", "account_format")}


def test_nature_other_required_with_qita() -> None:
    assert found(build([("unit.nature", "其他"), ("unit.nature_other", "")])) == {
        ("unit.nature_other", "required")}
    assert found(build([("unit.nature", "其他"), ("unit.nature_other", "民办非企业单位")])) == set()


def test_nature_other_not_required_otherwise() -> None:
    assert found(build([("unit.nature", "企业"), ("unit.nature_other", None)])) == set()


def test_nature_other_is_checked_as_one_line_text() -> None:
    changes = [("unit.nature", "其他"), ("unit.nature_other", "类" * 201)]
    assert found(build(changes)) == {("unit.nature_other", "too_long")}


def test_empty_draft_requires_exactly_the_spec_s_required_fields() -> None:
    problems = validate(Draft(), TODAY)
    assert {p.code for p in problems} == {"required"}
    assert {p.path for p in problems} == {
        "cover.date", "unit.type", "unit.name", "unit.nature", "unit.credit_code",
        "unit.bank_name", "unit.bank_account", "unit.address", "unit.postcode",
        *(f"people.{who}.{key}" for who in ("legal_rep", "leader", "contact")
          for key in ("name", "id_number", "phone", "email")),
        "unit.business_scope", "unit.partners", "capability", "plan",
        *(f"team.leader.{key}" for key in ("gender", "education", "title", "specialty", "department",
                                           "position")),
        "team.members",
    }


def test_member_row_needs_only_name_number_and_task() -> None:
    row = {"name": "钱多", "id_number": OTHER_ID, "task": "数据统计"}
    draft = build([("team.members", SAMPLE["team"]["members"] + [row])])
    assert found(draft) == set()
    assert draft.get("team.members[6].id_type") == "居民身份证"


def test_member_row_without_anything_required() -> None:
    draft = build([("team.members", SAMPLE["team"]["members"] + [{}])])
    assert found(draft) == {("team.members[6].name", "required"), ("team.members[6].id_number", "required"),
                            ("team.members[6].task", "required")}


# ============================================================================================
# park_company_missing
# ============================================================================================

PARK = [("unit.type", "科技型园区")]


@pytest.mark.parametrize(
    "name",
    ["上海张江高科技园区", "上海张江高科技园区；", "；上海张江园区管理有限公司", "上海张江高科技园区，上海张江园区管理有限公司",
     "上海张江高科技园区；  "],
)
def test_park_without_company(name: str) -> None:
    draft = build(PARK + [("unit.name", name)])
    assert found(draft) == {("unit.name", "park_company_missing")}


def test_park_with_company() -> None:
    draft = build(PARK + [("unit.name", "上海张江高科技园区；上海张江园区管理有限公司")])
    assert found(draft) == set()


def test_park_ascii_semicolon_gets_a_hint() -> None:
    plain = at(build(PARK + [("unit.name", "上海张江高科技园区")]), "unit.name")
    ascii_ = at(build(PARK + [("unit.name", "上海张江高科技园区;上海张江园区管理有限公司")]), "unit.name")
    assert [p.code for p in ascii_] == ["park_company_missing"]
    assert ascii_[0].severity == "error"
    assert "全角" in ascii_[0].message and "；" in ascii_[0].message
    assert ascii_[0].message != plain[0].message


def test_enterprise_name_needs_no_company() -> None:
    assert found(build([("unit.name", "上海张江高科技园区")])) == set()


def test_empty_park_name_is_only_required() -> None:
    assert found(build(PARK + [("unit.name", "")])) == {("unit.name", "required")}


# ============================================================================================
# uscc_nature_mismatch
# ============================================================================================


@pytest.mark.parametrize(
    ("nature", "code", "mismatch"),
    [
        ("企业", ENTERPRISE_CODE, False),
        ("企业", PUBLIC_INSTITUTION_CODE, True),
        ("企业", make_uscc(authority="9", kind="2", division="310104"), True),  # 92: 个体工商户
        ("公益一类事业单位", PUBLIC_INSTITUTION_CODE, False),
        ("公益二类事业单位", PUBLIC_INSTITUTION_CODE, False),
        ("公益三类事业单位", ENTERPRISE_CODE, True),
        ("公益一类事业单位", ENTERPRISE_CODE, True),
        ("公益二类事业单位", make_uscc(authority="5", kind="2", division="310104"), True),  # 52: 民办非企业
        ("其他", ENTERPRISE_CODE, False),
        ("其他", PUBLIC_INSTITUTION_CODE, False),
    ],
)
def test_uscc_nature(nature: str, code: str, mismatch: bool) -> None:
    draft = build([("unit.nature", nature), ("unit.nature_other", "社会团体"), ("unit.credit_code", code)])
    expected = {("unit.credit_code", "uscc_nature_mismatch")} if mismatch else set()
    assert found(draft) == expected
    for p in at(draft, "unit.credit_code"):
        assert p.severity == "warning"
        assert code[:2] in p.message


# ============================================================================================
# gender_mismatch
# ============================================================================================


def test_gender_matches() -> None:
    assert found(build(leader_is(MALE_ID, "男"))) == set()
    assert found(build(leader_is(FEMALE_ID, "女"))) == set()


@pytest.mark.parametrize(("number", "gender"), [(MALE_ID, "女"), (FEMALE_ID, "男")])
def test_gender_mismatch(number: str, gender: str) -> None:
    draft = build(leader_is(number, gender))
    assert found(draft) == {("team.leader.gender", "gender_mismatch")}
    [p] = at(draft, "team.leader.gender")
    assert p.severity == "warning"


def test_gender_not_compared_for_other_documents() -> None:
    number = make_foreign_pr(sex="男")
    changes = leader_is(number, "女") + [("people.leader.id_type", "外国人永久居留身份证"),
                                        ("team.members[0].id_type", "外国人永久居留身份证")]
    assert found(build(changes)) == set()
    changes = leader_is("E12345678", "女") + [("people.leader.id_type", "护照或其他"),
                                             ("team.members[0].id_type", "护照或其他")]
    assert found(build(changes)) == set()


def test_gender_not_compared_with_an_invalid_number() -> None:
    bad = MALE_ID[:-1] + ("0" if MALE_ID[-1] != "0" else "1")
    got = found(build(leader_is(bad, "女")))
    assert ("team.leader.gender", "gender_mismatch") not in got
    assert ("people.leader.id_number", "id_checksum") in got


# ============================================================================================
# leader_not_in_members
# ============================================================================================


def test_leader_not_in_members() -> None:
    draft = build([("team.members[0].id_number", OTHER_ID)])
    got = [p for p in validate(draft, TODAY) if p.code == "leader_not_in_members"]
    assert len(got) == 1 and got[0].severity == "warning"
    assert got[0].path in ("team.members", "people.leader.id_number")
    assert {p.code for p in validate(draft, TODAY)} == {"leader_not_in_members"}


def test_leader_found_in_any_row() -> None:
    members = SAMPLE["team"]["members"]
    reordered = members[1:] + members[:1]
    assert found(build([("team.members", reordered)])) == set()


def test_leader_found_after_normalisation() -> None:
    spaced = f"{MEMBER_IDS[0][:6]} {MEMBER_IDS[0][6:14]}-{MEMBER_IDS[0][14:]}"
    assert found(build([("team.members[0].id_number", spaced)])) == set()


# ============================================================================================
# duplicate_id
# ============================================================================================


def test_duplicate_id() -> None:
    draft = build([("team.members[3].id_number", MEMBER_IDS[1])])
    assert found(draft) == {("team.members[3].id_number", "duplicate_id")}
    [p] = at(draft, "team.members[3].id_number")
    assert p.severity == "error"
    assert "2" in p.message and "4" in p.message  # rows as the clerk counts them (序号)


def test_duplicate_id_three_times() -> None:
    draft = build([("team.members[3].id_number", MEMBER_IDS[1]), ("team.members[5].id_number", MEMBER_IDS[1])])
    assert found(draft) == {("team.members[3].id_number", "duplicate_id"),
                            ("team.members[5].id_number", "duplicate_id")}


def test_duplicate_of_a_passport_number() -> None:
    changes = [("team.members[2].id_type", "护照或其他"), ("team.members[2].id_number", "E12345678"),
               ("team.members[5].id_type", "护照或其他"), ("team.members[5].id_number", " E12345678 ")]
    assert found(build(changes)) == {("team.members[5].id_number", "duplicate_id")}


# ============================================================================================
# partnership_under_3_years and year_invalid
# ============================================================================================


@pytest.mark.parametrize(
    ("cover", "since", "warn"),
    [
        ("2022-04-20", 2019, False),  # exactly 3 years
        ("2022-04-20", 2020, True),
        ("2022-04-20", 2021, True),
        ("2022-04-20", 2022, True),
        ("2023-01-05", 2020, False),  # the year of cover.date counts, not today's
        ("2022-12-31", 1990, False),
    ],
)
def test_partnership_years(cover: str, since: int, warn: bool) -> None:
    draft = build([("cover.date", cover), ("opinion.date", cover), ("unit.partners[2].since", since)])
    expected = {("unit.partners[2].since", "partnership_under_3_years")} if warn else set()
    assert found(draft) == expected
    for p in at(draft, "unit.partners[2].since"):
        assert p.severity == "warning"


def test_every_short_partnership_is_reported() -> None:
    draft = build([("unit.partners[0].since", 2021), ("unit.partners[1].since", 2020)])
    assert found(draft) == {("unit.partners[0].since", "partnership_under_3_years"),
                            ("unit.partners[1].since", "partnership_under_3_years")}


@pytest.mark.parametrize("since", [1948, 1900, 0, 2023, 2030])
def test_year_invalid(since: int) -> None:
    draft = build([("unit.partners[0].since", since)])  # cover.date is 2022-04-20
    got = found(draft)
    assert ("unit.partners[0].since", "year_invalid") in got
    assert got <= {("unit.partners[0].since", "year_invalid"),
                   ("unit.partners[0].since", "partnership_under_3_years")}
    [p] = [p for p in at(draft, "unit.partners[0].since") if p.code == "year_invalid"]
    assert p.severity == "error"
    assert str(since) in p.message


def test_year_1949_is_valid() -> None:
    assert found(build([("unit.partners[0].since", 1949)])) == set()


def test_year_of_cover_date_is_the_limit() -> None:
    changes = [("cover.date", "2024-03-01"), ("opinion.date", "2024-03-01"), ("unit.partners[0].since", 2024)]
    got = found(build(changes))
    assert ("unit.partners[0].since", "year_invalid") not in got
    changes[-1] = ("unit.partners[0].since", 2025)
    assert ("unit.partners[0].since", "year_invalid") in found(build(changes))


# ============================================================================================
# Every code of the spec is reachable (scenarios here and in test_validate.py)
# ============================================================================================

RULE_SCENARIOS: list[list[tuple[str, Any]]] = [
    PARK + [("unit.name", "上海张江高科技园区")],
    [("team.members[3].id_number", MEMBER_IDS[1])],
    leader_is(MALE_ID, "女"),
    [("team.members[0].id_number", OTHER_ID)],
    [("unit.partners[0].since", 2021)],
    [("unit.partners[0].since", 1948)],
    [("unit.credit_code", PUBLIC_INSTITUTION_CODE)],
    [("team.members[4].id_number", make_hk_permit(region="840000"))],
]


def test_every_spec_code_is_reachable_through_validate() -> None:
    seen: dict[str, str] = {}
    for changes in [s[1] for s in SCENARIOS] + RULE_SCENARIOS:
        draft = build(changes)
        for p in validate(draft, TODAY):
            seen[p.code] = p.severity
            assert PATH_RE.fullmatch(p.path) and draft.form.has_path(p.path), p.path
            assert p.message.strip() and CJK_RE.search(p.message), p.message
    assert set(seen) == set(SPEC_CODES)
    assert seen == SPEC_CODES
