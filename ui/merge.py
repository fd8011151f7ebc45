"""Compare a local draft with an incoming one and merge the incoming values the user takes.

Qt-free (the compare view in :mod:`ui.compare` shows it). :func:`compare` lists the
differences as :class:`Difference` items:

* a field outside lists (``unit.name``, ``people.leader.phone``), from
  :func:`forms.diff.diff_drafts`;
* rows of a list (members, partners, attachments) are matched by identity, not by position:
  first by identity number, then by name (or title), then by the attachment's bytes; a matched
  pair differs field by field; a row only the incoming draft has is ``added``, a row only the
  local draft has is ``removed``; matched rows in another order give one ``order`` item.

:func:`merge` builds the merged draft from the local one and the items the user takes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any, Iterable

from forms.diff import diff_drafts
from forms.draft import Draft
from forms.fieldtypes import TYPES

FIELD, ADDED, REMOVED, ORDER = "field", "added", "removed", "order"

#: Field types a draft file sent "without personal numbers" leaves empty
#: (forms.draftfile.without_personal_numbers).
LEFT_OUT_TYPES = ("id", "account")

#: Record keys that identify a row, tried in this order (members: number, then name).
IDENTITY_KEYS = ("id_number", "name", "title", "file")


@dataclass(frozen=True)
class Difference:
    """One difference between the local draft (mine) and the incoming one (theirs).

    ``path``: for ``field`` the field path in the local draft (``team.members[2].phone``; for a
    row only matched, indexed by the local row); for ``added``/``removed``/``order`` the list
    path. ``mine``/``theirs``: the two values (rows for ``added``/``removed``).
    """

    kind: str
    path: str
    mine: Any
    theirs: Any
    list_path: str = ""
    mine_index: int | None = None
    theirs_index: int | None = None
    key: str = ""  # the record key for a field of a row

    @property
    def id(self) -> str:
        """A stable identity of the item, for selections."""
        return f"{self.kind}:{self.path}:{self.mine_index}:{self.theirs_index}"


@dataclass
class Comparison:
    differences: list[Difference]
    #: Empty personal numbers in the incoming draft (its sender left them out) are not offered.
    skipped_personal: int = 0
    #: The two drafts are of different form editions: they cannot be merged field by field.
    other_edition: bool = False
    matches: dict[str, list[tuple[int, int]]] = field(default_factory=dict)


def _sha(draft: Draft, name: str) -> str | None:
    blob = draft.files.get(name) if name else None
    return hashlib.sha256(blob).hexdigest() if blob is not None else None


def _identity(draft: Draft, row: dict, key: str) -> Any:
    value = row.get(key)
    if key == "file":
        return _sha(draft, value)
    if isinstance(value, str):
        value = value.strip()
    return value or None


def match_rows(mine: Draft, theirs: Draft, list_path: str) -> list[tuple[int, int]]:
    """Pairs (local index, incoming index) of rows that are the same record, found by
    :data:`IDENTITY_KEYS` in turn (equal, non-empty); each row is in at most one pair."""
    a, b = mine.get(list_path) or [], theirs.get(list_path) or []
    keys = [k for k in IDENTITY_KEYS if k in mine.form.field(list_path).record.keys]
    free_a, free_b = list(range(len(a))), list(range(len(b)))
    pairs: list[tuple[int, int]] = []
    for key in keys:
        for i in list(free_a):
            ident = _identity(mine, a[i], key)
            if ident is None:
                continue
            for j in free_b:
                if _identity(theirs, b[j], key) == ident:
                    pairs.append((i, j))
                    free_a.remove(i)
                    free_b.remove(j)
                    break
    return sorted(pairs)


def _row_differences(mine: Draft, theirs: Draft, list_path: str, i: int, j: int,
                     skip_blank_personal: bool) -> tuple[list[Difference], int]:
    fdef = mine.form.field(list_path)
    a, b = mine.get(list_path)[i], theirs.get(list_path)[j]
    out, skipped = [], 0
    for sub in fdef.record.fields:
        x, y = a.get(sub.key), b.get(sub.key)
        same = x == y and (sub.type != "file" or _sha(mine, x) == _sha(theirs, y))
        if same:
            continue
        if skip_blank_personal and sub.type in LEFT_OUT_TYPES and TYPES[sub.type].is_empty(y):
            skipped += 1
            continue
        out.append(Difference(FIELD, f"{list_path}[{i}].{sub.key}", x, y, list_path, i, j, sub.key))
    return out, skipped


def _list_differences(mine: Draft, theirs: Draft, list_path: str, comparison: Comparison,
                      skip_blank_personal: bool) -> None:
    a, b = mine.get(list_path) or [], theirs.get(list_path) or []
    pairs = match_rows(mine, theirs, list_path)
    comparison.matches[list_path] = pairs
    out = comparison.differences
    for i, j in pairs:
        diffs, skipped = _row_differences(mine, theirs, list_path, i, j, skip_blank_personal)
        out += diffs
        comparison.skipped_personal += skipped
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    out += [Difference(REMOVED, list_path, a[i], None, list_path, i, None)
            for i in range(len(a)) if i not in matched_a]
    out += [Difference(ADDED, list_path, None, b[j], list_path, None, j)
            for j in range(len(b)) if j not in matched_b]
    theirs_order = [j for _, j in pairs]
    if theirs_order != sorted(theirs_order):
        out.append(Difference(ORDER, list_path, [i for i, _ in pairs],
                              [i for i, _ in sorted(pairs, key=lambda p: p[1])], list_path))


def compare(mine: Draft, theirs: Draft, *, skip_blank_personal: bool = False) -> Comparison:
    """The differences from ``mine`` to ``theirs`` in form order (see the module docstring).

    ``skip_blank_personal``: the incoming file was sent without personal numbers, so an empty
    number there is no change to offer."""
    result = Comparison([])
    if mine.form.id != theirs.form.id:
        result.other_edition = True
        return result
    lists = {f.path for f in mine.form.fields if f.type == "list"}
    scalar = [c for c in diff_drafts(mine, theirs) if c.path.split("[", 1)[0] not in lists]
    by_path: dict[str, list] = {}
    for c in scalar:
        by_path.setdefault(c.path, []).append(c)
    for fdef in mine.form.fields:
        if fdef.type == "list":
            _list_differences(mine, theirs, fdef.path, result, skip_blank_personal)
            continue
        paths = [fdef.path] if fdef.record is None else [f"{fdef.path}.{k}" for k in fdef.record.keys]
        for path in paths:
            for c in by_path.get(path, ()):
                ftype = mine.form.field(path).type
                if skip_blank_personal and ftype in LEFT_OUT_TYPES and TYPES[ftype].is_empty(c.new):
                    result.skipped_personal += 1
                    continue
                result.differences.append(Difference(FIELD, path, c.old, c.new))
    return result


# --------------------------------------------------------------------------- merging


def free_name(files: dict[str, bytes], name: str, blob: bytes) -> str:
    """``name``, or ``name-2.pdf`` … when the merged draft already holds other bytes under it."""
    if files.get(name, blob) == blob:
        return name
    p = PurePosixPath(name)
    n = 2
    while True:
        candidate = str(p.with_name(f"{p.stem}-{n}{p.suffix}"))
        if files.get(candidate, blob) == blob:
            return candidate
        n += 1


def _take_file(result: Draft, theirs: Draft, row: dict) -> None:
    """Bring the incoming attachment bytes of ``row`` (a row of the merged draft) along."""
    name = row.get("file")
    if not name or name not in theirs.files:
        return
    blob = theirs.files[name]
    new = free_name(result.files, name, blob)
    result.files[new] = blob
    row["file"] = new


def _merge_list(result: Draft, theirs: Draft, list_path: str, pairs: list[tuple[int, int]],
                taken: list[Difference]) -> None:
    mine_rows = result.get(list_path)
    their_rows = theirs.get(list_path)
    to_theirs = dict(pairs)
    removed = {d.mine_index for d in taken if d.kind == REMOVED}
    # (incoming index or None, row) in the local order, less the removals taken.
    rows: list[tuple[int | None, dict]] = [(to_theirs.get(i), dict(r)) for i, r in enumerate(mine_rows)
                                           if i not in removed]
    index_of = {i: k for k, i in enumerate(i for i in range(len(mine_rows)) if i not in removed)}
    for d in taken:
        if d.kind == FIELD:
            row = rows[index_of[d.mine_index]][1]
            row[d.key] = their_rows[d.theirs_index][d.key]
            if d.key == "file":
                _take_file(result, theirs, row)
    if any(d.kind == ORDER for d in taken):
        slots = [k for k, (j, _) in enumerate(rows) if j is not None]
        ordered = sorted((rows[k] for k in slots), key=lambda r: r[0])
        for k, item in zip(slots, ordered):
            rows[k] = item
    for d in sorted((d for d in taken if d.kind == ADDED), key=lambda d: d.theirs_index):
        j = d.theirs_index
        row = dict(their_rows[j])
        if "file" in row:
            _take_file(result, theirs, row)
        before = [k for k, (jj, _) in enumerate(rows) if jj is not None and jj < j]
        rows.insert(before[-1] + 1 if before else 0, (j, row))
    mine_rows[:] = [r for _, r in rows]


def merge(mine: Draft, theirs: Draft, comparison: Comparison, taken: Iterable[Difference]) -> Draft:
    """A copy of ``mine`` with the ``taken`` differences (items of ``comparison``) applied."""
    taken = list(taken)
    result = mine.copy()
    for d in taken:
        if d.kind == FIELD and not d.list_path:
            result.set(d.path, d.theirs)
    for list_path, pairs in comparison.matches.items():
        mine_taken = [d for d in taken if d.list_path == list_path]
        if mine_taken:
            _merge_list(result, theirs, list_path, pairs, mine_taken)
    return result
