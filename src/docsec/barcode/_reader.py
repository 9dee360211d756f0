"""The read cascade: zxing-cpp first, preprocessing variants, libdmtx last.

Each stage runs only when every earlier stage found nothing, so a clean image
costs one zxing-cpp call: the first is a cheap one (no rotation, no inversion,
no downscaled copies: 20 ms instead of 47 ms on a 300-dpi A4 scan), the second
zxing-cpp's thorough search. The order and the set of variants come from the
measurements in ``benchmarks/bench_barcode.py`` (corpus) and the robustness
tests (synthetic prints); a variant stays only where it added reads:

* corpus (116 labelled images): plain zxing-cpp 112; GlobalHistogram adds 1
  (issue1063), adaptive threshold adds 2 (issue794-13-4, issue794-3-2);
  upscale x2 adds reads on synthetic 1.6-2 px modules; a Gaussian blur variant
  and libdmtx added none on the corpus or on the synthetic conditions of
  tests/barcode, so blur was dropped and libdmtx is off unless asked for
  (``use_libdmtx=True``): it costs up to 1.5 s on every image without a symbol.

Hangs are bounded three ways: the image given to any reader is at most
:data:`MAX_WORK_PIXELS` (larger images are downscaled first; up to 5 % more is
read as it is), the upscale
variant runs only on small images, and the cascade stops starting new stages
once the caller's deadline has passed (libdmtx receives the remaining time as
its own timeout).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from docsec._types import GrayImage
from docsec.barcode import _dmtx, _zxing
from docsec.imaging import reduce

__all__ = ["MAX_WORK_PIXELS", "RawSymbol", "run_cascade"]

logger = logging.getLogger(__name__)

#: Largest image (pixels) handed to a reader; larger inputs are downscaled with
#: area averaging first. 12 Mpx is an A4 page at ~350 dpi; zxing-cpp reads it in
#: well under a second on one core (measured), and seal modules printed at
#: >= 0.33 mm stay >= 4 px.
MAX_WORK_PIXELS = 12_000_000
#: Images up to this size are read as they are (a 12-megapixel phone photo,
#: 4032 x 3024 = 12.19 Mpx, was downscaled by 0.993 at a cost of ~60 ms for
#: nothing); larger ones are downscaled to :data:`MAX_WORK_PIXELS`.
_NATIVE_PIXELS = 12_600_000
#: Upscale x2 only images up to this size (the variant targets 1-2 px modules).
_MAX_UPSCALE_PIXELS = 2_000_000
#: Images handed to libdmtx are at most this large: its search time grows with
#: area (measured: 2 s for a 0.8 Mpx figure without a symbol count limit).
_MAX_DMTX_PIXELS = 4_000_000
#: libdmtx's own timeout is never longer than this.
_MAX_DMTX_MS = 1500


@dataclass(frozen=True, slots=True)
class RawSymbol:
    """A decoded symbol in the caller's pixel coordinates."""

    data: bytes
    corners: tuple[tuple[float, float], ...]
    size: int
    reader: str
    variant: str


def _resize(gray: GrayImage, scale: float) -> GrayImage:
    h, w = gray.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out: GrayImage = np.asarray(
        cv2.resize(gray, size, interpolation=interp), dtype=np.uint8
    )
    return out


def _downscale(gray: GrayImage, scale: float) -> GrayImage:
    """Area-downscale by ``scale`` < 1: halvings first, then the rest.

    OpenCV's area reduction by a whole factor is several times faster than by a
    fraction (a 1200-ppi page to 12 Mpx: 0.29 s in one step, ~0.07 s as one
    halving and the rest), and the means of means are the same area averages.
    Output size and pixel-centre mapping are those of one ``_resize`` step.
    """
    h, w = gray.shape
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    factor = 1
    while scale * factor * 2 <= 1.0 and min(h, w) // (factor * 2) >= 1:
        factor *= 2
    if factor > 1:
        gray = reduce(gray, factor)
    out: GrayImage = np.asarray(
        cv2.resize(gray, size, interpolation=cv2.INTER_AREA), dtype=np.uint8
    )
    return out


def _adaptive(gray: GrayImage) -> GrayImage:
    # Block about 1/8 of the short side: larger than a module at any scale the
    # reader accepts, smaller than typical shading gradients of phone photos.
    block = int(min(gray.shape) / 8) | 1
    block = min(max(block, 15), 151)
    out: GrayImage = np.asarray(
        cv2.adaptiveThreshold(
            gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, 5
        ),
        dtype=np.uint8,
    )
    return out


@dataclass(frozen=True, slots=True)
class _Variant:
    name: str
    scale: float  # resize factor applied to the work image (1.0 = none)
    prep: Callable[[GrayImage], GrayImage] | None
    binarizer: str
    max_pixels: int  # skip when the work image (before this variant) is larger


_VARIANTS: Sequence[_Variant] = (
    _Variant("zxing:global", 1.0, None, "global", _NATIVE_PIXELS),
    _Variant("zxing:adaptive", 1.0, _adaptive, "local", _NATIVE_PIXELS),
    _Variant("zxing:upscale2", 2.0, None, "local", _MAX_UPSCALE_PIXELS),
)


def _to_original(
    corners: tuple[tuple[float, float], ...], scale: float
) -> tuple[tuple[float, float], ...]:
    # Pixel centres: x_scaled + 0.5 = (x_orig + 0.5) * scale.
    return tuple(((x + 0.5) / scale - 0.5, (y + 0.5) / scale - 0.5) for x, y in corners)


def _zxing_stage(
    work: GrayImage,
    work_scale: float,
    variant: _Variant | None,
    *,
    thorough: bool = True,
) -> list[RawSymbol]:
    if variant is None:
        name = "zxing:plain" if thorough else "zxing:fast"
    else:
        name = variant.name
    img = work
    scale = work_scale
    binarizer = "local"
    if variant is not None:
        if variant.scale != 1.0:
            img = _resize(img, variant.scale)
            scale *= variant.scale
        if variant.prep is not None:
            img = variant.prep(img)
        binarizer = variant.binarizer
    found = _zxing.read_zxing(img, binarizer=binarizer, thorough=thorough)
    return [
        RawSymbol(
            data=s.data,
            corners=_to_original(s.corners, scale),
            size=s.rows if s.rows == s.cols else 0,
            reader="zxing-cpp",
            variant=name,
        )
        for s in found
    ]


def _dmtx_stage(
    work: GrayImage, work_scale: float, timeout_ms: int, max_symbols: int
) -> list[RawSymbol]:
    img = work
    scale = work_scale
    if img.size > _MAX_DMTX_PIXELS:
        extra = math.sqrt(_MAX_DMTX_PIXELS / img.size)
        img = _resize(img, extra)
        scale *= extra
    out = []
    for s in _dmtx.decode_dmtx(img, timeout_ms=timeout_ms, max_count=max_symbols):
        payload = s.base256_payload()
        if payload is None:
            logger.debug(
                "libdmtx result dropped (ecc_ok=%s, not a single Base256 field)",
                s.ecc_ok,
            )
            continue
        out.append(
            RawSymbol(
                data=payload,
                corners=_to_original(s.corners, scale),
                size=s.rows if s.rows == s.cols else 0,
                reader="libdmtx",
                variant="libdmtx:plain",
            )
        )
    return out


def _same_symbol(a: RawSymbol, b: RawSymbol) -> bool:
    if a.data != b.data:
        return False
    ca = np.mean(np.asarray(a.corners), axis=0)
    cb = np.mean(np.asarray(b.corners), axis=0)
    side = float(np.linalg.norm(np.subtract(a.corners[0], a.corners[1])))
    return float(np.linalg.norm(ca - cb)) <= max(side / 2.0, 4.0)


def _dedupe(found: list[RawSymbol]) -> list[RawSymbol]:
    out: list[RawSymbol] = []
    for s in found:
        if not any(_same_symbol(s, o) for o in out):
            out.append(s)
    return out


def run_cascade(
    gray: GrayImage,
    *,
    timeout: float,
    max_symbols: int,
    use_libdmtx: bool = False,
) -> list[RawSymbol]:
    """Run the read cascade on a checked gray image.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, 0..255
        The image (already checked).
    timeout : float
        Seconds after which no new stage is started.
    max_symbols : int
        Return at most this many symbols.
    use_libdmtx : bool
        Run the libdmtx fallback stage.

    Returns
    -------
    list of RawSymbol
        Deduplicated, in the order found.
    """
    start = time.monotonic()
    deadline = start + timeout
    work = gray
    work_scale = 1.0
    if gray.size > _NATIVE_PIXELS:
        work_scale = math.sqrt(MAX_WORK_PIXELS / gray.size)
        work = _downscale(gray, work_scale)
        logger.debug(
            "image %dx%d downscaled by %.3f before reading",
            gray.shape[1],
            gray.shape[0],
            work_scale,
        )
    # Two passes (issue #19): one cheap reading of the image as it is finds the
    # seal on every scan and photo measured; the thorough reading (rotations,
    # inverted symbols, zxing's own downscaled copies) only when it found nothing.
    found = _zxing_stage(work, work_scale, None, thorough=False)
    if not found:
        found = _zxing_stage(work, work_scale, None)
    for variant in _VARIANTS:
        if found:
            break
        if time.monotonic() >= deadline:
            logger.debug("read deadline reached before %s", variant.name)
            break
        if work.size > variant.max_pixels:
            continue
        found = _zxing_stage(work, work_scale, variant)
    if not found and use_libdmtx:
        remaining_ms = int((deadline - time.monotonic()) * 1000)
        if remaining_ms > 0:
            found = _dmtx_stage(
                work, work_scale, min(remaining_ms, _MAX_DMTX_MS), max_symbols
            )
        else:
            logger.debug("read deadline reached before libdmtx")
    return _dedupe(found)[:max_symbols]
