"""Render time of hostile input (issue 9): ``python tests/benchmarks/bench_hostile.py [--chars 100000]``.

Run from the project folder. Not a test (pytest collects only test_*.py). For each field kind —
long text, one-line text, ID number, phone, e-mail, credit code, a member cell, a partner name —
the built-in sample with that one field set to an unbroken run of ``--chars`` characters is
rendered as a draft (草稿, as ``render --draft`` does: such a draft does not validate) in a
fresh process, timed whole (start, read, validate, render, write). The baseline beside it is the
unchanged sample rendered the same way in the same run. The aim: every figure under 5 s at
100,000 characters. ``--in-process`` times the render alone instead.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

AIM_S = 5.0

#: field kind → (field path, what one character of the run is)
CASES = {
    "sample (baseline)": (None, ""),
    "long text (capability)": ("capability", "a"),
    "one-line text (unit.address)": ("unit.address", "a"),
    "ID number (leader)": ("people.leader.id_number", "1"),
    "phone (leader)": ("people.leader.phone", "1"),
    "e-mail (leader)": ("people.leader.email", "a"),
    "credit code": ("unit.credit_code", "A"),
    "member cell (members[0].task)": ("team.members[0].task", "a"),
    "table text (unit.business_scope)": ("unit.business_scope", "a"),
    "member name (members[0].name)": ("team.members[0].name", "a"),
    "partner name (partners[0].name)": ("unit.partners[0].name", "a"),
    "phone, spaced (issue 9 item 2)": ("people.leader.phone", None),
}


def hostile_draft(path: str | None, unit: str | None, chars: int):
    """The sample with the field at ``path`` set to ``chars`` characters (``unit`` repeated;
    ``None``: the "021- - - …x" run of issue 9 item 2)."""
    from forms.sample import sample_draft

    draft = sample_draft()
    if path is not None:
        text = unit * chars if unit is not None else ("021-" + " -" * (chars // 2) + "x")[:chars]
        steps = path.replace("]", "").replace("[", ".").split(".")
        node = draft.data
        for step in steps[:-1]:
            node = node[int(step)] if step.isdigit() else node[step]
        node[steps[-1]] = text
    return draft


def whole_process(name: str, chars: int, folder: Path) -> tuple[float, str]:
    """Seconds for ``python main.py render --draft`` of the case, and its outcome."""
    from forms.draft import dump_draft_json

    path, unit = CASES[name]
    source = folder / "draft.json"
    source.write_text(dump_draft_json(hostile_draft(path, unit, chars)), encoding="utf-8")
    out = folder / "out.pdf"
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "main.py"), "render", str(source), "-o", str(out),
                           "--draft"], check=False, capture_output=True, text=True, encoding="utf-8", cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    took = time.perf_counter() - start
    outcome = "ok" if done.returncode == 0 else f"exit {done.returncode}: {done.stderr.strip()[-200:]}"
    if done.returncode == 0:
        outcome += f", {out.stat().st_size // 1024} KB"
    return took, outcome


def in_process(name: str, chars: int) -> tuple[float, str]:
    from pdf.export import export_bytes, prepare_fonts

    prepare_fonts()
    path, unit = CASES[name]
    draft = hostile_draft(path, unit, chars)
    start = time.perf_counter()
    blob, printed = export_bytes(draft, draft_mode=True)
    return time.perf_counter() - start, f"ok, {printed.page_count} pages, {len(blob) // 1024} KB"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=100_000)
    parser.add_argument("--in-process", action="store_true", help="time the render alone")
    parser.add_argument("--only", help="run only the cases whose name contains this")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.platform()}")
    print(f"each field: {args.chars:,} characters; draft render "
          f"({'in process' if args.in_process else 'whole process: python main.py render --draft'})")
    missed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in CASES:
            if args.only and args.only not in name and path_of(name) is not None:
                continue
            took, outcome = (in_process(name, args.chars) if args.in_process
                             else whole_process(name, args.chars, Path(tmp)))
            over = took > AIM_S or not outcome.startswith("ok")
            missed += over
            print(f"  {name:34s} {took:7.2f} s  {'MISSED' if over else '     '}  {outcome}")
    print(f"aim: each under {AIM_S:.0f} s and rendered; {missed} missed")
    return 1 if missed else 0


def path_of(name: str) -> str | None:
    return CASES[name][0]


if __name__ == "__main__":
    sys.exit(main())
