"""``python main.py drafts …`` (spec §6), in-process through ui.cli.main and as subprocesses."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

import pytest

from forms.sample import sample_draft, write_sample
from forms.store import Store
from tests.forms.store_helpers import CAN_MOUNT, MAIN_DIR, read_only_mount, run_cli, run_in_mount
from ui import cli


@pytest.fixture
def db(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "store" / "drafts.sqlite3"
    # The default store a command would use without --db: it must stay untouched.
    monkeypatch.setenv("SHENBAO_DB", str(tmp_path / "unused-default.sqlite3"))
    monkeypatch.delenv("SHENBAO_PASSPHRASE", raising=False)
    return path


@pytest.fixture
def sample_json(tmp_path) -> Path:
    path = tmp_path / "in" / "sample.json"
    path.parent.mkdir()
    write_sample(path)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_every_drafts_command_has_help():
    parser = cli.build_parser()
    top = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    drafts = top.choices["drafts"]
    sub = next(a for a in drafts._actions if isinstance(a, argparse._SubParsersAction))
    assert {"list", "import", "export", "show", "delete", "restore", "history", "backup"} <= set(sub.choices)
    helps = {c.dest: c.help for c in sub._choices_actions}
    for name, p in sub.choices.items():
        assert helps.get(name), name
        for action in p._actions:
            if not isinstance(action, argparse._HelpAction):
                assert action.help, f"drafts {name} {action.dest}"
        assert p.get_default("handler") is not None


def test_list_empty(capsys, db):
    code, out, _ = run(capsys, "drafts", "list", "--db", str(db))
    assert code == 0 and out.strip() == "还没有草稿。"
    code, out, _ = run(capsys, "drafts", "list", "--json", "--db", str(db))
    assert code == 0 and json.loads(out) == []


def test_import_list_show(capsys, db, sample_json):
    code, out, err = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    assert code == 0, err
    draft_id = out.strip()
    assert out.count("\n") == 1 and len(draft_id) == 36
    code, out, _ = run(capsys, "drafts", "list", "--db", str(db))
    assert code == 0 and draft_id in out and "上海临港芯链科技有限公司" in out and "年" in out
    assert "（刚刚）" in out  # when it last changed, and how long ago
    code, out, _ = run(capsys, "drafts", "list", "--json", "--db", str(db))
    (entry,) = json.loads(out)
    assert set(entry) == {"id", "unit_name", "updated"}
    assert entry["id"] == draft_id and entry["unit_name"] == "上海临港芯链科技有限公司"
    updated = dt.datetime.fromisoformat(entry["updated"])
    assert updated.tzinfo is not None and abs(updated - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    code, out, _ = run(capsys, "drafts", "show", draft_id, "--db", str(db))
    assert code == 0 and out == sample_json.read_text(encoding="utf-8")


def test_db_option_anywhere_and_env(capsys, db, sample_json, monkeypatch):
    _, out, _ = run(capsys, "--db", str(db), "drafts", "import", str(sample_json))
    draft_id = out.strip()
    for argv in (["--db", str(db), "drafts", "list", "--json"],
                 ["drafts", "--db", str(db), "list", "--json"],
                 ["drafts", "list", "--json", "--db", str(db)]):
        code, out, _ = run(capsys, *argv)
        assert code == 0 and [e["id"] for e in json.loads(out)] == [draft_id], argv
    monkeypatch.setenv("SHENBAO_DB", str(db))
    code, out, _ = run(capsys, "drafts", "list", "--json")
    assert [e["id"] for e in json.loads(out)] == [draft_id]


def test_db_option_is_given_to_the_store_not_the_environment(capsys, db, sample_json, tmp_path):
    before = os.environ["SHENBAO_DB"]
    code, out, err = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    assert code == 0, err
    assert os.environ["SHENBAO_DB"] == before
    assert db.is_file() and not (tmp_path / "unused-default.sqlite3").exists()
    with Store(db) as s:
        assert [d.id for d in s.list_drafts()] == [out.strip()]


def test_no_such_draft(capsys, db, tmp_path):
    missing = "00000000-0000-4000-8000-000000000000"
    for argv in (["show", missing], ["export", missing, "-o", str(tmp_path / "x.shenbao")],
                 ["delete", missing], ["history", missing]):
        code, out, err = run(capsys, "drafts", *argv, "--db", str(db))
        assert code == 2 and out == "" and "没有编号为" in err and err.count("\n") == 1, argv
    assert not (tmp_path / "x.shenbao").exists()


def test_export_import_conflict_and_personal(capsys, db, sample_json, tmp_path):
    _, out, _ = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    draft_id = out.strip()
    target = tmp_path / "out.shenbao"
    code, out, err = run(capsys, "drafts", "export", draft_id, "-o", str(target), "--db", str(db))
    assert code == 0 and target.is_file() and err == ""
    assert out == f"已导出到 {target}\n"  # success messages on stdout
    code, out, err = run(capsys, "drafts", "import", str(target), "--db", str(db))
    new_id = out.strip()
    assert code == 0 and new_id != draft_id
    assert f"已另存为新草稿 {new_id}" in err
    stripped = tmp_path / "nopersonal.shenbao"
    run(capsys, "drafts", "export", draft_id, "-o", str(stripped), "--without-personal", "--db", str(db))
    other = tmp_path / "other.sqlite3"
    code, out, err = run(capsys, "drafts", "import", str(stripped), "--db", str(other))
    assert code == 0 and out.strip() == draft_id and "去除证件号码和银行账号" in err
    _, shown, _ = run(capsys, "drafts", "show", draft_id, "--db", str(other))
    data = json.loads(shown)["data"]
    assert data["people"]["leader"]["id_number"] is None or data["people"]["leader"]["id_number"] == ""
    assert all(not m["id_number"] for m in data["team"]["members"])


def test_encrypted_export(capsys, db, sample_json, tmp_path, monkeypatch):
    _, out, _ = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    draft_id = out.strip()
    target = tmp_path / "secret.shenbao"
    code, _, _ = run(capsys, "drafts", "export", draft_id, "-o", str(target), "--passphrase", "口令123", "--db", str(db))
    assert code == 0
    other = tmp_path / "other.sqlite3"
    code, out, err = run(capsys, "drafts", "import", str(target), "--db", str(other))
    assert code == 2 and "已加密" in err and not other.exists()
    code, out, err = run(capsys, "drafts", "import", str(target), "--passphrase", "不对", "--db", str(other))
    assert code == 2 and "口令不正确" in err and not other.exists()
    monkeypatch.setenv("SHENBAO_PASSPHRASE", "口令123")
    code, out, err = run(capsys, "drafts", "import", str(target), "--db", str(other))
    assert code == 0 and out.strip() == draft_id
    code, out, _ = run(capsys, "validate", str(target))
    assert code == 0, out


def test_trash_history_restore_backup(capsys, db, sample_json, tmp_path):
    _, out, _ = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    draft_id = out.strip()
    with Store(db) as s:
        s.set_value(draft_id, "plan", "改过的方案")
    code, out, _ = run(capsys, "drafts", "history", draft_id, "--db", str(db))
    header, *lines = out.strip().splitlines()
    assert "版本号" in header and "校验码" in header and draft_id in header
    assert code == 0 and len(lines) == 2 and "导入" in lines[-1] and "自动" in lines[0]
    first = lines[-1].split()[0]
    code, out, err = run(capsys, "drafts", "restore", draft_id, "--revision", first, "--db", str(db))
    assert code == 0 and "恢复" in out and err == ""
    _, out, _ = run(capsys, "drafts", "show", draft_id, "--db", str(db))
    assert out == sample_json.read_text(encoding="utf-8")
    _, out, _ = run(capsys, "drafts", "show", draft_id, "--revision", lines[0].split()[0], "--db", str(db))
    assert json.loads(out)["data"]["plan"] == "改过的方案"
    code, out, err = run(capsys, "drafts", "delete", draft_id, "--db", str(db))
    assert code == 0 and "回收站" in out and err == ""
    _, out, _ = run(capsys, "drafts", "list", "--json", "--db", str(db))
    assert json.loads(out) == []
    _, out, _ = run(capsys, "drafts", "list", "--trash", "--db", str(db))
    assert draft_id in out
    code, _, _ = run(capsys, "drafts", "restore", draft_id, "--db", str(db))
    _, out, _ = run(capsys, "drafts", "list", "--json", "--db", str(db))
    assert code == 0 and [e["id"] for e in json.loads(out)] == [draft_id]
    code, out, err = run(capsys, "drafts", "backup", "-o", str(tmp_path / "backup.sqlite3"), "--db", str(db))
    assert code == 0 and "已备份" in out and err == ""
    with Store(tmp_path / "backup.sqlite3") as b:
        assert [d.id for d in b.list_drafts()] == [draft_id]


def test_usage_errors_exit_2(capsys, db):
    code, _, err = run(capsys, "drafts", "--db", str(db))
    assert code == 2 and "命令行有误" in err
    code, _, err = run(capsys, "drafts", "export", "x", "--db", str(db))  # -o missing
    assert code == 2


# --------------------------------------------------------------------------- real subprocesses


@pytest.mark.slow
def test_round_trip_through_the_real_command_line(tmp_path):
    """JSON → store → .shenbao → another store → JSON identical, attachments included."""
    sample = tmp_path / "in" / "sample.json"
    sample.parent.mkdir()
    assert run_cli("sample", "-o", str(sample)).returncode == 0
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    r = run_cli("drafts", "import", str(sample), "--db", str(one))
    assert r.returncode == 0, r.stderr
    draft_id = r.stdout.strip().splitlines()[-1]
    exported = tmp_path / "x.shenbao"
    r = run_cli("--db", str(one), "drafts", "export", draft_id, "-o", str(exported))
    assert r.returncode == 0, r.stderr
    r = run_cli("drafts", "import", str(exported), env={"SHENBAO_DB": str(two)})
    assert r.returncode == 0 and r.stdout.strip() == draft_id, r.stderr
    r = run_cli("drafts", "show", draft_id, "--db", str(two))
    assert r.returncode == 0 and r.stdout == sample.read_text(encoding="utf-8")
    with Store(two) as s:
        files = s.load(draft_id).files
    assert files == {"sample-attachment.pdf": (sample.parent / "sample-attachment.pdf").read_bytes()}
    r = run_cli("validate", str(exported), "--json")
    assert r.returncode == 0 and json.loads(r.stdout) == []


@pytest.mark.slow
def test_real_command_line_conflict_message(tmp_path):
    db = tmp_path / "s.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
        s.export_file(draft_id, tmp_path / "x.shenbao")
    r = run_cli("drafts", "import", str(tmp_path / "x.shenbao"), "--db", str(db))
    new_id = r.stdout.strip()
    assert r.returncode == 0 and new_id != draft_id
    assert r.stdout.strip().splitlines() == [new_id]
    assert f"已另存为新草稿 {new_id}" in r.stderr
    r = run_cli("drafts", "show", "no-such-id", "--db", str(db))
    assert r.returncode == 2 and r.stdout == "" and "Traceback" not in r.stderr


# --------------------------------------------------------------------------- ids, messages, hostile input


def _imported(capsys, db, sample_json) -> str:
    code, out, err = run(capsys, "drafts", "import", str(sample_json), "--db", str(db))
    assert code == 0, err
    return out.strip()


def test_a_unique_beginning_of_the_id_names_the_draft(capsys, db, sample_json, tmp_path):
    draft_id = _imported(capsys, db, sample_json)
    code, out, err = run(capsys, "drafts", "show", draft_id[:6], "--db", str(db))
    assert code == 0 and out == sample_json.read_text(encoding="utf-8"), err
    code, out, err = run(capsys, "drafts", "history", draft_id[:6].upper(), "--db", str(db))
    assert code == 0 and draft_id in out.splitlines()[0]
    code, out, _ = run(capsys, "drafts", "delete", draft_id[:8], "--db", str(db))
    assert code == 0 and draft_id in out  # the message names the whole id


def test_an_ambiguous_beginning_is_refused(capsys, db, tmp_path):
    with Store(db) as s:
        for n in (1, 2):
            s.import_draft(sample_draft(), f"abcdef00-0000-4000-8000-00000000000{n}")
    code, out, err = run(capsys, "drafts", "show", "abcdef", "--db", str(db))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert "abcdef" in err and "不止一份" in err
    target = tmp_path / "x.shenbao"
    code, _, _ = run(capsys, "drafts", "export", "abcdef", "-o", str(target), "--db", str(db))
    assert code == 2 and not target.exists()


@pytest.mark.parametrize("where", ["option", "environment"])
def test_an_empty_passphrase_is_refused(where, capsys, db, sample_json, tmp_path, monkeypatch):
    """``--passphrase ''`` used to write the ID numbers in clear and say 已导出 (issue 9 item 5)."""
    draft_id = _imported(capsys, db, sample_json)
    target = tmp_path / "secret.shenbao"
    extra = ["--passphrase", ""] if where == "option" else []
    if where == "environment":
        monkeypatch.setenv("SHENBAO_PASSPHRASE", "")
    code, out, err = run(capsys, "drafts", "export", draft_id, "-o", str(target), *extra, "--db", str(db))
    assert code == 2 and out == "" and err.count("\n") == 1 and "口令" in err and "空" in err
    assert not target.exists() and list(tmp_path.glob("*.shenbao*")) == []


@pytest.mark.parametrize("command", ["show", "restore"])
@pytest.mark.parametrize("number", ["0", "-1", "99999999999999999999", "-99999999999999999999"])
def test_a_revision_out_of_range_is_no_such_revision(command, number, capsys, db, sample_json):
    """Beyond SQLite's integers it was 内部错误：OverflowError (issue 9 item 7)."""
    draft_id = _imported(capsys, db, sample_json)
    code, out, err = run(capsys, "drafts", command, draft_id, "--revision", number, "--db", str(db))
    assert (code, out) == (2, "") and err.count("\n") == 1, err
    assert "内部错误" not in err and "版本" in err and number in err
    with Store(db) as s:
        assert len(s.revisions(draft_id)) == 1


def test_backup_into_a_missing_folder_names_the_backup_file(capsys, db, sample_json, tmp_path):
    """Not "无法打开草稿库文件" (the store is fine): the backup file and the operation (item 10)."""
    _imported(capsys, db, sample_json)
    target = tmp_path / "missing" / "folder" / "b.sqlite3"
    code, out, err = run(capsys, "drafts", "backup", "-o", str(target), "--db", str(db))
    assert code == 2 and out == "" and err.count("\n") == 1
    assert str(target) in err and "备份" in err and str(db) not in err
    assert not (tmp_path / "missing").exists()


@pytest.mark.skipif(sys.platform == "win32", reason="a file-size limit (RLIMIT_FSIZE) stands in for a full disk")
def test_backup_onto_a_full_disk_names_the_backup_file(tmp_path):
    """The disk fills during the backup: the message names the backup, not "草稿未能保存" (item 10)."""
    import resource
    import signal
    import subprocess

    db = tmp_path / "store.sqlite3"
    with Store(db) as s:
        s.create(sample_draft())
    size = db.stat().st_size
    assert size > 60_000

    def small_disk():  # writes past 50,000 bytes fail like a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000))

    target = tmp_path / "b.sqlite3"
    result = subprocess.run([sys.executable, "main.py", "drafts", "backup", "-o", str(target), "--db", str(db)],
                            cwd=MAIN_DIR, capture_output=True, text=True, encoding="utf-8", timeout=60,
                            preexec_fn=small_disk, check=False)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert str(target) in result.stderr and "备份" in result.stderr and "草稿未能保存" not in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["store.sqlite3"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_import_of_a_named_pipe_is_refused(tmp_path):
    """Refused before anything opens it: opening a FIFO nobody writes to blocks (item 3). In a
    subprocess with a time limit, so that a regression fails instead of hanging the suite."""
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    db = tmp_path / "store.sqlite3"
    result = run_cli("drafts", "import", str(fifo), "--db", str(db), timeout=30)
    assert result.returncode == 2 and result.stdout == "" and "命名管道" in result.stderr
    assert not db.exists()


def test_import_of_a_zip_named_shenbao(capsys, db, tmp_path):
    path = tmp_path / "x.shenbao"
    path.write_bytes(b"PK\x03\x04" + bytes(200))
    code, out, err = run(capsys, "drafts", "import", str(path), "--db", str(db))
    assert code == 2 and out == "" and "不是申报助手的草稿文件" in err and "ZIP" in err
    assert not db.exists()


@pytest.mark.skipif(sys.platform == "win32", reason="Windows command lines are UTF-16: no stray bytes")
def test_a_passphrase_that_is_not_utf8(tmp_path):
    """``--passphrase $'\\xff'`` arrives surrogate-escaped: a clear message, exit 2 (item 8)."""
    import subprocess

    db = tmp_path / "store.sqlite3"
    with Store(db) as s:
        draft_id = s.create(sample_draft())
    target = tmp_path / "x.shenbao"
    result = subprocess.run([sys.executable, "main.py", "drafts", "export", draft_id, "-o", str(target),
                             "--db", str(db), "--passphrase", b"\xff\xfe"],
                            cwd=MAIN_DIR, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False)
    assert result.returncode == 2 and result.stdout == "", result.stderr
    assert "口令" in result.stderr and "内部错误" not in result.stderr and result.stderr.count("\n") == 1
    assert not target.exists()


@pytest.mark.parametrize("db_arg", ["", "folder/", "folder"])
def test_a_store_path_that_names_no_file(db_arg, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    code, out, err = run(capsys, "drafts", "list", "--db", db_arg)
    assert code == 2 and out == "" and "草稿库" in err
    assert [p.name for p in tmp_path.iterdir()] == ["folder"] and not any((tmp_path / "folder").iterdir())


# --------------------------------------------------------------------------- a read-only location

READ_COMMANDS = """
import contextlib, io, json, sys
import main
for argv in json.loads(sys.argv[1]):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main.main(argv)
    print(json.dumps([argv[1], code, out.getvalue(), err.getvalue()], ensure_ascii=False))
"""


@pytest.mark.skipif(not CAN_MOUNT, reason="needs Linux mount namespaces (unshare -m)")
@pytest.mark.parametrize("crashed", [False, True], ids=["closed", "writer-killed-wal-left"])
def test_drafts_are_read_from_a_read_only_folder(crashed, tmp_path):
    """list, show, history, export and backup work where nothing can be written (issue 9 item 4):
    the store is opened read-only when it cannot be opened for writing; the folder is unchanged."""
    import json
    import subprocess

    share, out = tmp_path / "share", tmp_path / "out"
    share.mkdir()
    out.mkdir()
    db = share / "drafts.sqlite3"
    make = ("import os, sys\nfrom pathlib import Path\nfrom forms.sample import sample_draft\n"
            "from forms.store import Store\ns = Store(Path(sys.argv[1])); d = sample_draft(); i = s.create(d)\n"
            "d.set('plan', '只读位置'); s.save(i, d, '第二版')\nprint(i)\n"
            "sys.stdout.flush()\nos._exit(0) if sys.argv[2] == '1' else s.close()\n")
    made = subprocess.run([sys.executable, "-c", make, str(db), "1" if crashed else "0"], cwd=MAIN_DIR,
                          capture_output=True, text=True, check=True)
    draft_id = made.stdout.strip()
    assert db.with_name(db.name + "-wal").exists() == crashed
    before = {p.name: p.read_bytes() for p in share.iterdir()}
    commands = [["drafts", "list", "--db", str(db)], ["drafts", "show", draft_id[:8], "--db", str(db)],
                ["drafts", "history", draft_id, "--db", str(db)],
                ["drafts", "export", draft_id, "-o", str(out / "x.shenbao"), "--db", str(db)],
                ["drafts", "backup", "-o", str(out / "b.sqlite3"), "--db", str(db)]]
    result = run_in_mount(read_only_mount(share), READ_COMMANDS, json.dumps(commands))
    assert result.returncode == 0, result.stderr
    ran = {name: (code, stdout, stderr) for name, code, stdout, stderr in map(json.loads, result.stdout.splitlines())}
    assert {name: code for name, (code, _, _) in ran.items()} == dict.fromkeys(
        ["list", "show", "history", "export", "backup"], 0), ran
    assert draft_id in ran["list"][1] and json.loads(ran["show"][1])["data"]["plan"] == "只读位置"
    assert "第二版" in ran["history"][1]
    assert {p.name: p.read_bytes() for p in share.iterdir()} == before
    with Store(out / "b.sqlite3") as b:
        assert b.load(draft_id).get("plan") == "只读位置"
