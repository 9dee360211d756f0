"""Marks: the raster layers stamped on a page, their providers, and what they are told.

The layers (copy-detection pattern, watermark, void pantograph), what a mark
provider is told (:class:`MarkContext`), the check every mark passes before it is
stamped (:func:`resolve_mark`), and the providers :func:`docsec.issue` uses
(:func:`copy_detection_mark`, :func:`watermark_mark`, :func:`pantograph_mark`). The
providers import :mod:`docsec.copydetect` and :mod:`docsec.watermark` only when
they are called.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from docsec._types import GrayImage
from docsec.errors import ConfigurationError, InputError

if TYPE_CHECKING:
    from docsec.keys import SecretKey

__all__ = [
    "DEFAULT_TINT",
    "MarkContext",
    "MarkSource",
    "RasterMark",
    "copy_detection_mark",
    "pantograph_mark",
    "resolve_mark",
    "watermark_mark",
]


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


def copy_detection_mark(
    key: SecretKey, *, module_dots: int = 1, gap_mm: float = 3.0
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider that puts the keyed copy-detection block beside the seal.

    The block (pattern, fiducials and calibration strip, 600 dpi, one pixel per
    printer dot) goes to the left of the seal symbol, top-aligned with it,
    ``gap_mm`` away; its region and key id are declared in the seal.

    Parameters
    ----------
    key : SecretKey
        The CDP secret (purpose ``"cdp"``).
    module_dots : {1, 2}
        Printer dots per pattern module (2 for verification from 600-ppi scans).
    gap_mm : float
        Distance between the block and the seal.
    """
    from docsec import copydetect

    def make(ctx: MarkContext) -> RasterMark:
        pattern = copydetect.make_pattern(
            key, ctx.document_number, module_dots=module_dots
        )
        width_mm, _height_mm = pattern.size_mm
        return RasterMark(
            image=pattern.image,
            dpi=float(pattern.dpi),
            x_mm=ctx.seal_origin_mm[0] - gap_mm - width_mm,
            y_mm=ctx.seal_origin_mm[1],
            bilevel=True,
            key_id=pattern.key_id,
        )

    return make


@dataclass(frozen=True, slots=True)
class _PantographMark:
    """Picklable mark provider (batch workers receive it) for :func:`pantograph_mark`."""

    word: str
    size_mm: tuple[float, float]
    gap_mm: float

    def __call__(self, ctx: MarkContext) -> RasterMark:
        from docsec import copydetect

        pan = copydetect.make_pantograph(self.word, size_mm=self.size_mm)
        dots = 600 / 25.4
        x = ctx.seal_origin_mm[0] - self.gap_mm - self.size_mm[0]
        y = ctx.seal_origin_mm[1]
        return RasterMark(
            image=pan.image,
            dpi=float(pan.dpi),
            x_mm=round(x * dots) / dots,
            y_mm=round(y * dots) / dots,
            bilevel=True,
        )


def pantograph_mark(
    word: str = "COPY",
    *,
    size_mm: tuple[float, float] = (60.0, 20.0),
    gap_mm: float = 40.0,
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider for a void pantograph left of the seal.

    The hidden ``word`` stays invisible on the original print and shows on many
    photocopies. It is a human aid (docs/copydetect.md measures how weak it is),
    never part of a verdict. The band's right edge is ``gap_mm`` left of the seal
    (room for the copy-detection block), top-aligned with the seal, on the
    printer's 600-dpi grid.
    """
    return _PantographMark(word, size_mm, gap_mm)


#: Coverage of the security tint the watermark layer prints by default (8 %: level
#: 235 of 255). The mark needs printed ink under it: inkjet drivers whose tone curve
#: is c -> c**2 print a 6 % grey as 0.4 % and lost the mark on 2 of 20 simulated
#: printers; at 8 % all of 40 others decoded (docs/watermark.md, "The physical
#: channel").
DEFAULT_TINT = 0.08
#: Resolution of the watermark tile (one tile = 264 pixels = 22.35 mm).
_WM_DPI = 300.0


@dataclass(frozen=True, slots=True)
class _WatermarkMark:
    """Picklable mark provider (batch workers receive it) for :func:`watermark_mark`."""

    key: SecretKey
    tint: float
    margin_mm: float
    strength: float

    def __call__(self, ctx: MarkContext) -> RasterMark:
        from docsec import watermark

        if not ctx.issuer:
            raise InputError("the watermark needs the issuer's signer identifier")
        payload = watermark.document_payload(self.key, ctx.issuer, ctx.document_number)
        side = round(watermark.TILE_INCH * _WM_DPI)
        level = round(255 * (1.0 - self.tint))
        tile = np.full((side, side), level, np.uint8)
        marked = watermark.embed(
            tile, payload, key=self.key, dpi=_WM_DPI, strength=self.strength
        )
        # The tile origin on the printer's 600-dpi grid, the area a whole number of
        # 600-dpi dots: the pattern's cells then land on whole device pixels.
        dots = 600 / 25.4
        x = round(self.margin_mm * dots) / dots
        y = round(self.margin_mm * dots) / dots
        width, height = ctx.page_size_mm
        w = round((width - 2 * self.margin_mm) * dots) / dots
        h = round((height - 2 * self.margin_mm) * dots) / dots
        if w <= 0 or h <= 0:
            raise InputError("the page is too small for the watermark's margins")
        return RasterMark(
            image=marked,
            dpi=_WM_DPI,
            x_mm=x,
            y_mm=y,
            key_id=self.key.key_id,
            repeat_mm=(w, h),
        )


def watermark_mark(
    key: SecretKey,
    *,
    tint: float = DEFAULT_TINT,
    margin_mm: float = 8.0,
    strength: float = 1.0,
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider for the watermarked security tint under the page.

    The layer is a light grey tint of ``tint`` coverage over the page (less
    ``margin_mm`` on each side), carrying the keyed watermark whose 64-bit payload
    is :func:`docsec.watermark.document_payload` of the seal's issuer and document
    number. It is one 22.35 mm tile repeated (a PDF tiling pattern, ~8 KB in the file),
    placed under the page content; its key id goes into the seal's layout, so a
    verifier knows which key to use and that the page must carry the mark.

    Parameters
    ----------
    key : SecretKey
        The issuer's watermark key (purpose ``"watermark"``).
    tint : float
        Coverage of the tint, 0.02 to 0.25. The mark lives in the tint (PSNR 41 dB
        against the plain tint); lighter tints lose the mark on printers that
        drop the faintest greys.
    margin_mm : float
        White margin around the tint (printers do not print to the edge).
    strength : float
        As in :func:`docsec.watermark.embed`.

    Notes
    -----
    The layer is painted first; a PDF whose own content paints an opaque
    background over the page hides it (the built-in template does not).
    """
    if getattr(key, "purpose", None) != "watermark":
        raise ConfigurationError("watermark_mark needs a key of purpose 'watermark'")
    if not 0.02 <= float(tint) <= 0.25:
        raise ConfigurationError(f"tint must be in [0.02, 0.25], got {tint!r}")
    if not 0 <= float(margin_mm) <= 50:
        raise ConfigurationError(f"margin_mm must be in [0, 50], got {margin_mm!r}")
    return _WatermarkMark(key, float(tint), float(margin_mm), float(strength))
