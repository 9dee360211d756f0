"""Shared numerics for the channel models: noise, smooth fields, geometry, rounding.

Everything here is vectorised float32 work on whole pages; nothing touches a global
random state (every draw comes from the ``numpy.random.Generator`` passed in).
"""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt

from docsec._types import Image
from docsec.errors import ConfigurationError, InputError
from docsec.imaging import DEFAULT_MAX_PIXELS

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Micrometres per inch.
UM_PER_INCH = 25_400.0
MM_PER_INCH = 25.4


def _normal_lut() -> F32:
    # Quantiles of the standard normal at the centres of 256 equal-probability bins,
    # rescaled to unit variance: one random byte becomes one N(0, 1) sample with
    # 256 levels (resolution 0.02 sigma, tails cut at 2.9 sigma). Drawing bytes and
    # mapping them is ~8x faster than Generator.standard_normal for page-sized arrays.
    nd = NormalDist()
    q = np.array([nd.inv_cdf((k + 0.5) / 256.0) for k in range(256)], np.float64)
    q /= math.sqrt(float(np.mean(q * q)))
    out: F32 = q.astype(np.float32).reshape(1, 256)
    return out


NORMAL_LUT = _normal_lut()


def cv_f32(result: object) -> F32:
    """Type an OpenCV float32 result as such (OpenCV's stubs return ``MatLike``)."""
    return cast(F32, result)


def cv_u8(result: object) -> Image:
    """Type an OpenCV uint8 result as such (OpenCV's stubs return ``MatLike``)."""
    return cast(Image, result)


def as_generator(rng: object) -> np.random.Generator:
    """Return ``rng`` if it is a Generator, or a new PCG64 Generator seeded with an int."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool):
        if int(rng) < 0:
            raise ConfigurationError(f"seed must be >= 0, got {int(rng)}")
        return np.random.default_rng(int(rng))
    raise ConfigurationError(
        f"rng must be a numpy.random.Generator or an int seed, got {type(rng).__name__}"
    )


def normal(rng: np.random.Generator, shape: tuple[int, ...]) -> F32:
    """Draw i.i.d. N(0, 1) float32 samples (256-level quantised, see ``_normal_lut``)."""
    n = math.prod(shape)
    if n == 0:
        return np.zeros(shape, np.float32)
    raw = np.frombuffer(rng.bytes(n), dtype=np.uint8)
    return lut_noise(raw, NORMAL_LUT, shape)


def upsample(low: F32, shape: tuple[int, int]) -> F32:
    """Resize a coarse float32 field to ``shape`` (rows, cols) bilinearly."""
    h, w = shape
    if low.shape[:2] == (h, w):
        return low
    out = cv_f32(cv2.resize(low, (w, h), interpolation=cv2.INTER_LINEAR))
    return out


def upsample_into(low: F32, dst: F32) -> None:
    """Resize a coarse float32 field bilinearly into the 2-D buffer ``dst``."""
    h, w = dst.shape[:2]
    res = cv2.resize(low, (w, h), dst=dst, interpolation=cv2.INTER_LINEAR)
    if res is not dst:  # OpenCV reallocated: never expected, but stay correct
        dst[...] = res


def to_u8(values: F32) -> Image:
    """Round to nearest (ties to even) and saturate to 0..255, as ``imaging.to_uint8``.

    OpenCV's saturating conversion rounds exactly like ``np.rint`` and is ~4x faster
    on page-sized arrays; negative values are clipped first because
    ``convertScaleAbs`` takes the absolute value. Does not modify ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> from docsec.imaging import to_uint8
    >>> x = np.array([[-3.0, 0.5, 1.5, 2.5, 127.49, 254.5, 255.5, 400.0]], np.float32)
    >>> bool((to_u8(x) == to_uint8(x)).all())
    True
    """
    clipped = np.maximum(values, np.float32(0.0))
    out = cv_u8(cv2.convertScaleAbs(clipped))
    return out


def to_u8_consume(values: F32) -> Image:
    """Like :func:`to_u8`, but may overwrite ``values`` (saves a page-sized copy)."""
    np.maximum(values, np.float32(0.0), out=values)
    out = cv_u8(cv2.convertScaleAbs(values))
    return out


def lut_noise(
    raw: Image, lut: F32, shape: tuple[int, ...], *, dst: F32 | None = None
) -> F32:
    """Map random bytes ``raw`` through a 256-entry float32 table into ``shape``.

    With ``dst`` (a C-contiguous float32 array of ``shape``) the result is written
    there and ``dst`` is returned.
    """
    rows = shape[0] if len(shape) >= 2 else 1
    src = raw.reshape(rows, raw.size // rows)
    table = lut.reshape(1, 256)
    if dst is not None:
        view = dst.reshape(rows, raw.size // rows)
        res = cv2.LUT(src, table, dst=view)
        if res is not view:  # OpenCV reallocated: never expected, but stay correct
            view[...] = res
        return dst
    mapped = cv2.LUT(src, table)
    out: F32 = np.asarray(mapped, dtype=np.float32).reshape(shape)
    return out


def check_pixels(h: int, w: int, *, what: str) -> None:
    """Refuse intermediate grids above the imaging pixel limit (memory, time)."""
    if h * w > DEFAULT_MAX_PIXELS:
        raise InputError(
            f"{what} would be {w}x{h} pixels, above the limit of {DEFAULT_MAX_PIXELS}; "
            "simulate a crop, or use a lower resolution / oversample"
        )


# ------------------------------------------------------------------ geometry
# All matrices are 3x3 float64 acting on homogeneous (x, y, 1) column vectors with
# x = column, y = row, pixel centres at integer coordinates (OpenCV's convention).


def pixels_to_inches(dpi: float) -> F64:
    """Map pixel coordinates of a grid at ``dpi`` to physical inches (pixel centres)."""
    s = 1.0 / dpi
    return np.array([[s, 0.0, 0.5 * s], [0.0, s, 0.5 * s], [0.0, 0.0, 1.0]])


def inches_to_pixels(dpi: float) -> F64:
    """Inverse of :func:`pixels_to_inches`."""
    return np.array([[dpi, 0.0, -0.5], [0.0, dpi, -0.5], [0.0, 0.0, 1.0]])


def grid_scale(src: tuple[int, int], dst: tuple[int, int]) -> F64:
    """Map pixel coordinates of a (rows, cols) grid onto a resized grid (cv2.resize)."""
    sy, sx = dst[0] / src[0], dst[1] / src[1]
    return np.array(
        [[sx, 0.0, 0.5 * sx - 0.5], [0.0, sy, 0.5 * sy - 0.5], [0.0, 0.0, 1.0]]
    )


def rotation_about(deg: float, cx: float, cy: float) -> F64:
    """Rotate by ``deg`` (counter-clockwise on screen, y down) about ``(cx, cy)``."""
    t = math.radians(deg)
    c, s = math.cos(t), math.sin(t)
    # With y pointing down, a visually counter-clockwise turn is x' = c x + s y.
    return np.array(
        [
            [c, s, cx - c * cx - s * cy],
            [-s, c, cy + s * cx - c * cy],
            [0.0, 0.0, 1.0],
        ]
    )


def translation(dx: float, dy: float) -> F64:
    """Translate by ``(dx, dy)``."""
    return np.array([[1.0, 0.0, dx], [0.0, 1.0, dy], [0.0, 0.0, 1.0]])


def scaling(sx: float, sy: float) -> F64:
    """Scale about the origin."""
    return np.array([[sx, 0.0, 0.0], [0.0, sy, 0.0], [0.0, 0.0, 1.0]])


def uniform(rng: np.random.Generator, lo: float, hi: float) -> float:
    """Draw one float uniformly from ``[lo, hi)``."""
    return float(rng.uniform(lo, hi))


def signed(rng: np.random.Generator, lo: float, hi: float) -> float:
    """Draw a magnitude uniformly from ``[lo, hi)`` with a random sign."""
    mag = float(rng.uniform(lo, hi))
    return mag if rng.random() < 0.5 else -mag
