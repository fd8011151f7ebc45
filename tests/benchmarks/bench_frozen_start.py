"""Benchmark: the editor's start as users get it, frozen, against a frozen bare window.

Run from the project root (Linux; needs PyInstaller, about a minute of building)::

    python tests/benchmarks/bench_frozen_start.py [--starts 9]

``bench_editor.py`` compares ``python main.py`` with a bare ``QMainWindow`` under the same
Python. Users start the PyInstaller bundle instead, whose modules come from an archive without
sources, after a bootloader and PyInstaller's runtime hooks. This script builds two bundles:

- the editor: ``installer/shenbao.spec`` itself (same analysis, excludes, data files, plugins),
  with bench_editor.py's start script as its entry instead of ``installer/entry.py`` — the same
  steps as ``main.py`` (the Qt-free command line, ``ui.app.open_editor``), timed stage by stage;
- the bare window: bench_editor.py's bare start script frozen on its own with PyInstaller's
  defaults (a bare program's bundle carries only what it imports and runs only its own hooks);

then starts each in turn (the maximal draft open in the editor, offscreen, an empty
environment as a user's double-click gives) and prints the medians, the ratio (the editor
issue's aim: ≤ 1.5×) and where the time goes. Not a test; not part of run.py (the builds take a
minute and PyInstaller is a build tool, not a test dependency).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "benchmarks"))

import bench_editor  # the start script both bundles run

SPEC = ROOT / "installer" / "shenbao.spec"
SPEC_ENTRY = 'str(ROOT / "installer" / "entry.py")'


def editor_spec(entry: Path, folder: Path) -> Path:
    """The program's spec with ``entry`` as its script: the spec computes ROOT from SPECPATH,
    which PyInstaller sets to the folder of the spec it builds, so it is set back to installer/."""
    text = SPEC.read_text(encoding="utf-8")
    if text.count(SPEC_ENTRY) != 1:
        raise SystemExit(f"{SPEC} no longer names its entry as {SPEC_ENTRY}: update this script")
    text = text.replace(SPEC_ENTRY, repr(str(entry)))
    spec = folder / "bench-editor.spec"
    spec.write_text(f"SPECPATH = {str(SPEC.parent)!r}\n" + text, encoding="utf-8")
    return spec


def build(work: Path) -> tuple[Path, Path]:
    """(editor program, bare program), both built in ``work``."""
    entry = work / "start.py"
    entry.write_text(bench_editor._CHILD.format(root=str(ROOT)), encoding="utf-8")
    common = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR"]
    print("building the editor's bundle (installer/shenbao.spec) …", flush=True)
    subprocess.run([*common, "--distpath", str(work / "dist-editor"), "--workpath", str(work / "build-editor"),
                    str(editor_spec(entry, work))], cwd=ROOT, check=True, capture_output=True)
    print("building the bare window's bundle …", flush=True)
    subprocess.run([*common, "--onedir", "--name", "bare", "--distpath", str(work / "dist-bare"),
                    "--workpath", str(work / "build-bare"), "--specpath", str(work), str(entry)],
                   cwd=work, check=True, capture_output=True)
    return work / "dist-editor" / "shenbao" / "shenbao-cli", work / "dist-bare" / "bare" / "bare"


def start(program: Path, mode: str, store: Path, folder: Path) -> tuple[float, dict[str, float]]:
    """One start: seconds to an interactive window, and seconds per stage."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(folder), "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([str(program), mode, repr(time.time()), str(store), str(folder)], env=env, cwd=folder,
                         capture_output=True, text=True, check=True).stdout.strip().split("\t")
    return float(out[0]), {name: float(s) for name, s in (item.split("=") for item in out[2:])}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=9)
    args = parser.parse_args()
    from forms.store import Store
    from tests.drafts import maximal_draft

    with tempfile.TemporaryDirectory(prefix="shenbao-frozen-") as name:
        work = Path(name)
        editor, bare = build(work)
        store = work / "drafts.sqlite3"
        with Store(store) as drafts:
            drafts.create(maximal_draft())
        runs = {"bare": [], "editor": []}
        for program, mode in ((bare, "bare"), (editor, "editor")):
            start(program, mode, store, work)  # warm: the OS file cache
        for _ in range(args.starts):  # interleaved: a busy moment hits both
            runs["bare"].append(start(bare, "bare", store, work))
            runs["editor"].append(start(editor, "editor", store, work))
    medians = {mode: statistics.median(t for t, _ in results) for mode, results in runs.items()}
    ratio = medians["editor"] / medians["bare"]
    verdict = "ok" if ratio <= bench_editor.START_RATIO else "MISSED"
    print(f"frozen start to interactive (median of {args.starts}): bare QMainWindow {medians['bare'] * 1000:.0f} ms, "
          f"editor with the maximal draft {medians['editor'] * 1000:.0f} ms → {ratio:.2f}× "
          f"(aim ≤ {bench_editor.START_RATIO}×) {verdict}")
    for mode, results in runs.items():
        stages = ", ".join(f"{stage} {statistics.median(s[stage] for _, s in results) * 1000:.0f}"
                           for stage in results[0][1])
        print(f"  {mode} stages (median ms; 'Python' includes the bootloader and PyInstaller's hooks): {stages}")


if __name__ == "__main__":
    main()
