"""Tests for forms.validate: every field-level code of spec form-2022.md §3 reached through
``validate(draft)`` with its path and severity; normalisation through ``Draft.set`` and through
JSON load; the shape of problems; the built-in sample (no errors, no warnings, every field filled).

Each scenario starts from the built-in sample (which has no problems at all), changes a few
values in its draft JSON and expects exactly the listed problems. The cross-field rules are in
test_rules.py, which reuses the helpers here.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

from forms.draft import Draft, draft_from_document, parse_path
from forms.fieldtypes import TYPES
from forms.idnumbers import id_check_char
from forms.problems import CODES, Problem
from forms.sample import SAMPLE_ATTACHMENT, SAMPLE_DIR, sample_document, sample_draft
from forms.validate import validate, validate_field
from tests.forms.idgen import make_foreign_pr, make_id, make_uscc

TODAY = dt.date(2026, 11, 26)

#: Spec §3, literally: code -> severity.
SPEC_CODES = {
    "required": "error",
    "too_long": "error",
    "id_format": "error",
    "id_checksum": "error",
    "id_birth_date": "error",
    "id_region": "error",
    "uscc_format": "error",
    "uscc_checksum": "error",
    "uscc_not_shanghai": "warning",
    "uscc_nature_mismatch": "warning",
    "uscc_org_code": "warning",
    "phone_format": "error",
    "email_format": "error",
    "postcode_format": "error",
    "postcode_not_shanghai": "warning",
    "account_format": "error",
    "park_company_missing": "error",
    "duplicate_id": "error",
    "gender_mismatch": "warning",
    "leader_not_in_members": "warning",
    "partnership_under_3_years": "warning",
    "choice_invalid": "error",
    "year_invalid": "error",
    "unrenderable_char": "error",
    "attachment_invalid": "error",
}

PATH_RE = re.compile(r"[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*")
CJK_RE = re.compile(r"[\u4e00-\u9fff]")

# ------------------------------------------------------------------------------ helpers


def sample_data() -> dict:
    return copy.deepcopy(sample_document()["data"])


SAMPLE = sample_data()
MEMBER_IDS = [m["id_number"] for m in SAMPLE["team"]["members"]]
LEADER_ID = SAMPLE["people"]["leader"]["id_number"]
assert MEMBER_IDS[0] == LEADER_ID


def put(data: dict, path: str, value: Any) -> None:
    node: Any = data
    steps = parse_path(path)
    for step in steps[:-1]:
        node = node[step]
    node[steps[-1]] = value


def build(changes: list[tuple[str, Any]] = (), base_dir: Path | None = SAMPLE_DIR) -> Draft:
    """The sample with ``changes`` applied to its draft JSON, loaded as a user's file would be."""
    doc = copy.deepcopy(sample_document())
    for path, value in changes:
        put(doc["data"], path, value)
    return draft_from_document(doc, base_dir=base_dir)


def found(draft: Draft, today: dt.date = TODAY) -> set[tuple[str, str]]:
    return {(p.path, p.code) for p in validate(draft, today)}


def at(draft: Draft, path: str, today: dt.date = TODAY) -> list[Problem]:
    return [p for p in validate(draft, today) if p.path == path]


def id_ending_in(check: str) -> str:
    for seq in range(1000):
        number = make_id(region="310104", seq=seq, sex=None)
        if number.endswith(check):
            return number
    raise AssertionError("unreachable")


def wrong_last(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


ID_X = id_ending_in("X")
EXT_B_OK = "\U00020bb7"  # 𠮷: Ext-B, two UTF-16 units, and drawn by the bundled font
GOOD_CODE = SAMPLE["unit"]["credit_code"]

# ------------------------------------------------------------------------------ scenarios

#: (id, changes to the sample's draft JSON, exactly the (path, code) pairs expected)
SCENARIOS: list[tuple[str, list[tuple[str, Any]], set[tuple[str, str]]]] = [
    # required -------------------------------------------------------------------------
    ("required-capability-empty", [("capability", "")], {("capability", "required")}),
    ("required-capability-null", [("capability", None)], {("capability", "required")}),
    ("required-blank-after-trim", [("unit.address", "  \u3000 \n ")], {("unit.address", "required")}),
    ("required-zero-width-only", [("unit.name", "\u200b\u200b")], {("unit.name", "required")}),
    ("required-cover-date", [("cover.date", None)], {("cover.date", "required")}),
    ("required-person-email", [("people.contact.email", "")], {("people.contact.email", "required")}),
    ("required-legal-rep-name", [("people.legal_rep.name", "")], {("people.legal_rep.name", "required")}),
    ("required-member-task", [("team.members[1].task", "")], {("team.members[1].task", "required")}),
    ("required-member-name", [("team.members[3].name", "")], {("team.members[3].name", "required")}),
    ("required-leader-education", [("team.leader.education", "")], {("team.leader.education", "required")}),
    ("required-members-empty", [("team.members", [])], {("team.members", "required")}),
    ("required-partners-empty", [("unit.partners", [])], {("unit.partners", "required")}),
    ("required-business-scope", [("unit.business_scope", "\n\n")], {("unit.business_scope", "required")}),
    ("required-plan", [("plan", "")], {("plan", "required")}),
    ("required-credit-code", [("unit.credit_code", "")], {("unit.credit_code", "required")}),
    ("required-postcode", [("unit.postcode", "")], {("unit.postcode", "required")}),
    # optional fields left empty are fine -----------------------------------------------
    ("optional-landline", [("team.leader.landline", "")], set()),
    ("optional-opinion-date", [("opinion.date", None)], set()),
    ("optional-attachments", [("attachments", [])], set()),
    ("optional-member-columns", [("team.members[2].department", ""), ("team.members[2].title", ""),
                                 ("team.members[2].education", ""), ("team.members[2].specialty", "")], set()),
    # too_long -------------------------------------------------------------------------
    ("capability-1000", [("capability", "字" * 1000)], set()),
    ("capability-1000-mixed", [("capability", "AI芯片" + "字" * 997 + "\n\n")], set()),
    ("capability-1001", [("capability", "字" * 1001)], {("capability", "too_long")}),
    ("plan-2000", [("plan", "划" * 2000)], set()),
    ("plan-2001", [("plan", "划" * 2001)], {("plan", "too_long")}),
    ("name-50", [("people.legal_rep.name", "名" * 50)], set()),
    ("name-51", [("people.legal_rep.name", "名" * 51)], {("people.legal_rep.name", "too_long")}),
    ("name-50-ext-b", [("team.members[3].name", EXT_B_OK * 50)], set()),
    ("name-51-ext-b", [("team.members[3].name", EXT_B_OK * 51)], {("team.members[3].name", "too_long")}),
    ("text-200", [("unit.address", "路" * 200)], set()),
    ("text-201", [("unit.address", "路" * 201)], {("unit.address", "too_long")}),
    ("text-201-member-task", [("team.members[2].task", "a" * 201)], {("team.members[2].task", "too_long")}),
    ("text-201-bank-name", [("unit.bank_name", "行" * 201)], {("unit.bank_name", "too_long")}),
    # id_* ------------------------------------------------------------------------------
    ("id-checksum-legal-rep", [("people.legal_rep.id_number", wrong_last(SAMPLE["people"]["legal_rep"]["id_number"]))],
     {("people.legal_rep.id_number", "id_checksum")}),
    ("id-format-15-digits", [("team.members[2].id_number", "310104850307013")],
     {("team.members[2].id_number", "id_format")}),
    ("id-format-length", [("people.contact.id_number", "3101041985")], {("people.contact.id_number", "id_format")}),
    ("id-birth-date-future", [("people.contact.id_number", make_id(birth=dt.date(2030, 1, 1)))],
     {("people.contact.id_number", "id_birth_date")}),
    ("id-birth-date-unreal", [("team.members[5].id_number", "31010419850231013" + id_check_char("31010419850231013"))],
     {("team.members[5].id_number", "id_birth_date")}),
    ("id-region-permit-as-resident-id", [("team.members[4].id_type", "居民身份证")],
     {("team.members[4].id_number", "id_region")}),
    ("id-region-resident", [("team.members[5].id_number", make_id(region="990101"))],
     {("team.members[5].id_number", "id_region")}),
    ("id-cyrillic-ha", [("team.members[1].id_number", ID_X[:-1] + "\u0425")],
     {("team.members[1].id_number", "id_format")}),
    ("id-foreign-pr-valid", [("team.members[5].id_type", "外国人永久居留身份证"), ("team.members[5].id_number", make_foreign_pr())],
     set()),
    ("id-foreign-pr-not-9", [("team.members[5].id_type", "外国人永久居留身份证")],
     {("team.members[5].id_number", "id_format")}),
    ("id-passport-valid", [("team.members[5].id_type", "护照或其他"), ("team.members[5].id_number", "E12345678")], set()),
    ("id-passport-short", [("team.members[5].id_type", "护照或其他"), ("team.members[5].id_number", "E123")],
     {("team.members[5].id_number", "id_format")}),
    # uscc_* ----------------------------------------------------------------------------
    ("uscc-format-length", [("unit.credit_code", GOOD_CODE[:17])], {("unit.credit_code", "uscc_format")}),
    ("uscc-format-letter", [("unit.credit_code", GOOD_CODE[:10] + "O" + GOOD_CODE[11:])], {("unit.credit_code", "uscc_format")}),
    ("uscc-checksum", [("unit.credit_code", GOOD_CODE[:17] + ("0" if GOOD_CODE[17] != "0" else "1"))],
     {("unit.credit_code", "uscc_checksum")}),
    ("uscc-not-shanghai", [("unit.credit_code", make_uscc(division="110105"))], {("unit.credit_code", "uscc_not_shanghai")}),
    ("uscc-central-100000", [("unit.credit_code", make_uscc(division="100000"))], set()),
    ("uscc-org-code", [("unit.credit_code", make_uscc(prefix17="91310115MA1FL2B3" + ("0" if make_uscc()[16] != "0" else "1")))],
     {("unit.credit_code", "uscc_org_code")}),
    ("uscc-lower-case-ok", [("unit.credit_code", GOOD_CODE.lower())], set()),
    # phone, email, postcode, account ----------------------------------------------------
    ("phone-contact", [("people.contact.phone", "12345")], {("people.contact.phone", "phone_format")}),
    ("phone-landline", [("team.leader.landline", "12345")], {("team.leader.landline", "phone_format")}),
    ("phone-landline-ext", [("team.leader.landline", "021-12345678-123")], set()),
    ("phone-landline-brackets", [("team.leader.landline", "(021)12345678")], set()),
    ("phone-landline-zhejiang", [("people.legal_rep.phone", "0571-8765432")], set()),
    ("phone-mobile-bad-prefix", [("people.leader.phone", "12800138000")], {("people.leader.phone", "phone_format")}),
    ("email", [("people.legal_rep.email", "zhou@example")], {("people.legal_rep.email", "email_format")}),
    ("email-two-at", [("people.leader.email", "lin@@example.com")], {("people.leader.email", "email_format")}),
    ("postcode-format", [("unit.postcode", "20003")], {("unit.postcode", "postcode_format")}),
    ("postcode-not-shanghai", [("unit.postcode", "100000")], {("unit.postcode", "postcode_not_shanghai")}),
    ("postcode-202199", [("unit.postcode", "202199")], set()),
    ("postcode-202200", [("unit.postcode", "202200")], {("unit.postcode", "postcode_not_shanghai")}),
    ("account-format", [("unit.bank_account", "12345")], {("unit.bank_account", "account_format")}),
    ("account-too-long", [("unit.bank_account", "1" * 33)], {("unit.bank_account", "account_format")}),
    ("account-spaces", [("unit.bank_account", "6222 0200 1234 5678 901")], set()),
    # choice_invalid --------------------------------------------------------------------
    ("choice-nature", [("unit.nature", "央企")], {("unit.nature", "choice_invalid")}),
    ("choice-unit-type", [("unit.type", "企业")], {("unit.type", "choice_invalid")}),
    ("choice-gender", [("team.leader.gender", "M")], {("team.leader.gender", "choice_invalid")}),
    ("choice-id-type", [("people.contact.id_type", "驾照")], {("people.contact.id_type", "choice_invalid")}),
    ("choice-partner-kind", [("unit.partners[1].kind", "大学")], {("unit.partners[1].kind", "choice_invalid")}),
    ("choice-attachment-category", [("attachments[0].category", "证书")], {("attachments[0].category", "choice_invalid")}),
    # unrenderable_char -----------------------------------------------------------------
    ("unrenderable-emoji", [("capability", SAMPLE["capability"] + "😀")], {("capability", "unrenderable_char")}),
    ("unrenderable-private-use", [("capability", "\ue000" + SAMPLE["capability"])], {("capability", "unrenderable_char")}),
    ("unrenderable-member-task", [("team.members[1].task", "专利布局😀")], {("team.members[1].task", "unrenderable_char")}),
    ("renderable-markup-literal", [("unit.business_scope", "<b>集成电路</b> & 设计 &amp; <script>")], set()),
    # attachment_invalid ----------------------------------------------------------------
    ("attachment-missing", [("attachments[0].file", "no-such-file.pdf")], {("attachments[0].file", "attachment_invalid")}),
]

SCENARIO_IDS = [s[0] for s in SCENARIOS]
assert len(set(SCENARIO_IDS)) == len(SCENARIO_IDS)


@pytest.mark.parametrize(("changes", "expected"), [s[1:] for s in SCENARIOS], ids=SCENARIO_IDS)
def test_scenario(changes, expected) -> None:
    assert found(build(changes)) == expected


@pytest.mark.parametrize(("changes", "expected"), [s[1:] for s in SCENARIOS], ids=SCENARIO_IDS)
def test_scenario_problems_are_well_formed(changes, expected) -> None:
    draft = build(changes)
    for p in validate(draft, TODAY):
        assert PATH_RE.fullmatch(p.path), p.path
        assert draft.form.has_path(p.path), p.path
        assert p.severity == SPEC_CODES[p.code]
        assert p.message.strip() and CJK_RE.search(p.message), p.message
        assert p.as_dict() == {"path": p.path, "code": p.code, "severity": SPEC_CODES[p.code],
                               "message": p.message, "where": p.where}
        assert p.where.strip() and p.where == draft.form.where(p.path), p


@pytest.mark.parametrize(("changes", "expected"), [s[1:] for s in SCENARIOS], ids=SCENARIO_IDS)
def test_validate_field_agrees_with_validate(changes, expected) -> None:
    draft = build(changes)
    for path, code in expected:
        fdef = draft.form.field(path)
        if fdef.type in ("record", "list") or code == "unrenderable_char":
            continue  # list-level and whole-draft checks
        single = validate_field(draft, path, TODAY)
        assert (path, code) in {(p.path, p.code) for p in single}


# ------------------------------------------------------------------------------ codes table


def test_problem_codes_are_exactly_the_spec_table() -> None:
    assert CODES == SPEC_CODES


def test_unknown_code_refused() -> None:
    from forms.problems import Finding

    with pytest.raises(ValueError):
        Finding("no_such_code", "消息")


# ------------------------------------------------------------------------------ messages


def _message(changes, path: str, code: str) -> str:
    [p] = [p for p in validate(build(changes), TODAY) if p.path == path and p.code == code]
    return p.message


def test_unrenderable_message_names_character_and_code_point() -> None:
    msg = _message([("capability", "专利😀")], "capability", "unrenderable_char")
    assert "😀" in msg and "U+1F600" in msg
    msg = _message([("capability", "专利\ue000")], "capability", "unrenderable_char")
    assert "U+E000" in msg


def test_unrenderable_lists_each_character_once() -> None:
    msg = _message([("capability", "😀专利😀\ue000")], "capability", "unrenderable_char")
    assert msg.count("U+1F600") == 1 and "U+E000" in msg


def test_checksum_message_names_the_expected_character() -> None:
    number = SAMPLE["people"]["legal_rep"]["id_number"]
    msg = _message([("people.legal_rep.id_number", wrong_last(number))], "people.legal_rep.id_number", "id_checksum")
    assert number[-1] in msg


def test_required_message_names_the_field() -> None:
    assert "电子邮箱" in _message([("people.contact.email", "")], "people.contact.email", "required")
    assert "承担任务" in _message([("team.members[1].task", "")], "team.members[1].task", "required")


def test_too_long_message_counts_zi() -> None:
    msg = _message([("capability", "字" * 1001)], "capability", "too_long")
    assert "1000" in msg and "1001" in msg


# ------------------------------------------------------------------------------ attachments


def _with_file(tmp_path: Path, name: str, data: bytes) -> Draft:
    (tmp_path / name).write_bytes(data)
    return build([("attachments[0].file", name)], base_dir=tmp_path)


def test_attachment_text_file_named_pdf(tmp_path: Path) -> None:
    draft = _with_file(tmp_path, "certificate.pdf", "这不是 PDF，只是一个文本文件。\n".encode() * 20)
    assert found(draft) == {("attachments[0].file", "attachment_invalid")}


def test_attachment_real_pdf_accepted(tmp_path: Path) -> None:
    draft = _with_file(tmp_path, "copy.pdf", (SAMPLE_DIR / SAMPLE_ATTACHMENT).read_bytes())
    assert found(draft) == set()


def test_attachment_truncated_pdf(tmp_path: Path) -> None:
    blob = (SAMPLE_DIR / SAMPLE_ATTACHMENT).read_bytes()
    draft = _with_file(tmp_path, "cut.pdf", blob[: len(blob) // 3])
    assert found(draft) == {("attachments[0].file", "attachment_invalid")}


def test_attachment_missing_message_names_the_file() -> None:
    msg = _message([("attachments[0].file", "no-such-file.pdf")], "attachments[0].file", "attachment_invalid")
    assert "no-such-file.pdf" in msg


# ------------------------------------------------------------------------------ normalisation


DECORATIONS = {
    "full-width": lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
    "zero-width": lambda n: n[:6] + "\u200b" + n[6:14] + "\u200b" + n[14:],
    "ideographic-space": lambda n: n[:6] + "\u3000" + n[6:14] + "\u3000" + n[14:],
    "lower-case-x": lambda n: n[:-1] + n[-1].lower(),
    "hyphens": lambda n: f"{n[:6]}-{n[6:14]}-{n[14:]}",
    "spaces": lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
}


@pytest.mark.parametrize("decorate", DECORATIONS.values(), ids=DECORATIONS.keys())
def test_id_normalised_through_draft_set(decorate) -> None:
    draft = sample_draft()
    stored = draft.set("people.legal_rep.id_number", decorate(ID_X))
    assert stored == ID_X
    assert draft.get("people.legal_rep.id_number") == ID_X
    assert validate_field(draft, "people.legal_rep.id_number", TODAY) == []
    assert at(draft, "people.legal_rep.id_number") == []


@pytest.mark.parametrize("decorate", DECORATIONS.values(), ids=DECORATIONS.keys())
def test_id_normalised_through_json_load(decorate) -> None:
    draft = build([("team.members[2].id_number", decorate(ID_X))])
    assert draft.get("team.members[2].id_number") == ID_X
    assert found(draft) == set()


@pytest.mark.parametrize(
    "bad",
    [ID_X[:-1] + "\u0425", ID_X.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))],
    ids=["cyrillic-ha", "arabic-indic"],
)
def test_lookalikes_rejected_through_draft_set(bad: str) -> None:
    draft = sample_draft()
    draft.set("team.members[3].id_number", bad)
    assert [p.code for p in validate_field(draft, "team.members[3].id_number", TODAY)] == ["id_format"]
    # the print font lacks Arabic-Indic digits, so unrenderable_char may come too (spec §3)
    codes = {p.code for p in at(draft, "team.members[3].id_number")}
    assert "id_format" in codes and codes <= {"id_format", "unrenderable_char"}


@pytest.mark.parametrize(
    "bad",
    [ID_X[:-1] + "\u0425", ID_X.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))],
    ids=["cyrillic-ha", "arabic-indic"],
)
def test_lookalikes_rejected_through_json_load(bad: str) -> None:
    draft = build([("people.contact.id_number", bad)])
    assert draft.get("people.contact.id_number") == bad  # kept, so that the check can reject it
    codes = {p.code for p in at(draft, "people.contact.id_number")}
    assert "id_format" in codes and codes <= {"id_format", "unrenderable_char"}
    assert {path for path, _ in found(draft)} == {"people.contact.id_number"}


def test_duplicates_are_found_after_normalisation() -> None:
    spaced = DECORATIONS["full-width"](MEMBER_IDS[1])
    draft = build([("team.members[3].id_number", spaced)])
    assert ("team.members[3].id_number", "duplicate_id") in found(draft)


def test_other_codes_normalised_through_draft_set() -> None:
    draft = sample_draft()
    assert draft.set("unit.credit_code", "９１" + GOOD_CODE[2:].lower()) == GOOD_CODE
    assert draft.set("unit.postcode", "２０１ ２０３") == "201203"
    assert draft.set("unit.bank_account", "1001 2800-0900\u200b0012 345") == "1001280009000012345"
    assert draft.set("unit.partners[0].since", "２０１６") == 2016
    assert validate(draft, TODAY) == []


def test_names_and_text_through_draft_set() -> None:
    draft = sample_draft()
    assert draft.set("people.contact.name", "阿卜杜勒\u30fb艾尼") == "阿卜杜勒·艾尼"
    assert draft.set("team.members[1].name", "\uf900明") == "\uf900明"  # never NFKC
    assert draft.set("unit.address", "上海市\u200b浦东新区\n张江路") == "上海市浦东新区 张江路"
    assert draft.set("capability", "第一段\r\n\r\n第二段\x07") == "第一段\n\n第二段"


def test_set_refuses_a_record_or_list() -> None:
    with pytest.raises(TypeError):
        sample_draft().set("team.members", [])


# ------------------------------------------------------------------------------ the sample


@pytest.mark.parametrize("today", [dt.date(2022, 4, 20), dt.date(2022, 12, 31), TODAY, None],
                         ids=["cover-date", "year-end", "fixed", "today"])
def test_sample_has_no_problems(today) -> None:
    assert validate(sample_draft(), today) == []


def test_sample_attachment_is_carried() -> None:
    draft = sample_draft()
    assert draft.files.get(SAMPLE_ATTACHMENT, b"").startswith(b"%PDF-")


#: Fields legitimately empty in a complete draft: the detail of 其他 when the nature is not 其他.
NOT_APPLICABLE = {"unit.nature_other"}


def test_sample_fills_every_field() -> None:
    draft = sample_draft()
    form = draft.form
    empty = []
    for path in form.all_paths():
        fdef = form.field(path)
        if fdef.type == "record" or path in NOT_APPLICABLE:
            continue
        parent = path.rsplit(".", 1)[0] if "." in path else ""
        if parent and form.has_path(parent) and form.field(parent).type == "list":
            rows = draft.get(parent)
            assert rows, f"{parent} has no rows"
            for i, row in enumerate(rows):
                if TYPES[fdef.type].is_empty(row.get(fdef.key)):
                    empty.append(f"{parent}[{i}].{fdef.key}")
        elif fdef.type == "list":
            if not draft.get(path):
                empty.append(path)
        elif TYPES[fdef.type].is_empty(draft.get(path)):
            empty.append(path)
    assert empty == []


def test_sample_nature_other_would_be_required_only_for_qita() -> None:
    draft = sample_draft()
    assert draft.get("unit.nature") != "其他"


def test_sample_uses_every_id_type_it_needs_and_no_real_numbers() -> None:
    # synthetic numbers: every one passes, and the leader is the first member
    draft = sample_draft()
    assert draft.get("team.members[0].id_number") == draft.get("people.leader.id_number")
    assert len({m["id_number"] for m in draft.get("team.members")}) == len(draft.get("team.members"))
