"""Channel models: what printing, scanning, phone capture and photocopying do to a page.

docsec cannot print in its test suite, so every robustness and accuracy claim about
the watermark and the copy-detection pattern is a benchmark over many seeds of these
models. They are also for users: run your own layout through them and look.

The chain is physical and explicit::

    page (uint8, dpi) --print_page--> PrintedPage --scan-------> SimResult (uint8, dpi)
                                          |        --photograph-> SimResult (BGR, ~ppi)
                                          '--copy_page--> PrintedPage (a photocopy) --> ...

with one-call shortcuts :func:`print_scan`, :func:`phone_capture` and
:func:`photocopy`. Every random quantity is drawn from the ``numpy.random.Generator``
(or int seed) you pass: the same seed gives the same output, bit for bit, and no
global random state is touched. Every parameter set is a frozen dataclass
(:class:`PrinterParams`, :class:`ScannerParams`, :class:`PhoneParams`,
:class:`CopierParams`) whose ``sample(rng, ...)`` draws from the ranges below and
whose fields can be fixed with :func:`dataclasses.replace`. Results carry the
parameters that were used and the exact geometry (``page_to_image``), so
benchmarks can align outputs with the input without estimating anything.

What is modelled, in order (ranges: see each parameter class)
-------------------------------------------------------------
**Print** (:func:`print_page`), at the printer's 600 or 1200 dpi grid, optionally
oversampled for dot shape:

1. *Rasterisation*: the page is resampled to the printer grid (pixel replication for
   integer up-scaling, so binary 1-dot patterns stay binary).
2. *Halftoning*: grey is screened, solid black and white are not. The driver first
   applies a linearisation curve (coverage ``c -> c ** tone_gamma``) that offsets
   part of the dot gain. Laser: a
   clustered-dot supercell screen at 106, 133 or 159 lpi, 45 degrees (Ulichney,
   *Digital Halftoning*, 1987). Inkjet: dispersed dots from a 128x128 blue-noise mask
   (void-and-cluster, Ulichney 1993) as a fast stand-in for the drivers' error
   diffusion. Colour pages get C, M, Y, K separations with full grey-component
   replacement (text and grey print in black only) and 15/75/0/45 degree screens.
3. *Dot spread and dot gain*: each dot deposits toner/ink with a Gaussian profile
   (sigma 15-28 um) and coverage ``1 - exp(-mass)``: isolated dots come out round and
   ~60-80 um wide at 600 dpi, solids close, edges grow. The resulting tone value
   increase at 50 % is 15-30 points, as for office printers on plain paper
   (printed by ``benchmarks/bench_simulate.py``).
4. *Toner and ink defects*: per-dot mass noise (grain), low-frequency mottle,
   periodic banding across the feed direction, stray specks near marks (toner
   scatter, satellite drops), voids (dropouts), and for worn devices light streaks
   (laser drum) or missing nozzle rows (inkjet). Worn devices also print lighter.
5. *Paper*: reflectance 0.84-0.92 with a bluish tint, fibre texture and formation,
   and lateral light scattering (optical dot gain, Yule-Nielsen:
   ``R = R_paper * T * (PSF * T)``, PSF sigma 20-55 um; Coppel et al., Optics
   Express 19(25), 2011).
6. *Geometry*: scale error (0.2-0.8 %), page offset (1-2 mm) and skew of the print.

**Flatbed scan** (:func:`scan`), at 300, 600, 1200 or 2400 dpi: optical blur (sigma
10-22 um) plus the pixel aperture, so that the system MTF50 is 0.30-0.45 cycles/pixel
at 600 dpi and consumer flatbeds resolve 600-1200 dpi in practice (ISO 16067-1;
Simcoe, ASP Conf. Ser. 410, 2009); skew up to 2.5 degrees and offset on the platen;
lamp fall-off and drift; a tone curve (black point, white point, gamma 1.8-2.4);
optional driver sharpening; sensor noise (0.4-2 levels, independent per channel);
grey or colour (with CIS channel misregistration in y, 0-0.3 px, and lateral
chromatic aberration in x, up to 0.25 px); PNG or JPEG at a chosen quality. The output's dpi is the
scan dpi (write it with :func:`docsec.imaging.write_image`).

**Phone capture** (:func:`photograph`): a pinhole camera (12 MP, ~26 mm-equivalent)
at the distance that gives 150-330 ppi on the page (100-500 when fixed), tilted up to
15 degrees (perspective) and rolled; lens/ISP blur, defocus disc and motion blur;
vignetting and uneven light; white-balance error; shot and read noise; gamma;
ISP sharpening; JPEG 80-95. The page lies on a coloured surface. The result's dpi is
the sampling at the aim point.

**Photocopy** (:func:`copy_page`): the copier scans at 600 dpi with softer optics than
a good flatbed (sigma 18-30 um), processes (text mode: background removal, contrast,
edge enhancement; photo mode: descreening blur and gentle tone curve), and prints on
its own 600 dpi laser engine with its own screen. A colour copier (``mode="color"``)
scans in colour with its own channel misregistration (0.2-0.8 px in y, 0.1-0.5 px
in x: colour fringes at black edges), processes each channel, and prints neutrals
as grey-balanced composite C+M+Y with 0-50 % K, each plane on its own screen and
offset from K by 0.25-2 dots (10-85 um; colour laser engines register planes to
about 40-100 um). ``strong=True`` models a careful
counterfeiter: 1200 dpi scan with sharp optics, sharpening, binarisation, reprint on
a good 1200 dpi laser.

Simplifications (be careful what you conclude)
-----------------------------------------------
- Full pages are simulated at the printer resolution: a dot is a Gaussian mass
  profile on that grid, not a sub-dot shape. Use ``oversample=2..4`` on crops when
  the dot shape matters (copy detection).
- Error diffusion is approximated by a blue-noise mask; laser pulse-width modulation
  is not modelled; inks are block dyes with fixed side absorptions.
- Paper light scattering uses a Gaussian PSF; real paper PSFs have heavier tails.
- The scanner blur is applied before the (small) skew rotation; scanners see a flat
  sheet (no curl, no shadow at the sheet edge; the lid is as white as the paper).
- The phone has no lens distortion, rolling shutter, demosaicing artefacts, glare or
  shadows; its denoising is not modelled (its noise is what remains after it).
- The copier's text/photo processing is generic, not any particular vendor's;
  the colour copier has no black-text detection (which prints black text in K
  only, and then looks like a black-and-white copy) and no colour management
  beyond grey balance; inks are block dyes.
- Parameter ranges are typical published or specified values (cited in each class);
  they are not a calibrated fit to any one device. Conclusions must hold across the
  ranges, and DESIGN.md section 5 asks for other channel models to cross-check them.

Examples
--------
>>> import numpy as np
>>> from docsec import simulate
>>> page = np.full((300, 200), 255, np.uint8)
>>> page[100:200, 50:150] = 0
>>> res = simulate.print_scan(page, page_dpi=600, scanner_dpi=300, rng=7)
>>> res.image.shape, res.image.dtype.name, res.dpi
((150, 100), 'uint8', 300.0)
>>> again = simulate.print_scan(page, page_dpi=600, scanner_dpi=300, rng=7)
>>> bool((again.image == res.image).all())
True
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np

from docsec._simulate._capture import copy_impl, photo_impl, scan_impl
from docsec._simulate._params import (
    CopierParams,
    CopyMode,
    PhoneParams,
    PrinterKind,
    PrinterParams,
    Quality,
    ScannerParams,
    param_dict,
)
from docsec._simulate._print import AnyParams, PrintedPage, print_impl
from docsec._simulate._util import F64, as_generator, cv_u8
from docsec._types import Image
from docsec.errors import ConfigurationError, InputError
from docsec.imaging import check_image

__all__ = [
    "CopierParams",
    "PhoneParams",
    "PrintedPage",
    "PrinterParams",
    "ScannerParams",
    "SimResult",
    "copy_page",
    "phone_capture",
    "photocopy",
    "photograph",
    "print_page",
    "print_scan",
    "scan",
]

logger = logging.getLogger(__name__)

#: Seed or generator accepted by every function here.
RNG = np.random.Generator | int


@dataclass(frozen=True, slots=True)
class SimResult:
    """A simulated capture.

    Attributes
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        What the scanner or camera delivered (after JPEG decoding if it saved JPEG).
    dpi : float
        Sampling of the page in pixels per inch: the scan resolution, or for a
        phone the effective sampling at the aim point.
    page_to_image : (3, 3) float64 ndarray
        Exact map from input-page pixel coordinates (x = column, y = row,
        homogeneous, OpenCV's convention) to ``image`` pixel coordinates, through
        every print, copy and capture. Read-only.
    params : mapping of str to parameter set
        What was used: "printer", "scanner", "phone", "copier".
    jpeg : bytes or None
        The JPEG file the device wrote (dpi in its header), when it wrote one.
    """

    image: Image
    dpi: float
    page_to_image: F64
    params: Mapping[str, AnyParams]
    jpeg: bytes | None = None

    def params_dict(self) -> dict[str, dict[str, object]]:
        """Return the parameters as plain JSON-ready dicts, for reports."""
        return {name: param_dict(p) for name, p in self.params.items()}

    def to_page(self, shape: tuple[int, int]) -> Image:
        """Resample ``image`` back onto the input page's pixel grid.

        Uses the exact ``page_to_image`` geometry (no registration), bilinear
        interpolation; areas outside the capture become 255.

        Parameters
        ----------
        shape : (int, int)
            ``(rows, cols)`` of the input page.

        Returns
        -------
        (rows, cols) or (rows, cols, 3) uint8 ndarray
        """
        rows, cols = int(shape[0]), int(shape[1])
        if rows < 1 or cols < 1:
            raise InputError(f"shape must be positive, got {shape!r}")
        fill = (255.0, 255.0, 255.0)
        return cv_u8(
            cv2.warpPerspective(
                self.image,
                self.page_to_image,
                (cols, rows),
                flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=fill,
            )
        )


def _check_dpi(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{name} must be a number, got {type(value).__name__}")
    dpi = float(value)
    if not (math.isfinite(dpi) and 50.0 <= dpi <= 4800.0):
        raise InputError(f"{name} must be between 50 and 4800, got {value!r}")
    return dpi


def _check_page(page: object) -> Image:
    return check_image(page, name="page", min_size=8)


def _check_oversample(oversample: object) -> int:
    if isinstance(oversample, bool) or not isinstance(oversample, int):
        raise ConfigurationError(f"oversample must be 1, 2, 3 or 4, got {oversample!r}")
    if oversample not in (1, 2, 3, 4):
        raise ConfigurationError(f"oversample must be 1, 2, 3 or 4, got {oversample!r}")
    return oversample


def _printer(
    printer: PrinterKind | PrinterParams,
    quality: Quality | None,
    printer_dpi: int | None,
    rng: np.random.Generator,
) -> PrinterParams:
    if isinstance(printer, PrinterParams):
        if quality is not None or printer_dpi is not None:
            raise ConfigurationError(
                "pass either printer=PrinterParams(...) or quality/printer_dpi, not both"
            )
        return printer
    if printer not in ("laser", "inkjet"):
        raise ConfigurationError(
            f"printer must be 'laser', 'inkjet' or a PrinterParams, got {printer!r}"
        )
    q = quality or "good"
    if q not in ("good", "worn"):
        raise ConfigurationError(f"quality must be 'good' or 'worn', got {q!r}")
    dpi = 600 if printer_dpi is None else printer_dpi
    if dpi not in (300, 600, 1200):
        raise ConfigurationError(f"printer_dpi must be 300, 600 or 1200, got {dpi!r}")
    return PrinterParams.sample(rng, kind=printer, quality=q, dpi=dpi)


def _scanner(
    scanner: ScannerParams | None,
    dpi: float | None,
    color: bool | None,
    jpeg_quality: int | None,
    rng: np.random.Generator,
) -> ScannerParams:
    if scanner is not None:
        if not isinstance(scanner, ScannerParams):
            raise ConfigurationError(
                f"scanner must be a ScannerParams, got {type(scanner).__name__}"
            )
        if dpi is not None or color is not None or jpeg_quality is not None:
            raise ConfigurationError(
                "pass either scanner=ScannerParams(...) or "
                "scanner_dpi/color/jpeg_quality, not both"
            )
        return scanner
    sdpi = 600.0 if dpi is None else _check_dpi(dpi, "scanner dpi")
    # ScannerParams validates jpeg_quality.
    return ScannerParams.sample(
        rng, dpi=sdpi, color=bool(color), jpeg_quality=jpeg_quality
    )


def _copier(
    copier: CopierParams | None,
    mode: CopyMode | None,
    strong: bool | None,
    rng: np.random.Generator,
) -> CopierParams:
    if copier is not None:
        if not isinstance(copier, CopierParams):
            raise ConfigurationError(
                f"copier must be a CopierParams, got {type(copier).__name__}"
            )
        if mode is not None or strong is not None:
            raise ConfigurationError(
                "pass either copier=CopierParams(...) or mode/strong, not both"
            )
        return copier
    if mode is not None and mode not in ("text", "photo", "color"):
        raise ConfigurationError(
            f"mode must be 'text', 'photo' or 'color', got {mode!r}"
        )
    return CopierParams.sample(rng, mode=mode or "text", strong=bool(strong))


def _streams(rng: RNG) -> dict[str, np.random.Generator]:
    # Independent child streams, so the one-call channels stay paired: for the same
    # seed, print_scan, photocopy and phone_capture make the same original print,
    # and print_scan and photocopy use the same scanner.
    gen = as_generator(rng)
    children = gen.spawn(4)
    return dict(zip(("printer", "scanner", "copier", "phone"), children, strict=True))


def _result(
    image: Image,
    dpi: float,
    page_to_image: F64,
    params: Mapping[str, AnyParams],
    jpeg: bytes | None,
) -> SimResult:
    m = np.array(page_to_image, dtype=np.float64)
    m /= m[2, 2]
    m.setflags(write=False)
    return SimResult(
        image=image,
        dpi=float(dpi),
        page_to_image=m,
        params=dict(params),
        jpeg=jpeg,
    )


# ------------------------------------------------------------------ building blocks


def print_page(
    page: Image,
    *,
    dpi: float,
    rng: RNG,
    printer: PrinterKind | PrinterParams = "laser",
    quality: Quality | None = None,
    printer_dpi: int | None = None,
    oversample: int = 1,
) -> PrintedPage:
    """Print a page image on simulated paper.

    Parameters
    ----------
    page : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The page as it is sent to the printer (0 = black, 255 = paper).
    dpi : float
        Resolution of ``page`` (pixels per inch); it fixes the sheet size.
    rng : numpy.random.Generator or int
        Source of every random draw (an int is a seed).
    printer : {"laser", "inkjet"} or PrinterParams
        A printer class to draw from, or fixed parameters.
    quality : {"good", "worn"}, optional
        Condition drawn for a printer class (default "good"). Only with a class.
    printer_dpi : {600, 1200, 300}, optional
        Printer resolution for a printer class (default 600). Only with a class.
    oversample : {1, 2, 3, 4}
        Simulation grid = printer dpi x oversample. 1 is right for whole pages;
        2-4 renders dot shapes for crops (cost grows with its square).

    Returns
    -------
    PrintedPage

    Raises
    ------
    InputError
        If ``page`` breaks the array contract, ``dpi`` is out of range, or the
        simulation grid would exceed the pixel limit.
    ConfigurationError
        If options are invalid or conflicting.
    """
    checked = _check_page(page)
    page_dpi = _check_dpi(dpi, "dpi")
    os_ = _check_oversample(oversample)
    gen = as_generator(rng)
    params = _printer(printer, quality, printer_dpi, gen)
    return print_impl(checked, page_dpi, params, gen, oversample=os_)


def scan(
    printed: PrintedPage,
    *,
    rng: RNG,
    scanner: ScannerParams | None = None,
    dpi: float | None = None,
    color: bool | None = None,
    jpeg_quality: int | None = None,
) -> SimResult:
    """Scan a printed sheet on a simulated flatbed.

    Parameters
    ----------
    printed : PrintedPage
        From :func:`print_page` or :func:`copy_page`.
    rng : numpy.random.Generator or int
        Source of every random draw.
    scanner : ScannerParams, optional
        Fixed scanner parameters; if omitted they are drawn
        (:meth:`ScannerParams.sample`) with the options below.
    dpi : float, optional
        Scan resolution (default 600).
    color : bool, optional
        Colour (BGR) output instead of grey.
    jpeg_quality : int, optional
        Save as JPEG at this quality (default: lossless).

    Returns
    -------
    SimResult
        ``image`` of ``round(sheet size x dpi)`` pixels, ``dpi`` the scan dpi.
    """
    if not isinstance(printed, PrintedPage):
        raise InputError(f"printed must be a PrintedPage, got {type(printed).__name__}")
    gen = as_generator(rng)
    sp = _scanner(scanner, dpi, color, jpeg_quality, gen)
    image, page_to_image, data = scan_impl(printed, sp, gen)
    return _result(
        image, sp.dpi, page_to_image, {**printed.params, "scanner": sp}, data
    )


def photograph(
    printed: PrintedPage,
    *,
    rng: RNG,
    phone: PhoneParams | None = None,
    ppi: float | None = None,
) -> SimResult:
    """Photograph a printed sheet with a simulated phone camera.

    Parameters
    ----------
    printed : PrintedPage
        From :func:`print_page` or :func:`copy_page`.
    rng : numpy.random.Generator or int
        Source of every random draw.
    phone : PhoneParams, optional
        Fixed camera parameters; drawn (:meth:`PhoneParams.sample`) if omitted.
    ppi : float, optional
        Fix the sampling on the page when parameters are drawn (100-500 typical).

    Returns
    -------
    SimResult
        A BGR image of the whole sensor frame (12 MP by default), decoded from the
        phone's JPEG; ``dpi`` is the sampling at the aim point.
    """
    if not isinstance(printed, PrintedPage):
        raise InputError(f"printed must be a PrintedPage, got {type(printed).__name__}")
    gen = as_generator(rng)
    if phone is not None:
        if not isinstance(phone, PhoneParams):
            raise ConfigurationError(
                f"phone must be a PhoneParams, got {type(phone).__name__}"
            )
        if ppi is not None:
            raise ConfigurationError(
                "pass either phone=PhoneParams(...) or ppi, not both"
            )
        pp = phone
    else:
        if ppi is not None:
            _check_dpi(ppi, "ppi")
        pp = PhoneParams.sample(gen, ppi=ppi)
    image, page_to_image, data, eff = photo_impl(printed, pp, gen)
    return _result(image, eff, page_to_image, {**printed.params, "phone": pp}, data)


def copy_page(
    printed: PrintedPage,
    *,
    rng: RNG,
    copier: CopierParams | None = None,
    mode: CopyMode | None = None,
    strong: bool | None = None,
) -> PrintedPage:
    """Photocopy a printed sheet: the copier scans, processes and prints it again.

    Parameters
    ----------
    printed : PrintedPage
        The sheet to copy (an original, or a copy for a copy of a copy).
    rng : numpy.random.Generator or int
        Source of every random draw.
    copier : CopierParams, optional
        Fixed copier parameters; drawn (:meth:`CopierParams.sample`) if omitted.
    mode : {"text", "photo", "color"}, optional
        Copier mode when drawn (default "text").
    strong : bool, optional
        Draw a careful 1200 dpi scan-and-reprint instead of an office copier.

    Returns
    -------
    PrintedPage
        The copy, on a fresh sheet of the same size; its ``page_to_grid`` still
        refers to the original page's pixels.
    """
    if not isinstance(printed, PrintedPage):
        raise InputError(f"printed must be a PrintedPage, got {type(printed).__name__}")
    gen = as_generator(rng)
    cp = _copier(copier, mode, strong, gen)
    return copy_impl(printed, cp, gen)


# ------------------------------------------------------------------ one-call channels


def print_scan(
    page: Image,
    *,
    page_dpi: float,
    rng: RNG,
    printer: PrinterKind | PrinterParams = "laser",
    quality: Quality | None = None,
    printer_dpi: int | None = None,
    oversample: int = 1,
    scanner: ScannerParams | None = None,
    scanner_dpi: float | None = None,
    color: bool | None = None,
    jpeg_quality: int | None = None,
) -> SimResult:
    """Print a page and scan it on a flatbed (the channel of an honest user).

    Parameters
    ----------
    page : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The page image.
    page_dpi : float
        Resolution of ``page``.
    rng : numpy.random.Generator or int
        Source of every random draw. For one seed, :func:`print_scan`,
        :func:`photocopy` and :func:`phone_capture` make the same original print,
        and :func:`print_scan` and :func:`photocopy` use the same scanner, so
        their outputs can be compared pairwise.
    printer, quality, printer_dpi, oversample
        As in :func:`print_page`.
    scanner, scanner_dpi, color, jpeg_quality
        As ``scanner``, ``dpi``, ``color``, ``jpeg_quality`` in :func:`scan`.

    Returns
    -------
    SimResult
    """
    checked = _check_page(page)
    pdpi = _check_dpi(page_dpi, "page_dpi")
    os_ = _check_oversample(oversample)
    streams = _streams(rng)
    pp = _printer(printer, quality, printer_dpi, streams["printer"])
    sp = _scanner(scanner, scanner_dpi, color, jpeg_quality, streams["scanner"])
    printed = print_impl(checked, pdpi, pp, streams["printer"], oversample=os_)
    image, page_to_image, data = scan_impl(
        printed, sp, streams["scanner"], consume=True
    )
    return _result(
        image, sp.dpi, page_to_image, {**printed.params, "scanner": sp}, data
    )


def phone_capture(
    page: Image,
    *,
    page_dpi: float,
    rng: RNG,
    printer: PrinterKind | PrinterParams = "laser",
    quality: Quality | None = None,
    printer_dpi: int | None = None,
    oversample: int = 1,
    phone: PhoneParams | None = None,
    ppi: float | None = None,
) -> SimResult:
    """Print a page and photograph it with a phone.

    Parameters
    ----------
    page : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The page image.
    page_dpi : float
        Resolution of ``page``.
    rng : numpy.random.Generator or int
        Source of every random draw (see :func:`print_scan` on pairing).
    printer, quality, printer_dpi, oversample
        As in :func:`print_page`.
    phone, ppi
        As in :func:`photograph`.

    Returns
    -------
    SimResult
        BGR frame; ``dpi`` is the effective sampling at the aim point.
    """
    checked = _check_page(page)
    pdpi = _check_dpi(page_dpi, "page_dpi")
    os_ = _check_oversample(oversample)
    streams = _streams(rng)
    pp = _printer(printer, quality, printer_dpi, streams["printer"])
    printed = print_impl(checked, pdpi, pp, streams["printer"], oversample=os_)
    return photograph(printed, rng=streams["phone"], phone=phone, ppi=ppi)


def photocopy(
    page: Image,
    *,
    page_dpi: float,
    rng: RNG,
    printer: PrinterKind | PrinterParams = "laser",
    quality: Quality | None = None,
    printer_dpi: int | None = None,
    oversample: int = 1,
    copier: CopierParams | None = None,
    mode: CopyMode | None = None,
    strong: bool | None = None,
    scanner: ScannerParams | None = None,
    scanner_dpi: float | None = None,
    color: bool | None = None,
    jpeg_quality: int | None = None,
) -> SimResult:
    """Print a page, photocopy the print, and scan the copy on a flatbed.

    Parameters
    ----------
    page : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The page image.
    page_dpi : float
        Resolution of ``page``.
    rng : numpy.random.Generator or int
        Source of every random draw (see :func:`print_scan` on pairing).
    printer, quality, printer_dpi, oversample
        The original print, as in :func:`print_page`.
    copier, mode, strong
        As in :func:`copy_page`.
    scanner, scanner_dpi, color, jpeg_quality
        The final scan, as in :func:`scan`.

    Returns
    -------
    SimResult
        ``params`` holds "printer" (the original's), "copier" and "scanner".
    """
    checked = _check_page(page)
    pdpi = _check_dpi(page_dpi, "page_dpi")
    os_ = _check_oversample(oversample)
    streams = _streams(rng)
    pp = _printer(printer, quality, printer_dpi, streams["printer"])
    sp = _scanner(scanner, scanner_dpi, color, jpeg_quality, streams["scanner"])
    cp = _copier(copier, mode, strong, streams["copier"])
    printed = print_impl(checked, pdpi, pp, streams["printer"], oversample=os_)
    copied = copy_impl(printed, cp, streams["copier"], consume=True)
    del printed
    image, page_to_image, data = scan_impl(copied, sp, streams["scanner"], consume=True)
    return _result(image, sp.dpi, page_to_image, {**copied.params, "scanner": sp}, data)
