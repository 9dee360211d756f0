"""Frozen parameter sets of the channel models and their literature ranges.

Each class holds every number one channel run uses, with defaults describing a
nominal device (so ``PrinterParams()`` is a usable, deterministic good laser
printer). ``sample(rng, ...)`` draws a device uniformly from the documented ranges.
Change single values with :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field, fields
from typing import Literal

import numpy as np

from docsec._simulate._halftone import LASER_SCREENS
from docsec._simulate._util import signed, uniform
from docsec.errors import ConfigurationError

__all__ = ["CopierParams", "PhoneParams", "PrinterParams", "ScannerParams"]

PrinterKind = Literal["laser", "inkjet"]
Quality = Literal["good", "worn"]
CopyMode = Literal["text", "photo", "color"]

Range = tuple[float, float]

# (kind, quality) -> field -> (low, high). Sources are given in PrinterParams' docstring.
_PRINTER_RANGES: dict[tuple[str, str], dict[str, Range]] = {
    ("laser", "good"): {
        "dot_sigma_um": (15.0, 20.0),
        "tone_gamma": (1.1, 1.4),
        "toner_mass": (3.5, 5.0),
        "density": (1.30, 1.55),
        "grain": (0.10, 0.20),
        "mottle": (0.02, 0.05),
        "banding": (0.005, 0.02),
        "banding_period_mm": (0.8, 4.0),
        "scatter": (1e-4, 5e-4),
        "dropout": (0.0, 2e-4),
    },
    ("laser", "worn"): {
        "dot_sigma_um": (17.0, 24.0),
        "tone_gamma": (1.0, 1.3),
        "toner_mass": (2.0, 3.0),
        "density": (1.10, 1.35),
        "grain": (0.20, 0.35),
        "mottle": (0.06, 0.12),
        "banding": (0.03, 0.08),
        "banding_period_mm": (0.8, 4.0),
        "scatter": (1e-3, 5e-3),
        "dropout": (5e-4, 3e-3),
    },
    ("inkjet", "good"): {
        "dot_sigma_um": (17.0, 24.0),
        "tone_gamma": (1.5, 2.0),
        "toner_mass": (3.5, 5.0),
        "density": (1.10, 1.40),
        "grain": (0.05, 0.12),
        "mottle": (0.02, 0.04),
        "banding": (0.01, 0.03),
        "banding_period_mm": (2.0, 12.0),
        "scatter": (2e-5, 2e-4),
        "dropout": (0.0, 1e-4),
    },
    ("inkjet", "worn"): {
        "dot_sigma_um": (19.0, 28.0),
        "tone_gamma": (1.4, 1.9),
        "toner_mass": (2.5, 3.5),
        "density": (0.90, 1.20),
        "grain": (0.10, 0.20),
        "mottle": (0.05, 0.10),
        "banding": (0.04, 0.10),
        "banding_period_mm": (2.0, 12.0),
        "scatter": (2e-4, 1e-3),
        "dropout": (2e-4, 1e-3),
    },
}


def _check_range(name: str, value: float, lo: float, hi: float) -> None:
    if not (math.isfinite(value) and lo <= value <= hi):
        raise ConfigurationError(f"{name} must be in [{lo}, {hi}], got {value!r}")


def _check_int(name: str, value: object, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigurationError(
            f"{name} must be an integer in {lo}..{hi}, got {value!r}"
        )


def _check_pair(name: str, value: tuple[float, ...], n: int) -> None:
    if len(value) != n or not all(math.isfinite(float(v)) for v in value):
        raise ConfigurationError(f"{name} must be {n} finite numbers, got {value!r}")


@dataclass(frozen=True, slots=True)
class PrinterParams:
    """One printer (and its paper), as the print model uses it.

    Defaults describe a nominal good 600 dpi office laser printer on 80 g/m2
    office paper. Lengths are physical (micrometres, millimetres) so the same
    parameters work at any simulation resolution.

    Attributes
    ----------
    kind : {"laser", "inkjet"}
        Printer class (used by ``sample`` and reported; the physics is set by the
        numbers below).
    quality : {"good", "worn"}
        Device condition the numbers were drawn for.
    dpi : int
        Addressable resolution, 600 or 1200. Halftoning happens on this grid.
    screen_lpi : int
        Clustered-dot screen ruling in lines per inch (106, 133 or 159, laser
        drivers' typical screens at 600 dpi), or 0 for dispersed dots (a blue-noise
        mask standing in for the error diffusion of inkjet drivers).
    tone_gamma : float
        The driver's linearisation: a grey of nominal coverage ``c`` is screened
        at coverage ``c ** tone_gamma``, compensating part of the dot gain
        (drivers calibrate so that mid-grey does not print much too dark; the
        residual tone value increase at 50 % is 10-25 points). Solid black,
        white and binary patterns are unchanged.
    dot_sigma_um : float
        Gaussian spread (sigma) of one dot's toner or ink, in micrometres. 15-20 um
        makes an isolated 600 dpi laser dot about 60-75 um wide, the usual size
        for a 42 um pitch (dots are oversized so solids close); plain-paper inkjet
        dots spread more by wicking (17-28 um).
    toner_mass : float
        Colorant per dot in optical-depth units: coverage is
        ``1 - exp(-toner_mass * (spread dots))``. Solids reach 97-99 % coverage at
        3.5-5 (good); worn cartridges (2-3) print visibly faded solids.
    density : float
        Optical density of a solid (log10 of paper over solid reflectance). Black
        toner on office paper reaches 1.3-1.55, plain-paper inkjet black 1.1-1.4,
        worn devices less.
    grain : float
        Relative per-pixel fluctuation of the deposited mass (toner particles of
        5-8 um: a few dozen per 42 um pixel; Poisson statistics give 10-20 %).
    mottle : float
        Relative low-frequency mass fluctuation (0.3-1 mm blotches), 2-5 % good,
        6-12 % worn.
    mottle_scale_mm : float
        Correlation length of the mottle.
    banding : float
        Amplitude of periodic density bands across the paper feed direction
        (relative mass), from drum/gear velocity errors in laser printers and swath
        stitching in inkjets (Chiang et al., "Printer and scanner forensics", IEEE
        Signal Processing Magazine 26(2), 2009).
    banding_period_mm : float
        Period of the bands.
    scatter : float
        Probability per pixel near printed marks of a stray toner speck or inkjet
        satellite drop (background toner is a classic worn-laser defect).
    dropout : float
        Probability per 0.17 mm cell of a void (toner not transferred).
    streaks : int
        Number of long defect lines per A4 sheet: vertical light streaks of a worn
        laser drum, or horizontal lines of clogged inkjet nozzles. 0 for good
        devices.
    streak_strength : float
        Fraction of the mass missing inside a streak.
    scale : (float, float)
        Geometric scale (x, y) of the print; paper-feed errors reach a few tenths
        of a per cent in y.
    offset_mm : (float, float)
        Page placement error (x, y) in mm (margins are specified to +-1-2 mm).
    skew_deg : float
        Rotation of the image on the sheet in degrees.
    paper_reflectance : float
        Luminous reflectance factor of the paper (office paper 0.84-0.92).
    paper_tint : (float, float, float)
        Relative paper reflectance in the scanner's B, G, R bands (optical
        brighteners make office paper bluish).
    paper_texture : float
        Relative RMS reflectance variation of the paper surface at 0.1-0.3 mm
        (fibres), visible to scanners (Clarkson et al., "Fingerprinting blank
        paper using commodity scanners", IEEE S&P 2009).
    paper_scatter_um : float
        Gaussian sigma of lateral light scattering in the paper, which darkens
        paper next to ink (optical dot gain, the Yule-Nielsen effect). Measured
        paper MTFs have half-maximum lengths kp around 0.1-0.3 mm (Coppel,
        Neuman and Edstrom, Optics Express 19(25), 2011), i.e. sigma 20-55 um.
    black_fraction : float
        Share of a neutral's coverage printed with black (K) colorant. 1 (default)
        is full grey-component replacement: a black-only page prints in K alone,
        as office drivers print black text. Colour copiers in photo or auto mode
        print neutrals mostly as composite C+M+Y with little K (0-0.5).
    under_colour : float
        Cyan, magenta and yellow coverage added under a neutral, as a fraction of
        its coverage: 0 (default) for K-only black; "rich black" of some inkjet
        drivers 0.3-0.6; composite black of a colour copier 1.
    plane_offsets_dots : tuple of float
        Misregistration of the C, M and Y planes against K, as
        ``(cx, cy, mx, my, yx, yy)`` in printer dots (empty: none). Colour laser
        engines hold plane-to-plane registration to about 40-100 um after their
        automatic correction (1-2.4 dots at 600 dpi; vendor specifications and
        ISO/IEC 24790 measurements); one inkjet head prints all colours within
        about 10 um (0-0.3 dots).
    """

    kind: PrinterKind = "laser"
    quality: Quality = "good"
    dpi: int = 600
    screen_lpi: int = 133
    tone_gamma: float = 1.25
    dot_sigma_um: float = 17.5
    toner_mass: float = 4.2
    density: float = 1.42
    grain: float = 0.15
    mottle: float = 0.035
    mottle_scale_mm: float = 0.6
    banding: float = 0.012
    banding_period_mm: float = 2.0
    scatter: float = 3e-4
    dropout: float = 1e-4
    streaks: int = 0
    streak_strength: float = 0.5
    scale: tuple[float, float] = (1.0, 1.0)
    offset_mm: tuple[float, float] = (0.0, 0.0)
    skew_deg: float = 0.0
    paper_reflectance: float = 0.88
    paper_tint: tuple[float, float, float] = (1.03, 1.0, 0.99)
    paper_texture: float = 0.008
    paper_scatter_um: float = 35.0
    black_fraction: float = 1.0
    under_colour: float = 0.0
    plane_offsets_dots: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        _check_range("black_fraction", self.black_fraction, 0.0, 1.0)
        _check_range("under_colour", self.under_colour, 0.0, 1.0)
        if self.plane_offsets_dots:
            _check_pair("plane_offsets_dots", self.plane_offsets_dots, 6)
            if max(abs(float(v)) for v in self.plane_offsets_dots) > 10.0:
                raise ConfigurationError("plane_offsets_dots must be within 10 dots")
        if self.kind not in ("laser", "inkjet"):
            raise ConfigurationError(
                f"kind must be 'laser' or 'inkjet', got {self.kind!r}"
            )
        if self.quality not in ("good", "worn"):
            raise ConfigurationError(
                f"quality must be 'good' or 'worn', got {self.quality!r}"
            )
        if self.dpi not in (300, 600, 1200):
            raise ConfigurationError(
                f"printer dpi must be 300, 600 or 1200, got {self.dpi!r}"
            )
        if self.screen_lpi != 0 and self.screen_lpi not in LASER_SCREENS:
            raise ConfigurationError(
                f"screen_lpi must be 0 (dispersed) or one of {sorted(LASER_SCREENS)}, "
                f"got {self.screen_lpi!r}"
            )
        _check_range("tone_gamma", self.tone_gamma, 0.2, 5.0)
        _check_range("dot_sigma_um", self.dot_sigma_um, 0.0, 200.0)
        _check_range("toner_mass", self.toner_mass, 0.1, 20.0)
        _check_range("density", self.density, 0.1, 3.0)
        _check_range("grain", self.grain, 0.0, 1.0)
        _check_range("mottle", self.mottle, 0.0, 1.0)
        _check_range("mottle_scale_mm", self.mottle_scale_mm, 0.05, 20.0)
        _check_range("banding", self.banding, 0.0, 0.5)
        _check_range("banding_period_mm", self.banding_period_mm, 0.1, 200.0)
        _check_range("scatter", self.scatter, 0.0, 0.1)
        _check_range("dropout", self.dropout, 0.0, 0.1)
        _check_range("streaks", self.streaks, 0, 100)
        _check_range("streak_strength", self.streak_strength, 0.0, 1.0)
        _check_pair("scale", self.scale, 2)
        _check_range("scale[0]", self.scale[0], 0.9, 1.1)
        _check_range("scale[1]", self.scale[1], 0.9, 1.1)
        _check_pair("offset_mm", self.offset_mm, 2)
        _check_range("skew_deg", self.skew_deg, -10.0, 10.0)
        _check_range("paper_reflectance", self.paper_reflectance, 0.3, 1.0)
        _check_pair("paper_tint", self.paper_tint, 3)
        _check_range("paper_texture", self.paper_texture, 0.0, 0.2)
        _check_range("paper_scatter_um", self.paper_scatter_um, 0.0, 500.0)

    @classmethod
    def sample(
        cls,
        rng: np.random.Generator,
        *,
        kind: PrinterKind = "laser",
        quality: Quality = "good",
        dpi: int = 600,
    ) -> PrinterParams:
        """Draw a printer of the given class uniformly from the documented ranges.

        ========================  =============  =============  =============  =============
        parameter                 laser good     laser worn     inkjet good    inkjet worn
        ========================  =============  =============  =============  =============
        screen                    106/133/159    106/133/159    blue noise     blue noise
        tone_gamma                1.1-1.4        1.0-1.3        1.5-2.0        1.4-1.9
        dot_sigma_um              15-20          17-24          17-24          19-28
        toner_mass                3.5-5          2-3            3.5-5          2.5-3.5
        density (OD)              1.30-1.55      1.10-1.35      1.10-1.40      0.90-1.20
        grain                     0.10-0.20      0.20-0.35      0.05-0.12      0.10-0.20
        mottle                    0.02-0.05      0.06-0.12      0.02-0.04      0.05-0.10
        banding                   0.5-2 %        3-8 %          1-3 %          4-10 %
        banding_period_mm         0.8-4          0.8-4          2-12           2-12
        scatter                   1e-4-5e-4      1e-3-5e-3      2e-5-2e-4      2e-4-1e-3
        dropout                   0-2e-4         5e-4-3e-3      0-1e-4         2e-4-1e-3
        streaks                   0              1-4            0              1-6
        scale error (x / y)       0.2 / 0.4 %    0.4 / 0.8 %    0.2 / 0.4 %    0.4 / 0.8 %
        offset_mm                 +-1            +-2            +-1            +-2
        skew_deg                  +-0.2          +-0.5          +-0.2          +-0.5
        ========================  =============  =============  =============  =============

        Paper (all classes): reflectance 0.84-0.92, blue tint 1.00-1.05, red
        0.97-1.00, texture 0.4-1.5 %, scattering sigma 20-55 um.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of every draw.
        kind : {"laser", "inkjet"}
        quality : {"good", "worn"}
        dpi : {600, 1200, 300}
            Addressable resolution.

        Returns
        -------
        PrinterParams
        """
        if (kind, quality) not in _PRINTER_RANGES:
            raise ConfigurationError(
                f"unknown printer {kind!r}/{quality!r}; use laser|inkjet and good|worn"
            )
        ranges = _PRINTER_RANGES[(kind, quality)]
        worn = quality == "worn"
        drawn = {name: uniform(rng, lo, hi) for name, (lo, hi) in ranges.items()}
        if kind == "laser":
            screen = int(rng.choice(sorted(LASER_SCREENS)))
            streaks = int(rng.integers(1, 5)) if worn else 0
        else:
            screen = 0
            streaks = int(rng.integers(1, 7)) if worn else 0
        sx_err, sy_err = (0.004, 0.008) if worn else (0.002, 0.004)
        off = 2.0 if worn else 1.0
        skew = 0.5 if worn else 0.2
        return cls(
            kind=kind,
            quality=quality,
            dpi=dpi,
            screen_lpi=screen,
            tone_gamma=drawn["tone_gamma"],
            dot_sigma_um=drawn["dot_sigma_um"],
            toner_mass=drawn["toner_mass"],
            density=drawn["density"],
            grain=drawn["grain"],
            mottle=drawn["mottle"],
            mottle_scale_mm=uniform(rng, 0.3, 1.0),
            banding=drawn["banding"],
            banding_period_mm=drawn["banding_period_mm"],
            scatter=drawn["scatter"],
            dropout=drawn["dropout"],
            streaks=streaks,
            streak_strength=uniform(rng, 0.3, 0.8) if worn else 0.5,
            scale=(
                1.0 + uniform(rng, -sx_err, sx_err),
                1.0 + uniform(rng, -sy_err, sy_err),
            ),
            offset_mm=(uniform(rng, -off, off), uniform(rng, -off, off)),
            skew_deg=uniform(rng, -skew, skew),
            paper_reflectance=uniform(rng, 0.84, 0.92),
            paper_tint=(uniform(rng, 1.0, 1.05), 1.0, uniform(rng, 0.97, 1.0)),
            paper_texture=uniform(rng, 0.004, 0.015),
            paper_scatter_um=uniform(rng, 20.0, 55.0),
        )


@dataclass(frozen=True, slots=True)
class ScannerParams:
    """One flatbed scan (device and settings).

    Defaults describe a nominal good consumer flatbed at 600 dpi, grey, lossless.

    Attributes
    ----------
    dpi : float
        Output sampling resolution (300, 600, 1200 or 2400 are usual settings).
    color : bool
        BGR output if true, else grey (luminance).
    jpeg_quality : int or None
        Save as JPEG at this quality (1-100; scanner software defaults 75-95),
        or ``None`` for lossless output.
    blur_um : float
        Gaussian sigma of the optics (lens/rod lens and focus) in micrometres,
        before the pixel aperture. 10-22 um makes the system MTF50 about 0.30-0.45
        cycles/pixel at 600 dpi and 0.2-0.35 at 1200 dpi, in line with published
        slanted-edge measurements (ISO 16067-1) that put the real resolving power
        of consumer flatbeds at 600-1200 dpi whatever the nominal setting (Simcoe,
        ASP Conf. Ser. 410, 2009: features below ~50 um are not resolved).
    blur_ratio_y : float
        Extra blur in the slow-scan direction (carriage motion during exposure).
    skew_deg : float
        Rotation of the sheet on the platen (hand placement: up to a few degrees).
    offset_mm : (float, float)
        Sheet placement error (x, y) in mm.
    white : float
        Relative paper reflectance that maps to full scale before the tone curve
        (auto-exposure puts paper at 0.95-1.05: slightly below or clipped at 255).
    black : float
        Relative reflectance that maps to 0 (black point of the tone curve).
    gamma : float
        Encoding exponent: output = 255 * linear ** (1 / gamma) (sRGB-like 1.8-2.4).
    illumination : float
        Relative light fall-off at the ends of the lamp (0.5-3 %).
    drift : float
        Relative slow drift of the lamp along the page (0.2-1 %).
    noise_dark, noise_white : float
        Sensor noise sigma in output levels at black and at paper white
        (0.6-2.0 and 0.4-1.5 for CCD/CIS flatbeds at 8 bits).
    sharpen : float
        Unsharp-mask amount of the scanner software (0 = off; drivers' default
        "unsharp mask" is about 0.2-0.8).
    channel_shift_px : float
        Colour misregistration between channels in the slow-scan direction
        (sequential RGB exposure of CIS sensors), in output pixels.
    gains : (float, float, float)
        Colour balance (B, G, R) of a colour scan.
    lateral_shift_px : float
        Lateral chromatic aberration and CCD line-sensor misregistration across
        the sensor line (x): the red channel lands this many output pixels one
        way and the blue channel the other way, relative to green. Flatbed
        optics keep it to a fraction of a pixel (0-0.25 drawn; ISO 16067-1 scanner
        tests report colour misregistration in tenths of a pixel).
    """

    dpi: float = 600.0
    color: bool = False
    jpeg_quality: int | None = None
    blur_um: float = 15.0
    blur_ratio_y: float = 1.1
    skew_deg: float = 0.0
    offset_mm: tuple[float, float] = (0.0, 0.0)
    white: float = 1.0
    black: float = 0.02
    gamma: float = 2.2
    illumination: float = 0.01
    drift: float = 0.004
    noise_dark: float = 1.2
    noise_white: float = 0.8
    sharpen: float = 0.0
    channel_shift_px: float = 0.0
    gains: tuple[float, float, float] = (1.0, 1.0, 1.0)
    lateral_shift_px: float = 0.0

    def __post_init__(self) -> None:
        _check_range("dpi", self.dpi, 50.0, 4800.0)
        if self.jpeg_quality is not None:
            _check_int("jpeg_quality", self.jpeg_quality, 1, 100)
        _check_range("blur_um", self.blur_um, 0.0, 500.0)
        _check_range("blur_ratio_y", self.blur_ratio_y, 0.5, 4.0)
        _check_range("skew_deg", self.skew_deg, -15.0, 15.0)
        _check_pair("offset_mm", self.offset_mm, 2)
        _check_range("white", self.white, 0.3, 2.0)
        _check_range("black", self.black, 0.0, 0.5)
        if self.black >= self.white:
            raise ConfigurationError("black must be below white")
        _check_range("gamma", self.gamma, 0.5, 4.0)
        _check_range("illumination", self.illumination, 0.0, 0.5)
        _check_range("drift", self.drift, 0.0, 0.5)
        _check_range("noise_dark", self.noise_dark, 0.0, 50.0)
        _check_range("noise_white", self.noise_white, 0.0, 50.0)
        _check_range("sharpen", self.sharpen, 0.0, 5.0)
        _check_range("channel_shift_px", self.channel_shift_px, 0.0, 5.0)
        _check_pair("gains", self.gains, 3)
        _check_range("lateral_shift_px", self.lateral_shift_px, -5.0, 5.0)

    @classmethod
    def sample(
        cls,
        rng: np.random.Generator,
        *,
        dpi: float = 600.0,
        color: bool = False,
        jpeg_quality: int | None = None,
    ) -> ScannerParams:
        """Draw a good consumer flatbed scan uniformly from the documented ranges.

        ==================  ===================  =========================================
        parameter           range                note
        ==================  ===================  =========================================
        blur_um             10-22                optics sigma; MTF50 0.30-0.45 cy/px @600
        blur_ratio_y        1.0-1.25             slow-scan smear
        skew_deg            -2.5..2.5            hand placement on the platen
        offset_mm           -2..2 (x and y)
        white               0.95-1.05            auto exposure
        black               0.0-0.04
        gamma               1.8-2.4
        illumination        0.005-0.03           lamp fall-off
        drift               0.002-0.01
        noise_dark          0.6-2.0 levels
        noise_white         0.4-1.5 levels
        sharpen             0 (half) or 0.2-0.8  driver unsharp mask
        channel_shift_px    0-0.3 (colour)       CIS colour misregistration
        gains               0.97-1.03 (B, R)
        lateral_shift_px    -0.25..0.25 (colour)  lateral chromatic aberration
        ==================  ===================  =========================================

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of every draw.
        dpi : float
            Scan resolution.
        color : bool
            Colour (BGR) or grey output.
        jpeg_quality : int or None
            JPEG quality, or ``None`` for lossless.

        Returns
        -------
        ScannerParams
        """
        return cls(
            dpi=float(dpi),
            color=bool(color),
            jpeg_quality=jpeg_quality,
            blur_um=uniform(rng, 10.0, 22.0),
            blur_ratio_y=uniform(rng, 1.0, 1.25),
            skew_deg=uniform(rng, -2.5, 2.5),
            offset_mm=(uniform(rng, -2.0, 2.0), uniform(rng, -2.0, 2.0)),
            white=uniform(rng, 0.95, 1.05),
            black=uniform(rng, 0.0, 0.04),
            gamma=uniform(rng, 1.8, 2.4),
            illumination=uniform(rng, 0.005, 0.03),
            drift=uniform(rng, 0.002, 0.01),
            noise_dark=uniform(rng, 0.6, 2.0),
            noise_white=uniform(rng, 0.4, 1.5),
            sharpen=uniform(rng, 0.2, 0.8) if rng.random() < 0.5 else 0.0,
            channel_shift_px=uniform(rng, 0.0, 0.3) if color else 0.0,
            gains=(uniform(rng, 0.97, 1.03), 1.0, uniform(rng, 0.97, 1.03)),
            lateral_shift_px=signed(rng, 0.0, 0.25) if color else 0.0,
        )


@dataclass(frozen=True, slots=True)
class PhoneParams:
    """One phone photograph of a printed page.

    Defaults: a 12 MP main camera, held square to the page at about 30 cm.

    Attributes
    ----------
    ppi : float
        Sampling on the page at the aim point, in camera pixels per inch. A 12 MP
        camera (4032 px long side, ~69 degree field of view) framing a whole A4
        page gets 150-330 ppi; closer shots of a region 400-500 ppi. (DESIGN.md:
        100-250 effective dpi for verification photos.)
    frame : (int, int)
        Sensor size (long side, short side) in pixels; the frame is held in the
        orientation of the page.
    focal_px : float
        Focal length in pixels (a 26 mm-equivalent lens on a 4032-px sensor:
        2800-3300). With ``ppi`` it fixes the camera distance.
    tilt_deg : (float, float)
        Out-of-plane tilt about the page's horizontal and vertical axes (0-15
        degrees for hand-held shots), which makes the perspective.
    roll_deg : float
        In-plane rotation.
    aim : (float, float)
        Point of the page (x, y as fractions of its width and height) at the
        frame centre.
    lens_sigma_px : float
        Gaussian sigma of lens, demosaicing and ISP blur in sensor pixels (phone
        MTF50 0.2-0.35 cycles/pixel: sigma 0.55-0.9).
    defocus_px : float
        Radius of the defocus disc in sensor pixels (0 when focused).
    motion_px : float
        Length of linear motion blur in sensor pixels (hand shake at 1/30-1/60 s).
    motion_angle_deg : float
        Direction of the motion.
    vignetting : float
        Relative brightness loss in the frame corners left after lens-shading
        correction (5-25 %).
    light_gradient : float
        Relative illumination change across the page (lamp, window).
    light_angle_deg : float
        Direction of the illumination gradient.
    exposure : float
        Linear sensor level of white paper (auto exposure, 0.65-0.95).
    wb : (float, float, float)
        White-balance error (B, G, R gains).
    gamma : float
        Tone encoding exponent.
    noise_read : float
        Read-noise sigma in linear full-scale units.
    noise_shot : float
        Shot-noise variance per unit linear signal.
    sharpen : float
        ISP unsharp-mask amount (phones sharpen strongly: 0.3-1.2).
    jpeg_quality : int
        JPEG quality of the saved photo (phones save at 80-95).
    background : (float, float, float)
        Reflectance (B, G, R) of the surface under the page.
    """

    ppi: float = 220.0
    frame: tuple[int, int] = (4032, 3024)
    focal_px: float = 3000.0
    tilt_deg: tuple[float, float] = (0.0, 0.0)
    roll_deg: float = 0.0
    aim: tuple[float, float] = (0.5, 0.5)
    lens_sigma_px: float = 0.7
    defocus_px: float = 0.0
    motion_px: float = 0.0
    motion_angle_deg: float = 0.0
    vignetting: float = 0.15
    light_gradient: float = 0.08
    light_angle_deg: float = 0.0
    exposure: float = 0.85
    wb: tuple[float, float, float] = (1.0, 1.0, 1.0)
    gamma: float = 2.2
    noise_read: float = 0.004
    noise_shot: float = 0.002
    sharpen: float = 0.6
    jpeg_quality: int = 90
    background: tuple[float, float, float] = (0.22, 0.26, 0.30)

    def __post_init__(self) -> None:
        _check_range("ppi", self.ppi, 30.0, 2000.0)
        _check_pair("frame", self.frame, 2)
        if not (64 <= self.frame[1] <= self.frame[0] <= 20000):
            raise ConfigurationError(
                f"frame must be (long, short) with 64 <= short <= long <= 20000, got {self.frame!r}"
            )
        _check_range("focal_px", self.focal_px, 100.0, 100_000.0)
        _check_pair("tilt_deg", self.tilt_deg, 2)
        _check_range("tilt_deg[0]", self.tilt_deg[0], -60.0, 60.0)
        _check_range("tilt_deg[1]", self.tilt_deg[1], -60.0, 60.0)
        _check_range("roll_deg", self.roll_deg, -180.0, 180.0)
        _check_pair("aim", self.aim, 2)
        _check_range("lens_sigma_px", self.lens_sigma_px, 0.0, 20.0)
        _check_range("defocus_px", self.defocus_px, 0.0, 30.0)
        _check_range("motion_px", self.motion_px, 0.0, 60.0)
        _check_range("motion_angle_deg", self.motion_angle_deg, -360.0, 360.0)
        _check_range("vignetting", self.vignetting, 0.0, 0.9)
        _check_range("light_gradient", self.light_gradient, 0.0, 0.9)
        _check_range("light_angle_deg", self.light_angle_deg, -360.0, 360.0)
        _check_range("exposure", self.exposure, 0.05, 2.0)
        _check_pair("wb", self.wb, 3)
        _check_range("gamma", self.gamma, 0.5, 4.0)
        _check_range("noise_read", self.noise_read, 0.0, 0.5)
        _check_range("noise_shot", self.noise_shot, 0.0, 0.5)
        _check_range("sharpen", self.sharpen, 0.0, 5.0)
        _check_int("jpeg_quality", self.jpeg_quality, 1, 100)
        _check_pair("background", self.background, 3)

    @classmethod
    def sample(
        cls,
        rng: np.random.Generator,
        *,
        ppi: float | None = None,
        jpeg_quality: int | None = None,
    ) -> PhoneParams:
        """Draw a hand-held phone photo uniformly from the documented ranges.

        =================  ==============================  ============================
        parameter          range                           note
        =================  ==============================  ============================
        ppi                150-330, log-uniform            whole A4 page in a 12 MP frame
        focal_px           2800-3300
        tilt_deg           -15..15 each axis
        roll_deg           -8..8
        aim                0.45-0.55 of the page
        lens_sigma_px      0.55-0.9
        defocus_px         0-1.5
        motion_px          0-3, any direction
        vignetting         0.05-0.25
        light_gradient     0-0.2
        exposure           0.65-0.95
        wb                 0.92-1.08 (B, R)
        gamma              2.0-2.4
        noise_read         0.002-0.008
        noise_shot         0.0005-0.004
        sharpen            0.3-1.2
        jpeg_quality       80-95
        background         0.05-0.5 reflectance, random hue
        =================  ==============================  ============================

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of every draw.
        ppi : float or None
            Fix the sampling on the page (e.g. 450 for a close-up); drawn if None.
        jpeg_quality : int or None
            Fix the JPEG quality; drawn if None.

        Returns
        -------
        PhoneParams
        """
        drawn_ppi = math.exp(uniform(rng, math.log(150.0), math.log(330.0)))
        drawn_q = int(rng.integers(80, 96))
        level = uniform(rng, 0.05, 0.5)
        hue = (uniform(rng, 0.8, 1.2), 1.0, uniform(rng, 0.8, 1.2))
        return cls(
            ppi=float(ppi) if ppi is not None else drawn_ppi,
            focal_px=uniform(rng, 2800.0, 3300.0),
            tilt_deg=(uniform(rng, -15.0, 15.0), uniform(rng, -15.0, 15.0)),
            roll_deg=uniform(rng, -8.0, 8.0),
            aim=(uniform(rng, 0.45, 0.55), uniform(rng, 0.45, 0.55)),
            lens_sigma_px=uniform(rng, 0.55, 0.9),
            defocus_px=uniform(rng, 0.0, 1.5),
            motion_px=uniform(rng, 0.0, 3.0),
            motion_angle_deg=uniform(rng, 0.0, 180.0),
            vignetting=uniform(rng, 0.05, 0.25),
            light_gradient=uniform(rng, 0.0, 0.2),
            light_angle_deg=uniform(rng, 0.0, 360.0),
            exposure=uniform(rng, 0.65, 0.95),
            wb=(uniform(rng, 0.92, 1.08), 1.0, uniform(rng, 0.92, 1.08)),
            gamma=uniform(rng, 2.0, 2.4),
            noise_read=uniform(rng, 0.002, 0.008),
            noise_shot=uniform(rng, 0.0005, 0.004),
            sharpen=uniform(rng, 0.3, 1.2),
            jpeg_quality=jpeg_quality if jpeg_quality is not None else drawn_q,
            background=(level * hue[0], level, level * hue[2]),
        )


def _copier_scanner(*, strong: bool) -> ScannerParams:
    return ScannerParams(
        dpi=1200.0 if strong else 600.0,
        blur_um=9.0 if strong else 24.0,
        blur_ratio_y=1.1,
        gamma=1.0,
        black=0.0,
        white=1.0,
        noise_dark=0.8,
        noise_white=0.6,
    )


def _copier_printer(*, strong: bool) -> PrinterParams:
    return PrinterParams(dpi=1200 if strong else 600, screen_lpi=133, dot_sigma_um=16.0)


@dataclass(frozen=True, slots=True)
class CopierParams:
    """One photocopier (or scan-and-reprint attacker): its scan, processing and print.

    Defaults describe a nominal office copier in text mode.

    Attributes
    ----------
    mode : {"text", "photo", "color"}
        Copier mode. Text mode removes the background and raises contrast (light
        tints vanish, edges are sharpened); photo mode keeps tones, descreens the
        original's halftone with a blur and reprints with a clustered-dot screen;
        color is photo-mode processing on a colour copier: it scans in colour
        (with its own channel misregistration, so black edges get colour
        fringes), processes each channel, and prints neutrals as composite
        C+M+Y plus some K, each plane with its own screen and its own
        misregistration (``printer.plane_offsets_dots``).
    strong : bool
        A careful counterfeiter rather than an office copier: scan at 1200 dpi
        with sharp optics, sharpen, binarise against the local mean (1 mm window)
        and reprint on a good 1200 dpi laser. (An attacker who also registers the
        original's 600 dpi dot grid and re-samples it dot by dot is stronger still
        and is not modelled; build it from ``scan`` and ``print_page``.)
    scanner : ScannerParams
        The copier's scan (grey, lossless; ~600 dpi with softer optics than a
        good flatbed, sigma 18-30 um; strong: 1200 dpi, 6-12 um). Its tone curve is
        linear (gamma 1): the processing below sets the tones.
    printer : PrinterParams
        The copier's print engine (a 600 dpi laser; strong: a good 1200 dpi laser).
    white : float
        Scan level (0..1 of full scale) and above that prints as paper. Text mode
        0.70-0.85 drops light backgrounds; photo 0.90-1.0.
    black : float
        Scan level and below that prints solid (text 0.15-0.30, photo 0.02-0.08).
    gamma : float
        Exponent of the tone curve between black and white (text 0.7-1.0 darkens
        mid tones; photo 0.9-1.2).
    sharpen : float
        Edge enhancement (unsharp-mask amount; text 0.5-1.5, photo 0-0.4,
        strong 1.0-2.0).
    descreen_sigma_px : float
        Gaussian blur (copier pixels) removing the original's halftone before
        rescreening (photo 0.6-1.2; text 0).
    binarize : bool
        Threshold the processed scan against its local mean (strong copier), so
        the reprint is a binary image.
    misregistration_dots : float
        Colour copiers only: the scale of plane-to-plane misregistration, in
        600-dpi dots (typical engines hold registration to about 40-100 um, i.e.
        1-2.4 dots; drawn 0.5-2.0). ``sample`` draws each C, M, Y plane's offset
        against K with 0.5-1 times this magnitude in a random direction into
        ``printer.plane_offsets_dots``; a hand-built colour copier whose printer
        has no offsets gets the three planes at this distance, 120 degrees apart,
        starting at ``misregistration_angle_deg``.
    misregistration_angle_deg : float
        Direction of the first plane's offset for hand-built colour copiers.
    """

    mode: CopyMode = "text"
    strong: bool = False
    scanner: ScannerParams = field(
        default_factory=lambda: _copier_scanner(strong=False)
    )
    printer: PrinterParams = field(
        default_factory=lambda: _copier_printer(strong=False)
    )
    white: float = 0.8
    black: float = 0.22
    gamma: float = 0.85
    sharpen: float = 1.0
    descreen_sigma_px: float = 0.0
    binarize: bool = False
    misregistration_dots: float = 0.0
    misregistration_angle_deg: float = 0.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.misregistration_dots <= 10.0:
            raise ConfigurationError("misregistration_dots must be in [0, 10]")
        if self.mode not in ("text", "photo", "color"):
            raise ConfigurationError(
                f"mode must be 'text', 'photo' or 'color', got {self.mode!r}"
            )
        if not isinstance(self.scanner, ScannerParams):
            raise ConfigurationError("scanner must be a ScannerParams")
        if not isinstance(self.printer, PrinterParams):
            raise ConfigurationError("printer must be a PrinterParams")
        _check_range("white", self.white, 0.05, 1.5)
        _check_range("black", self.black, 0.0, 0.95)
        if self.black >= self.white:
            raise ConfigurationError("black must be below white")
        _check_range("gamma", self.gamma, 0.2, 5.0)
        _check_range("sharpen", self.sharpen, 0.0, 5.0)
        _check_range("descreen_sigma_px", self.descreen_sigma_px, 0.0, 10.0)

    @classmethod
    def sample(
        cls,
        rng: np.random.Generator,
        *,
        mode: CopyMode = "text",
        strong: bool = False,
    ) -> CopierParams:
        """Draw a copier uniformly from the documented ranges.

        ====================  ==============  ==============  =====================
        parameter             text            photo           strong (any mode)
        ====================  ==============  ==============  =====================
        scan dpi              600             600             1200
        scan blur_um          18-30           18-30           6-12
        scan skew_deg         +-1             +-1             +-0.5
        printer               laser 600 dpi, good or worn     good laser, 1200 dpi
        white                 0.70-0.85       0.90-1.00       0.90-1.00
        black                 0.15-0.30       0.02-0.08       0.05-0.15
        gamma                 0.7-1.0         0.9-1.2         1.0
        sharpen               0.5-1.5         0-0.4           1.0-2.0
        descreen_sigma_px     0               0.6-1.2         0
        binarize              no              no              yes
        ====================  ==============  ==============  =====================

        Colour mode ("color") is photo mode on a colour copier, plus: a colour
        scan with copier channel misregistration 0.2-0.8 px in the slow-scan
        direction and lateral 0.1-0.5 px (colour fringes at black edges),
        neutrals printed as composite C+M+Y (``under_colour`` 1) with 0-50 %
        black, each C, M, Y plane offset from K by 0.5-1 x
        ``misregistration_dots`` (0.5-2.0 dots) in a random direction.

        Office copiers scan at 600 dpi and print at 600 dpi with their own screens;
        text is their default for documents.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of every draw.
        mode : {"text", "photo"}
        strong : bool
            Draw a careful 1200 dpi scan-and-reprint instead of an office copier.

        Returns
        -------
        CopierParams
        """
        if mode not in ("text", "photo", "color"):
            raise ConfigurationError(
                f"mode must be 'text', 'photo' or 'color', got {mode!r}"
            )
        base = ScannerParams.sample(rng, dpi=1200.0 if strong else 600.0)
        scanner = ScannerParams(
            dpi=base.dpi,
            blur_um=uniform(rng, 6.0, 12.0) if strong else uniform(rng, 18.0, 30.0),
            blur_ratio_y=base.blur_ratio_y,
            skew_deg=signed(rng, 0.0, 0.5 if strong else 1.0),
            offset_mm=base.offset_mm,
            white=1.0,
            black=0.0,
            gamma=1.0,
            illumination=base.illumination,
            drift=base.drift,
            noise_dark=base.noise_dark,
            noise_white=base.noise_white,
        )
        if strong:
            printer = PrinterParams.sample(rng, kind="laser", quality="good", dpi=1200)
            return cls(
                mode=mode,
                strong=True,
                scanner=scanner,
                printer=printer,
                white=uniform(rng, 0.90, 1.0),
                black=uniform(rng, 0.05, 0.15),
                gamma=1.0,
                sharpen=uniform(rng, 1.0, 2.0),
                descreen_sigma_px=0.0,
                binarize=True,
            )
        quality: Quality = "worn" if rng.random() < 0.3 else "good"
        printer = PrinterParams.sample(rng, kind="laser", quality=quality, dpi=600)
        if mode == "text":
            return cls(
                mode=mode,
                scanner=scanner,
                printer=printer,
                white=uniform(rng, 0.70, 0.85),
                black=uniform(rng, 0.15, 0.30),
                gamma=uniform(rng, 0.7, 1.0),
                sharpen=uniform(rng, 0.5, 1.5),
            )
        photo = cls(
            mode=mode,
            scanner=scanner,
            printer=printer,
            white=uniform(rng, 0.90, 1.0),
            black=uniform(rng, 0.02, 0.08),
            gamma=uniform(rng, 0.9, 1.2),
            sharpen=uniform(rng, 0.0, 0.4),
            descreen_sigma_px=uniform(rng, 0.6, 1.2),
        )
        if mode == "photo":
            return photo
        # Drawn after the photo parameters, so text/photo streams are unchanged.
        misreg = uniform(rng, 0.5, 2.0)
        angle = uniform(rng, 0.0, 360.0)
        color_scanner = dataclasses.replace(
            scanner,
            color=True,
            channel_shift_px=uniform(rng, 0.2, 0.8),
            lateral_shift_px=signed(rng, 0.1, 0.5),
        )
        offsets: list[float] = []
        for _ in range(3):
            mag = uniform(rng, 0.5, 1.0) * misreg
            a = uniform(rng, 0.0, 2.0 * math.pi)
            offsets += [mag * math.cos(a), mag * math.sin(a)]
        color_printer = dataclasses.replace(
            printer,
            black_fraction=uniform(rng, 0.0, 0.5),
            under_colour=1.0,
            plane_offsets_dots=tuple(offsets),
        )
        return dataclasses.replace(
            photo,
            scanner=color_scanner,
            printer=color_printer,
            misregistration_dots=misreg,
            misregistration_angle_deg=angle,
        )


def param_dict(params: object) -> dict[str, object]:
    """Return a parameter set as a plain, JSON-ready dict (nested sets included)."""
    out: dict[str, object] = {}
    for f in fields(params):  # type: ignore[arg-type]  # callers pass the dataclasses above
        value = getattr(params, f.name)
        if isinstance(value, PrinterParams | ScannerParams):
            out[f.name] = param_dict(value)
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out
