"""Shared by the store, draft-file and benchmark tests: a maximal draft and store fingerprints.

Every identity number here is synthesised (tests/forms/idgen.py); none belongs to a person.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import random
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from forms.draft import Draft
from forms.sample import sample_draft
from tests.forms.idgen import make_id, make_uscc

MAIN_DIR = Path(__file__).resolve().parents[2]
CJK = "产学研合作知识产权运营联合体专利许可转让作价入股质押融资高价值培育导航布局集成电路半导体材料"


def zi_text(n: int, seed: int = 0) -> str:
    """``n`` 字 of CJK text (one 字 per character), in lines of 50."""
    rng = random.Random(seed)
    chars = [rng.choice(CJK) for _ in range(n)]
    return "\n".join("".join(chars[i:i + 50]) for i in range(0, n, 50))


def line(n: int, seed: int = 0) -> str:
    return zi_text(n, seed).replace("\n", "")


def noise_png(size: tuple[int, int], seed: int) -> bytes:
    """A valid PNG that does not compress (random pixels)."""
    rng = random.Random(seed)
    image = Image.frombytes("RGB", size, rng.randbytes(size[0] * size[1] * 3))
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=1)
    return out.getvalue()


def maximal_draft(png_side: int = 600, n_png: int = 3) -> Draft:
    """The sample grown to the limits: 60 members, limit-length texts, a few MB of attachments.
    Valid (no errors)."""
    draft = sample_draft()
    data = draft.data
    data["capability"] = zi_text(1000, 1)
    data["plan"] = zi_text(2000, 2)
    data["unit"]["business_scope"] = zi_text(3000, 3)
    data["unit"]["address"] = "上海市" + line(190, 4)
    data["unit"]["credit_code"] = make_uscc(division="310115", org_body="MA1FL3K2")
    data["unit"]["partners"] = [
        {"name": line(200, 10 + i), "kind": ["高校", "科研院所", "企业", "其他"][i % 4], "since": 2000 + i % 19}
        for i in range(20)
    ]
    members = []
    for i in range(60):
        sex = "男" if i % 2 else "女"
        members.append({
            "name": ("阿卜杜勒·" + line(45, 100 + i)) if i % 10 == 3 else line(3, 100 + i),
            "id_type": "居民身份证",
            "id_number": make_id(region="310104", birth=date(1970 + i % 30, 1 + i % 12, 1 + i % 28),
                                 seq=100 + i * 7, sex=sex),
            "department": line(200, 200 + i), "title": line(200, 300 + i),
            "education": line(200, 400 + i), "specialty": line(200, 500 + i),
            "task": line(200, 600 + i),
        })
    leader = data["people"]["leader"]
    leader["id_number"] = members[0]["id_number"]
    leader["name"] = members[0]["name"]
    data["team"]["leader"]["gender"] = "女"
    data["team"]["members"] = members
    pdf_name = data["attachments"][0]["file"]
    data["attachments"] = [{"title": "知识产权管理体系认证证书（示例）", "category": "资质证书", "file": pdf_name}]
    for k in range(n_png):
        name = f"scan-{k + 1}.png"
        data["attachments"].append({"title": line(200, 700 + k), "category": "其他支撑材料", "file": name})
        draft.files[name] = noise_png((png_side, png_side), seed=k)
    return draft


class Clock:
    """A settable clock for a Store (``Store(path, clock=clock)``)."""

    def __init__(self, start: dt.datetime = dt.datetime(2026, 1, 5, 9, 0, tzinfo=dt.timezone.utc)):
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture(name="clock")
def clock_fixture() -> Clock:
    return Clock()


@pytest.fixture(name="store")
def store_fixture(tmp_path: Path, clock: Clock):
    """A store in a temporary folder on the ``clock`` fixture's clock (import both fixtures)."""
    from forms.store import Store

    with Store(tmp_path / "drafts.sqlite3", clock=clock) as s:
        yield s


def dir_digest(folder: Path) -> dict[str, str]:
    """SHA-256 of every file in a folder (the store and any -wal/-shm beside it)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(Path(folder).iterdir()) if p.is_file()}


def logical_dump(db_path: Path) -> list[str]:
    """The store's content as SQL text. ``immutable=1``: reads the closed store without creating
    -wal/-shm files beside it (so taking the dump changes nothing)."""
    conn = sqlite3.connect(Path(db_path).resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def run_cli(*args: str, env: dict | None = None, timeout: float = 60):
    """``python main.py ARGS`` as a subprocess in the project folder."""
    import os
    import subprocess

    full_env = dict(os.environ)
    full_env.pop("SHENBAO_DB", None)
    full_env.pop("SHENBAO_PASSPHRASE", None)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "main.py", *args], cwd=MAIN_DIR, capture_output=True,
                          text=True, encoding="utf-8", env=full_env, timeout=timeout)


def _can_unshare() -> bool:
    import shutil
    import subprocess

    if sys.platform != "linux" or shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-m", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


#: Linux with mount namespaces (root, or unprivileged user namespaces): tests can then make a
#: folder really read-only, or really full, for one child process — permissions cannot (root).
CAN_MOUNT = _can_unshare()


def run_in_mount(mounts: str, code: str, *args: str, timeout: float = 120):
    """Run ``python -c code args`` in a private mount namespace after the shell commands
    ``mounts`` (e.g. a read-only bind mount or a tiny tmpfs): nothing outside the child sees them."""
    import os
    import shlex
    import subprocess

    command = f"{mounts} && exec {shlex.quote(sys.executable)} -c {shlex.quote(code)} " + " ".join(
        shlex.quote(a) for a in args)
    env = dict(os.environ, PYTHONPATH=str(MAIN_DIR))
    return subprocess.run(["unshare", "-m", "sh", "-c", command], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=MAIN_DIR, timeout=timeout)


def read_only_mount(folder: Path) -> str:
    import shlex

    f = shlex.quote(str(folder))
    return f"mount --bind {f} {f} && mount -o remount,bind,ro {f}"


def tiny_disk_mount(folder: Path, kib: int) -> str:
    import shlex

    return f"mount -t tmpfs -o size={kib}k tmpfs {shlex.quote(str(folder))}"
