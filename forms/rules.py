"""Named cross-field rules and conditions, referenced by name from the form definition.

After pyxform: the definition says ``{rule: gender_vs_id, gender: team.leader.gender, …}``; this
module holds the functions. Nothing here evaluates strings from data. Each rule declares the
parameters it takes, which the loader checks (unknown or missing parameter, unknown path).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from forms import idnumbers
from forms.problems import Problem

if TYPE_CHECKING:
    from forms.definition import Form, RuleRef
    from forms.draft import Draft


# --------------------------------------------------------------------------- conditions


def _bank_not_needed(draft: "Draft") -> bool:
    return draft.get("unit.nature") == "公益一类事业单位" or bool(draft.get("unit.bank_exempt"))


def _nature_is_other(draft: "Draft") -> bool:
    return draft.get("unit.nature") == "其他"


CONDITIONS: dict[str, Callable[["Draft"], bool]] = {
    "bank_not_needed": _bank_not_needed,
    "nature_is_other": _nature_is_other,
}


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    run: Callable[..., list[Problem]]
    path_params: tuple[str, ...]
    other_params: tuple[str, ...] = ()

    def check_params(self, form: "Form", ref: "RuleRef", source: Path) -> None:
        from forms.definition import DefinitionError

        expected = set(self.path_params) | set(self.other_params)
        given = set(ref.params)
        if given != expected:
            raise DefinitionError(
                f"{source.name}:{ref.line}: rule {ref.name} takes {sorted(expected)}, got {sorted(given)}"
            )
        for p in self.path_params:
            if not form.has_path(ref.params[p]):
                raise DefinitionError(f"{source.name}:{ref.line}: rule {ref.name}: unknown path {ref.params[p]!r}")


def _park_company(draft: "Draft", ctx: Any, *, name: str, unit_type: str) -> list[Problem]:
    value = (draft.get(name) or "").strip()
    if draft.get(unit_type) != "科技型园区" or not value:
        return []
    head, sep, tail = value.partition("；")
    if sep and head.strip() and tail.strip():
        return []
    hint = "（请用全角分号“；”分隔）" if ";" in value else ""
    return [Problem(name, "park_company_missing",
                    f"申报主体为科技型园区时，申报单位应写作“xx园区；xx公司”，补充园区管理公司名称{hint}。")]


def _uscc_nature(draft: "Draft", ctx: Any, *, code: str, nature: str) -> list[Problem]:
    value = draft.get(code) or ""
    kind = draft.get(nature) or ""
    if not value or any(f.code in ("uscc_format", "uscc_checksum") for f in idnumbers.check_uscc(value)):
        return []
    if kind == "企业" and not value.startswith("91"):
        return [Problem(code, "uscc_nature_mismatch",
                        f"单位性质为企业，但统一社会信用代码以“{value[:2]}”开头（企业一般为 91），请核对单位性质或代码。")]
    if kind.endswith("事业单位") and not value.startswith("12"):
        return [Problem(code, "uscc_nature_mismatch",
                        f"单位性质为{kind}，但统一社会信用代码以“{value[:2]}”开头（事业单位一般为 12），请核对。")]
    return []


def _gender_vs_id(draft: "Draft", ctx: Any, *, gender: str, person: str) -> list[Problem]:
    chosen = draft.get(gender)
    number = draft.get(f"{person}.id_number") or ""
    id_type = draft.get(f"{person}.id_type") or "居民身份证"
    if id_type != "居民身份证" or chosen not in ("男", "女") or idnumbers.check_id(id_type, number, ctx.today):
        return []
    derived = idnumbers.id_gender(id_type, number)
    if derived and derived != chosen:
        return [Problem(gender, "gender_mismatch",
                        f"项目负责人性别填为“{chosen}”，但身份证号码第 17 位表示“{derived}”，请核对。")]
    return []


def _leader_in_members(draft: "Draft", ctx: Any, *, person: str, members: str) -> list[Problem]:
    number = draft.get(f"{person}.id_number") or ""
    rows = draft.get(members) or []
    if not number or not rows:
        return []
    if any((m.get("id_number") or "") == number for m in rows):
        return []
    return [Problem(members, "leader_not_in_members",
                    "项目负责人的证件号码不在“项目组全部成员”中，通常负责人也应列为成员，请补充。")]


def _duplicate_ids(draft: "Draft", ctx: Any, *, members: str) -> list[Problem]:
    seen: dict[str, int] = {}
    problems = []
    for i, row in enumerate(draft.get(members) or []):
        number = row.get("id_number") or ""
        if not number:
            continue
        if number in seen:
            problems.append(Problem(f"{members}[{i}].id_number", "duplicate_id",
                                    f"第 {i + 1} 行的证件号码与第 {seen[number] + 1} 行重复，同一人只需填写一次。"))
        else:
            seen[number] = i
    return problems


def _partnership_years(draft: "Draft", ctx: Any, *, partners: str, date: str, min_years: int) -> list[Problem]:
    when: dt.date | None = draft.get(date)
    if when is None:
        return []
    problems = []
    for i, row in enumerate(draft.get(partners) or []):
        since = row.get("since")
        if isinstance(since, int) and when.year - min_years < since <= when.year:
            problems.append(Problem(
                f"{partners}[{i}].since", "partnership_under_3_years",
                f"与“{row.get('name') or '该单位'}”自 {since} 年起合作，至申报年份不足 {min_years} 年"
                f"（申报条件要求合作期限 {min_years} 年以上）。"))
    return problems


def _year_range(draft: "Draft", ctx: Any, *, list: str, key: str, date: str, earliest: int) -> list[Problem]:  # noqa: A002
    when: dt.date | None = draft.get(date)
    latest = when.year if when else ctx.today.year
    problems = []
    for i, row in enumerate(draft.get(list) or []):
        year = row.get(key)
        if isinstance(year, int) and not earliest <= year <= latest:
            problems.append(Problem(f"{list}[{i}].{key}", "year_invalid",
                                    f"年份 {year} 无效，应在 {earliest} 年到 {latest} 年（申报年份）之间。"))
    return problems


def _renderable(draft: "Draft", ctx: Any) -> list[Problem]:
    from forms.coverage import unrenderable_problems

    return unrenderable_problems(draft)


RULES: dict[str, Rule] = {
    "park_company": Rule(_park_company, ("name", "unit_type")),
    "uscc_nature": Rule(_uscc_nature, ("code", "nature")),
    "gender_vs_id": Rule(_gender_vs_id, ("gender", "person")),
    "leader_in_members": Rule(_leader_in_members, ("person", "members")),
    "duplicate_ids": Rule(_duplicate_ids, ("members",)),
    "partnership_years": Rule(_partnership_years, ("partners", "date"), ("min_years",)),
    "year_range": Rule(_year_range, ("list", "date"), ("key", "earliest")),
    "renderable": Rule(_renderable, ()),
}
