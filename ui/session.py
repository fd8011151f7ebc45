"""The editing session (contract C8): one draft, its store id, undo stack, checks and autosave.

Widgets never hold data: they ask the session for values, hand it edits, and refresh from its
``changed`` signal (the draft model's :class:`~forms.model.Change` objects). The session

- applies every edit through an undo command (``QUndoStack``);
- re-checks the changed field at once (``forms.dependents``), the whole draft debounced;
- saves into the store through ``Store.save`` at most :data:`SAVE_DELAY_MS` after the first
  unsaved change, on a worker thread (a snapshot), so nothing typed more than a second ago is
  ever lost and typing never waits for the disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtGui import QUndoStack

from forms.dependents import check_paths, dependents
from forms.draft import Draft
from forms.fieldtypes import TYPES
from forms.model import RESET, SET, Change, DraftModel
from forms.problems import Problem
from forms.rules import rule_codes
from forms.store import Store, StoreError
from forms.validate import validate, validate_field
from ui.commands import ChangesCommand, SetValueCommand
from ui.worker import run_in_thread

CHECK_DELAY_MS = 100   # whole-draft validation after the last change (≤ 150 ms)
SAVE_DELAY_MS = 400    # autosave after the first unsaved change (≤ 1 s)
RETRY_DELAY_MS = 2000  # after a failed save
#: Re-check the changed paths one by one up to this many; above, validate the whole draft (a
#: leader's ID number touches every member row: ~500 paths cost 4× a full validate).
FULL_CHECK_ABOVE = 60


class DraftSession(QObject):
    problems_changed = Signal(list)
    changed = Signal(object)        # a forms.model.Change
    saved = Signal(object)          # datetime of the save (local time)
    save_failed = Signal(str)       # a Chinese message
    replaced = Signal()
    checked = Signal()              # the debounced whole-draft check ran

    def __init__(self, store: Store, draft_id: str, draft: Draft, parent: QObject | None = None, *,
                 check_later: bool = False):
        """``check_later``: the first whole-draft check runs on the worker thread, started by
        :meth:`start_first_check` (the window calls it once its pages are built: at the
        program's start, importing pypdf and inspecting attachment files on the worker must not
        compete with the first paint for the interpreter) or by the first edit's check; until
        ``checked`` is emitted, :attr:`problems` is empty and :attr:`fingerprint` is ``""``."""
        super().__init__(parent)
        self.store = store
        self.draft_id = draft_id
        self.model = DraftModel(draft)
        self.undo_stack = QUndoStack(self)
        self.problems: list[Problem] = [] if check_later else validate(draft)
        self.fingerprint = "" if check_later else draft.fingerprint()
        self.first_check_done = not check_later
        self._check_started = False  # a worker check was started (see start_first_check)
        self.last_saved: dt.datetime | None = None
        self._dirty = False
        self._saving = False
        self._closed = False
        self._save_pool = QThreadPool(self)
        self._save_pool.setMaxThreadCount(1)
        self._token = 0  # typing token: edits with the same token merge into one undo command
        self._unsubscribe: Callable[[], None] | None = self.model.subscribe(self._on_model_change)
        self._check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._check_timer.timeout.connect(self._on_check_timer_timeout)
        self._check_pool = QThreadPool(self)
        self._check_pool.setMaxThreadCount(1)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_DELAY_MS)
        self._save_timer.timeout.connect(self._on_save_timer_timeout)

    # -- reading ------------------------------------------------------------------------

    @property
    def draft(self) -> Draft:
        return self.model.draft

    @property
    def form(self):
        return self.model.draft.form

    def get(self, path: str, default: Any = None) -> Any:
        return self.model.get(path, default)

    def snapshot(self) -> Draft:
        return self.model.snapshot()

    # -- editing ------------------------------------------------------------------------

    def clean(self, path: str, value: Any) -> Any:
        """The value as the model would store it; InputError when it cannot be one."""
        fdef = self.form.field(path)
        ftype = TYPES[fdef.type]
        return ftype.clean(value) if value is not None else ftype.empty

    def edit(self, path: str, value: Any, *, typing: bool = True) -> bool:
        """Set one field through the undo stack; True when the stored value changed.
        Consecutive typing edits of one field merge until :meth:`end_typing`."""
        new = self.clean(path, value)
        old = self.get(path)
        if new == old and type(new) is type(old):
            return False
        label = self.form.field(path).label
        self.undo_stack.push(SetValueCommand(self.model, path, value, self._token, label))
        if not typing:
            self.end_typing()
        return True

    def end_typing(self) -> None:
        """The user left the field: the next edit starts a new undo command."""
        self._token += 1

    def run(self, text: str, action: Callable[[], object]) -> ChangesCommand:
        """Run ``action`` (calls of ``self.model``) as one undoable command."""
        self.end_typing()
        command = ChangesCommand(self.model, text, action)
        self.undo_stack.push(command)
        return command

    def insert_row(self, list_path: str, index: int | None = None, row: dict | None = None) -> None:
        self.run("添加一行", lambda: self.model.insert_row(list_path, index, row))

    def remove_rows(self, list_path: str, indexes: list[int]) -> None:
        def action() -> None:
            for index in sorted(set(indexes), reverse=True):
                self.model.remove_row(list_path, index)
        self.run("删除行", action)

    def move_row(self, list_path: str, src: int, dst: int) -> None:
        self.run("移动行", lambda: self.model.move_row(list_path, src, dst))

    def set_many(self, text: str, values: list[tuple[str, Any]]) -> None:
        """Several field values as one command (a paste, a cleared block)."""
        def action() -> None:
            for path, value in values:
                self.model.set(path, value)
        self.run(text, action)

    def replace_draft(self, draft: Draft, reason: str) -> None:
        """Replace the whole draft (import, merge, restore): undoable, and saved at once."""
        self.run(reason, lambda: self.model.reset(draft))
        self.save_now(reason)

    # -- checks -------------------------------------------------------------------------

    def _on_model_change(self, change: Change) -> None:
        self._dirty = True
        if not self._save_timer.isActive():
            self._save_timer.start(SAVE_DELAY_MS)  # a retry may have set a longer interval
        self._recheck(change)
        self._check_timer.start()
        if change.kind == RESET:
            self.replaced.emit()
        self.changed.emit(change)

    def _recheck(self, change: Change) -> None:
        """The changed field's own problems at once; the rules and the whole draft follow
        (debounced, on a worker thread). Rows inserted, removed or moved, and a replaced draft,
        are discrete actions: their dependents are checked at once (``forms.dependents``)."""
        draft = self.draft
        if change.kind == RESET:
            problems = validate(draft)
        elif change.kind == SET:
            path = change.path
            # A keystroke re-checks the field's own value at once and keeps what the form's
            # cross-field rules reported until the debounced whole-draft check runs them again.
            from_rules = rule_codes(draft.form)
            kept = [p for p in self.problems if p.path != path or p.code in from_rules]
            problems = kept + validate_field(draft, path)
        else:
            paths = dependents(draft, change.touches())
            if len(paths) > FULL_CHECK_ABOVE:  # a whole list: one full check is cheaper
                problems = validate(draft)
            else:
                stale = _row_paths(change)
                kept = [p for p in self.problems if p.path not in paths and not stale(p.path)]
                problems = kept + check_paths(draft, paths)
        self._set_problems(problems)

    def _set_problems(self, problems: list[Problem]) -> None:
        """Keep ``problems`` and tell the views, unless they are the ones already shown (most
        keystrokes change no problem: every view would redraw its marks and counts for nothing)."""
        if problems == self.problems:
            return
        self.problems = problems
        self.problems_changed.emit(self.problems)

    @property
    def first_check_started(self) -> bool:
        """The first whole-draft check was started or applied (see ``check_later``)."""
        return self.first_check_done or self._check_started

    def start_first_check(self) -> None:
        """Start the first whole-draft check of a session made with ``check_later`` on the
        worker thread, unless a check was already started (an edit's) or applied."""
        if not self.first_check_done and not self._check_started:
            self._on_check_timer_timeout()

    def _on_check_timer_timeout(self) -> None:
        """The debounced whole-draft check, on a snapshot in a worker thread."""
        if self._closed:
            return
        self._check_started = True
        revision = self.model.revision
        run_in_thread(_full_check, self.model.snapshot(),
                      on_done=partial(self._on_full_check_done, revision),
                      on_error=self._on_full_check_failed, pool=self._check_pool)

    def _on_full_check_done(self, revision: int, result: tuple[list[Problem], str]) -> None:
        if self._closed or revision != self.model.revision:
            return  # the draft changed meanwhile: the next check (already due) will report
        self._apply_full_check(*result)

    def _on_full_check_failed(self, exc: BaseException) -> None:
        if not self._closed:
            raise exc

    def _apply_full_check(self, problems: list[Problem], fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.first_check_done = True
        self._set_problems(problems)
        self.checked.emit()

    def check_now(self) -> None:
        """Validate the whole draft now, on this thread (what ``validate --json`` prints)."""
        self._check_timer.stop()
        self._apply_full_check(*_full_check(self.draft))

    # -- saving -------------------------------------------------------------------------

    def _on_save_timer_timeout(self) -> None:
        self.save_in_background()

    def save_in_background(self) -> None:
        """Autosave: a snapshot written by a worker thread, so typing never waits for the
        disk. At most one save runs at a time; changes made meanwhile are saved right after."""
        if self._closed or not self._dirty:
            return
        if self._saving:
            return  # _on_saved starts the next one
        self._saving = True
        self._dirty = False
        job = partial(self.store.save, self.draft_id, self.model.snapshot(), None,
                      problems=list(self.problems))
        run_in_thread(job, on_done=self._on_background_saved, on_error=self._on_background_failed,
                      pool=self._save_pool)

    def _on_background_saved(self, _wrote: object) -> None:
        self._saving = False
        if self._closed:
            return
        self._announce_saved()
        if self._dirty and not self._save_timer.isActive():
            self._save_timer.start(SAVE_DELAY_MS)  # a retry may have set a longer interval

    def _on_background_failed(self, exc: BaseException) -> None:
        self._saving = False
        if self._closed:
            return
        self._dirty = True
        if not isinstance(exc, StoreError):
            raise exc
        self.save_failed.emit(str(exc))
        self._save_timer.start(RETRY_DELAY_MS)

    def _announce_saved(self) -> None:
        self.last_saved = dt.datetime.now()
        self.saved.emit(self.last_saved)

    def save(self, reason: str | None = None) -> bool:
        """Write the draft into the store now, on this thread (with ``reason``: an explicit
        revision). Waits for a background save first, so writes never overtake each other."""
        self._save_pool.waitForDone()
        if not self._dirty and reason is None:
            return True
        self._save_timer.stop()
        try:
            self.store.save(self.draft_id, self.draft, reason, problems=self.problems)
        except StoreError as exc:
            self._dirty = True
            self.save_failed.emit(str(exc))
            self._save_timer.start(RETRY_DELAY_MS)
            return False
        self._dirty = False
        self._announce_saved()
        return True

    def save_now(self, reason: str = "保存") -> bool:
        """An explicit revision (Ctrl+S, print, import)."""
        if self._check_timer.isActive():
            self.check_now()
        return self.save(reason)

    def flush(self) -> bool:
        """Save anything unsaved now (closing, switching drafts)."""
        return self.save()

    def close(self) -> None:
        self.flush()
        self._closed = True
        self._check_pool.waitForDone()
        self._check_timer.stop()
        self._save_timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


def _full_check(draft: Draft) -> tuple[list[Problem], str]:
    return validate(draft), draft.fingerprint()


def _row_paths(change: Change) -> Callable[[str], bool]:
    """For a row change: does a problem path lie in the list (its rows' paths have shifted)?"""
    if change.kind == SET:
        return lambda path: False
    prefix = change.path
    return lambda path: path == prefix or path.startswith(prefix + "[")
