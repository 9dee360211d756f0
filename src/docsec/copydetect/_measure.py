"""From a grey image and a layout to located geometry and feature values."""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docsec.copydetect import _features
from docsec.copydetect._layout import DOT_DPI, Layout, render_block
from docsec.copydetect._locate import Located, locate_block

__all__ = ["Extracted", "extract"]

logger = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Extracted:
    """Located geometry plus every measured value."""

    located: Located
    values: dict[str, float]


def _fixed_ink(layout: Layout) -> npt.NDArray[np.bool_]:
    """Return the block's ink that does not depend on the key (fiducials, strip)."""
    blank = np.zeros((layout.modules, layout.modules), dtype=bool)
    mask: npt.NDArray[np.bool_] = render_block(layout, blank) == 0
    return mask


def _pattern_and_strip(
    layout: Layout, shape: tuple[int, ...], *, margin: int
) -> npt.NDArray[np.bool_]:
    """Return a mask of the pattern and the calibration strip, ``margin`` dots wider."""
    px, py = layout.pattern_origin
    n = layout.pattern_dots
    sx, sy = layout.strip_origin
    busy = np.zeros(shape, dtype=bool)
    busy[py - margin : py + n + margin, px - margin : px + n + margin] = True
    busy[
        sy - margin : sy + layout.strip_height + margin, sx - margin : sx + n + margin
    ] = True
    return busy


def _levels(
    gray: npt.NDArray[np.uint8], hom: F64, layout: Layout, spd: float
) -> tuple[float, float]:
    block = _features.resample(
        gray,
        hom,
        x0=0.0,
        y0=0.0,
        width=layout.width,
        height=layout.height,
        per_dot=1.0,
        samples_per_dot=spd,
    )
    ink = _fixed_ink(layout)
    # The pattern area is unknown here (all-white bits were rendered); exclude it.
    busy = _pattern_and_strip(layout, ink.shape, margin=3)
    kernel = np.ones((7, 7), np.uint8)
    paper_mask = cv2.erode((~ink & ~busy).astype(np.uint8), kernel) > 0
    fid_ink = ink.copy()
    fid_ink[busy] = False
    ink_mask = cv2.erode(fid_ink.astype(np.uint8), np.ones((11, 11), np.uint8)) > 0
    paper = float(np.median(block[paper_mask])) if paper_mask.any() else 255.0
    inkv = float(np.median(block[ink_mask])) if ink_mask.any() else 0.0
    return paper, inkv


def _noise_var(
    gray: npt.NDArray[np.uint8],
    hom: F64,
    layout: Layout,
    spd: float,
    paper: float,
    ink: float,
) -> float:
    """Variance of the darkness in solid paper and ink beside the pattern."""
    per = float(_features.K) / layout.module_dots
    block = _features.resample(
        gray,
        hom,
        x0=0.0,
        y0=0.0,
        width=layout.width,
        height=layout.height,
        per_dot=per,
        samples_per_dot=spd,
    )
    dark = (paper - block) / max(paper - ink, 1e-6)
    ink_dots = _fixed_ink(layout)
    busy = _pattern_and_strip(layout, ink_dots.shape, margin=4)
    k = np.ones((9, 9), np.uint8)
    paper_m = cv2.erode((~ink_dots & ~busy).astype(np.uint8), k) > 0
    ink_m = cv2.erode((ink_dots & ~busy).astype(np.uint8), k) > 0
    rep = round(per)

    def up(m: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
        big = np.repeat(np.repeat(m, rep, axis=0), rep, axis=1)
        return big[: dark.shape[0], : dark.shape[1]]

    return 0.5 * (
        _features.noise_variance(dark, up(paper_m))
        + _features.noise_variance(dark, up(ink_m))
    )


def _noise(
    gray: npt.NDArray[np.uint8],
    hom: F64,
    layout: Layout,
    spd: float,
    paper: float,
    ink: float,
    feats: dict[str, float],
) -> dict[str, float]:
    """Noise in solid paper and ink, and the fidelity once that noise is discounted.

    Scanner noise, toner grain and paper texture are white-ish and not a function
    of the keyed pattern: an original scanned noisily, or printed blurred so that
    the pattern's own signal is weak, loses fidelity without being a copy. A
    copy's loss is structured (its second sampling and screen) and stays when the
    noise measured beside the pattern is taken out of both the pattern's variance
    and its unexplained part.
    """
    nv = _noise_var(gray, hom, layout, spd, paper, ink)
    total = feats.get("pattern_hp_var", 0.0)
    unexplained = (1.0 - feats["fidelity"]) * total
    denoised = (
        1.0 - max(unexplained - nv, 0.0) / (total - nv) if total > nv > 0.0 else 0.0
    )
    return {"noise_var": nv, "fidelity_denoised": float(denoised)}


def _colour(
    colour: npt.NDArray[np.uint8], hom: F64, layout: Layout, spd: float
) -> dict[str, float]:
    """Colour evidence (:func:`_features.colour_features`) on the located pattern."""
    px, py = layout.pattern_origin
    n = layout.pattern_dots
    per = float(_features.K) / layout.module_dots
    darks: list[F64] = []
    noises: list[float] = []
    for ch in range(3):
        plane = np.ascontiguousarray(colour[:, :, ch])
        paper, ink = _levels(plane, hom, layout, spd)
        if paper - ink < 5.0:
            return {}
        raw = _features.resample(
            plane,
            hom,
            x0=px,
            y0=py,
            width=n,
            height=n,
            per_dot=per,
            samples_per_dot=spd,
        )
        darks.append((paper - raw) / (paper - ink))
        noises.append(_noise_var(plane, hom, layout, spd, paper, ink))
    dark = np.stack(darks, axis=2)
    return _features.colour_features(dark, (noises[0], noises[1], noises[2]))


_TILES = 4


def _refine_on_pattern(
    gray: npt.NDArray[np.uint8],
    hom: F64,
    layout: Layout,
    bits: npt.NDArray[np.bool_],
    spd: float,
    paper: float,
    ink: float,
) -> tuple[F64, float] | None:
    """Re-register on the keyed pattern itself (4 x 4 tiles, phase correlation).

    A streak, speck or dropout on a fiducial moves its centroid by a fraction of
    a dot, which is enough to blur the comparison with 1-dot modules. The pattern
    holds far more registration information than six squares: each tile's shift
    against the expected bits is measured by phase correlation (sub-sample), and
    the homography is re-fitted through the shifted tile centres.
    """
    px, py = layout.pattern_origin
    n = layout.pattern_dots
    per_dot = 4.0 if spd >= 3.0 else 2.0
    raw = _features.resample(
        gray, hom, x0=px, y0=py, width=n, height=n, per_dot=per_dot, samples_per_dot=spd
    )
    dark = ((paper - raw) / max(paper - ink, 1e-6)).astype(np.float32)
    rep = round(per_dot) * layout.module_dots
    tmpl = np.repeat(np.repeat(bits, rep, axis=0), rep, axis=1).astype(np.float32)
    side = dark.shape[0] // _TILES
    win = cv2.createHanningWindow((side, side), cv2.CV_32F)
    src_pts: list[tuple[float, float]] = []
    dst_pts: list[tuple[float, float]] = []
    shifts: list[tuple[float, float]] = []
    for ti in range(_TILES):
        for tj in range(_TILES):
            sl = (slice(ti * side, (ti + 1) * side), slice(tj * side, (tj + 1) * side))
            (dx, dy), response = cv2.phaseCorrelate(tmpl[sl], dark[sl], win)
            if response < 0.02 or abs(dx) > 1.5 * per_dot or abs(dy) > 1.5 * per_dot:
                continue
            cx = px + (tj + 0.5) * side / per_dot
            cy = py + (ti + 0.5) * side / per_dot
            # The scan shows template point (cx, cy) at grid offset (dx, dy).
            src_pts.append((cx, cy))
            dst_pts.append((cx + dx / per_dot, cy + dy / per_dot))
            shifts.append((dx / per_dot, dy / per_dot))
    if len(src_pts) < 8:
        return None
    src = np.array(src_pts, dtype=np.float64)
    dst = cv2.perspectiveTransform(
        np.array(dst_pts, dtype=np.float64).reshape(-1, 1, 2), hom
    )
    found: object = cv2.findHomography(src, dst.reshape(-1, 2), cv2.RANSAC, 0.5 * spd)[
        0
    ]
    if not isinstance(found, np.ndarray):
        return None
    sh = np.array(shifts)
    rms = float(np.sqrt(((sh - sh.mean(axis=0)) ** 2).sum(axis=1).mean()))
    return np.asarray(found, dtype=np.float64), rms


def _rotated(hom: F64, layout: Layout) -> F64:
    flip = np.array(
        [
            [-1.0, 0.0, float(layout.width)],
            [0.0, -1.0, float(layout.height)],
            [0.0, 0.0, 1.0],
        ]
    )
    return np.asarray(hom @ flip, dtype=np.float64)


def extract(
    gray: npt.NDArray[np.uint8],
    layout: Layout,
    bits: npt.NDArray[np.bool_],
    *,
    samples_per_dot: float | None,
    colour: npt.NDArray[np.uint8] | None = None,
) -> Extracted | None:
    """Locate the block and compute every feature; ``None`` if not found.

    ``colour`` is the same image in colour ((H, W, 3) BGR), when the scan was in
    colour: it adds the colour evidence (``colour_*`` values).
    """
    found = locate_block(gray, layout, samples_per_dot=samples_per_dot)
    if found is None:
        return None
    spd = found.samples_per_dot
    m = layout.module_dots
    per_mod = float(_features.K)
    px, py = layout.pattern_origin
    n = layout.pattern_dots
    best: tuple[float, F64, dict[str, float], float, float] | None = None
    for hom in (found.homography, _rotated(found.homography, layout)):
        paper, ink = _levels(gray, hom, layout, spd)
        span = paper - ink
        if span < 5.0:
            continue
        raw = _features.resample(
            gray,
            hom,
            x0=px,
            y0=py,
            width=n,
            height=n,
            per_dot=per_mod / m,
            samples_per_dot=spd,
        )
        dark = (paper - raw) / span
        feats = _features.pattern_features(dark, bits)
        score = feats["correlation"]
        if best is None or score > best[0]:
            best = (score, hom, feats, paper, ink)
    if best is None:
        return None
    _score, hom, feats, paper, ink = best
    refined = _refine_on_pattern(gray, hom, layout, bits, spd, paper, ink)
    if refined is not None:
        hom2, shift_rms = refined
        raw = _features.resample(
            gray,
            hom2,
            x0=px,
            y0=py,
            width=n,
            height=n,
            per_dot=per_mod / m,
            samples_per_dot=spd,
        )
        feats2 = _features.pattern_features((paper - raw) / (paper - ink), bits)
        # Keep the refinement only when it agrees better with the keyed pattern.
        if feats2["correlation"] >= feats["correlation"]:
            hom, feats = hom2, feats2
        feats["pattern_shift_rms_dots"] = shift_rms
    feats.update(_noise(gray, hom, layout, spd, paper, ink, feats))
    if colour is not None:
        feats.update(_colour(colour, hom, layout, spd))
    per_dot_strip = 2
    sx, sy = layout.strip_origin
    raw_strip = _features.resample(
        gray,
        hom,
        x0=sx,
        y0=sy,
        width=n,
        height=layout.strip_height,
        per_dot=per_dot_strip,
        samples_per_dot=spd,
    )
    feats.update(
        _features.strip_features(
            (paper - raw_strip) / (paper - ink), layout, per_dot_strip
        )
    )
    # Blockiness on the image pixels covering the block (axis-aligned bounding box).
    corners = np.array(
        [[0, 0], [layout.width, 0], [layout.width, layout.height], [0, layout.height]],
        dtype=np.float64,
    )
    img_c = cv2.perspectiveTransform(corners.reshape(-1, 1, 2), hom).reshape(-1, 2)
    h, w = gray.shape
    x0 = max(0, int(img_c[:, 0].min()))
    x1 = min(w, math.ceil(img_c[:, 0].max()))
    y0 = max(0, int(img_c[:, 1].min()))
    y1 = min(h, math.ceil(img_c[:, 1].max()))
    feats["blockiness"] = _features.blockiness(gray[y0:y1, x0:x1])
    feats["paper_level"] = paper
    feats["ink_level"] = ink
    feats["samples_per_dot"] = spd
    feats["effective_ppi"] = spd * DOT_DPI
    feats["registration_residual_dots"] = found.residual_dots
    located = Located(
        homography=hom,
        residual_dots=found.residual_dots,
        samples_per_dot=spd,
        rotation_deg=found.rotation_deg,
    )
    return Extracted(located=located, values=feats)
