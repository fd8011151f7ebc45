"""Field-level differences between two states of a draft, for the editor's compare views.

``diff_drafts(a, b)`` walks the form definition in form order and returns one :class:`Change`
per difference, with the spec's paths:

* a scalar field: ``Change("unit.name", old, new)`` — values as the draft model holds them
  (``str``, ``datetime.date``, ``int``, ``bool`` or ``None``);
* a record's field: ``Change("people.leader.phone", old, new)``;
* a list of records is aligned row by row (``difflib.SequenceMatcher`` on whole rows), so that
  inserting one member at the top is one added row, not sixty changed ones:

  - a row present in both but changed: one change per field, path indexed by the row's
    position in ``b`` (``team.members[2].name``), ``kind="changed"``;
  - a row only in ``b``: ``Change("team.members[5]", None, row_dict, kind="added")``, indexed in
    ``b``;
  - a row only in ``a``: ``Change("team.members[5]", row_dict, None, kind="removed")``,
    indexed in ``a``;

* an attachment whose file name is unchanged but whose bytes differ:
  ``Change("attachments[0].file", name, name, kind="file")``;
* different form editions: ``Change("form", a.form.id, b.form.id)`` first.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from forms.definition import FieldDef
from forms.draft import Draft


@dataclass(frozen=True)
class Change:
    path: str
    old: Any
    new: Any
    #: "changed", "added" (whole list row), "removed" (whole list row) or "file" (same
    #: attachment name, different bytes).
    kind: str = "changed"


def _file_sha(draft: Draft, name: str) -> str | None:
    blob = draft.files.get(name) if name else None
    return hashlib.sha256(blob).hexdigest() if blob is not None else None


def _row_key(draft: Draft, fdef: FieldDef, row: dict) -> tuple:
    """A hashable identity of a row, attachment bytes included."""
    key = []
    for sub in fdef.record.fields:
        value = row.get(sub.key)
        if sub.type == "file":
            value = (value, _file_sha(draft, value))
        key.append(repr(value))
    return tuple(key)


def _record_changes(a: Draft, b: Draft, fdef: FieldDef, path: str, old: dict, new: dict) -> list[Change]:
    out: list[Change] = []
    for sub in fdef.record.fields:
        x, y = old.get(sub.key), new.get(sub.key)
        where = f"{path}.{sub.key}"
        if x != y:
            out.append(Change(where, x, y))
        elif sub.type == "file" and x and _file_sha(a, x) != _file_sha(b, y):
            out.append(Change(where, x, y, kind="file"))
    return out


def _list_changes(a: Draft, b: Draft, fdef: FieldDef, old: list, new: list) -> list[Change]:
    path = fdef.path
    keys_a = [_row_key(a, fdef, r) for r in old]
    keys_b = [_row_key(b, fdef, r) for r in new]
    out: list[Change] = []
    matcher = SequenceMatcher(None, keys_a, keys_b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        paired = min(i2 - i1, j2 - j1) if op == "replace" else 0
        for k in range(paired):
            out += _record_changes(a, b, fdef, f"{path}[{j1 + k}]", old[i1 + k], new[j1 + k])
        for i in range(i1 + paired, i2):
            out.append(Change(f"{path}[{i}]", old[i], None, kind="removed"))
        for j in range(j1 + paired, j2):
            out.append(Change(f"{path}[{j}]", None, new[j], kind="added"))
    return out


def diff_drafts(a: Draft, b: Draft) -> list[Change]:
    """What changed from ``a`` to ``b``, in form order (see the module docstring)."""
    out: list[Change] = []
    if a.form.id != b.form.id:
        out.append(Change("form", a.form.id, b.form.id))
    for fdef in b.form.fields:
        old, new = a.get(fdef.path), b.get(fdef.path)
        if fdef.type == "list":
            out += _list_changes(a, b, fdef, old or [], new or [])
        elif fdef.type == "record":
            out += _record_changes(a, b, fdef, fdef.path, old or {}, new or {})
        elif old != new:
            out.append(Change(fdef.path, old, new))
    return out
