"""ICAO Doc 9303-13 visible digital seals (and BSI TR-03171 / docsec profiles).

An adapter: the codec is :mod:`docsec.seal`; this module presents it through the
:class:`~docsec.formats.SealFormat` protocol.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from docsec import seal as _seal
from docsec.formats._base import Field, ParsedSeal, SignerRef
from docsec.keys import VerifyingKey

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.trust import TrustStore

__all__ = ["MAGIC", "MAGIC_BYTE", "VDS", "VdsFormat"]

#: First byte of every ICAO 9303-13 seal (defined once, in :mod:`docsec.seal`).
MAGIC = _seal.MAGIC
MAGIC_BYTE = bytes((MAGIC,))

#: Korean labels of the docsec certificate profile's fields.
_KO = {
    "document_number": "문서번호",
    "holder_name": "성명",
    "birth_date": "생년월일",
    "issuing_office": "발급기관",
    "issue_date": "발급일",
    "valid_until": "유효기간",
    "SURNAME": "성",
    "FIRST_NAME": "이름",
    "DOCUMENT_NUMBER": "문서번호",
    "PASSPORT_NUMBER": "여권번호",
}


class VdsFormat:
    """ICAO VDS through the seal-format protocol."""

    name = "icao-vds"
    title = "ICAO VDS"
    symbology = "DataMatrix"

    def detect(self, data: bytes) -> bool:
        """Return whether ``data`` starts with the VDS magic byte 0xDC."""
        return data[:1] == MAGIC_BYTE

    def parse_unverified(self, data: bytes) -> ParsedSeal:
        """Parse the header, message zone and signature zone (not verified)."""
        parsed = _seal.parse_unverified(data)
        h = parsed.header
        return ParsedSeal(
            format=self.name,
            raw=bytes(data),
            signed_bytes=parsed.signed_bytes,
            signature=parsed.signature,
            signer=SignerRef(h.signer_identifier, h.certificate_reference),
            country=h.issuing_country.strip(),
            document_type=f"{h.feature_def_ref}/{h.doc_type_category}",
            issue_date=h.issue_date,
            signature_date=h.signature_date,
            valid_from=None,
            valid_until=None,
            summary=(
                f"ICAO VDS header v{h.icao_version}, {len(data)} bytes, signer "
                f"{h.signer_identifier} / certificate {h.certificate_reference}"
            ),
            native=parsed,
        )

    def find_signer(
        self,
        parsed: ParsedSeal,
        trust: TrustStore,
        *,
        extra: Iterable[x509.Certificate] = (),
    ) -> list[x509.Certificate]:
        """Resolve the signer identifier and certificate reference (every form)."""
        return trust.find_signer(
            parsed.signer.issuer, parsed.signer.reference, extra=extra
        )

    def verify_signature(self, parsed: ParsedSeal, cert: x509.Certificate) -> bool:
        """Check the raw ``r || s`` ECDSA signature (hash by curve size)."""
        native = parsed.native
        if not isinstance(native, _seal.Seal):
            return False
        return _seal.verify_signature(native, VerifyingKey.from_certificate(cert))

    def certificate_problem(
        self, parsed: ParsedSeal, cert: x509.Certificate
    ) -> str | None:
        """Return None: VDS signer certificates carry no per-document restriction."""
        return None

    def decode_fields(self, parsed: ParsedSeal) -> tuple[Field, ...]:
        """Decode the message zone with the seal's profile."""
        native = parsed.native
        if not isinstance(native, _seal.Seal):
            return ()
        decoded = _seal.decode_fields(native)
        return tuple(
            Field(f.name, f.name, f.value, _KO.get(f.name, "")) for f in decoded.fields
        )


VDS = VdsFormat()
