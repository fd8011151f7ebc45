"""Where a short text may break: labels, short values and names, shared by the PDF and the
Word export (the numbers and the table walk are in :mod:`pdf.grid`, column widths in
:mod:`pdf.fitting`).

Chinese has no spaces; a line may end between any two characters except before a closing mark
(:data:`CANNOT_START`), after an opening one (:data:`CANNOT_END`), inside a run of Latin letters
and digits, and — for labels and short values — inside a word of :data:`WORDS`. A name breaks
after its middle dot (阿卜杜勒· / 艾尼).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import combinations

#: Characters: values up to this long are kept on few lines when there is room.
SHORT_VALUE = 8

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


def first_token(text: str) -> str:
    """The unbreakable start of a value: the number before （港澳台居民居住证）."""
    return text.split("（", 1)[0].split(" ", 1)[0] if text else ""
