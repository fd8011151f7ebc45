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
from forms.coverage import unrenderable_problems
from forms.messages import shown, subject
from forms.problems import DefinitionError, Problem

if TYPE_CHECKING:
    from forms.definition import Form, RuleRef
    from forms.draft import Draft


def _problem(draft: "Draft", path: str, key: str, **fields: Any) -> Problem:
    """A problem at ``path`` with the message of template ``key`` and the place in words."""
    return Problem.of(path, key, draft.form.where(path), **fields)


def _key_of_type(form: "Form", record_path: str, ftype: str) -> str | None:
    """The key of the field of type ``ftype`` in the record (or list) at ``record_path``: the
    definition says which member is the ID number (``id``) and which the name (``name``)."""
    record = form.field(record_path).record
    found = [f.key for f in record.fields if f.type == ftype] if record is not None else []
    return found[0] if len(found) == 1 else None


# --------------------------------------------------------------------------- conditions


def _bank_not_needed(draft: "Draft", *, nature: str, exempt: str) -> bool:
    return draft.get(nature) == "公益一类事业单位" or bool(draft.get(exempt))


def _nature_is_other(draft: "Draft", *, nature: str) -> bool:
    return draft.get(nature) == "其他"


@dataclass(frozen=True)
class Condition:
    """A named condition for ``required: {when|unless: name}``. ``path_params`` are the fields it
    reads, declared in the definition's ``conditions:`` section (``nature_is_other: {nature:
    unit.nature}``) and checked by the loader."""

    name: str
    fn: Callable[..., bool]
    path_params: tuple[str, ...] = ()

    def __call__(self, draft: "Draft") -> bool:
        return self.fn(draft, **draft.form.conditions.get(self.name, {}))


CONDITIONS: dict[str, Condition] = {c.name: c for c in (
    Condition("bank_not_needed", _bank_not_needed, ("nature", "exempt")),
    Condition("nature_is_other", _nature_is_other, ("nature",)),
)}


# --------------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    """A named cross-field check. ``path_params`` name paths of the form; ``records`` maps a
    path parameter to the field types its record must hold exactly one of (``("id",)``)."""

    run: Callable[..., list[Problem]]
    path_params: tuple[str, ...]
    other_params: tuple[str, ...] = ()
    records: dict[str, tuple[str, ...]] | None = None
    #: the problem codes this rule reports (the editor keeps them between its debounced checks)
    codes: tuple[str, ...] = ()

    def check_params(self, form: "Form", ref: "RuleRef", source: Path) -> None:
        expected = set(self.path_params) | set(self.other_params)
        given = set(ref.params)
        if given != expected:
            raise DefinitionError(
                f"{source.name}:{ref.line}: rule {ref.name} takes {sorted(expected)}, got {sorted(given)}"
            )
        for p in self.path_params:
            if not form.has_path(ref.params[p]):
                raise DefinitionError(f"{source.name}:{ref.line}: rule {ref.name}: unknown path {ref.params[p]!r}")
        for p, types in (self.records or {}).items():
            for ftype in types:
                if _key_of_type(form, ref.params[p], ftype) is None:
                    raise DefinitionError(f"{source.name}:{ref.line}: rule {ref.name}: {ref.params[p]!r} "
                                          f"needs exactly one field of type {ftype!r}")


def _label(draft: "Draft", path: str) -> str:
    return draft.form.field(path).label


def _park_company(draft: "Draft", ctx: Any, *, name: str, unit_type: str) -> list[Problem]:
    value = (draft.get(name) or "").strip()
    if draft.get(unit_type) != "科技型园区" or not value:
        return []
    head, sep, tail = value.partition("；")
    if sep and head.strip() and tail.strip():
        return []
    hint = "（请用全角分号“；”分隔）" if ";" in value else ""
    return [_problem(draft, name, "park_company_missing", subject=_label(draft, name), hint=hint)]


def _uscc_nature(draft: "Draft", ctx: Any, *, code: str, nature: str) -> list[Problem]:
    value = draft.get(code) or ""
    kind = draft.get(nature) or ""
    if not value or any(f.code in ("uscc_format", "uscc_checksum") for f in idnumbers.check_uscc(value)):
        return []
    if kind == "企业" and not value.startswith("91"):
        return [_problem(draft, code, "uscc_nature_mismatch.company", subject=_label(draft, code),
                         prefix=value[:2])]
    if kind.endswith("事业单位") and not value.startswith("12"):
        return [_problem(draft, code, "uscc_nature_mismatch.institution", subject=_label(draft, code),
                         prefix=value[:2], nature=kind)]
    return []


def _gender_vs_id(draft: "Draft", ctx: Any, *, gender: str, person: str) -> list[Problem]:
    chosen = draft.get(gender)
    id_path = f"{person}.{_key_of_type(draft.form, person, 'id')}"
    number = draft.get(id_path) or ""
    id_type = draft.id_type(id_path)
    # Only the 居民身份证 tells the gender in a way a clerk can check in this form.
    if id_type != idnumbers.RESIDENT_ID or chosen not in ("男", "女") or idnumbers.check_id(id_type, number, ctx.today):
        return []
    derived = idnumbers.id_gender(id_type, number)
    if derived and derived != chosen:
        return [_problem(draft, gender, "gender_mismatch", owner=_label(draft, person), chosen=chosen,
                         derived=derived)]
    return []


def _leader_in_members(draft: "Draft", ctx: Any, *, person: str, members: str) -> list[Problem]:
    form = draft.form
    id_key = _key_of_type(form, person, "id")
    number = draft.get(f"{person}.{id_key}") or ""
    rows = draft.get(members) or []
    if not number or not rows:
        return []
    member_id = _key_of_type(form, members, "id")
    if any((m.get(member_id) or "") == number for m in rows):
        return []
    owner, table = _label(draft, person), _label(draft, members)
    name = (draft.get(f"{person}.{_key_of_type(form, person, 'name')}") or "").strip()
    member_name = _key_of_type(form, members, "name")
    for i, m in enumerate(rows):
        if name and (m.get(member_name) or "").strip() == name:
            return [_problem(draft, members, "leader_not_in_members.number_differs", owner=owner,
                             members=table, row=i + 1, name=shown(name))]
    return [_problem(draft, members, "leader_not_in_members", owner=owner, members=table)]


def _duplicate_ids(draft: "Draft", ctx: Any, *, members: str) -> list[Problem]:
    id_key = _key_of_type(draft.form, members, "id")
    seen: dict[str, int] = {}
    problems = []
    for i, row in enumerate(draft.get(members) or []):
        number = row.get(id_key) or ""
        if not number:
            continue
        if number in seen:
            problems.append(_problem(draft, f"{members}[{i}].{id_key}", "duplicate_id",
                                     members=_label(draft, members), row=i + 1, first=seen[number] + 1))
        else:
            seen[number] = i
    return problems


def _partnership_years(draft: "Draft", ctx: Any, *, partners: str, date: str, min_years: int) -> list[Problem]:
    when: dt.date | None = draft.get(date)
    if when is None:
        return []
    name_key = _key_of_type(draft.form, partners, "text")
    since_key = _key_of_type(draft.form, partners, "year")
    problems = []
    for i, row in enumerate(draft.get(partners) or []):
        since = row.get(since_key)
        if isinstance(since, int) and when.year - min_years < since <= when.year:
            partner = shown(row.get(name_key) or "") if name_key else ""
            problems.append(_problem(draft, f"{partners}[{i}].{since_key}", "partnership_under_3_years",
                                     partner=partner or "该单位", since=since, min_years=min_years))
    return problems


def _year_range(draft: "Draft", ctx: Any, *, list: str, key: str, date: str, earliest: int) -> list[Problem]:  # noqa: A002
    when: dt.date | None = draft.get(date)
    latest = when.year if when else ctx.today.year
    problems = []
    list_label = _label(draft, list)
    key_label = draft.form.field(f"{list}.{key}").label
    for i, row in enumerate(draft.get(list) or []):
        year = row.get(key)
        if isinstance(year, int) and not earliest <= year <= latest:
            who = subject(key_label, f"{list_label}第 {i + 1} 行")
            problems.append(_problem(draft, f"{list}[{i}].{key}", "year_invalid", subject=who,
                                     year=shown(year), earliest=earliest, latest=latest))
    return problems


def _renderable(draft: "Draft", ctx: Any) -> list[Problem]:
    return unrenderable_problems(draft)


RULES: dict[str, Rule] = {
    "park_company": Rule(_park_company, ("name", "unit_type"), codes=("park_company_missing",)),
    "uscc_nature": Rule(_uscc_nature, ("code", "nature"), codes=("uscc_nature_mismatch",)),
    "gender_vs_id": Rule(_gender_vs_id, ("gender", "person"), records={"person": ("id",)},
                         codes=("gender_mismatch",)),
    "leader_in_members": Rule(_leader_in_members, ("person", "members"),
                              records={"person": ("id", "name"), "members": ("id", "name")},
                              codes=("leader_not_in_members",)),
    "duplicate_ids": Rule(_duplicate_ids, ("members",), records={"members": ("id",)}, codes=("duplicate_id",)),
    "partnership_years": Rule(_partnership_years, ("partners", "date"), ("min_years",),
                              records={"partners": ("year",)}, codes=("partnership_under_3_years",)),
    "year_range": Rule(_year_range, ("list", "date"), ("key", "earliest"), codes=("year_invalid",)),
    "renderable": Rule(_renderable, (), codes=("unrenderable_char",)),
}


def rule_codes(form: "Form", rules: dict[str, Rule] | None = None) -> frozenset[str]:
    """The codes the cross-field rules of ``form`` can report."""
    rules = RULES if rules is None else rules
    return frozenset(code for ref in form.rules for code in rules[ref.name].codes)
