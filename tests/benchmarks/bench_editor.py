"""Benchmark: the editor with the maximal draft (issue 10, "Show").

Run from the project root::

    python tests/benchmarks/bench_editor.py [--keys 200] [--starts 3] [--json]

``--json``: the last line of the output is one JSON list of ``{figure, value, baseline, ratio,
budget, ok}`` (what tests/benchmarks/run.py reads into its table).

Not a test: it prints figures, each beside a baseline measured in the same run.

- start: process start to an interactive window (shown, first events processed) with the
  maximal draft (tests/drafts.py: 60 members, 1000/2000 字 texts, attachments) open, against a
  bare ``QMainWindow`` started the same way (aim ≤ 1.5×); beside them, for comparison only, a
  minimal form window without the program (the Qt classes the editor uses, the bundled font, a
  menu bar, a list of parts, 15 labelled fields and a long text): what any form window in
  PySide6 pays before its program does anything. The three are started in turn;
- keystroke to repaint: 200 keys into the long text ``plan``, the leader's ID number and a
  member-table cell; each timed from the key event until the events it caused (the repaint of
  what changed, and any check or autosave timer that fell due) are processed (aim < 16 ms
  worst), beside the same keys in bare Qt widgets; plus the whole-draft check and the autosave.
  Before the first key of each series the events already queued are processed (showing the
  field's part, scrolling to it): until this script did so, the first key of each series also
  paid for painting the part just switched to, and that key was the worst of its series;
- memory: resident set size with the maximal draft open, against the bare window.

The editor starts as ``python main.py`` starts it: the Qt-free command line first (``ui.cli``
imports the forms core before any Qt, so PySide6's import hook, which reads the source of every
module imported after ``PySide6.QtCore``, does not see those), then ``ui.app`` and what
``ui.app.run`` does: the single-instance check, the store, the window with the last draft, and
``ui.app.start_runtime`` (garbage collected on the GUI thread only, frozen once the window is
ready). Until 2026-12-05 it imported Qt first and skipped the command line and the
single-instance check, which made the start look ~15 ms shorter than the program's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FRAME_MS = 16.0
START_RATIO = 1.5
FIGURES: list[dict] = []  # what --json prints


def figure(name: str, value: str, baseline: str = "", ratio: str = "", budget: str = "", ok: bool | None = None) -> None:
    FIGURES.append({"figure": name, "value": value, "baseline": baseline, "ratio": ratio, "budget": budget, "ok": ok})

_CHILD = r"""
import os, sys, time
t0 = float(sys.argv[2])
marks = [("Python", time.time())]  # each stage ends at its mark
def mark(name):
    marks.append((name, time.time()))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, {root!r})
mode = sys.argv[1]
if mode == "bare":
    from PySide6.QtCore import QTimer
    mark("QtCore")
    from PySide6.QtWidgets import QApplication, QMainWindow
    mark("other imports")
    app = QApplication([])
    mark("application")
    window = QMainWindow()
    mark("window and draft")
elif mode == "floor":
    # Any form window in PySide6 pays these, whatever its program does: Qt's namespace, font and
    # widget classes (PySide6 creates every enum of a class on its first use: Qt alone has 99),
    # the bundled font, a menu bar, a list of parts, a page of labelled fields, a long text.
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtGui import QAction, QFont, QFontDatabase, QKeySequence
    from PySide6.QtWidgets import (QApplication, QGridLayout, QLabel, QLineEdit, QListWidget, QMainWindow,
                                   QPlainTextEdit, QScrollArea, QSplitter, QStackedWidget, QWidget)
    mark("Qt imports")
    app = QApplication([])
    font_id = QFontDatabase.addApplicationFont({font!r})
    font = QFont(QFontDatabase.applicationFontFamilies(font_id)[0])
    font.setPointSize(10)
    app.setFont(font)
    mark("application")
    window = QMainWindow()
    for title in ("文件", "编辑", "视图", "帮助"):
        menu = window.menuBar().addMenu(title)
        for i in range(8):
            action = QAction(f"操作{{i}}", window)
            action.setShortcut(QKeySequence(f"Ctrl+{{i}}"))
            menu.addAction(action)
    parts = QListWidget()
    parts.addItems([f"第{{i}}部分" for i in range(12)])
    page = QWidget()
    grid = QGridLayout(page)
    for row in range(15):
        grid.addWidget(QLabel(f"项目{{row}}"), row, 0, alignment=Qt.AlignmentFlag.AlignRight)
        grid.addWidget(QLineEdit("上海市知识产权产学研运营联合体"), row, 1)
    grid.addWidget(QPlainTextEdit("项目实施计划" * 300), 15, 0, 1, 2)
    scroll = QScrollArea()
    scroll.setWidget(page)
    scroll.setWidgetResizable(True)
    stack = QStackedWidget()
    stack.addWidget(scroll)
    splitter = QSplitter()
    splitter.addWidget(parts)
    splitter.addWidget(stack)
    window.setCentralWidget(splitter)
    window.statusBar().showMessage("已保存")
    mark("window")
else:
    # In main.py's order: its Qt-free command line first (it imports the forms core and says
    # the editor is wanted), then ui.app, whose import brings Qt; then what ui.app.run does.
    from ui import cli
    request = cli.editor_request(["--db", sys.argv[3]])
    mark("command line and forms")
    from PySide6.QtCore import QSettings, QTimer
    from ui.app import make_application, open_editor
    mark("Qt and the editor's modules")
    app = make_application()
    mark("application")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[4])
    editor = open_editor(app, request.paths, store_path=request.store_path)
    window = editor.window
    mark("window and draft")
window.resize(1366, 768)
window.show()
def ready():
    mark("show and first events")
    ends = [t0] + [t for _, t in marks]
    print(time.time() - t0, rss_mb(), *(f"{{name}}={{t - ends[i]}}" for i, (name, t) in enumerate(marks)),
          sep="\t", flush=True)
    app.quit()
def rss_mb():
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
QTimer.singleShot(0, ready)
app.exec()
"""


def start_once(mode: str, store: Path, settings: Path) -> tuple[float, float, dict[str, float]]:
    """One start: seconds to interactive, resident MB, and seconds per stage. The bare window's:
    Python's own start, PySide6.QtCore, the other imports, application, window and draft, show
    and first events; the minimal form window's: Python, the Qt imports, application (with the
    font), window, show and first events; the editor's: Python, the command line and forms (no Qt yet), Qt and the
    editor's modules (PySide6.QtCore included), then the same last three."""
    code = _CHILD.format(root=str(ROOT), font=str(ROOT / "resources" / "fonts" / "ShenbaoHei.ttf"))
    # Byte code as an installed program has it (PYTHONDONTWRITEBYTECODE would compile every
    # module from source at every start): the first, warm-up start writes it.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    out = subprocess.run([sys.executable, "-c", code, mode, repr(time.time()), str(store), str(settings)],
                         capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout.strip().split("\t")
    stages = {name: float(seconds) for name, seconds in (item.split("=") for item in out[2:])}
    return float(out[0]), float(out[1]), stages


def _stages(starts: list[tuple[float, float, dict[str, float]]]) -> str:
    """Median milliseconds per stage of several starts."""
    names = list(starts[0][2])
    return ", ".join(f"{name} {statistics.median(s[name] for _, _, s in starts) * 1000:.0f}" for name in names)


def bench_start(starts: int) -> None:
    from forms.store import Store
    from tests.drafts import maximal_draft

    temp = Path(tempfile.mkdtemp(prefix="shenbao-bench-"))
    store_path = temp / "drafts.sqlite3"
    with Store(store_path) as store:
        store.create(maximal_draft())
    start_once("editor", store_path, temp)  # warm-up: byte code written, disk caches filled
    bare, floor, editor = [], [], []
    for _ in range(starts):  # interleaved: a change of the machine's load touches all three alike
        bare.append(start_once("bare", store_path, temp))
        floor.append(start_once("floor", store_path, temp))
        editor.append(start_once("editor", store_path, temp))
    b = statistics.median(t for t, _, _ in bare)
    f = statistics.median(t for t, _, _ in floor)
    e = statistics.median(t for t, _, _ in editor)
    print(f"start to interactive (median of {starts}): bare QMainWindow {b * 1000:.0f} ms, "
          f"editor with the maximal draft {e * 1000:.0f} ms → {e / b:.2f}× (aim ≤ {START_RATIO}×)")
    figure("editor: start to interactive, maximal draft", f"{e * 1000:.0f} ms", f"bare QMainWindow {b * 1000:.0f} ms",
           f"{e / b:.2f}×", f"≤ {START_RATIO}×", e / b <= START_RATIO)
    # What the ratio leaves unsaid: how much of it any form window pays before its program does
    # anything (the budget above stays measured against the bare window).
    print(f"  a minimal form window without the program (same Qt classes, the font, 15 fields, a long "
          f"text): {f * 1000:.0f} ms → {f / b:.2f}× the bare window; the editor is {e / f:.2f}× that")
    figure("editor: start, a minimal form window for comparison", f"{f * 1000:.0f} ms",
           f"bare QMainWindow {b * 1000:.0f} ms", f"{f / b:.2f}×", "", None)
    # Where the time goes: the ratio alone does not say which stage to work on.
    stages_editor, stages_bare, stages_floor = _stages(editor), _stages(bare), _stages(floor)
    print(f"  stages (median ms): editor {stages_editor}; bare {stages_bare}; minimal form window {stages_floor}")
    figure("editor: start, stages (median ms)", stages_editor, f"bare: {stages_bare}; minimal form window: {stages_floor}")
    bm = statistics.median(m for _, m, _ in bare)
    em = statistics.median(m for _, m, _ in editor)
    print(f"memory (RSS): bare QMainWindow {bm:.0f} MB, editor with the maximal draft {em:.0f} MB "
          f"(+{em - bm:.0f} MB)")
    figure("editor: memory (RSS), maximal draft open", f"{em:.0f} MB", f"bare QMainWindow {bm:.0f} MB",
           f"{em / bm:.2f}×")


def bench_keys(keys: int) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import (
        QAbstractItemView,
        QLineEdit,
        QMainWindow,
        QPlainTextEdit,
        QVBoxLayout,
        QWidget,
    )

    from forms.store import Store
    from tests.drafts import maximal_draft
    from ui.app import make_application, start_runtime
    from ui.main_window import MainWindow

    app = make_application()
    temp = Path(tempfile.mkdtemp(prefix="shenbao-bench-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp))
    store = Store(temp / "drafts.sqlite3")
    window = MainWindow(store)
    window.new_draft(maximal_draft())
    collector = start_runtime(app, window)
    window.resize(1366, 768)
    window.show()
    app.processEvents()

    def settle() -> None:
        """Process what is already queued (the part just shown, its scrolling): not a key's."""
        for _ in range(3):
            app.processEvents()

    def timed(widget, text: str) -> list[float]:
        """Key event to the end of the repaint it caused (processEvents runs the pending
        paints of the dirty regions, and any timer that fell due, as the event loop would)."""
        settle()
        out = []
        for i in range(keys):
            start = time.perf_counter()
            QTest.keyClick(widget, text[i % len(text)])
            app.processEvents()
            out.append((time.perf_counter() - start) * 1000)
        return out

    def report(name: str, times: list[float], base: list[float]) -> None:
        print(f"keystroke to repaint, {name}: median {statistics.median(times):.1f} ms, "
              f"worst {max(times):.1f} ms of {len(times)} (aim < {FRAME_MS:.0f} ms); "
              f"bare Qt widget: median {statistics.median(base):.1f} ms, worst {max(base):.1f} ms")
        figure(f"editor: keystroke to repaint, {name} (worst of {len(times)})", f"{max(times):.1f} ms",
               f"bare widget worst {max(base):.1f} ms", f"median {statistics.median(times):.1f} ms",
               f"< {FRAME_MS:.0f} ms", max(times) < FRAME_MS)

    bare = QMainWindow()
    bare.resize(1366, 768)
    holder = QWidget()
    layout = QVBoxLayout(holder)
    bare_text, bare_line = QPlainTextEdit(), QLineEdit()
    bare_text.setPlainText(window.session.get("plan"))
    layout.addWidget(bare_line)
    layout.addWidget(bare_text)
    bare.setCentralWidget(holder)
    bare.show()
    bare_text.setFocus()
    bare_text.moveCursor(bare_text.textCursor().MoveOperation.End)
    base_text = timed(bare_text, "abcdefg")
    bare_line.setFocus()
    base_line = timed(bare_line, "1234567890")
    bare.close()
    window.activateWindow()

    app.processEvents()
    window.focus_path("plan")
    plan = window.findChild(QPlainTextEdit, "plan")
    plan.moveCursor(plan.textCursor().MoveOperation.End)
    report("long text 三 (2000 字)", timed(plan, "abcdefg"), base_text)
    window.focus_path("people.leader.id_number")
    id_edit = window.findChild(QLineEdit, "people.leader.id_number")
    id_edit.end(False)
    report("leader's ID number", timed(id_edit, "1234567890"), base_line)
    window.focus_path("team.members[30].task")
    view = window.findChild(QAbstractItemView, "team.members")
    QTest.keyClick(view, "x")
    cell = view.findChild(QLineEdit, "team.members[30].task")
    report("member-table cell (typing)", timed(cell, "abcdef"), base_line)
    settle()
    commits = []
    for row in range(40):
        start = time.perf_counter()
        view.model().setData(view.model().index(row, 6), f"任务{row}")
        app.processEvents()
        commits.append((time.perf_counter() - start) * 1000)
    report("member-table cell (commit)", commits, base_line)
    session = window.session
    start = time.perf_counter()
    session.check_now()
    print(f"debounced whole-draft check: {(time.perf_counter() - start) * 1000:.1f} ms")
    start = time.perf_counter()
    snapshot = session.snapshot()
    print(f"autosave snapshot on the GUI thread: {(time.perf_counter() - start) * 1000:.1f} ms "
          "(the write itself runs on a worker thread)")
    start = time.perf_counter()
    store.save(session.draft_id, snapshot, problems=session.problems)
    print(f"autosave write (worker thread): {(time.perf_counter() - start) * 1000:.1f} ms")
    window.close()
    store.close()
    collector.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=200)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
          if hasattr(os, "getloadavg") else f"Python {sys.version.split()[0]}")
    bench_start(args.starts)
    bench_keys(args.keys)
    if args.json:
        print(json.dumps(FIGURES, ensure_ascii=False))


if __name__ == "__main__":
    main()
