"""申报条件自查: the guide's 申报对象 and 申报条件 checked against the draft and the clerk's answers.

The 申报指南 admits "本市注册登记具有独立法人资格的企事业单位、科技型园区等", and sets
conditions by 申报主体:

- 企事业单位: "须具有一定条件的研发投入、研发团队和研发成果；与相关单位已经建立产学研合作关系（合作
  期限3年以上），并已产生一批相关专利成果。"
- 科技型园区: "须具有产业集聚优势，区域内集聚产业创新主体不少于50家，在产业链关键节点上拥有产业领军
  企业，并已经与高校、科研院所建立产学研合作关系，且已形成一批相关专利成果。"

What the draft shows is read from it — where the unit is registered (the 统一社会信用代码's
division code; a code registered by a national authority, 100000, does not tell the city, so
that case is asked), how long each 产学研合作单位 has worked with it by the year of 申报时间,
whether a partner is a 高校 or 科研院所 — and each such item names the field to correct. What
only the unit knows is asked:
yes / no for the qualitative conditions, a number for the 50 创新主体. Items that want evidence say
which kind of 附件 carries it and whether the draft has one (填报说明 4). The verdict is the
clerk's own check, not the reviewers': it says so.

Plain computation on a :class:`~forms.draft.Draft`, no Qt.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from forms import idnumbers

if TYPE_CHECKING:
    from forms.draft import Draft

MET, UNMET, UNKNOWN = "met", "unmet", "unknown"
ENTERPRISE, PARK = "企事业单位", "科技型园区"
MIN_PARTNERSHIP_YEARS = 3
MIN_INNOVATORS = 50
RESEARCH_KINDS = ("高校", "科研院所")
YES, NO = "是", "否"

#: The guide's sentence on what it supports first (not a condition: shown for information).
PRIORITY_INDUSTRIES = ("重点支持集成电路、生物医药、人工智能三大先导产业和新能源汽车、高端装备、航空航天、"
                       "信息通信、新材料、新兴数字六大重点产业。")


@dataclass(frozen=True)
class Question:
    """A condition only the unit can answer: ``count`` asks a number, else 是 / 否."""

    key: str
    condition: str
    count: bool = False
    evidence: tuple[str, ...] = ()  # attachment categories that show it


@dataclass(frozen=True)
class Item:
    key: str
    condition: str       # the guide's words
    status: str          # MET / UNMET / UNKNOWN
    detail: str          # why, in the clerk's terms ("" when nothing to add)
    path: str | None = None            # the field that decides it, for a draft-derived item
    question: Question | None = None   # for an item the clerk answers


LEGAL_PERSON = Question("legal_person", "具有独立法人资格")
QUESTIONS: dict[str, tuple[Question, ...]] = {
    ENTERPRISE: (
        Question("rd_investment", "具有一定条件的研发投入", evidence=("其他支撑材料",)),
        Question("rd_team", "具有一定条件的研发团队"),
        Question("rd_results", "具有一定条件的研发成果", evidence=("任务书及成果证明", "资质证书")),
        Question("patents", "已产生一批相关专利成果", evidence=("任务书及成果证明", "其他支撑材料")),
    ),
    PARK: (
        Question("cluster", "具有产业集聚优势"),
        Question("innovators", f"区域内集聚产业创新主体不少于{MIN_INNOVATORS}家", count=True,
                 evidence=("其他支撑材料",)),
        Question("leader_firms", "在产业链关键节点上拥有产业领军企业"),
        Question("patents", "已形成一批相关专利成果", evidence=("任务书及成果证明", "其他支撑材料")),
    ),
}


@dataclass(frozen=True)
class Eligibility:
    unit_type: str
    items: tuple[Item, ...]
    status: str
    summary: str


REGISTERED_HERE = Question("shanghai", "本市注册登记")


def _registered_in_shanghai(draft: Draft, answer: object) -> Item:
    path = "unit.credit_code"
    condition = REGISTERED_HERE.condition
    code = draft.get(path) or ""
    if not code:
        return Item("shanghai", condition, UNKNOWN, "请先填写统一社会信用代码", path)
    codes = {f.code for f in idnumbers.check_uscc(code)}
    if codes & {"uscc_format", "uscc_checksum"}:
        return Item("shanghai", condition, UNKNOWN, "统一社会信用代码有误，请先改正", path)
    division = idnumbers.normalize_code(code)[2:8]
    if "uscc_not_shanghai" in codes:
        return Item("shanghai", condition, UNMET,
                    f"统一社会信用代码第 3–8 位（登记管理机关行政区划码）为 {division}，不是上海（31 开头）", path)
    if division == "100000":  # registered by a national authority: the code does not tell the city
        asked = _answered(REGISTERED_HERE, answer, set())
        why = "统一社会信用代码由国家部委登记（100000），不显示所在城市"
        detail = f"{why}：请确认是否在本市注册登记" if asked.status == UNKNOWN else why
        return Item("shanghai", condition, asked.status, detail, path, REGISTERED_HERE)
    return Item("shanghai", condition, MET, f"统一社会信用代码显示登记管理机关行政区划码 {division}，在上海", path)


def _partners(draft: Draft) -> list[dict]:
    return [p for p in (draft.get("unit.partners") or []) if (p.get("name") or "").strip()]


def _long_partnership(draft: Draft) -> Item:
    path = "unit.partners"
    condition = f"与相关单位已经建立产学研合作关系（合作期限{MIN_PARTNERSHIP_YEARS}年以上）"
    partners = _partners(draft)
    if not partners:
        return Item("partnership", condition, UNMET, "尚未填写产学研合作单位", path)
    when = draft.get("cover.date")
    if not isinstance(when, dt.date):  # as the partnership rule: years count to the 申报时间
        return Item("partnership", condition, UNKNOWN, "请先填写申报时间：合作期限算到申报时间所在的年份", "cover.date")
    year = when.year
    long = [p for p in partners if isinstance(p.get("since"), int) and year - p["since"] >= MIN_PARTNERSHIP_YEARS]
    if long:
        names = "、".join(f"{p['name'].strip()}（自{p['since']}年起）" for p in long)
        return Item("partnership", condition, MET, f"合作已满 {MIN_PARTNERSHIP_YEARS} 年：{names}", path)
    undated = [p["name"].strip() for p in partners if not isinstance(p.get("since"), int)]
    if undated:
        return Item("partnership", condition, UNKNOWN, "请填写合作起始年份：" + "、".join(undated), path)
    return Item("partnership", condition, UNMET,
                f"到{year}年，没有一家合作单位的合作期限满 {MIN_PARTNERSHIP_YEARS} 年", path)


def _research_partner(draft: Draft) -> Item:
    path = "unit.partners"
    condition = "已经与高校、科研院所建立产学研合作关系"
    research = [p["name"].strip() for p in _partners(draft) if p.get("kind") in RESEARCH_KINDS]
    if research:
        return Item("research_partner", condition, MET, "合作单位中有：" + "、".join(research), path)
    return Item("research_partner", condition, UNMET, "产学研合作单位中没有类型为“高校”或“科研院所”的单位", path)


def _answered(question: Question, answer: object, categories: set[str]) -> Item:
    if question.count:
        if isinstance(answer, int) and not isinstance(answer, bool) and answer >= 0:
            status = MET if answer >= MIN_INNOVATORS else UNMET
            detail = f"填报 {answer} 家" + ("" if status == MET else f"，少于 {MIN_INNOVATORS} 家")
        else:
            status, detail = UNKNOWN, "请填写区域内集聚的产业创新主体数量"
    elif answer == YES:
        status, detail = MET, ""
    elif answer == NO:
        status, detail = UNMET, ""
    else:
        status, detail = UNKNOWN, "请确认"
    if question.evidence and status != UNMET:
        present = [c for c in question.evidence if c in categories]
        if present:
            hint = "附件中已有" + "、".join(f"“{c}”" for c in present) + "类材料"
        else:
            kinds = "或".join(f"“{c}”" for c in question.evidence)
            hint = f"建议在附件中附上证明材料（{kinds}类），附件清单中尚无此类附件"
        detail = f"{detail}；{hint}" if detail else hint
    return Item(question.key, question.condition, status, detail, question=question)


def check(draft: Draft, answers: dict[str, object] | None = None) -> Eligibility:
    """Every condition for the draft's 申报主体 with its status; ``answers``: question key →
    是 / 否 (or a count for ``innovators``), as the clerk gave them."""
    answers = answers or {}
    unit_type = draft.get("unit.type") or ""
    categories = {a.get("category") for a in (draft.get("attachments") or []) if isinstance(a, dict)}
    items = [_registered_in_shanghai(draft, answers.get(REGISTERED_HERE.key)), _answered(LEGAL_PERSON, answers.get(LEGAL_PERSON.key), categories)]
    if unit_type == ENTERPRISE:
        qs = QUESTIONS[ENTERPRISE]
        items += [_answered(q, answers.get(q.key), categories) for q in qs[:3]]
        items.append(_long_partnership(draft))
        items.append(_answered(qs[3], answers.get(qs[3].key), categories))
    elif unit_type == PARK:
        qs = QUESTIONS[PARK]
        items += [_answered(q, answers.get(q.key), categories) for q in qs[:3]]
        items.append(_research_partner(draft))
        items.append(_answered(qs[3], answers.get(qs[3].key), categories))
    else:
        items.append(Item("unit_type", "申报主体（企事业单位或科技型园区）", UNKNOWN,
                          "请先在“一、申报单位基本信息”中选择申报主体：申报条件因主体而异", "unit.type"))
    unmet = [i for i in items if i.status == UNMET]
    unknown = [i for i in items if i.status == UNKNOWN]
    if unmet:
        status = UNMET
        summary = "按自查，尚不符合申报条件：" + "；".join(i.condition for i in unmet) + "。"
    elif unknown:
        status = UNKNOWN
        summary = f"还有 {len(unknown)} 项待确认。"
    else:
        status = MET
        summary = f"按自查，符合{unit_type}的申报条件（自查结果仅供参考，以评审为准）。"
    return Eligibility(unit_type, tuple(items), status, summary)
