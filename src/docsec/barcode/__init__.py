r"""DataMatrix: bytes to modules, modules to raster or vector, images to bytes.

Writing: :func:`encode` turns bytes into a square ECC 200 symbol in Base256
encodation, without ECI (the layout ICAO 9303-13 seals use);
:func:`render_raster` and :func:`vector_rectangles` draw it.

Reading: :func:`read` finds every DataMatrix in a scan or photo (any rotation,
perspective, gray or colour, dark-on-light or inverted) and returns its exact
bytes with its corners. zxing-cpp reads first; preprocessing variants (and,
on request, libdmtx) run only when nothing was found. Results are measurements (bytes and a
position), never a judgement about authenticity.

Examples
--------
>>> sym = encode(b"\xdc\x03 docsec \x00\xff")
>>> sym.size, sym.modules.shape
(18, (18, 18))
>>> img = render_raster(sym, module_px=4)
>>> [s.data for s in read(img)]
[b'\xdc\x03 docsec \x00\xff']
"""

from __future__ import annotations

import logging
import operator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from docsec._types import GrayImage, Image
from docsec.barcode import _ecc200, _reader, _zxing
from docsec.errors import InputError
from docsec.imaging import DEFAULT_MAX_PIXELS, check_image, to_gray

__all__ = [
    "MAX_PAYLOAD_BYTES",
    "DecodedSymbol",
    "SymbolMatrix",
    "encode",
    "read",
    "read_qr",
    "render_raster",
    "vector_rectangles",
]

logger = logging.getLogger(__name__)

#: Largest payload one symbol holds (144x144, Base256).
MAX_PAYLOAD_BYTES = _ecc200.MAX_BYTES


@dataclass(frozen=True, slots=True)
class SymbolMatrix:
    """The modules of one square DataMatrix symbol.

    Attributes
    ----------
    modules : (N, N) bool ndarray
        True = dark module. Row 0 is the top row (the alternating timing edge),
        column 0 the left column (the solid finder edge). Includes the finder and
        timing border; no quiet zone. Read-only.
    size : int
        N, modules per side (10 to 144).
    """

    modules: npt.NDArray[np.bool_]
    size: int


@dataclass(frozen=True, slots=True)
class DecodedSymbol:
    """One DataMatrix found in an image.

    Attributes
    ----------
    data : bytes
        The decoded bytes, exact length (0x00 and 0xFF included). For Base256
        symbols these are the written bytes. For ASCII/C40/Text/X12/EDIFACT
        symbols they are the decoded characters as ISO-8859-1 bytes (the
        DataMatrix default), e.g. a C40 2D-Doc gives its ASCII text. ECI
        designators are removed and the bytes of every ECI segment are returned
        as they are, without character-set conversion. In GS1 symbols each
        separator FNC1 becomes the GS byte 0x1D (the leading FNC1 is dropped).
    corners : tuple of four (x, y) float tuples
        Outer corners of the symbol in pixel coordinates of the input image
        (x to the right, y down), in symbol orientation: top-left, top-right,
        bottom-right, bottom-left, where "bottom-left" is the corner of the solid
        "L" finder and "top-right" the corner between the two timing edges. So
        the rotation of the page follows from the corners. Accurate to about one
        pixel.
    size : int
        Modules per side for square symbols; 0 if not known or rectangular.
    reader : str
        ``"zxing-cpp"`` or ``"libdmtx"``.
    variant : str
        The preprocessing that found it, e.g. ``"zxing:plain"``,
        ``"zxing:adaptive"``, ``"libdmtx:plain"``.
    """

    data: bytes
    corners: tuple[
        tuple[float, float],
        tuple[float, float],
        tuple[float, float],
        tuple[float, float],
    ]
    size: int
    reader: str
    variant: str


def encode(data: bytes) -> SymbolMatrix:
    """Encode bytes as a square DataMatrix ECC 200 symbol in Base256 encodation.

    The smallest square size that holds the data is chosen. No ECI designator
    is written, so every reader returns exactly ``data``.

    Parameters
    ----------
    data : bytes
        1 to :data:`MAX_PAYLOAD_BYTES` (1555) bytes.

    Returns
    -------
    SymbolMatrix

    Raises
    ------
    InputError
        If ``data`` is not bytes, is empty or is too long.

    Examples
    --------
    >>> encode(b"A").size
    10
    >>> encode(bytes(1555)).size
    144
    """
    try:
        raw = bytes(memoryview(data))
    except TypeError as exc:
        raise InputError(f"data must be bytes, got {type(data).__name__}") from exc
    if not raw:
        raise InputError("cannot encode empty data")
    if len(raw) > MAX_PAYLOAD_BYTES:
        raise InputError(
            f"{len(raw)} bytes do not fit in one DataMatrix "
            f"(at most {MAX_PAYLOAD_BYTES} bytes)"
        )
    modules = _ecc200.encode_modules(raw)
    modules.flags.writeable = False
    return SymbolMatrix(modules=modules, size=int(modules.shape[0]))


def _as_int(value: int, name: str, *, minimum: int) -> int:
    try:
        as_int = operator.index(value)
    except TypeError as exc:
        raise InputError(f"{name} must be an integer, got {value!r}") from exc
    if as_int < minimum:
        raise InputError(f"{name} must be >= {minimum}, got {as_int}")
    return as_int


def _check_matrix(matrix: SymbolMatrix) -> npt.NDArray[np.bool_]:
    m = np.asarray(matrix.modules, dtype=bool)
    if m.ndim != 2 or m.shape[0] != m.shape[1] or m.shape[0] != matrix.size:
        raise InputError(f"matrix modules must be ({matrix.size}, {matrix.size})")
    return m


def render_raster(
    matrix: SymbolMatrix, *, module_px: int, quiet_zone: int = 2
) -> GrayImage:
    """Draw a symbol as a gray image, black modules on white.

    Parameters
    ----------
    matrix : SymbolMatrix
        The symbol.
    module_px : int
        Pixels per module side (exact integer, >= 1).
    quiet_zone : int
        Light border in modules on every side (>= 0). ISO/IEC 16022 asks for at
        least one module; two is safer for scans.

    Returns
    -------
    (H, W) uint8 ndarray, 0..255
        0 = dark module, 255 = light; ``H == W == (size + 2 * quiet_zone) *
        module_px``.

    Examples
    --------
    >>> render_raster(encode(b"x"), module_px=3, quiet_zone=1).shape
    (36, 36)
    """
    m = _check_matrix(matrix)
    module_px = _as_int(module_px, "module_px", minimum=1)
    quiet_zone = _as_int(quiet_zone, "quiet_zone", minimum=0)
    padded = np.pad(m, quiet_zone, constant_values=False)
    big = np.repeat(np.repeat(padded, module_px, axis=0), module_px, axis=1)
    out: GrayImage = np.where(big, np.uint8(0), np.uint8(255)).astype(np.uint8)
    return out


def vector_rectangles(
    matrix: SymbolMatrix,
    *,
    module_size: float,
    origin: tuple[float, float] = (0.0, 0.0),
) -> list[tuple[float, float, float, float]]:
    """Return the dark modules as rectangles for vector output (PDF stamping).

    Each horizontal run of dark modules in a row becomes one rectangle.

    Coordinates are PDF user space: x to the right, **y up**. ``origin`` is the
    bottom-left corner of the symbol (the outer corner of the solid "L" finder,
    without quiet zone). Module row ``r`` (row 0 = top of the symbol) spans
    ``y`` from ``origin[1] + (size - 1 - r) * module_size`` to that plus
    ``module_size``; column ``c`` spans ``x`` from ``origin[0] + c * module_size``.
    A rectangle is ``(x, y, w, h)`` with ``(x, y)`` its lower-left corner, as
    the PDF ``re`` operator takes it.

    Parameters
    ----------
    matrix : SymbolMatrix
        The symbol.
    module_size : float
        Side of one module in user-space units (points: 72 per inch).
    origin : (float, float)
        ``(x, y)`` of the symbol's bottom-left corner.

    Returns
    -------
    list of (x, y, w, h)
        Rectangles, top row first, left to right within a row.

    Examples
    --------
    >>> rects = vector_rectangles(encode(b"x"), module_size=1.0)
    >>> rects[0]  # the top-left module of the timing edge
    (0.0, 9.0, 1.0, 1.0)
    >>> rects[-1]  # the solid bottom edge, one rectangle
    (0.0, 0.0, 10.0, 1.0)
    """
    m = _check_matrix(matrix)
    if not float(module_size) > 0:  # also rejects NaN
        raise InputError(f"module_size must be > 0, got {module_size!r}")
    x0, y0 = float(origin[0]), float(origin[1])
    size = m.shape[0]
    out: list[tuple[float, float, float, float]] = []
    for r in range(size):
        row = m[r]
        y = y0 + (size - 1 - r) * module_size
        # Run starts and ends from the row's edges.
        edges = np.diff(np.concatenate(([0], row.astype(np.int8), [0])))
        starts = np.flatnonzero(edges == 1)
        ends = np.flatnonzero(edges == -1)
        for c0, c1 in zip(starts.tolist(), ends.tolist(), strict=True):
            out.append(
                (x0 + c0 * module_size, y, (c1 - c0) * module_size, float(module_size))
            )
    return out


def read(
    image: Image,
    *,
    timeout: float = 2.0,
    max_symbols: int = 4,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    use_libdmtx: bool = False,
) -> tuple[DecodedSymbol, ...]:
    """Find and decode every DataMatrix symbol in an image.

    zxing-cpp reads the image first: once as it is (the cheap pass), then, only
    if that found nothing, with all rotations, inverted symbols and its own
    downscaled copies. Only if it finds nothing, preprocessing variants are
    tried in this order: GlobalHistogram binarizer, adaptive threshold, 2x
    upscale (small images only); then, if ``use_libdmtx``, libdmtx, whose
    results are kept only when they are a single Base256 field that passes an
    independent Reed-Solomon re-check (see :mod:`docsec.barcode._dmtx`).
    Images above 12 Mpx are
    downscaled first. Each reader's Reed-Solomon check must pass; identical
    results at the same place are reported once.

    Parameters
    ----------
    image : (H, W) uint8 ndarray gray, or (H, W, 3) uint8 ndarray BGR, 0..255
        The scan or photo.
    timeout : float
        Seconds after which no further variant is started (> 0). A call can
        overrun it by the time of the stage that is running (bounded by the
        image-size limits; about 1 s on a 12 Mpx image).
    max_symbols : int
        Return at most this many symbols (>= 1).
    max_pixels : int
        Refuse larger images with :class:`~docsec.errors.InputError`.
    use_libdmtx : bool
        Run libdmtx as the last fallback. Off by default: it added no read on
        the corpus or the synthetic conditions (benchmarks/bench_barcode.py)
        and costs up to 1.5 s on an image without a symbol.

    Returns
    -------
    tuple of DecodedSymbol
        Empty when nothing was found.

    Raises
    ------
    InputError
        If ``image`` breaks the array contract, is empty, or is larger than
        ``max_pixels``.
    """
    check_image(image)
    if not float(timeout) > 0:  # also rejects NaN
        raise InputError(f"timeout must be > 0 seconds, got {timeout!r}")
    max_symbols = _as_int(max_symbols, "max_symbols", minimum=1)
    h, w = image.shape[:2]
    if h * w > max_pixels:
        raise InputError(
            f"image has {w}x{h} pixels, above the limit of {max_pixels}; "
            "crop it or raise max_pixels"
        )
    gray = np.ascontiguousarray(to_gray(image))
    if min(h, w) < 8:
        # The smallest symbol (10x10 modules) needs at least 10 pixels a side.
        return ()
    found = _reader.run_cascade(
        gray,
        timeout=float(timeout),
        max_symbols=max_symbols,
        use_libdmtx=bool(use_libdmtx),
    )
    out = []
    for s in found:
        c = s.corners
        out.append(
            DecodedSymbol(
                data=s.data,
                corners=(c[0], c[1], c[2], c[3]),
                size=s.size,
                reader=s.reader,
                variant=s.variant,
            )
        )
    logger.debug("read %d symbol(s) from %dx%d image", len(out), w, h)
    return tuple(out)


def read_qr(
    image: Image, *, max_pixels: int = DEFAULT_MAX_PIXELS
) -> tuple[DecodedSymbol, ...]:
    """Find and decode every QR code in an image (EU DCC seals are QR codes).

    One zxing-cpp pass (all rotations, inverted symbols, downscaled copies);
    the DataMatrix cascade of :func:`read` is not repeated for QR codes.

    Parameters
    ----------
    image : (H, W) uint8 ndarray gray, or (H, W, 3) uint8 ndarray BGR, 0..255
        The scan or photo.
    max_pixels : int
        Refuse larger images with :class:`~docsec.errors.InputError`.

    Returns
    -------
    tuple of DecodedSymbol
        ``size`` is 0 and ``variant`` ``"zxing:qr"``; the corners are in the
        order zxing-cpp reports them (top-left, top-right, bottom-right,
        bottom-left of the symbol).

    Raises
    ------
    InputError
        If ``image`` breaks the array contract or is larger than ``max_pixels``.
    """
    check_image(image)
    h, w = image.shape[:2]
    if h * w > max_pixels:
        raise InputError(
            f"image has {w}x{h} pixels, above the limit of {max_pixels}; "
            "crop it or raise max_pixels"
        )
    if min(h, w) < 21:
        # The smallest QR code (version 1) has 21 modules a side.
        return ()
    gray = np.ascontiguousarray(to_gray(image))
    out = []
    for s in _zxing.read_qr(gray):
        c = s.corners
        out.append(
            DecodedSymbol(
                data=s.data,
                corners=(c[0], c[1], c[2], c[3]),
                size=0,
                reader="zxing-cpp",
                variant="zxing:qr",
            )
        )
    return tuple(out)
