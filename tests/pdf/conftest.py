"""Shared, rendered-once PDFs for the printed-PDF tests (tests/pdf/test_render*.py)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from forms.draft import Draft
from forms.sample import sample_draft
from pdf.render import RenderResult, render_document
from tests.drafts import maximal_draft


@dataclass
class Printed:
    """A draft, its rendering and the PDF written to disk for the tools."""

    draft: Draft
    result: RenderResult
    path: Path

    @property
    def pages(self) -> int:
        return self.result.page_count


def _print(tmp: pytest.TempPathFactory, name: str, draft: Draft, **kw) -> Printed:
    result = render_document(draft, **kw)
    path = tmp.mktemp("printed") / f"{name}.pdf"
    path.write_bytes(result.pdf)
    return Printed(draft, result, path)


@pytest.fixture(scope="session")
def printed_sample(tmp_path_factory) -> Printed:
    return _print(tmp_path_factory, "sample", sample_draft())


@pytest.fixture(scope="session")
def printed_maximal(tmp_path_factory) -> Printed:
    return _print(tmp_path_factory, "maximal", maximal_draft())


@pytest.fixture(scope="session")
def printed_sample_simplex(tmp_path_factory) -> Printed:
    return _print(tmp_path_factory, "sample-simplex", sample_draft(), simplex=True)


@pytest.fixture(scope="session")
def printed_maximal_simplex(tmp_path_factory) -> Printed:
    return _print(tmp_path_factory, "maximal-simplex", maximal_draft(), simplex=True)


@pytest.fixture(scope="session")
def printed_maximal_draft(tmp_path_factory) -> Printed:
    return _print(tmp_path_factory, "maximal-draft", maximal_draft(), draft_mode=True)


@pytest.fixture(params=["sample", "maximal", "sample_simplex", "maximal_simplex", "maximal_draft"])
def printed_any(request) -> Printed:
    """Each of the session's printouts in turn."""
    return request.getfixturevalue(f"printed_{request.param}")
