"""Helpers for the printed-PDF tests: real tools (poppler, qpdf) run as subprocesses.

``pdftotext -raw`` keeps the content-stream order, which is the order the printer draws in
(top to bottom, row by row, cell by cell), so it is the reading order the tests check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo", "qpdf")

_SPACE = re.compile(r"\s+")


def run(*args: str | Path, check: bool = True, cwd: Path | None = None, timeout: int = 120
        ) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout,
                          cwd=cwd, check=False)
    if check and done.returncode != 0:
        raise AssertionError(f"{args[0]} failed ({done.returncode}): {done.stderr}")
    return done


def main_py(*args: str | Path, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """``python main.py …`` as a user runs it."""
    return run(sys.executable, ROOT / "main.py", *args, check=False, cwd=cwd)


def normalize(text: str) -> str:
    """Text without any white space (line breaks inside cells, justification gaps)."""
    return _SPACE.sub("", text)


_FURNITURE = re.compile(r"第\d+页共\d+页|草稿指纹[0-9A-F]{8}|（此页无正文）|草稿")


def content(text: str) -> str:
    """:func:`normalize`d text without the page furniture — footers, the blank-page note and
    the 草稿 watermark — so that text continued on the next page reads on."""
    return _FURNITURE.sub("", normalize(text))


def pdftotext(path: Path, *, raw: bool = True, first: int | None = None, last: int | None = None) -> str:
    args: list[str | Path] = ["pdftotext", "-enc", "UTF-8"]
    if raw:
        args.append("-raw")
    if first is not None:
        args += ["-f", str(first)]
    if last is not None:
        args += ["-l", str(last)]
    return run(*args, path, "-").stdout


def page_texts(path: Path, pages: int) -> list[str]:
    """Text of each page (1-based list index + 1), raw order."""
    return pdftotext(path).split("\f")[:pages]


def render_page(path: Path, page: int, out_dir: Path, dpi: int = 100) -> Image.Image:
    """Page ``page`` rendered by pdftoppm as an RGB image."""
    prefix = out_dir / f"page{page}"
    run("pdftoppm", "-r", str(dpi), "-png", "-f", str(page), "-l", str(page), "-singlefile", path, prefix)
    return Image.open(f"{prefix}.png").convert("RGB")


def non_white(image: Image.Image, box: tuple[int, int, int, int], threshold: int = 245) -> int:
    """How many pixels in ``box`` are darker than ``threshold`` in any channel."""
    region = image.crop(box).convert("L")
    return sum(region.histogram()[:threshold])


def in_order(haystack: str, needles: list[str]) -> list[str]:
    """The needles not found in ``haystack`` in the given order (each searched after the
    previous match); empty when all are there in order."""
    missing, pos = [], 0
    for needle in needles:
        found = haystack.find(needle, pos)
        if found < 0:
            missing.append(needle)
        else:
            pos = found + len(needle)
    return missing
