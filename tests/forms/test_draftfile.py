"""The .shenbao draft file: format, round trips, personal numbers, encryption, no remnants."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import struct
import uuid
from pathlib import Path

import pytest

from forms.draft import DraftInputError, dump_draft_json, load_draft_json
from forms.draftfile import (
    APPLICATION_ID,
    ENCRYPTED_MAGIC,
    FILE_VERSION,
    PassphraseNeeded,
    WrongPassphrase,
    is_draft_file,
    read_draft_file,
    write_draft_file,
)
from forms.sample import sample_draft, write_sample
from forms.store import Store
from tests.forms.store_helpers import maximal_draft

DRAFT_ID = "3f2a1b0c-9d8e-4f7a-8b6c-5d4e3f2a1b0c"


@pytest.fixture(scope="module")
def big():
    return maximal_draft(png_side=300)


def _header(path: Path) -> dict:
    raw = path.read_bytes()[:100]
    return {"magic": raw[:16], "page_size": struct.unpack(">H", raw[16:18])[0], "write": raw[18],
            "read": raw[19], "user_version": struct.unpack(">I", raw[60:64])[0],
            "application_id": struct.unpack(">I", raw[68:72])[0]}


def test_round_trip(tmp_path):
    draft = sample_draft()
    path = tmp_path / "a.shenbao"
    write_draft_file(draft, path, draft_id=DRAFT_ID)
    found = read_draft_file(path)
    assert found.draft == draft and found.draft.files == draft.files
    assert found.draft_id == DRAFT_ID
    assert found.form_id == draft.form.id
    assert not found.personal_removed and not found.encrypted
    assert found.edition_matches and len(found.edition_sha256) == 64
    assert abs(found.exported_at - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=1)
    assert is_draft_file(path)


def test_round_trip_maximal(tmp_path, big):
    path = tmp_path / "big.shenbao"
    write_draft_file(big, path, draft_id=DRAFT_ID)
    found = read_draft_file(path)
    assert found.draft == big
    assert len(found.draft.get("team.members")) == 60


def test_file_format(tmp_path):
    path = tmp_path / "a.shenbao"
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID)
    head = _header(path)
    assert head["magic"] == b"SQLite format 3\x00"
    assert head["application_id"] == APPLICATION_ID == 0x53424431
    assert head["user_version"] == FILE_VERSION == 1
    assert (head["write"], head["read"]) == (1, 1)  # rollback journal, never WAL
    assert head["page_size"] == 4096                 # SQLite's default
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # VACUUMed
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
        assert tables == ["draft", "edition", "files"]
        assert conn.execute("SELECT count(*) FROM draft").fetchone()[0] == 1
        name, mime, size = conn.execute("SELECT name, mime, size FROM files").fetchone()
        assert (name, mime) == ("sample-attachment.pdf", "application/pdf") and size > 1000
        form_id, definition = conn.execute("SELECT form_id, definition FROM edition").fetchone()
        assert form_id == "shanghai-ip-consortium-2022" and "上海市知识产权产学研运营联合体" in definition
    finally:
        conn.close()


def test_written_atomically(tmp_path):
    path = tmp_path / "a.shenbao"
    path.write_bytes(b"old content")
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.shenbao"]  # no temporary left
    assert read_draft_file(path).draft_id == DRAFT_ID


def test_only_referenced_files_exported(tmp_path):
    draft = sample_draft()
    draft.files["stray.pdf"] = b"%PDF-1.4 not referenced"
    path = tmp_path / "a.shenbao"
    write_draft_file(draft, path, draft_id=DRAFT_ID)
    assert set(read_draft_file(path).draft.files) == {"sample-attachment.pdf"}


def test_unsafe_attachment_name_not_exported(tmp_path):
    draft = sample_draft()
    blob = draft.files.pop("sample-attachment.pdf")
    draft.data["attachments"][0]["file"] = "../../outside.pdf"
    draft.files["../../outside.pdf"] = blob
    with pytest.raises(DraftInputError, match="附件文件名"):
        write_draft_file(draft, tmp_path / "a.shenbao", draft_id=DRAFT_ID)
    assert list(tmp_path.iterdir()) == []


def test_bad_draft_id_refused(tmp_path):
    with pytest.raises(ValueError):
        write_draft_file(sample_draft(), tmp_path / "a.shenbao", draft_id="x")


def test_without_personal_numbers(tmp_path, big):
    path = tmp_path / "p.shenbao"
    write_draft_file(big, path, draft_id=DRAFT_ID, without_personal=True)
    found = read_draft_file(path)
    assert found.personal_removed
    d = found.draft
    assert d.get("unit.bank_account") == ""
    for who in ("legal_rep", "leader", "contact"):
        assert d.get(f"people.{who}.id_number") == ""
        assert d.get(f"people.{who}.name") == big.get(f"people.{who}.name")
    assert all(m["id_number"] == "" for m in d.get("team.members"))
    assert [m["name"] for m in d.get("team.members")] == [m["name"] for m in big.get("team.members")]
    raw = path.read_bytes()
    for m in big.get("team.members"):
        assert m["id_number"].encode() not in raw
    assert big.get("unit.bank_account").encode() not in raw
    assert big.get("team.members[0].id_number")  # the original is untouched


def test_encrypted(tmp_path):
    draft = sample_draft()
    path = tmp_path / "e.shenbao"
    write_draft_file(draft, path, draft_id=DRAFT_ID, passphrase="正确的口令 correct horse")
    raw = path.read_bytes()
    assert raw.startswith(ENCRYPTED_MAGIC) and b"SQLite format 3" not in raw
    assert "上海临港芯链科技有限公司".encode() not in raw
    assert draft.get("people.leader.id_number").encode() not in raw
    assert is_draft_file(path)
    found = read_draft_file(path, passphrase="正确的口令 correct horse")
    assert found.draft == draft and found.encrypted
    with pytest.raises(WrongPassphrase, match="口令不正确"):
        read_draft_file(path, passphrase="错误的口令")
    with pytest.raises(PassphraseNeeded, match="已加密"):
        read_draft_file(path)
    assert issubclass(WrongPassphrase, DraftInputError) and issubclass(PassphraseNeeded, DraftInputError)


def test_encrypted_with_random_salt_and_nonce(tmp_path):
    a, b = tmp_path / "a.shenbao", tmp_path / "b.shenbao"
    for p in (a, b):
        write_draft_file(sample_draft(), p, draft_id=DRAFT_ID, passphrase="pw")
    assert a.read_bytes()[16:48] != b.read_bytes()[16:48]


def test_encrypted_tampered(tmp_path):
    path = tmp_path / "e.shenbao"
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID, passphrase="pw")
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    path.write_bytes(bytes(raw))
    with pytest.raises(WrongPassphrase):
        read_draft_file(path, passphrase="pw")


def test_encrypted_refuses_chosen_scrypt_cost(tmp_path):
    """A file may not make the reader run scrypt with an enormous n."""
    path = tmp_path / "e.shenbao"
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID, passphrase="pw")
    raw = bytearray(path.read_bytes())
    raw[17] = 30  # log2 n
    path.write_bytes(bytes(raw))
    with pytest.raises(DraftInputError, match="头部无效"):
        read_draft_file(path, passphrase="pw")


def test_store_export_import_round_trip(tmp_path, big):
    """JSON → store → .shenbao → another store → JSON identical, attachments included."""
    json_path = tmp_path / "in" / "draft.json"
    json_path.parent.mkdir()
    write_sample(json_path)
    original = load_draft_json(json_path)
    with Store(tmp_path / "one.sqlite3") as one:
        first = one.import_draft(original).draft_id
        big_id = one.create(big)
        one.export_file(first, tmp_path / "x.shenbao")
        one.export_file(big_id, tmp_path / "big.shenbao", passphrase="pw")
    with Store(tmp_path / "two.sqlite3") as two:
        result = two.import_file(tmp_path / "x.shenbao")
        assert result.draft_id == first and not result.conflict and not result.personal_removed
        back = two.load(result.draft_id)
        big_back = two.load(two.import_file(tmp_path / "big.shenbao", passphrase="pw").draft_id)
    assert dump_draft_json(back) == json_path.read_text(encoding="utf-8")
    assert back.files == {"sample-attachment.pdf": (json_path.parent / "sample-attachment.pdf").read_bytes()}
    assert big_back == big and big_back.files == big.files


def test_import_keeps_both(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        draft_id = s.create(sample_draft())
        s.export_file(draft_id, tmp_path / "x.shenbao")
        result = s.import_file(tmp_path / "x.shenbao")
        assert result.conflict and result.original_id == draft_id and result.draft_id != draft_id
        assert {d.id for d in s.list_drafts()} == {draft_id, result.draft_id}
        assert s.load(result.draft_id) == s.load(draft_id)


def test_import_without_personal_marks_draft(tmp_path):
    with Store(tmp_path / "s.sqlite3") as s:
        draft_id = s.create(sample_draft())
        s.export_file(draft_id, tmp_path / "x.shenbao", without_personal=True)
        s.delete(draft_id)
    with Store(tmp_path / "t.sqlite3") as t:
        result = t.import_file(tmp_path / "x.shenbao")
        assert result.personal_removed
        assert t.summary(result.draft_id).personal_removed
        assert t.summary(result.draft_id).error_count > 0  # the numbers must be filled in again


def test_deleted_data_never_exported(tmp_path):
    """Words typed then removed, and a deleted draft, are in the store but not in the export."""
    typed = "临时键入后又删除的文字" + uuid.uuid4().hex.upper()
    trashed = "回收站里的另一份草稿" + uuid.uuid4().hex.upper()
    store_path = tmp_path / "store" / "drafts.sqlite3"
    with Store(store_path) as s:
        draft = sample_draft()
        draft_id = s.create(draft)
        draft.set("capability", draft.get("capability") + typed * 20)
        s.save(draft_id, draft, reason="保存")
        draft.set("capability", sample_draft().get("capability"))
        s.save(draft_id, draft)
        other = sample_draft()
        other.set("plan", trashed * 20)
        other_id = s.create(other)
        s.delete(other_id)
        s.export_file(draft_id, tmp_path / "plain.shenbao")
        s.export_file(draft_id, tmp_path / "nopersonal.shenbao", without_personal=True)
        # The store really holds both (history and trash), so the check below means something.
        s.conn.execute("PRAGMA wal_checkpoint(FULL)")
        stored = store_path.read_bytes()
        assert typed.encode() in stored and trashed.encode() in stored
    for name in ("plain.shenbao", "nopersonal.shenbao"):
        exported = (tmp_path / name).read_bytes()
        for secret in (typed, trashed):
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in exported
            assert secret[-32:].encode() not in exported
        assert read_draft_file(tmp_path / name).draft.get("capability") == sample_draft().get("capability")


def test_export_to_unwritable_place(tmp_path):
    from forms.store import StoreError

    (tmp_path / "afile").write_text("x")
    with Store(tmp_path / "s.sqlite3") as s:
        draft_id = s.create(sample_draft())
        with pytest.raises(StoreError, match="无法写入"):
            s.export_file(draft_id, tmp_path / "afile" / "x.shenbao")


def test_round_trip_rare_characters(tmp_path):
    """The shared maximal draft (Ext-B names, every ID type) through the store and a draft file."""
    from tests.drafts import maximal_draft

    draft = maximal_draft()
    with Store(tmp_path / "a.sqlite3") as a:
        draft_id = a.create(draft)
        assert a.load(draft_id) == draft
        a.export_file(draft_id, tmp_path / "x.shenbao", passphrase="口令")
    with Store(tmp_path / "b.sqlite3") as b:
        result = b.import_file(tmp_path / "x.shenbao", passphrase="口令")
        back = b.load(result.draft_id)
    assert back == draft and dump_draft_json(back) == dump_draft_json(draft)


# --------------------------------------------------------------------------- messages that do not mislead


def test_zip_renamed_shenbao_is_not_a_draft_file(tmp_path):
    import zipfile

    path = tmp_path / "renamed.shenbao"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert is_draft_file(path)  # named .shenbao: read as one, so refused as one
    with pytest.raises(DraftInputError, match="不是申报助手的草稿文件（这是ZIP"):
        read_draft_file(path)


@pytest.mark.parametrize("offset", [0, 3, 9, 15])
def test_encrypted_file_with_damaged_magic(tmp_path, offset):
    path = tmp_path / "e.shenbao"
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID, passphrase="pw")
    raw = bytearray(path.read_bytes())
    raw[offset] ^= 0x20
    path.write_bytes(bytes(raw))
    assert is_draft_file(path)
    expected = "不是有效的申报助手草稿文件：加密文件的头部已损坏" if offset >= 7 else "不是申报助手的草稿文件"
    with pytest.raises(DraftInputError, match=expected):
        read_draft_file(path, passphrase="pw")


def test_just_over_the_size_limit_gives_the_real_size(tmp_path, monkeypatch):
    from forms import draftfile

    monkeypatch.setattr(draftfile, "MAX_FILE_BYTES", 2 * 2 ** 20)
    path = tmp_path / "big.shenbao"
    path.write_bytes(b"\0" * (2 * 2 ** 20 + 1))
    with pytest.raises(DraftInputError, match=r"文件过大（2.1 MB），草稿文件上限 2 MB"):
        read_draft_file(path)
    path.write_bytes(b"\0" * (3 * 2 ** 20 + 2 ** 19))
    with pytest.raises(DraftInputError, match=r"文件过大（3.5 MB），草稿文件上限 2 MB"):
        read_draft_file(path)
    with pytest.raises(DraftInputError, match=r"文件过大（3.5 MB）"):
        draftfile.read_draft_bytes(path.read_bytes())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFO")
def test_fifo_is_refused_without_blocking(tmp_path):
    import threading

    fifo = tmp_path / "pipe.shenbao"
    os.mkfifo(fifo)
    outcome = []

    def read():
        try:
            read_draft_file(fifo)
        except DraftInputError as exc:
            outcome.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # blocked in open(): unblock it before failing
        with open(fifo, "wb"):
            pass
        reader.join(10)
        pytest.fail("reading a FIFO blocked")
    assert outcome and "管道" in outcome[0]


def test_folder_is_refused(tmp_path):
    with pytest.raises(DraftInputError, match="是文件夹"):
        read_draft_file(tmp_path)


# --------------------------------------------------------------------------- passphrases


@pytest.mark.parametrize("passphrase", ["", "\udcff", "ab\ud800cd"])
def test_unusable_passphrase_refused_for_export(tmp_path, passphrase):
    from forms.draftfile import BadPassphrase

    with Store(tmp_path / "drafts.sqlite3") as store:
        draft_id = store.create(sample_draft())
        out = tmp_path / "x.shenbao"
        with pytest.raises(BadPassphrase, match="口令") as info:
            store.export_file(draft_id, out, passphrase=passphrase)
    assert isinstance(info.value, ValueError)
    assert ("不能为空" if not passphrase else "无法识别的字符") in str(info.value)
    assert not out.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_unencodable_passphrase_refused_for_import(tmp_path):
    from forms.draftfile import BadPassphrase

    path = tmp_path / "e.shenbao"
    write_draft_file(sample_draft(), path, draft_id=DRAFT_ID, passphrase="口令")
    with pytest.raises(BadPassphrase, match="无法识别的字符"):
        read_draft_file(path, passphrase="\udcff")
    with pytest.raises(PassphraseNeeded):
        read_draft_file(path, passphrase="")
    assert read_draft_file(path, passphrase="口令").draft == sample_draft()
