"""Start times of the frozen programs beside ``python main.py``: ``python installer/startup_times.py dist/shenbao``.

Linux only. For each case it prints a cold time (the files' pages dropped from the page cache
with posix_fadvise(DONTNEED) first, and for Python a fresh, empty bytecode cache) and the
median of five warm runs, each as wall time and the child's CPU time. Cases: ``--version`` (the interpreter and the command line), ``validate``
of the sample (the form definition, babel, the checks) and the editor until its main window has
been shown and photographed (SHENBAO_SMOKE_SCREENSHOT, installer/entry.py; includes its 0.3 s
wait). Unfrozen, the same entry.py runs under this Python.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_RUNS = 5


def evict(*trees: Path) -> None:
    for tree in trees:
        for path in [tree] if tree.is_file() else tree.rglob("*"):
            try:
                if path.is_file() and not path.is_symlink():
                    fd = os.open(path, os.O_RDONLY)
                    try:
                        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                    finally:
                        os.close(fd)
            except OSError:
                pass


def timed(command: list[str], env: dict, cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the child): on a busy machine the CPU time compares better."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, env=env, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else ROOT / "dist" / "shenbao").resolve()
    python_files = [Path(sysconfig.get_paths()["stdlib"]), Path(sysconfig.get_paths()["purelib"]), ROOT]
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        base = {"PATH": "/usr/bin:/bin", "HOME": str(work), "QT_QPA_PLATFORM": "offscreen",
                "SHENBAO_DB": str(work / "drafts.sqlite3")}
        subprocess.run([str(bundle / "shenbao-cli"), "sample", "-o", "s.json"], env=base, cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        shot = {"SHENBAO_SMOKE_SCREENSHOT": str(work / "shot.png")}
        cases = {
            "--version": ["--version"],
            "validate sample": ["validate", "s.json"],
            "editor to first window": [],
        }
        print("wall seconds (CPU seconds)")
        print(f"{'case':24} {'frozen cold':>14} {'frozen warm':>14} {'python cold':>14} {'python warm':>14}")
        for name, args in cases.items():
            row = []
            for kind in ("frozen", "python"):
                env = dict(base, **(shot if not args else {}))
                if kind == "frozen":
                    command = [str(bundle / ("shenbao" if not args else "shenbao-cli")), *args]
                    evict(bundle)
                else:
                    # entry.py: main.main() plus the screenshot hook the editor case needs
                    command = [sys.executable, str(ROOT / "installer" / "entry.py"), *args]
                    env["PYTHONPATH"] = str(ROOT)
                    env["PYTHONPYCACHEPREFIX"] = str(work / f"pycache-{name}")   # no bytecode yet: compiled now
                    evict(*python_files)
                cold = timed(command, env, work)
                runs = [timed(command, env, work) for _ in range(WARM_RUNS)]
                warm = (statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs))
                row += [cold, warm]
            print(f"{name:24} " + " ".join(f"{w:6.2f} ({c:4.2f})" for w, c in row))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
