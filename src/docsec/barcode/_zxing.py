"""Adapter for zxing-cpp: read DataMatrix symbols from a gray image.

Only this module imports :mod:`zxingcpp`. ``Barcode.bytes`` is used, never
``.text``: ``bytes`` is the decoded byte content with ECI designators removed
and no character-set conversion (for an ECI symbol the bytes of every segment
are concatenated as they are), FNC1 in a GS1 symbol becomes the GS byte 0x1D
(the leading FNC1 is reported as symbology identifier ``]d2`` instead).
``.text`` is transcoded (and renders GS as the literal ``<GS>`` in HRI mode).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import zxingcpp

from docsec._types import GrayImage

__all__ = ["BINARIZERS", "ZxingSymbol", "read_qr", "read_zxing"]

logger = logging.getLogger(__name__)

_FORMATS = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.DataMatrix)
_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)

#: Binarizers by the names used in :attr:`DecodedSymbol.variant`.
BINARIZERS = {
    "local": zxingcpp.Binarizer.LocalAverage,
    "global": zxingcpp.Binarizer.GlobalHistogram,
    "fixed": zxingcpp.Binarizer.FixedThreshold,
    "boolcast": zxingcpp.Binarizer.BoolCast,
}


@dataclass(frozen=True, slots=True)
class ZxingSymbol:
    """One symbol as zxing-cpp reports it (pixel coordinates of its input image)."""

    data: bytes
    corners: tuple[tuple[float, float], ...]
    rows: int
    cols: int
    symbology_identifier: str


def _version(extra: object) -> tuple[int, int]:
    # extra["Version"] is "ROWSxCOLS", e.g. "26x26" or "12x36".
    if isinstance(extra, dict):
        version = extra.get("Version")
        if isinstance(version, str) and "x" in version:
            rows, _, cols = version.partition("x")
            if rows.isdigit() and cols.isdigit():
                return int(rows), int(cols)
    return 0, 0


def read_zxing(
    gray: GrayImage,
    *,
    binarizer: str = "local",
    try_downscale: bool = True,
    is_pure: bool = False,
    thorough: bool = True,
) -> list[ZxingSymbol]:
    """Read every DataMatrix zxing-cpp finds in one gray image.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, 0..255
        The image.
    binarizer : {"local", "global", "fixed", "boolcast"}
        zxing-cpp binarizer.
    try_downscale : bool
        Let zxing-cpp also scan its own downscaled copies (helps large modules).
    is_pure : bool
        The image holds nothing but one axis-aligned symbol.
    thorough : bool
        Also try rotated and inverted (light-on-dark) readings, and downscaled
        copies when ``try_downscale``. ``False`` is the cheap first pass: one
        reading of the image as it is.

    Returns
    -------
    list of ZxingSymbol
        Only symbols that passed zxing-cpp's Reed-Solomon check (``valid``).
    """
    return _read(
        gray, _FORMATS, binarizer, try_downscale and thorough, is_pure, thorough
    )


def read_qr(gray: GrayImage) -> list[ZxingSymbol]:
    """Read every QR code zxing-cpp finds in one gray image (EU DCC).

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, 0..255
        The image.

    Returns
    -------
    list of ZxingSymbol
        Only symbols that passed zxing-cpp's Reed-Solomon check.
    """
    return _read(gray, _QR, "local", True, False, True)


def _read(
    gray: GrayImage,
    formats: zxingcpp.BarcodeFormats,
    binarizer: str,
    try_downscale: bool,
    is_pure: bool,
    thorough: bool,
) -> list[ZxingSymbol]:
    results = zxingcpp.read_barcodes(
        np.ascontiguousarray(gray),
        formats=formats,
        try_rotate=thorough,
        try_downscale=try_downscale,
        try_invert=thorough,
        binarizer=BINARIZERS[binarizer],
        is_pure=is_pure,
    )
    out: list[ZxingSymbol] = []
    for res in results:
        if not res.valid or res.error is not None:
            # Not returned by default (return_errors=False); kept as a guard.
            logger.debug("zxing-cpp result with error ignored: %s", res.error)
            continue
        pos = res.position
        corners = tuple(
            (float(p.x), float(p.y))
            for p in (pos.top_left, pos.top_right, pos.bottom_right, pos.bottom_left)
        )
        rows, cols = _version(res.extra)
        out.append(
            ZxingSymbol(
                data=bytes(res.bytes),
                corners=corners,
                rows=rows,
                cols=cols,
                symbology_identifier=str(res.symbology_identifier),
            )
        )
    return out
