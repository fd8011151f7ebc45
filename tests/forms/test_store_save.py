"""The editor's autosave (Store.save), the thin set_value, resolve_id and revision ids, on real
SQLite files."""

from __future__ import annotations

import sqlite3
import time

import pytest

from forms.sample import sample_draft
from forms.store import AmbiguousId, NoSuchDraft, Store, StoreError
from forms.validate import validate
from tests.forms.store_helpers import clock_fixture, dir_digest, store_fixture  # noqa: F401 - fixtures


def test_save_says_whether_it_wrote(store, clock):
    draft = sample_draft()
    draft_id = store.create(draft)
    assert store.save(draft_id, draft) is False
    draft.set("unit.address", "上海市徐汇区漕溪北路1号")
    clock.advance(seconds=3)
    assert store.save(draft_id, draft) is True
    assert store.load(draft_id) == draft
    assert store.save(draft_id, draft) is False
    assert store.save(draft_id, draft, "保存") is True  # an explicit revision is a write
    assert store.revisions(draft_id)[0].reason == "保存"


def test_unchanged_save_never_touches_the_file(store, tmp_path):
    draft = sample_draft()
    draft_id = store.create(draft)
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    before = dir_digest(tmp_path)
    for _ in range(5):
        assert store.save(draft_id, draft.copy()) is False
    assert dir_digest(tmp_path) == before


def test_unchanged_save_neither_validates_nor_waits_for_the_write_lock(tmp_path, monkeypatch):
    """Another program holds the write lock: an unchanged autosave returns at once, without
    validating (the GUI thread never waits on the busy timeout for nothing)."""
    from forms import store_codec

    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft = sample_draft()
        draft_id = s.create(draft)
        other = sqlite3.connect(db, isolation_level=None, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        try:
            monkeypatch.setattr(store_codec, "problem_counts",
                                lambda *a: pytest.fail("an unchanged save validated"))
            t = time.monotonic()
            assert s.save(draft_id, draft) is False
            assert time.monotonic() - t < 2.5  # far below the 5 s busy timeout
        finally:
            other.execute("ROLLBACK")
            other.close()


def test_save_uses_the_editors_problems(store):
    draft = sample_draft()
    draft_id = store.create(draft)
    draft.set("unit.postcode", "12")
    problems = validate(draft)
    assert store.save(draft_id, draft, problems=problems[:1]) is True
    summary = store.summary(draft_id)
    assert summary.problem_count == 1
    assert store.save(draft_id, draft.copy()) is False  # same content: the counts stay
    draft.set("unit.address", "别处")
    store.save(draft_id, draft)  # without problems: validated
    assert store.summary(draft_id).problem_count == len(validate(draft))


def test_save_into_trash_or_unknown_draft(store):
    draft = sample_draft()
    draft_id = store.create(draft)
    store.delete(draft_id)
    with pytest.raises(StoreError, match="回收站"):
        store.save(draft_id, draft)  # unchanged, but still refused: the editor must know
    with pytest.raises(NoSuchDraft):
        store.save("00000000-0000-4000-8000-000000000000", draft)


def test_store_keeps_no_copy_of_the_draft(store):
    """The draft the editor owns is the only live copy: load gives a fresh object each time,
    and a change to it is in the store only once saved."""
    draft = sample_draft()
    draft_id = store.create(draft)
    a, b = store.load(draft_id), store.load(draft_id)
    assert a == b and a is not b and a.data is not b.data
    a.set("unit.name", "只在编辑器里")
    assert store.load(draft_id).get("unit.name") == draft.get("unit.name")
    assert not hasattr(store, "_cache")


def test_set_value_is_load_set_save(store, clock):
    draft_id = store.create(sample_draft())
    assert store.set_value(draft_id, "unit.name", "新单位") is True
    assert store.set_value(draft_id, "unit.name", "新单位") is False
    assert store.load(draft_id).get("unit.name") == "新单位"


def test_large_deletion_keeps_the_text_before_it(store, clock):
    """Select all + delete within the coalescing window: the text before is still in history."""
    draft = sample_draft()
    draft_id = store.create(draft)
    draft.set("plan", draft.get("plan") + "再补一句。")
    clock.advance(seconds=2)
    store.save(draft_id, draft)
    before = draft.get("plan")
    draft.set("plan", "")
    clock.advance(seconds=2)
    store.save(draft_id, draft)
    history = [store.load_revision(draft_id, r.id).get("plan") for r in store.revisions(draft_id)]
    assert history[0] == "" and before in history
    draft.set("plan", "短")
    clock.advance(seconds=2)
    store.save(draft_id, draft)  # a small edit after it coalesces again
    assert len(store.revisions(draft_id)) == len(history)


@pytest.mark.parametrize("revision", [0, -1, 99999999999999999999, 2 ** 63, -(2 ** 63) - 1])
def test_revision_out_of_range_is_no_such_revision(store, revision):
    draft_id = store.create(sample_draft())
    with pytest.raises(NoSuchDraft, match="没有第 .* 号版本"):
        store.load_revision(draft_id, revision)
    with pytest.raises(NoSuchDraft, match="没有第 .* 号版本"):
        store.restore_revision(draft_id, revision)
    with pytest.raises(NoSuchDraft, match="没有编号为"):
        store.load_revision("00000000-0000-4000-8000-000000000000", revision)


def test_resolve_id(store):
    ids = sorted(store.create(sample_draft()) for _ in range(3))
    for draft_id in ids:
        assert store.resolve_id(draft_id) == draft_id
        assert store.resolve_id(draft_id.upper()) == draft_id
        unique = next(n for n in range(1, 37)
                      if sum(other.startswith(draft_id[:n]) for other in ids) == 1)
        assert store.resolve_id(draft_id[:unique]) == draft_id
        assert store.resolve_id(f"  {draft_id[:unique]} ") == draft_id
    store.delete(ids[0])
    assert store.resolve_id(ids[0]) == ids[0]  # the trash too (restore needs it)
    with pytest.raises(NoSuchDraft, match="没有编号为 zzz"):
        store.resolve_id("zzz")
    with pytest.raises(NoSuchDraft):
        store.resolve_id("")


def test_resolve_id_ambiguous(store):
    ids = set()
    while True:  # two drafts whose ids share a first hex digit (at most 17 tries)
        new = store.create(sample_draft())
        if any(other[0] == new[0] for other in ids):
            break
        ids.add(new)
    with pytest.raises(AmbiguousId, match=f"编号以 {new[0]} 开头的草稿不止一份") as info:
        store.resolve_id(new[0])
    assert isinstance(info.value, StoreError)


def test_codec_hash_is_the_printed_fingerprints_hash_and_round_trips():
    import hashlib

    from forms.store_codec import draft_from_row, encode, new_hasher
    from tests.forms.store_helpers import maximal_draft

    for draft in (sample_draft(), maximal_draft(png_side=40)):
        draft.set("unit.name", "孙𠈌 \"引号\" \\ 反斜杠")
        enc = encode(draft, new_hasher())
        assert enc.content_hash == hashlib.sha256(draft.canonical_json().encode("utf-8")).hexdigest()
        back = draft_from_row(enc.form_id, enc.data_json, {n: f[2] for n, f in enc.files.items()})
        assert back == draft
