"""``sample``, ``validate`` and ``render`` (spec §6)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from forms.display import FINGERPRINT_LABEL
from forms.fsutil import os_error_text
from forms.problems import Problem
from ui.cli.common import EXIT_ERRORS, EXIT_OK, CommandError, err, out, passphrase
from ui.cli.inputs import load_input

INPUT_HELP = "草稿 JSON 或 .shenbao 草稿文件"
PASSPHRASE_HELP = "加密草稿文件的口令（也可用环境变量 SHENBAO_PASSPHRASE）"


def print_problems(problems, stream=None) -> None:
    stream = stream or sys.stdout
    for p in problems:
        mark = "错误" if p.is_error else "提醒"
        where = f"{p.where}：" if p.where else ""
        stream.write(f"{mark}  {p.path}  [{p.code}]  {where}{p.message}\n")


def cmd_sample(args: argparse.Namespace) -> int:
    from forms.sample import write_sample

    target = Path(args.output)
    try:
        written = write_sample(target)
    except OSError as exc:
        raise CommandError(f"无法写出示例草稿到 {target}：{os_error_text(exc)}") from None
    for path in written:
        out(f"已写入 {path}")
    return EXIT_OK


def cmd_validate(args: argparse.Namespace) -> int:
    from forms.validate import validate

    draft = load_input(Path(args.file), passphrase(args))
    problems: list[Problem] = validate(draft)
    n_err = sum(p.is_error for p in problems)
    if args.json:
        out(json.dumps([p.as_dict() for p in problems], ensure_ascii=False, indent=2))
    else:
        print_problems(problems)
        out(f"共 {n_err} 个错误，{len(problems) - n_err} 个提醒。{FINGERPRINT_LABEL} {draft.fingerprint()}")
    return EXIT_ERRORS if n_err else EXIT_OK


def _check_output_folder(target: Path) -> None:
    """Refuse an output path that cannot be written before the (possibly long) render."""
    if target.is_dir():
        raise CommandError(f"无法生成申报书到 {target}：这是一个文件夹，请写出文件名")
    if not target.parent.is_dir():
        raise CommandError(f"无法生成申报书到 {target}：文件夹 {target.parent} 不存在")


def cmd_render(args: argparse.Namespace) -> int:
    """Print through :func:`pdf.export.export`, which alone decides whether a draft may be
    printed; the command line only says what happened."""
    from forms.problems import RenderRefused
    from pdf.export import export, kind_of

    target = Path(args.output)
    try:
        kind_of(target)  # an unknown output kind is a wrong command, found before any reading
    except RenderRefused as exc:
        raise CommandError(str(exc)) from None
    _check_output_folder(target)
    draft = load_input(Path(args.file), passphrase(args))
    try:
        # one print, then the process ends: the attachments' bytes are let go once prepared
        printed = export(draft, target, draft_mode=args.draft, simplex=args.simplex, consume=True)
    except RenderRefused as exc:
        errors = tuple(getattr(exc, "problems", ()) or ())
        if errors:
            print_problems(errors, sys.stderr)
            err(f"草稿还有 {len(errors)} 个错误，未生成正式文件。改正后重试，或加 --draft 打印带“草稿”水印的稿。")
        else:
            err(f"未生成 {target}：{exc}")
        return EXIT_ERRORS
    except OSError as exc:
        raise CommandError(f"无法生成申报书到 {target}：{os_error_text(exc)}") from None
    out(f"已生成 {target}（{FINGERPRINT_LABEL} {printed.fingerprint}）")
    return EXIT_OK


def register(sub, add_db) -> None:
    """Add ``sample``, ``validate`` and ``render`` to the main parser's sub-parsers; ``add_db``
    gives a parser its ``--db`` option."""
    p = sub.add_parser("sample", help="写出内置示例草稿（JSON）", description="写出内置示例草稿（JSON）")
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 JSON 文件")
    add_db(p)
    p.set_defaults(handler=cmd_sample)

    p = sub.add_parser("validate", help="检查草稿，列出错误和提醒", description="检查草稿，列出错误和提醒")
    p.add_argument("file", metavar="文件", help=INPUT_HELP)
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出")
    p.add_argument("--passphrase", metavar="口令", help=PASSPHRASE_HELP)
    add_db(p)
    p.set_defaults(handler=cmd_validate)

    p = sub.add_parser("render", help="生成申报书 PDF 或 Word 文件", description="生成申报书 PDF 或 Word 文件")
    p.add_argument("file", metavar="文件", help=INPUT_HELP)
    p.add_argument("-o", "--output", required=True, metavar="输出文件", help="输出文件（.pdf 或 .docx）")
    p.add_argument("--draft", action="store_true", help="有错误也生成，每页加“草稿”水印")
    p.add_argument("--simplex", action="store_true", help="单面打印版（不插空白页）")
    p.add_argument("--passphrase", metavar="口令", help=PASSPHRASE_HELP)
    add_db(p)
    p.set_defaults(handler=cmd_render)
