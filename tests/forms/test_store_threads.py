"""The store and its caches used from several threads at once (the editor saves on the GUI
thread while render workers inspect attachments)."""

from __future__ import annotations

import hashlib
import sys
import threading
from pathlib import Path

import pytest

from forms.fsutil import BytesMemo
from forms.sample import sample_draft
from forms.store import Store
from forms.store_codec import encode, new_hasher


@pytest.fixture
def busy_switching():
    """Switch threads as often as possible, so unlocked shared state breaks reliably."""
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    yield
    sys.setswitchinterval(old)


def _hammer(n_threads: int, work) -> list[str]:
    errors: list[str] = []

    def run(k: int) -> None:
        try:
            work(k)
        except Exception as exc:  # noqa: BLE001 - collected and reported by the test
            errors.append(repr(exc))

    threads = [threading.Thread(target=run, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_bytes_memo_from_many_threads(busy_switching):
    memo = BytesMemo(lambda blob: hashlib.sha256(blob).hexdigest(), 2)
    blobs = [bytes([i]) * 64 for i in range(50)]

    def work(_k: int) -> None:
        for _ in range(300):
            for blob in blobs:
                assert memo(blob) == hashlib.sha256(blob).hexdigest()

    assert _hammer(8, work) == []


def test_store_hasher_from_many_threads(busy_switching):
    hasher = new_hasher(size=2)
    blobs = [b"%PDF-1.4\n" + bytes([i]) * 64 for i in range(50)]

    def work(_k: int) -> None:
        for _ in range(300):
            for blob in blobs:
                assert hasher(blob) == (hashlib.sha256(blob).hexdigest(), "application/pdf")

    assert _hammer(8, work) == []


def test_one_store_saved_and_read_from_many_threads(tmp_path: Path):
    """Threads save their own drafts, list and encode through one Store at once: every save
    lands, the file stays sound."""
    with Store(tmp_path / "drafts.sqlite3") as store:
        drafts = [sample_draft() for _ in range(4)]
        ids = [store.create(d) for d in drafts]

        def work(k: int) -> None:
            draft = drafts[k]
            for i in range(15):
                draft.set("unit.address", f"线程{k}第{i}次")
                assert store.save(ids[k], draft) is True
                assert store.save(ids[k], draft) is False
                encode(draft, store._hasher)
                store.list_drafts()

        assert _hammer(4, work) == []
        assert [store.load(i).get("unit.address") for i in ids] == [f"线程{k}第14次" for k in range(4)]
        assert store.integrity_check() == ["ok"]
