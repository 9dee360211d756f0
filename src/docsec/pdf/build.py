"""Build: the whole issued PDF, from the certificate page to the signature, in order.

:func:`build_pdf` is the one call :func:`docsec.issue` makes into this package:
the page (the caller's PDF or the built-in template), its size, the marks its
providers make for the document, the seal's layout (module size, the regions of
the marks and of the printed fields), the seal moved into the template's reserved
area when it grows, the stamping (:func:`~docsec.pdf.stamp.protect`) and the PAdES
signature (:func:`~docsec.pdf.sign.sign_pdf`). The seal itself is made by the
caller: it is given the layout and returns the signed seal bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Literal

from docsec.errors import ConfigurationError, InputError
from docsec.pdf._read import page_size_mm
from docsec.pdf.marks import (
    MarkContext,
    MarkSource,
    RasterMark,
    copy_detection_mark,
    resolve_mark,
    watermark_mark,
)
from docsec.pdf.sign import _cached_signing_key, sign_pdf
from docsec.pdf.stamp import (
    DEFAULT_MODULE_MM,
    DEFAULT_SEAL_ORIGIN_MM,
    protect,
    template_pdf,
)

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.keys import SecretKey
    from docsec.trust import TrustStore

__all__ = ["build_pdf"]


def _region(
    mark: RasterMark, origin: tuple[float, float], module_mm: float
) -> list[int]:
    """Map the page area a mark covers to a seal region (tenths of a module)."""
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


def build_pdf(
    data: Mapping[str, object],
    *,
    seal: Callable[[dict[str, object]], bytes],
    issuer: str,
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
    verify_url: str | None = None,
) -> bytes:
    """Build the protected, PAdES-signed PDF of a certificate around its seal.

    Parameters
    ----------
    data : mapping
        The certificate data with its dates completed (the template prints them),
        without a ``layout``.
    seal : callable
        Given the seal's layout (``module_size_um``, and ``cdp``, ``watermark``
        and ``text`` regions where they apply), returns the signed seal bytes. It
        is called once, or twice when the seal is moved into the template's
        reserved area.
    issuer : str
        The seal's signer identifier, told to the mark providers.
    key, cert
        The issuer's key and certificate, for the PAdES signature (a loaded
        signer is reused across calls with the same key object).
    pdf, page, seal_origin_mm, module_mm, cdp, cdp_key, watermark, watermark_key, \
pantograph, text_fields, level, tsa_url, trust, verify_url
        As in :func:`docsec.issue`.

    Returns
    -------
    bytes
        The issued PDF.
    """
    if cdp is not None and cdp_key is not None:
        raise ConfigurationError("give either cdp or cdp_key, not both")
    if cdp_key is not None:
        cdp = copy_detection_mark(cdp_key)
    if watermark is not None and watermark_key is not None:
        raise ConfigurationError("give either watermark or watermark_key, not both")
    if watermark_key is not None:
        watermark = watermark_mark(watermark_key)
    module = DEFAULT_MODULE_MM if module_mm is None else float(module_mm)
    origin = DEFAULT_SEAL_ORIGIN_MM if seal_origin_mm is None else seal_origin_mm
    source = pdf if pdf is not None else template_pdf(dict(data))
    if text_fields is None and pdf is None:
        from docsec._template import certificate_fields

        text_fields = dict(certificate_fields(data))
    page_size = page_size_mm(source, page=page)
    number = str(data.get("document_number", ""))

    def build(
        origin: tuple[float, float],
    ) -> tuple[dict[str, RasterMark | None], bytes]:
        ctx = MarkContext(number, page_size, origin, module, issuer=issuer)
        marks = {
            "cdp": resolve_mark(cdp, ctx, "cdp"),
            "watermark": resolve_mark(watermark, ctx, "watermark"),
            "pantograph": resolve_mark(pantograph, ctx, "pantograph"),
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
        return marks, seal(layout)

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
    code = data.get("verification_code")
    if verify_url is not None and not isinstance(code, str):
        raise InputError("verify_url needs a verification_code in the data")
    protected = protect(
        source,
        seal_bytes=sealed,
        document_number=number,
        seal_origin_mm=origin,
        module_mm=module,
        page=page,
        cdp=marks["cdp"],
        watermark=marks["watermark"],
        pantograph=marks["pantograph"],
        verification=(code, verify_url)
        if verify_url is not None and isinstance(code, str)
        else None,
    )
    return sign_pdf(
        protected,
        _cached_signing_key(key, cert),
        level=level,
        tsa_url=tsa_url,
        trust=trust,
    )
