"""Tests for the draft JSON of spec form-2022.md §4 (forms.draft): strict loading (unknown keys
and wrong types are input errors naming the key path), empty values, defaults, lossless round
trips, and refusal of unusable bytes (BOM, non-UTF-8, duplicate keys, absurd nesting, wrong
format or version).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.draft import (
    Draft,
    DraftInputError,
    draft_from_document,
    dump_draft_json,
    empty_data,
    load_draft_json,
    parse_draft_json,
    parse_path,
)
from forms.sample import sample_document, sample_draft
from forms.text import clean_line, clean_name, clean_para

HEADER = {"format": "shenbao-draft", "version": 1, "form": "shanghai-ip-consortium-2022"}


def doc_with(changes: list[tuple[str, Any]] = (), deletions: list[str] = ()) -> dict:
    """The sample's draft JSON document with values replaced (paths under ``data``) or deleted."""
    doc = copy.deepcopy(sample_document())
    for path, value in changes:
        steps = parse_path(path)
        node: Any = doc["data"]
        for step in steps[:-1]:
            node = node[step]
        node[steps[-1]] = value
    for path in deletions:
        steps = parse_path(path)
        node = doc["data"]
        for step in steps[:-1]:
            node = node[step]
        del node[steps[-1]]
    return doc


def load(doc: Any) -> Draft:
    return parse_draft_json(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


def input_error(raw: bytes | str) -> str:
    with pytest.raises(DraftInputError) as info:
        parse_draft_json(raw)
    message = str(info.value)
    assert message.strip()
    assert "\n" not in message  # one line on stderr
    return message


def doc_error(doc: Any) -> str:
    return input_error(json.dumps(doc, ensure_ascii=False).encode("utf-8"))


# ============================================================================================
# Unknown keys
# ============================================================================================


@pytest.mark.parametrize(
    ("where", "key_path"),
    [
        ("top", "comment"),
        ("data", "remarks"),
        ("group", "unit.colour"),
        ("group2", "cover.time"),
        ("record", "people.legal_rep.nickname"),
        ("team-leader", "team.leader.age"),
        ("list-row", "team.members[2].age"),
        ("partner-row", "unit.partners[0].city"),
        ("attachment-row", "attachments[0].pages"),
    ],
)
def test_unknown_key_names_its_path(where: str, key_path: str) -> None:
    doc = doc_with()
    if where == "top":
        doc[key_path] = "x"
    else:
        steps = parse_path(key_path)
        node: Any = doc["data"]
        for step in steps[:-1]:
            node = node[step]
        node[steps[-1]] = "x"
    assert key_path in doc_error(doc)


def test_unknown_key_is_not_silently_dropped_even_when_empty() -> None:
    doc = doc_with()
    doc["data"]["unit"]["fax"] = None
    assert "unit.fax" in doc_error(doc)


# ============================================================================================
# Wrong JSON types
# ============================================================================================


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("capability", 123),  # a number where text is expected
        ("unit.name", 5),
        ("unit.name", ["上海"]),
        ("people.leader.name", {"family": "林"}),
        ("team.members[0].task", False),
        ("unit.postcode", 200030),  # digits are text in JSON, not numbers
        ("people.contact.phone", 13800138000),
        ("team.members", "林雨桐"),  # a string where a list is expected
        ("unit.partners", {"name": "申江大学"}),
        ("attachments", "cert.pdf"),
        ("team.members[1]", "陈昊"),  # a list row that is not an object
        ("people.leader", ["林雨桐"]),  # a record that is not an object
        ("unit", "上海"),  # a group that is not an object
        ("unit.partners[0].since", True),  # bool vs year
        ("unit.partners[0].since", "2016"),
        ("unit.partners[0].since", 2016.5),
        ("unit.bank_exempt", "false"),  # text vs bool
        ("unit.bank_exempt", 0),
        ("cover.date", "2022-02-30"),  # not a real date
        ("cover.date", "2022/01/01"),  # not ISO
        ("cover.date", "20220101"),
        ("opinion.date", 20220420),
        ("unit.nature", 1),
    ],
)
def test_wrong_type_names_the_key(path: str, value: Any) -> None:
    assert path in doc_error(doc_with([(path, value)]))


def test_data_must_be_an_object() -> None:
    doc = doc_with()
    doc["data"] = []
    assert "data" in doc_error(doc)


# ============================================================================================
# Empty values and defaults
# ============================================================================================


@pytest.mark.parametrize("how", ["missing", "null", "empty"])
@pytest.mark.parametrize(
    ("path", "empty"),
    [
        ("capability", ""),
        ("unit.name", ""),
        ("people.contact.email", ""),
        ("team.members[1].department", ""),
        ("cover.date", None),
        ("opinion.date", None),
        ("unit.partners[0].since", None),
        ("unit.bank_exempt", False),
        ("people.leader.id_type", "居民身份证"),  # a missing id_type means 居民身份证
        ("team.members[3].id_type", "居民身份证"),
    ],
)
def test_missing_null_and_empty_string_all_mean_empty(how: str, path: str, empty: Any) -> None:
    if how == "missing":
        doc = doc_with(deletions=[path])
    else:
        doc = doc_with([(path, None if how == "null" else "")])
    draft = load(doc)
    assert draft.get(path) == empty


@pytest.mark.parametrize("path", ["team.members", "unit.partners", "attachments"])
def test_missing_or_null_list_is_empty(path: str) -> None:
    assert load(doc_with(deletions=[path])).get(path) == []
    assert load(doc_with([(path, None)])).get(path) == []


def test_missing_record_is_an_empty_record() -> None:
    draft = load(doc_with(deletions=["people.contact"]))
    assert draft.get("people.contact") == {"name": "", "id_type": "居民身份证", "id_number": "",
                                           "phone": "", "email": ""}


def test_empty_data_is_an_empty_draft() -> None:
    draft = load({**HEADER, "data": {}})
    assert draft.data == empty_data(draft.form)
    assert draft == Draft()
    assert load({**HEADER}) == Draft()
    assert load({**HEADER, "data": None}) == Draft()


def test_values_are_typed() -> None:
    draft = load(sample_document())
    assert draft.get("cover.date") == dt.date(2022, 4, 20)
    assert draft.get("unit.partners[0].since") == 2016
    assert draft.get("unit.bank_exempt") is False
    assert isinstance(draft.get("team.members"), list)


def test_values_are_cleaned_on_load() -> None:
    draft = load(doc_with([("unit.bank_account", "1001 2800-0900"), ("people.contact.name", "欧阳\u2022晓岚"),
                           ("unit.address", "上海市\u200b浦东新区\x07")]))
    assert draft.get("unit.bank_account") == "100128000900"
    assert draft.get("people.contact.name") == "欧阳·晓岚"
    assert draft.get("unit.address") == "上海市浦东新区"


def test_attachment_file_is_read_relative_to_the_json(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "iso9001.pdf").write_bytes(b"%PDF-1.4 test bytes")
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(doc_with([("attachments[0].file", "certs/iso9001.pdf")]), ensure_ascii=False),
                    encoding="utf-8")
    draft = load_draft_json(path)
    assert draft.files == {"certs/iso9001.pdf": b"%PDF-1.4 test bytes"}


# ============================================================================================
# Round trip
# ============================================================================================


def test_sample_round_trip_and_stable_dump() -> None:
    first = load(sample_document())
    text = dump_draft_json(first)
    second = parse_draft_json(text.encode("utf-8"))
    assert second == first
    assert dump_draft_json(second) == text


def test_dump_is_the_spec_s_document() -> None:
    doc = json.loads(dump_draft_json(sample_draft()))
    assert {k: doc[k] for k in HEADER} == HEADER
    assert set(doc) == set(HEADER) | {"data"}
    data = doc["data"]
    assert data["cover"] == {"date": "2022-04-20"}
    assert data["unit"]["partners"][0] == {"name": "申江大学", "kind": "高校", "since": 2016}
    assert data["unit"]["bank_exempt"] is False
    assert set(data) == {"cover", "unit", "people", "capability", "plan", "team", "opinion", "attachments"}
    assert set(data["people"]["leader"]) == {"name", "id_type", "id_number", "phone", "email"}
    assert data["attachments"][0]["file"] == "sample-attachment.pdf"


def test_dump_is_utf8_json_without_escapes() -> None:
    text = dump_draft_json(sample_draft())
    assert "上海临港芯链科技有限公司" in text
    assert "\\u" not in text
    assert not text.startswith("\ufeff")


def test_empty_values_dump_as_null_or_empty_and_reload() -> None:
    draft = load(doc_with([("cover.date", None), ("unit.partners[0].since", None), ("plan", "")]))
    doc = json.loads(dump_draft_json(draft))
    assert doc["data"]["cover"]["date"] is None
    assert doc["data"]["unit"]["partners"][0]["since"] is None
    assert doc["data"]["plan"] in ("", None)
    assert load(doc) == draft


SPECIAL = st.sampled_from(["\U00020000", "\U00020bb7", "\U0002a6d6", "\U0002b740", "\uf900", "\uf9dc",
                           "\u00b7", "\u30fb", "\u3000", "Ｘ", "＜", "&", "<b>", "\\", '"', "\n", "\t",
                           "\u200b", "\ufeff", "\x07", "😀", "\ue000"])
ANY_CHAR = st.characters(blacklist_categories=("Cs",))
TEXTS = st.lists(st.one_of(SPECIAL, ANY_CHAR), max_size=40).map("".join)
TEXT_PATHS = ["unit.name", "capability", "plan", "people.contact.name", "team.members[1].name",
              "team.members[2].task", "unit.partners[0].name", "unit.business_scope", "unit.nature_other"]


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({path: TEXTS for path in TEXT_PATHS}))
def test_round_trip_of_random_text(values: dict[str, str]) -> None:
    first = load(doc_with(list(values.items())))
    text = dump_draft_json(first)
    second = parse_draft_json(text.encode("utf-8"))
    assert second == first
    assert dump_draft_json(second) == text


CLEANERS = {"unit.name": clean_line, "capability": clean_para, "plan": clean_para,
            "people.contact.name": clean_name, "team.members[1].name": clean_name,
            "team.members[2].task": clean_line, "unit.partners[0].name": clean_line,
            "unit.business_scope": clean_para, "unit.nature_other": clean_line}


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({path: TEXTS for path in TEXT_PATHS}))
def test_clean_text_survives_loading_unchanged(values: dict[str, str]) -> None:
    # what the editor stores (cleaned text) comes back exactly: Ext-B, compatibility ideographs
    # and everything else, never normalised
    cleaned = {path: CLEANERS[path](value) for path, value in values.items()}
    draft = load(doc_with(list(cleaned.items())))
    for path, value in cleaned.items():
        assert draft.get(path) == value


def test_compatibility_ideographs_and_ext_b_survive() -> None:
    name = "\uf900\U00020bb7明"
    draft = load(doc_with([("people.leader.name", name), ("team.members[0].name", name)]))
    again = parse_draft_json(dump_draft_json(draft).encode("utf-8"))
    assert again.get("people.leader.name") == name
    assert again.get("team.members[0].name") == name


@given(st.integers(1949, 2022), st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)))
def test_round_trip_of_years_and_dates(since: int, date: dt.date) -> None:
    draft = load(doc_with([("unit.partners[1].since", since), ("opinion.date", date.isoformat())]))
    assert draft.get("unit.partners[1].since") == since
    assert draft.get("opinion.date") == date
    assert parse_draft_json(dump_draft_json(draft)) == draft


def test_fingerprint_follows_the_content() -> None:
    a, b = sample_draft(), sample_draft()
    assert a.fingerprint() == b.fingerprint()
    assert len(a.fingerprint()) == 8 and int(a.fingerprint(), 16) >= 0
    b.set("unit.address", b.get("unit.address") + "（东门）")
    assert a.fingerprint() != b.fingerprint()


# ============================================================================================
# Unusable bytes
# ============================================================================================

SAMPLE_BYTES = json.dumps(sample_document(), ensure_ascii=False).encode("utf-8")


def test_bom_refused() -> None:
    assert "BOM" in input_error(b"\xef\xbb\xbf" + SAMPLE_BYTES)


def test_bom_refused_from_a_file(tmp_path: Path) -> None:
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + SAMPLE_BYTES)
    with pytest.raises(DraftInputError, match="BOM"):
        load_draft_json(path)


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-16"])
def test_non_utf8_refused(encoding: str) -> None:
    raw = json.dumps(sample_document(), ensure_ascii=False).encode(encoding)
    assert "UTF-8" in input_error(raw)


def test_lone_invalid_byte_refused() -> None:
    assert "UTF-8" in input_error(SAMPLE_BYTES[:100] + b"\xff" + SAMPLE_BYTES[100:])


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ('{"format": "shenbao-draft", "format": "shenbao-draft", "version": 1, "data": {}}', "format"),
        ('{"format": "shenbao-draft", "version": 1, "data": {"unit": {"name": "甲", "name": "乙"}}}', "name"),
        ('{"format": "shenbao-draft", "version": 1, "data": {"capability": "a", "capability": "a"}}', "capability"),
    ],
)
def test_duplicate_keys_refused(raw: str, key: str) -> None:
    assert key in input_error(raw.encode("utf-8"))


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"   \n",
        SAMPLE_BYTES[: len(SAMPLE_BYTES) // 2],  # truncated
        b"[" * 200_000,
        b"[" * 200_000 + b"]" * 200_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b"[]",
        b'"shenbao-draft"',
        b"null",
        b"42",
        b"{,}",
        b"\x00\x01\x02\x03" * 100,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
    ],
    ids=["empty", "blank", "truncated", "200000-brackets", "200000-balanced", "nested-objects", "array",
         "string", "null", "number", "syntax", "binary", "pdf"],
)
def test_unusable_input(raw: bytes) -> None:
    input_error(raw)


@pytest.mark.parametrize(
    ("header", "fragment"),
    [
        ({"format": "something-else"}, "format"),
        ({"format": None}, "format"),
        ({"version": 2}, "升级"),
        ({"version": 99}, "升级"),
        ({"version": 0}, "version"),
        ({"version": "1"}, "version"),
        ({"version": True}, "version"),
        ({"version": 1.0}, "version"),
        ({"version": None}, "version"),
        ({"form": "shanghai-ip-consortium-2099"}, "form"),
        ({"form": 2022}, "form"),
    ],
)
def test_format_version_and_form_checked(header: dict, fragment: str) -> None:
    doc = sample_document()
    doc.update(header)
    assert fragment in doc_error(doc)


def test_missing_format_refused() -> None:
    doc = sample_document()
    del doc["format"]
    doc_error(doc)


def test_missing_version_refused() -> None:
    doc = sample_document()
    del doc["version"]
    assert "version" in doc_error(doc)


def test_draft_from_document_refuses_non_objects() -> None:
    for bad in ([], "x", None, 1):
        with pytest.raises(DraftInputError):
            draft_from_document(bad)


def test_files_that_are_not_drafts(tmp_path: Path) -> None:
    with pytest.raises(DraftInputError):
        load_draft_json(tmp_path)  # a directory
    with pytest.raises(DraftInputError):
        load_draft_json(tmp_path / "missing.json")
    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(DraftInputError):
        load_draft_json(empty)
