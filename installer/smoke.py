"""Smoke-run a built bundle: ``python installer/smoke.py dist/shenbao``.

For the Windows CI (tests/installer/test_bundle.py does the same and more on Linux): the frozen
``shenbao-cli`` writes the sample, validates it (exit 0), validates a draft with an error (exit 1)
and an unusable file (exit 2), renders the PDF (checked with pypdf: pages, text, every font
embedded) and the Word file; the frozen ``shenbao`` opens the editor offscreen and saves a
screenshot. Uses a private store (SHENBAO_DB) in a temporary folder. Exits non-zero on the
first failure, saying which.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

TIMEOUT = 180


def fail(message: str) -> None:
    sys.exit(f"SMOKE FAILED: {message}")


def program(bundle: Path, name: str) -> Path:
    exe = bundle / (name + (".exe" if sys.platform == "win32" else ""))
    if not exe.is_file():
        fail(f"{exe} is missing")
    return exe


def run(exe: Path, *args: str, expect: int, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run([str(exe), *args], cwd=cwd, env=env, capture_output=True, timeout=TIMEOUT, check=False)
    print(f"{exe.name} {' '.join(args)} -> {done.returncode}")
    if done.returncode != expect:
        fail(f"{exe.name} {' '.join(args)} exited {done.returncode}, expected {expect}\n"
             f"{done.stdout.decode('utf-8', 'replace')}{done.stderr.decode('utf-8', 'replace')}")
    return done


def check_pdf(path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(path)
    if len(reader.pages) < 6 or len(reader.pages) % 2:
        fail(f"{path.name}: {len(reader.pages)} pages")
    text = "".join(page.extract_text() for page in reader.pages[:2])
    if "项目申报书" not in text:
        fail(f"{path.name}: the title is not in the text layer")
    for number, page in enumerate(reader.pages, 1):
        for font in (page.get("/Resources", {}).get("/Font", {}) or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            descriptor = descendants[0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            if not embedded or "Shenbao" not in str(font.get("/BaseFont")):
                fail(f"{path.name} page {number}: font {font.get('/BaseFont')} is not a bundled, embedded font")


def main(argv: list[str]) -> int:
    bundle = Path(argv[0] if argv else "dist/shenbao").resolve()
    cli, gui = program(bundle, "shenbao-cli"), program(bundle, "shenbao")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        env = dict(os.environ, SHENBAO_DB=str(work / "drafts.sqlite3"), QT_QPA_PLATFORM="offscreen")
        run(cli, "--version", expect=0, cwd=work, env=env)
        run(cli, "sample", "-o", "sample.json", expect=0, cwd=work, env=env)
        run(cli, "validate", "sample.json", expect=0, cwd=work, env=env)
        draft = json.loads((work / "sample.json").read_text(encoding="utf-8"))
        draft["data"]["unit"]["name"] = ""
        (work / "broken.json").write_text(json.dumps(draft, ensure_ascii=False), encoding="utf-8")
        run(cli, "validate", "broken.json", expect=1, cwd=work, env=env)
        run(cli, "render", "broken.json", "-o", "broken.pdf", expect=1, cwd=work, env=env)
        (work / "junk.json").write_bytes(b"\x00 not a draft")
        run(cli, "validate", "junk.json", expect=2, cwd=work, env=env)
        run(cli, "render", "sample.json", "-o", "sample.pdf", expect=0, cwd=work, env=env)
        check_pdf(work / "sample.pdf")
        run(cli, "render", "sample.json", "-o", "sample.docx", expect=0, cwd=work, env=env)
        with zipfile.ZipFile(work / "sample.docx") as docx:
            if "项目申报书" not in docx.read("word/document.xml").decode("utf-8"):
                fail("sample.docx lacks the title")
        shot = work / "editor.png"
        run(gui, expect=0, cwd=work, env=dict(env, SHENBAO_SMOKE_SCREENSHOT=str(shot)))
        facts = json.loads(shot.with_suffix(".json").read_text(encoding="utf-8"))
        print("editor:", json.dumps({k: v for k, v in facts.items() if k != "fields"}, ensure_ascii=False))
        if not facts["saved"] or "unit.name" not in facts["fields"] or facts["qt_translation"] != "取消":
            fail(f"the editor did not come up as expected: {facts}")
    print("smoke run passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
