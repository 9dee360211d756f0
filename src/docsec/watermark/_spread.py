"""The keyed tile: which cells carry pilots and which carry coded bits, and rendering.

A tile is ``TILE_CELLS x TILE_CELLS`` square cells of ``1 / CELLS_PER_INCH`` inch
(8 pixels at 300 dpi, 16 at 600: an 8-pixel cell lines up with JPEG's 8x8 blocks
when a page is marked at 300 dpi). 33 cells, not 32: the tile period (528 printer
dots at 600 dpi) is then no multiple of the power-of-two dither masks of printer
drivers, whose pattern would otherwise add up coherently in the fold. Every cell is
+1 or -1: a key-derived pseudo-random sign, times the coded bit for data cells. 477
cells are pilots (known to the detector, used for synchronisation and as the
presence score), 612 cells carry the 306 coded bits twice, at key-permuted
positions. The tile repeats over the page.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from docsec.watermark._ecc import CODED_BITS, conv_encode, info_bits

__all__ = [
    "CELLS_PER_INCH",
    "TILE_CELLS",
    "Layout",
    "cell_signs",
    "layout_for_key",
    "render_pattern",
]

#: Cells per inch of the printed page (cell = 0.677 mm).
CELLS_PER_INCH = 37.5
#: Cells per tile side (tile = 22.4 mm).
TILE_CELLS = 33
_N_CELLS = TILE_CELLS * TILE_CELLS
_REPEAT = 2
#: Gaussian softening of cell edges, in cells (see render_pattern).
_EDGE_SOFTNESS = 0.25
_N_DATA = CODED_BITS * _REPEAT

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
F32Array = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Layout:
    """Key-derived layout of one tile (all arrays in row-major cell order).

    Attributes
    ----------
    pn : (1089,) float64 ndarray of +-1
        Pseudo-random sign of each cell.
    pilot : (1089,) bool ndarray
        True for pilot cells.
    data_index : (1089,) int64 ndarray
        Coded-bit index carried by each data cell (-1 for pilots).
    """

    pn: FloatArray
    pilot: npt.NDArray[np.bool_]
    data_index: IntArray

    def pilot_tile(self) -> FloatArray:
        """Return the ``(33, 33)`` pilot signs, 0 on data cells."""
        out = np.where(self.pilot, self.pn, 0.0)
        return out.reshape(TILE_CELLS, TILE_CELLS)


def layout_for_key(key: bytes) -> Layout:
    """Derive the tile layout from the watermark key (deterministic)."""
    seed = hmac.new(key, b"docsec/watermark/v1/layout", hashlib.sha256).digest()
    rng = np.random.Generator(np.random.PCG64(int.from_bytes(seed, "big")))
    pn = rng.choice(np.array([-1.0, 1.0]), size=_N_CELLS)
    order = rng.permutation(_N_CELLS)
    data_index = np.full(_N_CELLS, -1, dtype=np.int64)
    data_index[order[:_N_DATA]] = np.arange(_N_DATA) % CODED_BITS
    pilot = data_index < 0
    return Layout(pn=pn, pilot=pilot, data_index=data_index)


def cell_signs(key: bytes, payload: bytes) -> FloatArray:
    """Return the ``(33, 33)`` +-1 cell values of the tile that carries ``payload``."""
    lay = layout_for_key(key)
    coded = conv_encode(info_bits(key, payload)).astype(np.float64)
    sym = 1.0 - 2.0 * coded
    values = lay.pn.copy()
    data = ~lay.pilot
    values[data] = lay.pn[data] * sym[lay.data_index[data]]
    return values.reshape(TILE_CELLS, TILE_CELLS)


def _blurred_gather(n: int, step: float, sigma: float) -> F32Array:
    """Return the ``(n, 33)`` matrix that maps cell values to blurred pixel values.

    Row ``r`` holds the Gaussian weights of the cells that pixels ``r - k .. r + k``
    fall in, so ``rows @ cells @ cols.T`` renders and blurs the periodic pattern in
    one matrix product (exact for any dpi, and much faster than a 2-D blur).
    """

    def cell_of(pixels: IntArray) -> IntArray:
        out: IntArray = np.floor((pixels + 0.5) * step).astype(np.int64) % TILE_CELLS
        return out

    rr = np.arange(n)
    out = np.zeros((n, TILE_CELLS), dtype=np.float32)
    if sigma < 0.3:
        out[rr, cell_of(rr)] = 1.0
        return out
    radius = int(np.ceil(3 * sigma))
    taps = np.exp(-0.5 * (np.arange(-radius, radius + 1) / sigma) ** 2)
    taps /= taps.sum()
    # The pattern continues past the image edge (it is defined on the whole
    # page), so any window of it, e.g. one tile for a PDF pattern, is seamless.
    for k, t in zip(range(-radius, radius + 1), taps, strict=True):
        np.add.at(out, (rr, cell_of(rr + k)), np.float32(t))
    return out


def render_pattern(cells: FloatArray, shape: tuple[int, int], dpi: float) -> F32Array:
    """Render the periodic cell pattern at ``dpi`` over an image of ``shape``.

    The tile origin is the top-left page corner. Cell edges are softened with a
    Gaussian of 1/8 cell (one pixel at 300 dpi): sharp edges would only spend the
    PSNR budget on frequencies that printing and scanning remove.

    Returns
    -------
    (H, W) float32 ndarray
        Values in -1..1.
    """
    rows, cols = shape
    step = CELLS_PER_INCH / dpi
    sigma = _EDGE_SOFTNESS / step
    left = _blurred_gather(rows, step, sigma)
    right = _blurred_gather(cols, step, sigma)
    out: F32Array = left @ cells.astype(np.float32) @ right.T
    return out
