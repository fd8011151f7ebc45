"""The draft model the editor edits: every change goes through here and comes back as a Change.

A :class:`DraftModel` wraps one :class:`~forms.draft.Draft`. Setting a value, inserting, removing
or moving a row returns a :class:`Change` and tells every subscriber about it; a Change knows its
inverse, so an undo stack is a list of Changes (``model.apply(change.inverse())``), and views
refresh from Changes instead of signals between widgets (as Anki's ``OpChanges``).

Qt-free and not thread-safe: the editor uses a model on its GUI thread only, and hands worker
threads a :meth:`DraftModel.snapshot`.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from forms.draft import Draft, empty_record, parse_path
from forms.fieldtypes import TYPES

SET, INSERT, REMOVE, MOVE, RESET = "set", "insert", "remove", "move", "reset"


@dataclass(frozen=True, slots=True)
class Change:
    """One change of a draft.

    ``set``: ``path`` is a field path (``team.members[2].name``), ``old``/``new`` its values.
    ``insert``/``remove``: ``path`` is a list path (``team.members``), ``index`` the row, ``new``
    the inserted row or ``old`` the removed one. ``move``: row ``index`` moved to ``to``.
    ``reset``: the whole draft replaced; ``old``/``new`` are Drafts.
    """

    kind: str
    path: str
    old: Any = None
    new: Any = None
    index: int | None = None
    to: int | None = None

    def inverse(self) -> Change:
        if self.kind == SET:
            return Change(SET, self.path, self.new, self.old)
        if self.kind == INSERT:
            return Change(REMOVE, self.path, old=self.new, index=self.index)
        if self.kind == REMOVE:
            return Change(INSERT, self.path, new=self.old, index=self.index)
        if self.kind == MOVE:
            return Change(MOVE, self.path, index=self.to, to=self.index)
        return Change(RESET, "", self.new, self.old)

    def touches(self) -> str:
        """The path whose checks must run again: the field, or the whole list, or "" (all)."""
        return self.path


class DraftModel:
    """A draft that reports every change. See the module docstring."""

    def __init__(self, draft: Draft):
        self._draft = draft
        self._subscribers: list[Callable[[Change], None]] = []
        self.revision = 0

    @property
    def draft(self) -> Draft:
        return self._draft

    @property
    def form(self):
        return self._draft.form

    def get(self, path: str, default: Any = None) -> Any:
        return self._draft.get(path, default)

    def snapshot(self) -> Draft:
        """A deep copy (attachment bytes are immutable and shared): safe for a worker thread."""
        return self._draft.copy()

    # -- subscribers ----------------------------------------------------------------------

    def subscribe(self, fn: Callable[[Change], None]) -> Callable[[], None]:
        self._subscribers.append(fn)

        def unsubscribe() -> None:
            if fn in self._subscribers:
                self._subscribers.remove(fn)

        return unsubscribe

    def _emit(self, change: Change) -> Change:
        self.revision += 1
        for fn in list(self._subscribers):
            fn(change)
        return change

    # -- edits ----------------------------------------------------------------------------

    def set(self, path: str, value: Any) -> Change | None:
        """Set one value, cleaned by its field type; None when the stored value is unchanged."""
        fdef = self.form.field(path)
        if fdef.type in ("record", "list"):
            raise TypeError(f"{path} is a {fdef.type}; set its fields")
        old = self._draft.get(path)
        ftype = TYPES[fdef.type]
        new = ftype.clean(value) if value is not None else ftype.empty
        if fdef.default is not None and ftype.is_empty(new):
            new = fdef.default
        if new == old and type(new) is type(old):
            return None
        self._draft.set(path, new)
        return self._emit(Change(SET, path, old, self._draft.get(path)))

    def _list(self, list_path: str) -> list:
        fdef = self.form.field(list_path)
        if fdef.type != "list":
            raise TypeError(f"{list_path} is not a list")
        rows = self._draft.get(list_path)
        if rows is None:  # pragma: no cover - every declared list exists in a Draft
            raise KeyError(list_path)
        return rows

    def new_row(self, list_path: str) -> dict:
        return empty_record(self.form.field(list_path))

    def insert_row(self, list_path: str, index: int | None = None, row: dict | None = None) -> Change:
        rows = self._list(list_path)
        index = len(rows) if index is None else max(0, min(index, len(rows)))
        item = self.new_row(list_path)
        if row:
            unknown = set(row) - set(item)
            if unknown:
                raise KeyError(f"{list_path}: unknown keys {sorted(unknown)}")
            item.update(copy.deepcopy(row))
        rows.insert(index, item)
        return self._emit(Change(INSERT, list_path, new=copy.deepcopy(item), index=index))

    def remove_row(self, list_path: str, index: int) -> Change:
        rows = self._list(list_path)
        if not 0 <= index < len(rows):
            raise IndexError(f"{list_path}[{index}]")
        item = rows.pop(index)
        return self._emit(Change(REMOVE, list_path, old=item, index=index))

    def move_row(self, list_path: str, src: int, dst: int) -> Change:
        rows = self._list(list_path)
        if not (0 <= src < len(rows) and 0 <= dst < len(rows)):
            raise IndexError(f"{list_path}: {src} -> {dst}")
        rows.insert(dst, rows.pop(src))
        return self._emit(Change(MOVE, list_path, index=src, to=dst))

    def reset(self, draft: Draft) -> Change:
        old, self._draft = self._draft, draft
        return self._emit(Change(RESET, "", old, draft))

    def apply(self, change: Change) -> Change:
        """Apply ``change`` (typically an inverse, for undo, or the change again, for redo)."""
        if change.kind == SET:
            self._draft.set(change.path, change.new)
            return self._emit(Change(SET, change.path, change.old, self._draft.get(change.path)))
        if change.kind == INSERT:
            rows = self._list(change.path)
            rows.insert(change.index, copy.deepcopy(change.new))
            return self._emit(change)
        if change.kind == REMOVE:
            rows = self._list(change.path)
            item = rows.pop(change.index)
            return self._emit(Change(REMOVE, change.path, old=item, index=change.index))
        if change.kind == MOVE:
            return self.move_row(change.path, change.index, change.to)
        if change.kind == RESET:
            return self.reset(change.new)
        raise ValueError(f"unknown change kind {change.kind!r}")


def row_path(list_path: str, index: int, key: str | None = None) -> str:
    """``row_path("team.members", 2, "name")`` → ``team.members[2].name``."""
    base = f"{list_path}[{index}]"
    return f"{base}.{key}" if key else base


def split_row_path(path: str) -> tuple[str, int, str] | None:
    """``team.members[2].name`` → ``("team.members", 2, "name")``; None for a path outside a list."""
    steps = parse_path(path)
    for i, step in enumerate(steps):
        if isinstance(step, int):
            list_path = ".".join(str(s) for s in steps[:i])
            rest = ".".join(str(s) for s in steps[i + 1:])
            return list_path, step, rest
    return None
