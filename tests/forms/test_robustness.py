"""Bad input never corrupts anything: values of the wrong type, files written over the store,
oversized or explosive attachments, odd but legitimate input forms."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import pytest

from forms.attachments import MAX_PDF_DECODED_BYTES, inspect_attachment
from forms.definition import get_form, load_form
from forms.draft import DraftInputError, draft_from_document, draft_to_document
from forms.fieldtypes import InputError
from forms.problems import Finding
from forms.sample import sample_document, sample_draft
from forms.store import Store, StoreError
from forms.validate import validate, validate_field

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("unit.bank_exempt", "false"),  # a string must never become True
        ("unit.bank_exempt", 0),
        ("unit.partners[0].since", 2019.0),
        ("unit.partners[0].since", True),
        ("cover.date", 20220301),
        ("unit.name", 42),
        ("people.leader.id_number", ["x"]),
    ],
)
def test_set_refuses_values_of_the_wrong_type(path: str, value: object) -> None:
    draft = sample_draft()
    before = draft.get(path)
    with pytest.raises(InputError):
        draft.set(path, value)
    assert draft.get(path) == before


def test_set_keeps_only_the_day_of_a_datetime() -> None:
    draft = sample_draft()
    draft.set("cover.date", dt.datetime(2022, 3, 1, 9, 30))
    assert type(draft.get("cover.date")) is dt.date
    assert draft_to_document(draft)["data"]["cover"]["date"] == "2022-03-01"


def test_store_never_commits_what_it_cannot_read_back(tmp_path: Path) -> None:
    with Store(tmp_path / "s.sqlite3") as store:
        draft_id = store.create(sample_draft())
        with pytest.raises(InputError):
            store.set_value(draft_id, "unit.partners[0].since", 2019.5)
        store.set_value(draft_id, "cover.date", dt.datetime(2022, 5, 6, 8, 0))
    with Store(tmp_path / "s.sqlite3") as store:  # a fresh process's view
        assert store.load(draft_id).get("cover.date") == dt.date(2022, 5, 6)


def test_emptied_id_type_returns_to_its_default_as_on_reload() -> None:
    draft = sample_draft()
    draft.set("people.leader.id_type", None)
    assert draft.get("people.leader.id_type") == "居民身份证"
    reloaded = draft_from_document(draft_to_document(draft), load_files=False)
    assert reloaded.data == draft.data


@pytest.mark.parametrize("target", ["store", "wal", "shm"])
def test_export_and_backup_refuse_to_overwrite_the_store(tmp_path: Path, target: str) -> None:
    db = tmp_path / "drafts.sqlite3"
    path = {"store": db, "wal": db.with_name(db.name + "-wal"), "shm": db.with_name(db.name + "-shm")}[target]
    with Store(db) as store:
        draft_id = store.create(sample_draft())
        with pytest.raises(StoreError, match="草稿库文件本身"):
            store.export_file(draft_id, path)
        with pytest.raises(StoreError, match="草稿库文件本身"):
            store.backup(path)
        assert [d.id for d in store.list_drafts()] == [draft_id]
    with Store(db) as store:
        assert store.load(draft_id).get("unit.name") == sample_draft().get("unit.name")


def test_export_refuses_an_attachment_the_importer_would_refuse(tmp_path: Path) -> None:
    from forms.attachments import MAX_ATTACHMENT_BYTES

    draft = sample_draft()
    name = draft.get("attachments[0].file")
    draft.files[name] = draft.files[name] + b" " * (MAX_ATTACHMENT_BYTES + 1)
    with Store(tmp_path / "s.sqlite3") as store:
        draft_id = store.create(draft)
        with pytest.raises(DraftInputError, match="超过 50 MB"):
            store.export_file(draft_id, tmp_path / "out.shenbao")
    assert not (tmp_path / "out.shenbao").exists()


def _pdf_bomb(pages: int, expanded: int) -> bytes:
    """A valid PDF whose page contents are tiny compressed but ``expanded`` bytes each."""
    stream = zlib.compress(b" " * expanded, 9)
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (3 + 2 * i) for i in range(pages))
               + b"] /Count %d >>" % pages]
    for i in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>" % (4 + 2 * i))
        objects.append(b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_bomb_attachment_is_refused_in_bounded_time() -> None:
    per_page = 60 * 1024 * 1024  # under pypdf's own per-stream cap, so only our total cap stops it
    pages = MAX_PDF_DECODED_BYTES // per_page + 2
    bomb = _pdf_bomb(pages, per_page)
    assert len(bomb) < 2 * 1024 * 1024  # small on disk
    verdict = inspect_attachment(bomb, "bomb.pdf")
    assert isinstance(verdict, Finding) and verdict.code == "attachment_invalid"
    assert "过于庞大" in verdict.message


def test_a_small_real_pdf_is_still_fine() -> None:
    verdict = inspect_attachment(_pdf_bomb(2, 1000), "ok.pdf")
    assert not isinstance(verdict, Finding) and verdict.pages == 2


@pytest.mark.parametrize("key", ["partners", "members", "leader", "opinion", "attachments"])
def test_empty_string_means_empty_for_records_and_lists(key: str) -> None:
    doc = sample_document()
    data = doc["data"]
    where = {"partners": data["unit"], "members": data["team"], "leader": data["team"],
             "opinion": data, "attachments": data}[key]
    where[key] = ""
    draft = draft_from_document(doc, load_files=False)
    value = draft.get({"partners": "unit.partners", "members": "team.members", "leader": "team.leader",
                       "opinion": "opinion", "attachments": "attachments"}[key])
    assert value in ([], {}) or all(v in ("", None, False) for v in value.values())


def test_validate_field_checks_a_whole_list_row() -> None:
    draft = sample_draft()
    draft.set("team.members[2].id_number", "310101")
    draft.set("team.members[2].task", "")
    problems = {(p.path, p.code) for p in validate_field(draft, "team.members[2]")}
    assert problems == {("team.members[2].id_number", "id_format"), ("team.members[2].task", "required")}
    assert validate_field(sample_draft(), "attachments[0]") == []


def test_passport_numbers_compare_regardless_of_case() -> None:
    draft = sample_draft()
    for row, number in ((1, "e1234567"), (2, "E1234567")):
        draft.set(f"team.members[{row}].id_type", "护照或其他")
        draft.set(f"team.members[{row}].id_number", number)
    codes = [(p.path, p.code) for p in validate(draft)]
    assert ("team.members[2].id_number", "duplicate_id") in codes


def test_renamed_field_inside_list_rows(tmp_path: Path) -> None:
    """A new edition renaming team.members.task: every row's value moves."""
    text = (ROOT / "forms/editions/shanghai-ip-consortium-2022/form.yaml").read_text(encoding="utf-8")
    text = text.replace("form: shanghai-ip-consortium-2022", "form: renamed-rows-2024", 1)
    text = text.replace("renamed: {}", "replaces: [shanghai-ip-consortium-2022]\nrenamed: {team.members.task: team.members.duty}")
    text = text.replace("{key: task, type: text, label: 承担任务, required: true}",
                        "{key: duty, type: text, label: 承担任务, required: true}")
    text = text.replace("{key: task}]", "{key: duty}]")
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    new = load_form(path)
    draft = draft_from_document(sample_document(), target_form=new, load_files=False)
    tasks = [m["task"] for m in sample_document()["data"]["team"]["members"]]
    assert [m["duty"] for m in draft.get("team.members")] == tasks
    assert get_form().id == "shanghai-ip-consortium-2022"  # the shipped edition is untouched


def test_a_large_deletion_never_overwrites_the_text_before_it(tmp_path: Path) -> None:
    """Select all + delete in 二, autosaved within the coalescing window: the paragraph that was
    there is still in the history."""
    with Store(tmp_path / "s.sqlite3") as store:
        draft = sample_draft()
        draft_id = store.create(draft)
        draft.set("capability", draft.get("capability") + "补充一句。")
        store.save(draft_id, draft)  # coalesced automatic revision
        before = draft.get("capability")
        draft.set("capability", "")
        store.save(draft_id, draft)  # seconds later: a large deletion
        texts = [store.load_revision(draft_id, r.id).get("capability") for r in store.revisions(draft_id)]
        assert texts[0] == ""
        assert before in texts
        draft.set("capability", "重")
        store.save(draft_id, draft)  # small edits after it coalesce again
        assert len(store.revisions(draft_id)) == len(texts)
