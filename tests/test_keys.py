"""Signing keys, verifying keys (incl. the pure-Python brainpoolP224r1 path), secrets."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec import _ecverify
from docsec.errors import KeyMaterialError
from docsec.keys import (
    SecretKey,
    VerifyingKey,
    generate_secret_key,
    generate_signing_key,
    hash_for_key_size,
    load_private_key,
    load_secret_key,
    save_private_key,
    save_secret_key,
    sign_raw,
)

BANNER = "NOT FOR PRODUCTION - docsec demo key\nsecond line"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# ------------------------------------------------------------------ signing keys


def test_generate_is_p256() -> None:
    key = generate_signing_key()
    assert key.curve.name == "secp256r1"


@pytest.mark.parametrize("passphrase", [None, b"correct horse"])
@pytest.mark.parametrize("banner", [None, BANNER])
def test_save_load_round_trip(
    tmp_path: Path, passphrase: bytes | None, banner: str | None
) -> None:
    key = generate_signing_key()
    path = tmp_path / "issuer.pem"
    save_private_key(path, key, passphrase=passphrase, banner=banner)
    assert _mode(path) == 0o600
    text = path.read_bytes()
    if banner is not None:
        assert text.startswith(b"NOT FOR PRODUCTION - docsec demo key\nsecond line\n")
    assert (b"ENCRYPTED PRIVATE KEY" in text) is (passphrase is not None)
    loaded = load_private_key(path, passphrase=passphrase)
    assert loaded.private_numbers() == key.private_numbers()
    assert load_private_key(text, passphrase=passphrase).private_numbers() == (
        key.private_numbers()
    )


def test_mode_0600_even_with_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        save_private_key(tmp_path / "k.pem", generate_signing_key(), passphrase=None)
        save_secret_key(tmp_path / "s.key", generate_secret_key("cdp"))
    finally:
        os.umask(old)
    assert _mode(tmp_path / "k.pem") == 0o600
    assert _mode(tmp_path / "s.key") == 0o600


def test_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "k.pem"
    path.write_text("old")
    path.chmod(0o644)
    key = generate_signing_key()
    with pytest.raises(KeyMaterialError, match="overwrite"):
        save_private_key(path, key, passphrase=None)
    save_private_key(path, key, passphrase=None, overwrite=True)
    assert _mode(path) == 0o600
    assert load_private_key(path, passphrase=None).private_numbers() == (
        key.private_numbers()
    )
    assert [p.name for p in tmp_path.iterdir()] == ["k.pem"]


def test_save_errors(tmp_path: Path) -> None:
    key = generate_signing_key()
    with pytest.raises(KeyMaterialError, match="empty passphrase"):
        save_private_key(tmp_path / "a.pem", key, passphrase=b"")
    with pytest.raises(KeyMaterialError, match="-----"):
        save_private_key(tmp_path / "a.pem", key, passphrase=None, banner="-----x")
    with pytest.raises(KeyMaterialError, match="cannot create"):
        save_private_key(tmp_path / "missing" / "a.pem", key, passphrase=None)
    k1 = ec.generate_private_key(ec.SECP256K1())
    with pytest.raises(KeyMaterialError, match="unsupported elliptic curve"):
        save_private_key(tmp_path / "b.pem", k1, passphrase=None)


def test_load_errors(tmp_path: Path) -> None:
    key = generate_signing_key()
    enc = tmp_path / "enc.pem"
    plain = tmp_path / "plain.pem"
    save_private_key(enc, key, passphrase=b"right")
    save_private_key(plain, key, passphrase=None)
    with pytest.raises(KeyMaterialError, match="wrong passphrase"):
        load_private_key(enc, passphrase=b"wrong")
    with pytest.raises(KeyMaterialError, match="passphrase is required"):
        load_private_key(enc, passphrase=None)
    with pytest.raises(KeyMaterialError, match="not encrypted"):
        load_private_key(plain, passphrase=b"right")
    with pytest.raises(KeyMaterialError, match="cannot read"):
        load_private_key(tmp_path / "nope.pem", passphrase=None)
    with pytest.raises(KeyMaterialError, match="not a private key"):
        load_private_key(b"hello", passphrase=None)
    with pytest.raises(KeyMaterialError, match="not a private key"):
        load_private_key(
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            passphrase=None,
        )
    rsa_pem = rsa.generate_private_key(65537, 2048).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(KeyMaterialError, match="not an elliptic-curve key"):
        load_private_key(rsa_pem, passphrase=None)
    k1 = ec.generate_private_key(ec.SECP256K1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(KeyMaterialError, match="unsupported elliptic curve"):
        load_private_key(k1, passphrase=None)


def test_load_der_plain_and_encrypted() -> None:
    key = generate_signing_key()
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    assert load_private_key(der, passphrase=None).private_numbers() == (
        key.private_numbers()
    )
    der_enc = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"pw"),
    )
    assert load_private_key(der_enc, passphrase=b"pw").private_numbers() == (
        key.private_numbers()
    )
    with pytest.raises(KeyMaterialError, match="passphrase is required"):
        load_private_key(der_enc, passphrase=None)
    with pytest.raises(KeyMaterialError, match="wrong passphrase"):
        load_private_key(der_enc, passphrase=b"nope")


def test_load_traditional_encrypted_pem() -> None:
    key = generate_signing_key()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(b"pw"),
    )
    assert b"Proc-Type: 4,ENCRYPTED" in pem
    with pytest.raises(KeyMaterialError, match="passphrase is required"):
        load_private_key(pem, passphrase=None)
    assert load_private_key(pem, passphrase=b"pw").private_numbers() == (
        key.private_numbers()
    )


@pytest.mark.parametrize(
    ("curve", "hash_cls", "size"),
    [
        (ec.SECP224R1(), hashes.SHA224, 28),
        (ec.SECP256R1(), hashes.SHA256, 32),
        (ec.BrainpoolP256R1(), hashes.SHA256, 32),
        (ec.SECP384R1(), hashes.SHA384, 48),
        (ec.BrainpoolP512R1(), hashes.SHA512, 64),
        (ec.SECP521R1(), hashes.SHA512, 66),
    ],
)
def test_sign_raw_hash_and_size_follow_the_curve(
    curve: ec.EllipticCurve, hash_cls: type[hashes.HashAlgorithm], size: int
) -> None:
    key = ec.derive_private_key(0x1234567, curve)
    sig = sign_raw(key, b"data")
    assert len(sig) == 2 * size
    assert sign_raw(key, b"data") == sig  # RFC 6979: deterministic
    der = encode_dss_signature(int.from_bytes(sig[:size]), int.from_bytes(sig[size:]))
    key.public_key().verify(der, b"data", ec.ECDSA(hash_cls()))
    vk = VerifyingKey.from_public_key(key.public_key())
    assert vk.verify_raw(b"data", sig)
    assert not vk.verify_raw(b"datA", sig)


def test_hash_for_key_size() -> None:
    assert [hash_for_key_size(n) for n in (160, 224, 256, 320, 384, 512, 521)] == [
        "sha224",
        "sha224",
        "sha256",
        "sha384",
        "sha384",
        "sha512",
        "sha512",
    ]


# ---------------------------------------------------------------- verifying keys


def test_verifying_key_constructors_agree() -> None:
    key = generate_signing_key()
    pub = key.public_key()
    a = VerifyingKey.from_public_key(pub)
    spki = pub.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    b = VerifyingKey.from_spki_der(spki)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "t")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(pub)
        .serial_number(0x5B)
        .not_valid_before(dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
        .sign(key, hashes.SHA256())
    )
    c = VerifyingKey.from_certificate(cert)
    assert a == b == c
    assert a.fingerprint == b.fingerprint == c.fingerprint
    assert len(a.fingerprint) == 64
    assert (a.curve_name, a.key_size, a.signature_size) == ("secp256r1", 256, 64)
    assert a.fingerprint[:16] in repr(a)


def test_verify_raw_never_raises_on_bad_signatures() -> None:
    key = generate_signing_key()
    vk = VerifyingKey.from_public_key(key.public_key())
    sig = sign_raw(key, b"m")
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    for bad in (
        b"",
        sig[:-1],
        sig + b"\x00",
        bytes(64),
        b"\xff" * 64,
        n.to_bytes(32) + sig[32:],
        sig[:32] + bytes(32),
    ):
        assert vk.verify_raw(b"m", bad) is False


def test_verify_der_uses_the_named_hash() -> None:
    # X.509 signatures name their hash; on P-256 a SHA-384 one must verify too.
    key = generate_signing_key()
    vk = VerifyingKey.from_public_key(key.public_key())
    der = key.sign(b"tbs", ec.ECDSA(hashes.SHA384()))
    assert vk.verify_der(b"tbs", der, hash_name="sha384") is True
    assert vk.verify_der(b"tbs", der, hash_name="sha256") is False
    assert vk.verify_der(b"other", der, hash_name="sha384") is False
    for bad in (b"", b"\x30\x00", der[:-1], encode_dss_signature(1 << 300, 1)):
        assert vk.verify_der(b"tbs", bad, hash_name="sha384") is False
    with pytest.raises(KeyMaterialError, match="hash"):
        vk.verify_der(b"tbs", der, hash_name="md5")


def test_from_spki_der_errors() -> None:
    with pytest.raises(KeyMaterialError):
        VerifyingKey.from_spki_der(b"\x30\x00")
    rsa_spki = (
        rsa.generate_private_key(65537, 2048)
        .public_key()
        .public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    with pytest.raises(KeyMaterialError, match="not an elliptic-curve"):
        VerifyingKey.from_spki_der(rsa_spki)
    ed = (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    with pytest.raises(KeyMaterialError, match="not an elliptic-curve"):
        VerifyingKey.from_spki_der(ed)
    with pytest.raises(KeyMaterialError, match="not an elliptic-curve"):
        VerifyingKey.from_public_key(ed25519.Ed25519PrivateKey.generate().public_key())  # type: ignore[arg-type]
    k1 = (
        ec.generate_private_key(ec.SECP256K1())
        .public_key()
        .public_bytes(
            serialization.Encoding.DER,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
    )
    with pytest.raises(KeyMaterialError, match="unsupported elliptic curve"):
        VerifyingKey.from_spki_der(k1)


# brainpoolP224r1 SPKI prefix: id-ecPublicKey + OID 1.3.36.3.3.2.8.1.1.5, BIT STRING.
_BP224_PREFIX = bytes.fromhex("3052301406072a8648ce3d020106092b2403030208010105033a00")
_BP224 = _ecverify.BRAINPOOL_P224R1


def _bp224_spki(point: bytes) -> bytes:
    return _BP224_PREFIX + point


def test_brainpool_p224r1_parameters_are_consistent() -> None:
    assert _ecverify.curve_is_consistent(_BP224)
    broken = _ecverify.Curve(
        _BP224.name, _BP224.oid, _BP224.p, _BP224.a, _BP224.b + 1, _BP224.gx,
        _BP224.gy, _BP224.n,
    )  # fmt: skip
    assert not _ecverify.curve_is_consistent(broken)


def test_brainpool_p224r1_key_from_spki_and_point_checks() -> None:
    g = (_BP224.gx, _BP224.gy)
    uncompressed = b"\x04" + g[0].to_bytes(28) + g[1].to_bytes(28)
    vk = VerifyingKey.from_spki_der(_bp224_spki(uncompressed))
    assert (vk.curve_name, vk.key_size, vk.signature_size) == (
        "brainpoolP224r1",
        224,
        56,
    )
    assert vk.spki_der == _bp224_spki(uncompressed)
    off_curve = b"\x04" + g[0].to_bytes(28) + (g[1] + 1).to_bytes(28)
    with pytest.raises(KeyMaterialError, match="not on curve"):
        VerifyingKey.from_spki_der(_bp224_spki(off_curve))
    # Compressed points decode to the same key (p = 3 mod 4 for this curve).
    prefix = 0x02 | (g[1] & 1)
    compressed = bytes((prefix,)) + g[0].to_bytes(28)
    assert _ecverify.decode_point(_BP224, compressed) == g
    assert _ecverify.decode_point(_BP224, bytes((prefix ^ 1,)) + g[0].to_bytes(28)) == (
        g[0],
        _BP224.p - g[1],
    )
    assert _ecverify.decode_point(_BP224, b"\x02" + _BP224.p.to_bytes(28)) is None
    assert _ecverify.decode_point(_BP224, b"\x05" + bytes(56)) is None


def test_explicit_parameters_are_rejected() -> None:
    # An SPKI with explicit (specifiedCurve) parameters: cryptography refuses it, and so
    # do we; trust in named curves only.
    import asn1crypto.keys  # type: ignore[import-untyped]

    g = (_BP224.gx, _BP224.gy)
    info = asn1crypto.keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": asn1crypto.keys.ECDomainParameters(
                    name="specified",
                    value={
                        "version": "ecdpVer1",
                        "field_id": {
                            "field_type": "prime_field",
                            "parameters": _BP224.p,
                        },
                        "curve": {
                            "a": _BP224.a.to_bytes(28),
                            "b": _BP224.b.to_bytes(28),
                        },
                        "base": b"\x04" + g[0].to_bytes(28) + g[1].to_bytes(28),
                        "order": _BP224.n,
                        "cofactor": 1,
                    },
                ),
            },
            "public_key": b"\x04" + g[0].to_bytes(28) + g[1].to_bytes(28),
        }
    )
    with pytest.raises(KeyMaterialError):
        VerifyingKey.from_spki_der(info.dump())


# brainpoolP256r1 (RFC 5639 3.4): both cryptography and the pure verifier can do it,
# so the pure code is checked against an independent implementation.
_BP256 = _ecverify.Curve(
    name="brainpoolP256r1",
    oid="1.3.36.3.3.2.8.1.1.7",
    p=0xA9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377,
    a=0x7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9,
    b=0x26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6,
    gx=0x8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262,
    gy=0x547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997,
    n=0xA9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7,
)


@settings(max_examples=25, deadline=None)
@given(st.integers(1, _BP256.n - 1), st.binary(max_size=64), st.integers(0, 63))
def test_pure_verifier_agrees_with_cryptography(
    scalar: int, message: bytes, flip: int
) -> None:
    assert _ecverify.curve_is_consistent(_BP256)
    key = ec.derive_private_key(scalar, ec.BrainpoolP256R1())
    nums = key.public_key().public_numbers()
    point = (nums.x, nums.y)
    r, s = decode_dss_signature(key.sign(message, ec.ECDSA(hashes.SHA256())))
    sig = r.to_bytes(32) + s.to_bytes(32)
    assert _ecverify.verify(_BP256, point, message, sig, "sha256")
    bad = bytearray(sig)
    bad[flip] ^= 0x01
    assert not _ecverify.verify(_BP256, point, message, bytes(bad), "sha256")
    assert not _ecverify.verify(_BP256, point, message + b"x", sig, "sha256")
    assert not _ecverify.verify(_BP256, point, message, sig[:-1], "sha256")
    assert not _ecverify.verify(_BP256, point, message, bytes(64), "sha256")


def test_pure_verifier_truncates_long_hashes() -> None:
    # SHA-512 over a 256-bit order: the leftmost 256 bits are used (SEC 1 4.1.4).
    key = ec.derive_private_key(99, ec.BrainpoolP256R1())
    nums = key.public_key().public_numbers()
    r, s = decode_dss_signature(key.sign(b"m", ec.ECDSA(hashes.SHA512())))
    assert _ecverify.verify(
        _BP256, (nums.x, nums.y), b"m", r.to_bytes(32) + s.to_bytes(32), "sha512"
    )


# ------------------------------------------------------------------- secret keys


@pytest.mark.parametrize("purpose", ["watermark", "cdp"])
def test_secret_key_round_trip(tmp_path: Path, purpose: str) -> None:
    key = generate_secret_key(purpose)
    assert len(key.material) == 32
    assert len(key.key_id) == 16
    assert key.material.hex() not in repr(key)
    assert "material" not in repr(key)
    path = tmp_path / f"{purpose}.key"
    save_secret_key(path, key, banner="NOT FOR PRODUCTION")
    assert _mode(path) == 0o600
    text = path.read_text()
    assert text.startswith("# NOT FOR PRODUCTION\ndocsec-secret-key v1 ")
    assert load_secret_key(path) == key


def test_secret_key_id_depends_on_purpose_and_material() -> None:
    material = bytes(range(32))
    a = SecretKey.from_material("watermark", material)
    b = SecretKey.from_material("cdp", material)
    c = SecretKey.from_material("cdp", bytes(32))
    assert len({a.key_id, b.key_id, c.key_id}) == 3
    assert a.key_id == SecretKey.from_material("watermark", material).key_id


def test_secret_key_validation() -> None:
    with pytest.raises(KeyMaterialError, match="purpose"):
        generate_secret_key("signing")
    with pytest.raises(KeyMaterialError, match="purpose"):
        SecretKey("x", "0" * 16, bytes(32))
    with pytest.raises(KeyMaterialError, match="32 bytes"):
        SecretKey("cdp", "0" * 16, bytes(31))
    with pytest.raises(KeyMaterialError, match="does not match"):
        SecretKey("cdp", "0" * 16, bytes(32))


@pytest.mark.parametrize(
    ("content", "match"),
    [
        ("", "expected a header line"),
        ("docsec-secret-key v2 purpose=cdp id=0011223344556677\nAAAA\n", "version"),
        ("hello\nAAAA\n", "bad header"),
        ("docsec-secret-key v1 purpose=cdp id=0011223344556677\n!!!!\n", "base64"),
        ("docsec-secret-key v1 purpose=cdp id=0011223344556677\nAAAA\n", "32 bytes"),
        (
            "docsec-secret-key v1 purpose=cdp id=0011223344556677\n"
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "does not match",
        ),
        (
            "docsec-secret-key v1 purpose=ink id=0011223344556677\n"
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
            "purpose",
        ),
    ],
)
def test_load_secret_key_errors(tmp_path: Path, content: str, match: str) -> None:
    path = tmp_path / "s.key"
    path.write_text(content)
    with pytest.raises(KeyMaterialError, match=match):
        load_secret_key(path)


def test_load_secret_key_not_utf8_or_missing(tmp_path: Path) -> None:
    path = tmp_path / "s.key"
    path.write_bytes(b"\xff\xfe")
    with pytest.raises(KeyMaterialError, match="UTF-8"):
        load_secret_key(path)
    with pytest.raises(KeyMaterialError, match="cannot read"):
        load_secret_key(tmp_path / "missing.key")


# ------------------------------------------------------------- rarely taken paths


def test_unknown_spki_algorithm_and_curve() -> None:
    import asn1crypto.keys  # type: ignore[import-untyped]

    body = bytes.fromhex("300506032a0304") + bytes.fromhex("030b00") + b"\x01" * 10
    der = bytes((0x30, len(body))) + body
    with pytest.raises(KeyMaterialError, match="unsupported public key algorithm"):
        VerifyingKey.from_spki_der(der)
    info = asn1crypto.keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": asn1crypto.keys.ECDomainParameters(
                    name="named", value="1.3.36.3.3.2.8.1.1.1"
                ),
            },
            "public_key": b"\x04" + b"\x01" * 40,
        }
    )
    with pytest.raises(KeyMaterialError, match="brainpoolp160r1"):
        VerifyingKey.from_spki_der(info.dump())


def test_brainpool_p224r1_private_key_is_unsupported() -> None:
    import asn1crypto.keys  # type: ignore[import-untyped]

    info = asn1crypto.keys.PrivateKeyInfo(
        {
            "version": 0,
            "private_key_algorithm": {
                "algorithm": "ec",
                "parameters": asn1crypto.keys.ECDomainParameters(
                    name="named", value=_BP224.oid
                ),
            },
            "private_key": asn1crypto.keys.ECPrivateKey(
                {"version": "ecPrivkeyVer1", "private_key": 12345}
            ),
        }
    )
    with pytest.raises(KeyMaterialError, match="unsupported"):
        load_private_key(info.dump(), passphrase=None)


def test_write_failure_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "dir"
    target.mkdir()
    with pytest.raises(KeyMaterialError, match="cannot write"):
        save_private_key(
            target, generate_signing_key(), passphrase=None, overwrite=True
        )
    assert [p.name for p in tmp_path.iterdir()] == ["dir"]
    assert list(target.iterdir()) == []


def test_ecverify_edge_cases() -> None:
    g = (_BP224.gx, _BP224.gy)
    assert not _BP224.contains((_BP224.p, 0))
    assert (
        _ecverify.decode_point(_BP224, b"\x04" + _BP224.p.to_bytes(28) + bytes(28))
        is None
    )
    assert _ecverify._add(_BP224, g, None) == g
    assert _ecverify._add(_BP224, None, g) == g
    assert _ecverify._add(_BP224, g, (g[0], _BP224.p - g[1])) is None
    # A prime with p = 1 (mod 4): compressed points are not supported there.
    toy = _ecverify.Curve("toy", "1.2.3", p=13, a=1, b=1, gx=0, gy=1, n=1)
    assert _ecverify.decode_point(toy, b"\x02\x00") is None
    # u1*G + u2*Q at infinity: Q = G, s = 1, r = n - e.
    import hashlib

    e = int.from_bytes(hashlib.sha224(b"m").digest())
    r = (_BP224.n - e) % _BP224.n
    sig = r.to_bytes(28) + (1).to_bytes(28)
    assert not _ecverify.verify(_BP224, g, b"m", sig, "sha224")
