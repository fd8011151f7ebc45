"""``python main.py drafts …``: the local store on the command line (spec §6).

Every sub-command opens the store named by ``--db`` (given to :class:`forms.store.Store`
explicitly) or, without it, the per-user store (``SHENBAO_DB`` when set). A draft is named by its
id or by a unique beginning of it. Exit codes: 0 done; 2 no such draft, unusable input, or a
store that cannot be used (one line on stderr saying why).

Results and success messages go to stdout. ``drafts import`` prints the new draft's id as its
only line on stdout (scripts capture it); notes beside it ("kept both") go to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from forms.draft import dump_draft_json
from ui.cli.common import EXIT_OK, CommandError, err, out, passphrase, revision_arg
from ui.cli.inputs import read_input

ID_HELP = "草稿编号（也可只写开头几位，只要不与别的草稿重复）"


@contextlib.contextmanager
def opened_store(args: argparse.Namespace, *, reading: bool = False) -> Iterator:
    """The store for this command; its errors become one line and exit 2. A command that only
    reads (``reading``) falls back to opening an existing store read-only when it cannot be
    opened for writing, so drafts can be listed, shown, exported and backed up from a read-only
    share or a locked folder."""
    from forms.store import StoreError

    try:
        with _open_store(getattr(args, "db", None), reading) as store:
            yield store
    except StoreError as exc:
        raise CommandError(str(exc)) from None


def _open_store(path: Path | None, reading: bool):
    from forms.store import Store, StoreError, default_store_path

    try:
        return Store(path)
    except StoreError as exc:
        path = path or default_store_path()
        if not (reading and Path(path).is_file()):
            raise
        refused = exc
    try:
        return Store(path, read_only=True)
    except StoreError:
        raise refused from None


def _local(when) -> str:
    from forms.display import datetime_text

    return datetime_text(when.astimezone())


# --------------------------------------------------------------------------- commands


def cmd_list(args: argparse.Namespace) -> int:
    from forms.display import when_text

    with opened_store(args, reading=True) as store:
        drafts = store.list_drafts(include_deleted=args.trash)
    if args.trash:
        drafts = [d for d in drafts if d.deleted_at is not None]
    if args.json:
        out(json.dumps([{"id": d.id, "unit_name": d.unit_name, "updated": d.updated.isoformat()}
                        for d in drafts], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not drafts:
        out("回收站是空的。" if args.trash else "还没有草稿。")
        return EXIT_OK
    for d in drafts:
        state = f"{d.error_count} 个错误，{d.problem_count - d.error_count} 个提醒" if d.problem_count else "无问题"
        name = d.unit_name or "（未填单位名称）"
        out(f"{d.id}  {when_text(d.updated)}  {name}  [{state}]")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    # Read and check the whole input before the store is even opened: a refused file leaves
    # the store exactly as it was.
    found = read_input(Path(args.file), passphrase(args))
    with opened_store(args) as store:
        result = store.import_draft(found.draft, found.draft_id, personal_removed=found.personal_removed)
    if result.conflict:
        err(f"草稿库中已有编号相同的草稿（内容可能不同），两份都保留：已另存为新草稿 {result.draft_id}")
    if result.personal_removed:
        err("注意：此草稿导出时已去除证件号码和银行账号，请补填。")
    out(result.draft_id)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    secret = passphrase(args)
    target = Path(args.output)
    with opened_store(args, reading=True) as store:
        draft_id = store.resolve_id(args.id)
        store.export_file(draft_id, target, without_personal=args.without_personal, passphrase=secret)
    notes = []
    if args.without_personal:
        notes.append("已去除证件号码和银行账号")
    if secret:
        notes.append("已加密")
    out(f"已导出到 {target}" + (f"（{'，'.join(notes)}）" if notes else ""))
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with opened_store(args, reading=True) as store:
        draft_id = store.resolve_id(args.id)
        if args.revision is not None:
            draft = store.load_revision(draft_id, args.revision)
        else:
            draft = store.load(draft_id)
    sys.stdout.write(dump_draft_json(draft))
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    from forms.store import TRASH_DAYS

    with opened_store(args) as store:
        draft_id = store.resolve_id(args.id)
        store.delete(draft_id)
    out(f"已移到回收站（{TRASH_DAYS} 天后自动清除，可用 drafts restore 恢复）：{draft_id}")
    return EXIT_OK


def cmd_restore(args: argparse.Namespace) -> int:
    with opened_store(args) as store:
        draft_id = store.resolve_id(args.id)
        if args.revision is not None:
            store.restore_revision(draft_id, args.revision)
            message = f"已恢复到第 {args.revision} 号版本（原内容仍在历史中）"
        else:
            store.restore(draft_id)
            message = f"已从回收站恢复：{draft_id}"
    out(message)
    return EXIT_OK


def cmd_history(args: argparse.Namespace) -> int:
    with opened_store(args, reading=True) as store:
        draft_id = store.resolve_id(args.id)
        revisions = store.revisions(draft_id)
    out(f"草稿 {draft_id} 的历史版本（最新的在前）：版本号  保存时间  校验码  说明")
    for r in revisions:
        kind = "" if r.explicit else "（自动）"
        out(f"{r.id:>6}  {_local(r.created)}  {r.fingerprint}  {r.reason}{kind}")
    return EXIT_OK


def cmd_backup(args: argparse.Namespace) -> int:
    target = Path(args.output)
    with opened_store(args, reading=True) as store:
        store.backup(target)
    out(f"已备份草稿库到 {target}")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def register(sub, add_db) -> None:
    """Add ``drafts`` and its sub-commands to the main parser's sub-parsers; ``add_db`` gives a
    parser its ``--db`` option."""
    drafts = sub.add_parser("drafts", help="本机草稿库：列出、导入、导出、查看草稿",
                            description="本机草稿库：列出、导入、导出、查看草稿")
    add_db(drafts)
    commands = drafts.add_subparsers(dest="drafts_command", parser_class=type(drafts), required=True,
                                     title="命令", metavar="命令")

    def add(name: str, help_text: str, handler):
        p = commands.add_parser(name, help=help_text, description=help_text)
        add_db(p)
        p.set_defaults(handler=handler)
        return p

    p = add("list", "列出草稿：编号、单位名称、最后修改时间", cmd_list)
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出（id, unit_name, updated）")
    p.add_argument("--trash", action="store_true", help="列出回收站中的草稿")

    p = add("import", "导入 .shenbao 草稿文件或草稿 JSON，输出新草稿的编号", cmd_import)
    p.add_argument("file", metavar="文件", help=".shenbao 草稿文件或草稿 JSON")
    p.add_argument("--passphrase", metavar="口令", help="加密草稿文件的口令（也可用环境变量 SHENBAO_PASSPHRASE）")

    p = add("export", "把草稿导出为 .shenbao 草稿文件，交给同事继续填写", cmd_export)
    p.add_argument("id", metavar="编号", help=ID_HELP)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="输出的 .shenbao 文件")
    p.add_argument("--without-personal", action="store_true", help="去除证件号码和银行账号（发给团队以外的人时）")
    p.add_argument("--passphrase", metavar="口令", help="用口令加密（也可用环境变量 SHENBAO_PASSPHRASE）")

    p = add("show", "以草稿 JSON 输出草稿", cmd_show)
    p.add_argument("id", metavar="编号", help=ID_HELP)
    p.add_argument("--revision", type=revision_arg, metavar="版本号", help="输出历史版本（版本号见 drafts history）")

    p = add("delete", "把草稿移到回收站（30 天内可恢复）", cmd_delete)
    p.add_argument("id", metavar="编号", help=ID_HELP)

    p = add("restore", "从回收站恢复草稿，或恢复到某个历史版本", cmd_restore)
    p.add_argument("id", metavar="编号", help=ID_HELP)
    p.add_argument("--revision", type=revision_arg, metavar="版本号", help="恢复到这个历史版本（会另记一个新版本）")

    p = add("history", "列出草稿的历史版本", cmd_history)
    p.add_argument("id", metavar="编号", help=ID_HELP)

    p = add("backup", "把整个草稿库备份到一个文件（编辑器运行时也可以）", cmd_backup)
    p.add_argument("-o", "--output", required=True, metavar="文件", help="备份文件")
