"""Layout rules without the external tools: line breaking, column widths, limits and extremes
that must never raise (LayoutError), and the parts of the form definition all handled."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle

from forms.definition import PART_KINDS, get_form
from forms.draft import Draft
from forms.text import count_zi
from pdf import colwidths
from pdf.cjkwrap import CANNOT_END, CANNOT_START, CJKParagraph
from pdf.fonts import SONG, register_fonts
from pdf.parts import BUILDERS
from pdf.render import render_document
from pdf.styles import styles
from pdf.textlayer import markup
from tests.drafts import CAPABILITY_ZI, PLAN_ZI, maximal_draft


def test_every_part_kind_has_a_builder():
    assert set(BUILDERS) == set(PART_KINDS)
    assert {p["kind"] for p in get_form().parts} <= set(BUILDERS)


def test_maximal_draft_is_at_the_limits():
    draft = maximal_draft()
    assert count_zi(draft.get("capability")) == CAPABILITY_ZI
    assert count_zi(draft.get("plan")) == PLAN_ZI
    assert len(draft.get("team.members")) == 60


def _lines(text: str, width: float, style=None) -> list[str]:
    style = style or styles()["cell"]
    para = CJKParagraph(markup(text), style)
    para.wrap(width, 10_000)
    return ["".join(f.text for f in line.words) for line in para.blPara.lines]


def test_no_line_starts_with_a_closing_mark():
    text = "申报书及相关材料一律采用A4纸张双面打印，并于左侧装订成册，打印一式两份（签名并加盖公章）。" * 3
    for width in range(60, 400, 7):
        lines = _lines(text, width)
        assert "".join(lines) == text  # nothing lost or added
        for line in lines[1:]:
            assert line[0] not in CANNOT_START, (width, line)
        for line in lines[:-1]:
            assert line[-1] not in CANNOT_END, (width, line)


def test_two_closing_marks_take_a_character_down():
    style = styles()["cell"]
    # 12 pt characters, 5 to a line: "甲乙丙丁戊" fills it, "。”" must not start the next line
    lines = _lines("甲乙丙丁戊。”己", 5 * 12 + 1, style)
    assert lines[0] == "甲乙丙丁" and lines[1].startswith("戊。”")


def test_latin_runs_move_whole():
    """A number or address that starts in the second half of a line moves down whole."""
    lines = _lines("请将申报材料的电子版发送至 contact@example.com 查收", 200)
    assert lines[1].startswith("contact@example.com"), lines
    lines = _lines("统一社会信用代码为91310115MA1FL3K293的单位", 160)
    assert any(line.startswith("91310115MA1FL3K293") for line in lines), lines


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="产学研合作，。、；：“”（）《》ABC123 𠈌喆", min_size=1, max_size=80),
       st.integers(min_value=30, max_value=300))
def test_line_breaking_keeps_every_character(text, width):
    lines = _lines(text, width)
    assert "".join(lines).replace(" ", "").replace("\xa0", "") == text.replace(" ", "")


def test_fit_widths_keeps_the_total_and_meets_needs():
    base = [100.0, 100.0, 100.0]
    widths = colwidths.fit_widths(base, [[0, 150, 0], [120, 150, 0]])
    assert sum(widths) == pytest.approx(300)
    assert widths[1] == pytest.approx(150)
    # level 0 took 25 from each neighbour (floor 40 %); at level 1 column 2 is at its 75 % floor
    # and column 1 at its need, so column 0 gets nothing more
    assert widths == pytest.approx([75, 150, 75])


def test_fit_widths_never_undoes_a_higher_level():
    widths = colwidths.fit_widths([100.0, 100.0], [[150, 0], [0, 150]])
    assert widths[0] == pytest.approx(150)


@pytest.mark.parametrize("text, lines, expected", [
    ("通信地址（邮政编码）", 2, ["通信地址", "（邮政编码）"]),
    ("职务/职称", 2, ["职务/", "职称"]),
    ("身份证号码", 2, ["身份证", "号码"]),
    ("产学研合作单位", 2, ["产学研合", "作单位"]),
])
def test_balanced_label_lines(text, lines, expected):
    assert colwidths.chunks(text, lines) == expected


def test_balanced_markup_only_when_needed():
    register_fonts()
    style = ParagraphStyle("t", fontName=SONG, fontSize=12)
    assert colwidths.balanced("所在部门", 60, style) == "所在部门"
    assert colwidths.balanced("所在部门", 30, style) == "所在<br/>部门"
    assert colwidths.balanced("A&B", 5, style) == "A&amp;B"  # not Chinese: left to the wrap


def _extreme_draft() -> Draft:
    """Every text far past its limit and in the worst places (a draft print allows that)."""
    draft = maximal_draft()
    long_line = "知识产权运营" * 40  # 240 characters in one-line fields
    draft.data["unit"]["name"] = long_line
    draft.data["unit"]["business_scope"] = "主营业务范围很长。" * 400
    draft.data["capability"] = "申报单位承担项目能力。" * 500
    draft.data["plan"] = ("工作方案" * 300 + "\n") * 6
    draft.data["unit"]["partners"] = [{"name": f"合作单位{i}" * 5, "kind": "企业", "since": 2010} for i in range(120)]
    member = draft.data["team"]["members"][3]
    for key in ("department", "title", "education", "specialty", "task"):
        member[key] = "很长的成员信息" * 45  # one member row taller than a page
    draft.data["team"]["leader"]["specialty"] = long_line
    draft.data["attachments"][0]["title"] = long_line
    return draft


def test_extreme_texts_flow_and_never_raise():
    result = render_document(_extreme_draft(), draft_mode=True)
    assert result.page_count % 2 == 0
    assert result.page_count > 40
    assert {"cover_seal", "signature", "opinion_seal"} <= set(result.areas)


def test_an_empty_draft_prints_as_a_blank_form():
    draft = Draft(get_form())
    result = render_document(draft, draft_mode=True)
    assert result.page_count % 2 == 0
    assert result.marks.page_kinds[:3] == ["cover", "cover_back", "body"]


def test_simplex_extreme_has_no_blank_pages():
    result = render_document(_extreme_draft(), draft_mode=True, simplex=True)
    assert "blank" not in result.marks.page_kinds


def test_longest_valid_unit_name_keeps_the_cover_on_one_page():
    from forms.validate import validate

    draft = maximal_draft()
    company = "；上海张江高新技术产业园区开发运营管理有限公司"
    draft.data["unit"]["name"] = ("上海张江高科技园区集成电路产业创新联合体示范园区" * 9)[:200 - len(company)] + company
    assert len(draft.get("unit.name")) == 200
    assert not [p for p in validate(draft) if p.is_error]
    result = render_document(draft)
    assert result.marks.page_kinds[:3] == ["cover", "cover_back", "body"]
    assert result.areas["cover_seal"].page == 1
