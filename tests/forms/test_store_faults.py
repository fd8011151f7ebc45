"""Faults: processes killed mid-write, a full disk, a read-only location, two writers at once.

Real SQLite files and real child processes; nothing is mocked. (Tests run as root here, so
permissions cannot make a file read-only: a full disk is simulated with ``PRAGMA max_page_count``
and a read-only location with a store opened ``mode=ro`` and a path under a regular file. Real
read-only and full mounts, in a private mount namespace: tests/forms/test_store_files.py.)
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from forms import store as store_mod
from forms.sample import sample_draft
from forms.store import Store, StoreError
from tests.forms.store_helpers import MAIN_DIR, dir_digest, logical_dump, noise_png, run_cli

CHILD = r"""
import sys
sys.path.insert(0, {main!r})
from pathlib import Path
from forms.sample import sample_draft
from forms.store import Store

path, field, mode = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
with Store(path) as store:
    drafts = store.list_drafts()
    if drafts:
        draft_id = drafts[-1].id   # the oldest: the shared one
    else:
        draft = sample_draft()
        draft.set(field, "0")
        draft_id = store.create(draft)
    current = store.load(draft_id).get(field) or "0"
    n = int(current) if current.isdigit() else 0
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 10 ** 9
    draft = store.load(draft_id)
    for _ in range(count):
        n += 1
        if mode == "save" or (mode == "mixed" and n % 2):
            draft = store.load(draft_id)
            draft.set(field, str(n))
            store.save(draft_id, draft)
        else:
            store.set_value(draft_id, field, str(n))
        sys.stdout.write(f"{{n}}\n")
        sys.stdout.flush()
"""


def _child_script(tmp_path: Path) -> Path:
    script = tmp_path / "autosave_child.py"
    script.write_text(CHILD.format(main=str(MAIN_DIR)), encoding="utf-8")
    return script


def _stored_value(path: Path, field: str) -> int:
    with Store(path) as s:
        assert s.integrity_check() == ["ok"]
        (oldest,) = [d for d in s.list_drafts()][-1:]
        value = s.load(oldest.id).get(field)
    return int(value) if value.isdigit() else 0


def _plain_integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX; the library itself uses no signals")
def test_sigkill_loses_nothing_committed(tmp_path):
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    script = _child_script(tmp_path)
    db = tmp_path / "drafts.sqlite3"
    field = "unit.address"
    trials, deadline = 30, time.monotonic() + 50
    done = 0
    for trial in range(trials):
        if time.monotonic() > deadline:
            break
        proc = subprocess.Popen([sys.executable, str(script), str(db), field, "mixed"],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        early = trial % 5 == 4  # sometimes kill while the store is still being opened
        if not early:
            first = proc.stdout.readline()
            assert first.strip().isdigit(), proc.stderr.read().decode("utf-8", "replace")
        time.sleep(rng.uniform(0.0, 0.35))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
        assert proc.returncode == -signal.SIGKILL, err.decode("utf-8", "replace")
        lines = ([first] if not early else []) + out.splitlines(keepends=True)
        complete = [int(x) for x in (ln.strip() for ln in lines if ln.endswith(b"\n")) if x.isdigit()]
        committed = max(complete, default=0)
        if not db.exists():
            assert committed == 0
            continue
        assert _plain_integrity(db) == "ok", f"seed {seed}, trial {trial}"
        stored = _stored_value(db, field)
        assert stored >= committed, f"seed {seed}, trial {trial}: stored {stored} < committed {committed}"
        done += 1
    assert done >= 25, f"only {done} trials ran (seed {seed})"
    with Store(db) as s:
        assert s.integrity_check() == ["ok"]
        assert len(s.list_drafts()) == 1  # every child continued the same draft


def test_two_processes_write_one_store(tmp_path):
    script = _child_script(tmp_path)
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft = sample_draft()
        draft.set("unit.address", "0")
        draft.set("plan", "0")
        s.create(draft)
    n = 60
    procs = [subprocess.Popen([sys.executable, str(script), str(db), field, mode, str(n)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for field, mode in (("unit.address", "set"), ("plan", "set"))]
    reader_stop = threading.Event()
    reads = []

    def read_loop():
        with Store(db) as r:
            while not reader_stop.is_set():
                reads.append(len(r.list_drafts()))

    reader = threading.Thread(target=read_loop)
    reader.start()
    try:
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err.decode("utf-8", "replace")
            assert out.split()[-1] == str(n).encode()
    finally:
        reader_stop.set()
        reader.join()
    assert reads and set(reads) == {1}
    with Store(db) as s:
        assert s.integrity_check() == ["ok"]
        (summary,) = s.list_drafts()
        d = s.load(summary.id)
        # set_value reads and writes in one IMMEDIATE transaction: no update is lost.
        assert (d.get("unit.address"), d.get("plan")) == (str(n), str(n))


def test_busy_store_waits_then_succeeds(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
        other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
        try:
            other.execute("BEGIN IMMEDIATE")
            timer = threading.Timer(0.5, lambda: other.execute("COMMIT"))
            timer.start()
            started = time.monotonic()
            s.set_value(draft_id, "unit.name", "等锁之后")
            assert time.monotonic() - started >= 0.4
            timer.join()
        finally:
            other.close()
        assert s.load(draft_id).get("unit.name") == "等锁之后"


def test_busy_store_too_long_gives_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(store_mod, "BUSY_TIMEOUT_SECONDS", 0.2)
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
        other = sqlite3.connect(db, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            with pytest.raises(StoreError, match="占用"):
                s.set_value(draft_id, "unit.name", "不会写入")
            other.execute("ROLLBACK")
        finally:
            other.close()
        assert s.load(draft_id) == sample_draft()
        s.set_value(draft_id, "unit.name", "锁释放后可写")


def test_full_disk(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft = sample_draft()
        draft_id = s.create(draft)
        before = s.load(draft_id)
        pages = s.conn.execute("PRAGMA page_count").fetchone()[0]
        s.conn.execute(f"PRAGMA max_page_count = {pages}")
        bigger = before.copy()
        bigger.files["sample-attachment.pdf"] = noise_png((400, 400), seed=1)
        with pytest.raises(StoreError, match="磁盘空间已满") as info:
            s.save(draft_id, bigger)
        assert "\n" not in str(info.value)
        with pytest.raises(StoreError, match="磁盘空间已满"):
            s.import_draft(bigger)
        assert s.load(draft_id) == before
        assert len(s.list_drafts()) == 1
        assert s.integrity_check() == ["ok"]
        s.conn.execute("PRAGMA max_page_count = 1073741823")
        s.save(draft_id, bigger)  # with room again, the same save works
    with Store(db) as s:
        assert s.load(draft_id) == bigger
        assert s.integrity_check() == ["ok"]


def test_read_only_store(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
    dump = logical_dump(db)
    with Store(db, read_only=True) as ro:
        assert [d.id for d in ro.list_drafts()] == [draft_id]
        assert ro.load(draft_id) == sample_draft()
        for write in (lambda: ro.set_value(draft_id, "unit.name", "x"),
                      lambda: ro.create(sample_draft()),
                      lambda: ro.delete(draft_id)):
            with pytest.raises(StoreError, match="只读"):
                write()
    assert logical_dump(db) == dump
    with Store(db) as s:
        assert s.integrity_check() == ["ok"]


def test_unwritable_location(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(StoreError, match="无法创建草稿库所在的文件夹"):
        Store(blocker / "Shenbao" / "drafts.sqlite3")
    with pytest.raises(StoreError, match="是文件夹"):
        Store(tmp_path)
    assert blocker.read_text() == "a file where a folder should be"


def test_unwritable_location_cli(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    result = run_cli("drafts", "list", "--db", str(blocker / "drafts.sqlite3"))
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and "无法创建" in result.stderr


def test_corrupt_store_gives_clear_error(tmp_path):
    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
    raw = bytearray(db.read_bytes())
    page = 4096
    for k in range(page, len(raw), page):  # wreck every page header after the first
        raw[k:k + 8] = b"\xff" * 8
    db.write_bytes(bytes(raw))
    snapshot = dir_digest(tmp_path)
    with pytest.raises(StoreError, match="损坏"):
        with Store(db) as s:
            s.load(draft_id)
    result = run_cli("drafts", "show", draft_id, "--db", str(db))
    assert result.returncode == 2 and "损坏" in result.stderr and "Traceback" not in result.stderr
    assert {k: v for k, v in dir_digest(tmp_path).items() if k == db.name} == {db.name: snapshot[db.name]}

