"""The 绩效目标 calculator (forms.targets): the guide's 年均增幅不少于30% on a unit's own figures."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from forms.targets import (
    INCOMPLETE,
    INDICATORS,
    OK,
    SHORT,
    ZERO_BASE,
    FigureError,
    assess,
    minimum_targets,
    parse_figure,
    percent,
    summary_text,
)

DEALS, PATENTS, AMOUNT, RECEIVED = INDICATORS


def test_the_four_indicators_are_the_guides():
    # 工作目标: 开展专利许可、转让、作价入股的次数、专利数量、成交金额、实际到账金额年均增幅不少于30%
    assert [i.label for i in INDICATORS] == ["专利许可、转让、作价入股的次数", "专利数量", "成交金额", "实际到账金额"]
    assert [i.unit for i in INDICATORS] == ["次", "件", "万元", "万元"]


@pytest.mark.parametrize(("base", "indicator", "expected"), [
    (D(10), DEALS, (D(13), D(17))),            # 13, 16.9 → 17
    (D(7), PATENTS, (D(10), D(12))),           # 9.1 → 10, 11.83 → 12: rounded up, never down
    (D(100), AMOUNT, (D("130.00"), D("169.00"))),
    (D("33.33"), RECEIVED, (D("43.33"), D("56.33"))),  # 43.329 → 43.33, 56.3277 → 56.33
    (D(0), DEALS, (D(0), D(0))),
])
def test_minimum_targets_are_thirty_percent_a_year_rounded_up(base, indicator, expected):
    assert minimum_targets(base, indicator) == expected


def test_a_target_reaching_the_average_passes_even_when_the_first_year_grows_less():
    a = assess(DEALS, D(10), (D(11), D(17)))
    assert a.status == OK
    assert "30.3%" in a.message


def test_the_boundary_is_exact_and_the_shown_rate_never_rounds_a_shortfall_up():
    assert assess(AMOUNT, D(100), (D(130), D(169))).status == OK           # exactly 30 %
    short = assess(AMOUNT, D(100), (D(130), D("168.99")))
    assert short.status == SHORT
    assert "29.9%" in short.message and "至少应为169.00万元" in short.message
    assert percent(D("0.29999")) == "29.9%"


def test_missing_and_zero_figures_say_what_to_do():
    assert assess(DEALS, None, (None, None)).message == ""
    assert assess(DEALS, None, (D(5), None)).message == "请填写2021年（基数）"
    only_base = assess(DEALS, D(10), (None, None))
    # only the average is required: 2022 is said as what 30 % a year gives, not as a floor
    assert only_base.status == INCOMPLETE
    assert only_base.message == "按年均增幅 30% 计：2023年不少于17次（每年增长 30% 时，2022年为13次）"
    assert assess(DEALS, D(10), (D(13), None)).message == "请填写2023年目标（2023年不少于17次）"
    assert assess(DEALS, D(0), (D(1), D(2))).status == ZERO_BASE
    assert "低于2022年" in assess(DEALS, D(10), (D(30), D(20))).message


@pytest.mark.parametrize(("text", "indicator", "expected"), [
    ("１２，３４５", DEALS, D(12345)),        # full-width digits and comma
    (" 1 000 次", DEALS, D(1000)),             # spaces and the unit
    ("12.50万元", AMOUNT, D("12.50")),
    ("", AMOUNT, None),
    ("\u200b", AMOUNT, None),
    ("1,234.5", AMOUNT, D("1234.5")),
    ("1.", DEALS, D(1)),
])
def test_figures_are_read_as_clerks_type_them(text, indicator, expected):
    assert parse_figure(text, indicator) == expected


@pytest.mark.parametrize(("text", "indicator", "message"), [
    ("-3", DEALS, "不能为负数"),
    ("－3", DEALS, "不能为负数"),
    ("abc", AMOUNT, "“abc”不是数字"),
    ("1e5", AMOUNT, "不是数字"),
    ("NaN", AMOUNT, "不是数字"),
    ("\u22123", DEALS, "不能为负数"),             # U+2212 MINUS SIGN
    ("12,5", AMOUNT, "千位分隔的逗号应每三位一个"),  # not read as 125
    ("10²", DEALS, "不是数字"),                    # not read as 102
    ("①②", DEALS, "不是数字"),                     # not read as 12
    ("2.5", DEALS, "应为整数"),
    ("2.555", AMOUNT, "最多保留 2 位小数"),
    ("9" * 12, AMOUNT, "数字过大"),
    ("1" * 200, AMOUNT, "数字过长"),
])
def test_a_figure_that_cannot_be_read_gets_a_message(text, indicator, message):
    with pytest.raises(FigureError, match=message):
        parse_figure(text, indicator)


@given(st.integers(min_value=1, max_value=10**9))
def test_the_minimum_counts_pass_and_one_less_does_not(base):
    low, high = minimum_targets(D(base), DEALS)
    assert assess(DEALS, D(base), (low, high)).status == OK
    assert assess(DEALS, D(base), (low, high - 1)).status == SHORT


@given(st.decimals(min_value=D("0.01"), max_value=D(10**8), places=2))
def test_the_minimum_amounts_pass_and_a_cent_less_does_not(base):
    low, high = minimum_targets(base, AMOUNT)
    assert assess(AMOUNT, base, (low, high)).status == OK
    assert assess(AMOUNT, base, (low, high - D("0.01"))).status == SHORT


def test_the_summary_claims_thirty_percent_only_when_every_listed_indicator_reaches_it():
    good = [assess(DEALS, D(10), (D(13), D(17))), assess(AMOUNT, D(100), (D(130), D(169)))]
    text = summary_text(good + [assess(PATENTS, D(5), (None, None))])  # incomplete: left out
    assert text == ("绩效目标：以2021年为基数，任务期内（2022—2023年），专利许可、转让、作价入股的次数由10次"
                    "增至2022年的13次、2023年的17次，年均增幅30.3%；成交金额由100.00万元增至2022年的"
                    "130.00万元、2023年的169.00万元，年均增幅30.0%。以上指标年均增幅均不少于30%。")
    short = summary_text([good[0], assess(RECEIVED, D(100), (D(110), D(120)))])
    assert "实际到账金额由100.00万元增至2022年的110.00万元、2023年的120.00万元，年均增幅9.5%" in short
    assert "均不少于30%" not in short
    falling = summary_text([assess(DEALS, D(100), (D(50), D(10)))])
    assert "由100次变为2022年的50次、2023年的10次" in falling   # never "增至" a smaller figure
    assert summary_text([assess(DEALS, D(10), (None, None))]) == ""
