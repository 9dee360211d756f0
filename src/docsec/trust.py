"""X.509 for verifiers: loading certificates and CRLs, the trust store, chains.

The PKI is shallow, like an ICAO country-signing PKI: a country (or ministry) root
CA signs office signing certificates (possibly through intermediate CAs), and a seal
names its signer by *signer identifier* (subject ``C`` + subject ``CN``, e.g.
``"KRGN"``) and *certificate reference* (the serial number in hexadecimal, or another
of the :data:`REFERENCE_FORMS`). A :class:`TrustStore` is a folder of trust anchors,
path material and CRLs chosen by the verifier; paths and CRLs are validated per
RFC 5280 with pyhanko-certvalidator. No system store is ever used and nothing is
fetched from the network (no OCSP, no AIA).

Making certificates and CRLs is :mod:`docsec.pki` (CA tooling); the demo PKI is
:mod:`docsec.demo`.

Examples
--------
>>> from datetime import UTC, datetime
>>> from cryptography.hazmat.primitives.asymmetric import ec
>>> from docsec.pki import create_issuer_certificate, create_root_ca
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
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import NoReturn

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from docsec.errors import ConfigurationError, KeyMaterialError

__all__ = [
    "DOCUMENT_SIGNING_OID",
    "REFERENCE_FORMS",
    "UNDECIDABLE_REASONS",
    "CertificateValidation",
    "TrustStore",
    "certificate_reference",
    "certificates_from_der",
    "load_certificate",
    "load_crl",
    "signer_identifier",
]

logger = logging.getLogger(__name__)

#: id-kp-documentSigning (RFC 9336).
DOCUMENT_SIGNING_OID = x509.ObjectIdentifier("1.3.6.1.5.5.7.3.36")

_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")
_PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----", flags=re.DOTALL
)


def _check_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ConfigurationError(f"{name} must be timezone-aware")


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
