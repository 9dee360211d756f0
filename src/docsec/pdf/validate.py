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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from docsec import _io, _pyhanko, _template
from docsec import barcode as _barcode
from docsec._types import GrayImage
from docsec.errors import ConfigurationError, InputError, KeyMaterialError
from docsec.imaging import DEFAULT_MAX_MEMORY, DEFAULT_MAX_PIXELS

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.trust import TrustStore

__all__ = [
    "DEFAULT_MODULE_MM",
    "DEFAULT_SEAL_ORIGIN_MM",
    "SIGNATURE_LEVELS",
    "CoverageReport",
    "MarkContext",
    "MarkSource",
    "PdfSigningKey",
    "RasterMark",
    "SignatureReport",
    "check_budget",
    "check_coverage",
    "declared_seal",
    "had_signature",
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


_ENCRYPTED_TEXT = (
    "the PDF is encrypted with a password: docsec cannot read it; "
    "ask for the file without a password"
)


def _open(data: bytes) -> Any:
    import pikepdf

    try:
        return pikepdf.open(io.BytesIO(data))
    except pikepdf.PasswordError as exc:
        raise InputError(_ENCRYPTED_TEXT) from exc
    except pikepdf.PdfError as exc:
        raise InputError(f"not a readable PDF: {_io.plain_message(exc)}") from exc


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
    verification: tuple[str, str] | None = None,
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
    verification : (str, str), optional
        The registry's verification code and the verification service's address,
        printed under the seal (the code is also signed in the seal).

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
        if verification is not None:
            code, address = verification
            shown = "-".join(code[i : i + 5] for i in range(0, len(code), 5))
            below = sy + side_mm + quiet + 4.0
            canvas.text(
                sx + side_mm,
                below,
                f"검증코드 Verification code  {shown}",
                size=8,
                style="bold",
                align="right",
            )
            canvas.text(
                sx + side_mm,
                below + 4.0,
                f"진위확인 Verify at {address}",
                size=7,
                gray=0.3,
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

    _pyhanko.complete()
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
        # The trust folder's intermediates/ build paths (never trusted alone).
        other_certs=[_asn1_cert(c) for c in trust.intermediates],
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

    _pyhanko.complete()
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
    embedded_certs_der : tuple of bytes
        The certificates the signature's CMS carries (the signer's first), DER:
        untrusted path material.
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
    embedded_certs_der: tuple[bytes, ...] = field(default=(), repr=False)
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
    _pyhanko.validation_only()
    from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp

    try:
        reader = _pyhanko_reader(pdf_data)
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
        embedded_certs_der=_embedded_certs(emb),
    )


def _embedded_certs(emb: Any) -> tuple[bytes, ...]:
    """Return the signer certificate and the other CMS certificates, DER."""
    out: list[bytes] = []
    try:
        out.append(emb.signer_cert.dump())
    except (ValueError, KeyError, AttributeError):
        logger.debug("no signer certificate in the CMS", exc_info=True)
    try:
        out.extend(c.dump() for c in emb.other_embedded_certs)
    except (ValueError, KeyError, AttributeError):
        logger.debug("unreadable CMS certificates", exc_info=True)
    return tuple(dict.fromkeys(out))


# -------------------------------------------------------------------------- coverage


@dataclass(frozen=True, slots=True)
class CoverageReport:
    """What the signatures of a PDF cover, byte for byte (:func:`check_coverage`).

    Attributes
    ----------
    ok : bool
        The issuer's signature covers the file as :func:`check_coverage` requires.
    reasons : tuple of str
        Reason codes when not ``ok``: ``pdf-unsigned-bytes``, ``pdf-byte-range``,
        ``pdf-contents-altered``, ``pdf-modified``.
    detail : str
        One line for a person.
    updates : tuple of str
        What each revision after the issuer's signature is: ``"dss"`` (validation
        data) or ``"timestamp"`` (validation data and a document timestamp).
    """

    ok: bool
    reasons: tuple[str, ...] = ()
    detail: str = ""
    updates: tuple[str, ...] = ()


class _CoverageError(Exception):
    """One coverage rule is broken: a reason code and a message."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


_Key = tuple[int, int]
#: Keys a document timestamp's field may have: an invisible widget, nothing that
#: draws (/AP, /MK), acts (/A, /AA) or locks other fields (/Lock).
_TS_FIELD_KEYS = frozenset(
    {"/FT", "/T", "/TU", "/Type", "/Subtype", "/F", "/Rect", "/P", "/V"}
)
#: Keys of a document timestamp's dictionary, as pyHanko writes it: no /Reference
#: (no DocMDP or FieldMDP transform).
_TS_SIG_KEYS = frozenset({"/Type", "/Filter", "/SubFilter", "/ByteRange", "/Contents"})
_DSS_KEYS = frozenset({"/Type", "/Certs", "/CRLs", "/OCSPs", "/VRI"})
_VRI_KEYS = frozenset({"/Type", "/Cert", "/CRL", "/OCSP", "/TU", "/TS"})
_DATA_STREAM_KEYS = frozenset({"/Length", "/Filter"})
_TRAILER_KEYS = frozenset({b"Root", b"Info", b"Size", b"ID", b"Prev"})
#: pyHanko rewrites the XMP packet's modification date with each update it writes.
_XMP_MODIFY_DATE = re.compile(rb'xmp:ModifyDate="[0-9T:.+\-Z]{0,40}"')


def check_coverage(pdf_data: bytes) -> CoverageReport:
    """Check that the issuer's signature covers the whole file, byte for byte.

    All of these must hold:

    - the file is a chain of revisions, each ending in ``startxref``, the offset
      of its own xref section, and ``%%EOF``; the last one ends the file,
      followed by at most one end-of-line marker (CR, LF or CR LF);
    - there is exactly one signature of type ``/Sig`` (the issuer's), and any
      document timestamp comes after it;
    - every signature and document timestamp has ``/ByteRange [0 a b c]``: its
      gap ``a..b`` is exactly the ``/Contents`` value of its own signature
      dictionary (read by docsec's strict parser: no repeated key), and ``b + c``
      is the end of the revision it signs (with or without the end-of-line
      marker after ``%%EOF``);
    - that ``/Contents`` string is upper-case hex (as pyHanko writes it) of a
      DER-encoded CMS object followed only by zero bytes, and is the string
      pyHanko validated;
    - every revision after the one the issuer signed is validation data as the
      B-LT / B-LTA flow of :func:`sign_pdf` writes it: a new or changed DSS
      (the catalog gains or changes ``/DSS`` and nothing else; the XMP packet
      changes only its ``xmp:ModifyDate``; new certificate, CRL and OCSP
      streams and VRI dictionaries), or one document timestamp (an invisible
      widget appended to the form's ``/Fields`` and its page's ``/Annots``)
      with or without a DSS. Such a revision holds exactly the objects of its
      xref table, back to back and parsed strictly, then the table and a trailer
      that keeps ``/Root``, ``/Info`` and the first ``/ID``. Anything else (a
      new ``/Info`` title, other XMP metadata, a second signature, an
      annotation, a page change) is a modification.

    Parameters
    ----------
    pdf_data : bytes
        The PDF.

    Returns
    -------
    CoverageReport

    Raises
    ------
    InputError
        If pyHanko cannot read the file's signatures at all.
    """
    try:
        reader = _pyhanko_reader(pdf_data)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        # pyHanko's reader raises PdfReadError and assorted low-level errors.
        raise InputError(
            f"cannot read the PDF's signatures: {type(exc).__name__}"
        ) from exc
    coverage = _Coverage(pdf_data, reader, embedded)
    try:
        coverage.run()
    except _CoverageError as exc:
        coverage.findings.append(exc)
    findings, updates = coverage.findings, tuple(coverage.updates)
    if not findings:
        extra = (
            f", then {len(updates)} validation-data update(s) ({', '.join(updates)})"
            if updates
            else ""
        )
        return CoverageReport(
            ok=True,
            detail=f"the issuer's signature covers the file byte for byte{extra}",
            updates=updates,
        )
    for f in findings:
        logger.debug("coverage: %s: %s", f.reason, f.message)
    return CoverageReport(
        ok=False,
        reasons=tuple(dict.fromkeys(f.reason for f in findings)),
        detail=findings[0].message,
        updates=updates,
    )


class _Coverage:
    """The rules of :func:`check_coverage` over one file and pyHanko's reading of it."""

    def __init__(self, data: bytes, reader: Any, embedded: list[Any]) -> None:
        self.data = data
        self.reader = reader
        self.xrefs = reader.xrefs
        self.embedded = embedded
        self.findings: list[_CoverageError] = []
        self.updates: list[str] = []
        #: Per revision: offsets of its startxref keyword, after %%EOF, after
        #: the end-of-line marker that may follow.
        self.ends: list[tuple[int, int, int]] = []

    def startxref(self, revision: int) -> int:
        return int(self.xrefs.get_startxref_for_revision(revision))

    def run(self) -> None:
        from docsec import _pdfbytes

        data = self.data
        count = int(self.xrefs.total_revisions)
        for r in range(count):
            try:
                self.ends.append(_pdfbytes.revision_end(data, self.startxref(r)))
            except _pdfbytes.PdfSyntaxError as exc:
                raise _CoverageError("pdf-unsigned-bytes", str(exc)) from exc
            if r and self.ends[r - 1][2] > self.startxref(r):
                raise _CoverageError(
                    "pdf-modified", f"revision {r} overlaps the one before"
                )
        tail = len(data) - self.ends[-1][2]
        if tail:
            # pyHanko and pdfium look for %%EOF near the end only; poppler and qpdf
            # also read an update written without one.
            self.findings.append(
                _CoverageError(
                    "pdf-unsigned-bytes",
                    f"{tail} byte(s) after the last %%EOF that no signature covers",
                )
            )
        issuer = [e for e in self.embedded if str(e.sig_object_type) == "/Sig"]
        if len(issuer) != 1:
            raise _CoverageError(
                "pdf-modified",
                f"{len(issuer)} signatures: an issued PDF has exactly one, the "
                "issuer's",
            )
        signed = int(issuer[0].signed_revision)
        for emb in self.embedded:
            try:
                self.signature(emb)
            except _CoverageError as exc:
                self.findings.append(exc)
            if emb is not issuer[0] and int(emb.signed_revision) <= signed:
                self.findings.append(
                    _CoverageError(
                        "pdf-modified",
                        f"document timestamp {emb.field_name} before the issuer's "
                        "signature",
                    )
                )
        for r in range(signed + 1, count):
            try:
                self.updates.append(_Update(self, r, signed).check())
            except _CoverageError as exc:
                raise _CoverageError(
                    exc.reason, f"update {r - signed}: {exc.message}"
                ) from exc

    def signature(self, emb: Any) -> None:
        """Check one signature's byte range, its gap and its /Contents."""
        from pyhanko.pdf_utils import generic

        from docsec import _pdfbytes

        data, name = self.data, str(emb.field_name)
        values = list(emb.byte_range)
        if len(values) != 4 or any(type(v) is not generic.NumberObject for v in values):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: /ByteRange is not 4 integers"
            )
        start, a, b, c = (int(v) for v in values)
        if start != 0 or not 0 < a < b or c < 0 or b + c > len(data):
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: /ByteRange [{start} {a} {b} {c}] is not [0 a b c] within "
                "the file",
            )
        ref = emb.sig_field.raw_get("/V")
        if not isinstance(ref, generic.IndirectObject):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature is not an object"
            )
        revision = int(emb.signed_revision)
        offset = self.xrefs.get_historical_ref(ref.reference, revision)
        if type(offset) is not int:
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature is inside an object stream"
            )
        try:
            raw = _pdfbytes.parse_object(data, offset)
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature dictionary: {exc}"
            ) from exc
        value = raw.value.value
        if (raw.idnum, raw.generation) != (ref.idnum, ref.generation) or not (
            isinstance(value, dict)
        ):
            raise _CoverageError(
                "pdf-byte-range", f"{name}: the signature object is not where it says"
            )
        contents = value.get(b"Contents")
        declared = value.get(b"ByteRange")
        if (
            contents is None
            or (contents.start, contents.end) != (a, b)
            or declared is None
            or not isinstance(declared.value, list)
            or [n.value for n in declared.value] != [0, a, b, c]
        ):
            # Signature wrapping: the signed ranges were moved, or the gap holds
            # more than this dictionary's own /Contents.
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: the unsigned gap is not exactly the signature's /Contents",
            )
        try:
            _pdfbytes.signature_contents(data, a, b)
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError("pdf-contents-altered", f"{name}: {exc}") from exc
        if contents.value != bytes(emb.pkcs7_content):
            raise _CoverageError(
                "pdf-contents-altered",
                f"{name}: pyHanko read another /Contents than the one in the gap",
            )
        _keyword, eof, end = self.ends[revision]
        if b + c not in (eof, end):
            raise _CoverageError(
                "pdf-byte-range",
                f"{name}: the signed bytes end at {b + c}, not at the end of the "
                f"revision they sign ({end})",
            )


class _Update:
    """One revision after the issuer's signature, checked as validation data."""

    def __init__(self, cov: _Coverage, revision: int, signed: int) -> None:
        from pyhanko.pdf_utils import generic

        self.cov = cov
        self.r = revision
        self.signed = signed
        self.xrefs = cov.xrefs
        self.generic = generic
        self.old = cov.reader.get_historical_resolver(revision - 1)
        self.new = cov.reader.get_historical_resolver(revision)
        self.changed: set[_Key] = {
            (int(x.idnum), int(x.generation))
            for x in self.xrefs.explicit_refs_in_revision(revision)
        }
        self.accounted: set[_Key] = set()
        self.trailer_dict: dict[bytes, Any] = {}

    def get(self, resolver: Any, key: _Key) -> Any:
        return resolver.get_object(self.generic.Reference(key[0], key[1]))

    def ref(self, value: Any, what: str) -> _Key:
        if not isinstance(value, self.generic.IndirectObject):
            raise _CoverageError("pdf-modified", f"{what} is not an indirect object")
        return int(value.idnum), int(value.generation)

    def fresh(self, key: _Key, what: str) -> None:
        """Require ``key`` to be new since the issuer signed (not a rewrite).

        New means a number the signed revision never used, generation 0: pdfium
        resolves references by object number alone, so an object that reuses a
        signed number under another generation (``6 1 obj`` over ``6 0``) would
        replace the signed object on the rendered page while pyHanko still
        calls it new.
        """
        introduced = self.xrefs.get_introducing_revision(self.generic.Reference(*key))
        if (
            introduced is None
            or int(introduced) <= self.signed
            or key[1] != 0
            or key[0] < self.signed_size()
        ):
            raise _CoverageError(
                "pdf-modified", f"{what} rewrites an object the issuer signed"
            )

    def signed_size(self) -> int:
        """Return the /Size of the revision the issuer signed (first unused number)."""
        try:
            size = self.cov.reader.get_historical_resolver(self.signed).trailer_view[
                "/Size"
            ]
            return int(size)
        except (KeyError, TypeError, ValueError) as exc:
            raise _CoverageError(
                "pdf-modified", "the signed revision's trailer has no usable /Size"
            ) from exc

    def account(self, key: _Key) -> bool:
        """Mark ``key`` as explained if this update changed it; return whether it did."""
        if key in self.changed:
            self.accounted.add(key)
            return True
        return False

    def check(self) -> str:
        xrefs, r = self.xrefs, self.r
        meta = xrefs.get_xref_container_info(r)
        if (
            meta.stream_ref is not None
            or xrefs.get_xref_data(r).hybrid is not None
            or xrefs.object_streams_used_in(r)
            or xrefs.refs_freed_in_revision(r)
        ):
            raise _CoverageError(
                "pdf-modified", "not a plain xref table of new and changed objects"
            )
        if any(generation != 0 for _, generation in self.changed):
            # Validation data is written with generation 0; another generation of
            # a signed object's number is what a reader resolving by number alone
            # (pdfium) would show instead of the signed object.
            raise _CoverageError(
                "pdf-modified", "an update defines an object with a new generation"
            )
        self.layout()
        root_ref = self.old.root_ref
        root: _Key = (int(root_ref.idnum), int(root_ref.generation))
        self.trailer(root)
        old_root, new_root = self.get(self.old, root), self.get(self.new, root)
        if self.account(root):
            _same_except(old_root, new_root, {"/DSS"}, "the catalog")
            if "/DSS" in old_root and "/DSS" not in new_root:
                raise _CoverageError("pdf-modified", "the catalog dropped the DSS")
        if "/Metadata" in new_root:
            xmp = self.ref(new_root.raw_get("/Metadata"), "/Metadata")
            if self.account(xmp):
                _same_xmp(self.get(self.old, xmp), self.get(self.new, xmp))
        dss_changed = "/DSS" in new_root and self.dss(new_root.raw_get("/DSS"))
        stamps = [
            e
            for e in self.cov.embedded
            if str(e.sig_object_type) == "/DocTimeStamp" and int(e.signed_revision) == r
        ]
        if len(stamps) > 1:
            raise _CoverageError(
                "pdf-modified", "more than one timestamp in one update"
            )
        if stamps:
            self.timestamp(stamps[0], new_root)
        elif not dss_changed:
            raise _CoverageError(
                "pdf-modified", "an update that adds no validation data"
            )
        extra = sorted(self.changed - self.accounted)
        if extra:
            shown = ", ".join(f"{i} {g} R" for i, g in extra[:5])
            raise _CoverageError(
                "pdf-modified", f"objects changed that are not validation data: {shown}"
            )
        return "timestamp" if stamps else "dss"

    def layout(self) -> None:
        """Every byte of the revision: its objects back to back, the table, trailer."""
        from docsec import _pdfbytes

        data, xrefs, r = self.cov.data, self.xrefs, self.r
        startxref = self.cov.startxref(r)
        keyword = self.cov.ends[r][0]
        try:
            table, table_end = _pdfbytes.parse_xref_table(data, startxref)
            placed = {}
            for key in self.changed:
                offset = xrefs.get_historical_ref(self.generic.Reference(*key), r)
                if type(offset) is not int:
                    raise _CoverageError(
                        "pdf-modified", f"object {key[0]} has no offset"
                    )
                placed[key] = offset
            if placed != table:
                # docsec's reading of the table and pyHanko's disagree.
                raise _CoverageError("pdf-modified", "the xref table reads differently")
            pos = self.cov.ends[r - 1][2]
            for key, offset in sorted(placed.items(), key=lambda kv: kv[1]):
                if _skip_space(data, pos) != offset:
                    raise _CoverageError(
                        "pdf-modified",
                        f"bytes at {pos} that are not one of the update's objects",
                    )
                obj = _pdfbytes.parse_object(data, offset)
                if (obj.idnum, obj.generation) != key:
                    raise _CoverageError(
                        "pdf-modified", f"object {key[0]} is not where the xref says"
                    )
                pos = obj.end
            if _skip_space(data, pos) != startxref:
                raise _CoverageError(
                    "pdf-modified", "bytes between the update's objects and its xref"
                )
            self.trailer_dict, end = _pdfbytes.parse_trailer(data, table_end, keyword)
            if _skip_space(data, end) != keyword:
                raise _CoverageError(
                    "pdf-modified", "bytes between the trailer and startxref"
                )
        except _pdfbytes.PdfSyntaxError as exc:
            raise _CoverageError(
                "pdf-modified", f"an update docsec cannot read strictly: {exc}"
            ) from exc

    def trailer(self, root: _Key) -> None:
        """Require the trailer to keep /Root, /Info and the first /ID, and chain back."""
        from docsec import _pdfbytes

        trailer = self.trailer_dict
        if set(trailer) - _TRAILER_KEYS:
            raise _CoverageError(
                "pdf-modified", "the trailer has keys beyond /Root /Info /ID"
            )
        prev = trailer.get(b"Prev")
        if prev is None or prev.value != self.cov.startxref(self.r - 1):
            raise _CoverageError(
                "pdf-modified", "the trailer's /Prev is not the revision before"
            )
        new_root = trailer.get(b"Root")
        if new_root is None or new_root.value != _pdfbytes.Ref(*root):
            raise _CoverageError("pdf-modified", "the trailer names another /Root")
        old_trailer = self.old.trailer_view
        old_info = old_trailer.raw_get("/Info") if "/Info" in old_trailer else None
        want = (
            _pdfbytes.Ref(*self.ref(old_info, "/Info"))
            if old_info is not None
            else None
        )
        info = trailer.get(b"Info")
        if (info.value if info is not None else None) != want:
            raise _CoverageError("pdf-modified", "the trailer names another /Info")
        ids = trailer.get(b"ID")
        first = (
            ids.value[0].value
            if ids is not None and isinstance(ids.value, list) and ids.value
            else None
        )
        old_ids = old_trailer.raw_get("/ID") if "/ID" in old_trailer else None
        if old_ids is None or first != bytes(old_ids[0].original_bytes):
            raise _CoverageError("pdf-modified", "the trailer changes the document /ID")

    def dss(self, value: Any) -> bool:
        """Check a new or changed DSS and the objects it adds; True if it changed."""
        generic = self.generic
        dss = self.ref(value, "/DSS")
        if not self.account(dss):
            return False
        self.fresh(dss, "the DSS")
        d = self.get(self.new, dss)
        if not isinstance(d, generic.DictionaryObject) or set(d) - _DSS_KEYS:
            raise _CoverageError(
                "pdf-modified", "the DSS has entries beyond validation data"
            )
        for key in ("/Certs", "/CRLs", "/OCSPs"):
            if key in d:
                for item in _direct_array(d.raw_get(key), key):
                    self.data_stream(self.ref(item, f"a DSS {key} entry"))
        if "/VRI" in d:
            vri = d.raw_get("/VRI")
            if not isinstance(vri, generic.DictionaryObject):
                raise _CoverageError(
                    "pdf-modified", "the DSS /VRI is not a direct dictionary"
                )
            for entry in vri.values():
                self.vri(self.ref(entry, "a VRI entry"))
        return True

    def vri(self, key: _Key) -> None:
        if not self.account(key):
            return
        self.fresh(key, "a VRI dictionary")
        d = self.get(self.new, key)
        if not isinstance(d, self.generic.DictionaryObject) or set(d) - _VRI_KEYS:
            raise _CoverageError("pdf-modified", "a VRI dictionary has other entries")
        for name in ("/Cert", "/CRL", "/OCSP"):
            if name in d:
                for item in _direct_array(d.raw_get(name), name):
                    self.data_stream(self.ref(item, f"a VRI {name} entry"))
        if "/TS" in d:
            self.data_stream(self.ref(d.raw_get("/TS"), "a VRI /TS entry"))

    def data_stream(self, key: _Key) -> None:
        """Check a DSS certificate, CRL, OCSP response or token: one DER object."""
        from docsec import _pdfbytes

        if not self.account(key):
            return
        self.fresh(key, "DSS data")
        s = self.get(self.new, key)
        if (
            not isinstance(s, self.generic.StreamObject)
            or set(s) - _DATA_STREAM_KEYS
            or s.get("/Filter", "/FlateDecode") != "/FlateDecode"
        ):
            raise _CoverageError("pdf-modified", "DSS data is not a plain stream")
        blob = bytes(s.data)
        try:
            ok = _pdfbytes.der_length(blob) == len(blob)
        except _pdfbytes.PdfSyntaxError:
            ok = False
        if not ok:
            raise _CoverageError("pdf-modified", "DSS data is not one DER object")

    def timestamp(self, stamp: Any, new_root: Any) -> None:
        """One document timestamp: an invisible widget added to the form and a page."""
        generic = self.generic
        form = self.ref(new_root.raw_get("/AcroForm"), "/AcroForm")
        if not self.account(form):
            raise _CoverageError("pdf-modified", "a timestamp without a new form field")
        old_form, new_form = self.get(self.old, form), self.get(self.new, form)
        _same_except(old_form, new_form, {"/Fields"}, "the form")
        field = self.ref(_appended_one(old_form, new_form, "/Fields"), "the field")
        self.fresh(field, "the timestamp field")
        self.account(field)
        widget = self.get(self.new, field)
        if not isinstance(widget, generic.DictionaryObject) or (
            set(widget) - _TS_FIELD_KEYS
        ):
            raise _CoverageError(
                "pdf-modified", "the timestamp field has other entries"
            )
        rect = widget.get("/Rect")
        if (
            widget.get("/FT") != "/Sig"
            or widget.get("/Subtype") != "/Widget"
            or not isinstance(rect, generic.ArrayObject)
            or len(rect) != 4
            or any(float(v) for v in rect)
        ):
            raise _CoverageError("pdf-modified", "the timestamp field is not invisible")
        sig = self.ref(widget.raw_get("/V"), "the timestamp's /V")
        if sig != self.ref(stamp.sig_field.raw_get("/V"), "the timestamp"):
            raise _CoverageError(
                "pdf-modified", "the timestamp is not the new field's value"
            )
        self.fresh(sig, "the timestamp")
        self.account(sig)
        d = self.get(self.new, sig)
        if (
            set(d) - _TS_SIG_KEYS
            or d.get("/Type") != "/DocTimeStamp"
            or d.get("/SubFilter") != "/ETSI.RFC3161"
        ):
            raise _CoverageError(
                "pdf-modified", "the timestamp dictionary has other entries"
            )
        page = self.ref(widget.raw_get("/P"), "the timestamp's /P")
        if not self.account(page):
            raise _CoverageError("pdf-modified", "the timestamp widget is on no page")
        old_page, new_page = self.get(self.old, page), self.get(self.new, page)
        _same_except(old_page, new_page, {"/Annots"}, "the page")
        added = self.ref(_appended_one(old_page, new_page, "/Annots"), "the widget")
        if added != field:
            raise _CoverageError("pdf-modified", "the page gained another annotation")


def _skip_space(data: bytes, pos: int) -> int:
    from docsec._pdfbytes import WHITESPACE

    while pos < len(data) and data[pos] in WHITESPACE:
        pos += 1
    return pos


def _canonical(value: Any) -> bytes:
    """Serialise a pyHanko value (references as ``N G R``) to compare two of them."""
    out = io.BytesIO()
    value.write_to_stream(out, None)
    return out.getvalue()


def _same_except(old: Any, new: Any, allowed: set[str], what: str) -> None:
    """Require two dictionaries to be equal except for the ``allowed`` keys."""
    from pyhanko.pdf_utils import generic

    if not isinstance(old, generic.DictionaryObject) or not isinstance(
        new, generic.DictionaryObject
    ):
        raise _CoverageError("pdf-modified", f"{what} is not a dictionary")
    for key in sorted((set(old) | set(new)) - allowed):
        if key not in old or key not in new:
            raise _CoverageError("pdf-modified", f"{what}: {key} added or removed")
        if _canonical(old.raw_get(key)) != _canonical(new.raw_get(key)):
            raise _CoverageError("pdf-modified", f"{what}: {key} changed")


def _same_xmp(old: Any, new: Any) -> None:
    """Allow the XMP packet to change only its xmp:ModifyDate (pyHanko writes it)."""
    from pyhanko.pdf_utils import generic

    if not isinstance(old, generic.StreamObject) or not isinstance(
        new, generic.StreamObject
    ):
        raise _CoverageError("pdf-modified", "the XMP metadata is not a stream")
    _same_except(old, new, {"/Length"}, "the XMP metadata stream")
    before = _XMP_MODIFY_DATE.sub(b"", bytes(old.data))
    after = _XMP_MODIFY_DATE.sub(b"", bytes(new.data))
    if before != after:
        raise _CoverageError("pdf-modified", "the XMP metadata changed")


def _direct_array(value: Any, what: str) -> Any:
    from pyhanko.pdf_utils import generic

    if not isinstance(value, generic.ArrayObject):
        raise _CoverageError("pdf-modified", f"{what} is not a direct array")
    return value


def _appended_one(old: Any, new: Any, key: str) -> Any:
    """Require ``new[key]`` to be ``old[key]`` plus one entry; return that entry."""
    from pyhanko.pdf_utils import generic

    before = old.raw_get(key) if key in old else generic.ArrayObject()
    after = _direct_array(new.raw_get(key) if key in new else None, key)
    _direct_array(before, key)
    if len(after) != len(before) + 1 or any(
        _canonical(x) != _canonical(y) for x, y in zip(before, after, strict=False)
    ):
        raise _CoverageError("pdf-modified", f"{key}: not exactly one entry appended")
    return after.raw_get(len(after) - 1)


_BYTE_RANGE = re.compile(
    rb"/ByteRange\s*\[\s*(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s+(\d{1,12})\s*\]"
)


def truncated(pdf_data: bytes) -> bool:
    """Return True if the file is a PDF cut short: before its signed end, or in its last revision.

    A download or a copy cut short ends before the bytes its signature covers:
    the file is incomplete, which says nothing about the document (ask for it
    again), unlike a file changed after signing. Only a real signature counts: a
    byte range ``[0 a b c]`` whose gap ``a..b`` is a hex string in the file (the
    signature's /Contents), whose end ``b + c`` lies past the file's end, and
    with no ``%%EOF`` after the gap (a cut file lost its final marker; bytes
    appended to a complete file keep it, and are judged as changes), or only
    the end-of-line marker after that ``%%EOF`` missing.

    Examples
    --------
    >>> head = b"%PDF-1.7 /ByteRange [0 44 50 900] /Contents <abcd> obj"
    >>> truncated(head), truncated(head + b" %%EOF")
    (True, False)
    >>> truncated(b"%PDF-1.7 /ByteRange [0 1 2 99999999] startxref 9 %%EOF")
    False
    >>> truncated(b"%PDF-1.7 1 0 obj << /Type /Sig /ByteRange [0 5")
    True
    """
    for m in _BYTE_RANGE.finditer(pdf_data):
        start, gap_end, rest = int(m.group(2)), int(m.group(3)), int(m.group(4))
        if int(m.group(1)) != 0 or not 0 < start < gap_end <= len(pdf_data):
            continue
        gap = pdf_data[start:gap_end]
        is_hex = (
            len(gap) >= 2
            and gap[:1] == b"<"
            and gap[-1:] == b">"
            and all(ch in b"0123456789abcdefABCDEF" for ch in gap[1:-1])
        )
        missing = gap_end + rest - len(pdf_data)
        if not is_hex or missing <= 0:
            continue
        tail = pdf_data[gap_end:]
        # Cut inside the signed revision (its %%EOF is gone), or only its final
        # end-of-line marker is missing after the %%EOF.
        if b"%%EOF" not in tail or (missing <= 2 and tail.rstrip().endswith(b"%%EOF")):
            return True
    return _cut_before_signed_end(pdf_data)


#: PDF white-space (ISO 32000-1, 7.2.2), which may follow the final ``%%EOF``.
_PDF_SPACE = b"\x00\t\n\x0c\r "


def _cut_before_signed_end(pdf_data: bytes) -> bool:
    """Return True if the file stops inside its last revision, before any signed end.

    A file that does not end with ``%%EOF`` and whose bytes after the last
    ``%%EOF`` hold no ``startxref`` was cut inside a revision (an interrupted
    download, or a cut inside the very signature dictionary, where no complete
    byte range survives). It is incomplete unless some signature's whole byte
    range lies inside the file: then what follows the signed end is an
    appended change, judged as one (an update without ``%%EOF`` is a forgery,
    issue #12), never forgiven as a cut.
    """
    tail = (
        pdf_data[pdf_data.rfind(b"%%EOF") + 5 :] if b"%%EOF" in pdf_data else pdf_data
    )
    if not tail.strip(_PDF_SPACE) or b"startxref" in tail:
        return False
    for m in _BYTE_RANGE.finditer(pdf_data):
        first, start, gap_end, rest = (int(g) for g in m.groups())
        if first == 0 and 0 < start < gap_end and gap_end + rest <= len(pdf_data):
            return False
    return True


def had_signature(pdf_data: bytes) -> bool:
    """Return True if any revision of the PDF has a signed signature field.

    An unsigned PDF whose earlier revision was signed had its signature removed
    by a later update: that is tampering, not a scan.

    Raises
    ------
    InputError
        If pyHanko cannot read the file.
    """
    _pyhanko.validation_only()
    from pyhanko.sign.fields import enumerate_sig_fields

    try:
        reader = _pyhanko_reader(pdf_data)
        for r in range(int(reader.xrefs.total_revisions)):
            history = reader.get_historical_resolver(r)
            if any(True for _ in enumerate_sig_fields(history, filled_status=True)):
                return True
    except Exception as exc:
        # pyHanko's reader raises PdfReadError and assorted low-level errors.
        raise InputError(f"cannot read the PDF: {type(exc).__name__}") from exc
    return False


# -------------------------------------------------------------------- the budget
#
# Everything below is checked from the file's structure before a page is rendered
# or an image decoded: a 570-byte PDF with one 200 x 200-inch page took 1.6 GB to
# render at 200 dpi, a scanned PDF holding a 20000 x 20000 image 1.6 GB, and qpdf
# took 12 s and 1.2 GB to open a 50 MB PDF of 500 000 pages (all measured).

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


def _pyhanko_reader(pdf_data: bytes) -> Any:
    """Open ``pdf_data`` with pyHanko's reader, decrypting an owner-password-only file.

    A file encrypted with only an owner password ("permissions") opens with the
    empty user password, as every viewer opens it; its signatures are then
    validated like any other (a re-save that encrypted a signed file changes
    the signed bytes, which the digest shows). A file that needs a user
    password cannot be read: :class:`InputError`.
    """
    _pyhanko.validation_only()
    from pyhanko.pdf_utils.crypt import AuthStatus
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(pdf_data), strict=False)
    if reader.encrypted:
        try:
            status = reader.decrypt("").status
        except Exception as exc:
            raise InputError(_ENCRYPTED_TEXT) from exc
        if status is AuthStatus.FAILED:
            raise InputError(_ENCRYPTED_TEXT)
    return reader


def _pdfium_open(pdf_data: bytes) -> Any:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # ships no py.typed

    try:
        return pdfium.PdfDocument(pdf_data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == 4:  # FPDF_ERR_PASSWORD
            raise InputError(_ENCRYPTED_TEXT) from exc
        raise InputError(
            f"pdfium cannot open the PDF: {_io.plain_message(exc)}"
        ) from exc


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


# ------------------------------------------------------------------------- rendering


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
        raise InputError(f"cannot decode {name}: {_io.plain_message(exc)}") from exc
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
            raise InputError(f"cannot decode {name}: {_io.plain_message(exc)}") from exc
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
        raise InputError(f"cannot decode {name}: {_io.plain_message(exc)}") from exc
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
