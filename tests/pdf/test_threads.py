"""Printing from worker threads (issue 8 item 8): the editor renders its preview off the GUI
thread while the user types, so renders run side by side with validation and edits. The
module-level caches (fonts, character widths, measurers, styles, coverage) must give every
render the same result as a render alone, and a render works on its own copy of the draft."""

from __future__ import annotations

import io
import threading
from concurrent.futures import ThreadPoolExecutor

from pypdf import PdfReader

from forms.sample import sample_draft
from forms.validate import validate
from pdf.export import export_bytes, prepare_fonts
from tests.drafts import maximal_draft

NAMES = ("上海临港芯链科技有限公司", "上海浦芯微电子有限公司", "申江大学技术转移中心")


def _editor(stop: threading.Event, errors: list) -> None:
    """What the GUI thread does meanwhile: edit its own draft and validate it, again and again."""
    draft = maximal_draft()
    k = 0
    try:
        while not stop.is_set():
            k += 1
            draft.set("unit.name", NAMES[k % len(NAMES)])
            draft.set("team.members[1].task", "专利导航" * (k % 7 + 1))
            members = draft.data["team"]["members"]
            members.append(dict(members[0])) if k % 2 else members.pop()
            validate(draft)
    except Exception as exc:  # noqa: BLE001 - reported by the test
        errors.append(exc)


def test_renders_in_threads_equal_a_render_alone():
    prepare_fonts()
    sample, maximal = sample_draft(), maximal_draft()
    alone = {kind: export_bytes(sample, kind)[0] for kind in ("pdf", "docx")}
    alone["max"] = export_bytes(maximal, draft_mode=True)[0]
    jobs = [("pdf", sample, {}), ("docx", sample, {}), ("max", maximal, {"draft_mode": True})] * 2
    stop, errors = threading.Event(), []
    editor = threading.Thread(target=_editor, args=(stop, errors))
    editor.start()
    try:
        with ThreadPoolExecutor(max_workers=3) as pool:
            futures = [(name, pool.submit(export_bytes, draft.copy(), "docx" if name == "docx" else "pdf", **kw))
                       for name, draft, kw in jobs]
            results = [(name, future.result(timeout=300)[0]) for name, future in futures]
    finally:
        stop.set()
        editor.join(60)
    assert errors == []
    for name, blob in results:
        assert blob == alone[name], name


def test_a_render_prints_one_state_of_a_draft_edited_meanwhile():
    """The draft handed to export is edited while it prints: the printout is of one state (its
    own copy), so the fingerprint it reports is the one on its pages."""
    prepare_fonts()
    draft = sample_draft()
    draft.data["attachments"], draft.files = [], {}
    stop = threading.Event()

    def edit() -> None:
        k = 0
        while not stop.is_set():
            k += 1
            draft.set("unit.name", NAMES[k % len(NAMES)])
            draft.set("capability", "产学研合作" * (k % 50 + 1))

    editor = threading.Thread(target=edit)
    editor.start()
    try:
        printed = [export_bytes(draft, draft_mode=True) for _ in range(4)]
    finally:
        stop.set()
        editor.join(60)
    for blob, result in printed:
        keywords = PdfReader(io.BytesIO(blob)).metadata["/Keywords"]
        assert keywords.endswith(result.fingerprint)
