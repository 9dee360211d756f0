"""CA tooling: roots, office signing certificates, CRLs and the trust bundle.

What an issuing office (or a country's signing CA) runs, never a verifier: create a
root CA (:func:`create_root_ca`) and the office certificates it signs
(:func:`create_issuer_certificate`), issue and re-issue CRLs (:func:`create_crl`,
:func:`reissue_crl`), write certificates and CRLs (:func:`save_certificate`,
:func:`save_crl`), and export the trust folder verifiers install
(:func:`export_bundle`). What a verifier needs (loading certificates and CRLs, the
trust store) is :mod:`docsec.trust`; the demo PKI is :mod:`docsec.demo`.

Examples
--------
>>> from datetime import UTC, datetime
>>> from cryptography.hazmat.primitives.asymmetric import ec
>>> from docsec.trust import certificate_reference, signer_identifier
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
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
)
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docsec.errors import ConfigurationError, KeyMaterialError
from docsec.trust import (
    DOCUMENT_SIGNING_OID,
    TrustStore,
    _check_aware,
    _fingerprint,
    _names_equal,
)

__all__ = [
    "REVOCATION_REASONS",
    "RevokedCertificate",
    "create_crl",
    "create_issuer_certificate",
    "create_root_ca",
    "crl_entries",
    "export_bundle",
    "reissue_crl",
    "save_certificate",
    "save_crl",
]

logger = logging.getLogger(__name__)

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


# ------------------------------------------------------------------------ files


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
