"""Shenbao 申报助手: ``python main.py [FILE …]`` opens the editor; with a command it runs headless."""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    from ui import cli

    request = cli.editor_request(argv)
    if request is None:
        return cli.main(argv)
    try:
        from ui.app import run
    except ImportError as exc:
        return cli.editor_missing(exc)
    return run(request.paths, store_path=request.store_path)


def entry() -> None:
    """The ``shenbao`` console script."""
    sys.exit(main(sys.argv[1:]))


if __name__ == "__main__":
    entry()
