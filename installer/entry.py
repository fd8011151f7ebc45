"""The frozen programs' entry: ``shenbao`` (windowed) and ``shenbao-cli`` (console) both run this.

Both behave like ``python main.py``: no argument or file paths open the editor, a sub-command
runs the command line. They differ only in the Windows subsystem: ``shenbao.exe`` opens no
console window (double-click, file association), ``shenbao-cli.exe`` keeps stdout, stderr and
the exit code for scripts.

``SHENBAO_SMOKE_SCREENSHOT=OUT.png`` (for tests/installer/test_bundle.py and the Windows CI):
once the editor's main window shows, save it as OUT.png and what the frozen program found
(window title, field widgets, Qt's translations and image formats) as OUT.json, then quit.
"""

from __future__ import annotations

import os
import sys

# Inno Setup's uninstaller looks for this mutex (installer/shenbao.iss, AppMutexName) to ask the
# user to close a running Shenbao first. Session-local: another user's Shenbao does not count.
MUTEX_NAME = "Shenbao.Running"
SMOKE_ENV = "SHENBAO_SMOKE_SCREENSHOT"
SMOKE_TIMEOUT_S = 60


def _announce_running() -> object | None:
    """Create the named mutex on Windows; the handle lives (and the mutex exists) until exit."""
    if sys.platform != "win32":
        return None
    import ctypes

    return ctypes.windll.kernel32.CreateMutexW(None, False, MUTEX_NAME)


def _give_windowed_program_streams() -> None:
    """A windowed Windows program has no stdout/stderr (None): writes would raise. Discard them."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))  # noqa: SIM115 (lives as long as the process)


def _arm_smoke_screenshot(out: str) -> None:
    """Create the QApplication the editor will reuse, and a timer that photographs its window."""
    import json
    import time
    from pathlib import Path

    from PySide6.QtCore import QCoreApplication, QTimer
    from PySide6.QtGui import QImageReader
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    app = QApplication.instance() or QApplication(sys.argv[:1])
    deadline = time.monotonic() + SMOKE_TIMEOUT_S

    def names(window: QMainWindow, fields: bool) -> list[str]:
        found = {w.objectName() for w in window.findChildren(QWidget)}
        if fields:
            return sorted(n for n in found if "." in n and not n.startswith(("action.", "part.")))
        return sorted(n for n in found if n.startswith("part."))

    def shoot(window: QMainWindow) -> None:
        facts = {
            "saved": window.grab().save(out, "PNG"),
            "title": window.windowTitle(),
            "fields": names(window, fields=True),
            "parts": names(window, fields=False),
            "qt_translation": QCoreApplication.translate("QPlatformTheme", "Cancel"),
            "image_formats": sorted(bytes(f).decode() for f in QImageReader.supportedImageFormats()),
            "font": app.font().family(),
        }
        Path(out).with_suffix(".json").write_text(json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8")
        window.close()
        app.quit()

    def poll() -> None:
        shown = [w for w in app.topLevelWidgets() if isinstance(w, QMainWindow) and w.isVisible()]
        window = max(shown, key=lambda w: w.width() * w.height()) if shown else None
        if window is not None and names(window, fields=True):   # the first part's fields are built
            QTimer.singleShot(300, lambda: shoot(window))   # let the first layout and paint happen
        elif time.monotonic() < deadline:
            QTimer.singleShot(100, poll)
        else:
            app.exit(3)

    QTimer.singleShot(0, poll)


if __name__ == "__main__":
    _give_windowed_program_streams()
    _mutex = _announce_running()
    if os.environ.get(SMOKE_ENV):
        _arm_smoke_screenshot(os.environ[SMOKE_ENV])
    import main

    sys.exit(main.main(sys.argv[1:]))
