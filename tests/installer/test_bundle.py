"""The frozen bundle works on its own: installer/shenbao.spec lists every resource it needs.

Builds the one-folder bundle with PyInstaller (once per test session) and runs its programs in
an empty environment (``env -i`` with only PATH, HOME and QT_QPA_PLATFORM=offscreen): nothing
from this checkout, the virtual environment or the user's settings can stand in for a file the
spec forgot. The Windows CI workflow runs the same command-line checks on the .exe files.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

from tests.tools import IN_CI, requires_tools

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "installer" / "shenbao.spec"
TIMEOUT = 120

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux build of the spec; Windows has CI"),
    requires_tools("pdffonts", "objdump", "ldd"),
]


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dist/shenbao built from the spec, once per session."""
    if not IN_CI:
        pytest.importorskip("PyInstaller")
    work = tmp_path_factory.mktemp("pyinstaller")
    done = subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
         "--distpath", str(work / "dist"), "--workpath", str(work / "build"), str(SPEC)],
        cwd=ROOT, capture_output=True, text=True, timeout=900, check=False,
    )
    assert done.returncode == 0, done.stderr[-5000:]
    return work / "dist" / "shenbao"


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    home.mkdir(parents=True, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "QT_QPA_PLATFORM": "offscreen", **extra}


def frozen(bundle: Path, program: str, *args: str, home: Path, cwd: Path, **extra: str) -> subprocess.CompletedProcess:
    """Run a frozen program as `env -i PATH=... HOME=... QT_QPA_PLATFORM=offscreen program args`."""
    return subprocess.run([str(bundle / program), *args], env=clean_env(home, **extra), cwd=cwd,
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT, check=False)


def _files(bundle: Path) -> list[str]:
    return sorted(p.relative_to(bundle).as_posix() for p in bundle.rglob("*") if p.is_file())


def test_bundle_carries_the_resources_and_only_zh_cn_data(bundle: Path) -> None:
    files = _files(bundle)
    inside = "_internal/"
    for needed in ("resources/fonts/ShenbaoSong.ttf", "resources/fonts/ShenbaoHei.ttf",
                   "resources/fonts/coverage.txt", "resources/fonts/OFL.txt",
                   "resources/icons/shenbao.png", "resources/icons/shenbao.ico", "resources/icons/shenbao-doc.ico",
                   "resources/sample/sample-attachment.pdf"):
        assert inside + needed in files
    fonts = ROOT / "resources" / "fonts"
    for font_file in [*fonts.glob("*.ttf"), *fonts.glob("*.metrics")]:   # the metrics spare a parse at start
        assert f"{inside}resources/fonts/{font_file.name}" in files
    editions = {p.parent.name for p in (ROOT / "forms" / "editions").glob("*/form.yaml")}
    assert editions and all(f"{inside}forms/editions/{e}/form.yaml" in files for e in editions)
    guide = ROOT / "resources" / "guide"
    for page in (p for p in guide.rglob("*") if p.is_file() and not p.name.startswith(".")) if guide.is_dir() else ():
        assert inside + "resources/guide/" + page.relative_to(guide).as_posix() in files

    def names(folder: str) -> set[str]:
        return {f.rsplit("/", 1)[1] for f in files if f.startswith(inside + folder + "/")}

    assert names("babel/locale-data") == {"root.dat", "zh.dat", "zh_Hans.dat", "zh_Hans_CN.dat"}
    assert names("PySide6/Qt/translations") == {"qt_zh_CN.qm", "qtbase_zh_CN.qm"}
    plugins = {f.split("/plugins/", 1)[1] for f in files if "/PySide6/Qt/plugins/" in f}
    assert {"platforms/libqxcb.so", "platforms/libqoffscreen.so", "imageformats/libqjpeg.so",
            "printsupport/libcupsprintersupport.so"} <= plugins
    assert {p.split("/")[0] for p in plugins} <= {"platforms", "styles", "imageformats", "printsupport",
                                                  "platforminputcontexts", "xcbglintegrations"}


def test_bundle_leaves_out_what_the_program_does_not_use(bundle: Path) -> None:
    """Dropped plugins must not leave their libraries behind (GTK, QtQuick, Wayland...)."""
    unwanted = re.compile(r"Qt6(Quick|Qml|Svg|Wayland|VirtualKeyboard|WebEngine|Multimedia|OpenGL|Designer|EglFS)"
                          r"|libgtk|libgdk|libpango|libcairo|libatk|/tkinter/|/_tkinter|PIL/_avif|PIL/_webp"
                          r"|lxml/objectify|yaml/_yaml|/fontTools/|/pytest|/hypothesis|/PyInstaller/")
    assert [f for f in _files(bundle) if unwanted.search("/" + f)] == []


def test_frozen_programs_run_no_run_time_hook_for_what_they_do_not_use(bundle: Path) -> None:
    """PyInstaller runs a run-time hook at every start for each hooked package in the bundle:
    multiprocessing's imported ~14 ms of modules (and pkgutil's came with it) though the program
    starts no processes, so the spec leaves multiprocessing out (issue 13: start time)."""
    from PyInstaller.archive.readers import CArchiveReader

    for program in ("shenbao", "shenbao-cli"):
        hooks = {name for name in CArchiveReader(str(bundle / program)).toc if name.startswith("pyi_rth_")}
        assert "pyi_rth_pyside6" in hooks  # the reader sees the hooks at all
        assert not hooks & {"pyi_rth_multiprocessing", "pyi_rth_pkgutil"}, hooks


@pytest.fixture(scope="session")
def cli_run(bundle: Path, tmp_path_factory: pytest.TempPathFactory):
    """The sample written by the frozen CLI, in a folder of its own; returns (folder, home)."""
    work = tmp_path_factory.mktemp("frozen-cli")
    home = work / "home"
    done = frozen(bundle, "shenbao-cli", "sample", "-o", "sample.json", home=home, cwd=work)
    assert done.returncode == 0, done.stderr
    return work, home


def test_frozen_cli_knows_its_version(bundle: Path, cli_run) -> None:
    work, home = cli_run
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    done = frozen(bundle, "shenbao-cli", "--version", home=home, cwd=work)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith(version), done.stdout


def test_frozen_cli_validates_the_sample(bundle: Path, cli_run) -> None:
    work, home = cli_run
    assert json.loads((work / "sample.json").read_text(encoding="utf-8"))["format"] == "shenbao-draft"
    done = frozen(bundle, "shenbao-cli", "validate", "sample.json", "--json", home=home, cwd=work)
    assert done.returncode == 0, done.stderr
    assert [p for p in json.loads(done.stdout) if p["severity"] == "error"] == []


def test_frozen_cli_exit_codes_for_errors_and_unusable_input(bundle: Path, cli_run) -> None:
    work, home = cli_run
    draft = json.loads((work / "sample.json").read_text(encoding="utf-8"))
    draft["data"]["unit"]["name"] = ""
    (work / "broken.json").write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    done = frozen(bundle, "shenbao-cli", "validate", "broken.json", "--json", home=home, cwd=work)
    assert done.returncode == 1, done.stderr
    assert "unit.name" in {p["path"] for p in json.loads(done.stdout)}
    refused = frozen(bundle, "shenbao-cli", "render", "broken.json", "-o", "broken.pdf", home=home, cwd=work)
    assert refused.returncode == 1 and not (work / "broken.pdf").exists()
    (work / "junk.json").write_bytes(b"\x00 not a draft")
    junk = frozen(bundle, "shenbao-cli", "validate", "junk.json", home=home, cwd=work)
    assert junk.returncode == 2 and "Traceback" not in junk.stderr


def test_frozen_cli_renders_the_pdf_with_the_bundled_fonts(bundle: Path, cli_run) -> None:
    from pypdf import PdfReader

    work, home = cli_run
    done = frozen(bundle, "shenbao-cli", "render", "sample.json", "-o", "sample.pdf", home=home, cwd=work)
    assert done.returncode == 0, done.stderr
    reader = PdfReader(work / "sample.pdf")
    assert len(reader.pages) >= 6 and len(reader.pages) % 2 == 0   # duplex: an even page count
    text = "".join(page.extract_text() for page in reader.pages[:3])
    assert "项目申报书" in text and "上海市知识产权产学研运营联合体" in text and "上海市知识产权局编制" in text
    fonts = subprocess.run(["pdffonts", str(work / "sample.pdf")], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows, fonts
    for row in rows:
        assert re.match(r"[A-Z]{6}\+Shenbao(Song|Hei)", row[0]), fonts   # only our fonts ...
        assert row[-5] == "yes", fonts                                    # ... each embedded


def test_frozen_cli_writes_the_word_file(bundle: Path, cli_run) -> None:
    """python-docx's template and lxml made it into the bundle."""
    import zipfile

    work, home = cli_run
    done = frozen(bundle, "shenbao-cli", "render", "sample.json", "-o", "sample.docx", home=home, cwd=work)
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(work / "sample.docx") as docx:
        assert "项目申报书" in docx.read("word/document.xml").decode("utf-8")


def test_frozen_cli_encrypted_draft_file_and_jpeg_attachment(bundle: Path, cli_run) -> None:
    """cryptography (scrypt, AES-GCM) and Pillow's JPEG decoder work in the bundle."""
    from PIL import Image
    from pypdf import PdfReader

    work, home = cli_run
    Image.new("RGB", (800, 600), (200, 30, 40)).save(work / "photo.jpg", quality=90)
    draft = json.loads((work / "sample.json").read_text(encoding="utf-8"))
    draft["data"]["attachments"].append({"title": "现场照片", "category": "其他支撑材料", "file": "photo.jpg"})
    (work / "with-photo.json").write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
    rendered = frozen(bundle, "shenbao-cli", "render", "with-photo.json", "-o", "with-photo.pdf", home=home, cwd=work)
    assert rendered.returncode == 0, rendered.stderr
    plain = frozen(bundle, "shenbao-cli", "render", "sample.json", "-o", "without-photo.pdf", home=home, cwd=work)
    assert plain.returncode == 0, plain.stderr
    assert len(PdfReader(work / "with-photo.pdf").pages) > len(PdfReader(work / "without-photo.pdf").pages)

    imported = frozen(bundle, "shenbao-cli", "drafts", "import", "with-photo.json", home=home, cwd=work)
    assert imported.returncode == 0, imported.stderr
    draft_id = imported.stdout.strip().split()[-1]
    secret = "口令 correct horse 42"
    exported = frozen(bundle, "shenbao-cli", "drafts", "export", draft_id, "-o", "locked.shenbao",
                      "--passphrase", secret, home=home, cwd=work)
    assert exported.returncode == 0, exported.stderr
    assert frozen(bundle, "shenbao-cli", "validate", "locked.shenbao", "--passphrase", secret,
                  home=home, cwd=work).returncode == 0
    assert frozen(bundle, "shenbao-cli", "validate", "locked.shenbao", "--passphrase", "wrong passphrase",
                  home=home, cwd=work).returncode == 2


def test_frozen_editor_opens_the_sample_and_closes(bundle: Path, tmp_path: Path) -> None:
    from PIL import Image

    shot = tmp_path / "editor.png"
    done = frozen(bundle, "shenbao", home=tmp_path / "home", cwd=tmp_path, SHENBAO_SMOKE_SCREENSHOT=str(shot))
    assert done.returncode == 0, done.stderr
    facts = json.loads(shot.with_suffix(".json").read_text(encoding="utf-8"))
    assert facts["saved"] and "申报" in facts["title"]
    assert {"cover.date", "unit.name"} <= set(facts["fields"])   # the cover, built from the definition
    assert "part.cover" in facts["parts"]
    assert facts["qt_translation"] == "取消"          # Qt's own zh_CN translations were found
    assert {"jpeg", "png", "ico"} <= set(facts["image_formats"])
    assert facts["font"].startswith("Shenbao")        # the bundled face is the UI font
    with Image.open(shot) as image:
        assert image.width >= 600 and image.height >= 400
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
        assert colours is None or len(colours) > 50   # drawn widgets and text, not an empty frame


def test_frozen_second_start_hands_the_file_to_the_running_editor(
        bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.ui.test_single_instance import wait_listening
    from ui.single_instance import server_name

    # A .shenbao file from a colleague: made in another store with the frozen CLI.
    colleague = tmp_path / "colleague"
    made = [frozen(bundle, "shenbao-cli", *args, home=colleague, cwd=tmp_path) for args in (
        ("sample", "-o", "s.json"), ("drafts", "import", "s.json"))]
    assert [m.returncode for m in made] == [0, 0], [m.stderr for m in made]
    draft_id = made[1].stdout.strip().split()[-1]
    export = frozen(bundle, "shenbao-cli", "drafts", "export", draft_id, "-o", "同事.shenbao",
                    home=colleague, cwd=tmp_path)
    assert export.returncode == 0, export.stderr

    home = tmp_path / "clerk"
    first = subprocess.Popen([str(bundle / "shenbao")], env=clean_env(home), cwd=tmp_path,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        # The name the frozen editor uses: same user, default store under its HOME.
        monkeypatch.delenv("SHENBAO_DB", raising=False)
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
        monkeypatch.setenv("HOME", str(home))
        wait_listening(server_name(), first)
        second = frozen(bundle, "shenbao", "同事.shenbao", home=home, cwd=tmp_path)
        assert second.returncode == 0, second.stderr
        assert first.poll() is None                       # the first editor took it and runs on
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            listed = frozen(bundle, "shenbao-cli", "drafts", "list", "--json", home=home, cwd=tmp_path)
            if draft_id in {d["id"] for d in json.loads(listed.stdout or "[]")}:
                break
            time.sleep(0.3)
        else:
            pytest.fail(f"the running editor did not import the handed-over file: {listed.stdout} {listed.stderr}")
    finally:
        first.kill()
        first.wait(TIMEOUT)
        first.stderr.close()


def test_bundle_stays_small(bundle: Path) -> None:
    """A regression guard on Linux (199 MB when written; 251 MB before the plugin and library
    filters), not the issue's aim, which is for the Windows folder (no ICU, fewer system libraries)."""
    total = sum(p.lstat().st_size for p in bundle.rglob("*") if p.is_file())
    largest = sorted(((p.stat().st_size, p.relative_to(bundle).as_posix()) for p in bundle.rglob("*")
                      if p.is_file() and not p.is_symlink()), reverse=True)[:5]
    assert total < 220e6, f"bundle {total / 1e6:.1f} MB; largest: {largest}"
