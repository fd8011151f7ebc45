"""The one print operation: a draft → the 申报书 as a PDF or a Word file.

The command line and the editor both print through :func:`export` (a file) or
:func:`export_bytes` (bytes, e.g. for a preview). Both

- work on a copy of the draft, so a worker thread may print while the GUI thread edits;
- validate that copy and refuse, with :class:`forms.problems.RenderRefused` carrying the errors,
  a final print of a draft that still has errors (``draft_mode`` prints anyway, every page marked
  草稿);
- refuse an option the chosen renderer cannot honour instead of ignoring it, and an output kind
  they do not know.

Call :func:`prepare_fonts` once before starting worker threads that print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from forms.draft import Draft
from forms.fsutil import atomic_write_bytes, atomic_writer
from forms.problems import Problem, RenderRefused

__all__ = ["KINDS", "Printed", "export", "export_bytes", "kind_of", "prepare_fonts"]

#: Output kinds by file suffix.
KINDS = {".pdf": "pdf", ".docx": "docx"}

SIMPLEX_IN_WORD = ("Word 文件不区分单双面打印：请去掉“单面打印”选项，"
                   "在 Word 或 WPS 的打印对话框里选择单面或双面。")


@dataclass(frozen=True)
class Printed:
    """What a print produced: its kind, the draft's fingerprint (校验码), the page count (PDF
    only; ``None`` for Word, whose pagination is the word processor's) and every problem the
    validation found (warnings, and errors when printed as a draft)."""

    kind: str
    fingerprint: str
    page_count: int | None
    problems: tuple


def prepare_fonts() -> None:
    """Register the bundled fonts once (idempotent, thread-safe), and load reportlab with its
    patterns from the cache (:mod:`pdf.regexcache`). Call it before starting worker threads that
    print, so no worker pays for or races over the first registration."""
    from pdf.fonts import register_fonts
    from pdf.regexcache import warm

    warm()
    register_fonts()


def forget_renders() -> None:
    """Drop what a render remembers from the last ones (tables' column widths, paragraphs' lines,
    embedded font subsets): the next render works as the first of the process once the fonts
    are loaded. For benchmarks and tests; the remembered results are those a render would make
    anyway."""
    from pdf.cjkwrap import forget_lines
    from pdf.fitting import forget_widths
    from pdf.fonts import forget_subsets

    forget_widths()
    forget_lines()
    forget_subsets()


def kind_of(out: Path) -> str:
    """The output kind for file ``out`` ("pdf" or "docx"); :class:`RenderRefused` otherwise."""
    suffix = Path(out).suffix.lower()
    try:
        return KINDS[suffix]
    except KeyError:
        shown = Path(out).suffix or "（无扩展名）"
        raise RenderRefused(f"不支持的输出格式“{shown}”，请使用 .pdf 或 .docx") from None


def _check(draft: Draft, kind: str, *, draft_mode: bool, simplex: bool,
           today: dt.date | None) -> tuple[Draft, tuple[Problem, ...]]:
    """The copy to print and its problems; raises :class:`RenderRefused` when it may not print."""
    if kind not in KINDS.values():
        raise RenderRefused(f"不支持的输出格式“{kind}”，请使用 pdf 或 docx")
    if kind == "docx" and simplex:
        raise RenderRefused(SIMPLEX_IN_WORD)
    from forms.validate import validate
    from pdf.merge import quiet_pypdf

    copy = draft.copy()
    with quiet_pypdf():  # validation reads the attachments: pypdf's repair notes are not ours
        problems = tuple(validate(copy, today))
    errors = tuple(p for p in problems if p.is_error)
    if errors and not draft_mode:
        raise RenderRefused(
            f"草稿还有 {len(errors)} 个错误，未生成正式文件。改正后重试，或打印带“草稿”水印的稿。",
            errors)
    return copy, problems


def _pdf_renderer():
    """:mod:`pdf.render`, imported after reportlab's patterns are warmed (:mod:`pdf.regexcache`:
    before reportlab's paragraph module is imported with it)."""
    from pdf.regexcache import warm

    warm()
    import pdf.render

    return pdf.render


def _render(copy: Draft, kind: str, *, draft_mode: bool, simplex: bool) -> tuple[bytes, int | None]:
    if kind == "pdf":
        result = _pdf_renderer().render_document(copy, draft_mode=draft_mode, simplex=simplex)
        return result.pdf, result.page_count
    from pdf.docx import render_docx

    return render_docx(copy, draft_mode=draft_mode), None


def export_bytes(draft: Draft, kind: str = "pdf", *, draft_mode: bool = False, simplex: bool = False,
                 today: dt.date | None = None) -> tuple[bytes, Printed]:
    """Validate and render a copy of ``draft`` as ``kind`` ("pdf" or "docx").

    Raises :class:`RenderRefused` (``.problems`` = the errors) when errors remain and not
    ``draft_mode``; for ``simplex`` with "docx"; for an unknown kind; and (a subclass) when an
    attachment cannot be printed in a final print.
    """
    copy, problems = _check(draft, kind, draft_mode=draft_mode, simplex=simplex, today=today)
    blob, pages = _render(copy, kind, draft_mode=draft_mode, simplex=simplex)
    return blob, Printed(kind, copy.fingerprint(), pages, problems)


def export(draft: Draft, out: Path, *, draft_mode: bool = False, simplex: bool = False,
           today: dt.date | None = None, consume: bool = False) -> Printed:
    """Print ``draft`` to file ``out``; the kind follows its suffix (.pdf or .docx).

    Same checks as :func:`export_bytes`; nothing is written when refused. The write is atomic:
    ``out`` holds its old content or the complete new file, never a part.

    ``consume``: the caller prints ``draft`` once and reads it no more (the command line). Its
    attachment files are then emptied after the check, and the printed copy's once they are
    prepared for the merge: a PDF print of large attachments does not hold them twice while it
    lays out the pages (issue 13). A Word export keeps them (its attachments are listed, not
    merged). Without it ``draft`` is left as it was.
    """
    out = Path(out)
    kind = kind_of(out)
    if kind != "pdf":
        blob, printed = export_bytes(draft, kind, draft_mode=draft_mode, simplex=simplex, today=today)
        atomic_write_bytes(out, blob)
        return printed
    copy, problems = _check(draft, kind, draft_mode=draft_mode, simplex=simplex, today=today)
    fingerprint = copy.fingerprint()
    if consume:
        draft.files.clear()  # the copy holds them until they are prepared
    render = _pdf_renderer()
    with atomic_writer(out) as fh:  # the merged PDF goes to the file as it is written
        pages = render.write_document(copy, fh, draft_mode=draft_mode, simplex=simplex, release_files=consume)
    return Printed(kind, fingerprint, pages, problems)
