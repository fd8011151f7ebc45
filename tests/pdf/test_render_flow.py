"""How the printout flows and what lies over what: headings stay with their text without wasting
pages, boxes split across pages are closed and opened by rules, a user's sub-heading never ends a
page alone, e-mail addresses break at their punctuation, and the 草稿 watermark lies over every
page's content, pictures included. Checked on paper: pdftotext word positions and pdftoppm
pixels."""

from __future__ import annotations

import io
import re

import pytest
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from forms.sample import sample_draft
from pdf import layout
from pdf.cjkwrap import CJKParagraph
from pdf.keep import KeepWithFirstPiece
from pdf.parts import Context, box
from pdf.render import render_document
from pdf.styles import XIAOSI, styles
from pdf.textlayer import is_subheading, markup, paras
from tests.drafts import exact_zi_text, maximal_draft
from tests.pdf.pdftools import TOOLS, horizontal_rules, normalize, pdftotext, pixels, render_page, words
from tests.tools import requires_tools

pytestmark = requires_tools(*TOOLS)

DPI = 100
FRAME_TOP = layout.TOP  # points from the top of the page, as pdftotext counts
FRAME_BOTTOM = layout.PAGE_HEIGHT - layout.BOTTOM


def _in_frame(word) -> bool:
    return word.y0 >= FRAME_TOP - 2 and word.y1 <= FRAME_BOTTOM + 1


def _section_headings(draft, kinds=("table", "box", "opinion")) -> list[str]:
    return [part["heading"] for part in draft.form.parts if part["kind"] in kinds]


def _find(page_words: list[list], text: str) -> tuple[int, object]:
    """(page, word) of the word reading ``text``; the first one."""
    for page, found in enumerate(page_words, 1):
        for word in found:
            if word.text == text:
                return page, word
    raise AssertionError(f"{text} not found")


# --------------------------------------------------------------------------- headings


def test_a_heading_is_never_the_last_thing_on_a_page(printed_any):
    page_words = words(printed_any.path, printed_any.pages)
    for heading in _section_headings(printed_any.draft):
        page, word = _find(page_words, heading)
        below = [w for w in page_words[page - 1] if _in_frame(w) and w.y0 > word.y1]
        assert below, f"{heading} ends page {page}"


@pytest.mark.parametrize("name", ["sample", "maximal", "maximal_simplex", "maximal_draft"])
def test_boxes_start_where_the_part_before_them_ends(name, request):
    """二 and 三 (long bordered boxes that split across pages) follow the part before them on
    its last page; they start a fresh page only when that page is nearly full (≥ 60 %). The
    first printouts moved heading and box to a new page, leaving ~70 % of page 5 empty."""
    printed = request.getfixturevalue(f"printed_{name}")
    page_words = words(printed.path, printed.pages)
    for heading in _section_headings(printed.draft, kinds=("box",)):
        page, word = _find(page_words, heading)
        if word.y0 - FRAME_TOP > 12 * mm:
            continue  # it follows the previous part on the same page
        before = [w for w in page_words[page - 2] if _in_frame(w)]
        used = (max(w.y1 for w in before) - FRAME_TOP) / layout.FRAME_HEIGHT
        assert used >= 0.6, f"{heading} starts page {page}; page {page - 1} is {1 - used:.0%} empty"


def test_maximal_box_follows_part_one_on_its_page(printed_maximal):
    """The case the reviewer found: 一 ends high on its last page; 二 starts right under it."""
    page_words = words(printed_maximal.path, printed_maximal.pages)
    second = _section_headings(printed_maximal.draft, kinds=("box",))[0]
    first = _section_headings(printed_maximal.draft, kinds=("table",))[0]
    page, word = _find(page_words, second)
    first_page, _ = _find(page_words, first)
    assert page > first_page  # 一 runs over a page …
    assert word.y0 - FRAME_TOP > 12 * mm  # … and 二 starts under its end, not on a new page


# --------------------------------------------------------------------------- split rules


def _box_pages(printed, heading: str) -> range:
    """The pages a box part runs over: from its heading to the next part's heading."""
    page_words = words(printed.path, printed.pages)
    headings = _section_headings(printed.draft)
    start, _ = _find(page_words, heading)
    end, _ = _find(page_words, headings[headings.index(heading) + 1])
    return range(start, end + 1)


@pytest.mark.parametrize("name", ["sample", "maximal"])
def test_boxes_split_across_pages_are_closed_and_opened_by_rules(name, request, tmp_path):
    """Where 二 or 三 continues on the next page, a rule closes its piece at the foot of the page
    (under its last line) and another opens the piece at the top of the next page's text block —
    on every page of a box running over three pages too."""
    printed = request.getfixturevalue(f"printed_{name}")
    page_words = words(printed.path, printed.pages)
    checked = 0
    for heading in _section_headings(printed.draft, kinds=("box",)):
        pages = _box_pages(printed, heading)
        for page in pages[:-1]:
            nxt = page + 1
            x0 = layout.frame_x(page, False)
            foot = horizontal_rules(render_page(printed.path, page, tmp_path, DPI), x0 + 2 * mm,
                                    x0 + layout.FRAME_WIDTH - 2 * mm, DPI)
            last_line = max(w.y1 for w in page_words[page - 1] if _in_frame(w))
            assert foot and last_line < max(foot) < last_line + 10 * mm, (heading, page)
            x0 = layout.frame_x(nxt, False)
            top = horizontal_rules(render_page(printed.path, nxt, tmp_path, DPI), x0 + 2 * mm,
                                   x0 + layout.FRAME_WIDTH - 2 * mm, DPI)
            assert top and abs(min(top) - FRAME_TOP) < 1.5 * mm, (heading, nxt)
            assert all(w.y0 > min(top) for w in page_words[nxt - 1] if _in_frame(w))
            checked += 1
    assert checked >= 2  # both drafts have a box running over a page break


# --------------------------------------------------------------------------- sub-headings

SUBHEADINGS = ("一、建设任务", "（一）提升专利质量", "二、管理运行机制", "三、进度安排", "四、资金使用计划",
               "五、绩效目标", "六、保障措施")


def _plan_with_subheadings(zi: int = 2000) -> str:
    """A plan of ``zi`` 字 of running text (the form's limit), under sub-headings."""
    paragraphs = exact_zi_text(zi, paragraph_every=2).split("\n")
    out: list[str] = []
    for k, paragraph in enumerate(paragraphs):
        if k % 3 == 0:
            out.append(SUBHEADINGS[(k // 3) % len(SUBHEADINGS)])
        out.append(paragraph)
    return "\n".join(out)


def test_subheading_lines_are_recognised():
    for line in SUBHEADINGS:
        assert is_subheading(line), line
    for line in ("", "2022年4月至2022年12月：完成制度建设。", "一、建设任务：", "资金专款专用。", "同意申报！",
                 "联合体围绕集成电路、生物医药和人工智能三大先导产业开展高价值专利培育与转化运营"):
        assert not is_subheading(line), line
    flowables = paras("四、资金使用计划\n项目总投入300万元。\n\n五、绩效目标", styles()["para"])
    assert isinstance(flowables[0], KeepWithFirstPiece) and len(flowables) == 3  # kept, blank, last


def test_a_long_list_of_short_lines_still_flows():
    """Short lines in a long row are a list, not sub-headings: they are not chained together
    into one block taller than a page (which could not split: LayoutError)."""
    flowables = paras("\n".join(f"第{k}项工作" for k in range(6)) + "\n正文。", styles()["para"])
    assert not any(isinstance(f, KeepWithFirstPiece) for f in flowables)
    flowables = paras("四、资金使用计划\n（一）总体安排\n正文。", styles()["para"])
    assert len(flowables) == 1 and isinstance(flowables[0].body, KeepWithFirstPiece)
    draft = sample_draft()
    draft.data["plan"] = "\n".join(f"第{k}项工作" for k in range(300))
    draft.data["capability"] = "\n".join(f"能力{k}" for k in range(150)) + "\n结束。"
    result = render_document(draft, draft_mode=True)
    assert result.page_count > 12


def test_a_subheading_never_ends_a_piece_of_a_split_box():
    """三's box split at every height: the piece left on the page never ends with one of the
    user's sub-heading lines, and the split always succeeds once there is room."""
    draft = sample_draft()
    draft.data["plan"] = _plan_with_subheadings(600)
    part = next(p for p in draft.form.parts if p["kind"] == "box" and p.get("title"))
    [pair] = box(part, Context(draft, styles(), False, []))
    canv = Canvas(io.BytesIO())
    pair.body.wrapOn(canv, layout.FRAME_WIDTH, layout.FRAME_HEIGHT)
    _, content = pair.body.splitOn(canv, layout.FRAME_WIDTH, 15 * mm)  # the title row off
    content.wrapOn(canv, layout.FRAME_WIDTH, layout.FRAME_HEIGHT)
    splits = 0
    for height in range(60, int(layout.FRAME_HEIGHT), 3):
        pieces = content.splitOn(canv, layout.FRAME_WIDTH, height)
        if len(pieces) < 2:
            continue
        splits += 1
        last = pieces[0]._cellvalues[-1][0][-1]
        if isinstance(last, CJKParagraph):
            assert not is_subheading(last.getPlainText()), (height, last.getPlainText())
        else:
            assert isinstance(last, KeepWithFirstPiece)
    assert splits > 100


def test_a_long_plan_with_subheadings_prints_and_no_page_ends_with_one(tmp_path):
    """A 2000-字 plan under many sub-headings renders (no LayoutError), all of it, and no page's
    last line is a sub-heading."""
    draft = maximal_draft()
    draft.data["plan"] = _plan_with_subheadings()
    result = render_document(draft)
    path = tmp_path / "plan.pdf"
    path.write_bytes(result.pdf)
    for page, found in enumerate(words(path, result.page_count), 1):
        lines: dict[float, list] = {}
        for word in found:
            if _in_frame(word):
                lines.setdefault(round(word.y0), []).append(word)
        if lines:
            last = "".join(w.text for w in sorted(lines[max(lines)], key=lambda w: w.x0))
            assert last not in SUBHEADINGS, page
    text = normalize(pdftotext(path))
    for line in draft.get("plan").split("\n")[:12]:
        assert normalize(line) in text


# --------------------------------------------------------------------------- e-mail addresses

GOOD_BREAK = re.compile(r"[@._-]$")


def _lines(text: str, width: float) -> list[str]:
    para = CJKParagraph(markup(text), styles()["cell"])
    para.wrap(width, 10_000)
    return ["".join(f.text for f in line.words) for line in para.blPara.lines]


def _good_breaks(lines: list[str]) -> bool:
    return all(GOOD_BREAK.search(a) or b.startswith("@") for a, b in zip(lines, lines[1:], strict=False))


@pytest.mark.parametrize("email", ["zhou.liheng@example.com", "lin.yutong@example.com", "ouyang.xiaolan@example.com",
                                   "zhang.zhe.project-leader@research.example.org.cn"])
def test_email_addresses_break_at_their_punctuation(email):
    for width in range(60, 200, 4):
        lines = _lines(email, width)
        assert "".join(lines) == email
        assert _good_breaks(lines), (width, lines)
    assert _lines("zhou.liheng@example.com", 100) == ["zhou.liheng@", "example.com"]


def test_a_run_without_punctuation_still_breaks_anywhere():
    lines = _lines("abcdefghijklmnopqrstuvwxyz0123456789", 60)
    assert "".join(lines) == "abcdefghijklmnopqrstuvwxyz0123456789" and len(lines) > 2


def test_sample_emails_print_with_good_breaks(printed_sample):
    """In the narrow 电子邮箱 column of 一 and in 四, every e-mail address of the sample is
    broken only at an '@' or after a '.', never inside a word (zhou.liheng@example.c / om)."""
    raw = pdftotext(printed_sample.path)
    draft = printed_sample.draft
    emails = [draft.get(f"people.{who}.email") for who in ("legal_rep", "leader", "contact")]
    assert len(set(emails)) == 3
    broken = 0
    for email in emails:
        found = re.findall("\n?".join(re.escape(ch) for ch in email), raw)
        assert found, email
        for printed in found:
            lines = printed.split("\n")
            assert _good_breaks(lines), lines
            broken += len(lines) > 1
    assert broken  # the column is narrow enough that some address is broken


# --------------------------------------------------------------------------- the watermark


def _grey_watermark(pixel) -> bool:
    r, g, b = pixel
    return 200 <= r <= 240 and abs(r - g) <= 4 and abs(g - b) <= 4


def test_watermark_lies_over_image_attachments(printed_maximal, printed_maximal_draft, tmp_path):
    """The translucent 草稿 is drawn after the page's content: over the opaque picture of an
    image attachment it tints the white of the picture grey and darkens its ink, where the final
    print shows the picture untouched."""
    index = 1  # the maximal draft's PNG
    area = printed_maximal_draft.result.marks.images[index]
    assert area == printed_maximal.result.marks.images[index]
    assert printed_maximal_draft.result.marks.page_kinds[area.page - 1] == "attachment"
    crop = area.pixels(DPI, inset_mm=2)
    (tmp_path / "final").mkdir()
    (tmp_path / "draft").mkdir()
    final = render_page(printed_maximal.path, area.page, tmp_path / "final", DPI).crop(crop)
    draft = render_page(printed_maximal_draft.path, area.page, tmp_path / "draft", DPI).crop(crop)
    pairs = list(zip(pixels(final), pixels(draft), strict=True))
    tinted = sum(1 for f, d in pairs if min(f) >= 250 and _grey_watermark(d))
    darkened = sum(1 for f, d in pairs if max(f) < 250 and sum(d) < sum(f) - 30)
    assert tinted > 0.05 * len(pairs)  # a large 草稿 over the picture's white
    assert darkened > 50  # and over its red frame and lines


def test_watermark_keeps_text_black(printed_maximal, printed_maximal_draft, tmp_path):
    """Multiplied in, the mark leaves black text black where it crosses it (a plain translucent
    grey over the text would lighten it to ~40/255)."""
    page = printed_maximal_draft.result.marks.page_kinds.index("body") + 2  # 一, full of text
    (tmp_path / "final").mkdir()
    (tmp_path / "draft").mkdir()
    final = pixels(render_page(printed_maximal.path, page, tmp_path / "final", DPI))
    draft = pixels(render_page(printed_maximal_draft.path, page, tmp_path / "draft", DPI))
    under_mark = [(f, d) for f, d in zip(final, draft, strict=True) if max(f) < 30 and d != f]
    assert len(under_mark) > 20  # the mark does cross text on this page
    assert all(max(d) < 30 for _, d in under_mark)


# --------------------------------------------------------------------------- type sizes


def test_instructions_print_in_body_size(printed_sample):
    """填报说明's paragraphs are 小四 12 pt, like the rest of the form's text."""
    page_words = words(printed_sample.path, printed_sample.pages)
    page = printed_sample.result.marks.page_kinds.index("body") + 1
    body = [w for w in page_words[page - 1] if _in_frame(w) and len(w.text) > 4]
    assert body
    assert {round(w.y1 - w.y0, 1) for w in body} == {XIAOSI}
