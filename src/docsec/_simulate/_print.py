"""The print model: halftoning, dot spread, toner/ink defects, paper optics."""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np

from docsec._simulate import _halftone as ht
from docsec._simulate._params import (
    CopierParams,
    PhoneParams,
    PrinterParams,
    ScannerParams,
)
from docsec._simulate._util import (
    F32,
    F64,
    MM_PER_INCH,
    NORMAL_LUT,
    UM_PER_INCH,
    check_pixels,
    cv_f32,
    cv_u8,
    grid_scale,
    lut_noise,
    normal,
    pixels_to_inches,
    rotation_about,
    scaling,
    translation,
    upsample,
    upsample_into,
)
from docsec._types import Image

logger = logging.getLogger(__name__)

AnyParams = PrinterParams | ScannerParams | PhoneParams | CopierParams

# Solid-ink reflectance relative to paper in the scanner's B, G, R bands (typical
# process inks on uncoated paper; only the order of magnitude matters here: each ink
# absorbs its complementary band strongly and the others a little).
_INK_REFLECTANCE: dict[str, tuple[float, float, float]] = {
    "c": (0.70, 0.35, 0.04),
    "m": (0.40, 0.06, 0.75),
    "y": (0.05, 0.80, 0.90),
}
# Lattice indices of the C, M, Y clustered-dot screens.
_COLOR_SCREEN = dict(zip("cmy", ht.COLOR_SCREENS, strict=True))
#: Side of the coarse grid cell used for smooth defect fields, in millimetres.
_CELL_MM = 0.17


@dataclass(frozen=True, slots=True)
class PrintedPage:
    """A simulated printed sheet: what a scanner, camera or copier looks at.

    Attributes
    ----------
    reflectance : (H, W) or (H, W, 3) float32 ndarray, 0..1
        Diffuse reflectance factor of the sheet on the simulation grid, relative
        to a perfect white diffuser. One channel for black-only prints (neutral;
        ``tint`` gives its colour), else channels B, G, R. This is a physical
        quantity, not an image: scan or photograph it to get one.
    dpi : float
        Resolution of the simulation grid (printer dpi times the oversampling).
    paper_size : (float, float)
        Sheet width and height in inches (those of the input page).
    grid_to_paper : (3, 3) float64 ndarray
        Maps grid pixel coordinates (x = column, y = row, homogeneous) to inches
        on the sheet, including the printer's scale, skew and offset errors.
    page_to_grid : (3, 3) float64 ndarray
        Maps pixel coordinates of the original input page to grid pixels (through
        every earlier print and copy).
    tint : (float, float, float)
        B, G, R factors applied to a one-channel ``reflectance`` for colour output.
    paper_white : float
        Mean reflectance of blank paper (used for the area around the sheet).
    params : mapping of str to parameter sets
        Every parameter set used so far ("printer", and "copier" for copies).
    """

    reflectance: F32
    dpi: float
    paper_size: tuple[float, float]
    grid_to_paper: F64
    page_to_grid: F64
    tint: tuple[float, float, float]
    paper_white: float
    params: Mapping[str, AnyParams]


def resample_page(page: Image, shape: tuple[int, int]) -> Image:
    """Resample a uint8 page to ``shape`` (rows, cols) the way a printer driver does.

    Integer up-scaling replicates pixels (a 300 dpi page prints each pixel as 2x2
    dots, keeping binary patterns binary); integer down-scaling averages; other
    ratios interpolate bilinearly.
    """
    h, w = page.shape[:2]
    if (h, w) == shape:
        return page
    ry, rx = shape[0] / h, shape[1] / w
    if ry >= 1 and rx >= 1:
        integer = abs(ry - round(ry)) < 1e-9 and abs(rx - round(rx)) < 1e-9
        interp = cv2.INTER_NEAREST if integer else cv2.INTER_LINEAR
    else:
        interp = cv2.INTER_AREA
    out = cv_u8(cv2.resize(page, (shape[1], shape[0]), interpolation=interp))
    return out


def _separations(page: Image, p: PrinterParams) -> dict[str, Image]:
    """Split a printer-grid page into uint8 separations (0 = full ink, 255 = none).

    A neutral of coverage ``n`` prints ``p.black_fraction * n`` in K plus, in each
    of C, M and Y, ``p.under_colour`` times the coverage that makes the
    composite as dark as ``n`` (grey balance); the defaults (1, 0) are full
    grey-component replacement, so text and grey print in black only. Rich
    black (K 1 plus under-colour) only appears where ``n`` is 1.
    """
    composite = p.black_fraction < 1.0 or p.under_colour > 0.0
    if page.ndim == 2:
        if not composite:
            return {"k": page}
        page = cv_u8(cv2.merge([page, page, page]))
    b, g, r = (page[:, :, i] for i in range(3))
    if not composite and np.array_equal(b, g) and np.array_equal(g, r):
        return {"k": b}
    # c' = (c - n) / (1 - n) keeps the colour exact under the multiplicative
    # (block-dye) model used for the inks below when n is printed in K.
    cmy = 1.0 - page.astype(np.float32) * np.float32(1.0 / 255.0)  # B->y, G->m, R->c
    n = cmy.min(axis=2)
    rest = np.maximum(1.0 - n, np.float32(1e-6))[:, :, None]
    chroma = (cmy - n[:, :, None]) / rest
    k = n * np.float32(p.black_fraction)
    if p.under_colour > 0.0:
        # Grey balance: C, M and Y at coverage a each, screened independently,
        # leave (1 - a) ** 3 of the paper bare (Demichel); with K on top the
        # bare share is to match the neutral's 1 - n.
        bare = np.clip((1.0 - n) / np.maximum(1.0 - k, np.float32(1e-6)), 0.0, 1.0)
        under = np.float32(p.under_colour) * (1.0 - np.cbrt(bare))
        chroma = np.minimum(chroma + under[:, :, None], 1.0)

    def level(cov: F32) -> Image:
        out: Image = np.clip(np.rint(255.0 * (1.0 - cov)), 0, 255).astype(np.uint8)
        return out

    return {
        "k": level(k),
        "c": level(chroma[:, :, 2]),
        "m": level(chroma[:, :, 1]),
        "y": level(chroma[:, :, 0]),
    }


def _shift_plane(e: F32, dx: float, dy: float) -> F32:
    """Move one colorant plane by (dx, dy) grid pixels (misregistration)."""
    m = np.array([[1.0, 0.0, dx], [0.0, 1.0, dy]], dtype=np.float64)
    return cv_f32(
        cv2.warpAffine(
            e,
            m,
            (e.shape[1], e.shape[0]),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(1.0,),
        )
    )


def _threshold(p: PrinterParams, sep: str) -> ht.U8:
    if p.screen_lpi == 0:
        mask = ht.blue_noise()
        # Decorrelate the separations of dispersed-dot colour prints.
        return {"k": mask, "c": mask.T, "m": mask[::-1], "y": mask[:, ::-1]}[sep]
    tile = ht.TILE_600 * p.dpi // 600
    i, j = ht.LASER_SCREENS[p.screen_lpi] if sep == "k" else _COLOR_SCREEN[sep]
    return ht.clustered_dot(i, j, tile)


def _linearisation(gamma: float) -> Image:
    """Driver tone curve on uint8 levels: coverage c -> c ** gamma (0 and 255 fixed)."""
    cov = 1.0 - np.arange(256, dtype=np.float64) / 255.0
    out: Image = np.clip(np.rint(255.0 * (1.0 - cov**gamma)), 0, 255).astype(np.uint8)
    return out


def _coarse_shape(shape: tuple[int, int], dpi: float) -> tuple[tuple[int, int], float]:
    cell = max(_CELL_MM / MM_PER_INCH * dpi, 1.0)
    return (
        math.ceil(shape[0] / cell) + 1,
        math.ceil(shape[1] / cell) + 1,
    ), cell


def _mass_field(
    dst: F32, dpi: float, p: PrinterParams, rng: np.random.Generator
) -> None:
    """Write -toner_mass x (mottle, banding, dropouts) into ``dst`` (sim grid).

    The sign is folded in so that ``mass * field`` is directly the exponent of the
    colorant's transmission factor.
    """
    (lh, lw), cell = _coarse_shape(dst.shape, dpi)
    field = np.full((lh, lw), -p.toner_mass, np.float32)
    if p.mottle > 0:
        mott = normal(rng, (lh, lw))
        sigma = max(p.mottle_scale_mm / _CELL_MM / 2.0, 0.5)
        mott = cv_f32(
            cv2.GaussianBlur(mott, (0, 0), sigma, borderType=cv2.BORDER_REFLECT)
        )
        std = float(mott.std()) or 1.0
        field *= np.maximum(1.0 + (p.mottle / std) * mott, 0.0)
    if p.banding > 0:
        y_mm = (np.arange(lh, dtype=np.float64) + 0.5) * cell / dpi * MM_PER_INCH
        ph1, ph2 = rng.uniform(0, 2 * np.pi, size=2)
        wave = np.sin(2 * np.pi * y_mm / p.banding_period_mm + ph1) + 0.5 * np.sin(
            4 * np.pi * y_mm / p.banding_period_mm + ph2
        )
        wave /= math.sqrt(0.5 + 0.125)  # unit RMS
        field *= np.maximum(1.0 + p.banding * wave, 0.0).astype(np.float32)[:, None]
    if p.dropout > 0:
        holes = rng.random((lh, lw)) < p.dropout
        depth = rng.uniform(0.5, 0.95, size=(lh, lw))
        field *= np.where(holes, 1.0 - depth, 1.0).astype(np.float32)
    upsample_into(field, dst)


def _add_scatter(
    mass: F32, dpi: float, p: PrinterParams, rng: np.random.Generator
) -> None:
    """Add stray toner specks / satellite drops near printed marks, in place.

    A speck is an unspread deposit on one simulation pixel (toner scatter particles
    are smaller than a dot); it lands with a probability that falls off within about
    half a millimetre of printed marks.
    """
    if p.scatter <= 0:
        return
    h, w = mass.shape
    b = max(round(_CELL_MM / MM_PER_INCH * dpi), 1)
    hb, wb = max(h // b, 1), max(w // b, 1)
    # Integer-ratio area averaging is a fast box filter in OpenCV.
    near = cv2.resize(mass[: hb * b, : wb * b], (wb, hb), interpolation=cv2.INTER_AREA)
    near = cv2.GaussianBlur(near, (0, 0), 2.0)
    np.minimum(near * np.float32(6.0), np.float32(1.0), out=near)
    n = int(rng.poisson(p.scatter * h * w))
    if n == 0:
        return
    rr = rng.integers(0, h, size=n)
    cc = rng.integers(0, w, size=n)
    keep = (
        rng.random(n) < near[np.minimum(rr // b, hb - 1), np.minimum(cc // b, wb - 1)]
    )
    amount = rng.uniform(0.2, 0.9, size=n).astype(np.float32)
    np.add.at(mass, (rr[keep], cc[keep]), amount[keep])


def _add_streaks(
    mass: F32, dpi: float, p: PrinterParams, rng: np.random.Generator
) -> None:
    """Weaken a few long lines in place: laser drum streaks (columns), nozzle rows.

    ``p.streaks`` counts lines per A4 sheet: each is placed on a virtual 210 mm
    (laser, across the feed) or 297 mm (inkjet, along the feed) extent, and only
    those falling on this page are drawn, so small pages get proportionally fewer.
    """
    h, w = mass.shape
    keep = np.float32(1.0 - p.streak_strength)
    for _ in range(p.streaks):
        if p.kind == "laser":
            width = max(1, round(rng.uniform(0.2, 2.0) / MM_PER_INCH * dpi))
            extent = max(w, round(210.0 / MM_PER_INCH * dpi))
            c0 = int(rng.integers(0, max(extent - width, 1)))
            if c0 < w:
                mass[:, c0 : c0 + width] *= keep
        else:
            height = max(1, round(dpi / p.dpi))  # one nozzle = one printer dot row
            extent = max(h, round(297.0 / MM_PER_INCH * dpi))
            r0 = int(rng.integers(0, max(extent - height, 1)))
            if r0 < h:
                mass[r0 : r0 + height, :] *= keep


def _uncovered(
    value: Image,
    sep: str,
    p: PrinterParams,
    oversample: int,
    rng: np.random.Generator,
    scratch: F32,
) -> F32 | None:
    """Halftone one separation; return ``exp(-mass)`` (1 where there is no colorant).

    Coverage of randomly overlapping toner is ``1 - exp(-mass)`` (Poisson overlap):
    solids saturate at ``1 - exp(-toner_mass)`` and isolated dots stay partial at
    their rims. ``None`` when the separation prints nothing. ``scratch`` is a
    sim-grid buffer this function may overwrite.
    """
    thr = _threshold(p, sep)
    offset = (int(rng.integers(0, thr.shape[0])), int(rng.integers(0, thr.shape[1])))
    if p.tone_gamma != 1.0:
        value = cv_u8(cv2.LUT(value, _linearisation(p.tone_gamma)))
    inked = ht.screen(value, thr, offset)
    if not inked.any():
        return None
    dpi = float(p.dpi * oversample)
    if oversample > 1:
        inked = cv2.resize(
            inked.view(np.uint8),
            None,
            fx=oversample,
            fy=oversample,
            interpolation=cv2.INTER_NEAREST,
        ).view(bool)
    mass = inked.astype(np.float32)
    del inked
    pitch = UM_PER_INCH / dpi
    if oversample == 1:
        # Each addressed dot is exposed for one full pixel (a box of one pitch)
        # convolved with the spot profile. Oversampled grids carry the box as the
        # replicated block; on the printer grid itself its variance (pitch^2 / 12)
        # is added to the spot's, so both grids model the same dot.
        sigma = math.sqrt(p.dot_sigma_um**2 + pitch * pitch / 12.0) / pitch
    else:
        sigma = p.dot_sigma_um / pitch
    if sigma > 0.05:
        cv2.GaussianBlur(mass, (0, 0), sigma, dst=mass)
    _add_scatter(mass, dpi, p, rng)
    _mass_field(scratch, dpi, p, rng)  # -toner_mass * field
    mass *= scratch
    if p.grain > 0:
        lut = np.maximum(1.0 + p.grain * NORMAL_LUT, 0.0).astype(np.float32)
        raw = np.frombuffer(rng.bytes(mass.size), np.uint8)
        lut_noise(raw, lut, mass.shape, dst=scratch)
        del raw
        mass *= scratch
    _add_streaks(mass, dpi, p, rng)
    cv2.exp(mass, dst=mass)
    return mass


def _paper(dst: F32, dpi: float, p: PrinterParams, rng: np.random.Generator) -> None:
    """Write the blank paper's reflectance into ``dst``: mean, fibres, formation."""
    (lh, lw), _ = _coarse_shape(dst.shape, dpi)
    fine = normal(rng, (lh, lw))
    fine = cv_f32(cv2.GaussianBlur(fine, (0, 0), 0.7))
    fine /= np.float32(float(fine.std()) or 1.0)
    coarse = normal(rng, (max(lh // 12, 3), max(lw // 12, 3)))
    coarse = cv_f32(cv2.GaussianBlur(coarse, (0, 0), 1.0))
    coarse /= np.float32(float(coarse.std()) or 1.0)
    texture = fine + np.float32(0.5) * upsample(coarse, (lh, lw))
    texture *= np.float32(p.paper_texture / math.sqrt(1.25))
    texture += np.float32(1.0)
    texture *= np.float32(p.paper_reflectance)
    upsample_into(texture, dst)


def print_impl(
    page: Image,
    page_dpi: float,
    p: PrinterParams,
    rng: np.random.Generator,
    *,
    oversample: int,
    page_to_source: F64 | None = None,
    history: Mapping[str, AnyParams] | None = None,
) -> PrintedPage:
    """Print ``page`` (uint8, gray or BGR) and return the simulated sheet."""
    h0, w0 = page.shape[:2]
    paper_w, paper_h = w0 / page_dpi, h0 / page_dpi
    hp = max(round(h0 * p.dpi / page_dpi), 1)
    wp = max(round(w0 * p.dpi / page_dpi), 1)
    check_pixels(hp * oversample, wp * oversample, what="the print simulation grid")
    sim_dpi = float(p.dpi * oversample)
    on_grid = resample_page(page, (hp, wp))
    seps = _separations(on_grid, p)
    del on_grid
    shape = (hp * oversample, wp * oversample)
    logger.debug(
        "printing %dx%d page at %d dpi (sim %g dpi, %s, separations %s)",
        w0,
        h0,
        p.dpi,
        sim_dpi,
        p.kind,
        "".join(seps),
    )
    # Page-sized buffers are reused: fresh allocations of this size cost more in
    # page faults than the arithmetic done in them.
    scratch = np.empty(shape, np.float32)
    uncovered: dict[str, F32] = {}
    for sep, value in seps.items():
        e = _uncovered(value, sep, p, oversample, rng, scratch)
        if e is not None and sep != "k" and p.plane_offsets_dots:
            i = "cmy".index(sep)
            dx, dy = p.plane_offsets_dots[2 * i], p.plane_offsets_dots[2 * i + 1]
            e = _shift_plane(e, dx * oversample, dy * oversample)
        if e is not None:
            uncovered[sep] = e
    del seps
    # Transmittance of the colorant layer per band, light passing it twice (in and
    # out): t = sqrt(solid reflectance / paper); where a fraction c is covered,
    # T = 1 - c (1 - t) = t + (1 - t) exp(-mass).
    t_black = 10.0 ** (-p.density / 2.0)
    colour = any(s in uncovered for s in "cmy")
    bands: list[F32] = []
    if not colour:
        if "k" in uncovered:
            trans = uncovered.pop("k")
            cv2.addWeighted(trans, 1.0 - t_black, trans, 0.0, t_black, dst=trans)
        else:
            trans = np.ones(shape, np.float32)
        bands.append(trans)
    else:
        for band in range(3):
            acc = np.ones(shape, np.float32)
            for sep, e in uncovered.items():
                t = t_black if sep == "k" else math.sqrt(_INK_REFLECTANCE[sep][band])
                cv2.addWeighted(e, 1.0 - t, e, 0.0, t, dst=scratch)
                acc *= scratch
            bands.append(acc)
    del uncovered
    # Optical dot gain (Yule-Nielsen): light enters through the ink layer, scatters
    # laterally in the paper, and leaves through the layer elsewhere:
    # R = R_paper * T * (PSF (*) T). The paper has fibre texture and formation.
    sigma_paper = p.paper_scatter_um / (UM_PER_INCH / sim_dpi)
    for trans in bands:
        if sigma_paper > 0.05:
            cv2.GaussianBlur(trans, (0, 0), sigma_paper, dst=scratch)
            trans *= scratch
        else:
            trans *= trans
    paper = scratch
    _paper(paper, sim_dpi, p, rng)
    out: list[F32] = []
    for trans in bands:
        trans *= paper
        out.append(trans)
    del bands, paper, scratch
    if colour:
        tint_bgr = np.asarray(p.paper_tint, np.float32)
        reflectance = cv_f32(cv2.merge(out))
        reflectance *= tint_bgr
        tint = (1.0, 1.0, 1.0)
    else:
        reflectance = out[0]
        tint = (float(p.paper_tint[0]), float(p.paper_tint[1]), float(p.paper_tint[2]))
    # Geometry: grid pixels -> inches on the sheet, with the printer's errors about
    # the sheet centre.
    cx, cy = paper_w / 2.0, paper_h / 2.0
    grid_to_paper = (
        translation(p.offset_mm[0] / MM_PER_INCH, p.offset_mm[1] / MM_PER_INCH)
        @ rotation_about(p.skew_deg, cx, cy)
        @ translation(cx, cy)
        @ scaling(p.scale[0], p.scale[1])
        @ translation(-cx, -cy)
        @ pixels_to_inches(sim_dpi)
    )
    page_to_grid = grid_scale((h0, w0), shape)
    if page_to_source is not None:
        page_to_grid = page_to_grid @ page_to_source
    params: dict[str, AnyParams] = dict(history or {})
    params.setdefault("printer", p)
    return PrintedPage(
        reflectance=reflectance,
        dpi=sim_dpi,
        paper_size=(paper_w, paper_h),
        grid_to_paper=grid_to_paper,
        page_to_grid=page_to_grid,
        tint=tint,
        paper_white=float(p.paper_reflectance),
        params=params,
    )
