"""EU Digital COVID Certificates: ``HC1:`` + Base45 + zlib + COSE_Sign1 + CBOR (CWT).

Decoding chain (eHealth Network, "Technical Specifications for EU Digital COVID
Certificates", volume 1): the QR text starts with the context ``HC1:``; the rest is
Base45 (RFC 9285, the ``base45`` package), which gives zlib-compressed bytes,
which give a COSE_Sign1 structure (RFC 9052, CBOR tag 18, optionally inside CWT
tag 61; decoded with ``cbor2``). Its payload is a CWT: ``1`` issuer country,
``6`` issued at, ``4`` expires, ``-260`` / ``1`` the health certificate.

The signature (``ES256``: ECDSA P-256 raw ``r || s``; ``PS256``: RSASSA-PSS) is
checked here with ``cryptography`` over the COSE ``Sig_structure``; pycose is not
used. The key is named by ``kid`` (protected header first, then unprotected):
the first 8 bytes of the SHA-256 of the signer certificate's DER (the DSC).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import asn1crypto.x509  # type: ignore[import-untyped]
import base45
import cbor2
from cryptography import x509 as _x509
from cryptography.hazmat.primitives.serialization import Encoding

from docsec.errors import KeyMaterialError, PayloadError
from docsec.formats._base import Field, ParsedSeal, SignerRef
from docsec.keys import VerifyingKey, verify_rsa_pss_sha256

if TYPE_CHECKING:
    from cryptography import x509

    from docsec.trust import TrustStore

__all__ = ["DCC", "DccFormat", "kid_of"]

_PREFIX = "HC1:"
_ES256 = -7
_PS256 = -37
#: A QR code holds at most 4296 alphanumeric characters; the CBOR inside is
#: limited so a zlib bomb cannot exhaust memory.
_MAX_TEXT = 8192
_MAX_CBOR = 64 * 1024
#: Extended key usages a DSC may carry to restrict what it signs (spec vol. 1, 5.1.1).
_TYPE_EKU = {
    "1.3.6.1.4.1.1847.2021.1.1": "t",
    "1.3.6.1.4.1.0.1847.2021.1.1": "t",
    "1.3.6.1.4.1.1847.2021.1.2": "v",
    "1.3.6.1.4.1.0.1847.2021.1.2": "v",
    "1.3.6.1.4.1.1847.2021.1.3": "r",
    "1.3.6.1.4.1.0.1847.2021.1.3": "r",
}
_KIND = {"v": "vaccination", "t": "test", "r": "recovery"}

_NAME_LABELS = {
    "fn": ("Surname", "성"),
    "gn": ("Forename", "이름"),
    "fnt": ("Surname (ICAO transliteration)", "성 (로마자)"),
    "gnt": ("Forename (ICAO transliteration)", "이름 (로마자)"),
}
_ENTRY_LABELS = {
    "tg": ("Disease or agent targeted", "대상 질병"),
    "vp": ("Vaccine or prophylaxis", "백신 종류"),
    "mp": ("Vaccine product", "백신 제품"),
    "ma": ("Marketing authorisation holder", "제조사"),
    "dn": ("Dose number", "접종 차수"),
    "sd": ("Total doses in the series", "총 접종 횟수"),
    "dt": ("Date of vaccination", "접종일"),
    "tt": ("Type of test", "검사 종류"),
    "nm": ("Test name (NAAT)", "검사명"),
    "ma_t": ("Test device (RAT)", "검사 기기"),
    "sc": ("Date and time of sample collection", "검체 채취 일시"),
    "tr": ("Test result", "검사 결과"),
    "tc": ("Testing centre", "검사 기관"),
    "fr": ("Date of first positive test", "최초 양성 판정일"),
    "df": ("Certificate valid from", "유효 시작일"),
    "du": ("Certificate valid until", "유효 종료일"),
    "co": ("Country", "국가"),
    "is": ("Certificate issuer", "발급기관"),
    "ci": ("Unique certificate identifier", "증명서 고유번호"),
}


def kid_of(cert: x509.Certificate) -> bytes:
    """Return a DSC's key identifier: the first 8 bytes of SHA-256 of its DER."""
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).digest()[:8]


def _eku_oids(cert: x509.Certificate) -> list[str] | None:
    """Return the certificate's extended key usage OIDs (None: unreadable)."""
    try:
        ext = cert.extensions.get_extension_for_class(_x509.ExtendedKeyUsage)
    except _x509.ExtensionNotFound:
        return []
    except ValueError:
        # cryptography rejects some test DSCs (an empty extensions sequence);
        # asn1crypto reads them, so their EKU can still be judged.
        try:
            parsed = asn1crypto.x509.Certificate.load(cert.public_bytes(Encoding.DER))
            usage = parsed.extended_key_usage_value
        except (ValueError, TypeError, KeyError):
            return None
        return [] if usage is None else [str(o.dotted) for o in usage]
    return [o.dotted_string for o in ext.value]


#: CBOR tags that make one encoded item stand for another: value sharing (28, 29)
#: and string references (256, 25). A few bytes of them decode to a graph whose
#: hashing or printing takes exponential time; no DCC uses them.
_SHARING_TAGS = frozenset({25, 28, 29, 256})
#: A DCC nests six levels deep (claims, hcert, certificate, entries, entry, value).
_MAX_DEPTH = 16


def _walk(data: bytes, pos: int, depth: int, what: str) -> int:
    """Check one CBOR item at ``pos`` for sharing tags and depth; return its end."""
    if depth > _MAX_DEPTH:
        raise PayloadError(f"the {what} nests more than {_MAX_DEPTH} levels")
    if pos >= len(data):
        raise PayloadError(f"the {what} is not valid CBOR (truncated)")
    major, info = data[pos] >> 5, data[pos] & 0x1F
    pos += 1
    indefinite = info == 31 and major in (2, 3, 4, 5)
    arg = info
    if 24 <= info <= 27:
        size = 1 << (info - 24)
        if pos + size > len(data):
            raise PayloadError(f"the {what} is not valid CBOR (truncated)")
        arg = int.from_bytes(data[pos : pos + size], "big")
        pos += size
    elif info > 27 and not indefinite:
        raise PayloadError(f"the {what} is not valid CBOR (reserved value)")
    if indefinite:
        while pos < len(data) and data[pos] != 0xFF:
            pos = _walk(data, pos, depth + 1, what)
        return pos + 1
    if major in (2, 3):
        if pos + arg > len(data):
            raise PayloadError(f"the {what} is not valid CBOR (truncated)")
        return pos + arg
    if major in (4, 5):
        for _ in range(arg * (2 if major == 5 else 1)):
            pos = _walk(data, pos, depth + 1, what)
        return pos
    if major == 6:
        if arg in _SHARING_TAGS:
            raise PayloadError(f"the {what} uses CBOR tag {arg} (shared values)")
        return _walk(data, pos, depth + 1, what)
    return pos


def _loads(data: bytes, what: str) -> object:
    _walk(data, 0, 0, what)
    try:
        return cbor2.loads(data)
    except (cbor2.CBORDecodeError, ValueError, TypeError, OverflowError) as exc:
        raise PayloadError(f"the {what} is not valid CBOR") from exc


def _time(value: object, what: str) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PayloadError(f"the CWT {what} is not a number")
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (OverflowError, OSError, ValueError) as exc:
        raise PayloadError(f"the CWT {what} is out of range") from exc


def _decompress(blob: bytes) -> bytes:
    if blob[:1] != b"\x78":
        raise PayloadError("the DCC is not zlib-compressed")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(blob, _MAX_CBOR)
    except zlib.error as exc:
        raise PayloadError("the DCC's zlib compression is broken") from exc
    if inflater.unconsumed_tail:
        raise PayloadError(f"the DCC inflates to more than {_MAX_CBOR} bytes")
    if not inflater.eof:
        raise PayloadError("the DCC's zlib stream is truncated")
    return out


def _cose_sign1(obj: object) -> list[object]:
    # COSE_Sign1 is tag 18; a CWT may wrap it in tag 61; an untagged array is allowed.
    if isinstance(obj, cbor2.CBORTag) and obj.tag == 61:
        obj = obj.value
    if isinstance(obj, cbor2.CBORTag):
        if obj.tag != 18:
            raise PayloadError(f"CBOR tag {obj.tag} is not COSE_Sign1 (18)")
        obj = obj.value
    # cbor2 decodes arrays inside tags as tuples, elsewhere as lists.
    if not isinstance(obj, list | tuple) or len(obj) != 4:
        raise PayloadError("not a COSE_Sign1 structure (an array of four items)")
    return list(obj)


class DccFormat:
    """EU DCC through the seal-format protocol."""

    name = "eu-dcc"
    title = "EU DCC"
    symbology = "QR"

    def detect(self, data: bytes) -> bool:
        """Return whether ``data`` starts with an ``HCx:`` context identifier."""
        return data[:2] == b"HC" and data[3:4] == b":"

    def parse_unverified(self, data: bytes) -> ParsedSeal:
        """Unprefix, Base45-decode, inflate and parse COSE and CWT (not verified).

        Raises
        ------
        PayloadError
            At the first step that fails, naming it.
        """
        if len(data) > _MAX_TEXT:
            raise PayloadError(f"{len(data)} bytes is too long for a DCC QR code")
        try:
            text = data.decode("ascii").strip()
        except UnicodeDecodeError as exc:
            raise PayloadError("a DCC is ASCII text; this holds other bytes") from exc
        if not text.startswith(_PREFIX):
            context = text.split(":", 1)[0][:8] if ":" in text else "none"
            raise PayloadError(
                f"unsupported DCC context {context!r}: only {_PREFIX} is defined"
            )
        try:
            blob = base45.b45decode(text[len(_PREFIX) :])
        except ValueError as exc:
            raise PayloadError("the DCC is not valid Base45") from exc
        protected_raw, unprotected, payload_raw, signature = _cose_sign1(
            _loads(_decompress(blob), "COSE structure")
        )
        if not isinstance(protected_raw, bytes) or not isinstance(payload_raw, bytes):
            raise PayloadError("COSE protected header and payload must be byte strings")
        if not isinstance(signature, bytes):
            raise PayloadError("the COSE signature is not a byte string")
        protected = _loads(protected_raw, "protected header") if protected_raw else {}
        if not isinstance(protected, Mapping) or not isinstance(unprotected, Mapping):
            raise PayloadError("COSE headers must be maps")
        alg = protected.get(1, unprotected.get(1))
        if alg not in (_ES256, _PS256):
            raise PayloadError(f"unsupported COSE algorithm {alg!r} (ES256, PS256)")
        # The protected kid wins; the unprotected one is only a hint (spec 3.3.1).
        kid = protected.get(4) if 4 in protected else unprotected.get(4)
        if kid is not None and not isinstance(kid, bytes):
            raise PayloadError("the COSE kid is not a byte string")
        claims = _loads(payload_raw, "CWT payload")
        if not isinstance(claims, Mapping):
            raise PayloadError("the CWT payload is not a map")
        hcert = claims.get(-260)
        cert = hcert.get(1) if isinstance(hcert, Mapping) else None
        if not isinstance(cert, Mapping):
            raise PayloadError("the CWT holds no health certificate (claim -260 / 1)")
        issued = _time(claims.get(6), "issued-at time")
        expires = _time(claims.get(4), "expiry time")
        issuer = claims.get(1)
        country = issuer if isinstance(issuer, str) else ""
        kinds = [k for k in ("v", "t", "r") if k in cert]
        if len(kinds) != 1:
            raise PayloadError(
                "a DCC holds exactly one of vaccination, test or recovery, "
                f"this holds {len(kinds)}"
            )
        entries = cert[kinds[0]]
        if not isinstance(entries, list | tuple) or len(entries) != 1:
            raise PayloadError("a DCC holds exactly one entry")
        sig_structure = cbor2.dumps(["Signature1", protected_raw, b"", payload_raw])
        kid_hex = kid.hex().upper() if kid else ""
        return ParsedSeal(
            format=self.name,
            raw=bytes(data),
            signed_bytes=sig_structure,
            signature=signature,
            signer=SignerRef(country, kid_hex),
            country=country,
            document_type=f"{_KIND[kinds[0]]} certificate",
            issue_date=issued.date() if issued else None,
            signature_date=issued.date() if issued else None,
            valid_from=issued,
            valid_until=expires,
            summary=(
                f"EU DCC ({_KIND[kinds[0]]}), {'ES256' if alg == _ES256 else 'PS256'}, "
                f"issuer {country or '?'}, kid {kid_hex or 'absent'}"
            ),
            native=(alg, kinds[0], dict(cert)),
        )

    def find_signer(
        self,
        parsed: ParsedSeal,
        trust: TrustStore,
        *,
        extra: Iterable[x509.Certificate] = (),
    ) -> list[x509.Certificate]:
        """Return the DSCs whose key identifier is the seal's ``kid``."""
        if not parsed.signer.reference:
            return []
        kid = bytes.fromhex(parsed.signer.reference)
        out: list[x509.Certificate] = []
        for cert in (*trust.anchors, *trust.intermediates, *extra):
            if kid_of(cert) == kid and cert not in out:
                out.append(cert)
        return out

    def verify_signature(self, parsed: ParsedSeal, cert: x509.Certificate) -> bool:
        """Check the COSE signature over the ``Sig_structure``."""
        native = parsed.native
        if parsed.signature is None or not isinstance(native, tuple):
            return False
        if native[0] == _PS256:
            return verify_rsa_pss_sha256(cert, parsed.signed_bytes, parsed.signature)
        key = VerifyingKey.from_certificate(cert)
        if key.curve_name != "secp256r1":
            raise KeyMaterialError(f"ES256 needs a P-256 key, not {key.curve_name}")
        return key.verify_raw(parsed.signed_bytes, parsed.signature)

    def certificate_problem(
        self, parsed: ParsedSeal, cert: x509.Certificate
    ) -> str | None:
        """Return ``"dcc-type-not-allowed"`` when the DSC's EKU excludes this type."""
        native = parsed.native
        if not isinstance(native, tuple):
            return "dcc-type-not-allowed"
        oids = _eku_oids(cert)
        if oids is None:
            return "malformed-certificate"
        allowed = {_TYPE_EKU[o] for o in oids if o in _TYPE_EKU}
        if allowed and native[1] not in allowed:
            return "dcc-type-not-allowed"
        return None

    def decode_fields(self, parsed: ParsedSeal) -> tuple[Field, ...]:
        """Return name, date of birth and the one vaccination/test/recovery entry."""
        native = parsed.native
        if not isinstance(native, tuple):
            return ()
        kind, cert = native[1], native[2]
        out: list[Field] = []
        nam = cert.get("nam")
        if isinstance(nam, Mapping):
            for key, (label, ko) in _NAME_LABELS.items():
                if key in nam:
                    out.append(Field(f"nam.{key}", label, str(nam[key]), ko))
        if "dob" in cert:
            out.append(Field("dob", "Date of birth", str(cert["dob"]), "생년월일"))
        entry = cert[kind][0]
        if isinstance(entry, Mapping):
            for key, value in entry.items():
                label, ko = _ENTRY_LABELS.get(
                    "ma_t" if (kind == "t" and key == "ma") else str(key),
                    (f"Field {key}", ""),
                )
                out.append(Field(f"{kind}.{key}", label, str(value), ko))
        if "ver" in cert:
            out.append(Field("ver", "Schema version", str(cert["ver"]), ""))
        return tuple(out)


DCC = DccFormat()
