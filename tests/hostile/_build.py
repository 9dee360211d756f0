"""Builders for hostile inputs: small files that claim huge sizes, and their kin.

Shared by tests/hostile/ and benchmarks/bench_hostile.py; kept free of pytest. Every
builder is deterministic and cheap: the pixel data of the big images is all zeros,
written as a deflate stream made of one repeated flush block (a 338 MB image costs
330 KB and a few milliseconds).
"""

from __future__ import annotations

import io
import struct
import zlib

__all__ = [
    "jpeg_header",
    "pdf_many_pages",
    "pdf_with_annotation_image",
    "pdf_with_image",
    "pdf_with_page",
    "png",
    "tiff",
    "zeros_deflate",
]

_CHUNK = 1 << 20


def zeros_deflate(n: int, *, wrapper: bool = True) -> bytes:
    """Return a zlib (or raw deflate) stream that inflates to ``n`` zero bytes."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = c.compress(bytes(_CHUNK)) + c.flush(zlib.Z_FULL_FLUSH)
    full, rest = divmod(n, _CHUNK)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = block * full + tail.compress(bytes(rest)) + tail.flush()
    if not wrapper:
        return body
    # Adler-32 of n zero bytes: a stays 1, b counts the bytes.
    adler = ((n % 65521) << 16) | 1
    return b"\x78\xda" + body + adler.to_bytes(4, "big")


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data)
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


#: PNG colour type -> samples per pixel.
_PNG_SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def png(
    width: int,
    height: int,
    *,
    bit_depth: int = 8,
    colour_type: int = 0,
    data_rows: int | None = None,
) -> bytes:
    """Return an all-zero PNG of the given size, bit depth and colour type.

    Colour types: 0 gray, 2 RGB, 3 palette (a 2-entry palette is written),
    4 gray + alpha, 6 RGBA. ``data_rows`` writes pixel data for only that many
    rows (a file that claims more than it holds).
    """
    bits_per_pixel = _PNG_SAMPLES[colour_type] * bit_depth
    row = 1 + (width * bits_per_pixel + 7) // 8
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr)
    if colour_type == 3:
        out += _chunk(b"PLTE", b"\xff\xff\xff\x00\x00\x00")
    rows = height if data_rows is None else data_rows
    out += _chunk(b"IDAT", zeros_deflate(row * rows))
    return out + _chunk(b"IEND", b"")


def tiff(
    width: int,
    height: int,
    *,
    samples: int = 1,
    bits: int = 8,
    rows_per_strip: int | None = None,
) -> bytes:
    """Return a little-endian, deflate-compressed, all-zero TIFF.

    One strip unless ``rows_per_strip`` is given (each strip then holds the same
    deflate stream of zeros).
    """
    rps = height if rows_per_strip is None else rows_per_strip
    strips = -(-height // rps)
    row_bytes = (width * samples * bits + 7) // 8
    # Strips hold rps rows except the last; all-zero data lets one stream serve
    # every full strip, the last one gets its own.
    full = zeros_deflate(row_bytes * rps)
    last = zeros_deflate(row_bytes * (height - rps * (strips - 1)))
    photometric = 2 if samples >= 3 else 1
    header_size = 8
    # Every full strip points at the one stored stream of zeros; the last strip
    # (fewer rows) has its own.
    data = (full if strips > 1 else b"") + last
    offsets = [header_size] * (strips - 1) + [header_size + len(data) - len(last)]
    counts = [len(full)] * (strips - 1) + [len(last)]
    ifd_start = header_size + len(data)
    ifd_start += ifd_start % 2
    extra_samples = [2] if samples in (2, 4) else []  # unassociated alpha
    entries = [
        (256, 4, 1, [width]),
        (257, 4, 1, [height]),
        (258, 3, samples, [bits] * samples),
        (259, 3, 1, [8]),  # Adobe deflate
        (262, 3, 1, [photometric]),
        (273, 4, strips, offsets),
        (277, 3, 1, [samples]),
        (278, 4, 1, [rps]),
        (279, 4, strips, counts),
    ]
    if extra_samples:
        entries.append((338, 3, 1, extra_samples))
    entries.sort()
    n = len(entries)
    ifd_size = 2 + 12 * n + 4
    values = bytearray()
    values_start = ifd_start + ifd_size
    ifd = bytearray(struct.pack("<H", n))
    for tag, typ, count, vals in entries:
        fmt = "<H" if typ == 3 else "<I"
        packed = b"".join(struct.pack(fmt, v) for v in vals)
        if len(packed) <= 4:
            ifd += struct.pack("<HHI", tag, typ, count) + packed.ljust(4, b"\0")
        else:
            ifd += struct.pack("<HHII", tag, typ, count, values_start + len(values))
            values += packed
            if len(values) % 2:
                values += b"\0"
    ifd += struct.pack("<I", 0)
    out = bytearray(b"II*\0" + struct.pack("<I", ifd_start))
    out += data
    out += b"\0" * (ifd_start - len(out))
    out += ifd + values
    return bytes(out)


def jpeg_header(
    width: int, height: int, *, progressive: bool = False, components: int = 3
) -> bytes:
    """Return the start of a JPEG that declares ``width`` x ``height`` pixels.

    Real tables and a start of scan follow the frame header, then a few bytes of
    entropy-coded data and no end marker: a truncated file, as an attacker sends
    it to make a decoder allocate the declared size.
    """
    from PIL import Image

    buf = io.BytesIO()
    mode = "L" if components == 1 else "RGB"
    Image.new(mode, (16, 16), 0).save(buf, format="JPEG", progressive=progressive)
    data = buf.getvalue()
    sof = b"\xff\xc2" if progressive else b"\xff\xc0"
    at = data.index(sof)
    # SOFn: marker, length (2), precision (1), height (2), width (2), ...
    patched = data[: at + 5] + struct.pack(">HH", height, width) + data[at + 9 :]
    sos = patched.index(b"\xff\xda")
    length = struct.unpack(">H", patched[sos + 2 : sos + 4])[0]
    scan = patched[sos + 2 + length :]
    if scan.endswith(b"\xff\xd9"):
        scan = scan[:-2]  # no end marker: the file stops inside the scan
    return patched[: sos + 2 + length] + scan[:64]


def _pdf_bytes(build: object) -> bytes:
    import pikepdf

    pdf = pikepdf.new()
    build(pdf)  # type: ignore[operator]
    out = io.BytesIO()
    # Keep the deflate streams as written (qpdf would inflate and recompress them).
    pdf.save(out, stream_decode_level=pikepdf.StreamDecodeLevel.none)
    return out.getvalue()


def pdf_with_page(width_pt: float, height_pt: float) -> bytes:
    """Return a one-page PDF with an empty page of the given size in points."""
    import pikepdf

    def build(pdf: pikepdf.Pdf) -> None:
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, width_pt, height_pt],
            Contents=pikepdf.Stream(pdf, b"0 0 1 1 re f"),
        )
        pdf.pages.append(pikepdf.Page(page))

    return _pdf_bytes(build)


def pdf_with_image(
    width: int,
    height: int,
    *,
    bits: int = 8,
    colour: str = "/DeviceGray",
    page_pt: tuple[float, float] = (595.0, 842.0),
    in_form: bool = False,
) -> bytes:
    """Return a one-page PDF whose page shows one all-zero image (a "scan").

    ``in_form`` draws the image from inside a form XObject, where a check that
    looks only at the page's own resources would miss it.
    """
    import pikepdf

    samples = 3 if colour == "/DeviceRGB" else 1
    row = (width * samples * bits + 7) // 8

    def build(pdf: pikepdf.Pdf) -> None:
        image = pikepdf.Stream(pdf, b"")
        image.write(zeros_deflate(row * height), filter=pikepdf.Name.FlateDecode)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width = width
        image.Height = height
        image.BitsPerComponent = bits
        image.ColorSpace = pikepdf.Name(colour)
        w, h = page_pt
        draw = f"q {w} 0 0 {h} 0 0 cm /Im0 Do Q".encode()
        xobjects = pikepdf.Dictionary(Im0=image)
        if in_form:
            form = pikepdf.Stream(pdf, draw)
            form.Type = pikepdf.Name.XObject
            form.Subtype = pikepdf.Name.Form
            form.BBox = [0, 0, w, h]
            form.Resources = pikepdf.Dictionary(XObject=xobjects)
            xobjects = pikepdf.Dictionary(Fm0=form)
            draw = b"/Fm0 Do"
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, w, h],
            Resources=pikepdf.Dictionary(XObject=xobjects),
            Contents=pikepdf.Stream(pdf, draw),
        )
        pdf.pages.append(pikepdf.Page(page))

    return _pdf_bytes(build)


def pdf_many_pages(n: int) -> bytes:
    """Return a PDF of ``n`` empty pages in one flat page tree (written directly)."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = [0]

    def obj(body: bytes) -> None:
        offsets.append(len(out))
        out.extend(b"%d 0 obj\n" % (len(offsets) - 1) + body + b"\nendobj\n")

    obj(b"<</Type/Catalog/Pages 2 0 R>>")
    kids = b" ".join(b"%d 0 R" % (i + 3) for i in range(n))
    obj(b"<</Type/Pages/Count %d/Kids[%s]>>" % (n, kids))
    for _ in range(n):
        obj(b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>")
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % len(offsets)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets[1:])
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets),
        xref,
    )
    return bytes(out)


def pdf_with_annotation_image(width: int, height: int) -> bytes:
    """Return an A4 PDF whose only image sits in a stamp annotation's appearance."""
    import pikepdf

    def build(pdf: pikepdf.Pdf) -> None:
        image = pikepdf.Stream(pdf, b"")
        image.write(zeros_deflate(width * height), filter=pikepdf.Name.FlateDecode)
        image.Type = pikepdf.Name.XObject
        image.Subtype = pikepdf.Name.Image
        image.Width = width
        image.Height = height
        image.BitsPerComponent = 8
        image.ColorSpace = pikepdf.Name.DeviceGray
        form = pikepdf.Stream(pdf, b"q 100 0 0 100 0 0 cm /Im0 Do Q")
        form.Type = pikepdf.Name.XObject
        form.Subtype = pikepdf.Name.Form
        form.BBox = [0, 0, 100, 100]
        form.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
        annot = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Stamp,
            Rect=[100, 100, 200, 200],
            AP=pikepdf.Dictionary(N=form),
        )
        page = pikepdf.Dictionary(
            Type=pikepdf.Name.Page,
            MediaBox=[0, 0, 595, 842],
            Annots=[pdf.make_indirect(annot)],
        )
        pdf.pages.append(pikepdf.Page(page))

    return _pdf_bytes(build)
