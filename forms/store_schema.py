"""The store's schema: sqlite-utils migrations, one per schema version.

See :mod:`forms.store` for the tables and their rationale. Each migration step also sets
``PRAGMA user_version``, so an older program refuses a newer store instead of damaging it.

sqlite-utils (about 0.1 s to import, with click, dateutil and pluggy) is loaded only when a
store is created or upgraded: :data:`MIGRATIONS` is built on first use.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

from forms.store_codec import StoreError, draft_from_row, encode, new_hasher, problem_counts

if TYPE_CHECKING:
    from sqlite_utils import Database, Migrations

APPLICATION_ID = 0x5342_4B31  # 'SBK1'
#: The schema version this program writes (``PRAGMA user_version``).
SCHEMA_VERSION = 2


# --------------------------------------------------------------------------- schema


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


def _m0002_listing_summary(db: Database) -> None:
    """Cache what the draft list shows, so listing never parses or validates drafts."""
    table = db["drafts"]
    table.add_column("unit_name", str, not_null_default="")
    table.add_column("problem_count", int, not_null_default=0)
    table.add_column("error_count", int, not_null_default=0)
    table.add_column("content_hash", str, not_null_default="")
    table.create_index(["updated"])
    hasher = new_hasher()
    rows = db.execute("SELECT id, form_id, data FROM drafts").fetchall()
    for row in rows:  # the store reads rows by name (sqlite3.Row)
        draft_id = row["id"]
        files = {f["name"]: f["data"] for f in db.execute(
            "SELECT f.name, b.data FROM draft_files f JOIN blobs b ON b.sha256 = f.sha256 "
            "WHERE f.draft_id = ?", (draft_id,))}
        try:
            draft = draft_from_row(row["form_id"], row["data"], files)
        except StoreError:
            continue  # an edition this program lacks: the summary stays empty
        encoded = encode(draft, hasher)
        n_problems, n_errors = problem_counts(draft)
        db.execute("UPDATE drafts SET unit_name = ?, problem_count = ?, error_count = ?, content_hash = ? "
                   "WHERE id = ?", (encoded.unit_name, n_problems, n_errors, encoded.content_hash, draft_id))
    db.execute("PRAGMA user_version = 2")


#: The steps in order, by the names recorded in ``_sqlite_migrations`` (never rename one).
_STEPS = (("0001_initial", _m0001_initial), ("0002_listing_summary", _m0002_listing_summary))


@cache
def migrations() -> Migrations:
    """sqlite-utils' ``Migrations`` of the store (the same object every call)."""
    from sqlite_utils import Migrations

    steps = Migrations("shenbao-store")
    for name, fn in _STEPS:
        steps(name=name)(fn)
    return steps


def __getattr__(name: str) -> object:
    if name == "MIGRATIONS":  # as before: ``from forms.store_schema import MIGRATIONS``
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
