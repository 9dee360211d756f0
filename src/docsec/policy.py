"""What a verifier requires: trust anchors, keys and the checks that must pass.

There is no default policy: a caller names the trust store and the required checks.
The named constructors below are conveniences that spell out their choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docsec.errors import ConfigurationError
from docsec.imaging import DEFAULT_MAX_PIXELS

if TYPE_CHECKING:
    from docsec.trust import TrustStore

__all__ = ["KNOWN_CHECKS", "SEAL_CHECKS", "VerifyPolicy"]

#: Every check name that docsec can produce today.
KNOWN_CHECKS = frozenset(
    {
        "barcode",  # a seal symbol was found and its bytes parsed as a VDS
        "signature",  # the seal signature verifies with the named signer's key
        "signer_certificate",  # the signer certificate chains to a trust anchor, key usage
        "certificate_validity",  # the signer certificate was valid at the signing date
        "revocation",  # a CRL from the issuer says the certificate is not revoked
        "document_validity",  # the document's own validity window contains `at`
    }
)
#: The checks that the seal path needs for a verdict about the seal.
SEAL_CHECKS = frozenset(
    {"barcode", "signature", "signer_certificate", "certificate_validity"}
)


@dataclass(frozen=True, slots=True)
class VerifyPolicy:
    """Trust anchors, limits and required checks for one verifier.

    Parameters
    ----------
    trust : TrustStore
        The only certificates trusted; no system store is ever used.
    required : frozenset of str
        Checks that must be present and pass for AUTHENTIC. Must not be empty;
        every name must be in :data:`KNOWN_CHECKS`.
    name : str
        Shown in reports, so a reader knows which rules were applied.
    max_pixels : int
        Images above this many pixels are refused (decompression bombs).
    barcode_timeout : float
        Seconds the barcode search may take per image.
    """

    trust: TrustStore
    required: frozenset[str]
    name: str = "custom"
    max_pixels: int = DEFAULT_MAX_PIXELS
    barcode_timeout: float = 3.0

    def __post_init__(self) -> None:
        if not self.required:
            raise ConfigurationError("a policy must require at least one check")
        unknown = set(self.required) - KNOWN_CHECKS
        if unknown:
            raise ConfigurationError(
                f"unknown check name(s) {sorted(unknown)}; known: {sorted(KNOWN_CHECKS)}"
            )
        if self.max_pixels < 1:
            raise ConfigurationError("max_pixels must be positive")
        if not 0 < self.barcode_timeout <= 600:
            raise ConfigurationError("barcode_timeout must be in (0, 600] seconds")

    @classmethod
    def seal(
        cls, trust: TrustStore, *, require_revocation: bool = False
    ) -> VerifyPolicy:
        """Policy for a seal: signature, trusted signer, signer valid at signing.

        With ``require_revocation`` a CRL from the issuer must be available and say
        the signer certificate is not revoked (a revoked one fails either way).
        """
        required = set(SEAL_CHECKS)
        name = "seal"
        if require_revocation:
            required.add("revocation")
            name = "seal+crl"
        return cls(trust=trust, required=frozenset(required), name=name)
