"""French 2D-Doc (ANTS specification): C40 header versions 02-04, ECDSA signature.

Layout, as text (the DataMatrix carries it in C40/ASCII encodation)::

    DC vv AAAA CCCC iiii ssss tt [pp] [CC] | message | US | base32(r || s)

``vv`` the version (02, 03, 04), ``AAAA`` the certification authority id,
``CCCC`` the certificate id, ``iiii`` / ``ssss`` the document issue and signature
dates (days since 2000-01-01 in hex, ``FFFF`` = absent), ``tt`` the document type,
``pp`` the perimeter (from version 03), ``CC`` the issuing country (version 04).
The message is a sequence of data identifiers (two characters) and values; a
variable-length value ends with GS (0x1D) or at the end of the message. The
signature covers every byte before US (0x1F), exactly as encoded, and is ECDSA
P-256/SHA-256 (or P-384/SHA-384) as raw ``r || s`` in Base32 without padding.

The signer certificate is the one whose issuer common name is the authority id
and whose subject common name is the certificate id.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from cryptography.x509.oid import NameOID

from docsec.errors import PayloadError
from docsec.formats._base import Field, ParsedSeal, SignerRef
from docsec.formats._twoddoc_tables import (
    DATA_IDENTIFIERS,
    DOCUMENT_TYPES,
    HEX_DAY_FIELDS,
    PERIMETERS,
)
from docsec.keys import VerifyingKey

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.trust import TrustStore

__all__ = ["TWODDOC", "TwoDDocFormat", "hex_days"]

GS = 0x1D
US = 0x1F
_HEADER_LEN = {2: 22, 3: 24, 4: 26}
_EPOCH = date(2000, 1, 1)
_ID = re.compile(r"[0-9A-Z]{4}")
_HEX4 = re.compile(r"[0-9A-F]{4}")
_DI = re.compile(r"[0-9A-Z]{2}")
_BASE32 = re.compile(r"[A-Z2-7]+")
#: A 2D-Doc fits in one DataMatrix (at most 2335 alphanumeric characters).
_MAX_LEN = 4096


def hex_days(text: str) -> date | None:
    """Decode a 2D-Doc date: days since 2000-01-01 in hex; ``FFFF`` means absent.

    Raises
    ------
    PayloadError
        Not four hex digits.

    Examples
    --------
    >>> hex_days("1240"), hex_days("FFFF")
    (datetime.date(2012, 10, 16), None)
    """
    if not _HEX4.fullmatch(text):
        raise PayloadError(f"2D-Doc date {text!r} is not four hex digits")
    if text == "FFFF":
        return None
    return _EPOCH + timedelta(days=int(text, 16))


def _text(data: bytes) -> str:
    if len(data) > _MAX_LEN:
        raise PayloadError(f"{len(data)} bytes is too long for a 2D-Doc")
    try:
        return data.decode("ascii")
    except UnicodeDecodeError as exc:
        raise PayloadError("a 2D-Doc is ASCII text; this holds other bytes") from exc


def _common_name(name: x509.Name) -> str:
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(attrs[0].value).strip().upper() if len(attrs) == 1 else ""


class TwoDDocFormat:
    """French 2D-Doc through the seal-format protocol."""

    name = "fr-2d-doc"
    title = "French 2D-Doc"
    symbology = "DataMatrix"

    def detect(self, data: bytes) -> bool:
        """Return whether ``data`` starts with ``DC`` and a two-digit version."""
        return data[:2] == b"DC" and data[2:4].isdigit()

    def parse_unverified(self, data: bytes) -> ParsedSeal:
        """Parse header, message and signature (not verified).

        Raises
        ------
        PayloadError
            Not ASCII, an unsupported version, a malformed header or date, no
            US separator, or a signature that is not Base32 of 64 or 96 bytes.
        """
        text = _text(data)
        if not self.detect(data):
            raise PayloadError("not a 2D-Doc: it does not start with DC and a version")
        version = int(text[2:4])
        header_len = _HEADER_LEN.get(version)
        if header_len is None:
            raise PayloadError(
                f"2D-Doc version {version:02d} is not supported (only 02, 03, 04)"
            )
        if len(text) < header_len:
            raise PayloadError("truncated 2D-Doc header")
        authority, cert_id = text[4:8], text[8:12]
        if not (_ID.fullmatch(authority) and _ID.fullmatch(cert_id)):
            raise PayloadError("malformed 2D-Doc authority or certificate id")
        issue = hex_days(text[12:16])
        signed = hex_days(text[16:20])
        doc_type = text[20:22]
        perimeter = text[22:24] if version >= 3 else "01"
        country = text[24:26] if version >= 4 else "FR"
        # Alphanumeric, as the specification defines them: the header is shown
        # before the signature is checked (a control character here reached the
        # terminal: ESC c resets it).
        if not all(_DI.fullmatch(x) for x in (doc_type, perimeter, country)):
            raise PayloadError(
                "malformed 2D-Doc document type, perimeter or country code"
            )
        us = text.find(chr(US), header_len)
        if us < 0:
            raise PayloadError("no signature: the 2D-Doc has no US (0x1F) separator")
        tail = text[us + 1 :]
        # Version 04 may append an annex after the signature, separated by GS.
        sig_text = tail.split(chr(GS), 1)[0]
        if not _BASE32.fullmatch(sig_text):
            raise PayloadError("the 2D-Doc signature is not Base32")
        try:
            signature = base64.b32decode(sig_text + "=" * (-len(sig_text) % 8))
        except binascii.Error as exc:
            raise PayloadError("the 2D-Doc signature is not valid Base32") from exc
        if len(signature) not in (64, 96):
            raise PayloadError(
                f"2D-Doc signature of {len(signature)} bytes (expected 64 or 96)"
            )
        type_name = DOCUMENT_TYPES.get(doc_type, "unknown document type")
        return ParsedSeal(
            format=self.name,
            raw=bytes(data),
            signed_bytes=bytes(data[:us]),
            signature=signature,
            signer=SignerRef(authority, cert_id),
            country=country,
            document_type=f"{doc_type} {type_name}",
            issue_date=issue,
            signature_date=signed,
            valid_from=None,
            valid_until=None,
            summary=(
                f"French 2D-Doc v{version:02d}, document type {doc_type} ({type_name}), "
                f"perimeter {perimeter} ({PERIMETERS.get(perimeter, 'unknown')}), "
                f"authority {authority} / certificate {cert_id}"
            ),
            native=(version, header_len, perimeter, text[header_len:us]),
        )

    def find_signer(
        self,
        parsed: ParsedSeal,
        trust: TrustStore,
        *,
        extra: Iterable[x509.Certificate] = (),
    ) -> list[x509.Certificate]:
        """Return certificates issued by the named authority with the named id."""
        authority = parsed.signer.issuer.upper()
        cert_id = parsed.signer.reference.upper()
        out: list[x509.Certificate] = []
        for cert in (*trust.anchors, *trust.intermediates, *extra):
            if (
                _common_name(cert.issuer) == authority
                and _common_name(cert.subject) == cert_id
                and cert not in out
            ):
                out.append(cert)
        return out

    def verify_signature(self, parsed: ParsedSeal, cert: x509.Certificate) -> bool:
        """Check the ECDSA ``r || s`` signature (SHA-256 on P-256, SHA-384 on P-384)."""
        if parsed.signature is None:
            return False
        key = VerifyingKey.from_certificate(cert)
        return key.verify_raw(parsed.signed_bytes, parsed.signature)

    def certificate_problem(
        self, parsed: ParsedSeal, cert: x509.Certificate
    ) -> str | None:
        """Return None: the specification restricts participants by perimeter only."""
        return None

    def decode_fields(self, parsed: ParsedSeal) -> tuple[Field, ...]:
        """Split the message into its data identifiers, with labels.

        An identifier missing from the table is read as variable-length (up to
        the next GS); the label says so.
        """
        native = parsed.native
        if not isinstance(native, tuple):
            return ()
        message = str(native[3])
        fields: list[Field] = []
        pos = 0
        while pos < len(message):
            di = message[pos : pos + 2]
            if not _DI.fullmatch(di):
                fields.append(Field("?", "Unparsed rest of the message", message[pos:]))
                break
            pos += 2
            size, label, label_ko = DATA_IDENTIFIERS.get(
                di, (0, f"Data identifier {di} (not in docsec's table)", "")
            )
            if size:
                value = message[pos : pos + size]
                pos += size
                if pos < len(message) and message[pos] == chr(GS):
                    pos += 1
            else:
                end = message.find(chr(GS), pos)
                end = len(message) if end < 0 else end
                value = message[pos:end]
                pos = end + 1
            if di in HEX_DAY_FIELDS and _HEX4.fullmatch(value):
                day = hex_days(value)
                value = day.isoformat() if day is not None else "(none)"
            fields.append(Field(di, label, value, label_ko))
        return tuple(fields)


TWODDOC = TwoDDocFormat()
