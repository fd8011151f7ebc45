"""``python main.py drafts …``: the local store on the command line (spec §6).

Every sub-command honours ``--db`` / ``SHENBAO_DB`` (``forms.cli.main`` puts ``--db`` into
``SHENBAO_DB`` before dispatching). Exit codes: 0 done; 2 no such draft, unusable input, or a
store that cannot be used (one line on stderr saying why).

``drafts import`` prints the new draft's id as its only line on stdout (scripts capture it);
notes such as "kept both" go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from forms.cli import EXIT_OK, EXIT_UNUSABLE, _err, _out, _passphrase
from forms.draft import DraftInputError, dump_draft_json, load_draft_json

def _store():
    from forms.store import Store

    return Store()


def _run(fn):
    """Turn store errors into one stderr line and exit 2."""

    def handler(args: argparse.Namespace) -> int:
        from forms.store import StoreError

        try:
            return fn(args)
        except StoreError as exc:
            _err(str(exc))
            return EXIT_UNUSABLE

    handler.__name__ = fn.__name__
    handler.__doc__ = fn.__doc__
    return handler


def _local(when) -> str:
    from forms.display import datetime_text

    return datetime_text(when.astimezone())


# --------------------------------------------------------------------------- commands


@_run
def cmd_list(args: argparse.Namespace) -> int:
    with _store() as store:
        drafts = store.list_drafts(include_deleted=args.trash)
    if args.trash:
        drafts = [d for d in drafts if d.deleted_at is not None]
    if args.json:
        _out(json.dumps([{"id": d.id, "unit_name": d.unit_name, "updated": d.updated.isoformat()}
                         for d in drafts], ensure_ascii=False, indent=2))
        return EXIT_OK
    if not drafts:
        _out("回收站是空的。" if args.trash else "还没有草稿。")
        return EXIT_OK
    for d in drafts:
        state = f"{d.error_count} 个错误，{d.problem_count - d.error_count} 个提醒" if d.problem_count else "无问题"
        name = d.unit_name or "（未填单位名称）"
        _out(f"{d.id}  {_local(d.updated)}  {name}  [{state}]")
    return EXIT_OK


@_run
def cmd_import(args: argparse.Namespace) -> int:
    from forms.cli import is_draft_file
    from forms.draftfile import read_draft_file

    path = Path(args.file)
    # Read and check the whole input before the store is even opened: a refused file leaves
    # the store exactly as it was.
    if path.is_file() and is_draft_file(path):
        found = read_draft_file(path, passphrase=_passphrase(args))
        draft, original, personal = found.draft, found.draft_id, found.personal_removed
    else:
        draft, original, personal = load_draft_json(path), None, False
    with _store() as store:
        result = store.import_draft(draft, original, personal_removed=personal)
    if result.conflict:
        _err(f"草稿库中已有编号相同的草稿（内容可能不同），两份都保留：已另存为新草稿 {result.draft_id}")
    if result.personal_removed:
        _err("注意：此草稿导出时已去除证件号码和银行账号，请补填。")
    _out(result.draft_id)
    return EXIT_OK


@_run
def cmd_export(args: argparse.Namespace) -> int:
    out = Path(args.output)
    with _store() as store:
        store.export_file(args.id, out, without_personal=args.without_personal,
                          passphrase=_passphrase(args))
    notes = []
    if args.without_personal:
        notes.append("已去除证件号码和银行账号")
    if _passphrase(args):
        notes.append("已加密")
    _err(f"已导出到 {out}" + (f"（{'，'.join(notes)}）" if notes else ""))
    return EXIT_OK


@_run
def cmd_show(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.revision is not None:
            draft = store.load_revision(args.id, args.revision)
        else:
            draft = store.load(args.id)
    sys.stdout.write(dump_draft_json(draft))
    return EXIT_OK


@_run
def cmd_delete(args: argparse.Namespace) -> int:
    from forms.store import TRASH_DAYS

    with _store() as store:
        store.delete(args.id)
    _err(f"已移到回收站（{TRASH_DAYS} 天后自动清除，可用 drafts restore 恢复）：{args.id}")
    return EXIT_OK


@_run
def cmd_restore(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.revision is not None:
            store.restore_revision(args.id, args.revision)
            _err(f"已恢复到第 {args.revision} 号版本（原内容仍在历史中）")
        else:
            store.restore(args.id)
            _err(f"已从回收站恢复：{args.id}")
    return EXIT_OK


@_run
def cmd_history(args: argparse.Namespace) -> int:
    with _store() as store:
        revisions = store.revisions(args.id)
    for r in revisions:
        kind = "" if r.explicit else "（自动）"
        _out(f"{r.id:>6}  {_local(r.created)}  {r.fingerprint}  {r.reason}{kind}")
    return EXIT_OK


@_run
def cmd_backup(args: argparse.Namespace) -> int:
    out = Path(args.output)
    with _store() as store:
        store.backup(out)
    _err(f"已备份草稿库到 {out}")
    return EXIT_OK


# --------------------------------------------------------------------------- parser


def register(subparsers, db_help: str) -> None:
    """Add ``drafts`` and its sub-commands to the main parser's sub-parsers."""
    drafts = subparsers.add_parser("drafts", help="本机草稿库：列出、导入、导出、查看草稿")
    drafts.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
    sub = drafts.add_subparsers(dest="drafts_command", parser_class=type(drafts), required=True,
                                metavar="{list,import,export,show,delete,restore,history,backup}")

    def add(name: str, help_text: str, handler):
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--db", default=argparse.SUPPRESS, help=db_help)
        p.set_defaults(handler=handler)
        return p

    p = add("list", "列出草稿：编号、单位名称、最后修改时间", cmd_list)
    p.add_argument("--json", action="store_true", help="以 JSON 数组输出（id, unit_name, updated）")
    p.add_argument("--trash", action="store_true", help="列出回收站中的草稿")

    p = add("import", "导入 .shenbao 草稿文件或草稿 JSON，输出新草稿的编号", cmd_import)
    p.add_argument("file", help=".shenbao 草稿文件或草稿 JSON")
    p.add_argument("--passphrase", help="加密草稿文件的口令（也可用 SHENBAO_PASSPHRASE）")

    p = add("export", "把草稿导出为 .shenbao 草稿文件，交给同事继续填写", cmd_export)
    p.add_argument("id", help="草稿编号")
    p.add_argument("-o", "--output", required=True, help="输出的 .shenbao 文件")
    p.add_argument("--without-personal", action="store_true", help="去除证件号码和银行账号（发给团队以外的人时）")
    p.add_argument("--passphrase", help="用口令加密（也可用 SHENBAO_PASSPHRASE）")

    p = add("show", "以草稿 JSON 输出草稿", cmd_show)
    p.add_argument("id", help="草稿编号")
    p.add_argument("--revision", type=int, help="输出历史版本（版本号见 drafts history）")

    p = add("delete", "把草稿移到回收站（30 天内可恢复）", cmd_delete)
    p.add_argument("id", help="草稿编号")

    p = add("restore", "从回收站恢复草稿，或恢复到某个历史版本", cmd_restore)
    p.add_argument("id", help="草稿编号")
    p.add_argument("--revision", type=int, help="恢复到这个历史版本（会另记一个新版本）")

    p = add("history", "列出草稿的历史版本", cmd_history)
    p.add_argument("id", help="草稿编号")

    p = add("backup", "把整个草稿库备份到一个文件（编辑器运行时也可以）", cmd_backup)
    p.add_argument("-o", "--output", required=True, help="备份文件")


__all__ = ["register", "DraftInputError"]
