"""Screenshots of the preview, the print-blocked dialog, the compare view, the history, the
attachments page, the 申报条件自查 and the 绩效目标计算器, for ``python -m ui.screenshots``
(through ``ui.operations.save_screenshots``).

Runs on a window with the sample open on a scratch store (the screenshot script's): the history
shot saves two revisions into it; nothing else is changed for good.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from forms.validate import validate

WAIT_S = 120


def wait_until(condition: Callable[[], bool], timeout_s: float = WAIT_S) -> None:
    """Run the event loop until ``condition()`` holds (workers deliver through it)."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("截图等待超时")
        loop = QEventLoop()
        QTimer.singleShot(20, loop.quit)
        loop.exec()


def _save(widget: QWidget, path: Path) -> Path:
    for _ in range(3):
        QApplication.processEvents()
    widget.grab().save(str(path))
    return path


def _shoot_dialog(dialog: QWidget, path: Path) -> Path:
    dialog.show()
    _save(dialog, path)
    dialog.close()
    dialog.deleteLater()
    return path


def preview_shots(window, out_dir: Path) -> list[Path]:
    from ui import operations

    preview = operations.preview(window)
    preview.resize(1100, 860)
    wait_until(lambda: preview.page_count() > 0 and not preview.busy)
    wait_until(preview.page_painted)
    shots = [_save(preview, out_dir / "preview.png")]
    shown: list[int] = []
    preview.facing_shown.connect(shown.append)
    preview.set_facing(True)
    wait_until(lambda: bool(shown))
    shots.append(_save(preview, out_dir / "preview-facing.png"))
    preview.close()
    return shots


def print_blocked_shot(window, out_dir: Path) -> Path:
    """The dialog for a draft with errors (a broken copy: the open draft is not touched)."""
    from ui.printing import BlockedPrintDialog

    broken = window.session.snapshot()
    broken.set("unit.postcode", "10008")
    broken.set("people.leader.id_number", "31011519820903422X")
    broken.get("team.members")[2]["name"] = ""
    errors = [p for p in validate(broken) if p.is_error]
    return _shoot_dialog(BlockedPrintDialog(errors, window.focus_path, window), out_dir / "print-blocked.png")


def compare_shot(window, out_dir: Path) -> Path:
    """What a colleague might send back: a new name, a member added at the top, a task and a
    contact's number changed."""
    from forms.sample import synth_id
    from ui.compare import CompareDialog
    from ui.merge import ADDED, FIELD

    mine = window.session.snapshot()
    theirs = mine.copy()
    theirs.set("unit.name", "上海临港芯链科技股份有限公司")
    members = theirs.get("team.members")
    members[1]["task"] = "专利导航分析与高价值专利培育"
    newcomer = synth_id("310115", dt.date(1990, 3, 8), 27, male=True)  # synthetic, valid check digit
    members.insert(0, {"name": "顾新来", "id_type": "居民身份证", "id_number": newcomer,
                       "department": "法务部", "title": "法务主管", "education": "硕士研究生",
                       "specialty": "知识产权法", "task": "许可合同审查"})
    members.pop()
    theirs.set("people.contact.phone", "13816668888")
    dialog = CompareDialog(mine, theirs, window, source_name="申报书-同事修改.shenbao")
    take = [i for i, d in enumerate(dialog.differences())
            if (d.kind == FIELD and d.path in ("unit.name", "people.contact.phone")) or d.kind == ADDED]
    dialog.set_taken(take)
    return _shoot_dialog(dialog, out_dir / "compare.png")


def history_shot(window, out_dir: Path) -> Path:
    from ui.history import HistoryDialog

    session = window.session
    name = session.get("unit.name")
    session.edit("unit.name", f"{name}（草拟）", typing=False)
    session.save_now("保存")
    session.edit("unit.name", name, typing=False)
    session.edit("plan", session.get("plan") + "\n另附实施进度表。", typing=False)
    session.save_now("打印")
    dialog = HistoryDialog(session, window)
    loaded: list[bool] = []
    dialog.facts_loaded.connect(lambda: loaded.append(True))
    dialog.show()
    wait_until(lambda: bool(loaded))
    ids = dialog.revision_ids()
    dialog.select_revision(ids[min(1, len(ids) - 1)])
    path = _save(dialog, out_dir / "history.png")
    dialog.close()
    dialog.deleteLater()
    return path


def helper_shots(window, out_dir: Path) -> list[Path]:
    """申报条件自查 with some answers given, and the 绩效目标计算器 with one short target (neither
    writes into the draft; their answers go to the screenshot script's scratch settings)."""
    from ui.eligibility import EligibilityDialog
    from ui.targets import TargetsDialog

    check = EligibilityDialog(window.session, window)
    for key, answer in (("legal_person", "是"), ("rd_investment", "是"), ("rd_team", "是")):
        check.controls[key].setCurrentText(answer)
    check.show()
    paths = [_save(check, out_dir / "eligibility.png")]
    check.close()
    check.deleteLater()
    calculator = TargetsDialog(window.session, window)
    for (key, column), text in {("deals", "base"): "12", ("patents", "base"): "35", ("amount", "base"): "1250.5",
                                ("received", "base"): "980"}.items():
        calculator.inputs[(key, column)].setText(text)
    calculator.fill_minimums()
    calculator.inputs[("amount", "2023")].setText("2000")
    calculator.show()
    paths.append(_save(calculator, out_dir / "targets.png"))
    calculator.close()
    calculator.deleteLater()
    return paths


def attachments_shot(window, out_dir: Path) -> Path:
    from ui.attachments_page import AttachmentsPage

    window.show_part("attachments")
    page = window.findChild(AttachmentsPage)
    shown: list[str] = []
    page.thumbnail_shown.connect(shown.append)
    page.view.setCurrentIndex(page.table.model.index(0, 0))
    wait_until(lambda: bool(shown) or page.thumb.text() == "无法预览")
    return _save(window, out_dir / "attachments.png")


def save_all(window, out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [*preview_shots(window, out_dir), print_blocked_shot(window, out_dir), compare_shot(window, out_dir),
            history_shot(window, out_dir), attachments_shot(window, out_dir), *helper_shots(window, out_dir)]
