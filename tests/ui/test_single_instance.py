"""Single instance: a second start hands its paths to the first process and exits 0.

Real processes and real local sockets: the first process is a small Qt program with an
InstanceServer that prints what it receives; the second calls hand_over() (or runs main.py).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest.importorskip("PySide6.QtNetwork")

from PySide6.QtNetwork import QAbstractSocket, QLocalServer, QLocalSocket

from ui.single_instance import InstanceServer, hand_over, server_name, someone_listens

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 30

RECEIVER = textwrap.dedent(
    """
    import json, sys
    from PySide6.QtCore import QCoreApplication, QTimer
    from ui.single_instance import InstanceServer

    app = QCoreApplication(sys.argv)
    name = sys.argv[1] if len(sys.argv) > 1 else None
    server = InstanceServer(name=name)
    if not server.listen():
        print("NOT LISTENING", flush=True)
        sys.exit(4)
    def got(paths):
        print(json.dumps(paths, ensure_ascii=False), flush=True)
        app.quit()
    server.paths_received.connect(got)
    QTimer.singleShot(TIMEOUT_S * 1000, lambda: app.exit(5))   # never outlive the test
    print("READY", flush=True)
    sys.exit(app.exec())
    """
).replace("TIMEOUT_S", str(TIMEOUT))

SENDER = "import sys; from ui.single_instance import hand_over; sys.exit(0 if hand_over(sys.argv[2:], name=sys.argv[1] or None) else 3)"


def python(*args: str, cwd: Path = ROOT, **kw) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, text=True, encoding="utf-8",
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


@pytest.fixture
def receiver(tmp_path: Path):
    """Start the first process; yields a function that starts it and waits until it listens."""
    started: list[subprocess.Popen] = []

    def start(name: str | None = None) -> subprocess.Popen:
        script = tmp_path / "receiver.py"
        script.write_text(RECEIVER, encoding="utf-8")
        proc = python(str(script), *([name] if name else []))
        started.append(proc)
        assert proc.stdout.readline().strip() == "READY", proc.stderr.read()
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(TIMEOUT)
        proc.stdout.close()
        proc.stderr.close()


def test_second_process_hands_paths_to_the_first(receiver, tmp_path: Path) -> None:
    """Both sides use the default name (user + SHENBAO_DB); a relative path arrives absolute."""
    first = receiver()
    other = tmp_path / "收件箱"
    other.mkdir()
    second = python("-c", SENDER, "", "同事的申报书.shenbao", str(tmp_path / "b.shenbao"), cwd=other)
    assert second.wait(TIMEOUT) == 0, second.stderr.read()
    second.stdout.close()
    second.stderr.close()
    received = json.loads(first.stdout.readline())
    assert received == [str(other / "同事的申报书.shenbao"), str(tmp_path / "b.shenbao")]
    assert first.wait(TIMEOUT) == 0


def test_hand_over_without_a_running_instance_returns_false(tmp_path: Path) -> None:
    assert hand_over([str(tmp_path / "a.shenbao")], timeout_ms=500, name=f"shenbao-test-none-{os.getpid()}") is False


def test_name_is_per_user_and_per_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    monkeypatch.delenv("SHENBAO_DB", raising=False)
    default = server_name()
    assert default.startswith("shenbao-") and len(default) <= 64
    readable_user = "".join(c for c in getpass.getuser() if c.isascii() and (c.isalnum() or c in "_-"))
    assert readable_user[:24] in default
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    assert server_name(a) == server_name(a) != server_name(b)
    assert server_name(a) != default
    monkeypatch.setenv("SHENBAO_DB", str(a))
    assert server_name() == server_name(a)


def test_name_differs_between_users(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    store = tmp_path / "s.sqlite3"
    names = {}
    for user in ("clerk-a", "clerk-b", "张三", "李四"):   # Chinese Windows accounts have no ASCII part
        monkeypatch.setattr(getpass, "getuser", lambda user=user: user)
        names[user] = server_name(store)
    assert len(set(names.values())) == 4
    assert "clerk-a" in names["clerk-a"] and "clerk-b" in names["clerk-b"]


def _wait_exit(qtbot, proc: subprocess.Popen) -> int:
    """Keep this process's event loop running (it serves) while the other one talks to it."""
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=TIMEOUT * 1000)
    proc.stdout.close()
    proc.stderr.close()
    return proc.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes vanish with their process")
def test_stale_server_of_a_killed_instance_is_reclaimed(receiver, qtbot, tmp_path: Path) -> None:
    name = f"shenbao-test-stale-{os.getpid()}"
    first = receiver(name)
    first.send_signal(signal.SIGKILL)
    first.wait(TIMEOUT)
    # The killed process left its socket file behind: a plain listen() would fail.
    plain = QLocalServer()
    assert not plain.listen(name)
    assert plain.serverError() == QAbstractSocket.SocketError.AddressInUseError

    server = InstanceServer(name=name)
    assert server.listen()
    try:
        with qtbot.waitSignal(server.paths_received, timeout=TIMEOUT * 1000) as got:
            sender = python("-c", SENDER, name, str(tmp_path / "x.shenbao"))
        assert _wait_exit(qtbot, sender) == 0
        assert got.args == [[str(tmp_path / "x.shenbao")]]
    finally:
        server.close()


def test_a_live_instance_is_not_displaced(receiver, tmp_path: Path) -> None:
    """A second server must not remove the socket of an editor that still runs."""
    name = f"shenbao-test-live-{os.getpid()}"
    first = receiver(name)
    second = InstanceServer(name=name)
    assert second.listen() is False
    sender = python("-c", SENDER, name, str(tmp_path / "y.shenbao"))
    assert sender.wait(TIMEOUT) == 0
    sender.stdout.close()
    sender.stderr.close()
    assert json.loads(first.stdout.readline()) == [str(tmp_path / "y.shenbao")]


def test_a_message_that_is_not_ours_is_ignored(qtbot, tmp_path: Path) -> None:
    name = f"shenbao-test-garbage-{os.getpid()}"
    server = InstanceServer(name=name)
    assert server.listen()
    try:
        got: list = []
        server.paths_received.connect(got.append)
        for body in (b"\xff\xfe", b'{"paths": [1, 2]}', b"[]"):
            sock = QLocalSocket()
            sock.connectToServer(name)
            assert sock.waitForConnected(2000)
            sock.write(len(body).to_bytes(4, "big") + body)
            sock.flush()
            qtbot.waitUntil(lambda s=sock: s.state() == QLocalSocket.LocalSocketState.UnconnectedState,
                            timeout=5000)
        # An oversized length is refused before anything is read.
        sock = QLocalSocket()
        sock.connectToServer(name)
        assert sock.waitForConnected(2000)
        sock.write((1 << 30).to_bytes(4, "big"))
        sock.flush()
        qtbot.waitUntil(lambda: sock.state() == QLocalSocket.LocalSocketState.UnconnectedState, timeout=5000)
        assert got == []
        # ... and the server still serves a real hand-over afterwards.
        with qtbot.waitSignal(server.paths_received, timeout=TIMEOUT * 1000) as ok:
            sender = python("-c", SENDER, name, str(tmp_path / "z.shenbao"))
        assert _wait_exit(qtbot, sender) == 0
        assert ok.args == [[str(tmp_path / "z.shenbao")]]
    finally:
        server.close()


def wait_listening(name: str, proc: subprocess.Popen) -> None:
    """Until an editor started as ``proc`` listens under ``name`` (also used by the bundle test)."""
    import time

    deadline = time.monotonic() + TIMEOUT
    while not someone_listens(name, 200):
        assert proc.poll() is None, proc.stderr.read()
        assert time.monotonic() < deadline, "the editor never started listening"
        time.sleep(0.2)


@pytest.mark.slow
def test_second_main_py_hands_a_draft_file_to_the_running_editor(tmp_path: Path) -> None:
    """`python main.py FILE.shenbao` while the editor runs: the running editor imports FILE."""
    import time

    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), QT_QPA_PLATFORM="offscreen")

    def main_py(*args: str, db: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", str(db), *args], cwd=tmp_path,
                              env=env, capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, check=False)

    colleague = tmp_path / "colleague.sqlite3"
    assert main_py("sample", "-o", "s.json", db=colleague).returncode == 0
    imported = main_py("drafts", "import", "s.json", db=colleague)
    draft_id = imported.stdout.strip().split()[-1]
    assert main_py("drafts", "export", draft_id, "-o", "同事.shenbao", db=colleague).returncode == 0

    mine = tmp_path / "mine.sqlite3"
    env["SHENBAO_DB"] = str(mine)
    first = subprocess.Popen([sys.executable, str(ROOT / "main.py")], cwd=tmp_path, env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_listening(server_name(mine), first)
        second = subprocess.run([sys.executable, str(ROOT / "main.py"), "同事.shenbao"], cwd=tmp_path, env=env,
                                capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, check=False)
        assert second.returncode == 0, second.stderr
        assert first.poll() is None
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            listed = main_py("drafts", "list", "--json", db=mine)
            if listed.returncode == 0 and draft_id in {d["id"] for d in json.loads(listed.stdout)}:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the running editor did not import the file: {listed.stdout} {listed.stderr}")
    finally:
        first.kill()
        first.wait(TIMEOUT)
        first.stderr.close()


# --------------------------------------------------------------------------- the store's lock

HOLDER = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QCoreApplication
    from ui.instance_lock import EditorLock, Primacy

    app = QCoreApplication(sys.argv)
    lock = EditorLock(sys.argv[1])
    print(lock.acquire().value, flush=True)
    time.sleep(TIMEOUT_S)
    """
).replace("TIMEOUT_S", str(TIMEOUT))


def test_the_first_editor_takes_the_lock_and_a_second_finds_it_taken(tmp_path: Path) -> None:
    from ui.instance_lock import EditorLock, Primacy

    store = tmp_path / "drafts.sqlite3"
    first, second = EditorLock(store), EditorLock(store)
    try:
        assert first.acquire() is Primacy.FIRST
        assert first.holder() == os.getpid()
        assert second.acquire() is Primacy.TAKEN
        assert EditorLock(tmp_path / "other.sqlite3").acquire() is Primacy.FIRST  # per store
        first.release()
        assert second.acquire() is Primacy.FIRST
    finally:
        first.release()
        second.release()


def test_the_lock_of_a_killed_editor_is_taken_over(tmp_path: Path) -> None:
    """A crashed or killed editor leaves its lock file: the next start must not wait for it."""
    from ui.instance_lock import EditorLock, Primacy

    store = tmp_path / "drafts.sqlite3"
    script = tmp_path / "holder.py"
    script.write_text(HOLDER, encoding="utf-8")
    holder = python(str(script), str(store))
    try:
        assert holder.stdout.readline().strip() == "first", holder.stderr.read()
        lock = EditorLock(store)
        assert lock.acquire() is Primacy.TAKEN
        assert lock.holder() == holder.pid
    finally:
        holder.kill()
        holder.wait(TIMEOUT)
        holder.stdout.close()
        holder.stderr.close()
    assert lock.path.exists()  # left behind by the killed process
    assert lock.acquire() is Primacy.FIRST
    assert lock.holder() == os.getpid()
    lock.release()


def test_an_editor_listens_once_its_window_is_ready_and_lets_go_when_closed(qtbot, qapp, tmp_path: Path) -> None:
    from ui.app import open_editor
    from ui.instance_lock import EditorLock, Primacy

    store = tmp_path / "drafts.sqlite3"
    editor = open_editor(qapp, [], store_path=store)
    qtbot.addWidget(editor.window)
    try:
        assert not editor.window.is_ready()
        assert editor.instance.server is None  # QtNetwork is not on the way to the first window
        assert EditorLock(store).acquire() is Primacy.TAKEN
        editor.window.show()
        qtbot.waitUntil(editor.window.is_ready, timeout=TIMEOUT * 1000)
        assert editor.instance.server is not None
        assert someone_listens(server_name(store))
    finally:
        editor.window.close()
        editor.close()
    assert not someone_listens(server_name(store))
    again = EditorLock(store)
    assert again.acquire() is Primacy.FIRST
    again.release()


DELAYED_RECEIVER = RECEIVER.replace("if not server.listen():", "import time; time.sleep(1.5)\nif not server.listen():")


def test_a_second_start_waits_for_a_first_editor_that_is_not_listening_yet(tmp_path: Path) -> None:
    """The first editor listens only once its window is ready: a start in between must wait."""
    name = f"shenbao-test-late-{os.getpid()}"
    script = tmp_path / "late_receiver.py"
    script.write_text(DELAYED_RECEIVER, encoding="utf-8")
    first = python(str(script), name)
    try:
        assert not someone_listens(name, 200)
        assert hand_over([str(tmp_path / "early.shenbao")], name=name) is False  # without waiting
        assert hand_over([str(tmp_path / "late.shenbao")], name=name, wait_ms=TIMEOUT * 1000) is True
        assert first.stdout.readline().strip() == "READY", first.stderr.read()
        assert json.loads(first.stdout.readline()) == [str(tmp_path / "late.shenbao")]
        assert first.wait(TIMEOUT) == 0
    finally:
        if first.poll() is None:
            first.kill()
        first.wait(TIMEOUT)
        first.stdout.close()
        first.stderr.close()
