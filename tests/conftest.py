"""Test-wide settings: no screen, a private store, the project root on sys.path."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# As in the program, the form layer comes before any PDF library: it keeps pypdf from loading a
# cryptography backend (forms/__init__.py), and the tests must see the program's pypdf.
import forms  # noqa: F401

# CI has no screen; Qt must never try to open one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _private_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may touch the real per-user store: point SHENBAO_DB at a temporary file."""
    if "SHENBAO_DB" not in os.environ or not os.environ["SHENBAO_DB"].startswith(str(tmp_path_factory.getbasetemp())):
        monkeypatch.setenv("SHENBAO_DB", str(tmp_path_factory.mktemp("store") / "drafts.sqlite3"))


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT
