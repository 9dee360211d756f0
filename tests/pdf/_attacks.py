"""Builders for tampered PDFs, shared by tests/pdf/test_attacks.py and samples/regenerate.py.

Each builder takes an issued PDF (bytes) and returns a tampered copy; nothing here
verifies. Kept free of pytest so that the sample script can import it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from docsec import pdf

#: A white box over the holder's name on the built-in template (PDF points).
WHITE_OUT_HOLDER = b"q 1 g 176 604 360 30 re f Q"


def update(data: bytes, change: Callable[[IncrementalPdfFileWriter], None]) -> bytes:
    """Return ``data`` with an incremental update made by ``change``."""
    w = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    change(w)
    out = io.BytesIO()
    w.write(out)
    return out.getvalue()


def first_page(w: IncrementalPdfFileWriter) -> generic.DictionaryObject:
    """Return the first page's dictionary in an incremental writer."""
    page = w.root["/Pages"]["/Kids"][0].get_object()
    if not isinstance(page, generic.DictionaryObject):
        raise TypeError("the first page is not a dictionary")
    return page


def append_to_contents(w: IncrementalPdfFileWriter, stream: generic.PdfObject) -> None:
    """Append a content stream (object or reference) to the first page."""
    page = first_page(w)
    contents = page["/Contents"]
    arr = generic.ArrayObject(
        list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    )
    arr.append(stream)
    page["/Contents"] = arr
    w.update_container(page)


def append_page_content(data: bytes, ops: bytes = WHITE_OUT_HOLDER) -> bytes:
    """Draw ``ops`` over the first page in an incremental update after the signature."""

    def change(w: IncrementalPdfFileWriter) -> None:
        append_to_contents(w, w.add_object(generic.StreamObject(stream_data=ops)))

    return update(data, change)


def flip_signed_byte(data: bytes, offset: int = 2000) -> bytes:
    """Flip the lowest bit of one byte inside the first signed byte range."""
    m = re.search(rb"/ByteRange\s*\[\s*0\s+(\d+)\s", data)
    if m is None or not 0 < offset < int(m.group(1)):
        raise ValueError(f"offset {offset} is not inside the first signed range")
    out = bytearray(data)
    out[offset] ^= 0x01
    return bytes(out)


def untrusted_signer(
    common_name: str = "Mallory", *, now: datetime | None = None
) -> pdf.PdfSigningKey:
    """Return a fresh self-signed P-256 signer that no trust store knows.

    Its certificate is valid from a day before ``now`` (default: the current time)
    for 30 days.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC) if now is None else now
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return pdf.PdfSigningKey(key, cert)


def forged_page_with_genuine_seal(
    issued: bytes,
    forged_data: dict[str, Any],
    signer: pdf.PdfSigningKey,
    *,
    document_number: str,
) -> bytes:
    """Copy the genuine seal of ``issued`` onto a page made from ``forged_data``.

    The forger stamps the seal with docsec's own tools and signs the page with
    ``signer`` (a key of their own).
    """
    genuine_seal = pdf.declared_seal(issued)
    if genuine_seal is None:
        raise ValueError("the PDF declares no seal")
    page = pdf.protect(
        pdf.template_pdf(forged_data),
        seal_bytes=genuine_seal,
        document_number=document_number,
    )
    return pdf.sign_pdf(page, signer)


# ----------------------------------------------------------- hand-made updates
#
# An attacker writes bytes, not PDFs through a library: these helpers append
# exactly the objects asked for, with an xref table and a trailer, and nothing
# else (the writers of pyHanko and pikepdf add XMP dates, fonts and the like).


def _last(data: bytes, pattern: bytes) -> re.Match[bytes]:
    found = list(re.finditer(pattern, data))
    if not found:
        raise ValueError(f"{pattern!r} not found")
    return found[-1]


def serialise(obj: generic.PdfObject) -> bytes:
    """Return a pyHanko object in PDF syntax (references stay ``N G R``)."""
    out = io.BytesIO()
    obj.write_to_stream(out, None)
    return out.getvalue()


def raw_update(
    data: bytes,
    objects: dict[int, bytes],
    *,
    eof: bool = True,
    trailer_extra: bytes = b"",
    generations: dict[int, int] | None = None,
) -> bytes:
    """Append an incremental update made of ``objects`` (number -> value syntax).

    ``generations`` gives an object another generation than 0.

    The trailer copies /Root, /Info and /ID from the file's last trailer and
    points /Prev at its xref. ``eof=False`` leaves out the final ``%%EOF``.
    """
    prev = int(_last(data, rb"startxref\s+(\d+)\s+%%EOF").group(1))
    trailer = _last(data, rb"(?s)trailer\s*<<(.*?)>>\s*startxref").group(1)
    keep = b" ".join(
        m.group(0)
        for key in (rb"/Root\s+\d+\s+\d+\s+R", rb"/Info\s+\d+\s+\d+\s+R")
        if (m := re.search(key, trailer)) is not None
    )
    ids = re.search(rb"/ID\s*\[[^\]]*\]", trailer)
    size = int(_last(data, rb"/Size\s+(\d+)").group(1))
    out = bytearray(data if data.endswith(b"\n") else data + b"\n")
    offsets = {}
    gens = generations or {}
    for number, value in sorted(objects.items()):
        offsets[number] = len(out)
        out += b"%d %d obj\n%s\nendobj\n" % (number, gens.get(number, 0), value)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number, offset in sorted(offsets.items()):
        out += b"%d 1\n%010d %05d n \n" % (number, offset, gens.get(number, 0))
    size = max(size, *(n + 1 for n in objects))
    out += b"trailer\n<< %s /Size %d %s /Prev %d %s>>\nstartxref\n%d\n" % (
        keep,
        size,
        ids.group(0) if ids else b"",
        prev,
        trailer_extra,
        xref,
    )
    if eof:
        out += b"%%EOF\n"
    return bytes(out)


def stream(content: bytes, **entries: bytes) -> bytes:
    """Return a stream object's syntax with /Length and the given entries."""
    extra = b"".join(b" /%s %s" % (k.encode(), v) for k, v in entries.items())
    return b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(content), extra, content)


def reader(data: bytes) -> Any:
    """Return pyHanko's reader over ``data``."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    return PdfFileReader(io.BytesIO(data), strict=False)


def page_ref(data: bytes) -> generic.Reference:
    """Return the reference of the first page."""
    kids = reader(data).root["/Pages"].raw_get("/Kids")
    ref = kids.raw_get(0)
    if not isinstance(ref, generic.IndirectObject):
        raise TypeError("the first page is not an indirect object")
    return ref.reference


def next_number(data: bytes) -> int:
    """Return the first unused object number."""
    return int(_last(data, rb"/Size\s+(\d+)").group(1))


def page_with_content(data: bytes, content_number: int) -> bytes:
    """Return the first page's dictionary with one more content stream appended."""
    page = reader(data).root["/Pages"]["/Kids"][0]
    contents = page.raw_get("/Contents")
    items = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    items.append(generic.IndirectObject(content_number, 0, None))
    page[generic.NameObject("/Contents")] = generic.ArrayObject(items)
    return serialise(page)


def update_without_eof(data: bytes, ops: bytes = WHITE_OUT_HOLDER) -> bytes:
    """Draw ``ops`` over the page in an update that has no final ``%%EOF`` line.

    Small enough (under 1 KiB) that a reader looking for ``%%EOF`` near the end
    finds the signed revision's marker and stops there (pyHanko, pdfium).
    """
    n = next_number(data)
    page = page_ref(data)
    return raw_update(
        data,
        {n: stream(ops), page.idnum: page_with_content(data, n)},
        eof=False,
    )


def objects_without_xref(data: bytes, ops: bytes = WHITE_OUT_HOLDER) -> bytes:
    """Append redefined objects with no xref section at all.

    Readers that rebuild a damaged file's xref by scanning for ``obj`` take the
    last definition of each object.
    """
    n = next_number(data)
    page = page_ref(data)
    return data + (
        b"%d 0 obj\n%s\nendobj\n%d 0 obj\n%s\nendobj\n"
        % (n, stream(ops), page.idnum, page_with_content(data, n))
    )


def info_title_update(data: bytes, title: str = "FORGED") -> bytes:
    """Rewrite only the document information dictionary's /Title."""
    r = reader(data)
    info_ref = r.trailer.raw_get("/Info")
    info = generic.DictionaryObject(info_ref.get_object())
    info[generic.NameObject("/Title")] = generic.TextStringObject(title)
    return raw_update(data, {info_ref.idnum: serialise(info)})


def xmp_update(data: bytes, title: str = "FORGED") -> bytes:
    """Rewrite only the XMP metadata packet, adding a dc:title."""
    r = reader(data)
    ref = r.root.raw_get("/Metadata")
    xmp = ref.get_object().data
    dc = (
        b'<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">'
        b'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">%s</rdf:li></rdf:Alt>'
        b"</dc:title></rdf:Description>\n</rdf:RDF>" % title.encode()
    )
    new = xmp.replace(b"</rdf:RDF>", dc, 1)
    return raw_update(
        data, {ref.idnum: stream(new, Type=b"/Metadata", Subtype=b"/XML")}
    )


def signature_gap(data: bytes, index: int = 0) -> tuple[int, int, int]:
    """Return ``(a, b, c)`` of the ``index``-th signature's ``/ByteRange [0 a b c]``."""
    found = list(
        re.finditer(rb"/ByteRange\s*\[\s*0\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    )
    a, b, c = (int(x) for x in found[index].groups())
    return a, b, c


def change_in_gap(data: bytes, offset_from_end: int, new: bytes) -> bytes:
    """Overwrite bytes inside the first signature's /Contents, counted from its '>'."""
    _a, b, _c = signature_gap(data)
    at = b - 1 - offset_from_end
    if data[at : at + len(new)] == new:
        raise ValueError("the replacement changes nothing")
    return data[:at] + new + data[at + len(new) :]


def lowercase_contents(data: bytes) -> bytes:
    """Write the first signature's /Contents hex in lower case: the same bytes."""
    a, b, _c = signature_gap(data)
    return data[:a] + data[a:b].lower() + data[b:]


def second_contents_in_gap(data: bytes) -> bytes:
    """Put a second /Contents key inside the gap, keeping the byte range.

    The gap becomes ``<DER> /Contents <DER + zeros>``: a reader that takes a
    repeated key's first value and one that takes its last both find the real
    signature, and the signed bytes are untouched.
    """
    a, b, _c = signature_gap(data)
    digits = data[a + 1 : b - 1]
    der_len = 2 * (2 + _der_len(bytes.fromhex(digits[:16].decode())))
    der = digits[:der_len]
    head = b"<" + der + b"> /Contents <" + der
    if len(head) + 1 > b - a:
        raise ValueError("no room in the gap")
    gap = head + b"0" * (b - a - len(head) - 1) + b">"
    return data[:a] + gap + data[b:]


def _der_len(head: bytes) -> int:
    first = head[1]
    if first < 0x80:
        return first
    count = first & 0x7F
    return int.from_bytes(head[2 : 2 + count], "big") + count


def signature_wrapping(data: bytes, ops: bytes = WHITE_OUT_HOLDER) -> bytes:
    """Signature wrapping (Mladenov et al. 2019): move the second signed range.

    The signed bytes after /Contents are moved to the end of the file, inside an
    unused stream; the gap, which now holds the original /Contents, a new
    /ByteRange pointing at the moved bytes and the forged objects, is not
    covered. The digest over the two ranges is unchanged.
    """
    a, b, c = signature_gap(data)
    second = data[b : b + c]
    end_of_dict = second.index(b"endobj") + len(b"endobj")
    # The rest of the signature dictionary, with a /ByteRange to be filled in.
    rest = second[:end_of_dict]
    old_range = re.search(rb"/ByteRange\s*\[[^\]]*\]", rest)
    if old_range is None:
        raise ValueError("no /ByteRange after /Contents")
    page = page_ref(data)
    n = next_number(data)
    forged = b"\n%d 0 obj\n%s\nendobj\n%d 0 obj\n%s\nendobj\n" % (
        n,
        stream(ops),
        page.idnum,
        page_with_content(data, n),
    )
    holder = b"%d 0 obj\n<< /Length %d >>\nstream\n" % (n + 1, len(second))

    def build(new_b: int) -> bytes:
        new_range = b"/ByteRange [0 %d %d %d]" % (a, new_b, c)
        dict_rest = rest[: old_range.start()] + new_range + rest[old_range.end() :]
        return data[:b] + dict_rest + forged + holder

    size = 0
    while len(prefix := build(size)) != size:  # /ByteRange's digits change the size
        size = len(prefix)
    body = prefix + second + b"\nendstream\nendobj\n"
    # One new xref section replaces the signed revision's (now inside the
    # holder stream): its objects at their new offsets, and the forged ones.
    r = reader(data)
    signed = r.xrefs.total_revisions - 1
    offsets = {}
    for ref in r.xrefs.explicit_refs_in_revision(signed):
        offset = r.xrefs.get_historical_ref(ref, signed)
        offsets[ref.idnum] = offset if offset < a else offset - b + len(prefix)
    offsets[page.idnum] = body.index(b"\n%d 0 obj" % page.idnum, b) + 1
    offsets[n] = body.index(b"\n%d 0 obj" % n, b) + 1
    trailer = _last(data[: b + c], rb"(?s)trailer\s*<<(.*?)>>\s*startxref").group(1)
    trailer = re.sub(rb"/Size\s+\d+", b"/Size %d" % (n + 2), trailer)
    xref = len(body)
    entries = b"xref\n0 1\n0000000000 65535 f \n"
    for number, offset in sorted(offsets.items()):
        entries += b"%d 1\n%010d 00000 n \n" % (number, offset)
    return (
        body
        + entries
        + b"trailer\n<<%s>>\nstartxref\n%d\n%%%%EOF\n"
        % (
            trailer,
            xref,
        )
    )


def strip_signature(data: bytes, ops: bytes = WHITE_OUT_HOLDER) -> bytes:
    """Remove the signature field from the form and draw ``ops``, in one update."""
    r = reader(data)
    root_ref = r.trailer.raw_get("/Root")
    root = generic.DictionaryObject(r.root)
    for key in ("/AcroForm", "/Perms"):
        root.pop(generic.NameObject(key), None)
    page = page_ref(data)
    n = next_number(data)
    page_dict = r.root["/Pages"]["/Kids"][0]
    page_dict.pop(generic.NameObject("/Annots"), None)
    contents = page_dict.raw_get("/Contents")
    items = list(contents) if isinstance(contents, generic.ArrayObject) else [contents]
    items.append(generic.IndirectObject(n, 0, None))
    page_dict[generic.NameObject("/Contents")] = generic.ArrayObject(items)
    return raw_update(
        data,
        {
            root_ref.idnum: serialise(root),
            page.idnum: serialise(page_dict),
            n: stream(ops),
        },
    )


def dss_update(
    data: bytes,
    cert_der: bytes,
    *,
    extra: dict[int, bytes] | None = None,
    catalog: dict[str, generic.PdfObject] | None = None,
    cert_number: int | None = None,
    cert_generation: int = 0,
) -> bytes:
    """Append a DSS update shaped like pyHanko's B-LT one, plus ``extra`` objects.

    The catalog gains ``/DSS`` (and the ``catalog`` entries); the DSS lists one
    certificate stream, object ``cert_number`` (default: a new object) with
    generation ``cert_generation``.
    """
    r = reader(data)
    root_ref = r.trailer.raw_get("/Root")
    root = generic.DictionaryObject(r.root)
    n = next_number(data)
    cert_n = n if cert_number is None else cert_number
    root[generic.NameObject("/DSS")] = generic.IndirectObject(n + 1, 0, None)
    for key, value in (catalog or {}).items():
        root[generic.NameObject(key)] = value
    objects = {
        root_ref.idnum: serialise(root),
        n + 1: b"<< /Certs [%d %d R] >>" % (cert_n, cert_generation),
        cert_n: stream(cert_der),
    }
    objects.update(extra or {})
    return raw_update(data, objects, generations={cert_n: cert_generation})


# ------------------------------------------------------------------ scanned PDFs


def image_pdf(
    image: Any, *, page_size: tuple[float, float] = (595.2756, 841.8898)
) -> bytes:
    """Wrap a (H, W) uint8 gray image as a one-page PDF, as a scanner app does."""
    import pikepdf

    doc = pikepdf.new()
    doc.add_blank_page(page_size=page_size)
    img = pikepdf.Stream(doc, image.tobytes())
    img.Type, img.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
    img.Width, img.Height = image.shape[1], image.shape[0]
    img.ColorSpace, img.BitsPerComponent = pikepdf.Name.DeviceGray, 8
    pg = doc.pages[0]
    pg.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=img))
    w, h = page_size
    pg.Contents = pikepdf.Stream(doc, b"q %.4f 0 0 %.4f 0 0 cm /Im0 Do Q" % (w, h))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def edited_render(issued: bytes, text: str = "MALLORY", dpi: float = 300.0) -> Any:
    """Render an issued PDF and replace the holder's name in the pixels."""
    import cv2

    page = pdf.render_page(issued, dpi=dpi).copy()
    scale = dpi / 72.0
    # WHITE_OUT_HOLDER's box (PDF points, origin bottom left) in image pixels.
    x0, y_top = int(176 * scale), int((841.8898 - 604 - 30) * scale)
    w, h = int(360 * scale), int(30 * scale)
    page[y_top : y_top + h, x0 : x0 + w] = 255
    cv2.putText(
        page,
        text,
        (x0 + 5, y_top + h - int(6 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        2.0 * scale / 4.17,
        0,
        max(1, int(scale)),
    )
    return page
