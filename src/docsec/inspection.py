"""Show what a seal says without verifying it (``docsec inspect``).

Everything returned here is UNVERIFIED: it is what the bytes claim, for debugging
and for reading seals of issuers one does not trust. Never base a decision on it.
"""

from __future__ import annotations

from pathlib import Path

from docsec import barcode as _barcode
from docsec import imaging
from docsec import seal as _seal
from docsec.errors import InputError, PayloadError

__all__ = ["describe_unverified", "inspect_file"]

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


def inspect_file(
    path: str | Path, *, max_pixels: int = imaging.DEFAULT_MAX_PIXELS
) -> dict[str, object]:
    """Read seal bytes or find seals in an image and describe them, unverified.

    Returns
    -------
    dict
        ``{"input": str, "verified": False, "seals": [...]}`` with one
        :func:`describe_unverified` entry per seal or barcode found.

    Raises
    ------
    InputError
        If the file cannot be read.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(1)
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if p.suffix.lower() == ".bin" or head == b"\xdc":
        data = p.read_bytes()
        if len(data) > _MAX_SEAL_FILE:
            raise InputError(f"{p.name} is too large to be seal bytes")
        found = [data]
    else:
        loaded = imaging.read_image(p, max_pixels=max_pixels)
        found = list(dict.fromkeys(s.data for s in _barcode.read(loaded.image)))
    return {
        "input": str(p),
        "verified": False,
        "seals": [describe_unverified(d) for d in found],
    }
