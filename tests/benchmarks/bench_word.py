"""Benchmark of the Word export (issue 5): ``python tests/benchmarks/bench_word.py [--runs 10]``.

Run from the project folder. Not a test (pytest collects only test_*.py): it prints figures —
the time ``render_docx`` takes for the built-in sample, for the maximal draft of tests/drafts.py
(60 members, 1000 / 2000 字, Ext-B names, two attachments) and for the limit-length stress draft
of tests/pdf/test_word.py (every text at its limit), beside a baseline: python-docx opening its
default template and saving it to bytes, the floor any python-docx export pays.
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import docx  # noqa: E402

from forms.sample import sample_draft  # noqa: E402
from pdf.docx import render_docx  # noqa: E402
from tests.drafts import maximal_draft  # noqa: E402
from tests.pdf.test_word import limit_draft  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    fn()  # warm up: imports, the form definition, attachment inspection caches
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def empty_docx() -> bytes:
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    print(f"Word export benchmark — Python {platform.python_version()}, python-docx "
          f"{getattr(docx, '__version__', '?')}, {platform.platform()}; {args.runs} runs each")
    cases = [("baseline: empty python-docx Document → bytes", empty_docx)]
    for label, draft in (("sample", sample_draft()), ("maximal (tests/drafts.py)", maximal_draft()),
                         ("limit-length stress draft", limit_draft())):
        members = len(draft.get("team.members"))
        cases.append((f"render_docx {label} ({members} members)", lambda d=draft: render_docx(d)))
    for label, fn in cases:
        size = len(fn())
        times = timed(fn, args.runs)
        print(f"  {label:<52} median {statistics.median(times) * 1000:8.1f} ms   "
              f"min {min(times) * 1000:8.1f} ms   {size / 1024:7.1f} KiB")


if __name__ == "__main__":
    main()
