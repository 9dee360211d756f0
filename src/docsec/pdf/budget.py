"""The budget: whether a PDF can be rendered within the limits, from its structure only.

Checked before a page is rendered or an image decoded: a 570-byte PDF with one
200 x 200-inch page took 1.6 GB to render at 200 dpi, a scanned PDF holding a
20000 x 20000 image 1.6 GB, and qpdf took 12 s and 1.2 GB to open a 50 MB PDF of
500 000 pages (all measured).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from typing import Any

from docsec.errors import InputError
from docsec.imaging import DEFAULT_MAX_MEMORY, DEFAULT_MAX_PIXELS
from docsec.pdf._read import _open, _pdfium_open

__all__ = ["MAX_OBJECTS", "MAX_PAGES", "check_budget"]


#: PDFs with more pages than this are refused (pdfium counts them cheaply).
MAX_PAGES = 1000
#: PDFs with more objects than this, counted in the raw bytes (object streams
#: included), are refused before qpdf or pyHanko parse them.
MAX_OBJECTS = 50_000
#: pdfium's memory for an image it draws, in multiples of its decoded size
#: (measured: 1.4x for an 8-bit gray and 1.8x for an RGB image).
_PDFIUM_IMAGE_COPIES = 2
#: Memory for a rendered page, in multiples of its bitmap: the bitmap itself and
#: the verification's crop of it (the content area).
_RENDER_COPIES = 3
#: Objects visited at most when looking for images in annotation appearances.
_MAX_ANNOT_OBJECTS = 10_000
#: Keys that lead from an annotation back to pages or to other annotations.
_BACK_LINKS = frozenset(
    {"/Parent", "/P", "/Dest", "/A", "/Next", "/Prev", "/First", "/Last", "/Popup"}
)
_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")
_OBJSTM_N = re.compile(rb"/N\s+(\d+)")
_COMPONENTS = {"/DeviceGray": 1, "/CalGray": 1, "/DeviceRGB": 3, "/CalRGB": 3}


def _count_objects(data: bytes) -> int:
    """Count the objects a PDF declares: ``obj`` keywords and object streams' /N.

    Every object opens with ``N G obj`` and normally closes with ``endobj``; the
    larger of the two counts below is at least the number of objects however
    ``endobj`` keywords are added or left out (a regular expression for the full
    ``N G obj`` header took 0.5 s on an 86 KB file of digits).
    """
    keywords = data.count(b"obj")
    ends = data.count(b"endobj")
    count = max(keywords - ends, keywords // 2)
    for match in _OBJSTM.finditer(data):
        window = data[max(0, match.start() - 256) : match.end() + 256]
        count += sum(int(n) for n in _OBJSTM_N.findall(window))
    return count


def _bitmap_pixels(width_pt: float, height_pt: float, dpi: float) -> int:
    scale = dpi / 72.0
    return math.ceil(abs(width_pt) * scale) * math.ceil(abs(height_pt) * scale)


def _image_bytes(width: int, height: int, bits_per_pixel: int) -> int:
    return _PDFIUM_IMAGE_COPIES * -(-width * height * max(1, bits_per_pixel) // 8)


def _annotation_images(page: Any) -> Iterator[tuple[int, int, int]]:
    """Yield ``(width, height, bits per pixel)`` of images in a page's annotations.

    Annotation appearances (form widgets included) are drawn too, but pdfium does
    not list their contents among the page's objects.
    """
    import pikepdf

    stack: list[Any] = [page.obj.get("/Annots")]
    seen: set[tuple[int, int]] = set()
    while stack:
        obj = stack.pop()
        if not isinstance(obj, pikepdf.Array | pikepdf.Dictionary | pikepdf.Stream):
            continue  # numbers, names, strings: no images below
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
            if len(seen) > _MAX_ANNOT_OBJECTS:
                raise InputError(
                    "the PDF's annotations are too complex to check before rendering"
                )
        if isinstance(obj, pikepdf.Array):
            stack.extend(obj)
            continue
        if isinstance(obj, pikepdf.Stream):
            items = obj.stream_dict
            if items.get("/Subtype") == "/Image":
                components = _COMPONENTS.get(str(items.get("/ColorSpace", "")), 4)
                yield (
                    int(items.get("/Width", 0)),
                    int(items.get("/Height", 0)),
                    int(items.get("/BitsPerComponent", 8)) * components,
                )
        else:
            items = obj
        stack.extend(v for k, v in items.items() if k not in _BACK_LINKS)


def check_budget(
    pdf_data: bytes,
    *,
    pages: int,
    dpi: float,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_memory: int = DEFAULT_MAX_MEMORY,
) -> int:
    """Check that a PDF can be rendered within the limits, before rendering anything.

    From the file's structure only (no image is decoded, no page rendered): the
    number of objects (:data:`MAX_OBJECTS`) and pages (:data:`MAX_PAGES`), then for
    each of the first ``pages`` pages its bitmap at ``dpi`` and every image it
    draws (inside forms, inline, and in annotation appearances): each within
    ``max_pixels``, and the bitmap and the decoded images together within
    ``max_memory``.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.
    pages : int
        How many pages (from the first) will be rendered.
    dpi : float
        The lowest resolution they will be rendered at.
    max_pixels, max_memory : int
        The limits (pixels of one bitmap or image; bytes).

    Returns
    -------
    int
        The number of pages.

    Raises
    ------
    InputError
        If the PDF cannot be opened (password, damage) or is over a limit; the
        message says which page and what.
    """
    objects = _count_objects(pdf_data)
    if objects > MAX_OBJECTS:
        raise InputError(
            f"the PDF declares {objects} objects, above the limit of {MAX_OBJECTS}"
        )
    doc = _pdfium_open(pdf_data)
    try:
        count = len(doc)
        if count > MAX_PAGES:
            raise InputError(
                f"the PDF has {count} pages, above the limit of {MAX_PAGES}"
            )
        if count < 1:
            raise InputError("the PDF has no pages")
        for index in range(min(pages, count)):
            _check_page(doc, index, dpi, max_pixels, max_memory)
    finally:
        doc.close()
    if pages > 0:
        with _open(pdf_data) as pdf:
            for index in range(min(pages, count)):
                for w, h, bits in _annotation_images(pdf.pages[index]):
                    _check_image(index, w, h, max_pixels, "has an annotation image")
                    if _image_bytes(w, h, bits) > max_memory:
                        raise InputError(
                            f"page {index + 1} has an annotation image of {w}x{h} "
                            f"pixels, above the memory budget of "
                            f"{max_memory / 2**20:.0f} MiB"
                        )
    return count


def _check_image(
    index: int, width: int, height: int, max_pixels: int, what: str = "draws an image"
) -> None:
    if width * height > max_pixels:
        raise InputError(
            f"page {index + 1} {what} of {width}x{height} pixels, above the "
            f"limit of {max_pixels}"
        )


def _check_page(
    doc: Any, index: int, dpi: float, max_pixels: int, max_memory: int
) -> None:
    import pypdfium2.raw as pdfium_c  # type: ignore[import-untyped]

    width_pt, height_pt = doc.get_page_size(index)
    pixels = _bitmap_pixels(width_pt, height_pt, dpi)
    if pixels > max_pixels:
        raise InputError(
            f"page {index + 1} is {abs(width_pt) / 72:.0f} x {abs(height_pt) / 72:.0f} "
            f"inches: rendered at {dpi:.0f} dpi it would have {pixels} pixels, above "
            f"the limit of {max_pixels}"
        )
    need = _RENDER_COPIES * pixels
    page = doc[index]
    try:
        for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE]):
            w, h = obj.get_px_size()
            _check_image(index, w, h, max_pixels)
            need += _image_bytes(w, h, int(obj.get_metadata().bits_per_pixel))
    finally:
        page.close()
    if need > max_memory:
        raise InputError(
            f"page {index + 1} would need about {need / 2**20:.0f} MiB to render at "
            f"{dpi:.0f} dpi (its size and the images it draws), above the memory "
            f"budget of {max_memory / 2**20:.0f} MiB"
        )
