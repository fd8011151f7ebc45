"""Every cross-field rule declares the codes it reports (the editor keeps exactly those between
its debounced checks): run each rule on drafts that trip it and compare."""

from __future__ import annotations

import datetime as dt

from forms.fieldtypes import CheckContext
from forms.rules import RULES, rule_codes
from forms.sample import sample_draft
from tests.forms.idgen import make_id


def _tripping_drafts():
    draft = sample_draft()
    yield draft
    bad = sample_draft()
    bad.data["unit"]["type"] = "科技型园区"  # park without its company
    bad.data["unit"]["nature"] = "公益一类事业单位"  # a 91… code for a 事业单位
    bad.data["people"]["leader"]["id_number"] = make_id(seq=501, sex="男")  # not among the members
    bad.data["team"]["leader"]["gender"] = "女"  # the number says 男
    members = bad.data["team"]["members"]
    members[1]["id_number"] = members[0]["id_number"]  # a duplicate
    bad.data["unit"]["partners"][0]["since"] = 2021  # under 3 years
    bad.data["unit"]["partners"][1]["since"] = 1900  # out of range
    bad.data["capability"] += "😀"  # no font has it
    yield bad


def test_every_rule_reports_only_its_declared_codes() -> None:
    ctx = CheckContext(dt.date(2026, 12, 4))
    seen: dict[str, set[str]] = {}
    for draft in _tripping_drafts():
        for ref in draft.form.rules:
            found = {p.code for p in RULES[ref.name].run(draft, ctx, **ref.params)}
            assert found <= set(RULES[ref.name].codes), (ref.name, found)
            seen.setdefault(ref.name, set()).update(found)
    assert all(seen[name] for name in seen), {name: codes for name, codes in seen.items() if not codes}


def test_the_forms_rule_codes() -> None:
    form = sample_draft().form
    assert rule_codes(form) == {code for ref in form.rules for code in RULES[ref.name].codes}
    assert "duplicate_id" in rule_codes(form) and "required" not in rule_codes(form)
