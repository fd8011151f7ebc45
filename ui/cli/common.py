"""What every command shares: exit codes, the two output streams, errors in Chinese, the passphrase
and the store path taken from the command line.

Imports nothing heavy and no Qt: ``python main.py validate`` stays light.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2
PASSPHRASE_ENV = "SHENBAO_PASSPHRASE"


class CommandError(Exception):
    """A command cannot go on: its message is one line on stderr, exit 2."""


# --------------------------------------------------------------------------- output


def setup_streams() -> None:
    """Write UTF-8 on stdout and stderr, also when redirected to a file or shown on a cp936
    (GBK) console: ``drafts show ID > x.json`` must give a file that imports again, and ``孙𠈌``
    must stay a character. A character the stream still cannot take never raises."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is None:  # no console at all (a windowed program), or a test's capture
            continue
        try:
            reconfigure(encoding="utf-8", errors="backslashreplace")
        except (ValueError, OSError):  # a stream that cannot change any more: keep it as it is
            reconfigure(errors="backslashreplace")


def out(text: str = "") -> None:
    """A result or a success message: stdout."""
    if sys.stdout is not None:
        sys.stdout.write(text + "\n")


def err(text: str) -> None:
    """An error or a note beside the result: stderr, prefixed with the program name."""
    if sys.stderr is not None:
        sys.stderr.write(f"shenbao: {text}\n")


# --------------------------------------------------------------------------- arguments


def store_path_arg(text: str) -> Path:
    """``--db``: a store file. An empty value (``--db "$UNSET"``), a path ending in a separator
    or naming a folder would silently open the real store or create odd files: refused here,
    before any command runs, with the store's own words."""
    from forms.store import StoreError, checked_store_path

    try:
        return checked_store_path(text)
    except StoreError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def revision_arg(text: str) -> int:
    """``--revision N``: an integer; whether that revision exists is the store's answer."""
    try:
        return int(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"版本号应是整数（见 drafts history），而不是“{text}”") from None


def passphrase(args: argparse.Namespace) -> str | None:
    """``--passphrase`` or ``SHENBAO_PASSPHRASE``; None when neither is given. One that cannot
    be used — empty (it would export unencrypted while the user believes it locked), or not
    valid text (bytes that are not UTF-8 in the command line) — stops the command before any
    work, with the draft file's own words."""
    given = getattr(args, "passphrase", None)
    source = "--passphrase"
    if given is None:
        given, source = os.environ.get(PASSPHRASE_ENV), PASSPHRASE_ENV
    if given is None:
        return None
    from forms.draftfile import BadPassphrase, passphrase_bytes  # only with a passphrase to check

    try:
        passphrase_bytes(given)
    except BadPassphrase as exc:
        raise CommandError(f"{source}：{exc}") from None
    return given


def version() -> str:
    """The program's version (forms.about), or a Chinese word for unknown."""
    from forms.about import UNKNOWN, program_version

    found = program_version()
    return "（版本未知）" if found == UNKNOWN else found
