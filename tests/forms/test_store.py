"""The local store (forms/store.py) on real SQLite files."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from sqlite_utils import Database

from forms.sample import sample_draft
from forms.store import (
    APPLICATION_ID,
    MIGRATIONS,
    SCHEMA_VERSION,
    NoSuchDraft,
    Store,
    StoreError,
    default_store_path,
)
from forms.validate import validate
from tests.forms.store_helpers import Clock, clock_fixture, noise_png, store_fixture  # noqa: F401 - fixtures

UTC = dt.timezone.utc


def _pragma(path: Path, name: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


# --------------------------------------------------------------------------- location, settings


def test_default_path_follows_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SHENBAO_DB", str(tmp_path / "x.sqlite3"))
    assert default_store_path() == tmp_path / "x.sqlite3"


def test_default_path_is_per_user_data_folder(monkeypatch):
    import platformdirs

    monkeypatch.delenv("SHENBAO_DB", raising=False)
    expected = platformdirs.user_data_path("Shenbao", appauthor=False, roaming=False) / "drafts.sqlite3"
    assert default_store_path() == expected


def test_store_env_used_when_no_path(monkeypatch, tmp_path):
    monkeypatch.setenv("SHENBAO_DB", str(tmp_path / "sub" / "env.sqlite3"))
    with Store() as s:
        assert s.path == tmp_path / "sub" / "env.sqlite3"
    assert (tmp_path / "sub" / "env.sqlite3").is_file()


def test_settings(store, tmp_path):
    conn = store.conn
    assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID == 0x53424B31
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert conn.execute("PRAGMA secure_delete").fetchone()[0] == 1
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert store.integrity_check() == ["ok"]
    names = {m.name for m in MIGRATIONS.applied(store.db)}
    assert names == {"0001_initial", "0002_listing_summary"}


def test_foreign_keys_enforced(store):
    with pytest.raises(StoreError):
        with store._txn() as conn:
            conn.execute("INSERT INTO draft_files VALUES ('nope', 'a.pdf', 'application/pdf', 'x')")


# --------------------------------------------------------------------------- drafts


def test_create_load_list(store):
    draft = sample_draft()
    draft_id = store.create(draft)
    assert len(draft_id) == 36 and draft_id.count("-") == 4
    loaded = store.load(draft_id)
    assert loaded == draft
    assert loaded.files == draft.files and loaded.files  # attachment bytes included
    (summary,) = store.list_drafts()
    assert summary.id == draft_id
    assert summary.unit_name == "上海临港芯链科技有限公司"
    assert summary.form_id == "shanghai-ip-consortium-2022"
    assert summary.problem_count == summary.error_count == 0
    assert summary.deleted_at is None
    assert summary.updated.tzinfo is not None and summary.updated.utcoffset() == dt.timedelta(0)


def test_load_returns_a_copy(store):
    draft_id = store.create(sample_draft())
    a = store.load(draft_id)
    a.set("unit.name", "改了但没保存")
    assert store.load(draft_id).get("unit.name") == "上海临港芯链科技有限公司"


def test_problem_counts(store):
    draft = sample_draft()
    draft.set("unit.postcode", "100000")   # warning: not Shanghai
    draft.set("unit.credit_code", "")      # error: required
    problems = validate(draft)
    assert problems and any(p.is_error for p in problems) and not all(p.is_error for p in problems)
    draft_id = store.create(draft)
    (s,) = store.list_drafts()
    assert (s.problem_count, s.error_count) == (len(problems), sum(p.is_error for p in problems))
    store.set_value(draft_id, "unit.credit_code", sample_draft().get("unit.credit_code"))
    (s,) = store.list_drafts()
    assert (s.problem_count, s.error_count) == (1, 0)


def test_list_newest_first(store, clock):
    ids = []
    for i in range(3):
        d = sample_draft()
        d.set("unit.name", f"单位{i}")
        ids.append(store.create(d))
        clock.advance(seconds=1)
    assert [s.id for s in store.list_drafts()] == ids[::-1]
    store.set_value(ids[0], "unit.name", "单位0改")
    assert [s.id for s in store.list_drafts()][0] == ids[0]


def test_save_is_durable_across_instances(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    with Store(path) as s:
        draft = sample_draft()
        draft_id = s.create(draft)
        draft.set("plan", "新的工作方案")
        s.save(draft_id, draft)
    with Store(path) as s:
        assert s.load(draft_id).get("plan") == "新的工作方案"


def test_set_value_cleans_and_persists(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    with Store(path) as s:
        draft_id = s.create(sample_draft())
        s.set_value(draft_id, "unit.bank_account", "６２２２ ０２００ １２３４")
        s.set_value(draft_id, "team.members[2].name", "王\u200b珺")
        s.set_value(draft_id, "unit.partners[0].since", "２０１５")
    with Store(path) as s:
        d = s.load(draft_id)
    assert d.get("unit.bank_account") == "622202001234"
    assert d.get("team.members[2].name") == "王珺"
    assert d.get("unit.partners[0].since") == 2015


def test_set_value_bad_paths(store):
    draft_id = store.create(sample_draft())
    with pytest.raises(KeyError):
        store.set_value(draft_id, "unit.nonsense", "x")
    with pytest.raises(KeyError):
        store.set_value(draft_id, "team.members[99].name", "x")
    with pytest.raises(NoSuchDraft):
        store.set_value("00000000-0000-4000-8000-000000000000", "unit.name", "x")
    assert store.load(draft_id) == sample_draft()


def test_unchanged_save_writes_nothing(store, clock):
    draft = sample_draft()
    draft_id = store.create(draft)
    before = store.list_drafts()[0].updated
    n_revisions = len(store.revisions(draft_id))
    clock.advance(minutes=10)
    store.save(draft_id, draft)
    assert store.list_drafts()[0].updated == before
    assert len(store.revisions(draft_id)) == n_revisions


def test_no_such_draft(store):
    missing = "00000000-0000-4000-8000-000000000000"
    for call in (lambda: store.load(missing), lambda: store.save(missing, sample_draft()),
                 lambda: store.delete(missing), lambda: store.restore(missing),
                 lambda: store.revisions(missing), lambda: store.duplicate(missing)):
        with pytest.raises(NoSuchDraft):
            call()


def test_duplicate(store):
    original = store.create(sample_draft())
    copy_id = store.duplicate(original)
    assert copy_id != original
    assert store.load(copy_id) == store.load(original)
    store.set_value(copy_id, "unit.name", "复制出的单位")
    assert store.load(original).get("unit.name") == "上海临港芯链科技有限公司"
    assert len(store.revisions(copy_id)) == 2
    assert "复制" in store.revisions(copy_id)[-1].reason


# --------------------------------------------------------------------------- attachments


def test_attachments_content_addressed_and_collected(store, clock):
    a = store.create(sample_draft())
    store.create(sample_draft())
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1
    draft = store.load(a)
    draft.files["sample-attachment.pdf"] = noise_png((20, 20), seed=9)
    store.save(a, draft)
    assert store.load(a).files["sample-attachment.pdf"] == draft.files["sample-attachment.pdf"]
    mime = store.conn.execute("SELECT mime FROM draft_files WHERE draft_id = ?", (a,)).fetchone()[0]
    assert mime == "image/png"
    # The old bytes stay: the other draft and the first revision still use them.
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 2
    store.delete(a)
    assert store.purge_trash(clock.now + dt.timedelta(days=31)) == 1
    assert store.conn.execute("SELECT count(*) FROM blobs").fetchone()[0] == 1


def test_attachment_removed_from_draft(store):
    draft = sample_draft()
    draft_id = store.create(draft)
    draft.data["attachments"] = []
    store.save(draft_id, draft)
    assert store.load(draft_id).files == {}
    # Still in history.
    first = store.revisions(draft_id)[-1]
    assert store.load_revision(draft_id, first.id).files == sample_draft().files


# --------------------------------------------------------------------------- revisions


def test_fingerprint_matches_printed_one(store):
    draft = sample_draft()
    draft_id = store.create(draft)
    assert store.revisions(draft_id)[0].fingerprint == draft.fingerprint()


def test_revisions_coalesce(store, clock):
    draft = sample_draft()
    draft_id = store.create(draft)                      # explicit "新建"
    for minute in range(4):                              # typing for 4 minutes: one revision
        clock.advance(minutes=1)
        store.set_value(draft_id, "unit.address", f"地址{minute}")
    revs = store.revisions(draft_id)
    assert [r.explicit for r in revs] == [False, True]
    assert store.load_revision(draft_id, revs[0].id).get("unit.address") == "地址3"
    clock.advance(minutes=2)                             # the window opened 5+ minutes ago
    store.set_value(draft_id, "unit.address", "地址4")
    assert len(store.revisions(draft_id)) == 3
    store.save(draft_id, store.load(draft_id), reason="保存")
    store.save(draft_id, store.load(draft_id), reason="打印")   # explicit even when unchanged
    revs = store.revisions(draft_id)
    assert [r.reason for r in revs[:2]] == ["打印", "保存"]
    clock.advance(seconds=10)
    store.set_value(draft_id, "unit.address", "地址5")  # after an explicit one: a new auto one
    assert len(store.revisions(draft_id)) == 6


def test_newest_revision_is_current(store, clock):
    draft_id = store.create(sample_draft())
    for i in range(12):
        clock.advance(minutes=1)
        store.set_value(draft_id, "capability", f"能力{i}")
        newest = store.revisions(draft_id)[0]
        assert store.load_revision(draft_id, newest.id) == store.load(draft_id)


def test_restore_revision_is_a_new_revision(store, clock):
    draft = sample_draft()
    draft_id = store.create(draft)
    first = store.revisions(draft_id)[0]
    clock.advance(minutes=1)
    store.set_value(draft_id, "plan", "改写后的方案")
    edited = store.load(draft_id)
    store.restore_revision(draft_id, first.id)
    assert store.load(draft_id) == draft
    revs = store.revisions(draft_id)
    assert len(revs) == 3 and revs[0].explicit and "恢复" in revs[0].reason
    assert store.load_revision(draft_id, revs[1].id) == edited  # nothing lost
    with pytest.raises(NoSuchDraft):
        store.load_revision(draft_id, 999)
    other = store.create(sample_draft())
    with pytest.raises(NoSuchDraft):
        store.load_revision(other, first.id)  # a revision of another draft


def test_retention_thins_old_automatic_revisions(store, clock):
    start = clock.now
    draft_id = store.create(sample_draft())
    n = 0
    for day in range(40):
        for k in range(3):  # three windows a day
            clock.now = start + dt.timedelta(days=day, hours=k)
            n += 1
            store.set_value(draft_id, "unit.address", f"地址{n}")
        if day % 10 == 0:
            store.save(draft_id, store.load(draft_id), reason="保存")
    assert len(store.revisions(draft_id)) == 1 + 120 + 4
    now = start + dt.timedelta(days=40)
    store.maintain(now)
    revs = store.revisions(draft_id)
    explicit = [r for r in revs if r.explicit]
    assert len(explicit) == 5  # all kept
    cutoff = now - dt.timedelta(days=30)
    old_auto = [r for r in revs if not r.explicit and r.created < cutoff]
    recent_auto = [r for r in revs if not r.explicit and r.created >= cutoff]
    assert len({r.created.date() for r in old_auto}) == len(old_auto) == 10  # one per day
    assert len(recent_auto) == 90
    newest_of_day = store.load_revision(draft_id, old_auto[-1].id).get("unit.address")
    assert newest_of_day == "地址3"  # the day's last state survives
    assert store.revisions(draft_id)[0].id == revs[0].id
    assert store.integrity_check() == ["ok"]


# --------------------------------------------------------------------------- trash


def test_trash_and_restore(store, clock):
    keep = store.create(sample_draft())
    gone = store.create(sample_draft())
    store.delete(gone)
    assert [s.id for s in store.list_drafts()] == [keep]
    trashed = [s for s in store.list_drafts(include_deleted=True) if s.deleted_at]
    assert [s.id for s in trashed] == [gone] and trashed[0].deleted_at == clock.now
    with pytest.raises(StoreError, match="回收站"):
        store.set_value(gone, "unit.name", "x")
    assert store.load(gone) == sample_draft()  # viewable in the trash
    store.restore(gone)
    assert {s.id for s in store.list_drafts()} == {keep, gone}


def test_purge_after_30_days(store, clock):
    draft_id = store.create(sample_draft())
    store.delete(draft_id)
    assert store.purge_trash(clock.now + dt.timedelta(days=29)) == 0
    assert store.purge_trash(clock.now + dt.timedelta(days=30)) == 1
    with pytest.raises(NoSuchDraft):
        store.load(draft_id)
    for table in ("drafts", "revisions", "revision_files", "draft_files", "blobs"):
        assert store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


def test_purge_runs_when_the_store_opens(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    clock = Clock()
    with Store(path, clock=clock) as s:
        draft_id = s.create(sample_draft())
        s.delete(draft_id)
    clock.advance(days=31)
    with Store(path, clock=clock) as s:
        assert s.list_drafts(include_deleted=True) == []


def test_purged_text_is_overwritten(tmp_path):
    """secure_delete: a purged draft's words do not stay in the store file."""
    path = tmp_path / "drafts.sqlite3"
    secret = "绝密的临时文字" * 40 + "UNIQUE-PURGED-7f3a"
    clock = Clock()
    with Store(path, clock=clock) as s:
        s.create(sample_draft())
        d = sample_draft()
        d.set("capability", secret)
        gone = s.create(d)
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert secret.encode() in path.read_bytes()
        s.delete(gone)
        s.purge_trash(clock.now + dt.timedelta(days=31))
        s.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())
    assert b"UNIQUE-PURGED-7f3a" not in raw
    assert "绝密的临时文字".encode() not in raw


# --------------------------------------------------------------------------- import, backup


def test_import_draft_keeps_both_on_conflict(store):
    original = "6f1c2b7e-3d4a-4b5c-8d9e-0a1b2c3d4e5f"
    first = store.import_draft(sample_draft(), original)
    assert (first.draft_id, first.conflict) == (original, False)
    second = store.import_draft(sample_draft(), original)
    assert second.conflict and second.draft_id != original and second.original_id == original
    assert len(store.list_drafts()) == 2
    assert "另存为新草稿" in store.revisions(second.draft_id)[0].reason
    third = store.import_draft(sample_draft(), "not-a-uuid")
    assert third.original_id == "" and not third.conflict


def test_import_draft_marks_personal_removed(store):
    result = store.import_draft(sample_draft(), None, personal_removed=True)
    assert result.personal_removed
    assert store.summary(result.draft_id).personal_removed


def test_backup(store, tmp_path):
    draft_id = store.create(sample_draft())
    target = tmp_path / "backup" / "copy.sqlite3"
    target.parent.mkdir()
    store.backup(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite3"]
    with Store(target) as copy:
        assert copy.load(draft_id) == store.load(draft_id)
        assert copy.integrity_check() == ["ok"]


# --------------------------------------------------------------------------- schema versions


V1_DRAFT_ID = "0b8e5c1a-2f4d-4e6a-9c7b-1d2e3f4a5b6c"


def _make_v1_store(path: Path) -> None:
    """A store as version 1 of the program left it: only the first migration applied."""
    import hashlib
    import json

    from forms.draft import to_json_data

    conn = sqlite3.connect(path, isolation_level=None)
    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    try:
        conn.execute("PRAGMA journal_mode = WAL")
        MIGRATIONS.apply(db, stop_before="0002_listing_summary")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
        draft = sample_draft()
        data = json.dumps(to_json_data(draft), ensure_ascii=False)
        blob = draft.files["sample-attachment.pdf"]
        sha = hashlib.sha256(blob).hexdigest()
        ts = "2025-03-01T08:00:00.000000+00:00"
        conn.execute("BEGIN")
        conn.execute("INSERT INTO drafts (id, form_id, data, created, updated, personal_removed) "
                     "VALUES (?, ?, ?, ?, ?, 0)", (V1_DRAFT_ID, draft.form.id, data, ts, ts))
        conn.execute("INSERT INTO blobs VALUES (?, ?, ?)", (sha, len(blob), blob))
        conn.execute("INSERT INTO draft_files VALUES (?, ?, ?, ?)",
                     (V1_DRAFT_ID, "sample-attachment.pdf", "application/pdf", sha))
        conn.execute("INSERT INTO revisions (draft_id, created, opened, reason, explicit, content_hash, "
                     "form_id, data) VALUES (?, ?, ?, '新建', 1, 'x', ?, ?)",
                     (V1_DRAFT_ID, ts, ts, draft.form.id, data))
        conn.execute("COMMIT")
    finally:
        conn.close()


def test_migrates_a_version_1_store(tmp_path):
    path = tmp_path / "old.sqlite3"
    _make_v1_store(path)
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(drafts)")}
    assert "unit_name" not in columns
    with Store(path) as s:
        assert s.conn.execute("PRAGMA user_version").fetchone()[0] == 2
        (summary,) = s.list_drafts()
        assert summary.id == V1_DRAFT_ID
        assert summary.unit_name == "上海临港芯链科技有限公司"
        assert (summary.problem_count, summary.error_count) == (0, 0)
        assert s.load(V1_DRAFT_ID) == sample_draft()
        s.set_value(V1_DRAFT_ID, "unit.name", "升级后仍可编辑")
        assert s.integrity_check() == ["ok"]
    with Store(path) as s:  # a second open migrates nothing
        assert [m.name for m in MIGRATIONS.pending(s.db)] == []


def test_refuses_a_newer_store(tmp_path):
    path = tmp_path / "new.sqlite3"
    with Store(path):
        pass
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    with pytest.raises(StoreError, match="更新版本"):
        Store(path)


def test_refuses_a_foreign_database(tmp_path):
    path = tmp_path / "other.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="不是申报助手的草稿库"):
        Store(path)


def test_refuses_garbage(tmp_path):
    path = tmp_path / "garbage.sqlite3"
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="不是草稿库文件|已损坏"):
        Store(path)
    assert path.read_bytes() == b"this is not a database at all" * 100
