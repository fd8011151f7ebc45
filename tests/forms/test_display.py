"""Tests for forms.display: how values read on paper (spec form-2022.md §2): the zh_CN long date,
无 for an empty optional field, "address（postcode）", partners joined with ；as
名称（类型，自2019年起合作）, and the table cells of the definition.
"""

from __future__ import annotations

import datetime as dt

import pytest

from forms.display import (
    FORMATS,
    NONE_TEXT,
    ago_text,
    cell_text,
    datetime_text,
    long_date,
    partner_text,
    value_text,
    when_text,
)
from forms.draft import Draft
from forms.sample import sample_draft


@pytest.mark.parametrize(
    ("date", "text"),
    [
        (dt.date(2026, 11, 26), "2026年11月26日"),
        (dt.date(2022, 4, 20), "2022年4月20日"),
        (dt.date(2023, 1, 1), "2023年1月1日"),
        (dt.date(2024, 2, 29), "2024年2月29日"),
        (dt.date(1999, 12, 31), "1999年12月31日"),
    ],
)
def test_long_date(date: dt.date, text: str) -> None:
    assert long_date(date) == text


def test_long_date_of_nothing() -> None:
    assert long_date(None) == ""


def test_datetime_text() -> None:
    assert datetime_text(dt.datetime(2026, 11, 26, 14, 5)) == "2026年11月26日 14:05"
    assert datetime_text(dt.datetime(2026, 1, 2, 9, 0)) == "2026年1月2日 09:00"


NOW = dt.datetime(2026, 12, 4, 10, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("before", "text"),
    [
        (dt.timedelta(seconds=20), "刚刚"),
        (dt.timedelta(minutes=3), "3分钟前"),
        (dt.timedelta(hours=5), "5小时前"),
        (dt.timedelta(days=3), "3天前"),
        (dt.timedelta(days=-1), "1天后"),  # a colleague's clock ahead of ours
    ],
)
def test_ago_text_in_cldrs_chinese_words(before: dt.timedelta, text: str) -> None:
    assert ago_text(NOW - before, NOW) == text


def test_when_text_is_the_local_time_and_how_long_ago() -> None:
    when = NOW - dt.timedelta(minutes=3)
    assert when_text(when, NOW) == f"{datetime_text(when.astimezone())}（3分钟前）"


def test_none_text_is_wu() -> None:
    assert NONE_TEXT == "无"


# -------------------------------------------------------------------------------- value_text


@pytest.mark.parametrize("path", ["team.leader.landline", "opinion.date", "unit.nature_other",
                                  "team.members[2].department", "team.members[2].specialty"])
def test_empty_optional_field_prints_wu(path: str) -> None:
    draft = sample_draft()
    draft.set(path, None)
    assert value_text(draft, path) == "无"


def test_empty_bank_fields_print_wu_when_not_required() -> None:
    draft = sample_draft()
    draft.set("unit.bank_exempt", True)
    draft.set("unit.bank_name", "")
    draft.set("unit.bank_account", "")
    assert value_text(draft, "unit.bank_name") == "无"
    assert value_text(draft, "unit.bank_account") == "无"


def test_empty_required_field_leaves_room_to_write() -> None:
    draft = sample_draft()
    draft.set("unit.bank_name", "")  # required for an enterprise
    draft.set("capability", "")
    assert value_text(draft, "unit.bank_name") == ""
    assert value_text(draft, "capability") == ""


def test_filled_values_print_as_typed() -> None:
    draft = sample_draft()
    assert value_text(draft, "unit.name") == "上海临港芯链科技有限公司"
    assert value_text(draft, "cover.date") == "2022年4月20日"
    assert value_text(draft, "unit.partners[0].since") == "2016"
    draft.set("unit.name", "<b>甲&乙</b>")
    assert value_text(draft, "unit.name") == "<b>甲&乙</b>"  # data, never markup


def test_bool_prints_in_chinese() -> None:
    draft = sample_draft()
    assert value_text(draft, "unit.bank_exempt") == "否"
    draft.set("unit.bank_exempt", True)
    assert value_text(draft, "unit.bank_exempt") == "是"


# -------------------------------------------------------------------------------- formats


def test_address_with_postcode() -> None:
    draft = sample_draft()
    assert FORMATS["address_postcode"](draft, "unit.address") == "上海市浦东新区张江路9999号3号楼501室（201203）"


def test_address_without_postcode() -> None:
    draft = sample_draft()
    draft.set("unit.postcode", "")
    assert FORMATS["address_postcode"](draft, "unit.address") == "上海市浦东新区张江路9999号3号楼501室"


def test_partner_text() -> None:
    assert partner_text({"name": "上海交通大学", "kind": "高校", "since": 2018}) == "上海交通大学（高校，自2018年起合作）"
    assert partner_text({"name": "某研究所", "kind": "科研院所", "since": 2019}) == "某研究所（科研院所，自2019年起合作）"


def test_partners_joined_with_full_width_semicolon() -> None:
    draft = sample_draft()
    assert FORMATS["partners"](draft, "unit.partners") == (
        "申江大学（高校，自2016年起合作）；"
        "上海浦芯微电子有限公司（企业，自2017年起合作）；"
        "上海集成电路材料研究所（科研院所，自2018年起合作）"
    )


def test_single_partner_has_no_separator() -> None:
    draft = sample_draft()
    draft.data["unit"]["partners"] = draft.data["unit"]["partners"][:1]
    assert FORMATS["partners"](draft, "unit.partners") == "申江大学（高校，自2016年起合作）"


def test_nature_prints_the_other_text() -> None:
    draft = sample_draft()
    assert FORMATS["nature"](draft, "unit.nature") == "企业"
    draft.set("unit.nature", "其他")
    draft.set("unit.nature_other", "民办非企业单位")
    assert FORMATS["nature"](draft, "unit.nature") == "民办非企业单位"


def test_id_number_names_a_document_other_than_the_resident_id() -> None:
    draft = sample_draft()
    resident = draft.get("team.members[0].id_number")
    assert FORMATS["id_number"](draft, "team.members[0].id_number") == resident
    permit = draft.get("team.members[4].id_number")
    assert draft.get("team.members[4].id_type") == "港澳台居民居住证"
    assert FORMATS["id_number"](draft, "team.members[4].id_number") == f"{permit}（港澳台居民居住证）"


# -------------------------------------------------------------------------------- cells


def test_cells_of_the_definition() -> None:
    draft = sample_draft()
    assert cell_text(draft, {"label": "申报单位"}) == "申报单位"
    assert cell_text(draft, {"text": "静态"}) == "静态"
    assert cell_text(draft, {"index": True}, "team.members", 0) == "1"
    assert cell_text(draft, {"index": True}, "team.members", 5) == "6"
    assert cell_text(draft, {"blank": "signature"}) == ""
    assert cell_text(draft, {"field": "unit.address", "format": "address_postcode"}).endswith("（201203）")
    assert cell_text(draft, {"key": "task"}, "team.members[1]") == "高价值专利培育"


def test_every_cell_of_every_table_prints_for_the_sample() -> None:
    draft = sample_draft()
    for part in draft.form.parts:
        if part["kind"] != "table":
            continue
        for row in part["rows"]:
            if isinstance(row, dict):
                for i in range(len(draft.get(row["repeat"]))):
                    for cell in row["cells"]:
                        text = cell_text(draft, cell, f"{row['repeat']}[{i}]", i)
                        assert text, (part["id"], cell)
            else:
                for cell in row:
                    if "blank" not in cell:
                        assert cell_text(draft, cell), (part["id"], cell)


def test_member_cells_print_wu_when_optional_and_empty() -> None:
    draft = sample_draft()
    draft.set("team.members[3].title", "")
    assert cell_text(draft, {"key": "title"}, "team.members[3]") == "无"


def test_empty_draft_cells_never_crash() -> None:
    draft = Draft()
    for part in draft.form.parts:
        if part["kind"] == "table":
            for row in part["rows"]:
                for cell in ([] if isinstance(row, dict) else row):
                    assert isinstance(cell_text(draft, cell), str)
    assert FORMATS["partners"](draft, "unit.partners") == ""
    assert FORMATS["address_postcode"](draft, "unit.address") == ""
