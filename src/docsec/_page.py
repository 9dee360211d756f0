"""A plain raster certificate page for demos, samples and benchmarks.

This is not the issued PDF (that is built from the issuer's own PDF or a template
with embedded fonts); it is a page image with the same ingredients a scan shows:
a title, lines of text and the seal at a physical module size.
"""

from __future__ import annotations

import cv2
import numpy as np

from docsec import barcode as _barcode
from docsec._types import GrayImage
from docsec.errors import InputError

__all__ = ["A4_MM", "render_page"]

A4_MM = (210.0, 297.0)
_MM_PER_INCH = 25.4


def _ascii(text: str) -> str:
    # OpenCV's Hershey fonts draw ASCII only; keep the romanised part of
    # bilingual values ("홍길동 (HONG Gildong)" -> "HONG Gildong").
    if text.isascii():
        return text
    if "(" in text and text.endswith(")"):
        inner = text[text.index("(") + 1 : -1]
        if inner.isascii():
            return inner
    return "".join(ch if ch.isascii() else "?" for ch in text)


def render_page(
    seal_bytes: bytes,
    lines: list[tuple[str, str]],
    *,
    title: str,
    dpi: int = 600,
    module_mm: float = 0.5,
    seal_pos_mm: tuple[float, float] = (150.0, 230.0),
) -> GrayImage:
    """Draw an A4 page with a title, label/value lines and the seal.

    Parameters
    ----------
    seal_bytes : bytes
        Seal to draw as a DataMatrix.
    lines : list of (str, str)
        Label and value pairs printed under the title (non-ASCII is romanised).
    title : str
        Page title.
    dpi : int
        Page resolution.
    module_mm : float
        Seal module size in millimetres (rounded to whole pixels at ``dpi``).
    seal_pos_mm : (float, float)
        Top-left corner of the symbol (quiet zone excluded), ``(x, y)`` in mm.

    Returns
    -------
    (H, W) uint8 ndarray
        White page, black ink.
    """
    px = dpi / _MM_PER_INCH
    width, height = round(A4_MM[0] * px), round(A4_MM[1] * px)
    page = np.full((height, width), 255, np.uint8)
    scale = dpi / 300.0
    thick = max(1, round(2 * scale))
    cv2.putText(
        page,
        _ascii(title),
        (round(25 * px), round(35 * px)),
        cv2.FONT_HERSHEY_DUPLEX,
        1.6 * scale,
        0,
        thick + 1,
        cv2.LINE_AA,
    )
    cv2.line(
        page,
        (round(25 * px), round(40 * px)),
        (round(185 * px), round(40 * px)),
        0,
        thick,
    )
    y = 55.0
    for label, value in lines:
        cv2.putText(
            page,
            _ascii(label),
            (round(25 * px), round(y * px)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.9 * scale,
            60,
            thick,
            cv2.LINE_AA,
        )
        cv2.putText(
            page,
            _ascii(value),
            (round(80 * px), round(y * px)),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.9 * scale,
            0,
            thick,
            cv2.LINE_AA,
        )
        y += 9.0
    matrix = _barcode.encode(seal_bytes)
    module_px = max(1, round(module_mm * px))
    symbol = _barcode.render_raster(matrix, module_px=module_px, quiet_zone=0)
    r0, c0 = round(seal_pos_mm[1] * px), round(seal_pos_mm[0] * px)
    r1, c1 = r0 + symbol.shape[0], c0 + symbol.shape[1]
    if r1 > height or c1 > width:
        raise InputError("the seal does not fit on the page at this position and size")
    page[r0:r1, c0:c1] = symbol
    cv2.putText(
        page,
        "Verify: docsec verify <scan>",
        (c0, r1 + round(6 * px)),
        cv2.FONT_HERSHEY_SIMPLEX,
        0.6 * scale,
        0,
        thick,
        cv2.LINE_AA,
    )
    return page
