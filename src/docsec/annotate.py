"""Draw what verification found onto the verified image (``--annotate``).

Outlines every located region (seal, copy-detection pattern, watermark), marks each
printed field that was read and compared with the seal (green: matches, red:
differs, with the signed text beside it, grey: not readable with confidence), and
writes the verdict in a banner, so a person sees at a glance what was checked where
and what was altered.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import cv2
import numpy as np

from docsec import imaging, inputs
from docsec._types import BGRImage, Image
from docsec.errors import InputError
from docsec.result import Verdict, VerificationResult

if TYPE_CHECKING:
    from docsec.verify import Frame

__all__ = ["annotate", "annotate_data", "annotate_file", "annotate_frame"]

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
    imaging.check_image(image)
    scale = min(1.0, _MAX_SIDE / max(image.shape[:2]))
    if scale < 1.0:
        # Reduced before it becomes colour: a 1200-dpi gray page would otherwise
        # be copied twice at three bytes per pixel.
        image = np.asarray(
            cv2.resize(image, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA),
            dtype=np.uint8,
        )
    out = imaging.to_bgr(image)
    if out is image:
        out = out.copy()
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


def annotate_frame(
    frame: Frame, result: VerificationResult, *, name: str = "input"
) -> BGRImage:
    """Annotate the page that verification itself read (no second read or render).

    ``frame`` comes with ``result`` from :func:`docsec.verify.verify_file_with_frame`
    or :func:`docsec.verify.verify_bytes_with_frame`: its page is the grey image
    the result's locations refer to, at the resolution they were recorded at.

    Raises
    ------
    InputError
        If the input was seal bytes, or verification read no page (a PDF refused
        before any page was rendered: use :func:`annotate_data` for it).
    """
    if frame.kind == "seal":
        raise InputError(f"{name} holds seal bytes, not an image: nothing to annotate")
    if frame.page is None:
        raise InputError(f"no page of {name} was read: nothing to annotate")
    image, dpi = frame.page
    return annotate(image, result, dpi=dpi)


def annotate_file(
    path: str | Path,
    result: VerificationResult,
    *,
    max_bytes: int = imaging.DEFAULT_MAX_BYTES,
    max_pixels: int = imaging.DEFAULT_MAX_PIXELS,
    max_memory: int = imaging.DEFAULT_MAX_MEMORY,
) -> BGRImage:
    """Load the image a result refers to (scan, or PDF page as rendered) and annotate it.

    The file is read as :func:`docsec.verify.verify_file` reads it: a regular
    file within ``max_bytes``, decoded or rendered within the limits.

    Raises
    ------
    InputError
        If the file cannot be read or rendered.
    """
    p = Path(path)
    data = inputs.read_regular_file(p, max_bytes=max_bytes)
    return annotate_data(
        data, result, name=p.name, max_pixels=max_pixels, max_memory=max_memory
    )


def annotate_data(
    data: bytes,
    result: VerificationResult,
    *,
    name: str = "input",
    max_pixels: int = imaging.DEFAULT_MAX_PIXELS,
    max_memory: int = imaging.DEFAULT_MAX_MEMORY,
) -> BGRImage:
    """Annotate the image held in a file's bytes (e.g. standard input).

    Raises
    ------
    InputError
        If the data is not an image or PDF, or over a limit.
    """
    kind = inputs.sniff(data, Path(name).suffix)
    if kind == "pdf":
        from docsec import pdf as _pdf

        dpis = [loc.dpi for loc in result.locations if loc.dpi is not None]
        dpi = dpis[0] if dpis else 100.0
        _pdf.check_budget(
            data, pages=1, dpi=dpi, max_pixels=max_pixels, max_memory=max_memory
        )
        if not dpis:
            scanned = _pdf.scanned_page_image(
                data, max_pixels=max_pixels, max_memory=max_memory
            )
            if scanned is not None:
                return annotate(scanned[0], result)
        page = _pdf.render_page(data, dpi=dpi, max_pixels=max_pixels)
        return annotate(page, result, dpi=dpi)
    if kind == "seal":
        raise InputError(f"{name} holds seal bytes, not an image: nothing to annotate")
    try:
        loaded = imaging.decode_image(
            data, max_pixels=max_pixels, max_memory=max_memory, name=name
        )
    except InputError:
        # In gray the decoding needs a third of the memory; the regions and the
        # verdict are drawn in colour either way.
        loaded = imaging.decode_image(
            data, max_pixels=max_pixels, max_memory=max_memory, gray=True, name=name
        )
    return annotate(loaded.image, result)
