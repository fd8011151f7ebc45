"""What ``python main.py validate draft.json`` loads (issue 13): a draft without attachments needs
none of pypdf, Pillow, cryptography or fontTools (they come with an attachment to inspect or a
draft file to open), no babel (no date is shown), and, once the compiled form is cached, no
PyYAML. Each run is a fresh interpreter with its own cache folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from forms.draft import dump_draft_json
from forms.sample import write_sample
from tests.drafts import maximal_draft

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"pypdf", "PIL", "cryptography", "fontTools", "yaml", "babel", "reportlab", "PySide6"}

# Runs main.py as `python main.py ARGS…` would, then lists the top-level packages it loaded.
PROBE = """
import json, runpy, sys
report, main, *args = sys.argv[1:]
sys.argv = [main, *args]
try:
    runpy.run_path(main, run_name="__main__")
    code = 0
except SystemExit as exc:
    code = exc.code
with open(report, "w", encoding="utf-8") as fh:
    json.dump({"code": code, "modules": sorted({m.split(".")[0] for m in sys.modules})}, fh)
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the cache folder is set by XDG_CACHE_HOME")


def loaded_by(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """(exit code, top-level packages loaded) of ``python main.py ARGS…`` in a fresh process."""
    report = tmp_path / "report.json"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"))
    subprocess.run([sys.executable, "-c", PROBE, str(report), str(ROOT / "main.py"), *args],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    found = json.loads(report.read_text(encoding="utf-8"))
    return found["code"], set(found["modules"])


@pytest.fixture
def max_json(tmp_path: Path) -> Path:
    draft = maximal_draft()
    draft.data["attachments"] = []
    draft.files.clear()
    path = tmp_path / "max.json"
    path.write_text(dump_draft_json(draft), encoding="utf-8")
    return path


def test_validate_of_draft_json_loads_nothing_heavy(tmp_path, max_json):
    code, first = loaded_by(tmp_path, "validate", str(max_json))
    assert code == 0
    assert first & HEAVY == {"yaml"}  # the first start parses the definition, and caches it
    code, later = loaded_by(tmp_path, "validate", str(max_json))
    assert code == 0
    assert later & HEAVY == set()


def test_an_attachment_is_still_inspected(tmp_path):
    sample = tmp_path / "sample"
    sample.mkdir()
    written = write_sample(sample / "sample.json")
    assert any(p.suffix == ".pdf" for p in written)  # the sample carries a PDF attachment
    loaded_by(tmp_path, "validate", str(sample / "sample.json"))  # fills the cache
    code, modules = loaded_by(tmp_path, "validate", str(sample / "sample.json"))
    assert code == 0
    assert "pypdf" in modules  # the probe sees what a command loads: here the PDF checker


def store_loads_sqlite_utils(path: Path) -> bool:
    code = ("import sys\nfrom forms.store import Store\n"
            f"with Store({str(path)!r}) as store:\n    store.list_drafts()\n"
            "print('sqlite_utils' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True,
                         timeout=120).stdout
    return {"True\n": True, "False\n": False}[out]


def test_opening_a_current_store_needs_no_sqlite_utils(tmp_path):
    path = tmp_path / "drafts.sqlite3"
    assert store_loads_sqlite_utils(path)  # a new store: its tables are made by the migrations
    assert not store_loads_sqlite_utils(path)  # up to date: nothing to migrate, ~0.1 s less at start
