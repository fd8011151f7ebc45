"""What ``python main.py validate|render draft.json`` loads (issue 13): a draft without
attachments needs none of pypdf, Pillow, cryptography or fontTools (they come with an attachment
to inspect or a draft file to open), no babel (dates are written by forms.display), and, once the
compiled form is cached, no PyYAML. A render adds reportlab (which loads Pillow itself) and
nothing else heavy. Each run is a fresh interpreter with its own cache folder."""

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

# Modules a render or validate of draft JSON without attachments never needs, with why they were
# once loaded: each was a few to 25 ms of a start.
NOT_FOR_DRAFT_JSON = {
    "forms.draftfile": "reading a .shenbao draft file (SQLite) when the input is JSON",
    "sqlite3": "the draft file and the store",
    "urllib.request": "xml.sax.saxutils, for escape() alone (pdf.textlayer)",
    "importlib.metadata": "the program version (forms.about reads it beside the sources)",
    "babel": "a long date (forms.display)",
}

# Runs main.py as `python main.py ARGS…` would, then lists the modules it loaded (a ``None`` entry
# is a module blocked from loading, such as pypdf's cryptography provider, not a loaded one).
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
    json.dump({"code": code, "modules": sorted(m for m, mod in sys.modules.items() if mod is not None)}, fh)
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the cache folder is set by XDG_CACHE_HOME")


def modules_loaded_by(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """(exit code, every module loaded) of ``python main.py ARGS…`` in a fresh process."""
    report = tmp_path / "report.json"
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-c", PROBE, str(report), str(ROOT / "main.py"), *args],
                   cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    found = json.loads(report.read_text(encoding="utf-8"))
    return found["code"], set(found["modules"])


def loaded_by(tmp_path: Path, *args: str) -> tuple[int, set[str]]:
    """(exit code, top-level packages loaded) of ``python main.py ARGS…`` in a fresh process."""
    code, modules = modules_loaded_by(tmp_path, *args)
    return code, {m.split(".")[0] for m in modules}


def unneeded(modules: set[str]) -> set[str]:
    """The modules of :data:`NOT_FOR_DRAFT_JSON` (or their submodules) among ``modules``."""
    return {m for m in modules for name in NOT_FOR_DRAFT_JSON if m == name or m.startswith(name + ".")}


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
    code, later = modules_loaded_by(tmp_path, "validate", str(max_json))
    assert code == 0
    assert {m.split(".")[0] for m in later} & HEAVY == set()
    assert unneeded(later) == set()
    assert "secrets" not in later  # names a temporary file: a validate writes none


def test_render_of_draft_json_loads_only_what_it_prints(tmp_path, max_json):
    out = tmp_path / "max.pdf"
    code, first = loaded_by(tmp_path, "render", str(max_json), "-o", str(out))
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    assert first & HEAVY == {"yaml", "reportlab", "PIL"}
    out.unlink()
    code, later = modules_loaded_by(tmp_path, "render", str(max_json), "-o", str(out))
    assert code == 0 and out.read_bytes().startswith(b"%PDF")
    # reportlab.lib.utils imports Pillow at its top, whatever is printed
    assert {m.split(".")[0] for m in later} & HEAVY == {"reportlab", "PIL"}
    assert unneeded(later) == set()


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
