"""Which checks a change can affect, so the editor re-checks exactly those at once.

``dependents(draft, path)`` is the set of concrete field paths whose problems can change when the
value at ``path`` changes: the field itself; a sibling ID number when its ``id_type`` changes;
fields whose requiredness hangs on a condition that reads ``path`` (bank rows ↔ 单位性质 and the
exemption, 其他单位性质 ↔ 单位性质); and everything a cross-field rule reads when one of its
declared path parameters covers ``path`` (gender ↔ ID number, leader ↔ members, duplicate
numbers, partnership years).

What a condition reads is declared in the definition's ``conditions:`` section, what a rule reads in
its path parameters; the loader checks both. Rules that read the whole draft without named paths
(``renderable``) report per field, at the field's own path, which is always included.

``check_paths(draft, paths)`` gives every problem located at those paths — field checks and rules
— so that ``[p for p in before if p.path not in ps] + check_paths(draft, ps)`` equals a full
``validate(draft)`` (a property test in tests/forms/test_dependents.py holds it to that).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from forms.draft import Draft
from forms.fieldtypes import CheckContext
from forms.problems import Problem


def _related(a: str, b: str) -> bool:
    """True when one path is the other or lies inside it (``team.members`` ⊃ ``team.members[2].name``)."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return long_.startswith(short) and long_[len(short)] in ".["


def _leaf_paths(draft: Draft, path: str, *, spare_row: bool = False) -> set[str]:
    """``path`` and, for a record or list, every field path below it (lists: every row, plus one
    row past the end when ``spare_row``, so a removed last row's problems are let go of)."""
    form = draft.form
    if not form.has_path(path):
        return {path}
    fdef = form.field(path)
    out = {path}
    if fdef.type == "record":
        out |= {f"{path}.{sub.key}" for sub in fdef.record.fields}
    elif fdef.type == "list":
        rows = draft.get(path) or []
        for i in range(len(rows) + (1 if spare_row else 0)):
            out |= {f"{path}[{i}].{sub.key}" for sub in fdef.record.fields}
    return out


def _concrete(draft: Draft, declared: str) -> list[str]:
    """A declared path (``team.members.name``) as concrete paths (``team.members[0].name`` …)."""
    steps = declared.split(".")
    for i in range(1, len(steps)):
        head = ".".join(steps[:i])
        if draft.form.has_path(head) and draft.form.field(head).type == "list":
            rest = ".".join(steps[i:])
            return [f"{head}[{n}].{rest}" for n in range(len(draft.get(head) or []))]
    return [declared]


def _required_reads(form, fdef: Any) -> set[str]:
    """The paths a conditional field's requiredness reads (declared in the definition's
    ``conditions:`` section, which the loader checks)."""
    req = fdef.required
    name = req.when or req.unless
    if name is None:
        return set()
    return set(form.conditions.get(name, {}).values())


def _rules():
    from forms.rules import RULES

    return RULES


def dependents(draft: Draft, path: str) -> frozenset[str]:
    """Concrete field paths whose problems can change when ``path`` changes (``path`` included).

    ``path`` may be a field (``people.leader.id_number``), a row (``team.members[2]``) or a list
    (``team.members``, after a row was inserted, removed or moved)."""
    form = draft.form
    out = _leaf_paths(draft, path, spare_row=True)
    if form.has_path(path):
        fdef = form.field(path)
        # A sibling whose check reads this field (id_number reads its id_type).
        if "." in path:
            parent = path.rsplit(".", 1)[0]
            if form.has_path(parent) and form.field(parent).record is not None:
                for sub in form.field(parent).record.fields:
                    if sub.id_type_key == fdef.key:
                        out.add(f"{parent}.{sub.key}")
    # Fields whose requiredness hangs on a condition that reads this path.
    for declared in form.all_paths():
        fdef = form.field(declared)
        reads = _required_reads(form, fdef)
        if any(_related(r, path) for r in reads):
            for concrete in _concrete(draft, declared):
                out |= _leaf_paths(draft, concrete)
    # Cross-field rules that read this path: every place they read.
    rules = _rules()
    for ref in form.rules:
        rule = rules[ref.name]
        if not rule.path_params:
            continue  # reports per field, at the field's own path
        reads = {ref.params[p] for p in rule.path_params}  # declared, and checked by the loader
        if any(_related(r, path) for r in reads):
            for r in reads:
                out |= _leaf_paths(draft, r, spare_row=True)
    return frozenset(out)


def check_paths(draft: Draft, paths: Iterable[str], today: dt.date | None = None) -> list[Problem]:
    """Every problem (field checks and rules) located at one of ``paths``."""
    from forms.validate import validate, validate_field

    wanted = set(paths)
    today = today or dt.date.today()
    form = draft.form
    found: list[Problem] = []
    seen: set[Problem] = set()

    def add(problems: Iterable[Problem]) -> None:
        for p in problems:
            if p.path in wanted and p not in seen:
                seen.add(p)
                found.append(p)

    if len(wanted) > FULL_CHECK_ABOVE:  # a leader's number reaches every member row: one pass is cheaper
        return [p for p in validate(draft, today) if p.path in wanted]
    for path in sorted(wanted):
        if not form.has_path(path):
            continue
        fdef = form.field(path)
        if fdef.type == "record":
            continue  # its fields are listed on their own
        if fdef.type == "list":
            if draft.get(path) is None:
                continue
            add(p for p in validate_field(draft, path, today) if p.path == path)  # min_items
            continue
        try:
            steps_exist = draft.get(path, _MISSING) is not _MISSING
        except (KeyError, IndexError):  # pragma: no cover - get never raises
            steps_exist = False
        if steps_exist:
            add(validate_field(draft, path, today))
    ctx = CheckContext(today)
    for ref in form.rules:
        add(_rules()[ref.name].run(draft, ctx, **ref.params))
    return found


_MISSING = object()
#: Above this many paths, check_paths validates the whole draft once and keeps the problems at
#: those paths (one field check costs about 1/200 of a full validation of the maximal draft).
FULL_CHECK_ABOVE = 40
