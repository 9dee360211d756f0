"""The seal's checks, for every registered format, over one parsed seal.

:func:`read_seal` parses the bytes once and finds the certificate that verifies
the signature (checks ``barcode`` and ``signature``: the gate, since nothing else
can be checked without them). It returns a :class:`SealFrame`: the bytes, the
format, the parsed seal, the signer and its two validations, computed once. The
other checks are named functions of that frame and the policy, run in the order
of :data:`SEAL_STEPS`, fail-closed (:func:`docsec._pipeline.run`):
``signer_certificate`` (chains to an anchor, key usage, the format's own
restrictions), ``certificate_validity`` (valid on the signing date and at ``at``),
``revocation``, ``document_validity`` and, for docsec's ICAO VDS certificates,
``registry``.

The verdict rules are the same for every format; what differs is said in one
place each: the wording that tells a verifier where to get a format's
certificates (:class:`_Wording`), and the document's validity window (a VDS
profile states days; a DCC states moments, a 2D-Doc nothing).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import Encoding

from docsec import checks as _names
from docsec import formats as _formats
from docsec import seal as _seal
from docsec import trust as _trust
from docsec.errors import KeyMaterialError, PayloadError
from docsec.result import CheckResult, CheckStatus, SignedContent

if TYPE_CHECKING:
    from cryptography import x509

    from docsec._pipeline import Step
    from docsec.formats import ParsedSeal, SealFormat
    from docsec.policy import VerifyPolicy

__all__ = [
    "SEAL_STEPS",
    "SealFrame",
    "check_certificate_validity",
    "check_document_validity",
    "check_registry",
    "check_revocation",
    "check_signer_certificate",
    "read_seal",
    "signed_content",
    "spki_der",
]

logger = logging.getLogger(__name__)

_PASS = CheckStatus.PASS
_FAIL = CheckStatus.FAIL
_UNDECIDED = CheckStatus.INCONCLUSIVE
_TIME_CODES = ("certificate-expired", "certificate-not-yet-valid")
_REVOCATION_CODES = ("revoked", "crl-missing", "crl-unusable")
#: The furthest any time zone runs ahead of UTC (UTC+14).
_AHEAD = timedelta(hours=14)


@dataclass(frozen=True, slots=True)
class _Wording:
    """How the checks name a format's signer and where its certificates come from."""

    malformed: str
    not_found: str
    untrusted: str
    verified: str
    advice: str
    crl_unusable: str
    #: Try trusted candidates first and refuse an untrusted look-alike that
    #: verifies where a trusted certificate of the same name does not.
    lookalike_guard: bool


_GENERIC_CRL_UNUSABLE = "no usable revocation list for this certificate's path"

_VDS_WORDING = _Wording(
    malformed="not a valid seal: {exc}",
    not_found="{named}: this certificate is not in the trust folder, so the seal "
    "cannot be checked. If the issuing office is genuine, its certificate is new "
    "to this verifier: update the trust folder with the office's current trust "
    "bundle",
    untrusted="{named}: no trusted certificate of this signer is in the trust "
    "folder (the ones found do not chain to a trust anchor), so the seal cannot "
    "be checked; update the trust folder",
    verified="seal signature verifies with the signer's key",
    advice="if the office is genuine, update the trust folder with its current "
    "trust bundle",
    crl_unusable="no usable revocation list: the trust store's CRLs for this "
    "certificate's path are stale, not yet valid, limited in scope or not "
    "verifiable",
    lookalike_guard=False,
)

#: Where a verifier gets the certificates of each other format (the advice given
#: when the signer is unknown).
_ADVICE = {
    "fr-2d-doc": "add the participant certificate (from the certification "
    "authority named in the ANTS trust list) or the ANTS trust list to --trust",
    "eu-dcc": "add the document signer certificates (DSC list) of the issuing "
    "country to --trust",
}


#: The wording of each format, built once (by format name).
_WORDINGS: dict[str, _Wording] = {}


def _wording(fmt: SealFormat) -> _Wording:
    if fmt is _formats.VDS:
        return _VDS_WORDING
    known = _WORDINGS.get(fmt.name)
    if known is None:
        known = _WORDINGS[fmt.name] = _new_wording(fmt)
    return known


def _new_wording(fmt: SealFormat) -> _Wording:
    return _Wording(
        malformed=f"not a valid {fmt.title}: {{exc}}",
        not_found="{named}: no certificate of this signer is in the trust store, "
        "so the seal cannot be checked; if the issuer is genuine, {advice}",
        untrusted="{named}: no trusted certificate of this signer (the ones found "
        "do not chain to a trust anchor); {advice}",
        verified=f"{fmt.title} signature verifies with the signer's key",
        advice=_ADVICE.get(fmt.name, "update the trust folder"),
        crl_unusable=_GENERIC_CRL_UNUSABLE,
        lookalike_guard=True,
    )


def _named(fmt: SealFormat, parsed: ParsedSeal) -> str:
    """How the checks' details name the seal's signer."""
    if fmt is _formats.VDS:
        return (
            f"signer {parsed.signer.issuer}, certificate reference "
            f"{parsed.signer.reference}"
        )
    return f"{fmt.title} signer {parsed.signer}"


@dataclass(frozen=True, slots=True)
class SealFrame:
    """One seal, parsed once and its signature verified: what the checks read.

    Attributes
    ----------
    data : bytes
        The barcode's bytes.
    format : SealFormat
        The format that parsed them.
    parsed : ParsedSeal
        The parsed seal (its ``native`` is the format's own object).
    signer : x509.Certificate
        The certificate whose key verified the signature.
    at : datetime
        Verification time, aware.
    extra_certs : tuple of x509.Certificate
        Untrusted path material (a PDF's).
    moment : datetime or None
        The moment the seal was signed, as far as it states it.
    validation, validation_now : CertificateValidation
        The signer's validation at ``moment`` (at ``at`` without one) and at ``at``.
    """

    data: bytes
    format: SealFormat
    parsed: ParsedSeal
    signer: x509.Certificate
    at: datetime
    extra_certs: tuple[x509.Certificate, ...]
    moment: datetime | None
    validation: _trust.CertificateValidation
    validation_now: _trust.CertificateValidation

    @property
    def named(self) -> str:
        """The signer as the checks' details name it."""
        return _named(self.format, self.parsed)

    @property
    def wording(self) -> _Wording:
        return _wording(self.format)

    @property
    def vds(self) -> _seal.Seal | None:
        """The ICAO VDS seal, or None for the other formats."""
        native = self.parsed.native
        return native if isinstance(native, _seal.Seal) else None


def _moment(parsed: ParsedSeal, cert: x509.Certificate) -> datetime | None:
    """Return the moment the seal was signed, for the certificate check.

    A DCC states it; the other formats state only a date: noon UTC stands for
    that day, except when the certificate's validity starts or ends on that very
    day: then the moment is inside the valid part of the day, since the seal may
    have been signed then.
    """
    if parsed.valid_from is not None and parsed.format == "eu-dcc":
        return parsed.valid_from
    day = parsed.signature_date
    if day is None:
        return None
    moment = datetime.combine(day, time(12, 0), tzinfo=UTC)
    nb, na = cert.not_valid_before_utc, cert.not_valid_after_utc
    if nb.date() == day and nb > moment:
        moment = nb
    if na.date() == day and na < moment:
        moment = na
    return moment


def read_seal(
    data: bytes,
    *,
    policy: VerifyPolicy,
    at: datetime,
    extra_certs: Sequence[x509.Certificate] = (),
) -> tuple[list[CheckResult], SealFrame | None]:
    """Parse ``data`` and verify its signature: checks ``barcode`` and ``signature``.

    Returns the two checks (or fewer) and the frame, None when the seal did not
    parse or no trusted certificate of its signer verifies it.
    """
    checks: list[CheckResult] = []

    def add(name: str, status: CheckStatus, detail: str, *reasons: str) -> None:
        checks.append(CheckResult(name, status, detail, tuple(reasons)))

    # Bytes no format recognises (a .bin file) are read as a VDS, which refuses them.
    fmt = _formats.detect(data) or _formats.VDS
    words = _wording(fmt)
    try:
        parsed = fmt.parse_unverified(data)
    except PayloadError as exc:
        add(_names.BARCODE, _FAIL, words.malformed.format(exc=exc), "malformed-seal")
        return checks, None
    add(_names.BARCODE, _PASS, parsed.summary)
    if parsed.signature is None and fmt is _formats.VDS:
        add(_names.SIGNATURE, _FAIL, "the seal has no signature zone", "unsigned-seal")
        return checks, None
    named = _named(fmt, parsed)
    trust = policy.trust
    candidates = fmt.find_signer(parsed, trust, extra=extra_certs)
    if not candidates:
        # Not evidence of a forgery: a new office certificate, or a trust folder
        # that is out of date, looks the same to this verifier.
        add(
            _names.SIGNATURE,
            _UNDECIDED,
            words.not_found.format(named=named, advice=words.advice),
            "unknown-signer",
        )
        return checks, None

    def trusted(c: x509.Certificate) -> bool:
        return (
            trust.is_anchor(c)
            or trust.validate(c, at=at, intermediates=extra_certs).chain_ok
        )

    known: list[x509.Certificate] | None = None
    order = candidates
    if words.lookalike_guard:
        # Trusted certificates first: an untrusted look-alike (the same names, in
        # the path material a PDF's signer chooses) must not stand in for a
        # trusted certificate of the named signer that does not verify the seal.
        first = [c for c in candidates if trusted(c)]
        order = sorted(candidates, key=lambda c: c not in first)
        known = first
    signer = None
    unsupported: list[str] = []
    refuted: list[x509.Certificate] = []
    for cert in order:
        try:
            if fmt.verify_signature(parsed, cert):
                signer = cert
                break
            refuted.append(cert)
        except KeyMaterialError as exc:
            unsupported.append(str(exc))
    if (
        signer is not None
        and known is not None
        and signer not in known
        and any(c in known for c in refuted)
    ):
        add(
            _names.SIGNATURE,
            _FAIL,
            "the seal signature does not verify with the trusted certificate of "
            "the named signer (only with another certificate of the same name, "
            "which does not chain to a trust anchor)",
            "forged-seal",
        )
        return checks, None
    if signer is None:
        if known is None:
            known = [c for c in candidates if trusted(c)]
        if unsupported and len(unsupported) == len(candidates):
            add(
                _names.SIGNATURE,
                _UNDECIDED,
                f"cannot check the signature: {unsupported[0]}",
                "unsupported-key",
            )
        elif known:
            # A trusted certificate of the named signer does not verify it.
            add(
                _names.SIGNATURE,
                _FAIL,
                "the seal signature does not verify: the data was changed or the "
                "seal was not made by the named signer",
                "forged-seal",
            )
        else:
            add(
                _names.SIGNATURE,
                _UNDECIDED,
                words.untrusted.format(named=named, advice=words.advice),
                "unknown-signer",
            )
        return checks, None
    add(_names.SIGNATURE, _PASS, words.verified)

    # Two moments matter (ICAO 9303 shell model): the signer certificate must have
    # been valid when the seal was signed, and must still be valid at verification
    # time `at` (issuers keep signer certificates valid for the documents' lifetime).
    moment = _moment(parsed, signer)
    validation_now = trust.validate(signer, at=at, intermediates=extra_certs)
    validation = (
        trust.validate(signer, at=moment, intermediates=extra_certs)
        if moment is not None
        else validation_now
    )
    frame = SealFrame(
        data=bytes(data),
        format=fmt,
        parsed=parsed,
        signer=signer,
        at=at,
        extra_certs=tuple(extra_certs),
        moment=moment,
        validation=validation,
        validation_now=validation_now,
    )
    return checks, frame


def check_signer_certificate(frame: SealFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that the signer certificate chains to an anchor and may sign this."""
    name = _names.SIGNER_CERTIFICATE
    validation = frame.validation
    problem = frame.format.certificate_problem(frame.parsed, frame.signer)
    if validation.chain_ok and validation.key_usage_ok and problem is None:
        return CheckResult(
            name,
            _PASS,
            f"signer certificate chains to a trust anchor ({len(validation.path)} "
            "certificate(s) in the path)",
        )
    if problem is not None and validation.chain_ok:
        return CheckResult(
            name,
            _FAIL,
            f"the signer certificate may not sign a {frame.parsed.document_type}",
            (problem,),
        )
    reasons = [
        r
        for r in validation.reasons
        if r not in _TIME_CODES and r not in _REVOCATION_CODES
    ] or ["untrusted-issuer"]
    if set(reasons) <= _trust.UNDECIDABLE_REASONS:
        # The verifier lacks the issuer (or cannot check an algorithm): no
        # evidence against the seal, and no trust either.
        return CheckResult(
            name,
            _UNDECIDED,
            f"{frame.named}: the signer certificate does not chain to a trust "
            f"anchor this verifier can check; {frame.wording.advice}",
            tuple(reasons),
        )
    detail = f" ({validation.detail})" if validation.detail else ""
    return CheckResult(
        name,
        _FAIL,
        f"the signer certificate is not trusted for seals{detail}",
        tuple(reasons),
    )


def check_certificate_validity(frame: SealFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that the signer certificate was valid at signing and is at ``at``."""
    name = _names.CERTIFICATE_VALIDITY
    moment, at = frame.moment, frame.at
    if moment is None:
        return CheckResult(
            name,
            _UNDECIDED,
            "the seal states no signing date, so the signer certificate's "
            "validity at signing cannot be checked",
            ("signing-date-missing",),
        )
    if not frame.validation.valid_at:
        return CheckResult(
            name,
            _FAIL,
            f"the seal is dated {moment.date().isoformat()}, outside the signer "
            "certificate's validity",
            ("signed-outside-certificate-validity",),
        )
    if not frame.validation_now.valid_at:
        reasons = [r for r in frame.validation_now.reasons if r in _TIME_CODES]
        return CheckResult(
            name,
            _FAIL,
            f"the signer certificate is not valid at {at.date().isoformat()} "
            "(the signature itself is valid)",
            tuple(reasons or ["certificate-expired"]),
        )
    return CheckResult(
        name,
        _PASS,
        f"signer certificate valid on the signing date {moment.date().isoformat()}"
        f" and at {at.date().isoformat()}",
    )


def check_revocation(frame: SealFrame, policy: VerifyPolicy) -> CheckResult:
    """Check that a CRL of the signer's issuer says it is not revoked."""
    name = _names.REVOCATION
    then, now = frame.validation, frame.validation_now
    if then.revoked is None and now.revoked is None:
        unusable = "crl-unusable" in now.reasons
        return CheckResult(
            name,
            _UNDECIDED,
            frame.wording.crl_unusable
            if unusable
            else "no revocation list from the certificate's issuer in the trust store",
            ("crl-unusable" if unusable else "crl-missing",),
        )
    if then.revoked or now.revoked:
        return CheckResult(
            name, _FAIL, "the signer certificate is revoked", ("revoked",)
        )
    return CheckResult(name, _PASS, "not revoked according to the issuer's CRL")


def check_document_validity(frame: SealFrame, policy: VerifyPolicy) -> CheckResult:
    """Check the document's own validity window holds ``at`` (and no future date)."""
    vds = frame.vds
    if vds is not None:
        return _vds_document_validity(vds, frame.at)
    name = _names.DOCUMENT_VALIDITY
    parsed, at = frame.parsed, frame.at
    # A DCC states the moment it was issued; the other formats only a day.
    start = parsed.valid_from
    # A day alone is the issuer's local date: it is already that day where clocks
    # run up to 14 hours ahead of UTC (a 2D-Doc signed at 00:30 in Paris is dated
    # a day after UTC's date).
    latest_day = (at.astimezone(UTC) + _AHEAD).date()
    future = (
        start > at
        if start is not None
        else parsed.signature_date is not None and parsed.signature_date > latest_day
    )
    if future:
        shown = start.isoformat() if start else str(parsed.signature_date)
        return CheckResult(
            name,
            _FAIL,
            f"the seal is dated {shown}, after the verification time {at.isoformat()}",
            ("signed-in-future",),
        )
    end = parsed.valid_until
    if end is None:
        return CheckResult(
            name, CheckStatus.ABSENT, "the seal declares no validity period"
        )
    if at > end:
        return CheckResult(
            name,
            _FAIL,
            f"the document expired on {end.isoformat()}",
            ("document-expired",),
        )
    return CheckResult(name, _PASS, f"document valid until {end.isoformat()}")


def _vds_document_validity(parsed: _seal.Seal, at: datetime) -> CheckResult:
    """Check a VDS's days: its signing date, and its profile's validity window."""
    name = _names.DOCUMENT_VALIDITY
    signing_day = parsed.header.signature_date
    if signing_day > at.date():
        return CheckResult(
            name,
            _FAIL,
            f"the seal is dated {signing_day.isoformat()}, after the verification "
            f"time {at.date().isoformat()}",
            ("signed-in-future",),
        )
    window = _seal.validity_window(parsed)
    if window is None:
        return CheckResult(
            name, CheckStatus.ABSENT, "the seal declares no validity period"
        )
    start, end = window
    if start is not None and at.date() < start:
        return CheckResult(
            name,
            _FAIL,
            f"the document is valid from {start.isoformat()}",
            ("document-not-yet-valid",),
        )
    if end is not None and at.date() > end:
        return CheckResult(
            name,
            _FAIL,
            f"the document expired on {end.isoformat()}",
            ("document-expired",),
        )
    shown = end.isoformat() if end is not None else "open-ended"
    return CheckResult(name, _PASS, f"document valid until {shown}")


def check_registry(frame: SealFrame, policy: VerifyPolicy) -> CheckResult | None:
    """Ask the policy's registry for the status of a docsec certificate's document.

    Does not run (None) without a registry or for a seal of another format.
    """
    source, vds = policy.registry, frame.vds
    if source is None or vds is None:
        return None
    from docsec.registry import DocumentState, RegistryUnavailable

    name = _names.REGISTRY
    try:
        fields = _seal.decode_certificate(vds)
    except PayloadError:
        return CheckResult(
            name,
            CheckStatus.ABSENT,
            "not a docsec certificate seal: no registry number",
        )
    number = fields.document_number
    try:
        status = source.lookup(number, fields.verification_code)
    except RegistryUnavailable as exc:
        logger.info("registry unavailable: %s", exc)
        return CheckResult(
            name,
            _UNDECIDED,
            "the document registry could not be asked",
            ("registry-unavailable",),
        )
    if status is None:
        return CheckResult(
            name,
            _UNDECIDED,
            f"the registry knows no document {number} with this seal's "
            "verification code",
            ("document-not-registered",),
        )
    if status.state is DocumentState.REVOKED:
        when = (
            f" on {status.changed_at.date().isoformat()}" if status.changed_at else ""
        )
        return CheckResult(
            name,
            _FAIL,
            f"document {number} was revoked{when}: {status.reason or 'no reason given'}",
            ("document-revoked",),
        )
    if status.state is DocumentState.SUPERSEDED:
        return CheckResult(
            name,
            _FAIL,
            f"document {number} was replaced by {status.superseded_by}",
            ("document-superseded",),
        )
    return CheckResult(name, _PASS, f"document {number} is active in the registry")


#: The seal's checks after the gate (:func:`read_seal`), in order.
SEAL_STEPS: tuple[Step[SealFrame], ...] = (
    (_names.SIGNER_CERTIFICATE, check_signer_certificate),
    (_names.CERTIFICATE_VALIDITY, check_certificate_validity),
    (_names.REVOCATION, check_revocation),
    (_names.DOCUMENT_VALIDITY, check_document_validity),
    (_names.REGISTRY, check_registry),
)


def signed_content(frame: SealFrame) -> SignedContent:
    """Return what the verified seal says (its fields with labels) and who signed it."""
    signer = frame.signer
    vds = frame.vds
    if vds is not None:
        from docsec.printed import display_fields

        decoded = _seal.decode_fields(vds)
        h = vds.header
        return SignedContent(
            profile=decoded.profile or "unknown profile",
            fields=display_fields(
                [(f.name, f.value, f.coding) for f in decoded.fields]
            ),
            issuer=signer.subject.rfc4514_string(),
            signer_identifier=h.signer_identifier,
            certificate_reference=h.certificate_reference,
            issuing_country=h.issuing_country,
            issue_date=h.issue_date,
            signature_date=h.signature_date,
            seal_bytes=frame.data,
            signer_key=spki_der(signer.public_bytes(Encoding.DER)) or b"",
        )
    fmt, parsed = frame.format, frame.parsed
    fields = fmt.decode_fields(parsed)
    # Labels name the fields in the JSON's "fields" object: a repeated label gets
    # the format's key, and a repeated key (a 2D-Doc data identifier given twice)
    # its rank, so no value is hidden behind another (field_map() and the CLI keep
    # the first value of a name).
    seen: dict[str, int] = {}
    for f in fields:
        seen[f.label] = seen.get(f.label, 0) + 1
    labelled: list[tuple[str, str]] = []
    used: dict[str, int] = {}
    for f in fields:
        name = f.label if seen[f.label] == 1 else f"{f.label} ({f.key})"
        used[name] = used.get(name, 0) + 1
        labelled.append((name if used[name] == 1 else f"{name} #{used[name]}", f.value))
    return SignedContent(
        profile=f"{fmt.title}: {parsed.document_type}",
        fields=tuple(labelled),
        issuer=signer.subject.rfc4514_string(),
        signer_identifier=parsed.signer.issuer,
        certificate_reference=parsed.signer.reference,
        issuing_country=parsed.country,
        issue_date=parsed.issue_date,
        signature_date=parsed.signature_date,
        seal_bytes=frame.data,
        signer_key=_key_spki(signer),
    )


def _key_spki(cert: x509.Certificate) -> bytes:
    from docsec.keys import VerifyingKey

    try:
        return VerifyingKey.from_certificate(cert).spki_der
    except KeyMaterialError:
        # RSA signer (DCC PS256): its DER SubjectPublicKeyInfo as is.
        from cryptography.hazmat.primitives.serialization import PublicFormat

        return cert.public_key().public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        )


def spki_der(der: bytes) -> bytes | None:
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
