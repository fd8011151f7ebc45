"""The gate for files named on the command line: draft JSON or an exported ``.shenbao`` file.

Before anything opens the path it must name a regular file: a FIFO would block the reader
forever, a device would never end. Then :func:`forms.draftkind.is_draft_file` picks the loader
(its name or its first bytes); each loader names what is wrong in one line
(:class:`forms.draft.DraftInputError`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from forms.draft import Draft, DraftInputError, load_draft_json
from forms.draftkind import is_draft_file

#: what a path that is no regular file is, by its file type
_NOT_REGULAR = ((stat.S_ISFIFO, "命名管道"), (stat.S_ISCHR, "设备"), (stat.S_ISBLK, "设备"), (stat.S_ISSOCK, "套接字"))


def check_regular_file(path: Path) -> None:
    """DraftInputError when ``path`` exists but is neither a regular file nor a folder (links
    are followed). A missing path or a folder is left to the loaders, which say so."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    kind = next((what for test, what in _NOT_REGULAR if test(mode)), "特殊文件")
    raise DraftInputError(f"{path} 是{kind}，不是普通文件，无法作为草稿读取")


class Input(NamedTuple):
    """A file read from the command line: the draft, its id in the draft file it came from
    (None for draft JSON) and whether that file had its personal numbers removed."""

    draft: Draft
    draft_id: str | None = None
    personal_removed: bool = False


def read_input(path: Path, passphrase: str | None = None) -> Input:
    """Draft JSON or an exported draft file; DraftInputError for anything unusable."""
    path = Path(path)
    check_regular_file(path)
    if is_draft_file(path):
        from forms.draftfile import read_draft_file  # SQLite and the attachment checks: a draft file only

        found = read_draft_file(path, passphrase=passphrase)
        return Input(found.draft, found.draft_id, found.personal_removed)
    return Input(load_draft_json(path))


def load_input(path: Path, passphrase: str | None = None) -> Draft:
    """Draft JSON or an exported draft file → Draft; DraftInputError for anything unusable."""
    return read_input(path, passphrase).draft
