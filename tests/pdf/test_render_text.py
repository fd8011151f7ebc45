"""The text layer of the printout: every value, in order; the template's static text verbatim;
rare and Ext-B characters back out of the PDF; user text printed as data, never as markup."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image
from pypdf import PdfReader

from forms.display import NONE_TEXT, cell_text, long_date, value_text
from forms.draft import Draft
from forms.sample import sample_draft
from pdf.render import render_document, render_pdf
from tests.drafts import RARE_NAME_CHARS, ext_b_names, maximal_draft
from tests.pdf.pdftools import TOOLS, content, in_order, normalize, pdftotext
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)


def expected_texts(draft: Draft) -> list[str]:
    """Every printed label and value of the form part by part, in the order a reader meets
    them, from the form definition and forms.display (the shared truth), not from pdf/."""
    out: list[str] = []
    for part in draft.form.parts:
        kind = part["kind"]
        if kind == "cover":
            out += [part["number_label"], *part["title"], part["unit_label"],
                    value_text(draft, part["unit_field"]), part["seal"], part["date_label"],
                    value_text(draft, part["date_field"]), part["compiled_by"]]
        elif kind == "static":
            out += [part["heading"], *part["paragraphs"]]
        elif kind == "table":
            out.append(part["heading"])
            for row in part["rows"]:
                if isinstance(row, dict):
                    for i in range(len(draft.get(row["repeat"]))):
                        out += [cell_text(draft, c, f"{row['repeat']}[{i}]", i) for c in row["cells"]]
                else:
                    out += [cell_text(draft, c) for c in row]
        elif kind == "box":
            out += [part["heading"], part.get("title", "")]
            out += value_text(draft, part["field"]).split("\n")
        elif kind == "opinion":
            date = draft.get(part["date_field"])
            out += [part["heading"], part["label"], part["text"], part["seal_label"],
                    long_date(date) if date else part["date_blank"]]
        elif kind == "attachments":
            out += [part["heading"], *(c["label"] for c in part["columns"])]
            for i, att in enumerate(draft.get(part["field"])):
                out += [str(i + 1), att["category"], att["title"]]
    return [normalize(t) for t in out if normalize(t)]


def repeated_headers(draft: Draft) -> list[str]:
    """The header rows that repeat at the top of each page a long table continues on (the
    ``header_rows`` rows before a repeat row), as normalised text."""
    out = []
    for part in draft.form.parts:
        rows = part.get("rows", []) if part["kind"] == "table" else []
        for k, row in enumerate(rows):
            if isinstance(row, dict) and row.get("header_rows"):
                cells = [c for r in rows[k - row["header_rows"]:k] for c in r]
                out.append(normalize("".join(cell_text(draft, c) for c in cells)))
    return out


def reading_text(printed) -> str:
    """The printout's text without page furniture and without the repeated header rows after
    their first occurrence: a row split across a page break reads on."""
    text = content(pdftotext(printed.path))
    for header in repeated_headers(printed.draft):
        first = text.find(header) + len(header)
        text = text[:first] + text[first:].replace(header, "")
    return text


def _check_order(printed) -> None:
    text = reading_text(printed)
    expected = expected_texts(printed.draft)
    # Very short values ("无", "男", "1") also occur in labels and elsewhere: they are checked for
    # presence here and, in place, by the row checks below; the rest must come in order.
    ordered = [t for t in expected if len(t) > 2]
    assert in_order(text, ordered) == []
    assert all(t in text for t in expected)


def test_sample_values_in_reading_order(printed_sample):
    _check_order(printed_sample)


def test_maximal_values_in_reading_order(printed_maximal):
    _check_order(printed_maximal)


def test_simplex_and_draft_prints_have_the_same_text_in_order(printed_maximal_simplex, printed_maximal_draft):
    _check_order(printed_maximal_simplex)
    _check_order(printed_maximal_draft)


def test_every_member_row_reads_in_order(printed_maximal):
    """序号, name and number of all 60 members, each row's cells together and in order."""
    text = normalize(pdftotext(printed_maximal.path))
    members = printed_maximal.draft.get("team.members")
    assert len(members) == 60
    rows = [f"{i + 1}{m['name']}{m['id_number']}" for i, m in enumerate(members)]
    assert in_order(text, rows) == []


def test_empty_optional_fields_print_none_text(printed_maximal):
    text = normalize(pdftotext(printed_maximal.path))
    draft = printed_maximal.draft
    assert draft.get("unit.bank_name") == "" and draft.get("team.leader.landline") == ""
    for label in ("开户银行", "银行账号", "固定电话"):
        assert f"{label}{NONE_TEXT}" in text, label
    empty = [i for i, m in enumerate(draft.get("team.members")) if not m["department"]]
    assert len(empty) >= 10
    for i in empty:  # 所在部门, 职务/职称, 学历, 现从事专业 all 无, then the task
        number = cell_text(draft, {"key": "id_number", "format": "id_number"}, f"team.members[{i}]", i)
        task = draft.get(f"team.members[{i}].task")
        assert normalize(f"{number}{NONE_TEXT * 4}{task}") in text


def test_static_texts_of_the_template_verbatim(printed_sample):
    """填报说明's five paragraphs, 五's sentence and the cover lines exactly as in the seed."""
    text = normalize(pdftotext(printed_sample.path))
    form = printed_sample.draft.form
    static = form.part("instructions")
    assert len(static["paragraphs"]) == 5
    for paragraph in static["paragraphs"]:
        assert normalize(paragraph) in text
    assert normalize("1.申报书的内容将作为项目评审、签订任务书的重要依据") in text
    assert normalize("5.申报书及相关材料一律采用 A4 纸张双面打印，并于左侧装订成册，打印一式两份（签名并加盖公章）。") in text
    assert "所提交的资料真实有效，并自愿承担相应责任。同意申报。" in text
    for line in ("项目编号：", "上海市知识产权产学研运营联合体", "项目申报书", "申报单位：", "（签章）",
                 "申报时间：", "上海市知识产权局编制", "填报说明", "单位签章：", "附件清单"):
        assert line in text, line
    for heading in ("一、申报单位基本信息", "二、申报单位承担项目能力基本情况", "三、项目实施方案、资金安排和绩效目标",
                    "四、项目组成员信息", "五、申报单位意见"):
        assert heading in text


def test_cover_page_holds_exactly_the_cover_lines(printed_sample):
    cover = normalize(pdftotext(printed_sample.path, first=1, last=1))
    assert cover == normalize("项目编号：上海市知识产权产学研运营联合体项目申报书申报单位：上海临港芯链科技有限公司（签章）"
                              "申报时间：2022年4月20日上海市知识产权局编制")


def test_hints_of_the_template_are_not_printed(printed_sample):
    text = normalize(pdftotext(printed_sample.path))
    for field in ("capability", "plan", "unit.name", "unit.bank_name"):
        assert normalize(printed_sample.draft.form.field(field).hint) not in text


def test_opinion_date_blank_or_long(printed_sample, printed_maximal):
    assert "2022年4月20日" in normalize(pdftotext(printed_sample.path))
    page = printed_maximal.result.marks.areas["opinion_seal"].page
    assert "年月日" in normalize(pdftotext(printed_maximal.path, first=page, last=page))


def test_ext_b_and_rare_names_round_trip(printed_maximal):
    """pdftotext gives back 𠈌 (U+2020C) and the rare BMP characters, not † or blanks."""
    text = pdftotext(printed_maximal.path)
    for name in ext_b_names:
        assert name in text
    for ch in RARE_NAME_CHARS:
        assert ch in text
    assert "\u2020" not in text  # reportlab's unfixed ToUnicode gives † for 𠈌
    assert "\ufffd" not in text


MARKUP_NAME = 'A<B & <img src="/etc/passwd"/>'


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    draft = sample_draft()
    draft.data["unit"]["name"] = "上海<b>粗体</b>&amp;公司"
    draft.data["people"]["contact"]["name"] = MARKUP_NAME
    draft.data["team"]["members"][1]["task"] = '<a href="https://example.com/">链接</a><font size=40>大</font>'
    draft.data["capability"] = "第一段 <para>嵌套</para> &#x4e00; &lt;\n第二段 <br/> 不换行"
    result = render_document(draft)
    path = tmp_path_factory.mktemp("inject") / "inject.pdf"
    path.write_bytes(result.pdf)
    return draft, result, path


@pytest.fixture(scope="module")
def imaged(tmp_path_factory):
    """Well-formed ``<img>`` markup whose ``src`` is a real PNG file, in a name and in a box:
    had it been parsed as markup, reportlab would have embedded the picture."""
    tmp = tmp_path_factory.mktemp("imaged")
    png = tmp / "x.png"
    Image.new("RGB", (40, 40), (200, 0, 0)).save(png)
    name = f'图<img src="{png}" width="40" height="40"/>'
    text = f'见图 <img src="{png}"/> 。'
    draft = sample_draft()
    draft.data["people"]["legal_rep"]["name"] = name
    draft.data["capability"] = text
    result = render_document(draft)
    path = tmp / "imaged.pdf"
    path.write_bytes(result.pdf)
    return draft, result, path, (name, text)


def test_markup_in_user_text_prints_literally(injected, imaged):
    _, _, path = injected
    text = content(pdftotext(path))  # footers out: a tall row may continue on the next page
    for value in (MARKUP_NAME, "上海<b>粗体</b>&amp;公司", '<a href="https://example.com/">链接</a><font size=40>大</font>',
                  "第一段 <para>嵌套</para> &#x4e00; &lt;", "第二段 <br/> 不换行"):
        assert normalize(value) in text, value
    _, _, path, values = imaged
    text = content(pdftotext(path))
    for value in values:
        assert normalize(value) in text, value


@pytest.mark.parametrize("name", ["injected", "imaged"])
def test_markup_in_user_text_embeds_nothing(name, request):
    result = request.getfixturevalue(name)[1]
    reader = PdfReader(io.BytesIO(result.pdf))
    kinds = result.marks.page_kinds
    own = [page for page, kind in zip(reader.pages, kinds, strict=True) if kind != "attachment"]
    assert len(own) >= 8
    for page in own:  # the printer's own pages (attachment pages may hold the user's pictures)
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        assert not any(xobjects[n].get_object().get("/Subtype") == "/Image" for n in xobjects)
        assert "/Annots" not in page  # no link annotation from <a href>
    assert not re.search(rb"/URI\b", result.pdf)


def test_reportlab_fetches_no_urls():
    from reportlab import rl_config

    import pdf.render  # noqa: F401 - importing the printer sets the policy

    assert rl_config.trustedSchemes == []


def test_unrenderable_characters_show_a_mark_in_a_draft_print(tmp_path):
    draft = maximal_draft()
    draft.data["people"]["leader"]["name"] = "张😀喆"
    path = tmp_path / "d.pdf"
    path.write_bytes(render_pdf(draft, draft_mode=True))
    text = pdftotext(path)
    assert "张〓喆" in text
    assert "😀" not in text
