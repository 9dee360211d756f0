"""X.509 certificates for seal issuers: creation, trust store, chain and revocation.

The PKI is shallow, like an ICAO country-signing PKI: a country (or ministry) root
CA signs office signing certificates (possibly through intermediate CAs), and a seal
names its signer by *signer identifier* (subject ``C`` + subject ``CN``, e.g.
``"KRGN"``) and *certificate reference* (the serial number in hexadecimal, or another
of the :data:`REFERENCE_FORMS`). A :class:`TrustStore` is a folder of trust anchors,
path material and CRLs chosen by the verifier; paths and CRLs are validated per
RFC 5280 with pyhanko-certvalidator. No system store is ever used and nothing is
fetched from the network (no OCSP, no AIA).

Examples
--------
>>> from datetime import UTC, datetime
>>> from cryptography.hazmat.primitives.asymmetric import ec
>>> now = datetime(2026, 1, 1, tzinfo=UTC)
>>> root_key = ec.generate_private_key(ec.SECP256R1())
>>> root = create_root_ca(country="KR", common_name="Demo Root", organization=None,
...                       key=root_key, valid_from=now, valid_days=3650)
>>> office_key = ec.generate_private_key(ec.SECP256R1())
>>> cert = create_issuer_certificate(
...     root_cert=root, root_key=root_key, issuer_public_key=office_key.public_key(),
...     country="KR", signer_code="GN", organization=None, valid_from=now,
...     valid_days=365, serial=0x1A2B3C)
>>> signer_identifier(cert), certificate_reference(cert)
('KRGN', '1A2B3C')
>>> store = TrustStore.from_certificates([root])
>>> check = store.validate(cert, at=now)
>>> check.ok(require_crl=False), check.reasons
(True, ('crl-missing',))
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import secrets
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docsec.errors import ConfigurationError, KeyMaterialError

__all__ = [
    "DOCUMENT_SIGNING_OID",
    "REFERENCE_FORMS",
    "REVOCATION_REASONS",
    "UNDECIDABLE_REASONS",
    "CertificateValidation",
    "DemoWorld",
    "RevokedCertificate",
    "TrustStore",
    "certificate_reference",
    "certificates_from_der",
    "create_crl",
    "create_issuer_certificate",
    "create_root_ca",
    "crl_entries",
    "export_bundle",
    "load_certificate",
    "load_crl",
    "reissue_crl",
    "save_certificate",
    "save_crl",
    "signer_identifier",
    "write_demo_world",
]

logger = logging.getLogger(__name__)

#: id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")

_COUNTRY = re.compile(r"[A-Z]{2}")
# Two C40 "basic set" characters; space is excluded so the identifier stays readable.
_SIGNER_CODE = re.compile(r"[A-Z0-9]{2}")
# Office certificate serials are drawn from [0x10 << 40, 0x80 << 40): always exactly
# 12 hex digits (a fixed-length reference in the seal header: 4 + 2 + 12 = 18 C40
# characters = 6 whole C40 triplets), 6 DER bytes without a sign-padding byte, and
# ~46.8 random bits, plenty for uniqueness under one root. RFC 5280's 20-byte serials
# would cost 28 more header characters in every seal.
_SERIAL_LOW = 0x10 << 40
_SERIAL_HIGH = 0x80 << 40
_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
_PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", flags=re.DOTALL
)


# --------------------------------------------------------------------------- creation


def _signature_hash(
    key: CertificateIssuerPrivateKeyTypes,
) -> hashes.SHA256 | hashes.SHA384 | hashes.SHA512 | None:
    """Pick the hash matching the key strength (ICAO 9303-12 pairs them the same way)."""
    if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey):
        return None
    if isinstance(key, ec.EllipticCurvePrivateKey):
        if key.curve.key_size > 384:
            return hashes.SHA512()
        if key.curve.key_size > 256:
            return hashes.SHA384()
    return hashes.SHA256()


def _check_window(valid_from: datetime, valid_days: int) -> datetime:
    if valid_from.tzinfo is None or valid_from.utcoffset() is None:
        raise ConfigurationError("valid_from must be timezone-aware")
    if valid_days < 1:
        raise ConfigurationError(f"valid_days must be positive, got {valid_days}")
    return valid_from + timedelta(days=valid_days)


def _check_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(f"{name} must be timezone-aware")


def _name(country: str, organization: str | None, common_name: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, country)]
    if organization:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


def create_root_ca(
    *,
    country: str,
    common_name: str,
    organization: str | None,
    key: CertificateIssuerPrivateKeyTypes,
    valid_from: datetime,
    valid_days: int,
) -> x509.Certificate:
    """Create a self-signed country-signing root CA certificate.

    The root may only sign end-entity certificates (``path_length=0``): docsec
    validates root → office certificate paths and nothing deeper.

    Parameters
    ----------
    country : str
        ISO 3166 alpha-2 code, upper case (``"KR"``).
    common_name : str
        Subject CN of the root.
    organization : str or None
        Subject O, omitted when None or empty.
    key : private key
        The root's own key; it signs the certificate. EC keys are signed with the
        SHA-2 hash matching their size.
    valid_from : datetime
        Timezone-aware start of validity.
    valid_days : int
        Length of validity in days (positive).

    Returns
    -------
    cryptography.x509.Certificate
        With BasicConstraints ``ca=True, path_length=0``, KeyUsage keyCertSign and
        cRLSign (both critical) and a SubjectKeyIdentifier.

    Raises
    ------
    ConfigurationError
        If the country code, dates or validity length are invalid.
    """
    if not _COUNTRY.fullmatch(country):
        raise ConfigurationError(f"country must be two letters A-Z, got {country!r}")
    not_after = _check_window(valid_from, valid_days)
    name = _name(country, organization, common_name)
    public_key = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(valid_from)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False
        )
    )
    return builder.sign(key, _signature_hash(key))


def _authority_key_id(
    root_cert: x509.Certificate, root_key: CertificateIssuerPrivateKeyTypes
) -> x509.AuthorityKeyIdentifier:
    try:
        ski = root_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except x509.ExtensionNotFound:
        return x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key())
    return x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski.value)


def create_issuer_certificate(
    *,
    root_cert: x509.Certificate,
    root_key: CertificateIssuerPrivateKeyTypes,
    issuer_public_key: CertificatePublicKeyTypes,
    country: str,
    signer_code: str,
    organization: str | None,
    valid_from: datetime,
    valid_days: int,
    serial: int | None = None,
) -> x509.Certificate:
    """Create an office (seal issuer) signing certificate signed by the root.

    The subject is ``C=country, O=organization, CN=signer_code``, so the seal's signer
    identifier is ``country + signer_code`` and its certificate reference is the
    serial in hex (ICAO 9303-13 convention).

    Parameters
    ----------
    root_cert, root_key
        The signing root CA certificate and its private key.
    issuer_public_key : public key
        The office's public key (its private key signs seals).
    country : str
        ISO 3166 alpha-2 code, upper case.
    signer_code : str
        Two characters ``A-Z`` / ``0-9`` naming the office (``"GN"``).
    organization : str or None
        Subject O, omitted when None or empty.
    valid_from : datetime
        Timezone-aware start of validity.
    valid_days : int
        Length of validity in days (positive).
    serial : int or None
        Serial number; None draws a random one in ``[0x10 << 40, 0x80 << 40)``: 6
        DER bytes and always 12 hex digits, so every seal header has the same
        length, with ~47 random bits against collisions under one root.

    Returns
    -------
    cryptography.x509.Certificate
        With KeyUsage digitalSignature + nonRepudiation (critical), BasicConstraints
        ``ca=False`` (critical), AKI/SKI, and ExtendedKeyUsage emailProtection +
        documentSigning. documentSigning (RFC 9336) states the purpose; poppler's
        ``pdfsig`` (NSS) checks signer EKUs for S/MIME-style use and rejects an EKU
        that lacks emailProtection, so both are present to let the same key sign
        PAdES PDFs that common readers accept.

    Raises
    ------
    ConfigurationError
        If the country, signer code, serial or dates are invalid.
    """
    if not _COUNTRY.fullmatch(country):
        raise ConfigurationError(f"country must be two letters A-Z, got {country!r}")
    if not _SIGNER_CODE.fullmatch(signer_code):
        raise ConfigurationError(
            f"signer_code must be two characters A-Z or 0-9, got {signer_code!r}"
        )
    if serial is None:
        serial = _SERIAL_LOW + secrets.randbelow(_SERIAL_HIGH - _SERIAL_LOW)
    elif serial < 1 or serial.bit_length() > 159:
        raise ConfigurationError("serial must be positive and fit in 20 bytes")
    not_after = _check_window(valid_from, valid_days)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(country, organization, signer_code))
        .issuer_name(root_cert.subject)
        .public_key(issuer_public_key)
        .serial_number(serial)
        .not_valid_before(valid_from)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.ExtendedKeyUsage(
                [ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING_OID]
            ),
            critical=False,
        )
        .add_extension(_authority_key_id(root_cert, root_key), critical=False)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(issuer_public_key),
            critical=False,
        )
    )
    return builder.sign(root_key, _signature_hash(root_key))


# -------------------------------------------------------------- revocation lists

#: Revocation reasons an office can state (RFC 5280 section 5.3.1), by CLI name.
REVOCATION_REASONS: dict[str, x509.ReasonFlags] = {
    "unspecified": x509.ReasonFlags.unspecified,
    "key-compromise": x509.ReasonFlags.key_compromise,
    "ca-compromise": x509.ReasonFlags.ca_compromise,
    "affiliation-changed": x509.ReasonFlags.affiliation_changed,
    "superseded": x509.ReasonFlags.superseded,
    "cessation-of-operation": x509.ReasonFlags.cessation_of_operation,
    "certificate-hold": x509.ReasonFlags.certificate_hold,
    "privilege-withdrawn": x509.ReasonFlags.privilege_withdrawn,
}


@dataclass(frozen=True, slots=True)
class RevokedCertificate:
    """One entry of a CRL: a serial number, when it was revoked and why."""

    serial: int
    revoked_at: datetime
    reason: x509.ReasonFlags | None = None


def _entry(item: RevokedCertificate | tuple[int, datetime]) -> RevokedCertificate:
    if isinstance(item, RevokedCertificate):
        return item
    serial, when = item
    return RevokedCertificate(serial, when)


def create_crl(
    *,
    root_cert: x509.Certificate,
    root_key: CertificateIssuerPrivateKeyTypes,
    revoked: Iterable[RevokedCertificate | tuple[int, datetime]],
    last_update: datetime,
    next_update: datetime,
    crl_number: int | None = None,
) -> x509.CertificateRevocationList:
    """Create a complete CRL issued by a CA (a root or an intermediate).

    Parameters
    ----------
    root_cert, root_key
        The issuing CA's certificate and its private key.
    revoked : iterable of RevokedCertificate or (int, datetime)
        Serial numbers with their timezone-aware revocation dates and optional
        reasons (may be empty).
    last_update, next_update : datetime
        Timezone-aware ``thisUpdate`` and ``nextUpdate``.
    crl_number : int, optional
        The CRLNumber; by default ``last_update`` in Unix seconds, so later CRLs
        have higher numbers.

    Returns
    -------
    cryptography.x509.CertificateRevocationList
        With a CRLNumber and an AuthorityKeyIdentifier; entries with a reason
        other than ``unspecified`` carry a CRLReason extension (RFC 5280 section
        5.3.1 says to leave ``unspecified`` out).

    Raises
    ------
    ConfigurationError
        If a date is naive, ``next_update`` is not after ``last_update``, a serial
        is not positive, or a serial is listed twice.
    """
    _check_aware("last_update", last_update)
    _check_aware("next_update", next_update)
    if next_update <= last_update:
        raise ConfigurationError("next_update must be after last_update")
    number = int(last_update.timestamp()) if crl_number is None else crl_number
    if number < 0:
        raise ConfigurationError("crl_number must not be negative")
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(last_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(number), critical=False)
        .add_extension(_authority_key_id(root_cert, root_key), critical=False)
    )
    seen: set[int] = set()
    for item in revoked:
        entry = _entry(item)
        _check_aware("revocation date", entry.revoked_at)
        if entry.serial < 1:
            raise ConfigurationError(f"serial {entry.serial} is not positive")
        if entry.serial in seen:
            raise ConfigurationError(f"serial {entry.serial:X} is listed twice")
        seen.add(entry.serial)
        revoked_builder = (
            x509.RevokedCertificateBuilder()
            .serial_number(entry.serial)
            .revocation_date(entry.revoked_at)
        )
        if entry.reason not in (None, x509.ReasonFlags.unspecified):
            revoked_builder = revoked_builder.add_extension(
                x509.CRLReason(entry.reason), critical=False
            )
        builder = builder.add_revoked_certificate(revoked_builder.build())
    return builder.sign(root_key, _signature_hash(root_key))


def crl_entries(crl: x509.CertificateRevocationList) -> list[RevokedCertificate]:
    """Return the entries of a CRL (reason None when it states none).

    Raises
    ------
    KeyMaterialError
        If an entry cannot be parsed (e.g. a duplicated entry extension).
    """
    out = []
    try:
        for entry in crl:
            reason: x509.ReasonFlags | None = None
            with contextlib.suppress(x509.ExtensionNotFound):
                reason = entry.extensions.get_extension_for_class(
                    x509.CRLReason
                ).value.reason
            out.append(
                RevokedCertificate(
                    entry.serial_number, entry.revocation_date_utc, reason
                )
            )
    except (ValueError, x509.DuplicateExtension) as exc:
        raise KeyMaterialError(f"cannot read the CRL's entries: {exc}") from exc
    return out


def _crl_number(crl: x509.CertificateRevocationList) -> int | None:
    try:
        return crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    except (x509.ExtensionNotFound, ValueError, x509.DuplicateExtension):
        return None


def _crl_signed_by(crl: x509.CertificateRevocationList, cert: x509.Certificate) -> bool:
    if not _names_equal(crl.issuer, cert.subject):
        return False
    try:
        key = cert.public_key()
        # public_key() may return X25519/X448 keys, which cannot sign;
        # is_signature_valid raises TypeError for them.
        return crl.is_signature_valid(key)  # type: ignore[arg-type]
    except (UnsupportedAlgorithm, TypeError, ValueError):
        return False


def reissue_crl(
    previous: x509.CertificateRevocationList,
    *,
    root_cert: x509.Certificate,
    root_key: CertificateIssuerPrivateKeyTypes,
    add: Iterable[RevokedCertificate] = (),
    last_update: datetime,
    next_update: datetime,
) -> x509.CertificateRevocationList:
    """Issue the next CRL of a CA: the previous entries, plus ``add``.

    An office re-issues its CRL before each ``nextUpdate`` (verifiers stop using a
    stale one) and whenever it revokes a certificate.

    Parameters
    ----------
    previous : CertificateRevocationList
        The CA's current CRL; its signature is checked against ``root_cert``.
    root_cert, root_key
        The issuing CA.
    add : iterable of RevokedCertificate
        New entries (serials not already listed).
    last_update, next_update : datetime
        Timezone-aware ``thisUpdate`` (not before the previous one) and
        ``nextUpdate``.

    Returns
    -------
    cryptography.x509.CertificateRevocationList
        With a CRLNumber higher than the previous one.

    Raises
    ------
    KeyMaterialError
        If ``previous`` was not issued by ``root_cert``.
    ConfigurationError
        Naive or backward dates, or a serial that is already listed.
    """
    _check_aware("last_update", last_update)
    if not _crl_signed_by(previous, root_cert):
        raise KeyMaterialError(
            "the current CRL was not issued by this CA certificate "
            f"({root_cert.subject.rfc4514_string()})"
        )
    if last_update < previous.last_update_utc:
        raise ConfigurationError(
            f"the new CRL would predate the current one "
            f"({previous.last_update_utc.isoformat()})"
        )
    entries = crl_entries(previous)
    listed = {e.serial for e in entries}
    for entry in add:
        if entry.serial in listed:
            raise ConfigurationError(f"serial {entry.serial:X} is already revoked")
        listed.add(entry.serial)
        entries.append(entry)
    number = max((_crl_number(previous) or 0) + 1, int(last_update.timestamp()))
    return create_crl(
        root_cert=root_cert,
        root_key=root_key,
        revoked=entries,
        last_update=last_update,
        next_update=next_update,
        crl_number=number,
    )


# ---------------------------------------------------------------- certificate files


def load_certificate(path: str | Path) -> x509.Certificate:
    """Load one certificate from a PEM or DER file.

    A PEM file may hold other blocks; its first ``CERTIFICATE`` block is used.

    Raises
    ------
    KeyMaterialError
        If the file cannot be read or holds no readable certificate.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyMaterialError(f"cannot read certificate file {path}: {exc}") from exc
    certs, _ = _parse_trust_file(path, data, crl_file=False)
    if not certs:
        raise KeyMaterialError(f"{path} holds no certificate")
    return certs[0]


def save_certificate(path: str | Path, cert: x509.Certificate) -> None:
    """Write a certificate as PEM (public data: mode follows the umask).

    Raises
    ------
    KeyMaterialError
        If the file cannot be written.
    """
    path = Path(path)
    try:
        path.write_bytes(cert.public_bytes(Encoding.PEM))
    except OSError as exc:
        raise KeyMaterialError(f"cannot write certificate file {path}: {exc}") from exc


def load_crl(path: str | Path) -> x509.CertificateRevocationList:
    """Load one CRL from a PEM or DER file.

    Raises
    ------
    KeyMaterialError
        If the file cannot be read or holds no readable CRL.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyMaterialError(f"cannot read CRL file {path}: {exc}") from exc
    _, crls = _parse_trust_file(path, data, crl_file=b"-----BEGIN " not in data)
    if not crls:
        raise KeyMaterialError(f"{path} holds no CRL")
    return crls[0]


def save_crl(path: str | Path, crl: x509.CertificateRevocationList) -> None:
    """Write a CRL as PEM, replacing the file atomically (CRLs are re-issued in place).

    Raises
    ------
    KeyMaterialError
        If the file cannot be written.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    try:
        tmp.write_bytes(crl.public_bytes(Encoding.PEM))
        tmp.replace(path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise KeyMaterialError(f"cannot write CRL file {path}: {exc}") from exc


# ------------------------------------------------------------------ seal signer names


def _single_attribute(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> str:
    values = cert.subject.get_attributes_for_oid(oid)
    if len(values) != 1:
        raise KeyMaterialError(
            f"certificate subject {cert.subject.rfc4514_string()!r} must have exactly "
            f"one {oid._name} attribute to name a seal signer"
        )
    value = values[0].value
    return value if isinstance(value, str) else value.decode("utf-8", "replace")


def signer_identifier(cert: x509.Certificate) -> str:
    """Return the seal signer identifier of a certificate: subject C + subject CN.

    Raises
    ------
    KeyMaterialError
        If the subject lacks a single C or CN, or they are not 2 characters each.
    """
    country = _single_attribute(cert, NameOID.COUNTRY_NAME)
    code = _single_attribute(cert, NameOID.COMMON_NAME)
    if len(country) != 2 or len(code) != 2:
        raise KeyMaterialError(
            f"certificate subject {cert.subject.rfc4514_string()!r} does not name a "
            "seal signer (needs a 2-character C and a 2-character CN)"
        )
    return country + code


def certificate_reference(cert: x509.Certificate) -> str:
    """Return the seal certificate reference: the serial number in upper-case hex.

    A serial of 39 (0x27), as in the BSI test certificate ``DETS27``, gives ``"27"``.
    This is the form docsec writes (ICAO 9303-13); :meth:`TrustStore.find_signer`
    also resolves the others (see :data:`REFERENCE_FORMS`). A negative serial
    (which RFC 5280 forbids) gives a leading ``-``, which no seal reference has.
    """
    return format(_serial_number(cert), "X")


def _serial_number(cert: x509.Certificate) -> int:
    with warnings.catch_warnings():
        # cryptography warns on negative serials (RFC 5280 forbids them, old CAs
        # wrote them); they are handled here, so the warning says nothing new.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return cert.serial_number


#: The signer-certificate reference forms :meth:`TrustStore.find_signer` resolves.
REFERENCE_FORMS = (
    # ICAO Doc 9303-13 header v3 (5 characters, zero-padded) and v4 (any length),
    # BSI TR-03137: the signer certificate's serial number in hex.
    "serial",
    # The hex digest of the whole DER certificate, SHA-1 (40 characters), SHA-224
    # (56), SHA-256 (64), SHA-384 (96) or SHA-512 (128): a reference derived from
    # the certificate itself, as the 40-character DEZV references of early BSI
    # TR-03171 writers are shaped.
    "certificate-digest",
    # BSI TR-03171 (v0.8, section 2.2): signer DEZV and a reference that the
    # central certificate registry assigns (a UUIDv4 in 32 hex characters). It
    # cannot be derived from the certificate: the verifier stores the
    # certificate with it (TrustStore ``references=``, or a trust-folder file
    # named ``DEZV_<reference>.pem``).
    "registered",
)

_DIGESTS = {40: "sha1", 56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}
_HEX = re.compile(r"[0-9A-F]+")
_REFERENCE_FILE = re.compile(r"(?P<ident>[A-Z0-9]{4})_(?P<ref>[0-9A-Fa-f]{1,255})")


def _normalise_reference(reference: str) -> str:
    return reference.strip().upper().lstrip("0") or "0"


def _names_equal(a: x509.Name, b: x509.Name) -> bool:
    """Compare names per RFC 5280 section 7.1 (case and whitespace folded)."""
    if a == b:
        return True
    import asn1crypto.x509 as asn1_x509  # type: ignore[import-untyped]

    try:
        return bool(
            asn1_x509.Name.load(a.public_bytes())
            == asn1_x509.Name.load(b.public_bytes())
        )
    except (ValueError, TypeError):
        return False


# ---------------------------------------------------------------------- trust store


def _fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()[:16]


#: Reason codes that say the verifier lacks what it needs to decide (an issuer it
#: does not hold, an algorithm it cannot check), not that something is wrong.
UNDECIDABLE_REASONS = frozenset({"untrusted-issuer", "unsupported-algorithm"})


@dataclass(frozen=True, slots=True)
class CertificateValidation:
    """The separate results of validating a signer certificate at one time.

    Attributes
    ----------
    chain_ok : bool
        The certificate is a trust anchor itself, or a path from it to a trust
        anchor that may issue certificates passed RFC 5280 validation
        (signatures, basic constraints and pathLenConstraint, keyCertSign, name
        chaining, unknown critical extensions), checked at a moment inside every
        validity period of the path; and the certificate has no critical extension
        docsec does not know.
    valid_at : bool
        Every certificate in :attr:`path` was within its validity period at ``at``.
    key_usage_ok : bool
        The certificate is not a CA and, if it has a KeyUsage extension, allows
        digitalSignature (no KeyUsage means unrestricted, RFC 5280 §4.2.1.3).
    revoked : bool or None
        True if a usable CRL lists the certificate or a CA of its path; False if
        usable CRLs cover every non-anchor certificate of the path and list none;
        None if that is unknown (no CRL, or only CRLs that are stale, not yet
        valid, delta-only, out of scope, with unknown critical extensions, or not
        verifiable). A CRL is usable when it is signed by a CA entitled to sign
        CRLs (cRLSign) for the issuer, its thisUpdate is not after ``at`` and its
        nextUpdate (plus the store's ``crl_grace``) not before ``at``.
        A listed certificate counts as revoked *whatever its revocation date*:
        ``at`` is the seal's own signing date, written with the very key that
        revocation distrusts, so a seal "signed before revocation" cannot be told
        from a back-dated forgery. Issuers should let retired certificates expire
        rather than revoke them.
    reasons : tuple of str
        Machine-readable codes, in order of discovery. Chain: ``untrusted-issuer``
        (no trust anchor issued it), ``unsupported-algorithm`` (a signature on the
        path nobody here can check), ``bad-certificate-signature``,
        ``path-length-exceeded``, ``issuer-not-a-ca``,
        ``unknown-critical-extension``, ``weak-algorithm``, ``invalid-path``;
        time: ``certificate-expired``, ``certificate-not-yet-valid``; use:
        ``key-usage``, ``malformed-certificate``; revocation: ``revoked``,
        ``crl-missing``, ``crl-unusable`` (the last two informational unless a CRL
        is required). :data:`UNDECIDABLE_REASONS` are the codes that are not
        evidence against the certificate.
    path : tuple of Certificate
        The certificate first, then the certificates up to its anchor, when a CA
        path was used.
    detail : str
        A human-readable account of the first problem (empty when none).
    """

    chain_ok: bool
    valid_at: bool
    key_usage_ok: bool
    revoked: bool | None
    reasons: tuple[str, ...]
    path: tuple[x509.Certificate, ...]
    detail: str = ""

    def ok(self, *, require_crl: bool) -> bool:
        """Return True if the certificate may be trusted for a signature.

        Parameters
        ----------
        require_crl : bool
            If True, usable CRLs must cover the path and not list it
            (``revoked is False``). If False, unknown revocation
            (``revoked is None``) is accepted. A revoked certificate fails either
            way. There is no default: the caller states its revocation policy.
        """
        if self.revoked is True or (require_crl and self.revoked is None):
            return False
        return self.chain_ok and self.valid_at and self.key_usage_ok

    def __bool__(self) -> NoReturn:
        raise TypeError("use .ok(require_crl=...) or the individual fields")


def _basic_constraints_ca(cert: x509.Certificate) -> bool:
    try:
        bc = cert.extensions.get_extension_for_class(x509.BasicConstraints)
    except x509.ExtensionNotFound:
        return False
    return bc.value.ca


def _key_usage(cert: x509.Certificate) -> x509.KeyUsage | None:
    try:
        return cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return None


def _can_sign_certificates(cert: x509.Certificate) -> bool:
    try:
        usage = _key_usage(cert)
        return _basic_constraints_ca(cert) and (usage is None or usage.key_cert_sign)
    except (ValueError, x509.DuplicateExtension):
        return False


def _authority_key_identifier(cert: x509.Certificate) -> bytes | None:
    try:
        aki = cert.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    except (x509.ExtensionNotFound, ValueError, x509.DuplicateExtension):
        return None
    return aki.value.key_identifier


def _subject_key_identifier(cert: x509.Certificate) -> bytes | None:
    try:
        ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    except (x509.ExtensionNotFound, ValueError, x509.DuplicateExtension):
        return None
    return ski.value.digest


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(Encoding.DER)


def _unique(certs: Iterable[x509.Certificate]) -> dict[bytes, x509.Certificate]:
    unique: dict[bytes, x509.Certificate] = {}
    for cert in certs:
        unique.setdefault(_der(cert), cert)
    return unique


class TrustStore:
    """Trust anchors, path material and revocation lists chosen by the verifier.

    Every *anchor* is trusted: an office certificate placed here is trusted on its
    own (for foreign signers whose root is not at hand), and a root or
    intermediate CA here vouches for the certificates it verifiably signs, within
    its own validity, pathLenConstraint and key usage. *Intermediates* (a trust
    folder's ``intermediates/`` sub-folder, or certificates embedded in a PDF
    signature) are only path material: they are trusted through a valid path to
    an anchor, never on their own. Paths are validated with pyhanko-certvalidator
    (RFC 5280). Build a store with :meth:`load` or :meth:`from_certificates`.

    Parameters
    ----------
    anchors : sequence of Certificate
        Trust anchors (at least one).
    crls : sequence of CertificateRevocationList
        CRLs; each is verified and judged when used.
    intermediates : sequence of Certificate
        Untrusted path material: intermediate CAs and office certificates.
    references : iterable of (str, str, Certificate)
        Registered references (signer identifier, certificate reference,
        certificate), as BSI TR-03171's certificate registry assigns them.
    crl_grace : timedelta
        How long after its nextUpdate a CRL is still used (default: not at all).
    """

    __slots__ = (
        "_anchor_ders",
        "_anchors",
        "_crl_grace",
        "_crls",
        "_fingerprint",
        "_intermediates",
        "_references",
    )

    def __init__(
        self,
        anchors: Sequence[x509.Certificate],
        crls: Sequence[x509.CertificateRevocationList],
        intermediates: Sequence[x509.Certificate] = (),
        *,
        references: Iterable[tuple[str, str, x509.Certificate]] = (),
        crl_grace: timedelta = timedelta(0),
    ) -> None:
        unique = _unique(anchors)
        if not unique:
            raise KeyMaterialError(
                "no trust anchors: the trust store holds no certificate"
            )
        if crl_grace < timedelta(0):
            raise ConfigurationError("crl_grace must not be negative")
        self._anchors = tuple(unique.values())
        self._anchor_ders = frozenset(unique)
        self._intermediates = tuple(
            c for d, c in _unique(intermediates).items() if d not in unique
        )
        self._crls = tuple(crls)
        self._crl_grace = crl_grace
        registered: list[tuple[str, str, x509.Certificate]] = []
        for ident, ref, cert in references:
            ref_norm = _normalise_reference(ref)
            if len(ident.strip()) != 4 or not _HEX.fullmatch(ref_norm):
                raise ConfigurationError(
                    f"a registered reference is a 4-character signer identifier "
                    f"and a hex reference, got {ident!r} / {ref!r}"
                )
            registered.append((ident.strip().upper(), ref_norm, cert))
        self._references = tuple(registered)
        self._fingerprint: str | None = None

    @classmethod
    def from_certificates(
        cls,
        certs: Iterable[x509.Certificate],
        crls: Iterable[x509.CertificateRevocationList] = (),
        intermediates: Iterable[x509.Certificate] = (),
        *,
        references: Iterable[tuple[str, str, x509.Certificate]] = (),
        crl_grace: timedelta = timedelta(0),
    ) -> TrustStore:
        """Build a store from anchors, CRLs and untrusted intermediates.

        Raises
        ------
        KeyMaterialError
            If ``certs`` is empty.
        ConfigurationError
            A malformed registered reference or a negative ``crl_grace``.
        """
        return cls(
            list(certs),
            list(crls),
            list(intermediates),
            references=references,
            crl_grace=crl_grace,
        )

    @classmethod
    def load(
        cls, directory: str | Path, *, crl_grace: timedelta = timedelta(0)
    ) -> TrustStore:
        """Load a trust folder.

        Certificates placed directly in ``directory`` are trust anchors;
        certificates in its ``intermediates/`` sub-folder are path material only
        (intermediate CAs and office certificates, trusted through a path to an
        anchor). Certificates come from ``*.pem``, ``*.crt``, ``*.cer`` and
        ``*.der`` files, PEM (possibly several blocks per file) or DER; CRLs from
        ``*.crl`` files (PEM or DER) and from ``X509 CRL`` blocks in any PEM file,
        in either folder. A certificate file named ``<signer identifier>_<hex
        reference>`` (e.g. ``DEZV_00112233445566778899AABBCCDDEEFF.pem``) registers
        that reference for its one certificate (BSI TR-03171). Other files and
        sub-folders are ignored; other PEM blocks (a misplaced key, say) are
        skipped with a warning in the log. Public keys are not loaded here, so
        certificates on curves cryptography lacks still load.

        Raises
        ------
        KeyMaterialError
            If the folder is missing, a certificate or CRL file cannot be parsed
            (the message names the file), a reference file holds several
            certificates, or no anchor was found.
        """
        folder = Path(directory)
        if not folder.is_dir():
            raise KeyMaterialError(f"trust store {folder} is not a folder")
        anchors, crls, references = _load_folder(folder)
        intermediates: list[x509.Certificate] = []
        sub = folder / "intermediates"
        if sub.is_dir():
            intermediates, sub_crls, sub_refs = _load_folder(sub)
            crls.extend(sub_crls)
            references.extend(sub_refs)
        if not anchors:
            raise KeyMaterialError(f"no trust anchors: {folder} holds no certificate")
        store = cls(
            anchors, crls, intermediates, references=references, crl_grace=crl_grace
        )
        logger.debug(
            "trust store %s: %d anchors, %d intermediates, %d CRLs",
            folder,
            len(store.anchors),
            len(store.intermediates),
            len(crls),
        )
        return store

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """The trust anchors, without duplicates, in load order."""
        return self._anchors

    @property
    def intermediates(self) -> tuple[x509.Certificate, ...]:
        """The untrusted path material (never an anchor as well)."""
        return self._intermediates

    @property
    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        """All CRLs in the store (verified only when used)."""
        return self._crls

    @property
    def crl_grace(self) -> timedelta:
        """How long after its nextUpdate a CRL is still used."""
        return self._crl_grace

    @property
    def fingerprint(self) -> str:
        """Identify what this store trusts: a SHA-256 over its anchors and CRLs.

        64 lower-case hex digits, the same for the same anchors and CRLs whatever
        the order or the files they came from, and different when an anchor or a
        CRL is added, removed or replaced (a re-issued CRL changes it). Reports
        record it so an auditor can tell which trust store a verdict came from.
        Intermediates and registered references do not enter: they are path
        material, trusted only through an anchor.
        """
        if self._fingerprint is None:
            h = hashlib.sha256(b"docsec trust store v1\0")
            crls = [c.public_bytes(Encoding.DER) for c in self._crls]
            for tag, items in (
                (b"A", sorted(self._anchor_ders)),
                (b"C", sorted(set(crls))),
            ):
                h.update(tag + len(items).to_bytes(4, "big"))
                for der in items:
                    h.update(len(der).to_bytes(4, "big") + der)
            self._fingerprint = h.hexdigest()
        return self._fingerprint

    def __repr__(self) -> str:
        extra = f", intermediates={len(self._intermediates)}" * bool(
            self._intermediates
        )
        return (
            f"TrustStore(anchors={len(self._anchors)}{extra}, crls={len(self._crls)})"
        )

    def is_anchor(self, cert: x509.Certificate) -> bool:
        """Return whether ``cert`` itself is a trust anchor of this store."""
        return _der(cert) in self._anchor_ders

    def find_signer(
        self,
        signer_identifier: str,
        certificate_reference: str,
        *,
        extra: Iterable[x509.Certificate] = (),
    ) -> list[x509.Certificate]:
        """Return the certificates a seal's signer identifier and reference name.

        Anchors come first, then intermediates, then ``extra`` (e.g. the
        certificates embedded in a PDF's signature). Only anchors are trusted as
        they are: the others must pass :meth:`validate`. Every form of
        :data:`REFERENCE_FORMS` is resolved:

        - serial: subject C + CN equal to ``signer_identifier`` and a serial whose
          hex equals the reference (case-insensitive, leading zeros ignored);
        - certificate digest: the reference is the hex SHA-1/224/256/384/512 of
          the certificate's DER; the subject must name the same signer if it
          names one at all;
        - registered: the store holds the certificate under this signer
          identifier and reference.
        """
        wanted_id = signer_identifier.strip().upper()
        raw_ref = certificate_reference.strip().upper()
        wanted_ref = _normalise_reference(raw_ref)
        found: dict[bytes, x509.Certificate] = {}
        for registered_id, ref, cert in self._references:
            if registered_id == wanted_id and ref == wanted_ref:
                found.setdefault(_der(cert), cert)
        digest = _DIGESTS.get(len(raw_ref)) if _HEX.fullmatch(raw_ref) else None
        pool = [*self._anchors, *self._intermediates, *extra]
        for cert in pool:
            der = _der(cert)
            if der in found:
                continue
            ident: str | None
            try:
                ident = _identifier_of(cert)
            except KeyMaterialError:
                ident = None
            by_serial = (
                ident is not None
                and ident.upper() == wanted_id
                and _serial_number(cert) > 0
                and _normalise_reference(_reference_of(cert)) == wanted_ref
            )
            by_digest = (
                digest is not None
                and hashlib.new(digest, der).hexdigest().upper() == raw_ref
                and (ident is None or ident.upper() == wanted_id)
            )
            if by_serial or by_digest:
                found[der] = cert
        return list(found.values())

    def issuer_candidates(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """Return anchors whose subject is ``cert``'s issuer (and whose key ids agree).

        Names are compared per RFC 5280 section 7.1; no signature is checked.
        """
        aki = _authority_key_identifier(cert)
        found = []
        for anchor in self._anchors:
            if not _names_equal(anchor.subject, cert.issuer):
                continue
            ski = _subject_key_identifier(anchor)
            if aki is not None and ski is not None and aki != ski:
                continue
            found.append(anchor)
        return found

    def validate(
        self,
        cert: x509.Certificate,
        *,
        at: datetime,
        intermediates: Iterable[x509.Certificate] = (),
    ) -> CertificateValidation:
        """Validate a signer certificate at time ``at``.

        Parameters
        ----------
        cert : cryptography.x509.Certificate
            The signer certificate, from this store or elsewhere.
        at : datetime
            Timezone-aware time at which the certificate must be valid.
        intermediates : iterable of Certificate
            More untrusted path material for this validation (e.g. the
            certificates embedded in a PDF signature).

        Returns
        -------
        CertificateValidation
            Separate results for chain, validity, key usage and revocation, with
            reason codes.

        Raises
        ------
        ConfigurationError
            If ``at`` is naive.

        Notes
        -----
        A path from an anchor CA that validates is preferred, even when ``cert``
        is an anchor itself (so the CA's validity and CRLs apply). A certificate
        that is only an anchor (no valid CA path) is trusted as it is, within its
        own validity; a CRL of the CA it names still decides its revocation when
        that CRL verifies with an anchor's key.

        Signatures on the path on curves ``cryptography`` lacks (brainpoolP224r1)
        are checked with :class:`docsec.keys.VerifyingKey`; a signature no library
        here can check gives ``unsupported-algorithm``, never a pass.
        """
        _check_aware("at", at)
        from docsec import _pkix

        leaf_der = _der(cert)
        is_anchor = leaf_der in self._anchor_ders
        others = [_der(c) for c in (*self._intermediates, *intermediates)]
        result = _pkix.validate_certificate(
            leaf_der,
            anchors=[
                _pkix.Anchor(_der(a), _can_sign_certificates(a)) for a in self._anchors
            ],
            others=others,
            crls=[c.public_bytes(Encoding.DER) for c in self._crls],
            at=at,
            crl_grace=self._crl_grace,
            leaf_is_anchor=is_anchor,
        )
        reasons: list[str] = []
        detail = result.detail
        path: tuple[x509.Certificate, ...] = (cert,)
        if result.ca_path:
            path = (cert, *(_load_der_certificate(d) for d in result.path[1:]))
            chain_ok = True
        elif is_anchor:
            chain_ok = True
            if result.chain_reasons != ("untrusted-issuer",):
                logger.debug(
                    "anchor %s trusted on its own; its CA path failed: %s",
                    _fingerprint(cert),
                    detail,
                )
        else:
            chain_ok = False
            reasons.extend(result.chain_reasons)

        unknown = sorted(_pkix.unknown_critical_extensions(leaf_der))
        if unknown:
            chain_ok = False
            reasons.append("unknown-critical-extension")
            detail = detail or f"unknown critical extension(s) {', '.join(unknown)}"

        valid_at = not result.time_reasons
        reasons.extend(result.time_reasons)

        try:
            usage = _key_usage(cert)
            key_usage_ok = not _basic_constraints_ca(cert) and (
                usage is None or usage.digital_signature
            )
            if not key_usage_ok:
                reasons.append("key-usage")
        except (ValueError, x509.DuplicateExtension):
            key_usage_ok = False
            reasons.append("malformed-certificate")

        reasons.extend(result.revocation_reasons)
        validation = CertificateValidation(
            chain_ok=chain_ok,
            valid_at=valid_at,
            key_usage_ok=key_usage_ok,
            revoked=result.revoked,
            reasons=tuple(dict.fromkeys(reasons)),
            path=path,
            detail=detail if not chain_ok or result.revoked else "",
        )
        logger.debug(
            "validated certificate %s at %s: %s",
            _fingerprint(cert),
            at.isoformat(),
            ",".join(validation.reasons) or "no findings",
        )
        return validation


# find_signer's parameters shadow the public names.
_identifier_of = signer_identifier
_reference_of = certificate_reference


def certificates_from_der(ders: Iterable[bytes]) -> list[x509.Certificate]:
    """Parse DER certificates (e.g. from a PDF signature), skipping unreadable ones.

    The result is untrusted path material for :meth:`TrustStore.find_signer` and
    :meth:`TrustStore.validate`; duplicates are dropped.
    """
    out: dict[bytes, x509.Certificate] = {}
    for der in ders:
        try:
            cert = _load_der_certificate(der)
            _ = cert.extensions
        except (ValueError, x509.DuplicateExtension):
            logger.debug("skipping an unreadable embedded certificate")
            continue
        out.setdefault(der, cert)
    return list(out.values())


def _load_der_certificate(der: bytes) -> x509.Certificate:
    with warnings.catch_warnings():
        # A certificate with a negative serial (RFC 5280 forbids it, old CAs
        # wrote them) was already accepted as input; do not warn again.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return x509.load_der_x509_certificate(der)


def _load_folder(
    folder: Path,
) -> tuple[
    list[x509.Certificate],
    list[x509.CertificateRevocationList],
    list[tuple[str, str, x509.Certificate]],
]:
    certs: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    references: list[tuple[str, str, x509.Certificate]] = []
    for path in sorted(folder.iterdir()):
        suffix = path.suffix.lower()
        if path.name.startswith(".") or not path.is_file():
            continue
        if suffix not in (*_CERT_SUFFIXES, ".crl"):
            logger.debug("trust store: ignoring %s", path.name)
            continue
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyMaterialError(f"cannot read trust store file {path}") from exc
        file_certs, file_crls = _parse_trust_file(path, data, crl_file=suffix == ".crl")
        named = _REFERENCE_FILE.fullmatch(path.stem)
        if named and file_certs:
            if len(file_certs) != 1:
                raise KeyMaterialError(
                    f"{path} names a certificate reference but holds "
                    f"{len(file_certs)} certificates"
                )
            references.append((named["ident"], named["ref"].upper(), file_certs[0]))
        certs.extend(file_certs)
        crls.extend(file_crls)
    return certs, crls, references


def _parse_trust_file(
    path: Path, data: bytes, *, crl_file: bool
) -> tuple[list[x509.Certificate], list[x509.CertificateRevocationList]]:
    """Parse one trust store file into certificates and CRLs."""
    certs: list[x509.Certificate] = []
    crls: list[x509.CertificateRevocationList] = []
    try:
        if b"-----BEGIN " in data:
            for match in _PEM_BLOCK.finditer(data):
                label = match.group(1)
                if label == b"CERTIFICATE":
                    certs.append(x509.load_pem_x509_certificate(match.group(0)))
                elif label == b"X509 CRL":
                    crls.append(x509.load_pem_x509_crl(match.group(0)))
                else:
                    logger.warning(
                        "trust store: skipping a %s block in %s",
                        label.decode("ascii"),
                        path.name,
                    )
        elif crl_file:
            crls.append(x509.load_der_x509_crl(data))
        else:
            certs.append(x509.load_der_x509_certificate(data))
        for cert in certs:
            # Parse extensions now, so a malformed anchor is reported with its file
            # rather than failing later inside a verification.
            _ = cert.extensions
    except (ValueError, x509.DuplicateExtension) as exc:
        raise KeyMaterialError(
            f"{path} is not a readable certificate or CRL: {exc}"
        ) from exc
    if not certs and not crls:
        raise KeyMaterialError(f"{path} holds no certificate or CRL")
    return certs, crls


# ------------------------------------------------------------------- trust bundles


def _slug(cert: x509.Certificate) -> str:
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    raw = names[0].value if names else "certificate"
    text = raw if isinstance(raw, str) else raw.decode("utf-8", "replace")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "certificate"
    return f"{slug}-{_fingerprint(cert)[:8]}"


def export_bundle(
    directory: str | Path,
    *,
    anchors: Sequence[x509.Certificate],
    crls: Sequence[x509.CertificateRevocationList],
    certificates: Sequence[x509.Certificate] = (),
    at: datetime,
    overwrite: bool = False,
) -> list[Path]:
    """Write the trust folder an office publishes and its verifiers install.

    ``directory`` gets the anchors (PEM) and the CRLs (``.crl``, PEM);
    ``directory/intermediates/`` the intermediate CA and office certificates,
    which verifiers need to resolve the signer reference of a seal on paper and
    trust only through a path to an anchor. A ``BUNDLE.txt`` says what is in it and
    when the earliest CRL must be replaced.

    Parameters
    ----------
    directory : str or Path
        Target folder; created if missing.
    anchors : sequence of Certificate
        Root (or otherwise trusted) CA certificates, each valid at ``at``.
    crls : sequence of CertificateRevocationList
        The CAs' current CRLs: each signed by one of the CAs given and current at
        ``at`` (thisUpdate not after it, nextUpdate not before it).
    certificates : sequence of Certificate
        Intermediate CA and office certificates; each must chain to an anchor.
    at : datetime
        Timezone-aware time the bundle is checked for.
    overwrite : bool, default False
        Replace files of an earlier bundle with the same names.

    Returns
    -------
    list of Path
        The files written.

    Raises
    ------
    KeyMaterialError
        A stale or foreign CRL, an anchor not valid at ``at``, a certificate that
        does not chain, a file that exists (without ``overwrite``), or an error
        writing.
    ConfigurationError
        Naive ``at`` or no anchor.
    """
    _check_aware("at", at)
    if not anchors:
        raise ConfigurationError("a trust bundle needs at least one anchor")
    for anchor in anchors:
        if not anchor.not_valid_before_utc <= at <= anchor.not_valid_after_utc:
            raise KeyMaterialError(
                f"anchor {anchor.subject.rfc4514_string()} is not valid at "
                f"{at.isoformat()}"
            )
    cas = [*anchors, *certificates]
    for crl in crls:
        issuer = next((c for c in cas if _crl_signed_by(crl, c)), None)
        if issuer is None:
            raise KeyMaterialError(
                f"the CRL of {crl.issuer.rfc4514_string()} is not signed by any "
                "CA of the bundle"
            )
        next_update = crl.next_update_utc
        if crl.last_update_utc > at or next_update is None or next_update < at:
            raise KeyMaterialError(
                f"the CRL of {crl.issuer.rfc4514_string()} is not current at "
                f"{at.isoformat()} (this update {crl.last_update_utc.isoformat()}, "
                f"next update {next_update.isoformat() if next_update else 'none'}):"
                " issue a fresh one first"
            )
    check = TrustStore.from_certificates(anchors, crls, certificates)
    for cert in certificates:
        result = check.validate(cert, at=at)
        if not result.chain_ok:
            raise KeyMaterialError(
                f"{cert.subject.rfc4514_string()} does not chain to an anchor of "
                f"the bundle ({', '.join(result.reasons)})"
            )
    folder = Path(directory)
    files: dict[Path, bytes] = {}
    for anchor in anchors:
        files[folder / f"{_slug(anchor)}.pem"] = anchor.public_bytes(Encoding.PEM)
    for cert in certificates:
        files[folder / "intermediates" / f"{_slug(cert)}.pem"] = cert.public_bytes(
            Encoding.PEM
        )
    for crl in crls:
        issuer = next(c for c in cas if _crl_signed_by(crl, c))
        files[folder / f"{_slug(issuer)}.crl"] = crl.public_bytes(Encoding.PEM)
    earliest = min(
        (c.next_update_utc for c in crls if c.next_update_utc is not None),
        default=None,
    )
    manifest = [
        "docsec trust bundle: install this folder as a verifier's trust folder.",
        f"checked for: {at.isoformat()}",
        f"replace before: {earliest.isoformat() if earliest else '(no CRL)'}",
        "",
        *(
            f"anchor        {p.name}"
            for p in files
            if p.parent == folder and p.suffix == ".pem"
        ),
        *(f"intermediate  intermediates/{p.name}" for p in files if p.parent != folder),
        *(f"CRL           {p.name}" for p in files if p.suffix == ".crl"),
    ]
    files[folder / "BUNDLE.txt"] = ("\n".join(manifest) + "\n").encode("utf-8")
    if not overwrite:
        existing = [p for p in files if p.exists()]
        if existing:
            raise KeyMaterialError(
                f"refusing to overwrite {existing[0]} (export into a new folder)"
            )
    try:
        (folder / "intermediates").mkdir(parents=True, exist_ok=True)
        for path, content in files.items():
            path.write_bytes(content)
    except OSError as exc:
        raise KeyMaterialError(f"cannot write the bundle to {folder}: {exc}") from exc
    logger.info("wrote a trust bundle of %d files to %s", len(files), folder)
    return list(files)


# ----------------------------------------------------------------------- demo world

_BANNER = (
    "NOT FOR PRODUCTION. Demo key written unencrypted by docsec.trust.write_demo_world;"
    " anyone holding this file can issue certificates in its name."
)
_README = """\
NOT FOR PRODUCTION
==================

This folder is a demo PKI written by docsec.trust.write_demo_world(). Every private
key and secret key in it is stored UNENCRYPTED and is public knowledge. Never use it to
issue real documents, and never trust its root outside tests and demonstrations.

  trust/root.pem          demo root CA ("KR" country signing CA)      -> trust anchor
  trust/root.crl.pem      empty CRL from that root
  trust/issuer-cert.pem   copy of the office certificate, so a verifier using trust/
                          finds the seal signer by signer identifier + reference
  root-key.pem            root CA private key (PKCS#8, unencrypted)
  issuer-cert.pem         office signing certificate ({ident}, reference {ref})
  issuer-key.pem          office private key (PKCS#8, unencrypted)
  watermark.key           watermark secret key
  cdp.key                 copy-detection pattern secret key
"""


@dataclass(frozen=True, slots=True)
class DemoWorld:
    """Paths and names of a demo PKI written by :func:`write_demo_world`.

    NOT FOR PRODUCTION: every key in it is unencrypted.
    """

    directory: Path
    trust_dir: Path
    root_cert: Path
    root_crl: Path
    root_key: Path
    issuer_cert: Path
    issuer_key: Path
    watermark_key: Path
    cdp_key: Path
    readme: Path
    signer_identifier: str
    certificate_reference: str


def write_demo_world(
    directory: Path, *, now: datetime | None = None, overwrite: bool = False
) -> DemoWorld:
    """Write a complete demo PKI and secret keys, NOT FOR PRODUCTION.

    A Korean demo root CA (20 years) signs the Gangnam district office certificate
    (``KRGN``, 5 years); both start one day before ``now``. Private keys are written
    unencrypted with a NOT FOR PRODUCTION banner and mode 0600 (by
    :mod:`docsec.keys`).

    Parameters
    ----------
    directory : Path
        Folder to write into; created if missing.
    now : datetime or None
        Timezone-aware "now"; the current time if None.
    overwrite : bool, default False
        Replace the files of an earlier demo world. Without it, any existing target
        file is an error and nothing is written.

    Returns
    -------
    DemoWorld
        The paths written, and the office certificate's signer identifier and
        certificate reference.

    Raises
    ------
    KeyMaterialError
        If a target file exists and ``overwrite`` is False, or a file cannot be
        written.
    """
    # Imported here: only the demo world writes key files, and importing keys lazily
    # keeps trust free of an import cycle should keys ever need certificates.
    from docsec import keys

    now = datetime.now(UTC) if now is None else now
    _check_aware("now", now)
    start = now - timedelta(days=1)
    directory = Path(directory)
    trust_dir = directory / "trust"
    try:
        trust_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KeyMaterialError(f"cannot create {trust_dir}: {exc}") from exc

    root_key = ec.generate_private_key(ec.SECP256R1())
    root = create_root_ca(
        country="KR",
        common_name="docsec DEMO Country Signing CA (NOT FOR PRODUCTION)",
        organization="Ministry of the Interior and Safety (DEMO)",
        key=root_key,
        valid_from=start,
        valid_days=20 * 365 + 5,
    )
    issuer_key = ec.generate_private_key(ec.SECP256R1())
    issuer = create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=issuer_key.public_key(),
        country="KR",
        signer_code="GN",
        organization="Gangnam-gu Office (DEMO)",
        valid_from=start,
        valid_days=5 * 365 + 1,
        serial=None,
    )
    crl = create_crl(
        root_cert=root,
        root_key=root_key,
        revoked=(),
        last_update=start,
        next_update=now + timedelta(days=365),
    )
    ident, ref = signer_identifier(issuer), certificate_reference(issuer)
    world = DemoWorld(
        directory=directory,
        trust_dir=trust_dir,
        root_cert=trust_dir / "root.pem",
        root_crl=trust_dir / "root.crl.pem",
        root_key=directory / "root-key.pem",
        issuer_cert=directory / "issuer-cert.pem",
        issuer_key=directory / "issuer-key.pem",
        watermark_key=directory / "watermark.key",
        cdp_key=directory / "cdp.key",
        readme=directory / "README.txt",
        signer_identifier=ident,
        certificate_reference=ref,
    )
    public_files = {
        world.root_cert: root.public_bytes(Encoding.PEM),
        world.root_crl: crl.public_bytes(Encoding.PEM),
        world.issuer_cert: issuer.public_bytes(Encoding.PEM),
        trust_dir / "issuer-cert.pem": issuer.public_bytes(Encoding.PEM),
        world.readme: _README.format(ident=ident, ref=ref).encode("utf-8"),
    }
    secret_files = (
        world.root_key,
        world.issuer_key,
        world.watermark_key,
        world.cdp_key,
    )
    if not overwrite:
        existing = [p for p in (*public_files, *secret_files) if p.exists()]
        if existing:
            raise KeyMaterialError(
                f"refusing to overwrite {existing[0]} (pass overwrite=True)"
            )
    keys.save_private_key(
        world.root_key, root_key, passphrase=None, banner=_BANNER, overwrite=overwrite
    )
    keys.save_private_key(
        world.issuer_key,
        issuer_key,
        passphrase=None,
        banner=_BANNER,
        overwrite=overwrite,
    )
    for path, purpose in ((world.watermark_key, "watermark"), (world.cdp_key, "cdp")):
        keys.save_secret_key(
            path, keys.generate_secret_key(purpose), _BANNER, overwrite=overwrite
        )
    for path, content in public_files.items():
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise KeyMaterialError(f"cannot write {path}: {exc}") from exc
    logger.info("wrote demo world (NOT FOR PRODUCTION) to %s", directory)
    return world
