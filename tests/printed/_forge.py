"""A forger's single-field edit, as benchmarks/bench_printed_text.py makes it."""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONTS = {
    "template": "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "other": "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf",
}


def edit_field(
    page: np.ndarray,
    box_mm: tuple[float, float, float, float],
    text: str | None,
    *,
    dpi: float,
    font: str = "other",
    size_pt: float = 11.0,
    table: bool = False,
) -> np.ndarray:
    """Paint a value cell over with its background and draw ``text`` (None: blank)."""
    x, y, w, h = (v * dpi / 25.4 for v in box_mm)
    r0, r1, c0, c1 = round(y), round(y + h), round(x), round(x + w)
    out = page.copy()
    out[r0:r1, c0:c1] = int(np.median(out[r0:r1, c0:c1]))
    if text is None:
        return out
    img = Image.fromarray(out)
    face = ImageFont.truetype(FONTS[font], round(size_pt / 72 * dpi))
    left = c0 + (1.0 if table else 3.0) * dpi / 25.4
    base = r0 + (4.6 if table else 6.2) * dpi / 25.4
    ImageDraw.Draw(img).text((left, base), text, fill=0, font=face, anchor="ls")
    return np.asarray(img, np.uint8)
