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
