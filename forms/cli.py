"""The command line (spec §6). Works without a screen; never shows a traceback.

Renderers (PDF, Word) live in ``pdf/``, which ``forms/`` must not import: ``main.py`` hands them
in as ``{".pdf": loader, ".docx": loader}``, each loader importing its renderer only when used.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Callable, Sequence

from forms.display import FINGERPRINT_LABEL
from forms.draft import Draft, DraftInputError, load_draft_json
from forms.problems import Problem, RenderRefused

EXIT_OK, EXIT_ERRORS, EXIT_UNUSABLE = 0, 1, 2

Renderer = Callable[..., None]
#: output suffix (".pdf") -> a function that imports and returns the renderer
RendererTable = dict[str, Callable[[], Renderer]]


class UsageError(Exception):
    """Bad command-line words: argparse's message, exit 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # never exit from inside argparse
        raise UsageError(message)


def _out(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _err(text: str) -> None:
    sys.stderr.write(f"shenbao: {text}\n")


# --------------------------------------------------------------------------- input


def is_draft_file(path: Path) -> bool:
    """True when ``path`` looks like an exported ``.shenbao`` file (plain or encrypted)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    from forms import draftfile

    return head == draftfile.SQLITE_MAGIC or head.startswith(draftfile.ENCRYPTED_MAGIC)


def load_input(path: Path, passphrase: str | None = None) -> Draft:
    """Draft JSON or an exported draft file → Draft; DraftInputError for anything unusable."""
    path = Path(path)
    if path.is_file() and is_draft_file(path):
        from forms import draftfile

        return draftfile.read_draft_file(path, passphrase=passphrase).draft
    return load_draft_json(path)


def _passphrase(args: argparse.Namespace) -> str | None:
    return getattr(args, "passphrase", None) or os.environ.get("SHENBAO_PASSPHRASE") or None


# --------------------------------------------------------------------------- commands


def _print_problems(problems: list[Problem], stream=None) -> None:
    stream = stream or sys.stdout
    for p in problems:
        mark = "错误" if p.is_error else "提醒"
        stream.write(f"{mark}  {p.path}  [{p.code}]  {p.message}\n")


def cmd_sample(args: argparse.Namespace) -> int:
    from forms.sample import write_sample

    out = Path(args.output)
    try:
        written = write_sample(out)
    except OSError as exc:
        _err(f"无法写入 {out}：{exc.strerror or exc}")
        return EXIT_UNUSABLE
    for path in written:
        _out(f"已写入 {path}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from forms.validate import validate

    draft = load_input(Path(args.file), _passphrase(args))
    problems = validate(draft)
    n_err = sum(p.is_error for p in problems)
    if args.json:
        _out(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        _print_problems(problems)
        _out(f"共 {n_err} 个错误，{len(problems) - n_err} 个提醒。{FINGERPRINT_LABEL} {draft.fingerprint()}")
    return EXIT_ERRORS if n_err else EXIT_OK


def cmd_render(args: argparse.Namespace, renderers: RendererTable) -> int:
    from forms.validate import validate

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in renderers:
        _err(f"不支持的输出格式“{out.suffix or '（无扩展名）'}”，请使用 .pdf 或 .docx")
        return EXIT_UNUSABLE
    draft = load_input(Path(args.file), _passphrase(args))
    problems = validate(draft)
    errors = [p for p in problems if p.is_error]
    if errors and not args.draft:
        _print_problems(errors, sys.stderr)
        _err(f"草稿还有 {len(errors)} 个错误，未生成正式文件。改正后重试，或加 --draft 打印带“草稿”水印的稿。")
        return EXIT_ERRORS
    try:
        renderers[suffix]()(draft, out, draft_mode=bool(args.draft), simplex=bool(getattr(args, "simplex", False)))
    except RenderRefused as exc:
        _err(f"未生成 {out}：{exc}")
        return EXIT_ERRORS
    except OSError as exc:
        _err(f"无法写入 {out}：{exc.strerror or exc}")
        return EXIT_UNUSABLE
    _out(f"已生成 {out}（{FINGERPRINT_LABEL} {draft.fingerprint()}）")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def build_parser() -> _Parser:
    parser = _Parser(prog="shenbao", description="上海市知识产权产学研运营联合体项目申报书 申报助手")
    db_help = "使用另一个草稿库文件（也可用环境变量 SHENBAO_DB）"
    parser.add_argument("--db", help=db_help)
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)

    p = sub.add_parser("sample", help="写出内置示例草稿（JSON）")
    p.add_argument("-o", "--output", required=True, help="输出的 JSON 文件")
    p.add_argument("--db", default=argparse.SUPPRESS, help=db_help)

    p = sub.add_parser("validate", help="检查草稿，列出错误和提醒")
    p.add_argument("file", help="草稿 JSON 或 .shenbao 草稿文件")
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出")
    p.add_argument("--passphrase", help="加密草稿文件的口令（也可用 SHENBAO_PASSPHRASE）")
    p.add_argument("--db", default=argparse.SUPPRESS, help=db_help)

    p = sub.add_parser("render", help="生成申报书 PDF 或 Word 文件")
    p.add_argument("file", help="草稿 JSON 或 .shenbao 草稿文件")
    p.add_argument("-o", "--output", required=True, help="输出文件（.pdf 或 .docx）")
    p.add_argument("--draft", action="store_true", help="有错误也生成，每页加“草稿”水印")
    p.add_argument("--simplex", action="store_true", help="单面打印版（不插空白页）")
    p.add_argument("--passphrase", help="加密草稿文件的口令（也可用 SHENBAO_PASSPHRASE）")
    p.add_argument("--db", default=argparse.SUPPRESS, help=db_help)

    try:
        from forms import cli_drafts
    except ImportError:  # pragma: no cover - the store is part of every build
        cli_drafts = None
    if cli_drafts is not None:
        cli_drafts.register(sub, db_help)
    return parser


def wants_editor(argv: Sequence[str]) -> bool:
    """No command, only ``--db PATH`` at most: the user wants the editor."""
    rest = list(argv)
    if rest[:1] == ["--db"] and len(rest) >= 2:
        rest = rest[2:]
    elif rest[:1] and rest[0].startswith("--db="):
        rest = rest[1:]
    return not rest


def main(argv: Sequence[str] | None = None, renderers: RendererTable | None = None) -> int:
    """Run one command; returns the exit code. ``argv`` excludes the program name."""
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a character still
        if hasattr(stream, "reconfigure"):  # gets the rest of the message, never an exception
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except UsageError as exc:
        _err(f"命令行有误：{exc}（用 --help 查看用法）")
        return EXIT_UNUSABLE
    if not args.command:
        parser.print_help()
        return EXIT_UNUSABLE
    if args.db:
        os.environ["SHENBAO_DB"] = str(Path(args.db).resolve())
    try:
        if args.command == "sample":
            return cmd_sample(args)
        if args.command == "validate":
            return cmd_validate(args)
        if args.command == "render":
            if renderers is None:
                _err("本版本没有打印模块")
                return EXIT_UNUSABLE
            return cmd_render(args, renderers)
        return args.handler(args)
    except DraftInputError as exc:
        _err(f"无法使用输入：{exc}")
        return EXIT_UNUSABLE
    except KeyboardInterrupt:
        _err("已中断")
        return 130
    except Exception as exc:  # noqa: BLE001 - the last line of defence: never a traceback
        _err(f"内部错误：{type(exc).__name__}: {exc}。请把这条信息和草稿文件发给开发者。")
        if os.environ.get("SHENBAO_DEBUG"):
            raise
        return EXIT_UNUSABLE
