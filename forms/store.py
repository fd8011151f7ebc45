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
The migrations live in :mod:`forms.store_schema`; the row codec (draft ↔ row values, content
hash, listing summary, stored times) in :mod:`forms.store_codec`; rows are read by column name
(``sqlite3.Row``).

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
The editor owns the draft (its :class:`forms.model.DraftModel`); the store keeps no copy of it.
The editor calls :meth:`Store.save` debounced (≤ 500 ms after the last keystroke) with its live
draft and, when it has them, its current problems (then the save does not validate again). A save
hashes the draft (the canonical JSON; attachment bytes are hashed once per bytes object) and, when
the hash equals the stored one, returns False after one read — no write, no write lock, no
validation. Otherwise it commits before it returns (durable, ``synchronous=FULL``) and returns
True. ``tests/benchmarks/bench_store.py`` measures both on the maximal draft. The store is
thread-safe (one lock around its one connection), so a caller may also save from a worker thread
with :meth:`forms.model.DraftModel.snapshot`.

Files
-----
On POSIX the store, its ``-wal``/``-shm`` files (SQLite gives them the store's mode), backups and
exported draft files are created ``0600``: they hold identity numbers and bank accounts. A path
that is empty, ends in a separator, names a folder or is a dangling symbolic link is refused.
``read_only=True`` opens with ``mode=ro``; where the ``-shm`` file cannot be created (a read-only
share), with ``immutable=1``, or — when an uncheckpointed ``-wal`` lies beside it — from a private
copy of the store and its ``-wal`` in a temporary folder, so no committed word is missed.

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
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from forms.draft import Draft
from forms.fsutil import commit_temp_file, create_private, new_temp_file, os_error_text
from forms.store_codec import (
    UTC,
    Encoded,
    StoreError,
    draft_from_row,
    encode,
    iso,
    new_hasher,
    parse_time,
    problem_counts,
)
from forms.store_schema import APPLICATION_ID, SCHEMA_VERSION, migrations

__all__ = [
    "APPLICATION_ID", "AUTO_REASON", "AUTO_REVISION_INTERVAL", "LARGE_DELETION_CHARS",
    "SCHEMA_VERSION", "THIN_AFTER", "TRASH_DAYS", "UTC", "AmbiguousId", "DraftSummary", "ImportResult",
    "NoSuchDraft", "RevisionInfo", "Store", "StoreError", "checked_store_path", "default_store_path",
]

AUTO_REVISION_INTERVAL = dt.timedelta(minutes=5)
THIN_AFTER = dt.timedelta(days=30)
TRASH_DAYS = 30
BUSY_TIMEOUT_SECONDS = 5.0
AUTO_REASON = "自动保存"
#: An autosave shrinking the draft by more than this many characters opens a new revision.
LARGE_DELETION_CHARS = 200
#: Revision ids are SQLite integers: anything outside 1..2**63-1 is no revision.
_MAX_ROWID = 2 ** 63 - 1


def default_store_path() -> Path:
    """``SHENBAO_DB`` if set, else the per-user data folder's ``drafts.sqlite3``."""
    env = os.environ.get("SHENBAO_DB")
    if env:
        return Path(env)
    import platformdirs

    return platformdirs.user_data_path("Shenbao", appauthor=False, roaming=False) / "drafts.sqlite3"


def checked_store_path(raw: str | os.PathLike) -> Path:
    """``raw`` as a store path, or StoreError (in Chinese) for an empty path, a path ending in
    a separator, a folder, or a symbolic link to nothing (which SQLite would create through)."""
    text = os.fspath(raw)
    if not isinstance(text, str) or not text.strip():
        raise StoreError("草稿库路径是空的。请给出草稿库文件的路径，例如 --db 我的草稿.sqlite3")
    if text.endswith(tuple(sep for sep in (os.sep, os.altsep, "/") if sep)):
        raise StoreError(f"草稿库路径 {text} 以分隔符结尾，是一个文件夹。请在后面加上文件名，"
                         f"例如 {text}drafts.sqlite3")
    path = Path(text)
    if path.is_dir():
        raise StoreError(f"{path} 是文件夹，不是草稿库文件。请给出文件名，例如 {path / 'drafts.sqlite3'}")
    if path.is_symlink() and not path.exists():
        raise StoreError(f"草稿库路径 {path} 是一个指向不存在位置的链接，已拒绝。请给出草稿库文件本身的路径。")
    return path


def _new_id() -> str:
    """A new draft ID. ``uuid`` (which loads ``platform``) is imported here, not at the editor's
    start, which only opens drafts that exist."""
    import uuid

    return str(uuid.uuid4())


class NoSuchDraft(StoreError):
    """No draft (or revision) with that id."""


class AmbiguousId(StoreError):
    """A draft id prefix that matches more than one draft."""


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


_SUMMARY_SQL = ("SELECT id, unit_name, updated, problem_count, error_count, form_id, deleted_at, "
                "personal_removed FROM drafts")


def _summary(row: sqlite3.Row) -> DraftSummary:
    return DraftSummary(row["id"], row["unit_name"], parse_time(row["updated"]), row["problem_count"],
                        row["error_count"], row["form_id"], parse_time(row["deleted_at"]),
                        bool(row["personal_removed"]))


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


def _error_key(exc: sqlite3.Error) -> str:
    """The primary result code name (``SQLITE_IOERR`` for ``SQLITE_IOERR_WRITE``)."""
    if "disk is full" in str(exc):
        return "SQLITE_FULL"
    return "_".join((getattr(exc, "sqlite_errorname", "") or "").split("_")[:2])


# --------------------------------------------------------------------------- the store


class Store:
    """The local store. One connection behind one lock: safe to call from any thread."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False,
                 clock: Callable[[], dt.datetime] | None = None):
        self._conn: sqlite3.Connection | None = None
        self._copy_dir: Path | None = None
        self.path = checked_store_path(path) if path is not None else checked_store_path(default_store_path())
        self.read_only = read_only
        self._clock = clock or (lambda: dt.datetime.now(UTC))
        self._lock = threading.RLock()
        self._hasher = new_hasher()
        try:
            self._open()
        except BaseException:
            self.close()
            raise

    @property
    def db(self):
        """sqlite-utils' ``Database`` over this store's connection (migrations, tests); made on
        first use, so a store that needs no migration never imports sqlite-utils."""
        db = self.__dict__.get("_db")
        if db is None or db.conn is not self._conn:
            from sqlite_utils import Database

            db = self._db = Database(self._conn, recursive_triggers=False, execute_plugins=False)
        return db

    # -- opening ------------------------------------------------------------------------

    def _connect(self, target: str, uri: bool) -> sqlite3.Connection:
        conn = sqlite3.connect(target, uri=uri, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None,
                               check_same_thread=False)
        conn.row_factory = sqlite3.Row
        return conn

    def _open_read_only(self) -> sqlite3.Connection:
        """``mode=ro``; where the ``-shm`` cannot be created (a read-only folder), ``immutable=1``
        — or, when committed work waits in a ``-wal`` beside it, a private copy of both."""
        if not self.path.is_file():
            raise StoreError(f"找不到草稿库文件：{self.path}")
        base = self.path.resolve().as_uri()
        conn = self._connect(base + "?mode=ro", True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.Error as exc:
            conn.close()
            if _error_key(exc) not in ("SQLITE_CANTOPEN", "SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_PERM"):
                raise
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.is_file() and wal.stat().st_size > 0:
            self._copy_dir = Path(tempfile.mkdtemp(prefix="shenbao-readonly-"))
            copy = self._copy_dir / "drafts.sqlite3"
            try:
                shutil.copyfile(self.path, copy)
                shutil.copyfile(wal, copy.with_name(copy.name + "-wal"))
            except OSError as exc:
                raise StoreError(f"无法读取草稿库 {self.path}：{os_error_text(exc)}") from None
            return self._connect(copy.as_uri() + "?mode=ro", True)
        return self._connect(base + "?mode=ro&immutable=1", True)

    def _open(self) -> None:
        if self.read_only:
            try:
                self._conn = self._open_read_only()
            except sqlite3.Error as exc:
                raise self._error(exc) from None
        else:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"无法创建草稿库所在的文件夹 {self.path.parent}：{os_error_text(exc)}") from None
            try:  # created private before SQLite sees it; SQLite gives -wal/-shm the same mode
                os.close(create_private(self.path))
            except FileExistsError:
                pass
            except OSError as exc:
                raise StoreError(f"无法创建草稿库文件 {self.path}：{os_error_text(exc)}") from None
            try:
                self._conn = self._connect(str(self.path), False)
            except sqlite3.Error as exc:
                raise self._error(exc) from None
        conn = self._conn
        try:
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
                migrations().apply(self.db)
                if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                    raise StoreError(f"草稿库的结构升级未完成：{self.path}")
        try:
            self.maintain()
        except StoreError:
            pass  # retention can wait for the next start; the store itself is usable

    def _error(self, exc: sqlite3.Error) -> StoreError:
        """A clear Chinese message for an SQLite error (by its primary result code)."""
        template = _MESSAGES.get(_error_key(exc))
        return StoreError(template.format(path=self.path) if template else f"草稿库出错：{exc}（{self.path}）")

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                try:
                    self._conn.close()
                finally:
                    self._conn = None
            if self._copy_dir is not None:
                shutil.rmtree(self._copy_dir, ignore_errors=True)
                self._copy_dir = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:  # pragma: no cover - a safety net; close() is the contract
        conn = getattr(self, "_conn", None)
        if conn is not None:
            conn.close()
        if getattr(self, "_copy_dir", None) is not None:
            shutil.rmtree(self._copy_dir, ignore_errors=True)

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
                if isinstance(exc, sqlite3.Error):
                    raise self._error(exc) from None
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A consistent read snapshot (never waits for a writer: WAL)."""
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
        return self._insert(draft, _new_id(), reason)[0]

    def _insert(self, draft: Draft, draft_id: str, reason: str, origin_id: str | None = None,
                personal_removed: bool = False) -> tuple[str, bool]:
        """Insert a new draft under ``draft_id``, or under a fresh id when that one is taken
        (checked inside the write transaction). Returns (id, whether it was taken)."""
        enc = encode(draft, self._hasher)
        n_problems, n_errors = problem_counts(draft)
        now = iso(self._now())
        with self._txn() as conn:
            taken = conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is not None
            if taken:
                reason = f"{reason}（与已有草稿 {draft_id} 同源，另存为新草稿）"
                draft_id = _new_id()
            conn.execute(
                "INSERT INTO drafts (id, form_id, data, created, updated, deleted_at, origin_id, "
                "personal_removed, unit_name, problem_count, error_count, content_hash) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?)",
                (draft_id, enc.form_id, enc.data_json, now, now, origin_id, int(personal_removed),
                 enc.unit_name, n_problems, n_errors, enc.content_hash))
            self._sync_files(conn, "draft_files", "draft_id", draft_id, enc.files)
            self._add_revision(conn, draft_id, enc, reason, explicit=True)
        return draft_id, taken

    def list_drafts(self, include_deleted: bool = False) -> list[DraftSummary]:
        """The drafts, most recently changed first (with ``include_deleted`` the trash too)."""
        where = "" if include_deleted else " WHERE deleted_at IS NULL"
        with self._read() as conn:
            rows = conn.execute(f"{_SUMMARY_SQL}{where} ORDER BY updated DESC, id").fetchall()
        return [_summary(r) for r in rows]

    def summary(self, draft_id: str) -> DraftSummary:
        with self._read() as conn:
            row = conn.execute(f"{_SUMMARY_SQL} WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        return _summary(row)

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one draft (in the trash too) whose id starts with ``prefix``;
        NoSuchDraft when none does, AmbiguousId (a StoreError) when several do."""
        text = (prefix or "").strip().lower()
        if not text:
            raise NoSuchDraft("请给出草稿编号（可只写开头几位）")
        with self._read() as conn:
            ids = [r["id"] for r in conn.execute(
                "SELECT id FROM drafts WHERE substr(id, 1, ?) = ? ORDER BY id LIMIT 4", (len(text), text))]
        if not ids:
            raise NoSuchDraft(f"没有编号为 {prefix} 的草稿")
        if len(ids) > 1:
            shown = "、".join(ids[:3]) + ("……" if len(ids) > 3 else "")
            raise AmbiguousId(f"编号以 {prefix} 开头的草稿不止一份（{shown}），请多写几位")
        return ids[0]

    def load(self, draft_id: str) -> Draft:
        """The draft with its attachment bytes (a new object: changing it changes nothing stored)."""
        with self._read() as conn:
            return self._load_current(conn, draft_id)

    def _load_current(self, conn: sqlite3.Connection, draft_id: str) -> Draft:
        row = conn.execute("SELECT form_id, data FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        return draft_from_row(row["form_id"], row["data"], self._files(conn, "draft_files", "draft_id", draft_id))

    def save(self, draft_id: str, draft: Draft, reason: str | None = None, *,
             problems: list | None = None) -> bool:
        """Autosave the whole draft; True when something was written (committed when this
        returns). Unchanged content (the content hash) costs one read and writes nothing.
        With a ``reason`` ("保存", "打印", ...) also record an explicit revision, even when
        nothing changed.

        ``problems``: the editor's current ``validate(draft)`` result, if it has one, for the
        listing's problem counts (without it a changed save validates: its largest cost)."""
        enc = encode(draft, self._hasher)
        if reason is None:
            with self._read() as conn:
                row = self._writable_row(conn, draft_id)
            if row["content_hash"] == enc.content_hash:
                return False
        counts = problem_counts(draft, problems)
        with self._txn() as conn:
            return self._write(conn, draft_id, enc, counts, reason)

    def set_value(self, draft_id: str, path: str, value: Any, *, problems: list | None = None) -> bool:
        """Load, set one field (``team.members[2].name``, cleaned by its field type) and save,
        in one write transaction (two writers never lose each other's change). For scripts and
        tests; the editor saves its own draft with :meth:`save`."""
        with self._txn() as conn:
            draft = self._load_current(conn, draft_id)
            try:
                draft.set(path, value)
            except (IndexError, KeyError, TypeError) as exc:
                raise KeyError(f"{path}: {exc}") from None
            return self._write(conn, draft_id, encode(draft, self._hasher), problem_counts(draft, problems), None)

    @staticmethod
    def _writable_row(conn: sqlite3.Connection, draft_id: str) -> sqlite3.Row:
        row = conn.execute("SELECT content_hash, deleted_at FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        if row is None:
            raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
        if row["deleted_at"] is not None:
            raise StoreError("这份草稿在回收站中，请先恢复再修改")
        return row

    def _write(self, conn: sqlite3.Connection, draft_id: str, enc: Encoded, counts: tuple[int, int],
               reason: str | None) -> bool:
        row = self._writable_row(conn, draft_id)
        changed = row["content_hash"] != enc.content_hash
        if not changed and reason is None:
            return False
        if changed:
            conn.execute(
                "UPDATE drafts SET form_id = ?, data = ?, updated = ?, unit_name = ?, problem_count = ?, "
                "error_count = ?, content_hash = ? WHERE id = ?",
                (enc.form_id, enc.data_json, iso(self._now()), enc.unit_name, counts[0], counts[1],
                 enc.content_hash, draft_id))
            self._sync_files(conn, "draft_files", "draft_id", draft_id, enc.files)
        self._add_revision(conn, draft_id, enc, reason, explicit=reason is not None)
        return True

    # -- attachments --------------------------------------------------------------------

    @staticmethod
    def _files(conn: sqlite3.Connection, table: str, key_col: str, key: Any) -> dict[str, bytes]:
        return {r["name"]: r["data"] for r in conn.execute(
            f"SELECT f.name, b.data FROM {table} f JOIN blobs b ON b.sha256 = f.sha256 "
            f"WHERE f.{key_col} = ? ORDER BY f.rowid", (key,))}

    def _sync_files(self, conn: sqlite3.Connection, table: str, key_col: str, key: Any,
                    files: dict[str, tuple[str, str, bytes]]) -> None:
        current = {r["name"]: r["sha256"] for r in conn.execute(
            f"SELECT name, sha256 FROM {table} WHERE {key_col} = ?", (key,))}
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

    def _add_revision(self, conn: sqlite3.Connection, draft_id: str, enc: Encoded,
                      reason: str | None, explicit: bool) -> None:
        now = self._now()
        if not explicit:
            latest = conn.execute(
                "SELECT id, explicit, opened, content_hash, length(data) AS chars FROM revisions "
                "WHERE draft_id = ? ORDER BY id DESC LIMIT 1", (draft_id,)).fetchone()
            if latest is not None and latest["content_hash"] == enc.content_hash:
                return
            # A save that removes a lot at once (select all + delete, a paste over a paragraph)
            # never overwrites the revision holding the text as it was before.
            large_deletion = latest is not None and latest["chars"] - len(enc.data_json) > LARGE_DELETION_CHARS
            if (latest is not None and not latest["explicit"] and not large_deletion
                    and now - parse_time(latest["opened"]) < AUTO_REVISION_INTERVAL):
                conn.execute("UPDATE revisions SET created = ?, content_hash = ?, form_id = ?, data = ? "
                             "WHERE id = ?", (iso(now), enc.content_hash, enc.form_id, enc.data_json,
                                              latest["id"]))
                self._sync_files(conn, "revision_files", "revision_id", latest["id"], enc.files)
                return
        cur = conn.execute(
            "INSERT INTO revisions (draft_id, created, opened, reason, explicit, content_hash, form_id, data) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (draft_id, iso(now), iso(now), reason or AUTO_REASON, int(explicit), enc.content_hash,
             enc.form_id, enc.data_json))
        self._sync_files(conn, "revision_files", "revision_id", cur.lastrowid, enc.files)

    def revisions(self, draft_id: str) -> list[RevisionInfo]:
        """The draft's revisions, newest first."""
        with self._read() as conn:
            if conn.execute("SELECT 1 FROM drafts WHERE id = ?", (draft_id,)).fetchone() is None:
                raise NoSuchDraft(f"没有编号为 {draft_id} 的草稿")
            rows = conn.execute("SELECT id, created, reason, content_hash, explicit FROM revisions "
                                "WHERE draft_id = ? ORDER BY id DESC", (draft_id,)).fetchall()
        return [RevisionInfo(r["id"], parse_time(r["created"]), r["reason"], r["content_hash"][:8].upper(),
                             bool(r["explicit"])) for r in rows]

    def _revision_row(self, conn: sqlite3.Connection, draft_id: str, revision_id: int) -> sqlite3.Row:
        row = None
        if isinstance(revision_id, int) and not isinstance(revision_id, bool) and 0 < revision_id <= _MAX_ROWID:
            row = conn.execute("SELECT id, created, form_id, data FROM revisions WHERE id = ? AND draft_id = ?",
                               (revision_id, draft_id)).fetchone()
        if row is None:
            self._must_exist(conn, draft_id)
            raise NoSuchDraft(f"草稿 {draft_id} 没有第 {revision_id} 号版本")
        return row

    def _load_revision(self, conn: sqlite3.Connection, row: sqlite3.Row) -> Draft:
        return draft_from_row(row["form_id"], row["data"],
                              self._files(conn, "revision_files", "revision_id", row["id"]))

    def load_revision(self, draft_id: str, revision_id: int) -> Draft:
        with self._read() as conn:
            return self._load_revision(conn, self._revision_row(conn, draft_id, revision_id))

    def restore_revision(self, draft_id: str, revision_id: int) -> None:
        """Make an old revision current again; recorded as a new revision (nothing is lost)."""
        from forms.display import datetime_text

        with self._txn() as conn:
            row = self._revision_row(conn, draft_id, revision_id)
            draft = self._load_revision(conn, row)
            reason = f"恢复到第 {revision_id} 号版本（{datetime_text(parse_time(row['created']).astimezone())}）"
            self._write(conn, draft_id, encode(draft, self._hasher), problem_counts(draft), reason)

    # -- duplicate, trash ---------------------------------------------------------------

    def duplicate(self, draft_id: str) -> str:
        """A copy of the draft under a new id (history starts afresh with one revision)."""
        return self._insert(self.load(draft_id), _new_id(), f"复制自草稿 {draft_id}")[0]

    def delete(self, draft_id: str) -> None:
        """Move the draft to the trash (restorable for :data:`TRASH_DAYS` days)."""
        with self._txn() as conn:
            self._must_exist(conn, draft_id)
            conn.execute("UPDATE drafts SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                         (iso(self._now()), draft_id))

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
        cutoff = iso((now or self._now()) - dt.timedelta(days=days))
        with self._txn() as conn:
            ids = [r["id"] for r in conn.execute(
                "SELECT id FROM drafts WHERE deleted_at IS NOT NULL AND deleted_at <= ?", (cutoff,))]
            for draft_id in ids:
                self._erase(conn, draft_id)
            if ids:
                self._collect_blobs(conn)
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
        cutoff = iso((now or self._now()) - THIN_AFTER)
        doomed_sql = ("SELECT id FROM revisions WHERE explicit = 0 AND created < :c AND id NOT IN "
                      "(SELECT max(id) FROM revisions WHERE explicit = 0 AND created < :c "
                      "GROUP BY draft_id, substr(created, 1, 10))")
        with self._read() as conn:
            if conn.execute(f"SELECT 1 FROM ({doomed_sql}) LIMIT 1", {"c": cutoff}).fetchone() is None:
                return 0
        with self._txn() as conn:
            doomed = [r["id"] for r in conn.execute(doomed_sql, {"c": cutoff})]
            for rid in doomed:
                conn.execute("DELETE FROM revision_files WHERE revision_id = ?", (rid,))
                conn.execute("DELETE FROM revisions WHERE id = ?", (rid,))
            self._collect_blobs(conn)
        return len(doomed)

    def maintain(self, now: dt.datetime | None = None) -> None:
        """Retention: purge the old trash and thin old automatic revisions. Writes only when
        there is something to delete."""
        cutoff = iso((now or self._now()) - dt.timedelta(days=TRASH_DAYS))
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
            raise StoreError(f"无法写入草稿文件 {path}：{os_error_text(exc)}") from None

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
        new_id, taken = self._insert(draft, original or _new_id(), reason, origin_id=original,
                                     personal_removed=personal_removed)
        return ImportResult(draft_id=new_id, original_id=original or "", conflict=taken,
                            personal_removed=personal_removed)

    # -- checks and backups -------------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """``PRAGMA integrity_check`` messages; ``["ok"]`` for a sound store."""
        with self._lock:
            try:
                return [r[0] for r in self.conn.execute("PRAGMA integrity_check")]  # one unnamed column
            except sqlite3.Error as exc:
                raise self._error(exc) from None

    def backup(self, path: Path) -> None:
        """A consistent copy of the whole store (safe while the editor autosaves), written to a
        private temporary file beside ``path`` and renamed into place. A failure names the
        backup file and leaves no temporary file."""
        path = Path(path)
        self._refuse_own_files(path)
        failed = f"无法写入备份文件 {path}"
        try:
            tmp, fd = new_temp_file(path)
            os.close(fd)
        except OSError as exc:
            raise StoreError(f"{failed}：{os_error_text(exc)}") from None
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
            commit_temp_file(tmp, path)
        except sqlite3.Error as exc:
            key = _error_key(exc)
            if key in ("SQLITE_CORRUPT", "SQLITE_NOTADB"):  # the store itself is damaged
                raise self._error(exc) from None
            reason = "磁盘空间已满" if key == "SQLITE_FULL" else "磁盘写入出错，或该位置不可写"
            raise StoreError(f"{failed}：{reason}（草稿库本身未受影响）") from None
        except OSError as exc:
            raise StoreError(f"{failed}：{os_error_text(exc)}（草稿库本身未受影响）") from None
        finally:
            tmp.unlink(missing_ok=True)


def __getattr__(name: str) -> object:
    if name == "MIGRATIONS":  # built on first use (sqlite-utils is imported with it)
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
