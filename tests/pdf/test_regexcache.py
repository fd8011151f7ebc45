"""reportlab's costly regular expressions come from the per-user cache at a start (issue 13),
equal to what compiling them gives; a cache from another Python or a damaged one is not used.
Each run is a fresh interpreter (reportlab compiles its patterns once, at import) with its own
cache folder."""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pdf import regexcache

ROOT = Path(__file__).resolve().parents[2]

# Records what re.compile hands to the compiler while warming (reportlab's import included), then
# compares reportlab's patterns with patterns compiled afresh.
PROBE = """
import json, sys
from importlib import import_module
from re import _compiler
texts = []
_compile = _compiler.compile
def recording(p, flags=0):
    texts.append(p)
    return _compile(p, flags)
_compiler.compile = recording
from pdf import regexcache
{call}
_compiler.compile = _compile
patterns = [getattr(import_module(m), n) for m, n in regexcache.PATTERNS]
print(json.dumps({"seeded": regexcache.seeded, "compiled": [p.pattern in texts for p in patterns],
                  "equal": [p == _compile(p.pattern, p.flags) for p in patterns]}))
"""


def warm(tmp_path: Path, call: str = "regexcache.warm()") -> dict:
    env = dict(os.environ, XDG_CACHE_HOME=str(tmp_path / "cache"), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", PROBE.replace("{call}", call)], cwd=tmp_path, env=env, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    return json.loads(out.splitlines()[-1])  # after what the call printed


def cache_file(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "Shenbao" / "regex-code.marshal"


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the cache folder is set by XDG_CACHE_HOME")


def test_patterns_come_from_the_cache_and_equal_compiled_ones(tmp_path):
    first = warm(tmp_path)
    assert first == {"seeded": 0, "compiled": [True, True], "equal": [True, True]}
    assert cache_file(tmp_path).is_file()  # written for the next start
    later = warm(tmp_path)
    assert later == {"seeded": 2, "compiled": [False, False], "equal": [True, True]}


def test_preparing_a_worker_thread_print_warms_too(tmp_path):
    """The editor calls prepare_fonts() on its GUI thread before a print or preview thread."""
    prepare = "from pdf.export import prepare_fonts\nprepare_fonts()"
    assert warm(tmp_path, prepare)["seeded"] == 0
    assert warm(tmp_path, prepare) == {"seeded": 2, "compiled": [False, False], "equal": [True, True]}


def test_a_command_line_render_uses_the_cache(tmp_path):
    from forms.draft import dump_draft_json
    from forms.sample import sample_draft

    draft = tmp_path / "draft.json"
    draft.write_text(dump_draft_json(sample_draft()), encoding="utf-8")
    render = ("import runpy\nsys.argv = ['main.py', 'render', 'draft.json', '-o', 'out.pdf', '--draft']\n"
              f"try:\n    runpy.run_path({str(ROOT / 'main.py')!r}, run_name='__main__')\n"
              "except SystemExit:\n    pass")
    assert warm(tmp_path, render)["seeded"] == 0
    assert warm(tmp_path, render) == {"seeded": 2, "compiled": [False, False], "equal": [True, True]}
    assert (tmp_path / "out.pdf").read_bytes().startswith(b"%PDF")


def test_a_cache_of_another_python_is_not_used(tmp_path):
    warm(tmp_path)
    path = cache_file(tmp_path)
    stored = marshal.loads(path.read_bytes()[len(regexcache._MAGIC):])
    path.write_bytes(regexcache._MAGIC + marshal.dumps({**stored, "key": stored["key"] + "+other"}))
    assert warm(tmp_path) == {"seeded": 0, "compiled": [True, True], "equal": [True, True]}
    assert warm(tmp_path)["seeded"] == 2  # rewritten for this Python


@pytest.mark.parametrize("damage", [
    lambda blob: blob[:len(blob) // 2],  # cut short
    lambda blob: b"x" + blob,  # not our magic
    lambda blob: regexcache._MAGIC + marshal.dumps({"key": "k", "codes": None}),
])
def test_a_damaged_cache_is_compiled_over(tmp_path, damage):
    warm(tmp_path)
    path = cache_file(tmp_path)
    path.write_bytes(damage(path.read_bytes()))
    assert warm(tmp_path) == {"seeded": 0, "compiled": [True, True], "equal": [True, True]}
    assert warm(tmp_path)["seeded"] == 2


def test_code_the_engine_refuses_is_compiled_as_before():
    import re

    text = "(shenbao|申报)+refused"
    assert regexcache._seed([(text, 0, [1, 2, 3])]) == 0  # not valid code: nothing seeded
    assert (str, text, 0) not in re._cache
