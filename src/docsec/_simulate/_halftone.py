"""Halftone threshold arrays: clustered-dot supercell screens and a blue-noise mask.

A threshold array ``thr`` (uint8, 1..255) inks a pixel of page value ``v`` (0 black
.. 255 white) when ``v < thr``. Thresholds are spread so that a flat grey ``v``
inks a fraction ``1 - v / 255`` of the pixels: 0 (solid black, text) always inks,
255 (paper) never does, and a binary 0/255 page passes unchanged, dot for dot.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import numpy.typing as npt

U8 = npt.NDArray[np.uint8]

#: Side of a clustered-dot supercell at 600 dpi (pixels). With lattice indices
#: (i, j) the screen has ``dpi * hypot(i, j) / TILE`` lines per inch at angle
#: ``-atan2(j, i)``; a 32-pixel supercell holds i*i + j*j dots whose growth order is
#: interleaved, giving far more than the ~18 grey levels of a single 141-lpi cell
#: (the "supercell" technique of PostScript RIPs; Ulichney, *Digital Halftoning*,
#: MIT Press 1987, ch. 6).
TILE_600 = 32

#: Clustered-dot screens offered for laser printing: lattice indices and the
#: resulting ruling at 600 dpi. Office laser printers screen at 106-170 lpi at
#: 600 dpi (HP and Canon drivers' "smooth"/"detail" screens).
LASER_SCREENS: dict[int, tuple[int, int]] = {106: (4, 4), 133: (5, 5), 159: (6, 6)}

#: Colour separations (C, M, Y): classic 15/75/0 degree angles, ~131-136 lpi.
COLOR_SCREENS: tuple[tuple[int, int], ...] = ((7, 2), (2, 7), (7, 0))


def _ranks_to_thresholds(order: npt.NDArray[np.int64]) -> U8:
    # Pixel with ink order o (0 = inked first) is inked when the coverage
    # 1 - v/255 exceeds (o + 0.5) / n, i.e. v < 255 * (1 - (o + 0.5) / n). For integer
    # v that equals v < ceil(...), so the threshold is stored exactly as uint8.
    n = order.size
    thr = np.ceil(255.0 * (1.0 - (order.astype(np.float64) + 0.5) / n))
    out: U8 = np.clip(thr, 1, 255).astype(np.uint8)
    return out


@functools.lru_cache(maxsize=16)
def clustered_dot(i: int, j: int, tile: int) -> U8:
    """Return a (tile, tile) clustered-dot threshold array with lattice indices (i, j).

    The spot function is the Euclidean dot ``cos(2 pi u) + cos(2 pi v)`` over the
    screen lattice; pixels are inked in decreasing spot value (dots grow round,
    touch as squares at 50 %, then the holes shrink).

    Examples
    --------
    >>> t = clustered_dot(5, 5, 32)
    >>> t.shape, int(t.min()) >= 1, int(t.max())
    ((32, 32), True, 255)
    """
    n2 = i * i + j * j
    a, b = tile * i / n2, -tile * j / n2  # u = (a, b), v = (-b, a) in (x, y) pixels
    yy, xx = np.mgrid[0:tile, 0:tile].astype(np.float64) + 0.5
    det = a * a + b * b
    # Solve (x, y) = alpha * u + beta * v for lattice coordinates (alpha, beta).
    alpha = (a * xx + b * yy) / det
    beta = (-b * xx + a * yy) / det
    ca, cb = np.round(alpha), np.round(beta)
    fa, fb = alpha - ca, beta - cb
    spot = np.cos(2 * np.pi * fa) + np.cos(2 * np.pi * fb)
    # A tiny deterministic tie-break (distance from the dot centre) keeps the growth
    # order stable across platforms.
    spot -= 1e-6 * (fa * fa + fb * fb)
    # Identify each pixel's dot by its centre modulo the tile (the tile holds n2 dots).
    cx = np.mod(ca * a - cb * b, tile)
    cy = np.mod(ca * b + cb * a, tile)
    key = np.round(cx * 1e4).astype(np.int64) % (tile * 10_000) * (
        tile * 10_000 + 1
    ) + (np.round(cy * 1e4).astype(np.int64) % (tile * 10_000))
    _, cell = np.unique(key.ravel(), return_inverse=True)
    n_cells = int(cell.max()) + 1
    centres = np.zeros((n_cells, 2))
    centres[cell] = np.column_stack([cx.ravel(), cy.ravel()])
    # Dots grow in turn: every dot gains one pixel before any gains a second, the
    # dots taking their turns in a dispersed order (greedy farthest point on the
    # torus), so a flat grey has equal dots and no supercell-period texture.
    turn = _dispersed_order(centres, tile)
    flat_spot = spot.ravel()
    rank_in_cell = np.empty(tile * tile, np.float64)
    count = np.bincount(cell, minlength=n_cells).astype(np.float64)
    for c in range(n_cells):
        members = np.flatnonzero(cell == c)
        order_c = np.argsort(-flat_spot[members], kind="stable")
        rank_in_cell[members[order_c]] = np.arange(members.size)
    growth = (rank_in_cell + (turn[cell] + 0.5) / n_cells) / count[cell]
    order = np.empty(tile * tile, np.int64)
    order[np.argsort(growth, kind="stable")] = np.arange(tile * tile)
    return _ranks_to_thresholds(order.reshape(tile, tile))


def _dispersed_order(
    points: npt.NDArray[np.float64], period: float
) -> npt.NDArray[np.float64]:
    """Order points on a torus so that each next one is farthest from those before."""
    n = points.shape[0]
    diff = np.abs(points[:, None, :] - points[None, :, :])
    diff = np.minimum(diff, period - diff)
    dist = np.hypot(diff[..., 0], diff[..., 1])
    turn = np.empty(n, np.float64)
    chosen = [0]
    turn[0] = 0
    nearest = dist[0].copy()
    for t in range(1, n):
        nxt = int(np.argmax(np.where(np.isin(np.arange(n), chosen), -1.0, nearest)))
        chosen.append(nxt)
        turn[nxt] = t
        nearest = np.minimum(nearest, dist[nxt])
    return turn


@functools.lru_cache(maxsize=1)
def blue_noise(size: int = 128, sigma: float = 1.5) -> U8:
    """Return a (size, size) blue-noise threshold mask (void-and-cluster).

    Ulichney, "The void-and-cluster method for dither array generation", Proc. SPIE
    1913 (1993). Thresholding with a blue-noise mask is the standard fast stand-in
    for error diffusion (Floyd and Steinberg 1976): it gives the same dispersed,
    isotropic dot placement without the serial error feedback. The mask is a
    constant of the model, built once per process from a fixed seed (about 0.5 s).

    Examples
    --------
    >>> m = blue_noise()
    >>> m.shape, int(m.min()), int(m.max())
    ((128, 128), 1, 255)
    """
    n = size
    total = n * n
    d = np.minimum(np.arange(n), n - np.arange(n)).astype(np.float64)
    g = np.exp(-(d * d) / (2 * sigma * sigma))
    kernel = np.outer(g, g)
    k2 = np.tile(kernel, (2, 2))

    def splat(energy: npt.NDArray[np.float64], idx: int, sign: float) -> None:
        r0, c0 = divmod(idx, n)
        energy += sign * k2[n - r0 : 2 * n - r0, n - c0 : 2 * n - c0]

    gen = np.random.default_rng(0x0D0C5EC)  # fixed: the mask is not a per-run draw
    initial = np.zeros((n, n), bool)
    initial.flat[gen.choice(total, size=total // 10, replace=False)] = True
    energy = np.zeros((n, n), np.float64)
    for idx in np.flatnonzero(initial):
        splat(energy, int(idx), 1.0)
    # Relax the initial pattern: move the tightest cluster into the largest void.
    for _ in range(4 * total):
        tight = int(np.where(initial, energy, -np.inf).argmax())
        initial.flat[tight] = False
        splat(energy, tight, -1.0)
        void = int(np.where(initial, np.inf, energy).argmin())
        initial.flat[void] = True
        splat(energy, void, 1.0)
        if void == tight:
            break
    order = np.empty(total, np.int64)
    ones = int(initial.sum())
    # Phase 1: remove tightest clusters from a copy, ranking downwards.
    pattern = initial.copy()
    e1 = energy.copy()
    for rank in range(ones - 1, -1, -1):
        tight = int(np.where(pattern, e1, -np.inf).argmax())
        pattern.flat[tight] = False
        splat(e1, tight, -1.0)
        order[tight] = rank
    # Phases 2 and 3: fill the largest voids, ranking upwards. (For the second half
    # Ulichney inverts the pattern and removes the tightest clusters of zeros; the
    # energy of the zeros is a constant minus that of the ones, so that is the same
    # pixel as the largest void.)
    pattern = initial
    for rank in range(ones, total):
        void = int(np.where(pattern, np.inf, energy).argmin())
        pattern.flat[void] = True
        splat(energy, void, 1.0)
        order[void] = rank
    return _ranks_to_thresholds(order.reshape(n, n))


def screen(value: U8, thr: U8, offset: tuple[int, int]) -> npt.NDArray[np.bool_]:
    """Return the dot map ``value < thr`` with ``thr`` tiled from ``offset``.

    The threshold array is repeated by broadcasting over row bands, so no
    page-sized threshold image is built.
    """
    h, w = value.shape
    th, tw = thr.shape
    rolled = np.roll(thr, (-offset[0], -offset[1]), axis=(0, 1))
    band = np.tile(rolled, (1, math.ceil(w / tw)))[:, :w]
    out = np.empty((h, w), bool)
    full = h // th * th
    if full:
        np.less(
            value[:full].reshape(-1, th, w),
            band[None],
            out=out[:full].reshape(-1, th, w),
        )
    if full < h:
        np.less(value[full:], band[: h - full], out=out[full:])
    return out
