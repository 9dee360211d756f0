"""What a verifier requires: trust anchors, keys and the checks that must pass.

There is no default policy: a caller names the trust store and the required checks.
The named constructors below are conveniences that spell out their choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from docsec import checks as _checks
from docsec._limits import DEFAULT_MAX_BYTES, DEFAULT_MAX_MEMORY, DEFAULT_MAX_PIXELS
from docsec.errors import ConfigurationError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from docsec.copydetect import CopyProfile
    from docsec.keys import SecretKey
    from docsec.registry import StatusSource
    from docsec.trust import TrustStore

__all__ = ["KNOWN_CHECKS", "PDF_CHECKS", "SEAL_CHECKS", "VerifyPolicy"]

#: Every check name that docsec can produce today (defined in :mod:`docsec.checks`).
KNOWN_CHECKS = _checks.KNOWN
#: The checks that the seal path needs for a verdict about the seal.
SEAL_CHECKS = frozenset(
    {
        _checks.BARCODE,
        _checks.SIGNATURE,
        _checks.SIGNER_CERTIFICATE,
        _checks.CERTIFICATE_VALIDITY,
    }
)
#: The checks a born-digital PDF needs on top of the seal's (always required by
#: :func:`docsec.verify.verify_pdf`).
PDF_CHECKS = frozenset(
    {_checks.PDF_COVERAGE, _checks.PDF_SIGNATURE, _checks.SEAL_PDF_SIGNER_MATCH}
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
        Images above this many pixels are refused (decompression bombs), and PDF
        pages whose rendering would be larger; checked before decoding.
    max_bytes : int
        Files larger than this are refused before they are read in full.
    max_memory : int
        Inputs whose decoding or rendering would need more memory than this
        (estimated from headers: image size, bit depth and channels; PDF page
        boxes and the images inside) are refused before any pixel is decoded.
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
    accept_scanned_pdf : bool
        Verify a PDF without the issuer's signature (a scanned page, or any
        unsigned PDF) as a scan, from its seal alone. Off by default: such a PDF
        is then INCONCLUSIVE (``scanned-pdf``), because anyone can edit the
        pixels of a rendered certificate and wrap them in a new PDF (the seal
        still verifies; only its signed fields, shown in the result, reveal the
        edit).
    registry : StatusSource, optional
        Where to ask for the document's status (:func:`docsec.registry.
        open_status_source`). With it, the ``"registry"`` check runs: a revoked
        or superseded document is NOT AUTHENTIC; an unreachable registry makes
        the check inconclusive, which fails the verdict only when ``"registry"``
        is required (:meth:`with_registry`).
    copy_profile : docsec.copydetect.CopyProfile, optional
        A per-installation calibration of the counter's own printer and scanner
        (``docsec copydetect calibrate``): the copy check decides more copies of
        that printer's prints, never fewer, and never calls ORIGINAL what the
        default would not (:func:`docsec.copydetect.measure`). Use it only for
        paper printed on that printer.
    """

    trust: TrustStore
    required: frozenset[str]
    name: str = "custom"
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_bytes: int = DEFAULT_MAX_BYTES
    max_memory: int = DEFAULT_MAX_MEMORY
    barcode_timeout: float = 3.0
    cdp_keys: tuple[SecretKey, ...] = ()
    watermark_keys: tuple[SecretKey, ...] = ()
    accept_scanned_pdf: bool = False
    registry: StatusSource | None = None
    copy_profile: CopyProfile | None = None

    def __post_init__(self) -> None:
        # Checked at run time too: a path where a TrustStore belongs would otherwise
        # fail later, deep inside a verification.
        from docsec.keys import SecretKey
        from docsec.trust import TrustStore

        if not isinstance(self.trust, TrustStore):
            raise TypeError(
                "trust must be a TrustStore (load a folder with TrustStore.load(path)), "
                f"got {type(self.trust).__name__}"
            )
        required: object = self.required  # as given, before the type is trusted
        if not isinstance(required, set | frozenset) or not all(
            isinstance(n, str) for n in required
        ):
            raise TypeError("required must be a frozenset of check names (str)")
        object.__setattr__(self, "required", frozenset(self.required))
        given: tuple[tuple[str, object], ...] = (
            ("cdp_keys", self.cdp_keys),
            ("watermark_keys", self.watermark_keys),
        )
        for what, held in given:
            if not isinstance(held, tuple) or not all(
                isinstance(k, SecretKey) for k in held
            ):
                raise TypeError(f"{what} must be a tuple of SecretKey")
        if self.copy_profile is not None:
            from docsec.copydetect import CopyProfile

            if not isinstance(self.copy_profile, CopyProfile):
                raise TypeError(
                    "copy_profile must be a docsec.copydetect.CopyProfile "
                    "(docsec.copydetect.load_profile(path))"
                )
        if not self.required:
            raise ConfigurationError("a policy must require at least one check")
        unknown = set(self.required) - KNOWN_CHECKS
        if unknown:
            raise ConfigurationError(
                f"unknown check name(s) {sorted(unknown)}; known: {sorted(KNOWN_CHECKS)}"
            )
        for limit in ("max_pixels", "max_bytes", "max_memory"):
            if getattr(self, limit) < 1:
                raise ConfigurationError(f"{limit} must be positive")
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

    def with_registry(
        self, source: StatusSource, *, required: bool = False
    ) -> VerifyPolicy:
        """Return this policy asking ``source`` for the document status.

        With ``required`` the registry must answer "active" for AUTHENTIC.
        """
        import dataclasses

        return dataclasses.replace(
            self,
            registry=source,
            required=self.required | {_checks.REGISTRY} if required else self.required,
            name=self.name + ("+registry" if required else ""),
        )

    @classmethod
    def counter(
        cls,
        trust: TrustStore,
        *,
        cdp_keys: Sequence[SecretKey],
        require_revocation: bool = False,
        watermark_keys: Sequence[SecretKey] = (),
        accept_scanned_pdf: bool = False,
    ) -> VerifyPolicy:
        """Policy for a counter that must see the original paper.

        The seal's checks plus ``copydetect``: AUTHENTIC needs the copy check to say
        ORIGINAL, which needs a scan at 1200 ppi or more (600 ppi for 2-dot
        patterns) and the issuer's copy-detection key.
        """
        if not cdp_keys:
            raise ConfigurationError("the counter policy needs a copy-detection key")
        base = cls.seal(
            trust,
            require_revocation=require_revocation,
            accept_scanned_pdf=accept_scanned_pdf,
        )
        return cls(
            trust=trust,
            required=base.required | {_checks.COPYDETECT},
            name=base.name.replace("seal", "counter", 1),
            cdp_keys=tuple(cdp_keys),
            watermark_keys=tuple(watermark_keys),
            accept_scanned_pdf=accept_scanned_pdf,
        )

    @classmethod
    def seal(
        cls,
        trust: TrustStore,
        *,
        require_revocation: bool = False,
        cdp_keys: Sequence[SecretKey] = (),
        watermark_keys: Sequence[SecretKey] = (),
        accept_scanned_pdf: bool = False,
    ) -> VerifyPolicy:
        """Policy for a seal: signature, trusted signer, signer valid at signing.

        With ``require_revocation`` a CRL from the issuer must be available and say
        the signer certificate is not revoked (a revoked one fails either way).
        ``cdp_keys`` lets the copy check run; it is not required here, and a
        photocopy it detects is reported as the paper's state
        (``result.paper``), not as a failure: a copy is not a forgery.
        ``watermark_keys`` lets the watermark check run (see the class).
        ``accept_scanned_pdf`` verifies PDFs without the issuer's signature as
        scans (see the class); the name then ends in ``+scanned-pdf``.
        """
        required = set(SEAL_CHECKS)
        name = "seal"
        if require_revocation:
            required.add(_checks.REVOCATION)
            name = "seal+crl"
        if accept_scanned_pdf:
            name += "+scanned-pdf"
        return cls(
            trust=trust,
            required=frozenset(required),
            name=name,
            cdp_keys=tuple(cdp_keys),
            watermark_keys=tuple(watermark_keys),
            accept_scanned_pdf=accept_scanned_pdf,
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
        >>> from docsec.pki import create_root_ca
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
