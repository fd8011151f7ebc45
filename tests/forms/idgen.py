"""Synthesise valid (and fictitious) identity numbers and credit codes for tests.

Every number made here is computed, never copied from a real person or organisation. The check
characters are computed with the production functions of :mod:`forms.idnumbers`; the tests check
those functions independently (hand-worked sums and python-stdnum as an oracle).
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from forms.idnumbers import id_check_char, org_code_check_char, uscc_check_char

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_AUTHORITIES = "123456789ANY"

#: Province-level codes valid for 居民身份证 (spec §3).
PROVINCES = (
    [str(n) for n in range(11, 16)]
    + [str(n) for n in range(21, 24)]
    + [str(n) for n in range(31, 38)]
    + [str(n) for n in range(41, 47)]
    + [str(n) for n in range(50, 55)]
    + [str(n) for n in range(61, 66)]
)

#: County codes that python-stdnum's table knows with no validity period, so that it accepts them
#: for every birth year: the region both implementations accept.
TIMELESS_REGIONS = (
    "110101",  # 北京市东城区
    "110102",  # 北京市西城区
    "110105",  # 北京市朝阳区
    "110108",  # 北京市海淀区
    "310101",  # 上海市黄浦区
    "310104",  # 上海市徐汇区
    "310105",  # 上海市长宁区
    "310106",  # 上海市静安区
    "310107",  # 上海市普陀区
    "310109",  # 上海市虹口区
    "310110",  # 上海市杨浦区
)


def _seq_for_sex(seq: int, sex: str | None) -> int:
    """Order code 0–999 whose last digit has the parity of ``sex`` (odd = 男)."""
    if not 0 <= seq <= 999:
        raise ValueError("seq must be 0..999")
    if sex is None:
        return seq
    if sex not in ("男", "女"):
        raise ValueError("sex must be 男 or 女")
    want_odd = sex == "男"
    if (seq % 2 == 1) != want_odd:
        seq = seq + 1 if seq < 999 else seq - 1
    return seq


def _with_check(first17: str) -> str:
    return first17 + id_check_char(first17)


def make_id(
    region: str = "310104",
    birth: date = date(1985, 3, 7),
    seq: int = 12,
    sex: str | None = "男",
) -> str:
    """An 18-digit 居民身份证 number with a correct check character.

    ``seq`` is the 3-digit order code; with ``sex`` its last digit is nudged to the right parity
    (odd = 男), so the default is ``310104 19850307 013`` plus the check character.
    """
    if len(region) != 6 or not region.isascii() or not region.isdigit():
        raise ValueError("region must be 6 ASCII digits")
    return _with_check(f"{region}{birth:%Y%m%d}{_seq_for_sex(seq, sex):03d}")


def make_hk_permit(
    region: str = "810000",
    birth: date = date(1990, 7, 1),
    seq: int = 21,
    sex: str | None = "女",
) -> str:
    """A 港澳台居民居住证 number (810000 香港, 820000 澳门, 830000 台湾)."""
    return make_id(region=region, birth=birth, seq=seq, sex=sex)


def make_foreign_pr(
    province: str = "31",
    country: str = "840",
    birth: date = date(1980, 1, 2),
    seq: int = 12,
    sex: str | None = "男",
) -> str:
    """A new-style 18-digit 外国人永久居留身份证 number: 9, acceptance province, nationality code,
    birth date, order code, check character."""
    if len(province) != 2 or len(country) != 3:
        raise ValueError("province is 2 digits, country 3")
    return _with_check(f"9{province}{country}{birth:%Y%m%d}{_seq_for_sex(seq, sex):03d}")


def make_org_code(body: str = "MA1FL2B3") -> str:
    """A 9-character GB 11714 organisation code: the 8-character body plus its check character."""
    return body + org_code_check_char(body)


def make_uscc(
    prefix17: str | None = None,
    *,
    authority: str = "9",
    kind: str = "1",
    division: str = "310115",
    org_body: str = "MA1FL2B3",
) -> str:
    """An 18-character 统一社会信用代码 with a correct check character.

    With ``prefix17`` the given 17 characters are used as they are (the embedded organisation code
    is then whatever they say). Otherwise the code is built from its parts and carries a valid
    organisation code (``org_body`` plus its GB 11714 check character).
    """
    if prefix17 is None:
        prefix17 = f"{authority}{kind}{division}{make_org_code(org_body)}"
    if len(prefix17) != 17:
        raise ValueError("a credit code has 17 characters before its check character")
    return prefix17 + uscc_check_char(prefix17)


# --------------------------------------------------------------------------------------------
# Hypothesis strategies
# --------------------------------------------------------------------------------------------


def birth_dates(today: date) -> st.SearchStrategy[date]:
    """Birth dates giving an age of 0–120 years on ``today``."""
    try:
        oldest = today.replace(year=today.year - 120)
    except ValueError:  # today is 29 February
        oldest = date(today.year - 120, 3, 1)
    return st.dates(min_value=oldest, max_value=today)


def regions() -> st.SearchStrategy[str]:
    """Six-digit region codes under a valid province (county part arbitrary)."""
    return st.builds(
        lambda p, rest: p + rest,
        st.sampled_from(PROVINCES),
        st.integers(0, 9999).map(lambda n: f"{n:04d}"),
    )


def sexes() -> st.SearchStrategy[str]:
    return st.sampled_from(["男", "女"])


def valid_ids(today: date, region_strategy: st.SearchStrategy[str] | None = None):
    """Valid 居民身份证 numbers on ``today``."""
    return st.builds(
        make_id,
        region=region_strategy if region_strategy is not None else regions(),
        birth=birth_dates(today),
        seq=st.integers(0, 999),
        sex=sexes(),
    )


def valid_hk_permits(today: date):
    """Valid 港澳台居民居住证 numbers on ``today``."""
    return st.builds(
        make_hk_permit,
        region=st.sampled_from(["810000", "820000", "830000"]),
        birth=birth_dates(today),
        seq=st.integers(0, 999),
        sex=sexes(),
    )


def valid_foreign_prs():
    """Valid new-style 外国人永久居留身份证 numbers."""
    return st.builds(
        make_foreign_pr,
        province=st.sampled_from(PROVINCES),
        country=st.integers(0, 999).map(lambda n: f"{n:03d}"),
        birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
        seq=st.integers(0, 999),
        sex=sexes(),
    )


def org_bodies() -> st.SearchStrategy[str]:
    """8-character organisation-code bodies using only characters a credit code may contain."""
    return st.text(alphabet=USCC_ALPHABET, min_size=8, max_size=8)


def valid_usccs(
    authorities: str = USCC_AUTHORITIES,
    divisions: st.SearchStrategy[str] | None = None,
):
    """Valid credit codes registered in Shanghai (31xxxx) or centrally (100000), with a valid
    embedded organisation code."""
    if divisions is None:
        divisions = st.one_of(
            st.integers(0, 9999).map(lambda n: f"31{n:04d}"),
            st.just("100000"),
        )
    return st.builds(
        lambda a, k, d, body: make_uscc(authority=a, kind=k, division=d, org_body=body),
        st.sampled_from(authorities),
        st.sampled_from("123456789"),
        divisions,
        org_bodies(),
    )
