"""One generic builder: each printed part of the definition becomes a page laid out as its table.

``build_page(session, part, plan)`` reads a part of ``form.yaml`` (the grids the PDF uses) and
lays it out with the same cells, spans, label cells and row order: label cells as labels, field
cells as editors from the field registry (:mod:`ui.fields`), lists as tables (:mod:`ui.table`),
static text read-only. Fields the grids do not show sit beside the field they belong to
(:mod:`ui.placement`). Nothing here knows a particular table of the 申报书: a new edition opens
without code changes.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from forms.definition import Form
from forms.rules import CONDITIONS
from ui.fields import FieldEditor, make_editor
from ui.placement import Companion, companions
from ui.table import TableEditor, columns_for

EXEMPT = "免填"
PAGE_MAX_WIDTH = 1080  # like a sheet of paper on screen, not a banner across a wide monitor
_INDEX_RE = re.compile(r"\[\d+\]")


class PartPage(QWidget):
    """The page of one part: its editors, tables and the declared paths it shows."""

    def __init__(self, session, part: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.session, self.part = session, part
        self.setObjectName(f"part.{part['id']}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setMaximumWidth(PAGE_MAX_WIDTH)
        self.paths: set[str] = set()      # declared paths (no row indexes) shown on this page
        self.editors: list[FieldEditor] = []
        self.tables: dict[str, TableEditor] = {}
        self._conditions: dict[str, tuple[str, bool]] = {}  # path -> the state last shown
        self.built = False  # fill_page has built the content (the window builds pages lazily)
        self.layout_ = QVBoxLayout(self)
        self.layout_.setContentsMargins(24, 16, 24, 24)
        self.layout_.setSpacing(10)

    @property
    def title(self) -> str:
        return self.part.get("heading") or ("封面" if self.part["kind"] == "cover" else self.part["id"])

    def shows(self, path: str) -> bool:
        plain = _INDEX_RE.sub("", path)
        return plain in self.paths or any(plain.startswith(p + ".") for p in self.paths)

    # -- building blocks ------------------------------------------------------------------

    def heading(self, text: str, name: str = "heading") -> QLabel:
        label = QLabel(text)
        label.setObjectName(name)
        label.setWordWrap(True)
        self.layout_.addWidget(label)
        return label

    def editor(self, path: str, parent: QWidget | None = None, *, show_label: bool = False) -> FieldEditor:
        editor = make_editor(self.session, path, parent, show_label=show_label)
        self.editors.append(editor)
        self.paths.add(path)
        return editor

    def table(self, list_path: str, keys: list[str] | None = None,
              labels: dict[str, str] | None = None) -> TableEditor:
        columns = columns_for(self.session.form, list_path, keys, labels)
        table = TableEditor(self.session, list_path, columns, self)
        self.tables[list_path] = table
        self.paths.add(list_path)
        return table

    def field_block(self, path: str, comps: list[Companion], *, show_label: bool = False) -> QWidget:
        """A field with the fields that sit with it (before or after)."""
        fdef = self.session.form.field(path)
        if fdef.type == "list":
            return self.table(path)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for comp in comps:
            if comp.before:
                layout.addWidget(self.editor(comp.path, box, show_label=True))
        layout.addWidget(self.editor(path, box, show_label=show_label))
        for comp in comps:
            if not comp.before:
                layout.addWidget(self.editor(comp.path, box, show_label=True))
        return box

    # -- conditions -----------------------------------------------------------------------

    def refresh_conditions(self) -> None:
        """Conditional fields: hidden unless needed (其他单位性质), 免填 when exempt (the bank
        rows), the park-name hint for 科技型园区."""
        draft = self.session.draft
        park_names = {ref.params["name"]: ref.params["unit_type"]
                      for ref in self.session.form.rules if ref.name == "park_company"}
        for editor in self.editors:
            req = editor.fdef.required
            if req.when is not None:
                state = ("shown", CONDITIONS[req.when](draft) or bool(editor.session.get(editor.path)))
            elif req.unless is not None:
                state = ("exempt", CONDITIONS[req.unless](draft))
            elif editor.path in park_names:
                state = ("park", draft.get(park_names[editor.path]) == "科技型园区")
            else:
                continue
            if self._conditions.get(editor.path) == state:
                continue  # nothing to redraw (this runs on every change)
            self._conditions[editor.path] = state
            kind, on = state
            if kind == "shown":
                editor.setVisible(on)
            elif kind == "exempt":
                editor.set_hint(f"{EXEMPT}：{editor.fdef.hint.strip('（）')}" if on else "")
                editor.input.setPlaceholderText(EXEMPT if on else editor.fdef.hint)
                editor.input.setProperty("exempt", on)
            else:
                editor.set_hint(editor.fdef.hint if on else "")


def _cell_frame(kind: str) -> QFrame:
    frame = QFrame()
    frame.setProperty("cell", kind)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(6, 4, 6, 4)
    return frame


def _label_cell(text: str) -> QFrame:
    frame = _cell_frame("label")
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    frame.layout().addWidget(label)
    return frame


def _sheet() -> tuple[QFrame, QGridLayout]:
    """A bordered table sheet (the style sheet draws its rules) with a gapless grid."""
    sheet = QFrame()
    sheet.setObjectName("sheet")
    grid = QGridLayout(sheet)
    grid.setSpacing(0)
    grid.setContentsMargins(0, 0, 0, 0)
    return sheet, grid


def _build_table(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    page.heading(part["heading"])
    sheet, grid = _sheet()
    for i, width in enumerate(part["columns"]):
        grid.setColumnStretch(i, int(width))
    ncols = len(part["columns"])
    rows = part.get("rows", [])
    skip: set[int] = set()
    for i, row in enumerate(rows):
        if isinstance(row, dict):  # the column labels above a repeat become the table's header
            prev = rows[i - 1] if i else None
            if isinstance(prev, list) and len(prev) == len(row["cells"]) and all("label" in c for c in prev):
                skip.add(i - 1)
    covered: dict[int, int] = {}
    grid_row = 0
    for i, row in enumerate(rows):
        if i in skip:
            covered = {c: v - 1 for c, v in covered.items() if v - 1 > 0}
            continue
        if isinstance(row, dict):
            keys = [c["key"] for c in row["cells"] if "key" in c]
            labels = {}
            if i - 1 in skip:
                labels = {c["key"]: rows[i - 1][j]["label"] for j, c in enumerate(row["cells"]) if "key" in c}
            table = page.table(row["repeat"], keys, labels)
            grid.addWidget(table, grid_row, 0, 1, ncols)
            grid_row += 1
            continue
        col = 0
        for cell in row:
            while covered.get(col, 0) > 0:
                col += 1
            span, rowspan = int(cell.get("span", 1)), int(cell.get("rowspan", 1))
            if "label" in cell or "text" in cell:
                widget = _label_cell(cell.get("label", cell.get("text", "")))
            elif "blank" in cell:
                widget = _cell_frame("blank")
                note = QLabel("（打印后手写）")
                note.setObjectName("hint")
                note.setAlignment(Qt.AlignmentFlag.AlignCenter)
                widget.layout().addWidget(note)
                widget.setMinimumHeight(int(cell.get("min_height_mm", 0)) * 3)
            else:
                widget = _cell_frame("field")
                widget.layout().addWidget(page.field_block(cell["field"], plan.get(cell["field"], [])))
            grid.addWidget(widget, grid_row, col, rowspan, span)
            if rowspan > 1:
                covered[col] = rowspan  # this row and the next rowspan - 1
            col += span
        covered = {c: v - 1 for c, v in covered.items() if v - 1 > 0}
        grid_row += 1
    page.layout_.addWidget(sheet)


def _build_cover(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    lay = page.layout_
    number = QLabel(f"{part['number_label']}＿＿＿＿＿＿（不需填写）")
    number.setObjectName("hint")
    number.setAlignment(Qt.AlignmentFlag.AlignRight)
    lay.addWidget(number)
    lay.addSpacing(24)
    for line in part.get("title", []):
        title = QLabel(line)
        title.setObjectName("cover_title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(title)
    lay.addSpacing(32)
    for label, key, suffix in ((part["unit_label"], "unit_field", part.get("seal", "")),
                               (part["date_label"], "date_field", "")):
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(QLabel(label))
        editor = page.editor(part[key])
        editor.setMinimumWidth(360)
        row.addWidget(editor, 4)
        tail = QLabel(suffix)
        tail.setMinimumWidth(60)
        row.addWidget(tail)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addSpacing(12)
    lay.addSpacing(32)
    by = QLabel(part.get("compiled_by", ""))
    by.setAlignment(Qt.AlignmentFlag.AlignCenter)
    lay.addWidget(by)


def _build_static(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    page.heading(part["heading"], "part_title").setAlignment(Qt.AlignmentFlag.AlignCenter)
    for text in part.get("paragraphs", []):
        para = QLabel(text)
        para.setObjectName("static_text")
        para.setWordWrap(True)
        para.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        page.layout_.addWidget(para)


def _build_box(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    page.heading(part["heading"])
    frame = _cell_frame("field")
    frame.setObjectName("sheet")
    if part.get("title"):
        title = QLabel(part["title"])
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        frame.layout().addWidget(title)
    fdef = page.session.form.field(part["field"])
    if fdef.hint:
        hint = QLabel(fdef.hint)
        hint.setObjectName("hint")
        hint.setWordWrap(True)
        frame.layout().addWidget(hint)
    editor = page.editor(part["field"], frame)
    editor.input.setMinimumHeight(420)
    frame.layout().addWidget(editor)
    page.layout_.addWidget(frame)


def _build_opinion(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    page.heading(part["heading"])
    sheet, grid = _sheet()
    grid.setColumnStretch(0, 24)
    grid.setColumnStretch(1, 76)
    grid.addWidget(_label_cell(part["label"]), 0, 0)
    body = _cell_frame("field")
    text = QLabel(part.get("text", ""))
    text.setObjectName("static_text")
    text.setWordWrap(True)
    body.layout().addWidget(text)
    seal = QLabel(part.get("seal_label", ""))
    seal.setMinimumHeight(120)
    seal.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom)
    body.layout().addWidget(seal)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(QLabel(page.session.form.field(part["date_field"]).label))
    editor = page.editor(part["date_field"], body)
    editor.input.setPlaceholderText(f"{part.get('date_blank', '')}（可留空，打印后手写）")
    editor.setMinimumWidth(260)
    row.addWidget(editor)
    body.layout().addLayout(row)
    grid.addWidget(body, 0, 1)
    page.layout_.addWidget(sheet)


def _build_attachments(page: PartPage, part: dict, plan: dict[str, list[Companion]]) -> None:
    try:
        from ui.attachments_page import AttachmentsPage
    except ImportError:
        page.heading(part["heading"])
        page.layout_.addWidget(page.table(part["field"]))
        return
    page.heading(part["heading"])
    widget = AttachmentsPage(page.session, page)
    page.paths.add(part["field"])
    page.layout_.addWidget(widget)
    page.attachments_page = widget


BUILDERS: dict[str, Callable[[PartPage, dict, dict], None]] = {
    "cover": _build_cover,
    "static": _build_static,
    "table": _build_table,
    "box": _build_box,
    "opinion": _build_opinion,
    "attachments": _build_attachments,
}


def leader_row(form: Form, draft, person: str, members: str) -> dict:
    """The member row for the person of rule ``leader_in_members``: the person's values, and
    those of any record labelled like the person (四's 项目负责人 record: 学历, 职务/职称 …)."""
    keys = form.field(members).record.keys
    label = form.field(person).label
    sources = [person] + [f.path for f in form.fields
                          if f.type == "record" and f.label == label and f.path != person]
    row: dict = {}
    for source in sources:
        for sub in form.field(source).record.fields:
            value = draft.get(f"{source}.{sub.key}")
            if sub.key in keys and sub.key not in row and value not in (None, ""):
                row[sub.key] = value
    return row


def _add_leader_actions(session, pages: list[PartPage]) -> None:
    """One action puts the project leader into the member table (rule leader_in_members)."""
    for ref in session.form.rules:
        if ref.name != "leader_in_members":
            continue
        person, members = ref.params["person"], ref.params["members"]
        for page in pages:
            table = page.tables.get(members)
            if table is not None:
                button = table.add_button("add_leader", f"把{session.form.field(person).label}加入本表",
                                          partial(add_leader, session, table, person))
                button.setToolTip("把项目负责人的姓名、证件和学历等填入本表第一行（已在表中时选中该行）")


def add_leader(session, table: TableEditor, person: str) -> int:
    """Insert the leader as the first row (or select the row already holding the leader)."""
    members = table.list_path
    number = session.get(f"{person}.id_number")
    rows = session.get(members) or []
    for i, row in enumerate(rows):
        if number and row.get("id_number") == number:
            table.view.setCurrentIndex(table.model.index(i, 0))
            return i
    session.insert_row(members, 0, leader_row(session.form, session.draft, person, members))
    table.view.setCurrentIndex(table.model.index(0, 0))
    return 0


def new_pages(session, form: Form) -> list[PartPage]:
    """An empty page for every part of the form, in order; :func:`fill_page` builds one."""
    return [PartPage(session, part) for part in form.parts]


def fill_page(page: PartPage, plan: dict[str, list[Companion]]) -> None:
    """Build the page's content (once): the part's table, its conditions, the leader action."""
    if page.built:
        return
    page.built = True
    BUILDERS[page.part["kind"]](page, page.part, plan)
    page.layout_.addStretch(1)
    page.refresh_conditions()
    _add_leader_actions(page.session, [page])


def build_pages(session, form: Form) -> list[PartPage]:
    """A page for every part of the form, in order, each built."""
    plan = companions(form)
    pages = new_pages(session, form)
    for page in pages:
        fill_page(page, plan)
    return pages
