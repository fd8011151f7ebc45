"""Tests for forms.idnumbers: spec form-2022.md §3 (id_* and uscc_* codes).

All numbers are synthetic (tests/forms/idgen.py computes them). python-stdnum serves as an
independent oracle; where Shenbao deliberately differs from it, the difference is asserted
explicitly (see the "deviation" tests), each one verified against python-stdnum 2.2.
"""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import exceptions as stdnum_exc
from stdnum.cn import ric, uscc

from forms.idnumbers import (
    ID_TYPES,
    check_id,
    check_uscc,
    id_check_char,
    id_gender,
    normalize_code,
    org_code_check_char,
    uscc_check_char,
)
from forms.problems import CODES, ERROR, WARNING, Finding
from tests.forms.idgen import (
    PROVINCES,
    TIMELESS_REGIONS,
    USCC_ALPHABET,
    USCC_AUTHORITIES,
    make_foreign_pr,
    make_hk_permit,
    make_id,
    make_org_code,
    make_uscc,
    org_bodies,
    valid_foreign_prs,
    valid_hk_permits,
    valid_ids,
    valid_usccs,
)

TODAY = date(2026, 11, 26)

RID, HMT, FPR, PASS = ID_TYPES
ORACLE = settings(deadline=None)  # python-stdnum loads its region table lazily


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def stdnum_ric_error(number: str) -> type | None:
    """The exception class python-stdnum raises for a 居民身份证 number, None when it accepts."""
    try:
        ric.validate(number)
    except stdnum_exc.ValidationError as exc:
        return type(exc)
    return None


def stdnum_uscc_error(code: str) -> type | None:
    try:
        uscc.validate(code)
    except stdnum_exc.ValidationError as exc:
        return type(exc)
    return None


def replace_at(text: str, index: int, ch: str) -> str:
    return text[:index] + ch + text[index + 1 :]


def id_ending_in(check: str, **kwargs) -> str:
    """A synthetic valid 居民身份证 number whose check character is ``check``."""
    for seq in range(1000):
        number = make_id(seq=seq, sex=None, **kwargs)
        if number[-1] == check:
            return number
    raise AssertionError(f"no order code gives check character {check}")  # pragma: no cover


# ============================================================================================
# The public surface
# ============================================================================================


def test_id_types_in_form_order() -> None:
    assert ID_TYPES == ("居民身份证", "港澳台居民居住证", "外国人永久居留身份证", "护照或其他")


def test_codes_and_severities_are_the_declared_ones() -> None:
    for code in ("id_format", "id_checksum", "id_birth_date", "id_region", "uscc_format", "uscc_checksum"):
        assert CODES[code] == ERROR
    for code in ("uscc_not_shanghai", "uscc_org_code"):
        assert CODES[code] == WARNING


# ============================================================================================
# Normalisation
# ============================================================================================


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("３１０１０４１９８５０３０７０１３Ｘ", "31010419850307013X"),  # full-width digits and Ｘ
        ("31010419850307013ｘ", "31010419850307013X"),  # full-width lower-case x
        ("31010419850307013x", "31010419850307013X"),  # trailing x upper-cased
        ("310104\u200b19850307\u200c013\u200dX\u2060\ufeff", "31010419850307013X"),  # zero-width
        ("310104\u300019850307\u3000013X", "31010419850307013X"),  # ideographic space
        (" 310104 19850307 013X\t\n", "31010419850307013X"),
        ("310104\u00a019850307\u202f013X", "31010419850307013X"),  # NBSP, narrow NBSP
        ("310104-19850307-013X", "31010419850307013X"),
        ("310104\u201019850307\u2011013\u2012X", "31010419850307013X"),
        ("310104\u201319850307\u2014013\u2015X", "31010419850307013X"),
        ("310104\u221219850307\uff0d013X", "31010419850307013X"),  # minus sign, full-width hyphen
        ("310104\ufe6319850307\u00ad013X", "31010419850307013X"),  # small hyphen-minus, soft hyphen
        ("\u202a310104\u200e19850307013X\u200f\u202c\u2066\u2069", "31010419850307013X"),  # bidi marks
        ("\U0001d7d1\U0001d7cf", "31"),  # mathematical digits fold under NFKC
        ("ab12x", "ab12X"),  # only a trailing x is upper-cased
        ("xab", "xab"),
        ("91310115ma1fl2b3xx", "91310115ma1fl2b3xX"),
        ("", ""),
    ],
)
def test_normalize_code(raw: str, expected: str) -> None:
    assert normalize_code(raw) == expected


def test_normalize_keeps_lookalikes_that_nfkc_does_not_fold() -> None:
    # Verified facts the rejection rules rely on: NFKC folds neither of these.
    assert unicodedata.normalize("NFKC", "\u0425") == "\u0425"  # Cyrillic capital Ha
    assert unicodedata.normalize("NFKC", "٠١٢٣٤٥٦٧٨٩") == "٠١٢٣٤٥٦٧٨٩"  # Arabic-Indic digits
    assert unicodedata.normalize("NFKC", "۰۱۲") == "۰۱۲"  # Extended Arabic-Indic digits
    assert normalize_code("31010419850307013\u0425") == "31010419850307013\u0425"
    assert normalize_code("٣١٠١٠٤") == "٣١٠١٠٤"


@given(st.text())
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_code(raw)
    assert normalize_code(once) == once
    assert not any(ch.isspace() for ch in once)
    assert not once.endswith("x")


# ============================================================================================
# 居民身份证
# ============================================================================================


def test_synthetic_id_shape() -> None:
    number = make_id()
    assert number[:17] == "31010419850307013"
    assert check_id(RID, number, TODAY) == []
    assert id_gender(RID, number) == "男"
    assert id_gender(RID, make_id(sex="女")) == "女"


@pytest.mark.parametrize(
    "decorate",
    [
        lambda n: n.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")),
        lambda n: n[:6] + "\u200b" + n[6:],
        lambda n: n[:6] + "\u3000" + n[6:14] + "\u3000" + n[14:],
        lambda n: f"{n[:6]}-{n[6:14]}-{n[14:]}",
        lambda n: f" {n[:6]} {n[6:14]} {n[14:]} ",
        lambda n: n[:-1] + n[-1].lower(),
    ],
)
def test_id_normalisation_accepted(decorate) -> None:
    number = id_ending_in("X")
    assert check_id(RID, decorate(number), TODAY) == []
    assert id_gender(RID, decorate(number)) in ("男", "女")


def test_cyrillic_ha_rejected_as_format() -> None:
    number = id_ending_in("X")
    found = check_id(RID, number[:-1] + "\u0425", TODAY)
    assert codes(found) == ["id_format"]
    assert "第 18 位" in found[0].message
    assert id_gender(RID, number[:-1] + "\u0425") is None


def test_arabic_indic_digits_rejected_as_format() -> None:
    number = make_id()
    arabic = number.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩"))
    assert codes(check_id(RID, arabic, TODAY)) == ["id_format"]
    one_digit = replace_at(number, 3, "٣")
    found = check_id(RID, one_digit, TODAY)
    assert codes(found) == ["id_format"]
    assert "第 4 位" in found[0].message


@pytest.mark.parametrize("bad", ["3101041985030701A", "31010419850307013", "3101041985030701345", "X10104198503070133"])
def test_wrong_length_or_characters(bad: str) -> None:
    assert codes(check_id(RID, bad, TODAY)) == ["id_format"]


def test_length_message_names_the_length() -> None:
    found = check_id(RID, "31010419850307013", TODAY)
    assert "18位" in found[0].message and "当前为 17 位" in found[0].message


def test_old_15_digit_number_must_be_the_18_digit_one() -> None:
    found = check_id(RID, "310104850307013", TODAY)
    assert codes(found) == ["id_format"]
    assert "15位" in found[0].message and "18位" in found[0].message


@pytest.mark.parametrize("province", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "49", "55", "60", "66", "71", "81", "82", "83", "91", "99"])
def test_region_outside_province_list(province: str) -> None:
    number = make_id(region=province + "0101")
    found = check_id(RID, number, TODAY)
    assert codes(found) == ["id_region"]
    assert province in found[0].message
    assert id_gender(RID, number) is None


@pytest.mark.parametrize("province", PROVINCES)
def test_every_listed_province_accepted(province: str) -> None:
    assert check_id(RID, make_id(region=province + "0000"), TODAY) == []


def test_region_message_suggests_the_right_document_type() -> None:
    assert "港澳台居民居住证" in check_id(RID, make_hk_permit(), TODAY)[0].message
    assert "外国人永久居留身份证" in check_id(RID, make_foreign_pr(), TODAY)[0].message


def test_county_code_never_too_new_or_too_old_for_the_birth_year() -> None:
    # 310115 浦东新区 was set up in 1992/1993, 310108 闸北区 abolished in 2015, 310230 崇明县 in 2016:
    # the county code is where the number was issued, so all of these are fine.
    assert check_id(RID, make_id(region="310115", birth=date(1980, 5, 1)), TODAY) == []
    assert check_id(RID, make_id(region="310108", birth=date(2018, 5, 1)), TODAY) == []
    assert check_id(RID, make_id(region="310230", birth=date(2020, 5, 1)), TODAY) == []
    assert check_id(RID, make_id(region="319999"), TODAY) == []  # county unknown to anyone


def test_future_birth_date() -> None:
    found = check_id(RID, make_id(birth=date(2026, 11, 27)), TODAY)
    assert codes(found) == ["id_birth_date"]
    assert "晚于今天" in found[0].message
    assert check_id(RID, make_id(birth=TODAY), TODAY) == []


def test_age_over_120() -> None:
    assert check_id(RID, make_id(birth=date(1906, 11, 25)), TODAY) == []  # turned 120 yesterday
    assert check_id(RID, make_id(birth=date(1906, 11, 26)), TODAY) == []  # turns 120 today
    assert check_id(RID, make_id(birth=date(1905, 11, 27)), TODAY) == []  # 120, 121 tomorrow
    found = check_id(RID, make_id(birth=date(1905, 11, 26)), TODAY)  # turns 121 today
    assert codes(found) == ["id_birth_date"]
    assert "120" in found[0].message
    assert codes(check_id(RID, make_id(birth=date(1899, 12, 31)), TODAY)) == ["id_birth_date"]


def test_age_120_boundary_on_a_leap_day_birthday() -> None:
    number = make_id(birth=date(1904, 2, 29))
    assert check_id(RID, number, date(2025, 2, 28)) == []  # still 120
    assert codes(check_id(RID, number, date(2025, 3, 1))) == ["id_birth_date"]  # 121


def _with_birth_digits(yyyymmdd: str, region: str = "310104") -> str:
    first17 = f"{region}{yyyymmdd}013"
    return first17 + id_check_char(first17)


@pytest.mark.parametrize("digits", ["19850229", "19000229", "20230229", "19851301", "19850001", "19850100", "19850431", "00000000"])
def test_birth_date_not_a_real_date(digits: str) -> None:
    number = _with_birth_digits(digits)
    found = check_id(RID, number, TODAY)
    assert codes(found) == ["id_birth_date"]
    assert digits in found[0].message
    assert id_gender(RID, number) is None


@pytest.mark.parametrize("digits", ["19840229", "20000229"])
def test_leap_day_birth_dates_are_real(digits: str) -> None:
    assert check_id(RID, _with_birth_digits(digits), TODAY) == []


def test_checksum_message_names_the_expected_last_character() -> None:
    number = id_ending_in("X")
    wrong = number[:-1] + "5"
    assert check_id(RID, wrong, TODAY) == [
        Finding("id_checksum", "身份证号码最后一位校验码应为 X，请核对号码是否抄错。")
    ]
    number = id_ending_in("7")
    found = check_id(RID, number[:-1] + "X", TODAY)
    assert codes(found) == ["id_checksum"]
    assert "应为 7" in found[0].message
    assert id_gender(RID, number[:-1] + "X") is None


def test_several_problems_are_all_reported() -> None:
    first17 = "99010419850230013"
    wrong = first17 + ("1" if id_check_char(first17) != "1" else "2")
    assert codes(check_id(RID, wrong, TODAY)) == ["id_region", "id_birth_date", "id_checksum"]


def test_empty_and_unknown_type_give_nothing() -> None:
    assert check_id(RID, "", TODAY) == []
    assert check_id(RID, " \u3000\u200b", TODAY) == []
    assert check_id("军官证", "whatever", TODAY) == []
    assert check_id("", make_id(), TODAY) == []
    assert id_gender("军官证", make_id()) is None


# ============================================================================================
# 港澳台居民居住证
# ============================================================================================


@pytest.mark.parametrize("region", ["810000", "820000", "830000"])
def test_hmt_permit_valid(region: str) -> None:
    number = make_hk_permit(region=region, sex="女")
    assert check_id(HMT, number, TODAY) == []
    assert id_gender(HMT, number) == "女"
    assert id_gender(HMT, make_hk_permit(region=region, sex="男")) == "男"


@pytest.mark.parametrize("region", ["310104", "810001", "810100", "710000", "840000", "800000"])
def test_hmt_permit_region(region: str) -> None:
    number = make_hk_permit(region=region)
    found = check_id(HMT, number, TODAY)
    assert codes(found) == ["id_region"]
    assert "810000" in found[0].message and "830000" in found[0].message
    assert id_gender(HMT, number) is None


def test_hmt_permit_birth_date_format_and_checksum() -> None:
    assert codes(check_id(HMT, make_hk_permit(birth=date(2027, 1, 1)), TODAY)) == ["id_birth_date"]
    assert codes(check_id(HMT, make_hk_permit(birth=date(1900, 1, 1)), TODAY)) == ["id_birth_date"]
    first17 = "82000019990229002"
    assert codes(check_id(HMT, first17 + id_check_char(first17), TODAY)) == ["id_birth_date"]
    number = make_hk_permit()
    bad = number[:-1] + ("0" if number[-1] != "0" else "1")
    found = check_id(HMT, bad, TODAY)
    assert codes(found) == ["id_checksum"]
    assert f"应为 {number[-1]}" in found[0].message
    assert codes(check_id(HMT, number[:15], TODAY)) == ["id_format"]
    assert codes(check_id(HMT, "H1234567", TODAY)) == ["id_format"]  # a 回乡证 number, not a permit
    assert check_id(HMT, number.replace("8", "８"), TODAY) == []


# ============================================================================================
# 外国人永久居留身份证
# ============================================================================================


def test_foreign_pr_valid() -> None:
    number = make_foreign_pr()
    assert number.startswith("931840198001020")
    assert check_id(FPR, number, TODAY) == []
    assert id_gender(FPR, number) is None


def test_foreign_pr_must_start_with_9() -> None:
    found = check_id(FPR, make_id(), TODAY)
    assert codes(found) == ["id_format"]
    assert "9" in found[0].message and "18位" in found[0].message


def test_foreign_pr_old_15_character_form() -> None:
    found = check_id(FPR, "USA310080123456", TODAY)
    assert codes(found) == ["id_format"]
    assert "15位" in found[0].message and "18位" in found[0].message
    assert codes(check_id(FPR, "usa310080123456", TODAY)) == ["id_format"]


def test_foreign_pr_checksum() -> None:
    number = make_foreign_pr()
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    found = check_id(FPR, wrong, TODAY)
    assert codes(found) == ["id_checksum"]
    assert f"应为 {number[-1]}" in found[0].message


@pytest.mark.parametrize("body", ["9318401980023101", "93184000000000001", "931840209902300"])
def test_foreign_pr_birth_date_and_region_not_checked(body: str) -> None:
    # no crash on impossible dates inside the number; only the format and the check character count
    first17 = (body + "0000000000")[:17]
    assert check_id(FPR, first17 + id_check_char(first17), TODAY) == []


def test_foreign_pr_wrong_characters() -> None:
    number = make_foreign_pr()
    assert codes(check_id(FPR, replace_at(number, 5, "A"), TODAY)) == ["id_format"]
    assert codes(check_id(FPR, number + "1", TODAY)) == ["id_format"]


# ============================================================================================
# 护照或其他
# ============================================================================================


@pytest.mark.parametrize("number", ["E12345678", "G1234567", "12345", "A" * 20, "ab12345", "P-1234 567"])
def test_passport_valid(number: str) -> None:
    assert check_id(PASS, number, TODAY) == []


@pytest.mark.parametrize("number", ["1234", "A" * 21, "E1234567８９０\u0425", "护照12345", "E123/4567", "E1234567٣"])
def test_passport_invalid(number: str) -> None:
    found = check_id(PASS, number, TODAY)
    assert codes(found) == ["id_format"]


def test_passport_message() -> None:
    assert "5–20" in check_id(PASS, "1234", TODAY)[0].message
    assert "字母和数字" in check_id(PASS, "E123/4567", TODAY)[0].message
    assert id_gender(PASS, "E12345678") is None


# ============================================================================================
# Check characters, hand-worked
# ============================================================================================


def test_id_check_char_by_hand() -> None:
    # weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2; 1·7 = 7, (12 − 7) mod 11 = 5
    assert id_check_char("10000000000000000") == "5"
    # 1·2 (last weight) = 2 → 10 → X
    assert id_check_char("00000000000000001") == "X"
    assert id_check_char("00000000000000000") == "1"
    # 1·9 = 9 → 3; 1·10 = 10 → 2; 1·1 (8th) = 1 → 0
    assert id_check_char("01000000000000000") == "3"
    assert id_check_char("00100000000000000") == "2"
    assert id_check_char("00000001000000000") == "0"


def test_uscc_check_char_by_hand() -> None:
    assert uscc_check_char("0" * 17) == "0"
    assert uscc_check_char("1" + "0" * 16) == "Y"  # 31 − 1 = 30 → alphabet[30]
    assert uscc_check_char("0" * 16 + "1") == "3"  # weight 28 → 31 − 28 = 3
    assert uscc_check_char("a" + "0" * 16) == uscc_check_char("A" + "0" * 16)


def test_uscc_check_char_hand_sum_for_a_letter() -> None:
    # "0A" followed by zeros: A has value 10 and sits at weight 3, sum 30, (31 − 30) mod 31 = 1
    assert uscc_check_char("0A" + "0" * 15) == "1"


def test_org_code_check_char_by_hand() -> None:
    # 1·3 + 2·7 + 3·9 + 4·10 + 5·5 + 6·8 + 7·4 + 8·2 = 201; 201 mod 11 = 3; 11 − 3 = 8
    assert org_code_check_char("12345678") == "8"
    assert org_code_check_char("00000000") == "0"  # 11 − 0 = 11 → 0
    assert org_code_check_char("00000001") == "9"  # 2 → 9
    assert org_code_check_char("00000005") == "1"  # 10 → 1
    assert org_code_check_char("0000000A") == "2"  # A=10 → 20 mod 11 = 9 → 2
    assert org_code_check_char("00000006") == "X"  # 12 mod 11 = 1 → 10 → X
    assert org_code_check_char("ma1fl2b3") == org_code_check_char("MA1FL2B3")


@pytest.mark.parametrize(
    ("func", "arg"),
    [
        (id_check_char, "1234567890123456"),
        (id_check_char, "1234567890123456X"),
        (id_check_char, "١٢٣٤٥٦٧٨٩٠١٢٣٤٥٦٧"),
        (uscc_check_char, "9131011"),
        (uscc_check_char, "91310115MA1FL2BO3"),
        (org_code_check_char, "1234567"),
        (org_code_check_char, "1234567-"),
    ],
)
def test_check_char_functions_reject_bad_input(func, arg: str) -> None:
    with pytest.raises(ValueError):
        func(arg)


# ============================================================================================
# 统一社会信用代码
# ============================================================================================


def test_synthetic_uscc_shape() -> None:
    code = make_uscc()
    assert code.startswith("91310115MA1FL2B3")
    assert code[16] == org_code_check_char("MA1FL2B3")
    assert check_uscc(code) == []


@pytest.mark.parametrize(
    "parts",
    [
        {"authority": "1", "kind": "2", "division": "310000"},  # 事业单位
        {"authority": "5", "kind": "1", "division": "310104"},  # 社会团体
        {"authority": "A", "kind": "1", "division": "310115"},  # letter-first: legitimate
        {"authority": "N", "kind": "2", "division": "310230"},
        {"authority": "Y", "kind": "1", "division": "310101"},
        {"authority": "1", "kind": "2", "division": "100000"},  # centrally registered (部属高校)
    ],
)
def test_uscc_valid(parts: dict[str, str]) -> None:
    assert check_uscc(make_uscc(**parts)) == []


def test_uscc_normalisation() -> None:
    code = make_uscc(org_body="MA1FL2B3")
    assert check_uscc(code.lower()) == []
    assert check_uscc(f"{code[:2]} {code[2:8]}-{code[8:]}") == []
    assert check_uscc(code.translate(str.maketrans("0123456789ABCDEFGHJKLMNPQRTUWXY", "０１２３４５６７８９ＡＢＣＤＥＦＧＨＪＫＬＭＮＰＱＲＴＵＷＸＹ"))) == []
    assert check_uscc("\u200b" + code + "\u3000") == []


def test_uscc_length() -> None:
    code = make_uscc()
    found = check_uscc(code[:17])
    assert found == [
        Finding("uscc_format", "统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、Z、S、V），当前为 17 位。")
    ]
    assert codes(check_uscc(code + "1")) == ["uscc_format"]


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_forbidden_letters(letter: str) -> None:
    first17 = "91310115MA1FL2B3" + letter
    found = check_uscc(first17 + "0")
    assert codes(found) == ["uscc_format"]  # stops after the format error
    assert f"「{letter}」" in found[0].message and "第 17 位" in found[0].message


def test_uscc_lookalike_letters_rejected() -> None:
    code = make_uscc()
    assert codes(check_uscc(code[:10] + "\u0410" + code[11:])) == ["uscc_format"]  # Cyrillic А
    assert codes(check_uscc(code[:3] + "١" + code[4:])) == ["uscc_format"]  # Arabic-Indic one


@pytest.mark.parametrize("first", ["0", "B", "C", "M", "X"])
def test_uscc_registration_authority(first: str) -> None:
    code = make_uscc(authority=first)  # check character correct: only the first character is wrong
    found = check_uscc(code)
    assert codes(found) == ["uscc_format"]
    assert "第1位" in found[0].message and "A、N 或 Y" in found[0].message


def test_uscc_all_zeros_rejected() -> None:
    assert codes(check_uscc("000000000000000000")) == ["uscc_format"]


def test_uscc_checksum_names_the_expected_character() -> None:
    code = make_uscc()
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    found = check_uscc(wrong)
    assert codes(found) == ["uscc_checksum"]
    assert f"应为 {code[-1]}" in found[0].message


def test_uscc_not_shanghai_is_a_warning_only() -> None:
    for division in ("110108", "320100", "130000", "000000", "013100", "100001", "210000"):
        found = check_uscc(make_uscc(division=division))
        assert codes(found) == ["uscc_not_shanghai"], division
        assert division in found[0].message
    for division in ("310000", "310115", "319999", "100000"):
        assert check_uscc(make_uscc(division=division)) == []


def test_uscc_org_code_warning_when_main_check_still_checks() -> None:
    org = make_org_code("MA1FL2B3")
    wrong_org_check = next(c for c in "0123456789X" if c != org[-1])
    first17 = "91310115" + org[:-1] + wrong_org_check
    code = make_uscc(first17)  # main check character computed over the typo
    found = check_uscc(code)
    assert codes(found) == ["uscc_org_code"]
    assert "组织机构代码部分校验不符" in found[0].message
    assert CODES[found[0].code] == WARNING


def test_uscc_errors_and_warnings_together() -> None:
    first17 = "91110108" + "MA1FL2B3" + "Y"
    code = first17 + ("0" if uscc_check_char(first17) != "0" else "1")
    assert codes(check_uscc(code)) == ["uscc_checksum", "uscc_not_shanghai", "uscc_org_code"]


def test_uscc_empty() -> None:
    assert check_uscc("") == []
    assert check_uscc(" \u200b") == []


# ============================================================================================
# Properties
# ============================================================================================


@given(valid_ids(TODAY))
def test_valid_ids_accepted(number: str) -> None:
    assert check_id(RID, number, TODAY) == []
    assert id_gender(RID, number) == ("男" if int(number[16]) % 2 else "女")


@given(valid_hk_permits(TODAY))
def test_valid_permits_accepted(number: str) -> None:
    assert check_id(HMT, number, TODAY) == []
    assert id_gender(HMT, number) in ("男", "女")


@given(valid_foreign_prs())
def test_valid_foreign_prs_accepted(number: str) -> None:
    assert check_id(FPR, number, TODAY) == []


@given(valid_usccs())
def test_valid_usccs_accepted(code: str) -> None:
    assert check_uscc(code) == []


@given(valid_ids(TODAY), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_typo_is_an_error(number: str, index: int, delta: int) -> None:
    typo = replace_at(number, index, str((int(number[index]) + delta) % 10))
    found = check_id(RID, typo, TODAY)
    assert "id_checksum" in codes(found)
    assert id_gender(RID, typo) is None


@given(valid_usccs(), st.integers(1, 16), st.sampled_from(USCC_ALPHABET))
def test_any_single_character_typo_in_a_code_is_an_error(code: str, index: int, ch: str) -> None:
    assume(code[index] != ch)
    assert "uscc_checksum" in codes(check_uscc(replace_at(code, index, ch)))


@given(st.sampled_from(ID_TYPES + ("其他", "")), st.text())
def test_check_id_never_crashes(id_type: str, raw: str) -> None:
    found = check_id(id_type, raw, TODAY)
    assert all(isinstance(f, Finding) and f.code.startswith("id_") for f in found)
    assert id_gender(id_type, raw) in ("男", "女", None)


@given(st.text(alphabet=st.sampled_from("0123456789Xx \u200b-٣Х"), max_size=22), st.sampled_from(ID_TYPES))
def test_check_id_never_crashes_on_near_numbers(raw: str, id_type: str) -> None:
    check_id(id_type, raw, TODAY)
    id_gender(id_type, raw)


@given(st.text())
def test_check_uscc_never_crashes(raw: str) -> None:
    found = check_uscc(raw)
    assert all(f.code.startswith("uscc_") and f.code != "uscc_nature_mismatch" for f in found)
    if "uscc_format" in codes(found):
        assert len(found) == 1


# ============================================================================================
# python-stdnum as an oracle
# ============================================================================================


@ORACLE
@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_oracle_id_check_char(first17: str) -> None:
    assert id_check_char(first17) == ric.calc_check_digit(first17 + "0")


@ORACLE
@given(valid_ids(TODAY, st.sampled_from(TIMELESS_REGIONS)))
def test_oracle_agrees_on_valid_ids(number: str) -> None:
    assert stdnum_ric_error(number) is None
    assert check_id(RID, number, TODAY) == []


@ORACLE
@given(
    st.sampled_from(TIMELESS_REGIONS + ("310115", "310108", "110112", "310230", "999999", "710000")),
    st.dates(min_value=date(1890, 1, 1), max_value=date(2040, 12, 31)),
    st.integers(0, 999),
    st.sampled_from("0123456789X"),
)
def test_oracle_disagrees_only_where_documented(region: str, birth: date, seq: int, last: str) -> None:
    number = f"{region}{birth:%Y%m%d}{seq:03d}{last}"
    ours = codes(check_id(RID, number, TODAY))
    theirs = stdnum_ric_error(number)
    # The check character: same verdict.
    assert ("id_checksum" in ours) == (theirs is stdnum_exc.InvalidChecksum)
    if theirs is None:
        # stdnum accepts: we only add the documented rules it lacks.
        assert set(ours) <= {"id_region", "id_birth_date"}
        if "id_region" in ours:
            assert number[:2] == "71"  # Taiwan's GB/T 2260 code is no 居民身份证 province (spec §3)
        if "id_birth_date" in ours:
            assert birth > TODAY or (TODAY.year - birth.year) >= 120
    if not ours:
        # we accept: stdnum only objects to a county code "too new/too old" for the birth year
        assert theirs in (None, stdnum_exc.InvalidComponent)
        if theirs is not None:
            with pytest.raises(stdnum_exc.InvalidComponent):
                ric.get_birth_place(number)
            ric.get_birth_date(number)  # the date itself is fine for stdnum


@ORACLE
@given(st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17))
def test_oracle_uscc_check_char(first17: str) -> None:
    assert uscc_check_char(first17) == uscc.calc_check_digit(first17)


@ORACLE
@given(valid_usccs(authorities="123456789"))
def test_oracle_agrees_on_digit_first_codes(code: str) -> None:
    # stdnum wants the first 8 characters to be digits, as they are here
    assert stdnum_uscc_error(code) is None
    assert check_uscc(code) == []


@ORACLE
@given(st.text(alphabet=USCC_ALPHABET, min_size=18, max_size=18))
def test_oracle_on_random_codes(code: str) -> None:
    ours = codes(check_uscc(code))
    theirs = stdnum_uscc_error(code)
    if code[0] not in USCC_AUTHORITIES:
        assert ours == ["uscc_format"]
        return
    assert "uscc_format" not in ours
    if code[:8].isdigit():
        assert ("uscc_checksum" in ours) == (theirs is stdnum_exc.InvalidChecksum)
        assert ("uscc_checksum" not in ours) == (theirs is None)
    else:
        assert theirs is stdnum_exc.InvalidFormat


# ---- documented deviations from python-stdnum 2.2, each verified ---------------------------


def test_deviation_county_too_new_for_birth_year() -> None:
    number = make_id(region="310115", birth=date(1980, 5, 1))  # 浦东新区, [1992-] in stdnum's table
    assert stdnum_ric_error(number) is stdnum_exc.InvalidComponent
    assert check_id(RID, number, TODAY) == []
    later = make_id(region="310115", birth=date(1993, 5, 1))
    assert stdnum_ric_error(later) is None
    assert check_id(RID, later, TODAY) == []


def test_deviation_county_abolished_before_birth_year() -> None:
    number = make_id(region="310108", birth=date(2016, 5, 1))  # 闸北区, [-2015] in stdnum's table
    assert stdnum_ric_error(number) is stdnum_exc.InvalidComponent
    assert check_id(RID, number, TODAY) == []


def test_deviation_taiwan_permits_rejected_by_stdnum() -> None:
    for birth in (date(1960, 1, 1), date(2000, 1, 1), date(2020, 1, 1)):
        number = make_hk_permit(region="830000", birth=birth)
        assert stdnum_ric_error(number) is stdnum_exc.InvalidComponent
        assert check_id(HMT, number, TODAY) == []


def test_deviation_hk_macau_permits_before_handover() -> None:
    # stdnum dates 810000 from 1997 and 820000 from 1999 and applies that to the birth year
    assert stdnum_ric_error(make_hk_permit(region="810000", birth=date(1990, 1, 1))) is stdnum_exc.InvalidComponent
    assert stdnum_ric_error(make_hk_permit(region="810000", birth=date(1997, 7, 1))) is None
    assert stdnum_ric_error(make_hk_permit(region="820000", birth=date(1998, 1, 1))) is stdnum_exc.InvalidComponent
    assert stdnum_ric_error(make_hk_permit(region="820000", birth=date(2000, 1, 1))) is None
    for region in ("810000", "820000"):
        assert check_id(HMT, make_hk_permit(region=region, birth=date(1960, 1, 1)), TODAY) == []


def test_deviation_foreign_permanent_residence_numbers() -> None:
    number = make_foreign_pr()
    assert stdnum_ric_error(number) is stdnum_exc.InvalidComponent  # no province 93 in its table
    assert check_id(FPR, number, TODAY) == []


def test_deviation_letter_first_credit_codes() -> None:
    for authority in ("A", "N", "Y"):
        code = make_uscc(authority=authority)
        assert stdnum_uscc_error(code) is stdnum_exc.InvalidFormat
        assert check_uscc(code) == []


def test_deviation_all_zero_credit_code() -> None:
    assert stdnum_uscc_error("000000000000000000") is None  # stdnum accepts it
    assert codes(check_uscc("000000000000000000")) == ["uscc_format"]
    code = make_uscc("0" * 17)
    assert stdnum_uscc_error(code) is None
    assert codes(check_uscc(code)) == ["uscc_format"]


def test_deviation_future_and_implausible_birth_dates() -> None:
    future = make_id(birth=date(2090, 1, 1))
    ancient = make_id(birth=date(1890, 1, 1))
    assert stdnum_ric_error(future) is None
    assert stdnum_ric_error(ancient) is None
    assert codes(check_id(RID, future, TODAY)) == ["id_birth_date"]
    assert codes(check_id(RID, ancient, TODAY)) == ["id_birth_date"]


def test_deviation_taiwan_province_code_71() -> None:
    number = make_id(region="710000")
    assert stdnum_ric_error(number) is None  # stdnum lists 台湾省 (71)
    assert codes(check_id(RID, number, TODAY)) == ["id_region"]  # not in spec §3's province list


def test_deviation_permit_prefixes_as_resident_ids() -> None:
    # stdnum.cn.ric has no document type and accepts 81/82 permit numbers as RIC numbers;
    # for 居民身份证 spec §3 reports id_region (and suggests the right document type).
    number = make_hk_permit(region="810000", birth=date(2000, 1, 1))
    assert stdnum_ric_error(number) is None
    assert codes(check_id(RID, number, TODAY)) == ["id_region"]


def test_oracle_region_fixture_is_timeless_for_stdnum() -> None:
    for region in TIMELESS_REGIONS:
        for year in (1906, 1950, 1990, 2026):
            assert stdnum_ric_error(make_id(region=region, birth=date(year, 6, 1))) is None, (region, year)


@given(org_bodies())
def test_org_code_in_made_codes(body: str) -> None:
    code = make_uscc(org_body=body)
    assert code[8:16] == body and code[16] == org_code_check_char(body)
    assert "uscc_org_code" not in codes(check_uscc(code))
