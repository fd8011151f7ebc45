"""The shortcuts that keep a full validation within 5 ms (issue 13) give the same verdicts as
the long way: the e-mail pattern written as complements, whose-field-it-is worked out only for a
message, and the font coverage checked per draft before per text."""

from __future__ import annotations

import datetime as dt
import re

from forms import coverage
from forms.definition import get_form
from forms.fieldtypes import _LABEL_CHAR, _LABEL_INNER, _TOP_CHAR, TYPES, CheckContext
from forms.sample import sample_draft
from forms.validate import validate

TODAY = dt.date(2022, 4, 20)


def test_email_letters_are_exactly_the_written_ranges():
    # The classes as the pattern once spelled them; compared on every code point there is.
    spelled = [(_LABEL_CHAR, r"[A-Za-z0-9\u00a1-\uffff]"), (_LABEL_INNER, r"[A-Za-z0-9\u00a1-\uffff-]"),
               (_TOP_CHAR, r"[A-Za-z\u00a1-\uffff]")]
    for fast, plain in spelled:
        a, b = re.compile(fast).fullmatch, re.compile(plain).fullmatch
        differ = [hex(cp) for cp in range(0x110000) if (a(chr(cp)) is None) != (b(chr(cp)) is None)]
        assert differ == [], plain


def test_email_verdicts():
    field = get_form().field("people.contact.email")
    good = ["a@b.cn", "zhang.zhe.project-leader@research.example.org.cn", "李@例子.中国", "x@a-b.com"]
    bad = ["a@b", "a@b.c1", "a@-b.cn", "a@b-.cn", "a@b..cn", "a@b.c", "a@😀.cn", "a@b.😀😀", "@b.cn"]
    for value in good:
        assert TYPES["email"].check(value, field, CheckContext(TODAY)) == [], value
    for value in bad:
        codes = [f.code for f in TYPES["email"].check(value, field, CheckContext(TODAY))]
        assert codes == ["email_format"], value


def test_whose_field_is_worked_out_only_for_a_message():
    field = get_form().field("people.contact.email")
    asked = []

    def owner() -> str:
        asked.append(1)
        return "联系人"

    assert TYPES["email"].check("a@b.cn", field, CheckContext(TODAY, owner_of=owner)) == []
    assert asked == []
    ctx = CheckContext(TODAY, owner_of=owner)
    (finding,) = TYPES["email"].check("a@b", field, ctx)
    assert ctx.owner == "联系人" and asked == [1]  # asked once, then remembered
    assert "联系人的电子邮箱" in finding.message


def test_row_owner_in_messages():
    draft = sample_draft()
    draft.set("team.members[1].id_number", "12345")
    messages = [p.message for p in validate(draft, TODAY) if p.path == "team.members[1].id_number"]
    assert messages and all("项目组全部成员第 2 行" in m for m in messages)


def test_an_undrawable_character_is_found_after_many_drawable_texts():
    draft = sample_draft()
    assert coverage.unrenderable_problems(draft) == []  # every character now known drawable
    draft.set("team.members[1].department", "研发部\U000f0001")  # private use: no font draws it
    (problem,) = coverage.unrenderable_problems(draft)
    assert problem.path == "team.members[1].department" and "U+F0001" in problem.message
    assert coverage.unrenderable("研发部\U000f0001\U000f0001") == ["\U000f0001"]


def test_a_file_name_is_never_reported():
    draft = sample_draft()
    rows = draft.get("attachments")
    assert rows
    rows[0]["file"] = "扫描件\U000f0001.pdf"
    assert coverage.unrenderable_problems(draft) == []
