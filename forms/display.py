"""How values read on paper and on screen: one module for all display formatting (zh_CN).

The PDF, the Word export and the editor's previews all ask here, so paper and file never
disagree. Named formats are referenced from the form definition's table cells.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from forms.fieldtypes import TYPES

if TYPE_CHECKING:
    from forms.draft import Draft

NONE_TEXT = "无"  # 填报说明 3: 无内容时填“无”
LOCALE = "zh_CN"
# Words of the program (not of the template) shared by the PDF, the Word file, the command line
# and the editor, so a reviewer sees the same on paper, in the file and on screen.
FINGERPRINT_LABEL = "校验码"  # + Draft.fingerprint(): matches a printed page to its draft file
PAGE_OF = "第 {n} 页 共 {m} 页"
DRAFT_MARK = "草稿"


def long_date(value: dt.date | None) -> str:
    """2026年11月26日: the long date of ``LOCALE`` (CLDR's ``y年M月d日``, what babel's
    ``format_date(value, "long", "zh_CN")`` gives), written here: loading babel and its locale
    data took a sixth of a render's start (issue 13)."""
    if not value:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def datetime_text(value: dt.datetime) -> str:
    """2026年11月26日 14:05 — for 'last changed' columns."""
    return f"{long_date(value.date())} {value:%H:%M}"


def ago_text(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """How long ago ``when`` was, in CLDR's words for ``LOCALE`` (babel): 刚刚, 3分钟前, 5小时前,
    1天前, 1个月前. Both aware datetimes (``now`` defaults to the present). Lists of drafts and
    revisions show it beside the date; babel is loaded at the first call, not by a render."""
    from babel.dates import format_timedelta

    now = now or dt.datetime.now(dt.timezone.utc)
    delta = when - now
    if abs(delta) < dt.timedelta(minutes=1):
        return "刚刚"
    return format_timedelta(delta, add_direction=True, locale=LOCALE)


def when_text(when: dt.datetime, now: dt.datetime | None = None) -> str:
    """2026年11月26日 14:05（3分钟前）: a moment in local time and how long ago it was."""
    return f"{datetime_text(when.astimezone())}（{ago_text(when, now)}）"


def _plain(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return long_date(value)
    return str(value)


def value_text(draft: "Draft", path: str) -> str:
    """A field's printed text: its value, 无 for an empty optional field, "" for an empty
    required one (a draft print leaves room to write it in)."""
    fdef = draft.form.field(path)
    value = draft.get(path)
    if TYPES[fdef.type].is_empty(value):
        return "" if fdef.required.is_required(draft) else NONE_TEXT
    return _plain(value)


def _fmt_nature(draft: "Draft", path: str, *, other: str) -> str:
    """The nature, or the words typed for 其他 (``other``: the path of those words)."""
    if draft.get(path) == "其他":
        return draft.get(other) or "其他"
    return value_text(draft, path)


def _fmt_address_postcode(draft: "Draft", path: str, *, postcode: str) -> str:
    address = draft.get(path) or ""
    code = draft.get(postcode) or ""
    if not code or not address:
        return address
    return f"{address}（{code}）"


def partner_text(item: dict) -> str:
    name = item.get("name") or ""
    kind = item.get("kind") or ""
    since = item.get("since")
    details = "，".join(x for x in (kind, f"自{since}年起合作" if since else "") if x)
    return f"{name}（{details}）" if details else name


def _fmt_partners(draft: "Draft", path: str) -> str:
    items = draft.get(path) or []
    return "；".join(partner_text(i) for i in items) if items else ""


def _fmt_id_number(draft: "Draft", path: str) -> str:
    """The number, followed by its document type when that is not the declared default."""
    number = value_text(draft, path)
    id_type = draft.id_type(path)
    if number and number != NONE_TEXT and id_type != draft.form.field(path).id_type_default:
        return f"{number}（{id_type}）"
    return number


@dataclass(frozen=True)
class Format:
    """A named display format for table cells. ``path_params`` are the other fields it reads,
    declared in the definition's ``formats:`` section (``nature: {other: unit.nature_other}``)."""

    name: str
    fn: Callable[..., str]
    path_params: tuple[str, ...] = ()

    def __call__(self, draft: "Draft", path: str) -> str:
        return self.fn(draft, path, **draft.form.formats.get(self.name, {}))


FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("nature", _fmt_nature, ("other",)),
    Format("address_postcode", _fmt_address_postcode, ("postcode",)),
    Format("partners", _fmt_partners),
    Format("id_number", _fmt_id_number),
)}


def cell_text(draft: "Draft", cell: dict, item_path: str | None = None, index: int | None = None) -> str:
    """The text of one table cell of the definition (``label``/``text``/``field``/``key``/``index``)."""
    if "label" in cell:
        return cell["label"]
    if "text" in cell:
        return cell["text"]
    if "index" in cell:
        return str((index or 0) + 1)
    if "blank" in cell:
        return ""
    path = cell["field"] if "field" in cell else f"{item_path}.{cell['key']}"
    fmt = cell.get("format")
    return FORMATS[fmt](draft, path) if fmt else value_text(draft, path)
