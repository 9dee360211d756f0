"""Opening a PDF with each of the three libraries; its page count and page size.

pikepdf (:func:`_open`), pyHanko (:func:`_pyhanko_reader`) and pypdfium2
(:func:`_pdfium_open`) are imported inside these functions, never at import time;
a file that needs a password is an :class:`~docsec.errors.InputError` from each.
"""

from __future__ import annotations

import io
from typing import Any

from docsec import _pyhanko, _template, inputs
from docsec.errors import InputError

__all__ = ["is_pdf", "page_count", "page_size_mm"]


_MM = _template.MM


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
        raise InputError(f"not a readable PDF: {inputs.plain_message(exc)}") from exc


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
            f"pdfium cannot open the PDF: {inputs.plain_message(exc)}"
        ) from exc
