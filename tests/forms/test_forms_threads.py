"""Validation from worker threads (issue 8, item 8): several threads validate snapshots at once
while another thread keeps editing the draft and taking snapshots, as the editor does while its
preview renders. Every thread's problems equal a quiet, one-thread validation of the same
snapshot; the snapshots stay as they were taken; the process-wide warnings filters are as before.

The attachment bytes of each snapshot are a fresh object, so every validation inspects its PDF or
PNG again (the shared memo is kept tiny here so that it evicts all the time), and each snapshot
carries characters the font-coverage cache has not seen, so that cache grows and is cleared while
the threads run.
"""

from __future__ import annotations

import queue
import sys
import threading
import warnings

import pytest

from forms import coverage
from forms import validate as validate_module
from forms.draft import dump_draft_json, parse_draft_json
from forms.fsutil import BytesMemo
from forms.validate import validate
from tests.attachment_samples import png
from tests.forms.test_validate import TODAY, build

VALIDATORS = 4
SNAPSHOTS = 24


@pytest.fixture
def busy_caches(monkeypatch):
    monkeypatch.setattr(validate_module, "_INSPECTED", BytesMemo(validate_module._inspect, 2))
    monkeypatch.setattr(coverage, "_MAX_VERDICTS", 64)
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as the interpreter allows
    yield
    sys.setswitchinterval(old)


def test_validating_in_threads_while_another_thread_edits(busy_caches) -> None:
    draft = build()
    pdf_name = draft.get("attachments[0].file")
    pdf = draft.files[pdf_name]
    image = png()
    filters_before = list(warnings.filters)
    work: queue.Queue = queue.Queue()
    taken: list[tuple[object, str]] = []  # (snapshot, its JSON when taken)
    results: dict[int, list] = {}
    errors: list[BaseException] = []
    lock = threading.Lock()

    def editor() -> None:
        try:
            for i in range(SNAPSHOTS):
                draft.set("unit.name", f"上海测试单位{chr(0x4E00 + 97 * i)}{chr(0x3400 + i)}")
                draft.set("people.leader.phone", "021-1234567" if i % 3 else "12345")
                draft.set("capability", "".join(chr(0x4E00 + 389 * i + k) for k in range(80)))
                draft.data["attachments"][0]["file"] = "scan.png" if i % 2 else pdf_name
                snap = draft.copy()
                snap.files = {pdf_name: bytes(bytearray(pdf)), "scan.png": bytes(bytearray(image))}
                taken.append((snap, dump_draft_json(snap)))
                for _ in range(VALIDATORS):
                    work.put(len(taken) - 1)
                draft.set("unit.address", f"地址{i}")  # keep editing after handing it over
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            for _ in range(VALIDATORS):
                work.put(None)

    def validator() -> None:
        try:
            while (index := work.get()) is not None:
                snap = taken[index][0]
                found = validate(snap, TODAY)
                with lock:
                    results.setdefault(index, []).append(found)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=editor)] + [threading.Thread(target=validator) for _ in range(VALIDATORS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    sys.setswitchinterval(0.005)
    assert sorted(results) == list(range(SNAPSHOTS))
    for index, (snap, text) in enumerate(taken):
        assert dump_draft_json(snap) == text, "a snapshot changed after it was taken"
        quiet = parse_draft_json(text.encode("utf-8"))
        quiet.files = dict(snap.files)
        expected = validate(quiet, TODAY)
        assert all(found == expected for found in results[index]), index
    assert warnings.filters == filters_before
    # The snapshots really differ: the problems of the phone and of the attachment kinds vary.
    assert len({tuple(p.code for p in validate(s, TODAY)) for s, _ in taken}) > 1
