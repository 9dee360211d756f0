"""Synchronisation: find the tile lattice in a scan, fold the page, locate the pilots.

1. :func:`prefilter` removes the page (paper, text, tint, illumination) and keeps the
   mid-frequency texture the mark lives in: a high-pass, a local contrast
   normalisation, and clipping (text edges then weigh no more than paper).
2. :func:`find_lattices`: the mark repeats with the tile period, so the
   autocorrelation of the filtered image has peaks on the tile lattice, whatever
   the rotation, scale, shear or crop. The two shortest lattice vectors give an
   affine map from the scan to the tile frame (up to the square's 90-degree
   symmetry, resolved by the pilots).
3. :func:`fold` resamples the image into the tile frame and sums all periods into
   one tile; :func:`pilot_search` correlates it with the key's pilot cells in the
   four orientations (FFT, all cyclic shifts at once).
4. :func:`refine_warp` measures the pilot shift in local blocks and fits a
   homography, for phone photos whose perspective bends the lattice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docsec.watermark._spread import TILE_CELLS

__all__ = [
    "FOLD_CELL_PX",
    "FOLD_PX",
    "Lattice",
    "PilotHit",
    "find_lattices",
    "fold",
    "pilot_search",
    "prefilter",
    "sample_cells",
]

logger = logging.getLogger(__name__)

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]

#: Pixels per cell in the folded tile.
FOLD_CELL_PX = 4
#: Pixels per tile side in the folded tile.
FOLD_PX = FOLD_CELL_PX * TILE_CELLS
#: Side of the largest window used for the autocorrelation (work pixels).
_AC_WINDOW = 1024
_CLIP = 2.5
_INK_SIGMAS = 8.0
#: A lattice peak must exceed this many robust standard deviations of the
#: autocorrelation (its noise floor).
_PEAK_SIGMAS = 5.0
#: A lattice vector is a harmonic of a finer peak q when it is k * q within this
#: many pixels.
_HARMONIC_TOL = 1.5


def _smooth(img: F32, sigma: float) -> F32:
    """Gaussian low-pass; large kernels run on a reduced copy (same result, 10x faster)."""
    factor = int(sigma // 3)
    if factor < 2:
        return np.asarray(cv2.GaussianBlur(img, (0, 0), sigmaX=sigma), np.float32)
    rows, cols = img.shape
    small = np.asarray(
        cv2.resize(
            img,
            (max(1, cols // factor), max(1, rows // factor)),
            interpolation=cv2.INTER_AREA,
        ),
        np.float32,
    )
    # INTER_AREA already averaged over `factor` pixels (variance factor**2 / 12).
    rest = float(np.sqrt(max(sigma**2 - factor**2 / 12.0, 0.25))) / factor
    small = np.asarray(cv2.GaussianBlur(small, (0, 0), sigmaX=rest), np.float32)
    out = cv2.resize(small, (cols, rows), interpolation=cv2.INTER_LINEAR)
    return np.asarray(out, np.float32)


def prefilter(gray: F32, cell_px: float) -> F32:
    """Return the normalised high-pass texture of a work image.

    Parameters
    ----------
    gray : (H, W) float32 ndarray
        The page in gray levels.
    cell_px : float
        Expected cell size in pixels of ``gray`` (sets the filter scales).

    Returns
    -------
    (H, W) float32 ndarray
        Roughly zero-mean, unit-scale, clipped to +-2.5.
    """
    sigma = 2.0 * cell_px
    hp = gray - _smooth(gray, sigma)
    # Ink mask: edges far above the paper's texture level (text, lines, the seal)
    # carry no mark through a printer and would dominate every correlation.
    level = float(np.median(np.abs(hp[::4, ::4]))) * 1.4826
    ink = (np.abs(hp) > _INK_SIGMAS * max(level, 0.5)).astype(np.uint8)
    size = 2 * round(cell_px) + 1
    ink = cv2.dilate(ink, np.ones((size, size), np.uint8))
    valid = (1 - ink).astype(np.float32)
    # Normalised convolution: the local paper level is estimated from paper pixels
    # only, so text does not leave a bright halo around itself.
    den = _smooth(valid, sigma) + np.float32(1e-3)
    low = _smooth(gray * valid, sigma) / den
    hp = (gray - low) * valid
    den = _smooth(valid, 2 * sigma) + np.float32(1e-3)
    energy = _smooth(hp * hp, 2 * sigma) / den
    scale = np.sqrt(energy) + np.float32(0.25)
    out: F32 = np.clip(hp / scale, -_CLIP, _CLIP).astype(np.float32)
    return out


@dataclass(frozen=True)
class Lattice:
    """Two tile-period vectors ``(x, y)`` in work pixels, and their peak score.

    The score is the autocorrelation summed over eight lattice points, in units of
    the autocorrelation's noise floor.
    """

    basis: F64  # (2, 2): columns p1, p2
    score: float


def _taper(n: int) -> F64:
    """Tukey window with 12.5 % cosine edges."""
    w = np.ones(n)
    edge = max(1, n // 8)
    ramp = 0.5 - 0.5 * np.cos(np.pi * (np.arange(edge) + 0.5) / edge)
    w[:edge] = ramp
    w[n - edge :] = ramp[::-1]
    return w


def _spectrum(z: F32) -> F32:
    """Return the square-root power spectrum (rfft2 layout) of the central window.

    Square-root magnitude is a partial whitening: the lattice peaks of the
    autocorrelation stay sharp while the strong low-frequency page structure does
    not dominate.
    """
    rows, cols = z.shape
    h, w = min(rows, _AC_WINDOW), min(cols, _AC_WINDOW)
    r0, c0 = (rows - h) // 2, (cols - w) // 2
    win = z[r0 : r0 + h, c0 : c0 + w].astype(np.float64)
    win = (win - win.mean()) * np.outer(_taper(h), _taper(w))
    return np.abs(np.fft.rfft2(win)).astype(np.float32)


def _autocorrelation_of(mag: F32, shape: tuple[int, int]) -> F64:
    h, w = shape
    ac = np.fft.fftshift(np.fft.irfft2(mag.astype(np.float64), s=shape))
    centre = ac[h // 2, w // 2]
    if centre <= 0:
        return np.zeros_like(ac)
    out: F64 = ac / centre
    return out


def _window_shape(z: F32) -> tuple[int, int]:
    return min(z.shape[0], _AC_WINDOW), min(z.shape[1], _AC_WINDOW)


def _autocorrelation(z: F32) -> F64:
    return _autocorrelation_of(_spectrum(z), _window_shape(z))


def _peak_near(ac: F64, x: float, y: float, radius: int) -> tuple[float, float, float]:
    """Return the subpixel position ``(x, y)`` and value of the maximum near a point.

    Coordinates are relative to the centre of ``ac``.
    """
    h, w = ac.shape
    cx, cy = w // 2, h // 2
    xi, yi = round(x) + cx, round(y) + cy
    x0, x1 = max(xi - radius, 1), min(xi + radius + 1, w - 1)
    y0, y1 = max(yi - radius, 1), min(yi + radius + 1, h - 1)
    if x0 >= x1 or y0 >= y1:
        return x, y, 0.0
    patch = ac[y0:y1, x0:x1]
    iy, ix = np.unravel_index(int(np.argmax(patch)), patch.shape)
    py, px = int(iy) + y0, int(ix) + x0
    val = float(ac[py, px])
    dx = dy = 0.0
    den = ac[py, px - 1] - 2 * val + ac[py, px + 1]
    if den < 0:
        dx = float(0.5 * (ac[py, px - 1] - ac[py, px + 1]) / den)
    den = ac[py - 1, px] - 2 * val + ac[py + 1, px]
    if den < 0:
        dy = float(0.5 * (ac[py - 1, px] - ac[py + 1, px]) / den)
    return px - cx + float(np.clip(dx, -1, 1)), py - cy + float(np.clip(dy, -1, 1)), val


def _value_near(ac: F64, point: F64) -> float:
    """Return the autocorrelation maximum within 2 pixels of ``point`` ``(x, y)``."""
    return _peak_near(ac, float(point[0]), float(point[1]), 2)[2]


_SCORE_POINTS = ((1, 0), (0, 1), (1, 1), (1, -1), (2, 0), (0, 2), (2, 1), (1, 2))


def find_lattices(
    z: F32, period_min: float, period_max: float, n_best: int = 2
) -> list[Lattice]:
    """Find the most likely tile lattices in a prefiltered work image.

    Parameters
    ----------
    z : (H, W) float32 ndarray
        Output of :func:`prefilter`.
    period_min, period_max : float
        Range of the tile period in work pixels.
    n_best : int
        Number of distinct lattices to return.

    Returns
    -------
    list of Lattice
        Best first; may be empty.
    """
    shape = _window_shape(z)
    mag = _spectrum(z)
    # A little smoothing gathers peaks that perspective or blur smeared over a few
    # pixels (their position stays the centre of mass).
    ac = np.asarray(
        cv2.GaussianBlur(_autocorrelation_of(mag, shape), (0, 0), sigmaX=1.2),
        np.float64,
    )
    h, w = ac.shape
    cy, cx = h // 2, w // 2
    yy, xx = np.mgrid[-cy : h - cy, -cx : w - cx]
    rad = np.hypot(xx, yy)
    usable = (rad >= 0.85 * period_min) & (rad <= 1.15 * period_max)
    usable &= (yy > 0) | ((yy == 0) & (xx > 0))
    # Noise floor of the autocorrelation: a lattice point must stand out from it.
    ring = ac[usable]
    floor = float(np.median(np.abs(ring - np.median(ring)))) * 1.4826
    if floor <= 0:
        return []
    ac32 = ac.astype(np.float32)
    dil = cv2.dilate(ac32, np.ones((5, 5), np.uint8))
    peaks = usable & (ac32 >= dil) & (ac32 > _PEAK_SIGMAS * floor)
    ys, xs = np.nonzero(peaks)
    if ys.size == 0:
        return []
    vals = ac[ys, xs]
    order = np.argsort(vals)[::-1][:24]
    found: list[Lattice] = []
    for idx in order:
        vx, vy = float(xs[idx] - cx), float(ys[idx] - cy)
        vx, vy, _ = _peak_near(ac, vx, vy, 2)
        length = float(np.hypot(vx, vy))
        radius = max(3, round(0.15 * length))
        wx, wy, wval = _peak_near(ac, -vy, vx, radius)
        if wval <= _PEAK_SIGMAS * floor:
            continue
        basis = np.array([[vx, wx], [vy, wy]])
        if abs(np.linalg.det(basis)) < 0.5 * length * length:
            continue
        if _is_harmonic(ac, basis, period_min, floor):
            continue
        score = 0.0
        for n, m in _SCORE_POINTS:
            px, py = basis @ np.array([n, m], dtype=np.float64)
            if abs(px) >= cx - 3 or abs(py) >= cy - 3:
                continue
            score += max(0.0, _peak_near(ac, px, py, 2)[2])
        found.append(Lattice(basis=basis, score=score / floor))
    found.sort(key=lambda lat: lat.score, reverse=True)
    distinct: list[Lattice] = []
    for lat in found:
        basis = _refine_basis(ac, _reduce(ac, lat.basis, period_min, floor))
        refined = Lattice(basis=basis, score=lat.score)
        if all(
            np.abs(_canonical(refined.basis) - _canonical(d.basis)).max() > 2.0
            for d in distinct
        ):
            distinct.append(refined)
        if len(distinct) >= n_best:
            break
    return distinct


def _is_harmonic(ac: F64, basis: F64, period_min: float, floor: float) -> bool:
    """Tell whether a lattice is a multiple of a finer periodic structure.

    Halftone masks (a printer driver's tiled dither matrix), screens and ruled
    tables repeat with periods below the tile's; their autocorrelation has peaks at
    every multiple, some of which fall in the tile's period range. The mark has no
    sub-period, so a candidate whose fractions ``p / k`` are peaks too is rejected.
    """
    ref = min(_value_near(ac, basis[:, 0]), _value_near(ac, basis[:, 1]))
    for k in (2, 3, 4, 5):
        p1, p2 = basis[:, 0] / k, basis[:, 1] / k
        if np.hypot(*p1) >= 0.85 * period_min or np.hypot(*p1) < 8:
            continue
        vals = []
        for p, full in ((p1, basis[:, 0]), (p2, basis[:, 1])):
            qx, qy, val = _peak_near(ac, float(p[0]), float(p[1]), 2)
            # A harmonic sits at exactly k times the finer peak. A dense fine
            # structure (a halftone screen aliased by a phone camera repeats every
            # 2 cells) has a peak within 2 pixels of almost any point; only an exact
            # multiple says the candidate is one of its harmonics.
            if np.hypot(k * qx - full[0], k * qy - full[1]) > _HARMONIC_TOL:
                val = 0.0
            vals.append(val)
        if min(vals) > max(0.5 * ref, _PEAK_SIGMAS * floor):
            return True
    return False


def _reduce(ac: F64, basis: F64, period_min: float, floor: float) -> F64:
    """Replace a super-lattice of the tile lattice by the finer lattice.

    The diagonals of the tile lattice (index 2) and the doubled lattice (index 4)
    are lattices of autocorrelation peaks too. If the centred points of a finer
    lattice are peaks about as strong as the basis vectors, take the finer one.
    """
    for _ in range(2):
        p1, p2 = basis[:, 0], basis[:, 1]
        ref = min(_value_near(ac, p1), _value_near(ac, p2))
        options = (
            np.column_stack([(p1 + p2) / 2, (p2 - p1) / 2]),
            np.column_stack([p1 / 2, p2 / 2]),
        )
        for cand in options:
            if np.hypot(*cand[:, 0]) < 0.85 * period_min:
                continue
            c1, c2 = cand[:, 0], cand[:, 1]
            # Points of the finer lattice that the coarser one does not have.
            new_points = (c1, c2, c1 + p1 if c1 @ p1 < 0 else c1 - p1, c2 + p2)
            vals = [_value_near(ac, pt) for pt in new_points]
            if min(vals) > max(0.5 * ref, _PEAK_SIGMAS * floor):
                basis = cand
                break
        else:
            return basis
    return basis


def _canonical(basis: F64) -> F64:
    """Return the basis turned by a multiple of 90 degrees so p1 is within 45 deg of +x."""
    b = basis.copy()
    for _ in range(4):
        angle = np.arctan2(b[1, 0], b[0, 0])
        if -np.pi / 4 <= angle < np.pi / 4:
            return b
        b = np.column_stack([b[:, 1], -b[:, 0]])
    return basis


def _refine_basis(ac: F64, basis: F64) -> F64:
    """Least-squares fit of the basis to the subpixel peaks of many lattice points."""
    h, w = ac.shape
    lim_x, lim_y = 0.7 * (w // 2), 0.7 * (h // 2)
    nm: list[tuple[int, int]] = []
    pts: list[tuple[float, float]] = []
    wts: list[float] = []
    for n in range(-4, 5):
        for m in range(0, 5):
            if m == 0 and n <= 0:
                continue
            px, py = basis @ np.array([n, m], dtype=np.float64)
            if abs(px) > lim_x or abs(py) > lim_y:
                continue
            qx, qy, val = _peak_near(ac, px, py, 2)
            if val <= 0:
                continue
            nm.append((n, m))
            pts.append((qx, qy))
            wts.append(val)
    if len(pts) < 3:
        return basis
    a = np.asarray(nm, dtype=np.float64)
    b = np.asarray(pts, dtype=np.float64)
    sw = np.sqrt(np.asarray(wts))[:, None]
    sol, *_ = np.linalg.lstsq(a * sw, b * sw, rcond=None)
    refined: F64 = sol.T  # columns p1, p2
    return refined


def warp_to_frame(z: F32, warp: F64, shape: tuple[int, int]) -> F32:
    """Resample ``z`` into the fold frame (rows and cols rounded up to whole tiles).

    Parameters
    ----------
    z : (H, W) float32 ndarray
        Prefiltered work image.
    warp : (3, 3) float64 ndarray
        Homography from fold-frame pixels ``(u, v, 1)`` to work pixels ``(x, y, 1)``.
    shape : (int, int)
        Size ``(rows, cols)`` of the fold-frame image to render.
    """
    rows = -(-shape[0] // FOLD_PX) * FOLD_PX
    cols = -(-shape[1] // FOLD_PX) * FOLD_PX
    flat = cv2.warpPerspective(
        z,
        warp,
        (cols, rows),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    return np.asarray(flat, np.float32)


def fold(flat: F32) -> F64:
    """Sum all tile periods of a fold-frame image into one ``(132, 132)`` tile."""
    rows, cols = flat.shape
    tiles = flat.reshape(rows // FOLD_PX, FOLD_PX, cols // FOLD_PX, FOLD_PX)
    out: F64 = tiles.sum(axis=(0, 2), dtype=np.float64)
    return out


def frame_for(basis: F64, image_shape: tuple[int, int]) -> tuple[F64, tuple[int, int]]:
    """Return the fold-frame homography and size covering an image, for a lattice.

    The fold frame has ``FOLD_PX`` pixels per tile period along the basis vectors.
    """
    to_work = basis / FOLD_PX
    inv = np.linalg.inv(to_work)
    h, w = image_shape
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64).T
    uv = inv @ corners
    umin, vmin = uv.min(axis=1)
    umax, vmax = uv.max(axis=1)
    warp = np.eye(3)
    warp[:2, :2] = to_work
    warp[:2, 2] = to_work @ np.array([umin, vmin])
    size = (int(np.ceil(vmax - vmin)), int(np.ceil(umax - umin)))
    return warp, size


@dataclass(frozen=True)
class PilotHit:
    """A pilot correlation peak: orientation, subpixel shift and z-score."""

    rotation: int  # tile appears rotated by 90 * rotation degrees (np.rot90 sense)
    shift: tuple[float, float]  # (row, col) of the tile origin in the fold
    z: float


def pilot_templates(pilot_tile: F64) -> list[npt.NDArray[np.complex128]]:
    """Return the conjugate spectra of the pilot pattern in the 4 orientations."""
    block = np.kron(pilot_tile, np.ones((FOLD_CELL_PX, FOLD_CELL_PX)))
    return [np.conj(np.fft.fft2(np.rot90(block, k))) for k in range(4)]


def pilot_search(
    folded: F64, templates: list[npt.NDArray[np.complex128]], n_best: int = 2
) -> list[PilotHit]:
    """Correlate the folded tile with the pilot cells in 4 orientations, all shifts.

    Returns
    -------
    list of PilotHit
        The ``n_best`` highest peaks (distinct orientation or shift), best first. The
        z-score is the peak over a robust estimate (MAD) of the correlation spread
        over all shifts and orientations.
    """
    spec = np.fft.fft2(folded)
    maps = np.stack([np.real(np.fft.ifft2(spec * t)) for t in templates])
    med = float(np.median(maps))
    mad = float(np.median(np.abs(maps - med))) * 1.4826
    if mad <= 0:
        return []
    zmaps = (maps - med) / mad
    hits: list[PilotHit] = []
    work = zmaps.copy()
    for _ in range(n_best):
        idx = np.unravel_index(int(np.argmax(work)), work.shape)
        k, r, c = int(idx[0]), int(idx[1]), int(idx[2])
        zval = float(work[k, r, c])
        zm = zmaps[k]
        n = FOLD_PX
        up, dn = zm[(r - 1) % n, c], zm[(r + 1) % n, c]
        lf, rt = zm[r, (c - 1) % n], zm[r, (c + 1) % n]
        dr = _parabolic(up, zval, dn)
        dc = _parabolic(lf, zval, rt)
        hits.append(PilotHit(rotation=k, shift=(r + dr, c + dc), z=zval))
        # Blank out this peak's neighbourhood in its orientation.
        rr = (np.arange(r - 6, r + 7) % n)[:, None]
        cc = (np.arange(c - 6, c + 7) % n)[None, :]
        work[k][rr, cc] = -np.inf
    return hits


def _parabolic(left: float, mid: float, right: float) -> float:
    den = left - 2 * mid + right
    if den >= 0:
        return 0.0
    return float(np.clip(0.5 * (left - right) / den, -0.5, 0.5))


def sample_cells(folded: F64, hit: PilotHit) -> F64:
    """Return the ``(33, 33)`` cell sums of the folded tile, aligned and un-rotated."""
    m = np.array([[1.0, 0.0, hit.shift[1]], [0.0, 1.0, hit.shift[0]]])
    aligned = cv2.warpAffine(
        folded,
        m,
        (FOLD_PX, FOLD_PX),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_WRAP,
    )
    upright = np.rot90(aligned, -hit.rotation)
    # The prefilter's clipping leaves a small mean where the texture is skewed (sparse
    # dark halftone dots); summed over every tile it would bias all soft bits.
    upright = upright - upright.mean()
    cells: F64 = upright.reshape(
        TILE_CELLS, FOLD_CELL_PX, TILE_CELLS, FOLD_CELL_PX
    ).sum(axis=(1, 3))
    return cells


def _block_peaks(
    blocks: F32, template: npt.NDArray[np.complex128]
) -> tuple[F64, F64, F64]:
    """Return the pilot peak ``(rows, cols, z)`` of each of a stack of local folds."""
    n = FOLD_PX
    spec = np.fft.rfft2(blocks)
    half = template[:, : n // 2 + 1].astype(np.complex64)
    cmaps = np.fft.irfft2(spec * half[None], s=(n, n)).astype(np.float64)
    flat = cmaps.reshape(len(blocks), -1)
    mean = flat.mean(axis=1)
    std = flat.std(axis=1)
    idx = np.argmax(flat, axis=1)
    rr, cc = np.divmod(idx, n)
    k = np.arange(len(blocks))
    peak = flat[k, idx]
    up = cmaps[k, (rr - 1) % n, cc]
    dn = cmaps[k, (rr + 1) % n, cc]
    lf = cmaps[k, rr, (cc - 1) % n]
    rt = cmaps[k, rr, (cc + 1) % n]
    rows = rr + _parabolic_vec(up, peak, dn)
    cols = cc + _parabolic_vec(lf, peak, rt)
    zval = np.where(std > 0, (peak - mean) / np.where(std > 0, std, 1.0), 0.0)
    return rows, cols, zval


def _parabolic_vec(left: F64, mid: F64, right: F64) -> F64:
    den = left - 2 * mid + right
    safe = np.where(den < 0, den, -1.0)
    out: F64 = np.where(den < 0, np.clip(0.5 * (left - right) / safe, -0.5, 0.5), 0.0)
    return out


def refine_warp(
    flat: F32,
    warp: F64,
    hit: PilotHit,
    template: npt.NDArray[np.complex128],
    *,
    block_tiles: int = 2,
    min_z: float = 5.0,
) -> F64 | None:
    """Fit a homography to the local pilot shifts of blocks of the fold frame.

    Each block of ``block_tiles`` x ``block_tiles`` tiles (stride one tile) is folded
    on its own and its pilot shift compared with the global one; the difference is
    how far the global (affine) map is off there. The block centres, moved by that
    difference, and their work-image positions give a homography (RANSAC).

    Returns
    -------
    (3, 3) float64 ndarray or None
        The refined fold-frame-to-work homography, or None with fewer than 6
        reliable blocks.
    """
    rows, cols = flat.shape
    nr, nc = rows // FOLD_PX, cols // FOLD_PX
    # Per-tile sums, then every block of block_tiles x block_tiles tiles (stride 1).
    tiles = flat.reshape(nr, FOLD_PX, nc, FOLD_PX).transpose(0, 2, 1, 3)
    live = np.count_nonzero(tiles, axis=(2, 3)) > 0.3 * FOLD_PX * FOLD_PX
    br, bc = nr - block_tiles + 1, nc - block_tiles + 1
    if br < 1 or bc < 1:
        return None
    acc = np.zeros((br, bc, FOLD_PX, FOLD_PX), np.float32)
    alive = np.ones((br, bc), bool)
    for i in range(block_tiles):
        for j in range(block_tiles):
            acc += tiles[i : i + br, j : j + bc]
            alive &= live[i : i + br, j : j + bc]
    bi, bj = np.nonzero(alive)
    if bi.size < 6:
        return None
    r, c, zval = _block_peaks(acc[bi, bj], template)
    keep = zval >= min_z
    half = FOLD_PX / 2
    dr = (r[keep] - hit.shift[0] + half) % FOLD_PX - half
    dc = (c[keep] - hit.shift[1] + half) % FOLD_PX - half
    u = (bj[keep] + block_tiles / 2) * FOLD_PX
    v = (bi[keep] + block_tiles / 2) * FOLD_PX
    src = np.column_stack([u - dc, v - dr])
    pts = warp @ np.vstack([u, v, np.ones_like(u)])
    dst = (pts[:2] / pts[2]).T
    if len(src) < 6:
        return None
    found: object = cv2.findHomography(
        np.ascontiguousarray(src, np.float64),
        np.ascontiguousarray(dst, np.float64),
        cv2.RANSAC,
        ransacReprojThreshold=2.0,
    )[0]
    # OpenCV returns None (typed as an array) when RANSAC finds no model.
    if not isinstance(found, np.ndarray) or found.shape != (3, 3):
        return None
    return np.asarray(found, dtype=np.float64)
