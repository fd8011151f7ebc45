"""A paragraph remembers its lines per width, and reuses them for a width that breaks the same
(issue 13): a table measures a cell at one width and draws it at one that differs in the last
bit, and the lines must be exactly those a fresh break at that width gives."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.rl_config import _FUZZ

import pdf.cjkwrap as cjkwrap
from pdf.cjkwrap import CJKParagraph
from pdf.fonts import register_fonts
from pdf.styles import styles
from pdf.textlayer import markup

TEXTS = [
    "上海市知识产权产学研运营联合体项目申报书，（一）项目概况：围绕“专利导航”开展工作。" * 3,
    "联系邮箱 zhou.liheng@example.com，电话 021-12345678；地址：上海市徐汇区某路 100 号。",
    "一二三四五六七八九十" * 4,
]


def _lines(para: CJKParagraph) -> list[tuple]:
    return [("".join(w.text for w in line.words), line.maxWidth, line.extraSpace, line.currentWidth,
             line.lineBreak) for line in para.blPara.lines]


def _fresh(text: str, width: float) -> list[tuple]:
    para = CJKParagraph(markup(text), styles()["cell"])
    para.wrap(width, 10_000)
    return _lines(para)


def _widths_near(width: float) -> list[float]:
    return [width, width + 1e-13, width - 1e-13, width + 0.5 * _FUZZ, width - 0.5 * _FUZZ,
            width + 2 * _FUZZ, width - 2 * _FUZZ, width + 3.0, width - 3.0]


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [61.0, 97.3, 140.0, 203.17])
def test_lines_at_a_nearby_width_are_those_of_a_fresh_break(text, width):
    para = CJKParagraph(markup(text), styles()["cell"])
    for near in _widths_near(width):
        para.wrap(near, 10_000)
        assert _lines(para) == _fresh(text, near), near


def test_a_width_a_hair_narrower_than_a_full_line_breaks_anew():
    """Three characters fill the width exactly: a width smaller by more than reportlab's fuzz
    holds two, although the lines at the full width were remembered."""
    register_fonts()
    style = styles()["cell"]
    full = 3 * stringWidth("一", style.fontName, style.fontSize)
    para = CJKParagraph("一二三四五六", style)
    para.wrap(full, 10_000)
    assert [line[0] for line in _lines(para)] == ["一二三", "四五六"]
    para.wrap(full - 2 * _FUZZ, 10_000)
    assert [line[0] for line in _lines(para)] == ["一二", "三四", "五六"]
    para.wrap(full, 10_000)  # and back: remembered, still right
    assert [line[0] for line in _lines(para)] == ["一二三", "四五六"]


def test_lines_reused_at_a_nearby_width_are_not_carried_further_than_they_hold():
    """"00" fits at 15 and 14 points, not at 13: the lines remembered for 14 (taken over from
    15) hold only as far as 15's margin less the step from 15 to 14."""
    style = styles()["cell"]
    para = CJKParagraph("00", style)
    for width in (15.0, 14.0, 13.0):
        para.wrap(width, 10_000)
        assert _lines(para) == _fresh("00", width), width


def test_a_paragraph_is_broken_once_for_widths_that_differ_in_the_last_bits(monkeypatch):
    calls = []
    real = cjkwrap._split

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    monkeypatch.setattr(cjkwrap, "_split", counting)
    para = CJKParagraph(markup(TEXTS[0]), styles()["cell"])
    for width in (104.53782283464568, 104.5378228346457, 104.53782283464568, 104.53782283464566):
        para.wrap(width, 10_000)
    assert len(calls) == 1
    para.wrap(150.0, 10_000)  # another width: broken again, and both are remembered
    para.wrap(104.5378228346457, 10_000)
    para.wrap(150.0, 10_000)
    assert len(calls) == 2


# --------------------------------------------------------------------------- plain texts unparsed

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as hs  # noqa: E402
from reportlab.platypus.paragraph import Paragraph  # noqa: E402


def _parsed(text: str, style) -> Paragraph:
    """reportlab's own Paragraph setup of ``text`` (always through its markup parser)."""
    para = CJKParagraph.__new__(CJKParagraph)
    para.caseSensitive, para.encoding = 1, "utf8"
    Paragraph._setup(para, text, style, None, None, cleaner=_cleaner())
    return para


def _cleaner():
    from reportlab.platypus.paragraph import cleanBlockQuotedText

    return cleanBlockQuotedText


def _same_setup(text: str, style) -> None:
    ours, theirs = CJKParagraph(text, style), _parsed(text, style)
    assert (ours.text, ours.style, ours.bulletText) == (theirs.text, theirs.style, theirs.bulletText)
    assert [vars(f) for f in ours.frags] == [vars(f) for f in theirs.frags]
    assert [type(f) for f in ours.frags] == [type(f) for f in theirs.frags]


@pytest.mark.parametrize("text", TEXTS + ["  前后有空格\n第二行  ", "A4 纸", "x", "&amp;", "<b>粗</b>体",
                                          "a<br/>b", "一 &lt; 二", "\t", "Ünïcödé 𠈌", "统一社会<br/>信用代码",
                                          "教授级<br/>高级<br/>工程师/<br/>主任", "a <br/> b", "<br/>b", "a<br/>",
                                          "a<br/><br/>b", "a<br />b", "a<br/>b&lt;", "a<br/><b>b</b>", "<br/>"])
@pytest.mark.parametrize("style", ["cell", "cell_center", "label"])
def test_a_paragraph_is_set_up_as_reportlabs_parser_sets_it_up(text, style):
    _same_setup(text, styles()[style])


@settings(max_examples=200, deadline=None)
@given(hs.text(alphabet=hs.sampled_from("上海市，。（）“”a Z09@.-_&<>;/\n\t\u3000𠈌é"), max_size=40))
def test_any_text_is_set_up_as_reportlabs_parser_sets_it_up(text):
    try:
        theirs = _parsed(text, styles()["cell"])
    except ValueError:  # not markup reportlab accepts: ours must refuse it too
        with pytest.raises(ValueError):
            CJKParagraph(text, styles()["cell"])
        return
    assert theirs is not None
    _same_setup(text, styles()["cell"])


@settings(max_examples=200, deadline=None)
@given(hs.lists(hs.sampled_from(["<br/>", "上海", "，", "a", " ", "Z9", "<", ">", "/", "&amp;", "\n", "𠈌"]), max_size=12))
def test_any_lines_joined_by_line_breaks_are_set_up_as_reportlabs_parser_sets_them_up(tokens):
    text = "".join(tokens)
    try:
        _parsed(text, styles()["label"])
    except ValueError:
        with pytest.raises(ValueError):
            CJKParagraph(text, styles()["label"])
        return
    _same_setup(text, styles()["label"])


def test_a_changed_style_is_parsed_again():
    style = styles()["cell"]
    style = style.__class__("changed", parent=style)
    first = CJKParagraph("文字", style)
    style.textColor = "red"
    style.fontSize = 20
    second = CJKParagraph("文字", style)
    assert (first.frags[0].fontSize, second.frags[0].fontSize) == (styles()["cell"].fontSize, 20)
    _same_setup("文字", style)
    style.textTransform = "uppercase"
    assert CJKParagraph("abc 文字", style).frags[0].text == "ABC 文字"
    _same_setup("abc 文字", style)
