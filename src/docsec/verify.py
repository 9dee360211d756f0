"""The verification pipeline: from a file, an image or seal bytes to a result.

This module and :mod:`docsec.issuing` are the only code that produces a verdict. Every
check runs inside a guard: an exception inside a check becomes a failed check with the
error's class name, never a crash and never a pass.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

from docsec import barcode as _barcode
from docsec import imaging
from docsec import seal as _seal
from docsec._types import Image
from docsec.errors import InputError, KeyMaterialError, PayloadError
from docsec.keys import VerifyingKey
from docsec.policy import VerifyPolicy
from docsec.result import CheckResult, CheckStatus, SignedContent, VerificationResult

__all__ = ["VDS_MAGIC", "verify_file", "verify_image", "verify_seal_bytes"]

logger = logging.getLogger(__name__)

#: First byte of every ICAO 9303-13 visible digital seal.
VDS_MAGIC = 0xDC
_PASS = CheckStatus.PASS
_FAIL = CheckStatus.FAIL


def _now() -> datetime:
    return datetime.now(UTC)


def _as_datetime(at: datetime | date | None) -> datetime:
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
    run = _Run([])
    content = _check_seal(run, data, policy=policy, at=_as_datetime(at))
    return VerificationResult(
        checks=tuple(run.checks),
        required=policy.required,
        content=content,
        input=input_name,
        policy=policy.name,
    )


def _check_seal(
    run: _Run, data: bytes, *, policy: VerifyPolicy, at: datetime
) -> SignedContent | None:
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

    candidates = policy.trust.find_signer(h.signer_identifier, h.certificate_reference)
    if not candidates:
        run.add(
            "signature",
            _FAIL,
            f"no certificate in the trust store for signer {h.signer_identifier}, "
            f"reference {h.certificate_reference}",
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
        if unsupported and len(unsupported) == len(candidates):
            run.add(
                "signature",
                CheckStatus.INCONCLUSIVE,
                f"cannot check the signature: {unsupported[0]}",
                "unsupported-key",
            )
        else:
            run.add(
                "signature",
                _FAIL,
                "the seal signature does not verify: the data was changed or the "
                "seal was not made by the named signer",
                "forged-seal",
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
    )
    validation_now = policy.trust.validate(signer, at=at)
    time_codes = ("certificate-expired", "certificate-not-yet-valid")

    def chain() -> None:
        if validation.chain_ok and validation.key_usage_ok:
            run.add(
                "signer_certificate",
                _PASS,
                f"signer certificate chains to a trust anchor ({len(validation.path)} "
                "certificate(s) in the path)",
            )
        else:
            reasons = [r for r in validation.reasons if r not in time_codes]
            run.add(
                "signer_certificate",
                _FAIL,
                "the signer certificate is not trusted for seals",
                *(reasons or ["untrusted-issuer"]),
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
            run.add(
                "revocation",
                CheckStatus.INCONCLUSIVE,
                "no revocation list from the certificate's issuer in the trust store",
                "crl-missing",
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

    decoded = _seal.decode_fields(parsed)
    return SignedContent(
        profile=decoded.profile or "unknown profile",
        fields=tuple((f.name, f.value) for f in decoded.fields),
        issuer=signer.subject.rfc4514_string(),
        signer_identifier=h.signer_identifier,
        certificate_reference=h.certificate_reference,
        issuing_country=h.issuing_country,
        issue_date=h.issue_date,
        signature_date=h.signature_date,
        seal_bytes=bytes(data),
    )


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
    imaging.check_image(image)
    if image.shape[0] * image.shape[1] > policy.max_pixels:
        raise InputError(
            f"image has {image.shape[1]}x{image.shape[0]} pixels, above the "
            f"policy's limit of {policy.max_pixels}"
        )
    run = _Run([])
    content: SignedContent | None = None
    symbols = _barcode.read(image, timeout=policy.barcode_timeout)
    seals = list(dict.fromkeys(s.data for s in symbols if s.data[:1] == b"\xdc"))
    if not seals:
        what = f"{len(symbols)} other barcode(s)" if symbols else "no DataMatrix"
        run.add(
            "barcode",
            CheckStatus.ABSENT,
            f"no seal found in the image ({what})",
            "no-seal",
        )
    elif len(seals) > 1:
        run.add(
            "barcode",
            CheckStatus.INCONCLUSIVE,
            f"{len(seals)} different seals on one page; check each separately",
            "multiple-seals",
        )
    else:
        content = _check_seal(run, seals[0], policy=policy, at=_as_datetime(at))
    return VerificationResult(
        checks=tuple(run.checks),
        required=policy.required,
        content=content,
        input=input_name,
        policy=policy.name,
    )


def verify_file(
    path: str | Path,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
) -> VerificationResult:
    """Verify a file: a scan or photo (PNG, JPEG, TIFF, BMP, WebP) or raw seal bytes.

    Raw seal bytes are recognised by their first byte (0xDC, the VDS magic) or a
    ``.bin`` suffix.

    Raises
    ------
    InputError
        If the file cannot be read or is of a kind docsec does not verify.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise InputError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if not head:
        raise InputError(f"{p.name} is empty")
    if head.startswith(b"%PDF"):
        raise InputError(
            f"{p.name} is a PDF; this version of docsec verifies scans and seal "
            "bytes only. Render or scan the page to PNG and verify that."
        )
    if p.suffix.lower() == ".bin" or head[0] == VDS_MAGIC:
        data = p.read_bytes()
        if len(data) > 64 * 1024:
            raise InputError(f"{p.name} is too large to be seal bytes")
        return verify_seal_bytes(data, policy=policy, at=at, input_name=str(p))
    loaded = imaging.read_image(p, max_pixels=policy.max_pixels)
    return verify_image(loaded.image, policy=policy, at=at, input_name=str(p))
