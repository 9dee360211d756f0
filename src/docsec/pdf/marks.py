"""Marks: the raster layers stamped on a page, and what their providers are told.

The layers (copy-detection pattern, watermark,
void pantograph), what a mark provider is told (:class:`MarkContext`), and the
check every mark passes before it is stamped (:func:`resolve_mark`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from docsec._types import GrayImage
from docsec.errors import ConfigurationError, InputError

__all__ = ["MarkContext", "MarkSource", "RasterMark", "resolve_mark"]


@dataclass(frozen=True, slots=True)
class RasterMark:
    """A raster layer placed on the page: a copy-detection pattern, watermark, pantograph.

    Attributes
    ----------
    image : (H, W) uint8 ndarray, gray, 0..255
        The layer; 0 is full ink, 255 paper.
    dpi : float
        Resolution the image is placed at (one image pixel = 1/dpi inch).
    x_mm, y_mm : float
        Top-left corner on the page, mm from the page's top-left corner.
    bilevel : bool
        Pixels < 128 are ink, the rest paper. Copy-detection patterns need this:
        the CDP layer is drawn as vector rectangles, one printer dot per pixel, on
        the page's dot grid; other bilevel layers as 1-bit images.
    key_id : str or None
        ``SecretKey.key_id`` of the key that made the layer (16 hex digits); when
        given, the layer's region is declared in the signed seal's layout.
    repeat_mm : (float, float) or None
        When given, the image is one tile and fills an area of this (width,
        height) from ``(x_mm, y_mm)``, repeated without gaps (a PDF tiling
        pattern: one small image however large the area). A watermark layer is
        placed this way.
    """

    image: GrayImage
    dpi: float
    x_mm: float
    y_mm: float
    bilevel: bool = False
    key_id: str | None = None
    repeat_mm: tuple[float, float] | None = None

    @property
    def size_mm(self) -> tuple[float, float]:
        """Return the image's (width, height) on the page in mm (one tile if repeated)."""
        h, w = self.image.shape[:2]
        return w * 25.4 / self.dpi, h * 25.4 / self.dpi

    @property
    def extent_mm(self) -> tuple[float, float]:
        """Return the (width, height) of the page area the layer covers, in mm."""
        return self.repeat_mm if self.repeat_mm is not None else self.size_mm


@dataclass(frozen=True, slots=True)
class MarkContext:
    """What a mark provider knows when it is asked for a layer.

    Attributes
    ----------
    document_number : str
        The certificate's document number.
    page_size_mm : (float, float)
        Width and height of the page.
    seal_origin_mm : (float, float)
        Top-left corner of the seal symbol on the page.
    module_mm : float
        Seal module size.
    issuer : str
        The seal's signer identifier (ICAO: country and signer code, e.g.
        ``"KRGN"``); with the document number it names the document (the
        watermark's document id is derived from both).
    """

    document_number: str
    page_size_mm: tuple[float, float]
    seal_origin_mm: tuple[float, float]
    module_mm: float
    issuer: str = ""


#: A mark, or a callable that makes one for a document (e.g. a watermark generator).
MarkSource = RasterMark | Callable[[MarkContext], RasterMark]


def _check_mark(mark: object, what: str) -> RasterMark:
    if not isinstance(mark, RasterMark):
        raise ConfigurationError(
            f"{what} must be a RasterMark or return one, got {type(mark).__name__}"
        )
    img: object = mark.image
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 2:
        raise InputError(f"{what}: image must be a (H, W) uint8 array")
    if min(mark.image.shape) < 1:
        raise InputError(f"{what}: image is empty")
    if not 50 <= float(mark.dpi) <= 4800:
        raise InputError(f"{what}: dpi must be in [50, 4800], got {mark.dpi!r}")
    if mark.key_id is not None and not re.fullmatch(r"[0-9a-f]{16}", mark.key_id):
        raise InputError(f"{what}: key_id must be 16 lowercase hex digits")
    if mark.repeat_mm is not None:
        rw, rh = mark.repeat_mm
        if not (0 < float(rw) <= 5000 and 0 < float(rh) <= 5000):
            raise InputError(f"{what}: repeat_mm must be a positive size in mm")
        if mark.bilevel:
            raise InputError(f"{what}: a repeated layer cannot be bilevel")
    return mark


def resolve_mark(
    source: MarkSource | None, ctx: MarkContext, what: str
) -> RasterMark | None:
    """Return the mark a source gives for ``ctx`` (None stays None)."""
    if source is None:
        return None
    mark = source if isinstance(source, RasterMark) else source(ctx)
    return _check_mark(mark, what)
