"""The form definition: strict loading, the shipped edition, and a second edition as data."""

from __future__ import annotations

from pathlib import Path

import pytest

from forms.definition import DefinitionError, add_edition_dir, get_form, load_form
from forms.draft import draft_from_document
from forms.fieldtypes import TYPES
from forms.rules import CONDITIONS, RULES
from forms.sample import sample_document
from forms.validate import validate

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "forms" / "editions" / "shanghai-ip-consortium-2022" / "form.yaml"
TEST_EDITIONS = ROOT / "tests" / "editions"


def _variant(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in the definition"
    path = tmp_path / "form.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_shipped_edition_loads() -> None:
    form = get_form()
    assert form.id == "shanghai-ip-consortium-2022"
    assert [p["id"] for p in form.parts] == [
        "cover", "instructions", "unit_info", "capability", "plan", "team", "opinion", "attachments"]


def test_every_declared_field_is_well_formed() -> None:
    """Loop over every declared field (qutebrowser's configdata test): types, labels, choices."""
    form = get_form()
    for path in form.all_paths():
        fdef = form.field(path)
        assert fdef.label, path
        assert fdef.type in TYPES or fdef.type in ("record", "list"), path
        if fdef.type == "choice":
            assert fdef.choices, path
            assert fdef.default is None or fdef.default in fdef.choices
        if fdef.required.when:
            assert fdef.required.when in CONDITIONS
        if fdef.required.unless:
            assert fdef.required.unless in CONDITIONS
    for ref in form.rules:
        assert ref.name in RULES


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("{path: cover.date, type: date,", "{path: cover.date, type: date, colour: red,", "unknown key"),
        ("{path: cover.date, type: date,", "{path: cover.date, type: datum,", "unknown type"),
        ("{rule: duplicate_ids,", "{rule: no_such_rule,", "unknown rule"),
        ("required: {unless: bank_not_needed}", "required: {unless: bank_is_blue}", "unknown condition"),
        ("{label: 申报单位}, {field: unit.name, span: 4}", "{label: 申报单位}, {field: unit.nmae, span: 4}", "unknown field"),
        ("{field: unit.address, format: address_postcode", "{field: unit.address, format: fancy", "unknown format"),
        ("{label: 申报单位}, {field: unit.name, span: 4}", "{label: 申报单位}, {field: unit.name, span: 3}", "spans 4 columns"),
        ("  - {path: unit.postcode,", "  - {path: unit.address, type: text, label: 重复}\n  - {path: unit.postcode,", "duplicate path"),
        ("issuer: 上海市知识产权局\n", "issuer: 上海市知识产权局\nissuer: 别处\n", "duplicate key"),
        ("choices: [男, 女]", "choices: [男, 男]", "duplicate choices"),
        ("{rule: duplicate_ids, members: team.members}", "{rule: duplicate_ids, members: team.people}", "unknown path"),
        ("{rule: duplicate_ids, members: team.members}", "{rule: duplicate_ids, members: team.members, extra: 1}", "takes"),
    ],
)
def test_strict_loader_fails_loudly_with_location(tmp_path: Path, old: str, new: str, message: str) -> None:
    path = _variant(tmp_path, old, new)
    with pytest.raises(DefinitionError) as info:
        load_form(path)
    assert message in str(info.value)
    assert "form.yaml" in str(info.value)


def test_loader_names_the_line(tmp_path: Path) -> None:
    path = _variant(tmp_path, "{path: cover.date, type: date,", "{path: cover.date, type: date, colour: red,")
    line = next(i for i, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "colour" in text)
    with pytest.raises(DefinitionError, match=f"form.yaml:{line}:"):
        load_form(path)


def test_second_edition_is_data_with_declared_renames() -> None:
    add_edition_dir(TEST_EDITIONS)
    new = get_form("test-consortium-2024")
    assert new.renamed == {"unit.business_scope": "unit.main_business"}
    doc = sample_document()
    draft = draft_from_document(doc, target_form=new, load_files=False)
    assert draft.form is new
    assert draft.get("unit.main_business") == doc["data"]["unit"]["business_scope"]
    assert draft.get("unit.name") == doc["data"]["unit"]["name"]
    assert validate(draft) == []
    # The shipped edition still reads the same document as it was.
    assert draft_from_document(doc, load_files=False).get("unit.business_scope") == doc["data"]["unit"]["business_scope"]


def test_second_edition_rules_run_on_its_own_paths() -> None:
    add_edition_dir(TEST_EDITIONS)
    new = get_form("test-consortium-2024")
    doc = {"format": "shenbao-draft", "version": 1, "form": new.id,
           "data": {"unit": {"type": "科技型园区", "name": "张江园区"}}}
    codes = {(p.path, p.code) for p in validate(draft_from_document(doc))}
    assert ("unit.name", "park_company_missing") in codes
    assert ("unit.main_business", "required") in codes


def test_renamed_target_must_exist(tmp_path: Path) -> None:
    path = _variant(tmp_path, "renamed: {}", "renamed: {unit.scope: unit.nowhere}")
    with pytest.raises(DefinitionError, match="unknown path"):
        load_form(path)
