"""Where fields the printed grids do not show sit in the editor (pure logic, no Qt).

The part grids of the definition place most fields. The rest — not printed (申报主体, 其他单位性质,
the bank exemption) or printed inside another cell (邮政编码 with the address, 证件类型 with the
number) — sit beside the field they belong to, found from the definition alone:

1. a field whose requiredness depends on a placed field sits with it (其他单位性质 → 单位性质);
2. a field read by a placed field's requiredness condition sits before that field (the exemption
   → 开户银行);
3. a field a placed cell's display format reads sits in that cell (邮政编码 → 通信地址, 证件类型 →
   身份证号码);
4. otherwise before the next placed field of its group, or after the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.definition import Form
from forms.display import FORMATS
from forms.draft import Draft
from forms.validate import is_required


class _Reads(Draft):
    """An empty draft that records the paths read through ``get``."""

    def __init__(self, form: Form):
        super().__init__(form)
        self.reads: set[str] = set()

    def get(self, path: str, default: Any = None) -> Any:
        self.reads.add(path)
        return super().get(path, default)


@dataclass(frozen=True)
class Companion:
    path: str
    before: bool = False  # shown before its host field rather than after it


def cells_of(part: dict) -> list[dict]:
    """Every field cell of a part (table rows; repeat rows excluded)."""
    out = []
    for row in part.get("rows", []):
        if isinstance(row, list):
            out += [c for c in row if "field" in c]
    return out


def placed_paths(form: Form) -> list[str]:
    """Declared scalar/list paths the parts show directly, in document order."""
    out: list[str] = []
    for part in form.parts:
        for key in ("unit_field", "date_field", "field"):
            if key in part:
                out.append(part[key])
        out += [c["field"] for c in cells_of(part)]
        for row in part.get("rows", []):
            if isinstance(row, dict):
                out.append(row["repeat"])
    return list(dict.fromkeys(out))


def _scalar_paths(form: Form) -> list[str]:
    """Every declared path outside lists that holds a value (records expanded)."""
    out = []
    for fdef in form.fields:
        if fdef.type == "record":
            out += [f"{fdef.path}.{sub.key}" for sub in fdef.record.fields]
        elif fdef.type != "list":
            out.append(fdef.path)
    return out


def _condition_reads(form: Form, path: str) -> set[str]:
    fdef = form.field(path)
    if fdef.required.when is None and fdef.required.unless is None:
        return set()
    tracer = _Reads(form)
    is_required(fdef, tracer)
    return tracer.reads - {path}


def _format_reads(form: Form, cell: dict) -> set[str]:
    if "format" not in cell:
        return set()
    tracer = _Reads(form)
    FORMATS[cell["format"]](tracer, cell["field"])
    return {p for p in tracer.reads if form.has_path(p)} - {cell["field"]}


def companions(form: Form) -> dict[str, list[Companion]]:
    """host path -> the unplaced fields shown with it (see the module docstring)."""
    placed = placed_paths(form)
    placed_set = set(placed)
    all_paths = _scalar_paths(form)
    hosts: dict[str, list[Companion]] = {}
    format_cells = [c for part in form.parts for c in cells_of(part) if "format" in c]

    for path in all_paths:
        if path in placed_set:
            continue
        host: str | None = None
        before = False
        for candidate in sorted(_condition_reads(form, path) & placed_set, key=placed.index):
            host = candidate
            break
        if host is None:
            for other in placed:
                if other in all_paths and path in _condition_reads(form, other):
                    host, before = other, True  # the switch comes before what it governs
                    break
        if host is None:
            for cell in format_cells:
                if path in _format_reads(form, cell):
                    host = cell["field"]
                    break
        if host is None:
            group = path.rsplit(".", 1)[0] if "." in path else ""
            siblings = [p for p in all_paths if (p.rsplit(".", 1)[0] if "." in p else "") == group]
            after = siblings[siblings.index(path) + 1:]
            before_list = siblings[:siblings.index(path)]
            nxt = next((p for p in after if p in placed_set), None)
            prev = next((p for p in reversed(before_list) if p in placed_set), None)
            host, before = (nxt, True) if nxt else (prev, False)
        if host is not None:
            hosts.setdefault(host, []).append(Companion(path, before))
    return hosts


def unplaced(form: Form) -> list[str]:
    """Paths no part shows and no companion rule places (shown in a catch-all section)."""
    placed = set(placed_paths(form))
    for comps in companions(form).values():
        placed |= {c.path for c in comps}
    return [p for p in _scalar_paths(form) if p not in placed]
