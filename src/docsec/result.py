"""Verification results: one frozen object per checked input.

A :class:`VerificationResult` holds every check that ran, the names of the checks
the policy requires, and, only when the seal's signature verified, the signed
content. Its :attr:`~VerificationResult.verdict` is derived, never stored:

* any check that **failed** makes the document NOT AUTHENTIC (a failed check is
  evidence against the document, whether or not the policy requires that check);
* otherwise it is AUTHENTIC only if **every** required check is present and passed;
* everything else (a required check missing, inconclusive or absent; no required
  checks at all) is INCONCLUSIVE.

So an exception, a missing check or an unknown value is never AUTHENTIC.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NoReturn

from docsec._version import __version__
from docsec.errors import NotAuthentic

__all__ = [
    "SCHEMA_VERSION",
    "CheckResult",
    "CheckStatus",
    "Location",
    "Paper",
    "SignedContent",
    "Verdict",
    "VerificationResult",
]

#: Version of the JSON form produced by :meth:`VerificationResult.to_dict`.
SCHEMA_VERSION = 2


class Verdict(enum.StrEnum):
    """The overall answer about one document.

    A :class:`str` enum: ``result.verdict == "authentic"`` holds, and the value is
    the stable identifier used in the JSON form.

    Examples
    --------
    >>> Verdict.AUTHENTIC == "authentic", str(Verdict.NOT_AUTHENTIC)
    (True, 'not_authentic')
    """

    AUTHENTIC = "authentic"
    NOT_AUTHENTIC = "not_authentic"
    INCONCLUSIVE = "inconclusive"


class CheckStatus(enum.StrEnum):
    """Outcome of one check (a :class:`str` enum, like :class:`Verdict`)."""

    PASS = "pass"  # noqa: S105  (a status, not a password)
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"
    ABSENT = "absent"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check (``"barcode"``, ``"signature"``, ``"watermark"``, ...).

    Attributes
    ----------
    name : str
        Check name, as a policy names it.
    status : CheckStatus
        Pass, fail, inconclusive (could not decide) or absent (nothing to check).
    detail : str
        One line for a person.
    reasons : tuple of str
        Machine-readable reason codes, e.g. ``"forged-seal"``, ``"certificate-expired"``.
    score, threshold : float or None
        For measurements: the measured score and the threshold it was compared with.
    """

    name: str
    status: CheckStatus
    detail: str = ""
    reasons: tuple[str, ...] = ()
    score: float | None = None
    threshold: float | None = None

    @property
    def passed(self) -> bool | None:
        """``True`` for pass, ``False`` for fail, ``None`` when undecided or absent."""
        if self.status is CheckStatus.PASS:
            return True
        if self.status is CheckStatus.FAIL:
            return False
        return None

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form of this check."""
        out: dict[str, object] = {
            "name": self.name,
            "status": self.status.value,
            "detail": self.detail,
            "reasons": list(self.reasons),
        }
        if self.score is not None:
            out["score"] = self.score
        if self.threshold is not None:
            out["threshold"] = self.threshold
        return out


@dataclass(frozen=True, slots=True)
class Location:
    """Where something was found in the image that was verified.

    Attributes
    ----------
    name : str
        What it is: ``"seal"``, ``"cdp"``, ``"watermark"``, or a printed field
        compared with the seal: ``"text-match"``, ``"text-mismatch"``,
        ``"text-unreadable"``.
    points : tuple of (float, float)
        Polygon corners in image pixels, ``(x, y)`` with x right and y down.
    dpi : float or None
        Resolution of that image when docsec rendered it from a PDF (so the same
        picture can be made again), else ``None`` (the input image itself).
    label : str
        What to write beside it: for a printed field, its JSON pointer, the signed
        text and what was read.
    """

    name: str
    points: tuple[tuple[float, float], ...]
    dpi: float | None = None
    label: str = ""

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        out: dict[str, object] = {
            "name": self.name,
            "points": [[x, y] for x, y in self.points],
        }
        if self.label:
            out["label"] = self.label
        return out


@dataclass(frozen=True, slots=True)
class Paper:
    """What the copy check says about the paper, whatever the policy makes of it.

    A photocopy of a genuine certificate is still a genuine certificate's copy,
    not a forgery: under a policy that does not require the original paper
    (``seal``) a ``"copy"`` here leaves the verdict to the seal; only a policy
    that requires the original paper (``counter``) fails on it.

    Attributes
    ----------
    state : {"original", "copy", "inconclusive"}
        The copy check's decision.
    score : float or None
        The decision statistic (pattern fidelity), ``None`` if not measured.
    copy_below, original_above : float or None
        The thresholds ``score`` was compared with.
    reasons : tuple of str
        ``"code: explanation"`` strings from the copy check.
    """

    state: str
    score: float | None = None
    copy_below: float | None = None
    original_above: float | None = None
    reasons: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, object]:
        """Return the JSON form."""
        return {
            "state": self.state,
            "score": self.score,
            "thresholds": (
                None
                if self.copy_below is None or self.original_above is None
                else {
                    "copy_below": self.copy_below,
                    "original_above": self.original_above,
                }
            ),
            "reasons": list(self.reasons),
        }


@dataclass(frozen=True, slots=True)
class SignedContent:
    """Content of a seal whose signature verified against a trusted certificate.

    Attributes
    ----------
    profile : str
        Document profile name (docsec or a foreign ICAO/BSI profile).
    fields : tuple of (str, str)
        Signed fields in seal order, as text for a person to compare with the paper.
    issuer : str
        Subject of the signer certificate (RFC 4514 string).
    signer_identifier, certificate_reference : str
        As written in the seal header.
    issuing_country : str
        Country code from the seal header.
    issue_date, signature_date : date or None
        Dates from the seal header.
    seal_bytes : bytes
        The verified seal, exactly as read.
    signer_key : bytes
        The DER SubjectPublicKeyInfo of the key that verified the seal's
        signature (what a PDF's own signer is compared with).
    """

    profile: str
    fields: tuple[tuple[str, str], ...]
    issuer: str
    signer_identifier: str
    certificate_reference: str
    issuing_country: str
    issue_date: date | None
    signature_date: date | None
    seal_bytes: bytes = field(repr=False)
    signer_key: bytes = field(default=b"", repr=False)

    def field_map(self) -> dict[str, str]:
        """Return the fields as a dict (a repeated name keeps its first value)."""
        out: dict[str, str] = {}
        for name, value in self.fields:
            out.setdefault(name, value)
        return out


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """The checks made on one input and the verdict they imply.

    Do not test it for truth (``if result:`` raises ``TypeError``); use
    :attr:`ok`, :attr:`verdict` or :meth:`require_authentic`.

    Examples
    --------
    >>> r = VerificationResult(
    ...     checks=(CheckResult("signature", CheckStatus.PASS),),
    ...     required=frozenset({"signature", "barcode"}),
    ... )
    >>> r.verdict  # "barcode" is required but missing
    <Verdict.INCONCLUSIVE: 'inconclusive'>
    >>> r.ok
    False
    """

    checks: tuple[CheckResult, ...]
    required: frozenset[str]
    content: SignedContent | None = None
    input: str | None = None
    policy: str = ""
    error: str | None = None
    locations: tuple[Location, ...] = ()
    #: Reason code given for :attr:`error` (e.g. ``"timeout"`` when a batch gave up
    #: on the input); the default says the input itself could not be used.
    error_reason: str = "input-error"
    #: The verification time the checks used (the ``at=`` given, or the moment the
    #: verifier read the clock when none was given), aware, UTC.
    verified_at: datetime | None = None
    #: SHA-256 (lower-case hex) of the input's bytes exactly as verified, when the
    #: verification started from bytes or a file (not from an array of pixels).
    input_sha256: str | None = None
    #: :attr:`docsec.trust.TrustStore.fingerprint` of the policy's trust store.
    trust_store_id: str | None = None
    paper: Paper | None = None

    def check(self, name: str) -> CheckResult | None:
        """Return the check called ``name``, or ``None`` if it did not run."""
        for c in self.checks:
            if c.name == name:
                return c
        return None

    @property
    def verdict(self) -> Verdict:
        """AUTHENTIC iff no check failed and every required check is present and passed."""
        if any(c.status is CheckStatus.FAIL for c in self.checks):
            return Verdict.NOT_AUTHENTIC
        if not self.required or self.error is not None:
            return Verdict.INCONCLUSIVE
        by_name: dict[str, list[CheckResult]] = {}
        for c in self.checks:
            by_name.setdefault(c.name, []).append(c)
        for name in self.required:
            found = by_name.get(name)
            if not found or any(c.status is not CheckStatus.PASS for c in found):
                return Verdict.INCONCLUSIVE
        return Verdict.AUTHENTIC

    @property
    def ok(self) -> bool:
        """``True`` only when the verdict is AUTHENTIC."""
        return self.verdict is Verdict.AUTHENTIC

    @property
    def reasons(self) -> tuple[str, ...]:
        """Reason codes behind the verdict, most important first, without repeats."""
        verdict = self.verdict
        out: list[str] = []
        if verdict is Verdict.NOT_AUTHENTIC:
            for c in self.checks:
                if c.status is CheckStatus.FAIL:
                    out.extend(c.reasons or (f"{c.name}-failed",))
        elif self.error is not None:
            out.append(self.error_reason)
        elif verdict is Verdict.INCONCLUSIVE:
            if not self.required:
                out.append("no-required-checks")
            for c in self.checks:
                if c.name in self.required and c.status is not CheckStatus.PASS:
                    out.extend(c.reasons or (f"{c.name}-{c.status.value}",))
            if not out:
                # Only when nothing that ran explains it: a required check that
                # never ran (checks that did not run because an earlier one could
                # not decide are consequences, not causes).
                present = {c.name for c in self.checks}
                out.extend(
                    f"{name}-missing" for name in sorted(self.required - present)
                )
        return tuple(dict.fromkeys(out))

    def require_authentic(self) -> None:
        """Raise :class:`~docsec.errors.NotAuthentic` unless the verdict is AUTHENTIC."""
        if not self.ok:
            raise NotAuthentic(self)

    def __bool__(self) -> NoReturn:
        raise TypeError("use .ok or .verdict, not the truth value of a result")

    def to_dict(self) -> dict[str, object]:
        """Return the versioned JSON form (``schema_version`` 2).

        Version 2 added the audit fields ``verified_at``, ``docsec_version``,
        ``input_sha256`` and ``trust_store_id`` (``null`` when not known).
        """
        fields: Mapping[str, str] = {}
        issuer: dict[str, object] | None = None
        if self.content is not None:
            fields = self.content.field_map()
            c = self.content
            issuer = {
                "subject": c.issuer,
                "signer_identifier": c.signer_identifier,
                "certificate_reference": c.certificate_reference,
                "country": c.issuing_country,
                "signature_date": c.signature_date.isoformat()
                if c.signature_date
                else None,
                "profile": c.profile,
            }
        out: dict[str, object] = {
            "schema_version": SCHEMA_VERSION,
            "input": self.input,
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "policy": self.policy,
            "required": sorted(self.required),
            "checks": [c.to_dict() for c in self.checks],
            "fields": dict(fields),
            "issuer": issuer,
            "verified_at": None
            if self.verified_at is None
            else self.verified_at.isoformat(),
            "docsec_version": __version__,
            "input_sha256": self.input_sha256,
            "trust_store_id": self.trust_store_id,
        }
        if self.locations:
            out["locations"] = [loc.to_dict() for loc in self.locations]
        if self.paper is not None:
            out["paper"] = self.paper.to_dict()
        if self.error is not None:
            out["error"] = self.error
        return out
