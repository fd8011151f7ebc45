"""What the main window's actions do (contract C8): thin entry points, one per action.

Each opens its dialog or flow from its own module and returns it (tests and the screenshot
script hold on to it): 打印预览 (:mod:`ui.preview`), 打印 (:mod:`ui.printing`), 导出 PDF / Word
(:mod:`ui.exporting`), 发送给同事 and 导入 (:mod:`ui.share`), 历史版本 (:mod:`ui.history`),
申报条件自查 (:mod:`ui.eligibility`), 绩效目标计算器 (:mod:`ui.targets`).
"""

from __future__ import annotations

from pathlib import Path


def preview(window):
    from ui.preview import open_preview

    return open_preview(window.session, window)


def print_draft(window, printer=None):
    """``printer``: a QPrinter to use instead of the default one (e.g. a PDF file)."""
    from ui.printing import start_print

    return start_print(window.session, window, focus=window.focus_path, printer=printer)


def export_pdf(window):
    from ui.exporting import start_export

    return start_export(window.session, window, "pdf")


def export_docx(window):
    from ui.exporting import start_export

    return start_export(window.session, window, "docx")


def share(window):
    from ui.share import ShareFlow

    flow = ShareFlow(window.session, window)
    flow.start()
    return flow


def import_files(window, paths=None):
    """Import draft files or draft JSON; with no ``paths``, ask for them (导入…)."""
    from ui.share import ImportFlow, ask_import_paths

    chosen = [Path(p) for p in paths] if paths else ask_import_paths(window)
    flow = ImportFlow(window, chosen)
    flow.start()
    return flow


def history(window):
    from ui.history import open_history

    return open_history(window.session, window)


def eligibility(window):
    from ui.eligibility import open_eligibility

    return open_eligibility(window.session, window, focus=window.focus_path)


def targets(window):
    from ui.targets import open_targets

    return open_targets(window.session, window, focus=window.focus_path)


def save_screenshots(window, out_dir) -> list[Path]:
    """PNGs of the preview, the print-blocked dialog, the compare view, the history and the
    attachments page, for ``python -m ui.screenshots``."""
    from ui.screenshots_extra import save_all

    return save_all(window, Path(out_dir))
