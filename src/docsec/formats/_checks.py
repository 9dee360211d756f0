"""The seal checks for any registered format, through the format protocol.

ICAO VDS seals still go through :func:`docsec.verify._check_seal` (which adds
the docsec-specific registry check); the other formats come here. The checks and
their verdict rules are the same: ``barcode`` (parsed), ``signature`` (a trusted
certificate the seal names verifies it; none known: INCONCLUSIVE), ``signer_
certificate`` (chains to an anchor, key usage, the format's own restrictions),
``certificate_validity`` (valid on the signing date and at ``at``),
``revocation`` and ``document_validity``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives.serialization import Encoding

from docsec import trust as _trust
from docsec.errors import KeyMaterialError, PayloadError
from docsec.result import CheckResult, CheckStatus, SignedContent

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.formats._base import ParsedSeal, SealFormat
    from docsec.trust import TrustStore

__all__ = ["check_seal"]

logger = logging.getLogger(__name__)

_PASS = CheckStatus.PASS
_FAIL = CheckStatus.FAIL
_UNDECIDED = CheckStatus.INCONCLUSIVE
_TIME_CODES = ("certificate-expired", "certificate-not-yet-valid")
#: The furthest any time zone runs ahead of UTC (UTC+14).
_AHEAD = timedelta(hours=14)
_REVOCATION_CODES = ("revoked", "crl-missing", "crl-unusable")

#: Where a verifier gets the certificates of each format (the advice given when
#: the signer is unknown).
_WHERE = {
    "fr-2d-doc": "add the participant certificate (from the certification "
    "authority named in the ANTS trust list) or the ANTS trust list to --trust",
    "eu-dcc": "add the document signer certificates (DSC list) of the issuing "
    "country to --trust",
}


def _moment(parsed: ParsedSeal, cert: x509.Certificate) -> datetime | None:
    """Return the moment the seal was signed, for the certificate check."""
    if parsed.valid_from is not None and parsed.format == "eu-dcc":
        return parsed.valid_from
    day = parsed.signature_date
    if day is None:
        return None
    # Only a date is known: noon, moved into the certificate's validity when it
    # starts or ends that day (as for VDS seals).
    moment = datetime.combine(day, time(12, 0), tzinfo=UTC)
    nb, na = cert.not_valid_before_utc, cert.not_valid_after_utc
    if nb.date() == day and nb > moment:
        moment = nb
    if na.date() == day and na < moment:
        moment = na
    return moment


def check_seal(
    fmt: SealFormat,
    data: bytes,
    *,
    trust: TrustStore,
    at: datetime,
    extra_certs: Sequence[x509.Certificate] = (),
) -> tuple[list[CheckResult], SignedContent | None]:
    """Verify one seal of format ``fmt``; return its checks and, if verified, content.

    Parameters
    ----------
    fmt : SealFormat
        The detected format.
    data : bytes
        The barcode's bytes.
    trust : TrustStore
        Anchors (directly trusted signer certificates or CAs) and path material.
    at : datetime
        Verification time, aware.
    extra_certs : sequence of Certificate
        Untrusted path material (e.g. from a PDF signature).
    """
    checks: list[CheckResult] = []

    def add(name: str, status: CheckStatus, detail: str, *reasons: str) -> None:
        checks.append(CheckResult(name, status, detail, tuple(reasons)))

    try:
        parsed = fmt.parse_unverified(data)
    except PayloadError as exc:
        add("barcode", _FAIL, f"not a valid {fmt.title}: {exc}", "malformed-seal")
        return checks, None
    add("barcode", _PASS, parsed.summary)
    named = f"{fmt.title} signer {parsed.signer}"
    advice = _WHERE.get(fmt.name, "update the trust folder")
    candidates = fmt.find_signer(parsed, trust, extra=extra_certs)
    if not candidates:
        add(
            "signature",
            _UNDECIDED,
            f"{named}: no certificate of this signer is in the trust store, so the "
            f"seal cannot be checked; if the issuer is genuine, {advice}",
            "unknown-signer",
        )
        return checks, None
    known = [
        c
        for c in candidates
        if trust.is_anchor(c)
        or trust.validate(c, at=at, intermediates=extra_certs).chain_ok
    ]
    signer = None
    unsupported: list[str] = []
    refuted: list[x509.Certificate] = []
    # Trusted certificates first: an untrusted look-alike (the same names, in the
    # path material a PDF's signer chooses) must not stand in for a trusted
    # certificate of the named signer that does not verify the seal.
    for cert in sorted(candidates, key=lambda c: c not in known):
        try:
            if fmt.verify_signature(parsed, cert):
                signer = cert
                break
            refuted.append(cert)
        except KeyMaterialError as exc:
            unsupported.append(str(exc))
    if signer is not None and signer not in known and any(c in known for c in refuted):
        add(
            "signature",
            _FAIL,
            "the seal signature does not verify with the trusted certificate of "
            "the named signer (only with another certificate of the same name, "
            "which does not chain to a trust anchor)",
            "forged-seal",
        )
        return checks, None
    if signer is None:
        if unsupported and len(unsupported) == len(candidates):
            add(
                "signature",
                _UNDECIDED,
                f"cannot check the signature: {unsupported[0]}",
                "unsupported-key",
            )
        elif known:
            add(
                "signature",
                _FAIL,
                "the seal signature does not verify: the data was changed or the "
                "seal was not made by the named signer",
                "forged-seal",
            )
        else:
            add(
                "signature",
                _UNDECIDED,
                f"{named}: no trusted certificate of this signer (the ones found "
                f"do not chain to a trust anchor); {advice}",
                "unknown-signer",
            )
        return checks, None
    add("signature", _PASS, f"{fmt.title} signature verifies with the signer's key")

    moment = _moment(parsed, signer)
    validation_now = trust.validate(signer, at=at, intermediates=extra_certs)
    validation = (
        trust.validate(signer, at=moment, intermediates=extra_certs)
        if moment is not None
        else validation_now
    )

    def chain() -> None:
        problem = fmt.certificate_problem(parsed, signer)
        if validation.chain_ok and validation.key_usage_ok and problem is None:
            add(
                "signer_certificate",
                _PASS,
                f"signer certificate chains to a trust anchor ({len(validation.path)} "
                "certificate(s) in the path)",
            )
            return
        if problem is not None and validation.chain_ok:
            add(
                "signer_certificate",
                _FAIL,
                f"the signer certificate may not sign a {parsed.document_type}",
                problem,
            )
            return
        reasons = [
            r
            for r in validation.reasons
            if r not in _TIME_CODES and r not in _REVOCATION_CODES
        ] or ["untrusted-issuer"]
        if set(reasons) <= _trust.UNDECIDABLE_REASONS:
            add(
                "signer_certificate",
                _UNDECIDED,
                f"{named}: the signer certificate does not chain to a trust anchor "
                f"this verifier can check; {advice}",
                *reasons,
            )
        else:
            detail = f" ({validation.detail})" if validation.detail else ""
            add(
                "signer_certificate",
                _FAIL,
                f"the signer certificate is not trusted for seals{detail}",
                *reasons,
            )

    def validity() -> None:
        if moment is None:
            add(
                "certificate_validity",
                _UNDECIDED,
                "the seal states no signing date, so the signer certificate's "
                "validity at signing cannot be checked",
                "signing-date-missing",
            )
        elif not validation.valid_at:
            add(
                "certificate_validity",
                _FAIL,
                f"the seal is dated {moment.date().isoformat()}, outside the signer "
                "certificate's validity",
                "signed-outside-certificate-validity",
            )
        elif not validation_now.valid_at:
            reasons = [r for r in validation_now.reasons if r in _TIME_CODES]
            add(
                "certificate_validity",
                _FAIL,
                f"the signer certificate is not valid at {at.date().isoformat()} "
                "(the signature itself is valid)",
                *(reasons or ["certificate-expired"]),
            )
        else:
            add(
                "certificate_validity",
                _PASS,
                f"signer certificate valid on the signing date "
                f"{moment.date().isoformat()} and at {at.date().isoformat()}",
            )

    def revocation() -> None:
        if validation.revoked is None and validation_now.revoked is None:
            unusable = "crl-unusable" in validation_now.reasons
            add(
                "revocation",
                _UNDECIDED,
                "no usable revocation list for this certificate's path"
                if unusable
                else "no revocation list from the certificate's issuer in the "
                "trust store",
                "crl-unusable" if unusable else "crl-missing",
            )
        elif validation.revoked or validation_now.revoked:
            add("revocation", _FAIL, "the signer certificate is revoked", "revoked")
        else:
            add("revocation", _PASS, "not revoked according to the issuer's CRL")

    def dates() -> None:
        # A DCC states the moment it was issued; the other formats only a day.
        start = parsed.valid_from
        # A day alone is the issuer's local date: it is already that day where
        # clocks run up to 14 hours ahead of UTC (a 2D-Doc signed at 00:30 in
        # Paris is dated a day after UTC's date).
        latest_day = (at.astimezone(UTC) + _AHEAD).date()
        future = (
            start > at
            if start is not None
            else parsed.signature_date is not None
            and parsed.signature_date > latest_day
        )
        if future:
            shown = start.isoformat() if start else str(parsed.signature_date)
            add(
                "document_validity",
                _FAIL,
                f"the seal is dated {shown}, after the verification time "
                f"{at.isoformat()}",
                "signed-in-future",
            )
            return
        end = parsed.valid_until
        if end is None:
            add(
                "document_validity",
                CheckStatus.ABSENT,
                "the seal declares no validity period",
            )
        elif at > end:
            add(
                "document_validity",
                _FAIL,
                f"the document expired on {end.isoformat()}",
                "document-expired",
            )
        else:
            add("document_validity", _PASS, f"document valid until {end.isoformat()}")

    steps: tuple[tuple[str, Callable[[], None]], ...] = (
        ("signer_certificate", chain),
        ("certificate_validity", validity),
        ("revocation", revocation),
        ("document_validity", dates),
    )
    for name, fn in steps:
        try:
            fn()
        except Exception as exc:
            logger.debug("check %s raised", name, exc_info=True)
            add(name, _FAIL, f"check raised {type(exc).__name__}", "check-error")

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
    content = SignedContent(
        profile=f"{fmt.title}: {parsed.document_type}",
        fields=tuple(labelled),
        issuer=signer.subject.rfc4514_string(),
        signer_identifier=parsed.signer.issuer,
        certificate_reference=parsed.signer.reference,
        issuing_country=parsed.country,
        issue_date=parsed.issue_date,
        signature_date=parsed.signature_date,
        seal_bytes=bytes(data),
        signer_key=_spki(signer),
    )
    return checks, content


def _spki(cert: x509.Certificate) -> bytes:
    from docsec.keys import VerifyingKey

    try:
        return VerifyingKey.from_certificate(cert).spki_der
    except KeyMaterialError:
        # RSA signer (DCC PS256): its DER SubjectPublicKeyInfo as is.
        from cryptography.hazmat.primitives.serialization import PublicFormat

        return cert.public_key().public_bytes(
            Encoding.DER, PublicFormat.SubjectPublicKeyInfo
        )
