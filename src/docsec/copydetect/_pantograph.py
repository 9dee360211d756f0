"""Void pantograph: a background in which a hidden word appears on photocopies.

The background is a lattice of isolated 1-dot marks (one per 5 x 5 dots, 4 %
nominal ink); the word is drawn with 2x2-dot clusters on an 8-dot lattice (6.25 %
nominal). Isolated dots gain more area in print than clusters, so on the original
both read as about the same light tint (measured in docsec.simulate: word minus
background darkness +0.006..+0.009). A copier scans at about the printer
resolution with soft optics and thresholds: the isolated dots lose contrast, the
clusters keep it, and the word darkens (text mode +0.033..+0.035, photo mode
+0.003..+0.022). That is a weak effect; a dedicated void pantograph tuned on the
real printer and copier does better. This is a human aid; :func:`contrast`
reports the contrast between word and background, never a verdict.
"""

from __future__ import annotations

import cv2
import numpy as np
import numpy.typing as npt

from docsec.errors import InputError

__all__ = ["contrast", "render"]

_BG_PERIOD = 5  # one 1-dot mark per 5x5 dots: 4 % nominal coverage
_FG_PERIOD = 8  # one 2x2 cluster per 8x8 dots: 6.25 % coverage


def word_mask(word: str, height: int, width: int) -> npt.NDArray[np.bool_]:
    """Rasterise ``word`` (ASCII, Hershey font) to fill a ``(height, width)`` mask."""
    if not word or not word.isascii() or not word.isprintable():
        raise InputError("word must be non-empty printable ASCII; pass mask= otherwise")
    font = cv2.FONT_HERSHEY_DUPLEX
    (tw, th), base = cv2.getTextSize(word, font, 1.0, 2)
    scale = min(0.9 * width / tw, 0.7 * height / (th + base))
    thick = max(2, round(scale * 2.5))  # strokes several lattice periods wide
    (tw, th), base = cv2.getTextSize(word, font, scale, thick)
    canvas = np.zeros((height, width), np.uint8)
    org = ((width - tw) // 2, (height + th) // 2)
    cv2.putText(canvas, word, org, font, scale, 255, thick, cv2.LINE_8)
    return canvas > 0


def render(mask: npt.NDArray[np.bool_]) -> npt.NDArray[np.uint8]:
    """Render the pantograph for a word mask, one pixel per printer dot (0 = ink)."""
    h, w = mask.shape
    rr, cc = np.mgrid[0:h, 0:w]
    bg = (rr % _BG_PERIOD == 0) & (cc % _BG_PERIOD == 0)
    fg = (rr % _FG_PERIOD < 2) & (cc % _FG_PERIOD < 2)
    ink = np.where(mask, fg, bg)
    return np.where(ink, np.uint8(0), np.uint8(255)).astype(np.uint8)


def contrast(
    gray: npt.NDArray[np.uint8], mask: npt.NDArray[np.bool_]
) -> dict[str, float]:
    """Mean darkness of word and background in a registered grey image.

    ``gray`` must already be on the pantograph's grid (same shape as ``mask``).
    Darkness is ``1 - value / paper`` with paper the 99th percentile, after a
    blur of 3 dots that stands in for the eye.
    """
    g = cv2.GaussianBlur(gray.astype(np.float64), (0, 0), 3.0)
    paper = float(np.percentile(g, 99)) or 1.0
    dark = 1.0 - g / paper
    # Stay away from the letter edges, where the blur mixes both.
    inner = cv2.erode(mask.astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    outer = cv2.erode((~mask).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    if not inner.any() or not outer.any():
        raise InputError("pantograph word or background area is too small to measure")
    word = float(dark[inner].mean())
    back = float(dark[outer].mean())
    return {
        "word_darkness": word,
        "background_darkness": back,
        "word_contrast": word - back,
    }
