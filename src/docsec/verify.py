"""The verification pipeline: from a file, an image or seal bytes to a result.

This module and :mod:`docsec.issuing` are the only code that produces a verdict. Every
check runs inside a guard: an exception inside a check becomes a failed check with the
error's class name, never a crash and never a pass.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import Encoding

from docsec import barcode as _barcode
from docsec import formats as _formats
from docsec import imaging, inputs
from docsec import seal as _seal
from docsec import trust as _trust
from docsec._types import Image
from docsec.errors import InputError, KeyMaterialError, PayloadError
from docsec.keys import VerifyingKey
from docsec.policy import VerifyPolicy
from docsec.result import (
    CheckResult,
    CheckStatus,
    Location,
    Paper,
    SignedContent,
    VerificationResult,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from cryptography import x509

    from docsec.registry import StatusSource

__all__ = [
    "MAX_PDF_BYTES",
    "SCANNED_PDF_MESSAGE",
    "VDS_MAGIC",
    "verification_time",
    "verify_bytes",
    "verify_file",
    "verify_image",
    "verify_pdf",
    "verify_seal_bytes",
]

logger = logging.getLogger(__name__)

#: First byte of every ICAO 9303-13 visible digital seal (defined in docsec.seal).
VDS_MAGIC = _seal.MAGIC
_PASS = CheckStatus.PASS
_DER = Encoding.DER
_FAIL = CheckStatus.FAIL


def _now() -> datetime:
    return datetime.now(UTC)


def _check_arguments(
    policy: object, at: object, *, data: object = b"", path: object = ""
) -> None:
    """Refuse wrong argument types at the public entry points, with a clear message.

    Raises
    ------
    TypeError
        ``policy`` is not a :class:`VerifyPolicy`, ``at`` is not a date or
        datetime (or None), ``data`` is not bytes or ``path`` not a path.
    """
    if not isinstance(policy, VerifyPolicy):
        raise TypeError(
            f"policy must be a VerifyPolicy (e.g. VerifyPolicy.seal(TrustStore.load"
            f"(folder))), got {type(policy).__name__}"
        )
    if at is not None and not isinstance(at, date):
        raise TypeError(
            f"at must be a datetime.date or datetime.datetime, got {type(at).__name__}"
        )
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    if not isinstance(path, str | os.PathLike):
        raise TypeError(f"path must be a str or a path, got {type(path).__name__}")


def verification_time(at: datetime | date | None) -> datetime:
    """Return the moment a verification ``at=`` stands for (aware, UTC).

    ``None`` means now (the one place the verifier reads the clock), a naive
    datetime is taken as UTC, and a bare date means 23:59:59 UTC of that day.
    Results record it as :attr:`~docsec.result.VerificationResult.verified_at`.
    """
    if at is None:
        return _now()
    if isinstance(at, datetime):
        return at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    # A bare date means the end of that day: a document valid "until" that day is
    # still valid on it.
    return datetime.combine(at, time(23, 59, 59), tzinfo=UTC)


def _signing_moment(day: date, not_before: datetime, not_after: datetime) -> datetime:
    """Pick the moment of the signing *date* at which to test the signer certificate.

    A seal carries only a signing date. Noon UTC stands for that day, except when
    the certificate's validity starts or ends on that very day: then the moment is
    inside the valid part of the day, since the seal may have been signed then.
    """
    moment = datetime.combine(day, time(12, 0), tzinfo=UTC)
    if not_before.date() == day and not_before > moment:
        moment = not_before
    if not_after.date() == day and not_after < moment:
        moment = not_after
    return moment


@dataclass(slots=True)
class _Run:
    """Accumulates checks for one input."""

    checks: list[CheckResult]
    locations: list[Location] = field(default_factory=list)
    #: Checks required for this input on top of the policy's: a protection the
    #: signed seal declares and the verifier can check (the watermark).
    required: set[str] = field(default_factory=set)
    #: The copy check's decision about the paper, whatever the policy makes of it.
    paper: Paper | None = None

    def add(
        self,
        name: str,
        status: CheckStatus,
        detail: str,
        *reasons: str,
        score: float | None = None,
        threshold: float | None = None,
    ) -> CheckResult:
        c = CheckResult(name, status, detail, tuple(reasons), score, threshold)
        self.checks.append(c)
        return c


def _guard(run: _Run, name: str, fn: Callable[[], None]) -> None:
    """Run ``fn``; an unexpected exception becomes a failed check ``name``."""
    try:
        fn()
    except Exception as exc:
        logger.debug("check %s raised", name, exc_info=True)
        run.add(name, _FAIL, f"check raised {type(exc).__name__}", "check-error")


def verify_seal_bytes(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
) -> VerificationResult:
    """Verify raw seal bytes (as read from a barcode).

    Parameters
    ----------
    data : bytes
        The complete seal: header, message zone and signature zone.
    policy : VerifyPolicy
        Trust store and required checks.
    at : datetime or date, optional
        Verification time (default: now). A date means the end of that day (UTC).
    input_name : str, optional
        Name of the input, echoed in the result.

    Returns
    -------
    VerificationResult
    """
    _check_arguments(policy, at, data=data)
    run = _Run([])
    when = verification_time(at)
    content = _check_seal(run, data, policy=policy, at=when)
    return VerificationResult(
        checks=tuple(run.checks),
        required=policy.required,
        content=content,
        input=input_name,
        policy=policy.name,
        verified_at=when,
        input_sha256=_sha256(data),
        trust_store_id=policy.trust.fingerprint,
    )


def _check_seal(
    run: _Run,
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime,
    extra_certs: Sequence[x509.Certificate] = (),
) -> SignedContent | None:
    """Verify seal bytes; ``extra_certs`` are untrusted path material (a PDF's)."""
    fmt = _formats.detect(data)
    if fmt is not None and fmt is not _formats.VDS:
        # 2D-Doc, EU DCC: the same checks through the format protocol.
        from docsec.formats._checks import check_seal

        checks, content = check_seal(
            fmt, data, trust=policy.trust, at=at, extra_certs=extra_certs
        )
        run.checks.extend(checks)
        return content
    try:
        parsed = _seal.parse_unverified(data)
    except PayloadError as exc:
        run.add("barcode", _FAIL, f"not a valid seal: {exc}", "malformed-seal")
        return None
    h = parsed.header
    run.add(
        "barcode",
        _PASS,
        f"ICAO VDS header v{h.icao_version}, {len(data)} bytes, "
        f"signer {h.signer_identifier} / certificate {h.certificate_reference}",
    )
    if parsed.signature is None:
        run.add("signature", _FAIL, "the seal has no signature zone", "unsigned-seal")
        return None

    named = (
        f"signer {h.signer_identifier}, certificate reference {h.certificate_reference}"
    )
    candidates = policy.trust.find_signer(
        h.signer_identifier, h.certificate_reference, extra=extra_certs
    )
    if not candidates:
        # Not evidence of a forgery: a new office certificate, or a trust folder
        # that is out of date, looks the same to this verifier.
        run.add(
            "signature",
            CheckStatus.INCONCLUSIVE,
            f"{named}: this certificate is not in the trust folder, so the seal "
            "cannot be checked. If the issuing office is genuine, its certificate is "
            "new to this verifier: update the trust folder with the office's current "
            "trust bundle",
            "unknown-signer",
        )
        return None

    signer = None
    unsupported: list[str] = []
    for cert in candidates:
        try:
            key = VerifyingKey.from_certificate(cert)
        except KeyMaterialError as exc:
            unsupported.append(str(exc))
            continue
        if _seal.verify_signature(parsed, key):
            signer = cert
            break
    if signer is None:
        known = [
            c
            for c in candidates
            if policy.trust.is_anchor(c)
            or policy.trust.validate(c, at=at, intermediates=extra_certs).chain_ok
        ]
        if unsupported and len(unsupported) == len(candidates):
            run.add(
                "signature",
                CheckStatus.INCONCLUSIVE,
                f"cannot check the signature: {unsupported[0]}",
                "unsupported-key",
            )
        elif known:
            # A trusted certificate of the named signer does not verify it.
            run.add(
                "signature",
                _FAIL,
                "the seal signature does not verify: the data was changed or the "
                "seal was not made by the named signer",
                "forged-seal",
            )
        else:
            run.add(
                "signature",
                CheckStatus.INCONCLUSIVE,
                f"{named}: no trusted certificate of this signer is in the trust "
                "folder (the ones found do not chain to a trust anchor), so the seal "
                "cannot be checked; update the trust folder",
                "unknown-signer",
            )
        return None
    run.add("signature", _PASS, "seal signature verifies with the signer's key")

    signing_day = h.signature_date
    # Two moments matter (ICAO 9303 shell model): the signer certificate must have
    # been valid when the seal was signed, and must still be valid at verification
    # time `at` (issuers keep signer certificates valid for the documents' lifetime).
    validation = policy.trust.validate(
        signer,
        at=_signing_moment(
            signing_day, signer.not_valid_before_utc, signer.not_valid_after_utc
        ),
        intermediates=extra_certs,
    )
    validation_now = policy.trust.validate(signer, at=at, intermediates=extra_certs)
    time_codes = ("certificate-expired", "certificate-not-yet-valid")
    revocation_codes = ("revoked", "crl-missing", "crl-unusable")

    def chain() -> None:
        if validation.chain_ok and validation.key_usage_ok:
            run.add(
                "signer_certificate",
                _PASS,
                f"signer certificate chains to a trust anchor ({len(validation.path)} "
                "certificate(s) in the path)",
            )
            return
        reasons = [
            r
            for r in validation.reasons
            if r not in time_codes and r not in revocation_codes
        ] or ["untrusted-issuer"]
        if set(reasons) <= _trust.UNDECIDABLE_REASONS:
            # The verifier lacks the issuer (or cannot check an algorithm): no
            # evidence against the seal, and no trust either.
            run.add(
                "signer_certificate",
                CheckStatus.INCONCLUSIVE,
                f"{named}: the signer certificate does not chain to a trust anchor "
                "this verifier can check; if the office is genuine, update the trust "
                "folder with its current trust bundle",
                *reasons,
            )
        else:
            detail = f" ({validation.detail})" if validation.detail else ""
            run.add(
                "signer_certificate",
                _FAIL,
                f"the signer certificate is not trusted for seals{detail}",
                *reasons,
            )

    def validity() -> None:
        if not validation.valid_at:
            run.add(
                "certificate_validity",
                _FAIL,
                f"the seal is dated {signing_day.isoformat()}, outside the signer "
                "certificate's validity",
                "signed-outside-certificate-validity",
            )
        elif not validation_now.valid_at:
            reasons = [r for r in validation_now.reasons if r in time_codes]
            run.add(
                "certificate_validity",
                _FAIL,
                f"the signer certificate is not valid at {at.date().isoformat()} "
                "(the signature itself is valid)",
                *(reasons or ["certificate-expired"]),
            )
        else:
            run.add(
                "certificate_validity",
                _PASS,
                f"signer certificate valid on the signing date {signing_day.isoformat()}"
                f" and at {at.date().isoformat()}",
            )

    def revocation() -> None:
        if validation.revoked is None and validation_now.revoked is None:
            unusable = "crl-unusable" in validation_now.reasons
            run.add(
                "revocation",
                CheckStatus.INCONCLUSIVE,
                "no usable revocation list: the trust store's CRLs for this "
                "certificate's path are stale, not yet valid, limited in scope or "
                "not verifiable"
                if unusable
                else "no revocation list from the certificate's issuer in the "
                "trust store",
                "crl-unusable" if unusable else "crl-missing",
            )
        elif validation.revoked or validation_now.revoked:
            run.add("revocation", _FAIL, "the signer certificate is revoked", "revoked")
        else:
            run.add("revocation", _PASS, "not revoked according to the issuer's CRL")

    def dates() -> None:
        if signing_day > at.date():
            run.add(
                "document_validity",
                _FAIL,
                f"the seal is dated {signing_day.isoformat()}, after the verification "
                f"time {at.date().isoformat()}",
                "signed-in-future",
            )
            return
        window = _seal.validity_window(parsed)
        if window is None:
            run.add(
                "document_validity",
                CheckStatus.ABSENT,
                "the seal declares no validity period",
            )
            return
        start, end = window
        if start is not None and at.date() < start:
            run.add(
                "document_validity",
                _FAIL,
                f"the document is valid from {start.isoformat()}",
                "document-not-yet-valid",
            )
        elif end is not None and at.date() > end:
            run.add(
                "document_validity",
                _FAIL,
                f"the document expired on {end.isoformat()}",
                "document-expired",
            )
        else:
            shown = end.isoformat() if end is not None else "open-ended"
            run.add("document_validity", _PASS, f"document valid until {shown}")

    for name, fn in (
        ("signer_certificate", chain),
        ("certificate_validity", validity),
        ("revocation", revocation),
        ("document_validity", dates),
    ):
        _guard(run, name, fn)
    source = policy.registry
    if source is not None:
        _guard(run, "registry", lambda: _registry_check(run, parsed, source))

    decoded = _seal.decode_fields(parsed)
    from docsec.printed import display_fields

    return SignedContent(
        profile=decoded.profile or "unknown profile",
        fields=display_fields([(f.name, f.value, f.coding) for f in decoded.fields]),
        issuer=signer.subject.rfc4514_string(),
        signer_identifier=h.signer_identifier,
        certificate_reference=h.certificate_reference,
        issuing_country=h.issuing_country,
        issue_date=h.issue_date,
        signature_date=h.signature_date,
        seal_bytes=bytes(data),
        signer_key=_spki(signer.public_bytes(_DER)) or b"",
    )


def _registry_check(run: _Run, parsed: _seal.Seal, source: StatusSource) -> None:
    """Ask the registry for the status of the (verified) seal's document."""
    from docsec.registry import DocumentState, RegistryUnavailable

    try:
        fields = _seal.decode_certificate(parsed)
    except PayloadError:
        run.add(
            "registry",
            CheckStatus.ABSENT,
            "not a docsec certificate seal: no registry number",
        )
        return
    number = fields.document_number
    try:
        status = source.lookup(number, fields.verification_code)
    except RegistryUnavailable as exc:
        logger.info("registry unavailable: %s", exc)
        run.add(
            "registry",
            CheckStatus.INCONCLUSIVE,
            "the document registry could not be asked",
            "registry-unavailable",
        )
        return
    if status is None:
        run.add(
            "registry",
            CheckStatus.INCONCLUSIVE,
            f"the registry knows no document {number} with this seal's "
            "verification code",
            "document-not-registered",
        )
    elif status.state is DocumentState.REVOKED:
        when = (
            f" on {status.changed_at.date().isoformat()}" if status.changed_at else ""
        )
        run.add(
            "registry",
            _FAIL,
            f"document {number} was revoked{when}: {status.reason or 'no reason given'}",
            "document-revoked",
        )
    elif status.state is DocumentState.SUPERSEDED:
        run.add(
            "registry",
            _FAIL,
            f"document {number} was replaced by {status.superseded_by}",
            "document-superseded",
        )
    else:
        run.add("registry", _PASS, f"document {number} is active in the registry")


def verify_image(
    image: Image,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
) -> VerificationResult:
    """Find the seal in a scan or photo and verify it.

    Parameters
    ----------
    image : (H, W) or (H, W, 3) uint8 ndarray, gray or BGR, 0..255
        The scan or photo.
    policy : VerifyPolicy
        Trust store and required checks.
    at : datetime or date, optional
        Verification time (default: now).
    input_name : str, optional
        Name of the input, echoed in the result.

    Returns
    -------
    VerificationResult

    Raises
    ------
    InputError
        If ``image`` breaks the array contract or is above the policy's pixel limit.
    """
    _check_arguments(policy, at)
    imaging.check_image(image)
    if image.shape[0] * image.shape[1] > policy.max_pixels:
        raise InputError(
            f"image has {image.shape[1]}x{image.shape[0]} pixels, above the "
            f"policy's limit of {policy.max_pixels}"
        )
    # Every check reads luminance only; one gray copy up front keeps each later
    # crop and work image at a third of a colour page's size.
    image = imaging.to_gray(image)
    run = _Run([])
    when = verification_time(at)
    content = _seal_from_image(run, image, policy=policy, at=when)
    return VerificationResult(
        checks=tuple(run.checks),
        required=policy.required | run.required,
        content=content,
        input=input_name,
        policy=policy.name,
        locations=tuple(run.locations),
        verified_at=when,
        trust_store_id=policy.trust.fingerprint,
        paper=run.paper,
    )


def _seal_from_image(
    run: _Run,
    image: Image,
    *,
    policy: VerifyPolicy,
    at: datetime,
    dpi: float | None = None,
    physical: bool = True,
    extra_certs: Sequence[x509.Certificate] = (),
) -> SignedContent | None:
    """Find the seal, verify it, and run the checks it declares.

    The watermark is checked on every page image; the copy check only on paper.
    ``dpi`` is the resolution the image was rendered at, when docsec rendered it
    from a PDF; ``physical`` is False for such renders, which never went through a
    printer, so copy detection does not apply to them.
    """
    symbols = _barcode.read(image, timeout=policy.barcode_timeout)
    if not any(_formats.detect(s.data) for s in symbols):
        # No seal in a DataMatrix: an EU DCC is printed as a QR code.
        symbols = symbols + _barcode.read_qr(image, max_pixels=policy.max_pixels)
    for sym in symbols:
        if _formats.detect(sym.data) is not None:
            run.locations.append(Location("seal", tuple(sym.corners), dpi))
    seals = list(
        dict.fromkeys(s.data for s in symbols if _formats.detect(s.data) is not None)
    )
    if not seals:
        what = f"{len(symbols)} other barcode(s)" if symbols else "no DataMatrix"
        run.add(
            "barcode",
            CheckStatus.ABSENT,
            f"no seal found in the image ({what})",
            "no-seal",
        )
        return None
    if len(seals) > 1:
        run.add(
            "barcode",
            CheckStatus.INCONCLUSIVE,
            f"{len(seals)} different seals on one page; check each separately",
            "multiple-seals",
        )
        return None
    content = _check_seal(run, seals[0], policy=policy, at=at, extra_certs=extra_certs)
    if content is not None and _formats.detect(seals[0]) is _formats.VDS:
        # The watermark and copy-detection pattern are docsec's, declared by a
        # docsec VDS profile; other formats declare none.
        symbol = next(s for s in symbols if s.data == seals[0])
        _guard(
            run,
            "watermark",
            lambda: _watermark_check(
                run, image, symbol, content, policy=policy, dpi=dpi
            ),
        )
        if physical:
            _guard(
                run,
                "printed_text",
                lambda: _printed_text_check(run, image, symbol, content, dpi=dpi),
            )
            _guard(
                run,
                "copydetect",
                lambda: _copy_check(
                    run, image, symbol, content, policy=policy, dpi=dpi
                ),
            )
    return content


def _declared_fields(content: SignedContent) -> _seal.CertificateFields | None:
    """Return the docsec certificate fields of a verified seal, or None."""
    try:
        return _seal.decode_certificate(_seal.parse_unverified(content.seal_bytes))
    except PayloadError:
        return None  # not a docsec certificate seal: it declares no layers


def _seal_dpi(
    symbol: _barcode.DecodedSymbol, fields: _seal.CertificateFields
) -> float | None:
    """Estimate the image resolution at the seal from its size and module size."""
    if fields.module_size_um is None or symbol.size <= 0:
        return None
    module_mm = fields.module_size_um / 1000.0
    dpi = _symbol_px_per_module(symbol) / (module_mm / 25.4)
    return dpi if 50.0 <= dpi <= 2400.0 else None


#: Margin (mm) above the seal's top edge left out of the watermark search: the seal,
#: its number and pattern, and whatever background a forger cut out with them.
_SEAL_MARGIN_MM = 12.0
#: The content area must hold at least this many millimetres (two watermark tiles).
_MIN_AREA_MM = 45.0


def _content_area(
    image: Image, symbol: _barcode.DecodedSymbol, fields: _seal.CertificateFields
) -> Image | None:
    """Return the part of the page above the seal (the certificate's content), or None.

    The watermark is read there only: a genuine seal cut out with some of its own
    background and pasted onto another page carries its document's mark along, so
    a mark found next to the seal proves nothing about the page. Pixels outside
    the area (in page coordinates, mapped through the seal's corners) are set to
    the area's median grey.
    """
    import numpy as np

    region = fields.watermark_region
    if region is None or fields.module_size_um is None:
        return None
    module_mm = fields.module_size_um / 1000.0
    x, y, w, _h = region.in_modules()
    bottom = -_SEAL_MARGIN_MM / module_mm
    if (bottom - y) * module_mm < _MIN_AREA_MM:
        return None
    pts = np.asarray(_region_points(symbol, (x, y, w, bottom - y)), np.float64)
    rows, cols = image.shape[:2]
    x0, y0 = (max(0, int(np.floor(v))) for v in pts.min(axis=0))
    x1 = min(cols, int(np.ceil(pts[:, 0].max())))
    y1 = min(rows, int(np.ceil(pts[:, 1].max())))
    side = _MIN_AREA_MM / module_mm * _symbol_px_per_module(symbol)
    if x1 - x0 < side or y1 - y0 < side:
        return None
    crop = np.ascontiguousarray(image[y0:y1, x0:x1])
    # The mask is drawn strip by strip (a full-size mask and its boolean copies
    # took 400 MB more on a 1200-dpi page; strips differ from it only by single
    # pixels along the boundary); the median comes from a histogram of the inside
    # pixels, which gives np.median's value.
    poly = np.rint(pts - (x0, y0)).astype(np.int32)
    channels = 1 if crop.ndim == 2 else crop.shape[2]
    hist = np.zeros((channels, 256), np.int64)
    for r0, r1, inside in _mask_strips(poly, crop.shape[:2]):
        part = crop[r0:r1].reshape(r1 - r0, crop.shape[1], channels)
        for ch in range(channels):
            hist[ch] += np.bincount(part[..., ch][inside], minlength=256)
    if int(hist[0].sum()) < side * side:
        return None
    fill = np.rint([_histogram_median(h) for h in hist]).astype(np.uint8)
    for r0, r1, inside in _mask_strips(poly, crop.shape[:2]):
        crop[r0:r1][~inside] = fill if channels > 1 else fill[0]
    out: Image = crop
    return out


#: Rows per strip when masking the content area.
_MASK_ROWS = 512


def _mask_strips(
    poly: npt.NDArray[np.int32], shape: tuple[int, int]
) -> Iterator[tuple[int, int, npt.NDArray[np.bool_]]]:
    """Yield ``(r0, r1, inside)`` for strips of rows of a filled polygon's mask."""
    import cv2
    import numpy as np

    rows, cols = shape
    for r0 in range(0, rows, _MASK_ROWS):
        r1 = min(rows, r0 + _MASK_ROWS)
        mask = np.zeros((r1 - r0, cols), np.uint8)
        cv2.fillPoly(mask, [poly - np.array([0, r0], np.int32)], 255)
        yield r0, r1, mask > 0


def _histogram_median(hist: npt.NDArray[np.int64]) -> float:
    """Return the median of the values counted in a 256-bin histogram (as np.median)."""
    import numpy as np

    n = int(hist.sum())
    cum = np.cumsum(hist)
    lower = int(np.searchsorted(cum, (n - 1) // 2 + 1))
    upper = int(np.searchsorted(cum, n // 2 + 1))
    return (lower + upper) / 2.0


def _symbol_px_per_module(symbol: _barcode.DecodedSymbol) -> float:
    """Return the symbol's mean side in pixels per module."""
    import numpy as np

    c = np.asarray(symbol.corners, np.float64)
    sides = np.hypot(*(np.roll(c, -1, axis=0) - c).T)
    return float(np.mean(sides)) / max(1, symbol.size)


def _watermark_check(
    run: _Run,
    image: Image,
    symbol: _barcode.DecodedSymbol,
    content: SignedContent,
    *,
    policy: VerifyPolicy,
    dpi: float | None,
) -> None:
    """Compare the page's watermark with the document id of the verified seal.

    A seal that declares a watermark makes the check required when the verifier
    holds the key (a page without the mark is then INCONCLUSIVE, one with another
    document's mark NOT AUTHENTIC); without the key it is reported as not checked.
    """
    fields = _declared_fields(content)
    if fields is None or fields.watermark_key_id is None:
        if "watermark" in policy.required:
            run.add(
                "watermark",
                CheckStatus.ABSENT,
                "the seal declares no watermark",
                "no-watermark-declared",
            )
        return
    key = next(
        (k for k in policy.watermark_keys if k.key_id == fields.watermark_key_id),
        None,
    )
    if key is None:
        held = ", ".join(k.key_id for k in policy.watermark_keys) or "none"
        run.add(
            "watermark",
            CheckStatus.INCONCLUSIVE,
            f"not checked: the seal's watermark key {fields.watermark_key_id} is not "
            f"held by this verifier (held: {held})",
            "no-watermark-key",
        )
        return
    run.required.add("watermark")
    if fields.watermark_region is not None:
        run.locations.append(
            Location(
                "watermark",
                _region_points(symbol, fields.watermark_region.in_modules()),
                dpi,
            )
        )
    from docsec import watermark as _wm

    expected = _wm.document_payload(
        key, content.signer_identifier, fields.document_number
    )
    hint = dpi if dpi is not None else _seal_dpi(symbol, fields)
    area = _content_area(image, symbol, fields)
    if area is None:
        run.add(
            "watermark",
            CheckStatus.INCONCLUSIVE,
            "the page above the seal is not in the image: the watermark must be "
            "read there (scan the whole page)",
            "watermark-out-of-view",
        )
        return
    found = _wm.extract(area, key=key, dpi=hint)
    if not found.present and hint is not None and dpi is None:
        # The seal gives the scale where it is printed; under strong perspective
        # the page elsewhere differs, so search without a scale too.
        again = _wm.extract(area, key=key, dpi=None)
        if again.present or again.score > found.score:
            found = again
    check = _wm.check_against(found, expected)
    if check.status is CheckStatus.ABSENT:
        # Declared and checkable but not found: never a pass, and not proof of a
        # forgery either (a poor capture loses it).
        check = CheckResult(
            "watermark",
            CheckStatus.INCONCLUSIVE,
            "the seal declares a watermark but none was found on the page",
            ("watermark-absent",),
            check.score,
            check.threshold,
        )
    run.checks.append(check)


def _copy_check(
    run: _Run,
    image: Image,
    symbol: _barcode.DecodedSymbol,
    content: SignedContent,
    *,
    policy: VerifyPolicy,
    dpi: float | None,
) -> None:
    """Measure the copy-detection pattern where the verified seal declares it."""
    fields = _declared_fields(content)
    if fields is None or fields.cdp_region is None:
        if "copydetect" in policy.required:
            run.add(
                "copydetect",
                CheckStatus.ABSENT,
                "the seal declares no copy-detection pattern",
                "no-copy-pattern",
            )
        return
    from docsec import copydetect

    try:
        m = copydetect.measure_in_region(
            image,
            corners=symbol.corners,
            symbol_size=symbol.size,
            region=fields.cdp_region,
            key=list(policy.cdp_keys) or None,
            doc_id=fields.document_number,
            key_id=fields.cdp_key_id,
            dpi=dpi,
            profile=policy.copy_profile,
        )
    except InputError as exc:
        # E.g. the symbol's geometry is unknown: nothing to measure, no verdict.
        run.add(
            "copydetect",
            CheckStatus.INCONCLUSIVE,
            f"copy check not possible: {exc}",
            "copy-check-unavailable",
        )
        return
    codes = tuple(dict.fromkeys(r.split(":", 1)[0].strip() for r in m.reasons))
    text = "; ".join(r.split(":", 1)[-1].strip() for r in m.reasons)
    low, high = m.thresholds if m.thresholds is not None else (None, None)
    run.paper = Paper(m.decision.value, m.score, low, high, m.reasons)
    if m.decision is copydetect.Decision.ORIGINAL:
        status, detail, threshold = (
            _PASS,
            "printed original (copy-detection pattern)",
            high,
        )
    elif m.decision is copydetect.Decision.COPY and "copydetect" in policy.required:
        status, detail, threshold = (
            _FAIL,
            "photocopy: the copy-detection pattern lost its fine detail",
            low,
        )
        codes = ("photocopy", *codes)
    elif m.decision is copydetect.Decision.COPY:
        # A copy of a genuine certificate is not a forgery: the seal decides, and
        # the paper's state is reported (result.paper) for whoever needs it.
        status, detail, threshold = (
            CheckStatus.INCONCLUSIVE,
            "paper is a photocopy (the copy-detection pattern lost its fine "
            "detail); this policy does not require the original paper",
            low,
        )
        codes = ("paper-copy", *codes)
    else:
        status, detail, threshold = (
            CheckStatus.INCONCLUSIVE,
            f"cannot tell original from copy: {text}",
            high,
        )
    run.add("copydetect", status, detail, *codes, score=m.score, threshold=threshold)
    x0, y0, w, h = fields.cdp_region.in_modules()
    run.locations.append(Location("cdp", _region_points(symbol, (x0, y0, w, h)), dpi))


def _printed_text_check(
    run: _Run,
    image: Image,
    symbol: _barcode.DecodedSymbol,
    content: SignedContent,
    *,
    dpi: float | None,
) -> None:
    """OCR the printed fields the verified seal declares; compare (docsec.printed)."""
    fields = _declared_fields(content)
    if fields is None or not fields.text_regions:
        return
    from docsec import printed

    check, readings = printed.check(
        image, corners=symbol.corners, size=symbol.size, fields=fields
    )
    run.checks.append(check)
    if "printed-text-key-unreadable" in check.reasons:
        # A key field edited and then smudged reads unreadable: the paper is not
        # confirmed, so the verdict cannot be AUTHENTIC (docs/printed-text.md).
        run.required.add("printed_text")
    for r in readings:
        if not r.in_view:
            continue
        label = f"{r.field}: signed {r.expected!r}"
        if r.outcome == printed.MISMATCH:
            label += f", read {r.read or '(blank)'!r}"
        elif r.outcome != printed.MATCH:
            label += f", read {r.read or '(nothing legible)'!r}"
        run.locations.append(Location(f"text-{r.outcome}", r.points, dpi, label))


def _region_points(
    symbol: _barcode.DecodedSymbol, region: tuple[float, float, float, float]
) -> tuple[tuple[float, float], ...]:
    """Map a region in seal modules to image points through the symbol's corners."""
    import cv2
    import numpy as np

    n = float(symbol.size)
    src = np.array([[0, 0], [n, 0], [n, n], [0, n]], np.float64)
    dst = np.asarray(symbol.corners, np.float64)
    h = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    x, y, w, hh = region
    rect = np.array(
        [[[x, y]], [[x + w, y]], [[x + w, y + hh]], [[x, y + hh]]], np.float64
    )
    pts = cv2.perspectiveTransform(rect, h).reshape(-1, 2)
    return tuple((float(px), float(py)) for px, py in pts)


#: Largest PDF :func:`verify_file` reads.
MAX_PDF_BYTES = 64 * 1024 * 1024
# Page render resolutions tried in turn: 200 dpi gives ~3.9 px per 0.5 mm module,
# which zxing-cpp reads; 400 dpi is the fallback for smaller modules.
_RENDER_DPI = (200.0, 400.0)
#: Pages of a PDF searched for the seal (from the first).
_MAX_PDF_PAGES = 10


def _spki(der: bytes) -> bytes | None:
    """Return a certificate's SubjectPublicKeyInfo as written (DER), or None.

    Read with asn1crypto, so that curves cryptography lacks (brainpoolP224r1 in
    foreign seals) still compare; both sides of a comparison go through here.
    """
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]

    try:
        cert = asn1_x509.Certificate.load(der)
        spki: bytes = cert["tbs_certificate"]["subject_public_key_info"].dump()
    except (ValueError, TypeError, KeyError):
        return None
    return spki


#: What a verifier is told about a PDF without the issuer's signature.
SCANNED_PDF_MESSAGE = (
    "this PDF carries no issuer signature: it is a scan, or a file made again "
    "from the certificate, and the file itself proves nothing. Scan the paper "
    "certificate, or ask for the original PDF file as issued (a verifier that "
    "accepts scanned PDFs has them checked from the seal alone)"
)


def verify_pdf(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
) -> VerificationResult:
    """Verify a PDF: its PAdES signatures, then the seal on its rendered page.

    Born-digital PDFs (the issuer's signature present): the file must be covered
    by that signature byte for byte (:func:`docsec.pdf.check_coverage`:
    ``pdf_coverage``), and every signature and document timestamp is validated
    with pyHanko against ``policy.trust`` only, with modification analysis
    (``pdf_signature``); any exception fails the check. The first page (then the
    others, until a seal is found) is rendered with pypdfium2, form widgets
    included, and its seal verified as for a scan. The seal's signer and the
    PDF's signer must be the same key, and a seal that the PDF declares must be
    the one on the page. :data:`docsec.policy.PDF_CHECKS` are required on top
    of ``policy.required``.

    PDFs without the issuer's signature (any unsigned PDF, or a scanned page
    signed by nobody the verifier trusts) are INCONCLUSIVE (``scanned-pdf``)
    unless ``policy.accept_scanned_pdf``: then a page that is one image is
    verified at its native resolution with :func:`verify_image`, any other page
    is rendered, and ``policy`` applies as is. A signature that an incremental
    update removed is NOT AUTHENTIC (``pdf-signature-removed``).

    Parameters
    ----------
    data : bytes
        The PDF file.
    policy : VerifyPolicy
        Trust store and required checks.
    at : datetime or date, optional
        Verification time (default: now).
    input_name : str, optional
        Name of the input, echoed in the result.

    Returns
    -------
    VerificationResult

    Raises
    ------
    InputError
        If ``data`` is not a PDF.
    """
    _check_arguments(policy, at, data=data)
    from docsec import pdf as _pdf
    from docsec.policy import PDF_CHECKS

    if not _pdf.is_pdf(data):
        raise InputError("not a PDF (no %PDF- header)")
    run = _Run([])
    if _pdf.truncated(data):
        run.add(
            "pdf_signature",
            CheckStatus.INCONCLUSIVE,
            "the file ends before the bytes its signature covers, or inside its "
            "last part: it is incomplete (a download or copy cut short); ask for "
            "the file again",
            "pdf-truncated",
        )
        return VerificationResult(
            checks=tuple(run.checks),
            required=policy.required | PDF_CHECKS,
            input=input_name,
            policy=policy.name,
        )
    # Then pages, page sizes and the images they draw are checked before any library
    # renders or decodes them (or parses a huge page tree).
    _pdf.check_budget(
        data,
        pages=_MAX_PDF_PAGES,
        dpi=_RENDER_DPI[0],
        max_pixels=policy.max_pixels,
        max_memory=policy.max_memory,
    )
    when = verification_time(at)
    reports: list[_pdf.SignatureReport] = []

    def signatures() -> None:
        reports.extend(
            _pdf.validate_signatures(
                data, trust=policy.trust, at=when if at is not None else None
            )
        )

    _guard(run, "pdf_signature", signatures)
    # Every PDF signature patches a literal /ByteRange into the file (it is never
    # compressed), so a file without one was never signed: when pyHanko cannot
    # read it (a scan saved by a tool with sloppy xref offsets), nothing signed
    # was tampered with, and it is judged as any unsigned PDF.
    never_signed = b"/ByteRange" not in data
    if never_signed and not reports:
        run.checks.clear()
    signed = [r for r in reports if r.kind == "signature"]
    if signed and not run.checks and not any(r.trusted for r in signed):
        # Signed, but by nobody the verifier trusts: a scanning service's signature
        # on a scan is no evidence about the certificate. (A forger gains nothing
        # here: any image can be wrapped in a new PDF.)
        image_only: list[bool] = []
        _guard(
            run,
            "pdf_signature",
            lambda: image_only.append(
                _pdf.scanned_page_image(
                    data, max_pixels=policy.max_pixels, max_memory=policy.max_memory
                )
                is not None
            ),
        )
        if image_only == [True]:
            signed = []
    if not signed and not run.checks:
        removed: list[bool] = []
        _guard(
            run,
            "pdf_signature",
            lambda: removed.append(
                not reports and not never_signed and _pdf.had_signature(data)
            ),
        )
        if removed == [True]:
            run.add(
                "pdf_signature",
                _FAIL,
                "an incremental update removed the PDF's signature",
                "pdf-signature-removed",
            )
        elif removed == [False]:
            if policy.accept_scanned_pdf:
                return dataclasses.replace(
                    _scanned_pdf(data, policy=policy, at=at, input_name=input_name),
                    input_sha256=_sha256(data),
                )
            run.add(
                "pdf_signature",
                CheckStatus.INCONCLUSIVE,
                SCANNED_PDF_MESSAGE,
                "scanned-pdf",
            )
            return VerificationResult(
                checks=tuple(run.checks),
                required=policy.required | PDF_CHECKS,
                input=input_name,
                policy=policy.name,
                verified_at=when,
                input_sha256=_sha256(data),
                trust_store_id=policy.trust.fingerprint,
            )
    if signed:

        def coverage() -> None:
            report = _pdf.check_coverage(data)
            if report.ok:
                run.add("pdf_coverage", _PASS, report.detail)
            else:
                run.add("pdf_coverage", _FAIL, report.detail, *report.reasons)

        _guard(run, "pdf_coverage", coverage)
    for r in reports:
        what = "document timestamp" if r.kind == "timestamp" else "signature"
        if r.ok:
            extra = f", timestamp {r.timestamp.isoformat()}" if r.timestamp else ""
            run.add(
                "pdf_signature",
                _PASS,
                f"PDF {what} {r.field_name} valid and trusted, no disallowed change "
                f"(pyHanko: {r.modification_level}){extra}",
            )
        else:
            reasons = []
            if r.error is not None:
                reasons.append("pdf-validation-error")
            else:
                # pyHanko does not build the signer's path once the digest or the
                # signature fails, so "untrusted" is only a finding for an intact,
                # valid signature (else a flipped byte would read as untrusted).
                if not r.intact:
                    reasons.append("pdf-digest-mismatch")
                elif not r.valid:
                    reasons.append("pdf-signature-invalid")
                elif not r.trusted:
                    reasons.append("pdf-signer-untrusted")
                if (
                    r.modification_level not in ("NONE", "LTA_UPDATES")
                    or not r.docmdp_ok
                ):
                    reasons.append("pdf-modified")
            if reasons == ["pdf-signer-untrusted"]:
                # Intact, valid and unchanged, by a key this verifier does not know:
                # no evidence against the file (a new office certificate looks the
                # same), and no trust either.
                run.add(
                    "pdf_signature",
                    CheckStatus.INCONCLUSIVE,
                    f"PDF {what} {r.field_name} is intact but its signer does not "
                    "chain to this verifier's trust anchors; if the issuing office "
                    "is genuine, update the trust folder with its current bundle",
                    *reasons,
                )
                continue
            run.add(
                "pdf_signature",
                _FAIL,
                f"PDF {what} {r.field_name} does not validate"
                + (f" ({r.error})" if r.error else ""),
                *(reasons or ["pdf-signature-invalid"]),
            )
    seal_run = _Run([])
    # The certificates in the PDF's signatures: untrusted path material, so that a
    # trust folder holding only the root still finds (and chains) the signer of
    # the seal on the page.
    embedded = _trust.certificates_from_der(
        der for r in reports if r.kind == "signature" for der in r.embedded_certs_der
    )
    found: list[SignedContent | None] = []
    _guard(
        seal_run,
        "barcode",
        lambda: found.append(
            _seal_from_pages(
                seal_run, data, policy=policy, at=when, extra_certs=embedded
            )
        ),
    )
    content = found[0] if found else None
    run.checks.extend(seal_run.checks)
    run.locations.extend(seal_run.locations)
    run.required |= seal_run.required

    def signer_match() -> None:
        signers = [r for r in reports if r.kind == "signature" and r.signer_cert_der]
        if content is None or not signers:
            run.add(
                "seal_pdf_signer_match",
                CheckStatus.ABSENT,
                "no verified seal and PDF signature to compare",
            )
            return
        # The key that verified the seal, never a certificate the PDF brings
        # along: a forger's certificate may copy the office's name and serial.
        seal_keys = {content.signer_key} if content.signer_key else set()
        pdf_keys = {_spki(r.signer_cert_der or b"") for r in signers}
        if None not in pdf_keys and pdf_keys <= seal_keys:
            run.add(
                "seal_pdf_signer_match",
                _PASS,
                f"the PDF was signed with the seal signer's key ({content.issuer})",
            )
        else:
            run.add(
                "seal_pdf_signer_match",
                _FAIL,
                "the PDF signer is not the seal's signer",
                "signer-mismatch",
            )

    def binding() -> None:
        declared = _pdf.declared_seal(data)
        if declared is None:
            run.add(
                "seal_pdf_binding",
                CheckStatus.ABSENT,
                "the PDF declares no seal (not issued by docsec)",
            )
        elif content is None:
            run.add(
                "seal_pdf_binding", CheckStatus.ABSENT, "no verified seal to compare"
            )
        elif declared == content.seal_bytes:
            run.add(
                "seal_pdf_binding", _PASS, "the seal on the page is the one signed in"
            )
        else:
            run.add(
                "seal_pdf_binding",
                _FAIL,
                "the seal on the page is not the one this PDF was issued with",
                "seal-swapped",
            )

    _guard(run, "seal_pdf_signer_match", signer_match)
    _guard(run, "seal_pdf_binding", binding)
    return VerificationResult(
        checks=tuple(run.checks),
        required=policy.required | PDF_CHECKS | run.required,
        content=content,
        input=input_name,
        policy=policy.name if policy.required >= PDF_CHECKS else policy.name + "+pdf",
        locations=tuple(run.locations),
        verified_at=when,
        input_sha256=_sha256(data),
        trust_store_id=policy.trust.fingerprint,
    )


def _seal_from_pages(
    run: _Run,
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime,
    extra_certs: Sequence[x509.Certificate] = (),
) -> SignedContent | None:
    """Render the PDF's pages (the first 10, at 200 then 400 dpi) until a seal is found.

    ``run`` holds the checks of the last page tried: the one with the seal, or
    the last one without.
    """
    from docsec import pdf as _pdf

    content = None
    pages = min(_pdf.page_count(data), _MAX_PDF_PAGES)
    for dpi in _RENDER_DPI:
        for index in range(pages):
            try:
                image = _pdf.render_page(
                    data, dpi=dpi, page=index, max_pixels=policy.max_pixels
                )
            except InputError:
                if dpi == _RENDER_DPI[0]:
                    raise
                # Within the budget at the first resolution (checked before),
                # too large at the fallback one: that page is not read again.
                logger.debug("page %d skipped at %.0f dpi", index, dpi)
                continue
            run.checks.clear()
            run.locations.clear()
            run.required.clear()
            content = _seal_from_image(
                run,
                image,
                policy=policy,
                at=at,
                dpi=dpi,
                physical=False,
                extra_certs=extra_certs,
            )
            if run.checks and run.checks[0].status is not CheckStatus.ABSENT:
                return content
    return content


def _scanned_pdf(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None,
    input_name: str | None,
) -> VerificationResult:
    """Verify a PDF without the issuer's signature as a scan (the policy allows it)."""
    from docsec import pdf as _pdf

    scanned = None
    try:
        scanned = _pdf.scanned_page_image(
            data, max_pixels=policy.max_pixels, max_memory=policy.max_memory
        )
    except InputError:
        logger.debug("no scanned image", exc_info=True)
    if scanned is not None:
        image, dpi = scanned
        logger.debug("scanned PDF: image %s at %.0f dpi", image.shape, dpi)
        inner = verify_image(image, policy=policy, at=at, input_name=input_name)
        checks, required = inner.checks, inner.required
        content, locations = inner.content, inner.locations
        paper = inner.paper
        when = inner.verified_at or verification_time(at)
        how = f"its {dpi:.0f}-dpi image was verified as a scan"
    else:
        run = _Run([])
        found: list[SignedContent | None] = []
        when = verification_time(at)
        _guard(
            run,
            "barcode",
            lambda: found.append(_seal_from_pages(run, data, policy=policy, at=when)),
        )
        checks, required = tuple(run.checks), policy.required | run.required
        content = found[0] if found else None
        locations = tuple(run.locations)
        paper = run.paper
        how = "its rendered page was verified as a scan"
    note = CheckResult(
        "pdf_signature",
        CheckStatus.ABSENT,
        f"PDF without the issuer's signature: {how}, from the seal alone "
        "(the policy accepts scanned PDFs)",
        ("scanned-pdf",),
    )
    return VerificationResult(
        checks=(*checks, note),
        required=required,
        content=content,
        input=input_name,
        policy=policy.name,
        locations=locations,
        verified_at=when,
        trust_store_id=policy.trust.fingerprint,
        paper=paper,
    )


def verify_file(
    path: str | Path,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
) -> VerificationResult:
    """Verify a file: a PDF, a scan or photo (PNG, JPEG, TIFF, BMP, WebP) or seal bytes.

    Only regular files of at most ``policy.max_bytes`` are read (a named pipe or a
    device is refused, never waited on); see :func:`verify_bytes` for the rest.

    Raises
    ------
    InputError
        If the file cannot be read, is not a regular file, is too large, or is of
        a kind docsec does not verify.
    """
    _check_arguments(policy, at, path=path)
    p = Path(path)
    data = inputs.read_regular_file(p, max_bytes=policy.max_bytes)
    if _kind(data, p.suffix) == "image":
        digest = _sha256(data)
        loaded = _decode(data, policy, p.name)
        del data  # the file's bytes are not needed while the pixels are checked
        result = verify_image(loaded.image, policy=policy, at=at, input_name=str(p))
        return dataclasses.replace(result, input_sha256=digest)
    return verify_bytes(data, policy=policy, at=at, input_name=str(p), suffix=p.suffix)


def verify_bytes(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
    suffix: str = "",
) -> VerificationResult:
    """Verify the contents of a file (e.g. read from standard input).

    PDFs (recognised by ``%PDF``) go to :func:`verify_pdf`. Raw seal bytes are
    recognised by a registered format's start (0xDC for a VDS, ``DC`` and a
    version for a 2D-Doc, ``HC1:`` for an EU DCC; :func:`docsec.formats.detect`)
    or a ``.bin`` ``suffix``.
    Anything else is decoded as an image, straight to gray, within the policy's
    pixel and memory limits (checked from the header before decoding), and goes to
    :func:`verify_image`.

    Raises
    ------
    InputError
        If the data is empty, too large, or of a kind docsec does not verify.
    """
    _check_arguments(policy, at, data=data)
    name = input_name or "input"
    short = Path(name).name or name
    if len(data) > policy.max_bytes:
        raise InputError(f"{short} is larger than {policy.max_bytes} bytes")
    kind = _kind(data, suffix)
    if kind == "pdf":
        if len(data) > MAX_PDF_BYTES:
            raise InputError(f"{short} is larger than {MAX_PDF_BYTES} bytes")
        return verify_pdf(data, policy=policy, at=at, input_name=input_name)
    if kind == "seal":
        if len(data) > _MAX_SEAL_BYTES:
            raise InputError(f"{short} is too large to be seal bytes")
        return verify_seal_bytes(data, policy=policy, at=at, input_name=input_name)
    loaded = _decode(data, policy, short)
    result = verify_image(loaded.image, policy=policy, at=at, input_name=input_name)
    return dataclasses.replace(result, input_sha256=_sha256(data))


def _sha256(data: bytes | bytearray | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


#: Largest raw seal file: a DataMatrix holds at most 1556 bytes.
_MAX_SEAL_BYTES = 64 * 1024


def _kind(data: bytes, suffix: str) -> str:
    if not data:
        raise InputError("the input is empty")
    if data.startswith(b"%PDF"):
        return "pdf"
    if suffix.lower() == ".bin" or _formats.detect(data[:8]) is not None:
        return "seal"
    # PDF readers find the header anywhere in the first KiB.
    return "pdf" if b"%PDF-" in data[:1024] else "image"


def _decode(data: bytes, policy: VerifyPolicy, name: str) -> imaging.LoadedImage:
    return imaging.decode_image(
        data,
        max_pixels=policy.max_pixels,
        max_memory=policy.max_memory,
        gray=True,
        name=name,
    )
