"""Which loader a file named by the user needs — a draft file (``.shenbao``, spec §5) or draft
JSON — told from its name and first bytes without loading :mod:`forms.draftfile` (SQLite, the
attachment checker; issue 13: a render of draft JSON loads none of it)."""

from __future__ import annotations

from pathlib import Path

SQLITE_MAGIC = b"SQLite format 3\x00"
SUFFIX = ".shenbao"
#: The first 16 bytes of a passphrase-encrypted draft file.
ENCRYPTED_MAGIC = b"SHENBAO-ENCRYPT\x00"


def is_draft_file(path: Path) -> bool:
    """True when ``path`` should be read as a draft file: named ``*.shenbao``, or starting like
    one (plain or encrypted). A damaged or foreign ``.shenbao`` is then refused as not being a
    valid draft file, instead of being read as draft JSON."""
    path = Path(path)
    if path.suffix.lower() == SUFFIX:
        return True
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head == SQLITE_MAGIC or head.startswith(ENCRYPTED_MAGIC)
