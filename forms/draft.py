"""The draft model and its JSON form (spec §4).

A :class:`Draft` holds one application's values as plain Python data shaped by the form
definition: every declared key present, text as ``str`` ("" when empty), dates as
``datetime.date`` or ``None``, years as ``int`` or ``None``, records as dicts, lists as lists of
dicts. Attachment bytes ride along in ``Draft.files``, keyed by each attachment's ``file`` value.

Loading is strict: unknown keys and wrong JSON types are :class:`DraftInputError`, whose message
names the key; a missing key, ``null`` and ``""`` all mean empty.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import stat
from pathlib import Path
from typing import Any

from forms.definition import DEFAULT_FORM_ID, FieldDef, Form, get_form
from forms.fieldtypes import TYPES, InputError
from forms.fsutil import os_error_text
from forms.messages import megabytes

FORMAT = "shenbao-draft"
VERSION = 1
MAX_JSON_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32
MAX_LIST_ITEMS = 2000
#: Digits of an integer literal in draft JSON (Python refuses over 4,300 with a ValueError; no
#: draft holds a number longer than a year or a version).
MAX_INT_DIGITS = 20


class DraftInputError(ValueError):
    """Unusable draft input: the message says what is wrong, in Chinese, in one line."""


_PATH_RE = re.compile(r"([a-z_][a-z0-9_]*)(?:\[(\d+)\])?")


def canonical_dump(form_id: str, data: dict) -> str:
    """The one canonical serialisation (sorted keys, no spaces) behind fingerprints and the
    store's content hashes; ``data`` has attachment files replaced by their SHA-256."""
    return json.dumps({"form": form_id, "data": data}, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":"))


def parse_path(path: str) -> list[str | int]:
    """``team.members[2].name`` → ``['team', 'members', 2, 'name']``."""
    steps: list[str | int] = []
    for part in path.split("."):
        m = _PATH_RE.fullmatch(part)
        if not m:
            raise KeyError(path)
        steps.append(m.group(1))
        if m.group(2) is not None:
            steps.append(int(m.group(2)))
    return steps


class Draft:
    """One draft: its form edition, its values and its attachment bytes."""

    def __init__(self, form: Form | None = None, data: dict | None = None,
                 files: dict[str, bytes] | None = None):
        self.form = form or get_form()
        self.data = data if data is not None else empty_data(self.form)
        self.files: dict[str, bytes] = dict(files or {})
        #: Attachment files a draft JSON named that were not read, and why: name ->
        #: (message template key, its fields), see :func:`attachment_file`. Validation says so.
        self.unread: dict[str, tuple[str, dict[str, str]]] = {}

    # -- paths --------------------------------------------------------------------------

    def get(self, path: str, default: Any = None) -> Any:
        node: Any = self.data
        for step in parse_path(path):
            try:
                node = node[step]
            except (KeyError, IndexError, TypeError):
                return default
        return node

    def set(self, path: str, value: Any) -> Any:
        """Set one scalar value, cleaned by its field type; returns the stored value."""
        fdef = self.form.field(path)
        if fdef.type in ("record", "list"):
            raise TypeError(f"{path} is a {fdef.type}; set its fields")
        ftype = TYPES[fdef.type]
        value = ftype.clean(value) if value is not None else ftype.empty
        if fdef.default is not None and ftype.is_empty(value):
            value = fdef.default  # as loading does: an empty id_type means 居民身份证
        steps = parse_path(path)
        node: Any = self.data
        for step in steps[:-1]:
            node = node[step]
        node[steps[-1]] = value
        return value

    def id_type(self, id_path: str) -> str | None:
        """The document type of the ID number at ``id_path`` (``team.members[2].id_number``):
        its ``id_type_key`` sibling's value, or that field's declared default when empty."""
        fdef = self.form.field(id_path)
        if not fdef.id_type_key:
            return fdef.id_type_default
        parent = id_path.rsplit(".", 1)[0]
        return self.get(f"{parent}.{fdef.id_type_key}") or fdef.id_type_default

    def new_item(self, list_path: str) -> dict:
        return empty_record(self.form.field(list_path))

    def copy(self) -> Draft:
        twin = Draft(self.form, copy.deepcopy(self.data), dict(self.files))
        twin.unread = dict(self.unread)
        return twin

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Draft) and self.form.id == other.form.id
                and self.data == other.data and self.files == other.files)

    # -- identity -----------------------------------------------------------------------

    def canonical_json(self) -> str:
        """The draft's content as canonical JSON: sorted keys, no spaces, attachment files
        replaced by the SHA-256 of their bytes (so moving a file does not change it)."""
        data = to_json_data(self)
        for item in data.get("attachments", []):
            blob = self.files.get(item.get("file") or "")
            item["file"] = hashlib.sha256(blob).hexdigest() if blob is not None else None
        return canonical_dump(self.form.id, data)

    def fingerprint(self) -> str:
        """First 8 hex digits of SHA-256 over :meth:`canonical_json`; printed on every page."""
        return fingerprint_of(self.canonical_json())

    @property
    def unit_name(self) -> str:
        return self.get("unit.name") or ""


def fingerprint_of(canonical: str) -> str:
    """:meth:`Draft.fingerprint` from a :meth:`Draft.canonical_json` taken before."""
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:8].upper()


# --------------------------------------------------------------------------- empty values


def empty_record(fdef: FieldDef) -> dict:
    assert fdef.record is not None
    return {sub.key: _empty_value(sub) for sub in fdef.record.fields}


def _empty_value(fdef: FieldDef) -> Any:
    if fdef.type == "record":
        return empty_record(fdef)
    if fdef.type == "list":
        return []
    if fdef.default is not None:
        return fdef.default
    return TYPES[fdef.type].empty


def _nest(form: Form, value_of: Any) -> dict:
    """A nested dict shaped like the form's field paths, each leaf ``value_of(field)``."""
    out: dict = {}
    for fdef in form.fields:
        steps = fdef.path.split(".")
        node = out
        for step in steps[:-1]:
            node = node.setdefault(step, {})
        node[steps[-1]] = value_of(fdef)
    return out


def empty_data(form: Form) -> dict:
    return _nest(form, _empty_value)


# --------------------------------------------------------------------------- JSON in


def _read_value(fdef: FieldDef, value: Any, where: str) -> Any:
    if fdef.type in ("record", "list") and value == "":
        value = None  # spec §4: a missing key, null and "" all mean empty
    if fdef.type == "record":
        if value is None:
            return empty_record(fdef)
        if not isinstance(value, dict):
            raise InputError(f"{where}：应为对象，实际为 {type(value).__name__}")
        return _read_record(fdef, value, where)
    if fdef.type == "list":
        if value is None:
            return []
        if not isinstance(value, list):
            raise InputError(f"{where}：应为列表")
        if len(value) > MAX_LIST_ITEMS:
            raise InputError(f"{where}：条目过多（{len(value)}），上限 {MAX_LIST_ITEMS}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise InputError(f"{where}[{i}]：应为对象")
            out.append(_read_record(fdef, item, f"{where}[{i}]"))
        return out
    value = TYPES[fdef.type].from_json(value, where)
    if fdef.default is not None and TYPES[fdef.type].is_empty(value):
        return fdef.default
    return value


def _read_record(fdef: FieldDef, raw: dict, where: str) -> dict:
    assert fdef.record is not None
    unknown = sorted(set(raw) - set(fdef.record.keys))
    if unknown:
        raise InputError(f"{where}.{unknown[0]}：未知的键（本表单没有这一项）")
    return {sub.key: _read_value(sub, raw.get(sub.key), f"{where}.{sub.key}") for sub in fdef.record.fields}


def _read_data(form: Form, raw: dict) -> dict:
    """Walk the declared tree; every key of ``raw`` must be declared."""
    tree = _nest(form, lambda fdef: fdef)  # declared group names -> field defs

    def walk(node: dict, raw_node: Any, where: str) -> dict:
        if raw_node is None or raw_node == "":
            raw_node = {}
        if not isinstance(raw_node, dict):
            raise InputError(f"{where or 'data'}：应为对象")
        unknown = sorted(set(raw_node) - set(node))
        if unknown:
            key = f"{where}.{unknown[0]}" if where else unknown[0]
            raise InputError(f"{key}：未知的键（本表单没有这一项）")
        out = {}
        for key, sub in node.items():
            sub_where = f"{where}.{key}" if where else key
            if isinstance(sub, FieldDef):
                out[key] = _read_value(sub, raw_node.get(key), sub_where)
            else:
                out[key] = walk(sub, raw_node.get(key), sub_where)
        return out

    return walk(tree, raw, "")


_MISSING = object()


def _pop_steps(node: Any, steps: list[str]) -> Any:
    """Remove and return ``node[steps…]`` (through dicts only), or _MISSING."""
    for step in steps[:-1]:
        node = node.get(step) if isinstance(node, dict) else None
    if isinstance(node, dict) and steps[-1] in node:
        return node.pop(steps[-1])
    return _MISSING


def _move(node: Any, old: list[str], new: list[str]) -> None:
    """Move the value at ``old`` to ``new`` below ``node``. While both paths share their
    first step it descends, into every row when that step holds a list (a field renamed inside
    the records of ``team.members`` is renamed in each row)."""
    if isinstance(node, list):
        for item in node:
            _move(item, old, new)
        return
    if not isinstance(node, dict):
        return
    if len(old) > 1 and len(new) > 1 and old[0] == new[0]:
        _move(node.get(old[0]), old[1:], new[1:])
        return
    value = _pop_steps(node, old)
    if value is _MISSING:
        return
    target = node
    for step in new[:-1]:
        target = target.setdefault(step, {})
    target.setdefault(new[-1], value)


def _remove(node: Any, steps: list[str]) -> None:
    """Drop the value at ``steps`` below ``node``, in every row of a list on the way."""
    if isinstance(node, list):
        for item in node:
            _remove(item, steps)
    elif isinstance(node, dict):
        if len(steps) == 1:
            node.pop(steps[0], None)
        else:
            _remove(node.get(steps[0]), steps[1:])


def upgrade_data(form: Form, raw: dict) -> dict:
    """Carry data of an edition ``form`` replaces into ``form``'s paths: declared renames move
    values, declared removals drop them. Pure data; no code per edition."""
    for old, new in form.renamed.items():
        _move(raw, old.split("."), new.split("."))
    for path in form.removed:
        _remove(raw, path.split("."))
    return raw


_JSON_MARKS = re.compile(r'[\[\]{}"\\]')


def _depth_ok(text: str) -> bool:
    """Refuse absurd nesting before json.loads recurses into it. Looks only at brackets, quotes
    and backslashes (found by a regular expression, so the scan runs in C between them)."""
    depth = 0
    in_str = False
    escaped_at = -1  # index of the character a backslash escapes
    for m in _JSON_MARKS.finditer(text):
        at, ch = m.start(), m.group()
        if at == escaped_at:
            continue
        if in_str:
            if ch == "\\":
                escaped_at = at + 1
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return False
        elif ch in "]}":
            depth -= 1
    return True


def _bounded_int(text: str) -> int:
    """``parse_int`` for json.loads: a draft never holds a number of more than a few digits,
    and Python refuses to convert one of over 4,300 (ValueError) — say so in one line."""
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise DraftInputError(f"数字过长（{len(text.lstrip('-'))} 位），草稿中的数字最多 {MAX_INT_DIGITS} 位")
    return int(text)


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise DraftInputError(f"草稿中键“{key}”出现了两次")
        out[key] = value
    return out


def parse_draft_json(raw: bytes | str, *, base_dir: Path | None = None, load_files: bool = True) -> Draft:
    """Parse draft JSON strictly. Attachment ``file`` paths are read relative to ``base_dir``;
    a file that cannot be read is left out of ``Draft.files`` (validation reports it)."""
    if isinstance(raw, bytes):
        if len(raw) > MAX_JSON_BYTES:
            raise DraftInputError(f"文件过大（{megabytes(len(raw))}），草稿 JSON 上限 {megabytes(MAX_JSON_BYTES)}")
        if raw.startswith(b"\xef\xbb\xbf"):
            raise DraftInputError("文件以 BOM 开头；草稿 JSON 应为不带 BOM 的 UTF-8")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DraftInputError(f"文件不是 UTF-8 编码（第 {exc.start} 字节处）") from None
    else:
        text = raw
    if not text.strip():
        raise DraftInputError("文件是空的，不是草稿")
    if not _depth_ok(text):
        raise DraftInputError(f"JSON 嵌套层数超过 {MAX_DEPTH}，不是草稿文件")
    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise DraftInputError(f"JSON 格式错误：第 {exc.lineno} 行第 {exc.colno} 列，{exc.msg}") from None
    except RecursionError:
        raise DraftInputError("JSON 嵌套过深，不是草稿文件") from None
    return draft_from_document(doc, base_dir=base_dir, load_files=load_files)


_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _check_strings(node: Any, where: str = "") -> None:
    """Refuse lone surrogates (``"\\ud800"`` in JSON): not text, and unprintable anywhere."""
    if isinstance(node, str):
        if _SURROGATE_RE.search(node):
            raise DraftInputError(f"{where or '草稿'}：含有无效的字符编码（孤立的代理项），不是有效文字")
    elif isinstance(node, dict):
        for key, value in node.items():
            _check_strings(key, where)
            _check_strings(value, f"{where}.{key}" if where else str(key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _check_strings(value, f"{where}[{i}]")


def draft_from_document(doc: Any, *, base_dir: Path | None = None, load_files: bool = True,
                        target_form: Form | None = None) -> Draft:
    """A Draft from a parsed draft JSON document. With ``target_form``, a document of an
    edition that ``target_form`` replaces is upgraded to it (renames and removals)."""
    if not isinstance(doc, dict):
        raise DraftInputError("不是申报书草稿：顶层应为 JSON 对象")
    _check_strings(doc)
    unknown = sorted(set(doc) - {"format", "version", "form", "data"})
    if unknown:
        raise DraftInputError(f"{unknown[0]}：未知的键（本表单没有这一项）")
    if doc.get("format") != FORMAT:
        raise DraftInputError(f"不是申报书草稿：format 应为 \"{FORMAT}\"")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise DraftInputError("version：应为整数")
    if version > VERSION:
        raise DraftInputError(f"草稿格式版本 {version} 比本程序支持的 {VERSION} 新，请升级申报助手")
    if version < 1:
        raise DraftInputError(f"version：无效的版本 {version}")
    form_id = doc.get("form", DEFAULT_FORM_ID)
    try:
        form = get_form(form_id) if isinstance(form_id, str) else None
    except KeyError:
        form = None
    upgrade = False
    if target_form is not None and target_form.id != form_id:
        if form_id not in target_form.replaces:
            raise DraftInputError(f"form：{form_id!r} 的草稿不能转换为 {target_form.id!r}")
        form, upgrade = target_form, True
    if form is None:
        raise DraftInputError(f"form：未知的表单版本 {form_id!r}")
    raw_data = doc.get("data")
    if raw_data is not None and not isinstance(raw_data, dict):
        raise DraftInputError("data：应为对象")
    raw_data = copy.deepcopy(raw_data or {})
    if upgrade:
        raw_data = upgrade_data(form, raw_data)
    try:
        data = _read_data(form, raw_data)
    except InputError as exc:
        raise DraftInputError(str(exc)) from None
    draft = Draft(form, data)
    if load_files and base_dir is not None:
        for item in data.get("attachments", []):
            name = item.get("file")
            if name and name not in draft.files and name not in draft.unread:
                blob, why = attachment_file(base_dir, name)
                if blob is not None:
                    draft.files[name] = blob
                else:
                    draft.unread[name] = why
    return draft


def _kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "文件夹"
    if stat.S_ISFIFO(mode):
        return "命名管道（FIFO）"
    if stat.S_ISSOCK(mode):
        return "套接字"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    return "特殊文件"


def attachment_file(base_dir: Path, name: str, limit: int | None = None
                    ) -> tuple[bytes, None] | tuple[None, tuple[str, dict[str, str]]]:
    """The bytes of an attachment named relative to a draft JSON file, or ``(None, why)`` with
    ``why`` a message template key of :mod:`forms.messages` and its fields.

    Only regular files inside the JSON file's folder (or below it) are read: a draft received
    from someone else must not be able to pull arbitrary files of this PC into the store or a
    print, nor make us open a FIFO (which blocks) or a device.
    """
    if limit is None:
        # Imported here for start-up time only (forms.attachments loads pypdf and Pillow).
        from forms.attachments import MAX_ATTACHMENT_BYTES as limit
    try:
        base = Path(base_dir).resolve()
        given = base / name
        path = given.resolve()
        if Path(name).is_absolute() or not path.is_relative_to(base):
            inside = Path(os.path.normpath(given)).is_relative_to(base)
            if not Path(name).is_absolute() and inside and given.is_symlink():
                return None, ("attachment_invalid.link_outside", {})
            return None, ("attachment_invalid.outside", {})
        try:
            link = given.lstat()
        except FileNotFoundError:
            return None, ("attachment_invalid.not_found", {})
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            what = _kind_of(info.st_mode)
            if stat.S_ISLNK(link.st_mode):
                what = f"指向{what}的链接"
            return None, ("attachment_invalid.not_regular", {"what": what})
        if info.st_size > limit:
            return None, ("attachment_invalid.too_large", {"size": megabytes(info.st_size),
                                                           "limit": megabytes(limit)})
        with open(path, "rb") as fh:
            blob = fh.read(limit + 1)
        if len(blob) > limit:  # grew while we looked
            return None, ("attachment_invalid.too_large", {"size": megabytes(len(blob)),
                                                           "limit": megabytes(limit)})
        return blob, None
    except FileNotFoundError:  # a dangling link
        return None, ("attachment_invalid.not_regular", {"what": "指向不存在文件的链接"})
    except (OSError, ValueError) as exc:
        reason = os_error_text(exc) if isinstance(exc, OSError) else "文件路径无效"
        return None, ("attachment_invalid.unreadable", {"reason": reason})


def read_attachment_file(base_dir: Path, name: str, limit: int | None = None) -> bytes | None:
    """The bytes of an attachment named relative to a draft JSON file, or None (see
    :func:`attachment_file` for why not)."""
    return attachment_file(base_dir, name, limit)[0]


def read_input_bytes(path: Path, limit: int, what: str) -> bytes:
    """Read a file the user handed us, at most ``limit`` bytes; DraftInputError with a clear
    message for a folder, a FIFO or device (never opened: opening a FIFO blocks), a missing or
    unreadable file, or one that is too large."""
    path = Path(path)
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise DraftInputError(f"{path} 是{_kind_of(info.st_mode)}，不是草稿文件")
        if info.st_size > limit:
            raise DraftInputError(f"文件过大（{megabytes(info.st_size)}），{what}上限 {megabytes(limit)}")
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limit:
                raise DraftInputError(f"文件过大（{megabytes(size)}），{what}上限 {megabytes(limit)}")
            return fh.read(limit + 1)
    except FileNotFoundError:
        raise DraftInputError(f"找不到文件 {path}") from None
    except PermissionError:
        raise DraftInputError(f"没有权限读取 {path}") from None
    except OSError as exc:
        raise DraftInputError(f"无法读取 {path}：{os_error_text(exc)}") from None


def load_draft_json(path: Path) -> Draft:
    """Read a draft JSON file; :class:`DraftInputError` for anything unusable."""
    path = Path(path)
    raw = read_input_bytes(path, MAX_JSON_BYTES, "草稿 JSON ")
    return parse_draft_json(raw, base_dir=path.parent)


# --------------------------------------------------------------------------- JSON out


def _write_value(fdef: FieldDef, value: Any) -> Any:
    if fdef.type == "record":
        return {sub.key: _write_value(sub, value.get(sub.key)) for sub in fdef.record.fields}
    if fdef.type == "list":
        return [_write_value_record(fdef, item) for item in value]
    return TYPES[fdef.type].to_json(value)


def _write_value_record(fdef: FieldDef, item: dict) -> dict:
    return {sub.key: _write_value(sub, item.get(sub.key)) for sub in fdef.record.fields}


def to_json_data(draft: Draft) -> dict:
    return _nest(draft.form, lambda fdef: _write_value(fdef, draft.get(fdef.path)))


def draft_to_document(draft: Draft) -> dict:
    return {"format": FORMAT, "version": VERSION, "form": draft.form.id, "data": to_json_data(draft)}


def dump_draft_json(draft: Draft) -> str:
    return json.dumps(draft_to_document(draft), ensure_ascii=False, indent=2) + "\n"
