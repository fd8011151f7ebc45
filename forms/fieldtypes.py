"""Field types: how each kind of value is cleaned, read from draft JSON, written back, and checked.

One class per type (after qutebrowser's ``configtypes``). ``clean`` is what the editor applies when
the user leaves a field and what loading applies to every value; ``check`` returns the findings of
a single value on its own. Cross-field checks live in :mod:`forms.rules`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any, ClassVar

from forms import idnumbers
from forms.messages import shown, subject
from forms.problems import Finding
from forms.text import clean_line, clean_name, clean_para, count_zi, strip_invisible


class InputError(ValueError):
    """A value in draft JSON has the wrong JSON type or form; names the key."""


class FieldType:
    name: ClassVar[str]
    empty: ClassVar[Any] = ""

    def clean(self, value: Any) -> Any:
        return value

    def from_json(self, value: Any, where: str) -> Any:
        """Read a JSON value; ``None``/missing/"" mean empty. Raise :class:`InputError`."""
        if value is None:
            return self.empty
        if not isinstance(value, str):
            raise InputError(f"{where}：应为文字，实际为 {_json_kind(value)}")
        return self.clean(value)

    def to_json(self, value: Any) -> Any:
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and not value.strip())

    def check(self, value: Any, field: Any, ctx: "CheckContext") -> list[Finding]:
        """The findings of one value: ``too_long`` over the field's ``max_chars`` (code points)
        before anything else, so no format check ever reads an absurdly long value; then the
        type's own :meth:`check_value`."""
        limit = getattr(field, "max_chars", None)
        if limit and isinstance(value, str) and len(value) > limit:
            return [self.too_long(value, field, ctx, limit)]
        return self.check_value(value, field, ctx)

    def too_long(self, value: str, field: Any, ctx: "CheckContext", limit: int) -> Finding:
        return Finding.of("too_long", subject=ctx.subject(field), limit=limit, count=len(value))

    def check_value(self, value: Any, field: Any, ctx: "CheckContext") -> list[Finding]:
        return []


class CheckContext:
    """What a single-value check may need besides the value: today's date, the id type, and
    whose field it is (``owner``: ``项目负责人``, ``项目组全部成员第 3 行``) for the messages.
    ``owner_of`` instead of ``owner``: worked out only when a message needs it."""

    __slots__ = ("_owner", "_owner_of", "id_type", "today")

    def __init__(self, today: dt.date, id_type: str | None = None, owner: str = "", *,
                 owner_of: Callable[[], str] | None = None):
        self.today = today
        self.id_type = id_type
        self._owner = owner
        self._owner_of = owner_of

    @property
    def owner(self) -> str:
        if self._owner_of is not None:
            self._owner, self._owner_of = self._owner_of(), None
        return self._owner

    def subject(self, field: Any) -> str:
        """``项目负责人的电子邮箱``: the field's label, with its owner when it has one."""
        return subject(field.label, self.owner)


def _text(value: Any) -> str:
    """The value of a text-like field must be a string (the editor and JSON both give one)."""
    if isinstance(value, str):
        return value
    raise InputError(f"应为文字，实际为 {_json_kind(value)}")


def _json_kind(value: Any) -> str:
    return {bool: "真假值", int: "数字", float: "数字", list: "列表", dict: "对象", str: "文字"}.get(
        type(value), type(value).__name__
    )


class TextType(FieldType):
    name = "text"

    def clean(self, value: str) -> str:
        return clean_line(_text(value))


class NameType(TextType):
    name = "name"

    def clean(self, value: str) -> str:
        return clean_name(_text(value))

    def too_long(self, value: str, field: Any, ctx: CheckContext, limit: int) -> Finding:
        return Finding.of("too_long.name", subject=ctx.subject(field), limit=limit, count=len(value))


class ParaType(FieldType):
    name = "para"

    def clean(self, value: str) -> str:
        return clean_para(_text(value))

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if field.max_zi is not None:
            n = count_zi(value)
            if n > field.max_zi:
                return [Finding.of("too_long.para", subject=ctx.subject(field), limit=field.max_zi,
                                   count=n, excess=n - field.max_zi)]
        return []


class ChoiceType(FieldType):
    name = "choice"

    def clean(self, value: str) -> str:
        return clean_line(_text(value))

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if value not in field.choices:
            return [Finding.of("choice_invalid", subject=ctx.subject(field), options="、".join(field.choices),
                               value=shown(value))]
        return []


class BoolType(FieldType):
    name = "bool"
    empty = False

    def from_json(self, value: Any, where: str) -> bool:
        if value is None or value == "":
            return False
        if not isinstance(value, bool):
            raise InputError(f"{where}：应为 true 或 false，实际为 {_json_kind(value)}")
        return value

    def clean(self, value: Any) -> bool:
        if value is None:
            return False
        if not isinstance(value, bool):  # "false" must never become True
            raise InputError(f"应为是或否，实际为 {_json_kind(value)}")
        return value

    def is_empty(self, value: Any) -> bool:
        return value is None


class DateType(FieldType):
    name = "date"
    empty = None

    def from_json(self, value: Any, where: str) -> dt.date | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise InputError(f"{where}：日期应写作 YYYY-MM-DD，实际为 {value!r}")
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise InputError(f"{where}：{value} 不是有效日期") from None

    def clean(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.datetime):  # a datetime is a date too: keep only the day
            return value.date()
        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            return self.from_json(value.strip(), "日期")
        raise InputError(f"日期应为 YYYY-MM-DD，实际为 {_json_kind(value)}")

    def to_json(self, value: dt.date | None) -> str | None:
        return value.isoformat() if value else None


class YearType(FieldType):
    name = "year"
    empty = None

    def from_json(self, value: Any, where: str) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"{where}：年份应为整数（如 2019），实际为 {_json_kind(value)}")
        return value

    def clean(self, value: Any) -> int | None:
        if value is None or value == "":
            return None
        if isinstance(value, str):
            text = idnumbers.normalize_code(value)
            if not re.fullmatch(r"[0-9]{1,4}", text):
                raise InputError(f"年份应为四位数字，实际为“{value}”")
            return int(text)
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"年份应为整数（如 2019），实际为 {_json_kind(value)}")
        return value


class _CodeType(FieldType):
    """Numbers and codes: normalised (full-width → half-width, spaces/hyphens removed)."""

    def clean(self, value: str) -> str:
        return idnumbers.normalize_code(_text(value))


class IdType(_CodeType):
    name = "id"

    def clean(self, value: str) -> str:
        # Upper case throughout: passport numbers compare equal however they were typed.
        return idnumbers.normalize_code(_text(value)).upper()

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        # A number with no document type of its own (no id_type_key) is a 居民身份证 number.
        id_type = ctx.id_type or getattr(field, "id_type_default", None) or idnumbers.RESIDENT_ID
        return idnumbers.check_id(id_type, value, ctx.today, owner=ctx.owner)


class UsccType(_CodeType):
    name = "uscc"

    def clean(self, value: str) -> str:
        return idnumbers.normalize_code(_text(value)).upper()

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        return idnumbers.check_uscc(value, subject=ctx.subject(field))


class PostcodeType(_CodeType):
    name = "postcode"

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if not re.fullmatch(r"[0-9]{6}", value):
            return [Finding.of("postcode_format", subject=ctx.subject(field), value=shown(value))]
        if not 200000 <= int(value) <= 202199:
            return [Finding.of("postcode_not_shanghai", subject=ctx.subject(field), value=value)]
        return []


class AccountType(_CodeType):
    name = "account"

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if not re.fullmatch(r"[0-9]{6,32}", value):
            return [Finding.of("account_format", subject=ctx.subject(field), value=shown(value),
                               count=len(value))]
        return []


_MOBILE_RE = re.compile(r"(?:\+?86)?1[3-9][0-9]{9}")
_EXTENSION_RE = re.compile(r"(?:转|分机|ext\.?|x|#)[0-9]{1,6}$", re.I)
_SEPARATORS_RE = re.compile(r"[\s\-()（）]")
# An area code the user set apart: (021)…, 021-…, 021 …
_AREA_RE = re.compile(r"(?:\+?86)?[\s\-]?[(（]?(0[0-9]{2,3})(?:[)）][\s\-]?|[\s\-])(.+)")


def _local_ok(local: str) -> bool:
    """7–8 digits, hyphens and spaces allowed inside, optionally a hyphenated extension."""
    if re.fullmatch(r"[0-9]{7,8}", _SEPARATORS_RE.sub("", local)):
        return True
    head, sep, tail = local.rpartition("-")  # 12345678-123: a trailing hyphenated extension
    return bool(sep and re.fullmatch(r"[0-9]{1,6}", tail)
                and re.fullmatch(r"[0-9]{7,8}", _SEPARATORS_RE.sub("", head)))


def is_phone(value: str) -> bool:
    """A mainland mobile (11 digits, 1[3-9]…) or a fixed line with its area code (0 + 2–3
    digits, then 7–8 digits), optionally with an extension (转123, -123, ext 123, #123).
    Spaces, hyphens and brackets are separators and are ignored (spec §3), except that an
    area code the user set apart is taken as typed."""
    text = value.strip()
    if _MOBILE_RE.fullmatch(_SEPARATORS_RE.sub("", text)):
        return True
    main = _EXTENSION_RE.sub("", re.sub(r"\s*(转|分机|ext\.?|#)\s*", r"\1", text, flags=re.I)).strip()
    split = _AREA_RE.fullmatch(main)
    if split:
        return _local_ok(split.group(2))
    return bool(re.fullmatch(r"(?:\+?86)?0[0-9]{2,3}[0-9]{7,8}", main))


class PhoneType(FieldType):
    """Phone numbers keep the user's hyphens for printing; checks ignore separators."""

    name = "phone"

    def clean(self, value: str) -> str:
        text = unicodedata.normalize("NFKC", strip_invisible(_text(value)))
        text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
        return re.sub(r"\s+", " ", text).strip()

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if is_phone(value):
            return []
        return [Finding.of("phone_format", subject=ctx.subject(field), value=shown(value))]


# The domain's letters are [A-Za-z0-9\u00a1-\uffff] (labels may hold inner hyphens; the top level
# no digits). Written as the complement of what they are not, because ``re`` fills a table entry
# by entry for a positive range up to \uffff: three of them cost 12 ms at every start.
_NOT_BMP = "\U00010000-\U0010ffff"
_LABEL_CHAR = rf"[^\x00-/:-@\[-`{{-\xa0{_NOT_BMP}]"  # [A-Za-z0-9\u00a1-\uffff]
_LABEL_INNER = rf"[^\x00-,./:-@\[-`{{-\xa0{_NOT_BMP}]"  # [A-Za-z0-9\u00a1-\uffff-]
_TOP_CHAR = rf"[^\x00-@\[-`{{-\xa0{_NOT_BMP}]"  # [A-Za-z\u00a1-\uffff]
_EMAIL_RE = re.compile(rf"[^@\s]+@(?:{_LABEL_CHAR}(?:{_LABEL_INNER}*{_LABEL_CHAR})?\.)+{_TOP_CHAR}{{2,}}")


class EmailType(FieldType):
    name = "email"

    def clean(self, value: str) -> str:
        return re.sub(r"\s", "", unicodedata.normalize("NFKC", strip_invisible(_text(value))))

    def check_value(self, value: str, field: Any, ctx: CheckContext) -> list[Finding]:
        if value.count("@") != 1 or not _EMAIL_RE.fullmatch(value):
            return [Finding.of("email_format", subject=ctx.subject(field), value=shown(value))]
        return []


class FileType(FieldType):
    name = "file"

    def clean(self, value: str) -> str:
        return strip_invisible(_text(value)).strip()


TYPES: dict[str, FieldType] = {
    t.name: t()
    for t in (TextType, NameType, ParaType, ChoiceType, BoolType, DateType, YearType, IdType,
              UsccType, PostcodeType, AccountType, PhoneType, EmailType, FileType)
}
