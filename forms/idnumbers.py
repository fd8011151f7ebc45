"""Identity document numbers and unified social credit codes (spec ``form-2022.md`` §3).

Pure Python: no Qt, no reportlab and no python-stdnum at run time (the tests use python-stdnum as
an independent oracle, and document where Shenbao deliberately differs from it).

Public API::

    ID_TYPES                                  the four 证件类型 choices, in form order
    normalize_code(raw) -> str                normalisation for numbers and codes
    check_id(id_type, raw, today) -> [Finding]
    id_gender(id_type, number) -> "男" | "女" | None
    check_uscc(raw) -> [Finding]
    uscc_check_char(first17) -> str           GB 32100 check character
    id_check_char(first17) -> str             GB 11643 / ISO 7064 MOD 11-2 check character
    org_code_check_char(first8) -> str        GB 11714 check character

``check_id`` and ``check_uscc`` return ``[]`` for an empty value: "required" is the caller's rule,
as is ``choice_invalid`` for an ``id_type`` outside :data:`ID_TYPES` (for which ``check_id`` also
returns ``[]``).
"""

from __future__ import annotations

import datetime
import re
import unicodedata

from forms.messages import subject
from forms.problems import Finding
from forms.text import INVISIBLE

__all__ = [
    "ID_TYPES",
    "normalize_code",
    "check_id",
    "id_gender",
    "check_uscc",
    "uscc_check_char",
    "id_check_char",
    "org_code_check_char",
]

RESIDENT_ID = "居民身份证"
HMT_PERMIT = "港澳台居民居住证"
FOREIGN_PR = "外国人永久居留身份证"
PASSPORT_OR_OTHER = "护照或其他"

ID_TYPES = (RESIDENT_ID, HMT_PERMIT, FOREIGN_PR, PASSPORT_OR_OTHER)

_DIGITS = frozenset("0123456789")
_ID_CHECK_POSITION = frozenset("0123456789X")
_ASCII_LETTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

#: Hyphen and dash look-alikes removed from numbers (after NFKC, which already folds U+FF0D,
#: U+FE63 and U+2011 into ASCII "-" / U+2010).
_HYPHENS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\uff0d")
#: Invisible characters removed from numbers: the same set as from free text (a clerk cannot
#: see them to delete them).
_INVISIBLE = INVISIBLE
#: What normalize_code removes: white space (re's ``\s`` is ``str.isspace``), hyphens, invisibles.
_DROP_RE = re.compile("[\\s" + re.escape("".join(sorted(_HYPHENS | _INVISIBLE))) + "]")


def normalize_code(raw: str) -> str:
    """Normalise a typed or pasted number/code before checking it.

    NFKC (full-width ASCII to half-width, U+3000 to a space, ``Ｘ`` to ``X``), then every white
    space character, hyphen look-alike and zero-width character is removed, and a trailing ``x``
    is upper-cased. Nothing else is upper-cased, and characters NFKC does not fold (Cyrillic
    ``Х``, Arabic-Indic digits ``٠``–``٩``) are kept so that the checks can reject them.
    """
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", raw)
    text = _DROP_RE.sub("", text)
    # Removing a character can bring a base and a combining mark together ("e", U+200B, U+0301):
    # compose once more so that normalising twice changes nothing.
    text = unicodedata.normalize("NFKC", text)
    if text.endswith("x"):
        text = text[:-1] + "X"
    return text


# --------------------------------------------------------------------------------------------
# Check characters
# --------------------------------------------------------------------------------------------

#: GB 11643 weights 2^(17-i) mod 11 for 0-based positions i = 0..16 (7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2).
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))


def id_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character (``0``–``9`` or ``X``) for 17 ASCII digits."""
    if len(first17) != 17 or not all(ch in _DIGITS for ch in first17):
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    total = sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS))
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


#: GB 32100 character set: 0-9 and A-Z without I, O, Z, S, V (31 characters).
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
#: weights 3^i mod 31, i = 0..16
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
#: registration authority codes allowed as the first character
_USCC_FIRST = frozenset("123456789ANY")


def uscc_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    code = first17.translate(_ASCII_UPPER)
    if len(code) != 17 or not all(ch in _USCC_VALUE for ch in code):
        raise ValueError(f"expected 17 characters of {USCC_ALPHABET}, got {first17!r}")
    total = sum(_USCC_VALUE[ch] * w for ch, w in zip(code, _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _org_value(ch: str) -> int:
    if ch in _DIGITS:
        return ord(ch) - ord("0")
    if "A" <= ch <= "Z":
        return ord(ch) - ord("A") + 10
    raise ValueError(f"not an organisation code character: {ch!r}")


def org_code_check_char(first8: str) -> str:
    """The GB 11714 check character for the 8-character body of an organisation code."""
    code = first8.translate(_ASCII_UPPER)
    if len(code) != 8:
        raise ValueError(f"expected 8 characters, got {first8!r}")
    total = sum(_org_value(ch) * w for ch, w in zip(code, _ORG_WEIGHTS))
    check = 11 - total % 11
    if check == 10:
        return "X"
    if check == 11:
        return "0"
    return str(check)


# --------------------------------------------------------------------------------------------
# Identity documents
# --------------------------------------------------------------------------------------------

#: Province-level codes of GB/T 2260 accepted for 居民身份证 (spec §3).
_PROVINCES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
)

_HMT_PREFIXES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}

_MAX_AGE = 120

#: how each document is called in messages
_ID_LABEL = {
    RESIDENT_ID: "身份证",
    HMT_PERMIT: "港澳台居民居住证",
    FOREIGN_PR: "外国人永久居留身份证",
    PASSPORT_OR_OTHER: "证件",
}


def _describe_char(ch: str) -> str:
    """Name a rejected character so that a clerk can find it."""
    if ch.isascii():
        return f"「{ch}」"
    if ch.isdigit():
        return f"「{ch}」（不是半角阿拉伯数字 0–9，可能是其他文字的数字）"
    if ch.isalpha():
        return f"「{ch}」（不是英文字母，可能是外形相似的其他文字字母，请切换到英文输入法重新输入）"
    if unicodedata.category(ch).startswith("C"):
        return f"（不可见字符 U+{ord(ch):04X}）"
    return f"「{ch}」"


def _first_bad(text: str, allowed_at) -> tuple[int, str] | None:
    """The 1-based position and character of the first character not allowed at its position."""
    for pos, ch in enumerate(text, start=1):
        if not allowed_at(pos, ch):
            return pos, ch
    return None


def _format_18(subject: str, number: str) -> Finding | None:
    """Shared format rule: 18 characters, 17 ASCII digits then a digit or X."""
    if len(number) != 18:
        return Finding.of("id_format.length", subject=subject, count=len(number))
    bad = _first_bad(number, lambda pos, ch: ch in (_ID_CHECK_POSITION if pos == 18 else _DIGITS))
    if bad is not None:
        pos, ch = bad
        allowed = "数字或 X" if pos == 18 else "数字"
        return Finding.of("id_format.char", subject=subject, pos=pos, char=_describe_char(ch), allowed=allowed)
    return None


def _checksum(subject: str, number: str) -> Finding | None:
    expected = id_check_char(number[:17])
    if number[17] != expected:
        return Finding.of("id_checksum", subject=subject, expected=expected)
    return None


def _birth_date(subject: str, number: str, today: datetime.date) -> Finding | None:
    digits = number[6:14]
    year, month, day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    try:
        born = datetime.date(year, month, day)
    except ValueError:
        return Finding.of("id_birth_date.invalid", subject=subject, digits=digits, year=year, month=month, day=day)
    shown = f"{born.year}年{born.month}月{born.day}日"
    if born > today:
        return Finding.of("id_birth_date.future", subject=subject, born=shown)
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age > _MAX_AGE:
        return Finding.of("id_birth_date.too_old", subject=subject, born=shown, max_age=_MAX_AGE)
    return None


def _resident_region(subject: str, number: str) -> Finding | None:
    province = number[:2]
    if province in _PROVINCES:
        return None
    hint = ""
    if number[:6] in _HMT_PREFIXES:
        hint = "以 810000、820000、830000 开头的是港澳台居民居住证号码，请把证件类型改为「港澳台居民居住证」。"
    elif number.startswith("9"):
        hint = "以 9 开头的可能是外国人永久居留身份证号码，如是请把证件类型改为「外国人永久居留身份证」。"
    return Finding.of("id_region.resident", subject=subject, province=province, hint=hint)


def _check_resident(subject: str, number: str, today: datetime.date) -> list[Finding]:
    if len(number) == 15 and all(ch in _DIGITS for ch in number):
        return [Finding.of("id_format.old_resident", subject=subject)]
    bad = _format_18(subject, number)
    if bad is not None:
        return [bad]
    found = [_resident_region(subject, number), _birth_date(subject, number, today), _checksum(subject, number)]
    return [f for f in found if f is not None]


def _check_hmt(subject: str, number: str, today: datetime.date) -> list[Finding]:
    bad = _format_18(subject, number)
    if bad is not None:
        return [bad]
    found: list[Finding | None] = []
    if number[:6] not in _HMT_PREFIXES:
        found.append(Finding.of("id_region.hmt", subject=subject, prefix=number[:6]))
    found.append(_birth_date(subject, number, today))
    found.append(_checksum(subject, number))
    return [f for f in found if f is not None]


def _check_foreign_pr(subject: str, number: str) -> list[Finding]:
    if (
        len(number) == 15
        and all(ch in _ASCII_LETTERS for ch in number[:3])
        and all(ch in _DIGITS for ch in number[3:])
    ):
        return [Finding.of("id_format.old_foreign", subject=subject)]
    bad = _format_18(subject, number)
    if bad is not None:
        return [bad]
    if number[0] != "9":
        return [Finding.of("id_format.foreign_first", subject=subject, first=number[0])]
    found = _checksum(subject, number)
    return [found] if found is not None else []


def _check_passport(subject: str, number: str) -> list[Finding]:
    bad = _first_bad(number, lambda pos, ch: ch in _DIGITS or ch in _ASCII_LETTERS)
    if bad is not None:
        pos, ch = bad
        return [Finding.of("id_format.passport_char", subject=subject, pos=pos, char=_describe_char(ch))]
    if not 5 <= len(number) <= 20:
        return [Finding.of("id_format.passport_length", subject=subject, count=len(number))]
    return []


def id_subject(id_type: str, owner: str = "") -> str:
    """How messages name a number of ``id_type``: ``身份证号码``, ``项目负责人的港澳台居民居住证号码``."""
    return subject(f"{_ID_LABEL.get(id_type, '证件')}号码", owner)


def check_id(id_type: str, raw: str, today: datetime.date, *, owner: str = "") -> list[Finding]:
    """Check an identity document number for its ``id_type``; ``[]`` means fine.

    The number is normalised again (defensively). An empty number and an ``id_type`` outside
    :data:`ID_TYPES` give ``[]``: ``required`` and ``choice_invalid`` are the caller's rules.
    ``owner`` (``项目负责人``) names whose number it is in the messages.
    """
    number = normalize_code(raw or "")
    if not number:
        return []
    subj = id_subject(id_type, owner)
    if id_type == RESIDENT_ID:
        return _check_resident(subj, number, today)
    if id_type == HMT_PERMIT:
        return _check_hmt(subj, number, today)
    if id_type == FOREIGN_PR:
        return _check_foreign_pr(subj, number)
    if id_type == PASSPORT_OR_OTHER:
        return _check_passport(subj, number)
    return []


def id_gender(id_type: str, number: str) -> str | None:
    """``"男"``/``"女"`` from the 17th digit (odd = 男) of a valid 居民身份证 or 港澳台居民居住证.

    "Valid" here means every check that does not depend on today's date passes: the format,
    the region, a real calendar birth date and the check character. Anything else gives ``None``.
    """
    if id_type not in (RESIDENT_ID, HMT_PERMIT):
        return None
    n = normalize_code(number or "")
    if _format_18("", n) is not None or _checksum("", n) is not None:
        return None
    if id_type == RESIDENT_ID and _resident_region("", n) is not None:
        return None
    if id_type == HMT_PERMIT and n[:6] not in _HMT_PREFIXES:
        return None
    try:
        datetime.date(int(n[6:10]), int(n[10:12]), int(n[12:14]))
    except ValueError:
        return None
    return "男" if int(n[16]) % 2 == 1 else "女"


# --------------------------------------------------------------------------------------------
# Unified social credit code
# --------------------------------------------------------------------------------------------

#: How messages name the code when the caller gives no name of its own.
USCC_SUBJECT = "统一社会信用代码"


def check_uscc(raw: str, *, subject: str = USCC_SUBJECT) -> list[Finding]:
    """Check a 统一社会信用代码 (GB 32100-2015); ``[]`` means fine, ``[]`` too when empty.

    Errors: ``uscc_format`` (then nothing else is checked), ``uscc_checksum``. Warnings:
    ``uscc_not_shanghai`` and ``uscc_org_code``, reported whether or not the check character
    is right (the organisation-code warning often points at the mistyped part). ``subject`` is
    how the messages name the field.
    """
    code = normalize_code(raw or "").translate(_ASCII_UPPER)
    if not code:
        return []
    if len(code) != 18:
        return [Finding.of("uscc_format.length", subject=subject, count=len(code))]
    bad = _first_bad(code, lambda pos, ch: ch in _USCC_VALUE)
    if bad is not None:
        pos, ch = bad
        hint = ""
        if ch in "IOZSV":
            hint = "（字母 O、I、Z、S、V 不会出现在代码中，可能是数字 0、1、2、5 或字母 U 看错了）"
        return [Finding.of("uscc_format.char", subject=subject, pos=pos, char=_describe_char(ch), hint=hint)]
    if code[0] not in _USCC_FIRST:
        return [Finding.of("uscc_format.first", subject=subject, first=code[0])]
    found: list[Finding] = []
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        found.append(Finding.of("uscc_checksum", subject=subject, expected=expected, actual=code[17]))
    division = code[2:8]
    if not (division.startswith("31") or division == "100000"):
        found.append(Finding.of("uscc_not_shanghai", subject=subject, division=division))
    if org_code_check_char(code[8:16]) != code[16]:
        found.append(Finding.of("uscc_org_code", subject=subject, org=code[8:17]))
    return found
