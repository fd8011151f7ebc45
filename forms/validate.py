"""Validation: every field's own checks, then the named cross-field rules.

``validate(draft)`` is what ``validate --json`` prints and what the editor shows while the user
types; ``validate_field(draft, path)`` re-checks one value alone (cheap, for a keystroke).

Safe from worker threads: nothing here keeps state between calls except the attachment verdicts,
remembered in a :class:`~forms.fsutil.BytesMemo` (which locks), and the font coverage verdicts of
:mod:`forms.coverage` (which lock too). A validation only reads the draft it is given; hand a
worker ``draft.copy()`` (or ``DraftModel.snapshot()``), never a draft another thread edits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from forms.definition import FieldDef
from forms.draft import Draft
from forms.fieldtypes import TYPES, CheckContext
from forms.fsutil import BytesMemo
from forms.problems import Finding, Problem
from forms.rules import RULES


def is_required(fdef: FieldDef, draft: Draft) -> bool:
    """Whether ``fdef`` must be filled in ``draft`` (the older spelling of
    ``fdef.required.is_required(draft)``)."""
    return fdef.required.is_required(draft)


def _problem(draft: Draft, path: str, key: str, **fields: Any) -> Problem:
    return Problem.of(path, key, draft.form.where(path), **fields)


def _check_value(draft: Draft, path: str, fdef: FieldDef, value: Any, ctx: CheckContext) -> list[Problem]:
    ftype = TYPES[fdef.type]
    if ftype.is_empty(value):
        if fdef.required.is_required(draft):
            return [_problem(draft, path, "required", subject=draft.form.who(path))]
        return []
    if fdef.type == "file":
        return _check_file(draft, path, value)
    findings = ftype.check(value, fdef, ctx)
    if not findings:
        return []
    where = draft.form.where(path)
    return [Problem.at(path, f, where) for f in findings]


def _inspect(blob: bytes, name: str) -> Any:
    # Imported on first use for start-up time only: pypdf and Pillow take ~0.2 s to load.
    from forms.attachments import inspect_attachment

    return inspect_attachment(blob, name)


# Inspecting an attachment parses it (a large PDF takes a while): once per bytes object. The
# memo locks, so the GUI thread and render workers may share it.
_INSPECTED = BytesMemo(_inspect, 64)


def inspect_file(draft: Draft, name: str) -> Any:
    """The attachment's :class:`AttachmentInfo`, a Finding, or None when its bytes are missing."""
    blob = draft.files.get(name)
    return None if blob is None else _INSPECTED(blob, name)


def let_go_of_files(draft: Draft) -> None:
    """Empty ``draft.files`` and forget their inspections, so that the attachments' bytes can be
    freed: for a draft nothing reads again (a one-shot print, :func:`pdf.export.export` with
    ``consume``). Its fingerprint and validation change once the files are gone."""
    for blob in draft.files.values():
        _INSPECTED.forget(blob)
    draft.files.clear()


def _check_file(draft: Draft, path: str, name: str) -> list[Problem]:
    result = inspect_file(draft, name)
    if result is None:
        who = draft.form.who(path.rsplit(".", 1)[0])
        unread = draft.unread.get(name)
        if unread is not None:  # the draft JSON named something we would not or could not read
            return [Problem.at(path, Finding.of(unread[0], subject=who, name=name, **unread[1]),
                               draft.form.where(path))]
        return [_problem(draft, path, "attachment_invalid.missing", subject=who, name=name)]
    if isinstance(result, Finding):
        return [Problem.at(path, result, draft.form.where(path))]
    return []


def _context(draft: Draft, path: str, fdef: FieldDef, today: dt.date) -> CheckContext:
    """The context of the value at ``path``: whose field it is, and for an ID number its type."""
    id_type = draft.id_type(path) if fdef.type == "id" else None
    if fdef.path == path:
        return CheckContext(today, id_type)
    # A member of a record or a list row (its FieldDef.path is its key): whose, only for a message.
    return CheckContext(today, id_type, owner_of=lambda: draft.form.who(path.rsplit(".", 1)[0]))


def _walk(draft: Draft, fdef: FieldDef, path: str, value: Any, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    if fdef.type == "record":
        problems += _walk_record(draft, fdef, path, value or {}, today)
    elif fdef.type == "list":
        items = value or []
        if len(items) < fdef.min_items:
            problems.append(_problem(draft, path, "required.list", subject=fdef.label))
        for i, item in enumerate(items):
            problems += _walk_record(draft, fdef, f"{path}[{i}]", item, today)
    else:
        problems += _check_value(draft, path, fdef, value, _context(draft, path, fdef, today))
    return problems


def _walk_record(draft: Draft, parent: FieldDef, path: str, item: dict, today: dt.date) -> list[Problem]:
    problems: list[Problem] = []
    for sub in parent.record.fields:
        sub_path = f"{path}.{sub.key}"
        problems += _check_value(draft, sub_path, sub, item.get(sub.key), _context(draft, sub_path, sub, today))
    return problems


def validate(draft: Draft, today: dt.date | None = None) -> list[Problem]:
    """All problems of the draft, fields in form order, then cross-field rules."""
    today = today or dt.date.today()
    ctx = CheckContext(today)
    problems: list[Problem] = []
    for fdef in draft.form.fields:
        problems += _walk(draft, fdef, fdef.path, draft.get(fdef.path), today)
    for ref in draft.form.rules:
        problems += RULES[ref.name].run(draft, ctx, **ref.params)
    return problems


def validate_field(draft: Draft, path: str, today: dt.date | None = None) -> list[Problem]:
    """The problems of one value (``team.members[2].id_number``) on its own, without rules;
    of every field of a row (``team.members[2]``); of a record or list and all below it."""
    today = today or dt.date.today()
    fdef = draft.form.field(path)
    if path.endswith("]"):  # one row of a list: all its fields
        return _walk_record(draft, fdef, path, draft.get(path) or {}, today)
    if fdef.type in ("record", "list"):
        return _walk(draft, fdef, path, draft.get(path), today)
    return _check_value(draft, path, fdef, draft.get(path), _context(draft, path, fdef, today))
