"""申报条件自查 (forms.eligibility): the guide's conditions per 申报主体, read from the draft where it
shows them, answered by the clerk where only the unit knows."""

from __future__ import annotations

import datetime as dt

from forms.eligibility import MET, UNKNOWN, UNMET, check
from forms.sample import sample_draft
from tests.forms.idgen import make_uscc

ENTERPRISE_YES = {"legal_person": "是", "rd_investment": "是", "rd_team": "是", "rd_results": "是", "patents": "是"}
PARK_YES = {"legal_person": "是", "cluster": "是", "innovators": 60, "leader_firms": "是", "patents": "是"}


def items(result) -> dict:
    return {i.key: i for i in result.items}


def enterprise():
    return sample_draft()  # 企事业单位, registered in 310115, partners since 2016–2018, cover 2022


def park():
    draft = sample_draft()
    draft.set("unit.type", "科技型园区")
    return draft


def test_an_enterprise_is_asked_the_guides_four_conditions_and_its_partnerships_are_read():
    result = check(enterprise(), ENTERPRISE_YES)
    assert [i.condition for i in result.items] == [
        "本市注册登记", "具有独立法人资格", "具有一定条件的研发投入", "具有一定条件的研发团队",
        "具有一定条件的研发成果", "与相关单位已经建立产学研合作关系（合作期限3年以上）", "已产生一批相关专利成果"]
    assert result.status == MET
    assert result.summary.startswith("按自查，符合企事业单位的申报条件")
    assert items(result)["partnership"].detail.startswith("合作已满 3 年：申江大学（自2016年起）")
    assert items(result)["shanghai"].detail == "统一社会信用代码显示登记管理机关行政区划码 310115，在上海"


def test_partnerships_under_three_years_do_not_count():
    draft = enterprise()
    for i in range(3):
        draft.set(f"unit.partners[{i}].since", 2020)
    partnership = items(check(draft, ENTERPRISE_YES))["partnership"]
    assert partnership.status == UNMET and partnership.path == "unit.partners"
    assert partnership.detail == "到2022年，没有一家合作单位的合作期限满 3 年"
    draft.set("unit.partners[1].since", 2019)                  # 2022 − 2019 = 3: enough
    assert items(check(draft, ENTERPRISE_YES))["partnership"].status == MET
    draft.set("cover.date", dt.date(2021, 4, 20))              # counted to the year of 申报时间
    assert items(check(draft, ENTERPRISE_YES))["partnership"].status == UNMET
    draft.set("cover.date", None)                               # none yet: not guessed from today
    undated = items(check(draft, ENTERPRISE_YES))["partnership"]
    assert undated.status == UNKNOWN and undated.path == "cover.date"
    assert undated.detail == "请先填写申报时间：合作期限算到申报时间所在的年份"


def test_a_partner_without_a_year_may_still_be_the_long_one():
    draft = enterprise()
    draft.set("unit.partners[0].since", 2021)
    draft.set("unit.partners[1].since", 2020)
    draft.set("unit.partners[2].since", None)
    partnership = items(check(draft, ENTERPRISE_YES))["partnership"]
    assert partnership.status == UNKNOWN
    assert partnership.detail == "请填写合作起始年份：上海集成电路材料研究所"


def test_a_code_registered_outside_shanghai_is_unmet_and_a_wrong_code_undecided():
    draft = enterprise()
    draft.set("unit.credit_code", make_uscc(division="110108"))
    shanghai = items(check(draft, ENTERPRISE_YES))["shanghai"]
    assert shanghai.status == UNMET and "110108" in shanghai.detail and shanghai.path == "unit.credit_code"
    # 部属高校: registered by a national authority, the code does not tell the city — asked
    draft.set("unit.credit_code", make_uscc(authority="1", kind="2", division="100000"))
    central = items(check(draft, ENTERPRISE_YES))["shanghai"]
    assert central.status == UNKNOWN and central.question is not None
    assert central.detail == "统一社会信用代码由国家部委登记（100000），不显示所在城市：请确认是否在本市注册登记"
    assert items(check(draft, {**ENTERPRISE_YES, "shanghai": "是"}))["shanghai"].status == MET
    assert items(check(draft, {**ENTERPRISE_YES, "shanghai": "否"}))["shanghai"].status == UNMET
    good = make_uscc()
    draft.set("unit.credit_code", good[:17] + ("0" if good[17] != "0" else "1"))  # check character wrong
    assert items(check(draft, ENTERPRISE_YES))["shanghai"].status == UNKNOWN


def test_a_park_needs_fifty_innovators_and_a_university_or_institute_partner():
    result = check(park(), PARK_YES)
    assert [i.key for i in result.items] == ["shanghai", "legal_person", "cluster", "innovators",
                                            "leader_firms", "research_partner", "patents"]
    assert items(result)["cluster"].condition == "具有产业集聚优势"
    assert result.status == MET
    assert items(result)["research_partner"].detail == "合作单位中有：申江大学、上海集成电路材料研究所"
    assert items(check(park(), {**PARK_YES, "innovators": 50}))["innovators"].status == MET  # 不少于50
    few = check(park(), {**PARK_YES, "innovators": 49})
    assert few.status == UNMET and items(few)["innovators"].detail.startswith("填报 49 家，少于 50 家")
    assert few.summary == "按自查，尚不符合申报条件：区域内集聚产业创新主体不少于50家。"
    draft = park()
    for i in (0, 2):
        draft.set(f"unit.partners[{i}].kind", "企业")
    assert items(check(draft, PARK_YES))["research_partner"].status == UNMET


def test_unanswered_and_nonsense_answers_leave_the_item_open():
    result = check(park(), {"innovators": "五十", "leader_firms": "也许"})
    assert items(result)["innovators"].status == UNKNOWN
    assert items(result)["leader_firms"].status == UNKNOWN
    assert result.status == UNKNOWN and result.summary == "还有 5 项待确认。"
    assert check(park(), {**PARK_YES, "innovators": True}).status == UNKNOWN  # not a count


def test_a_no_is_unmet_and_named_in_the_summary():
    result = check(enterprise(), {**ENTERPRISE_YES, "rd_team": "否"})
    assert result.status == UNMET
    assert result.summary == "按自查，尚不符合申报条件：具有一定条件的研发团队。"
    # a known shortfall is said even while other items wait for an answer
    assert check(enterprise(), {"rd_team": "否"}).status == UNMET


def test_evidence_hints_follow_the_attachment_list():
    draft = enterprise()  # the sample has one 资质证书
    found = items(check(draft, ENTERPRISE_YES))
    assert found["rd_results"].detail == "附件中已有“资质证书”类材料"
    assert found["patents"].detail == "建议在附件中附上证明材料（“任务书及成果证明”或“其他支撑材料”类），附件清单中尚无此类附件"
    draft.set("attachments[0].category", "任务书及成果证明")
    assert items(check(draft, ENTERPRISE_YES))["patents"].detail == "附件中已有“任务书及成果证明”类材料"


def test_without_a_unit_type_the_clerk_is_sent_to_choose_one():
    draft = enterprise()
    draft.set("unit.type", "")
    result = check(draft, ENTERPRISE_YES)
    assert items(result)["unit_type"].path == "unit.type"
    assert result.status == UNKNOWN
    assert "partnership" not in items(result)


def test_no_partners_at_all():
    draft = enterprise()
    draft.data["unit"]["partners"] = []
    assert items(check(draft, ENTERPRISE_YES))["partnership"].detail == "尚未填写产学研合作单位"
