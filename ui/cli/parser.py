"""argparse, entirely in Chinese: usage, section titles, help and error messages.

argparse takes every text it shows through its module-level ``_`` (gettext) at the moment it
shows it; :func:`chinese` points that at our table for the time the command line builds, parses
and prints, and puts gettext back afterwards. Nothing is translated outside that ``with`` block,
so the program's own argparse users (and pytest's) are untouched.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import unicodedata
from collections.abc import Iterator

#: argparse's texts (Python 3.12 and 3.13) → ours.
ZH = {
    "usage: ": "用法：",
    "positional arguments": "参数",
    "options": "选项",
    "subcommands": "命令",
    "%(heading)s:": "%(heading)s：",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    " (default: %(default)s)": "（默认：%(default)s）",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s：%(message)s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "需要以下参数之一：%s",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "invalid choice: %(value)r (choose from %(choices)s)": "没有“%(value)s”这一项（可选：%(choices)s）",
    "invalid %(type)s value: %(value)r": "值“%(value)s”无效",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能与 %s 同时使用",
    "ignored explicit argument %r": "这个选项后面不能写值（%r）",
    "unexpected option string: %s": "多余的选项：%s",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "%(prog)s: warning: %(message)s\n": "%(prog)s：注意：%(message)s\n",
}
ZH_PLURAL = {"expected %s argument": "后面要写 %s 个值"}


def _gettext(message: str) -> str:
    return ZH.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return ZH_PLURAL.get(singular, singular if n == 1 else plural)


@contextlib.contextmanager
def chinese() -> Iterator[None]:
    """argparse speaks Chinese inside this block."""
    saved = argparse._, argparse.ngettext
    argparse._, argparse.ngettext = _gettext, _ngettext
    try:
        yield
    finally:
        argparse._, argparse.ngettext = saved


#: signs that never begin a line (Chinese line-breaking rules)
NO_LINE_START = frozenset("）】」』》〉，。、；：！？…”’")
#: signs that never end a line
NO_LINE_END = frozenset("（【「『《〈“‘")


def display_width(text: str) -> int:
    """Columns ``text`` takes on a console: 汉字 and full-width signs take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class ChineseHelpFormatter(argparse.HelpFormatter):
    """argparse's layout measured in console columns (a 汉字 is two wide), section headings
    with a full-width colon, and help text wrapped at any character (Chinese has no spaces)."""

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is argparse.SUPPRESS:
            return
        if isinstance(action, argparse._SubParsersAction):  # only its commands are listed
            widths = [display_width(self._format_action_invocation(sub)) for sub in action._get_subactions()]
        else:
            widths = [display_width(self._format_action_invocation(action))]
        self._action_max_length = max(self._action_max_length, max(widths, default=0) + self._current_indent)
        self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):  # the commands, without a line for "命令"
            return self._join_parts([self._format_action(sub) for sub in action._get_subactions()])
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        invocation = self._format_action_invocation(action)
        indent = " " * self._current_indent
        if not action.help:
            parts = [f"{indent}{invocation}\n"]
            help_lines: list[str] = []
        elif display_width(invocation) <= action_width:
            pad = " " * (action_width - display_width(invocation))
            help_lines = self._split_lines(self._expand_help(action), help_width)
            parts = [f"{indent}{invocation}{pad}  {help_lines[0]}\n"]
            help_lines = help_lines[1:]
        else:
            help_lines = self._split_lines(self._expand_help(action), help_width)
            parts = [f"{indent}{invocation}\n"]
        parts += [f"{' ' * help_position}{line}\n" for line in help_lines]
        return self._join_parts(parts)

    def _split_lines(self, text: str, width: int) -> list[str]:
        lines: list[str] = []
        line: list[str] = []  # the units on the current line: a 汉字, a sign, an ASCII word, " "
        for unit in re.findall(r"[!-~]+|\s+|.", " ".join(text.split())):  # an ASCII word stays whole
            if unit == " " and not line:
                continue
            if unit != " " and "".join(line).strip() and display_width("".join(line) + unit) > width:
                carry: list[str] = []
                if unit in NO_LINE_START and len(line) > 1 and line[-1] != " ":
                    carry = [line.pop()]  # a closing sign takes the unit before it along
                if len(line) > 1 and line[-1] in NO_LINE_END:
                    carry.insert(0, line.pop())
                lines.append("".join(line).rstrip())
                line = carry
            line.append(unit)
        return [*lines, "".join(line)] if line or not lines else lines

    def _format_usage(self, usage, actions, groups, prefix) -> str:
        width, self._width = self._width, 10**6  # argparse wraps by len(): lay it out on one line…
        try:
            text = super()._format_usage(usage, actions, groups, prefix).strip("\n")
        finally:
            self._width = width
        head = text[:text.index(self._prog) + len(self._prog)]
        indent = " " * (display_width(head) + 1)
        lines, line, fresh = [], head, True  # fresh: no group on this line yet
        # a group: "[--db 草稿库文件]", "-o 文件" (a required option and its value), "编号"
        for group in re.findall(r"\[[^\]]*\]|-\S+ [^\s\[\-.]\S*|\S+", text[len(head):]):  # …then wrap it by columns
            if not fresh and display_width(f"{line} {group}") > width:
                lines.append(line)
                line = indent[:-1]
            line, fresh = f"{line} {group}", False
        return "\n".join([*lines, line]) + "\n\n"

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in self._split_lines(text, width - display_width(indent)))

    def format_help(self) -> str:
        text = super().format_help()  # argparse ends each heading with an ASCII colon
        for heading in ("选项", "参数", "命令"):
            text = text.replace(f"\n{heading}:\n", f"\n{heading}：\n")
        return text


class UsageError(Exception):
    """Bad command-line words: the (Chinese) message, exit 2."""


class Finished(Exception):
    """``--help`` or ``--version`` has been printed: stop with this exit status."""

    def __init__(self, status: int):
        super().__init__(status)
        self.status = status


class Parser(argparse.ArgumentParser):
    """Never exits the process from inside argparse: errors and ``--help`` become exceptions
    that :func:`ui.cli.main` turns into a message and an exit code."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:
        raise UsageError(message)

    def exit(self, status: int = 0, message: str | None = None) -> None:
        if message:
            self._print_message(message)
        raise Finished(status)
