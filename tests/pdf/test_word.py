"""The Word export (issue 5): pdf/docx/ read back with python-docx, the command line, and a
LibreOffice round trip (the document opens and lays out in a real office suite)."""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from docx.enum.section import WD_SECTION
from docx.oxml.ns import qn
from docx.shared import Mm

from forms.display import FINGERPRINT_LABEL, NONE_TEXT, PAGE_OF, long_date
from forms.draft import Draft, dump_draft_json
from forms.idnumbers import id_check_char
from forms.problems import RenderRefused
from forms.sample import sample_draft
from forms.text import count_zi
from forms.validate import validate
from pdf import grid, linebreak
from pdf.docx import render_docx, write_docx
from pdf.docx.builder import DRAFT_HEADER, TEXT_W_MM, _text_mm
from pdf.docx.ooxml import BODY_END, xml_text
from tests.drafts import PDF_ATTACHMENT_TEXTS, ext_b_names, maximal_draft
from tests.tools import IN_CI, requires_tools

ROOT = Path(__file__).resolve().parents[2]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
EXT_B = "𠈌"  # U+2020C
HEADINGS = ["填 报 说 明", "一、申报单位基本信息", "二、申报单位承担项目能力基本情况",
            "三、项目实施方案、资金安排和绩效目标", "四、项目组成员信息", "五、申报单位意见", "附件清单"]


# --------------------------------------------------------------------------- drafts


def _id(seq: int, year: int = 1980, male: bool = True) -> str:
    """A synthetic 居民身份证 number (valid check character; no real person's)."""
    order = seq * 2 + (1 if male else 0)
    body = f"310104{year}{(seq % 12) + 1:02d}{(seq % 28) + 1:02d}{order % 1000:03d}"
    return body + id_check_char(body)


def _cjk(n: int, seed: str = "产学研运营联合体知识产权转化专利许可") -> str:
    return (seed * (n // len(seed) + 1))[:n]


def _para(total_zi: int, line_zi: int = 95) -> str:
    """Text of exactly ``total_zi`` 字 in lines of ``line_zi`` ending with 。"""
    lines, left = [], total_zi
    while left > 0:
        n = min(line_zi, left)
        lines.append(_cjk(n - 1) + "。" if n > 1 else "。")
        left -= n
    text = "\n".join(lines)
    assert count_zi(text) == total_zi
    return text


def limit_draft(members: int = 60) -> Draft:
    """A stress draft beyond tests/drafts.py's realistic maximal one: *every* text at its limit
    (200-character one-line texts in every member cell, 50-character names with Ext-B
    characters, 1000 / 2000 字), 60 members. Still free of errors."""
    draft = sample_draft()
    d = draft.data
    d["unit"]["name"] = _cjk(196, "上海浦江𠈌芯链智能科技集团有限公司") + "有限公司"
    d["unit"]["address"] = "上海市浦东新区" + _cjk(193, "张江路九九九号")
    d["unit"]["bank_name"] = _cjk(200, "中国工商银行上海市张江科技支行")
    d["unit"]["business_scope"] = _para(600, 120)
    d["unit"]["partners"] = [{"name": _cjk(200, f"申江第{i}大学微电子学院"), "kind": "高校", "since": 2010 + i}
                             for i in range(1, 6)]
    d["capability"] = _para(1000)
    d["plan"] = _para(2000)
    leader_name = "阿卜杜勒·" + _cjk(44, EXT_B + "艾尼喆堃") + EXT_B
    for n, (key, person) in enumerate(d["people"].items()):
        person["name"] = leader_name if key == "leader" else _cjk(50, f"{EXT_B}欧阳·晓岚{'甲乙丙'[n]}")
        person["email"] = f"{key}.{'x' * 40}@{'sub.' * 8}example.com"
    for key in ("education", "title", "specialty", "department", "position"):
        d["team"]["leader"][key] = _cjk(200, f"{key}知识产权运营中心")
    team = []
    for i in range(members):
        team.append({"name": leader_name if i == 0 else _cjk(50, f"{EXT_B}成员{i:02d}号喆堃"),
                     "id_type": "居民身份证",
                     "id_number": d["people"]["leader"]["id_number"] if i == 0 else _id(i),
                     "department": _cjk(200, f"部门{i}"), "title": _cjk(200, f"职称{i}"),
                     "education": _cjk(200, "博士研究生"), "specialty": _cjk(200, f"专业{i}"),
                     "task": _cjk(200, f"任务{i}承担专利运营")})
    d["team"]["members"] = team
    attachments = []
    for i, cat in enumerate(("资质证书", "任务书及成果证明", "其他支撑材料", "工作方案详细内容")):
        attachments.append({"title": _cjk(200, f"附件{i}{EXT_B}证明材料"), "category": cat,
                            "file": "sample-attachment.pdf"})
    d["attachments"] = attachments
    return draft


@pytest.fixture(scope="module")
def sample() -> Draft:
    return sample_draft()


@pytest.fixture(scope="module")
def maximal() -> Draft:
    return maximal_draft()


@pytest.fixture(scope="module")
def extreme() -> Draft:
    return limit_draft()


@pytest.fixture(scope="module")
def sample_bytes(sample: Draft) -> bytes:
    return render_docx(sample)


@pytest.fixture(scope="module")
def maximal_bytes(maximal: Draft) -> bytes:
    return render_docx(maximal)


@pytest.fixture(scope="module")
def extreme_bytes(extreme: Draft) -> bytes:
    return render_docx(extreme)


def _open(blob: bytes) -> docx.document.Document:
    return docx.Document(io.BytesIO(blob))


def _part_xml(blob: bytes, name: str) -> str:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return z.read(name).decode("utf-8")


def _paragraph_texts(element, br: str = "\n") -> list[str]:
    """Text of every paragraph under ``element`` (table cells included), tabs as \\t, manual line
    breaks as ``br``."""
    texts = []
    for p in element.iter(f"{W}p"):
        marks = {f"{W}tab": "\t", f"{W}br": br}
        texts.append("".join(marks.get(node.tag) or node.text or ""
                             for node in p.iter(f"{W}t", f"{W}tab", f"{W}br")))
    return texts


def _body_text(document) -> str:
    """The body's text as a reader finds values in it: the manual line breaks that cut labels
    and short values between words (身份证/号码, 研发/中心) joined up."""
    return "\n".join(_paragraph_texts(document.element.body, br=""))


def _expected_values(draft: Draft) -> list[str]:
    """Every printed value of the draft, as the reader should find it (lines of long text)."""
    out: list[str] = []

    def add(fdef, value) -> None:
        if not fdef.printed or value in (None, "") or fdef.type in ("bool", "file"):
            return
        if fdef.key == "id_type":
            return  # printed only beside non-default numbers, checked with them
        if isinstance(value, dt.date):
            out.append(long_date(value))
        elif fdef.type == "para":
            out.extend(line for line in str(value).split("\n") if line)
        else:
            out.append(str(value))

    for fdef in draft.form.fields:
        value = draft.get(fdef.path)
        if fdef.type == "record":
            for sub in fdef.record.fields:
                add(sub, value.get(sub.key))
        elif fdef.type == "list":
            for item in value:
                for sub in fdef.record.fields:
                    add(sub, item.get(sub.key))
        else:
            add(fdef, value)
    return out


def _tables(document):
    return document.tables


# --------------------------------------------------------------------------- structure


def test_tables_rows_and_columns(sample: Draft, sample_bytes: bytes) -> None:
    tables = _tables(_open(sample_bytes))
    n_members = len(sample.get("team.members"))
    n_att = len(sample.get("attachments"))
    # 一, 二, 三, 四 (项目负责人 block), 四 (项目组全部成员, own table for repeating headers), 五, 附件清单
    shape = [(len(t.rows), len(t._tbl.tblGrid.findall(qn("w:gridCol")))) for t in tables]
    assert shape == [(12, 5), (1, 1), (1, 1), (5, 8), (2 + n_members, 8), (1, 2), (1 + n_att, 4)]
    for t in tables:
        assert len(t.columns) == len(t._tbl.tblGrid.findall(qn("w:gridCol")))
        assert t._tbl.tblPr.find(qn("w:tblBorders")) is not None  # bordered, real tables


def _tcs(tr):
    return tr.findall(qn("w:tc"))


def _span(tc) -> int:
    el = tc.find(f"{W}tcPr/{W}gridSpan")
    return int(el.get(qn("w:val"))) if el is not None else 1


def _vmerge(tc) -> str | None:
    el = tc.find(f"{W}tcPr/{W}vMerge")
    if el is None:
        return None
    return el.get(qn("w:val")) or "continue"


def test_merged_cells_of_unit_info(sample_bytes: bytes) -> None:
    table = _tables(_open(sample_bytes))[0]
    rows = table._tbl.findall(qn("w:tr"))
    for i, tr in enumerate(rows):
        tcs = _tcs(tr)
        if 6 <= i <= 9:  # the 5-column 人员信息 block
            assert [_span(tc) for tc in tcs] == [1, 1, 1, 1, 1]
        else:
            assert [_span(tc) for tc in tcs] == [1, 4]
        assert all(_vmerge(tc) is None for tc in tcs)
    assert [c.text for c in table.rows[6].cells] == ["人员信息", "姓名", "身份证号码", "电话（手机）", "电子邮箱"]
    assert table.cell(0, 4).text == table.cell(0, 1).text  # python-docx sees the span


def test_merged_cells_of_team(sample: Draft, sample_bytes: bytes) -> None:
    leader, members = _tables(_open(sample_bytes))[3:5]
    rows = leader._tbl.findall(qn("w:tr"))
    assert [_vmerge(_tcs(tr)[0]) for tr in rows] == ["restart"] + ["continue"] * 4
    assert [[_span(tc) for tc in _tcs(tr)] for tr in rows] == [
        [1, 1, 1, 1, 1, 1, 2], [1, 1, 1, 1, 1, 1, 2], [1, 1, 3, 1, 2], [1, 1, 3, 1, 2], [1, 1, 3, 1, 2]]
    assert all(leader.cell(r, 0).text == "项目负责人" for r in range(5))  # one cell over five rows
    assert leader.cell(0, 6).text == leader.cell(0, 7).text == sample.get("people.leader.id_number")

    rows = members._tbl.findall(qn("w:tr"))
    assert [_span(tc) for tc in _tcs(rows[0])] == [8]  # 项目组全部成员 across the table
    assert members.cell(0, 0).text == "项目组全部成员"
    assert [c.text.replace("\n", "") for c in members.rows[1].cells] == [
        "序号", "姓名", "身份证号码", "所在部门", "职务/职称", "学历", "现从事专业", "承担任务"]
    for tr in rows[2:]:
        assert [_span(tc) for tc in _tcs(tr)] == [1] * 8
    # the two header rows repeat on every page; member rows may break across pages
    repeated = [tr.find(f"{W}trPr/{W}tblHeader") is not None for tr in rows]
    assert repeated == [True, True] + [False] * (len(rows) - 2)
    assert all(tr.find(f"{W}trPr/{W}cantSplit") is None for tr in rows[2:])
    n = len(rows) - 2
    assert [members.cell(2 + i, 0).text for i in range(n)] == [str(i + 1) for i in range(n)]


def _grid_mm(table) -> list[float]:
    return [int(g.get(qn("w:w"))) / 1440 * 25.4 for g in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def _cuts(text: str) -> tuple[str, list[int]]:
    """A cell's text with its manual line breaks removed, and where they were."""
    pieces = text.split("\n")
    return "".join(pieces), [sum(len(p) for p in pieces[:k]) for k in range(1, len(pieces))]


def test_tables_on_the_pdf_grid(maximal: Draft, maximal_bytes: bytes) -> None:
    """The members table of the maximal draft, laid out by the PDF's rules (pdf/fitting.py): 序号
    and 身份证号码 on one line, labels and short values cut only between words (现从事/专业,
    硕士/研究生, never 研发中/心), 承担任务 at least its share of the definition."""
    leader, members = _tables(_open(maximal_bytes))[3:5]
    widths = _grid_mm(members)
    assert sum(widths) == pytest.approx(TEXT_W_MM, abs=0.1)
    assert _grid_mm(leader) == pytest.approx(widths, abs=0.01)  # one printed table
    columns = maximal.form.part("team")["columns"]
    assert widths[7] >= TEXT_W_MM * columns[7] / sum(columns) - 0.1
    pad = 2 * grid.COMPACT_PADDING_MM
    assert widths[0] >= _text_mm("序号", grid.COMPACT_PT) + pad
    assert widths[2] >= _text_mm("11010519670822107X", grid.COMPACT_PT) + pad
    header = [c.text for c in members.rows[1].cells]
    assert header[0] == "序号" and header[2] == "身份证号码"
    broken = 0
    for table in (leader, members):
        for row in table.rows:
            for cell in row.cells:
                if "\n" not in cell.text or not linebreak.is_cjk_text(cell.text.replace("\n", "")):
                    continue
                text, cuts = _cuts(cell.text)
                assert set(cuts) <= set(linebreak.break_positions(text)), cell.text
                assert all(len(p) > 1 for p in cell.text.split("\n")), cell.text
                broken += 1
    assert broken > 20  # header labels and 学历, 所在部门 … of sixty members


def test_numbers_shared_with_the_pdf(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    titles = [p for p in document.paragraphs if p.text in ("填 报 说 明", "附件清单")]
    assert len(titles) == 2
    assert {r.font.size.pt for p in titles for r in p.runs} == {grid.PAGE_TITLE_PT}
    tables = _tables(document)
    box = tables[1]._tbl.findall(qn("w:tr"))[0].find(f"{W}trPr/{W}trHeight")
    assert int(box.get(qn("w:val"))) == pytest.approx(Mm(grid.BOX_MIN_MM).twips, abs=2)
    cols = grid.ATTACHMENT_LIST_COLUMNS
    assert _grid_mm(tables[6]) == pytest.approx([TEXT_W_MM * w / sum(cols) for w in cols], abs=2)
    margins = tables[0]._tbl.tblPr.find(f"{W}tblCellMar")
    assert int(margins.find(f"{W}top").get(qn("w:w"))) == round(grid.CELL_PADDING_V_MM / 25.4 * 1440)
    assert int(margins.find(f"{W}left").get(qn("w:w"))) == round(grid.CELL_PADDING_MM / 25.4 * 1440)


def test_signature_cell_is_blank_and_tall(sample_bytes: bytes) -> None:
    leader = _tables(_open(sample_bytes))[3]
    tr = leader._tbl.findall(qn("w:tr"))[4]
    height = tr.find(f"{W}trPr/{W}trHeight")
    assert height.get(qn("w:hRule")) in ("atLeast", "exact")
    assert int(height.get(qn("w:val"))) >= Mm(15).twips - 1
    assert tr.find(f"{W}trPr/{W}cantSplit") is not None
    cells = leader.rows[4].cells
    assert cells[5].text == "签名" and cells[6].text == "" and cells[7].text == ""


def test_opinion_has_seal_room(sample: Draft, sample_bytes: bytes) -> None:
    table = _tables(_open(sample_bytes))[5]
    label, body = table.rows[0].cells
    assert label.text == "申报单位承诺及意见"
    texts = [p.text for p in body.paragraphs]
    assert texts == ["所提交的资料真实有效，并自愿承担相应责任。同意申报。", "单位签章：", long_date(sample.get("opinion.date"))]
    seal = body.paragraphs[1]
    assert seal.paragraph_format.space_after >= Mm(45)  # clear area below 单位签章：
    width = int(body._tc.find(f"{W}tcPr/{W}tcW").get(qn("w:w")))
    indent = seal.paragraph_format.left_indent
    assert width - (indent.twips if indent else 0) >= Mm(45).twips  # 45 mm wide beside the label
    assert table._tbl.find(f"{W}tr/{W}trPr/{W}cantSplit") is not None


def test_opinion_without_date_leaves_room_to_write(sample: Draft) -> None:
    draft = sample.copy()
    draft.data["opinion"]["date"] = None
    body = _tables(_open(render_docx(draft)))[5].rows[0].cells[1]
    assert body.paragraphs[-1].text == "年   月   日"


def test_attachment_list(sample: Draft, sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    table = _tables(document)[6]
    assert [c.text for c in table.rows[0].cells] == ["序号", "类别", "附件名称", "页数"]
    assert [c.text for c in table.rows[1].cells] == ["1", "资质证书", "知识产权管理体系认证证书（示例）", "1"]
    assert table._tbl.find(f"{W}tr/{W}trPr/{W}tblHeader") is not None
    assert "随本申报书电子版一并报送" in _body_text(document)  # the files travel alongside


def test_attachment_list_empty_prints_none(sample: Draft) -> None:
    draft = sample.copy()
    draft.data["attachments"] = []
    table = _tables(_open(render_docx(draft)))[6]
    assert len(table.rows) == 2
    assert [_span(tc) for tc in _tcs(table._tbl.findall(qn("w:tr"))[1])] == [4]
    assert table.rows[1].cells[0].text == NONE_TEXT


# --------------------------------------------------------------------------- content


def test_every_sample_value_present(sample: Draft, sample_bytes: bytes) -> None:
    text = _body_text(_open(sample_bytes))
    expected = _expected_values(sample)
    assert len(expected) > 80
    missing = [v for v in expected if v not in text]
    assert missing == []
    assert "（港澳台居民居住证）" in text  # a non-default ID type is named beside the number


def test_every_maximal_value_present(maximal: Draft, maximal_bytes: bytes) -> None:
    assert [p for p in validate(maximal) if p.is_error] == []
    document = _open(maximal_bytes)
    text = _body_text(document)
    missing = [v for v in _expected_values(maximal) if v not in text]
    assert missing == []
    assert all(name in text for name in ext_b_names)
    members = _tables(document)[4]
    assert len(members.rows) == 2 + 60
    assert [members.cell(2 + i, 0).text for i in range(60)] == [str(i + 1) for i in range(60)]
    assert members.cell(2 + 4, 3).text == NONE_TEXT  # every 4th member leaves optional fields empty
    assert "（港澳台居民居住证）" in text and "（护照或其他）" in text
    attachments = _tables(document)[6]
    assert [[c.text for c in row.cells] for row in attachments.rows[1:]] == [
        ["1", "任务书及成果证明", "承担的相关项目任务书（三页，含横向页）", "3"],
        ["2", "资质证书", "园区荣誉证书扫描件", "1"]]
    assert not any(t in text for t in PDF_ATTACHMENT_TEXTS)  # the files travel alongside


def test_every_limit_length_value_present(extreme: Draft, extreme_bytes: bytes) -> None:
    assert [p for p in validate(extreme) if p.is_error] == []  # a real, printable draft
    text = _body_text(_open(extreme_bytes))
    missing = [v for v in _expected_values(extreme) if v not in text]
    assert missing == []
    assert EXT_B in text


def test_long_text_is_editable_paragraphs(sample: Draft, sample_bytes: bytes) -> None:
    tables = _tables(_open(sample_bytes))
    capability = [p.text for p in tables[1].rows[0].cells[0].paragraphs]
    assert capability == sample.get("capability").split("\n")
    plan = [p.text for p in tables[2].rows[0].cells[0].paragraphs]
    assert plan == ["产学研运营联合体工作方案"] + sample.get("plan").split("\n")
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]  # no pictures of text


def test_static_texts_verbatim(sample: Draft, sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    paragraphs = _paragraph_texts(document.element.body)
    form = sample.form
    cover = form.part("cover")
    for line in cover["title"] + [cover["compiled_by"]]:
        assert line in paragraphs
    assert any(p.startswith(cover["number_label"]) and p[len(cover["number_label"]):].strip("\u3000") == ""
               for p in paragraphs)  # 项目编号 stays blank
    assert f"{cover['unit_label']}{sample.unit_name}{cover['seal']}" in paragraphs
    assert f"{cover['date_label']}{long_date(sample.get('cover.date'))}" in paragraphs
    for text in form.part("instructions")["paragraphs"]:
        assert text in paragraphs
    labels = []
    for part in form.parts:
        for row in part.get("rows", []):
            cells = row["cells"] if isinstance(row, dict) else row
            labels += [c["label"] for c in cells if "label" in c]
    opinion = form.part("opinion")
    labels += [opinion["label"], opinion["text"], opinion["seal_label"], form.part("plan")["title"]]
    labels += [c["label"] for c in form.part("attachments")["columns"]]
    whole = paragraphs + [p.replace("\n", "") for p in paragraphs]  # labels cut by w:br
    assert [x for x in labels if x not in whole] == []
    # hints are guidance, not printed
    assert form.field("capability").hint not in _body_text(document)


def test_empty_optional_fields_print_none(sample: Draft) -> None:
    draft = sample.copy()
    draft.data["team"]["leader"]["landline"] = ""
    for key in ("department", "title", "education", "specialty"):
        draft.data["team"]["members"][1][key] = ""
    document = _open(render_docx(draft))
    leader, members = _tables(document)[3:5]
    assert leader.cell(4, 2).text == NONE_TEXT
    assert [c.text for c in members.rows[3].cells][3:7] == [NONE_TEXT] * 4


def test_cover_is_own_section_and_body_starts_right_hand(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    assert len(document.sections) == 2
    assert document.sections[1].start_type == WD_SECTION.ODD_PAGE
    headings = [p for p in document.paragraphs if p.style.name == "Heading 1"]
    # 填报说明 gets its own page: 一 starts on a new page, and so does 附件清单
    assert headings[1].paragraph_format.page_break_before
    assert headings[-1].paragraph_format.page_break_before


# --------------------------------------------------------------------------- Word conventions


def test_heading_styles(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    style = document.styles["Heading 1"].element
    fonts = style.find(f"{W}rPr/{W}rFonts")
    assert fonts.get(qn("w:eastAsia")) == "黑体"
    assert not [a for a in fonts.attrib if a.endswith("Theme") or a.endswith("theme")]
    color = style.find(f"{W}rPr/{W}color")
    assert color.get(qn("w:val")) == "000000" and color.get(qn("w:themeColor")) is None
    assert style.find(f"{W}pPr/{W}outlineLvl").get(qn("w:val")) == "0"  # navigation pane


def test_east_asian_fonts(sample_bytes: bytes) -> None:
    styles = _part_xml(sample_bytes, "word/styles.xml")
    defaults = re.search(r"<w:rPrDefault>.*?</w:rPrDefault>", styles, re.S).group(0)
    assert 'w:eastAsia="宋体"' in defaults and 'w:ascii="Times New Roman"' in defaults
    assert "Theme" not in defaults and 'w:eastAsia="zh-CN"' in defaults
    document = _part_xml(sample_bytes, "word/document.xml")
    assert 'w:eastAsia="黑体"' in document  # cover title and labels
    fonts = _part_xml(sample_bytes, "word/fontTable.xml")  # with English names as fallbacks
    assert re.search(r'w:name="宋体"><w:altName w:val="SimSun"/>', fonts)
    assert re.search(r'w:name="黑体"><w:altName w:val="SimHei"/>', fonts)
    assert "明朝" not in fonts and "ja-JP" not in _part_xml(sample_bytes, "word/settings.xml")


def test_ext_b_characters_get_a_font_that_has_them(extreme_bytes: bytes) -> None:
    document = _open(extreme_bytes)
    runs = [r for p in document.element.body.iter(f"{W}p") for r in p.iter(f"{W}r")
            if EXT_B in "".join(t.text or "" for t in r.iter(f"{W}t"))]
    assert runs
    for r in runs:
        assert r.find(f"{W}rPr/{W}rFonts").get(qn("w:eastAsia")) == "SimSun-ExtB"


def test_page_setup_a4_mirrored(sample_bytes: bytes) -> None:
    document = _open(sample_bytes)
    for section in document.sections:
        assert abs(section.page_width.mm - 210) < 0.1 and abs(section.page_height.mm - 297) < 0.1
        assert abs(section.top_margin.mm - 37) < 0.1 and abs(section.bottom_margin.mm - 35) < 0.1
        assert abs(section.left_margin.mm - 28) < 0.1  # inside (binding) when mirrored
        assert abs(section.right_margin.mm - 26) < 0.1
    settings = _part_xml(sample_bytes, "word/settings.xml")
    assert "<w:mirrorMargins/>" in settings
    assert "<w:evenAndOddHeaders/>" in settings


def _fields(element) -> list[str]:
    return [t.text.strip() for t in element.iter(f"{W}instrText")] + \
        [f.get(qn("w:instr")).strip() for f in element.iter(f"{W}fldSimple")]


def test_footer_has_page_fields(sample: Draft, sample_bytes: bytes) -> None:
    """第 n 页 共 m 页 as on paper: the body numbered from 1, the total the number of the last
    body page (PAGEREF to a bookmark at the end), the cover pages not counted."""
    document = _open(sample_bytes)
    cover, body = document.sections
    assert cover.footer.is_linked_to_previous  # the cover has no footer at all
    assert cover._sectPr.find(qn("w:footerReference")) is None
    for footer in (body.footer, body.even_page_footer):
        assert not footer.is_linked_to_previous
        assert _fields(footer._element) == ["PAGE", f"PAGEREF {BODY_END}"]
        begins = [f for f in footer._element.iter(f"{W}fldChar") if f.get(qn("w:fldCharType")) == "begin"]
        assert len(begins) == 2
        text = "".join(_paragraph_texts(footer._element))
        assert PAGE_OF.format(n=1, m=1) in text  # the program's words, with placeholder results
        assert f"{FINGERPRINT_LABEL} {sample.fingerprint()}" in text
    numbering = body._sectPr.find(qn("w:pgNumType"))
    assert numbering is not None and numbering.get(qn("w:start")) == "1"
    assert cover._sectPr.find(qn("w:pgNumType")) is None
    # the bookmark the total refers to closes the document's last paragraph
    last = [el for el in document.element.body if el.tag == qn("w:p")][-1]
    marks = [el for el in last if el.tag == qn("w:bookmarkStart")]
    assert [m.get(qn("w:name")) for m in marks] == [BODY_END]
    assert last[-1].tag == qn("w:bookmarkEnd")
    assert len([el for el in document.element.body.iter(qn("w:bookmarkStart"))]) == 1


def test_draft_header_only_in_draft_mode(sample: Draft, sample_bytes: bytes) -> None:
    plain = _open(sample_bytes)
    for section in plain.sections:
        assert section._sectPr.find(qn("w:headerReference")) is None
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as z:
        assert not [n for n in z.namelist() if "header" in n]
        xml = [z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml")]
    assert not [x for x in xml if "草稿 —" in x]

    drafted = _open(render_docx(sample, draft_mode=True))
    for section in drafted.sections:  # every page: odd and even pages of cover and body
        for header in (section.header, section.even_page_header):
            assert not header.is_linked_to_previous
            assert header.paragraphs[0].text == DRAFT_HEADER
            assert header.paragraphs[0].runs[0].font.color.theme_color is None


def test_core_properties_and_reproducible(sample: Draft, sample_bytes: bytes) -> None:
    props = _open(sample_bytes).core_properties
    assert sample.unit_name in props.title and "项目申报书" in props.title
    assert props.author == "Shenbao 申报助手"
    assert props.subject
    stamp = dt.datetime.combine(sample.get("cover.date"), dt.time())
    assert props.created.replace(tzinfo=None) == stamp and props.modified.replace(tzinfo=None) == stamp
    assert render_docx(sample) == sample_bytes  # byte for byte
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as z:
        assert {i.date_time for i in z.infolist()} == {(2022, 4, 20, 0, 0, 0)}


def test_no_macros_no_foreign_parts(sample_bytes: bytes) -> None:
    types = _part_xml(sample_bytes, "[Content_Types].xml")
    assert "wordprocessingml.document.main+xml" in types
    assert "macroEnabled" not in types and "vbaProject" not in types
    with zipfile.ZipFile(io.BytesIO(sample_bytes)) as z:
        names = z.namelist()
    assert not [n for n in names if n.endswith(".bin") or "thumbnail" in n or "vba" in n.lower()]


# --------------------------------------------------------------------------- user text is text

HOSTILE = [
    '<w:r><w:t>injected</w:t></w:r>',
    "]]><w:p/>&amp; & < > \" '",
    "{ PAGE }",
    "{ MERGEFIELD x } { INCLUDETEXT \"c:\\\\x\" }",
    "=SUM(A1)",
]


def test_user_text_stays_literal(sample: Draft) -> None:
    draft = sample.copy()
    d = draft.data
    d["unit"]["name"] = HOSTILE[0] + "\x01\x0b\ufffe" + "公司"  # bypassing the model's cleaning
    d["unit"]["business_scope"] = "\n".join(HOSTILE)
    d["capability"] = "\n".join(HOSTILE) + "\x00\x1f末"
    d["team"]["members"][0]["task"] = HOSTILE[2]
    blob = render_docx(draft)
    document = _open(blob)  # a valid package: it parses
    text = _body_text(document)
    for value in HOSTILE:
        assert value in text
    assert HOSTILE[0] + "公司" in text and "末" in text
    assert "\x01" not in text and "\ufffe" not in text
    assert _fields(document.element.body) == []  # no field anywhere in the body
    assert list(document.element.body.iter(f"{W}fldChar")) == []
    xml = _part_xml(blob, "word/document.xml")
    assert "<w:t>injected</w:t>" not in xml and "&lt;w:r&gt;" in xml
    assert _open(blob).core_properties.title.startswith("上海市知识产权产学研运营联合体项目申报书")


def test_xml_text_guard() -> None:
    assert xml_text("a\x01b\x08c\x0bd\x0ce\ufffef\uffffg\ud800h") == "abcdefgh"
    assert xml_text("a\r\nb\rc\td") == "a\nb\nc\td"
    assert xml_text(EXT_B) == EXT_B


# --------------------------------------------------------------------------- files and CLI


def test_write_docx_atomic(sample: Draft, tmp_path: Path, sample_bytes: bytes) -> None:
    out = tmp_path / "申报书.docx"
    out.write_bytes(b"old")
    with pytest.raises(RenderRefused, match="单双面"):  # a Word file has no simplex layout
        write_docx(sample, out, simplex=True)
    assert out.read_bytes() == b"old"
    write_docx(sample, out)
    assert out.read_bytes() == sample_bytes
    assert [p.name for p in tmp_path.iterdir()] == ["申报书.docx"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_cli_renders_docx(sample: Draft, tmp_path: Path) -> None:
    source = tmp_path / "sample.json"
    result = _cli("sample", "-o", str(source), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out.docx"
    result = _cli("render", str(source), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sample.fingerprint() in result.stdout
    document = _open(out.read_bytes())
    assert sample.unit_name in _body_text(document)
    assert document.sections[0]._sectPr.find(qn("w:headerReference")) is None


def test_cli_refuses_draft_with_errors(sample: Draft, tmp_path: Path) -> None:
    draft = sample.copy()
    draft.data["capability"] = ""
    source = tmp_path / "bad.json"
    source.write_text(dump_draft_json(draft), encoding="utf-8")
    out = tmp_path / "bad.docx"
    result = _cli("render", str(source), "-o", str(out), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "capability" in result.stderr
    assert not out.exists() and [p.name for p in tmp_path.iterdir()] == ["bad.json"]

    result = _cli("render", str(source), "-o", str(out), "--draft", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _open(out.read_bytes()).sections[0].header.paragraphs[0].text == DRAFT_HEADER


# --------------------------------------------------------------------------- LibreOffice

FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimSun</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>SimHei</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
  <alias binding="same"><family>Times New Roman</family>
    <prefer><family>Liberation Serif</family><family>Tinos</family></prefer></alias>
</fontconfig>
"""
#: Fonts with Times New Roman's metrics (fonts-liberation, or ChromeOS's Tinos).
TIMES_METRICS = ("Times New Roman", "Liberation Serif", "Tinos")


def _fontconfig(workdir: Path) -> dict[str, str]:
    """An environment whose fontconfig resolves the document's fonts as Windows would: 宋体 /
    黑体 to the Noto CJK serif / sans, Times New Roman to itself or a metric-compatible font."""
    env = dict(os.environ)
    if sys.platform.startswith("linux") and Path("/etc/fonts/fonts.conf").is_file():
        conf = workdir / "fonts.conf"
        conf.write_text(FONTS_CONF, encoding="utf-8")
        env["FONTCONFIG_FILE"] = str(conf)
    return env


def _resolved(family: str, env: dict[str, str]) -> str:
    done = subprocess.run(["fc-match", "-f", "%{family[0]}", family], capture_output=True, text=True,
                          env=env, check=False, timeout=30)
    return done.stdout.strip()


def _require_times_metrics(workdir: Path) -> None:
    """Skip (never under CI) where no font with Times New Roman's metrics is installed:
    LibreOffice would lay the Latin text out in a wider font than Word does."""
    if shutil.which("fc-match") is None or not sys.platform.startswith("linux"):
        return
    got = _resolved("Times New Roman", _fontconfig(workdir))
    if got not in TIMES_METRICS and not IN_CI:
        pytest.skip(f"Times New Roman resolves to {got!r} here; install fonts-liberation")
    assert got in TIMES_METRICS, f"Times New Roman resolves to {got!r}: install fonts-liberation"


def convert_with_libreoffice(docx_path: Path, workdir: Path) -> Path:
    """The .docx as PDF by LibreOffice headless, with a private profile (parallel runs) and, on
    Linux, the fonts resolved as Windows resolves them (:func:`_fontconfig`)."""
    env = _fontconfig(workdir)
    profile = (workdir / "lo-profile").resolve().as_uri()
    # Keep the blank page Word and LibreOffice insert before the right-hand body start (the
    # back of the cover), as a duplex printer gets it; the PDF export drops it by default.
    keep_blank = 'pdf:writer_pdf_Export:{"IsSkipEmptyPages":{"type":"boolean","value":"false"}}'
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--convert-to", keep_blank,
                    "--outdir", str(workdir), str(docx_path)],
                   check=True, capture_output=True, timeout=180, env=env)
    pdf = workdir / (docx_path.stem + ".pdf")
    assert pdf.is_file(), "LibreOffice wrote no PDF"
    return pdf


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True,
                          capture_output=True, timeout=60).stdout.decode("utf-8")
    return text.split("\f")[:-1]


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)  # pdftotext breaks lines and spaces words


@pytest.mark.slow
@requires_tools("soffice", "pdftotext")
@pytest.mark.parametrize("name, pages_range", [("sample", range(8, 14)), ("maximal", range(10, 30)),
                                               ("extreme", range(60, 200))])
def test_libreoffice_opens_and_lays_out(name: str, pages_range: range, request, tmp_path: Path) -> None:
    _require_times_metrics(tmp_path)
    draft: Draft = request.getfixturevalue(name)
    source = tmp_path / f"{name}.docx"
    write_docx(draft, source)
    pages = _pdf_pages(convert_with_libreoffice(source, tmp_path))
    assert len(pages) in pages_range, len(pages)
    footer = re.compile(rf"第\d+页共\d+页|{FINGERPRINT_LABEL}{draft.fingerprint()}")
    text = "".join(footer.sub("", _squash(p)) for p in pages)
    for heading in HEADINGS + ["上海市知识产权产学研运营联合体", "项目申报书", "上海市知识产权局编制"]:
        assert _squash(heading) in text
    for label in ("项目负责人", "项目组全部成员", "签名", "单位签章：", "申报单位承诺及意见", "序号"):
        assert label in text
    cover = _squash(pages[0])
    assert "上海市知识产权局编制" in cover and draft.fingerprint() not in cover  # the cover fits its page
    assert _squash(draft.unit_name[:30]) in cover
    members = draft.get("team.members")
    for value in (draft.get("people.leader.id_number"), draft.get("unit.credit_code"),
                  members[-1]["id_number"], long_date(draft.get("cover.date"))):
        assert _squash(value) in text
    for value in (members[-1]["name"], members[1]["name"], draft.get("people.contact.email")):
        if len(value) <= 40:  # (a longer one may be split by a page break inside its row)
            assert _squash(value) in text
    for line in draft.get("capability").split("\n")[:3] + draft.get("plan").split("\n")[-2:]:
        assert _squash(line) in text
    # the cover alone on its sheet, its back blank; the body numbered from 1 as on paper
    # (填报说明 is 第 1 页) and counted without the cover: its last page says 第 m 页 共 m 页
    assert _squash(pages[1]) == ""
    body = len(pages) - 2
    numbers = [re.findall(r"第(\d+)页共(\d+)页", _squash(p)) for p in pages]
    assert numbers[:2] == [[], []]
    assert numbers[2] == [("1", str(body))] and "填报说明" in _squash(pages[2])
    assert numbers[2:] == [[(str(n), str(body))] for n in range(1, body + 1)]


@pytest.mark.slow
@requires_tools("soffice", "pdftotext", "fc-match")
def test_identity_numbers_do_not_wrap_in_a_slightly_wider_font(tmp_path: Path) -> None:
    """A viewer without Times New Roman substitutes another font: with Liberation Sans (Arial's
    metrics, digits 11 % wider) every identity number still prints on one line — also where the
    other columns claim every millimetre, so the number column gets exactly its estimate. (Not
    so in the extreme draft, whose running-text columns keep their base width: there the number
    column cannot get its width whatever the font.)"""
    if _resolved("Liberation Sans", _fontconfig(tmp_path)) != "Liberation Sans":
        if IN_CI:
            raise AssertionError("Liberation Sans is missing: install fonts-liberation")
        pytest.skip("needs Liberation Sans (fonts-liberation)")
    draft = maximal_draft()
    for member in draft.data["team"]["members"]:
        for key in ("department", "title", "specialty", "task"):
            member[key] = "知识产权运营中心"  # short values: each column wants its two lines' width
    source = tmp_path / "tight.docx"
    # LibreOffice maps a missing Times New Roman to Liberation Serif itself, whatever fontconfig
    # says: name the wider font in the file, as a viewer substituting it would use it.
    with zipfile.ZipFile(io.BytesIO(render_docx(draft))) as src, zipfile.ZipFile(source, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info).replace(b'"Times New Roman"', b'"Liberation Sans"'))
    text = "\n".join(_pdf_pages(convert_with_libreoffice(source, tmp_path)))
    lines = [line.replace(" ", "") for line in text.splitlines()]
    numbers = [m["id_number"] for m in draft.get("team.members")]
    assert [n for n in numbers if not any(n in line for line in lines)] == []


def test_empty_draft_renders_in_draft_mode() -> None:
    """A draft with nothing filled (a draft print) renders: blanks to write in, 无 for optional."""
    empty = Draft()
    document = _open(render_docx(empty, draft_mode=True))
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 1"] == HEADINGS
    tables = _tables(document)
    assert len(tables[4].rows) == 3  # members: the header rows and, as on paper, a row to write in
    assert [c.text for c in tables[4].rows[2].cells] == [""] * 8
    height = tables[4]._tbl.findall(qn("w:tr"))[2].find(f"{W}trPr/{W}trHeight")
    assert int(height.get(qn("w:val"))) >= Mm(grid.MIN_ROW_MM).twips - 1
    assert tables[6].rows[1].cells[0].text == NONE_TEXT  # no attachments
    assert tables[3].cell(4, 2).text == NONE_TEXT  # optional 固定电话
    assert tables[0].cell(0, 1).text == ""  # required: left blank to write in
    props = document.core_properties
    assert props.title == empty.form.title
    assert props.created.replace(tzinfo=None) == dt.datetime.combine(grid.FALLBACK_DATE, dt.time())
    assert grid.FALLBACK_DATE == dt.date(2000, 1, 1)  # the PDF's (reportlab's invariant date)
