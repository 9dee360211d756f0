"""Issuing: turn certificate data into a signed seal (and, later, a protected PDF)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from docsec import seal as _seal
from docsec import trust as _trust
from docsec.errors import KeyMaterialError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

__all__ = ["icao_country_code", "issue_seal"]

logger = logging.getLogger(__name__)

# ISO 3166-1 alpha-2 -> the three-character code ICAO Doc 9303-3 uses in documents.
# Germany is the one exception to alpha-3 ("D" padded with fillers).
_ICAO_COUNTRY = {
    "KR": "KOR",
    "DE": "D",
    "FR": "FRA",
    "UT": "UTO",  # ICAO's fictional Utopia, used by specimen documents
    "US": "USA",
    "GB": "GBR",
    "JP": "JPN",
    "NL": "NLD",
    "AT": "AUT",
    "CH": "CHE",
    "IT": "ITA",
    "ES": "ESP",
}


def icao_country_code(alpha2: str) -> str:
    """Return the ICAO 9303 country code for an ISO 3166-1 alpha-2 code.

    Examples
    --------
    >>> icao_country_code("KR")
    'KOR'
    >>> icao_country_code("DE")
    'D'
    """
    code = _ICAO_COUNTRY.get(alpha2.upper())
    if code is None:
        raise KeyMaterialError(
            f"no ICAO country code known for {alpha2!r}; supported: "
            f"{', '.join(sorted(_ICAO_COUNTRY))}"
        )
    return code


def issue_seal(
    data: Mapping[str, object],
    *,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    signature_date: date | None = None,
) -> bytes:
    """Sign certificate data into seal bytes (ICAO 9303-13 VDS, docsec profile).

    Parameters
    ----------
    data : mapping
        Certificate data as in ``samples/data/*.json`` (see docs/seal-format.md).
    key : EllipticCurvePrivateKey
        The issuer's signing key; must match ``cert``.
    cert : x509.Certificate
        The issuer's certificate: it names the signer in the seal header.
    signature_date : date, optional
        Date written as the signing date (default: today, UTC).

    Returns
    -------
    bytes
        The complete seal, ready for :func:`docsec.barcode.encode`.

    Raises
    ------
    KeyMaterialError
        If the key does not belong to the certificate, or the certificate is not
        valid on the signing date.
    PayloadError
        If the data does not fit the profile.
    """
    from cryptography.hazmat.primitives import serialization

    spki = serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    try:
        cert_pub = cert.public_key().public_bytes(*spki)
    except Exception as exc:
        raise KeyMaterialError(f"cannot use the issuer certificate: {exc}") from exc
    if key.public_key().public_bytes(*spki) != cert_pub:
        raise KeyMaterialError(
            "the signing key does not belong to the issuer certificate"
        )
    signer = _trust.signer_identifier(cert)  # ICAO: country (2) + signer code (2)
    day = signature_date or datetime.now(UTC).date()
    if not cert.not_valid_before_utc.date() <= day <= cert.not_valid_after_utc.date():
        raise KeyMaterialError(
            f"the issuer certificate is not valid on the signing date {day.isoformat()} "
            f"(valid {cert.not_valid_before_utc.date().isoformat()} to "
            f"{cert.not_valid_after_utc.date().isoformat()})"
        )
    sealed = _seal.build_certificate_seal(
        data,
        key=key,
        signer_identifier=signer,
        certificate_reference=_trust.certificate_reference(cert),
        issuing_country=icao_country_code(signer[:2]),
        signature_date=day,
    )
    logger.info("issued seal of %d bytes", len(sealed))
    return sealed
