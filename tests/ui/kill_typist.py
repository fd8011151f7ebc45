"""A subprocess editor that types without pause, for the kill test (tests/ui/test_editor_kill.py).

``python -m tests.ui.kill_typist STORE`` opens the editor on STORE exactly as the program does at
start (the last draft, at the last field; built lazily), once the window is ready prints ``START <path> <json text>`` for each field it
will type into (what the restarted editor shows), then ``READY``, then types one character at a
time into those fields, alternately ASCII keys and Chinese input-method commits, printing
``TYPED <monotonic time> <path> <json text>`` after each. The test kills it at a random moment.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIELDS = ("unit.address", "capability", "people.contact.name")
ASCII = "abcdefghij0123456789"
CHINESE = "产学研运营联合体知识产权"


def say(*parts: str) -> None:
    sys.stdout.write(" ".join(parts) + "\n")
    sys.stdout.flush()


def main(store_path: str) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QInputMethodEvent, QTextCursor
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    from forms.store import Store
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    store = Store(Path(store_path))
    window = MainWindow(store)
    window.open_last(lazy=True)
    window.show()
    widgets: dict[str, QWidget] = {}

    def start_typing() -> None:  # the window is ready: every page built, the first check done
        widgets.update((path, window.findChild(QWidget, path)) for path in FIELDS)
        for path in FIELDS:
            say("START", path, json.dumps(window.session.get(path) or "", ensure_ascii=False))
        say("READY")
        timer.start()

    steps = itertools.count()

    def type_one() -> None:
        n = next(steps)
        path = FIELDS[n % len(FIELDS)]
        widget = widgets[path]
        window.focus_path(path)
        if hasattr(widget, "moveCursor"):  # type at the end, as after a click there
            widget.moveCursor(QTextCursor.MoveOperation.End)
        else:
            widget.end(False)
        if n % 2:
            event = QInputMethodEvent("", [])
            event.setCommitString(CHINESE[n % len(CHINESE)])
            QApplication.sendEvent(widget, event)
        else:
            QTest.keyClick(widget, ASCII[n % len(ASCII)])
        text = widget.toPlainText() if hasattr(widget, "toPlainText") else widget.text()
        say("TYPED", repr(time.monotonic()), path, json.dumps(text, ensure_ascii=False))

    timer = QTimer(interval=15)
    timer.timeout.connect(type_one)
    window.when_ready(start_typing)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
