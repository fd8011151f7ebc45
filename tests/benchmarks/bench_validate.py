"""Benchmark: validation of the maximal draft (issues 2 and 13).

Run from the project root::

    python tests/benchmarks/run.py [--runs 200]    # the whole table (this figure among them)
    python tests/benchmarks/bench_validate.py [--runs 200]

Not a test (pytest collects only test_*.py): it prints figures. The draft is
``tests/drafts.py`` ``maximal_draft()`` — 60 team members, 二 at 1000 字, 三 at 2000 字, 8
partners, every field at its limit — without its attachments (as ``run.py`` measures it), then
with them (each inspected once, then remembered per bytes object, as in the editor). The baseline
is ``json.loads`` of the same draft's JSON. Budget (issue 13): a full ``validate()`` in ≤ 5 ms,
well inside one 16 ms frame, so the editor can re-check while the user types.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from forms.draft import Draft, dump_draft_json, parse_draft_json  # noqa: E402
from forms.text import count_zi  # noqa: E402
from forms.validate import validate, validate_field  # noqa: E402
from tests.drafts import maximal_draft  # noqa: E402

FRAME_MS = 16.0
BUDGET_MS = 5.0
TODAY = dt.date(2022, 4, 20)


def build_draft(*, attachments: bool = False) -> Draft:
    draft = maximal_draft()
    if not attachments:
        draft.data["attachments"] = []
        draft.files.clear()
    return draft


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per call, ``runs`` calls after a few warm-up calls."""
    for _ in range(min(5, runs)):
        fn()
    out = []
    for _ in range(runs):
        start = time.perf_counter_ns()
        fn()
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def describe(name: str, values: list[float]) -> str:
    return (f"{name:<44} median {statistics.median(values):8.3f} ms   p95 {p95(values):8.3f} ms   "
            f"min {min(values):8.3f} ms   ({len(values)} runs)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="timed runs of the full validation")
    args = parser.parse_args(argv)

    draft = build_draft()
    problems = validate(draft, TODAY)
    if problems:
        for p in problems:
            print(f"unexpected problem: {p.path} {p.code} {p.message}", file=sys.stderr)
        return 1
    text = dump_draft_json(draft)
    raw = text.encode("utf-8")
    assert parse_draft_json(raw) == Draft(draft.form, draft.data)  # same content, no files
    with_files = build_draft(attachments=True)

    member_path = "team.members[30].id_number"
    runs = args.runs
    loads = timings(lambda: json.loads(text), runs)
    parse = timings(lambda: parse_draft_json(raw, load_files=False), runs)
    full = timings(lambda: validate(draft, TODAY), runs)
    attached = timings(lambda: validate(with_files, TODAY), runs)
    single = timings(lambda: validate_field(draft, member_path, TODAY), runs * 10)

    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"draft: {len(draft.get('team.members'))} members, capability {count_zi(draft.get('capability'))} 字, "
          f"plan {count_zi(draft.get('plan'))} 字, JSON {len(raw) / 1024:.1f} KiB, "
          f"{len(problems)} problems")
    print(describe("baseline json.loads(draft JSON)", loads))
    print(describe("parse_draft_json (strict load)", parse))
    print(describe("validate(draft) full", full))
    print(describe("validate(draft) full, 2 attachments", attached))
    print(describe(f"validate_field({member_path})", single))
    median = statistics.median(full)
    print(f"full validation = {median / statistics.median(loads):.1f} × json.loads")
    verdict = "within" if median <= BUDGET_MS else "NOT within"
    print(f"full validation median {median:.3f} ms is {verdict} the {BUDGET_MS:g} ms budget; "
          f"p95 {p95(full):.3f} ms is {p95(full) / FRAME_MS * 100:.0f}% of one {FRAME_MS:.0f} ms frame")
    return 0 if median <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
