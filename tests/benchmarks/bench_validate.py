"""Benchmark: validation of a large, limit-length draft (issue 2, "Show").

Run from the project root::

    python tests/benchmarks/bench_validate.py [--runs 200]

Not a test (pytest collects only test_*.py): it prints figures. The draft is the built-in sample
grown to 60 team members (synthetic identity numbers from tests/forms/idgen.py), with
``capability`` at exactly 1000 字 and ``plan`` at exactly 2000 字, so every check runs on the
longest texts the form allows. The baseline is ``json.loads`` of the same draft's JSON; the aim
is a full ``validate()`` well inside one 16 ms frame, so the editor can re-check while the user
types.
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
from forms.sample import CAPABILITY, PLAN, sample_draft  # noqa: E402
from forms.text import count_zi  # noqa: E402
from forms.validate import validate, validate_field  # noqa: E402
from tests.forms.idgen import PROVINCES, make_id  # noqa: E402

FRAME_MS = 16.0
MEMBERS = 60
TODAY = dt.date(2022, 4, 20)


def text_of_exactly(zi: int, source: str) -> str:
    """Paragraphs of real form text, cycled and cut so that ``count_zi`` is exactly ``zi``.

    Whether a character adds a 字 depends only on the character before it (a Latin run goes on
    or not), so the count is kept incrementally.
    """
    out: list[str] = []
    count = 0
    last = ""
    i = 0
    while count < zi:
        ch = source[i % len(source)]
        i += 1
        count += count_zi(last + ch) - count_zi(last)
        out.append(ch)
        last = ch
    text = "".join(out)
    assert count_zi(text) == zi, (count_zi(text), zi)
    return text


def build_draft() -> Draft:
    draft = sample_draft()
    draft.set("capability", text_of_exactly(1000, CAPABILITY))
    draft.set("plan", text_of_exactly(2000, PLAN))
    members = draft.get("team.members")
    leader = members[0]
    rows = [leader]
    for i in range(1, MEMBERS):
        province = PROVINCES[i % len(PROVINCES)]
        birth = dt.date(1960 + i % 40, 1 + i % 12, 1 + i % 28)
        rows.append({
            "name": f"成员{i:02d}", "id_type": "居民身份证",
            "id_number": make_id(region=f"{province}0101", birth=birth, seq=i * 7, sex="男" if i % 2 else "女"),
            "department": "知识产权运营中心", "title": "工程师", "education": "硕士研究生",
            "specialty": "集成电路设计", "task": f"专利导航与布局分析（第{i}组）",
        })
    draft.data["team"]["members"] = rows
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

    member_path = "team.members[30].id_number"
    runs = args.runs
    loads = timings(lambda: json.loads(text), runs)
    parse = timings(lambda: parse_draft_json(raw, load_files=False), runs)
    full = timings(lambda: validate(draft, TODAY), runs)
    single = timings(lambda: validate_field(draft, member_path, TODAY), runs * 10)

    print(f"Python {platform.python_version()} on {platform.system()} {platform.machine()}")
    print(f"draft: {len(draft.get('team.members'))} members, capability {count_zi(draft.get('capability'))} 字, "
          f"plan {count_zi(draft.get('plan'))} 字, JSON {len(raw) / 1024:.1f} KiB, "
          f"{len(problems)} problems")
    print(describe("baseline json.loads(draft JSON)", loads))
    print(describe("parse_draft_json (strict load)", parse))
    print(describe("validate(draft) full", full))
    print(describe(f"validate_field({member_path})", single))
    ratio = statistics.median(full) / statistics.median(loads)
    print(f"full validation = {ratio:.1f} × json.loads")
    verdict = "within" if p95(full) < FRAME_MS else "NOT within"
    print(f"full validation p95 {p95(full):.3f} ms is {verdict} one {FRAME_MS:.0f} ms frame "
          f"({p95(full) / FRAME_MS * 100:.0f}% of it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
