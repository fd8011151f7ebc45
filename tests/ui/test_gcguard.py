"""Garbage made on a worker thread is collected on the GUI thread (ui.gcguard): a collection in a
worker would run Qt destructors there and crash the editor at random."""

from __future__ import annotations

import gc
import threading

from ui.gcguard import MainThreadCollector


class _Node:
    finalised_on_main: list[bool] = []

    def __del__(self) -> None:
        _Node.finalised_on_main.append(threading.current_thread() is threading.main_thread())


def _make_cycles(n: int) -> None:
    for _ in range(n):
        node = _Node()
        node.cycle = [node]
        del node
        _ = [[] for _ in range(20)]  # allocations: past the collector's thresholds in this thread


def test_cycles_made_in_a_worker_are_collected_on_the_gui_thread(qtbot, qapp) -> None:
    _Node.finalised_on_main = []
    collector = MainThreadCollector(qapp, interval_ms=20)
    try:
        worker = threading.Thread(target=_make_cycles, args=(3000,))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(_Node.finalised_on_main) >= 3000, timeout=10000)
        assert all(_Node.finalised_on_main)
    finally:
        collector.stop()


def test_stop_hands_collection_back() -> None:
    was = gc.isenabled()
    collector = MainThreadCollector()
    assert not gc.isenabled()
    collector.stop()
    assert gc.isenabled() == was
