"""RFC 5280 path and CRL validation: the adapter over pyhanko-certvalidator.

Only :mod:`docsec.trust` imports this module, lazily (pyhanko-certvalidator takes
~0.1 s to import). It works on DER bytes and returns plain data; the trust model
(what is an anchor, what the reasons mean for a verdict) lives in
:mod:`docsec.trust`.

What pyhanko-certvalidator does here (RFC 5280 section 6.1 and 6.3): path building
from the anchors and the untrusted path material, certificate signatures, validity
at ``at``, basic constraints and pathLenConstraint, keyCertSign, unknown critical
extensions, name chaining with RFC 5280 section 7.1 name comparison, name
constraints and policies; CRLs: the CRL issuer and its cRLSign, the CRL signature,
freshness, scope (Issuing Distribution Point), delta CRLs, unknown critical CRL and
CRL entry extensions.

What docsec adds on top, and why:

- The trust anchor's own validity period and pathLenConstraint are enforced
  (:class:`TrustQualifiers`), and an anchor that is not a CA allowed to sign
  certificates vouches only for itself: a folder of anchors is docsec's whole trust
  configuration, so an anchor's limits are taken as stated.
- Signatures on curves ``cryptography`` lacks (brainpoolP224r1) are checked with
  :class:`docsec.keys.VerifyingKey`; a signature nobody here can check raises
  :class:`UnsupportedSignature`, never "invalid".
- A CRL entry counts whatever its revocation date (the validation runs as a "live"
  validation): the time docsec validates at is a seal's self-declared signing date,
  written with the very key a revocation distrusts.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import dataclasses
import logging
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from asn1crypto import crl as asn1_crl  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.authority import (
    CertTrustAnchor,
    TrustedServiceType,
    TrustQualifiers,
)
from pyhanko_certvalidator.errors import (
    CRLNoMatchesError,
    CRLValidationError,
    CRLValidationIndeterminateError,
    DisallowedAlgorithmError,
    ExpiredError,
    NotYetValidError,
    PathBuildingError,
    PathValidationError,
    RevokedError,
)
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo, ValidationTimingParams
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.revinfo.archival import (
    CRLContainer,
    RevinfoUsability,
    RevinfoUsabilityRating,
)
from pyhanko_certvalidator.revinfo.validate_crl import verify_crl
from pyhanko_certvalidator.sig_validate import (
    DEFAULT_VALIDATION_CONTEXT,
    DefaultSignatureValidator,
    SignatureValidationContext,
)
from pyhanko_certvalidator.validate import SUPPORTED_EXTENSIONS, async_validate_path

from docsec.errors import KeyMaterialError
from docsec.keys import VerifyingKey

__all__ = [
    "Anchor",
    "PkixResult",
    "UnsupportedSignature",
    "unknown_critical_extensions",
    "validate_certificate",
]

logger = logging.getLogger(__name__)

_T = TypeVar("_T")
# Errors pyhanko-certvalidator and asn1crypto raise on input they do not expect
# (asn1crypto's parsing errors are ValueError; the library asserts key types).
_LIBRARY_ERRORS = (ValueError, TypeError, KeyError, AttributeError, AssertionError)
# Candidate paths tried per certificate: enough for re-keyed and cross-certified
# CAs, bounded against path-building blow-up from hostile path material.
_MAX_PATHS = 16

#: Reason codes for failed paths, by a phrase of pyhanko-certvalidator's message
#: (0.33.0, pinned; every code has a test in tests/test_trust_rfc5280.py).
_FAILURE_PHRASES = (
    ("could not be verified", "bad-certificate-signature"),
    ("signature parameters", "bad-certificate-signature"),
    ("maximum path length", "path-length-exceeded"),
    ("is not a CA", "issuer-not-a-ca"),
    ("not allowed to sign certificates", "issuer-not-a-ca"),
    ("unsupported critical extension", "unknown-critical-extension"),
)


class UnsupportedSignature(Exception):  # noqa: N818  (a condition, not an error of the caller)
    """A signature whose algorithm or key no library here can check."""


@dataclass(frozen=True, slots=True)
class Anchor:
    """A trust anchor: its DER and whether it may issue certificates."""

    der: bytes
    can_issue: bool


@dataclass(frozen=True, slots=True)
class PkixResult:
    """What the validation found; reasons use docsec's codes.

    Attributes
    ----------
    path : tuple of bytes
        DER certificates from the validated certificate up to its anchor; just the
        certificate when no CA path could be used.
    ca_path : bool
        ``path`` ends in an anchor that issued the chain (False: no usable CA path).
    chain_ok : bool
        A CA path is structurally valid (signatures, constraints, extensions) at a
        moment inside every validity period of the path.
    time_reasons : tuple of str
        ``certificate-expired`` / ``certificate-not-yet-valid`` for ``path`` at ``at``.
    chain_reasons : tuple of str
        Why no CA path was valid (empty when ``chain_ok``).
    revoked : bool or None
        True: a usable CRL lists a certificate of the path; False: usable CRLs
        cover every non-anchor certificate of the path and none lists it; None:
        revocation is unknown.
    revocation_reasons : tuple of str
        ``revoked``, ``crl-missing`` (no CRL from the issuer) or ``crl-unusable``
        (CRLs exist but none is fresh, in scope and verifiable).
    detail : str
        Human-readable summary of the first failure, for messages and logs.
    """

    path: tuple[bytes, ...]
    ca_path: bool
    chain_ok: bool
    time_reasons: tuple[str, ...]
    chain_reasons: tuple[str, ...]
    revoked: bool | None
    revocation_reasons: tuple[str, ...]
    detail: str


def _run(coro: Coroutine[Any, Any, _T]) -> _T:
    """Run a coroutine to completion, also when called inside an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    # Inside a running loop (an ASGI service, a notebook): asyncio.run would fail.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()


class _SignatureValidator(DefaultSignatureValidator):
    """pyhanko-certvalidator's validator, plus curves only docsec can check."""

    def validate_signature(
        self,
        signature: bytes,
        signed_data: bytes,
        public_key_info: Any,
        signature_algorithm: Any,
        context: SignatureValidationContext = DEFAULT_VALIDATION_CONTEXT,
    ) -> None:
        from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
        from pyhanko_certvalidator.errors import (
            AlgorithmNotSupported,
            DSAParametersUnavailable,
        )

        try:
            super().validate_signature(
                signature, signed_data, public_key_info, signature_algorithm, context
            )
        except (AlgorithmNotSupported, DSAParametersUnavailable) as exc:
            # Subclasses of InvalidSignature in pyhanko-certvalidator, but they mean
            # "cannot check": never report them as a bad signature.
            raise UnsupportedSignature(str(exc)) from exc
        except InvalidSignature:
            raise
        except UnsupportedAlgorithm as exc:
            # cryptography cannot load the key (e.g. brainpoolP224r1).
            self._other_curve(
                signature, signed_data, public_key_info, signature_algorithm, exc
            )
        except (ValueError, TypeError, KeyError, AssertionError) as exc:
            # An algorithm/key pairing the library does not handle (its code
            # asserts key types) or an unknown hash: not checkable here.
            raise UnsupportedSignature(f"{type(exc).__name__}: {exc}") from exc

    @staticmethod
    def _other_curve(
        signature: bytes,
        signed_data: bytes,
        public_key_info: Any,
        signature_algorithm: Any,
        cause: Exception,
    ) -> None:
        from cryptography.exceptions import InvalidSignature

        try:
            algorithm = signature_algorithm.signature_algo
            hash_name = signature_algorithm.hash_algo
        except ValueError as exc:
            raise UnsupportedSignature(str(exc)) from cause
        if algorithm != "ecdsa":
            raise UnsupportedSignature(f"{algorithm} with this key") from cause
        try:
            key = VerifyingKey.from_spki_der(bytes(public_key_info.dump()))
            ok = key.verify_der(signed_data, signature, hash_name=hash_name)
        except KeyMaterialError as exc:
            raise UnsupportedSignature(str(exc)) from cause
        if not ok:
            raise InvalidSignature("signature does not verify")


_SIGNATURE_VALIDATOR = _SignatureValidator()


@dataclass(frozen=True)
class _GraceCRL(CRLContainer):
    """A CRL that stays usable ``grace`` after its nextUpdate (a verifier's choice)."""

    grace: timedelta = timedelta(0)

    def usable_at(
        self, policy: CertRevTrustPolicy, timing_params: ValidationTimingParams
    ) -> RevinfoUsability:
        result: RevinfoUsability = super().usable_at(policy, timing_params)
        if result.rating is not RevinfoUsabilityRating.STALE or not self.grace:
            return result
        next_update = self.crl_data["tbs_cert_list"]["next_update"].native
        if next_update is not None and timing_params.validation_time <= (
            next_update + self.grace
        ):
            return RevinfoUsability(RevinfoUsabilityRating.OK)
        return result


def unknown_critical_extensions(der: bytes) -> frozenset[str]:
    """Return the critical extensions of a certificate that are not processed here.

    The list is pyhanko-certvalidator's, which it applies to every path.
    """
    cert = asn1_x509.Certificate.load(der)
    return frozenset(cert.critical_extensions) - SUPPORTED_EXTENSIONS


def _trust_anchor(anchor: Anchor) -> CertTrustAnchor:
    cert = asn1_x509.Certificate.load(anchor.der)
    validity = cert["tbs_certificate"]["validity"]
    quals = TrustQualifiers(
        max_path_length=cert.max_path_length,
        # pyhanko-certvalidator 0.33.0 takes the AA limit whenever the path limit is
        # set (validate.py, init_pkix_validation_state): keep them equal.
        max_aa_path_length=cert.max_path_length,
        valid_from=validity["not_before"].native,
        valid_until=validity["not_after"].native,
        trusted_service_type=(
            TrustedServiceType.CERTIFICATE_AUTHORITY
            if anchor.can_issue
            else TrustedServiceType.UNSUPPORTED
        ),
    )
    return CertTrustAnchor(cert, quals=quals)


def _context(
    roots: Sequence[CertTrustAnchor],
    others: Sequence[Any],
    at: datetime,
    crls: Sequence[_GraceCRL] = (),
) -> ValidationContext:
    no_check = RevocationCheckingPolicy(
        ee_certificate_rule=RevocationCheckingRule.NO_CHECK,
        intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK,
    )
    vc = ValidationContext(
        trust_roots=list(roots),
        other_certs=list(others),
        moment=at,
        allow_fetching=False,
        crls=list(crls),
        revinfo_policy=CertRevTrustPolicy(no_check),
        time_tolerance=timedelta(0),
        signature_validator=_SIGNATURE_VALIDATOR,
    )
    # A "live" validation at `at`: CRL freshness is judged at `at`, but a listed
    # certificate is revoked whatever its revocation date (see the module notes).
    vc.timing_params = ValidationTimingParams(
        ValidationTimingInfo(
            validation_time=at, best_signature_time=at, point_in_time_validation=False
        ),
        time_tolerance=timedelta(0),
    )
    return vc


def _path_certs(path: ValidationPath) -> list[Any]:
    """Certificates of a path, leaf first, the anchor's certificate last."""
    return list(reversed(list(path.iter_certs(include_root=True))))


def _window(path: ValidationPath) -> tuple[datetime, datetime]:
    """Return the span in which every non-anchor certificate of ``path`` is valid."""
    certs = _path_certs(path)[: path.pkix_len]
    starts = [c["tbs_certificate"]["validity"]["not_before"].native for c in certs]
    ends = [c["tbs_certificate"]["validity"]["not_after"].native for c in certs]
    return max(starts), min(ends)


def _time_reasons(path_certs: Sequence[Any], at: datetime) -> tuple[str, ...]:
    reasons: list[str] = []
    for c in path_certs:
        validity = c["tbs_certificate"]["validity"]
        if at < validity["not_before"].native:
            reasons.append("certificate-not-yet-valid")
        if at > validity["not_after"].native:
            reasons.append("certificate-expired")
    return tuple(dict.fromkeys(reasons))


def _classify(exc: Exception) -> str:
    if isinstance(exc, UnsupportedSignature):
        return "unsupported-algorithm"
    if isinstance(exc, DisallowedAlgorithmError):
        return "weak-algorithm"
    message = str(exc)
    for phrase, code in _FAILURE_PHRASES:
        if phrase in message:
            return code
    return "invalid-path"


async def _structure(
    path: ValidationPath,
    roots: Sequence[CertTrustAnchor],
    others: Sequence[Any],
    at: datetime,
) -> tuple[bool, bool, str, str]:
    """Validate a path at ``at``; if only time fails, again inside its window.

    Returns (structure_ok, time_ok, reason, detail).
    """
    try:
        await async_validate_path(_context(roots, others, at), path)
    except _LIBRARY_ERRORS as exc:
        # Hostile or odd input can trip the library itself: never a valid path.
        logger.warning("path validation failed: %s: %s", type(exc).__name__, exc)
        return False, True, "invalid-path", f"{type(exc).__name__}: {exc}"
    except (ExpiredError, NotYetValidError) as exc:
        # Check the structure where time does not fail: inside the span of the
        # non-anchor certificates, and with the anchor's own validity (which
        # _time_reasons reports) set aside.
        start, end = _window(path)
        if start > end:
            return False, False, "invalid-path", str(exc)
        moment = min(max(at, start), end)
        anchor = path.trust_anchor
        if not isinstance(anchor, CertTrustAnchor):  # pragma: no cover - ours are
            return False, False, "invalid-path", str(exc)
        relaxed = CertTrustAnchor(
            anchor.certificate,
            quals=dataclasses.replace(
                anchor.trust_qualifiers, valid_from=None, valid_until=None
            ),
        )
        certs = list(path.iter_certs(include_root=False))
        relaxed_path = ValidationPath(relaxed, certs[:-1], certs[-1])
        try:
            await async_validate_path(_context(roots, others, moment), relaxed_path)
        except (PathValidationError, UnsupportedSignature) as inner:
            return False, False, _classify(inner), str(inner)
        except _LIBRARY_ERRORS as inner:
            logger.warning("path validation failed: %s", inner)
            return False, False, "invalid-path", f"{type(inner).__name__}: {inner}"
        return True, False, "", str(exc)
    except (PathValidationError, UnsupportedSignature) as exc:
        return False, True, _classify(exc), str(exc)
    return True, True, "", ""


async def _revocation(
    path: ValidationPath,
    roots: Sequence[CertTrustAnchor],
    others: Sequence[Any],
    crls: Sequence[_GraceCRL],
    at: datetime,
    *,
    leaf_only: bool = False,
) -> tuple[bool | None, str, str]:
    """Check every non-anchor certificate of ``path`` (or its leaf) against the CRLs.

    Returns (revoked, reason, detail): (True, "revoked", ...) as soon as one is
    listed; (False, "", "") when every one is covered; else None with
    ``crl-missing`` or ``crl-unusable``.
    """
    unknown: tuple[str, str] | None = None
    certs = _path_certs(path)[: path.pkix_len]
    for cert in certs[:1] if leaf_only else certs:
        # A fresh context per certificate: pyhanko-certvalidator caches the issuer
        # it found for a CRL, and with that cache a CA's own CRL would be taken
        # as covering the CA itself (an "indirect CRL issuer").
        vc = _context(roots, others, at, crls)
        try:
            await verify_crl(cert, path, vc)
        except RevokedError as exc:
            return True, "revoked", str(exc)
        except CRLNoMatchesError as exc:
            unknown = unknown or ("crl-missing", str(exc) or "no CRL from the issuer")
        except CRLValidationIndeterminateError as exc:
            failures = "; ".join(str(f) for f in exc.failures)
            logger.debug("CRL check indeterminate: %s (%s)", exc.msg, failures)
            unknown = unknown or ("crl-unusable", f"{exc.msg}: {failures}")
        except (CRLValidationError, UnsupportedSignature, PathValidationError) as exc:
            unknown = unknown or ("crl-unusable", str(exc))
        except _LIBRARY_ERRORS as exc:
            # Hostile or odd input can trip the library itself: never "not revoked".
            logger.warning("CRL check failed: %s: %s", type(exc).__name__, exc)
            unknown = unknown or ("crl-unusable", f"{type(exc).__name__}: {exc}")
    if unknown is not None:
        return None, *unknown
    return False, "", ""


async def _candidates(
    leaf: Any, roots: Sequence[CertTrustAnchor], others: Sequence[Any], at: datetime
) -> list[ValidationPath]:
    paths = _context(roots, others, at).path_builder.async_build_paths_lazy(leaf)
    found: list[ValidationPath] = []
    try:
        async for path in paths:
            found.append(path)
            if len(found) >= _MAX_PATHS:
                break
    except PathBuildingError as exc:
        logger.debug("no path: %s", exc)
    finally:
        # pyhanko-certvalidator leaves cancel() unannotated.
        await paths.cancel()  # type: ignore[no-untyped-call]
    return found


async def _validate(
    leaf_der: bytes,
    anchors: Sequence[Anchor],
    others_der: Sequence[bytes],
    crls_der: Sequence[bytes],
    at: datetime,
    crl_grace: timedelta,
    leaf_is_anchor: bool,
) -> PkixResult:
    leaf = asn1_x509.Certificate.load(leaf_der)
    # The certificate itself is never its own CA anchor: a CA that verifiably
    # issued it is preferred, so that CA's validity and CRLs apply.
    roots = [_trust_anchor(a) for a in anchors if a.der != leaf_der]
    others = [asn1_x509.Certificate.load(d) for d in others_der if d != leaf_der]
    crls = [
        _GraceCRL(asn1_crl.CertificateList.load(d), grace=crl_grace) for d in crls_der
    ]
    candidates = await _candidates(leaf, roots, others, at)

    chosen: tuple[ValidationPath, bool] | None = None
    failures: list[tuple[str, str]] = []
    for path in candidates:
        structure_ok, time_ok, reason, detail = await _structure(
            path, roots, others, at
        )
        if structure_ok and time_ok:
            chosen = (path, True)
            break
        if structure_ok:
            chosen = chosen or (path, False)
        else:
            logger.debug("path rejected (%s): %s", reason, detail)
            failures.append((reason, detail))

    if chosen is not None:
        path, _ = chosen
        certs = _path_certs(path)
        revoked, rev_reason, rev_detail = await _revocation(
            path, roots, others, crls, at
        )
        time_reasons = _time_reasons(certs, at)
        return PkixResult(
            path=tuple(bytes(c.dump()) for c in certs),
            ca_path=True,
            chain_ok=True,
            time_reasons=time_reasons,
            chain_reasons=(),
            revoked=revoked,
            revocation_reasons=(rev_reason,) if rev_reason else (),
            detail=rev_detail if revoked else "",
        )

    # No usable CA path. A CRL from the issuer the certificate names, verified
    # with a trust anchor's key, still counts: a valid CRL listing the certificate
    # is evidence even when the path itself cannot be validated.
    revoked_any: bool | None = None
    rev_reasons: list[str] = []
    for path in candidates:
        revoked, reason, _ = await _revocation(
            path, roots, others, crls, at, leaf_only=True
        )
        if revoked:
            revoked_any, rev_reasons = True, ["revoked"]
            break
        if revoked is False and leaf_is_anchor:
            # Only for a certificate trusted on its own does "not listed" matter.
            revoked_any = False
        elif reason:
            rev_reasons.append(reason)
    if revoked_any is False:
        rev_reasons = []
    elif revoked_any is None and not rev_reasons:
        rev_reasons = ["crl-missing"]

    chain_reasons = tuple(dict.fromkeys(r for r, _ in failures)) or (
        "untrusted-issuer",
    )
    return PkixResult(
        path=(leaf_der,),
        ca_path=False,
        chain_ok=False,
        time_reasons=_time_reasons([leaf], at),
        chain_reasons=chain_reasons,
        revoked=revoked_any,
        revocation_reasons=tuple(dict.fromkeys(rev_reasons)),
        detail=failures[0][1] if failures else "no trust anchor issued it",
    )


def validate_certificate(
    leaf_der: bytes,
    *,
    anchors: Sequence[Anchor],
    others: Sequence[bytes],
    crls: Sequence[bytes],
    at: datetime,
    crl_grace: timedelta,
    leaf_is_anchor: bool,
) -> PkixResult:
    """Validate one certificate at ``at``; see :class:`PkixResult`.

    Parameters
    ----------
    leaf_der : bytes
        The certificate.
    anchors : sequence of Anchor
        Trust anchors.
    others : sequence of bytes
        Untrusted path material (intermediate CAs, certificates from a PDF).
    crls : sequence of bytes
        DER CRLs (verified and judged here).
    at : datetime
        Timezone-aware validation time.
    crl_grace : timedelta
        How long after its nextUpdate a CRL is still used.
    leaf_is_anchor : bool
        The certificate is itself an anchor: a CA's CRL that covers it then
        decides its revocation status even without a valid CA path.
    """
    return _run(
        _validate(
            leaf_der,
            anchors,
            others,
            crls,
            at,
            crl_grace,
            leaf_is_anchor,
        )
    )
