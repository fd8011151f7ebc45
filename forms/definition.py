"""The declarative form definition: a strict loader for ``editions/<form-id>/form.yaml``.

After qutebrowser's ``configdata``: the YAML file declares every field once; this module turns it
into typed, frozen objects and fails loudly — with the file and line — on an unknown key, a
duplicate key or path, an unknown field type, rule, condition or format, or a layout cell that
names a field that does not exist. The editor, the validator and the printers all read labels,
hints and static text from the :class:`Form` built here.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from forms.display import FORMATS
from forms.problems import DefinitionError  # also importable from here, as before
from forms.rules import CONDITIONS, RULES

__all__ = ["DefinitionError", "FieldDef", "Form", "RecordDef", "Required", "RuleRef", "add_edition_dir",
           "get_form", "load_form"]

EDITIONS_DIR = Path(__file__).resolve().parent / "editions"
DEFAULT_FORM_ID = "shanghai-ip-consortium-2022"

SCALAR_TYPES = frozenset(
    {"text", "name", "para", "choice", "bool", "date", "id", "uscc", "phone", "email",
     "postcode", "account", "year", "file"}
)
STRUCT_TYPES = frozenset({"record", "list"})
PART_KINDS = frozenset({"cover", "static", "table", "box", "opinion", "attachments"})


# --------------------------------------------------------------------------- strict YAML


@cache
def _strict_loader() -> type:
    """A SafeLoader that refuses duplicate keys (PyYAML silently keeps the last one) and notes
    each mapping's line. PyYAML is imported here: a start that finds the compiled form in the
    cache (:func:`get_form`) never needs it."""
    import yaml

    class _StrictLoader(yaml.SafeLoader):
        pass

    def construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
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

    _StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    return _StrictLoader


def _read_definition(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DefinitionError(f"{path}: cannot read: {exc}") from exc


def _load_yaml(path: Path, raw: bytes) -> dict:
    import yaml

    # As a text-mode read would give it: UTF-8, universal newlines.
    text = raw.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    try:
        data = yaml.load(text, Loader=_strict_loader())  # noqa: S506 - strict SafeLoader subclass
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
    """Requiredness: always, never, or depending on a named condition (forms.rules.CONDITIONS),
    which the loader resolved to ``test``."""

    always: bool = False
    when: str | None = None
    unless: str | None = None
    test: Callable[[Any], bool] | None = field(default=None, compare=False, repr=False)

    def is_required(self, draft: Any) -> bool:
        """Whether the field must be filled in ``draft`` (its condition reads the draft)."""
        if self.always:
            return True
        if self.test is None:
            return False
        return self.test(draft) if self.when is not None else not self.test(draft)


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
    #: For an ID number: the declared default of its ``id_type_key`` field (居民身份证).
    id_type_default: str | None = None
    line: int = 0

    @cached_property  # read for every value of every validation
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
    #: Parameters of the named display formats (``nature: {other: unit.nature_other}``).
    formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: Parameters of the named conditions (``nature_is_other: {nature: unit.nature}``).
    conditions: dict[str, dict[str, Any]] = field(default_factory=dict)

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

    def who(self, path: str) -> str:
        """Whose field and which, for messages: ``项目负责人的身份证号码``,
        ``项目组全部成员第 3 行的姓名``, ``统一社会信用代码``."""
        m = _ROW_RE.fullmatch(path)
        if m is not None:
            row = f"{self.field(m.group(1)).label}第 {int(m.group(2)) + 1} 行"
            return f"{row}的{self.field(path).label}" if m.group(3) else row
        fdef = self.field(path)
        if fdef.path != _strip_indexes(path):  # a record member: its FieldDef.path is its key
            return f"{self.field(path.rsplit('.', 1)[0]).label}的{fdef.label}"
        return fdef.label

    def where(self, path: str) -> str:
        """The place of ``path`` in words, as the printed form names it:
        ``一、申报单位基本信息 › 项目负责人 › 身份证号码``,
        ``四、项目组成员信息 › 项目组全部成员 第 3 行 › 姓名``; "" for an unknown path."""
        places = self.__dict__.get("_places_cache")
        if places is None:
            places = _places(self)
            object.__setattr__(self, "_places_cache", places)
        m = _ROW_RE.fullmatch(path)
        if m is None:
            return " › ".join(places.get(path, ()))
        list_path, index, rest = m.group(1), int(m.group(2)), m.group(3)
        if not self.has_path(list_path):
            return ""
        head = places.get(list_path, ())
        label = self.field(list_path).label
        row = f"{label} 第 {index + 1} 行"
        words = [*(head[:-1] if head and head[-1] == label else head), row]
        if rest:
            words += places.get(f"{list_path}.{rest}", ())[len(head):]
        return " › ".join(words)

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
_ROW_RE = re.compile(r"([a-z_.]+)\[(\d+)\](?:\.([a-z_][a-z0-9_]*))?")
COVER_WORD = "封面"  # the cover has no heading of its own


def _cell_places(form: Form) -> dict[str, list[str]]:
    """Declared path -> [part heading, row label, column label] for every field a part prints,
    the first place it is printed at (the cover only when nowhere else)."""
    found: dict[str, list[str]] = {}
    cover: dict[str, list[str]] = {}

    def put(path: str, words: list[str]) -> None:
        words = [w for i, w in enumerate(words) if w and w not in words[:i]]
        found.setdefault(path, words)

    for part in form.parts:
        kind, heading = part["kind"], part.get("heading", "")
        if kind == "cover":
            for key in ("unit_field", "date_field"):
                if key in part:
                    cover.setdefault(part[key], [COVER_WORD, form.field(part[key]).label])
        elif kind in ("box", "attachments"):
            title = part.get("title", "") if kind == "box" else form.field(part["field"]).label
            put(part["field"], [heading, title])
        elif kind == "opinion":
            put(part["date_field"], [heading, form.field(part["date_field"]).label])
        elif kind == "table":
            _table_places(form, part, put)
    for path, words in cover.items():
        found.setdefault(path, words)
    return found


def _table_places(form: Form, part: dict, put: Callable[[str, list[str]], None]) -> None:
    heading = part["heading"]
    header: dict[int, str] = {}  # column -> label of the last row made of labels only
    spans: dict[int, tuple[int, str]] = {}  # column -> (rows left, label) of a rowspan label
    for row in part["rows"]:
        repeat = isinstance(row, dict)
        cells = row["cells"] if repeat else row
        spans = {c: (n - 1, w) for c, (n, w) in spans.items() if n - 1 > 0}
        span_label = next((w for _, (_, w) in sorted(spans.items())), "")
        col, prev, first_label, labels_only, row_header = 0, None, "", True, {}
        values = sum(1 for c in cells if "field" in c or "key" in c)
        for cell in cells:
            while col in spans:
                col += 1
            if "label" in cell:
                first_label = first_label or cell["label"]
                row_header[col] = cell["label"]
                if int(cell.get("rowspan", 1)) > 1:
                    spans[col] = (int(cell["rowspan"]), cell["label"])
                    span_label = cell["label"]
            elif "field" in cell or "key" in cell:
                labels_only = False
                if repeat:  # a list: its label, then the column heading
                    path = f"{row['repeat']}.{cell['key']}"
                    put(path, [heading, form.field(row["repeat"]).label, header.get(col, "")])
                elif prev is not None and "label" in prev and (
                        prev is not cells[0] or values == 1 or col not in header):
                    # a label beside its value (学历 | …), under a rowspan label (项目负责人)
                    put(cell["field"], [heading, span_label, prev["label"]])
                else:  # a row of values under column headings (单位法人 | 姓名 …)
                    put(cell["field"], [heading, first_label, header.get(col, "")])
            else:
                labels_only = False
            prev = cell
            col += int(cell.get("span", 1))
        if labels_only and not repeat:
            header = row_header


def _all_fields(form: Form) -> list[FieldDef]:
    return [form.field(p) for p in form.all_paths()]


def _places(form: Form) -> dict[str, tuple[str, ...]]:
    """Every declared path -> its place in words (see :meth:`Form.where`)."""
    printed = _cell_places(form)
    places: dict[str, tuple[str, ...]] = {}

    def heading_of(path: str) -> list[str]:
        """The heading of the part that prints the nearest relative of ``path``."""
        steps = path.split(".")
        for n in range(len(steps) - 1, 0, -1):
            prefix = ".".join(steps[:n]) + "."
            for other, words in printed.items():
                if other.startswith(prefix) and words[0] != COVER_WORD:
                    return words[:1]
        return []

    for f in form.fields:
        own = printed.get(f.path) or [*heading_of(f.path), f.label]
        places[f.path] = tuple(own)
        if f.record is None:
            continue
        # The record's own place: where its members are printed, up to the row label.
        member_places = [printed[f"{f.path}.{sub.key}"] for sub in f.record.fields
                         if f"{f.path}.{sub.key}" in printed]
        if f.type == "record":
            base = member_places[0][:-1] if member_places and len(member_places[0]) > 2 else \
                [*heading_of(f.path), f.label]
            places[f.path] = tuple(base)
        for sub in f.record.fields:
            sub_path = f"{f.path}.{sub.key}"
            words = printed.get(sub_path) if f.type == "record" else None
            if words is None:
                words = [*places[f.path], sub.label]
            if f.type == "list":
                # the list's place, then the column (or the member's own label)
                column = printed.get(sub_path, [])[2:] or [sub.label]
                words = [*places[f.path], *column]
            places[sub_path] = tuple(words)
    return places


def _strip_indexes(path: str) -> str:
    return _INDEX_RE.sub("", path)


# --------------------------------------------------------------------------- the loader

_TOP_KEYS = {"form", "title", "issuer", "period", "renamed", "removed", "replaces", "records",
             "choice_lists", "fields", "rules", "formats", "conditions", "parts"}
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
# Default length limits (code points) when a field does not set its own: spec §3 for names (50)
# and one-line text (200); numbers and codes get room for separators and typing slips, no more,
# so that a pasted 100,000-character value is ``too_long`` before any format check reads it.
DEFAULT_MAX_CHARS = {"name": 50, "text": 200, "choice": 200, "id": 40, "uscc": 40, "phone": 40,
                     "email": 254, "postcode": 20, "account": 40, "file": 1000}


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


def _parse_required(source: Path, spec: dict, raw: Any, conditions: Mapping[str, Callable]) -> Required:
    if raw is None or raw is False:
        return Required()
    if raw is True:
        return Required(always=True)
    if isinstance(raw, dict):
        _check_keys(source, raw, {"when", "unless"}, "required")
        when, unless = raw.get("when"), raw.get("unless")
        for name in (when, unless):
            if name is not None and name not in conditions:
                raise DefinitionError(f"{_where(source, spec)}: unknown condition {name!r}")
        if (when is None) == (unless is None):
            raise DefinitionError(f"{_where(source, spec)}: required needs exactly one of when/unless")
        return Required(when=when, unless=unless, test=conditions[when or unless])
    raise DefinitionError(f"{_where(source, spec)}: required must be true, false or a condition")


def _parse_field(source: Path, spec: Any, *, path: str | None, choice_lists: dict,
                 records: dict[str, RecordDef], conditions: Mapping[str, Callable]) -> FieldDef:
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
        required=_parse_required(source, spec, spec.get("required"), conditions),
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


def _check_cell_refs(source: Path, form_paths: set[str], part: dict, formats: Mapping[str, Any],
                     declared_formats: Mapping[str, Any]) -> None:
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
        if "format" in cell:
            fmt = formats.get(cell["format"])
            if fmt is None:
                raise DefinitionError(f"{_where(source, cell)}: unknown format {cell['format']!r}")
            _check_declared(source, {cell["format"]: cell.get("__line__", 0)}, formats, declared_formats,
                            "format")

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


def _parse_params(source: Path, raw: Any, registry: Mapping[str, Any], paths: set[str], what: str) -> dict:
    """A ``formats:`` or ``conditions:`` section: the path parameters of each named entry of
    ``registry`` (checked like a rule's: known name, exactly its parameters, known paths)."""
    out: dict[str, dict[str, Any]] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        raise DefinitionError(f"{source.name}: {what}s must be a mapping")
    for name, params in raw.items():
        if name == "__line__":
            continue
        entry = registry.get(name)
        if entry is None:
            raise DefinitionError(f"{_where(source, raw)}: unknown {what} {name!r}")
        params = _strip_lines(params or {})
        expected = set(getattr(entry, "path_params", ()))
        if not isinstance(params, dict) or set(params) != expected:
            raise DefinitionError(f"{_where(source, raw)}: {what} {name} takes {sorted(expected)}, "
                                  f"got {sorted(params) if isinstance(params, dict) else params!r}")
        for value in params.values():
            if value not in paths:
                raise DefinitionError(f"{_where(source, raw)}: {what} {name}: unknown path {value!r}")
        out[name] = params
    return out


def _check_declared(source: Path, used: dict[str, int], registry: Mapping[str, Any],
                    declared: Mapping[str, Any], what: str) -> None:
    """Every used entry that reads paths has them declared in its section."""
    for name, line in used.items():
        params = getattr(registry[name], "path_params", ())
        if params and name not in declared:
            raise DefinitionError(f"{source.name}:{line}: {what} {name!r} needs its parameters under "
                                  f"'{what}s:' ({', '.join(params)})")


def load_form(source: Path, *, rules: Mapping[str, Any] = RULES,
              conditions: Mapping[str, Callable] = CONDITIONS,
              formats: Mapping[str, Any] = FORMATS) -> Form:
    """Load and check one edition file strictly against the registries of named rules
    (:data:`forms.rules.RULES`), conditions (:data:`forms.rules.CONDITIONS`) and display formats
    (:data:`forms.display.FORMATS`) — the defaults, wired here and nowhere else."""
    source = Path(source)
    return _build_form(source, _read_definition(source), rules=rules, conditions=conditions, formats=formats)


def _build_form(source: Path, content: bytes, *, rules: Mapping[str, Any], conditions: Mapping[str, Callable],
                formats: Mapping[str, Any]) -> Form:
    raw = _load_yaml(source, content)
    _check_keys(source, raw, _TOP_KEYS, "the form")
    for key in ("form", "title", "issuer", "fields", "parts"):
        if key not in raw:
            raise DefinitionError(f"{source.name}: missing top-level key {key!r}")
    choice_lists = _strip_lines(raw.get("choice_lists") or {})
    records: dict[str, RecordDef] = {}
    for rname, rfields in (raw.get("records") or {}).items():
        if rname == "__line__":
            continue
        parsed = tuple(_parse_field(source, f, path=None, choice_lists=choice_lists, records={},
                                    conditions=conditions)
                       for f in rfields)
        keys = [f.key for f in parsed]
        if len(set(keys)) != len(keys):
            raise DefinitionError(f"{source.name}: duplicate key in record {rname}")
        by_key = dict(zip(keys, parsed))
        for f in parsed:
            if f.id_type_key and f.id_type_key not in keys:
                raise DefinitionError(f"{source.name}: record {rname}: unknown id_type_key {f.id_type_key!r}")
        # An ID number's default document type is its id_type field's declared default.
        parsed = tuple(replace(f, id_type_default=by_key[f.id_type_key].default) if f.id_type_key else f
                       for f in parsed)
        records[rname] = RecordDef(rname, parsed)
    fields: list[FieldDef] = []
    seen: dict[str, int] = {}
    for spec in raw["fields"]:
        if not isinstance(spec, dict) or "path" not in spec:
            raise DefinitionError(f"{_where(source, spec)}: a field needs a path")
        f = _parse_field(source, spec, path=spec["path"], choice_lists=choice_lists, records=records,
                         conditions=conditions)
        if f.path in seen:
            raise DefinitionError(f"{_where(source, spec)}: duplicate path {f.path!r} (first at line {seen[f.path]})")
        for other in seen:
            if other.startswith(f.path + ".") or f.path.startswith(other + "."):
                raise DefinitionError(f"{_where(source, spec)}: path {f.path!r} overlaps {other!r}")
        seen[f.path] = f.line
        fields.append(f)
    refs = []
    for spec in raw.get("rules") or []:
        if not isinstance(spec, dict) or spec.get("rule") not in rules:
            raise DefinitionError(f"{_where(source, spec)}: unknown rule {spec.get('rule') if isinstance(spec, dict) else spec!r}")
        params = {k: v for k, v in spec.items() if k not in ("rule", "__line__")}
        refs.append(RuleRef(spec["rule"], params, spec.get("__line__", 0)))
    form = Form(
        id=raw["form"], title=raw["title"], issuer=raw["issuer"], period=str(raw.get("period", "")),
        fields=tuple(fields), records=records, rules=tuple(refs), parts=(),
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
    for ref in form.rules:
        rules[ref.name].check_params(form, ref, source)
    object.__setattr__(form, "formats", _parse_params(source, raw.get("formats"), formats, paths, "format"))
    object.__setattr__(form, "conditions",
                       _parse_params(source, raw.get("conditions"), conditions, paths, "condition"))
    used = {name: f.line for f in _all_fields(form) for name in (f.required.when, f.required.unless) if name}
    _check_declared(source, used, conditions, form.conditions, "condition")
    part_ids = set()
    for part in raw["parts"]:
        if not isinstance(part, dict) or part.get("kind") not in PART_KINDS:
            raise DefinitionError(f"{_where(source, part)}: unknown part kind {part.get('kind') if isinstance(part, dict) else part!r}")
        _check_keys(source, part, _PART_KEYS[part["kind"]] | {"id", "kind"}, f"part {part.get('id')}")
        if part.get("id") in part_ids or not part.get("id"):
            raise DefinitionError(f"{_where(source, part)}: missing or duplicate part id {part.get('id')!r}")
        part_ids.add(part["id"])
        _check_cell_refs(source, paths, part, formats, form.formats)
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
    """The edition with this id (loaded once per process, from the compiled-form cache when the
    file and the loader are those it was compiled from)."""
    files = _edition_files()
    if form_id not in files:
        raise KeyError(form_id)
    form = _compiled_form(files[form_id])
    if form.id != form_id:
        raise DefinitionError(f"{files[form_id]}: declares form {form.id!r} in folder {form_id!r}")
    return form


# --------------------------------------------------------------------------- compiled-form cache
#
# Parsing and checking form.yaml costs more than everything else a ``validate`` does (PyYAML's
# import alone is a third of it), at every start. The Form built from a file is therefore kept,
# pickled, in the per-user cache folder, under a key made of the file's SHA-256, the code of
# the loader and of the registries it checks against, and the Python version: a changed file,
# a changed loader or another Python is a miss, parsed and checked in full as before (so a
# broken file still fails loudly). Nothing is ever written into the program's own folder; any
# failure to read or write the cache falls back to parsing, silently.

#: The modules whose code decides what Form a file gives: the loader and its registries.
_LOADER_MODULES = ("forms.definition", "forms.rules", "forms.display")
_CACHE_MAGIC = b"shenbao-form-cache 1\n"
#: The cache folder; None: the per-user one (``platformdirs.user_cache_path("Shenbao")``).
CACHE_DIR: Path | None = None


def cache_dir() -> Path:
    if CACHE_DIR is not None:
        return CACHE_DIR
    import platformdirs

    return platformdirs.user_cache_path("Shenbao", appauthor=False)


@cache
def _code_version() -> bytes | None:
    """A digest of the loader's code: its source files; in a frozen build (no sources) the
    program file's size and time, which every build changes. None when neither can be read
    (then nothing is cached)."""
    digest = hashlib.sha256(repr((_CACHE_MAGIC, sys.version_info[:3], sys.implementation.name)).encode())
    try:
        for name in _LOADER_MODULES:
            digest.update(Path(sys.modules[name].__file__).read_bytes())
        return digest.digest()
    except (KeyError, TypeError, OSError):
        pass
    if getattr(sys, "frozen", False):
        try:
            st = os.stat(sys.executable)
        except OSError:
            return None
        digest.update(f"frozen {sys.executable} {st.st_size} {st.st_mtime_ns}".encode())
        return digest.digest()
    return None


def _cache_key(text: bytes) -> bytes | None:
    code = _code_version()
    return None if code is None else hashlib.sha256(code + hashlib.sha256(text).digest()).digest()


def _cache_file(key: bytes) -> Path:
    return cache_dir() / f"form-{key.hex()[:32]}.pickle"


def _read_cache(key: bytes, source: Path) -> Form | None:
    """The Form cached under ``key``, or None (no entry, a damaged one, anything unexpected)."""
    try:
        path = _cache_file(key)
        blob = path.read_bytes()
        head = len(_CACHE_MAGIC)
        if blob[:head] != _CACHE_MAGIC or blob[head:head + 32] != key:
            return None
        payload = blob[head + 64:]
        if hashlib.sha256(payload).digest() != blob[head + 32:head + 64]:
            return None
        form = pickle.loads(payload)  # the user's own cache folder, checksummed
        if not isinstance(form, Form):
            return None
        object.__setattr__(form, "source", source)
    except Exception:  # noqa: BLE001 - a cache never stops the program: parse instead
        return None
    try:
        os.utime(path)  # its time is its last use: the pruning keeps what is used
    except OSError:
        pass  # a read-only cache folder: pruning may then take it first, and it is built again
    return form


def _write_cache(key: bytes, form: Form) -> None:
    from forms.fsutil import atomic_write_bytes

    try:
        payload = pickle.dumps(form, protocol=pickle.HIGHEST_PROTOCOL)
        path = _cache_file(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, _CACHE_MAGIC + key + hashlib.sha256(payload).digest() + payload)
    except Exception:  # noqa: BLE001 - read-only profile, full disk…: the next start parses again
        return
    _prune_cache(keep=path)


#: How many compiled forms the cache folder keeps: every edition and the program versions a user
#: switches between; the entries used longest ago (an edition since changed, an old program) are
#: removed when a new one is written, so the folder does not grow with every update.
CACHE_ENTRIES_KEPT = 8


def _prune_cache(keep: Path) -> None:
    """Remove all but the CACHE_ENTRIES_KEPT most recently used compiled forms (a file's time is
    when it was written or last read; ``keep``, the one just written, always stays). Files that
    cannot be read or removed are left alone."""
    try:
        entries = []
        for entry in keep.parent.glob("form-*.pickle"):
            try:
                entries.append((entry.stat().st_mtime_ns, entry))
            except OSError:
                continue
        entries.sort(reverse=True)
        for _, entry in entries[CACHE_ENTRIES_KEPT:]:
            if entry != keep:
                try:
                    entry.unlink()
                except OSError:
                    continue  # in use by another running copy (Windows), or gone already
    except OSError:
        return


def _compiled_form(source: Path) -> Form:
    """The Form of an edition file: from the cache, or parsed and checked, then cached."""
    text = _read_definition(source)
    key = _cache_key(text)
    form = _read_cache(key, source) if key is not None else None
    if form is None:
        form = _build_form(source, text, rules=RULES, conditions=CONDITIONS, formats=FORMATS)
        if key is not None:
            _write_cache(key, form)
    return form
