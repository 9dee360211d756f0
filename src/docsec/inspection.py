"""Show what a seal says without verifying it (``docsec inspect``).

Everything returned here is UNVERIFIED: it is what the bytes claim, for debugging
and for reading seals of issuers one does not trust. Never base a decision on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docsec import barcode as _barcode
from docsec import imaging
from docsec import seal as _seal
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


@dataclass(frozen=True, slots=True)
class InspectionReport:
    """Unverified description of the seals in one input.

    Attributes
    ----------
    input : str
        The file inspected.
    seals : tuple of dict
        One :func:`describe_unverified` entry per seal or barcode found.
    """

    input: str
    seals: tuple[dict[str, object], ...]

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form (``verified`` is always ``False``)."""
        return {"input": self.input, "verified": False, "seals": list(self.seals)}


def inspect_file(
    path: str | Path, *, max_pixels: int = imaging.DEFAULT_MAX_PIXELS
) -> InspectionReport:
    """Read seal bytes or find seals in an image and describe them, unverified.

    Returns
    -------
    InspectionReport

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
    return InspectionReport(str(p), tuple(describe_unverified(d) for d in found))
