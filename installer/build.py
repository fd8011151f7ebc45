"""Build a release with one command: ``python installer/build.py``.

1. PyInstaller builds installer/shenbao.spec into dist/shenbao/ (shenbao + shenbao-cli, one folder).
2. On Windows, Inno Setup's compiler (iscc) turns it into dist/shenbao-<version>-setup.exe.
3. It prints the bundle's size and its ten largest parts.

Options: ``--no-installer`` skips step 2 and ``--installer-only`` step 1 (to sign the programs
in between); ``--sign COMMAND`` signs the setup program and its uninstaller; ``--estimate`` also
prints the size of the folder compressed with LZMA2 (what Inno Setup's ``lzma2/ultra64`` solid
compression comes close to); ``--dist``/``--work`` move the output and PyInstaller's work folder.
"""

from __future__ import annotations

import argparse
import io
import lzma
import os
import shutil
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "installer" / "shenbao.spec"
ISS = ROOT / "installer" / "shenbao.iss"
NAME = "shenbao"


def version() -> str:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def run_pyinstaller(dist: Path, work: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--clean", "--log-level", "WARN",
         "--distpath", str(dist), "--workpath", str(work), str(SPEC)],
        cwd=ROOT, check=True,
    )
    return dist / NAME


def tree_size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() or p.is_symlink())


def parts(bundle: Path) -> list[tuple[int, str]]:
    """The bundle's parts: the programs, each package folder and each top-level library.

    The Qt folder is split one level further (its libraries, plugins, translations), since it
    is most of the bundle.
    """
    found: list[tuple[int, str]] = []

    def add(path: Path) -> None:
        found.append((tree_size(path), path.relative_to(bundle).as_posix()))

    for top in bundle.iterdir():
        if top.is_dir() and not top.is_symlink():
            for child in top.iterdir():
                if child.name == "PySide6" and child.is_dir():
                    for qt_part in child.rglob("*"):
                        if qt_part.is_file() and not qt_part.is_symlink():
                            add(qt_part)
                else:
                    add(child)
        else:
            add(top)
    return sorted(found, reverse=True)


def lzma2_size(bundle: Path) -> int:
    """The folder as one solid LZMA2 stream (64 MiB dictionary, like Inno's lzma2/ultra64)."""
    compressor = lzma.LZMACompressor(
        format=lzma.FORMAT_XZ,
        filters=[{"id": lzma.FILTER_LZMA2, "preset": 9, "dict_size": 64 << 20}],
    )
    size = 0

    class Sink(io.RawIOBase):
        def writable(self) -> bool:
            return True

        def write(self, b) -> int:
            nonlocal size
            size += len(compressor.compress(bytes(b)))
            return len(b)

    with tarfile.open(fileobj=Sink(), mode="w|") as tar:
        tar.add(bundle, arcname=bundle.name)
    return size + len(compressor.flush())


def mb(n: int) -> str:
    return f"{n / 1e6:7.1f} MB"


def report(bundle: Path, *, estimate: bool) -> None:
    total = tree_size(bundle)
    print(f"\nBundle {bundle}: {mb(total).strip()} in {sum(1 for _ in bundle.rglob('*'))} files and folders")
    print("Ten largest parts:")
    for size, name in parts(bundle)[:10]:
        print(f"  {mb(size)}  {name}")
    if estimate:
        print(f"Compressed with LZMA2 (estimate of the installer): {mb(lzma2_size(bundle)).strip()}")


def find_iscc() -> str | None:
    found = shutil.which("iscc")
    if found:
        return found
    for base in (os.environ.get("ProgramFiles(x86)"), os.environ.get("ProgramFiles"),
                 os.environ.get("LOCALAPPDATA") and str(Path(os.environ["LOCALAPPDATA"]) / "Programs")):
        for inno in ("Inno Setup 7", "Inno Setup 6"):
            candidate = Path(base or "") / inno / "ISCC.exe"
            if base and candidate.is_file():
                return str(candidate)
    return None


#: The unofficial Simplified Chinese messages for Inno Setup 6 (official, in the compiler's
#: Languages folder, from Inno Setup 7.0.2 on). Not kept in this repository: fetched at build time
#: from the Inno Setup sources, pinned to a release tag, when the compiler lacks them.
CHINESE_MESSAGES_URL = ("https://raw.githubusercontent.com/jrsoftware/issrc/is-6_7_3/"
                        "Files/Languages/Unofficial/ChineseSimplified.isl")
CHINESE_MESSAGES = ROOT / "installer" / "ChineseSimplified.isl"


def chinese_messages(iscc: str) -> Path | None:
    """The Simplified Chinese messages file the compiler lacks, downloaded once beside the
    script; None when the compiler has its own (or the download failed: English wizard, said)."""
    if (Path(iscc).parent / "Languages" / "ChineseSimplified.isl").is_file():
        return None
    if not CHINESE_MESSAGES.is_file():
        import urllib.request

        try:
            with urllib.request.urlopen(CHINESE_MESSAGES_URL, timeout=60) as response:
                CHINESE_MESSAGES.write_bytes(response.read())
        except OSError as exc:
            print(f"warning: Simplified Chinese wizard messages not available ({exc}); "
                  f"put ChineseSimplified.isl into installer/ or use Inno Setup 7", file=sys.stderr)
            return None
    return CHINESE_MESSAGES


def run_iscc(bundle: Path, dist: Path, sign: str | None = None) -> Path:
    """Compile the installer; ``sign`` is a signing command with ``$f`` for the file (Inno's
    SignTool syntax), used for the setup program and its uninstaller."""
    iscc = find_iscc()
    if iscc is None:
        sys.exit("Inno Setup (ISCC.exe) not found: install Inno Setup 6.3+ (e.g. choco install innosetup) "
                 "or pass --no-installer.")
    command = [iscc, f"/DBundleDir={bundle}", f"/DOutputDir={dist}", f"/DAppVersion={version()}"]
    messages = chinese_messages(iscc)
    if messages is not None:
        command.append(f"/DChineseMessagesFile={messages}")
    if sign:
        command += ["/DSign", f"/Sshenbaosign={sign}"]
    subprocess.run([*command, str(ISS)], check=True)
    setup = dist / f"shenbao-{version()}-setup.exe"
    print(f"Installer: {setup} ({mb(setup.stat().st_size).strip()})")
    return setup


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build")
    parser.add_argument("--no-installer", action="store_true", help="only the PyInstaller folder")
    parser.add_argument("--installer-only", action="store_true",
                        help="skip PyInstaller: build the installer from the existing dist/shenbao (signed in between)")
    parser.add_argument("--estimate", action="store_true", help="also print the LZMA2-compressed size")
    parser.add_argument("--sign", metavar="COMMAND",
                        help='sign setup and uninstaller, e.g. "signtool sign /fd SHA256 /f cert.pfx /p PW $f"')
    args = parser.parse_args(argv)
    dist = args.dist.resolve()
    bundle = dist / NAME if args.installer_only else run_pyinstaller(dist, args.work.resolve())
    report(bundle, estimate=args.estimate)
    if sys.platform == "win32" and not args.no_installer:
        run_iscc(bundle, dist, args.sign)
    return 0


if __name__ == "__main__":
    sys.exit(main())
