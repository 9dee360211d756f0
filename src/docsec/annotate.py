"""Draw what verification found onto the verified image (``--annotate``).

Outlines every located region (seal, copy-detection pattern, watermark), marks each
printed field that was read and compared with the seal (green: matches, red:
differs, with the signed text beside it, grey: not readable with confidence), and
writes the verdict in a banner, so a person sees at a glance what was checked where
and what was altered.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from docsec import imaging
from docsec._types import BGRImage, Image
from docsec.errors import InputError
from docsec.result import Verdict, VerificationResult

__all__ = ["annotate", "annotate_file"]

# BGR colours: green, red, amber.
_VERDICT_COLOUR = {
    Verdict.AUTHENTIC: (40, 160, 40),
    Verdict.NOT_AUTHENTIC: (30, 30, 220),
    Verdict.INCONCLUSIVE: (0, 160, 230),
}
_REGION_COLOUR = {
    "seal": (220, 120, 0),
    "cdp": (200, 0, 200),
    "watermark": (0, 140, 140),
}
# Printed fields compared with the seal (docsec.printed), BGR.
_TEXT_COLOUR = {
    "text-match": (40, 160, 40),
    "text-mismatch": (30, 30, 220),
    "text-unreadable": (150, 150, 150),
}
_MAX_SIDE = 4000


def _labels(
    out: BGRImage, labels: list[tuple[tuple[int, int], str, tuple[int, int, int]]]
) -> BGRImage:
    """Write labels (Korean included, in the template font) at their points.

    cv2.putText knows only ASCII, so the text goes through Pillow; without the
    template font the labels are skipped (the outlines stay).
    """
    if not labels:
        return out
    from PIL import Image, ImageDraw, ImageFont

    from docsec._template_font import find_font
    from docsec.errors import ConfigurationError

    try:
        path = find_font("regular")
    except ConfigurationError:
        return out
    size = max(12, round(max(out.shape[:2]) / 110))
    font = ImageFont.truetype(str(path), size)
    pil = Image.fromarray(np.ascontiguousarray(out[:, :, ::-1]))
    draw = ImageDraw.Draw(pil)
    for (x, y), text, (b, g, r) in labels:
        box = draw.textbbox((x, y), text, font=font)
        draw.rectangle(box, fill=(255, 255, 255))
        draw.text((x, y), text, font=font, fill=(r, g, b))
    return np.asarray(pil, np.uint8)[:, :, ::-1].copy()


def annotate(
    image: Image, result: VerificationResult, *, dpi: float | None = None
) -> BGRImage:
    """Return a BGR copy of ``image`` with regions outlined and the verdict written.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The image the result's locations refer to.
    result : VerificationResult
        The verification result.
    dpi : float or None
        Only locations recorded at this render resolution are drawn (``None``: those
        recorded on the input image itself).

    Returns
    -------
    (H', W', 3) uint8 ndarray, BGR
        Annotated copy, downscaled so that its longer side is at most 4000 px.
    """
    out = imaging.to_bgr(image).copy()
    scale = min(1.0, _MAX_SIDE / max(out.shape[:2]))
    if scale < 1.0:
        out = np.asarray(
            cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    thick = max(2, round(max(out.shape[:2]) / 600))
    labels: list[tuple[tuple[int, int], str, tuple[int, int, int]]] = []
    for loc in result.locations:
        if loc.dpi != dpi:
            continue
        pts = np.array([[x * scale, y * scale] for x, y in loc.points], np.float64)
        if loc.name in _TEXT_COLOUR:
            colour = _TEXT_COLOUR[loc.name]
            cv2.polylines(
                out, [np.rint(pts).astype(np.int32)], True, colour, thick, cv2.LINE_AA
            )
            if loc.name == "text-mismatch" and loc.label:
                # The signed text beside the altered field, just below it.
                x0, y1 = pts[:, 0].min(), pts[:, 1].max()
                labels.append(((int(x0), int(y1) + thick), loc.label, colour))
            continue
        colour = _REGION_COLOUR.get(loc.name, (128, 128, 128))
        cv2.polylines(
            out, [np.rint(pts).astype(np.int32)], True, colour, thick, cv2.LINE_AA
        )
        x, y = pts[:, 0].min(), pts[:, 1].min()
        cv2.putText(
            out,
            loc.name,
            (int(x), max(12, int(y) - 2 * thick)),
            cv2.FONT_HERSHEY_SIMPLEX,
            thick / 3,
            colour,
            max(1, thick // 2),
            cv2.LINE_AA,
        )
    out = _labels(out, labels)
    verdict = result.verdict
    text = verdict.value.replace("_", " ").upper()
    if result.reasons:
        text += ": " + ", ".join(result.reasons[:3])
    banner = max(30, out.shape[0] // 25)
    cv2.rectangle(out, (0, 0), (out.shape[1], banner), _VERDICT_COLOUR[verdict], -1)
    font_scale = banner / 40
    cv2.putText(
        out,
        text,
        (banner // 4, int(banner * 0.72)),
        cv2.FONT_HERSHEY_SIMPLEX,
        font_scale,
        (255, 255, 255),
        max(1, round(font_scale * 2)),
        cv2.LINE_AA,
    )
    return out


def annotate_file(path: str | Path, result: VerificationResult) -> BGRImage:
    """Load the image a result refers to (scan, or PDF page as rendered) and annotate it.

    Raises
    ------
    InputError
        If the file cannot be read or rendered.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(5)
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if head.startswith(b"%PDF"):
        from docsec import pdf as _pdf

        data = p.read_bytes()
        dpis = [loc.dpi for loc in result.locations if loc.dpi is not None]
        if dpis:
            return annotate(_pdf.render_page(data, dpi=dpis[0]), result, dpi=dpis[0])
        scanned = _pdf.scanned_page_image(data)
        if scanned is not None:
            return annotate(scanned[0], result)
        return annotate(_pdf.render_page(data, dpi=100.0), result, dpi=100.0)
    if head[:1] == b"\xdc" or p.suffix.lower() == ".bin":
        raise InputError(
            f"{p.name} holds seal bytes, not an image: nothing to annotate"
        )
    return annotate(imaging.read_image(p).image, result)
