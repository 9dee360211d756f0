"""PDF building blocks: template, stamping (pikepdf), PAdES (pyHanko), rendering (pypdfium2).

This is the only module that imports pikepdf, pyHanko and pypdfium2; each is imported
inside the functions that need it, so ``import docsec`` stays fast (``pyhanko.sign``
alone takes one to two seconds to import).

Like :mod:`docsec.barcode`, these are building blocks that return bytes, images and
measurements (:class:`SignatureReport`); the verdict is made by
:func:`docsec.verify.verify_pdf`.

Order matters when issuing: everything is stamped into the page with pikepdf first,
and the PDF is signed last, because any later rewrite of the file would break the
signature (pyHanko appends the signature as an incremental update).
"""

from __future__ import annotations

import io
import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from docsec import _template
from docsec import barcode as _barcode
from docsec._types import GrayImage, Image
from docsec.errors import ConfigurationError, InputError, KeyMaterialError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.trust import TrustStore

__all__ = [
    "DEFAULT_MODULE_MM",
    "DEFAULT_SEAL_ORIGIN_MM",
    "SIGNATURE_LEVELS",
    "MarkContext",
    "MarkSource",
    "PdfSigningKey",
    "RasterMark",
    "SignatureReport",
    "declared_seal",
    "is_pdf",
    "page_count",
    "page_size_mm",
    "protect",
    "render_page",
    "resolve_mark",
    "scanned_page_image",
    "sign_pdf",
    "template_pdf",
    "validate_signatures",
]

logger = logging.getLogger(__name__)

#: Seal module size in millimetres: 0.5 mm is ~5.9 pixels at 300 dpi, which reads
#: reliably from flatbed scans (benchmarks/bench_barcode.py reads 3+ px/module).
DEFAULT_MODULE_MM = 0.5
#: Top-left corner of the seal symbol on the page, in mm from the page's top-left.
DEFAULT_SEAL_ORIGIN_MM = (152.0, 228.0)
#: PAdES baseline levels :func:`sign_pdf` produces.
SIGNATURE_LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
_MM = _template.MM
_FIELD_NAME = "DocsecSignature"
_SEAL_KEY = "/DocsecSeal"
_QUIET_MODULES = 2


# ----------------------------------------------------------------------------- marks


@dataclass(frozen=True, slots=True)
class RasterMark:
    """A raster layer placed on the page: a copy-detection pattern, watermark, pantograph.

    Attributes
    ----------
    image : (H, W) uint8 ndarray, gray, 0..255
        The layer; 0 is full ink, 255 paper.
    dpi : float
        Resolution the image is placed at (one image pixel = 1/dpi inch).
    x_mm, y_mm : float
        Top-left corner on the page, mm from the page's top-left corner.
    bilevel : bool
        Pixels < 128 are ink, the rest paper. Copy-detection patterns need this:
        the CDP layer is drawn as vector rectangles, one printer dot per pixel, on
        the page's dot grid; other bilevel layers as 1-bit images.
    key_id : str or None
        ``SecretKey.key_id`` of the key that made the layer (16 hex digits); when
        given, the layer's region is declared in the signed seal's layout.
    repeat_mm : (float, float) or None
        When given, the image is one tile and fills an area of this (width,
        height) from ``(x_mm, y_mm)``, repeated without gaps (a PDF tiling
        pattern: one small image however large the area). A watermark layer is
        placed this way.
    """

    image: GrayImage
    dpi: float
    x_mm: float
    y_mm: float
    bilevel: bool = False
    key_id: str | None = None
    repeat_mm: tuple[float, float] | None = None

    @property
    def size_mm(self) -> tuple[float, float]:
        """Return the image's (width, height) on the page in mm (one tile if repeated)."""
        h, w = self.image.shape[:2]
        return w * 25.4 / self.dpi, h * 25.4 / self.dpi

    @property
    def extent_mm(self) -> tuple[float, float]:
        """Return the (width, height) of the page area the layer covers, in mm."""
        return self.repeat_mm if self.repeat_mm is not None else self.size_mm


@dataclass(frozen=True, slots=True)
class MarkContext:
    """What a mark provider knows when it is asked for a layer.

    Attributes
    ----------
    document_number : str
        The certificate's document number.
    page_size_mm : (float, float)
        Width and height of the page.
    seal_origin_mm : (float, float)
        Top-left corner of the seal symbol on the page.
    module_mm : float
        Seal module size.
    issuer : str
        The seal's signer identifier (ICAO: country and signer code, e.g.
        ``"KRGN"``); with the document number it names the document (the
        watermark's document id is derived from both).
    """

    document_number: str
    page_size_mm: tuple[float, float]
    seal_origin_mm: tuple[float, float]
    module_mm: float
    issuer: str = ""


#: A mark, or a callable that makes one for a document (e.g. a watermark generator).
MarkSource = RasterMark | Callable[[MarkContext], RasterMark]


def _check_mark(mark: object, what: str) -> RasterMark:
    if not isinstance(mark, RasterMark):
        raise ConfigurationError(
            f"{what} must be a RasterMark or return one, got {type(mark).__name__}"
        )
    img: object = mark.image
    if not isinstance(img, np.ndarray) or img.dtype != np.uint8 or img.ndim != 2:
        raise InputError(f"{what}: image must be a (H, W) uint8 array")
    if min(mark.image.shape) < 1:
        raise InputError(f"{what}: image is empty")
    if not 50 <= float(mark.dpi) <= 4800:
        raise InputError(f"{what}: dpi must be in [50, 4800], got {mark.dpi!r}")
    if mark.key_id is not None and not re.fullmatch(r"[0-9a-f]{16}", mark.key_id):
        raise InputError(f"{what}: key_id must be 16 lowercase hex digits")
    if mark.repeat_mm is not None:
        rw, rh = mark.repeat_mm
        if not (0 < float(rw) <= 5000 and 0 < float(rh) <= 5000):
            raise InputError(f"{what}: repeat_mm must be a positive size in mm")
        if mark.bilevel:
            raise InputError(f"{what}: a repeated layer cannot be bilevel")
    return mark


def resolve_mark(
    source: MarkSource | None, ctx: MarkContext, what: str
) -> RasterMark | None:
    """Return the mark a source gives for ``ctx`` (None stays None)."""
    if source is None:
        return None
    mark = source if isinstance(source, RasterMark) else source(ctx)
    return _check_mark(mark, what)


# --------------------------------------------------------------------------- helpers


def is_pdf(data: bytes) -> bool:
    """Return True if ``data`` starts like a PDF file (``%PDF-`` in the first 1 KiB)."""
    return b"%PDF-" in data[:1024]


def _open(data: bytes) -> Any:
    import pikepdf

    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PdfError as exc:
        raise InputError(f"not a readable PDF: {exc}") from exc


def page_count(data: bytes) -> int:
    """Return the number of pages of a PDF.

    Raises
    ------
    InputError
        If the bytes are not a readable PDF.
    """
    with _open(data) as pdf:
        return len(pdf.pages)


def page_size_mm(data: bytes, *, page: int = 0) -> tuple[float, float]:
    """Return the visible size (CropBox) of a page in mm, (width, height).

    Raises
    ------
    InputError
        If the bytes are not a readable PDF or the page does not exist.
    """
    with _open(data) as pdf:
        if not 0 <= page < len(pdf.pages):
            raise InputError(f"the PDF has no page {page}")
        box = [float(v) for v in pdf.pages[page].cropbox]
        return (box[2] - box[0]) / _MM, (box[3] - box[1]) / _MM


def _add_font(pdf: Any, name: str, pf: _template.PageFont) -> Any:
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    sub = pf.subset
    if sub is None:  # pragma: no cover - finish() always subsets
        raise InputError("font was not subset")
    font = pf.file
    tag = "DOCSEC" if name.endswith("R") else "DOCSEB"
    base = Name("/" + tag + "+" + font.name)
    program = pikepdf.Stream(pdf, sub.program)
    program.Length1 = len(sub.program)
    descriptor = Dictionary(
        Type=Name.FontDescriptor,
        FontName=base,
        Flags=4,
        FontBBox=Array([font.scaled(v) for v in font.bbox]),
        ItalicAngle=0,
        Ascent=font.scaled(font.ascent),
        Descent=font.scaled(font.descent),
        CapHeight=font.scaled(font.ascent),
        StemV=80,
        FontFile2=program,
    )
    widths = Array([0, Array(list(sub.widths))])
    cid = Dictionary(
        Type=Name.Font,
        Subtype=Name.CIDFontType2,
        BaseFont=base,
        CIDSystemInfo=Dictionary(Registry="Adobe", Ordering="Identity", Supplement=0),
        FontDescriptor=pdf.make_indirect(descriptor),
        W=widths,
        CIDToGIDMap=Name.Identity,
    )
    entries = "".join(
        f"<{gid:04X}> <{''.join(f'{b:02X}' for b in text.encode('utf-16-be'))}>\n"
        for gid, text in sorted(sub.to_unicode.items())
    )
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(sub.to_unicode)} beginbfchar\n{entries}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end\n"
    )
    return pdf.make_indirect(
        Dictionary(
            Type=Name.Font,
            Subtype=Name.Type0,
            BaseFont=base,
            Encoding=Name("/Identity-H"),
            DescendantFonts=Array([pdf.make_indirect(cid)]),
            ToUnicode=pikepdf.Stream(pdf, cmap.encode("ascii")),
        )
    )


def _save(pdf: Any) -> bytes:
    import pikepdf

    out = io.BytesIO()
    pdf.save(
        out,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.disable,
        deterministic_id=True,
    )
    return out.getvalue()


def template_pdf(data: dict[str, object] | Any) -> bytes:
    """Return the built-in bilingual certificate page for ``data`` as a PDF.

    Parameters
    ----------
    data : Mapping
        Certificate data (docs/seal-format.md, "Certificate data").

    Returns
    -------
    bytes
        A one-page A4 PDF with a subset of Nanum Gothic embedded; the lower part of
        the page (:func:`docsec._template.reserved_area_mm`) is left free for the
        protection stamp.

    Raises
    ------
    ConfigurationError
        If the template font is not installed (Debian package ``fonts-nanum``).
    InputError
        If a value has characters the font lacks, or the content does not fit.
    """
    import pikepdf
    from pikepdf import Dictionary, Name

    canvas = _template.certificate_page(data)
    content, fonts = canvas.finish()
    pdf = pikepdf.new()
    resources = Dictionary(
        Font=Dictionary({"/" + n: _add_font(pdf, n, pf) for n, pf in fonts.items()})
    )
    page = Dictionary(
        Type=Name.Page,
        MediaBox=[0, 0, canvas.width_pt, canvas.height_pt],
        Resources=resources,
        Contents=pikepdf.Stream(pdf, content),
    )
    pdf.pages.append(pikepdf.Page(page))
    pdf.docinfo["/Producer"] = "docsec"
    title = data.get("document_title") if hasattr(data, "get") else None
    if isinstance(title, str):
        pdf.docinfo["/Title"] = title
    return _save(pdf)


# -------------------------------------------------------------------------- stamping


def _image_xobject(pdf: Any, mark: RasterMark) -> Any:
    import pikepdf
    from pikepdf import Name

    h, w = mark.image.shape
    if mark.bilevel:
        bits = np.packbits(mark.image >= 128, axis=1)
        data, bpc = bits.tobytes(), 1
    else:
        data, bpc = np.ascontiguousarray(mark.image).tobytes(), 8
    stream = pikepdf.Stream(pdf, data)
    stream.Type = Name.XObject
    stream.Subtype = Name.Image
    stream.Width = w
    stream.Height = h
    stream.ColorSpace = Name.DeviceGray
    stream.BitsPerComponent = bpc
    stream.Interpolate = False
    return stream


def _place(
    name: str, mark: RasterMark, page_h_pt: float, origin: tuple[float, float]
) -> bytes:
    w_mm, h_mm = mark.size_mm
    x = origin[0] + mark.x_mm * _MM
    y = origin[1] + page_h_pt - (mark.y_mm + h_mm) * _MM
    w, h = w_mm * _MM, h_mm * _MM
    if mark.bilevel:
        # Rasterisers (pdfium, printer drivers) round an image's device rectangle
        # outward; single-precision parsing of "38.88" then makes a 324-dot image
        # 325 dots wide and duplicates a column mid-pattern. Insetting each edge by
        # a quarter dot keeps the rectangle at exactly the image's dot count while
        # every dot still samples its own image pixel (measured with pdfium).
        inset = 0.25 * 72.0 / mark.dpi
        x, y, w, h = x + inset, y + inset, w - 2 * inset, h - 2 * inset
    return (f"q {w:.4f} 0 0 {h:.4f} {x:.4f} {y:.4f} cm /{name} Do Q\n").encode()


#: The printer-dot grid the page box is snapped to: 1/600 inch in points. A page
#: whose width and height are whole multiples of it is a whole number of pixels
#: at 300, 600 and 1200 dpi, so every renderer's raster grid starts at the page's
#: top-left corner *and* ends at its bottom-right one (poppler and MuPDF anchor the
#: raster at the top, Ghostscript at the bottom, pdfium stretches the page onto a
#: bitmap of rounded size): the grids agree and the pattern's dots hit pixels.
_DOT_PT = 72.0 / 600.0


def _whole_dots(length_pt: float) -> int:
    return math.floor(length_pt / _DOT_PT + 1e-6)


def _clean(start: float, dots: int, *, top: float | None = None) -> bool:
    """Whether a box edge pair ``dots`` dots apart renders to exact pixel counts."""
    lo = round(start, 4)
    hi = round(top if top is not None else start + dots * _DOT_PT, 4)
    # pdfium works in single precision, poppler in double; both round the page's
    # pixel size up (a pixel too many shifts poppler's bottom-anchored grid).
    sizes = (float(np.float32(hi) - np.float32(lo)), hi - lo)
    return all(
        math.ceil(size * dpi / 72.0) == dots * dpi // 600
        and math.ceil(size * (dpi / 72.0)) == dots * dpi // 600
        for size in sizes
        for dpi in (300, 600, 1200)
    )


def _snap_page_box(pg: Any) -> list[float]:
    """Shrink the page's visible box to whole printer dots, keeping its top-left.

    A4 (595.28 x 841.89 pt) becomes 595.20 x 841.80 pt: 0.03 mm less on the right
    and at the bottom. MediaBox and CropBox are both set to the snapped box, since
    renderers differ in which of the two they rasterise.
    """
    from pikepdf import Array

    x0, y0, x1, y1 = (float(v) for v in pg.cropbox)
    kw = _whole_dots(x1 - x0)
    kh = _whole_dots(y1 - y0)
    # Keep the top-left corner; pick the box edges so that the page size, as
    # renderers compute it in single precision and round up (pypdfium2 takes the
    # ceiling of width x scale), is exactly the whole number of pixels.
    while kw > 1 and not _clean(x0, kw):
        kw -= 1
    while kh > 1 and not _clean(y1 - kh * _DOT_PT, kh, top=y1):
        kh -= 1
    box = [
        round(x0, 4),
        round(y1 - kh * _DOT_PT, 4),
        round(x0 + kw * _DOT_PT, 4),
        round(y1, 4),
    ]
    pg.obj.MediaBox = Array(box)
    pg.obj.CropBox = Array(box)
    return box


def _vector_xobject(pdf: Any, mark: RasterMark) -> Any:
    """Return a form XObject that draws a bilevel mark's ink as filled rectangles.

    One rectangle per horizontal run of ink, in the mark's own pixel units (the
    form's unit square is one printer dot). Unlike an image, which each renderer
    resamples its own way (poppler's box filter turns a 1-bit pattern into grey,
    pdfium rounds the device rectangle outward), a rectangle whose edges lie on
    device pixel boundaries is filled exactly by every renderer, anti-aliased or
    not; :func:`_place_vector` puts the edges there.
    """
    import pikepdf
    from pikepdf import Array, Name

    ink = np.asarray(mark.image) < 128
    h, w = ink.shape
    padded = np.zeros((h, w + 2), dtype=np.int8)
    padded[:, 1:-1] = ink
    edges = np.diff(padded, axis=1)
    ops: list[str] = ["0 g"]
    for r in range(h):
        starts = np.flatnonzero(edges[r] == 1)
        ends = np.flatnonzero(edges[r] == -1)
        y = h - 1 - r
        ops.extend(f"{a} {y} {b - a} 1 re" for a, b in zip(starts, ends, strict=True))
    ops.append("f")
    form = pikepdf.Stream(pdf, "\n".join(ops).encode())
    form.Type = Name.XObject
    form.Subtype = Name.Form
    form.BBox = Array([0, 0, w, h])
    return form


def _place_vector(
    name: str, mark: RasterMark, page_h_pt: float, origin: tuple[float, float]
) -> bytes:
    """Return the operators placing a vector mark, its dots on the device grid.

    The top-left corner is snapped to a whole number of dots from the page's
    top-left corner (where renderers start their raster), so at the mark's dpi
    and its integer multiples every dot edge falls on a device pixel boundary.
    """
    dot = 72.0 / mark.dpi
    h, _w = mark.image.shape
    col = round(mark.x_mm * _MM / dot)
    row = round(mark.y_mm * _MM / dot)
    x = origin[0] + col * dot
    y = origin[1] + page_h_pt - (row + h) * dot
    return (f"q {dot:.6f} 0 0 {dot:.6f} {x:.6f} {y:.6f} cm /{name} Do Q\n").encode()


def _pattern_fill(
    pdf: Any, name: str, mark: RasterMark, page_h_pt: float, origin: tuple[float, float]
) -> tuple[Any, bytes]:
    """Return a tiling pattern of ``mark``'s image and the operators filling its area.

    The pattern cell is the image at its own resolution, anchored at the layer's
    top-left corner; the fill covers :attr:`RasterMark.extent_mm`.
    """
    import pikepdf
    from pikepdf import Array, Dictionary, Name

    if mark.repeat_mm is None:  # pragma: no cover - callers check
        raise ValueError("not a repeated layer")
    tw, th = (v * _MM for v in mark.size_mm)
    ew, eh = (v * _MM for v in mark.repeat_mm)
    x0 = origin[0] + mark.x_mm * _MM
    top = origin[1] + page_h_pt - mark.y_mm * _MM
    cell = pikepdf.Stream(pdf, f"q {tw:.4f} 0 0 {th:.4f} 0 0 cm /Tile Do Q".encode())
    cell.Type = Name.Pattern
    cell.PatternType = 1
    cell.PaintType = 1  # coloured: the cell paints its own image
    cell.TilingType = 1  # constant spacing: the tile period stays exact
    cell.BBox = Array([0, 0, tw, th])
    cell.XStep = tw
    cell.YStep = th
    cell.Resources = Dictionary(XObject=Dictionary(Tile=_image_xobject(pdf, mark)))
    cell.Matrix = Array([1, 0, 0, 1, x0, top - th])
    ops = (
        f"q /Pattern cs /{name} scn {x0:.4f} {top - eh:.4f} {ew:.4f} {eh:.4f} re f Q\n"
    ).encode()
    return cell, ops


def protect(
    pdf_data: bytes,
    *,
    seal_bytes: bytes,
    document_number: str,
    seal_origin_mm: tuple[float, float] = DEFAULT_SEAL_ORIGIN_MM,
    module_mm: float = DEFAULT_MODULE_MM,
    page: int = 0,
    cdp: RasterMark | None = None,
    watermark: RasterMark | None = None,
    pantograph: RasterMark | None = None,
) -> bytes:
    """Stamp the protections into one page of a PDF (before signing).

    The seal is drawn as vector rectangles on a white quiet zone; the document number
    is written beside it; the copy-detection pattern (vector rectangles, one per run
    of dots, on the page's 600-dpi grid) goes over the content; the watermark and the void pantograph go under the existing
    page content, as a background. The seal bytes are also recorded in the document
    catalog (``/DocsecSeal``), so a verifier can tell that the seal on the rendered
    page is the one that was signed into this file.

    Parameters
    ----------
    pdf_data : bytes
        The certificate PDF (the issuing system's own, or :func:`template_pdf`).
    seal_bytes : bytes
        The signed seal.
    document_number : str
        Printed beside the seal.
    seal_origin_mm : (float, float)
        Top-left corner of the symbol (quiet zone excluded), mm from the page's
        top-left corner (the visible page, i.e. the CropBox).
    module_mm : float
        Module size in mm (0.25 to 2).
    page : int
        Page index to stamp.
    cdp, watermark, pantograph : RasterMark, optional
        Layers to add.

    Returns
    -------
    bytes
        The protected, still unsigned PDF.

    Raises
    ------
    InputError
        Unreadable or encrypted PDF, an already signed PDF, a rotated page, a page
        index out of range, or a seal that does not fit on the page.
    ConfigurationError
        A module size out of range.
    """
    import pikepdf
    from pikepdf import Dictionary, Name

    if not 0.25 <= float(module_mm) <= 2.0:
        raise ConfigurationError(f"module size must be 0.25-2 mm, got {module_mm!r}")
    try:
        pdf = pikepdf.open(io.BytesIO(pdf_data))
    except pikepdf.PasswordError as exc:
        raise InputError("the PDF is encrypted; pass an unencrypted PDF") from exc
    except pikepdf.PdfError as exc:
        raise InputError(f"not a readable PDF: {exc}") from exc
    with pdf:
        if pdf.is_encrypted:
            raise InputError("the PDF is encrypted; pass an unencrypted PDF")
        acro = pdf.Root.get("/AcroForm")
        if acro is not None and any(
            f.get("/FT") == Name.Sig for f in acro.get("/Fields", [])
        ):
            raise InputError(
                "the PDF already has signature fields; stamping it would break them"
            )
        if not 0 <= page < len(pdf.pages):
            raise InputError(f"the PDF has no page {page}")
        pg = pdf.pages[page]
        if int(pg.obj.get("/Rotate", 0)) % 360:
            raise InputError("rotated pages are not supported; pass an unrotated page")
        box = _snap_page_box(pg)
        origin = (box[0], box[1])
        page_w, page_h = box[2] - box[0], box[3] - box[1]
        matrix = _barcode.encode(seal_bytes)
        side_mm = matrix.size * module_mm
        sx, sy = seal_origin_mm
        quiet = _QUIET_MODULES * module_mm
        if (
            sx - quiet < 0
            or sy - quiet < 0
            or (sx + side_mm + quiet) * _MM > page_w + 1e-6
            or (sy + side_mm + quiet) * _MM > page_h + 1e-6
        ):
            raise InputError(
                f"the seal ({side_mm:.1f} mm with its quiet zone) does not fit on the "
                f"page at {seal_origin_mm} mm"
            )
        module_pt = module_mm * _MM
        bottom_left = (
            origin[0] + sx * _MM,
            origin[1] + page_h - (sy + side_mm) * _MM,
        )
        rects = _barcode.vector_rectangles(
            matrix, module_size=module_pt, origin=bottom_left
        )

        resources = pg.obj.get("/Resources")
        if resources is None:
            resources = Dictionary()
            pg.obj.Resources = resources
        xobjects = resources.get("/XObject")
        if xobjects is None:
            xobjects = Dictionary()
            resources.XObject = xobjects

        under = bytearray()
        for key, mark in (("DocsecWm", watermark), ("DocsecVp", pantograph)):
            if mark is None:
                continue
            if mark.repeat_mm is not None:
                patterns = resources.get("/Pattern")
                if patterns is None:
                    patterns = Dictionary()
                    resources.Pattern = patterns
                patterns["/" + key], ops = _pattern_fill(pdf, key, mark, page_h, origin)
                under += ops
            else:
                xobjects["/" + key] = _image_xobject(pdf, mark)
                under += _place(key, mark, page_h, origin)

        # The stamp text: document number beside the seal, in an embedded subset.
        canvas = _template.Canvas(width_pt=page_w, height_pt=page_h)
        label = "발급번호 Document No."
        right = sx - 3.0
        canvas.text(right, sy + side_mm - 6.0, label, size=7, gray=0.3, align="right")
        canvas.text(
            right,
            sy + side_mm - 0.5,
            document_number,
            size=11,
            style="bold",
            align="right",
        )
        text_ops, fonts = canvas.finish()
        font_dict = resources.get("/Font")
        if font_dict is None:
            font_dict = Dictionary()
            resources.Font = font_dict
        renamed = text_ops
        for name, pf in fonts.items():
            new = "Docsec" + name
            font_dict["/" + new] = _add_font(pdf, name, pf)
            renamed = renamed.replace(f"/{name} ".encode(), f"/{new} ".encode())

        over = bytearray(b"q\n")
        if origin != (0.0, 0.0):
            over += f"1 0 0 1 {origin[0]:.4f} {origin[1]:.4f} cm\n".encode()
        over += renamed
        over += b"Q\nq 1 g "
        qz = (
            bottom_left[0] - quiet * _MM,
            bottom_left[1] - quiet * _MM,
            (side_mm + 2 * quiet) * _MM,
        )
        over += f"{qz[0]:.4f} {qz[1]:.4f} {qz[2]:.4f} {qz[2]:.4f} re f 0 g\n".encode()
        over += "".join(
            f"{x:.4f} {y:.4f} {w:.4f} {h:.4f} re\n" for x, y, w, h in rects
        ).encode()
        over += b"f Q\n"
        if cdp is not None:
            # Vector, not an image: every renderer then prints the same dots.
            xobjects["/DocsecCdp"] = _vector_xobject(pdf, cdp)
            over += _place_vector("DocsecCdp", cdp, page_h, origin)

        # Wrap the existing content in q/Q so its graphics state cannot leak into the
        # stamp, and put the background layers under it.
        pg.contents_add(pikepdf.Stream(pdf, bytes(under) + b"q\n"), prepend=True)
        pg.contents_add(pikepdf.Stream(pdf, b"Q\n" + bytes(over)))
        pdf.Root[_SEAL_KEY] = pikepdf.String(seal_bytes)
        return _save(pdf)


def declared_seal(pdf_data: bytes) -> bytes | None:
    """Return the seal bytes a docsec PDF declares in its catalog, or None.

    Unverified: compare with the seal read from the page only after the PDF
    signature has been validated.
    """
    with _open(pdf_data) as pdf:
        value = pdf.Root.get(_SEAL_KEY)
        if value is None:
            return None
        return bytes(value)


# --------------------------------------------------------------------------- signing


class PdfSigningKey:
    """An issuer's signing key and certificate, loaded once for many signatures.

    pyHanko's ``SimpleSigner`` parses its key again for every signature; this
    wrapper keeps the ``cryptography`` key object and signs with it directly.

    Parameters
    ----------
    key : EllipticCurvePrivateKey
        The issuer's key.
    cert : x509.Certificate
        The issuer's certificate (must match ``key``).
    chain : sequence of x509.Certificate
        Further certificates to embed (e.g. the root), optional.

    Raises
    ------
    KeyMaterialError
        If the key does not belong to the certificate.
    """

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey,
        cert: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        from cryptography.hazmat.primitives import serialization

        spki = (
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(
            *spki
        ):
            raise KeyMaterialError("the signing key does not belong to the certificate")
        self.key = key
        self.cert = cert
        self.chain = tuple(chain)
        self._signer: Any = None

    def signer(self) -> Any:
        """Return the pyHanko signer (built on first use, then reused)."""
        if self._signer is None:
            self._signer = _make_signer(self)
        return self._signer


def _asn1_cert(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _make_signer(sk: PdfSigningKey) -> Any:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    hash_for: dict[str, hashes.HashAlgorithm] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    key = sk.key

    class _KeySigner(Signer):
        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            algo = hash_for[digest_algorithm.lower()]
            return key.sign(data, ec.ECDSA(algo))

    # pyhanko-certvalidator leaves from_certs unannotated.
    registry = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [_asn1_cert(c) for c in sk.chain]
    )
    return _KeySigner(signing_cert=_asn1_cert(sk.cert), cert_registry=registry)


def _validation_context(
    trust: TrustStore, *, at: datetime | None = None, for_signing: bool = False
) -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import ValidationContext

    roots = [_asn1_cert(c) for c in trust.anchors]
    crls = [c.public_bytes(Encoding.DER) for c in trust.crls]
    kwargs: dict[str, Any] = {}
    if at is not None:
        kwargs["moment"] = at
    return ValidationContext(
        trust_roots=roots,
        allow_fetching=False,
        crls=crls,
        revocation_mode="soft-fail",
        **kwargs,
    )


def sign_pdf(
    pdf_data: bytes,
    signing_key: PdfSigningKey,
    *,
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-B",
    tsa_url: str | None = None,
    trust: TrustStore | None = None,
    reason: str | None = "Issued certificate",
) -> bytes:
    """Certify a PDF with a PAdES signature (DocMDP: no changes allowed).

    Parameters
    ----------
    pdf_data : bytes
        The protected PDF.
    signing_key : PdfSigningKey
        The issuer's key and certificate.
    level : {"B-B", "B-T", "B-LT", "B-LTA"}
        PAdES baseline level. B-T and above need ``tsa_url``; B-LT and B-LTA need
        ``trust`` (the certificates and CRLs embedded as validation data).
    tsa_url : str, optional
        RFC 3161 timestamp authority.
    trust : TrustStore, optional
        Trust anchors and CRLs for the validation data of B-LT / B-LTA.
    reason : str or None
        The signature's /Reason.

    Returns
    -------
    bytes
        The signed PDF.

    Raises
    ------
    ConfigurationError
        Unknown level, or a level without what it needs.
    InputError
        The PDF cannot be signed (pyHanko's message is kept).
    """
    if level not in SIGNATURE_LEVELS:
        raise ConfigurationError(
            f"unknown PAdES level {level!r}; use {SIGNATURE_LEVELS}"
        )
    if level != "B-B" and not tsa_url:
        raise ConfigurationError(f"PAdES {level} needs a timestamp authority URL")
    if level in ("B-LT", "B-LTA") and trust is None:
        raise ConfigurationError(
            f"PAdES {level} needs a trust store for validation data"
        )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=_FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
        embed_validation_info=level in ("B-LT", "B-LTA"),
        use_pades_lta=level == "B-LTA",
        validation_context=(
            _validation_context(trust, for_signing=True) if trust is not None else None
        ),
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signing_key.signer(), timestamper=timestamper
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_data), strict=False)
        # A fixed reservation skips pyHanko's dry-run signature (which costs as much
        # as the real one); timestamps and validation data need more room.
        reserved = {"B-B": 8192, "B-T": 16384}.get(level)
        out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved, output=io.BytesIO())
    except Exception as exc:
        # pyHanko raises its own errors, ValueError and aiohttp errors here; the
        # message says what went wrong.
        raise InputError(f"cannot sign the PDF: {type(exc).__name__}: {exc}") from exc
    data: bytes = out.getvalue()
    logger.debug("signed PDF: %d bytes, level %s", len(data), level)
    return data


# ------------------------------------------------------------------------ validation


@dataclass(frozen=True, slots=True)
class SignatureReport:
    """What pyHanko found about one signature (or document timestamp) in a PDF.

    Attributes
    ----------
    field_name : str
        The signature field.
    kind : {"signature", "timestamp"}
        A signature, or a document timestamp (PAdES B-LTA).
    ok : bool
        pyHanko's ``bottom_line`` *and* docsec's stricter rules: the modification
        analysis ran and found no change beyond validation data and timestamps.
    intact, valid, trusted : bool
        The cryptographic checks (each can stay true on a tampered file: use ``ok``).
    modification_level : str or None
        pyHanko's ``ModificationLevel`` name, None if not analysed.
    coverage : str or None
        pyHanko's ``SignatureCoverageLevel`` name.
    docmdp_ok : bool or None
        pyHanko's verdict on the DocMDP permissions.
    signer_cert_der : bytes or None
        The signer certificate, DER.
    signer_subject : str
        Its subject, for messages.
    timestamp : datetime or None
        Time from a trusted signature timestamp, if one validated.
    certified : bool
        The signature is a certification (DocMDP) signature.
    error : str or None
        Why validation could not run (then ``ok`` is False).
    """

    field_name: str
    kind: str
    ok: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    modification_level: str | None = None
    coverage: str | None = None
    docmdp_ok: bool | None = None
    signer_cert_der: bytes | None = field(default=None, repr=False)
    signer_subject: str = ""
    timestamp: datetime | None = None
    certified: bool = False
    error: str | None = None


_ALLOWED_LEVELS = ("NONE", "LTA_UPDATES")


def validate_signatures(
    pdf_data: bytes, *, trust: TrustStore, at: datetime | None = None
) -> list[SignatureReport]:
    """Validate every signature and document timestamp in a PDF with pyHanko.

    Only ``trust`` is trusted (no system store, no fetching); its CRLs are used,
    revocation checking is soft-fail. Each signature gets pyHanko's
    modification analysis. A signature whose validation raises is reported with
    ``ok=False`` and the error.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.
    trust : TrustStore
        Trust anchors and CRLs.
    at : datetime, optional
        Validation time (default: now).

    Returns
    -------
    list of SignatureReport
        In file order; empty for an unsigned PDF.

    Raises
    ------
    InputError
        If pyHanko cannot read the file at all.
    """
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    try:
        reader = PdfFileReader(io.BytesIO(pdf_data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        # pyHanko's reader raises PdfReadError and assorted low-level errors.
        raise InputError(
            f"cannot read the PDF's signatures: {type(exc).__name__}"
        ) from exc
    reports: list[SignatureReport] = []
    for emb in embedded:
        name = str(emb.field_name)
        is_ts = str(emb.sig_object.get("/Type", "")) == "/DocTimeStamp"
        kind = "timestamp" if is_ts else "signature"
        try:
            vc = _validation_context(trust, at=at)
            status: Any
            if is_ts:
                status = validate_pdf_timestamp(emb, validation_context=vc)
            else:
                status = validate_pdf_signature(
                    emb, signer_validation_context=vc, ts_validation_context=vc
                )
            reports.append(_report(name, kind, status, emb))
        except Exception as exc:
            # Any failure inside validation means "not validated": fail closed.
            logger.debug("validation of %s raised", name, exc_info=True)
            reports.append(
                SignatureReport(
                    field_name=name, kind=kind, ok=False, error=type(exc).__name__
                )
            )
    return reports


def _report(name: str, kind: str, status: Any, emb: Any) -> SignatureReport:
    level = getattr(status, "modification_level", None)
    level_name = level.name if level is not None else None
    coverage = getattr(status, "coverage", None)
    docmdp_ok = getattr(status, "docmdp_ok", None)
    crypto_ok = bool(status.intact and status.valid and status.trusted)
    if kind == "timestamp":
        # Document timestamps have no DocMDP verdict of their own.
        ok = crypto_ok and level_name in _ALLOWED_LEVELS
    else:
        ok = (
            crypto_ok
            and bool(status.bottom_line)
            and docmdp_ok is True
            and level_name in _ALLOWED_LEVELS
        )
    cert = status.signing_cert
    ts_validity = getattr(status, "timestamp_validity", None)
    when = None
    if ts_validity is not None and ts_validity.valid and ts_validity.trusted:
        when = ts_validity.timestamp
    elif kind == "timestamp":
        when = getattr(status, "timestamp", None)
    return SignatureReport(
        field_name=name,
        kind=kind,
        ok=ok,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        modification_level=level_name,
        coverage=coverage.name if coverage is not None else None,
        docmdp_ok=docmdp_ok,
        signer_cert_der=cert.dump() if cert is not None else None,
        signer_subject=cert.subject.human_friendly if cert is not None else "",
        timestamp=when,
        certified=emb.docmdp_level is not None,
    )


# ------------------------------------------------------------------------- rendering


def render_page(pdf_data: bytes, *, dpi: float = 300.0, page: int = 0) -> GrayImage:
    """Render one page to a gray image with pypdfium2, form widgets included.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.
    dpi : float
        Resolution (50 to 1200).
    page : int
        Page index.

    Returns
    -------
    (H, W) uint8 ndarray, 0..255
        The page, white paper.

    Raises
    ------
    InputError
        If the PDF cannot be opened or has no such page.
    """
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no py.typed

    if not 50 <= dpi <= 1200:
        raise InputError(f"dpi must be in [50, 1200], got {dpi!r}")
    try:
        doc = pdfium.PdfDocument(pdf_data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"pdfium cannot open the PDF: {exc}") from exc
    try:
        # Forms must be initialised before pages are loaded, or widget appearances
        # (which an attacker can use to paint over a page) are not drawn.
        doc.init_forms()
        if not 0 <= page < len(doc):
            raise InputError(f"the PDF has no page {page}")
        pg = doc[page]
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


def scanned_page_image(pdf_data: bytes, *, page: int = 0) -> tuple[Image, float] | None:
    """Return the one image a scanned page consists of, at its native resolution.

    A page counts as scanned when it draws exactly one image XObject, covering
    most of the page, and has no fonts.

    Returns
    -------
    (image, dpi) or None
        The image as (H, W) gray or (H, W, 3) BGR uint8 and its resolution on the
        page; None for pages that are not a single scanned image.
    """
    import pikepdf

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
        try:
            pil = pikepdf.PdfImage(raw).as_pil_image()
        # pikepdf raises NotImplementedError for image encodings it cannot decode
        # (e.g. some JBIG2 or colour spaces): an unreadable scan, not missing code.
        except (pikepdf.PdfError, NotImplementedError, ValueError) as exc:
            raise InputError(f"cannot decode the scanned image: {exc}") from exc
        box = [float(v) for v in pg.mediabox]
        width_in = (box[2] - box[0]) / 72.0
        dpi = pil.width / width_in if width_in > 0 else 0.0
        if pil.mode in ("1", "L", "I;16", "I", "F"):
            arr = np.asarray(pil.convert("L"), dtype=np.uint8)
        else:
            rgb = np.asarray(pil.convert("RGB"), dtype=np.uint8)
            arr = np.ascontiguousarray(rgb[..., ::-1])
        return arr, dpi
