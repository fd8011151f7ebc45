"""Hostile and unlucky input reaching the core (issue 9 items 1, 3, 6, 12; issue 8 item 10):
a maximum length for every one-line field, files that are not regular files, integer literals
too long for Python, sizes shown as they are, attachments that are folders, FIFOs, links or
outside the draft's folder, pypdf's log records, and the JSON nesting guard.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from forms.definition import get_form
from forms.draft import (
    MAX_DEPTH,
    DraftInputError,
    draft_from_document,
    dump_draft_json,
    load_draft_json,
    parse_draft_json,
    read_attachment_file,
    read_input_bytes,
)
from forms.sample import SAMPLE_ATTACHMENT, SAMPLE_DIR, sample_document
from forms.validate import validate
from tests.forms.test_validate import TODAY, at, build

ROOT = Path(__file__).resolve().parents[2]
POSIX = os.name == "posix"
PDF = (SAMPLE_DIR / SAMPLE_ATTACHMENT).read_bytes()
MB = 1024 * 1024

# ------------------------------------------------------------------------------ too_long

ONE_LINE = {"text", "name", "choice", "id", "uscc", "phone", "email", "postcode", "account", "file"}
#: One field of each one-line type, with a 100,000-character value of the nastiest shape found.
HUGE = {
    "unit.name": "a" * 100_000,
    "people.leader.name": "名" * 100_000,
    "unit.nature": "央" * 100_000,
    "people.leader.id_number": "1" * 100_000,
    "unit.credit_code": "9" * 100_000,
    "people.leader.phone": "021-" + " -" * 50_000 + "x",
    "team.leader.landline": "0" + "1 " * 50_000,
    "people.contact.email": "a@" + "a-" * 50_000,
    "unit.postcode": "2" * 100_000,
    "unit.bank_account": "1" * 100_000,
    "team.members[1].task": "任" * 100_000,
}


def test_every_one_line_field_has_a_maximum_length() -> None:
    form = get_form()
    for path in form.all_paths():
        fdef = form.field(path)
        if fdef.type in ONE_LINE:
            assert fdef.max_chars is not None and fdef.max_chars <= 1000, path
    assert form.field("people.leader.name").max_chars == 50  # spec §3
    assert form.field("unit.name").max_chars == 200
    assert form.field("people.leader.phone").max_chars == 40
    assert form.field("people.leader.email").max_chars == 254


@pytest.mark.parametrize("path", sorted(HUGE))
def test_a_huge_value_is_too_long_and_nothing_else(path: str) -> None:
    draft = build([(path, HUGE[path])])
    problems = at(draft, path)
    assert [p.code for p in problems] == ["too_long"], problems
    limit = draft.form.field(path).max_chars
    assert str(limit) in problems[0].message and len(problems[0].message) < 200


def test_a_phone_at_its_limit_is_still_checked() -> None:
    assert [p.code for p in at(build([("people.leader.phone", "1" * 40)]), "people.leader.phone")] == [
        "phone_format"]


def _load_and_validate_seconds(n: int) -> float:
    doc = sample_document()
    for path, value in HUGE.items():
        node = doc["data"]
        steps = re.findall(r"[a-z_]+|\d+", path)
        for step in steps[:-1]:
            node = node[int(step)] if step.isdigit() else node[step]
        node[steps[-1]] = value[: n] if len(value) >= n else value
    doc["data"]["capability"] = "a" * n  # one run of letters: 1 字, still read once
    raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    best = float("inf")
    gc.collect()
    gc.disable()  # a collection falling into one run would be noise
    try:
        for _ in range(7):  # CPU time of this process: other processes on the machine do not count
            started = time.process_time()
            validate(parse_draft_json(raw, base_dir=None), TODAY)
            best = min(best, time.process_time() - started)
    finally:
        gc.enable()
    return best


def test_loading_and_validating_grows_linearly_with_value_length() -> None:
    """Growth ratio, not a time: loading and validating a draft whose one-line fields hold N
    characters each takes at most 2.5 times as long at 2N."""
    _load_and_validate_seconds(1000)  # warm up (font coverage table, caches)
    small, large = _load_and_validate_seconds(40_000), _load_and_validate_seconds(80_000)
    assert large <= 2.5 * small + 0.01, (small, large)


# ------------------------------------------------------------------------------ not a regular file


def _in_thread(fn, *args):
    """Run ``fn`` in a daemon thread; (finished within 10 s, its result or exception)."""
    box: dict = {}

    def run() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(10)
    return not thread.is_alive(), box


def _unblock(fifo: Path) -> None:
    """Open the other end of a FIFO so a reader stuck in open() returns (test clean-up)."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
    except OSError:
        pass


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_a_fifo_given_as_a_draft_is_refused_without_opening_it(tmp_path: Path) -> None:
    fifo = tmp_path / "draft.json"
    os.mkfifo(fifo)
    try:
        finished, box = _in_thread(load_draft_json, fifo)
        assert finished, "reading a FIFO blocked"
        assert isinstance(box.get("error"), DraftInputError)
        assert "命名管道" in str(box["error"])
    finally:
        _unblock(fifo)


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_a_device_is_refused() -> None:
    with pytest.raises(DraftInputError, match="设备文件"):
        read_input_bytes(Path("/dev/null"), 1024, "草稿 JSON ")


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DraftInputError, match="文件夹"):
        read_input_bytes(tmp_path, 1024, "草稿 JSON ")


# ------------------------------------------------------------------------------ sizes


def test_a_file_just_over_the_limit_shows_its_real_size(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    with open(big, "wb") as fh:
        fh.truncate(int(20.3 * MB))  # sparse: nothing is written
    with pytest.raises(DraftInputError) as info:
        load_draft_json(big)
    assert "20.3 MB" in str(info.value) and "上限 20 MB" in str(info.value)


def test_bytes_just_over_the_limit_show_their_real_size() -> None:
    with pytest.raises(DraftInputError, match=r"20\.1 MB.*上限 20 MB"):
        parse_draft_json(b" " * (20 * MB + 1))


# ------------------------------------------------------------------------------ integers


@pytest.mark.parametrize("where", ["version", "since"])
def test_integer_literals_too_long_for_python_are_one_clear_line(where: str) -> None:
    doc = sample_document()
    text = json.dumps(doc, ensure_ascii=False)
    digits = "9" * 5000
    if where == "version":
        text = text.replace('"version": 1', f'"version": {digits}', 1)
    else:
        text = re.sub(r'"since": \d+', f'"since": {digits}', text, count=1)
    with pytest.raises(DraftInputError) as info:
        parse_draft_json(text.encode("utf-8"))
    message = str(info.value)
    assert "\n" not in message and "数字过长" in message and "5000" in message


def test_ordinary_integers_still_load() -> None:
    doc = sample_document()
    assert parse_draft_json(json.dumps(doc).encode()).get("unit.partners[0].since") == \
        doc["data"]["unit"]["partners"][0]["since"]


# ------------------------------------------------------------------------------ attachments


def _draft_naming(folder: Path, name: str):
    doc = sample_document()
    doc["data"]["attachments"][0]["file"] = name
    path = folder / "draft.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return load_draft_json(path)


def _attachment_message(draft) -> str:
    [p] = [p for p in validate(draft, TODAY) if p.path == "attachments[0].file"]
    assert p.code == "attachment_invalid"
    return p.message


def test_a_hostile_draft_cannot_pull_files_from_outside_its_folder(tmp_path: Path) -> None:
    """The is_relative_to check of forms.draft: ``../`` and absolute names are never read."""
    (tmp_path / "secret.pdf").write_bytes(PDF)
    inner = tmp_path / "a" / "b"
    inner.mkdir(parents=True)
    for name in ("../../secret.pdf", "../b/../../secret.pdf", str(tmp_path / "secret.pdf")):
        assert read_attachment_file(inner, name) is None, name
        draft = _draft_naming(inner, name)
        assert draft.files == {}, name
        assert "不在草稿 JSON 文件所在的文件夹内" in _attachment_message(draft)


@pytest.mark.skipif(not POSIX, reason="symbolic links need privileges on Windows")
def test_a_link_out_of_the_folder_is_not_followed(tmp_path: Path) -> None:
    (tmp_path / "secret.pdf").write_bytes(PDF)
    inner = tmp_path / "drafts"
    inner.mkdir()
    (inner / "innocent.pdf").symlink_to(tmp_path / "secret.pdf")
    draft = _draft_naming(inner, "innocent.pdf")
    assert draft.files == {}
    assert "文件夹以外的链接" in _attachment_message(draft)


def test_an_attachment_that_is_a_folder_says_so(tmp_path: Path) -> None:
    (tmp_path / "scans").mkdir()
    msg = _attachment_message(_draft_naming(tmp_path, "scans"))
    assert "是文件夹" in msg and "找不到" not in msg and "附件第 1 行" in msg


@pytest.mark.skipif(not POSIX, reason="FIFOs are POSIX")
def test_an_attachment_that_is_a_fifo_says_so_and_never_blocks(tmp_path: Path) -> None:
    fifo = tmp_path / "scan.pdf"
    os.mkfifo(fifo)
    try:
        finished, box = _in_thread(_draft_naming, tmp_path, "scan.pdf")
        assert finished, "reading an attachment FIFO blocked"
        assert "命名管道" in _attachment_message(box["value"])
    finally:
        _unblock(fifo)


@pytest.mark.skipif(not POSIX, reason="symbolic links need privileges on Windows")
def test_an_attachment_that_is_a_dangling_or_folder_link_says_so(tmp_path: Path) -> None:
    (tmp_path / "gone.pdf").symlink_to(tmp_path / "nowhere.pdf")
    assert "链接" in _attachment_message(_draft_naming(tmp_path, "gone.pdf"))
    (tmp_path / "dir").mkdir()
    (tmp_path / "dir.pdf").symlink_to(tmp_path / "dir")
    assert "指向文件夹的链接" in _attachment_message(_draft_naming(tmp_path, "dir.pdf"))


def test_an_attachment_just_over_the_limit_shows_its_size(tmp_path: Path) -> None:
    with open(tmp_path / "huge.pdf", "wb") as fh:
        fh.truncate(50 * MB + 1)
    msg = _attachment_message(_draft_naming(tmp_path, "huge.pdf"))
    assert "50.1 MB" in msg and "上限 50 MB" in msg


def test_an_attachment_missing_from_a_stored_draft_must_be_chosen_again() -> None:
    draft = draft_from_document(json.loads(dump_draft_json(build())), load_files=False)
    msg = _attachment_message(draft)
    assert "不在草稿中" in msg and "重新选择" in msg and "文件夹" not in msg


def test_an_attachment_not_beside_the_json_says_where_it_was_looked_for(tmp_path: Path) -> None:
    msg = _attachment_message(_draft_naming(tmp_path, "nowhere.pdf"))
    assert "nowhere.pdf" in msg and "找不到" in msg


def test_why_a_file_was_not_read_survives_a_copy(tmp_path: Path) -> None:
    (tmp_path / "scans").mkdir()
    draft = _draft_naming(tmp_path, "scans")
    assert _attachment_message(draft.copy()) == _attachment_message(draft)


# ------------------------------------------------------------------------------ pypdf's log


def _startxref_off_by_seven() -> bytes:
    m = re.search(rb"startxref\s+(\d+)", PDF)
    assert m is not None
    return PDF[:m.start(1)] + str(int(m.group(1)) + 7).encode() + PDF[m.end(1):]


def test_pypdf_warnings_never_reach_stderr(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes(_startxref_off_by_seven())
    script = (
        "import sys, io, pypdf\n"
        "from pathlib import Path\n"
        "from forms.attachments import inspect_attachment\n"
        "blob = Path(sys.argv[1]).read_bytes()\n"
        "print(type(inspect_attachment(blob, 'x.pdf')).__name__)\n"
        "sys.stdout.flush()\n"
        "sys.stderr.write('---\\n')\n"
        "pypdf.PdfReader(io.BytesIO(blob))  # outside an inspection: pypdf speaks as usual\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(damaged)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "AttachmentInfo"
    during, _, after = done.stderr.partition("---\n")
    assert during == ""
    assert "startxref" in after  # the gate passes other records on


# ------------------------------------------------------------------------------ nesting


def test_the_nesting_guard_refuses_before_parsing() -> None:
    """_depth_ok: 33 levels are refused with their own message (json.loads alone would accept
    them and the loader would then complain about something else)."""
    deep = b'{"format": "shenbao-draft", "version": 1, "data": {"unit": ' + b"[" * MAX_DEPTH + \
        b"]" * MAX_DEPTH + b"}}"
    with pytest.raises(DraftInputError, match=f"嵌套层数超过 {MAX_DEPTH}"):
        parse_draft_json(deep)


def test_brackets_inside_strings_do_not_count() -> None:
    doc = sample_document()
    doc["data"]["capability"] = "[" * 100 + "{" * 100
    assert parse_draft_json(json.dumps(doc, ensure_ascii=False).encode()).get("capability").startswith("[[[")
