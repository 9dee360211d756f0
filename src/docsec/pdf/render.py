"""Rendering (pypdfium2): a page to a gray image; a scanned page's own image.

A scanned page's image is returned at its native resolution. Call
:func:`docsec.pdf.check_budget` first on untrusted files.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from docsec import inputs
from docsec._types import GrayImage
from docsec.errors import InputError
from docsec.imaging import DEFAULT_MAX_MEMORY, DEFAULT_MAX_PIXELS
from docsec.pdf._read import _open, _pdfium_open
from docsec.pdf.budget import _bitmap_pixels

__all__ = ["render_page", "scanned_page_image"]


def render_page(
    pdf_data: bytes,
    *,
    dpi: float = 300.0,
    page: int = 0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
) -> GrayImage:
    """Render one page to a gray image with pypdfium2, form widgets included.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.
    dpi : float
        Resolution (50 to 1200).
    page : int
        Page index.
    max_pixels : int
        Refuse, before rendering, a page whose bitmap would be larger.

    Returns
    -------
    (H, W) uint8 ndarray, 0..255
        The page, white paper.

    Raises
    ------
    InputError
        If the PDF cannot be opened, has no such page, or the page is too large.
    """
    if not 50 <= dpi <= 1200:
        raise InputError(f"dpi must be in [50, 1200], got {dpi!r}")
    doc = _pdfium_open(pdf_data)
    try:
        # Forms must be initialised before pages are loaded, or widget appearances
        # (which an attacker can use to paint over a page) are not drawn.
        doc.init_forms()
        if not 0 <= page < len(doc):
            raise InputError(f"the PDF has no page {page}")
        pg = doc[page]
        width_pt, height_pt = pg.get_size()
        pixels = _bitmap_pixels(width_pt, height_pt, dpi)
        if pixels > max_pixels:
            raise InputError(
                f"page {page + 1} rendered at {dpi:.0f} dpi would have {pixels} "
                f"pixels, above the limit of {max_pixels}"
            )
        # No image smoothing: bilevel layers (the void pantograph, and the
        # copy-detection pattern of files issued before it became vector) map one
        # image pixel to one printer dot (/Interpolate false); a smoothed render
        # would blur them before any printer does.
        bitmap = pg.render(
            scale=dpi / 72.0,
            grayscale=True,
            may_draw_forms=True,
            no_smoothimage=True,
        )
        arr = bitmap.to_numpy()
        gray = arr if arr.ndim == 2 else arr[..., 0]
        out: GrayImage = np.ascontiguousarray(gray, dtype=np.uint8)
        return out
    finally:
        doc.close()


def scanned_page_image(
    pdf_data: bytes,
    *,
    page: int = 0,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> tuple[GrayImage, float] | None:
    """Return the one image a scanned page consists of, at its native resolution.

    A page counts as scanned when it draws exactly one image XObject, covering
    most of the page, and has no fonts. The image's size (from its dictionary) is
    checked against ``max_pixels`` and its decoding against ``max_memory`` before
    anything is decoded; it is decoded straight to 8-bit gray.

    Returns
    -------
    (image, dpi) or None
        The image as (H, W) gray uint8 and its resolution on the page; None for
        pages that are not a single scanned image.

    Raises
    ------
    InputError
        If the PDF cannot be read, or the image is over a limit or undecodable.
    """
    with _open(pdf_data) as pdf:
        if not 0 <= page < len(pdf.pages):
            raise InputError(f"the PDF has no page {page}")
        pg = pdf.pages[page]
        resources = pg.obj.get("/Resources", {})
        if resources.get("/Font"):
            return None
        images = list(pg.get_images().items())
        if len(images) != 1:
            return None
        _, raw = images[0]
        width, height = int(raw.get("/Width", 0)), int(raw.get("/Height", 0))
        if width < 1 or height < 1:
            raise InputError("the scanned image declares no size")
        if width * height > max_pixels:
            raise InputError(
                f"the scanned image has {width}x{height} pixels, above the limit "
                f"of {max_pixels}"
            )
        arr = _decode_scan(raw, width, height, max_pixels, max_memory)
        box = [float(v) for v in pg.mediabox]
        width_in = (box[2] - box[0]) / 72.0
        dpi = arr.shape[1] / width_in if width_in > 0 else 0.0
        return arr, dpi


#: Filters whose output :func:`_decode_scan` reads directly (qpdf decodes them).
_PLAIN_FILTERS = frozenset(
    {
        "/FlateDecode",
        "/LZWDecode",
        "/RunLengthDecode",
        "/ASCIIHexDecode",
        "/ASCII85Decode",
    }
)
_PLAIN_SPACES = frozenset(
    {"/DeviceGray", "/DeviceRGB", "/CalGray", "/CalRGB", "/ICCBased"}
)
#: Rows converted at a time from a decoded RGB or 1-bit scan to gray.
_SCAN_STRIP_ROWS = 1024


def _decode_scan(
    raw: Any, width: int, height: int, max_pixels: int, max_memory: int
) -> GrayImage:
    """Decode a scan's image XObject to gray uint8 within the memory budget.

    JPEG data goes to :func:`docsec.imaging.decode_image`; plain 8-bit gray, RGB
    and 1-bit images are read from qpdf's decoded stream and converted in strips;
    anything else (JBIG2, CCITT, JPEG 2000, indexed, CMYK, decode arrays) goes
    through pikepdf and Pillow.
    """
    import cv2
    import pikepdf

    from docsec import imaging

    name = "the scanned image"
    try:
        pim = pikepdf.PdfImage(raw)
        filters = [str(f) for f in pim.filters]
        bpc = int(pim.bits_per_component)
        mode = str(pim.mode)
        plain_space = str(pim.colorspace) in _PLAIN_SPACES and not pim.indexed
    except (pikepdf.PdfError, NotImplementedError, ValueError, KeyError) as exc:
        raise InputError(f"cannot decode {name}: {inputs.plain_message(exc)}") from exc
    default_decode = raw.get("/Decode") is None and not pim.image_mask
    pixels = width * height
    if filters == ["/DCTDecode"] and default_decode:
        loaded = imaging.decode_image(
            raw.read_raw_bytes(),
            max_pixels=max_pixels,
            max_memory=max_memory,
            gray=True,
            name=name,
        )
        return loaded.image
    channels = 3 if mode == "RGB" else 1
    row_bytes = -(-width * channels * bpc // 8)
    if (
        set(filters) <= _PLAIN_FILTERS
        and default_decode
        and plain_space
        and ((bpc == 8 and mode in ("L", "RGB")) or (bpc == 1 and mode in ("1", "L")))
    ):
        # qpdf's decoded buffer (shared with numpy, not copied; measured 1.5x its
        # size at the peak) and the gray output.
        need = 2 * row_bytes * height + pixels
        _check_scan_memory(name, width, height, need, max_memory)
        try:
            decoded = np.frombuffer(raw.get_stream_buffer(), np.uint8)
        except pikepdf.PdfError as exc:
            raise InputError(
                f"cannot decode {name}: {inputs.plain_message(exc)}"
            ) from exc
        if decoded.size < row_bytes * height:
            raise InputError(f"{name} is truncated")
        rows = decoded[: row_bytes * height].reshape(height, row_bytes)
        if bpc == 8 and channels == 1:
            return rows
        out = np.empty((height, width), np.uint8)
        for r0 in range(0, height, _SCAN_STRIP_ROWS):
            part = rows[r0 : r0 + _SCAN_STRIP_ROWS]
            if bpc == 1:
                bits = np.unpackbits(part, axis=1, count=width)
                out[r0 : r0 + len(part)] = bits * np.uint8(255)
            else:
                rgb = np.ascontiguousarray(part).reshape(len(part), width, 3)
                out[r0 : r0 + len(part)] = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        return out
    # Pillow holds most modes in 4 bytes per pixel; pikepdf's decoded stream too.
    need = 2 * row_bytes * height + 5 * pixels
    _check_scan_memory(name, width, height, need, max_memory)
    try:
        pil = pim.as_pil_image()
    # pikepdf raises NotImplementedError for image encodings it cannot decode
    # (e.g. some JBIG2 or colour spaces): an unreadable scan, not missing code.
    except (pikepdf.PdfError, NotImplementedError, ValueError) as exc:
        raise InputError(f"cannot decode {name}: {inputs.plain_message(exc)}") from exc
    gray: GrayImage = imaging._pillow_decode(pil, True, name)
    return gray


def _check_scan_memory(
    name: str, width: int, height: int, need: int, max_memory: int
) -> None:
    if need > max_memory:
        raise InputError(
            f"{name} ({width}x{height} pixels) would need about "
            f"{need / 2**20:.0f} MiB to decode, above the memory budget of "
            f"{max_memory / 2**20:.0f} MiB"
        )
