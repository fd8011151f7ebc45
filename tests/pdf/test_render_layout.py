"""Layout rules without the external tools: line breaking, column widths (pdf/grid.py, pdf/linebreak.py, pdf/fitting.py, shared
with the Word export), limits and extremes that must never raise (LayoutError), and the parts of
the form definition all handled."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm

from forms.definition import PART_KINDS, get_form
from forms.draft import Draft
from forms.sample import sample_draft
from forms.text import count_zi
from pdf import colwidths, fitting, grid, layout, linebreak, parts, render
from pdf import styles as pdf_styles
from pdf.cjkwrap import CANNOT_END, CANNOT_START, CJKParagraph
from pdf.fonts import SONG, register_fonts
from pdf.parts import BUILDERS
from pdf.render import render_document
from pdf.styles import styles
from pdf.tables import TableBuilder
from pdf.textlayer import markup
from tests.drafts import CAPABILITY_ZI, PLAN_ZI, maximal_draft
from tests.pdf.pdftools import pdftotext
from tests.tools import requires_tools


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
    widths = fitting.fit_widths(base, [[0, 150, 0], [120, 150, 0]])
    assert sum(widths) == pytest.approx(300)
    assert widths[1] == pytest.approx(150)
    # level 0 took 25 from each neighbour (floor 40 %); at level 1 column 0 would need 45 but
    # column 2 has only 35 above its floor and column 1 keeps its need: column 0 gets nothing,
    # rather than 35 of the 45 it needs
    assert widths == pytest.approx([75, 150, 75])


def test_fit_widths_never_undoes_a_higher_level():
    widths = fitting.fit_widths([100.0, 100.0], [[150, 0], [0, 150]])
    assert widths[0] == pytest.approx(150)


def test_fit_widths_meets_a_need_whole_or_not_at_all():
    """Line counts are thresholds: a column 0.4 mm short of its need wraps as if it had got
    nothing. Spare width for one of two deficits goes to one column, fully; the other keeps its
    width instead of both ending just short (序号 printed 序/号 at 9.4 mm of a 9.8 mm need)."""
    widths = fitting.fit_widths([10.0, 10.0, 10.0], [[14, 14, 0]])
    assert sum(widths) == pytest.approx(30)
    assert sorted(widths[:2]) == pytest.approx([10, 14])  # one met, one untouched
    assert widths[2] == pytest.approx(6)
    # the old partial fit: both short columns got 13, neither its 14
    assert all(w == pytest.approx(10) or w >= 14 - 1e-9 for w in widths[:2])


def test_fit_widths_cheapest_first_and_lower_steps():
    # column 1's need (8 more) cannot be met, column 0's (2 more) can: it is served
    widths = fitting.fit_widths([10.0, 10.0, 10.0], [[12, 18, 0]])
    assert widths[0] == pytest.approx(12) and widths[1] == pytest.approx(10)
    # a column whose largest need cannot be met reaches the largest need of its cells that can
    widths = fitting.fit_widths([10.0, 10.0, 10.0], [[0, 25, 0]], steps=[[set(), {13.0, 25.0}, set()]])
    assert widths[1] == pytest.approx(13)  # 25 would need 15 of the 12 to spare


def test_fit_widths_keeps_running_text_columns_at_their_base():
    base = [20.0, 20.0, 20.0]
    widths = fitting.fit_widths(base, [[0, 30, 0]], free={2})
    assert widths == pytest.approx([10, 30, 20])  # 承担任务 never pays for another column
    assert fitting.fit_widths(base, [[0, 34, 0]], free={2}) == pytest.approx(base)  # 8 to spare, not 14
    widths = fitting.fit_widths(base, [[0, 0, 30]], free={2})
    assert widths[2] == pytest.approx(30)  # but may receive


@pytest.mark.parametrize("text, lines, expected", [
    ("通信地址（邮政编码）", 2, ["通信地址", "（邮政编码）"]),
    ("职务/职称", 2, ["职务/", "职称"]),
    ("身份证号码", 2, ["身份证", "号码"]),
    ("产学研合作单位", 2, ["产学研", "合作单位"]),  # between words, not 产学研合/作单位
    ("现从事专业", 2, ["现从事", "专业"]),
    ("硕士研究生", 2, ["硕士", "研究生"]),
    ("研发中心", 2, ["研发", "中心"]),
    ("知识产权运营中心", 2, ["知识产权", "运营中心"]),
    ("许可转让合同与备案登记", 3, ["许可转让", "合同与", "备案登记"]),
    ("副主任/专利代理师", 2, ["副主任/", "专利代理师"]),
    ("法务部", 2, ["法务", "部"]),  # no other place: one-character lines only when forced
    ("甲乙丙丁", 2, ["甲乙", "丙丁"]),  # no known word: between any two characters
])
def test_balanced_label_lines(text, lines, expected):
    assert linebreak.chunks(text, lines) == expected
    assert linebreak.chunks(text, lines) == expected


def test_break_positions_respect_words_and_marks():
    assert linebreak.break_positions("身份证号码") == [3]
    assert linebreak.break_positions("电话（手机）") == [2]  # not inside 电话 or 手机, not after （ or before ）
    assert 5 not in linebreak.break_positions("E12345682（护照或其他）")  # not inside the number
    assert linebreak.widest_word("现从事专业") == 2  # 从事, 专业: 现 may stand apart at a pinch
    assert linebreak.widest_word("产学研合作单位") == 3


def test_label_lines_fit_or_stay_whole():
    ems = linebreak._ems
    assert linebreak.label_lines("所在部门", 4, ems) == ["所在部门"]
    assert linebreak.label_lines("所在部门", 2.5, ems) == ["所在", "部门"]
    assert linebreak.label_lines("身份证号码", 3, ems) == ["身份证", "号码"]
    assert linebreak.label_lines("A&B address", 2, ems) == ["A&B address"]  # not Chinese: the renderer wraps
    assert linebreak.label_lines("很" * 20, 3, ems) == ["很" * 20]  # running text: the renderer wraps
    assert linebreak.hard_lines("E12345682（护照或其他）", 8, ems) == ["E12345682", "（护照或其他）"]
    assert linebreak.hard_lines("310104196001011010", 8, ems) == ["310104196001011010"]


def test_needs_by_kind():
    ems = linebreak._ems
    assert fitting.needs("310104196001011010（港澳台居民居住证）", "hard", ems, 1) == (10.0,) * 4
    assert fitting.needs("序号", "label", ems, 1) == (3.0, 3.0, 3.0, 3.0)  # never 序/号
    assert fitting.needs("身份证号码", "label", ems, 1) == (4.0, 4.0, 6.0, 6.0)
    assert fitting.needs("张喆", "name", ems, 1) == (0.0, 3.0, 3.0, 3.0)
    assert fitting.needs("法务部", "short", ems, 1) == (3.0, 4.0, 4.0, 4.0)  # one line, not 法务/部
    assert fitting.needs("", "short", ems, 1) == fitting.NO_NEEDS
    assert fitting.needs("x", None, ems, 1) == fitting.NO_NEEDS
    free = fitting.needs("负责联合体专利池的组建与动态维护", "free", ems, 1)
    assert free == (0.0, 7.0, 9.0, 11.0)  # 6, 8, 10 字 a line


def test_walk_expands_spans_and_the_repeat_row():
    form = get_form()
    team = form.part("team")
    rows = grid.walk(team, lambda path: 3)
    assert [r.kind for r in rows] == ["static"] * 7 + ["item"] * 3
    assert [r.header for r in rows] == [False] * 5 + [True, True] + [False] * 3
    assert {r.group for r in rows[5:]} == {7} and rows[0].group is None
    first = rows[0].slots[0]
    assert (first.col, first.rowspan, first.spec["label"]) == (0, 5, "项目负责人")
    for r in range(1, 5):  # the rowspan continues: a slot without a cell of its own
        assert rows[r].slots[0].spec is None and rows[r].slots[0].col == 0
        assert sum(s.span for s in rows[r].slots) == 8
    assert rows[4].min_height_mm == 15  # the 签名 cell
    item = rows[-1]
    assert [s.col for s in item.slots] == list(range(8))
    assert (item.slots[1].item_path, item.slots[1].index) == ("team.members[2]", 2)
    empty = grid.walk(team, lambda path: 0)
    assert empty[-1].kind == "empty" and [s.spec for s in empty[-1].slots] == [{"text": ""}] * 8
    unit = grid.walk(form.part("unit_info"), lambda path: 0)
    assert [[(s.col, s.span) for s in r.slots] for r in unit][:1] == [[(0, 1), (1, 4)]]


def _team_table(draft):
    part = draft.form.part("team")
    builder = TableBuilder(draft, part, styles())
    builder._read_rows()
    return builder, [w / mm for w in builder._widths()]


def test_team_widths_of_the_maximal_draft():
    """The reviewer's findings on the members pages: 序号 on one line, header labels cut
    between words, the identity column no wider than its need, 承担任务 at least its base,
    short values cut between words, never leaving one character on a line of its own."""
    builder, widths = _team_table(maximal_draft())
    assert sum(widths) == pytest.approx(layout.FRAME_WIDTH / mm)
    cols = builder.part["columns"]
    base = [sum(widths) * w / sum(cols) for w in cols]
    measure = colwidths.measurer_mm(builder.st["cell"])
    pad = 2 * builder.pad / mm
    assert measure("序号") + pad <= widths[0]
    ids = [c.text for row in builder.rows for c in row.cells if c.col == 2 and c.kind == "hard"]
    id_need = max(measure(linebreak.first_token(t)) for t in ids) + pad
    assert id_need <= widths[2] <= id_need + grid.SLACK_MM + 0.01  # no width it does not use
    assert widths[7] >= base[7] - 1e-6  # the running text of 承担任务 keeps its base
    for row in builder.rows:
        for cell in row.cells:
            if cell.kind not in ("label", "short") or cell.rowspan > 1 or not linebreak.is_cjk_text(cell.text):
                continue
            avail = (sum(widths[cell.col:cell.col + cell.span]) - pad)
            lines = linebreak.label_lines(cell.text, avail, measure)
            assert "".join(lines) == cell.text
            if len(lines) > 1:
                cuts = [sum(len(p) for p in lines[:k]) for k in range(1, len(lines))]
                assert set(cuts) <= set(linebreak.break_positions(cell.text)), (cell.text, lines)
                assert all(len(p) > 1 for p in lines), (cell.text, lines)
                assert all(measure(p) <= avail for p in lines), (cell.text, lines)


def test_team_widths_of_the_sample_keep_short_values_whole():
    builder, widths = _team_table(sample_draft())
    measure = colwidths.measurer_mm(builder.st["cell"])
    pad = 2 * builder.pad / mm
    assert measure("序号") + pad <= widths[0]
    # 项目总体负/责 and 许可转让合/同与备案登/记 were the old cuts
    for text in ("项目总体负责", "许可转让合同与备案登记"):
        lines = linebreak.label_lines(text, widths[7] - pad, measure)
        assert all(len(p) > 1 for p in lines) and set(
            sum(len(p) for p in lines[:k]) for k in range(1, len(lines))) <= set(linebreak.break_positions(text))


def test_table_model_counts_lines():
    ems = linebreak._ems
    cells = [fitting.Sized(0, 0, 1, "甲乙丙丁戊己", "free"), fitting.Sized(0, 1, 1, "研发中心", "short"),
             fitting.Sized(1, 0, 2, "甲乙丙丁", "free")]
    model = fitting.TableModel(cells, ems, 0.0)
    assert model.height([6.0, 4.0]) == 2  # every cell on one line
    assert model.height([3.0, 2.0]) == 2 + 1  # row 0: 甲乙丙/丁戊己, 研发/中心; row 1: one line
    assert model.height([2.0, 2.0]) == 3 + 1  # 甲乙/丙丁/戊己 beside 研发/中心; 甲乙丙丁 over both
    assert model.height([2.0, 1.0]) == 4 + 2  # 研/发/中/心; 甲乙丙/丁


# --------------------------------------------------------------------------- one set of numbers


@pytest.mark.parametrize("module", [grid, linebreak, fitting])
def test_grid_is_free_of_either_renderer(module):
    """pdf/grid.py, pdf/linebreak.py and pdf/fitting.py are the numbers and rules both renderers
    share: they import neither, and of pdf/ only each other."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module and node.level == 0}
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"reportlab", "docx", "forms", "PySide6"}
    assert {name for name in imported if name.startswith("pdf")} <= {"pdf.grid", "pdf.linebreak"}


def test_pdf_numbers_come_from_the_grid():
    assert (layout.TOP, layout.BOTTOM, layout.BINDING, layout.OUTER) == pytest.approx(
        tuple(v * mm for v in (grid.TOP_MM, grid.BOTTOM_MM, grid.BINDING_MM, grid.OUTER_MM)))
    assert layout.FRAME_WIDTH == pytest.approx(grid.TEXT_WIDTH_MM * mm)
    assert layout.FOOTER_BASELINE == pytest.approx(grid.FOOTER_BASELINE_MM * mm)
    assert (layout.OPINION_SEAL_MM, layout.OPINION_SEAL_MARGIN_MM, layout.COVER_SEAL_MM,
            layout.SIGNATURE_MIN_MM) == (grid.OPINION_SEAL_MM, grid.OPINION_SEAL_MARGIN_MM,
                                         grid.COVER_SEAL_MM, grid.SIGNATURE_MIN_MM)
    assert parts.BOX_MIN_HEIGHT == pytest.approx(grid.BOX_MIN_MM * mm)
    assert render.FALLBACK_DATE == grid.FALLBACK_DATE == dt.date(2000, 1, 1)
    # pdf/styles.py and pdf/cjkwrap.py still spell these out: they must agree with the grid
    assert pdf_styles.CELL_PADDING == pytest.approx(grid.CELL_PADDING_MM * mm)
    assert pdf_styles.CELL_PADDING_V == pytest.approx(grid.CELL_PADDING_V_MM * mm)
    assert pdf_styles.MIN_ROW_HEIGHT == pytest.approx(grid.MIN_ROW_MM * mm)
    st_ = styles()
    assert st_["cell"].fontSize == grid.BODY_PT
    assert st_["heading"].fontSize == grid.HEADING_PT
    assert st_["page_title"].fontSize == grid.PAGE_TITLE_PT
    assert st_["cover_title"].fontSize == grid.COVER_TITLE_PT
    assert st_["cover_label"].fontSize == grid.COVER_PT
    assert CANNOT_START == linebreak.CANNOT_START and CANNOT_END == linebreak.CANNOT_END


def test_attachment_list_columns_from_the_grid():
    draft = sample_draft()
    ctx = parts.Context(draft, styles(), False, [])
    table = parts.attachment_list(draft.form.part("attachments"), ctx)[-1]
    table = getattr(table, "body", table)  # inside the heading's keep-together wrapper
    widths = [w / mm for w in table._colWidths]
    cols = grid.ATTACHMENT_LIST_COLUMNS
    assert widths == pytest.approx([grid.TEXT_WIDTH_MM * w / sum(cols) for w in cols], abs=2)


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
    # 40 pages: 42 before the pieces of a paragraph split across pages stopped gaining stray
    # spaces (test_render_flow.py::test_split_paragraphs_gain_no_spaces)
    assert result.page_count >= 40
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


def test_name_lines_cut_after_middle_dots():
    ems = linebreak._ems
    assert linebreak.name_lines("阿卜杜勒·艾尼", 10, ems) == ["阿卜杜勒·艾尼"]  # fits
    assert linebreak.name_lines("阿卜杜勒·艾尼", 5, ems) == ["阿卜杜勒·", "艾尼"]
    assert linebreak.name_lines("克里斯蒂安·约翰内斯·冯·霍恩海姆", 8, ems) == ["克里斯蒂安·", "约翰内斯·冯·", "霍恩海姆"]
    assert linebreak.name_lines("欧阳晓岚娜", 3, ems) == ["欧阳晓岚娜"]  # no dot: the renderer wraps
    assert linebreak.name_halves("阿卜杜勒·艾尼") == ["阿卜杜勒·", "艾尼"]
    assert linebreak.name_halves("买买提·艾力·阿不都") == ["买买提·", "艾力·阿不都"]  # the narrower widest line


@requires_tools("pdftotext")
@pytest.mark.parametrize("names", [("欧阳晓岚娜", "阿卜杜勒·艾尼"), ("张三", "阿卜杜勒·艾尼")])
def test_a_long_name_breaks_at_its_middle_dot(names, tmp_path):
    """阿卜杜勒· / 艾尼, never 阿卜杜 / 勒·艾尼 (a part wider than the cell itself still wraps)."""
    draft = sample_draft()
    draft.data["attachments"], draft.files = [], {}
    for member, name in zip(draft.data["team"]["members"][1:], names):
        member["name"] = name
    out = tmp_path / "names.pdf"
    out.write_bytes(render_document(draft).pdf)
    lines = [line.strip() for line in pdftotext(out).splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("阿卜"))
    name_lines = lines[start:start + 3]
    assert "艾尼" in name_lines or "阿卜杜勒·艾尼" in name_lines[0], name_lines
    assert not any("·艾" in line and line != "阿卜杜勒·艾尼" for line in name_lines), name_lines
