"""The 绩效目标 calculator: the guide's growth target applied to a unit's own figures.

The 申报指南 (工作目标) asks the project's unit to raise, over the task period 2022–2023, "开展专利
许可、转让、作价入股的次数、专利数量、成交金额、实际到账金额" by "年均增幅不少于30%". A clerk
knows last year's figures; this module says what that means for each year's target, checks the
targets they plan against it, and writes the sentence for part 三.

年均增幅 is the average annual growth rate as statistics offices define it: (last ÷ base)^(1/years)
− 1, so "不少于30%" over two years means the 2023 figure is at least 1.3² = 1.69 times the 2021
figure; 2022 may grow less if 2023 makes up for it. The verdict is that exact comparison, in
decimal arithmetic; the percentage shown is rounded down to 0.1 %, so it never reads 30.0 % for a
target that falls short. Minimum targets are rounded up (不少于): whole numbers for counts, 0.01
万元 for amounts. Plain computation, no Qt: the editor's dialog and the tests call it alike.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

from forms.text import strip_invisible

BASE_YEAR = 2021
YEARS = (2022, 2023)
MIN_GROWTH = Decimal("0.30")  # 年均增幅不少于30%
#: The largest figure accepted (10^10: ten billion 次 or 万元), and the longest text read.
MAX_VALUE = Decimal(10) ** 10
MAX_TEXT = 24


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str
    places: int  # decimal places a figure may have: 0 for counts, 2 for 万元

    @property
    def step(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)


INDICATORS: tuple[Indicator, ...] = (
    Indicator("deals", "专利许可、转让、作价入股的次数", "次", 0),
    Indicator("patents", "专利数量", "件", 0),
    Indicator("amount", "成交金额", "万元", 2),
    Indicator("received", "实际到账金额", "万元", 2),
)


class FigureError(ValueError):
    """A figure that cannot be read; the message is for the clerk."""


#: Full-width digits, point, comma and space as half-width ones. Only these: NFKC would also
#: turn superscript and circled digits into digits (10² → 102, ①② → 12).
_HALF_WIDTH = str.maketrans("０１２３４５６７８９．，　", "0123456789., ")
_MINUS = "-−－﹣"
_GROUPED = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]*)?")
_PLAIN = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


def parse_figure(text: str, indicator: Indicator) -> Decimal | None:
    """The figure typed for ``indicator``; None when empty. Full-width digits, spaces, commas
    between groups of three digits and a trailing unit (次, 件, 万元) are accepted."""
    raw = re.sub(r"\s", "", strip_invisible(text or "").translate(_HALF_WIDTH)).removesuffix(indicator.unit)
    if not raw:
        return None
    shown_text = text.strip()[:MAX_TEXT]
    if len(raw) > MAX_TEXT:
        raise FigureError("数字过长")
    if raw[0] in _MINUS:
        raise FigureError("不能为负数")
    if "," in raw:
        if not _GROUPED.fullmatch(raw):
            raise FigureError(f"“{shown_text}”不是数字（千位分隔的逗号应每三位一个）")
        raw = raw.replace(",", "")
    if not _PLAIN.fullmatch(raw):
        raise FigureError(f"“{shown_text}”不是数字")
    try:
        value = Decimal(raw)
    except InvalidOperation:  # the pattern admits only plain decimals; kept for safety
        raise FigureError(f"“{text.strip()}”不是数字") from None
    if value > MAX_VALUE:
        raise FigureError("数字过大")
    if value != value.quantize(indicator.step, rounding=ROUND_FLOOR):
        raise FigureError("应为整数" if indicator.places == 0 else f"最多保留 {indicator.places} 位小数")
    return value


def minimum_targets(base: Decimal, indicator: Indicator, growth: Decimal = MIN_GROWTH) -> tuple[Decimal, ...]:
    """The least figure for each year of :data:`YEARS` that keeps ``growth`` every year,
    rounded up to what the indicator counts in."""
    factor = 1 + growth
    return tuple((base * factor ** (i + 1)).quantize(indicator.step, rounding=ROUND_CEILING)
                 for i in range(len(YEARS)))


def average_growth(base: Decimal, last: Decimal, years: int = len(YEARS)) -> Decimal | None:
    """(last ÷ base)^(1/years) − 1 as a fraction; None when the base is 0."""
    if base <= 0:
        return None
    ratio = last / base
    root = ratio.sqrt() if years == 2 else ratio ** (Decimal(1) / years)
    return root - 1


def percent(fraction: Decimal) -> str:
    """A growth fraction as a percentage rounded down to 0.1 % (26.49… → "26.4%")."""
    return f"{(fraction * 100).quantize(Decimal('0.1'), rounding=ROUND_FLOOR)}%"


def show(value: Decimal, indicator: Indicator) -> str:
    return f"{value.quantize(indicator.step)}{indicator.unit}"


OK = "ok"                  # 年均增幅 reaches 30 %
SHORT = "short"            # it does not
INCOMPLETE = "incomplete"  # a figure is missing, or cannot be read
ZERO_BASE = "zero_base"    # base 0: no rate can be computed
EMPTY = "empty"            # nothing typed


@dataclass(frozen=True)
class Assessment:
    indicator: Indicator
    base: Decimal | None
    targets: tuple[Decimal | None, ...]
    minimums: tuple[Decimal, ...] | None
    growth: Decimal | None
    status: str
    message: str


def assess(indicator: Indicator, base: Decimal | None, targets: tuple[Decimal | None, ...]) -> Assessment:
    """What the figures of one indicator mean against the guide's 30 %."""
    first, last = targets
    minimums = minimum_targets(base, indicator) if base is not None else None

    def result(status: str, message: str, growth: Decimal | None = None) -> Assessment:
        return Assessment(indicator, base, targets, minimums, growth, status, message)

    if base is None:
        if first is None and last is None:
            return result(EMPTY, "")
        return result(INCOMPLETE, f"请填写{BASE_YEAR}年（基数）")
    if base == 0:
        return result(ZERO_BASE, f"{BASE_YEAR}年为 0，年均增幅无法计算；目标大于 0 即为增长")
    assert minimums is not None
    least = f"{YEARS[-1]}年不少于{show(minimums[-1], indicator)}"
    if last is None:
        if first is None:
            return result(INCOMPLETE, f"按年均增幅 30% 计：{least}（每年增长 30% 时，"
                                      f"{YEARS[0]}年为{show(minimums[0], indicator)}）")
        return result(INCOMPLETE, f"请填写{YEARS[-1]}年目标（{least}）")
    growth = average_growth(base, last)
    assert growth is not None
    if last < base * (1 + MIN_GROWTH) ** len(YEARS):
        return result(SHORT, f"年均增幅 {percent(growth)}，不足 30%：{YEARS[-1]}年至少应为"
                             f"{show(minimums[-1], indicator)}", growth)
    note = ""
    if first is not None and first > last:
        note = f"（注意：{YEARS[-1]}年目标低于{YEARS[0]}年）"
    elif first is None:
        note = f"（请填写{YEARS[0]}年目标）"
    return result(OK, f"年均增幅 {percent(growth)}，达到不少于 30% 的要求{note}", growth)


def summary_text(assessments: list[Assessment]) -> str:
    """The 绩效目标 sentence for part 三, from the indicators whose three figures are filled in;
    "" when there are none. It claims "均不少于30%" only when each of them reaches it."""
    clauses = []
    complete = [a for a in assessments
                if a.base is not None and all(t is not None for t in a.targets)]
    for a in complete:
        ind = a.indicator
        years = "、".join(f"{year}年的{show(t, ind)}" for year, t in zip(YEARS, a.targets))
        rises = all(target > a.base for target in a.targets)
        clause = f"{ind.label}由{show(a.base, ind)}{'增至' if rises else '变为'}{years}"
        if a.growth is not None:
            clause += f"，年均增幅{percent(a.growth)}"
        clauses.append(clause)
    if not clauses:
        return ""
    text = (f"绩效目标：以{BASE_YEAR}年为基数，任务期内（{YEARS[0]}—{YEARS[-1]}年），"
            + "；".join(clauses) + "。")
    if all(a.status == OK for a in complete):
        text += "以上指标年均增幅均不少于30%。"
    return text
