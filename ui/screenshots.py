"""``python -m ui.screenshots OUT_DIR``: PNGs of the editor with the sample open, for review.

For every part: the window at 1366×768 (``<nn>-<part>.png``) and the whole page however long
(``<nn>-<part>-page.png``); the same at device pixel ratio 2 (``@2x``, a subprocess with
QT_SCALE_FACTOR=2); one with problems shown (``problems.png``). Then the extras' dialogs
(``ui.operations.save_screenshots``). A temporary store and settings are used: the user's drafts
and window state are never touched.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

SIZE = (1366, 768)


def _shoot(out_dir: Path, suffix: str, extras: bool) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from forms.sample import sample_draft
    from forms.store import Store
    from ui.app import make_application
    from ui.main_window import MainWindow

    app = make_application()
    temp = Path(tempfile.mkdtemp(prefix="shenbao-shots-"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(temp))
    store = Store(temp / "drafts.sqlite3")
    window = MainWindow(store)
    window.new_draft(sample_draft(), "示例")
    window.resize(*SIZE)
    window.show()
    written: list[Path] = []

    def settle() -> None:
        for _ in range(3):
            app.processEvents()

    settle()
    for i, page in enumerate(window.pages, 1):
        window.show_part(page.part["id"])
        window.stack.currentWidget().verticalScrollBar().setValue(0)
        settle()
        for name, widget in ((f"{i:02d}-{page.part['id']}{suffix}.png", window),
                             (f"{i:02d}-{page.part['id']}-page{suffix}.png", page)):
            path = out_dir / name
            widget.grab().save(str(path))
            written.append(path)
    session = window.session
    session.edit("people.leader.id_number", "31011519820903422X", typing=False)
    session.edit("unit.postcode", "10008", typing=False)
    session.edit("team.members[2].name", "", typing=False)
    session.check_now()
    window.focus_path("people.leader.id_number")
    settle()
    path = out_dir / f"problems{suffix}.png"
    window.grab().save(str(path))
    written.append(path)
    session.undo_stack.setIndex(0)
    if extras:
        try:
            from ui.operations import save_screenshots

            written += [Path(p) for p in save_screenshots(window, out_dir)]
        except ImportError as exc:  # the extras' part is optional for this script
            print(f"（未生成对话框截图：{exc}）", file=sys.stderr)
    window.close()
    store.close()
    QApplication.processEvents()
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("用法：python -m ui.screenshots OUT_DIR", file=sys.stderr)
        return 2
    out_dir = Path(argv[0])
    out_dir.mkdir(parents=True, exist_ok=True)
    if os.environ.get("SHENBAO_SHOTS_2X"):
        written = _shoot(out_dir, "@2x", extras=False)
    else:
        env = dict(os.environ, QT_SCALE_FACTOR="2", SHENBAO_SHOTS_2X="1", QT_QPA_PLATFORM="offscreen")
        subprocess.run([sys.executable, "-m", "ui.screenshots", str(out_dir)], env=env, check=True,
                       cwd=Path(__file__).resolve().parent.parent)
        written = _shoot(out_dir, "", extras=True)
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
