"""PNG and JPEG attachments: loaded safely (pixel limit, EXIF orientation, printable modes) and
drawn into a box on the page (:func:`draw_image_page`)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfutils import readJPEGInfo

from forms.attachments import MAX_IMAGE_PIXELS, PIL_FORMATS, PRINTABLE_MODES, sniff_kind
from pdf.geometry import IDENTITY, Box, Matrix, Placement, compose, fit_into_box, scaling

#: Resolution assumed for images that do not state a plausible one.
DEFAULT_IMAGE_DPI = 150.0
_DPI_RANGE = (50.0, 2400.0)

#: EXIF Orientation → matrix from the stored image's unit square to the displayed one.
_ORIENTATION: dict[int, Matrix] = {
    1: IDENTITY,
    2: (-1.0, 0.0, 0.0, 1.0, 1.0, 0.0),   # mirrored left-right
    3: (-1.0, 0.0, 0.0, -1.0, 1.0, 1.0),  # turned 180°
    4: (1.0, 0.0, 0.0, -1.0, 0.0, 1.0),   # mirrored top-bottom
    5: (0.0, -1.0, -1.0, 0.0, 1.0, 1.0),  # transposed
    6: (0.0, -1.0, 1.0, 0.0, 0.0, 1.0),   # to be turned 90° clockwise
    7: (0.0, 1.0, 1.0, 0.0, 0.0, 0.0),    # transversed
    8: (0.0, 1.0, -1.0, 0.0, 1.0, 0.0),   # to be turned 90° counter-clockwise
}


@dataclass
class _LoadedImage:
    kind: str
    image: Image.Image
    orientation: int
    size: tuple[float, float]  # displayed size in points


def _load_image(data: bytes) -> _LoadedImage:
    kind = sniff_kind(data)
    if kind not in PIL_FORMATS:
        raise ValueError("not a PNG or JPEG image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=[PIL_FORMATS[kind]])
            width, height = image.size
            if width <= 0 or height <= 0 or width * height > MAX_IMAGE_PIXELS:
                raise ValueError(f"image of {width} × {height} pixels is too large")
            if image.mode not in PRINTABLE_MODES:
                raise ValueError(f"image mode {image.mode} cannot be printed")
            image.load()
            orientation = image.getexif().get(0x0112, 1)
    except ValueError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise ValueError(f"cannot read the image: {type(exc).__name__}: {exc}") from exc
    if orientation not in _ORIENTATION:
        orientation = 1
    dpi_x, dpi_y = _image_dpi(image)
    w_pt, h_pt = width / dpi_x * 72.0, height / dpi_y * 72.0
    if orientation >= 5:
        w_pt, h_pt = h_pt, w_pt
    return _LoadedImage(kind, image, orientation, (w_pt, h_pt))


def _image_dpi(image: Image.Image) -> tuple[float, float]:
    dpi = image.info.get("dpi")
    try:
        x, y = float(dpi[0]), float(dpi[1])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI
    low, high = _DPI_RANGE
    if low <= x <= high and low <= y <= high:
        return x, y
    return DEFAULT_IMAGE_DPI, DEFAULT_IMAGE_DPI


def image_page_size(data: bytes) -> tuple[float, float]:
    """The natural printed size of a PNG/JPEG in points, as displayed (EXIF orientation applied):
    pixels at the image's stated resolution, or at :data:`DEFAULT_IMAGE_DPI` when it states none
    (or an implausible one). Raises :class:`ValueError` for unusable data."""
    return _load_image(data).size


def _printable(image: Image.Image) -> Image.Image:
    """``image`` as L, RGB or CMYK pixels; transparency is flattened onto white paper."""
    mode = image.mode
    if mode in ("L", "RGB", "CMYK"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I"):
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode in ("YCbCr", "RGBX"):
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    alpha = rgba.getchannel("A")
    if alpha.getextrema() == (255, 255):
        return rgba.convert("RGB")
    paper = Image.new("RGB", rgba.size, "white")
    paper.paste(rgba.convert("RGB"), mask=alpha)
    return paper


def _jpeg_passthrough(data: bytes, image: Image.Image) -> bool:
    """True when the JPEG bytes can go into the PDF untouched (DCTDecode): baseline or
    progressive, 8 bits, grey or RGB. CMYK JPEGs are decoded instead (inverted Adobe CMYK)."""
    if image.mode not in ("L", "RGB"):
        return False
    try:
        _, _, components, _ = readJPEGInfo(io.BytesIO(data))
    except Exception:  # noqa: BLE001
        return False
    return components in (1, 3)


def draw_image_page(canvas, data: bytes, box: Box, *, allow_rotate: bool = True) -> Placement:
    """Draw a PNG/JPEG attachment on a reportlab canvas, fitted into ``box`` (in the printout:
    the rest of the attachment page, inside :func:`pdf.layout.attachment_box`) by
    :func:`fit_into_box` from its :func:`image_page_size`: never enlarged, ratio kept, centred,
    EXIF orientation honoured, transparency on white.

    JPEGs are embedded as they are when PDF can carry them (no re-compression). Raises
    :class:`ValueError` for unusable data; returns the placement (of the displayed image).
    """
    loaded = _load_image(data)
    width, height = loaded.size
    fit = fit_into_box(width, height, box, allow_rotate=allow_rotate)
    if loaded.kind == "jpeg" and _jpeg_passthrough(data, loaded.image):
        reader = ImageReader(io.BytesIO(data))
    else:
        reader = ImageReader(_printable(loaded.image))
    matrix = compose(compose(_ORIENTATION[loaded.orientation], scaling(width, height)), fit.matrix)
    canvas.saveState()
    canvas.transform(*matrix)
    canvas.drawImage(reader, 0, 0, 1, 1)
    canvas.restoreState()
    return fit
