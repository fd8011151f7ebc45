"""The declarative form definition: a strict loader for ``editions/<form-id>/form.yaml``.

After qutebrowser's ``configdata``: the YAML file declares every field once; this module turns it
into typed, frozen objects and fails loudly — with the file and line — on an unknown key, a
duplicate key or path, an unknown field type, rule, condition or format, or a layout cell that
names a field that does not exist. The editor, the validator and the printers all read labels,
hints and static text from the :class:`Form` built here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from forms.problems import DefinitionError  # noqa: F401 - also importable from here

EDITIONS_DIR = Path(__file__).resolve().parent / "editions"
DEFAULT_FORM_ID = "shanghai-ip-consortium-2022"

SCALAR_TYPES = frozenset(
    {"text", "name", "para", "choice", "bool", "date", "id", "uscc", "phone", "email",
     "postcode", "account", "year", "file"}
)
STRUCT_TYPES = frozenset({"record", "list"})
PART_KINDS = frozenset({"cover", "static", "table", "box", "opinion", "attachments"})


# --------------------------------------------------------------------------- strict YAML


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one)."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in result:
            raise DefinitionError(
                f"line {key_node.start_mark.line + 1}: duplicate key {key!r}"
            )
        result[key] = loader.construct_object(value_node, deep=deep)
    result["__line__"] = node.start_mark.line + 1
    return result


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _load_yaml(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - strict SafeLoader subclass
    except DefinitionError as exc:
        raise DefinitionError(f"{path}: {exc}") from None
    except yaml.YAMLError as exc:
        raise DefinitionError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DefinitionError(f"{path}: the top level must be a mapping")
    return data


# --------------------------------------------------------------------------- the model


@dataclass(frozen=True)
class Required:
    """Requiredness: always, never, or depending on a named condition (forms.rules.CONDITIONS)."""

    always: bool = False
    when: str | None = None
    unless: str | None = None


@dataclass(frozen=True)
class FieldDef:
    """One field: a scalar, a record of fields, or a list of records."""

    path: str  # for record members: the key; for top-level fields: the dotted path
    type: str
    label: str
    hint: str = ""
    required: Required = Required()
    printed: bool = True
    choices: tuple[str, ...] = ()
    default: Any = None
    max_zi: int | None = None
    max_chars: int | None = None
    record: "RecordDef | None" = None
    min_items: int = 0
    id_type_key: str | None = None
    line: int = 0

    @property
    def key(self) -> str:
        return self.path.rsplit(".", 1)[-1]


@dataclass(frozen=True)
class RecordDef:
    name: str
    fields: tuple[FieldDef, ...]

    def field(self, key: str) -> FieldDef:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)


@dataclass(frozen=True)
class RuleRef:
    name: str
    params: dict[str, Any]
    line: int = 0


@dataclass(frozen=True)
class Form:
    id: str
    title: str
    issuer: str
    period: str
    fields: tuple[FieldDef, ...]
    records: dict[str, RecordDef]
    rules: tuple[RuleRef, ...]
    parts: tuple[dict[str, Any], ...]
    renamed: dict[str, str] = field(default_factory=dict)
    removed: tuple[str, ...] = ()
    replaces: tuple[str, ...] = ()
    source: Path | None = None

    # -- lookup -------------------------------------------------------------------------

    def field(self, path: str) -> FieldDef:
        """The definition at a path; list indexes are ignored (``team.members[2].name``)."""
        found = self._index().get(_strip_indexes(path))
        if found is None:
            raise KeyError(path)
        return found

    def has_path(self, path: str) -> bool:
        return _strip_indexes(path) in self._index()

    def all_paths(self) -> list[str]:
        """Every declared path, records expanded (``people.leader.name``, ``team.members.name``)."""
        return list(self._index())

    def part(self, part_id: str) -> dict[str, Any]:
        for p in self.parts:
            if p["id"] == part_id:
                return p
        raise KeyError(part_id)

    def _index(self) -> dict[str, FieldDef]:
        cached = self.__dict__.get("_index_cache")
        if cached is None:
            cached = {}
            for f in self.fields:
                cached[f.path] = f
                if f.record is not None:
                    for sub in f.record.fields:
                        cached[f"{f.path}.{sub.key}"] = sub
            object.__setattr__(self, "_index_cache", cached)
        return cached


_INDEX_RE = re.compile(r"\[\d+\]")


def _strip_indexes(path: str) -> str:
    return _INDEX_RE.sub("", path)


# --------------------------------------------------------------------------- the loader

_TOP_KEYS = {"form", "title", "issuer", "period", "renamed", "removed", "replaces", "records",
             "choice_lists", "fields", "rules", "parts"}
_FIELD_KEYS = {"path", "key", "type", "label", "hint", "required", "printed", "choices",
               "default", "max_zi", "max_chars", "record", "min_items", "id_type_key"}
_CELL_KEYS = {"label", "text", "field", "key", "index", "blank", "span", "rowspan", "format",
              "min_height_mm"}
_PART_KEYS = {
    "cover": {"number_label", "title", "unit_label", "unit_field", "seal", "date_label",
              "date_field", "compiled_by"},
    "static": {"heading", "paragraphs"},
    "table": {"heading", "columns", "rows"},
    "box": {"heading", "title", "field"},
    "opinion": {"heading", "label", "text", "seal_label", "date_field", "date_blank",
                "seal_area_mm"},
    "attachments": {"heading", "field", "columns", "empty_text"},
}
# Default limits of spec §3 when a field does not set its own.
DEFAULT_MAX_CHARS = {"name": 50, "text": 200}


def _where(source: Path, obj: Any) -> str:
    line = obj.get("__line__") if isinstance(obj, dict) else None
    return f"{source.name}:{line}" if line else source.name


def _check_keys(source: Path, obj: dict, allowed: set[str], what: str) -> None:
    unknown = sorted(k for k in obj if k != "__line__" and k not in allowed)
    if unknown:
        raise DefinitionError(f"{_where(source, obj)}: unknown key(s) {unknown} in {what}")


def _strip_lines(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _strip_lines(v) for k, v in obj.items() if k != "__line__"}
    if isinstance(obj, list):
        return [_strip_lines(v) for v in obj]
    return obj


def _parse_required(source: Path, spec: dict, raw: Any) -> Required:
    from forms.rules import CONDITIONS  # late import: rules import this module for types

    if raw is None or raw is False:
        return Required()
    if raw is True:
        return Required(always=True)
    if isinstance(raw, dict):
        _check_keys(source, raw, {"when", "unless"}, "required")
        when, unless = raw.get("when"), raw.get("unless")
        for name in (when, unless):
            if name is not None and name not in CONDITIONS:
                raise DefinitionError(f"{_where(source, spec)}: unknown condition {name!r}")
        if (when is None) == (unless is None):
            raise DefinitionError(f"{_where(source, spec)}: required needs exactly one of when/unless")
        return Required(when=when, unless=unless)
    raise DefinitionError(f"{_where(source, spec)}: required must be true, false or a condition")


def _parse_field(source: Path, spec: Any, *, path: str | None, choice_lists: dict,
                 records: dict[str, RecordDef]) -> FieldDef:
    if not isinstance(spec, dict):
        raise DefinitionError(f"{source.name}: a field must be a mapping, got {spec!r}")
    _check_keys(source, spec, _FIELD_KEYS, "field")
    name = path if path is not None else spec.get("key")
    if path is None and "path" in spec:
        raise DefinitionError(f"{_where(source, spec)}: record fields take 'key', not 'path'")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)*", name):
        raise DefinitionError(f"{_where(source, spec)}: bad field path or key {name!r}")
    ftype = spec.get("type")
    if ftype not in SCALAR_TYPES | STRUCT_TYPES:
        raise DefinitionError(f"{_where(source, spec)}: unknown type {ftype!r} for {name}")
    label = spec.get("label")
    if not isinstance(label, str) or not label:
        raise DefinitionError(f"{_where(source, spec)}: {name} needs a label")
    choices: tuple[str, ...] = ()
    if ftype == "choice":
        raw = spec.get("choices")
        if isinstance(raw, str):
            if raw not in choice_lists:
                raise DefinitionError(f"{_where(source, spec)}: unknown choice list {raw!r}")
            raw = choice_lists[raw]
        if not isinstance(raw, list) or not raw or not all(isinstance(c, str) for c in raw):
            raise DefinitionError(f"{_where(source, spec)}: {name} needs a list of choices")
        if len(set(raw)) != len(raw):
            raise DefinitionError(f"{_where(source, spec)}: duplicate choices in {name}")
        choices = tuple(raw)
    elif "choices" in spec:
        raise DefinitionError(f"{_where(source, spec)}: choices given for non-choice field {name}")
    record = None
    if ftype in STRUCT_TYPES:
        rname = spec.get("record")
        if rname not in records:
            raise DefinitionError(f"{_where(source, spec)}: unknown record {rname!r} for {name}")
        record = records[rname]
    elif "record" in spec:
        raise DefinitionError(f"{_where(source, spec)}: record given for scalar field {name}")
    default = spec.get("default")
    if default is not None and choices and default not in choices:
        raise DefinitionError(f"{_where(source, spec)}: default {default!r} is not a choice")
    return FieldDef(
        path=name,
        type=ftype,
        label=label,
        hint=spec.get("hint", ""),
        required=_parse_required(source, spec, spec.get("required")),
        printed=bool(spec.get("printed", True)),
        choices=choices,
        default=default,
        max_zi=spec.get("max_zi"),
        max_chars=spec.get("max_chars", DEFAULT_MAX_CHARS.get(ftype)),
        record=record,
        min_items=int(spec.get("min_items", 0)),
        id_type_key=spec.get("id_type_key"),
        line=spec.get("__line__", 0),
    )


def _check_cell_refs(source: Path, form_paths: set[str], part: dict) -> None:
    from forms.display import FORMATS

    def check_cell(cell: Any, prefix: str | None) -> None:
        if not isinstance(cell, dict):
            raise DefinitionError(f"{_where(source, part)}: a cell must be a mapping, got {cell!r}")
        _check_keys(source, cell, _CELL_KEYS, "cell")
        kinds = [k for k in ("label", "text", "field", "key", "index", "blank") if k in cell]
        if len(kinds) != 1:
            raise DefinitionError(f"{_where(source, cell)}: a cell needs exactly one of label/text/field/key/index/blank")
        if "field" in cell and cell["field"] not in form_paths:
            raise DefinitionError(f"{_where(source, cell)}: unknown field {cell['field']!r}")
        if "key" in cell:
            if prefix is None or f"{prefix}.{cell['key']}" not in form_paths:
                raise DefinitionError(f"{_where(source, cell)}: unknown key {cell['key']!r}")
        if "format" in cell and cell["format"] not in FORMATS:
            raise DefinitionError(f"{_where(source, cell)}: unknown format {cell['format']!r}")

    kind = part["kind"]
    for key in ("field", "unit_field", "date_field"):
        if key in part and part[key] not in form_paths:
            raise DefinitionError(f"{_where(source, part)}: unknown field {part[key]!r}")
    if kind != "table":
        return
    columns = part.get("columns")
    if not isinstance(columns, list) or not all(isinstance(c, (int, float)) for c in columns):
        raise DefinitionError(f"{_where(source, part)}: a table needs numeric column widths")
    ncols = len(columns)
    covered: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for row in part.get("rows", []):
        if isinstance(row, dict):
            _check_keys(source, row, {"repeat", "cells", "header_rows"}, "repeat row")
            if row.get("repeat") not in form_paths:
                raise DefinitionError(f"{_where(source, row)}: unknown list {row.get('repeat')!r}")
            cells, prefix = row.get("cells", []), row["repeat"]
        else:
            cells, prefix = row, None
        width = sum(int(c.get("span", 1)) for c in cells if isinstance(c, dict))
        width += sum(1 for v in covered.values() if v > 0)
        for cell in cells:
            check_cell(cell, prefix)
        if width != ncols:
            raise DefinitionError(
                f"{_where(source, part)}: a row of table {part['id']} spans {width} columns, not {ncols}"
            )
        covered = {c: v - 1 for c, v in covered.items() if v - 1 > 0}
        col = 0
        for cell in cells:
            while covered.get(col, 0) > 0:
                col += 1
            rs = int(cell.get("rowspan", 1))
            if rs > 1:
                covered[col] = rs - 1
            col += int(cell.get("span", 1))


def load_form(source: Path) -> Form:
    """Load and check one edition file strictly."""
    from forms.rules import RULES

    source = Path(source)
    raw = _load_yaml(source)
    _check_keys(source, raw, _TOP_KEYS, "the form")
    for key in ("form", "title", "issuer", "fields", "parts"):
        if key not in raw:
            raise DefinitionError(f"{source.name}: missing top-level key {key!r}")
    choice_lists = _strip_lines(raw.get("choice_lists") or {})
    records: dict[str, RecordDef] = {}
    for rname, rfields in (raw.get("records") or {}).items():
        if rname == "__line__":
            continue
        parsed = tuple(_parse_field(source, f, path=None, choice_lists=choice_lists, records={})
                       for f in rfields)
        keys = [f.key for f in parsed]
        if len(set(keys)) != len(keys):
            raise DefinitionError(f"{source.name}: duplicate key in record {rname}")
        for f in parsed:
            if f.id_type_key and f.id_type_key not in keys:
                raise DefinitionError(f"{source.name}: record {rname}: unknown id_type_key {f.id_type_key!r}")
        records[rname] = RecordDef(rname, parsed)
    fields: list[FieldDef] = []
    seen: dict[str, int] = {}
    for spec in raw["fields"]:
        if not isinstance(spec, dict) or "path" not in spec:
            raise DefinitionError(f"{_where(source, spec)}: a field needs a path")
        f = _parse_field(source, spec, path=spec["path"], choice_lists=choice_lists, records=records)
        if f.path in seen:
            raise DefinitionError(f"{_where(source, spec)}: duplicate path {f.path!r} (first at line {seen[f.path]})")
        for other in seen:
            if other.startswith(f.path + ".") or f.path.startswith(other + "."):
                raise DefinitionError(f"{_where(source, spec)}: path {f.path!r} overlaps {other!r}")
        seen[f.path] = f.line
        fields.append(f)
    rules = []
    for spec in raw.get("rules") or []:
        if not isinstance(spec, dict) or spec.get("rule") not in RULES:
            raise DefinitionError(f"{_where(source, spec)}: unknown rule {spec.get('rule') if isinstance(spec, dict) else spec!r}")
        params = {k: v for k, v in spec.items() if k not in ("rule", "__line__")}
        rules.append(RuleRef(spec["rule"], params, spec.get("__line__", 0)))
    form = Form(
        id=raw["form"], title=raw["title"], issuer=raw["issuer"], period=str(raw.get("period", "")),
        fields=tuple(fields), records=records, rules=tuple(rules), parts=(),
        renamed=dict(_strip_lines(raw.get("renamed") or {})),
        removed=tuple(raw.get("removed") or ()), replaces=tuple(raw.get("replaces") or ()),
        source=source,
    )
    paths = set(form.all_paths())
    for old, new in form.renamed.items():
        if new not in paths:
            raise DefinitionError(f"{source.name}: renamed {old!r} -> unknown path {new!r}")
        if old in paths:
            raise DefinitionError(f"{source.name}: renamed path {old!r} still declared")
    for rule in rules:
        RULES[rule.name].check_params(form, rule, source)
    part_ids = set()
    for part in raw["parts"]:
        if not isinstance(part, dict) or part.get("kind") not in PART_KINDS:
            raise DefinitionError(f"{_where(source, part)}: unknown part kind {part.get('kind') if isinstance(part, dict) else part!r}")
        _check_keys(source, part, _PART_KEYS[part["kind"]] | {"id", "kind"}, f"part {part.get('id')}")
        if part.get("id") in part_ids or not part.get("id"):
            raise DefinitionError(f"{_where(source, part)}: missing or duplicate part id {part.get('id')!r}")
        part_ids.add(part["id"])
        _check_cell_refs(source, paths, part)
    object.__setattr__(form, "parts", tuple(_strip_lines(p) for p in raw["parts"]))
    return form


#: Folders holding ``<form-id>/form.yaml`` editions; tests add their own.
EDITION_DIRS: list[Path] = [EDITIONS_DIR]


def add_edition_dir(path: Path) -> None:
    """Make the editions in ``path`` available to :func:`get_form` (tests, future add-ons)."""
    if Path(path) not in EDITION_DIRS:
        EDITION_DIRS.append(Path(path))
        get_form.cache_clear()


def _edition_files() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for folder in EDITION_DIRS:
        if folder.is_dir():
            for sub in sorted(folder.iterdir()):
                if (sub / "form.yaml").is_file():
                    found.setdefault(sub.name, sub / "form.yaml")
    return found


@cache
def get_form(form_id: str = DEFAULT_FORM_ID) -> Form:
    """The edition with this id (loaded once per process)."""
    files = _edition_files()
    if form_id not in files:
        raise KeyError(form_id)
    form = load_form(files[form_id])
    if form.id != form_id:
        raise DefinitionError(f"{files[form_id]}: declares form {form.id!r} in folder {form_id!r}")
    return form
