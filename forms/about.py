"""The program's version, one place for the command line, the PDF's producer and the Word file."""

from __future__ import annotations

from pathlib import Path

UNKNOWN = "0+unknown"


def program_version() -> str:
    """From the installed package metadata (also in the frozen bundle), else pyproject.toml beside
    the sources when running from a checkout that was never installed."""
    from importlib import metadata

    try:
        return metadata.version("shenbao")
    except metadata.PackageNotFoundError:
        pass
    pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
    try:
        import tomllib

        return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
    except (OSError, ValueError, KeyError):
        return UNKNOWN
