"""Issuing: turn certificate data into a signed seal, or into a protected, signed PDF.

Issuing owns the seal (:func:`issue_seal`: the data, the dates it signs, the signer)
and hands the page to :func:`docsec.pdf.build.build_pdf` in one call, which makes
the marks, the seal's layout, the stamping and the PAdES signature. The mark
providers live beside the marks in :mod:`docsec.pdf.marks`; they stay importable
from here (imported on first use, so ``import docsec.issuing`` loads no PDF or
image library).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, date, datetime
from importlib import import_module
from typing import TYPE_CHECKING, Any, Literal

from docsec import seal as _seal
from docsec import trust as _trust
from docsec.errors import InputError, KeyMaterialError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.keys import SecretKey
    from docsec.pdf import MarkSource
    from docsec.pdf.marks import (
        copy_detection_mark,
        pantograph_mark,
        watermark_mark,
    )
    from docsec.trust import TrustStore

__all__ = [
    "copy_detection_mark",
    "icao_country_code",
    "issue",
    "issue_seal",
    "pantograph_mark",
    "watermark_mark",
]

logger = logging.getLogger(__name__)

# Names that moved to docsec.pdf.marks, importable from here as before.
_MOVED = ("DEFAULT_TINT", "copy_detection_mark", "pantograph_mark", "watermark_mark")


def __getattr__(name: str) -> Any:
    if name in _MOVED:
        value = getattr(import_module("docsec.pdf.marks"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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


def issue(
    data: Mapping[str, object],
    *,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    pdf: bytes | None = None,
    page: int = 0,
    seal_origin_mm: tuple[float, float] | None = None,
    module_mm: float | None = None,
    cdp: MarkSource | None = None,
    cdp_key: SecretKey | None = None,
    watermark: MarkSource | None = None,
    watermark_key: SecretKey | None = None,
    pantograph: MarkSource | None = None,
    text_fields: Mapping[str, tuple[float, float, float, float]] | None = None,
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-B",
    tsa_url: str | None = None,
    trust: TrustStore | None = None,
    signature_date: date | None = None,
    verify_url: str | None = None,
) -> bytes:
    """Issue a certificate as a protected, PAdES-signed PDF.

    The certificate page (the caller's PDF, or the built-in bilingual template) gets
    the signed seal as vector modules, the document number beside it, and the
    optional copy-detection pattern, watermark background and void pantograph; then
    the file is certified with a PAdES signature that allows no changes.

    Parameters
    ----------
    data : mapping
        Certificate data as in ``samples/data/*.json``. It must not carry a
        ``layout``: issue() writes it (module size, and the regions of the CDP and
        watermark when they name a key id), so the seal states the printed scale.
    key : EllipticCurvePrivateKey
        The issuer's key; it signs both the seal and the PDF. Reusing the same key
        object across calls reuses the loaded signer.
    cert : x509.Certificate
        The issuer's certificate.
    pdf : bytes, optional
        The issuing system's own certificate PDF; default: the built-in template.
    page : int
        Page of ``pdf`` that gets the seal.
    seal_origin_mm : (float, float), optional
        Top-left corner of the seal symbol, mm from the page's top-left corner
        (default :data:`docsec.pdf.DEFAULT_SEAL_ORIGIN_MM`, inside the template's
        reserved area at the bottom right of an A4 page).
    module_mm : float, optional
        Seal module size (default 0.5 mm, reliable from 300-dpi scans).
    cdp, watermark, pantograph : RasterMark or callable, optional
        Layers to stamp: a :class:`docsec.pdf.RasterMark`, or a callable taking a
        :class:`docsec.pdf.MarkContext` and returning one. The CDP must be bilevel.
    text_fields : mapping of str to (float, float, float, float), optional
        Where ``pdf`` prints each field: a JSON pointer into ``data``
        (``"/holder_name"``, ``"/content/family/0/name"``) and the rectangle
        ``(x, y, w, h)`` in mm from the page's top-left corner that holds the
        printed value (and nothing else). The seal declares them, so that a
        verifier reads the printed text there and compares it with the signed
        value. The built-in template gives its own; with ``pdf`` and no
        ``text_fields`` the printed text cannot be checked.
    cdp_key : SecretKey, optional
        Shortcut for ``cdp=copy_detection_mark(cdp_key)``: the keyed copy-detection
        block beside the seal.
    watermark_key : SecretKey, optional
        Shortcut for ``watermark=watermark_mark(watermark_key)``: the watermarked
        security tint under the page.
    level : {"B-B", "B-T", "B-LT", "B-LTA"}
        PAdES baseline level; B-T and above need ``tsa_url``, B-LT and B-LTA also
        ``trust``.
    tsa_url : str, optional
        RFC 3161 timestamp authority URL.
    trust : TrustStore, optional
        Trust store whose certificates and CRLs B-LT / B-LTA embed.
    signature_date : date, optional
        The day of issue: the seal's signing date, and the date that an
        ``issue_date`` or ``valid_for`` left open in ``data`` is counted from
        (default today, UTC). It is the only clock issuing reads.
    verify_url : str, optional
        Address of the verification service, printed under the seal together with
        the data's ``verification_code`` (which the seal signs); needs that code.

    Returns
    -------
    bytes
        The issued PDF.

    Raises
    ------
    InputError
        Bad certificate data, a ``layout`` in the data, an unusable PDF, or a seal
        or layer that does not fit.
    KeyMaterialError
        Key and certificate do not match, or the certificate is not valid today.
    ConfigurationError
        Bad options (module size, PAdES level without a TSA, template font missing).
    """
    from docsec.pdf.build import build_pdf

    if "layout" in data:
        raise InputError(
            "certificate data for issue() must not carry a layout: issue() writes it"
        )
    # The day of issue is read once: the template prints the same dates the seal
    # signs (an issue date or a validity length left open in the data is filled).
    day = signature_date or datetime.now(UTC).date()
    data = _seal.complete_dates(data, day=day)

    def seal(layout: dict[str, object]) -> bytes:
        return issue_seal(
            {**data, "layout": layout}, key=key, cert=cert, signature_date=day
        )

    signed = build_pdf(
        data,
        seal=seal,
        issuer=_trust.signer_identifier(cert),
        key=key,
        cert=cert,
        pdf=pdf,
        page=page,
        seal_origin_mm=seal_origin_mm,
        module_mm=module_mm,
        cdp=cdp,
        cdp_key=cdp_key,
        watermark=watermark,
        watermark_key=watermark_key,
        pantograph=pantograph,
        text_fields=text_fields,
        level=level,
        tsa_url=tsa_url,
        trust=trust,
        verify_url=verify_url,
    )
    logger.info("issued PDF of %d bytes (PAdES %s)", len(signed), level)
    return signed
