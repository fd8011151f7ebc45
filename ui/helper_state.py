"""What the clerk typed into a helper dialog (申报条件自查, 绩效目标计算器), kept per draft.

It is not part of the 申报书 (the form has no place for it), so it lives in the editor's settings
under ``<kind>/<draft id>`` as one JSON object, written when the dialog closes. Settings edited by
hand or damaged read as nothing typed yet.
"""

from __future__ import annotations

import json

from ui.main_window import settings


def _key(kind: str, draft_id: str) -> str:
    return f"{kind}/{draft_id}"


def load(kind: str, draft_id: str) -> dict:
    raw = settings().value(_key(kind, draft_id), "")
    try:
        saved = json.loads(raw) if isinstance(raw, str) and raw else {}
    except (ValueError, RecursionError):
        return {}
    return saved if isinstance(saved, dict) else {}


def save(kind: str, draft_id: str, values: dict) -> None:
    settings().setValue(_key(kind, draft_id), json.dumps(values, ensure_ascii=False))
