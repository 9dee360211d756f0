"""Issuer signing keys, seal verifying keys, and secret keys for watermark and CDP.

This module, :mod:`docsec.trust` and :mod:`docsec.pki` are the only importers of
``cryptography``'s key APIs. Seal signatures are ECDSA with the hash chosen by curve size (ICAO Doc 9303-13,
BSI TR-03137) and are carried as raw ``r || s``.

Examples
--------
>>> key = generate_signing_key()
>>> sig = sign_raw(key, b"seal bytes")
>>> len(sig)
64
>>> vk = VerifyingKey.from_public_key(key.public_key())
>>> vk.verify_raw(b"seal bytes", sig), vk.verify_raw(b"seal bytez", sig)
(True, False)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import logging
import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

# asn1crypto ships no type information; it is only used to read SPKI and PKCS#8
# structures that cryptography refuses (unsupported curves).
import asn1crypto.keys  # type: ignore[import-untyped]
import asn1crypto.x509  # type: ignore[import-untyped]
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from docsec import _ecverify, inputs
from docsec.errors import InputError, KeyMaterialError

__all__ = [
    "PrivateKey",
    "SecretKey",
    "VerifyingKey",
    "generate_secret_key",
    "generate_signing_key",
    "hash_for_key_size",
    "load_private_key",
    "load_secret_key",
    "save_private_key",
    "save_secret_key",
    "sign_raw",
    "verify_rsa_pss_sha256",
]

logger = logging.getLogger(__name__)

#: The private-key type that :func:`sign_raw` accepts.
PrivateKey: TypeAlias = ec.EllipticCurvePrivateKey

_PathLike: TypeAlias = str | os.PathLike[str]

# Curves cryptography can use for signing and verifying seals. Binary curves and
# secp256k1 are left out on purpose: no VDS profile uses them.
_SUPPORTED_CURVES: frozenset[str] = frozenset(
    {
        "secp224r1",
        "secp256r1",
        "secp384r1",
        "secp521r1",
        "brainpoolP256r1",
        "brainpoolP384r1",
        "brainpoolP512r1",
    }
)

_PEM_BLOCK = re.compile(
    rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n.*?-----END \1-----\r?\n?", re.DOTALL
)


def hash_for_key_size(key_size: int) -> Literal["sha224", "sha256", "sha384", "sha512"]:
    """Return the hash ICAO 9303-13 / BSI TR-03137 pair with a curve of this size.

    Parameters
    ----------
    key_size : int
        Field size in bits.

    Returns
    -------
    str
        ``"sha224"`` up to 224 bits, ``"sha256"`` up to 256, ``"sha384"`` up to 384,
        ``"sha512"`` above (512 and 521).

    Examples
    --------
    >>> [hash_for_key_size(n) for n in (224, 256, 384, 521)]
    ['sha224', 'sha256', 'sha384', 'sha512']
    """
    if key_size <= 224:
        return "sha224"
    if key_size <= 256:
        return "sha256"
    if key_size <= 384:
        return "sha384"
    return "sha512"


_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
}


def _hash_algorithm(key_size: int) -> hashes.HashAlgorithm:
    return _HASHES[hash_for_key_size(key_size)]()


def _check_curve(curve: ec.EllipticCurve) -> None:
    if curve.name not in _SUPPORTED_CURVES:
        raise KeyMaterialError(f"unsupported elliptic curve {curve.name!r}")


# --------------------------------------------------------------------------------------
# Signing keys


def generate_signing_key() -> ec.EllipticCurvePrivateKey:
    """Generate a new P-256 (secp256r1) signing key.

    Returns
    -------
    cryptography.hazmat.primitives.asymmetric.ec.EllipticCurvePrivateKey
        A fresh key from the operating system's random source.
    """
    return ec.generate_private_key(ec.SECP256R1())


def _check_banner(banner: str | None) -> bytes:
    if banner is None:
        return b""
    lines = banner.splitlines()
    for line in lines:
        if "-----" in line:
            raise KeyMaterialError("banner lines must not contain '-----'")
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _write_private_file(path: _PathLike, content: bytes, *, overwrite: bool) -> None:
    """Write ``content`` to a new file that is mode 0600 from its creation on.

    The file is created with ``os.open(..., 0o600)`` next to the target and renamed
    over it, so the key is never readable by others, not even for a moment, and an
    existing file's looser mode is not inherited.
    """
    target = Path(path)
    if target.exists() and not overwrite:
        raise KeyMaterialError(
            f"refusing to overwrite existing key file {target} (pass overwrite=True)"
        )
    directory = target.parent
    tmp_name = directory / f".{target.name}.{secrets.token_hex(8)}.tmp"
    try:
        fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise KeyMaterialError(f"cannot create key file in {directory}: {exc}") from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, target)
    except OSError as exc:
        tmp_name.unlink(missing_ok=True)
        raise KeyMaterialError(f"cannot write key file {target}: {exc}") from exc


def save_private_key(
    path: _PathLike,
    key: ec.EllipticCurvePrivateKey,
    *,
    passphrase: bytes | None,
    banner: str | None = None,
    overwrite: bool = False,
) -> None:
    """Save a signing key as PKCS#8 PEM, readable by the owner only (mode 0600).

    Parameters
    ----------
    path : str or os.PathLike
        Target file.
    key : EllipticCurvePrivateKey
        The key to save.
    passphrase : bytes or None
        Encrypt with this passphrase (cryptography's ``BestAvailableEncryption``).
        ``None`` writes the key unencrypted; pass it explicitly so that it is a choice.
    banner : str, optional
        Text lines written before the PEM block, e.g.
        ``"NOT FOR PRODUCTION - docsec demo key"``. They must not contain ``-----``.
    overwrite : bool, default False
        Replace an existing file. Without it an existing file is an error.

    Raises
    ------
    KeyMaterialError
        Unsupported curve, empty passphrase, bad banner, or the file cannot be written.
    """
    _check_curve(key.curve)
    if passphrase is not None and len(passphrase) == 0:
        raise KeyMaterialError(
            "empty passphrase: pass None to store the key unencrypted"
        )
    encryption: serialization.KeySerializationEncryption = (
        serialization.NoEncryption()
        if passphrase is None
        else serialization.BestAvailableEncryption(passphrase)
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )
    _write_private_file(path, _check_banner(banner) + pem, overwrite=overwrite)
    logger.debug("saved %s private key to %s", key.curve.name, path)


def _read_key_input(path_or_bytes: _PathLike | bytes) -> bytes:
    if isinstance(path_or_bytes, bytes):
        return path_or_bytes
    try:
        # A key file is never large; a pipe or device named by mistake must not
        # block the verifier or fill its memory.
        return inputs.read_regular_file(
            path_or_bytes, max_bytes=1024 * 1024, allow_empty=True
        )
    except InputError as exc:
        raise KeyMaterialError(f"cannot read key file: {exc}") from exc


def load_private_key(
    path_or_bytes: _PathLike | bytes, *, passphrase: bytes | None
) -> ec.EllipticCurvePrivateKey:
    """Load an EC signing key from PEM (with or without banner lines) or DER.

    Parameters
    ----------
    path_or_bytes : str, os.PathLike or bytes
        A file path, or the file content.
    passphrase : bytes or None
        The passphrase for an encrypted key, or None for an unencrypted one.

    Returns
    -------
    EllipticCurvePrivateKey

    Raises
    ------
    KeyMaterialError
        The file cannot be read, is not a private key, is encrypted and no (or the
        wrong) passphrase was given, is not encrypted but a passphrase was given, is not
        an EC key, or uses an unsupported curve.
    """
    raw = _read_key_input(path_or_bytes)
    match = _PEM_BLOCK.search(raw)
    if match is not None:
        label = match.group(1).decode("ascii")
        data = match.group(0)
        encrypted = "ENCRYPTED" in label or b"Proc-Type: 4,ENCRYPTED" in data
        loader = serialization.load_pem_private_key
    else:
        data = raw
        encrypted = _der_is_encrypted_pkcs8(raw)
        loader = serialization.load_der_private_key
    if encrypted and passphrase is None:
        raise KeyMaterialError("the private key is encrypted: a passphrase is required")
    if not encrypted and passphrase is not None:
        raise KeyMaterialError(
            "the private key is not encrypted, but a passphrase was given"
        )
    try:
        key = loader(data, password=passphrase)
    except UnsupportedAlgorithm as exc:
        raise KeyMaterialError(f"unsupported key algorithm or curve: {exc}") from exc
    except (ValueError, TypeError) as exc:
        if encrypted:
            raise KeyMaterialError(
                "cannot decrypt the private key: wrong passphrase or damaged file"
            ) from exc
        raise KeyMaterialError(
            "not a private key (PEM or DER PKCS#8 expected)"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise KeyMaterialError(
            f"not an elliptic-curve key: got {type(key).__name__}; seals need ECDSA"
        )
    _check_curve(key.curve)
    return key


def _der_is_encrypted_pkcs8(data: bytes) -> bool:
    try:
        info = asn1crypto.keys.EncryptedPrivateKeyInfo.load(data, strict=True)
        info["encryption_algorithm"].native  # noqa: B018  (forces parsing)
    except (ValueError, TypeError):
        return False
    return True


def sign_raw(key: ec.EllipticCurvePrivateKey, data: bytes) -> bytes:
    """Sign with deterministic ECDSA (RFC 6979) and return raw ``r || s``.

    The hash follows the curve size (:func:`hash_for_key_size`); r and s are each
    left-padded to the field size in bytes, as ICAO 9303-13 requires.

    Parameters
    ----------
    key : EllipticCurvePrivateKey
        The signing key.
    data : bytes
        The bytes to sign (for a seal: header and message zone).

    Returns
    -------
    bytes
        ``r || s``, ``2 * ceil(key_size / 8)`` bytes.
    """
    _check_curve(key.curve)
    algorithm = ec.ECDSA(
        _hash_algorithm(key.curve.key_size), deterministic_signing=True
    )
    r, s = decode_dss_signature(key.sign(data, algorithm))
    size = (key.curve.key_size + 7) // 8
    return r.to_bytes(size, "big") + s.to_bytes(size, "big")


# --------------------------------------------------------------------------------------
# Verifying keys


def _spki_for_point(curve: _ecverify.Curve, point: tuple[int, int]) -> bytes:
    size = curve.field_bytes
    encoded = b"\x04" + point[0].to_bytes(size, "big") + point[1].to_bytes(size, "big")
    info = asn1crypto.keys.PublicKeyInfo(
        {
            "algorithm": asn1crypto.keys.PublicKeyAlgorithm(
                {
                    "algorithm": "ec",
                    "parameters": asn1crypto.keys.ECDomainParameters(
                        name="named", value=curve.oid
                    ),
                }
            ),
            "public_key": encoded,
        }
    )
    return bytes(info.dump())


@dataclass(frozen=True, slots=True, repr=False)
class VerifyingKey:
    """A seal verifying key: an EC public key plus its curve facts.

    Build one with :meth:`from_public_key`, :meth:`from_certificate` or
    :meth:`from_spki_der`. Curves that ``cryptography`` supports are verified by it;
    brainpoolP224r1 (used by German test signers) is verified by a small pure-Python
    ECDSA verifier (see docs/seal-format.md). Two keys are equal when their
    canonical SubjectPublicKeyInfo encodings are.
    """

    spki_der: bytes
    curve_name: str
    key_size: int
    _public_key: ec.EllipticCurvePublicKey | None = field(
        default=None, compare=False, repr=False
    )
    _pure: tuple[_ecverify.Curve, tuple[int, int]] | None = field(
        default=None, compare=False, repr=False
    )

    @classmethod
    def from_public_key(cls, public_key: ec.EllipticCurvePublicKey) -> VerifyingKey:
        """Wrap a ``cryptography`` EC public key.

        Raises
        ------
        KeyMaterialError
            Not an EC key, or an unsupported curve.
        """
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise KeyMaterialError(
                f"not an elliptic-curve public key: got {type(public_key).__name__}"
            )
        _check_curve(public_key.curve)
        spki = public_key.public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        return cls(
            spki_der=spki,
            curve_name=public_key.curve.name,
            key_size=public_key.curve.key_size,
            _public_key=public_key,
        )

    @classmethod
    def from_spki_der(cls, der: bytes) -> VerifyingKey:
        """Load a DER SubjectPublicKeyInfo.

        Raises
        ------
        KeyMaterialError
            Not a public key, not EC, an unsupported curve, or a point not on it.
        """
        try:
            public_key = serialization.load_der_public_key(der)
        except UnsupportedAlgorithm as exc:
            return cls._from_unsupported_spki(der, exc)
        except ValueError as exc:
            raise KeyMaterialError(
                "not a DER SubjectPublicKeyInfo, or an invalid public point"
            ) from exc
        if not isinstance(public_key, ec.EllipticCurvePublicKey):
            raise KeyMaterialError(
                f"not an elliptic-curve public key: got {type(public_key).__name__}"
            )
        return cls.from_public_key(public_key)

    @classmethod
    def _from_unsupported_spki(
        cls, der: bytes, cause: UnsupportedAlgorithm
    ) -> VerifyingKey:
        try:
            info = asn1crypto.keys.PublicKeyInfo.load(der, strict=True)
            algorithm = info["algorithm"]["algorithm"].native
            params = info["algorithm"]["parameters"]
            point_bytes = bytes(info["public_key"].native)
        except (ValueError, TypeError, KeyError) as exc:
            # e.g. an algorithm OID that neither library knows
            raise KeyMaterialError(
                f"unsupported public key algorithm: {cause}"
            ) from exc
        if algorithm != "ec":  # pragma: no cover - asn1crypto-only algorithms
            raise KeyMaterialError(f"unsupported public key algorithm {algorithm!r}")
        if params.name != "named":
            raise KeyMaterialError(
                "EC keys with explicit curve parameters are not supported"
            )
        oid = params.chosen.dotted
        curve = _ecverify.CURVES.get(oid)
        if curve is None:
            raise KeyMaterialError(
                f"unsupported elliptic curve {params.chosen.native!r} ({oid})"
            ) from cause
        point = _ecverify.decode_point(curve, point_bytes)
        if point is None:
            raise KeyMaterialError(f"public point is not on curve {curve.name}")
        return cls(
            spki_der=_spki_for_point(curve, point),
            curve_name=curve.name,
            key_size=curve.key_size,
            _pure=(curve, point),
        )

    @classmethod
    def from_certificate(cls, cert: x509.Certificate) -> VerifyingKey:
        """Take the subject public key of an X.509 certificate.

        This also works for certificates whose curve ``cryptography`` cannot load
        (``cert.public_key()`` would raise), by reading the SPKI with asn1crypto.

        Raises
        ------
        KeyMaterialError
            The certificate's key is not a supported EC key.
        """
        der = cert.public_bytes(serialization.Encoding.DER)
        try:
            parsed = asn1crypto.x509.Certificate.load(der)
            spki = parsed["tbs_certificate"]["subject_public_key_info"].dump()
        except (ValueError, TypeError, KeyError) as exc:  # pragma: no cover
            # cryptography has already parsed this certificate.
            raise KeyMaterialError("cannot read the certificate's public key") from exc
        return cls.from_spki_der(bytes(spki))

    def __repr__(self) -> str:
        return (
            f"VerifyingKey(curve_name={self.curve_name!r}, "
            f"fingerprint={self.fingerprint[:16]!r}...)"
        )

    @property
    def fingerprint(self) -> str:
        """Return the SHA-256 of the canonical SPKI DER, lowercase hex."""
        return hashlib.sha256(self.spki_der).hexdigest()

    @property
    def signature_size(self) -> int:
        """Return the length of a raw ``r || s`` signature for this key."""
        return 2 * ((self.key_size + 7) // 8)

    def verify_raw(self, data: bytes, signature: bytes) -> bool:
        """Check a raw ``r || s`` ECDSA signature over ``data``.

        Parameters
        ----------
        data : bytes
            The signed bytes.
        signature : bytes
            ``r || s``; each half is the field size in bytes.

        Returns
        -------
        bool
            True only for a valid signature. A wrong length, a zero or oversized r or
            s, or a bad signature give False; this method does not raise on them.
        """
        if len(signature) != self.signature_size:
            return False
        if self._pure is not None:
            curve, point = self._pure
            return _ecverify.verify(
                curve, point, data, signature, hash_for_key_size(self.key_size)
            )
        if self._public_key is None:  # pragma: no cover - constructors set one
            return False
        half = len(signature) // 2
        r = int.from_bytes(signature[:half], "big")
        s = int.from_bytes(signature[half:], "big")
        if r == 0 or s == 0:
            return False
        algorithm = ec.ECDSA(_hash_algorithm(self.key_size))
        try:
            self._public_key.verify(encode_dss_signature(r, s), data, algorithm)
        except InvalidSignature:
            return False
        return True

    def verify_der(self, data: bytes, signature: bytes, *, hash_name: str) -> bool:
        """Check a DER ``ECDSA-Sig-Value`` over ``data`` with a named hash.

        X.509 certificates and CRLs carry DER signatures and name their hash in the
        signature algorithm (``ecdsa-with-SHA256`` also on a 224-bit curve), unlike
        seals, whose hash follows the curve size (:meth:`verify_raw`).

        Parameters
        ----------
        data : bytes
            The signed bytes (a ``tbsCertificate`` or ``tbsCertList``).
        signature : bytes
            DER ``SEQUENCE {r INTEGER, s INTEGER}``.
        hash_name : {"sha224", "sha256", "sha384", "sha512"}
            The hash the signature algorithm names.

        Returns
        -------
        bool
            True only for a valid signature; a malformed or wrong one gives False.

        Raises
        ------
        KeyMaterialError
            If ``hash_name`` is not one of the SHA-2 hashes above (the signature
            cannot be checked, which is not the same as a bad signature).
        """
        if hash_name not in _HASHES:
            raise KeyMaterialError(f"unsupported signature hash {hash_name!r}")
        try:
            r, s = decode_dss_signature(signature)
        except ValueError:
            return False
        size = (self.key_size + 7) // 8
        if not (0 < r < 1 << (8 * size) and 0 < s < 1 << (8 * size)):
            return False
        if self._pure is not None:
            curve, point = self._pure
            raw = r.to_bytes(size, "big") + s.to_bytes(size, "big")
            return _ecverify.verify(curve, point, data, raw, hash_name)
        if self._public_key is None:  # pragma: no cover - constructors set one
            return False
        try:
            self._public_key.verify(
                encode_dss_signature(r, s), data, ec.ECDSA(_HASHES[hash_name]())
            )
        except InvalidSignature:
            return False
        return True


# --------------------------------------------------------------------------------------
# Secret keys (watermark, copy-detection pattern)

_SECRET_PURPOSES = frozenset({"watermark", "cdp"})
_SECRET_SIZE = 32
_SECRET_HEADER = re.compile(
    r"^docsec-secret-key v1 purpose=(?P<purpose>[a-z]+) id=(?P<id>[0-9a-f]{16})$"
)


def _derive_key_id(purpose: str, material: bytes) -> str:
    digest = hashlib.sha256(
        b"docsec-secret-key-id\x00" + purpose.encode("ascii") + b"\x00" + material
    )
    return digest.hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class SecretKey:
    """A 32-byte secret for the watermark or the copy-detection pattern (CDP).

    Attributes
    ----------
    purpose : str
        ``"watermark"`` or ``"cdp"``.
    key_id : str
        16 lowercase hex digits: the first 8 bytes of
        ``SHA-256("docsec-secret-key-id" 0x00 purpose 0x00 material)``. It names the
        key (a seal can carry it) without revealing it.
    material : bytes
        The secret itself; never shown by ``repr``.
    """

    purpose: str
    key_id: str
    material: bytes = field(repr=False)

    def __post_init__(self) -> None:
        if self.purpose not in _SECRET_PURPOSES:
            raise KeyMaterialError(
                f"unknown secret-key purpose {self.purpose!r}: "
                f"expected one of {sorted(_SECRET_PURPOSES)}"
            )
        if len(self.material) != _SECRET_SIZE:
            raise KeyMaterialError(f"secret key material must be {_SECRET_SIZE} bytes")
        if self.key_id != _derive_key_id(self.purpose, self.material):
            raise KeyMaterialError("secret key id does not match the key material")

    @classmethod
    def from_material(cls, purpose: str, material: bytes) -> SecretKey:
        """Build a key from its purpose and 32 bytes of material, deriving the id."""
        if purpose not in _SECRET_PURPOSES:
            raise KeyMaterialError(f"unknown secret-key purpose {purpose!r}")
        return cls(purpose, _derive_key_id(purpose, material), material)


def generate_secret_key(purpose: str) -> SecretKey:
    """Generate a new random secret key.

    Parameters
    ----------
    purpose : {"watermark", "cdp"}
        What the key is for; part of the id, so one key is never used for both.

    Returns
    -------
    SecretKey

    Examples
    --------
    >>> key = generate_secret_key("cdp")
    >>> len(key.key_id), "material" in repr(key)
    (16, False)
    """
    return SecretKey.from_material(purpose, secrets.token_bytes(_SECRET_SIZE))


def save_secret_key(
    path: _PathLike,
    key: SecretKey,
    banner: str | None = None,
    *,
    overwrite: bool = False,
) -> None:
    """Save a secret key in the ``docsec-secret-key v1`` text format, mode 0600.

    The file holds optional banner lines (each written as ``# text``), then
    ``docsec-secret-key v1 purpose=<purpose> id=<key_id>``, then the material in
    base64 on one line.

    Raises
    ------
    KeyMaterialError
        Bad banner, or the file cannot be written (or exists, without ``overwrite``).
    """
    head = b""
    if banner is not None:
        head = "".join(f"# {line}\n" for line in banner.splitlines()).encode("utf-8")
    body = (
        f"docsec-secret-key v1 purpose={key.purpose} id={key.key_id}\n"
        f"{base64.b64encode(key.material).decode('ascii')}\n"
    ).encode("ascii")
    _write_private_file(path, head + body, overwrite=overwrite)


def load_secret_key(path: _PathLike) -> SecretKey:
    """Load a secret key written by :func:`save_secret_key`.

    Raises
    ------
    KeyMaterialError
        Unreadable file, wrong format or version, bad base64, wrong size, or an id
        that does not match the material (a damaged or edited file).
    """
    raw = _read_key_input(path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise KeyMaterialError("secret key file is not UTF-8 text") from exc
    lines = [
        line.strip()
        for line in text.splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(lines) != 2:
        raise KeyMaterialError(
            "not a docsec secret key file: expected a header line and a base64 line"
        )
    if lines[0].startswith("docsec-secret-key ") and not lines[0].startswith(
        "docsec-secret-key v1 "
    ):
        raise KeyMaterialError("unsupported docsec secret key file version")
    header = _SECRET_HEADER.match(lines[0])
    if header is None:
        raise KeyMaterialError(
            "not a docsec secret key file: bad header line "
            "(expected 'docsec-secret-key v1 purpose=... id=...')"
        )
    try:
        material = base64.b64decode(lines[1], validate=True)
    except binascii.Error as exc:
        raise KeyMaterialError("secret key material is not valid base64") from exc
    if len(material) != _SECRET_SIZE:
        raise KeyMaterialError(f"secret key material must be {_SECRET_SIZE} bytes")
    key = SecretKey.from_material(header["purpose"], material)
    if key.key_id != header["id"]:
        raise KeyMaterialError("secret key id does not match the key material")
    return key


def verify_rsa_pss_sha256(
    cert: x509.Certificate, data: bytes, signature: bytes
) -> bool:
    """Check an RSASSA-PSS / SHA-256 signature (COSE ``PS256``) with ``cert``'s key.

    The salt length is the hash length (32 bytes) and MGF1 uses SHA-256, as
    RFC 8230 section 2 fixes for COSE.

    Returns
    -------
    bool
        True only for a valid signature.

    Raises
    ------
    KeyMaterialError
        The certificate's key is not an RSA key of at least 2048 bits.
    """
    try:
        public_key = cert.public_key()
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise KeyMaterialError("cannot read the certificate's public key") from exc
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise KeyMaterialError(
            f"PS256 needs an RSA key, the certificate holds {type(public_key).__name__}"
        )
    if public_key.key_size < 2048:
        raise KeyMaterialError(f"RSA key of {public_key.key_size} bits is too short")
    try:
        public_key.verify(
            signature,
            data,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )
    except InvalidSignature:
        return False
    return True
