"""Signing (pyHanko): a PAdES certification signature over the stamped PDF.

pyHanko's signing stack (``pyhanko.sign`` and its time-stamp client, one to two
seconds to import) is imported inside :func:`sign_pdf` and
:meth:`PdfSigningKey.signer` only.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

from docsec import _pyhanko
from docsec.errors import ConfigurationError, InputError, KeyMaterialError
from docsec.pdf._trust import _asn1_cert, _validation_context

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric import ec

    from docsec.trust import TrustStore

__all__ = ["SIGNATURE_LEVELS", "PdfSigningKey", "sign_pdf"]

logger = logging.getLogger(__name__)


#: PAdES baseline levels :func:`sign_pdf` produces.
SIGNATURE_LEVELS = ("B-B", "B-T", "B-LT", "B-LTA")
_FIELD_NAME = "DocsecSignature"


class PdfSigningKey:
    """An issuer's signing key and certificate, loaded once for many signatures.

    pyHanko's ``SimpleSigner`` parses its key again for every signature; this
    wrapper keeps the ``cryptography`` key object and signs with it directly.

    Parameters
    ----------
    key : EllipticCurvePrivateKey
        The issuer's key.
    cert : x509.Certificate
        The issuer's certificate (must match ``key``).
    chain : sequence of x509.Certificate
        Further certificates to embed (e.g. the root), optional.

    Raises
    ------
    KeyMaterialError
        If the key does not belong to the certificate.
    """

    def __init__(
        self,
        key: ec.EllipticCurvePrivateKey,
        cert: x509.Certificate,
        chain: Sequence[x509.Certificate] = (),
    ) -> None:
        from cryptography.hazmat.primitives import serialization

        spki = (
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        if key.public_key().public_bytes(*spki) != cert.public_key().public_bytes(
            *spki
        ):
            raise KeyMaterialError("the signing key does not belong to the certificate")
        self.key = key
        self.cert = cert
        self.chain = tuple(chain)
        self._signer: Any = None

    def signer(self) -> Any:
        """Return the pyHanko signer (built on first use, then reused)."""
        if self._signer is None:
            self._signer = _make_signer(self)
        return self._signer


# A few loaded signing keys, so that issuing many PDFs with the same key object does
# not rebuild pyHanko's signer for each (pyHanko's SimpleSigner would even re-parse
# the key on every signature). The key object is held, so its id() stays unique.
_SIGNERS: dict[tuple[int, bytes], tuple[object, PdfSigningKey]] = {}
_SIGNERS_MAX = 8


def _cached_signing_key(
    key: ec.EllipticCurvePrivateKey, cert: x509.Certificate
) -> PdfSigningKey:
    """Return the :class:`PdfSigningKey` of ``key`` and ``cert``, loaded once."""
    from cryptography.hazmat.primitives import hashes

    slot = (id(key), cert.fingerprint(hashes.SHA256()))
    found = _SIGNERS.get(slot)
    if found is not None and found[0] is key:
        return found[1]
    signing_key = PdfSigningKey(key, cert)
    if len(_SIGNERS) >= _SIGNERS_MAX:
        _SIGNERS.pop(next(iter(_SIGNERS)))
    _SIGNERS[slot] = (key, signing_key)
    return signing_key


def _make_signer(sk: PdfSigningKey) -> Any:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec

    _pyhanko.complete()
    from pyhanko.sign.signers import Signer
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    hash_for: dict[str, hashes.HashAlgorithm] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    key = sk.key

    class _KeySigner(Signer):
        async def async_sign_raw(
            self, data: bytes, digest_algorithm: str, dry_run: bool = False
        ) -> bytes:
            algo = hash_for[digest_algorithm.lower()]
            return key.sign(data, ec.ECDSA(algo))

    # pyhanko-certvalidator leaves from_certs unannotated.
    registry = SimpleCertificateStore.from_certs(  # type: ignore[no-untyped-call]
        [_asn1_cert(c) for c in sk.chain]
    )
    return _KeySigner(signing_cert=_asn1_cert(sk.cert), cert_registry=registry)


def sign_pdf(
    pdf_data: bytes,
    signing_key: PdfSigningKey,
    *,
    level: Literal["B-B", "B-T", "B-LT", "B-LTA"] = "B-B",
    tsa_url: str | None = None,
    trust: TrustStore | None = None,
    reason: str | None = "Issued certificate",
) -> bytes:
    """Certify a PDF with a PAdES signature (DocMDP: no changes allowed).

    Parameters
    ----------
    pdf_data : bytes
        The protected PDF.
    signing_key : PdfSigningKey
        The issuer's key and certificate.
    level : {"B-B", "B-T", "B-LT", "B-LTA"}
        PAdES baseline level. B-T and above need ``tsa_url``; B-LT and B-LTA need
        ``trust`` (the certificates and CRLs embedded as validation data).
    tsa_url : str, optional
        RFC 3161 timestamp authority.
    trust : TrustStore, optional
        Trust anchors and CRLs for the validation data of B-LT / B-LTA.
    reason : str or None
        The signature's /Reason.

    Returns
    -------
    bytes
        The signed PDF.

    Raises
    ------
    ConfigurationError
        Unknown level, or a level without what it needs.
    InputError
        The PDF cannot be signed (pyHanko's message is kept).
    """
    if level not in SIGNATURE_LEVELS:
        raise ConfigurationError(
            f"unknown PAdES level {level!r}; use {SIGNATURE_LEVELS}"
        )
    if level != "B-B" and not tsa_url:
        raise ConfigurationError(f"PAdES {level} needs a timestamp authority URL")
    if level in ("B-LT", "B-LTA") and trust is None:
        raise ConfigurationError(
            f"PAdES {level} needs a trust store for validation data"
        )
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    _pyhanko.complete()
    from pyhanko.sign import fields, signers
    from pyhanko.sign.timestamps import HTTPTimeStamper

    timestamper = HTTPTimeStamper(tsa_url) if tsa_url else None
    meta = signers.PdfSignatureMetadata(
        field_name=_FIELD_NAME,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
        reason=reason,
        embed_validation_info=level in ("B-LT", "B-LTA"),
        use_pades_lta=level == "B-LTA",
        validation_context=(
            _validation_context(trust, for_signing=True) if trust is not None else None
        ),
    )
    pdf_signer = signers.PdfSigner(
        meta, signer=signing_key.signer(), timestamper=timestamper
    )
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf_data), strict=False)
        # A fixed reservation skips pyHanko's dry-run signature (which costs as much
        # as the real one); timestamps and validation data need more room.
        reserved = {"B-B": 8192, "B-T": 16384}.get(level)
        out = pdf_signer.sign_pdf(writer, bytes_reserved=reserved, output=io.BytesIO())
    except Exception as exc:
        # pyHanko raises its own errors, ValueError and aiohttp errors here; the
        # message says what went wrong.
        raise InputError(f"cannot sign the PDF: {type(exc).__name__}: {exc}") from exc
    data: bytes = out.getvalue()
    logger.debug("signed PDF: %d bytes, level %s", len(data), level)
    return data
