"""The draft file (``.shenbao``, spec §5): one draft, its attachments and its edition, for a colleague.

Format
------
An SQLite database used as an application file format: ``application_id`` = :data:`APPLICATION_ID`
(``'SBD1'``), ``user_version`` = :data:`FILE_VERSION`, rollback-journal (never WAL), default page
size, written fresh for every export (never a copy of the live store) and VACUUMed, so no free
page holds a remnant. Tables (exactly these; see :data:`SCHEMA`):

* ``draft`` — one row: the draft's UUID, its form edition id, the export time (ISO 8601 UTC),
  whether personal numbers were removed, and the draft as draft JSON (spec §4);
* ``files`` — one row per attachment referenced by the draft: name (the attachment's ``file``
  value), MIME type, SHA-256, size and bytes;
* ``edition`` — the form definition the draft was made with: its id, the SHA-256 and the text of
  its ``form.yaml`` (kept as data only: the importer never loads it).

With a passphrase the whole SQLite image is encrypted: :data:`ENCRYPTED_MAGIC`, a small header
(format byte, scrypt parameters log2 n / r / p, 16-byte salt, 12-byte nonce), then AES-256-GCM
ciphertext with the header as associated data. The key comes from scrypt (n = 2**15, r = 8, p = 1).

Reading
-------
:func:`read_draft_file` treats every file as hostile: size cap, magic bytes, header fields checked
from the raw bytes; the image is then loaded into a private in-memory database
(``Connection.deserialize``) — the bytes checked are exactly the bytes SQLite reads, nothing can
swap the file between check and open, the plaintext of an encrypted file never touches the disk,
and nothing written there can persist. (Where SQLite lacks deserialize, the image is copied to a
private temporary folder and opened ``mode=ro&immutable=1`` instead.) Before the first query the connection gets tight limits,
a progress-handler deadline and an authorizer that allows only reads of the expected tables and a
few pragmas, and denies anything reached through a view or trigger; then ``trusted_schema=OFF``,
``cell_size_check=ON``, ``mmap_size=0``, ``query_only=ON``, ``integrity_check``, an exact schema
allow-list, ``application_id``/``user_version``, and every value is re-read through the draft
model (:func:`forms.draft.parse_draft_json`) and every attachment re-hashed. sqlite-utils is not
used here: its ``Database()`` turns on recursive triggers and runs plugins.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import secrets
import sqlite3
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from forms.attachments import MAX_ATTACHMENT_BYTES  # the attachment checker's own limit
from forms.draft import (
    FORMAT as DRAFT_FORMAT,
    VERSION as DRAFT_VERSION,
    Draft,
    DraftInputError,
    draft_to_document,
    parse_draft_json,
    read_input_bytes,
)
from forms.draftkind import ENCRYPTED_MAGIC, SQLITE_MAGIC, SUFFIX, is_draft_file
from forms.fieldtypes import TYPES
from forms.fsutil import atomic_write_bytes
from forms.messages import megabytes

#: ``PRAGMA application_id`` of a draft file: 'SBD1' (the store uses 'SBK1').
APPLICATION_ID = 0x5342_4431
#: ``PRAGMA user_version`` of the draft files this program writes; it reads this one and older.
FILE_VERSION = 1
_ENC_FORMAT = 1
_SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P = 15, 8, 1
_ENC_HEADER = struct.Struct(">16sBBBB16s12s")  # magic, format, log2 n, r, p, salt, nonce

#: Largest draft file read (plain or encrypted).
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Wall-clock budget for all SQL run on one imported file.
DEADLINE_SECONDS = 10.0
_MAX_NAME = 255
#: Build and read images in memory (``serialize``/``deserialize``, Python 3.11+ on an SQLite
#: with them); otherwise through a private temporary file.
_IN_MEMORY = hasattr(sqlite3.Connection, "deserialize") and hasattr(sqlite3.Connection, "serialize")

SCHEMA: tuple[tuple[str, str], ...] = (
    ("draft", "CREATE TABLE draft (\n"
              "    id TEXT NOT NULL PRIMARY KEY,\n"
              "    form_id TEXT NOT NULL,\n"
              "    exported_at TEXT NOT NULL,\n"
              "    personal_removed INTEGER NOT NULL,\n"
              "    document TEXT NOT NULL\n"
              ")"),
    ("files", "CREATE TABLE files (\n"
              "    name TEXT NOT NULL PRIMARY KEY,\n"
              "    mime TEXT NOT NULL,\n"
              "    sha256 TEXT NOT NULL,\n"
              "    size INTEGER NOT NULL,\n"
              "    data BLOB NOT NULL\n"
              ")"),
    ("edition", "CREATE TABLE edition (\n"
                "    form_id TEXT NOT NULL PRIMARY KEY,\n"
                "    sha256 TEXT NOT NULL,\n"
                "    definition TEXT NOT NULL\n"
                ")"),
)
#: Every row ``sqlite_master`` may hold: (type, name, tbl_name, sql).
_EXPECTED_MASTER = frozenset(
    [("table", name, name, sql) for name, sql in SCHEMA]
    + [("index", f"sqlite_autoindex_{name}_1", name, None) for name, _ in SCHEMA]
)
_TABLES = frozenset(name for name, _ in SCHEMA)
_UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_SHA_RE = re.compile(r"[0-9a-f]{64}")


class PassphraseNeeded(DraftInputError):
    """The file is encrypted and no passphrase was given (the editor asks for one)."""


class WrongPassphrase(DraftInputError):
    """The passphrase does not open the file (or the encrypted file was altered)."""


class BadPassphrase(DraftInputError):
    """A passphrase that cannot be used: empty (for an export), or with characters that have no
    UTF-8 form (lone surrogates, as undecodable bytes in a command line arrive)."""


@dataclass
class DraftFile:
    """What :func:`read_draft_file` found in a draft file."""

    draft: Draft
    draft_id: str
    personal_removed: bool
    form_id: str
    exported_at: dt.datetime
    edition_sha256: str = ""
    #: False when the file was made with a different text of the same form edition.
    edition_matches: bool = True
    encrypted: bool = False


# --------------------------------------------------------------------------- helpers


def is_uuid(text: object) -> bool:
    return isinstance(text, str) and _UUID_RE.fullmatch(text) is not None


def safe_file_name(name: object) -> bool:
    """An attachment name that is safe to write beside a JSON file: relative, no ``..``, no
    drive, no control characters, at most 255 characters."""
    if not isinstance(name, str) or not name or len(name) > _MAX_NAME:
        return False
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        return False
    parts = re.split(r"[\\/]", name)
    if name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
        return False
    return all(p not in ("", ".", "..") for p in parts)


def mime_of(blob: bytes) -> str:
    from forms.attachments import MIME_TYPES, sniff_kind

    kind = sniff_kind(blob)
    return MIME_TYPES.get(kind, "application/octet-stream") if kind else "application/octet-stream"


def edition_of(form) -> tuple[str, str]:
    """(sha256, text) of a form definition file."""
    raw = Path(form.source).read_bytes() if form.source else b""
    return hashlib.sha256(raw).hexdigest(), raw.decode("utf-8")


def without_personal_numbers(draft: Draft) -> Draft:
    """A copy of ``draft`` with every identity number and bank account emptied."""
    out = draft.copy()
    personal = ("id", "account")
    for fdef in out.form.fields:
        if fdef.type in personal:
            out.set(fdef.path, None)
        elif fdef.record is not None:
            subs = [s.key for s in fdef.record.fields if s.type in personal]
            if not subs:
                continue
            items = out.get(fdef.path) if fdef.type == "list" else [out.get(fdef.path)]
            for item in items or []:
                for key in subs:
                    item[key] = TYPES[fdef.record.field(key).type].empty
    return out


def referenced_files(draft: Draft) -> dict[str, bytes]:
    """The attachment bytes the draft refers to, in attachment order."""
    out: dict[str, bytes] = {}
    for item in draft.get("attachments") or []:
        name = item.get("file") or ""
        if name and name in draft.files and name not in out:
            out[name] = draft.files[name]
    return out


def _now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- writing


def build_image(draft: Draft, *, draft_id: str, without_personal: bool = False,
                exported_at: str | None = None) -> bytes:
    """The SQLite image of a draft file (built in memory, VACUUMed, serialised)."""
    if not is_uuid(draft_id):
        raise ValueError(f"draft_id must be a UUID string, not {draft_id!r}")
    if without_personal:
        draft = without_personal_numbers(draft)
    files = referenced_files(draft)
    bad = [n for n in files if not safe_file_name(n)]
    if bad:
        raise DraftInputError(f"附件文件名“{bad[0]}”不能用于草稿文件，请重新选择该附件")
    big = [n for n, blob in files.items() if len(blob) > MAX_ATTACHMENT_BYTES]
    if big:  # the importer would refuse the file: never write one a colleague cannot open
        raise DraftInputError(f"附件“{big[0]}”超过 {MAX_ATTACHMENT_BYTES // 1024 // 1024} MB，"
                              "无法放入草稿文件，请压缩或拆分后重新选择")
    document = json.dumps(draft_to_document(draft), ensure_ascii=False, separators=(",", ":"))
    edition_sha, edition_text = edition_of(draft.form)
    row = (draft_id, draft.form.id, exported_at or _now_iso(), int(without_personal), document)

    def fill(conn: sqlite3.Connection) -> None:
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {FILE_VERSION}")
        conn.execute("BEGIN")
        for _name, sql in SCHEMA:
            conn.execute(sql)
        conn.execute("INSERT INTO draft VALUES (?, ?, ?, ?, ?)", row)
        for name, blob in files.items():
            conn.execute("INSERT INTO files VALUES (?, ?, ?, ?, ?)",
                         (name, mime_of(blob), hashlib.sha256(blob).hexdigest(), len(blob), blob))
        conn.execute("INSERT INTO edition VALUES (?, ?, ?)", (draft.form.id, edition_sha, edition_text))
        conn.execute("COMMIT")
        conn.execute("VACUUM")

    if _IN_MEMORY:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        try:
            fill(conn)
            image = conn.serialize()
        finally:
            conn.close()
    else:  # an SQLite built without serialize: build in a private temporary folder
        import tempfile

        with tempfile.TemporaryDirectory(prefix="shenbao-export-") as tmp:
            conn = sqlite3.connect(Path(tmp) / "draft.sqlite3", isolation_level=None)
            try:
                conn.execute("PRAGMA journal_mode = DELETE")
                fill(conn)
            finally:
                conn.close()
            image = (Path(tmp) / "draft.sqlite3").read_bytes()
    # The file header records rollback (1) or WAL (2) mode: a draft file is never WAL.
    if image[18:20] != b"\x01\x01":
        raise RuntimeError("draft file image is not in rollback-journal mode")
    return image


def encrypt(image: bytes, passphrase: str) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    header = _ENC_HEADER.pack(ENCRYPTED_MAGIC, _ENC_FORMAT, _SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P, salt, nonce)
    key = _derive_key(passphrase, salt)
    return header + AESGCM(key).encrypt(nonce, image, header)


def passphrase_bytes(passphrase: str) -> bytes:
    """The passphrase as the key derivation reads it (UTF-8); BadPassphrase when it is empty or
    holds characters with no UTF-8 form."""
    if not isinstance(passphrase, str) or not passphrase:
        raise BadPassphrase("口令不能为空：空口令等于不加密，请输入口令")
    try:
        return passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise BadPassphrase("口令中有无法识别的字符（可能是命令行的编码不对），"
                            "请只用键盘能直接输入的文字、数字和符号") from None


def _derive_key(passphrase: str, salt: bytes) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    kdf = Scrypt(salt=salt, length=32, n=2 ** _SCRYPT_LOG2_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return kdf.derive(passphrase_bytes(passphrase))


def decrypt(blob: bytes, passphrase: str | None) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(blob) < _ENC_HEADER.size + 16:
        raise DraftInputError("加密草稿文件不完整（可能传输时被截断）")
    header = blob[:_ENC_HEADER.size]
    magic, fmt, log2n, r, p, salt, nonce = _ENC_HEADER.unpack(header)
    if fmt > _ENC_FORMAT:
        raise DraftInputError("此草稿文件由更新版本的申报助手加密，请升级")
    # Never let a file choose its own (possibly enormous) scrypt cost.
    if fmt != _ENC_FORMAT or (log2n, r, p) != (_SCRYPT_LOG2_N, _SCRYPT_R, _SCRYPT_P):
        raise DraftInputError("不是有效的申报助手草稿文件：加密文件的头部无效（文件已损坏，或不是申报助手导出的）")
    if not passphrase:
        raise PassphraseNeeded("此草稿文件已加密，请输入口令（命令行用 --passphrase）")
    key = _derive_key(passphrase, salt)  # BadPassphrase for characters with no UTF-8 form
    try:
        return AESGCM(key).decrypt(nonce, blob[_ENC_HEADER.size:], header)
    except InvalidTag:
        raise WrongPassphrase("口令不正确（或文件已被改动），无法打开此草稿文件") from None


def write_draft_file(draft: Draft, path: Path, *, draft_id: str, without_personal: bool = False,
                     passphrase: str | None = None) -> None:
    """Export ``draft`` to ``path``: built fresh in memory, optionally encrypted, written to a
    private temporary name in the target folder, synced, then renamed into place (with
    retries). A passphrase that is given must be usable (never an unencrypted file instead)."""
    image = build_image(draft, draft_id=draft_id, without_personal=without_personal)
    if passphrase is not None:
        image = encrypt(image, passphrase)
    if len(image) > MAX_FILE_BYTES:
        raise DraftInputError(f"草稿文件过大（{megabytes(len(image))}），上限 {megabytes(MAX_FILE_BYTES)}；请压缩附件")
    atomic_write_bytes(Path(path), image)


# --------------------------------------------------------------------------- reading


def read_draft_file(path: Path, *, passphrase: str | None = None) -> DraftFile:
    """Read a draft file as hostile input; :class:`DraftInputError` (Chinese, one line) for
    anything unusable, :class:`PassphraseNeeded` / :class:`WrongPassphrase` for encryption."""
    return read_draft_bytes(read_input_bytes(Path(path), MAX_FILE_BYTES, "草稿文件"), passphrase=passphrase)


#: Beginnings of files that are often renamed or mistaken for a draft file.
_FOREIGN = ((b"PK\x03\x04", "ZIP 压缩文件（或 Word/Excel 文档）"), (b"%PDF", "PDF 文件"),
            (b"\x89PNG", "图片"), (b"\xff\xd8\xff", "图片"), (b"{", "草稿 JSON 或其他文本文件"))


def read_draft_bytes(blob: bytes, *, passphrase: str | None = None) -> DraftFile:
    """:func:`read_draft_file` on bytes already in memory."""
    if len(blob) > MAX_FILE_BYTES:
        raise DraftInputError(f"文件过大（{megabytes(len(blob))}），草稿文件上限 {megabytes(MAX_FILE_BYTES)}")
    if not blob:
        raise DraftInputError("文件是空的，不是草稿文件")
    encrypted = blob.startswith(ENCRYPTED_MAGIC)
    if encrypted:
        blob = decrypt(blob, passphrase)
    elif blob.startswith(ENCRYPTED_MAGIC[:7]):  # "SHENBAO" then damage
        raise DraftInputError("不是有效的申报助手草稿文件：加密文件的头部已损坏（可能传输时出错）")
    else:
        for magic, what in _FOREIGN:
            if blob.startswith(magic):
                raise DraftInputError(f"不是申报助手的草稿文件（这是{what}）")
    _check_header(blob)
    return _read_image(blob, encrypted)


def _check_header(image: bytes) -> None:
    """Checks on the raw SQLite header, before SQLite sees the bytes."""
    if not image.startswith(SQLITE_MAGIC):
        raise DraftInputError("不是申报助手的草稿文件（文件开头不对），或文件已损坏")
    if len(image) < 512:
        raise DraftInputError("草稿文件不完整（可能传输时被截断）")
    raw_page = struct.unpack(">H", image[16:18])[0]
    page_size = 65536 if raw_page == 1 else raw_page
    if page_size < 512 or page_size & (page_size - 1):
        raise DraftInputError("草稿文件已损坏（页大小无效）")
    if image[18] == 2 or image[19] == 2:
        raise DraftInputError("此文件是 WAL 模式的数据库，不是申报助手导出的草稿文件")
    if image[18] != 1 or image[19] != 1:
        raise DraftInputError("草稿文件已损坏（文件格式版本无效）")
    pages, change, valid_for = struct.unpack(">I", image[28:32])[0], image[24:28], image[92:96]
    if change != valid_for or pages * page_size != len(image):
        raise DraftInputError("草稿文件不完整或已损坏（大小与文件头不符，可能传输时被截断）")
    _check_ids(struct.unpack(">I", image[68:72])[0], struct.unpack(">I", image[60:64])[0])


def _check_ids(app_id: int, version: int) -> None:
    if app_id != APPLICATION_ID:
        raise DraftInputError("不是申报助手导出的草稿文件（application_id 不符）")
    if version > FILE_VERSION:
        raise DraftInputError("此草稿文件由更新版本的申报助手导出，请升级")
    if version < 1:
        raise DraftInputError("草稿文件版本无效")


# --- the hardened connection -------------------------------------------------------------

_LIMITS = {
    "SQLITE_LIMIT_LENGTH": MAX_ATTACHMENT_BYTES + 64 * 1024,
    "SQLITE_LIMIT_SQL_LENGTH": 4000,
    "SQLITE_LIMIT_COLUMN": 16,
    "SQLITE_LIMIT_EXPR_DEPTH": 16,
    "SQLITE_LIMIT_COMPOUND_SELECT": 2,
    "SQLITE_LIMIT_VDBE_OP": 25000,
    "SQLITE_LIMIT_FUNCTION_ARG": 4,
    "SQLITE_LIMIT_ATTACHED": 0,
    "SQLITE_LIMIT_LIKE_PATTERN_LENGTH": 16,
    "SQLITE_LIMIT_VARIABLE_NUMBER": 8,
    "SQLITE_LIMIT_TRIGGER_DEPTH": 1,
    "SQLITE_LIMIT_WORKER_THREADS": 0,
}
# Pragmas the reader runs; the value-setting ones only with the values below.
_PRAGMAS_READ = frozenset({"integrity_check", "application_id", "user_version"})
_PRAGMAS_SET = {"trusted_schema": "OFF", "cell_size_check": "ON", "mmap_size": "0", "query_only": "ON"}
_READABLE = _TABLES | {"sqlite_master", "sqlite_schema"}


def _authorizer(action: int, arg1, arg2, _dbname, source) -> int:
    if source is not None:  # reached through a view or a trigger
        return sqlite3.SQLITE_DENY
    if action == sqlite3.SQLITE_SELECT:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_READ and arg1 in _READABLE:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA:
        name = (arg1 or "").lower()
        if name in _PRAGMAS_READ and arg2 is None:
            return sqlite3.SQLITE_OK
        if _PRAGMAS_SET.get(name) == (arg2 or "").upper():
            return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


@contextmanager
def _opened(image: bytes) -> Iterator[sqlite3.Connection]:
    """A hardened read-only connection to ``image``: limits, deadline, authorizer and safe
    pragmas are in place before the first statement runs."""
    folder: Path | None = None
    if _IN_MEMORY:
        conn = sqlite3.connect(":memory:", isolation_level=None)
    else:  # an SQLite built without deserialize: a private copy, opened read-only and immutable
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="shenbao-import-"))
        copy = folder / "draft.sqlite3"
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(image)
        conn = sqlite3.connect(copy.as_uri() + "?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        for name, value in _LIMITS.items():
            conn.setlimit(getattr(sqlite3, name), value)
        if hasattr(conn, "setconfig"):  # Python 3.12+
            for name, on in (("SQLITE_DBCONFIG_DEFENSIVE", True), ("SQLITE_DBCONFIG_ENABLE_VIEW", False),
                             ("SQLITE_DBCONFIG_ENABLE_TRIGGER", False), ("SQLITE_DBCONFIG_TRUSTED_SCHEMA", False)):
                if hasattr(sqlite3, name):
                    conn.setconfig(getattr(sqlite3, name), on)
        deadline = time.monotonic() + DEADLINE_SECONDS
        conn.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 100)
        if folder is None:
            conn.deserialize(image)
        conn.set_authorizer(_authorizer)
        for name, value in _PRAGMAS_SET.items():
            conn.execute(f"PRAGMA {name} = {value}")
        yield conn
    finally:
        conn.close()
        if folder is not None:
            import shutil

            shutil.rmtree(folder, ignore_errors=True)


def _sql_error(exc: sqlite3.Error) -> DraftInputError:
    text = str(exc)
    if "interrupted" in text:
        return DraftInputError("草稿文件处理超时，文件可能被构造成拖慢程序的样子，已拒绝")
    if "not authorized" in text or "prohibited" in text:
        return DraftInputError("草稿文件结构不符（含不允许的视图、触发器或表），已拒绝")
    if "too big" in text or "too many" in text or "too large" in text:
        return DraftInputError("草稿文件中的数据超出上限，已拒绝")
    return DraftInputError(f"草稿文件已损坏，无法读取（{text}）")


def _read_image(image: bytes, encrypted: bool) -> DraftFile:
    try:
        with _opened(image) as conn:
            return _read_checked(conn, encrypted)
    except sqlite3.Error as exc:
        raise _sql_error(exc) from None
    except (MemoryError, RecursionError):
        raise DraftInputError("草稿文件内容异常（数据过大或嵌套过深），已拒绝") from None


def _read_checked(conn: sqlite3.Connection, encrypted: bool) -> DraftFile:
    _check_ids(conn.execute("PRAGMA application_id").fetchone()[0],
               conn.execute("PRAGMA user_version").fetchone()[0])
    # The schema first: integrity_check evaluates the file's own indexes and constraints, so it
    # runs only once they are known to be exactly ours.
    master = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    if set(master) != _EXPECTED_MASTER or len(master) != len(_EXPECTED_MASTER):
        extra = sorted({str(row[1]) for row in master} - {row[1] for row in _EXPECTED_MASTER})
        what = f"多出了“{extra[0]}”" if extra else "表结构不同"
        raise DraftInputError(f"草稿文件结构不符（{what}），不是申报助手导出的文件，已拒绝")
    result = conn.execute("PRAGMA integrity_check").fetchall()
    if result != [("ok",)]:
        raise DraftInputError("草稿文件已损坏（完整性检查未通过）")

    rows = conn.execute("SELECT id, form_id, exported_at, personal_removed, document FROM draft").fetchall()
    if len(rows) != 1:
        raise DraftInputError(f"草稿文件应含 1 份草稿，实际 {len(rows)} 份")
    draft_id, form_id, exported_at, personal, document = rows[0]
    if not is_uuid(draft_id):
        raise DraftInputError("草稿文件中的草稿编号无效")
    if not isinstance(personal, int) or personal not in (0, 1):
        raise DraftInputError("草稿文件中的 personal_removed 无效")
    when = _parse_time(exported_at)
    if not isinstance(document, str):
        raise DraftInputError("草稿文件中的草稿内容不是文字")
    draft = parse_draft_json(document.encode("utf-8"), load_files=False)
    if not isinstance(form_id, str) or draft.form.id != form_id:
        raise DraftInputError("草稿文件中的表单版本前后不一致")

    editions = conn.execute("SELECT form_id, sha256 FROM edition").fetchall()
    if len(editions) != 1 or editions[0][0] != form_id or not (
            isinstance(editions[0][1], str) and _SHA_RE.fullmatch(editions[0][1])):
        raise DraftInputError("草稿文件中的表单版本信息无效")
    edition_sha = editions[0][1]

    wanted = {item.get("file") for item in draft.get("attachments") or [] if item.get("file")}
    names = [r[0] for r in conn.execute("SELECT name FROM files")]
    for name in names:
        if not safe_file_name(name):
            raise DraftInputError("草稿文件中有不安全的附件文件名，已拒绝")
        if name not in wanted:
            raise DraftInputError(f"草稿文件中有多余的附件“{name}”，已拒绝")
    for name in names:
        _mime, sha, size, blob = conn.execute(
            "SELECT mime, sha256, size, data FROM files WHERE name = ?", (name,)).fetchone()
        if not isinstance(blob, bytes) or not isinstance(size, int) or size != len(blob):
            raise DraftInputError(f"附件“{name}”已损坏（大小不符）")
        if size > MAX_ATTACHMENT_BYTES:
            raise DraftInputError(f"附件“{name}”过大（上限 50 MB）")
        if not isinstance(sha, str) or hashlib.sha256(blob).hexdigest() != sha:
            raise DraftInputError(f"附件“{name}”已损坏（校验值不符）")
        draft.files[name] = blob
    return DraftFile(draft=draft, draft_id=draft_id, personal_removed=bool(personal), form_id=form_id,
                     exported_at=when, edition_sha256=edition_sha,
                     edition_matches=edition_sha == edition_of(draft.form)[0], encrypted=encrypted)


def _parse_time(value: object) -> dt.datetime:
    try:
        if not isinstance(value, str) or len(value) > 40:
            raise ValueError
        when = dt.datetime.fromisoformat(value)
    except ValueError:
        raise DraftInputError("草稿文件中的导出时间无效") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc)


__all__ = [
    "APPLICATION_ID", "DRAFT_FORMAT", "DRAFT_VERSION", "ENCRYPTED_MAGIC", "FILE_VERSION", "SQLITE_MAGIC",
    "MAX_FILE_BYTES", "SUFFIX", "BadPassphrase", "DraftFile", "PassphraseNeeded", "WrongPassphrase",
    "is_draft_file", "passphrase_bytes", "read_draft_bytes", "read_draft_file", "without_personal_numbers",
    "write_draft_file",
]
