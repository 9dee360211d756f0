"""Issuing: turn certificate data into a signed seal, or into a protected, signed PDF."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Literal

from docsec import seal as _seal
from docsec import trust as _trust
from docsec.errors import ConfigurationError, InputError, KeyMaterialError

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.keys import SecretKey
    from docsec.pdf import MarkContext, MarkSource, PdfSigningKey, RasterMark
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


# A few loaded signing keys, so that issuing many PDFs with the same key object does
# not rebuild pyHanko's signer for each (pyHanko's SimpleSigner would even re-parse
# the key on every signature). The key object is held, so its id() stays unique.
_SIGNERS: dict[tuple[int, bytes], tuple[object, PdfSigningKey]] = {}
_SIGNERS_MAX = 8


def _signing_key(
    key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> PdfSigningKey:
    from cryptography.hazmat.primitives import hashes

    from docsec.pdf import PdfSigningKey

    slot = (id(key), cert.fingerprint(hashes.SHA256()))
    found = _SIGNERS.get(slot)
    if found is not None and found[0] is key:
        return found[1]
    signing_key = PdfSigningKey(key, cert)
    if len(_SIGNERS) >= _SIGNERS_MAX:
        _SIGNERS.pop(next(iter(_SIGNERS)))
    _SIGNERS[slot] = (key, signing_key)
    return signing_key


def _region(
    mark: RasterMark, origin: tuple[float, float], module_mm: float
) -> list[int]:
    w_mm, h_mm = mark.extent_mm
    return [
        round((mark.x_mm - origin[0]) / module_mm * 10),
        round((mark.y_mm - origin[1]) / module_mm * 10),
        max(1, round(w_mm / module_mm * 10)),
        max(1, round(h_mm / module_mm * 10)),
    ]


def _mm_region(
    box: tuple[float, float, float, float],
    origin: tuple[float, float],
    module_mm: float,
) -> list[int]:
    """Map a rectangle in page mm to a seal region (tenths of a module)."""
    try:
        x, y, w, h = (float(v) for v in box)
    except (TypeError, ValueError) as exc:
        raise InputError(
            f"a text field box must be (x, y, w, h) in mm: {box!r}"
        ) from exc
    return [
        round((x - origin[0]) / module_mm * 10),
        round((y - origin[1]) / module_mm * 10),
        max(1, round(w / module_mm * 10)),
        max(1, round(h / module_mm * 10)),
    ]


def copy_detection_mark(
    key: SecretKey, *, module_dots: int = 1, gap_mm: float = 3.0
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider that puts the keyed copy-detection block beside the seal.

    The block (pattern, fiducials and calibration strip, 600 dpi, one pixel per
    printer dot) goes to the left of the seal symbol, top-aligned with it,
    ``gap_mm`` away; its region and key id are declared in the seal.

    Parameters
    ----------
    key : SecretKey
        The CDP secret (purpose ``"cdp"``).
    module_dots : {1, 2}
        Printer dots per pattern module (2 for verification from 600-ppi scans).
    gap_mm : float
        Distance between the block and the seal.
    """
    from docsec import copydetect
    from docsec.pdf import RasterMark

    def make(ctx: MarkContext) -> RasterMark:
        pattern = copydetect.make_pattern(
            key, ctx.document_number, module_dots=module_dots
        )
        width_mm, _height_mm = pattern.size_mm
        return RasterMark(
            image=pattern.image,
            dpi=float(pattern.dpi),
            x_mm=ctx.seal_origin_mm[0] - gap_mm - width_mm,
            y_mm=ctx.seal_origin_mm[1],
            bilevel=True,
            key_id=pattern.key_id,
        )

    return make


@dataclass(frozen=True, slots=True)
class _PantographMark:
    """Picklable mark provider (batch workers receive it) for :func:`pantograph_mark`."""

    word: str
    size_mm: tuple[float, float]
    gap_mm: float

    def __call__(self, ctx: MarkContext) -> RasterMark:
        from docsec import copydetect
        from docsec.pdf import RasterMark

        pan = copydetect.make_pantograph(self.word, size_mm=self.size_mm)
        dots = 600 / 25.4
        x = ctx.seal_origin_mm[0] - self.gap_mm - self.size_mm[0]
        y = ctx.seal_origin_mm[1]
        return RasterMark(
            image=pan.image,
            dpi=float(pan.dpi),
            x_mm=round(x * dots) / dots,
            y_mm=round(y * dots) / dots,
            bilevel=True,
        )


def pantograph_mark(
    word: str = "COPY",
    *,
    size_mm: tuple[float, float] = (60.0, 20.0),
    gap_mm: float = 40.0,
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider for a void pantograph left of the seal.

    The hidden ``word`` stays invisible on the original print and shows on many
    photocopies. It is a human aid (docs/copydetect.md measures how weak it is),
    never part of a verdict. The band's right edge is ``gap_mm`` left of the seal
    (room for the copy-detection block), top-aligned with the seal, on the
    printer's 600-dpi grid.
    """
    return _PantographMark(word, size_mm, gap_mm)


#: Coverage of the security tint the watermark layer prints by default (8 %: level
#: 235 of 255). The mark needs printed ink under it: inkjet drivers whose tone curve
#: is c -> c**2 print a 6 % grey as 0.4 % and lost the mark on 2 of 20 simulated
#: printers; at 8 % all of 40 others decoded (docs/watermark.md, "The physical
#: channel").
DEFAULT_TINT = 0.08
#: Resolution of the watermark tile (one tile = 264 pixels = 22.35 mm).
_WM_DPI = 300.0


@dataclass(frozen=True, slots=True)
class _WatermarkMark:
    """Picklable mark provider (batch workers receive it) for :func:`watermark_mark`."""

    key: SecretKey
    tint: float
    margin_mm: float
    strength: float

    def __call__(self, ctx: MarkContext) -> RasterMark:
        import numpy as np

        from docsec import watermark
        from docsec.pdf import RasterMark

        if not ctx.issuer:
            raise InputError("the watermark needs the issuer's signer identifier")
        payload = watermark.document_payload(self.key, ctx.issuer, ctx.document_number)
        side = round(watermark.TILE_INCH * _WM_DPI)
        level = round(255 * (1.0 - self.tint))
        tile = np.full((side, side), level, np.uint8)
        marked = watermark.embed(
            tile, payload, key=self.key, dpi=_WM_DPI, strength=self.strength
        )
        # The tile origin on the printer's 600-dpi grid, the area a whole number of
        # 600-dpi dots: the pattern's cells then land on whole device pixels.
        dots = 600 / 25.4
        x = round(self.margin_mm * dots) / dots
        y = round(self.margin_mm * dots) / dots
        width, height = ctx.page_size_mm
        w = round((width - 2 * self.margin_mm) * dots) / dots
        h = round((height - 2 * self.margin_mm) * dots) / dots
        if w <= 0 or h <= 0:
            raise InputError("the page is too small for the watermark's margins")
        return RasterMark(
            image=marked,
            dpi=_WM_DPI,
            x_mm=x,
            y_mm=y,
            key_id=self.key.key_id,
            repeat_mm=(w, h),
        )


def watermark_mark(
    key: SecretKey,
    *,
    tint: float = DEFAULT_TINT,
    margin_mm: float = 8.0,
    strength: float = 1.0,
) -> Callable[[MarkContext], RasterMark]:
    """Return a mark provider for the watermarked security tint under the page.

    The layer is a light grey tint of ``tint`` coverage over the page (less
    ``margin_mm`` on each side), carrying the keyed watermark whose 64-bit payload
    is :func:`docsec.watermark.document_payload` of the seal's issuer and document
    number. It is one 22.35 mm tile repeated (a PDF tiling pattern, ~8 KB in the file),
    placed under the page content; its key id goes into the seal's layout, so a
    verifier knows which key to use and that the page must carry the mark.

    Parameters
    ----------
    key : SecretKey
        The issuer's watermark key (purpose ``"watermark"``).
    tint : float
        Coverage of the tint, 0.02 to 0.25. The mark lives in the tint (PSNR 41 dB
        against the plain tint); lighter tints lose the mark on printers that
        drop the faintest greys.
    margin_mm : float
        White margin around the tint (printers do not print to the edge).
    strength : float
        As in :func:`docsec.watermark.embed`.

    Notes
    -----
    The layer is painted first; a PDF whose own content paints an opaque
    background over the page hides it (the built-in template does not).
    """
    if getattr(key, "purpose", None) != "watermark":
        raise ConfigurationError("watermark_mark needs a key of purpose 'watermark'")
    if not 0.02 <= float(tint) <= 0.25:
        raise ConfigurationError(f"tint must be in [0.02, 0.25], got {tint!r}")
    if not 0 <= float(margin_mm) <= 50:
        raise ConfigurationError(f"margin_mm must be in [0, 50], got {margin_mm!r}")
    return _WatermarkMark(key, float(tint), float(margin_mm), float(strength))


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
    from docsec import pdf as _pdf

    if cdp is not None and cdp_key is not None:
        raise ConfigurationError("give either cdp or cdp_key, not both")
    if cdp_key is not None:
        cdp = copy_detection_mark(cdp_key)
    if watermark is not None and watermark_key is not None:
        raise ConfigurationError("give either watermark or watermark_key, not both")
    if watermark_key is not None:
        watermark = watermark_mark(watermark_key)
    if "layout" in data:
        raise InputError(
            "certificate data for issue() must not carry a layout: issue() writes it"
        )
    # The day of issue is read once: the template prints the same dates the seal
    # signs (an issue date or a validity length left open in the data is filled).
    day = signature_date or datetime.now(UTC).date()
    data = _seal.complete_dates(data, day=day)
    module = _pdf.DEFAULT_MODULE_MM if module_mm is None else float(module_mm)
    origin = _pdf.DEFAULT_SEAL_ORIGIN_MM if seal_origin_mm is None else seal_origin_mm
    source = pdf if pdf is not None else _pdf.template_pdf(dict(data))
    if text_fields is None and pdf is None:
        from docsec._template import certificate_fields

        text_fields = dict(certificate_fields(data))
    page_size = _pdf.page_size_mm(source, page=page)
    number = str(data.get("document_number", ""))
    issuer = _trust.signer_identifier(cert)

    def build(
        origin: tuple[float, float],
    ) -> tuple[dict[str, RasterMark | None], bytes]:
        ctx = _pdf.MarkContext(number, page_size, origin, module, issuer=issuer)
        marks = {
            "cdp": _pdf.resolve_mark(cdp, ctx, "cdp"),
            "watermark": _pdf.resolve_mark(watermark, ctx, "watermark"),
            "pantograph": _pdf.resolve_mark(pantograph, ctx, "pantograph"),
        }
        cdp_mark = marks["cdp"]
        if cdp_mark is not None and not cdp_mark.bilevel:
            raise InputError("the copy-detection pattern must be a bilevel RasterMark")
        layout: dict[str, object] = {"module_size_um": round(module * 1000)}
        for name in ("cdp", "watermark"):
            mark = marks[name]
            if mark is not None and mark.key_id is not None:
                layout[name] = {
                    "region": _region(mark, origin, module),
                    "key_id": mark.key_id,
                }
        if text_fields:
            layout["text"] = [
                {"field": pointer, "region": _mm_region(box, origin, module)}
                for pointer, box in text_fields.items()
            ]
        full = {**data, "layout": layout}
        return marks, issue_seal(full, key=key, cert=cert, signature_date=day)

    marks, sealed = build(origin)
    if seal_origin_mm is None and pdf is None:
        # A seal that carries the whole content is larger: keep it inside the
        # template's reserved area by moving it up and left from the default.
        from docsec import barcode as _barcode
        from docsec._template import reserved_area_mm

        side = _barcode.encode(sealed).size * module
        rx, ry, rw, rh = reserved_area_mm()
        moved = (
            min(origin[0], rx + rw - side),
            min(origin[1], ry + rh - side),
        )
        if moved != origin:
            origin = moved
            marks, sealed = build(origin)
    cdp_mark = marks["cdp"]
    code = data.get("verification_code")
    if verify_url is not None and not isinstance(code, str):
        raise InputError("verify_url needs a verification_code in the data")
    protected = _pdf.protect(
        source,
        seal_bytes=sealed,
        document_number=number,
        seal_origin_mm=origin,
        module_mm=module,
        page=page,
        cdp=cdp_mark,
        watermark=marks["watermark"],
        pantograph=marks["pantograph"],
        verification=(code, verify_url)
        if verify_url is not None and isinstance(code, str)
        else None,
    )
    signed = _pdf.sign_pdf(
        protected, _signing_key(key, cert), level=level, tsa_url=tsa_url, trust=trust
    )
    logger.info("issued PDF of %d bytes (PAdES %s)", len(signed), level)
    return signed
