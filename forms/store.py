"""The local draft store: one SQLite file per user that never loses a word.

Where it lives
--------------
:func:`default_store_path`: ``SHENBAO_DB`` when set (``--db`` sets it), else
``platformdirs.user_data_path("Shenbao", appauthor=False, roaming=False) / "drafts.sqlite3"`` —
on Windows ``%LOCALAPPDATA%\\Shenbao\\drafts.sqlite3``, never next to the program. Back it up with
``python main.py drafts backup -o FILE`` (a consistent copy, safe while the editor runs), or copy
``drafts.sqlite3`` while no Shenbao window is open (then no ``-wal`` file is left beside it).

SQLite settings
---------------
``application_id`` = :data:`APPLICATION_ID` ('SBK1'), ``user_version`` = the schema version,
``synchronous=FULL``, ``secure_delete=ON`` (deleted content is overwritten with zeros),
``foreign_keys=ON``, ``busy_timeout`` 5 s, and ``journal_mode=WAL``: one fsync per commit (the
rollback journal needs two or three), readers never block the autosaving writer, and a crash at any
moment leaves the last committed transaction intact. The store is local (``%LOCALAPPDATA%``), where
WAL is safe; an exported draft file is never WAL (see :mod:`forms.draftfile`). Every write runs in
``BEGIN IMMEDIATE``, so two processes on one store queue on the busy timeout instead of failing
on a read-to-write upgrade. The schema is created and upgraded with sqlite-utils' ``Migrations``
(the ``_sqlite_migrations`` table), each step also setting ``user_version`` so that an older
program refuses a newer store instead of damaging it.

Schema (version 2)
------------------
* ``drafts`` — id (UUID), form_id (edition), data (draft JSON ``data`` object), created, updated,
  deleted_at (trash), origin_id (the id in the file it was imported from), personal_removed;
  v2 adds the listing summary: unit_name, problem_count, error_count, content_hash.
* ``blobs`` — attachment bytes, content-addressed by SHA-256 (one copy however often used).
* ``draft_files`` / ``revision_files`` — (owner, name) → mime, sha256: the attachments of a draft
  and of each revision, so a draft never depends on files elsewhere on the disk.
* ``revisions`` — full snapshots: created, opened, reason, explicit, content_hash, form_id, data.
* ``_sqlite_migrations`` — sqlite-utils' record of the applied schema steps.

Times are ISO 8601 UTC strings. The ``content_hash`` is the SHA-256 of
:meth:`forms.draft.Draft.canonical_json`; its first 8 hex digits are the fingerprint printed on
every page, so a printout can be matched to its revision.

Autosave
--------
Each call commits before it returns (durable, ``synchronous=FULL``). The editor calls
:meth:`Store.set_value` when a field is left or :meth:`Store.save` debounced (≤ 500 ms after the last
keystroke), which keeps every change durable within 1 s. A save whose content did not change
writes nothing. ``tests/benchmarks/bench_store.py`` measures the commit latency.

Revisions and retention
-----------------------
The newest revision always equals the current draft, so every state that was current for more
than one autosave window is kept:

* automatic revisions are coalesced: an autosave updates the newest revision in place while it is
  automatic and was opened less than :data:`AUTO_REVISION_INTERVAL` (5 minutes) ago; otherwise it
  opens a new one — at most one automatic revision per 5 minutes of typing;
* an autosave that removes more than :data:`LARGE_DELETION_CHARS` (200) characters at once
  (select all and delete, a paste over a paragraph) opens a new revision, so the text as it was
  just before stays in the history;
* every explicit save, print, import, duplicate and restore adds its own revision with its reason;
* restoring a revision writes a new revision (nothing is ever overwritten);
* retention (:meth:`Store.maintain`, run when a store opens): explicit revisions are kept for as
  long as the draft; automatic revisions older than :data:`THIN_AFTER` (30 days) are thinned to the
  newest one per UTC day; drafts in the trash for :data:`TRASH_DAYS` (30) days are purged with
  their history, and attachment bytes no longer referenced are deleted (overwritten with zeros).
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import threading
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from sqlite_utils import Database

from forms.draft import Draft
from forms.store_schema import (  # noqa: F401 - re-exported: the store's public names
    APPLICATION_ID,
    MIGRATIONS,
    UTC,
    StoreError,
    _draft_from_row,
    _Hasher,
    _iso,
    _parse,
    _Prepared,
    _summarise,
)

SCHEMA_VERSION = 2
AUTO_REVISION_INTERVAL = dt.timedelta(minutes=5)
THIN_AFTER = dt.timedelta(days=30)
TRASH_DAYS = 30
BUSY_TIMEOUT_SECONDS = 5.0
AUTO_REASON = "自动保存"
#: An autosave shrinking the draft by more than this many characters opens a new revision.
LARGE_DELETION_CHARS = 200


def default_store_path() -> Path:
    """``SHENBAO_DB`` if set, else the per-user data folder's ``drafts.sqlite3``."""
    env = os.environ.get("SHENBAO_DB")
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("Shenbao", appauthor=False, roaming=False) / "drafts.sqlite3"


class NoSuchDraft(StoreError):
    """No draft (or revision) with that id."""


@dataclass
class DraftSummary:
    id: str
    unit_name: str
    updated: dt.datetime
    problem_count: int
    error_count: int
    form_id: str
    deleted_at: dt.datetime | None
    personal_removed: bool = False


@dataclass
class RevisionInfo:
    id: int
    created: dt.datetime
    reason: str
    fingerprint: str
    explicit: bool = True


@dataclass
class ImportResult:
    draft_id: str
    original_id: str
    conflict: bool
    personal_removed: bool


_MESSAGES = {
    "SQLITE_FULL": "磁盘空间已满，草稿未能保存。请清理磁盘后重试（已保存的内容不受影响）。",
    "SQLITE_READONLY": "草稿库所在位置是只读的，无法保存：{path}。请换一个可写的位置（--db）。",
    "SQLITE_BUSY": "草稿库正被另一个程序占用，请稍后重试：{path}",
    "SQLITE_LOCKED": "草稿库正被另一个程序占用，请稍后重试：{path}",
    "SQLITE_CORRUPT": "草稿库文件已损坏：{path}。请从备份恢复，或改用新的草稿库（--db）。",
    "SQLITE_NOTADB": "{path} 不是草稿库文件，或已损坏。",
    "SQLITE_CANTOPEN": "无法打开草稿库文件：{path}。请检查该位置是否存在且可写。",
    "SQLITE_IOERR": "读写草稿库时磁盘出错：{path}。请检查磁盘后重试。",
    "SQLITE_PERM": "没有权限访问草稿库：{path}",
}


# --------------------------------------------------------------------------- the store


class Store:
    """The local store. One connection; safe to call from one thread at a time (any thread)."""

    def __init__(self, path: Path | None = None, *, read_only: bool = False,
                 clock: Callable[[], dt.datetime] | None = None):
        self.path = Path(path) if path is not None else default_store_path()
        self.read_only = read_only
        self._clock = clock or (lambda: dt.datetime.now(UTC))
        self._lock = threading.RLock()
        self._hasher = _Hasher()
        self._cache: dict[str, tuple[str, Draft]] = {}
        self._conn: sqlite3.Connection | None = None
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    # -- opening ------------------------------------------------------------------------

    def _open(self) -> None:
        if self.read_only:
            uri = self.path.resolve().as_uri() + "?mode=ro"
            connect: tuple[Any, bool] = (uri, True)
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建草稿库所在的文件夹 {self.path.parent}：{exc.strerror or exc}") from None
            connect = (str(self.path), False)
        if self.path.is_dir():
            raise StoreError(f"{self.path} 是文件夹，不是草稿库文件")
        try:
            self._conn = sqlite3.connect(connect[0], uri=connect[1], timeout=BUSY_TIMEOUT_SECONDS,
                                         isolation_level=None, check_same_thread=False)
            conn = self._conn
            conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
            for pragma in ("foreign_keys = ON", "secure_delete = ON", "synchronous = FULL",
                           "trusted_schema = OFF", "recursive_triggers = OFF"):
                conn.execute(f"PRAGMA {pragma}")
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            n_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        if n_tables and app_id != APPLICATION_ID:
            raise StoreError(f"{self.path} 不是申报助手的草稿库文件")
        if version > SCHEMA_VERSION:
            raise StoreError("此草稿库由更新版本的申报助手创建，请升级申报助手后再打开")
        self.db = Database(self._conn, recursive_triggers=False, execute_plugins=False)
        if self.read_only:
            if version < SCHEMA_VERSION:
                raise StoreError("草稿库需要升级，但它所在的位置是只读的")
            return
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        if version < SCHEMA_VERSION:
            with self._txn() as conn:
                MIGRATIONS.apply(self.db)
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    raise StoreError(f"草稿库的结构升级未完成：{self.path}")
        try:
            self.maintain()
        except StoreError:
            pass  # retention can wait for the next start; the store itself is usable

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """A clear Chinese message for an SQLite error (by its primary result code)."""
        key = "_".join((getattr(exc, "sqlite_errorname", "") or "").split("_")[:2])
        template = _MESSAGES.get("SQLITE_FULL" if "disk is full" in str(exc) else key)
        return StoreError(template.format(path=self.path) if template else f"草稿库出错：{exc}（{self.path}）")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None
            self._cache.clear()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - a safety net; close() is the contract
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreError("草稿库已关闭")
        return self._conn

    @contextmanager
    def _txn(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE: the write lock up front, waiting on busy)."""
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._error(exc) from None
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    try:
                        conn.execute("ROLLBACK")
                    except sqlite3.Error:
                        pass
                self._cache.clear()
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc) from None
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot."""
        with self._lock:
            conn = self.conn
            try:
                conn.execute("BEGIN")
                try:
                    yield conn
                finally:
                    if conn.in_transaction:
                        conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def _now(self) -> dt.datetime:
        return self._clock().astimezone(UTC)

    # -- drafts -------------------------------------------------------------------------

    def create(self, draft: Draft, reason: str = "新建") -> str:
        """Store a new draft; returns its id (a UUID string)."""
        return self._insert(draft, str(uuid.uuid4()), reason)[0]

    def _insert(self, draft: Draft, draft_id: str, reason: str, origin_id: str | None = None,
                personal_removed: bool = False) -> tuple[str, bool]:
        """Insert a new draft under ``draft_id``, or under a fresh id when that one is taken
        (checked inside the write transaction). Returns (id, whether it was taken)."""
        prep = _summarise(draft, self._hasher)
        now = _iso(self._now())
        with self._txn() as conn:
            taken = conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is not None
            if taken:
                reason = f"{reason}（与已有草稿 {draft_id} 同源，另存为新草稿）"
                draft_id = str(uuid.uuid4())
            conn.execute(
                "INSERT INTO drafts (id, form_id, data, created, updated, deleted_at, origin_id, "
                "personal_removed, unit_name, problem_count, error_count, content_hash) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                (draft_id, prep.form_id, prep.data_json, now, now, origin_id, int(personal_removed),
                 prep.unit_name, prep.problem_count, prep.error_count, prep.content_hash))
            self._sync_files(conn, "draft_files", "draft_id", draft_id, prep.files)
            self._add_revision(conn, draft_id, prep, reason, explicit=True)
        self._remember(draft_id, prep, draft)
        return draft_id, taken

    def list_drafts(self, include_deleted: bool = False) -> list[DraftSummary]:
        """The drafts, most recently changed first (with ``include_deleted`` the trash too)."""
        where = "" if include_deleted else "WHERE deleted_at IS NULL"
        with self._read() as conn:
            rows = conn.execute(
                "SELECT id, unit_name, updated, problem_count, error_count, form_id, deleted_at, "
                f"personal_removed FROM drafts {where} ORDER BY updated DESC, id").fetchall()
        return [DraftSummary(r[0], r[1], _parse(r[2]), r[3], r[4], r[5], _parse(r[6]), bool(r[7]))
                for r in rows]

    def summary(self, draft_id: str) -> DraftSummary:
        with self._read() as conn:
            r = conn.execute(
                "SELECT id, unit_name, updated, problem_count, error_count, form_id, deleted_at, "
                "personal_removed FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if r is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        return DraftSummary(r[0], r[1], _parse(r[2]), r[3], r[4], r[5], _parse(r[6]), bool(r[7]))

    def load(self, draft_id: str) -> Draft:
        """The draft with its attachment bytes (a copy: changing it changes nothing stored)."""
        with self._read() as conn:
            return self._load_current(conn, draft_id).copy()

    def _load_current(self, conn: sqlite3.Connection, draft_id: str) -> Draft:
        """The stored draft, from the cache when it is current (callers copy before changing)."""
        row = conn.execute("SELECT form_id, data, content_hash FROM drafts WHERE id = ?",
                           (draft_id,)).fetchone()
        if row is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        hit = self._cache.get(draft_id)
        if hit is not None and row[2] and hit[0] == row[2]:
            return hit[1]
        files = self._files(conn, "draft_files", "draft_id", draft_id)
        draft = _draft_from_row(row[0], row[1], files)
        self._cache[draft_id] = (row[2], draft)
        return draft

    def _remember(self, draft_id: str, prep: _Prepared, draft: Draft) -> None:
        """Keep what was just stored (only the referenced attachments, as a load would)."""
        if len(self._cache) > 32:
            self._cache.pop(next(iter(self._cache)))
        cached = draft.copy()
        cached.files = {name: f[2] for name, f in prep.files.items()}
        self._cache[draft_id] = (prep.content_hash, cached)

    def save(self, draft_id: str, draft: Draft, reason: str | None = None, *,
             problems: list | None = None) -> None:
        """Autosave the whole draft (committed when this returns). With a ``reason`` ("保存",
        "打印", ...) also record an explicit revision, even when nothing changed.

        ``problems``: the editor's current ``validate(draft)`` result, if it has one, for the
        listing's problem counts (saves validating again: the largest cost of a save)."""
        prep = _summarise(draft, self._hasher, problems)
        with self._txn() as conn:
            self._write(conn, draft_id, prep, reason)
        self._remember(draft_id, prep, draft)

    def set_value(self, draft_id: str, path: str, value: Any, *, problems: list | None = None) -> None:
        """Change one field (``team.members[2].name``), cleaned by its field type, and commit.
        The read and the write are one transaction, so two writers never lose each other's
        change. ``problems``: as for :meth:`save` (the editor's validation after the change)."""
        with self._txn() as conn:
            draft = self._load_current(conn, draft_id).copy()
            try:
                draft.set(path, value)
            except (IndexError, KeyError, TypeError) as exc:
                raise KeyError(f"{path}: {exc}") from None
            prep = _summarise(draft, self._hasher, problems)
            self._write(conn, draft_id, prep, None)
        self._remember(draft_id, prep, draft)

    def _write(self, conn: sqlite3.Connection, draft_id: str, prep: _Prepared, reason: str | None) -> None:
        row = conn.execute("SELECT content_hash, deleted_at FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        if row[1] is not None:
            raise StoreError("这份草稿在回收站中，请先恢复再修改")
        if row[0] == prep.content_hash and reason is None:
            return
        if row[0] != prep.content_hash:
            conn.execute(
                "UPDATE drafts SET form_id = ?, data = ?, updated = ?, unit_name = ?, problem_count = ?, "
                "error_count = ?, content_hash = ? WHERE id = ?",
                (prep.form_id, prep.data_json, _iso(self._now()), prep.unit_name, prep.problem_count,
                 prep.error_count, prep.content_hash, draft_id))
            self._sync_files(conn, "draft_files", "draft_id", draft_id, prep.files)
        self._add_revision(conn, draft_id, prep, reason, explicit=reason is not None)

    # -- attachments --------------------------------------------------------------------

    @staticmethod
    def _files(conn: sqlite3.Connection, table: str, key_col: str, key: Any) -> dict[str, bytes]:
        return {name: blob for name, blob in conn.execute(
            f"SELECT f.name, b.data FROM {table} f JOIN blobs b ON b.sha256 = f.sha256 "
            f"WHERE f.{key_col} = ? ORDER BY f.rowid", (key,))}

    def _sync_files(self, conn: sqlite3.Connection, table: str, key_col: str, key: Any,
                    files: dict[str, tuple[str, str, bytes]]) -> None:
        current = dict(conn.execute(f"SELECT name, sha256 FROM {table} WHERE {key_col} = ?", (key,)))
        dropped: set[str] = set()
        for name, sha in current.items():
            if name not in files or files[name][0] != sha:
                conn.execute(f"DELETE FROM {table} WHERE {key_col} = ? AND name = ?", (key, name))
                dropped.add(sha)
        for name, (sha, mime, blob) in files.items():
            if current.get(name) == sha:
                continue
            if conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", (sha,)).fetchone() is None:
                conn.execute("INSERT INTO blobs (sha256, size, data) VALUES (?, ?, ?)", (sha, len(blob), blob))
            conn.execute(f"INSERT INTO {table} ({key_col}, name, mime, sha256) VALUES (?, ?, ?, ?)",
                         (key, name, mime, sha))
        self._collect_blobs(conn, dropped - {f[0] for f in files.values()})

    @staticmethod
    def _collect_blobs(conn: sqlite3.Connection, candidates: set[str] | None = None) -> None:
        """Delete attachment bytes nothing refers to (all of them when ``candidates`` is None)."""
        unused = ("NOT EXISTS (SELECT 1 FROM draft_files f WHERE f.sha256 = blobs.sha256) AND "
                  "NOT EXISTS (SELECT 1 FROM revision_files r WHERE r.sha256 = blobs.sha256)")
        if candidates is None:
            conn.execute(f"DELETE FROM blobs WHERE {unused}")
            return
        for sha in candidates:
            conn.execute(f"DELETE FROM blobs WHERE sha256 = ? AND {unused}", (sha,))

    # -- revisions ----------------------------------------------------------------------

    def _add_revision(self, conn: sqlite3.Connection, draft_id: str, prep: _Prepared,
                      reason: str | None, explicit: bool) -> None:
        now = self._now()
        if not explicit:
            latest = conn.execute(
                "SELECT id, explicit, opened, content_hash, length(data) FROM revisions WHERE draft_id = ? "
                "ORDER BY id DESC LIMIT 1", (draft_id,)).fetchone()
            if latest is not None and latest[3] == prep.content_hash:
                return
            # A save that removes a lot at once (select all + delete, a paste over a paragraph)
            # never overwrites the revision holding the text as it was before.
            large_deletion = latest is not None and latest[4] - len(prep.data_json) > LARGE_DELETION_CHARS
            if (latest is not None and not latest[1] and not large_deletion
                    and now - _parse(latest[2]) < AUTO_REVISION_INTERVAL):
                conn.execute("UPDATE revisions SET created = ?, content_hash = ?, form_id = ?, data = ? "
                             "WHERE id = ?", (_iso(now), prep.content_hash, prep.form_id, prep.data_json,
                                              latest[0]))
                self._sync_files(conn, "revision_files", "revision_id", latest[0], prep.files)
                return
        cur = conn.execute(
            "INSERT INTO revisions (draft_id, created, opened, reason, explicit, content_hash, form_id, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (draft_id, _iso(now), _iso(now), reason or AUTO_REASON, int(explicit), prep.content_hash,
             prep.form_id, prep.data_json))
        self._sync_files(conn, "revision_files", "revision_id", cur.lastrowid, prep.files)

    def revisions(self, draft_id: str) -> list[RevisionInfo]:
        """The draft's revisions, newest first."""
        with self._read() as conn:
            if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is None:
                raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
            rows = conn.execute("SELECT id, created, reason, content_hash, explicit FROM revisions "
                                "WHERE draft_id = ? ORDER BY id DESC", (draft_id,)).fetchall()
        return [RevisionInfo(r[0], _parse(r[1]), r[2], r[3][:8].upper(), bool(r[4])) for r in rows]

    def _load_revision(self, conn: sqlite3.Connection, draft_id: str, revision_id: int) -> Draft:
        row = conn.execute("SELECT form_id, data FROM revisions WHERE id = ? AND draft_id = ?",
                           (revision_id, draft_id)).fetchone()
        if row is None:
            raise NoSuchDraft(f"草稿 {draft_id} 没有第 {revision_id} 号版本")
        return _draft_from_row(row[0], row[1], self._files(conn, "revision_files", "revision_id", revision_id))

    def load_revision(self, draft_id: str, revision_id: int) -> Draft:
        with self._read() as conn:
            return self._load_revision(conn, draft_id, revision_id)

    def restore_revision(self, draft_id: str, revision_id: int) -> None:
        """Make an old revision current again; recorded as a new revision (nothing is lost)."""
        from forms.display import datetime_text

        with self._txn() as conn:
            draft = self._load_revision(conn, draft_id, revision_id)
            created = conn.execute("SELECT created FROM revisions WHERE id = ?", (revision_id,)).fetchone()[0]
            prep = _summarise(draft, self._hasher)
            reason = f"恢复到第 {revision_id} 号版本（{datetime_text(_parse(created).astimezone())}）"
            self._write(conn, draft_id, prep, reason)
        self._remember(draft_id, prep, draft)

    # -- duplicate, trash ---------------------------------------------------------------

    def duplicate(self, draft_id: str) -> str:
        """A copy of the draft under a new id (history starts afresh with one revision)."""
        with self._read() as conn:
            draft = self._load_current(conn, draft_id).copy()
        return self._insert(draft, str(uuid.uuid4()), f"复制自草稿 {draft_id}")[0]

    def delete(self, draft_id: str) -> None:
        """Move the draft to the trash (restorable for :data:`TRASH_DAYS` days)."""
        with self._txn() as conn:
            self._must_exist(conn, draft_id)
            conn.execute("UPDATE drafts SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                         (_iso(self._now()), draft_id))

    def restore(self, draft_id: str) -> None:
        """Take the draft out of the trash."""
        with self._txn() as conn:
            self._must_exist(conn, draft_id)
            conn.execute("UPDATE drafts SET deleted_at = NULL WHERE id = ?", (draft_id,))

    @staticmethod
    def _must_exist(conn: sqlite3.Connection, draft_id: str) -> None:
        if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")

    def purge_trash(self, now: dt.datetime | None = None, days: int = TRASH_DAYS) -> int:
        """Delete for good the drafts in the trash for ``days`` days or more; returns how many."""
        cutoff = _iso((now or self._now()) - dt.timedelta(days=days))
        with self._txn() as conn:
            ids = [r[0] for r in conn.execute(
                "SELECT id FROM drafts WHERE deleted_at IS NOT NULL AND deleted_at <= ?", (cutoff,))]
            for draft_id in ids:
                self._erase(conn, draft_id)
            if ids:
                self._collect_blobs(conn)
        for draft_id in ids:
            self._cache.pop(draft_id, None)
        return len(ids)

    @staticmethod
    def _erase(conn: sqlite3.Connection, draft_id: str) -> None:
        conn.execute("DELETE FROM revision_files WHERE revision_id IN "
                     "(SELECT id FROM revisions WHERE draft_id = ?)", (draft_id,))
        conn.execute("DELETE FROM revisions WHERE draft_id = ?", (draft_id,))
        conn.execute("DELETE FROM draft_files WHERE draft_id = ?", (draft_id,))
        conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))

    def thin_revisions(self, now: dt.datetime | None = None) -> int:
        """Automatic revisions older than :data:`THIN_AFTER`: keep the newest per draft and UTC
        day. Returns how many were deleted."""
        cutoff = _iso((now or self._now()) - THIN_AFTER)
        doomed_sql = ("SELECT id FROM revisions WHERE explicit = 0 AND created < :c AND id NOT IN "
                      "(SELECT max(id) FROM revisions WHERE explicit = 0 AND created < :c "
                      "GROUP BY draft_id, substr(created, 1, 10))")
        with self._read() as conn:
            if conn.execute(f"SELECT 1 FROM ({doomed_sql}) LIMIT 1", {"c": cutoff}).fetchone() is None:
                return 0
        with self._txn() as conn:
            doomed = [r[0] for r in conn.execute(doomed_sql, {"c": cutoff})]
            for rid in doomed:
                conn.execute("DELETE FROM revision_files WHERE revision_id = ?", (rid,))
                conn.execute("DELETE FROM revisions WHERE id = ?", (rid,))
            self._collect_blobs(conn)
        return len(doomed)

    def maintain(self, now: dt.datetime | None = None) -> None:
        """Retention: purge the old trash and thin old automatic revisions. Writes only when
        there is something to delete."""
        cutoff = _iso((now or self._now()) - dt.timedelta(days=TRASH_DAYS))
        with self._read() as conn:
            stale = conn.execute("SELECT 1 FROM drafts WHERE deleted_at IS NOT NULL AND deleted_at <= ? "
                                 "LIMIT 1", (cutoff,)).fetchone()
        if stale:
            self.purge_trash(now)
        self.thin_revisions(now)

    # -- draft files --------------------------------------------------------------------

    def _refuse_own_files(self, path: Path) -> None:
        """Never write an export or backup over the store itself (or its journal files)."""
        target = Path(path).resolve()
        own = Path(self.path).resolve()
        names = {own, *(own.with_name(own.name + suffix) for suffix in ("-wal", "-shm", "-journal"))}
        same = target in names
        if not same and target.exists():
            try:
                same = os.path.samefile(target, own)
            except OSError:
                same = False
        if same:
            raise StoreError(f"不能写到草稿库文件本身：{path}。请换一个文件名。")

    def export_file(self, draft_id: str, path: Path, *, without_personal: bool = False,
                    passphrase: str | None = None) -> None:
        """Write the draft to a ``.shenbao`` draft file (see :mod:`forms.draftfile`)."""
        from forms.draftfile import write_draft_file

        self._refuse_own_files(path)
        draft = self.load(draft_id)
        try:
            write_draft_file(draft, Path(path), draft_id=draft_id, without_personal=without_personal,
                             passphrase=passphrase)
        except OSError as exc:
            raise StoreError(f"无法写入 {path}：{exc.strerror or exc}") from None

    def import_file(self, path: Path, *, passphrase: str | None = None) -> ImportResult:
        """Read a draft file (hostile until proven otherwise) and add it as a draft.
        :class:`forms.draft.DraftInputError` when the file is unusable; the store is unchanged."""
        from forms.draftfile import read_draft_file

        found = read_draft_file(Path(path), passphrase=passphrase)
        return self.import_draft(found.draft, found.draft_id, personal_removed=found.personal_removed)

    def import_draft(self, draft: Draft, original_id: str | None = None, reason: str = "导入", *,
                     personal_removed: bool = False) -> ImportResult:
        """Add a draft from elsewhere. It keeps ``original_id`` unless that id is already in the
        store: then it gets a new id and ``conflict`` is True (nothing is overwritten)."""
        from forms.draftfile import is_uuid

        original = original_id if is_uuid(original_id) else None
        new_id, taken = self._insert(draft, original or str(uuid.uuid4()), reason, origin_id=original,
                                     personal_removed=personal_removed)
        return ImportResult(draft_id=new_id, original_id=original or "", conflict=taken,
                            personal_removed=personal_removed)

    # -- checks and backups -------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` messages; ``["ok"]`` for a sound store."""
        with self._lock:
            try:
                return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def backup(self, path: Path) -> None:
        """A consistent copy of the whole store (safe while the editor autosaves)."""
        from forms.fsutil import fsync_dir, replace_with_retry

        path = Path(path)
        self._refuse_own_files(path)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
        try:
            dest = sqlite3.connect(str(tmp))
            try:
                with self._lock:
                    self.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
            finally:
                dest.close()
            with open(tmp, "rb+") as fh:
                os.fsync(fh.fileno())
            replace_with_retry(tmp, path)
            fsync_dir(path.parent)
        except sqlite3.Error as exc:
            raise self._error(exc) from None
        except OSError as exc:
            raise StoreError(f"无法写入备份 {path}：{exc.strerror or exc}") from None
        finally:
            tmp.unlink(missing_ok=True)
