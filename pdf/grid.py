"""The grid both printed documents share: page numbers, table walk, column widths, label breaks.

The PDF (reportlab, ``pdf/render.py``) and the Word export (python-docx, ``pdf/word.py``) lay out
the same form definition. Everything they must agree on lives here, free of either library, so
paper and file cannot drift apart:

* **the numbers** — A4 margins (GB/T 9704-2012, mirrored for binding), seal and signature room,
  cell paddings, type sizes (Chinese point names), the attachment list's columns, the box
  height of 二 / 三, the date used when a draft has none. Lengths are millimetres (``_MM``),
  type sizes points (``_PT``);
* **the table walk** (:func:`walk`) — a ``kind: table`` part's rows with ``span``/``rowspan``
  and the repeat row expanded for one draft into positioned cells (:class:`Slot`);
* **column widths** (:func:`column_widths`, :func:`fit_widths`, :func:`needs`) — each renderer
  passes its own text measurer (reportlab's font metrics; an estimate for Word, which lays out
  by itself), in any one unit;
* **line breaks of labels and short values** (:func:`chunks`, :func:`label_lines`): at word
  boundaries (身份证/号码, 产学研/合作单位, 硕士/研究生), never before a closing mark or after an
  opening one.

Column widths
-------------

The definition gives each table's columns as ratios; printed as they are, identity numbers broke
over two lines and labels wrapped as 所在部/门. A cell asks for width at four levels
(:func:`needs`):

0. tokens that must not break (identity and phone numbers, codes, 序号) and the words of labels
   and short values (a label may wrap, but between words);
1. names on one line; labels and short values on at most two lines (never one character alone
   on a line: 法务部 rather than 法务/部); e-mail addresses on at most three; running text
   6 字 a line;
2. labels and short values on one line; running text 8 字 a line;
3. e-mail addresses on at most two lines; running text 10 字 a line.

:func:`fit_widths` meets these level by level, **one whole column at a time**: a column gets
its full need from the spare width of the others or nothing at all (or, when its widest cell
asks too much, the full need of the widest cell that can be served — again a threshold). Line
counts are thresholds — a column 0.4 mm short of its need wraps as if it had got nothing — so
meeting every deficit in part (as the first version did) left each column just short: 序号
printed as 序/号 at 9.4 mm of a 9.8 mm need while the identity column kept 3 mm it did not use.
Within a level the column served first is the one that leaves the table shortest, then the
cheapest; columns still short at that level give nothing away; columns of running text
(承担任务, …) never go below their base, the definition's proportions. After levels 0 and 1,
spare width goes where it makes the table shortest (:class:`TableModel`: the lines each cell
needs at a width, summed over rows), and levels 2 and 3 are met only where they do not make
the table taller.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import combinations
from typing import Callable, Iterable, Sequence

# --------------------------------------------------------------------------- the numbers

PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210.0, 297.0  # A4
# Margins (spec/template-layout.md: GB/T 9704-2012), mirrored on even pages in duplex.
TOP_MM = 37.0
BOTTOM_MM = 35.0
BINDING_MM = 28.0  # the inside margin
OUTER_MM = 26.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - BINDING_MM - OUTER_MM  # 156 mm
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - TOP_MM - BOTTOM_MM
FOOTER_BASELINE_MM = 22.0  # the footer line, from the bottom edge

# Hand-written and stamped areas.
COVER_SEAL_MM = 42.0  # the unit's round seal on the cover (spec §1)
COVER_SEAL_CLEAR_MM = 46.0  # the square kept clear around it
OPINION_SEAL_MM = 45.0  # default of opinion.seal_area_mm (form.yaml)
OPINION_SEAL_MARGIN_MM = 3.0  # extra room on each side of the stated area
SIGNATURE_MIN_MM = 15.0  # default of the 签名 cell's min_height_mm (form.yaml)
BOX_MIN_MM = 40.0  # the writing area of 二 and 三 (template: a tall box)
BOX_PADDING_MM = 3.0  # around the text in that box

# Tables.
CELL_PADDING_MM = 1.6  # left and right padding of table cells
CELL_PADDING_V_MM = 1.2  # top and bottom padding of table cells
COMPACT_ABOVE_COLUMNS = 6  # tables with more columns use 五号 and narrower padding
COMPACT_PADDING_MM = 1.0
MIN_ROW_MM = 9.0  # a comfortable height for hand corrections in one-line rows
SLACK_MM = 0.5  # added to a measured need: rounding, and kerning the measurer does not see
#: The 附件清单 columns 序号 类别 附件名称 页数, as ratios.
ATTACHMENT_LIST_COLUMNS = (10, 24, 54, 12)

# Chinese point sizes.
XIAOCHU = 36.0  # 小初
YIHAO = 26.0  # 一号
ERHAO = 22.0  # 二号
XIAOER = 18.0  # 小二
SANHAO = 16.0  # 三号
SIHAO = 14.0  # 四号
XIAOSI = 12.0  # 小四
WUHAO = 10.5  # 五号
XIAOWU = 9.0  # 小五

BODY_PT = XIAOSI  # body text and tables
COMPACT_PT = WUHAO  # tables of more than COMPACT_ABOVE_COLUMNS columns (四's eight)
HEADING_PT = SIHAO  # 一、… 五、
PAGE_TITLE_PT = XIAOER  # 填 报 说 明, 附件清单
COVER_TITLE_PT = YIHAO
COVER_PT = SANHAO  # the cover's lines
FOOTER_PT = WUHAO  # 第 n 页 共 m 页
FOOTER_SMALL_PT = XIAOWU  # the fingerprint

#: The date stamped into a document whose draft has no cover.date (reportlab's invariant date).
FALLBACK_DATE = dt.date(2000, 1, 1)


def compact(ncols: int) -> bool:
    """True when a table of ``ncols`` columns is set in 五号 with narrow padding."""
    return ncols > COMPACT_ABOVE_COLUMNS


def cell_padding_mm(ncols: int) -> float:
    return COMPACT_PADDING_MM if compact(ncols) else CELL_PADDING_MM


def table_pt(ncols: int) -> float:
    return COMPACT_PT if compact(ncols) else BODY_PT


# --------------------------------------------------------------------------- the table walk


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: a key for per-cell data
class Slot:
    """One cell of an expanded table: at ``row``/``col``, ``span`` columns wide, ``rowspan`` rows
    high. ``spec`` is the definition's cell; ``None`` where a cell of a row above continues
    (Word writes such a slot as ``w:vMerge``; reportlab needs nothing there)."""

    row: int
    col: int
    span: int
    rowspan: int
    spec: dict | None
    item_path: str | None = None
    index: int | None = None


@dataclass
class Row:
    """One row of an expanded table. ``kind`` is ``static`` (a row of the definition), ``item``
    (one list item of the repeat row) or ``empty`` (the row left to write in when the list is
    empty); ``header`` marks the repeat row's header rows, which repeat on every page; rows of
    one repeat block (its header rows and items) share ``group``."""

    slots: list[Slot] = field(default_factory=list)
    kind: str = "static"
    header: bool = False
    group: int | None = None

    @property
    def cells(self) -> list[Slot]:
        """The slots that hold a cell of their own (not the continuation of one above)."""
        return [s for s in self.slots if s.spec is not None]

    @property
    def min_height_mm(self) -> float:
        return max((float(s.spec.get("min_height_mm", 0)) for s in self.cells), default=0.0)


def walk(part: dict, count: Callable[[str], int]) -> list[Row]:
    """The rows of table ``part`` for a draft whose list at path ``p`` has ``count(p)`` items:
    every cell at its grid column, row spans carried down. A list with no items gets one row of
    empty cells (a draft print leaves room to write in)."""
    ncols = len(part["columns"])
    rows: list[Row] = []
    covered: dict[int, list[int]] = {}  # column -> [rows still covered, span]

    def add(cells: list[dict], kind: str, item_path: str | None = None, index: int | None = None,
            group: int | None = None) -> None:
        r = len(rows)
        row = Row(kind=kind, group=group)
        specs = iter(cells)
        col = 0
        while col < ncols:
            if col in covered:
                left, span = covered[col]
                if left <= 1:
                    del covered[col]
                else:
                    covered[col][0] = left - 1
                row.slots.append(Slot(r, col, span, 1, None, item_path, index))
                col += span
                continue
            spec = next(specs, None)
            if spec is None:
                break
            span, rowspan = int(spec.get("span", 1)), int(spec.get("rowspan", 1))
            if rowspan > 1:
                covered[col] = [rowspan - 1, span]
            row.slots.append(Slot(r, col, span, rowspan, spec, item_path, index))
            col += span
        rows.append(row)

    for definition in part["rows"]:
        if isinstance(definition, dict):
            first = len(rows)
            header = int(definition.get("header_rows", 0))
            for k in range(max(0, first - header), first):
                rows[k].header, rows[k].group = True, first
            n = count(definition["repeat"])
            for i in range(n):
                add(definition["cells"], "item", f"{definition['repeat']}[{i}]", i, group=first)
            if not n:
                add([{"text": ""} for _ in range(ncols)], "empty", group=first)
        else:
            add(definition, "static")
    return rows


# --------------------------------------------------------------------------- line breaks

CANNOT_START = frozenset(
    "!),.:;?]}" "、。，．：；？！）］｝〉》」』】〕〗〙〛"
    "”’…‥·％‰℃°′″゛゜ヽヾゝゞ々〻ー"
)
CANNOT_END = frozenset("([{" "（［｛〈《「『【〔〖〘〚“‘￥＄$£#＃@＠")

#: Words a label or a short value must not be broken inside: the form's labels and the usual
#: values of its short fields (学历, 职务/职称, 所在部门, 现从事专业, 承担任务). Chinese has no
#: spaces; without a dictionary these few words stand in for one. A text none of them occurs in
#: may break between any two characters, as before.
WORDS = frozenset("""
申报 单位 性质 统一 社会 信用 代码 开户 银行 账号 通信 地址 邮政 编码 人员 信息 姓名 身份证 号码
证件 电话 手机 电子 邮箱 法人 项目 负责人 联系人 主营 业务 范围 产学研 合作 性别 学历 职务 职称
从事 专业 所在 部门 固定 签名 全部 成员 序号 承担 任务 类别 附件 名称 页数 承诺 意见 时间 编号
博士 硕士 学士 研究生 博士后 大学 本科 专科 大专 中专 高中 高级 正高级 副高级 中级 初级 助理
工程师 研究员 教授 讲师 经济师 会计师 审计师 律师 代理师 经纪人 分析师 设计师 经理 主任 总监 主管
专员 所长 院长 处长 科长 部长 组长 董事长 总经理 负责 中心 研发 运营 知识产权 产权 法务 财务
行政 人事 市场 销售 技术 办公室 实验室 研究院 研究所 事业部 管理 设计 集成电路 生物 医药
人工智能 电子信息 信息技术 软件 工程 计算机 科学 材料 化学 机械 自动化 法学 经济 金融 会计
专利 商标 版权 许可 转让 合同 备案 登记 资金 统计 绩效 导航 培育 价值 对接 评估 交易 分析 平台
建设 服务 组织 协调 推广 维护 总体 质押 融资 成果 转化 咨询 检索 数据 运维
""".split())
_LONGEST_WORD = max(len(w) for w in WORDS)


def _ems(text: str) -> float:
    """A measurer without fonts: full-width characters one em, others half."""
    return sum(1.0 if unicodedata.east_asian_width(ch) in "WF" else 0.5 for ch in text)


def _latin(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "@._-+")


@lru_cache(maxsize=4096)
def _breaks(text: str, words: bool) -> tuple[int, ...]:
    return tuple(break_positions(text, words=words))


def break_positions(text: str, *, words: bool = True) -> list[int]:
    """Indexes ``p`` (0 < p < len) where a line may end before ``text[p]``: not before a closing
    mark or "/", not after an opening mark, not inside a run of Latin letters and digits, and
    (``words``) not inside a word of :data:`WORDS`."""
    inside: set[int] = set()
    if words:
        for i in range(len(text)):
            for n in range(2, _LONGEST_WORD + 1):
                if text[i:i + n] in WORDS:
                    inside.update(range(i + 1, i + n))
    out = []
    for p in range(1, len(text)):
        if p in inside or text[p] in CANNOT_START or text[p] == "/" or text[p - 1] in CANNOT_END:
            continue
        if _latin(text[p - 1]) and _latin(text[p]):
            continue
        out.append(p)
    return out


def chunks(text: str, lines: int, measure: Callable[[str], float] = _ems) -> list[str]:
    """``text`` cut into ``lines`` lines (or fewer, when it has fewer places to break) whose
    widest is as narrow as possible, cut only where :func:`break_positions` allows — between
    words when it can (产学研/合作单位, 身份证/号码, 通信地址/（邮政编码）, 职务/职称 after the
    "/"); between any two characters only when the words leave no choice."""
    return list(_chunks(text, lines, measure))


@lru_cache(maxsize=4096)
def _chunks(text: str, lines: int, measure: Callable[[str], float]) -> tuple[str, ...]:
    if lines <= 1 or len(text) <= 1:
        return (text,) if text else ()
    candidates: Sequence[int] = _breaks(text, True)
    if len(candidates) < lines - 1:
        candidates = _breaks(text, False)
    if len(candidates) < lines - 1:
        candidates = list(range(1, len(text)))
    cuts = min(lines - 1, len(candidates))
    best: tuple | None = None
    for chosen in combinations(candidates, cuts):
        bounds = (0, *chosen, len(text))
        parts = [text[a:b] for a, b in zip(bounds, bounds[1:])]
        widest = max(measure(p) for p in parts)
        # a line of one character only when there is no other way (法务/部 is worse than any
        # other cut); equal widths: the longer line first (通信地址/（邮政编码）)
        key = (_orphans(parts), round(widest, 6), -len(parts[0]), chosen)
        if best is None or key < best:
            best = key
    assert best is not None
    bounds = (0, *best[-1], len(text))
    return tuple(text[a:b] for a, b in zip(bounds, bounds[1:]))


def _orphans(parts: Sequence[str]) -> int:
    return sum(1 for p in parts if len(p) == 1) if len(parts) > 1 else 0


def widest_word(text: str, measure: Callable[[str], float] = _ems) -> float:
    """The width of the widest piece of ``text`` between two allowed word breaks."""
    bounds = (0, *_breaks(text, True), len(text))
    return max((measure(text[a:b]) for a, b in zip(bounds, bounds[1:]) if b > a), default=0.0)


def is_cjk_text(text: str) -> bool:
    return bool(text) and all(ord(ch) >= 0x2E80 or ch in "/·" for ch in text)


def label_lines(text: str, avail: float, measure: Callable[[str], float], *, most: int = 4) -> list[str]:
    """``text`` as lines for a cell ``avail`` wide: one line when it fits or is not a short
    Chinese text (it is then left to the renderer's own wrapping); else the fewest lines, cut
    at word boundaries, that fit (所在/部门, 硕士/研究生)."""
    if not text or measure(text) <= avail or len(text) > 2 * SHORT_VALUE or not is_cjk_text(text):
        return [text]
    for n in range(2, most + 1):
        parts = chunks(text, n, measure)
        if all(measure(p) <= avail for p in parts):
            return parts
    return [text]


#: The dots between the parts of a transcribed name (阿卜杜勒·艾尼).
NAME_DOTS = frozenset("·・•‧")


def name_lines(text: str, avail: float, measure: Callable[[str], float]) -> list[str]:
    """A name as lines for a cell ``avail`` wide: whole when it fits; else cut after its middle
    dots, as many parts on a line as fit (阿卜杜勒· / 艾尼, never 阿卜杜 / 勒·艾尼). A part too
    long for a line is left to the renderer's own wrapping."""
    if measure(text) <= avail or not any(ch in NAME_DOTS for ch in text[:-1]):
        return [text]
    parts, start = [], 0
    for i, ch in enumerate(text[:-1]):
        if ch in NAME_DOTS:
            parts.append(text[start:i + 1])
            start = i + 1
    parts.append(text[start:])
    lines = [parts[0]]
    for part in parts[1:]:
        if measure(lines[-1] + part) <= avail:
            lines[-1] += part
        else:
            lines.append(part)
    return lines


def name_halves(text: str, measure: Callable[[str], float] = _ems) -> list[str]:
    """A name on two lines: cut after the middle dot that makes the wider line narrowest
    (阿卜杜勒· / 艾尼); a name without one as :func:`chunks` cuts it."""
    cuts = [i + 1 for i, ch in enumerate(text[:-1]) if ch in NAME_DOTS]
    if not cuts:
        return chunks(text, 2, measure)
    best = min(cuts, key=lambda c: (max(measure(text[:c]), measure(text[c:])), -c))
    return [text[:best], text[best:]]


def centred(span: int, text: str, fits: bool) -> bool:
    """Whether a value is centred in its cell: in a single-column cell when it fits on one line
    or is short (学历, 职务); longer values and values across columns read from the left."""
    return span == 1 and (fits or len(text) <= 2 * SHORT_VALUE)


def hard_lines(text: str, avail: float, measure: Callable[[str], float]) -> list[str]:
    """An unbreakable value that does not fit: its number on a line of its own, the rest
    (（港澳台居民居住证）) below — not 810000197011150104（港澳台/居民居住证）."""
    token = first_token(text)
    if measure(text) <= avail or not token or token == text:
        return [text]
    return [token, text[len(token):].lstrip()]


# --------------------------------------------------------------------------- what cells need

LEVELS = 4
MUST_LEVELS = 2  # levels met whatever the table's height; levels 2 and 3 only where it is free
NAME_ONE_LINE = 5  # characters of a name kept on one line when there is room
MEASURE = (6, 8, 10)  # characters per line wanted for running text at levels 1–3
SHORT_VALUE = 8  # characters: values up to this long are kept on few lines when there is room
#: At every level a column gives away width only down to this share of its base width; columns
#: of running text never go below their base.
FLOOR_SHARE = 0.4

#: Field types whose text must stay on one line (its first token, e.g. the number before
#: （港澳台居民居住证）).
UNBREAKABLE_TYPES = frozenset({"id", "phone", "uscc", "account", "postcode", "year", "date"})
#: Field types that should stay on one line when there is room (names).
NAME_TYPES = frozenset({"name"})
#: Field types whose short values (学历, 职务, 性别…) should wrap as little as room allows.
SHORT_TYPES = frozenset({"text", "choice"})

NO_NEEDS: tuple[float, ...] = (0.0,) * LEVELS


def value_kind(ftype: str) -> str:
    """How a value of field type ``ftype`` is sized: ``hard``, ``name``, ``email``, ``short`` or
    ``free`` (labels are ``label``)."""
    if ftype in UNBREAKABLE_TYPES:
        return "hard"
    if ftype in NAME_TYPES:
        return "name"
    if ftype == "email":
        return "email"
    if ftype in SHORT_TYPES:
        return "short"
    return "free"


def spec_kind(spec: dict | None, ftype: str | None = None) -> str | None:
    """The sizing kind of a definition cell (``ftype``: its field's type), ``None`` for cells
    that ask for no width (the 签名 blank)."""
    if spec is None or "blank" in spec:
        return None
    if "label" in spec or "text" in spec:
        return "label"
    if "index" in spec:
        return "hard"
    return value_kind(ftype or "text")


def first_token(text: str) -> str:
    return text.split("（", 1)[0].split(" ", 1)[0] if text else ""


def running(text: str, kind: str | None) -> bool:
    """True for running text: it wraps anyway, and its column keeps at least its base width."""
    if kind == "free":
        return bool(text)
    return kind in ("short", "label") and len(text) > 2 * SHORT_VALUE


def needs(text: str, kind: str | None, measure: Callable[[str], float], pad: float) -> tuple[float, ...]:
    """The width a cell with ``text`` asks for at each level (module doc), in the unit of
    ``measure``; ``pad`` is the cell's left plus right padding (:data:`SLACK_MM` is the caller's
    to add)."""
    if not text or kind is None:
        return NO_NEEDS
    full = measure(text) + pad
    if kind == "hard":
        w = measure(first_token(text)) + pad
        return (w, w, w, w)
    if kind == "name":
        if len(text) <= NAME_ONE_LINE:
            return (0.0, full, full, full)
        if len(text) <= 2 * NAME_ONE_LINE:
            halves = name_halves(text, measure)
            half = full if _orphans(halves) else max(measure(p) for p in halves) + pad
            return (0.0, half, full, full)
        five = measure(text[:NAME_ONE_LINE]) + pad
        return (0.0, 0.0, five, five)
    if kind == "email":
        widest = max(measure(ch) for ch in text)
        third = measure(text) / 3 + widest + pad
        return (0.0, third, third, measure(text) / 2 + widest + pad)
    if kind in ("short", "label") and len(text) <= 2 * SHORT_VALUE:
        word = (widest_word(text, measure) + pad) if is_cjk_text(text) else 0.0
        halves = chunks(text, 2, measure)
        # two lines, unless one would hold a single character (序/号, 法务/部): then one line
        two = full if _orphans(halves) or len(halves) < 2 else max(measure(p) for p in halves) + pad
        if len(text) <= SHORT_VALUE:
            return (word, max(word, two), full, full)
        per = [min(full, measure(text[:k]) + pad) for k in MEASURE]
        return (word, max(word, per[0]), *per[1:])
    # running text: a readable measure
    per = [min(full, measure(text[:k]) + pad) for k in MEASURE]
    return (0.0, *per)


# --------------------------------------------------------------------------- fitting widths


def _floors(widths: Sequence[float], base: Sequence[float], steps: Sequence[set[float]],
            free: frozenset[int], short: Iterable[int] = ()) -> list[float]:
    """How far each column may give width away: down to the largest need it now meets (its
    ``steps`` — the needs of its cells so far), and never below :data:`FLOOR_SHARE` of its
    base — or its base, for the ``free`` columns of running text; not at all for the ``short``
    columns, which wait for width themselves."""
    out = []
    for k, (w, b) in enumerate(zip(widths, base)):
        met = max((v for v in steps[k] if v <= w + 1e-9), default=0.0)
        out.append(max(met, b if k in free else FLOOR_SHARE * b))
    for k in short:
        out[k] = max(out[k], widths[k])
    return out


def _give(widths: list[float], col: int, target: float, floors: Sequence[float]) -> list[float] | None:
    """``widths`` with column ``col`` widened to ``target``, the width taken from the other
    columns in proportion to their room above ``floors``; ``None`` when they have too little."""
    want = target - widths[col]
    if want <= 1e-9:
        return list(widths)
    spare = [0.0 if k == col else max(0.0, w - f) for k, (w, f) in enumerate(zip(widths, floors))]
    have = sum(spare)
    if have + 1e-9 < want:
        return None
    out = [w - s * want / have for w, s in zip(widths, spare)]
    out[col] = target
    return out


def fit_widths(base: Sequence[float], levels: Sequence[Sequence[float]], *, free: Iterable[int] = (),
               steps: Sequence[Sequence[Iterable[float]]] | None = None,
               model: "TableModel | None" = None) -> list[float]:
    """Column widths for ``base`` (their sum is kept) meeting the needs of ``levels`` (each a
    need per column, in priority order) one whole column at a time (module doc).

    At each level the columns short of their need are served one at a time, each fully — from
    the room of the columns not short themselves above what they must keep (:func:`_floors`)
    — or not at all: the one that
    leaves the table shortest (with a ``model``), then the cheapest. ``steps``
    (per level and column: the needs of the single cells, of which ``levels`` holds the
    largest) lets a column whose largest need cannot be met still reach the largest of its
    cells' needs that can: a threshold, never a width just short of one. With a ``model``,
    spare width then goes where it shortens the table (:meth:`TableModel.shorten`) and levels
    from :data:`MUST_LEVELS` on are met only where the table gets no taller."""
    n = len(base)
    widths = list(base)
    free = frozenset(free)
    need = [0.0] * n
    met: list[set[float]] = [set() for _ in range(n)]
    for k, level in enumerate(levels):
        need = [max(a, b) for a, b in zip(need, level, strict=True)]
        for c in range(n):
            met[c].add(level[c])
            if steps is not None:
                met[c].update(steps[k][c])
        while True:
            short = [c for c in range(n) if need[c] > widths[c] + 1e-9]
            floors = _floors(widths, base, met, free, short)
            height = model.height(widths) if model is not None else 0
            best: tuple[tuple[float, float], list[float]] | None = None
            for c in range(n):
                for target in sorted((v for v in met[c] if widths[c] + 1e-9 < v <= need[c]), reverse=True):
                    trial = _give(widths, c, target, floors)
                    if trial is None:
                        continue
                    after = model.height(trial) if model is not None else 0
                    if k >= MUST_LEVELS and after > height:
                        continue
                    key = (after, target - widths[c])
                    if best is None or key < best[0]:
                        best = (key, trial)
                    break
            if best is None:
                break
            widths = best[1]
        if model is not None and k == min(MUST_LEVELS, len(levels)) - 1:
            widths = model.shorten(widths, _floors(widths, base, met, free))
    return widths


@dataclass(frozen=True)
class Sized:
    """A cell as the width fitting sees it: its row, first column, span, text and kind."""

    row: int
    col: int
    span: int
    text: str
    kind: str | None


class TableModel:
    """How tall a table is at given column widths, in lines: for each row the most lines any of
    its cells needs (at least one), summed. Labels and short Chinese values count the lines of
    their word-boundary cut (:func:`label_lines`); other text fills lines greedily.

    Cells are grouped by their columns and, within a group, by text (a column of 学历 has a
    few distinct values over sixty rows), and a text that fits on one line costs one
    comparison, so that the many evaluations of :meth:`shorten` stay cheap."""

    MAX_ROUNDS = 24
    MAX_TARGETS = 4  # per column and round: the nearest widths at which some cell loses a line

    def __init__(self, cells: Sequence[Sized], measure: Callable[[str], float], pad: float):
        self.measure = measure
        self.pad = pad
        self._texts: list[tuple[str, str]] = []  # (text, kind)
        self._one_line: list[float] = []  # width of the text on one line (inf: several paragraphs)
        index: dict[tuple[str, str], int] = {}
        groups: dict[tuple[int, int], dict[int, list[int]]] = {}
        rows: set[int] = set()
        for cell in cells:
            if not cell.text or cell.kind is None:
                continue
            key = (cell.text, cell.kind)
            t = index.get(key)
            if t is None:
                t = index[key] = len(self._texts)
                self._texts.append(key)
                self._one_line.append(math.inf if "\n" in cell.text else measure(cell.text))
            groups.setdefault((cell.col, cell.span), {}).setdefault(t, []).append(cell.row)
            rows.add(cell.row)
        self._groups = [(col, span, list(members.items())) for (col, span), members in groups.items()]
        self._rows = sorted(rows)
        self._char_widths: dict[str, list[float]] = {}
        self._lines: dict[tuple[int, int], int] = {}

    def _widths_of(self, text: str) -> list[float]:
        got = self._char_widths.get(text)
        if got is None:
            got = self._char_widths[text] = [self.measure(ch) for ch in text]
        return got

    def _fill(self, text: str, avail: float) -> int:
        lines = 0
        for paragraph in text.split("\n"):
            lines += 1
            used = 0.0
            for w in self._widths_of(paragraph):
                if used + w > avail + 1e-9 and used > 0:
                    lines += 1
                    used = w
                else:
                    used += w
        return lines

    def count(self, t: int, avail: float) -> int:
        """Lines of text ``t`` in ``avail`` (the cell's width less its padding)."""
        if self._one_line[t] <= avail + 1e-9:
            return 1
        key = (t, round(avail * 100))
        got = self._lines.get(key)
        if got is None:
            text, kind = self._texts[t]
            got = 0
            if kind in ("label", "short") and is_cjk_text(text) and len(text) <= 2 * SHORT_VALUE:
                parts = label_lines(text, avail, self.measure)
                if all(self.measure(p) <= avail + 1e-9 for p in parts):
                    got = len(parts)
            got = got or self._fill(text, avail)
            self._lines[key] = got
        return got

    def height(self, widths: Sequence[float]) -> int:
        tallest = dict.fromkeys(self._rows, 1)
        for col, span, members in self._groups:
            avail = sum(widths[col:col + span]) - self.pad
            for t, rows in members:
                if self._one_line[t] <= avail + 1e-9:
                    continue
                n = self.count(t, avail)
                for r in rows:
                    if n > tallest[r]:
                        tallest[r] = n
        return sum(tallest.values())

    def _targets(self, col: int, widths: Sequence[float], room: float) -> list[float]:
        """Widths of column ``col`` (above its current one, at most ``room`` more) at which one
        of its cells needs a line less."""
        out: set[float] = set()
        for first, span, members in self._groups:
            if not first <= col < first + span:
                continue
            avail = sum(widths[first:first + span]) - self.pad
            for t, _ in members:
                now = self.count(t, avail)
                if now <= 1 or self.count(t, avail + room) >= now:
                    continue
                lo, hi = avail, avail + room  # the least width with fewer lines (monotone count)
                for _ in range(18):
                    mid = (lo + hi) / 2
                    if self.count(t, mid) < now:
                        hi = mid
                    else:
                        lo = mid
                out.add(math.ceil((widths[col] + hi - avail) * 100) / 100)
        return sorted(t for t in out if t > widths[col])[: self.MAX_TARGETS]

    def shorten(self, widths: list[float], floors: Sequence[float]) -> list[float]:
        """Move spare width (above ``floors``) to where it saves the most lines per unit of
        width, as long as anything is saved."""
        for _ in range(self.MAX_ROUNDS):
            now = self.height(widths)
            room = sum(max(0.0, w - f) for w, f in zip(widths, floors))
            if room <= 1e-6:
                break
            best: tuple[float, list[float]] | None = None
            for col in range(len(widths)):
                spare_here = max(0.0, widths[col] - floors[col])
                for target in self._targets(col, widths, room - spare_here):
                    trial = _give(widths, col, target, floors)
                    if trial is None:
                        continue
                    saved = now - self.height(trial)
                    if saved > 0:
                        rate = saved / (target - widths[col])
                        if best is None or rate > best[0]:
                            best = (rate, trial)
            if best is None:
                break
            widths = best[1]
        return widths


def column_widths(base: Sequence[float], cells: Sequence[Sized], measure: Callable[[str], float],
                  pad: float) -> list[float]:
    """The widths of a table's columns (module doc). ``base``: the definition's ratios scaled to
    the table's width; ``cells``: every cell with its text and kind; ``measure``: the renderer's
    text width, in the unit of ``base``; ``pad``: a cell's left plus right padding plus slack.
    A cell spanning several columns asks each of them for a share of its need in proportion to
    their base widths."""
    n = len(base)
    levels = [[0.0] * n for _ in range(LEVELS)]
    steps: list[list[set[float]]] = [[set() for _ in range(n)] for _ in range(LEVELS)]
    free: set[int] = set()
    for cell in cells:
        if cell.kind is None or not cell.text:
            continue
        if cell.span == 1 and running(cell.text, cell.kind):
            free.add(cell.col)
        share = sum(base[cell.col:cell.col + cell.span])
        for level, need in enumerate(needs(cell.text, cell.kind, measure, pad)):
            for k in range(cell.col, cell.col + cell.span):
                part = need * base[k] / share
                if part > 0:
                    steps[level][k].add(part)
                    levels[level][k] = max(levels[level][k], part)
    return fit_widths(base, levels, free=free, steps=steps, model=TableModel(cells, measure, pad))
