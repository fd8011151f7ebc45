"""External tools some tests use (poppler, qpdf, LibreOffice).

On a developer's machine without them, those tests are skipped with the reason shown; under CI
(``CI=true``) they are never skipped, so a missing tool fails the run and a green CI always means
the tools really ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(*tools: str) -> list[str]:
    return [t for t in tools if shutil.which(t) is None]


def requires_tools(*tools: str) -> pytest.MarkDecorator:
    """``pytestmark = requires_tools("pdftotext", "qpdf")`` at the top of a test module."""
    absent = missing(*tools)
    return pytest.mark.skipif(bool(absent) and not IN_CI,
                              reason=f"needs {', '.join(absent)} (not installed here)")
