"""ICAO Doc 9303-13 visible digital seal: header, message zone, signature zone.

Byte layout (docs/seal-format.md has the full description)::

    DC                       magic
    02 | 03                  version: 0x02 = ICAO v3, 0x03 = ICAO v4
    2 bytes C40              issuing country (3 characters, '<' written as space)
    v3: 6 bytes C40          signer identifier (4) + certificate reference (5)
    v4: 4 bytes C40          signer identifier (4) + length of the reference (2 hex)
        C40                  certificate reference (that many characters)
    3 bytes                  document issue date (MMDDYYYY as an integer)
    3 bytes                  signature creation date
    1 byte                   document feature definition reference
    1 byte                   document type category
    message zone             features: tag (1 byte, not 0xFF), DER length, value
    FF, DER length, r||s     signature zone

Everything before the 0xFF tag is signed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

from docsec import keys
from docsec.errors import InputError, PayloadError
from docsec.seal._codec import (
    c40_decode,
    c40_encode,
    c40_encoded_length,
    date_decode,
    date_encode,
    der_length_decode,
    der_length_encode,
)

__all__ = [
    "MAGIC",
    "SIGNATURE_TAG",
    "Feature",
    "Seal",
    "SealHeader",
    "encode_unsigned",
    "make_header",
    "parse_unverified",
    "sign",
    "verify_signature",
]

logger = logging.getLogger(__name__)

MAGIC = 0xDC
SIGNATURE_TAG = 0xFF
_RAW_VERSIONS = {0x02: 3, 0x03: 4}  # version byte -> ICAO header version

#: Leniency names recorded in :attr:`Seal.leniencies` (see docs/seal-format.md).
LENIENCY_V4_WITH_V3_SIGNER = "v4-header-with-v3-signer-and-reference"
LENIENCY_LENGTH_0X80 = "length-byte-0x80-read-as-zero"
LENIENCY_DECIMAL_REF_LENGTH = "certificate-reference-length-read-as-decimal"
LENIENCY_SHORT_COUNTRY = "issuing-country-shorter-than-3-characters"


@dataclass(frozen=True, slots=True)
class SealHeader:
    """The header of a visible digital seal.

    Attributes
    ----------
    raw_version : int
        The version byte: 2 (ICAO header v3) or 3 (ICAO header v4).
    icao_version : int
        3 or 4.
    issuing_country : str
        Three C40 characters, ICAO's ``<`` filler shown as a space (``"D  "``).
    signer_identifier : str
        Four characters: country code of the signer plus two characters.
    certificate_reference : str
        Reference of the signer certificate (in practice its serial number in hex).
    issue_date, signature_date : datetime.date
        Document issue date and signature creation date.
    feature_def_ref : int
        Document feature definition reference, 0-255.
    doc_type_category : int
        Document type category, 0-255.
    header_len : int
        Length of the encoded header in bytes.
    """

    raw_version: int
    icao_version: int
    issuing_country: str
    signer_identifier: str
    certificate_reference: str
    issue_date: dt.date
    signature_date: dt.date
    feature_def_ref: int
    doc_type_category: int
    header_len: int


@dataclass(frozen=True, slots=True)
class Feature:
    """One message-zone feature: a tag (0-254) and its raw value bytes."""

    tag: int
    value: bytes


@dataclass(frozen=True, slots=True)
class Seal:
    """A parsed seal. Nothing in it is trusted until :func:`verify_signature` says so.

    Attributes
    ----------
    header : SealHeader
    messages : tuple of Feature
        The features in the order they appear.
    signature : bytes or None
        Raw ``r || s``; None only for unsigned seals parsed with
        ``allow_unsigned=True``.
    signed_bytes : bytes
        Header plus message zone: the bytes the signature covers.
    raw : bytes
        The whole input.
    leniencies : tuple of str
        Deviations from the strict format that were accepted because real seals need
        them (empty for every seal docsec writes).
    """

    header: SealHeader
    messages: tuple[Feature, ...]
    signature: bytes | None
    signed_bytes: bytes
    raw: bytes
    leniencies: tuple[str, ...] = field(default=())

    def feature(self, tag: int) -> bytes | None:
        """Return the value of the feature with ``tag``, or None if absent."""
        for feat in self.messages:
            if feat.tag == tag:
                return feat.value
        return None


def _country_for_c40(country: str) -> str:
    text = country.upper().replace("<", " ")
    if not 1 <= len(text) <= 3:
        raise InputError(f"issuing country must be 1-3 letters, got {country!r}")
    return text.ljust(3)


def make_header(
    *,
    issuing_country: str,
    signer_identifier: str,
    certificate_reference: str,
    issue_date: dt.date,
    signature_date: dt.date,
    feature_def_ref: int,
    doc_type_category: int,
    icao_version: int = 4,
) -> SealHeader:
    """Build a :class:`SealHeader` for encoding, computing version byte and length.

    Parameters
    ----------
    issuing_country : str
        ISO 3166 alpha-3 or ICAO code; shorter codes are filled (``"D"`` -> ``"D  "``).
    signer_identifier : str
        Exactly 4 C40 characters (upper-case letters, digits).
    certificate_reference : str
        v4: 1-255 C40 characters; v3: exactly 5.
    issue_date, signature_date : datetime.date
    feature_def_ref, doc_type_category : int
        0-255 each.
    icao_version : {4, 3}
        Header version; docsec writes v4.

    Raises
    ------
    InputError
        A value that the header cannot hold.
    """
    if icao_version not in (3, 4):
        raise InputError(f"ICAO header version must be 3 or 4, got {icao_version}")
    for name, value in (
        ("feature_def_ref", feature_def_ref),
        ("doc_type_category", doc_type_category),
    ):
        if not 0 <= value <= 255:
            raise InputError(f"{name} must be 0-255, got {value}")
    header = SealHeader(
        raw_version=3 if icao_version == 4 else 2,
        icao_version=icao_version,
        issuing_country=_country_for_c40(issuing_country),
        signer_identifier=signer_identifier,
        certificate_reference=certificate_reference,
        issue_date=issue_date,
        signature_date=signature_date,
        feature_def_ref=feature_def_ref,
        doc_type_category=doc_type_category,
        header_len=0,
    )
    length = len(_encode_header(header))
    return SealHeader(
        raw_version=header.raw_version,
        icao_version=header.icao_version,
        issuing_country=header.issuing_country,
        signer_identifier=header.signer_identifier,
        certificate_reference=header.certificate_reference,
        issue_date=header.issue_date,
        signature_date=header.signature_date,
        feature_def_ref=header.feature_def_ref,
        doc_type_category=header.doc_type_category,
        header_len=length,
    )


def _encode_header(header: SealHeader) -> bytes:
    if _RAW_VERSIONS.get(header.raw_version) != header.icao_version:
        raise InputError(
            f"version byte {header.raw_version} does not match ICAO version "
            f"{header.icao_version}"
        )
    if len(header.issuing_country) != 3:
        raise InputError("issuing country must be 3 C40 characters")
    if len(header.signer_identifier) != 4:
        raise InputError("signer identifier must be 4 characters")
    ref = header.certificate_reference
    if header.icao_version == 3:
        if len(ref) != 5:
            raise InputError("a v3 certificate reference is exactly 5 characters")
        signer = c40_encode(header.signer_identifier + ref)
    else:
        if not 1 <= len(ref) <= 255:
            raise InputError("a v4 certificate reference is 1-255 characters")
        signer = c40_encode(f"{header.signer_identifier}{len(ref):02X}") + c40_encode(
            ref
        )
    for name, value in (
        ("feature_def_ref", header.feature_def_ref),
        ("doc_type_category", header.doc_type_category),
    ):
        if not 0 <= value <= 255:
            raise InputError(f"{name} must be 0-255, got {value}")
    return (
        bytes((MAGIC, header.raw_version))
        + c40_encode(header.issuing_country)
        + signer
        + date_encode(header.issue_date)
        + date_encode(header.signature_date)
        + bytes((header.feature_def_ref, header.doc_type_category))
    )


def encode_unsigned(header: SealHeader, features: Sequence[Feature]) -> bytes:
    """Encode header and message zone: the bytes that get signed.

    Parameters
    ----------
    header : SealHeader
        Usually from :func:`make_header`; ``header_len`` must match the encoding.
    features : sequence of Feature
        At least one; tags 0-254, each tag at most once. They are written in the
        order given.

    Returns
    -------
    bytes

    Raises
    ------
    InputError
        An invalid header value, no features, a bad or repeated tag.
    """
    encoded = _encode_header(header)
    if len(encoded) != header.header_len:
        raise InputError(
            f"header_len is {header.header_len} but the header encodes to "
            f"{len(encoded)} bytes (build headers with make_header)"
        )
    if not features:
        raise InputError("a seal needs at least one feature")
    seen: set[int] = set()
    out = bytearray(encoded)
    for feat in features:
        if not 0 <= feat.tag < SIGNATURE_TAG:
            raise InputError(f"feature tag must be 0-254, got {feat.tag}")
        if feat.tag in seen:
            raise InputError(f"feature tag {feat.tag} appears twice")
        seen.add(feat.tag)
        out.append(feat.tag)
        out += der_length_encode(len(feat.value))
        out += feat.value
    return bytes(out)


def sign(
    header: SealHeader,
    features: Sequence[Feature],
    key: keys.PrivateKey,
) -> bytes:
    """Encode and sign a seal.

    Parameters
    ----------
    header : SealHeader
        From :func:`make_header`.
    features : sequence of Feature
        The message zone.
    key : EllipticCurvePrivateKey
        The issuer's key; the signature is :func:`docsec.keys.sign_raw` over header
        and message zone (deterministic ECDSA, so the result is reproducible).

    Returns
    -------
    bytes
        The complete seal: header, message zone, ``FF`` length ``r||s``.
    """
    unsigned = encode_unsigned(header, features)
    signature = keys.sign_raw(key, unsigned)
    return (
        unsigned
        + bytes((SIGNATURE_TAG,))
        + der_length_encode(len(signature))
        + signature
    )


def verify_signature(seal: Seal, verifying_key: keys.VerifyingKey) -> bool:
    """Check the seal's signature with ``verifying_key``.

    Only the cryptography is checked: whether the key belongs to the signer the
    header names, and whether that signer is trusted, is for the trust store.

    Returns
    -------
    bool
        False for an unsigned seal, a wrong-size or a bad signature.
    """
    if seal.signature is None:
        return False
    return verifying_key.verify_raw(seal.signed_bytes, seal.signature)


def _take(data: bytes, offset: int, n: int, what: str) -> bytes:
    end = offset + n
    if end > len(data):
        raise PayloadError(f"truncated: {what} runs past the end")
    return data[offset:end]


def _parse_header(data: bytes, *, radix: int = 16) -> tuple[SealHeader, list[str]]:
    leniencies: list[str] = []
    if not data:
        raise PayloadError("empty seal")
    if data[0] != MAGIC:
        raise PayloadError(f"not a visible digital seal: magic 0x{data[0]:02x}")
    if len(data) < 2:
        raise PayloadError("truncated: version byte missing")
    raw_version = data[1]
    icao_version = _RAW_VERSIONS.get(raw_version)
    if icao_version is None:
        raise PayloadError(f"unknown seal header version byte 0x{raw_version:02x}")
    country = c40_decode(_take(data, 2, 2, "issuing country"))
    if len(country) != 3:
        # vdstools "ankunftsnwPapier": country "D" as the single C40 character 0xFE 0x45.
        leniencies.append(LENIENCY_SHORT_COUNTRY)
    offset = 4
    if icao_version == 3:
        chars = c40_decode(_take(data, offset, 6, "signer identifier"))
        signer, ref = chars[:4], chars[4:]
        offset += 6
        if len(ref) != 5:
            raise PayloadError("bad v3 signer identifier / certificate reference")
    else:
        chars = c40_decode(_take(data, offset, 4, "signer identifier"))
        if len(chars) != 6:
            raise PayloadError("bad v4 signer identifier")
        signer, ref_len_hex = chars[:4], chars[4:]
        try:
            ref_len = int(ref_len_hex, radix)
        except ValueError as exc:
            raise PayloadError(
                f"certificate reference length {ref_len_hex!r} is not a number"
            ) from exc
        if radix == 10:
            leniencies.append(LENIENCY_DECIMAL_REF_LENGTH)
        if ref_len == 0:
            # vdstools' "ankunftsnwPapier2": version byte 0x03 but the signer and
            # certificate reference written v3-style in 6 bytes ("DEME00008").
            # A zero-length reference is meaningless in v4, so read the v3 layout.
            chars = c40_decode(_take(data, offset, 6, "signer identifier"))
            signer, ref = chars[:4], chars[4:]
            if len(ref) != 5:
                raise PayloadError("bad signer identifier / certificate reference")
            offset += 6
            leniencies.append(LENIENCY_V4_WITH_V3_SIGNER)
        else:
            offset += 4
            n_bytes = c40_encoded_length(ref_len)
            ref = c40_decode(_take(data, offset, n_bytes, "certificate reference"))
            if len(ref) != ref_len:
                raise PayloadError(
                    f"certificate reference has {len(ref)} characters, "
                    f"header says {ref_len}"
                )
            offset += n_bytes
    issue_date = date_decode(_take(data, offset, 3, "issue date"))
    signature_date = date_decode(_take(data, offset + 3, 3, "signature date"))
    feature_def_ref, doc_type_category = _take(data, offset + 6, 2, "document type")
    offset += 8
    header = SealHeader(
        raw_version=raw_version,
        icao_version=icao_version,
        issuing_country=country,
        signer_identifier=signer,
        certificate_reference=ref,
        issue_date=issue_date,
        signature_date=signature_date,
        feature_def_ref=feature_def_ref,
        doc_type_category=doc_type_category,
        header_len=offset,
    )
    return header, leniencies


def parse_unverified(data: bytes, *, allow_unsigned: bool = False) -> Seal:
    """Parse seal bytes without checking the signature.

    Nothing returned here is trustworthy until :func:`verify_signature` succeeds
    with a key from the trust store.

    Parameters
    ----------
    data : bytes
        The barcode payload.
    allow_unsigned : bool, default False
        Accept a seal that ends without a signature zone (``signature`` is then
        None). Only structural test vectors are like that; a verifier keeps the
        default.

    Returns
    -------
    Seal

    Raises
    ------
    PayloadError
        For any malformed input, and only that: empty input, wrong magic, unknown
        version, bad C40, impossible dates, lengths past the end, no features, a
        repeated feature tag, a missing or empty signature, bytes after the
        signature.
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise PayloadError(f"seal data must be bytes, got {type(data).__name__}")
    data = bytes(data)
    try:
        return _parse(data, allow_unsigned=allow_unsigned, radix=16)
    except PayloadError as exc:
        # BSI TR-03171 seals (signer "DEZV") were written with the v4 certificate
        # reference length in decimal, not hex as ICAO 9303-13 says ("40" for 40
        # characters). Only when the ICAO reading fails is the decimal one tried,
        # and the seal says so in `leniencies`.
        if len(data) < 8 or data[1] != 0x03:
            raise
        try:
            return _parse(data, allow_unsigned=allow_unsigned, radix=10)
        except PayloadError:
            raise exc from None


def _parse(data: bytes, *, allow_unsigned: bool, radix: int) -> Seal:
    header, leniencies = _parse_header(data, radix=radix)
    offset = header.header_len
    messages: list[Feature] = []
    seen: set[int] = set()
    signature: bytes | None = None
    signed_end = len(data)
    while offset < len(data):
        tag = data[offset]
        length, value_start, lenient = der_length_decode(data, offset + 1)
        if lenient and LENIENCY_LENGTH_0X80 not in leniencies:
            leniencies.append(LENIENCY_LENGTH_0X80)
        value = _take(data, value_start, length, f"value of tag {tag}")
        if tag == SIGNATURE_TAG:
            signed_end = offset
            signature = value
            offset = value_start + length
            if offset != len(data):
                raise PayloadError(
                    f"{len(data) - offset} unexpected bytes after the signature"
                )
            break
        if tag in seen:
            raise PayloadError(f"feature tag {tag} appears twice")
        seen.add(tag)
        messages.append(Feature(tag, value))
        offset = value_start + length
    if not messages:
        raise PayloadError("the message zone has no features")
    if signature is None:
        if not allow_unsigned:
            raise PayloadError("no signature zone (tag 0xFF)")
    elif not signature or len(signature) % 2:
        raise PayloadError("the signature is empty or has an odd length")
    if leniencies:
        logger.debug("seal parsed with leniencies: %s", ", ".join(leniencies))
    return Seal(
        header=header,
        messages=tuple(messages),
        signature=signature,
        signed_bytes=data[:signed_end],
        raw=data,
        leniencies=tuple(leniencies),
    )
