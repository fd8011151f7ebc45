"""The gate for files named on the command line: draft JSON or an exported ``.shenbao`` file.

Before a loader reads a byte the path must name a regular file (a FIFO would block the reader
forever, a device would never end). The first bytes decide the loader: the draft-file
signatures go to :mod:`forms.draftfile`, text that can be JSON to :mod:`forms.draft`, anything
else (a ZIP renamed ``.shenbao``, a picture, a damaged encrypted file) is named for what it is.
Whatever goes wrong is a :class:`forms.draft.DraftInputError` with one clear line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import NamedTuple

from forms.draft import Draft, DraftInputError, load_draft_json
from forms.fsutil import os_error_text

DRAFT_FILE_SUFFIX = ".shenbao"

#: file signatures people are likely to hand over by mistake → what to call them
_KNOWN_KINDS = (
    (b"PK\x03\x04", "ZIP 压缩包（或 Word/Excel 文档）"),
    (b"PK\x05\x06", "ZIP 压缩包"),
    (b"%PDF-", "PDF 文件"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xff\xd8\xff", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\xd0\xcf\x11\xe0", "旧版 Word/Excel 文档"),
    (b"Rar!", "RAR 压缩包"),
    (b"7z\xbc\xaf", "7z 压缩包"),
)
_TEXT_CONTROLS = frozenset(b"\t\n\r\f")


def _not_regular(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "是文件夹，不是草稿文件"
    if stat.S_ISFIFO(mode):
        return "是命名管道，不是普通文件，无法作为草稿读取"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "是设备，不是普通文件，无法作为草稿读取"
    if stat.S_ISSOCK(mode):
        return "是套接字，不是普通文件，无法作为草稿读取"
    return "不是普通文件，无法作为草稿读取"


def check_regular_file(path: Path) -> None:
    """DraftInputError unless ``path`` names an existing regular file (links are followed)."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise DraftInputError(f"找不到文件 {path}") from None
    except OSError as exc:
        raise DraftInputError(f"无法读取 {path}：{os_error_text(exc)}") from None
    problem = _not_regular(mode)
    if problem:
        raise DraftInputError(f"{path} {problem}")


def _head(path: Path, size: int = 64) -> bytes:
    try:
        with open(path, "rb") as fh:
            return fh.read(size)
    except OSError as exc:
        raise DraftInputError(f"无法读取 {path}：{os_error_text(exc)}") from None


def _is_draft_file(head: bytes) -> bool:
    from forms import draftfile

    return head.startswith((draftfile.SQLITE_MAGIC, draftfile.ENCRYPTED_MAGIC))


def _foreign_kind(head: bytes) -> str | None:
    """What the file is when it cannot be draft JSON (binary bytes), else None."""
    for magic, kind in _KNOWN_KINDS:
        if head.startswith(magic):
            return kind
    if any(b < 0x20 and b not in _TEXT_CONTROLS for b in head):
        return "二进制文件"
    return None


def _could_be_json(head: bytes) -> bool:
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return not text or text[:1] in (b"{", b"[")


def is_draft_file(path: Path) -> bool:
    """True when ``path`` starts like an exported ``.shenbao`` file (plain or encrypted)."""
    try:
        check_regular_file(path)
        return _is_draft_file(_head(path))
    except DraftInputError:
        return False


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
    head = _head(path)
    if _is_draft_file(head):
        from forms import draftfile

        found = draftfile.read_draft_file(path, passphrase=passphrase)
        return Input(found.draft, found.draft_id, found.personal_removed)
    kind = _foreign_kind(head)
    named_draft_file = path.suffix.lower() == DRAFT_FILE_SUFFIX
    if kind or (named_draft_file and not _could_be_json(head)):
        what = f"，而是{kind}" if kind else "（可能已损坏，或是改了扩展名的其他文件）"
        raise DraftInputError(f"{path} 不是申报助手草稿文件，也不是草稿 JSON{what}")
    return Input(load_draft_json(path))


def load_input(path: Path, passphrase: str | None = None) -> Draft:
    """Draft JSON or an exported draft file → Draft; DraftInputError for anything unusable."""
    return read_input(path, passphrase).draft
