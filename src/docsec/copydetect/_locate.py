"""Find the copy-detection block in a scan: fiducials, homography, residual.

The six solid fiducial squares are found as dark, square, well-filled connected
components of equal size; their grey-weighted centroids (unbiased by symmetric dot
gain) give a least-squares homography from block dots to image pixels, whose RMS
residual is a quality gate. The 180-degree ambiguity is left to the caller (it
scores both orientations against the keyed pattern).
"""

from __future__ import annotations

import itertools
import logging
import math
from dataclasses import dataclass

import cv2
import numpy as np
import numpy.typing as npt

from docsec.copydetect._layout import Layout

__all__ = ["Located", "locate_block"]

logger = logging.getLogger(__name__)

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Located:
    """A block found in an image.

    Attributes
    ----------
    homography : (3, 3) float64 ndarray
        Block dots ``(x, y)`` to image pixels ``(x, y)``.
    residual_dots : float
        RMS distance between found and fitted fiducial centres, in dots.
    samples_per_dot : float
        Image pixels per printer dot measured from the fiducial spacing.
    rotation_deg : float
        Rotation of the block in the image.
    """

    homography: F64
    residual_dots: float
    samples_per_dot: float
    rotation_deg: float


def _candidates(gray: npt.NDArray[np.uint8]) -> list[tuple[float, float, float]]:
    """Return ``(cx, cy, area)`` of dark, solid, square components."""
    smooth = cv2.GaussianBlur(gray, (0, 0), 1.0)
    _t, mask = cv2.threshold(smooth, 0, 255, cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)
    n, _labels, stats, cents = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[tuple[float, float, float]] = []
    for i in range(1, n):
        _x, _y, w, h, area = (int(v) for v in stats[i])
        if area < 30 or w < 5 or h < 5:
            continue
        aspect = w / h
        if not 0.6 < aspect < 1.6:
            continue
        # A square rotated by a small angle fills its bounding box to >= ~0.8.
        if area / (w * h) < 0.7:
            continue
        out.append((float(cents[i][0]), float(cents[i][1]), float(area)))
    return out


def _refine(
    gray: npt.NDArray[np.uint8], cx: float, cy: float, side: float
) -> tuple[float, float]:
    """Grey-weighted centroid of a fiducial in a window of 1.6 sides."""
    half = 0.8 * side
    h, w = gray.shape
    x0, x1 = max(0, int(cx - half)), min(w, math.ceil(cx + half) + 1)
    y0, y1 = max(0, int(cy - half)), min(h, math.ceil(cy + half) + 1)
    win = gray[y0:y1, x0:x1].astype(np.float64)
    paper = float(np.percentile(win, 95))
    ink = float(np.percentile(win, 5))
    if paper - ink < 10:
        return cx, cy
    wgt = np.clip((paper - win) / (paper - ink), 0.0, 1.0)
    total = float(wgt.sum())
    if total <= 0:
        return cx, cy
    rr, cc = np.mgrid[y0:y1, x0:x1]
    return float((wgt * cc).sum() / total), float((wgt * rr).sum() / total)


def _assign(points: F64, layout: Layout) -> F64 | None:
    """Order six points as the layout's fiducials (up to a 180-degree turn)."""
    rect = cv2.minAreaRect(points.astype(np.float32))
    angle = math.radians(rect[2])
    # Try the four 90-degree turns of the rectangle frame; keep the one where the
    # points land on the layout's fiducial pattern (taller than wide).
    ref = np.array(layout.fiducials, dtype=np.float64)
    ref_c = ref - ref.mean(axis=0)
    centre = points.mean(axis=0)
    best: tuple[float, F64] | None = None
    for k in range(4):
        a = angle + k * math.pi / 2
        rot = np.array([[math.cos(a), math.sin(a)], [-math.sin(a), math.cos(a)]])
        local = (points - centre) @ rot.T
        scale = math.sqrt((local**2).sum() / (ref_c**2).sum())
        local /= scale
        order = []
        cost = 0.0
        for r in ref_c:
            d = np.hypot(*(local - r).T)
            j = int(np.argmin(d))
            order.append(j)
            cost += float(d[j])
        if len(set(order)) != len(order):
            continue
        if best is None or cost < best[0]:
            best = (cost, points[order])
    if best is None or best[0] > 0.1 * layout.fid * len(ref):
        return None
    return best[1]


def locate_block(
    gray: npt.NDArray[np.uint8], layout: Layout, *, samples_per_dot: float | None
) -> Located | None:
    """Find the block's fiducials in ``gray`` and fit a homography.

    Parameters
    ----------
    gray : (H, W) uint8 ndarray, 0..255
        The scan (or a crop around the block).
    layout : Layout
        The expected block.
    samples_per_dot : float or None
        Expected image pixels per printer dot (from the declared dpi); ``None``
        accepts any size.

    Returns
    -------
    Located or None
        ``None`` when six consistent fiducials are not found.
    """
    cands = _candidates(gray)
    if samples_per_dot is not None:
        want = (layout.fid * samples_per_dot) ** 2
        cands = [c for c in cands if 0.45 * want < c[2] < 1.8 * want]
    if len(cands) < 6:
        logger.debug("copydetect: %d fiducial candidates", len(cands))
        return None
    # The six fiducials have the same size: try groups of similar area, and within
    # a group every choice of six, keeping the one the layout explains best.
    cands.sort(key=lambda c: -c[2])
    best: tuple[float, F64] | None = None
    seen: set[tuple[int, ...]] = set()
    for ref_c in cands:
        group = [
            j for j, c in enumerate(cands) if 0.8 * ref_c[2] <= c[2] <= 1.25 * ref_c[2]
        ]
        if len(group) < 6:
            continue
        group = sorted(group, key=lambda j: abs(math.log(cands[j][2] / ref_c[2])))[:9]
        for combo in itertools.combinations(sorted(group), 6):
            if combo in seen:
                continue
            seen.add(combo)
            pts = np.array(
                [(cands[j][0], cands[j][1]) for j in combo], dtype=np.float64
            )
            ordered = _assign(pts, layout)
            if ordered is None:
                continue
            cost = _quick_residual(ordered, layout)
            if best is None or cost < best[0]:
                best = (cost, ordered)
    if best is None:
        logger.debug(
            "copydetect: no fiducial arrangement among %d candidates", len(cands)
        )
        return None
    return _fit(gray, best[1], layout)


def _homography(src: F64, dst: F64) -> F64 | None:
    """Least-squares homography, ``None`` for degenerate points (OpenCV's None)."""
    # OpenCV returns None for degenerate points although its stubs say ndarray.
    found: object = cv2.findHomography(src, dst, 0)[0]
    if not isinstance(found, np.ndarray):
        return None
    return np.asarray(found, dtype=np.float64)


def _quick_residual(ordered: F64, layout: Layout) -> float:
    ref = np.array(layout.fiducials, dtype=np.float64)
    hom = _homography(ref, ordered)
    if hom is None:
        return math.inf
    proj = cv2.perspectiveTransform(ref.reshape(-1, 1, 2), hom).reshape(-1, 2)
    spd = math.sqrt(
        ((ordered - ordered.mean(axis=0)) ** 2).sum()
        / ((ref - ref.mean(axis=0)) ** 2).sum()
    )
    return float(np.sqrt(((proj - ordered) ** 2).sum(axis=1).mean())) / spd


def _fit(gray: npt.NDArray[np.uint8], ordered: F64, layout: Layout) -> Located | None:
    ref = np.array(layout.fiducials, dtype=np.float64)
    spd0 = math.sqrt(
        ((ordered - ordered.mean(axis=0)) ** 2).sum()
        / ((ref - ref.mean(axis=0)) ** 2).sum()
    )
    refined = np.array(
        [_refine(gray, x, y, layout.fid * spd0) for x, y in ordered], dtype=np.float64
    )
    hom = _homography(ref, refined)
    if hom is None:
        return None
    proj = cv2.perspectiveTransform(ref.reshape(-1, 1, 2), hom).reshape(-1, 2)
    resid_px = float(np.sqrt(((proj - refined) ** 2).sum(axis=1).mean()))
    # Local scale at the block centre: pixels per dot.
    c = ref.mean(axis=0)
    pc = cv2.perspectiveTransform(
        np.array([[c, c + np.array([1.0, 0.0]), c + np.array([0.0, 1.0])]]), hom
    )[0]
    sx = float(np.hypot(*(pc[1] - pc[0])))
    sy = float(np.hypot(*(pc[2] - pc[0])))
    spd = math.sqrt(sx * sy)
    rot = math.degrees(math.atan2(pc[1][1] - pc[0][1], pc[1][0] - pc[0][0]))
    return Located(
        homography=np.asarray(hom, dtype=np.float64),
        residual_dots=resid_px / spd,
        samples_per_dot=spd,
        rotation_deg=rot,
    )
