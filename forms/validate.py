"""Validation: every field's own checks, then the named cross-field rules.

``validate(draft)`` is what ``validate --json`` prints and what the editor shows while the user
types; ``validate_field(draft, path)`` re-checks one value alone (cheap, for a keystroke).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms.definition import FieldDef
from forms.draft import Draft
from forms.fieldtypes import TYPES, CheckContext
from forms.fsutil import BytesMemo
from forms.problems import Problem
from forms.rules import CONDITIONS, RULES


def is_required(fdef: FieldDef, draft: Draft) -> bool:
    req = fdef.required
    if req.always:
        return True
    if req.when is not None:
        return CONDITIONS[req.when](draft)
    if req.unless is not None:
        return not CONDITIONS[req.unless](draft)
    return False


def _label(fdef: FieldDef, parent: FieldDef | None, index: int | None) -> str:
    if parent is None:
        return fdef.label
    if index is None:
        return f"{parent.label}的{fdef.label}"
    return f"{parent.label}第 {index + 1} 行的{fdef.label}"


def _check_value(draft: Draft, path: str, fdef: FieldDef, value: Any, ctx: CheckContext,
                 parent: FieldDef | None = None, index: int | None = None) -> list[Problem]:
    ftype = TYPES[fdef.type]
    if ftype.is_empty(value):
        if is_required(fdef, draft):
            label = _label(fdef, parent, index)
            return [Problem(path, "required", f"请填写“{label}”。")]
        return []
    if fdef.type == "file":
        return _check_file(draft, path, value)
    return [Problem.at(path, f) for f in ftype.check(value, fdef, ctx)]


# Inspecting an attachment parses it (a large PDF takes a while): once per bytes object.
def _inspect(blob: bytes, name: str) -> Any:
    from forms.attachments import inspect_attachment  # pypdf and Pillow only when needed

    return inspect_attachment(blob, name)


_INSPECTED = BytesMemo(_inspect, 64)


def inspect_file(draft: Draft, name: str) -> Any:
    """The attachment's :class:`AttachmentInfo`, a Finding, or None when its bytes are missing."""
    blob = draft.files.get(name)
    return None if blob is None else _INSPECTED(blob, name)


def _check_file(draft: Draft, path: str, name: str) -> list[Problem]:
    from forms.problems import Finding

    result = inspect_file(draft, name)
    if result is None:
        return [Problem(path, "attachment_invalid", f"找不到附件文件“{name}”（附件应与草稿放在同一文件夹或其子文件夹中），请重新选择文件。")]
    if isinstance(result, Finding):
        return [Problem.at(path, result)]
    return []


def _walk(draft: Draft, fdef: FieldDef, path: str, value: Any, ctx: CheckContext) -> list[Problem]:
    problems: list[Problem] = []
    if fdef.type == "record":
        problems += _walk_record(draft, fdef, path, value or {}, ctx, None)
    elif fdef.type == "list":
        items = value or []
        if len(items) < fdef.min_items:
            problems.append(Problem(path, "required", f"请至少填写一行“{fdef.label}”。"))
        for i, item in enumerate(items):
            problems += _walk_record(draft, fdef, f"{path}[{i}]", item, ctx, i)
    else:
        problems += _check_value(draft, path, fdef, value, ctx)
    return problems


def _walk_record(draft: Draft, parent: FieldDef, path: str, item: dict, ctx: CheckContext,
                 index: int | None) -> list[Problem]:
    problems: list[Problem] = []
    for sub in parent.record.fields:
        sub_ctx = ctx
        if sub.id_type_key:
            sub_ctx = CheckContext(ctx.today, item.get(sub.id_type_key) or "居民身份证")
        problems += _check_value(draft, f"{path}.{sub.key}", sub, item.get(sub.key), sub_ctx, parent, index)
    return problems


def validate(draft: Draft, today: dt.date | None = None) -> list[Problem]:
    """All problems of the draft, fields in form order, then cross-field rules."""
    ctx = CheckContext(today or dt.date.today())
    problems: list[Problem] = []
    for fdef in draft.form.fields:
        problems += _walk(draft, fdef, fdef.path, draft.get(fdef.path), ctx)
    for ref in draft.form.rules:
        problems += RULES[ref.name].run(draft, ctx, **ref.params)
    return problems


def validate_field(draft: Draft, path: str, today: dt.date | None = None) -> list[Problem]:
    """The problems of one value (``team.members[2].id_number``) on its own, without rules."""
    ctx = CheckContext(today or dt.date.today())
    fdef = draft.form.field(path)
    if path.endswith("]"):  # one row of a list: all its fields
        index = int(path.rsplit("[", 1)[1][:-1])
        return _walk_record(draft, fdef, path, draft.get(path) or {}, ctx, index)
    parent = None
    index = None
    if "." in path and not any(f.path == path for f in draft.form.fields):
        parent_path = path.rsplit(".", 1)[0]
        parent = draft.form.field(parent_path)
        if parent_path.endswith("]"):
            index = int(parent_path.rsplit("[", 1)[1][:-1])
        if fdef.id_type_key:
            ctx = CheckContext(ctx.today, draft.get(f"{parent_path}.{fdef.id_type_key}") or "居民身份证")
    return _walk_single(draft, path, fdef, ctx, parent, index)


def _walk_single(draft: Draft, path: str, fdef: FieldDef, ctx: CheckContext,
                 parent: FieldDef | None, index: int | None) -> list[Problem]:
    if fdef.type in ("record", "list"):
        return _walk(draft, fdef, path, draft.get(path), ctx)
    return _check_value(draft, path, fdef, draft.get(path), ctx, parent, index)
