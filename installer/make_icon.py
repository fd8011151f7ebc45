"""Draw the program and document icons: ``python installer/make_icon.py``.

Writes resources/icons/shenbao.ico (16-256 px), shenbao.png (256 px, for the window on Linux)
and shenbao-doc.ico (the .shenbao draft file: a page with the seal in its corner). The design
is a red seal-like square with 申 in the bundled Hei font, drawn afresh at every size (with 4x
supersampling) so the small sizes stay sharp; the output is reproducible byte for byte.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
FONT = ROOT / "resources" / "fonts" / "ShenbaoHei.ttf"
OUT = ROOT / "resources" / "icons"
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)
RED = (196, 30, 36, 255)
WHITE = (255, 255, 255, 255)
PAGE_EDGE = (120, 120, 120, 255)
SS = 4   # supersampling factor


def _glyph(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], fill) -> None:
    """申 centred in box by its ink, not by the font's line metrics."""
    x0, y0, x1, y1 = box
    font = ImageFont.truetype(str(FONT), size=int((y1 - y0) * 1.02))
    left, top, right, bottom = draw.textbbox((0, 0), "申", font=font, stroke_width=(y1 - y0) // 36)
    x = x0 + ((x1 - x0) - (right - left)) / 2 - left
    y = y0 + ((y1 - y0) - (bottom - top)) / 2 - top
    stroke = (y1 - y0) // 36   # a little weight, as a carved seal has
    draw.text((x, y), "申", font=font, fill=fill, stroke_width=stroke, stroke_fill=fill)


def _seal(draw: ImageDraw.ImageDraw, x0: int, y0: int, side: int, *, small: bool) -> None:
    radius = side // 8
    draw.rounded_rectangle((x0, y0, x0 + side - 1, y0 + side - 1), radius=radius, fill=RED)
    inset = side // 11
    if not small:   # the inner ring of a seal; at 16-24 px it would only blur the glyph
        ring = max(SS, side // 40)
        draw.rounded_rectangle((x0 + inset, y0 + inset, x0 + side - 1 - inset, y0 + side - 1 - inset),
                               radius=max(1, radius - inset // 2), outline=WHITE, width=ring)
        pad = inset + side // 9
    else:
        pad = side // 9
    _glyph(draw, (x0 + pad, y0 + pad, x0 + side - pad, y0 + side - pad), WHITE)


def program_icon(size: int) -> Image.Image:
    big = size * SS
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    margin = 0 if size <= 24 else big // 32
    _seal(ImageDraw.Draw(im), margin, margin, big - 2 * margin, small=size <= 24)
    return im.resize((size, size), Image.Resampling.LANCZOS)


def document_icon(size: int) -> Image.Image:
    """A white page with a folded corner and the seal in its lower right."""
    big = size * SS
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(im)
    left, right, top, bottom = big * 3 // 16, big * 13 // 16, big // 16, big * 15 // 16
    fold = big // 4
    edge = max(SS, big // 64)
    page = [(left, top), (right - fold, top), (right, top + fold), (right, bottom), (left, bottom)]
    draw.polygon(page, fill=WHITE, outline=PAGE_EDGE, width=edge)
    draw.polygon([(right - fold, top), (right - fold, top + fold), (right, top + fold)],
                 fill=(225, 225, 225, 255), outline=PAGE_EDGE, width=edge)
    if size >= 32:   # text lines on the page
        for i in range(3):
            y = top + fold + big // 10 + i * big // 10
            draw.line((left + big // 12, y, right - big // 12 - (big // 6 if i == 2 else 0), y),
                      fill=(170, 170, 170, 255), width=max(SS, big // 48))
    side = big * 9 // 16 if size > 24 else big * 11 // 16
    _seal(draw, big - side, big - side, side, small=size <= 32)
    return im.resize((size, size), Image.Resampling.LANCZOS)


def write_ico(path: Path, draw) -> None:
    images = [draw(size) for size in SIZES]
    largest = images[-1]
    largest.save(path, format="ICO", sizes=[(s, s) for s in SIZES], append_images=images[:-1])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    write_ico(OUT / "shenbao.ico", program_icon)
    write_ico(OUT / "shenbao-doc.ico", document_icon)
    program_icon(256).save(OUT / "shenbao.png", optimize=True)
    for name in ("shenbao.ico", "shenbao-doc.ico", "shenbao.png"):
        print(f"{OUT / name}  {(OUT / name).stat().st_size} bytes")


if __name__ == "__main__":
    main()
