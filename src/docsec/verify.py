"""The verification pipeline: from a file, an image or seal bytes to a result.

This module and :mod:`docsec.issuing` are the only code that produces a verdict.
An input is sniffed once (:func:`docsec.inputs.sniff`), decoded once straight to
grey (or its PDF pages rendered), its seal parsed once into a frame
(:class:`docsec._seal_checks.SealFrame`, then :class:`docsec._page_checks.PageFrame`
with the symbol-to-page homography), and each check is a named function of that
frame and the policy, run in one ordered list (:func:`docsec._pipeline.run`): an
exception inside a check becomes a failed check with the error's class name,
never a crash and never a pass; a check that did not run is absent, never passed.
The check names are :mod:`docsec.checks`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import logging
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from docsec import _ocr, _page_checks, _pipeline, _seal_checks, imaging, inputs
from docsec import barcode as _barcode
from docsec import checks as _names
from docsec import formats as _formats
from docsec import seal as _seal
from docsec import trust as _trust
from docsec._pipeline import Run as _Run
from docsec._seal_checks import SealFrame
from docsec._seal_checks import spki_der as _spki
from docsec._types import Image
from docsec.errors import InputError
from docsec.policy import VerifyPolicy
from docsec.result import (
    CheckResult,
    CheckStatus,
    Location,
    SignedContent,
    VerificationResult,
)

if TYPE_CHECKING:
    from cryptography import x509

    from docsec import pdf as _pdf

__all__ = [
    "MAX_PDF_BYTES",
    "SCANNED_PDF_MESSAGE",
    "VDS_MAGIC",
    "Frame",
    "verification_time",
    "verify_bytes",
    "verify_bytes_with_frame",
    "verify_file",
    "verify_file_with_frame",
    "verify_image",
    "verify_pdf",
    "verify_seal_bytes",
]

logger = logging.getLogger(__name__)

#: First byte of every ICAO 9303-13 visible digital seal (defined in docsec.seal).
VDS_MAGIC = _seal.MAGIC
_PASS = CheckStatus.PASS
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


#: The image a result's locations refer to, and the resolution docsec rendered
#: it at (a PDF page's; None: the input's own pixels).
Page = tuple[Image, float | None]


@dataclass(frozen=True, slots=True)
class Frame:
    """What verification read from one input, kept for whoever draws on it.

    Attributes
    ----------
    kind : {"image", "pdf", "seal"}
        What the input was sniffed as.
    page : (image, dpi) or None
        The grey page the result's locations refer to (for a PDF, the page
        rendered at ``dpi``); None for seal bytes, or a PDF whose pages were
        never rendered.
    """

    kind: inputs.Kind
    page: Page | None = None


def _guard(run: _Run, name: str, fn: Callable[[], None]) -> None:
    """Run ``fn``; an unexpected exception becomes a failed check ``name``."""
    try:
        fn()
    except Exception as exc:
        logger.debug("check %s raised", name, exc_info=True)
        run.checks.append(_pipeline.failed(name, exc))


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
    run = _Run()
    when = verification_time(at)
    _frame, content = _check_seal(run, data, policy=policy, at=when)
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
) -> tuple[SealFrame | None, SignedContent | None]:
    """Verify seal bytes of any format; ``extra_certs`` are untrusted path material.

    The seal is parsed once (:func:`docsec._seal_checks.read_seal`: ``barcode``
    and ``signature``); its other checks run over that frame in order.
    """
    checks, frame = _seal_checks.read_seal(
        data, policy=policy, at=at, extra_certs=extra_certs
    )
    run.checks.extend(checks)
    if frame is None:
        return None, None
    _pipeline.run(run, frame, policy, _seal_checks.SEAL_STEPS)
    return frame, _seal_checks.signed_content(frame)


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
    return _verify_image(image, policy=policy, at=at, input_name=input_name)[0]


def _verify_image(
    image: Image,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None,
    input_name: str | None,
    colour: Callable[[], Image | None] | None = None,
) -> tuple[VerificationResult, Page | None]:
    """:func:`verify_image`, with the (grey) page its locations refer to.

    ``colour`` loads the input in colour (None when it is grey), for a file decoded
    straight to grey; an array in colour is its own.
    """
    imaging.check_image(image)
    _ocr.prewarm()  # a page image: its printed fields may be read (idempotent)
    if image.shape[0] * image.shape[1] > policy.max_pixels:
        raise InputError(
            f"image has {image.shape[1]}x{image.shape[0]} pixels, above the "
            f"policy's limit of {policy.max_pixels}"
        )
    run = _Run()
    if policy.cdp_keys:
        # Copy detection's colour evidence (a colour copier's composite black and
        # screens) reads the colour page, loaded only when the copy check measures.
        if colour is not None:
            run.colour = colour
        elif image.ndim == 3:
            run.colour = functools.partial(_tinted, image)
    # Every other check reads luminance only; the one gray copy, up front, keeps
    # each later crop and work image at a third of a colour page's size (files
    # are decoded straight to gray: then this is the image itself).
    image = imaging.to_gray(image)
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
    ), run.page


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
    run.page = (image, dpi)
    symbols = _barcode.read(image, timeout=policy.barcode_timeout)
    formats = [_formats.detect(s.data) for s in symbols]
    if not any(formats):
        # No seal in a DataMatrix: an EU DCC is printed as a QR code.
        symbols = symbols + _barcode.read_qr(image, max_pixels=policy.max_pixels)
        formats = [_formats.detect(s.data) for s in symbols]
    found = [(s, f) for s, f in zip(symbols, formats, strict=True) if f is not None]
    for sym, _fmt in found:
        run.locations.append(Location("seal", tuple(sym.corners), dpi))
    seals = list(dict.fromkeys(s.data for s, _fmt in found))
    if not seals:
        what = f"{len(symbols)} other barcode(s)" if symbols else "no DataMatrix"
        run.add(
            _names.BARCODE,
            CheckStatus.ABSENT,
            f"no seal found in the image ({what})",
            "no-seal",
        )
        return None
    if len(seals) > 1:
        run.add(
            _names.BARCODE,
            CheckStatus.INCONCLUSIVE,
            f"{len(seals)} different seals on one page; check each separately",
            "multiple-seals",
        )
        return None
    seal, content = _check_seal(
        run, seals[0], policy=policy, at=at, extra_certs=extra_certs
    )
    if seal is not None and content is not None and seal.format is _formats.VDS:
        # The watermark, printed text and copy-detection pattern are docsec's,
        # declared by a docsec VDS profile; other formats declare none.
        symbol = next(s for s, _fmt in found if s.data == seals[0])
        page = _page_checks.page_frame(
            image,
            symbol,
            seal,
            content,
            dpi=dpi,
            physical=physical,
            colour=run.colour if physical else None,
        )
        _pipeline.run(
            run,
            page,
            policy,
            _page_checks.PAGE_STEPS,
            alongside=_page_checks.alongside(),
        )
    return content


#: Largest PDF :func:`verify_file` reads.
MAX_PDF_BYTES = 64 * 1024 * 1024
# Page render resolutions tried in turn: 200 dpi gives ~3.9 px per 0.5 mm module,
# which zxing-cpp reads; 400 dpi is the fallback for smaller modules.
_RENDER_DPI = (200.0, 400.0)
#: Pages of a PDF searched for the seal (from the first).
_MAX_PDF_PAGES = 10


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
    return _verify_pdf(data, policy=policy, at=at, input_name=input_name)[0]


@dataclass(frozen=True, slots=True)
class _PdfFrame:
    """A PDF, its signatures validated once, and the seal found on its page."""

    data: bytes
    reports: tuple[_pdf.SignatureReport, ...]
    content: SignedContent | None = None

    @property
    def signers(self) -> list[_pdf.SignatureReport]:
        """The reports of signatures (not document timestamps)."""
        return [r for r in self.reports if r.kind == "signature"]


def check_pdf_coverage(frame: _PdfFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that the issuer's signature covers the file byte for byte."""
    from docsec import pdf as _pdf

    report = _pdf.check_coverage(frame.data)
    if report.ok:
        return CheckResult(_names.PDF_COVERAGE, _PASS, report.detail)
    return CheckResult(_names.PDF_COVERAGE, _FAIL, report.detail, report.reasons)


def check_pdf_signatures(
    frame: _PdfFrame, policy: VerifyPolicy
) -> tuple[CheckResult, ...]:
    """Check that each signature and document timestamp validates, trusted, unchanged."""
    out: list[CheckResult] = []
    name = _names.PDF_SIGNATURE
    for r in frame.reports:
        what = "document timestamp" if r.kind == "timestamp" else "signature"
        if r.ok:
            extra = f", timestamp {r.timestamp.isoformat()}" if r.timestamp else ""
            out.append(
                CheckResult(
                    name,
                    _PASS,
                    f"PDF {what} {r.field_name} valid and trusted, no disallowed "
                    f"change (pyHanko: {r.modification_level}){extra}",
                )
            )
            continue
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
            if r.modification_level not in ("NONE", "LTA_UPDATES") or not r.docmdp_ok:
                reasons.append("pdf-modified")
        if reasons == ["pdf-signer-untrusted"]:
            # Intact, valid and unchanged, by a key this verifier does not know:
            # no evidence against the file (a new office certificate looks the
            # same), and no trust either.
            out.append(
                CheckResult(
                    name,
                    CheckStatus.INCONCLUSIVE,
                    f"PDF {what} {r.field_name} is intact but its signer does not "
                    "chain to this verifier's trust anchors; if the issuing office "
                    "is genuine, update the trust folder with its current bundle",
                    tuple(reasons),
                )
            )
            continue
        out.append(
            CheckResult(
                name,
                _FAIL,
                f"PDF {what} {r.field_name} does not validate"
                + (f" ({r.error})" if r.error else ""),
                tuple(reasons or ["pdf-signature-invalid"]),
            )
        )
    return tuple(out)


def check_seal_pdf_signer_match(frame: _PdfFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that the PDF was signed with the key that verified the page's seal."""
    name = _names.SEAL_PDF_SIGNER_MATCH
    content = frame.content
    signers = [r for r in frame.signers if r.signer_cert_der]
    if content is None or not signers:
        return CheckResult(
            name, CheckStatus.ABSENT, "no verified seal and PDF signature to compare"
        )
    # The key that verified the seal, never a certificate the PDF brings along: a
    # forger's certificate may copy the office's name and serial.
    seal_keys = {content.signer_key} if content.signer_key else set()
    pdf_keys = {_spki(r.signer_cert_der or b"") for r in signers}
    if None not in pdf_keys and pdf_keys <= seal_keys:
        return CheckResult(
            name,
            _PASS,
            f"the PDF was signed with the seal signer's key ({content.issuer})",
        )
    return CheckResult(
        name, _FAIL, "the PDF signer is not the seal's signer", ("signer-mismatch",)
    )


def check_seal_pdf_binding(frame: _PdfFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that the seal on the page is the one the PDF declares (signed in)."""
    from docsec import pdf as _pdf

    name = _names.SEAL_PDF_BINDING
    declared = _pdf.declared_seal(frame.data)
    if declared is None:
        return CheckResult(
            name, CheckStatus.ABSENT, "the PDF declares no seal (not issued by docsec)"
        )
    if frame.content is None:
        return CheckResult(name, CheckStatus.ABSENT, "no verified seal to compare")
    if declared == frame.content.seal_bytes:
        return CheckResult(name, _PASS, "the seal on the page is the one signed in")
    return CheckResult(
        name,
        _FAIL,
        "the seal on the page is not the one this PDF was issued with",
        ("seal-swapped",),
    )


#: The PDF's checks once the seal on its page is verified, in order.
_PDF_SEAL_STEPS: tuple[_pipeline.Step[_PdfFrame], ...] = (
    (_names.SEAL_PDF_SIGNER_MATCH, check_seal_pdf_signer_match),
    (_names.SEAL_PDF_BINDING, check_seal_pdf_binding),
)


def _verify_pdf(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
) -> tuple[VerificationResult, Page | None]:
    """:func:`verify_pdf`, with the page its locations refer to."""
    from docsec import pdf as _pdf
    from docsec.policy import PDF_CHECKS

    if not _pdf.is_pdf(data):
        raise InputError("not a PDF (no %PDF- header)")
    run = _Run()
    if _pdf.truncated(data):
        run.add(
            _names.PDF_SIGNATURE,
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
        ), None
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
    _guard(
        run,
        _names.PDF_SIGNATURE,
        lambda: reports.extend(
            _pdf.validate_signatures(
                data, trust=policy.trust, at=when if at is not None else None
            )
        ),
    )
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
            _names.PDF_SIGNATURE,
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
            _names.PDF_SIGNATURE,
            lambda: removed.append(
                not reports and not never_signed and _pdf.had_signature(data)
            ),
        )
        if removed == [True]:
            run.add(
                _names.PDF_SIGNATURE,
                _FAIL,
                "an incremental update removed the PDF's signature",
                "pdf-signature-removed",
            )
        elif removed == [False]:
            if policy.accept_scanned_pdf:
                result, page = _scanned_pdf(
                    data, policy=policy, at=at, input_name=input_name
                )
                return dataclasses.replace(result, input_sha256=_sha256(data)), page
            run.add(
                _names.PDF_SIGNATURE,
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
            ), None
    frame = _PdfFrame(data, tuple(reports))
    steps: list[_pipeline.Step[_PdfFrame]] = []
    if signed:
        steps.append((_names.PDF_COVERAGE, check_pdf_coverage))
    steps.append((_names.PDF_SIGNATURE, check_pdf_signatures))
    _pipeline.run(run, frame, policy, steps)
    seal_run = _Run()
    # The certificates in the PDF's signatures: untrusted path material, so that a
    # trust folder holding only the root still finds (and chains) the signer of
    # the seal on the page.
    embedded = _trust.certificates_from_der(
        der for r in frame.signers for der in r.embedded_certs_der
    )
    found: list[SignedContent | None] = []
    _guard(
        seal_run,
        _names.BARCODE,
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
    frame = dataclasses.replace(frame, content=content)
    _pipeline.run(run, frame, policy, _PDF_SEAL_STEPS)
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
    ), seal_run.page


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
) -> tuple[VerificationResult, Page | None]:
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
        inner, page = _verify_image(image, policy=policy, at=at, input_name=input_name)
        checks, required = inner.checks, inner.required
        content, locations = inner.content, inner.locations
        paper = inner.paper
        when = inner.verified_at or verification_time(at)
        how = f"its {dpi:.0f}-dpi image was verified as a scan"
    else:
        run = _Run()
        found: list[SignedContent | None] = []
        when = verification_time(at)
        _guard(
            run,
            _names.BARCODE,
            lambda: found.append(_seal_from_pages(run, data, policy=policy, at=when)),
        )
        checks, required = tuple(run.checks), policy.required | run.required
        content = found[0] if found else None
        locations = tuple(run.locations)
        paper = run.paper
        page = run.page
        how = "its rendered page was verified as a scan"
    note = CheckResult(
        _names.PDF_SIGNATURE,
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
    ), page


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
    return verify_file_with_frame(path, policy=policy, at=at)[0]


def verify_file_with_frame(
    path: str | Path,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
) -> tuple[VerificationResult, Frame]:
    """:func:`verify_file`, and the :class:`Frame` it read (for ``--annotate``)."""
    _check_arguments(policy, at, path=path)
    p = Path(path)
    data = inputs.read_regular_file(p, max_bytes=policy.max_bytes)
    kind = inputs.sniff(data, p.suffix)  # the one look at what the input is
    if kind == "image":
        # The OCR engines load their models while the page is decoded and the
        # seal searched (docs/printed-text.md).
        _ocr.prewarm()
        digest = _sha256(data)
        loaded = _decode(data, policy, p.name)
        colour = _colour_loader(data, policy, p.name, loaded)
        del data  # unless copy detection may read it in colour (above)
        result, page = _verify_image(
            loaded.image, policy=policy, at=at, input_name=str(p), colour=colour
        )
        return dataclasses.replace(result, input_sha256=digest), Frame(kind, page)
    return _verify_data(data, kind, policy=policy, at=at, input_name=str(p))


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
    return verify_bytes_with_frame(
        data, policy=policy, at=at, input_name=input_name, suffix=suffix
    )[0]


def verify_bytes_with_frame(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None = None,
    input_name: str | None = None,
    suffix: str = "",
) -> tuple[VerificationResult, Frame]:
    """:func:`verify_bytes`, and the :class:`Frame` it read (for ``--annotate``)."""
    _check_arguments(policy, at, data=data)
    name = input_name or "input"
    if len(data) > policy.max_bytes:
        short = Path(name).name or name
        raise InputError(f"{short} is larger than {policy.max_bytes} bytes")
    return _verify_data(
        data, inputs.sniff(data, suffix), policy=policy, at=at, input_name=input_name
    )


def _verify_data(
    data: bytes,
    kind: inputs.Kind,
    *,
    policy: VerifyPolicy,
    at: datetime | date | None,
    input_name: str | None,
) -> tuple[VerificationResult, Frame]:
    """Verify an input's bytes, sniffed once (:func:`docsec.inputs.sniff`) as ``kind``."""
    name = input_name or "input"
    short = Path(name).name or name
    if kind == "pdf":
        if len(data) > MAX_PDF_BYTES:
            raise InputError(f"{short} is larger than {MAX_PDF_BYTES} bytes")
        result, page = _verify_pdf(data, policy=policy, at=at, input_name=input_name)
        return result, Frame("pdf", page)
    if kind == "seal":
        if len(data) > _MAX_SEAL_BYTES:
            raise InputError(f"{short} is too large to be seal bytes")
        result = verify_seal_bytes(data, policy=policy, at=at, input_name=input_name)
        return result, Frame("seal")
    # An image: the printed-text check may read it. The OCR engines load their
    # models while the image is decoded and the seal searched (docs/printed-text.md).
    _ocr.prewarm()
    loaded = _decode(data, policy, short)
    result, page = _verify_image(
        loaded.image,
        policy=policy,
        at=at,
        input_name=input_name,
        colour=_colour_loader(data, policy, short, loaded),
    )
    return dataclasses.replace(result, input_sha256=_sha256(data)), Frame("image", page)


def _sha256(data: bytes | bytearray | memoryview) -> str:
    return hashlib.sha256(data).hexdigest()


#: Largest raw seal file: a DataMatrix holds at most 1556 bytes.
_MAX_SEAL_BYTES = 64 * 1024


def _colour_loader(
    data: bytes, policy: VerifyPolicy, name: str, loaded: imaging.LoadedImage
) -> Callable[[], Image | None] | None:
    """Return what decodes ``data`` in colour for the copy check, or None.

    Only when copy-detection keys are held and the file stores colour (``loaded``
    is its grey decode): the copy check alone reads colour, and only past its
    resolution gate (a 1200-ppi scan), so a page is decoded in colour at most once
    more, and never for a 300- or 600-dpi scan. The decode gets the policy's
    memory budget less the bytes of the grey page. A grey file gets None, and its
    bytes are not kept (77 MB for a 1200-ppi PNG).
    """
    if not policy.cdp_keys or not loaded.colour:
        return None
    held = loaded.image.nbytes

    def load() -> Image | None:
        try:
            loaded = imaging.decode_image(
                data,
                max_pixels=policy.max_pixels,
                max_memory=max(0, policy.max_memory - held),
                gray=False,
                name=name,
            )
        except InputError:
            return None  # e.g. over the memory limit in colour: grey evidence only
        return _tinted(loaded.image)

    return load


def _tinted(image: Image) -> Image | None:
    """Return ``image`` if it is in colour, None if it is grey (or stored as RGB)."""
    import numpy as np

    if image.ndim != 3:
        return None
    sample = np.asarray(image[::7, ::7], np.int16)
    spread = max(
        int(np.abs(sample[..., 0] - sample[..., 1]).max(initial=0)),
        int(np.abs(sample[..., 1] - sample[..., 2]).max(initial=0)),
    )
    return image if spread > 2 else None


def _decode(data: bytes, policy: VerifyPolicy, name: str) -> imaging.LoadedImage:
    return imaging.decode_image(
        data,
        max_pixels=policy.max_pixels,
        max_memory=policy.max_memory,
        gray=True,
        name=name,
    )
