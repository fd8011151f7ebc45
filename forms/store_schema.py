"""The store's schema (sqlite-utils migrations) and the row <-> draft conversions.

Split from :mod:`forms.store` to keep modules small; see its docstring for the schema and its
rationale. Each migration step also sets ``PRAGMA user_version``, so an older program refuses a
newer store instead of damaging it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlite_utils import Database, Migrations

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

APPLICATION_ID = 0x5342_4B31  # 'SBK1'
UTC = dt.timezone.utc


class StoreError(Exception):
    """The store cannot do what was asked; the message says why, in Chinese."""


# --------------------------------------------------------------------------- schema

MIGRATIONS = Migrations("shenbao-store")


@MIGRATIONS(name="0001_initial")
def _m0001_initial(db: Database) -> None:
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db["drafts"].create(
        {"id": str, "form_id": str, "data": str, "created": str, "updated": str, "deleted_at": str,
         "origin_id": str, "personal_removed": int},
        pk="id", not_null={"id", "form_id", "data", "created", "updated", "personal_removed"},
        defaults={"personal_removed": 0},
    )
    db["blobs"].create({"sha256": str, "size": int, "data": bytes}, pk="sha256",
                       not_null={"sha256", "size", "data"})
    db["draft_files"].create(
        {"draft_id": str, "name": str, "mime": str, "sha256": str}, pk=("draft_id", "name"),
        not_null={"draft_id", "name", "mime", "sha256"},
        foreign_keys=[("draft_id", "drafts", "id"), ("sha256", "blobs", "sha256")],
    )
    db["revisions"].create(
        {"id": int, "draft_id": str, "created": str, "opened": str, "reason": str, "explicit": int,
         "content_hash": str, "form_id": str, "data": str},
        pk="id", not_null={"draft_id", "created", "opened", "reason", "explicit", "content_hash",
                           "form_id", "data"},
        foreign_keys=[("draft_id", "drafts", "id")],
    )
    db["revision_files"].create(
        {"revision_id": int, "name": str, "mime": str, "sha256": str}, pk=("revision_id", "name"),
        not_null={"revision_id", "name", "mime", "sha256"},
        foreign_keys=[("revision_id", "revisions", "id"), ("sha256", "blobs", "sha256")],
    )
    db["revisions"].create_index(["draft_id", "id"])
    db["revisions"].create_index(["explicit", "created"])
    db["draft_files"].create_index(["sha256"])
    db["revision_files"].create_index(["sha256"])
    db["drafts"].create_index(["deleted_at"])
    db.execute("PRAGMA user_version = 1")


@MIGRATIONS(name="0002_listing_summary")
def _m0002_listing_summary(db: Database) -> None:
    """Cache what the draft list shows, so listing never parses or validates drafts."""
    table = db["drafts"]
    table.add_column("unit_name", str, not_null_default="")
    table.add_column("problem_count", int, not_null_default=0)
    table.add_column("error_count", int, not_null_default=0)
    table.add_column("content_hash", str, not_null_default="")
    table.create_index(["updated"])
    rows = db.execute("SELECT id, form_id, data FROM drafts").fetchall()
    for draft_id, form_id, data in rows:
        files = {name: blob for name, blob in db.execute(
            "SELECT f.name, b.data FROM draft_files f JOIN blobs b ON b.sha256 = f.sha256 "
            "WHERE f.draft_id = ?", (draft_id,))}
        try:
            draft = _draft_from_row(form_id, data, files)
        except StoreError:
            continue  # an edition this program lacks: the summary stays empty
        summary = _summarise(draft, _Hasher())
        db.execute("UPDATE drafts SET unit_name = ?, problem_count = ?, error_count = ?, content_hash = ? "
                   "WHERE id = ?", (summary.unit_name, summary.problem_count, summary.error_count,
                                    summary.content_hash, draft_id))
    db.execute("PRAGMA user_version = 2")


# --------------------------------------------------------------------------- helpers


def _iso(when: dt.datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="microseconds")


def _parse(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    when = dt.datetime.fromisoformat(text)
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def _hash_and_mime(blob: bytes) -> tuple[str, str]:
    from forms.draftfile import mime_of

    return hashlib.sha256(blob).hexdigest(), mime_of(blob)


def _Hasher(size: int = 256) -> BytesMemo:  # noqa: N802 - kept callable like the class it was
    """SHA-256 and MIME type of attachment bytes, remembered per bytes object."""
    return BytesMemo(_hash_and_mime, size)


@dataclass
class _Prepared:
    """A draft turned into what the store writes."""

    form_id: str
    data_json: str
    files: dict[str, tuple[str, str, bytes]]  # name -> (sha256, mime, bytes)
    content_hash: str
    unit_name: str
    problem_count: int
    error_count: int


def _summarise(draft: Draft, hasher: BytesMemo, problems: list | None = None) -> _Prepared:
    from forms.validate import validate

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
    if problems is None:
        problems = validate(draft)
    return _Prepared(
        form_id=draft.form.id, data_json=data_json, files=files,
        content_hash=hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        unit_name=draft.unit_name, problem_count=len(problems),
        error_count=sum(1 for p in problems if p.is_error),
    )


def _draft_from_row(form_id: str, data_json: str, files: dict[str, bytes]) -> Draft:
    doc = {"format": FORMAT, "version": VERSION, "form": form_id, "data": json.loads(data_json)}
    try:
        draft = draft_from_document(doc, load_files=False)
    except DraftInputError as exc:
        raise StoreError(f"草稿无法读取（{exc}）；它可能由更新版本的申报助手保存，请升级") from None
    draft.files.update(files)
    return draft
