"""The one array boundary: read, check, convert and write images.

Every public function of docsec that takes an image takes the contract checked here:
``uint8``, ``(H, W)`` gray or ``(H, W, 3)`` BGR (the order OpenCV and zxing-cpp use),
values 0..255. Anything else raises :class:`~docsec.errors.InputError` naming what it
got. Nothing is rescaled silently.
"""

from __future__ import annotations

import io
import logging
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image as PILImage
from PIL import UnidentifiedImageError

from docsec import _limits, inputs
from docsec._types import BGRImage, FloatArray, GrayImage, Image
from docsec.errors import InputError

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_MAX_MEMORY",
    "DEFAULT_MAX_PIXELS",
    "BGRImage",
    "GrayImage",
    "Image",
    "LoadedImage",
    "check_image",
    "decode_image",
    "encode_image",
    "from_rgb",
    "read_image",
    "reduce",
    "to_bgr",
    "to_gray",
    "to_uint8",
    "write_image",
]

logger = logging.getLogger(__name__)

# The limits live in a light module (the CLI's start-up reads them); they are
# part of this module's API too.
DEFAULT_MAX_PIXELS = _limits.DEFAULT_MAX_PIXELS
DEFAULT_MAX_BYTES = _limits.DEFAULT_MAX_BYTES
DEFAULT_MAX_MEMORY = _limits.DEFAULT_MAX_MEMORY

_SUFFIX_FORMAT = {
    ".png": "PNG",
    ".jpg": "JPEG",
    ".jpeg": "JPEG",
    ".tif": "TIFF",
    ".tiff": "TIFF",
    ".bmp": "BMP",
}


@dataclass(frozen=True, slots=True)
class LoadedImage:
    """An image read from a file, with the resolution its metadata declares.

    Attributes
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The pixels.
    dpi : tuple of float or None
        ``(x_dpi, y_dpi)`` from the file's metadata, or ``None`` when it declares none.
    format : str
        The container format as Pillow names it (``"PNG"``, ``"JPEG"``, ...).
    warnings : tuple of str
        What the decoders warned about (e.g. libjpeg's "Corrupt JPEG data"), in
        the order said; also logged at DEBUG, never printed.
    colour : bool
        The file stores colour (False for a gray, 16-bit gray or bilevel file,
        which a colour decode would only repeat).
    """

    image: Image
    dpi: tuple[float, float] | None
    format: str
    warnings: tuple[str, ...] = ()
    colour: bool = True


def check_image(image: object, *, name: str = "image", min_size: int = 1) -> Image:
    """Check that ``image`` follows the array contract and return it unchanged.

    Parameters
    ----------
    image : object
        Must be a ``(H, W)`` or ``(H, W, 3)`` uint8 ndarray (gray or BGR, 0..255).
    name : str
        Name used in error messages.
    min_size : int
        Minimum height and width in pixels.

    Returns
    -------
    (H, W) or (H, W, 3) uint8 ndarray
        The same object.

    Raises
    ------
    InputError
        If the type, dtype, shape or size is wrong.

    Examples
    --------
    >>> import numpy as np
    >>> check_image(np.zeros((4, 5), np.uint8)).shape
    (4, 5)
    >>> check_image(np.zeros((4, 5), np.float32))
    Traceback (most recent call last):
    ...
    docsec.errors.InputError: image must be uint8 (0..255), got float32
    """
    if not isinstance(image, np.ndarray):
        raise InputError(f"{name} must be a numpy array, got {type(image).__name__}")
    if image.dtype != np.uint8:
        raise InputError(f"{name} must be uint8 (0..255), got {image.dtype}")
    if image.ndim == 2 or (image.ndim == 3 and image.shape[2] == 3):
        pass
    else:
        raise InputError(
            f"{name} must have shape (H, W) or (H, W, 3) (BGR), got {image.shape}"
        )
    if image.shape[0] < min_size or image.shape[1] < min_size:
        raise InputError(
            f"{name} is {image.shape[1]}x{image.shape[0]} pixels; "
            f"at least {min_size}x{min_size} is needed"
        )
    return image


def to_gray(image: Image) -> GrayImage:
    """Return a ``(H, W)`` uint8 gray view or copy of a checked image (BGR weights)."""
    check_image(image)
    if image.ndim == 2:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)


def reduce(image: Image, factor: int) -> Image:
    """Return ``image`` reduced ``factor`` times by block means (area averaging).

    Each output pixel is the mean of a ``factor x factor`` block; the last
    ``H % factor`` rows and ``W % factor`` columns are left out, so pixel
    ``(x, y)`` of the result is centred on ``((x + 0.5) * factor - 0.5, (y + 0.5) *
    factor - 0.5)`` of the input. A factor of 1 returns the image itself. OpenCV's
    integer area path: a 1200-ppi A4 page reduced 4 times takes ~50 ms.

    Raises
    ------
    InputError
        If ``factor`` is below 1 or leaves no pixel.
    """
    check_image(image)
    if factor < 1:
        raise InputError(f"reduction factor must be at least 1, got {factor}")
    if factor == 1:
        return image
    rows, cols = image.shape[0] // factor, image.shape[1] // factor
    if rows < 1 or cols < 1:
        raise InputError(f"image is too small to reduce {factor} times")
    # The exact multiple of the factor: OpenCV's integer area path needs it.
    whole = image[: rows * factor, : cols * factor]
    out: Image = np.asarray(
        cv2.resize(whole, (cols, rows), interpolation=cv2.INTER_AREA), np.uint8
    )
    return out


def to_bgr(image: Image) -> BGRImage:
    """Return a ``(H, W, 3)`` BGR uint8 image (gray is replicated into 3 channels)."""
    check_image(image)
    if image.ndim == 3:
        return image
    return np.asarray(cv2.cvtColor(image, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def from_rgb(image: object) -> BGRImage:
    """Convert an ``(H, W, 3)`` uint8 RGB array (as Pillow gives) to BGR."""
    checked = check_image(image, name="RGB image")
    if checked.ndim != 3:
        raise InputError(f"RGB image must have shape (H, W, 3), got {checked.shape}")
    return np.ascontiguousarray(checked[:, :, ::-1])


def to_uint8(values: FloatArray) -> Image:
    """Round float values to the nearest integer and clip to 0..255 as uint8.

    The only way float work goes back to an image (no implicit casts).

    Examples
    --------
    >>> import numpy as np
    >>> to_uint8(np.array([-3.0, 0.4, 0.6, 254.5, 300.0])).tolist()
    [0, 0, 1, 254, 255]
    """
    out: Image = np.clip(np.rint(values), 0, 255).astype(np.uint8)
    return out


# ------------------------------------------------------------------- decoding
#
# Decoding is planned from the header before any pixel is decoded: the pixel
# limit, then an estimate of the decoder's peak memory (the file bytes, the
# decoder's own buffers and the output) against ``max_memory``. Pixels go straight
# to uint8 gray or BGR: OpenCV converts row by row inside libpng/libjpeg/libtiff
# (16-bit, palette and colour to gray included); Pillow, for what OpenCV does not
# read (transparency, CMYK, 32-bit, other formats), decodes in its own mode and
# is converted in strips of rows, so no full-page float or RGBA copy ever exists.
# (Measured before: a 360 KB 16-bit PNG of 13000 x 13000 took 5.6 GB through
# float64 copies; now 0.3 GB.)

#: Formats and Pillow modes that OpenCV decodes directly to uint8.
_OPENCV_FORMATS = frozenset({"PNG", "JPEG", "BMP", "TIFF", "WEBP"})
_OPENCV_MODES = frozenset({"1", "L", "P", "RGB", "I;16", "I;16B", "I;16L", "I;16N"})
#: Pillow modes returned as gray (``(H, W)``); every other mode becomes BGR.
_GRAY_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "I;16N"})
_WIDE_GRAY_MODES = frozenset({"I", "I;16", "I;16B", "I;16L", "I;16N"})
_ALPHA_MODES = frozenset({"RGBA", "RGBa", "LA", "La", "PA"})
_PIL_MODES = (
    _GRAY_MODES
    | _ALPHA_MODES
    | frozenset({"P", "RGB", "RGBX", "CMYK", "YCbCr", "LAB", "HSV"})
)
#: Bytes per pixel of Pillow's in-memory image per mode (Pillow keeps every
#: multi-band mode, RGB included, in 4 bytes per pixel).
_PIL_PIXEL_BYTES = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2}
#: Rows converted per strip are chosen so that one strip's temporaries stay small.
_STRIP_BYTES = 8 * 1024 * 1024
#: OpenCV's Python binding copies the decoded image into a new numpy array, so a
#: decode holds the output twice for a moment (measured: 329 MB for a 161 MB image).
_OPENCV_COPIES = 2
#: libtiff's and OpenCV's buffers for one strip or tile, in multiples of its
#: uncompressed size (measured: a one-strip 13000 x 13000 gray TIFF needs 3x).
_TIFF_STRIP_COPIES = 3


def _wants_opencv(pil: PILImage.Image) -> bool:
    return (
        pil.format in _OPENCV_FORMATS
        and pil.mode in _OPENCV_MODES
        and "transparency" not in pil.info
    )


def _out_channels(pil: PILImage.Image, gray: bool) -> int:
    return 1 if gray or pil.mode in _GRAY_MODES else 3


def _tiff_strip_bytes(pil: PILImage.Image, pixels: int) -> int:
    """Return the uncompressed size of a TIFF's largest strip or tile (from tags)."""
    tags: dict[int, object] = dict(getattr(pil, "tag_v2", {}))
    width, height = pil.size
    try:
        bits = max(_tag_ints(tags.get(258, 8)))
        samples = max(_tag_ints(tags.get(277, 1)))
        if 322 in tags and 323 in tags:
            area = max(_tag_ints(tags[322])) * max(_tag_ints(tags[323]))
        else:
            area = width * min(max(_tag_ints(tags.get(278, height))), height)
    except (TypeError, ValueError):
        area, bits, samples = pixels, 16, 4
    return min(area, pixels) * max(1, samples) * max(1, bits) // 8


def _tag_ints(value: object) -> list[int]:
    items = value if isinstance(value, tuple) else (value,)
    out = [int(v) for v in items if isinstance(v, int | float)]
    if not out:
        raise ValueError("not a number")
    return out


def _opencv_estimate(pil: PILImage.Image, gray: bool) -> int:
    width, height = pil.size
    pixels = width * height
    need = _OPENCV_COPIES * pixels * _out_channels(pil, gray)
    if pil.format == "JPEG" and (
        pil.info.get("progressive") or pil.info.get("progression")
    ):
        # A progressive JPEG keeps every DCT coefficient (2 bytes) of every
        # component until the last scan (measured: 486 MB for 13000 x 13000 RGB).
        need += pixels * len(pil.getbands()) * 2
    elif pil.format == "TIFF":
        need += _TIFF_STRIP_COPIES * _tiff_strip_bytes(pil, pixels)
    elif pil.format == "WEBP":
        need += pixels * 4
    return need


def _pillow_estimate(pil: PILImage.Image, gray: bool) -> int:
    width, height = pil.size
    pixels = width * height
    native = pixels * _PIL_PIXEL_BYTES.get(pil.mode, 4)
    need = native + pixels * _out_channels(pil, gray)
    if pil.format == "TIFF":
        need += _tiff_strip_bytes(pil, pixels)
    return need


def _check_memory(
    name: str, pil: PILImage.Image, need: int, max_memory: int, how: str
) -> None:
    if need > max_memory:
        width, height = pil.size
        raise InputError(
            f"{name} ({pil.format} {pil.mode}, {width}x{height} pixels) would need "
            f"about {need / 2**20:.0f} MiB to decode{how}, above the memory budget "
            f"of {max_memory / 2**20:.0f} MiB; send a smaller or 8-bit gray/RGB "
            "image without transparency"
        )


def _opencv_decode(data: bytes, gray_out: bool, said: list[str]) -> Image | None:
    """Decode with OpenCV, or return None; what libpng/libjpeg print goes to ``said``."""
    flag = cv2.IMREAD_GRAYSCALE if gray_out else cv2.IMREAD_COLOR
    with inputs.captured_stderr() as printed:
        try:
            decoded = cv2.imdecode(np.frombuffer(data, np.uint8), flag)
        except cv2.error:
            decoded = None
    said.extend(printed)
    if decoded is None or decoded.dtype != np.uint8 or decoded.size == 0:
        return None
    return np.asarray(decoded, dtype=np.uint8)


def _pil_strip(part: PILImage.Image, channels: int) -> Image:
    """Convert a strip of rows in any supported Pillow mode to uint8 gray or BGR."""
    mode = part.mode
    if mode in _WIDE_GRAY_MODES:
        # 16- and 32-bit gray: the full 16-bit range maps onto 0..255, rounded.
        wide = np.clip(np.asarray(part).astype(np.int64), 0, 65535)
        narrow: Image = ((wide * 255 + 32767) // 65535).astype(np.uint8)
        return narrow
    if mode in _ALPHA_MODES or "transparency" in part.info:
        # Flatten transparency onto white paper, as a viewer shows it.
        rgba = part.convert("RGBA")
        white = PILImage.new("RGBA", rgba.size, (255, 255, 255, 255))
        part = PILImage.alpha_composite(white, rgba).convert("RGB")
    if channels == 1:
        return np.asarray(part.convert("L"), dtype=np.uint8)
    rgb = np.asarray(part.convert("RGB"), dtype=np.uint8)
    return rgb[:, :, ::-1]


def _pillow_decode(pil: PILImage.Image, gray_out: bool, name: str) -> Image:
    if pil.mode.startswith("F"):
        raise InputError(
            f"{name}: floating-point images are not supported; save as 8-bit"
        )
    if pil.mode not in _PIL_MODES:
        raise InputError(f"{name}: unsupported image mode {pil.mode}")
    try:
        pil.load()
        width, height = pil.size
        channels = _out_channels(pil, gray_out)
        out = np.empty((height, width, channels), np.uint8)
        step = max(1, _STRIP_BYTES // max(1, width * 4))
        for r0 in range(0, height, step):
            r1 = min(height, r0 + step)
            strip = _pil_strip(pil.crop((0, r0, width, r1)), channels)
            out[r0:r1] = strip.reshape(r1 - r0, width, channels)
    except InputError:
        raise
    except Exception as exc:
        # Pillow's format plugins raise assorted types on malformed data (OSError,
        # ValueError, SyntaxError, struct.error, zlib.error, KeyError, ...): each
        # means the same thing here, an image docsec cannot read.
        raise InputError(
            f"{name} is not a readable image: {inputs.plain_message(exc)}"
        ) from exc
    return out[:, :, 0] if channels == 1 else out


#: 8-bit gray PNGs of at least this many pixels are decoded by Pillow straight
#: into the output array: OpenCV's PNG decoder holds a second full-size frame
#: while it decodes (+132 MiB for a 1200-ppi A4 page, which put a verify's peak
#: above 400 MB); Pillow is ~5 % slower on the same file.
_IN_PLACE_PIXELS = 32_000_000


def _decodes_in_place(pil: PILImage.Image) -> bool:
    width, height = pil.size
    return (
        pil.format == "PNG"
        and pil.mode == "L"
        and "transparency" not in pil.info
        and width * height >= _IN_PLACE_PIXELS
    )


def _pillow_in_place(pil: PILImage.Image, name: str) -> Image | None:
    """Decode an 8-bit gray image with Pillow into a new array, with no second copy.

    The array is mapped as the Pillow image's pixel store before loading, so the
    decoder writes the rows there. Returns None when Pillow allocated its own
    store after all (the caller then decodes another way). A file Pillow cannot
    decode is an InputError here: a failed load leaves ``pil`` half decoded, so
    no other decoder may read it.
    """
    width, height = pil.size
    out = np.empty((height, width), np.uint8)
    store = PILImage.frombuffer("L", (width, height), out, "raw", "L", 0, 1).im
    try:
        pil.im = store
        pil.load()
    except Exception as exc:
        # As in _pillow_decode: Pillow's plugins raise assorted types.
        raise InputError(
            f"{name} is not a readable image: {inputs.plain_message(exc)}"
        ) from exc
    return out if pil.im is store else None


def decode_image(
    data: bytes,
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_memory: int = DEFAULT_MAX_MEMORY,
    gray: bool = False,
    name: str = "image",
) -> LoadedImage:
    """Decode image bytes (PNG, JPEG, TIFF, BMP, WebP, ...) into the array contract.

    Size and memory are checked from the header before anything is decoded, and
    pixels are decoded straight to uint8 (16-bit, palette and transparent images
    included; transparency is flattened onto white).

    Parameters
    ----------
    data : bytes
        The encoded file.
    max_pixels : int
        Refuse images with more pixels than this, before decoding (decompression bombs).
    max_memory : int
        Refuse images whose decoding would need more bytes than this (the file,
        the decoder's buffers and the output, estimated from the header).
    gray : bool
        Decode to ``(H, W)`` gray whatever the file holds (verification needs only
        luminance, and a third of the memory).
    name : str
        Name of the input used in error messages.

    Returns
    -------
    LoadedImage
        Pixels (gray if the file is gray or ``gray`` is set, else BGR) and the
        declared dpi; ``warnings`` holds what the decoders complained about.

    Raises
    ------
    InputError
        If the bytes are empty, not an image, truncated, or too large.
    """
    if not data:
        raise InputError(f"{name} is empty")
    budget = max(0, max_memory - len(data))
    said: list[str] = []
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pil = PILImage.open(io.BytesIO(data))
    except PILImage.DecompressionBombError as exc:
        raise InputError(
            f"{name} is too large to decode: {inputs.plain_message(exc)}"
        ) from exc
    except UnidentifiedImageError as exc:
        raise InputError(
            f"{name} is not a readable image (docsec reads PNG, JPEG, TIFF, BMP, "
            "WebP, PDF and raw seal bytes)"
        ) from exc
    except Exception as exc:
        # As in _pillow_decode: a malformed header raises assorted types.
        raise InputError(
            f"{name} is not a readable image: {inputs.plain_message(exc)}"
        ) from exc
    # Pillow's own large-image warning only duplicates the limits checked here.
    said += [
        str(w.message)
        for w in caught
        if not issubclass(w.category, PILImage.DecompressionBombWarning)
    ]
    with pil:
        width, height = pil.size
        if width * height > max_pixels:
            raise InputError(
                f"{name} has {width}x{height} pixels, above the limit of "
                f"{max_pixels} (possible decompression bomb)"
            )
        fmt = pil.format or "unknown"
        dpi = _dpi_of(pil)
        colour = _out_channels(pil, False) == 3
        array: Image | None = None
        truncated_jpeg = fmt == "JPEG" and not data.rstrip(b"\0").endswith(b"\xff\xd9")
        if _decodes_in_place(pil):
            _check_memory(name, pil, width * height, budget, "")
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                array = _pillow_in_place(pil, name)
            said += [str(w.message) for w in caught]
        if array is None and _wants_opencv(pil) and not truncated_jpeg:
            # libjpeg fills a truncated file with grey and only warns; Pillow
            # raises, so such files go to Pillow.
            _check_memory(name, pil, _opencv_estimate(pil, gray), budget, "")
            array = _opencv_decode(data, _out_channels(pil, gray) == 1, said)
        if array is None:
            _check_memory(
                name, pil, _pillow_estimate(pil, gray), budget, " with Pillow"
            )
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                array = _pillow_decode(pil, gray, name)
            said += [str(w.message) for w in caught]
    for line in said:
        logger.debug("%s: decoder warning: %s", name, line)
    check_image(array, name=name)
    return LoadedImage(
        image=array, dpi=dpi, format=fmt, warnings=tuple(said), colour=colour
    )


def _dpi_of(pil: PILImage.Image) -> tuple[float, float] | None:
    raw = pil.info.get("dpi")
    if raw is None:
        return None
    try:
        x, y = float(raw[0]), float(raw[1])
    except (TypeError, ValueError, IndexError):
        return None
    # Pillow reports PNG files without a physical unit as (0, 0) or tiny values;
    # a JFIF "aspect ratio only" header gives (1, 1). Neither is a resolution.
    if not (10.0 <= x <= 100_000.0 and 10.0 <= y <= 100_000.0):
        return None
    # PNG stores pixels per metre; 600 dpi comes back as 599.9988.
    return (round(x, 1), round(y, 1))


def read_image(
    path: str | os.PathLike[str],
    *,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_memory: int = DEFAULT_MAX_MEMORY,
    gray: bool = False,
) -> LoadedImage:
    """Read an image file into the array contract.

    Only regular files are read (a named pipe or a device is refused, never
    waited on), at most ``max_bytes`` of them.

    Parameters
    ----------
    path : path-like
        PNG, JPEG, TIFF, BMP or WebP file.
    max_pixels : int
        Pixel limit checked from the header, before the pixels are decoded.
    max_bytes : int
        Largest file read.
    max_memory : int
        Memory budget of the decoding, as in :func:`decode_image`.
    gray : bool
        Decode to gray, as in :func:`decode_image`.

    Returns
    -------
    LoadedImage

    Raises
    ------
    InputError
        If the file is missing, not a regular file, unreadable, not an image,
        truncated or too large.
    """
    p = Path(path)
    data = inputs.read_regular_file(p, max_bytes=max_bytes)
    return decode_image(
        data, max_pixels=max_pixels, max_memory=max_memory, gray=gray, name=p.name
    )


def encode_image(
    image: Image,
    *,
    format: str = "PNG",
    dpi: float | tuple[float, float] | None = None,
    jpeg_quality: int = 90,
) -> bytes:
    """Encode an image as PNG, JPEG, TIFF or BMP bytes, with its dpi in the metadata.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        Pixels to write.
    format : {"PNG", "JPEG", "TIFF", "BMP"}
        Container format.
    dpi : float or (float, float) or None
        Resolution written into the file (PNG pHYs, JFIF density, TIFF tags).
    jpeg_quality : int
        JPEG quality 1..100 (ignored for other formats).

    Returns
    -------
    bytes
    """
    check_image(image)
    fmt = format.upper()
    if fmt not in ("PNG", "JPEG", "TIFF", "BMP"):
        raise InputError(f"unsupported output format {format!r}")
    if not 1 <= jpeg_quality <= 100:
        raise InputError(f"jpeg_quality must be 1..100, got {jpeg_quality}")
    if image.ndim == 3:
        pil = PILImage.fromarray(np.ascontiguousarray(image[:, :, ::-1]), mode="RGB")
    else:
        pil = PILImage.fromarray(image, mode="L")
    kwargs: dict[str, object] = {}
    if dpi is not None:
        pair = (float(dpi), float(dpi)) if isinstance(dpi, int | float) else dpi
        kwargs["dpi"] = (round(pair[0]), round(pair[1])) if fmt == "JPEG" else pair
    if fmt == "JPEG":
        kwargs["quality"] = jpeg_quality
    if fmt == "TIFF":
        kwargs["compression"] = "tiff_deflate"
    buf = io.BytesIO()
    pil.save(buf, format=fmt, **kwargs)
    return buf.getvalue()


def write_image(
    path: str | os.PathLike[str],
    image: Image,
    *,
    dpi: float | tuple[float, float] | None = None,
    jpeg_quality: int = 90,
) -> None:
    """Write an image, choosing the format from the file suffix.

    Parameters
    ----------
    path : path-like
        ``.png``, ``.jpg``/``.jpeg``, ``.tif``/``.tiff`` or ``.bmp``.
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        Pixels to write.
    dpi : float or (float, float) or None
        Resolution recorded in the file.
    jpeg_quality : int
        JPEG quality when writing JPEG.
    """
    p = Path(path)
    fmt = _SUFFIX_FORMAT.get(p.suffix.lower())
    if fmt is None:
        raise InputError(
            f"cannot tell the image format of {p.name!r}; "
            f"use one of {', '.join(sorted(_SUFFIX_FORMAT))}"
        )
    p.write_bytes(encode_image(image, format=fmt, dpi=dpi, jpeg_quality=jpeg_quality))
    logger.debug("wrote %s (%dx%d, dpi=%s)", p, image.shape[1], image.shape[0], dpi)
