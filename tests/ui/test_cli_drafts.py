"""``python main.py drafts …`` (spec §6), in-process through ui.cli.main and as subprocesses."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path

import pytest

from ui import cli
from forms.sample import sample_draft, write_sample
from forms.store import Store
from tests.forms.store_helpers import run_cli


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
    code, out, err = run(capsys, "drafts", "list", "--db", str(db))
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
    code, out, _ = run(capsys, "drafts", "list", "--json", "--db", str(db))
    (entry,) = json.loads(out)
    assert set(entry) == {"id", "unit_name", "updated"}
    assert entry["id"] == draft_id and entry["unit_name"] == "上海临港芯链科技有限公司"
    updated = dt.datetime.fromisoformat(entry["updated"])
    assert updated.tzinfo is not None and abs(updated - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=5)
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
    import os

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
