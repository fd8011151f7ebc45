"""The Qt runtime the editor relies on: PySide6 6.12.0 on Python 3.11 drops a reference to None on
every void Qt call and dies with ``none_dealloc`` after a few thousand; Python >= 3.12 (immortal
None) is required. Run the reproduction in a subprocess so a regression kills that process, not
the test run."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

LOOP = textwrap.dedent("""
    import sys
    from PySide6.QtWidgets import QApplication, QLabel
    app = QApplication([])
    w = QLabel("x")
    w.show()
    for _ in range(20000):
        w.update()
        app.processEvents()
        w.setText("y")
    print("survived", sys.version_info[:2])
""")


def test_python_is_new_enough_for_pyside6() -> None:
    assert sys.version_info >= (3, 12), "PySide6 6.12 leaks None references on Python < 3.12"


def test_many_void_qt_calls_do_not_crash() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", LOOP], capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "survived" in done.stdout
