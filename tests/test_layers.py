"""The layers point one way (STYLE.md): forms → nothing of ours; pdf → forms; ui → forms, pdf.

Walks every module's imports with ast, so a stray ``import PySide6`` inside a function counts too.
The command line (ui/cli) imports no Qt; nothing but main.py and ui itself imports ui (tests are
exempt).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

QT = {"PySide6", "shiboken6"}
FORBIDDEN = {
    "forms": QT | {"reportlab", "docx", "ui", "pdf"},
    "pdf": QT | {"ui"},
    "ui/cli": QT,
}
#: what may import ui: the program's entry and ui itself (tests are exempt)
UI_IMPORTERS = ("main.py", "ui/")
NOT_PROGRAM_CODE = ("tests/", "build/", "dist/")


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_imports(package: str) -> None:
    files = modules(package)
    assert files, f"no modules found in {package}/"
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_roots(path) & FORBIDDEN[package])
        for path in files
        if imported_roots(path) & FORBIDDEN[package]
    }
    assert offenders == {}


def test_nothing_but_main_imports_ui() -> None:
    files = [path for path in ROOT.rglob("*.py")
             if not any(part.startswith(".") or part.endswith(".egg-info") for part in path.relative_to(ROOT).parts)]
    assert ROOT / "main.py" in files and ROOT / "forms" / "draft.py" in files
    offenders = sorted(
        rel for path in files
        if not (rel := path.relative_to(ROOT).as_posix()).startswith(UI_IMPORTERS + NOT_PROGRAM_CODE)
        and "ui" in imported_roots(path)
    )
    assert offenders == []


def test_walker_sees_nested_imports(tmp_path: Path) -> None:
    """The check itself works: an import hidden in a function is found."""
    sample = tmp_path / "m.py"
    sample.write_text("def f():\n    from PySide6 import QtCore\n    import reportlab.pdfgen\n", encoding="utf-8")
    assert imported_roots(sample) == {"PySide6", "reportlab"}


def test_no_posix_only_calls() -> None:
    """Users run Windows: library code must not use fcntl, signals or /tmp."""
    bad = {}
    for package in ("forms", "pdf", "ui"):
        for path in modules(package):
            roots = imported_roots(path)
            text = path.read_text(encoding="utf-8")
            hits = sorted(roots & {"fcntl", "signal", "termios", "pwd", "grp"})
            if '"/tmp' in text or "'/tmp" in text:
                hits.append("/tmp")
            if hits:
                bad[str(path.relative_to(ROOT))] = hits
    assert bad == {}
