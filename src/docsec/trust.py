"""X.509 certificates for seal issuers: creation, trust store, chain and revocation.

The PKI is deliberately shallow, like an ICAO country-signing PKI: a country (or
ministry) root CA signs office signing certificates, and a seal names its signer by
*signer identifier* (subject ``C`` + subject ``CN``, e.g. ``"KRGN"``) and
*certificate reference* (the serial number in hexadecimal). A :class:`TrustStore` is a
folder of certificates and CRLs chosen by the verifier; no system store is ever used
and nothing is fetched from the network (no OCSP, no AIA).

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

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NoReturn

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docsec.errors import ConfigurationError, KeyMaterialError

__all__ = [
    "DOCUMENT_SIGNING_OID",
    "CertificateValidation",
    "DemoWorld",
    "TrustStore",
    "certificate_reference",
    "create_crl",
    "create_issuer_certificate",
    "create_root_ca",
    "load_certificate",
    "save_certificate",
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


def create_crl(
    *,
    root_cert: x509.Certificate,
    root_key: CertificateIssuerPrivateKeyTypes,
    revoked: Iterable[tuple[int, datetime]],
    last_update: datetime,
    next_update: datetime,
) -> x509.CertificateRevocationList:
    """Create a CRL issued by the root.

    Parameters
    ----------
    root_cert, root_key
        The root CA certificate and its private key.
    revoked : iterable of (int, datetime)
        Serial numbers with their timezone-aware revocation dates (may be empty).
    last_update, next_update : datetime
        Timezone-aware ``thisUpdate`` and ``nextUpdate``.

    Returns
    -------
    cryptography.x509.CertificateRevocationList
        With a CRLNumber (``last_update`` in Unix seconds, so later CRLs have higher
        numbers) and an AuthorityKeyIdentifier.

    Raises
    ------
    ConfigurationError
        If a date is naive or ``next_update`` is not after ``last_update``.
    """
    _check_aware("last_update", last_update)
    _check_aware("next_update", next_update)
    if next_update <= last_update:
        raise ConfigurationError("next_update must be after last_update")
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(root_cert.subject)
        .last_update(last_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(int(last_update.timestamp())), critical=False)
        .add_extension(_authority_key_id(root_cert, root_key), critical=False)
    )
    for serial, when in revoked:
        _check_aware("revocation date", when)
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(when)
            .build()
        )
    return builder.sign(root_key, _signature_hash(root_key))


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
    """
    return format(cert.serial_number, "X")


# find_signer's parameters shadow the public names.
_identifier_of = signer_identifier
_reference_of = certificate_reference


def _normalise_reference(reference: str) -> str:
    return reference.strip().upper().lstrip("0") or "0"


# ---------------------------------------------------------------------- trust store


def _fingerprint(cert: x509.Certificate) -> str:
    return hashlib.sha256(cert.public_bytes(Encoding.DER)).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class CertificateValidation:
    """The separate results of validating a signer certificate at one time.

    Attributes
    ----------
    chain_ok : bool
        The certificate is a trust anchor itself, or a trust anchor that is a CA
        allowed to sign certificates verifiably signed it.
    valid_at : bool
        Every certificate in :attr:`path` was within its validity period at ``at``.
    key_usage_ok : bool
        The certificate is not a CA and, if it has a KeyUsage extension, allows
        digitalSignature (no KeyUsage means unrestricted, RFC 5280 §4.2.1.3).
    revoked : bool or None
        True if a CRL from the issuer lists the certificate, False if at least one
        such CRL exists and none lists it, None if no CRL from the issuer (verified
        against the issuer's key, issuer name matching) is in the store.
        A listed certificate counts as revoked *whatever its revocation date*: ``at``
        is the seal's own signing date, written with the very key that revocation
        distrusts, so a seal "signed before revocation" cannot be told from a
        back-dated forgery. Issuers should let retired certificates expire rather
        than revoke them.
    reasons : tuple of str
        Machine-readable codes, in order of discovery: ``"untrusted-issuer"``,
        ``"unsupported-curve"`` (an issuer's key that cryptography cannot use, so
        the chain cannot be checked), ``"certificate-expired"``,
        ``"certificate-not-yet-valid"``, ``"key-usage"``, ``"malformed-certificate"``,
        ``"revoked"``, ``"crl-missing"`` (informational unless a CRL is required).
    path : tuple of Certificate
        The certificate first, then its issuing anchor if one was used.
    """

    chain_ok: bool
    valid_at: bool
    key_usage_ok: bool
    revoked: bool | None
    reasons: tuple[str, ...]
    path: tuple[x509.Certificate, ...]

    def ok(self, *, require_crl: bool) -> bool:
        """Return True if the certificate may be trusted for a signature.

        Parameters
        ----------
        require_crl : bool
            If True, a CRL from the issuer must be present and not list the
            certificate (``revoked is False``). If False, a missing CRL
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


def _can_sign_crls(cert: x509.Certificate) -> bool:
    try:
        usage = _key_usage(cert)
    except (ValueError, x509.DuplicateExtension):
        return False
    return usage is None or usage.crl_sign


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


def _crl_authority_key_identifier(crl: x509.CertificateRevocationList) -> bytes | None:
    try:
        aki = crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier)
    except (x509.ExtensionNotFound, ValueError, x509.DuplicateExtension):
        return None
    return aki.value.key_identifier


class TrustStore:
    """Trust anchors and revocation lists chosen by the verifier.

    Every certificate in the store is a trust anchor: an office certificate placed
    here is trusted on its own (for foreign signers whose root is not at hand), and a
    root CA here vouches for the certificates it signs. Build one with :meth:`load`
    or :meth:`from_certificates`. Paths are at most two long (anchor CA → signer).
    """

    __slots__ = ("_anchor_ders", "_anchors", "_crls")

    def __init__(
        self,
        anchors: Sequence[x509.Certificate],
        crls: Sequence[x509.CertificateRevocationList],
    ) -> None:
        unique: dict[bytes, x509.Certificate] = {}
        for cert in anchors:
            unique.setdefault(cert.public_bytes(Encoding.DER), cert)
        if not unique:
            raise KeyMaterialError(
                "no trust anchors: the trust store holds no certificate"
            )
        self._anchors = tuple(unique.values())
        self._anchor_ders = frozenset(unique)
        self._crls = tuple(crls)

    @classmethod
    def from_certificates(
        cls,
        certs: Iterable[x509.Certificate],
        crls: Iterable[x509.CertificateRevocationList] = (),
    ) -> TrustStore:
        """Build a store from certificates (all trust anchors) and CRLs.

        Raises
        ------
        KeyMaterialError
            If ``certs`` is empty.
        """
        return cls(list(certs), list(crls))

    @classmethod
    def load(cls, directory: str | Path) -> TrustStore:
        """Load every certificate and CRL placed directly in ``directory``.

        Certificates come from ``*.pem``, ``*.crt``, ``*.cer`` and ``*.der`` files,
        PEM (possibly several blocks per file) or DER; CRLs from ``*.crl`` files (PEM
        or DER) and from ``X509 CRL`` blocks in any PEM file. Other files and
        sub-folders are ignored; other PEM blocks (a misplaced key, say) are skipped
        with a warning in the log. Public keys are not loaded here, so certificates
        on curves cryptography lacks still load.

        Raises
        ------
        KeyMaterialError
            If the folder is missing, a certificate or CRL file cannot be parsed
            (the message names the file), or no certificate was found.
        """
        folder = Path(directory)
        if not folder.is_dir():
            raise KeyMaterialError(f"trust store {folder} is not a folder")
        certs: list[x509.Certificate] = []
        crls: list[x509.CertificateRevocationList] = []
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
            file_certs, file_crls = _parse_trust_file(
                path, data, crl_file=suffix == ".crl"
            )
            certs.extend(file_certs)
            crls.extend(file_crls)
        if not certs:
            raise KeyMaterialError(f"no trust anchors: {folder} holds no certificate")
        store = cls(certs, crls)
        logger.debug(
            "trust store %s: %d anchors, %d CRLs", folder, len(store.anchors), len(crls)
        )
        return store

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """The trust anchors, without duplicates, in load order."""
        return self._anchors

    @property
    def crls(self) -> tuple[x509.CertificateRevocationList, ...]:
        """All CRLs in the store (verified only when used)."""
        return self._crls

    def __repr__(self) -> str:
        return f"TrustStore(anchors={len(self._anchors)}, crls={len(self._crls)})"

    def find_signer(
        self, signer_identifier: str, certificate_reference: str
    ) -> list[x509.Certificate]:
        """Return the anchors that a seal's signer identifier and reference name.

        A match has subject C + CN equal to ``signer_identifier`` and a serial whose
        hex equals ``certificate_reference``, both compared case-insensitively and
        the reference without leading zeros. Certificates that do not name a seal
        signer are skipped.
        """
        wanted_id = signer_identifier.strip().upper()
        wanted_ref = _normalise_reference(certificate_reference)
        found = []
        for cert in self._anchors:
            if _normalise_reference(_reference_of(cert)) != wanted_ref:
                continue
            try:
                ident = _identifier_of(cert)
            except KeyMaterialError:
                continue
            if ident.upper() == wanted_id:
                found.append(cert)
        return found

    def issuer_candidates(self, cert: x509.Certificate) -> list[x509.Certificate]:
        """Return anchors whose subject is ``cert``'s issuer (and whose key ids agree).

        Only names and key identifiers are compared; no signature is checked.
        """
        aki = _authority_key_identifier(cert)
        found = []
        for anchor in self._anchors:
            if anchor.subject != cert.issuer:
                continue
            ski = _subject_key_identifier(anchor)
            if aki is not None and ski is not None and aki != ski:
                continue
            found.append(anchor)
        return found

    def validate(
        self, cert: x509.Certificate, *, at: datetime
    ) -> CertificateValidation:
        """Validate a signer certificate at time ``at`` (the seal's signing date).

        Parameters
        ----------
        cert : cryptography.x509.Certificate
            The signer certificate, from this store or elsewhere.
        at : datetime
            Timezone-aware time at which the certificate must have been valid.

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
        The signer's own public key is not loaded here: whether a seal signature
        verifies (also on curves cryptography lacks, such as brainpoolP224r1) is
        :class:`docsec.keys.VerifyingKey`'s business.

        When an anchor CA verifiably signed ``cert``, that path is used (so the CA's
        validity and CRLs apply) even if ``cert`` is itself an anchor. A certificate
        that is only an anchor (no issuer in the store) is trusted as it is; its own
        signature is not checked, and its revocation is unknown (``revoked=None``).
        """
        _check_aware("at", at)
        reasons: list[str] = []
        issuer, unsupported = self._verified_issuer(cert, at)
        if issuer is not None:
            path: tuple[x509.Certificate, ...] = (cert, issuer)
            chain_ok = True
        else:
            path = (cert,)
            chain_ok = cert.public_bytes(Encoding.DER) in self._anchor_ders
            if not chain_ok:
                reasons.append(
                    "unsupported-curve" if unsupported else "untrusted-issuer"
                )

        valid_at = True
        for link in path:
            if at < link.not_valid_before_utc:
                valid_at = False
                reasons.append("certificate-not-yet-valid")
            if at > link.not_valid_after_utc:
                valid_at = False
                reasons.append("certificate-expired")

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

        revoked = self._revocation(cert, issuer)
        if revoked is True:
            reasons.append("revoked")
        elif revoked is None:
            reasons.append("crl-missing")

        result = CertificateValidation(
            chain_ok=chain_ok,
            valid_at=valid_at,
            key_usage_ok=key_usage_ok,
            revoked=revoked,
            reasons=tuple(dict.fromkeys(reasons)),
            path=path,
        )
        logger.debug(
            "validated certificate %s at %s: %s",
            _fingerprint(cert),
            at.isoformat(),
            ",".join(result.reasons) or "no findings",
        )
        return result

    def _verified_issuer(
        self, cert: x509.Certificate, at: datetime
    ) -> tuple[x509.Certificate | None, bool]:
        """Find an anchor CA whose key verifies ``cert``; flag unsupported curves."""
        own = cert.public_bytes(Encoding.DER)
        candidates = [
            c
            for c in self.issuer_candidates(cert)
            if c.public_bytes(Encoding.DER) != own and _can_sign_certificates(c)
        ]
        # With several (e.g. a re-keyed root of the same name), prefer one valid at `at`.
        candidates.sort(
            key=lambda c: not (c.not_valid_before_utc <= at <= c.not_valid_after_utc)
        )
        unsupported = False
        for candidate in candidates:
            try:
                cert.verify_directly_issued_by(candidate)
            except InvalidSignature:
                continue
            except (UnsupportedAlgorithm, TypeError, ValueError) as exc:
                # The issuer's key or the signature algorithm is one cryptography
                # cannot use (e.g. brainpoolP224r1): the chain is not verifiable.
                logger.debug("cannot verify %s: %s", _fingerprint(cert), exc)
                unsupported = True
                continue
            return candidate, unsupported
        return None, unsupported

    def _revocation(
        self, cert: x509.Certificate, issuer: x509.Certificate | None
    ) -> bool | None:
        if issuer is None or not _can_sign_crls(issuer):
            return None
        try:
            issuer_key = issuer.public_key()
        except (UnsupportedAlgorithm, ValueError):
            return None
        issuer_ski = _subject_key_identifier(issuer)
        seen_crl = False
        for crl in self._crls:
            if crl.issuer != cert.issuer:
                continue
            crl_aki = _crl_authority_key_identifier(crl)
            if crl_aki is not None and issuer_ski is not None and crl_aki != issuer_ski:
                continue  # another key of a CA with the same name (a re-keyed root)
            try:
                # public_key() may also return X25519/X448 keys, which cannot sign;
                # is_signature_valid raises TypeError for them (caught below).
                valid = crl.is_signature_valid(issuer_key)  # type: ignore[arg-type]
            except (UnsupportedAlgorithm, TypeError, ValueError):
                valid = False
            if not valid:
                logger.warning(
                    "ignoring a CRL named for %s whose signature does not verify",
                    crl.issuer.rfc4514_string(),
                )
                continue
            seen_crl = True
            entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
            if entry is not None:
                logger.debug(
                    "certificate %s revoked on %s",
                    _fingerprint(cert),
                    entry.revocation_date_utc.isoformat(),
                )
                return True
        return False if seen_crl else None


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
