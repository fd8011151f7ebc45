"""The program's version, one place for the command line, the PDF's producer and the Word file."""

from __future__ import annotations

from functools import cache
from pathlib import Path

UNKNOWN = "0+unknown"
DIST = "shenbao"


@cache
def program_version() -> str:
    """The version beside the sources: ``pyproject.toml`` in a checkout, the package metadata
    (``shenbao-*.dist-info``) in the frozen bundle or an installed wheel; else whatever
    :mod:`importlib.metadata` finds. Every print asks (the PDF's producer and ``/ID``): reading
    the file directly spares ``importlib.metadata``, a tenth of a render's start (issue 13); read
    once per process (the program running does not change version; twice a render cost 1 ms)."""
    root = Path(__file__).resolve().parent.parent
    found = _checkout_version(root) or _dist_info_version(root)
    if found:
        return found
    from importlib import metadata

    try:
        return metadata.version(DIST)
    except metadata.PackageNotFoundError:
        return UNKNOWN


def _checkout_version(root: Path) -> str | None:
    """``[project] version`` of the ``pyproject.toml`` in ``root`` when it is this program's."""
    try:
        text = (root / "pyproject.toml").read_text(encoding="utf-8")
    except OSError:
        return None
    import tomllib

    try:
        project = tomllib.loads(text)["project"]
        return str(project["version"]) if project.get("name") == DIST else None
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def _dist_info_version(root: Path) -> str | None:
    """The ``Version:`` of the one ``shenbao-*.dist-info/METADATA`` in ``root``; None when there is
    none, or more than one (leftovers of an old install: :mod:`importlib.metadata` decides)."""
    found = list(root.glob(f"{DIST}-*.dist-info/METADATA"))
    if len(found) != 1:
        return None
    try:
        lines = found[0].read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    for line in lines:
        if not line:
            break  # the headers end at the first empty line
        key, _, value = line.partition(":")
        if key.strip().lower() == "version" and value.strip():
            return value.strip()
    return None
