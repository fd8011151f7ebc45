"""Every imported file is hostile until proven otherwise.

A corpus of bad files, each refused by ``python main.py drafts import X --db STORE`` with exit 2
and one line on stderr, the store left byte for byte as it was; the same files through the API;
and the reader's own defences (authorizer, deadline, limits) checked directly.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import struct
from pathlib import Path

import pytest

from forms import draftfile
from forms.draft import DraftInputError, draft_to_document
from forms.draftfile import read_draft_file, write_draft_file
from forms.sample import sample_draft
from forms.store import Store
from tests.forms.store_helpers import dir_digest, logical_dump, run_cli

DRAFT_ID = "8c7b6a59-4e3d-4c2b-9a1f-0e9d8c7b6a59"


def _valid(path: Path, **kw) -> Path:
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID, **kw)
    return path


def _edit(path: Path, *statements: str, params: tuple = ()) -> Path:
    """Change a valid export with plain SQL (as an attacker would)."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for sql in statements:
            conn.execute(sql, params if "?" in sql else ())
    finally:
        conn.close()
    return path


def _set_header_int(path: Path, offset: int, value: int) -> Path:
    raw = bytearray(path.read_bytes())
    raw[offset:offset + 4] = struct.pack(">I", value)
    path.write_bytes(bytes(raw))
    return path


def _document(**changes) -> str:
    doc = draft_to_document(sample_draft())
    doc["data"].update(changes)
    return json.dumps(doc, ensure_ascii=False)


def _flipped(path: Path) -> Path:
    raw = bytearray(_valid(path).read_bytes())
    rng = random.Random(4)
    page = struct.unpack(">H", raw[16:18])[0]
    for page_no in range(1, len(raw) // page):  # damage every b-tree page header after the first
        for k in range(8):
            raw[page_no * page + k] ^= rng.randrange(1, 256)
    path.write_bytes(bytes(raw))
    return path


def _wal(path: Path) -> Path:
    _valid(path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.close()
    assert path.read_bytes()[18:20] == b"\x02\x02"
    return path


def _huge_blob(path: Path) -> Path:
    """A 60 MB zero blob, declared as a legitimate attachment (over the 50 MB limit)."""
    size = 60 * 1024 * 1024
    return _edit(_valid(path), f"UPDATE files SET data = zeroblob({size}), size = {size}")


def _lying_record_header(path: Path) -> Path:
    """The record header of the attachment row declares a blob far larger than its cell."""
    _valid(path)
    raw = bytearray(path.read_bytes())
    # name 'sample-attachment.pdf' (21 bytes: serial 55), mime 'application/pdf' (15: 43),
    # sha256 text (64: serial 141 = 0x81 0x0d): the record header reads 37 2b 81 0d <size> <blob>.
    at = raw.find(bytes([55, 43, 0x81, 0x0D]))
    assert at > 0
    i = at + 4
    while raw[i] & 0x80:  # skip the size column's serial type (varint)
        i += 1
    i += 1
    j = i
    while raw[j] & 0x80:  # the blob's serial type, a varint
        j += 1
    width = j - i + 1
    huge = (1 << (7 * width)) - 1  # largest value of the same width
    huge -= (huge - 12) % 2       # keep it a blob (even serial type)
    enc = []
    for k in range(width):
        shift = 7 * (width - 1 - k)
        enc.append(((huge >> shift) & 0x7F) | (0x80 if k < width - 1 else 0))
    raw[i:j + 1] = bytes(enc)
    path.write_bytes(bytes(raw))
    return path


def _truncated(path: Path) -> Path:
    raw = _valid(path).read_bytes()
    path.write_bytes(raw[: len(raw) // 2])
    return path


def _oversized(path: Path) -> Path:
    _valid(path)
    with open(path, "r+b") as fh:  # sparse: no real disk use
        fh.truncate(draftfile.MAX_FILE_BYTES + 4096)
    return path


def _declared_bigger(path: Path) -> Path:
    """The header's page count says the database is larger than the file."""
    return _set_header_int(_valid(path), 28, 100_000)


CORPUS = {
    "empty": lambda p: (p.write_bytes(b""), p)[1],
    "random_bytes": lambda p: (p.write_bytes(random.Random(1).randbytes(8192)), p)[1],
    "random_after_magic": lambda p: (p.write_bytes(b"SQLite format 3\x00" + random.Random(2).randbytes(8176)), p)[1],
    "plain_text": lambda p: (p.write_text("这只是一段文字，不是草稿。\n" * 50, encoding="utf-8"), p)[1],
    "truncated": _truncated,
    "flipped_bytes": _flipped,
    "wal_mode": _wal,
    "extra_table": lambda p: _edit(_valid(p), "CREATE TABLE notes (x TEXT)"),
    "extra_index": lambda p: _edit(_valid(p), "CREATE INDEX files_mime ON files (mime)"),
    "view_shadowing_table": lambda p: _edit(
        _valid(p), "ALTER TABLE files RENAME TO real_files",
        "CREATE VIEW files AS SELECT name, mime, sha256, size, data FROM real_files"),
    "trigger": lambda p: _edit(
        _valid(p), "CREATE TRIGGER t AFTER INSERT ON draft BEGIN DELETE FROM files; END"),
    "recursive_view": lambda p: _edit(
        _valid(p), "CREATE VIEW bomb AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                   "SELECT x FROM c"),
    "virtual_table": lambda p: _edit(_valid(p), "CREATE VIRTUAL TABLE search USING fts5(body)"),
    "newer_user_version": lambda p: _set_header_int(_valid(p), 60, draftfile.FILE_VERSION + 1),
    "wrong_application_id": lambda p: _set_header_int(_valid(p), 68, 0x12345678),
    "store_not_export": lambda p: _store_file(p),
    "huge_blob": _huge_blob,
    "lying_record_header": _lying_record_header,
    "declared_bigger_than_file": _declared_bigger,
    "oversized_file": _oversized,
    "two_drafts": lambda p: _edit(
        _valid(p), "INSERT INTO draft SELECT '00000000-0000-4000-8000-000000000001', form_id, exported_at, "
                   "personal_removed, document FROM draft"),
    "document_unknown_key": lambda p: _edit(
        _valid(p), "UPDATE draft SET document = ?", params=(_document(surprise="x"),)),
    "document_wrong_type": lambda p: _edit(
        _valid(p), "UPDATE draft SET document = ?", params=(_document(capability=["a", "b"]),)),
    "document_deep_nesting": lambda p: _edit(
        _valid(p), "UPDATE draft SET document = ?", params=("[" * 200_000 + "]" * 200_000,)),
    "document_is_blob": lambda p: _edit(_valid(p), "UPDATE draft SET document = CAST(document AS BLOB)"),
    "document_bad_utf8": lambda p: _edit(_valid(p), "UPDATE draft SET document = CAST(x'7bff22' AS TEXT)"),
    "attachment_hash_mismatch": lambda p: _edit(_valid(p), "UPDATE files SET data = x'255044462d312e340a', size = 9"),
    "attachment_not_referenced": lambda p: _edit(
        _valid(p), "INSERT INTO files SELECT 'extra.pdf', mime, sha256, size, data FROM files"),
    "attachment_path_traversal": lambda p: _edit(
        _valid(p), "UPDATE files SET name = '../../evil.pdf'",
        "UPDATE draft SET document = replace(document, 'sample-attachment.pdf', '../../evil.pdf')"),
    "bad_draft_id": lambda p: _edit(_valid(p), "UPDATE draft SET id = 'x'"),
    "unknown_form_edition": lambda p: _edit(
        _valid(p), "UPDATE draft SET document = replace(document, 'shanghai-ip-consortium-2022', "
                   "'beijing-2030'), form_id = 'beijing-2030'",
        "UPDATE edition SET form_id = 'beijing-2030'"),
    "encrypted_garbage": lambda p: (p.write_bytes(draftfile.ENCRYPTED_MAGIC + random.Random(3).randbytes(500)), p)[1],
    "json_unknown_key": lambda p: (p.write_text(_document(surprise="x"), encoding="utf-8"), p)[1],
    "json_nested_brackets": lambda p: (p.write_text("[" * 200_000 + "]" * 200_000, encoding="utf-8"), p)[1],
    "json_wrong_format": lambda p: (p.write_text('{"format": "other", "version": 1}', encoding="utf-8"), p)[1],
    # A lone surrogate survives JSON parsing but is no text: it must not reach the store.
    "json_lone_surrogate": lambda p: (p.write_text(
        _document(capability="\\ud800").replace('"\\\\ud800"', '"\\ud800"'), encoding="utf-8"), p)[1],
    "document_lone_surrogate": lambda p: _edit(
        _valid(p), "UPDATE draft SET document = ?",
        params=(_document(capability="X").replace('"capability": "X"', '"capability": "\\ud800"'),)),
}


def _store_file(path: Path) -> Path:
    """A live store (another application id, other tables) renamed to .shenbao."""
    with Store(path.with_suffix(".tmp.sqlite3")) as s:
        s.create(sample_draft())
    shutil.move(path.with_suffix(".tmp.sqlite3"), path)
    return path


def _make(kind: str, folder: Path) -> Path:
    suffix = ".json" if kind.startswith("json_") else ".shenbao"
    return CORPUS[kind](folder / f"{kind}{suffix}")


def load_input(path: Path):
    """How the command line and the editor read a file handed to them."""
    from forms.draft import load_draft_json

    return draftfile.read_draft_file(path).draft if draftfile.is_draft_file(path) else load_draft_json(path)


def test_corpus_is_big_enough():
    assert len(CORPUS) >= 12


@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_refused_by_reader(kind, tmp_path):
    path = _make(kind, tmp_path)
    with pytest.raises(DraftInputError) as info:
        load_input(path)
    message = str(info.value)
    assert message and "\n" not in message
    assert any("\u4e00" <= c <= "\u9fff" for c in message)  # says it in Chinese


@pytest.fixture(scope="module")
def populated_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("store")
    with Store(folder / "drafts.sqlite3") as s:
        s.create(sample_draft())
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(CORPUS))
def test_refused_by_cli_store_unchanged(kind, tmp_path, populated_store):
    path = _make(kind, tmp_path)
    before = dir_digest(populated_store)
    dump_before = logical_dump(populated_store / "drafts.sqlite3")
    result = run_cli("drafts", "import", str(path), "--db", str(populated_store / "drafts.sqlite3"))
    assert result.returncode == 2, result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("shenbao: ") and "Traceback" not in result.stderr
    assert "内部错误" not in result.stderr  # refused for a reason it names, not by a crash
    assert dir_digest(populated_store) == before
    assert logical_dump(populated_store / "drafts.sqlite3") == dump_before


def test_wrong_passphrase_cli(tmp_path, populated_store):
    path = _valid(tmp_path / "e.shenbao", passphrase="对的")
    before = dir_digest(populated_store)
    result = run_cli("drafts", "import", str(path), "--passphrase", "错的",
                     "--db", str(populated_store / "drafts.sqlite3"))
    assert result.returncode == 2 and "口令不正确" in result.stderr
    assert dir_digest(populated_store) == before


def test_refused_import_does_not_create_a_store(tmp_path):
    path = _make("random_bytes", tmp_path)
    store = tmp_path / "new" / "drafts.sqlite3"
    result = run_cli("drafts", "import", str(path), "--db", str(store))
    assert result.returncode == 2
    assert not store.exists()


def test_api_import_refusal_leaves_store_unchanged(tmp_path):
    path = _make("extra_table", tmp_path)
    db = tmp_path / "s" / "drafts.sqlite3"
    with Store(db) as s:
        s.create(sample_draft())
        before = logical_dump(db)
        with pytest.raises(DraftInputError, match="多出了“notes”"):
            s.import_file(path)
        assert logical_dump(db) == before


def test_messages_say_what_is_wrong(tmp_path):
    expectations = {
        "newer_user_version": "更新版本的申报助手导出，请升级",
        "wal_mode": "WAL",
        "extra_table": "多出了",
        "truncated": "截断",
        "wrong_application_id": "不是申报助手导出的草稿文件",
        "oversized_file": "200 MB",
        "attachment_hash_mismatch": "校验值不符",
        "document_unknown_key": "surprise",
        "empty": "空的",
    }
    for kind, expected in expectations.items():
        with pytest.raises(DraftInputError, match=expected):
            read_draft_file(_make(kind, tmp_path))


# --------------------------------------------------------------------------- the defences themselves


def _hostile_image(tmp_path: Path, *sql: str) -> bytes:
    return _edit(_valid(tmp_path / "h.shenbao"), *sql).read_bytes()


def test_authorizer_denies_views(tmp_path):
    image = _hostile_image(tmp_path, "CREATE VIEW v AS SELECT name FROM files")
    with draftfile._opened(image) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="not authorized|prohibited"):
            conn.execute("SELECT * FROM v").fetchall()
        assert conn.execute("SELECT name FROM files").fetchall()  # direct reads work


def test_authorizer_denies_writes_functions_and_attach(tmp_path):
    with draftfile._opened(_valid(tmp_path / "a.shenbao").read_bytes()) as conn:
        for sql in ("DELETE FROM files", "INSERT INTO draft VALUES (1,2,3,4,5)", "CREATE TABLE x (y)",
                    "SELECT load_extension('x')", "SELECT length(data) FROM files",
                    "ATTACH DATABASE ':memory:' AS other", "PRAGMA writable_schema = ON",
                    "PRAGMA trusted_schema = ON"):
            with pytest.raises(sqlite3.DatabaseError):
                conn.execute(sql).fetchall()
        assert conn.execute("SELECT name FROM files").fetchall() == [("sample-attachment.pdf",)]


def test_limits_set(tmp_path):
    with draftfile._opened(_valid(tmp_path / "a.shenbao").read_bytes()) as conn:
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_ATTACHED) == 0
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH) <= draftfile.MAX_ATTACHMENT_BYTES + 65536
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_COMPOUND_SELECT) <= 2
        assert conn.getlimit(sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH) <= 1


def test_recursive_queries_denied(tmp_path):
    with draftfile._opened(_valid(tmp_path / "a.shenbao").read_bytes()) as conn:
        with pytest.raises(sqlite3.DatabaseError, match="not authorized"):
            conn.execute("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
                          "SELECT x FROM c WHERE x < 0").fetchall()


def test_deadline_interrupts(tmp_path, monkeypatch):
    """The progress handler stops SQL that runs past the deadline (here: at once)."""
    path = _valid(tmp_path / "a.shenbao")
    monkeypatch.setattr(draftfile, "DEADLINE_SECONDS", -1.0)
    with pytest.raises(DraftInputError, match="超时"):
        read_draft_file(path)
    monkeypatch.setattr(draftfile, "DEADLINE_SECONDS", 10.0)
    assert read_draft_file(path).draft_id == DRAFT_ID


def test_nothing_left_behind(tmp_path):
    """The reader works in memory: no temporary or journal files appear anywhere near."""
    path = _valid(tmp_path / "a.shenbao")
    read_draft_file(path)
    with pytest.raises(DraftInputError):
        read_draft_file(_make("extra_table", tmp_path))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.shenbao", "extra_table.shenbao"]
    assert os.access(path, os.R_OK)


# --------------------------------------------------------------------------- without deserialize


@pytest.fixture
def file_based(monkeypatch, tmp_path):
    """The path for an SQLite built without serialize/deserialize: a private temporary copy."""
    temp = tmp_path / "systemp"
    temp.mkdir()
    monkeypatch.setattr(draftfile, "_IN_MEMORY", False)
    monkeypatch.setattr("tempfile.tempdir", str(temp))
    return temp


def test_file_based_round_trip(file_based, tmp_path):
    path = _valid(tmp_path / "a.shenbao")
    assert path.read_bytes()[18:20] == b"\x01\x01"
    found = read_draft_file(path)
    assert found.draft == sample_draft() and found.draft_id == DRAFT_ID
    assert list(file_based.iterdir()) == []  # the private copies are gone


@pytest.mark.parametrize("kind", ["flipped_bytes", "view_shadowing_table", "trigger", "recursive_view",
                                  "huge_blob", "lying_record_header", "extra_table", "wal_mode"])
def test_file_based_refuses(kind, file_based, tmp_path):
    with pytest.raises(DraftInputError):
        read_draft_file(_make(kind, tmp_path))
    assert list(file_based.iterdir()) == []


def test_file_based_connection_is_read_only(file_based, tmp_path):
    with draftfile._opened(_valid(tmp_path / "a.shenbao").read_bytes()) as conn:
        copy = next(file_based.iterdir()) / "draft.sqlite3"
        assert copy.is_file() and (os.name == "nt" or copy.stat().st_mode & 0o077 == 0)
        conn.set_authorizer(None)
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            conn.execute("DELETE FROM files")
    assert list(file_based.iterdir()) == []


def test_authorizer_alone_denies_views_and_triggers():
    """The authorizer itself (not only SQLITE_DBCONFIG_ENABLE_VIEW/TRIGGER, which an older
    SQLite lacks) refuses anything reached through a view or a trigger."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        conn.execute("CREATE TABLE files (name TEXT)")
        conn.execute("CREATE TABLE draft (id TEXT)")
        conn.execute("INSERT INTO files VALUES ('a.pdf')")
        conn.execute("CREATE VIEW v AS SELECT name FROM files")
        conn.execute("CREATE TRIGGER t AFTER DELETE ON draft BEGIN DELETE FROM files; END")
        conn.set_authorizer(draftfile._authorizer)
        with pytest.raises(sqlite3.DatabaseError, match="not authorized|prohibited"):
            conn.execute("SELECT * FROM v").fetchall()
        assert conn.execute("SELECT name FROM files").fetchall() == [("a.pdf",)]
    finally:
        conn.close()
    ok, deny = sqlite3.SQLITE_OK, sqlite3.SQLITE_DENY
    auth = draftfile._authorizer
    assert auth(sqlite3.SQLITE_READ, "files", "data", "main", None) == ok
    assert auth(sqlite3.SQLITE_READ, "files", "data", "main", "v") == deny
    assert auth(sqlite3.SQLITE_SELECT, None, None, None, "v") == deny
    assert auth(sqlite3.SQLITE_DELETE, "files", None, "main", "t") == deny
    assert auth(sqlite3.SQLITE_READ, "files", "data", "main", "t") == deny
