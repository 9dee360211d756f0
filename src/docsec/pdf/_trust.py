"""A trust store as pyHanko sees it.

A :class:`~docsec.trust.TrustStore` as asn1crypto certificates
and a ``ValidationContext`` (no fetching, soft-fail revocation from the store's CRLs).

Used by signing (validation data for B-LT / B-LTA) and by validation.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.trust import TrustStore

__all__ = []


def _asn1_cert(cert: x509.Certificate) -> Any:
    from asn1crypto import x509 as asn1_x509  # type: ignore[import-untyped]
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _validation_context(
    trust: TrustStore, *, at: datetime | None = None, for_signing: bool = False
) -> Any:
    from cryptography.hazmat.primitives.serialization import Encoding
    from pyhanko_certvalidator import ValidationContext

    roots = [_asn1_cert(c) for c in trust.anchors]
    crls = [c.public_bytes(Encoding.DER) for c in trust.crls]
    kwargs: dict[str, Any] = {}
    if at is not None:
        kwargs["moment"] = at
    return ValidationContext(
        trust_roots=roots,
        # The trust folder's intermediates/ build paths (never trusted alone).
        other_certs=[_asn1_cert(c) for c in trust.intermediates],
        allow_fetching=False,
        crls=crls,
        revocation_mode="soft-fail",
        **kwargs,
    )
