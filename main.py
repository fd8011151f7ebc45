"""Shenbao 申报助手: ``python main.py`` opens the editor; with a command it runs headless."""

from __future__ import annotations

import sys


def _pdf_renderer():
    from pdf.render import write_pdf

    return write_pdf


def _docx_renderer():
    from pdf.word import write_docx

    return write_docx


RENDERERS = {".pdf": _pdf_renderer, ".docx": _docx_renderer}


def main(argv: list[str]) -> int:
    from forms.cli import main as cli_main, wants_editor

    if wants_editor(argv):
        try:
            from ui.app import run
        except ImportError:
            sys.stderr.write("shenbao: 本版本尚未包含图形编辑器，请使用命令行（python main.py --help）。\n")
            return 2
        return run(argv)
    return cli_main(argv, renderers=RENDERERS)


def entry() -> None:
    """The ``shenbao`` console script."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry()
