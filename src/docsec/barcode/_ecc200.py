"""DataMatrix ECC 200 encoder: bytes in Base256 encodation, square symbols only.

A small, dependency-free implementation of ISO/IEC 16022:2006:

* 5.2.9 Base256 encodation (latch 231, length field, 255-state randomising),
* 5.2.3 pad characters (129, then 253-state randomised),
* 5.7 and Annex E Reed-Solomon error correction over GF(256) with the prime
  polynomial 0x12D, blocks interleaved as Table 7 says,
* Annex F codeword placement (the "utah" shape and the four corner cases),
* 5.6 finder and timing patterns around each data region.

Why not zxing-cpp's writer: zxing-cpp 3.1.1 ``create_barcode(bytes, DataMatrix)``
(zint inside) prefixes every binary symbol with ECI 899 (codewords 241 131 11,
measured) and then picks ASCII/C40/Base256 per segment, so the symbol is neither
ECI-free nor Base256. ICAO 9303-13 seals and the BSI TR-03137 figures are plain
Base256 (first codeword 231, measured on the corpus figures). libdmtx's writer can
force Base256 and is used in the tests as the independent cross-check: for the
same bytes it produces the same module matrix as this encoder.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

__all__ = ["MAX_BYTES", "SymbolSize", "codeword_positions", "encode_modules"]

BASE256_LATCH: Final = 231
PAD: Final = 129


@dataclass(frozen=True, slots=True)
class SymbolSize:
    """One square ECC 200 symbol size (ISO/IEC 16022 Table 7).

    Attributes
    ----------
    size : int
        Modules per side, including the finder and timing patterns.
    region : int
        Data modules per side of one data region.
    regions : int
        Data regions per side.
    data : int
        Data codewords.
    ecc : int
        Error correction codewords (all blocks together).
    blocks : int
        Interleaved Reed-Solomon blocks.
    """

    size: int
    region: int
    regions: int
    data: int
    ecc: int
    blocks: int


#: The 24 square ECC 200 sizes (ISO/IEC 16022:2006 Table 7).
SQUARE_SIZES: Final = (
    SymbolSize(10, 8, 1, 3, 5, 1),
    SymbolSize(12, 10, 1, 5, 7, 1),
    SymbolSize(14, 12, 1, 8, 10, 1),
    SymbolSize(16, 14, 1, 12, 12, 1),
    SymbolSize(18, 16, 1, 18, 14, 1),
    SymbolSize(20, 18, 1, 22, 18, 1),
    SymbolSize(22, 20, 1, 30, 20, 1),
    SymbolSize(24, 22, 1, 36, 24, 1),
    SymbolSize(26, 24, 1, 44, 28, 1),
    SymbolSize(32, 14, 2, 62, 36, 1),
    SymbolSize(36, 16, 2, 86, 42, 1),
    SymbolSize(40, 18, 2, 114, 48, 1),
    SymbolSize(44, 20, 2, 144, 56, 1),
    SymbolSize(48, 22, 2, 174, 68, 1),
    SymbolSize(52, 24, 2, 204, 84, 2),
    SymbolSize(64, 14, 4, 280, 112, 2),
    SymbolSize(72, 16, 4, 368, 144, 4),
    SymbolSize(80, 18, 4, 456, 192, 4),
    SymbolSize(88, 20, 4, 576, 224, 4),
    SymbolSize(96, 22, 4, 696, 272, 4),
    SymbolSize(104, 24, 4, 816, 336, 6),
    SymbolSize(120, 18, 6, 1050, 408, 6),
    SymbolSize(132, 20, 6, 1304, 496, 8),
    SymbolSize(144, 22, 6, 1558, 620, 10),
)

#: Largest payload: 144x144 holds 1558 data codewords, minus the latch and a
#: two-byte length field.
MAX_BYTES: Final = SQUARE_SIZES[-1].data - 3


def _gf_tables() -> tuple[list[int], list[int]]:
    exp = [0] * 512
    log = [0] * 256
    x = 1
    for i in range(255):
        exp[i] = x
        log[x] = i
        x <<= 1
        if x & 0x100:
            x ^= 0x12D
    for i in range(255, 512):
        exp[i] = exp[i - 255]
    return exp, log


_EXP, _LOG = _gf_tables()


def _gf_mul(a: int, b: int) -> int:
    if a == 0 or b == 0:
        return 0
    return _EXP[_LOG[a] + _LOG[b]]


def _generator(n: int) -> list[int]:
    """Return g(x) = prod_{i=1..n} (x - a^i), highest degree first."""
    g = [1]
    for i in range(1, n + 1):
        nxt = [0] * (len(g) + 1)
        for j, coef in enumerate(g):
            nxt[j] ^= coef
            nxt[j + 1] ^= _gf_mul(coef, _EXP[i])
        g = nxt
    return g


def _rs_block(data: list[int], n_ecc: int) -> list[int]:
    """Return the ``n_ecc`` check codewords of one block (polynomial remainder)."""
    gen = _generator(n_ecc)
    rem = [0] * n_ecc
    for d in data:
        factor = d ^ rem[0]
        rem = [*rem[1:], 0]
        if factor:
            for j in range(n_ecc):
                rem[j] ^= _gf_mul(gen[j + 1], factor)
    return rem


def _with_ecc(data: list[int], sym: SymbolSize) -> list[int]:
    nb = sym.blocks
    ecc_per_block = sym.ecc // nb
    out = list(data) + [0] * sym.ecc
    for b in range(nb):
        block = data[b::nb]
        for j, e in enumerate(_rs_block(block, ecc_per_block)):
            out[sym.data + b + j * nb] = e
    return out


def _randomise_255(value: int, position: int) -> int:
    pseudo = ((149 * position) % 255) + 1
    tmp = value + pseudo
    return tmp if tmp <= 255 else tmp - 256


def _randomise_253(value: int, position: int) -> int:
    pseudo = ((149 * position) % 253) + 1
    tmp = value + pseudo
    return tmp if tmp <= 254 else tmp - 254


def _base256_codewords(data: bytes) -> list[int]:
    n = len(data)
    length = [n] if n <= 249 else [n // 250 + 249, n % 250]
    field = length + list(data)
    # Codeword positions are 1-based within the whole data stream; the latch is 1.
    return [BASE256_LATCH] + [
        _randomise_255(v, pos) for pos, v in enumerate(field, start=2)
    ]


def _choose_size(n_codewords: int) -> SymbolSize:
    for sym in SQUARE_SIZES:
        if sym.data >= n_codewords:
            return sym
    raise ValueError(f"{n_codewords} codewords do not fit in a 144x144 symbol")


def _pad(codewords: list[int], capacity: int) -> list[int]:
    out = list(codewords)
    if len(out) < capacity:
        out.append(PAD)
    while len(out) < capacity:
        out.append(_randomise_253(PAD, len(out) + 1))
    return out


def _placement(nrow: int, ncol: int) -> npt.NDArray[np.int32]:
    """Map each mapping-matrix module to ``codeword * 8 + bit`` (bit 0 = MSB).

    Modules left unused by the placement (a 2x2 corner in some sizes) hold -1.
    Follows ISO/IEC 16022 Annex F.
    """
    grid = np.full((nrow, ncol), -2, dtype=np.int32)

    def module(r: int, c: int, pos: int, bit: int) -> None:
        if r < 0:
            r += nrow
            c += 4 - ((nrow + 4) % 8)
        if c < 0:
            c += ncol
            r += 4 - ((ncol + 4) % 8)
        grid[r, c] = pos * 8 + bit

    def utah(r: int, c: int, pos: int) -> None:
        for bit, (dr, dc) in enumerate(
            ((-2, -2), (-2, -1), (-1, -2), (-1, -1), (-1, 0), (0, -2), (0, -1), (0, 0))
        ):
            module(r + dr, c + dc, pos, bit)

    def corner(cells: tuple[tuple[int, int], ...], pos: int) -> None:
        for bit, (r, c) in enumerate(cells):
            module(r, c, pos, bit)

    corner1 = (
        (nrow - 1, 0), (nrow - 1, 1), (nrow - 1, 2), (0, ncol - 2),
        (0, ncol - 1), (1, ncol - 1), (2, ncol - 1), (3, ncol - 1),
    )  # fmt: skip
    corner2 = (
        (nrow - 3, 0), (nrow - 2, 0), (nrow - 1, 0), (0, ncol - 4),
        (0, ncol - 3), (0, ncol - 2), (0, ncol - 1), (1, ncol - 1),
    )  # fmt: skip
    corner3 = (
        (nrow - 3, 0), (nrow - 2, 0), (nrow - 1, 0), (0, ncol - 2),
        (0, ncol - 1), (1, ncol - 1), (2, ncol - 1), (3, ncol - 1),
    )  # fmt: skip
    corner4 = (
        (nrow - 1, 0), (nrow - 1, ncol - 1), (0, ncol - 3), (0, ncol - 2),
        (0, ncol - 1), (1, ncol - 3), (1, ncol - 2), (1, ncol - 1),
    )  # fmt: skip

    pos = 0
    r, c = 4, 0
    while True:
        if r == nrow and c == 0:
            corner(corner1, pos)
            pos += 1
        if r == nrow - 2 and c == 0 and ncol % 4:
            corner(corner2, pos)
            pos += 1
        if r == nrow - 2 and c == 0 and ncol % 8 == 4:
            corner(corner3, pos)
            pos += 1
        if r == nrow + 4 and c == 2 and not ncol % 8:
            corner(corner4, pos)
            pos += 1
        # Sweep up and to the right.
        while True:
            if r < nrow and c >= 0 and grid[r, c] == -2:
                utah(r, c, pos)
                pos += 1
            r -= 2
            c += 2
            if not (r >= 0 and c < ncol):
                break
        r += 1
        c += 3
        # Sweep down and to the left.
        while True:
            if r >= 0 and c < ncol and grid[r, c] == -2:
                utah(r, c, pos)
                pos += 1
            r += 2
            c -= 2
            if not (r < nrow and c >= 0):
                break
        r += 3
        c += 1
        if not (r < nrow or c < ncol):
            break
    grid[grid == -2] = -1
    return grid


def _symbol_layout(
    sym: SymbolSize,
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Return the symbol row and column of each mapping-matrix row and column."""
    rr = np.arange(sym.region * sym.regions)
    # Each region adds a timing row/column before and a finder row/column after.
    rows = rr + 1 + 2 * (rr // sym.region)
    return rows, rows.copy()


def codeword_positions(size: int) -> npt.NDArray[np.int32]:
    """Return, per symbol module, ``codeword * 8 + bit`` or -1 (finder/unused).

    Parameters
    ----------
    size : int
        Square symbol size in modules (10..144, one of the ECC 200 sizes).

    Returns
    -------
    (size, size) int32 ndarray
        Bit 0 is the most significant bit of the codeword. Finder, timing and the
        unused corner modules hold -1.
    """
    sym = next((s for s in SQUARE_SIZES if s.size == size), None)
    if sym is None:
        raise ValueError(f"{size} is not a square ECC 200 size")
    n = sym.region * sym.regions
    mapping = _placement(n, n)
    out = np.full((size, size), -1, dtype=np.int32)
    rows, cols = _symbol_layout(sym)
    out[np.ix_(rows, cols)] = mapping
    return out


def _finder_patterns(sym: SymbolSize) -> npt.NDArray[np.bool_]:
    """Return the finder and timing patterns of every data region (True = dark)."""
    size = sym.size
    step = sym.region + 2
    m = np.zeros((size, size), dtype=bool)
    for k in range(sym.regions):
        top = k * step
        bottom = top + step - 1
        m[bottom, :] = True  # solid bottom edge ("L" finder)
        m[top, ::2] = True  # alternating top edge, dark at even columns
        left = k * step
        right = left + step - 1
        m[:, left] = True  # solid left edge
        # Alternating right edge; dark on odd rows of each region (row 0 = top).
        m[:, right] = False
        m[1::2, right] = True
    # The solid edges win where they cross the alternating ones.
    for k in range(sym.regions):
        m[k * step + step - 1, :] = True
        m[:, k * step] = True
    return m


def encode_modules(data: bytes) -> npt.NDArray[np.bool_]:
    """Encode bytes as a square ECC 200 symbol in Base256 encodation.

    Parameters
    ----------
    data : bytes
        1 to :data:`MAX_BYTES` bytes.

    Returns
    -------
    (N, N) bool ndarray
        True = dark module; includes the finder/timing border, no quiet zone.

    Raises
    ------
    ValueError
        If ``data`` is empty or longer than :data:`MAX_BYTES`.
    """
    if not data:
        # A Base256 length of 0 means "to the end of the symbol": an empty field
        # cannot be written unambiguously.
        raise ValueError("cannot encode empty data")
    if len(data) > MAX_BYTES:
        raise ValueError(
            f"{len(data)} bytes do not fit in a DataMatrix (at most {MAX_BYTES})"
        )
    codewords = _base256_codewords(data)
    sym = _choose_size(len(codewords))
    full = _with_ecc(_pad(codewords, sym.data), sym)
    positions = codeword_positions(sym.size)
    cw = np.asarray(full, dtype=np.int32)
    valid = positions >= 0
    bits = np.zeros(positions.shape, dtype=bool)
    idx = positions[valid]
    bits[valid] = ((cw[idx // 8] >> (7 - idx % 8)) & 1).astype(bool)
    finder = _finder_patterns(sym)
    n = sym.region * sym.regions
    rows, cols = _symbol_layout(sym)
    data_area = np.zeros_like(valid)
    data_area[np.ix_(rows, cols)] = True
    out = np.where(data_area, bits, finder)
    # ISO/IEC 16022 Annex F.3: sizes whose placement leaves the 2x2 bottom-right
    # corner of the mapping matrix empty fill it with a fixed pattern: dark at
    # its top-left and bottom-right modules.
    if positions[rows[n - 1], cols[n - 1]] < 0:
        out[rows[n - 1], cols[n - 1]] = True
        out[rows[n - 2], cols[n - 2]] = True
        out[rows[n - 1], cols[n - 2]] = False
        out[rows[n - 2], cols[n - 1]] = False
    result: npt.NDArray[np.bool_] = np.ascontiguousarray(out)
    return result


#: The 6 rectangular ECC 200 sizes (rows, cols, data, ecc), one RS block each.
#: docsec never writes them; they are needed to re-check what a reader returns.
RECT_SIZES: Final = (
    (8, 18, 5, 7),
    (8, 32, 10, 11),
    (12, 26, 16, 14),
    (12, 36, 22, 18),
    (16, 36, 32, 24),
    (16, 48, 49, 28),
)


def _lookup(rows: int, cols: int) -> SymbolSize | None:
    if rows == cols:
        return next((s for s in SQUARE_SIZES if s.size == rows), None)
    for r, c, data, ecc in RECT_SIZES:
        if (r, c) == (rows, cols):
            return SymbolSize(size=0, region=0, regions=0, data=data, ecc=ecc, blocks=1)
    return None


def ecc_consistent(codewords: bytes, rows: int, cols: int) -> bool:
    """Return True if data + check codewords form a valid Reed-Solomon codeword.

    Used to re-check a reader's *corrected* codewords: a decoder that "corrects"
    beyond the code's capacity returns codewords that fail this test (measured:
    libdmtx 0.7 on zxing-cpp's ``distorted.png`` sample).

    Parameters
    ----------
    codewords : bytes
        Data codewords followed by the interleaved check codewords.
    rows, cols : int
        Symbol size in modules.
    """
    sym = _lookup(rows, cols)
    if sym is None or len(codewords) != sym.data + sym.ecc:
        return False
    return bytes(_with_ecc(list(codewords[: sym.data]), sym)) == codewords


def _derandomise_255(value: int, position: int) -> int:
    pseudo = ((149 * position) % 255) + 1
    tmp = value - pseudo
    return tmp if tmp >= 0 else tmp + 256


def base256_payload(data_codewords: bytes) -> bytes | None:
    """Decode data codewords that hold exactly one Base256 field and padding.

    This is the layout :func:`encode_modules` writes and ICAO 9303-13 seals use.
    Anything else (ASCII, C40, ... segments, ECI, FNC1) returns None.

    Parameters
    ----------
    data_codewords : bytes
        The data codewords of a symbol (check codewords removed).

    Returns
    -------
    bytes or None
        The field's bytes, exact length.
    """
    cw = data_codewords
    if len(cw) < 2 or cw[0] != BASE256_LATCH:
        return None
    d1 = _derandomise_255(cw[1], 2)
    start = 2
    if d1 == 0:
        length = len(cw) - start
    elif d1 <= 249:
        length = d1
    else:
        if len(cw) < 3:
            return None
        length = (d1 - 249) * 250 + _derandomise_255(cw[2], 3)
        start = 3
    end = start + length
    if end > len(cw):
        return None
    payload = bytes(_derandomise_255(cw[i], i + 1) for i in range(start, end))
    if cw[end:] != _expected_pads(end, len(cw)):
        return None
    return payload


def _expected_pads(start: int, capacity: int) -> bytes:
    """Return the pad codewords that fill positions ``start..capacity-1``."""
    out = []
    for i in range(start, capacity):
        out.append(PAD if i == start else _randomise_253(PAD, i + 1))
    return bytes(out)
