"""Helpers for the printed-PDF tests: real tools (poppler, qpdf) run as subprocesses.

``pdftotext -raw`` keeps the content-stream order, which is the order the printer draws in
(top to bottom, row by row, cell by cell), so it is the reading order the tests check.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from forms.display import DRAFT_MARK, FINGERPRINT_LABEL

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


_FURNITURE = re.compile(
    rf"第\d+页共\d+页|{re.escape(normalize(FINGERPRINT_LABEL))}[0-9A-F]{{8}}|（此页无正文）|{re.escape(DRAFT_MARK)}")


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


@dataclass(frozen=True)
class Word:
    """A word as ``pdftotext -bbox`` places it: points from the top left of the page."""

    x0: float
    y0: float
    x1: float
    y1: float
    text: str


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def words(path: Path, pages: int) -> list[list[Word]]:
    """The words of pages 1…``pages`` (list index = page − 1), as placed on the page."""
    out = run("pdftotext", "-bbox", "-f", "1", "-l", str(pages), path, "-").stdout
    return [[Word(float(a), float(b), float(c), float(d), html.unescape(t))
             for a, b, c, d, t in _WORD.findall(page)] for page in re.split(r"<page ", out)[1:]]


def pixels(image: Image.Image) -> list[tuple[int, int, int]]:
    """The RGB pixels of ``image``, row by row."""
    data = image.convert("RGB").tobytes()
    return [tuple(data[i:i + 3]) for i in range(0, len(data), 3)]


def _dark_rows(image: Image.Image, box: tuple[int, int, int, int], threshold: int) -> list[list[bool]]:
    region = image.crop(box).convert("L")
    width = region.size[0]
    data = [v < threshold for v in region.tobytes()]
    return [data[i:i + width] for i in range(0, len(data), width)]


def horizontal_rules(image: Image.Image, x0: float, x1: float, dpi: int, *, share: float = 0.95,
                     threshold: int = 160) -> list[float]:
    """The heights (points from the top of the page) of the pixel rows of ``image`` that are
    dark over at least ``share`` of the span ``x0``…``x1`` (points): ruled lines across it."""
    k = dpi / 72
    rows = _dark_rows(image, (round(x0 * k), 0, round(x1 * k), image.size[1]), threshold)
    return [y / k for y, row in enumerate(rows) if sum(row) >= share * len(row)]


def vertical_rules(image: Image.Image, y0: float, y1: float, dpi: int, *, share: float = 0.5,
                   threshold: int = 160) -> list[float]:
    """The x positions (points) of the pixel columns dark over at least ``share`` of the band
    ``y0``…``y1`` (points from the top): the vertical lines of a table running through it."""
    k = dpi / 72
    rows = _dark_rows(image, (0, round(y0 * k), image.size[0], round(y1 * k)), threshold)
    columns = [sum(col) for col in zip(*rows, strict=True)]
    return [x / k for x, n in enumerate(columns) if n >= share * len(rows)]
