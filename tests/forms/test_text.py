"""Tests for forms.text: 字 counting (spec form-2022.md §3 "Counting 字") and text cleaning
(spec §3: control and zero-width characters removed, names never NFKC-normalised, look-alike dots
in names become U+00B7).
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.text import clean_line, clean_name, clean_para, count_zi

MIDDLE_DOT = "\u00b7"
LOOKALIKE_DOTS = ["\u2022", "\u2027", "\u30fb", "\uff65", "\u2219", "\u22c5"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]

EXT_B = "\U00020bb7"  # 𠮷, CJK Unified Ideographs Extension B: two UTF-16 code units
EXT_B_RUN = "\U00020000\U0002a6d6\U00020bb7"  # first and last of Ext-B, and 𠮷
COMPAT_IDEOGRAPH = "\uf900"  # 豈 CJK COMPATIBILITY IDEOGRAPH-F900: NFKC turns it into U+8C48


# ============================================================================================
# 字 counting: the spec's own examples
# ============================================================================================


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("产学研合作", 5),
        ("AI芯片", 3),
        ("2022年增长30%。", 6),
        ("hello world", 2),
        ("“专利”", 4),
    ],
)
def test_spec_examples(text: str, expected: int) -> None:
    assert count_zi(text) == expected


def test_empty_and_blank_count_nothing() -> None:
    assert count_zi("") == 0
    assert count_zi(" \t\n\r\u3000\u00a0 ") == 0


# ============================================================================================
# Code points, not UTF-16 units
# ============================================================================================


def test_ext_b_counts_one_per_code_point() -> None:
    assert len(EXT_B.encode("utf-16-le")) // 2 == 2  # what Qt's maxLength would count
    assert count_zi(EXT_B) == 1
    assert count_zi(EXT_B_RUN) == 3
    assert count_zi("张" + EXT_B + "明") == 3


@pytest.mark.parametrize(
    "ch",
    [
        "\u3400",  # Ext-A
        "\u4e00",  # unified
        "\u9fff",
        "\U0002a700",  # Ext-C
        "\U0002b740",  # Ext-D
        "\U0002b820",  # Ext-E
        "\U0002ceb0",  # Ext-F
        "\U00030000",  # Ext-G
        "\U0002f800",  # compatibility supplement
        COMPAT_IDEOGRAPH,
    ],
)
def test_every_ideograph_block_counts_one(ch: str) -> None:
    assert count_zi(ch) == 1
    assert count_zi(ch * 7) == 7
    # an ideograph breaks a run of Latin letters on either side
    assert count_zi(f"ab{ch}cd") == 3


def test_ideographs_are_never_joined_into_a_run() -> None:
    assert count_zi("知识产权运营") == 6
    assert count_zi("知识产权" + EXT_B * 3) == 7


# ============================================================================================
# Punctuation, runs and white space
# ============================================================================================


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("，。、；：？！", 7),  # CJK / full-width punctuation, one each
        ("（专利）", 4),
        ("《专利法》", 5),
        ("【注】", 3),
        ("‘专’", 3),  # ‘ ’ count one each
        ("——", 2),  # each em dash counts one
        ("……", 2),  # each ellipsis counts one
        ("阿卜杜勒·艾尼", 7),  # the middle dot of a name counts one
        ("a·b", 3),  # … and splits a Latin run
        ("专利，许可", 5),
        ("Hello, world!", 2),  # ASCII punctuation belongs to the run
        ("e.g.", 1),
        ("3.14%", 1),
        ("A-B_C/D", 1),
        ("GB/T 29490", 2),
        ("PCT国际专利申请23件", 9),  # PCT 国 际 专 利 申 请 23 件
        ("ISO9001认证", 3),
        ("第1项", 3),
        ("(a)", 1),  # ASCII brackets are part of the run
        ("（a）", 3),  # full-width brackets are not
        ("a，b", 3),
        ("“AI”", 3),
    ],
)
def test_punctuation_and_runs(text: str, expected: int) -> None:
    assert count_zi(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("产学\n研", 3),
        ("abc\ndef", 2),  # a newline ends a run
        ("abc\r\ndef", 2),
        ("abc\tdef", 2),
        ("abc\u3000def", 2),  # ideographic space is white space
        ("abc\u00a0def", 2),  # so is a no-break space
        ("第一段。\n\n第二段。", 8),
        ("  \n  专利  \n  ", 2),
        ("one\n\n\ntwo", 2),
    ],
)
def test_white_space_and_newlines(text: str, expected: int) -> None:
    assert count_zi(text) == expected


def test_a_long_paragraph_counts_like_its_parts() -> None:
    sentence = "2022年增长30%。"
    assert count_zi(sentence * 100) == 600
    assert count_zi("\n".join([sentence] * 100)) == 600


# ============================================================================================
# Properties
# ============================================================================================

NO_SPACE = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)).filter(lambda c: not c.isspace()),
    max_size=30,
)
ANY_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
IDEOGRAPHS = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
        st.characters(min_codepoint=0x3400, max_codepoint=0x4DBF),
        st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF),
    ),
    max_size=50,
)


@given(NO_SPACE, NO_SPACE)
def test_space_separated_parts_add_up(a: str, b: str) -> None:
    assert count_zi(a + " " + b) == count_zi(a) + count_zi(b)
    assert count_zi(a + "\n" + b) == count_zi(a) + count_zi(b)
    assert count_zi(a + "\u3000" + b) == count_zi(a) + count_zi(b)


@given(ANY_TEXT, ANY_TEXT)
def test_concatenation_never_adds(a: str, b: str) -> None:
    # joining can merge two Latin runs into one, never create a 字
    total = count_zi(a + b)
    assert count_zi(a) + count_zi(b) - 1 <= total <= count_zi(a) + count_zi(b)


@given(ANY_TEXT)
def test_bounds(text: str) -> None:
    n = count_zi(text)
    assert 0 <= n <= len(text)
    assert (n == 0) == (text.strip() == "" or all(c.isspace() for c in text))


@given(IDEOGRAPHS)
def test_ideographs_count_one_per_code_point(text: str) -> None:
    assert count_zi(text) == len(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:!?%-_/()'\"", min_size=1))
def test_a_run_of_latin_counts_one(text: str) -> None:
    assert count_zi(text) == 1


# ============================================================================================
# clean_line / clean_para / clean_name
# ============================================================================================

CLEANERS = [clean_line, clean_para, clean_name]


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize("zw", ZERO_WIDTH)
def test_zero_width_removed(clean, zw: str) -> None:
    assert clean(f"上海{zw}张江{zw}") == "上海张江"


@pytest.mark.parametrize("clean", CLEANERS)
@pytest.mark.parametrize("ctrl", CONTROLS)
def test_control_characters_removed(clean, ctrl: str) -> None:
    assert clean(f"知识{ctrl}产权") == "知识产权"


@pytest.mark.parametrize("clean", CLEANERS)
def test_c1_controls_removed(clean) -> None:
    assert clean("专\x80利\x9f") == "专利"


def test_clean_line_is_one_trimmed_line() -> None:
    assert clean_line("  上海市浦东新区\n张江路  ") == "上海市浦东新区 张江路"
    assert clean_line("a\r\nb") == "a b"
    assert clean_line("a\tb") == "a b"
    assert clean_line("\u3000上海\u3000") == "上海"
    assert "\n" not in clean_line("一\n二\r三")


def test_clean_line_keeps_inner_ideographic_space_and_typed_text() -> None:
    assert clean_line("上海\u3000张江") == "上海\u3000张江"
    assert clean_line("<b>&amp;</b>") == "<b>&amp;</b>"  # data, never markup


def test_clean_para_keeps_paragraphs_and_indentation() -> None:
    text = "\u3000\u3000第一段。\r\n\r\n\u3000\u3000第二段。  \n\n"
    assert clean_para(text) == "\u3000\u3000第一段。\n\n\u3000\u3000第二段。"
    assert clean_para("a\rb") == "a\nb"
    assert clean_para("a\tb") == "a\tb"


@pytest.mark.parametrize("clean", [clean_line, clean_para])
def test_free_text_keeps_bullets_and_is_not_normalised(clean) -> None:
    # look-alike dots become U+00B7 in names only; free text keeps what was typed
    for dot in LOOKALIKE_DOTS:
        assert clean(f"要点{dot}一") == f"要点{dot}一"
    assert clean(COMPAT_IDEOGRAPH) == COMPAT_IDEOGRAPH
    assert clean("ＡＩ芯片２０２２") == "ＡＩ芯片２０２２"
    assert clean(EXT_B_RUN) == EXT_B_RUN


@pytest.mark.parametrize("dot", LOOKALIKE_DOTS)
def test_name_lookalike_dots_become_middle_dot(dot: str) -> None:
    assert clean_name(f"阿卜杜勒{dot}艾尼") == f"阿卜杜勒{MIDDLE_DOT}艾尼"
    assert clean_name(f"欧阳{dot}晓岚{dot}") == f"欧阳{MIDDLE_DOT}晓岚{MIDDLE_DOT}"


def test_name_middle_dot_kept() -> None:
    assert clean_name("阿卜杜勒·艾尼") == "阿卜杜勒·艾尼"


def test_names_are_never_nfkc_normalised() -> None:
    name = f"{COMPAT_IDEOGRAPH}明"
    assert unicodedata.normalize("NFKC", name) != name  # the trap being avoided
    assert clean_name(name) == name
    assert clean_name("ＪＯＨＮ　ＳＭＩＴＨ") == "ＪＯＨＮ　ＳＭＩＴＨ"
    assert clean_name("ｊｏｈｎ") == "ｊｏｈｎ"
    assert clean_name("张" + EXT_B) == "张" + EXT_B
    # NFC would compose this; a name keeps the decomposed form it was typed in
    assert clean_name("Jose\u0301") == "Jose\u0301"


def test_name_is_one_trimmed_line() -> None:
    assert clean_name("  林\u200b雨桐\n ") == "林雨桐"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_cleaning_is_idempotent(text: str) -> None:
    for clean in CLEANERS:
        once = clean(text)
        assert clean(once) == once


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60))
def test_cleaned_text_has_no_invisible_or_control_characters(text: str) -> None:
    for clean in CLEANERS:
        out = clean(text)
        assert not any(ch in out for ch in ZERO_WIDTH)
        assert not any(unicodedata.category(ch) == "Cc" and ch not in "\n\t" for ch in out)
    assert "\n" not in clean_line(text)
    assert "\n" not in clean_name(text)
    assert not any(dot in clean_name(text) for dot in LOOKALIKE_DOTS)
