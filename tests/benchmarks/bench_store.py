"""Benchmarks of the draft store: ``python tests/benchmarks/bench_store.py`` (from the project folder).

Prints: autosave commit latency (median, p99) of a whole-draft save and of a single-field write,
for the sample and for the maximal draft (60 members, limit-length texts, ~3 MB of attachments);
listing 1000 drafts; export and import of the maximal draft (plain and encrypted), each beside a
baseline — ``json.dumps`` of the same draft (with its attachments as base64) — for scale.
Every write is a real committed transaction (synchronous=FULL) on a file in a temporary folder.
"""

from __future__ import annotations

import base64
import json
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from forms.draft import draft_to_document  # noqa: E402
from forms.draftfile import read_draft_file  # noqa: E402
from forms.sample import sample_draft  # noqa: E402
from forms.store import Store  # noqa: E402
from forms.validate import validate  # noqa: E402
from tests.forms.store_helpers import maximal_draft  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def timed(fn, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def p99(values: list[float]) -> float:
    return sorted(values)[max(0, int(len(values) * 0.99) - 1)]


def report(label: str, values: list[float]) -> None:
    print(f"  {label:<58} median {ms(statistics.median(values))}   p99 {ms(p99(values))}"
          f"   (n={len(values)})")


def autosave(folder: Path, name: str, draft, n: int) -> None:
    with Store(folder / f"{name}.sqlite3") as store:
        draft_id = store.create(draft)
        problems = validate(draft)
        whole, whole_given, single = [], [], []
        for i in range(n):
            draft.set("unit.address", f"上海市浦东新区张江路{i}号")
            whole += timed(lambda: store.save(draft_id, draft))
        for i in range(n):
            draft.set("unit.address", f"上海市徐汇区漕溪北路{i}号")
            whole_given += timed(lambda: store.save(draft_id, draft, problems=problems))
        for i in range(n):
            single += timed(lambda: store.set_value(draft_id, "unit.address", f"上海市黄浦区{i}号"))
        single_given = []
        for i in range(n):
            single_given += timed(lambda: store.set_value(draft_id, "unit.address", f"上海市静安区{i}号",
                                                          problems=problems))
        validate_only = timed(lambda: validate(draft), repeat=min(n, 50))
        revisions = len(store.revisions(draft_id))
    print(f"\n{name}: autosave commit latency (each a committed transaction)")
    report("save(whole draft) — validates for the problem counts", whole)
    report("save(whole draft, problems=editor's validation result)", whole_given)
    report("set_value(one field) — validates for the problem counts", single)
    report("set_value(one field, problems=editor's validation result)", single_given)
    report("validate(draft) alone, for comparison", validate_only)
    print(f"  revisions after {4 * n} commits within seconds: {revisions} (coalesced)")


def listing(folder: Path, count: int = 1000) -> None:
    path = folder / "many.sqlite3"
    with Store(path) as store:
        draft = sample_draft()
        problems = validate(draft)
        t = time.perf_counter()
        for i in range(count):
            draft.set("unit.name", f"上海第{i}号科技有限公司")
            draft_id = store.create(draft)
            if i == 0:
                store.save(draft_id, draft, problems=problems)
        fill = time.perf_counter() - t
        lists = timed(store.list_drafts, repeat=30)
        n = len(store.list_drafts())
    with_open = timed(lambda: Store(path).close(), repeat=10)
    print(f"\nlisting {n} drafts (store filled in {fill:.1f} s)")
    report("list_drafts()", lists)
    report("open the store (schema check, retention check)", with_open)


def export_import(folder: Path) -> None:
    big = maximal_draft()
    size = sum(len(b) for b in big.files.values())
    doc = draft_to_document(big)
    doc["files"] = {k: base64.b64encode(v).decode() for k, v in big.files.items()}
    baseline = timed(lambda: json.dumps(doc, ensure_ascii=False), repeat=10)
    baseline_data = timed(lambda: json.dumps(draft_to_document(big), ensure_ascii=False), repeat=10)
    with Store(folder / "big.sqlite3") as store:
        draft_id = store.create(big)
        out = folder / "big.shenbao"
        exports = timed(lambda: store.export_file(draft_id, out), repeat=10)
        file_size = out.stat().st_size
        reads = timed(lambda: read_draft_file(out), repeat=10)
        imports = timed(lambda: store.import_file(out), repeat=10)
        enc = folder / "big-encrypted.shenbao"
        exports_enc = timed(lambda: store.export_file(draft_id, enc, passphrase="口令"), repeat=5)
        imports_enc = timed(lambda: store.import_file(enc, passphrase="口令"), repeat=5)
        loads = timed(lambda: store.load(draft_id), repeat=10)
    print(f"\nmaximal draft: 60 members, limit-length texts, {len(big.files)} attachments "
          f"({size / 1e6:.1f} MB); .shenbao file {file_size / 1e6:.1f} MB")
    report("baseline: json.dumps(draft JSON + attachments as base64)", baseline)
    report("baseline: json.dumps(draft JSON, no attachments)", baseline_data)
    report("export_file (build, VACUUM, fsync, rename)", exports)
    report("read_draft_file (all hostile-input checks)", reads)
    report("import_file (read + one transaction into the store)", imports)
    report("export_file with passphrase (scrypt n=2**15 + AES-GCM)", exports_enc)
    report("import_file with passphrase", imports_enc)
    report("Store.load (draft + attachment bytes)", loads)


def main() -> None:
    print(f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="shenbao-bench-") as tmp:
        folder = Path(tmp)
        print(f"store folder: {folder}")
        autosave(folder, "sample draft", sample_draft(), 300)
        autosave(folder, "maximal draft", maximal_draft(), 100)
        listing(folder)
        export_import(folder)


if __name__ == "__main__":
    main()
