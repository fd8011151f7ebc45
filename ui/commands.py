"""Undo commands: every edit of the draft is one QUndoCommand over the draft model.

A command records the :class:`forms.model.Change` objects its action produced the first time it
runs; redo applies them again, undo applies their inverses in reverse order. Typing in one field
is one command: :class:`SetValueCommand` merges with the previous one for the same field while the
user stays in it (the session's typing token).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand

from forms.model import SET, Change, DraftModel

TYPING_ID = 1


class ChangesCommand(QUndoCommand):
    """Runs ``action()`` once, remembering the changes it made; replays or reverts them."""

    def __init__(self, model: DraftModel, text: str, action: Callable[[], object]):
        super().__init__(text)
        self._model = model
        self._action: Callable[[], object] | None = action
        self.changes: list[Change] = []

    def redo(self) -> None:
        if self._action is not None:
            action, self._action = self._action, None
            unsubscribe = self._model.subscribe(self.changes.append)
            try:
                action()
            finally:
                unsubscribe()
            if not self.changes:
                self.setObsolete(True)
            return
        for change in self.changes:
            self._model.apply(change)

    def undo(self) -> None:
        for change in reversed(self.changes):
            self._model.apply(change.inverse())


class SetValueCommand(ChangesCommand):
    """One field's value; consecutive edits of the same field with the same token merge."""

    def __init__(self, model: DraftModel, path: str, value: object, token: int, label: str):
        super().__init__(model, f"修改“{label}”", lambda: model.set(path, value))
        self.path = path
        self.token = token

    def id(self) -> int:
        return TYPING_ID

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not (isinstance(other, SetValueCommand) and other.path == self.path
                and other.token == self.token and len(self.changes) == 1 == len(other.changes)):
            return False
        first, last = self.changes[0], other.changes[0]
        merged = Change(SET, self.path, first.old, last.new)
        self.changes = [merged]
        if merged.old == merged.new and type(merged.old) is type(merged.new):
            self.setObsolete(True)
        return True
