"""Benchmark of the print preview (issue 11): ``python tests/benchmarks/bench_preview.py [--runs 3]``.

Run from the project folder (offscreen Qt). ``--json``: the last line is one JSON list of
``{figure, value, baseline, ratio, budget, ok}`` (read by tests/benchmarks/run.py). For the maximal draft of tests/drafts.py (60
members, 1000 / 2000 字, Ext-B names, two attachments) it prints, beside the baseline of the bare
render (``pdf.export.export_bytes`` in this process, no Qt):

- click to first page shown: ``action.preview`` triggered → the QPdfView shows page content;
- refresh after an edit: one field edited while the preview is open → the new printout shown
  (includes the preview's debounce, printed separately);
- the longest the GUI thread was blocked (a 10 ms timer's worst lateness) during a preview
  render: typing is not blocked while the PDF is made.

The editor runs as ``python main.py`` runs it (``ui.app.start_runtime``: garbage collected on the
GUI thread only, the window's objects frozen out of the collector once ready). Before, this
script left Python's automatic collection on, so a full collection a worker triggered stopped
the GUI thread for tens of milliseconds in a way the shipped program never does.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer  # noqa: E402

from pdf.export import export_bytes, prepare_fonts  # noqa: E402
from tests.drafts import maximal_draft  # noqa: E402


def spin(condition, timeout_s: float = 300.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError
        loop = QEventLoop()
        QTimer.singleShot(1, loop.quit)
        loop.exec()


class StallMeter:
    """The worst lateness of a 10 ms repeating timer: how long the GUI thread was busy."""

    def __init__(self):
        self.timer = QTimer(interval=10)
        self.clock = QElapsedTimer()
        self.worst = 0
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        self.worst = max(self.worst, self.clock.restart() - 10)

    def start(self) -> None:
        self.worst = 0
        self.clock.start()
        self.timer.start()

    def stop(self) -> int:
        self.timer.stop()
        return self.worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="end with one JSON line of the figures")
    args = parser.parse_args()

    from forms.store import Store
    from ui.app import make_application, start_runtime
    from ui.main_window import MainWindow
    from ui.preview import REFRESH_DELAY_MS, PreviewWindow

    app = make_application()
    temp = Path(tempfile.mkdtemp(prefix="shenbao-bench-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp))
    draft = maximal_draft()
    prepare_fonts()

    _blob, printed = export_bytes(draft)  # warm up: fonts, attachment checks, wrap caches
    pages = printed.page_count
    bare = []

    store = Store(temp / "drafts.sqlite3")
    window = MainWindow(store)
    window.new_draft(draft, "基准")
    window.resize(1366, 768)
    collector = start_runtime(app, window)  # as the program runs: GC on this thread, frozen when ready
    window.show()
    spin(lambda: True)
    meter = StallMeter()

    first, refresh, stalls, opened = [], [], [], []
    for run in range(args.runs):
        start = time.perf_counter()  # the bare render of the same draft, in the same run
        export_bytes(window.session.snapshot())
        bare.append(time.perf_counter() - start)
        start = time.perf_counter()
        window.actions_by_name["preview"].trigger()
        opened.append(time.perf_counter() - start)
        meter.start()  # the render runs on a worker from here
        preview = window.findChild(PreviewWindow, "preview_window")
        spin(lambda: preview.page_count() > 0 and not preview.busy and preview.page_painted())
        first.append(time.perf_counter() - start)
        stalls.append(meter.stop())

        target = window.session.snapshot()
        target.set("unit.address", f"上海市浦东新区基准路 {run + 1} 号")
        expected = target.fingerprint()
        start = time.perf_counter()
        window.session.edit("unit.address", target.get("unit.address"), typing=False)
        spin(lambda: preview.printout is not None and preview.printout.fingerprint == expected
             and not preview.busy and preview.page_painted())
        refresh.append(time.perf_counter() - start)
        preview.close()
        spin(lambda: window.findChild(PreviewWindow, "preview_window") is None)

    def fmt(values):
        return f"median {statistics.median(values) * 1000:7.0f} ms  (max {max(values) * 1000:.0f} ms)"

    print(f"maximal draft: {pages} pages; {args.runs} runs; the editor's runtime as shipped (GC on the GUI thread)")
    print(f"baseline  bare render (export_bytes)       {fmt(bare)}")
    print(f"preview   click → first page shown         {fmt(first)}"
          f"   = {statistics.median(first) / statistics.median(bare):.2f} × bare render")
    print(f"preview   edit → new printout shown        {fmt(refresh)}"
          f"   (incl. {REFRESH_DELAY_MS} ms debounce: {(statistics.median(refresh) * 1000 - REFRESH_DELAY_MS):.0f} ms after it)")
    print(f"preview   window opened (GUI thread)       {fmt(opened)}")
    print(f"GUI thread: longest stall while rendering   {max(stalls)} ms (until the first page is shown)")
    if args.json:
        bare_ms = f"bare render {statistics.median(bare) * 1000:.0f} ms"
        print(json.dumps([
            {"figure": "preview: click to first page, maximal draft", "value": f"{statistics.median(first) * 1000:.0f} ms",
             "baseline": bare_ms, "ratio": f"{statistics.median(first) / statistics.median(bare):.2f}×",
             "budget": "", "ok": None},
            {"figure": "preview: edit to new printout", "value": f"{statistics.median(refresh) * 1000:.0f} ms",
             "baseline": bare_ms, "ratio": f"{statistics.median(refresh) / statistics.median(bare):.2f}×",
             "budget": f"(incl. {REFRESH_DELAY_MS} ms debounce)", "ok": None},
            {"figure": "preview: longest GUI stall during a render", "value": f"{max(stalls)} ms",
             "baseline": "", "ratio": "", "budget": "", "ok": None},
        ], ensure_ascii=False))
    window.close()
    store.close()
    app.processEvents()
    collector.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
