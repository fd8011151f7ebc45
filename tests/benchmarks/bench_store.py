"""Benchmarks of the draft store: ``python tests/benchmarks/bench_store.py`` (from the project folder).

Prints: the editor's autosave latency (median, p99): ``Store.save`` after a one-field change and
an unchanged save, for the sample and for the maximal draft (60 members, limit-length texts,
~3 MB of attachments), beside two baselines measured in the same run — ``json.dumps`` of the
draft and a bare committed UPDATE of the same JSON with the store's SQLite settings;
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

from forms.draft import draft_to_document, to_json_data  # noqa: E402
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
    print(f"  {label:<62} p50 {ms(statistics.median(values))}   p99 {ms(p99(values))}"
          f"   (n={len(values)})")


def bare_commit(folder: Path, data_json: str, n: int) -> list[float]:
    """Baseline: the floor of a durable autosave here — one UPDATE of the same JSON text in a
    one-row table, committed with the store's settings (WAL, synchronous=FULL)."""
    conn = sqlite3.connect(folder / f"bare-{len(data_json)}.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    conn.execute("INSERT INTO t VALUES (1, ?)", (data_json,))
    out = []
    for i in range(n):
        text = data_json + str(i)
        out += timed(lambda: (conn.execute("BEGIN IMMEDIATE"),
                              conn.execute("UPDATE t SET data = ? WHERE id = 1", (text,)),
                              conn.execute("COMMIT")))
    conn.close()
    return out


def autosave(folder: Path, name: str, draft, n: int) -> None:
    """The editor's autosave: Store.save after a one-field change (with the editor's problems,
    and without them: then it validates), and an unchanged save."""
    data_json = json.dumps(to_json_data(draft), ensure_ascii=False, separators=(",", ":"))
    with Store(folder / f"{name}.sqlite3") as store:
        draft_id = store.create(draft)
        problems = validate(draft)
        changed, changed_validating, unchanged = [], [], []
        for i in range(n):
            draft.set("unit.address", f"上海市浦东新区张江路{i}号")
            changed += timed(lambda: store.save(draft_id, draft, problems=problems))
            unchanged += timed(lambda: store.save(draft_id, draft, problems=problems))
        for i in range(n // 2):
            draft.set("unit.address", f"上海市徐汇区漕溪北路{i}号")
            changed_validating += timed(lambda: store.save(draft_id, draft))
        single = []
        for i in range(n // 2):
            single += timed(lambda: store.set_value(draft_id, "unit.address", f"上海市黄浦区{i}号",
                                                    problems=problems))
        revisions = len(store.revisions(draft_id))
    baseline_json = timed(lambda: json.dumps(to_json_data(draft), ensure_ascii=False), repeat=n)
    baseline_commit = bare_commit(folder, data_json, n)
    validate_only = timed(lambda: validate(draft), repeat=min(n, 50))
    print(f"\n{name}: autosave latency on the calling (GUI) thread")
    report("baseline: json.dumps(draft JSON)", baseline_json)
    report("baseline: bare committed UPDATE of the same JSON (WAL, FULL)", baseline_commit)
    report("save() unchanged (hash + one read, no write)", unchanged)
    report("save() after a one-field change, editor's problems given", changed)
    report("save() after a one-field change, validating itself", changed_validating)
    report("set_value() (load + set + save in one transaction)", single)
    report("validate(draft) alone, for comparison", validate_only)
    print(f"  revisions after {2 * n} commits within seconds: {revisions} (coalesced)")


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
