"""The core's shape (issue 8, item 5): no import cycles, not even dodged by imports inside
functions; the loader takes its registries of rules, conditions and formats; requiredness answers
for itself; the default ID type and the paths formats and rules read are declared once, in the
definition, so changing them there changes the behaviour.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from forms.definition import FieldDef, Required, get_form, load_form
from forms.display import FORMATS, cell_text
from forms.draft import Draft
from forms.problems import DefinitionError
from forms.rules import CONDITIONS, RULES, Condition
from forms.validate import validate
from tests.forms.idgen import make_id
from tests.forms.test_definition import _variant
from tests.forms.test_validate import TODAY, build

ROOT = Path(__file__).resolve().parents[2]


def _runtime_nodes(tree: ast.AST):
    """Every node of ``tree`` except what sits under ``if TYPE_CHECKING:`` (never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(path: Path) -> set[str]:
    """Every ``forms.*`` module ``path`` imports when run, at module level or inside a function."""
    found = set()
    for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "forms":
                found |= {a.name for a in node.names}
            elif node.module.startswith("forms."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("forms.")}
    return found


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt):] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt)
                if found:
                    return found
        state[node] = 2
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_forms_has_no_import_cycle_even_through_function_level_imports() -> None:
    graph = {p.stem: _imports(p) - {p.stem} for p in (ROOT / "forms").glob("*.py")}
    assert _cycle(graph) is None, " → ".join(_cycle(graph) or [])


def test_the_cycle_finder_finds_one() -> None:
    assert _cycle({"definition": {"rules"}, "rules": {"validate"}, "validate": {"definition"}}) == [
        "definition", "rules", "validate", "definition"]


# ------------------------------------------------------------------------------ registries

SHIPPED = ROOT / "forms" / "editions" / "shanghai-ip-consortium-2022" / "form.yaml"


def test_loader_uses_the_registries_it_is_given() -> None:
    with pytest.raises(DefinitionError, match="unknown rule"):
        load_form(SHIPPED, rules={k: v for k, v in RULES.items() if k != "duplicate_ids"})
    with pytest.raises(DefinitionError, match="unknown condition"):
        load_form(SHIPPED, conditions={k: v for k, v in CONDITIONS.items() if k != "nature_is_other"})
    with pytest.raises(DefinitionError, match="unknown format"):
        load_form(SHIPPED, formats={k: v for k, v in FORMATS.items() if k != "partners"})


def test_a_condition_given_to_the_loader_decides_requiredness() -> None:
    always = dict(CONDITIONS, nature_is_other=Condition("nature_is_other", lambda draft, nature: True, ("nature",)))
    form = load_form(SHIPPED, conditions=always)
    draft = Draft(form, build().data)
    assert ("unit.nature_other", "required") in {(p.path, p.code) for p in validate(draft, TODAY)}


def test_required_answers_for_itself() -> None:
    draft = build()
    assert Required(always=True).is_required(draft)
    assert not Required().is_required(draft)
    assert Required(when="c", test=lambda d: True).is_required(draft)
    assert not Required(unless="c", test=lambda d: True).is_required(draft)
    nature_other: FieldDef = get_form().field("unit.nature_other")
    assert not nature_other.required.is_required(draft)
    draft.set("unit.nature", "其他")
    assert nature_other.required.is_required(draft)


# ------------------------------------------------------------------------------ declared once


def _code_strings(path: Path) -> list[str]:
    """The string literals of a module's code (docstrings and comments left out)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef)) and n.body
                  and isinstance(n.body[0], ast.Expr) and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings]


def test_default_id_type_is_written_in_the_definition_only() -> None:
    literal = "居民身份证"
    holders = sorted(p.name for p in (ROOT / "forms").glob("*.py")
                     if any(literal in s.replace(f"第二代{literal}", "") for s in _code_strings(p)))
    # idnumbers names the document types (RESIDENT_ID …); sample.py is the sample's data.
    assert holders == ["idnumbers.py", "sample.py"], holders


def _passport_default(tmp_path: Path) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    text = text.replace("choices: id_types, default: 居民身份证", "choices: id_types, default: 护照或其他")
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_declared_default_id_type_is_the_one_checked_and_printed(tmp_path: Path) -> None:
    form = load_form(_passport_default(tmp_path))
    draft = Draft(form)
    assert draft.get("team.leader") is not None
    draft.set("people.leader.id_number", "E12345678")  # a passport number, the default type here
    assert draft.id_type("people.leader.id_number") == "护照或其他"
    assert not [p for p in validate(draft, TODAY) if p.path == "people.leader.id_number"]
    cell = {"field": "people.leader.id_number", "format": "id_number"}
    assert cell_text(draft, cell) == "E12345678"  # the default type is not spelled out
    draft.set("people.leader.id_type", "居民身份证")
    number = make_id(region="310104", seq=3, sex="男")
    draft.set("people.leader.id_number", number)
    assert cell_text(draft, cell) == f"{number}（居民身份证）"


def test_condition_paths_come_from_the_definition(tmp_path: Path) -> None:
    """Point bank_not_needed at another yes/no field: requiredness follows the definition."""
    path = _variant(tmp_path, "{nature: unit.nature, exempt: unit.bank_exempt}",
                    "{nature: unit.type, exempt: unit.bank_exempt}")
    draft = Draft(load_form(path), build([("unit.bank_name", ""), ("unit.nature", "公益一类事业单位")]).data)
    assert ("unit.bank_name", "required") in {(p.path, p.code) for p in validate(draft, TODAY)}
    shipped = build([("unit.bank_name", ""), ("unit.nature", "公益一类事业单位")])
    assert ("unit.bank_name", "required") not in {(p.path, p.code) for p in validate(shipped, TODAY)}


def test_format_paths_come_from_the_definition(tmp_path: Path) -> None:
    path = _variant(tmp_path, "address_postcode: {postcode: unit.postcode}",
                    "address_postcode: {postcode: unit.bank_name}")
    draft = Draft(load_form(path), build().data)
    cell = {"field": "unit.address", "format": "address_postcode"}
    assert cell_text(draft, cell) == f"{draft.get('unit.address')}（{draft.get('unit.bank_name')}）"


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  address_postcode: {postcode: unit.postcode}\n", "", "needs its parameters"),
    ("{postcode: unit.postcode}", "{postcode: unit.nowhere}", "unknown path"),
    ("{postcode: unit.postcode}", "{zip: unit.postcode}", "takes"),
    ("  nature: {other: unit.nature_other}\n", "  nature: {other: unit.nature_other}\n  fancy: {}\n",
     "unknown format"),
    ("{rule: duplicate_ids, members: team.members}", "{rule: duplicate_ids, members: unit.partners}",
     "exactly one field of type 'id'"),
    ("  nature_is_other: {nature: unit.nature}\n", "", "needs its parameters"),
    ("{nature: unit.nature, exempt: unit.bank_exempt}", "{nature: unit.nature}", "takes"),
    ("  nature_is_other: {nature: unit.nature}\n", "  nature_is_other: {nature: unit.nature}\n  is_blue: {}\n",
     "unknown condition"),
])
def test_declared_parameters_are_checked(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(DefinitionError, match=message):
        load_form(_variant(tmp_path, old, new))


def test_rules_read_the_id_field_the_definition_names(tmp_path: Path) -> None:
    """Rename the members' ID key in the definition: duplicate_ids still finds the numbers."""
    text = SHIPPED.read_text(encoding="utf-8")
    member = text[text.index("  member:"):text.index("  attachment:")]
    text = text.replace(member, member.replace("key: id_number", "key: doc_number"))
    text = text.replace("{key: id_number, format: id_number}", "{key: doc_number, format: id_number}")
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    form = load_form(path)
    draft = Draft(form)
    number = make_id(region="310104", seq=9, sex="男")
    for i in range(2):
        row = draft.new_item("team.members")
        row["doc_number"] = number
        draft.data["team"]["members"].append(row)
    assert ("team.members[1].doc_number", "duplicate_id") in {(p.path, p.code) for p in validate(draft, TODAY)}
