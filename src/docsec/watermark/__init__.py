"""Invisible watermark that survives print and scan.

A keyed, tiled spread-spectrum mark in the luminance of the page background. Each
22.4 mm tile holds 33 x 33 cells of 0.68 mm: 477 pilot cells (known to the key
holder) and 612 cells that carry a 64-bit payload, its 32-bit keyed check tag, and a
rate-1/3 convolutional code. The tile repeats over the page, so its autocorrelation
recovers rotation, scale and crop, and the pilots give the 90-degree orientation,
the tile origin and the presence score. See ``docs/watermark.md``.

This is a building block: :func:`extract` returns a measurement (payload, score,
threshold), never a verdict about the document. :func:`matches` compares it with
the seal's document id; the verifier makes the ``"watermark"`` check of that.

Examples
--------
>>> import numpy as np
>>> key = bytes(range(32))
>>> page = np.full((800, 700), 255, np.uint8)
>>> payload = document_payload(key, "Gangnam-gu Office", "2009-000123")
>>> marked = embed(page, payload, key=key, dpi=300)
>>> found = extract(marked, key=key, dpi=300)
>>> found.present, found.payload == payload
(True, True)
>>> extract(page, key=key, dpi=300).present
False
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import cv2
import numpy as np
import numpy.typing as npt

from docsec._types import GrayImage, Image
from docsec.errors import InputError, KeyMaterialError
from docsec.imaging import check_image, to_gray, to_uint8
from docsec.watermark import _ecc, _spread, _sync

if TYPE_CHECKING:
    from docsec.keys import SecretKey

__all__ = [
    "PAYLOAD_BYTES",
    "SCORE_THRESHOLD",
    "TILE_INCH",
    "Detection",
    "document_payload",
    "embed",
    "extract",
    "make_layer",
    "matches",
]

logger = logging.getLogger(__name__)

#: Payload length in bytes (64 bits).
PAYLOAD_BYTES = 8
#: Side of the square tile in inches (33 cells of 1/37.5 inch: 22.35 mm).
TILE_INCH = _spread.TILE_CELLS / _spread.CELLS_PER_INCH
#: Pilot correlation z-score a detection must reach (in addition to the check tag).
SCORE_THRESHOLD = 7.0
#: A weaker pilot peak is still worth a local refinement (perspective blurs the
#: global fold); decoding always needs SCORE_THRESHOLD.
_REFINE_MIN_Z = 4.5
#: Side of the local windows tried when the central lattice does not decode.
_LOCAL_WINDOW = 512
#: Skew angles (degrees) searched directly when the dpi is given.
_SKEW_SEARCH = tuple(
    sorted((float(a) for a in np.arange(-3.0, 3.01, 0.25)), key=lambda a: (abs(a), a))
)
#: PSNR of the marked page against the input at ``strength=1`` (1 dB above the
#: 40 dB requirement, which leaves room for uint8 rounding).
_TARGET_PSNR = 41.0
#: Amplitude on tints relative to paper white (2.0 is the PSNR optimum; at 2.0 the
#: cell texture showed on a light blue tint at 100 %, see docs/watermark.md).
_TINT_GAIN = 1.5
#: Resolution the detector works at when the scan is finer (4 pixels per cell).
_WORK_DPI = _spread.CELLS_PER_INCH * _sync.FOLD_CELL_PX
_A4_LONG_INCH = 297 / 25.4
_MIN_DPI = 50.0
_MAX_DPI = 2400.0

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Detection:
    """What :func:`extract` measured on one image.

    Attributes
    ----------
    present : bool
        True only if a payload was decoded, its keyed check tag verified, and the
        pilot score reached the threshold.
    payload : bytes or None
        The 8-byte payload when ``present``, else ``None`` (never guessed bits).
    score : float
        Pilot correlation z-score of the best synchronisation hypothesis.
    threshold : float
        The score a detection must reach (:data:`SCORE_THRESHOLD`).
    bit_errors_corrected : int or None
        Coded-bit hard-decision errors the decoder corrected, when ``present``.
    detail : str
        One line for a person.
    """

    present: bool
    payload: bytes | None
    score: float
    threshold: float
    bit_errors_corrected: int | None
    detail: str

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form used by ``docsec watermark extract --json``."""
        return {
            "present": self.present,
            "payload": None if self.payload is None else self.payload.hex(),
            "score": round(self.score, 3),
            "threshold": self.threshold,
            "bit_errors_corrected": self.bit_errors_corrected,
            "detail": self.detail,
        }


def _material(key: bytes | SecretKey) -> bytes:
    if isinstance(key, bytes | bytearray):
        raw = bytes(key)
    else:
        purpose = key.purpose
        if purpose != "watermark":
            raise KeyMaterialError(
                f"a watermark key is needed, got a key for {purpose!r}"
            )
        raw = bytes(key.material)
    if len(raw) < 16:
        raise KeyMaterialError(
            f"watermark key material must be at least 16 bytes, got {len(raw)}"
        )
    return hmac.new(raw, b"docsec/watermark/v1", hashlib.sha256).digest()


def document_payload(
    key: bytes | SecretKey, issuer: str, document_number: str
) -> bytes:
    """Return the keyed 64-bit document id that binds a page to its seal.

    HMAC-SHA256 under the watermark key over the length-prefixed UTF-8 issuer and
    document number, truncated to 8 bytes: nobody without the key can compute the
    id of a document from its public data.

    Parameters
    ----------
    key : bytes or SecretKey
        The issuer's watermark key (32 bytes of material).
    issuer : str
        Issuer identifier as written in the seal.
    document_number : str
        Document number as written in the seal.

    Returns
    -------
    bytes
        8 bytes.

    Examples
    --------
    >>> document_payload(bytes(32), "DE-BSI", "A123").hex()
    'f53e92a94de0dd66'
    """
    mat = _material(key)
    msg = b"docsec/watermark/v1/document-id\x00"
    for part in (issuer, document_number):
        data = part.encode("utf-8")
        msg += len(data).to_bytes(4, "big") + data
    return hmac.new(mat, msg, hashlib.sha256).digest()[:PAYLOAD_BYTES]


def _check_payload(payload: object) -> bytes:
    if not isinstance(payload, bytes | bytearray) or len(payload) != PAYLOAD_BYTES:
        raise InputError(f"watermark payload must be {PAYLOAD_BYTES} bytes")
    return bytes(payload)


def _check_dpi(dpi: object) -> float:
    if not (isinstance(dpi, int | float) and _MIN_DPI <= float(dpi) <= _MAX_DPI):
        raise InputError(f"dpi must be between {_MIN_DPI} and {_MAX_DPI}, got {dpi!r}")
    return float(dpi)


def _check_strength(strength: object) -> float:
    if not (isinstance(strength, int | float) and 0 < strength <= 8):
        raise InputError(f"strength must be in (0, 8], got {strength!r}")
    return float(strength)


def _amplitude_weight() -> F64:
    """Per-gray-level amplitude weight: full on paper and tint, a quarter on dark ink.

    Solid text does not carry the mark through a printer (toner saturates), so the
    PSNR budget is spent where the page is light.
    """
    t = np.clip((np.arange(256, dtype=np.float64) - 64.0) / 96.0, 0.0, 1.0)
    out: F64 = 0.25 + 0.75 * t * t * (3.0 - 2.0 * t)
    return out


_WEIGHT = _amplitude_weight()
_LEVELS = np.arange(256, dtype=np.float64)


def _luts(amp: float) -> tuple[F32, F32]:
    """Return per-gray-level amplitude ``W`` and downward shift ``S`` for ``amp``.

    Where the page has headroom (a tint, grey) the mark is ``+-_TINT_GAIN * amp``;
    on paper white it is ``+-amp`` shifted down by ``amp`` (white paper cannot get
    whiter, so there it only darkens), with a linear blend in between. More
    amplitude on tints pays: a zero-mean mark costs half the squared error of a
    darken-only mark of the same AC amplitude (the PSNR optimum would be 2x), and
    printers render tints more linearly than the faintest greys, which some drivers
    drop (see docs/watermark.md).
    """
    base = amp * _WEIGHT
    full = _TINT_GAIN * base
    headroom = 255.0 - _LEVELS
    t = np.clip(headroom / np.maximum(full, 1e-9), 0.0, 1.0)
    w = base * (1.0 + t)
    s = np.clip(_LEVELS - 255.0 + w, 0.0, w)
    return w.astype(np.float32), s.astype(np.float32)


def _difference(host: GrayImage, pattern: F32, strength: float) -> F32:
    """Return the additive mark for a page, scaled to the PSNR budget.

    The amplitude is the largest (measured on a 1/25 subsample, after uint8
    rounding) that keeps the PSNR at or above ``_TARGET_PSNR - 20 log10(strength)``.
    """
    target_mse = 255.0**2 * 10 ** (-_TARGET_PSNR / 10) * strength**2
    # Stride 5 is coprime with the 8-pixel cell, so the sample sees every cell phase.
    hs = np.ascontiguousarray(host[::5, ::5])
    ps = pattern[::5, ::5]
    hf = hs.astype(np.float32)

    def mse(amp: float) -> float:
        w, s = _luts(amp)
        d = np.clip(np.rint(cv2.LUT(hs, w) * ps - cv2.LUT(hs, s)), -hf, 255.0 - hf)
        return float(np.mean(d * d))

    # uint8 rounding makes the MSE a staircase in the amplitude: bisect for the
    # largest amplitude that stays within the budget.
    lo, hi = 0.0, 8.0 * strength
    for _ in range(14):
        mid = 0.5 * (lo + hi)
        if mse(mid) <= target_mse:
            lo = mid
        else:
            hi = mid
    amp = lo
    w, s = _luts(amp)
    host_c = np.ascontiguousarray(host)
    out: F32 = cv2.LUT(host_c, w) * pattern - cv2.LUT(host_c, s)
    return out


def embed(
    image: Image,
    payload: bytes,
    *,
    key: bytes | SecretKey,
    dpi: float,
    strength: float = 1.0,
) -> Image:
    """Return a copy of a page image with the watermark added.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The page as it will be printed (tile origin = top-left corner).
    payload : bytes
        8 bytes, usually :func:`document_payload`.
    key : bytes or SecretKey
        The issuer's watermark key.
    dpi : float
        Resolution of ``image`` (the mark has a fixed physical size).
    strength : float
        Amplitude factor. At 1.0 the marked page has PSNR 41 dB against ``image``;
        2.0 doubles the amplitude (35 dB).

    Returns
    -------
    (H, W) or (H, W, 3) uint8 ndarray
        Same shape and dtype as ``image``.
    """
    check_image(image, min_size=16)
    payload = _check_payload(payload)
    dpi = _check_dpi(dpi)
    strength = _check_strength(strength)
    mat = _material(key)
    cells = _spread.cell_signs(mat, payload)
    pattern = _spread.render_pattern(cells, image.shape[:2], dpi)
    if image.ndim == 3:
        # The brightest channel sets the headroom (no channel may clip); cv2.max is
        # 20x faster than ndarray.max(axis=2) on an A4 page.
        host: GrayImage = np.asarray(
            cv2.max(cv2.max(image[:, :, 0], image[:, :, 1]), image[:, :, 2]), np.uint8
        )
    else:
        host = image
    diff = _difference(host, pattern, strength)
    if image.ndim == 3:
        # Round once on the 2-D mark, then add in int16: the same values as
        # to_uint8(image + diff) (the image is integer) at a quarter of the cost.
        step = np.rint(diff).astype(np.int16)
        out3: Image = np.clip(image.astype(np.int16) + step[:, :, None], 0, 255).astype(
            np.uint8
        )
        return out3
    return to_uint8(image.astype(np.float32) + diff)


def make_layer(
    payload: bytes,
    *,
    key: bytes | SecretKey,
    shape: tuple[int, int],
    dpi: float,
    strength: float = 1.0,
) -> GrayImage:
    """Return the watermark as a gray background layer for a PDF page.

    The layer is what :func:`embed` does to white paper: 255 where nothing is
    printed, slightly darker cells elsewhere. Place it under the page content with
    blend mode ``Multiply`` (or as the lowest layer of a white page), scaled so one
    layer pixel is ``1 / dpi`` inch and its top-left corner on the page's.

    Parameters
    ----------
    payload : bytes
        8 bytes.
    key : bytes or SecretKey
        The issuer's watermark key.
    shape : (int, int)
        ``(rows, cols)`` of the layer in pixels.
    dpi : float
        Layer resolution. At 300 or 600 dpi a layer of ``264 * dpi / 300`` pixels
        square is exactly one tile and can be used as a PDF tiling pattern.
    strength : float
        As in :func:`embed`.

    Returns
    -------
    (rows, cols) uint8 ndarray
        Gray, 255 = paper.
    """
    rows, cols = shape
    page = np.full((int(rows), int(cols)), 255, dtype=np.uint8)
    return embed(page, payload, key=key, dpi=dpi, strength=strength)


def _work_image(gray: GrayImage, est: float) -> tuple[F32, float]:
    """Return the gray work image (about 4 px per cell) and its cell size in px.

    ``est`` is the (estimated) resolution of ``gray`` in dpi.
    """
    factor = min(1.0, _WORK_DPI / est)
    if factor < 0.98:
        work = cv2.resize(
            gray, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA
        )
    else:
        factor = 1.0
        work = gray
    cell_px = est * factor / _spread.CELLS_PER_INCH
    return work.astype(np.float32), cell_px


def extract(
    image: Image, *, key: bytes | SecretKey, dpi: float | None = None
) -> Detection:
    """Find and decode the watermark in a scan, photo or rendered page.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The captured page (any rotation, scale, crop; mild perspective).
    key : bytes or SecretKey
        The issuer's watermark key.
    dpi : float or None
        Approximate resolution of ``image`` if known (from the file or scanner);
        ``None`` assumes the image shows roughly a whole A4 page.

    Returns
    -------
    Detection
        ``present`` is True only when the decoded payload's keyed check tag verifies
        and the pilot score reaches the threshold; otherwise ``payload`` is None.
    """
    check_image(image, min_size=16)
    mat = _material(key)
    layout = _spread.layout_for_key(mat)
    templates = _sync.pilot_templates(layout.pilot_tile())
    gray = to_gray(image)
    if dpi is not None:
        guesses = [_check_dpi(dpi)]
    else:
        # Without a dpi: first assume the image shows a whole A4 page, then that the
        # page fills about half of it (a phone photo taken from further away). The
        # lattice search measures the period within 0.6-1.6x of the guess.
        full = max(gray.shape) / _A4_LONG_INCH
        guesses = [full, 0.5 * full]
    best_z = 0.0
    attempts = 0
    too_small = True
    for est in guesses:
        work, cell_px = _work_image(gray, est)
        period = cell_px * _spread.TILE_CELLS
        if min(work.shape) < 1.2 * period:
            continue
        too_small = False
        z = _sync.prefilter(work, cell_px)
        hypotheses = _hypotheses(z, period, templates, scale_known=dpi is not None)
        for hit, flat in hypotheses:
            best_z = max(best_z, hit.z)
            if hit.z < SCORE_THRESHOLD:
                continue
            attempts += 1
            cells = _sync.sample_cells(_sync.fold(flat), hit)
            found = _decode(mat, layout, cells)
            if found is None:
                continue
            payload, errors = found
            logger.debug(
                "watermark found: z=%.1f, %d bit errors, attempt %d",
                hit.z,
                errors,
                attempts,
            )
            return Detection(
                present=True,
                payload=payload,
                score=hit.z,
                threshold=SCORE_THRESHOLD,
                bit_errors_corrected=errors,
                detail=f"watermark decoded (pilot z={hit.z:.1f}, "
                f"{errors} coded-bit errors corrected)",
            )
    if too_small:
        return Detection(
            present=False,
            payload=None,
            score=0.0,
            threshold=SCORE_THRESHOLD,
            bit_errors_corrected=None,
            detail="image too small to hold two watermark tiles",
        )
    logger.debug("no watermark: best z=%.1f after %d decode attempts", best_z, attempts)
    return Detection(
        present=False,
        payload=None,
        score=best_z,
        threshold=SCORE_THRESHOLD,
        bit_errors_corrected=None,
        detail=f"no watermark found (best pilot z={best_z:.1f})",
    )


def _hypotheses(
    z: F32,
    period: float,
    templates: list[npt.NDArray[np.complex128]],
    *,
    scale_known: bool,
) -> Iterator[tuple[_sync.PilotHit, F32]]:
    """Yield synchronisation hypotheses (pilot hit, fold-frame image), best first.

    First the lattice of the central window (up to 1024 work pixels): for each of
    its 2 best lattices and 2 best pilot peaks, the affine fold, then homographies
    fitted to local pilot shifts (blocks of 2x2 tiles, then single tiles). When the
    caller gave the dpi (a flatbed scan: scale known, skew small), lattices whose
    period is more than 15 % off the expected one are skipped (a printer's periodic
    dither mask can own the autocorrelation), and next comes a direct search over
    skew angles, nearest to 0 first, of -3..3 degrees in 0.25 degree steps that
    needs no autocorrelation. Last (first, after the central lattice, without a
    dpi: strong perspective bends the lattice across the page), the same from the
    lattice of each of up to 9 windows of 512 work pixels, seeded from that window
    alone and grown over the page. At most 2 x 2 x 3 + 9 x 4 + 25 x 3 = 123
    hypotheses reach the decoder (see the false-positive bound in
    docs/watermark.md).
    """
    for lat in _sync.find_lattices(z, 0.6 * period, 1.6 * period):
        if scale_known and not _near_period(lat.basis, period):
            continue
        warp, size = _sync.frame_for(lat.basis, z.shape)
        flat = _sync.warp_to_frame(z, warp, size)
        for hit in _sync.pilot_search(_sync.fold(flat), templates):
            yield hit, flat
            if hit.z >= _REFINE_MIN_Z:
                yield from _refinements(z, warp, size, flat, hit, templates, (2, 1))
    if scale_known:
        yield from _skew_search(z, period, templates)
    yield from _local_seeds(z, period, templates)


def _near_period(basis: F64, period: float) -> bool:
    """Return True if both lattice vectors are within 15 % of the expected period."""
    lengths = np.hypot(basis[0], basis[1])
    return bool(np.all(np.abs(lengths / period - 1.0) <= 0.15))


def _skew_search(
    z: F32, period: float, templates: list[npt.NDArray[np.complex128]]
) -> Iterator[tuple[_sync.PilotHit, F32]]:
    """Yield hypotheses from folds at known scale and a range of skew angles."""
    for degrees in _SKEW_SEARCH:
        rad = np.deg2rad(degrees)
        rot = np.array([[np.cos(rad), -np.sin(rad)], [np.sin(rad), np.cos(rad)]])
        warp, size = _sync.frame_for(period * rot, z.shape)
        flat = _sync.warp_to_frame(z, warp, size)
        hits = _sync.pilot_search(_sync.fold(flat), templates, 1)
        if hits and hits[0].z >= _REFINE_MIN_Z:
            yield hits[0], flat
            yield from _refinements(z, warp, size, flat, hits[0], templates, (2, 1))


def _local_seeds(
    z: F32, period: float, templates: list[npt.NDArray[np.complex128]]
) -> Iterator[tuple[_sync.PilotHit, F32]]:
    """Yield hypotheses seeded from the lattices of 9 windows, grown over the page."""
    rows, cols = z.shape
    win = _LOCAL_WINDOW
    if min(rows, cols) < 1.5 * win:
        return
    for fr in (0.5, 0.25, 0.75):
        for fc in (0.5, 0.25, 0.75):
            r0 = int(np.clip(fr * rows - win / 2, 0, rows - win))
            c0 = int(np.clip(fc * cols - win / 2, 0, cols - win))
            local = z[r0 : r0 + win, c0 : c0 + win]
            found = _sync.find_lattices(local, 0.6 * period, 1.6 * period, n_best=1)
            if not found:
                continue
            warp, size = _sync.frame_for(found[0].basis, z.shape)
            masked = np.zeros_like(z)
            masked[r0 : r0 + win, c0 : c0 + win] = local
            seed = _sync.pilot_search(
                _sync.fold(_sync.warp_to_frame(masked, warp, size)), templates, 1
            )
            if not seed or seed[0].z < _REFINE_MIN_Z:
                continue
            flat = _sync.warp_to_frame(z, warp, size)
            yield from _refinements(
                z, warp, size, flat, seed[0], templates, (2, 2, 1, 1)
            )


def _refinements(
    z: F32,
    warp: F64,
    size: tuple[int, int],
    flat: F32,
    hit: _sync.PilotHit,
    templates: list[npt.NDArray[np.complex128]],
    blocks: tuple[int, ...],
) -> Iterator[tuple[_sync.PilotHit, F32]]:
    """Refine a hypothesis by local pilot shifts, yielding each stage."""
    for block_tiles in blocks:
        refined = _sync.refine_warp(
            flat, warp, hit, templates[hit.rotation], block_tiles=block_tiles
        )
        if refined is None:
            return
        warp = refined
        flat = _sync.warp_to_frame(z, refined, size)
        again = _sync.pilot_search(_sync.fold(flat), templates, 1)
        if not again:
            return
        hit = again[0]
        yield hit, flat


def _decode(mat: bytes, layout: _spread.Layout, cells: F64) -> tuple[bytes, int] | None:
    flat = cells.reshape(-1) * layout.pn
    data = ~layout.pilot
    soft = np.zeros(_ecc.CODED_BITS)
    np.add.at(soft, layout.data_index[data], flat[data])
    bits = _ecc.viterbi_decode(soft)
    payload = _ecc.payload_from_info(mat, bits)
    if payload is None:
        return None
    coded = _ecc.conv_encode(bits)
    errors = int(np.count_nonzero((soft < 0) != (coded == 1)))
    return payload, errors


def matches(detection: Detection, expected: bytes) -> bool | None:
    """Compare a watermark detection with the document id the seal implies.

    A measurement, not a check: the verifier (:mod:`docsec.verify`) makes the
    ``"watermark"`` check of it.

    Parameters
    ----------
    detection : Detection
        From :func:`extract`.
    expected : bytes
        :func:`document_payload` of the seal's issuer and document number.

    Returns
    -------
    bool or None
        None when no watermark was found; True when the page's carries
        ``expected`` (compared in constant time); False when it carries another
        id (page and seal do not belong together).
    """
    expected = _check_payload(expected)
    if not detection.present or detection.payload is None:
        return None
    return hmac.compare_digest(detection.payload, expected)
