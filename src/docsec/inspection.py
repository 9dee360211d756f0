"""Show what a seal says without verifying it (``docsec inspect``).

Everything returned here is UNVERIFIED: it is what the bytes claim, for debugging
and for reading seals of issuers one does not trust. Never base a decision on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docsec import barcode as _barcode
from docsec import formats as _formats
from docsec import imaging, inputs
from docsec import seal as _seal
from docsec._types import GrayImage
from docsec.errors import InputError, PayloadError

__all__ = ["InspectionReport", "describe_unverified", "inspect_file"]

_MAX_SEAL_FILE = 64 * 1024


def describe_unverified(data: bytes) -> dict[str, object]:
    """Describe seal bytes without verifying anything.

    Parameters
    ----------
    data : bytes
        Bytes as read from a barcode.

    Returns
    -------
    dict
        ``verified`` (always ``False``), ``hex``, and either the decoded header,
        profile and fields, or ``error`` when the bytes are not a valid seal.
    """
    out: dict[str, object] = {"verified": False, "length": len(data), "hex": data.hex()}
    fmt = _formats.detect(data)
    if fmt is not None and fmt is not _formats.VDS:
        return _describe_other(fmt, data, out)
    try:
        parsed = _seal.parse_unverified(data)
    except PayloadError as exc:
        out["error"] = str(exc)
        return out
    h = parsed.header
    decoded = _seal.decode_fields(parsed)
    out.update(
        {
            "header_version": h.icao_version,
            "issuing_country": h.issuing_country,
            "signer_identifier": h.signer_identifier,
            "certificate_reference": h.certificate_reference,
            "issue_date": h.issue_date.isoformat(),
            "signature_date": h.signature_date.isoformat(),
            "feature_definition_reference": h.feature_def_ref,
            "document_type_category": h.doc_type_category,
            "profile": decoded.profile,
            "fields": [[f.name, f.value] for f in decoded.fields],
            "signature_length": len(parsed.signature) if parsed.signature else 0,
        }
    )
    return out


def _describe_other(
    fmt: _formats.SealFormat, data: bytes, out: dict[str, object]
) -> dict[str, object]:
    """Describe a 2D-Doc or EU DCC through the format protocol (unverified)."""
    out["format"] = fmt.name
    try:
        parsed = fmt.parse_unverified(data)
    except PayloadError as exc:
        out["error"] = str(exc)
        return out
    out.update(
        {
            "summary": parsed.summary,
            "issuing_country": parsed.country,
            "signer_identifier": parsed.signer.issuer,
            "certificate_reference": parsed.signer.reference,
            "document_type": parsed.document_type,
            "issue_date": parsed.issue_date.isoformat() if parsed.issue_date else None,
            "signature_date": parsed.signature_date.isoformat()
            if parsed.signature_date
            else None,
            "valid_until": parsed.valid_until.isoformat()
            if parsed.valid_until
            else None,
            "profile": f"{fmt.title}: {parsed.document_type}",
            "fields": [[f.label, f.value] for f in fmt.decode_fields(parsed)],
            "signature_length": len(parsed.signature) if parsed.signature else 0,
        }
    )
    return out


@dataclass(frozen=True, slots=True)
class InspectionReport:
    """Unverified description of the seals in one input.

    Attributes
    ----------
    input : str
        The file inspected.
    seals : tuple of dict
        One :func:`describe_unverified` entry per seal or barcode found.
    malformed : bool
        Something claimed to be a seal (raw seal bytes, or a barcode starting
        with the VDS magic byte) and does not parse as one.
    """

    input: str
    seals: tuple[dict[str, object], ...]
    malformed: bool = False

    @property
    def valid_seals(self) -> int:
        """Return how many entries parse as seals (still UNVERIFIED)."""
        return sum(1 for s in self.seals if "error" not in s)

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (``verified`` is always ``False``)."""
        return {"input": self.input, "verified": False, "seals": list(self.seals)}


def inspect_file(
    path: str | Path,
    *,
    max_pixels: int = imaging.DEFAULT_MAX_PIXELS,
    max_bytes: int = imaging.DEFAULT_MAX_BYTES,
    max_memory: int = imaging.DEFAULT_MAX_MEMORY,
) -> InspectionReport:
    """Read seal bytes, or find seals in an image or PDF, and describe them, unverified.

    The file is read as :func:`docsec.verify.verify_file` reads it: only a regular
    file within ``max_bytes``; an image decoded within the limits; a PDF checked
    against them before its pages are rendered (the single image of a scanned page
    at its own resolution, else the first pages at 200 then 400 dpi).

    Returns
    -------
    InspectionReport

    Raises
    ------
    InputError
        If the file cannot be read, or is over a limit.
    """
    p = Path(path)
    data = inputs.read_regular_file(p, max_bytes=max_bytes)
    kind = inputs.sniff(data, p.suffix)
    if kind == "seal":
        if len(data) > _MAX_SEAL_FILE:
            raise InputError(f"{p.name} is too large to be seal bytes")
        described = describe_unverified(data)
        return InspectionReport(str(p), (described,), malformed="error" in described)
    if kind == "pdf":
        found = _pdf_symbols(data, max_pixels=max_pixels, max_memory=max_memory)
    else:
        loaded = imaging.decode_image(
            data, max_pixels=max_pixels, max_memory=max_memory, gray=True, name=p.name
        )
        del data
        found = _symbols(loaded.image)
    entries = tuple(describe_unverified(d) for d in found)
    malformed = any(
        _formats.detect(d) is not None and "error" in e
        for d, e in zip(found, entries, strict=True)
    )
    return InspectionReport(str(p), entries, malformed=malformed)


def _symbols(image: GrayImage) -> list[bytes]:
    found = [s.data for s in _barcode.read(image)]
    if not any(_formats.detect(d) for d in found):
        found += [s.data for s in _barcode.read_qr(image)]
    return list(dict.fromkeys(found))


def _pdf_symbols(data: bytes, *, max_pixels: int, max_memory: int) -> list[bytes]:
    """Find barcodes on a PDF's pages as verification does, within the limits."""
    from docsec import pdf as _pdf
    from docsec.verify import _MAX_PDF_PAGES, _RENDER_DPI

    count = _pdf.check_budget(
        data,
        pages=_MAX_PDF_PAGES,
        dpi=_RENDER_DPI[0],
        max_pixels=max_pixels,
        max_memory=max_memory,
    )
    try:
        scanned = _pdf.scanned_page_image(
            data, max_pixels=max_pixels, max_memory=max_memory
        )
    except InputError:
        scanned = None
    if scanned is not None:
        found = _symbols(scanned[0])
        if found:
            return found
    for dpi in _RENDER_DPI:
        for index in range(min(count, _MAX_PDF_PAGES)):
            try:
                page = _pdf.render_page(
                    data, dpi=dpi, page=index, max_pixels=max_pixels
                )
            except InputError:
                if dpi == _RENDER_DPI[0]:
                    raise
                continue
            found = _symbols(page)
            if found:
                return found
    return []
