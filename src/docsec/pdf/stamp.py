"""Stamping (pikepdf): the certificate page, the seal and the marks on a page.

The built-in certificate page, and the seal, the document
number, the copy-detection pattern, the watermark and the void pantograph drawn
into a page before it is signed; :func:`declared_seal` reads back the seal
bytes a stamped file records in its catalog.

Everything is stamped first and the PDF signed last (:mod:`docsec.pdf.sign`):
any later rewrite of the file would break the signature.
"""

from __future__ import annotations

import io
import math
from typing import Any

import numpy as np

from docsec import _template
from docsec import barcode as _barcode
from docsec.errors import ConfigurationError, InputError
from docsec.pdf._read import _open
from docsec.pdf.marks import RasterMark

__all__ = [
    "DEFAULT_MODULE_MM",
    "DEFAULT_SEAL_ORIGIN_MM",
    "declared_seal",
    "protect",
    "template_pdf",
]


#: Seal module size in millimetres: 0.5 mm is ~5.9 pixels at 300 dpi, which reads
#: reliably from flatbed scans (benchmarks/bench_barcode.py reads 3+ px/module).
DEFAULT_MODULE_MM = 0.5
#: Top-left corner of the seal symbol on the page, in mm from the page's top-left.
DEFAULT_SEAL_ORIGIN_MM = (152.0, 228.0)
_MM = _template.MM
_SEAL_KEY = "/DocsecSeal"
_QUIET_MODULES = 2


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
