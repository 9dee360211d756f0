"""The seal-format protocol: what every signed-barcode format offers a verifier.

A format is a stateless object (one per format, registered in
:mod:`docsec.formats`). The verifier asks it, in this order: does ``data`` look
like you (:meth:`SealFormat.detect`), parse it without trusting it
(:meth:`SealFormat.parse_unverified`), which certificates of the trust store could
have signed it (:meth:`SealFormat.find_signer`), does one of them verify the
signature (:meth:`SealFormat.verify_signature`), may that certificate sign this
kind of document (:meth:`SealFormat.certificate_problem`), and, only after all of
that passed, what does it say (:meth:`SealFormat.decode_fields`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.trust import TrustStore

__all__ = ["Field", "ParsedSeal", "SealFormat", "SignerRef"]


@dataclass(frozen=True, slots=True)
class Field:
    """One decoded field of a seal, for a person to compare with the paper.

    Attributes
    ----------
    key : str
        The format's own identifier (a 2D-Doc data identifier such as ``"10"``, a
        DCC path such as ``"nam.fn"``, a VDS feature name).
    label : str
        English label.
    value : str
        The value as text.
    label_ko : str
        Korean label; empty when none is defined for this field.
    """

    key: str
    label: str
    value: str
    label_ko: str = ""


@dataclass(frozen=True, slots=True)
class SignerRef:
    """How a seal names the key that signed it.

    Attributes
    ----------
    issuer : str
        VDS: signer identifier (``"DETS"``); 2D-Doc: certification authority id
        (``"FR00"``); DCC: the issuing country of the CWT (may be empty).
    reference : str
        VDS: certificate reference; 2D-Doc: certificate id (``"0001"``); DCC:
        the key identifier ``kid`` in hex (empty when the seal carries none).
    """

    issuer: str
    reference: str

    def __str__(self) -> str:
        return f"{self.issuer or '?'} / {self.reference or '?'}"


@dataclass(frozen=True, slots=True)
class ParsedSeal:
    """A seal parsed but not verified: nothing in it is to be believed yet.

    Attributes
    ----------
    format : str
        Name of the format that parsed it (``"icao-vds"``, ``"fr-2d-doc"``,
        ``"eu-dcc"``).
    raw : bytes
        The barcode bytes exactly as read.
    signed_bytes : bytes
        What the signature covers.
    signature : bytes or None
        The signature value (raw ``r || s`` for ECDSA); None when absent.
    signer : SignerRef
        The key the seal names.
    country : str
        Issuing country as the seal states it ("" when it does not).
    document_type : str
        The document type the seal declares, code and name.
    issue_date, signature_date : date or None
        Dates the seal declares (None when absent).
    valid_from, valid_until : datetime or None
        The document's own validity window, when the format has one (DCC: ``iat``
        and ``exp``; VDS: the docsec profile's validity; 2D-Doc: none).
    summary : str
        One line describing the header, for the ``barcode`` check.
    native : object
        The format's own parsed object (e.g. :class:`docsec.seal.Seal`).
    """

    format: str
    raw: bytes = field(repr=False)
    signed_bytes: bytes = field(repr=False)
    signature: bytes | None = field(repr=False)
    signer: SignerRef
    country: str
    document_type: str
    issue_date: date | None
    signature_date: date | None
    valid_from: datetime | None
    valid_until: datetime | None
    summary: str
    native: object = field(default=None, repr=False, compare=False)


class SealFormat(Protocol):
    """A signed-barcode format as the verifier sees it."""

    #: Stable machine name (JSON, logs): ``"icao-vds"``, ``"fr-2d-doc"``, ``"eu-dcc"``.
    name: str
    #: Human name: ``"ICAO VDS"``, ``"French 2D-Doc"``, ``"EU DCC"``.
    title: str
    #: The barcode symbology the format is printed in: ``"DataMatrix"`` or ``"QR"``.
    symbology: str

    def detect(self, data: bytes) -> bool:
        """Return whether ``data`` starts like this format (cheap, never raises)."""
        ...

    def parse_unverified(self, data: bytes) -> ParsedSeal:
        """Parse without verifying; raise :class:`~docsec.errors.PayloadError`."""
        ...

    def find_signer(
        self,
        parsed: ParsedSeal,
        trust: TrustStore,
        *,
        extra: Iterable[x509.Certificate] = (),
    ) -> list[x509.Certificate]:
        """Return the certificates (anchors first) that the seal's reference names."""
        ...

    def verify_signature(self, parsed: ParsedSeal, cert: x509.Certificate) -> bool:
        """Check the signature with ``cert``'s key (cryptography only).

        Raises :class:`~docsec.errors.KeyMaterialError` when the key is of a kind
        the format does not use or the library cannot check.
        """
        ...

    def certificate_problem(
        self, parsed: ParsedSeal, cert: x509.Certificate
    ) -> str | None:
        """Return a reason code when ``cert`` may not sign this document, else None."""
        ...

    def decode_fields(self, parsed: ParsedSeal) -> tuple[Field, ...]:
        """Return the seal's fields with labels (call only after verification)."""
        ...
