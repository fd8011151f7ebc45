"""An OS error while reading a file the user handed in is told in Chinese, not in the OS's words."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from forms.draft import DraftInputError, attachment_file, read_input_bytes


def test_an_unreadable_input_is_explained_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(DraftInputError) as info:
        read_input_bytes(tmp_path / ("x" * 300 + ".json"), 1024, "草稿 JSON ")
    reason = str(info.value).rsplit("：", 1)[-1]
    assert reason == "文件名太长"
    assert not re.search(r"[A-Za-z]{4,}", reason)


def test_an_unreadable_attachment_is_explained_in_chinese(tmp_path: Path) -> None:
    blob, why = attachment_file(tmp_path, "x" * 300 + ".pdf")
    assert blob is None
    assert why[0] == "attachment_invalid.unreadable" and why[1]["reason"] == "文件名太长"
