"""The files the store writes and reads: its path, private modes, backups, temporary files,
atomic replacement, and stores on read-only locations. Real files, real SQLite; read-only and
full disks are real mounts in a private mount namespace (Linux), since permissions cannot stop
root."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from forms import fsutil
from forms.sample import sample_draft
from forms.store import Store, StoreError
from tests.forms.store_helpers import (
    CAN_MOUNT,
    logical_dump,
    read_only_mount,
    run_in_mount,
    tiny_disk_mount,
)

posix_only = pytest.mark.skipif(os.name == "nt", reason="POSIX file modes")
needs_mount = pytest.mark.skipif(not CAN_MOUNT, reason="needs Linux mount namespaces (unshare -m)")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --------------------------------------------------------------------------- the store's path


@pytest.mark.parametrize("raw", ["", "   "])
def test_empty_store_path_refused(raw, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StoreError, match="草稿库路径是空的"):
        Store(raw)
    assert list(tmp_path.iterdir()) == []


def test_path_ending_in_separator_refused(tmp_path):
    raw = str(tmp_path / "sub") + os.sep
    with pytest.raises(StoreError, match="以分隔符结尾") as info:
        Store(raw)
    assert "drafts.sqlite3" in str(info.value)
    assert list(tmp_path.iterdir()) == []  # no file named "sub"


def test_folder_refused(tmp_path):
    with pytest.raises(StoreError, match="是文件夹，不是草稿库文件"):
        Store(tmp_path)


@posix_only
def test_dangling_symlink_refused(tmp_path):
    link = tmp_path / "drafts.sqlite3"
    target = tmp_path / "elsewhere" / "deep" / "real.sqlite3"
    link.symlink_to(target)
    with pytest.raises(StoreError, match="指向不存在位置的链接"):
        Store(link)
    with pytest.raises(StoreError, match="指向不存在位置的链接"):
        Store(link, read_only=True)
    assert not (tmp_path / "elsewhere").exists()


# --------------------------------------------------------------------------- private files


@posix_only
def test_store_backup_and_export_are_private(tmp_path):
    old = os.umask(0o022)
    try:
        db = tmp_path / "s" / "drafts.sqlite3"
        with Store(db) as s:
            draft_id = s.create(sample_draft())
            assert _mode(db) == 0o600
            assert _mode(db.with_name(db.name + "-wal")) == 0o600
            assert _mode(db.with_name(db.name + "-shm")) == 0o600
            s.backup(tmp_path / "b.sqlite3")
            s.export_file(draft_id, tmp_path / "x.shenbao")
            s.export_file(draft_id, tmp_path / "y.shenbao", passphrase="口令")
        for name in ("b.sqlite3", "x.shenbao", "y.shenbao"):
            assert _mode(tmp_path / name) == 0o600, name
    finally:
        os.umask(old)


# --------------------------------------------------------------------------- atomic replacement


def _temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".tmp-journal")))


@pytest.mark.parametrize("fail", ["os.replace", "os.fsync"])
def test_failed_write_keeps_the_old_file(tmp_path, monkeypatch, fail):
    """A failure between writing and renaming (the rename, or the sync before it) leaves the
    old bytes intact and no temporary file."""
    target = tmp_path / "out.bin"
    target.write_bytes(b"old bytes " * 1000)

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, fail.split(".")[1], broken)
    with pytest.raises(OSError):
        fsutil.atomic_write_bytes(target, b"new" * 100_000)
    monkeypatch.undo()
    assert target.read_bytes() == b"old bytes " * 1000
    assert _temps(tmp_path) == []


def test_failed_export_keeps_the_old_draft_file(tmp_path, monkeypatch):
    with Store(tmp_path / "drafts.sqlite3") as s:
        draft_id = s.create(sample_draft())
        out = tmp_path / "share.shenbao"
        s.export_file(draft_id, out)
        before = out.read_bytes()
        draft = sample_draft()
        draft.set("unit.name", "改过的单位")
        s.save(draft_id, draft)

        def broken(src, dst):
            raise OSError(13, "Permission denied")

        monkeypatch.setattr(fsutil, "replace_with_retry", broken)
        with pytest.raises(StoreError, match=f"无法写入草稿文件 {out}"):
            s.export_file(draft_id, out)
    assert out.read_bytes() == before
    assert _temps(tmp_path) == []


# --------------------------------------------------------------------------- temporary files of ours


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_temp_files_have_our_pattern(tmp_path):
    tmp = fsutil.temp_path_for(tmp_path / ("长" * 250 + ".shenbao"))
    assert fsutil._TMP_RE.fullmatch(tmp.name) and tmp.name.startswith(".")
    assert len(tmp.name) <= 255 and tmp.parent == tmp_path


def _age(path: Path, seconds: float) -> None:
    when = time.time() - seconds
    os.utime(path, (when, when))


def test_killed_writer_leaves_temp_that_the_next_write_removes(tmp_path):
    """A writer killed between creating its temporary file and renaming it (kill -9 during an
    export): a later write into that folder removes the leftover; temporaries of a live writer,
    very fresh ones (perhaps another computer's, on a shared folder) and files not of ours stay."""
    code = ("import sys, os; from pathlib import Path; from forms import fsutil\n"
            "tmp, fd = fsutil.new_temp_file(Path(sys.argv[1]))\n"
            "os.write(fd, b'x' * 1_000_000)\n"
            "os._exit(9)\n")
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "big.shenbao")], cwd=Path(__file__).parents[2],
                   env=dict(os.environ, PYTHONPATH=str(Path(__file__).parents[2])), check=False)
    (left,) = [tmp_path / name for name in _temps(tmp_path)]
    assert left.name.startswith(".big.shenbao.shenbao-") and left.stat().st_size == 1_000_000
    _age(left, 120)  # the user exports again two minutes later
    live = tmp_path / f".live.pdf.shenbao-{os.getpid()}-0123abcd.tmp"
    live.write_bytes(b"being written")
    _age(live, 120)
    old_live = tmp_path / f".old.pdf.shenbao-{os.getpid()}-89abcdef.tmp"
    old_live.write_bytes(b"stale")
    _age(old_live, 3600)
    dead_journal = tmp_path / f".b.sqlite3.shenbao-{_dead_pid()}-00000000.tmp-journal"
    dead_journal.write_bytes(b"j")
    _age(dead_journal, 120)
    fresh_unknown = tmp_path / f".c.pdf.shenbao-{_dead_pid()}-11111111.tmp"
    fresh_unknown.write_bytes(b"another computer's, seconds old")
    foreign = tmp_path / ".other.tmp"
    foreign.write_bytes(b"not ours")
    _age(foreign, 3600)

    with Store(tmp_path / "drafts.sqlite3") as s:
        s.export_file(s.create(sample_draft()), tmp_path / "big.shenbao")
    assert _temps(tmp_path) == sorted([live.name, fresh_unknown.name, foreign.name])


def test_backup_removes_stale_temps_too(tmp_path):
    stale = tmp_path / f".b.sqlite3.shenbao-{_dead_pid()}-00c0ffee.tmp"
    stale.write_bytes(b"half a backup")
    _age(stale, 120)
    with Store(tmp_path / "drafts.sqlite3") as s:
        s.create(sample_draft())
        s.backup(tmp_path / "b.sqlite3")
    assert not stale.exists()


# --------------------------------------------------------------------------- backups that fail


def test_backup_to_missing_folder_names_the_backup_file(tmp_path):
    with Store(tmp_path / "drafts.sqlite3") as s:
        s.create(sample_draft())
        out = tmp_path / "missing" / "folder" / "b.sqlite3"
        with pytest.raises(StoreError) as info:
            s.backup(out)
    message = str(info.value)
    assert message.startswith(f"无法写入备份文件 {out}：文件夹不存在")
    assert "无法打开草稿库" not in message and "\n" not in message


@needs_mount
def test_backup_onto_full_disk_names_the_backup_file(tmp_path):
    from tests.forms.store_helpers import noise_png

    db = tmp_path / "drafts.sqlite3"
    with Store(db) as s:
        draft = sample_draft()
        draft.files["sample-attachment.pdf"] = noise_png((500, 500), seed=3)  # ~750 kB
        s.create(draft)
    full = tmp_path / "full"
    full.mkdir()
    code = ("import sys; from pathlib import Path; from forms.store import Store, StoreError\n"
            "with Store(Path(sys.argv[1])) as s:\n"
            "    try:\n"
            "        s.backup(Path(sys.argv[2]))\n"
            "    except StoreError as exc:\n"
            "        print(exc)\n"
            "    import os; print(sorted(os.listdir(sys.argv[3])))\n")
    out = full / "b.sqlite3"
    result = run_in_mount(tiny_disk_mount(full, 256), code, str(db), str(out), str(full))
    lines = result.stdout.splitlines()
    assert result.returncode == 0, result.stderr
    assert lines[0].startswith(f"无法写入备份文件 {out}：磁盘空间已满"), lines
    assert "草稿未能保存" not in lines[0]
    assert lines[1] == "[]"  # no temporary file left on the full disk


# --------------------------------------------------------------------------- read-only locations


READ_ALL = """
import sys
from pathlib import Path
from forms.store import Store
db, out = Path(sys.argv[1]), Path(sys.argv[2])
with Store(db, read_only=True) as s:
    drafts = s.list_drafts()
    draft_id = drafts[0].id
    print(len(drafts), s.load(draft_id).get("unit.name"), len(s.revisions(draft_id)))
    s.export_file(draft_id, out / "x.shenbao")
    s.backup(out / "b.sqlite3")
    print(s.summary(draft_id).unit_name)
"""


def _store_with(folder: Path, name: str, *, leave_wal: bool) -> Path:
    """A store holding one draft named ``name``; with ``leave_wal`` the writer dies with the
    last commit still in the -wal file (as after a crash or a copy taken while it ran)."""
    db = folder / "drafts.sqlite3"
    code = ("import sys, os; from pathlib import Path; from forms.sample import sample_draft\n"
            "from forms.store import Store\n"
            "s = Store(Path(sys.argv[1])); d = sample_draft(); i = s.create(d)\n"
            "d.set('unit.name', sys.argv[2]); s.save(i, d)\n"
            "if sys.argv[3] == '1': os._exit(0)\n"
            "s.close()\n")
    root = Path(__file__).parents[2]
    subprocess.run([sys.executable, "-c", code, str(db), name, "1" if leave_wal else "0"], check=True,
                   cwd=root, env=dict(os.environ, PYTHONPATH=str(root)))
    return db


@needs_mount
@pytest.mark.parametrize("case", ["clean", "wal_and_shm", "wal_only"])
def test_store_in_read_only_folder_can_be_read(tmp_path, case):
    folder = tmp_path / "share"
    folder.mkdir()
    db = _store_with(folder, "只读位置的单位", leave_wal=case != "clean")
    wal, shm = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    assert wal.exists() == (case != "clean")
    if case == "wal_only":
        shm.unlink()
    before = sorted(p.name for p in folder.iterdir())
    out = tmp_path / "out"
    out.mkdir()
    result = run_in_mount(read_only_mount(folder), READ_ALL, str(db), str(out))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["1 只读位置的单位 2", "只读位置的单位"]
    assert sorted(p.name for p in folder.iterdir()) == before
    with Store(out / "b.sqlite3", read_only=True) as b:
        assert b.list_drafts()[0].unit_name == "只读位置的单位"


@needs_mount
def test_read_only_folder_writes_give_a_clear_error(tmp_path):
    folder = tmp_path / "share"
    folder.mkdir()
    db = _store_with(folder, "x", leave_wal=False)
    code = ("import sys; from pathlib import Path; from forms.store import Store, StoreError\n"
            "for ro in (False, True):\n"
            "    try:\n"
            "        with Store(Path(sys.argv[1]), read_only=ro) as s:\n"
            "            s.create(s.load(s.list_drafts()[0].id))\n"
            "    except StoreError as exc:\n"
            "        print(exc)\n")
    result = run_in_mount(read_only_mount(folder), code, str(db))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and all("只读" in line or "无法打开" in line for line in lines), lines


def test_read_only_file_can_be_read(tmp_path):
    db = _store_with(tmp_path, "只读文件", leave_wal=False)
    db.chmod(0o444)
    dump = logical_dump(db)
    with Store(db, read_only=True) as s:
        assert s.list_drafts()[0].unit_name == "只读文件"
        s.backup(tmp_path / "b.sqlite3")
    assert logical_dump(db) == dump


def test_read_only_missing_store(tmp_path):
    with pytest.raises(StoreError, match="找不到草稿库文件"):
        Store(tmp_path / "nothing.sqlite3", read_only=True)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.name != "nt", reason="Windows file attributes")
def test_temp_files_hidden_while_they_exist_on_windows(tmp_path):  # pragma: no cover - Windows only
    import ctypes

    hidden = 0x2
    get_attributes = ctypes.windll.kernel32.GetFileAttributesW
    target = tmp_path / "x.shenbao"
    tmp, fd = fsutil.new_temp_file(target)
    os.close(fd)
    assert get_attributes(str(tmp)) & hidden
    fsutil.commit_temp_file(tmp, target)
    assert not get_attributes(str(target)) & hidden
