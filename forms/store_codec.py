"""The store's row codec: a draft to the values the store writes and back, its content hash,
the listing summary, and times as stored. No SQL here (see :mod:`forms.store_schema` for the
tables and :mod:`forms.store` for the store itself)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass

from forms.draft import (
    FORMAT,
    VERSION,
    Draft,
    DraftInputError,
    canonical_dump,
    draft_from_document,
    to_json_data,
)
from forms.fsutil import BytesMemo

UTC = dt.timezone.utc


class StoreError(Exception):
    """The store cannot do what was asked; the message says why, in Chinese."""


# --------------------------------------------------------------------------- times


def iso(when: dt.datetime) -> str:
    """A time as stored: ISO 8601 UTC with microseconds."""
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- attachments


def _hash_and_mime(blob: bytes) -> tuple[str, str]:
    from forms.draftfile import mime_of

    return hashlib.sha256(blob).hexdigest(), mime_of(blob)


def new_hasher(size: int = 256) -> BytesMemo:
    """SHA-256 and MIME type of attachment bytes, remembered per bytes object (thread-safe)."""
    return BytesMemo(_hash_and_mime, size)


# --------------------------------------------------------------------------- draft -> row


@dataclass(frozen=True)
class Encoded:
    """A draft turned into what the store writes (without the problem counts)."""

    form_id: str
    data_json: str
    files: dict[str, tuple[str, str, bytes]]  # name -> (sha256, mime, bytes)
    content_hash: str
    unit_name: str


def encode(draft: Draft, hasher: BytesMemo) -> Encoded:
    """The row values of ``draft``; attachment bytes are hashed once per bytes object."""
    data = to_json_data(draft)
    data_json = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    files: dict[str, tuple[str, str, bytes]] = {}
    for item in data.get("attachments", []):
        name = item.get("file") or ""
        blob = draft.files.get(name) if name else None
        if blob is None:
            item["file"] = None
            continue
        if name not in files:
            sha, mime = hasher(blob)
            files[name] = (sha, mime, blob)
        item["file"] = files[name][0]
    canonical = canonical_dump(draft.form.id, data)  # = Draft.canonical_json(), hashes remembered
    return Encoded(form_id=draft.form.id, data_json=data_json, files=files,
                   content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
                   unit_name=draft.unit_name)


def problem_counts(draft: Draft, problems: list | None = None) -> tuple[int, int]:
    """(problems, errors) for the listing; validates when ``problems`` is not given."""
    if problems is None:
        from forms.validate import validate

        problems = validate(draft)
    return len(problems), sum(1 for p in problems if p.is_error)


# --------------------------------------------------------------------------- row -> draft


def draft_from_row(form_id: str, data_json: str, files: Mapping[str, bytes]) -> Draft:
    doc = {"format": FORMAT, "version": VERSION, "form": form_id, "data": json.loads(data_json)}
    try:
        draft = draft_from_document(doc, load_files=False)
    except DraftInputError as exc:
        raise StoreError(f"草稿无法读取（{exc}）；它可能由更新版本的申报助手保存，请升级") from None
    draft.files.update(files)
    return draft
