"""The parser and the dispatcher: argv → one command → an exit code. Never a traceback."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from forms.draft import DraftInputError
from ui.cli import commands, drafts
from ui.cli.common import EXIT_UNUSABLE, CommandError, err, out, setup_streams, store_path_arg, version
from ui.cli.parser import Finished, Parser, UsageError, chinese

COMMANDS = ("sample", "validate", "render", "drafts")
DB_HELP = "使用另一个草稿库文件（也可用环境变量 SHENBAO_DB）"
#: files the editor opens when named alone on the command line
EDITOR_SUFFIXES = (".shenbao", ".json")


def _add_db(parser: argparse.ArgumentParser, *, top: bool = False) -> None:
    # Below the top level the default is SUPPRESS, so a sub-parser never overwrites a --db
    # given before the sub-command.
    parser.add_argument("--db", type=store_path_arg, metavar="草稿库文件", help=DB_HELP,
                        **({} if top else {"default": argparse.SUPPRESS}))


class _VersionAction(argparse.Action):
    """``--version``: looks the version up only when asked (reading package metadata costs
    more than the rest of a ``validate``'s start)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS, help=None):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        out(f"申报助手 {version()}")
        parser.exit()


def build_parser() -> Parser:
    with chinese():
        parser = Parser(prog="shenbao",
                        description="上海市知识产权产学研运营联合体项目申报书 申报助手。"
                                    "不带命令运行（或只写草稿文件）时打开编辑器。")
        parser.add_argument("--version", action=_VersionAction, help="显示版本号并退出")
        _add_db(parser, top=True)
        sub = parser.add_subparsers(dest="command", parser_class=Parser, title="命令", metavar="命令")
        commands.register(sub, _add_db)
        drafts.register(sub, _add_db)
    return parser


# --------------------------------------------------------------------------- editor or command


@dataclass(frozen=True)
class EditorRequest:
    """``python main.py [--db PATH] [FILE …]``: open the editor on these files and store."""

    paths: list[str] = field(default_factory=list)
    store_path: Path | None = None


def _names_a_draft(word: str) -> bool:
    return word.lower().endswith(EDITOR_SUFFIXES) or Path(word).is_file()


def editor_request(argv: Sequence[str]) -> EditorRequest | None:
    """An :class:`EditorRequest` when ``argv`` holds no command — nothing, draft files, and at
    most a valid ``--db PATH``; None when :func:`main` must handle it (a command, an option, a
    word that is neither, or a ``--db`` to refuse)."""
    paths: list[str] = []
    db: str | None = None
    words = list(argv)
    while words:
        word = words.pop(0)
        if word == "--db" and words:
            db = words.pop(0)
        elif word.startswith("--db="):
            db = word.removeprefix("--db=")
        elif word == "--":
            paths.extend(words)
            words = []
        elif word.startswith("-") or word in COMMANDS or not _names_a_draft(word):
            return None
        else:
            paths.append(word)
    if db is None:
        return EditorRequest(paths)
    try:
        return EditorRequest(paths, store_path_arg(db))
    except argparse.ArgumentTypeError:
        return None  # main() says why


def editor_missing(exc: ImportError) -> int:
    """The editor cannot be loaded (a build without it, or a missing part of Qt): say so."""
    setup_streams()
    missing = f"（缺少 {exc.name}）" if exc.name and exc.name != "ui.app" else ""
    err(f"本版本没有可用的图形编辑器{missing}，请使用命令行（python main.py --help）。")
    return EXIT_UNUSABLE


# --------------------------------------------------------------------------- dispatch


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code. ``argv`` excludes the program name."""
    setup_streams()
    words = list(argv) if argv is not None else sys.argv[1:]
    parser = build_parser()
    try:
        with chinese():
            args = parser.parse_args(words)
            if not args.command:
                parser.print_help()
                return EXIT_UNUSABLE
    except Finished as done:
        return done.status
    except UsageError as exc:
        err(f"命令行有误：{exc}（用 --help 查看用法）")
        return EXIT_UNUSABLE
    try:
        return args.handler(args)
    except CommandError as exc:
        err(str(exc))
        return EXIT_UNUSABLE
    except DraftInputError as exc:
        err(f"无法使用输入：{exc}")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        err("已中断")
        return 130
    except Exception as exc:
        err(f"内部错误：{type(exc).__name__}: {exc}。请把这条信息和草稿文件发给开发者。")
        if os.environ.get("SHENBAO_DEBUG"):
            raise
        return EXIT_UNUSABLE
