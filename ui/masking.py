"""Personal numbers shown masked (110105********002X) unless the user reveals them.

One helper for every list and compare view: :func:`mask_number` masks one number,
:func:`is_personal` tells whether a field path holds one, :func:`shown_value` turns any field
value into display text, masking personal numbers when ``reveal`` is False. Qt-free.
"""

from __future__ import annotations

from typing import Any

from forms.definition import Form
from forms.display import _plain as plain_text  # the one display form of a value (dates zh_CN)

#: Field types whose values are personal numbers (identity documents).
PERSONAL_TYPES = frozenset({"id"})
MASK = "*"


def mask_number(number: str) -> str:
    """``110105199001010023`` → ``110105********0023``: the region and the last four stay
    visible, so a clerk can tell people apart without the birth date or the whole number.
    Shorter numbers (passports) keep two characters at each end; very short ones are all masked."""
    text = (number or "").strip()
    n = len(text)
    if n == 0:
        return ""
    if n >= 15:
        head, tail = 6, 4
    elif n >= 6:
        head, tail = 2, 2
    else:
        return MASK * n
    return text[:head] + MASK * (n - head - tail) + text[n - tail:]


def is_personal(form: Form, path: str) -> bool:
    """Whether ``path`` (``team.members[2].id_number``) holds a personal number."""
    try:
        return form.field(path).type in PERSONAL_TYPES
    except KeyError:
        return False


def shown_value(form: Form, path: str, value: Any, *, reveal: bool = False) -> str:
    """``value`` of field ``path`` as display text, masked when it is a personal number."""
    text = plain_text(value)
    if not reveal and is_personal(form, path):
        return mask_number(text)
    return text


def shown_row(form: Form, list_path: str, row: dict, *, reveal: bool = False) -> str:
    """A whole list row as one line (``张三 · 110105********0023 · 研发部``), masked as above."""
    fdef = form.field(list_path)
    parts = []
    for sub in fdef.record.fields:
        text = shown_value(form, f"{list_path}.{sub.key}", row.get(sub.key), reveal=reveal)
        if text and sub.key != "id_type":
            parts.append(text)
    return " · ".join(parts)
