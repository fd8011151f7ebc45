"""Kill test: an editor typing into fields is killed (Popen.kill: SIGKILL on POSIX,
TerminateProcess on Windows) at random moments; each restart shows everything typed at least one
second before the kill."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.store import Store

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 20
GRACE = 1.0  # seconds: text typed this long before the kill must survive


class Typist:
    """One run of tests/ui/kill_typist.py, its output lines read as they come."""

    def __init__(self, store: Path, env: dict, errors: Path):
        self.errors = errors  # the typist's stderr: why it stopped, if it did
        with errors.open("wb") as err:
            self.proc = subprocess.Popen([sys.executable, "-m", "tests.ui.kill_typist", str(store)], cwd=ROOT,
                                         env=env, stdout=subprocess.PIPE, stderr=err,
                                         text=True, encoding="utf-8")
        self.lines: list[str] = []
        self.ready = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("READY"):
                self.ready.set()
        self.ready.set()

    def kill(self) -> float:
        when = time.monotonic()
        self.proc.kill()
        self.proc.wait(10)
        self._reader.join(10)
        self.proc.stdout.close()
        return when

    def why(self) -> str:
        """What the typist printed and its error output, for a failure message."""
        return f"stdout: {self.lines[-5:]}; exit: {self.proc.poll()}; stderr: " + \
            self.errors.read_text(encoding="utf-8", errors="replace")[-3000:]

    def shown_at_start(self) -> dict[str, str]:
        out = {}
        for line in self.lines:
            if line.startswith("START "):
                _, path, text = line.split(" ", 2)
                out[path] = json.loads(text)
        return out

    def typed_before(self, deadline: float) -> dict[str, str]:
        """Each field's text as of ``deadline`` (monotonic time)."""
        out: dict[str, str] = {}
        for line in self.lines:
            if line.startswith("TYPED "):
                _, stamp, path, text = line.split(" ", 3)
                if float(stamp) <= deadline:
                    out[path] = json.loads(text)
        return out


@pytest.mark.slow
def test_killed_editor_loses_nothing_typed_a_second_before(tmp_path):
    store_path = tmp_path / "drafts.sqlite3"
    with Store(store_path) as store:
        store.create(Draft())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "config"),
               HOME=str(tmp_path), SHENBAO_DB=str(store_path))
    rng = random.Random(20221)
    expected: dict[str, str] = {}
    typed_total = 0
    for trial in range(TRIALS + 1):
        typist = Typist(store_path, env, tmp_path / f"stderr-{trial}.txt")
        try:
            assert typist.ready.wait(120), "the editor did not start"
            shown = typist.shown_at_start()
            assert shown, f"the restarted editor showed nothing: {typist.why()}"
            for path, text in expected.items():  # the restart shows what was typed ≥ 1 s before the kill
                assert shown[path].startswith(text), (trial, path, text, shown[path])
            if trial < TRIALS:
                time.sleep(rng.uniform(0.0, 1.6))
        finally:
            killed_at = typist.kill()
        before = typist.typed_before(killed_at - GRACE)
        typed_total += sum(1 for line in typist.lines if line.startswith("TYPED "))
        expected = {path: before.get(path, shown[path]) for path in shown}
    assert typed_total >= TRIALS  # the test really typed (slowly on a loaded machine)
