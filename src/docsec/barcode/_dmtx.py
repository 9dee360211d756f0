"""Adapter for libdmtx (through pylibdmtx's loaded library): exact-length reads.

pylibdmtx 0.1.10's ``decode()`` returns ``string_at(msg.output)``, which stops
at the first 0x00 byte, so binary payloads come back truncated (measured on 4
of the 6 BSI TR-03137 figures). This module drives the same libdmtx calls
through pylibdmtx's ctypes wrapper (the same library handle and struct
layouts) and reads:

* ``msg.output`` with its real length ``msg.outputIdx`` (what libdmtx decoded,
  in every encodation, exact length), and
* ``msg.code`` / ``msg.codeSize``: the codewords after Reed-Solomon correction.

libdmtx 0.7 can accept a failed correction (measured: zxing-cpp's
``distorted.png`` sample comes back as a 12x12 symbol whose "corrected"
codewords are not a Reed-Solomon codeword), so every result is re-checked here
with an independent encoder of the check codewords (:func:`_ecc200.ecc_consistent`)
and dropped when the check fails.

libdmtx also copies ECI designators into its output and drops GS1 FNC1
separators (measured on the zxing-cpp samples), so docsec's reader uses a
libdmtx result only when its data codewords are one Base256 field plus padding
(the seal layout); the payload is then decoded here from the verified codewords
and must equal libdmtx's own output.

Hangs: libdmtx's region search takes a deadline (``dmtxRegionFindNext``'s
timeout), checked between scan steps; callers also bound the image size.
"""

from __future__ import annotations

import ctypes
import logging
import warnings
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from docsec._types import GrayImage
from docsec.barcode import _ecc200
from docsec.errors import ConfigurationError

__all__ = ["DmtxSymbol", "decode_dmtx", "load_wrapper"]

logger = logging.getLogger(__name__)

_WRAPPER: ModuleType | None = None


def load_wrapper() -> ModuleType:
    """Import pylibdmtx's ctypes wrapper (loads the libdmtx shared library).

    Returns
    -------
    module
        ``pylibdmtx.wrapper``.

    Raises
    ------
    ConfigurationError
        If pylibdmtx or the libdmtx system library is missing.
    """
    global _WRAPPER  # one cached module handle, set once
    if _WRAPPER is None:
        try:
            with warnings.catch_warnings():
                # pylibdmtx 0.1.10 compares versions with distutils' LooseVersion,
                # which warns (DeprecationWarning) at import time.
                warnings.simplefilter("ignore", DeprecationWarning)
                from pylibdmtx import wrapper
        except ImportError as exc:
            raise ConfigurationError(
                "libdmtx is not available: install pylibdmtx and the libdmtx "
                f"system library (libdmtx0b on Debian/Ubuntu): {exc}"
            ) from exc
        _WRAPPER = wrapper
    return _WRAPPER


@dataclass(frozen=True, slots=True)
class DmtxSymbol:
    """One symbol as libdmtx decoded it.

    Attributes
    ----------
    output : bytes
        libdmtx's decoded output, full length (``outputIdx``).
    codewords : bytes
        Data then check codewords, after libdmtx's error correction.
    rows, cols : int
        Symbol size in modules.
    corners : tuple of (x, y)
        Top-left, top-right, bottom-right, bottom-left corner of the symbol in
        pixel coordinates of the input image, in symbol orientation.
    ecc_ok : bool
        The codewords pass the independent Reed-Solomon re-check.
    """

    output: bytes
    codewords: bytes
    rows: int
    cols: int
    corners: tuple[tuple[float, float], ...]
    ecc_ok: bool

    @property
    def data_codewords(self) -> bytes:
        """Return the data codewords (check codewords removed)."""
        sym = _ecc200._lookup(self.rows, self.cols)
        return self.codewords[: sym.data] if sym is not None else b""

    def base256_payload(self) -> bytes | None:
        """Return the payload if this is an ECC-verified single-Base256 symbol."""
        if not self.ecc_ok:
            return None
        payload = _ecc200.base256_payload(self.data_codewords)
        if payload is None or payload != self.output:
            return None
        return payload


def _corners(
    wrapper: ModuleType, region: object, height: int
) -> tuple[tuple[float, float], ...]:
    # libdmtx's fitted coordinates put (0, 0) at the corner of the solid "L"
    # (bottom-left of the symbol) and (1, 1) at the top-right; its raw image
    # coordinates count y upward from the bottom row.
    fit2raw = region.contents.fit2raw  # type: ignore[attr-defined]  # ctypes pointer, untyped pylibdmtx
    out = []
    for fx, fy in ((0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)):
        v = wrapper.DmtxVector2(fx, fy)
        wrapper.dmtxMatrix3VMultiplyBy(v, fit2raw)
        out.append((float(v.X), float(height - 1) - float(v.Y)))
    return tuple(out)


def decode_dmtx(
    gray: GrayImage,
    *,
    timeout_ms: int,
    max_count: int,
) -> list[DmtxSymbol]:
    """Find and decode up to ``max_count`` symbols with libdmtx.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, 0..255
        The image.
    timeout_ms : int
        Deadline for the whole search, in milliseconds (at least 1).
    max_count : int
        Stop after this many decoded symbols.

    Returns
    -------
    list of DmtxSymbol
        Every decoded symbol, including those whose ``ecc_ok`` is False (callers
        decide; docsec's reader drops them).
    """
    w = load_wrapper()
    height, width = gray.shape
    buf = np.ascontiguousarray(gray, dtype=np.uint8).tobytes()
    pixels = ctypes.cast(ctypes.c_char_p(buf), w.c_ubyte_p)
    out: list[DmtxSymbol] = []
    img = w.dmtxImageCreate(pixels, width, height, w.DmtxPackOrder.DmtxPack8bppK)
    if not img:
        return out
    try:
        dec = w.dmtxDecodeCreate(img, 1)
        if not dec:
            return out
        try:
            deadline = w.dmtxTimeAdd(w.dmtxTimeNow(), max(1, int(timeout_ms)))
            while len(out) < max_count:
                region = w.dmtxRegionFindNext(dec, ctypes.byref(deadline))
                if not region:
                    break
                try:
                    sym = _decode_region(w, dec, region, height)
                finally:
                    w.dmtxRegionDestroy(ctypes.byref(region))
                if sym is not None:
                    out.append(sym)
        finally:
            w.dmtxDecodeDestroy(ctypes.byref(dec))
    finally:
        w.dmtxImageDestroy(ctypes.byref(img))
    return out


def _decode_region(
    w: ModuleType, dec: object, region: object, height: int
) -> DmtxSymbol | None:
    msg = w.dmtxDecodeMatrixRegion(dec, region, w.DmtxUndefined)
    if not msg:
        return None
    try:
        m = msg.contents
        n_out = max(0, min(int(m.outputIdx), int(m.outputSize)))
        output = ctypes.string_at(m.output, n_out)
        codewords = ctypes.string_at(m.code, int(m.codeSize))
        rows = int(region.contents.symbolRows)  # type: ignore[attr-defined]  # ctypes pointer, untyped pylibdmtx
        cols = int(region.contents.symbolCols)  # type: ignore[attr-defined]  # ctypes pointer, untyped pylibdmtx
        corners = _corners(w, region, height)
    finally:
        w.dmtxMessageDestroy(ctypes.byref(msg))
    ok = _ecc200.ecc_consistent(codewords, rows, cols)
    if not ok:
        logger.debug(
            "libdmtx result failed the Reed-Solomon re-check (%dx%d)", rows, cols
        )
    return DmtxSymbol(
        output=output,
        codewords=codewords,
        rows=rows,
        cols=cols,
        corners=corners,
        ecc_ok=ok,
    )
