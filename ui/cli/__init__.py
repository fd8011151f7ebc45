"""The command line (spec §6): one of the two ways a person drives Shenbao, beside the editor.

Imports no Qt, so ``python main.py validate`` stays light. ``main.py`` asks
:func:`editor_request` whether argv wants the editor, else runs :func:`main`.

Modules: :mod:`ui.cli.program` (parser, dispatch), :mod:`ui.cli.commands` (sample, validate,
render), :mod:`ui.cli.drafts` (the store), :mod:`ui.cli.inputs` (files named on the command
line), :mod:`ui.cli.common` (output, errors, passphrase, store path), :mod:`ui.cli.parser`
(argparse in Chinese).
"""

from ui.cli.program import EditorRequest, build_parser, editor_missing, editor_request, main

__all__ = ["EditorRequest", "build_parser", "editor_missing", "editor_request", "main"]
