"""Shenbao 申报助手: ``python main.py`` opens the editor; with a command it runs headless."""

from __future__ import annotations

import sys


def _renderers() -> dict:
    from pdf.render import write_pdf
    from pdf.word import write_docx

    return {".pdf": write_pdf, ".docx": write_docx}


def main(argv: list[str]) -> int:
    if not [a for a in argv if not a.startswith("--db") and a not in _db_values(argv)]:
        from ui.app import run

        return run(argv)
    from forms.cli import main as cli_main

    return cli_main(argv, renderers=_renderers)


def _db_values(argv: list[str]) -> set[str]:
    """The value after a bare ``--db`` (so ``main.py --db X`` still opens the editor)."""
    return {argv[i + 1] for i, a in enumerate(argv[:-1]) if a == "--db"}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def entry() -> None:
    """The ``shenbao`` console script."""
    sys.exit(main(sys.argv[1:]))
