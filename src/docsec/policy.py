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
    from collections.abc import Sequence

    from docsec.keys import SecretKey
    from docsec.trust import TrustStore

__all__ = ["KNOWN_CHECKS", "PDF_CHECKS", "SEAL_CHECKS", "VerifyPolicy"]

#: Every check name that docsec can produce today.
KNOWN_CHECKS = frozenset(
    {
        "barcode",  # a seal symbol was found and its bytes parsed as a VDS
        "signature",  # the seal signature verifies with the named signer's key
        "signer_certificate",  # the signer certificate chains to a trust anchor, key usage
        "certificate_validity",  # the signer certificate was valid at the signing date
        "revocation",  # a CRL from the issuer says the certificate is not revoked
        "document_validity",  # the document's own validity window contains `at`
        "pdf_signature",  # a PAdES signature validates, trusted, no disallowed change
        "seal_pdf_signer_match",  # the seal's signer and the PDF's signer are one key
        "seal_pdf_binding",  # the seal on the page is the one signed into the PDF
        "copydetect",  # the paper is the issuing print, not a photocopy (scans only)
        "watermark",  # the page's watermark carries the seal's document id
        "printed_text",  # the printed fields read (OCR) as the seal signs them
    }
)
#: The checks that the seal path needs for a verdict about the seal.
SEAL_CHECKS = frozenset(
    {"barcode", "signature", "signer_certificate", "certificate_validity"}
)
#: The checks a born-digital PDF needs on top of the seal's (always required by
#: :func:`docsec.verify.verify_pdf`).
PDF_CHECKS = frozenset({"pdf_signature", "seal_pdf_signer_match"})


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
    cdp_keys : tuple of SecretKey
        Copy-detection keys this verifier holds (several during a rotation; the
        seal's key id picks one). Without them the copy check is inconclusive.
    watermark_keys : tuple of SecretKey
        Watermark keys this verifier holds (the seal's key id picks one). A seal
        that declares a watermark whose key is held makes the ``"watermark"``
        check required for that document, whatever ``required`` says: a page
        without the mark is then INCONCLUSIVE, a page carrying another
        document's mark NOT AUTHENTIC (a genuine seal on a forged page). Without
        the key the check is reported as not done and does not count.
    """

    trust: TrustStore
    required: frozenset[str]
    name: str = "custom"
    max_pixels: int = DEFAULT_MAX_PIXELS
    barcode_timeout: float = 3.0
    cdp_keys: tuple[SecretKey, ...] = ()
    watermark_keys: tuple[SecretKey, ...] = ()

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
        for k in self.cdp_keys:
            if k.purpose != "cdp":
                raise ConfigurationError(
                    f"key {k.key_id} is a {k.purpose!r} key, not a copy-detection key"
                )
        for k in self.watermark_keys:
            if k.purpose != "watermark":
                raise ConfigurationError(
                    f"key {k.key_id} is a {k.purpose!r} key, not a watermark key"
                )

    @classmethod
    def counter(
        cls,
        trust: TrustStore,
        *,
        cdp_keys: Sequence[SecretKey],
        require_revocation: bool = False,
        watermark_keys: Sequence[SecretKey] = (),
    ) -> VerifyPolicy:
        """Policy for a counter that must see the original paper.

        The seal's checks plus ``copydetect``: AUTHENTIC needs the copy check to say
        ORIGINAL, which needs a scan at 1200 ppi or more (600 ppi for 2-dot
        patterns) and the issuer's copy-detection key.
        """
        if not cdp_keys:
            raise ConfigurationError("the counter policy needs a copy-detection key")
        base = cls.seal(trust, require_revocation=require_revocation)
        return cls(
            trust=trust,
            required=base.required | {"copydetect"},
            name=base.name.replace("seal", "counter", 1),
            cdp_keys=tuple(cdp_keys),
            watermark_keys=tuple(watermark_keys),
        )

    @classmethod
    def seal(
        cls,
        trust: TrustStore,
        *,
        require_revocation: bool = False,
        cdp_keys: Sequence[SecretKey] = (),
        watermark_keys: Sequence[SecretKey] = (),
    ) -> VerifyPolicy:
        """Policy for a seal: signature, trusted signer, signer valid at signing.

        With ``require_revocation`` a CRL from the issuer must be available and say
        the signer certificate is not revoked (a revoked one fails either way).
        ``cdp_keys`` lets the copy check run; it is not required here, but a
        photocopy it detects still makes the document NOT AUTHENTIC.
        ``watermark_keys`` lets the watermark check run (see the class).
        """
        required = set(SEAL_CHECKS)
        name = "seal"
        if require_revocation:
            required.add("revocation")
            name = "seal+crl"
        return cls(
            trust=trust,
            required=frozenset(required),
            name=name,
            cdp_keys=tuple(cdp_keys),
            watermark_keys=tuple(watermark_keys),
        )

    @classmethod
    def pdf(
        cls,
        trust: TrustStore,
        *,
        require_revocation: bool = False,
        watermark_keys: Sequence[SecretKey] = (),
    ) -> VerifyPolicy:
        """Policy for a signed PDF: the seal's checks plus :data:`PDF_CHECKS`.

        Examples
        --------
        >>> from docsec.trust import TrustStore
        >>> import datetime as dt
        >>> from cryptography.hazmat.primitives.asymmetric import ec
        >>> from docsec.trust import create_root_ca
        >>> root = create_root_ca(country="KR", common_name="R", organization=None,
        ...     key=ec.generate_private_key(ec.SECP256R1()),
        ...     valid_from=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), valid_days=10)
        >>> sorted(VerifyPolicy.pdf(TrustStore.from_certificates([root])).required)[-4:]
        ['pdf_signature', 'seal_pdf_signer_match', 'signature', 'signer_certificate']
        """
        base = cls.seal(trust, require_revocation=require_revocation)
        return cls(
            trust=trust,
            required=base.required | PDF_CHECKS,
            name=base.name + "+pdf",
            watermark_keys=tuple(watermark_keys),
        )
