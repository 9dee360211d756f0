"""Tests for docsec.trust (loading, validation, revocation), docsec.pki and docsec.demo."""

from __future__ import annotations

import importlib.util
import logging
import stat
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from docsec.demo import write_demo_world
from docsec.errors import ConfigurationError, KeyMaterialError
from docsec.pki import (
    create_crl,
    create_issuer_certificate,
    create_root_ca,
    save_certificate,
)
from docsec.trust import (
    DOCUMENT_SIGNING_OID,
    CertificateValidation,
    TrustStore,
    certificate_reference,
    load_certificate,
    signer_identifier,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _root(
    key: ec.EllipticCurvePrivateKey,
    *,
    name: str = "KR Demo Root",
    valid_from: datetime = NOW - 10 * DAY,
    valid_days: int = 3650,
) -> x509.Certificate:
    return create_root_ca(
        country="KR",
        common_name=name,
        organization="Ministry (TEST)",
        key=key,
        valid_from=valid_from,
        valid_days=valid_days,
    )


def _issuer(
    root: x509.Certificate,
    root_key: ec.EllipticCurvePrivateKey,
    *,
    valid_from: datetime = NOW - 5 * DAY,
    valid_days: int = 365,
    serial: int | None = None,
    code: str = "GN",
) -> x509.Certificate:
    return create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=_key().public_key(),
        country="KR",
        signer_code=code,
        organization="Gangnam-gu Office (TEST)",
        valid_from=valid_from,
        valid_days=valid_days,
        serial=serial,
    )


@dataclass
class Pki:
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    issuer: x509.Certificate


@pytest.fixture(scope="module")
def pki() -> Pki:
    root_key = _key()
    root = _root(root_key)
    return Pki(root_key, root, _issuer(root, root_key, serial=0x1A2B3C4D5E6F))


def _pem(*items: x509.Certificate | x509.CertificateRevocationList) -> bytes:
    return b"".join(item.public_bytes(Encoding.PEM) for item in items)


# ---------------------------------------------------------------- creation


def test_root_ca_extensions(pki: Pki) -> None:
    ext = pki.root.extensions
    bc = ext.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical
    assert (bc.value.ca, bc.value.path_length) == (True, 0)
    ku = ext.get_extension_for_class(x509.KeyUsage)
    assert ku.critical
    assert ku.value.key_cert_sign
    assert ku.value.crl_sign
    assert not ku.value.digital_signature
    ext.get_extension_for_class(x509.SubjectKeyIdentifier)
    pki.root.verify_directly_issued_by(pki.root)
    assert isinstance(pki.root.signature_hash_algorithm, hashes.SHA256)


def test_issuer_certificate_extensions(pki: Pki) -> None:
    ext = pki.issuer.extensions
    bc = ext.get_extension_for_class(x509.BasicConstraints)
    assert bc.critical
    assert bc.value.ca is False
    ku = ext.get_extension_for_class(x509.KeyUsage)
    assert ku.critical
    assert ku.value.digital_signature
    assert ku.value.content_commitment
    assert not ku.value.key_cert_sign
    eku = ext.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.EMAIL_PROTECTION, DOCUMENT_SIGNING_OID]
    aki = ext.get_extension_for_class(x509.AuthorityKeyIdentifier).value
    root_ski = pki.root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)
    assert aki.key_identifier == root_ski.value.digest
    ext.get_extension_for_class(x509.SubjectKeyIdentifier)
    pki.issuer.verify_directly_issued_by(pki.root)
    assert (
        pki.issuer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "GN"
    )


def test_signer_identifier_and_reference(pki: Pki) -> None:
    assert signer_identifier(pki.issuer) == "KRGN"
    assert certificate_reference(pki.issuer) == "1A2B3C4D5E6F"
    with pytest.raises(KeyMaterialError, match="seal signer"):
        signer_identifier(pki.root)  # CN is not 2 characters


def test_random_serial_is_six_bytes_and_twelve_hex_digits(pki: Pki) -> None:
    for _ in range(20):
        cert = _issuer(pki.root, pki.root_key)
        ref = certificate_reference(cert)
        assert len(ref) == 12
        assert ref[0] != "0"
        assert 0 < cert.serial_number < 0x80 << 40


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"country": "kr"}, "country"),
        ({"country": "KOR"}, "country"),
        ({"signer_code": "G"}, "signer_code"),
        ({"signer_code": "g n"}, "signer_code"),
        ({"serial": 0}, "serial"),
        ({"serial": 1 << 160}, "serial"),
        ({"valid_days": 0}, "valid_days"),
        ({"valid_from": datetime(2026, 1, 1)}, "timezone"),
    ],
)
def test_issuer_certificate_rejects_bad_options(
    pki: Pki, kwargs: dict[str, object], message: str
) -> None:
    args: dict[str, object] = {
        "root_cert": pki.root,
        "root_key": pki.root_key,
        "issuer_public_key": _key().public_key(),
        "country": "KR",
        "signer_code": "GN",
        "organization": None,
        "valid_from": NOW,
        "valid_days": 10,
        "serial": None,
    }
    args.update(kwargs)
    with pytest.raises(ConfigurationError, match=message):
        create_issuer_certificate(**args)  # type: ignore[arg-type]


def test_root_rejects_bad_country() -> None:
    with pytest.raises(ConfigurationError, match="country"):
        create_root_ca(
            country="Korea",
            common_name="x",
            organization=None,
            key=_key(),
            valid_from=NOW,
            valid_days=1,
        )


def test_crl_rejects_bad_dates(pki: Pki) -> None:
    with pytest.raises(ConfigurationError, match="after"):
        create_crl(
            root_cert=pki.root,
            root_key=pki.root_key,
            revoked=(),
            last_update=NOW,
            next_update=NOW,
        )


# -------------------------------------------------------------- validation


def test_root_to_issuer_chain_validates(pki: Pki) -> None:
    store = TrustStore.from_certificates([pki.root])
    check = store.validate(pki.issuer, at=NOW)
    assert check.chain_ok
    assert check.valid_at
    assert check.key_usage_ok
    assert check.revoked is None
    assert check.reasons == ("crl-missing",)
    assert check.path == (pki.issuer, pki.root)
    assert check.ok(require_crl=False)
    assert not check.ok(require_crl=True)


def test_validation_result_is_not_truthy(pki: Pki) -> None:
    check = TrustStore.from_certificates([pki.root]).validate(pki.issuer, at=NOW)
    with pytest.raises(TypeError, match="ok"):
        bool(check)


def test_validate_requires_aware_time(pki: Pki) -> None:
    store = TrustStore.from_certificates([pki.root])
    with pytest.raises(ConfigurationError, match="timezone"):
        store.validate(pki.issuer, at=datetime(2026, 1, 1))


def test_empty_crl_gives_not_revoked(pki: Pki) -> None:
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=(),
        last_update=NOW - DAY,
        next_update=NOW + 30 * DAY,
    )
    check = TrustStore.from_certificates([pki.root], [crl]).validate(pki.issuer, at=NOW)
    assert check.revoked is False
    assert check.reasons == ()
    assert check.ok(require_crl=True)


def test_issuer_signed_by_untrusted_root_fails(pki: Pki) -> None:
    # Same root *name*, different key: only the signature tells them apart.
    other_key = _key()
    other_root = _root(other_key)
    forged = _issuer(other_root, other_key)
    check = TrustStore.from_certificates([pki.root]).validate(forged, at=NOW)
    assert not check.chain_ok
    assert "untrusted-issuer" in check.reasons
    assert check.path == (forged,)
    assert not check.ok(require_crl=False)


def test_issuer_of_unknown_root_name_fails(pki: Pki) -> None:
    other_key = _key()
    stranger = _issuer(_root(other_key, name="Elsewhere Root"), other_key)
    check = TrustStore.from_certificates([pki.root]).validate(stranger, at=NOW)
    assert check.reasons[0] == "untrusted-issuer"
    assert not check.ok(require_crl=False)


def test_certificate_expired_and_not_yet_valid(pki: Pki) -> None:
    store = TrustStore.from_certificates([pki.root])
    cert = _issuer(pki.root, pki.root_key, valid_from=NOW - 5 * DAY, valid_days=10)
    assert store.validate(cert, at=NOW).ok(require_crl=False)

    late = store.validate(cert, at=NOW + 6 * DAY)
    assert late.chain_ok
    assert not late.valid_at
    assert "certificate-expired" in late.reasons
    assert not late.ok(require_crl=False)

    early = store.validate(cert, at=NOW - 6 * DAY)
    assert not early.valid_at
    assert "certificate-not-yet-valid" in early.reasons
    assert not early.ok(require_crl=False)


def test_expired_root_fails_the_path() -> None:
    root_key = _key()
    root = _root(root_key, valid_from=NOW - 100 * DAY, valid_days=50)
    cert = _issuer(root, root_key, valid_from=NOW - 5 * DAY, valid_days=10)
    check = TrustStore.from_certificates([root]).validate(cert, at=NOW)
    assert check.chain_ok
    assert not check.valid_at
    assert check.reasons[0] == "certificate-expired"


def test_ca_certificate_as_signer_fails_key_usage(pki: Pki) -> None:
    check = TrustStore.from_certificates([pki.root]).validate(pki.root, at=NOW)
    assert check.chain_ok  # it is an anchor ...
    assert not check.key_usage_ok  # ... but a CA must not sign seals
    assert "key-usage" in check.reasons
    assert not check.ok(require_crl=False)


def test_signer_without_digital_signature_fails_key_usage(pki: Pki) -> None:
    key = _key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "KE"),
                ]
            )
        )
        .issuer_name(pki.root.subject)
        .public_key(key.public_key())
        .serial_number(77)
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + DAY)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=True,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(pki.root_key, hashes.SHA256())
    )
    check = TrustStore.from_certificates([pki.root]).validate(cert, at=NOW)
    assert check.chain_ok
    assert check.reasons == ("key-usage", "crl-missing")


def test_non_ca_anchor_cannot_issue(pki: Pki) -> None:
    # An office certificate trusted on its own vouches only for itself.
    key = _key()
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "XX")]))
        .issuer_name(pki.issuer.subject)
        .public_key(key.public_key())
        .serial_number(5)
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + DAY)
        .sign(key, hashes.SHA256())
    )
    check = TrustStore.from_certificates([pki.issuer]).validate(leaf, at=NOW)
    assert not check.chain_ok
    assert "untrusted-issuer" in check.reasons


def test_signer_that_is_an_anchor_itself(pki: Pki) -> None:
    check = TrustStore.from_certificates([pki.issuer]).validate(pki.issuer, at=NOW)
    assert check.chain_ok
    assert check.path == (pki.issuer,)
    assert check.revoked is None
    assert check.ok(require_crl=False)


def test_anchor_ca_path_is_preferred_so_its_crl_applies(pki: Pki) -> None:
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=[(pki.issuer.serial_number, NOW - DAY)],
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    store = TrustStore.from_certificates([pki.issuer, pki.root], [crl])
    check = store.validate(pki.issuer, at=NOW)
    assert check.path == (pki.issuer, pki.root)
    assert check.revoked is True


@pytest.mark.parametrize("revoked_at", [NOW - 2 * DAY, NOW + 2 * DAY])
def test_revoked_via_crl_whatever_the_date(pki: Pki, revoked_at: datetime) -> None:
    # Revocation after the seal's (self-declared) signing date still counts.
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=[(12345, NOW), (pki.issuer.serial_number, revoked_at)],
        last_update=NOW - DAY,
        next_update=NOW + 30 * DAY,
    )
    check = TrustStore.from_certificates([pki.root], [crl]).validate(pki.issuer, at=NOW)
    assert check.revoked is True
    assert check.reasons == ("revoked",)
    assert not check.ok(require_crl=False)
    assert not check.ok(require_crl=True)


@pytest.mark.parametrize("claims_root_key_id", [True, False])
def test_crl_signed_by_wrong_key_is_ignored(pki: Pki, claims_root_key_id: bool) -> None:
    # Same issuer name as the root; either it also claims the root's key id (a
    # forgery) or it names another key (e.g. a re-keyed root): never evidence.
    named_for = pki.root if claims_root_key_id else _root(_key())
    crl = create_crl(
        root_cert=named_for,
        root_key=_key(),
        revoked=[(pki.issuer.serial_number, NOW - DAY)],
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    assert crl.issuer == pki.root.subject
    store = TrustStore.from_certificates([pki.root], [crl])
    check = store.validate(pki.issuer, at=NOW)
    assert check.revoked is None
    assert check.reasons == ("crl-unusable",)


@pytest.mark.parametrize(
    ("key", "hash_name"),
    [
        (ec.generate_private_key(ec.SECP384R1()), "sha384"),
        (ec.generate_private_key(ec.SECP521R1()), "sha512"),
        (ed25519.Ed25519PrivateKey.generate(), None),
    ],
)
def test_other_root_key_types(
    key: ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey, hash_name: str | None
) -> None:
    root = create_root_ca(
        country="KR",
        common_name="Root",
        organization=None,
        key=key,
        valid_from=NOW - DAY,
        valid_days=30,
    )
    algorithm = root.signature_hash_algorithm
    assert (algorithm.name if algorithm else None) == hash_name
    issuer = create_issuer_certificate(
        root_cert=root,
        root_key=key,
        issuer_public_key=_key().public_key(),
        country="KR",
        signer_code="GN",
        organization=None,
        valid_from=NOW - DAY,
        valid_days=10,
    )
    crl = create_crl(
        root_cert=root,
        root_key=key,
        revoked=[(issuer.serial_number, NOW)],
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    check = TrustStore.from_certificates([root], [crl]).validate(issuer, at=NOW)
    assert check.chain_ok
    assert check.revoked is True


def test_root_without_subject_key_identifier(pki: Pki) -> None:
    # A foreign root without SKI: the issuer's AKI is computed from the root key.
    key = _key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "No SKI Root")])
    root = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + 10 * DAY)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    issuer = _issuer(root, key)
    crl = create_crl(
        root_cert=root,
        root_key=key,
        revoked=(),
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    check = TrustStore.from_certificates([root], [crl]).validate(issuer, at=NOW)
    assert check.ok(require_crl=True)


def test_crl_rejects_naive_revocation_date(pki: Pki) -> None:
    with pytest.raises(ConfigurationError, match="timezone"):
        create_crl(
            root_cert=pki.root,
            root_key=pki.root_key,
            revoked=[(5, datetime(2026, 1, 1))],
            last_update=NOW,
            next_update=NOW + DAY,
        )


def test_crl_of_another_issuer_is_ignored(pki: Pki) -> None:
    other_key = _key()
    other = _root(other_key, name="Other Root")
    crl = create_crl(
        root_cert=other,
        root_key=other_key,
        revoked=[(pki.issuer.serial_number, NOW - DAY)],
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    check = TrustStore.from_certificates([pki.root, other], [crl]).validate(
        pki.issuer, at=NOW
    )
    assert check.revoked is None


def test_issuer_candidates_respect_key_identifiers(pki: Pki) -> None:
    twin = _root(_key())  # same subject, different SKI
    store = TrustStore.from_certificates([twin, pki.root])
    assert store.issuer_candidates(pki.issuer) == [pki.root]
    assert store.validate(pki.issuer, at=NOW).path == (pki.issuer, pki.root)


# ------------------------------------------------------------- trust store


def test_from_certificates_needs_an_anchor() -> None:
    with pytest.raises(KeyMaterialError, match="no trust anchors"):
        TrustStore.from_certificates([])


def test_load_pem_bundle_der_and_crl_files(pki: Pki, tmp_path: Path) -> None:
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=(),
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    other = _issuer(pki.root, pki.root_key, code="SC")
    # One PEM file with two certificates and a CRL block, with text around them.
    (tmp_path / "bundle.pem").write_bytes(
        b"Korea demo bundle\n" + _pem(pki.root, pki.issuer) + _pem(crl) + b"trailer\n"
    )
    (tmp_path / "office.der").write_bytes(other.public_bytes(Encoding.DER))
    (tmp_path / "dup.crt").write_bytes(_pem(pki.root))  # duplicate anchor
    (tmp_path / "root.crl").write_bytes(crl.public_bytes(Encoding.DER))
    (tmp_path / "README.txt").write_text("not a certificate")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "ignored.pem").write_bytes(b"garbage")

    store = TrustStore.load(tmp_path)
    assert set(store.anchors) == {pki.root, pki.issuer, other}
    assert len(store.anchors) == 3
    assert len(store.crls) == 2
    assert repr(store) == "TrustStore(anchors=3, crls=2)"
    assert store.validate(other, at=NOW).ok(require_crl=True)


def test_load_garbage_file_names_it(pki: Pki, tmp_path: Path) -> None:
    (tmp_path / "root.pem").write_bytes(_pem(pki.root))
    (tmp_path / "broken.cer").write_bytes(b"\x30\x03\x02\x01\x00 not DER")
    with pytest.raises(KeyMaterialError, match=r"broken\.cer"):
        TrustStore.load(tmp_path)


def test_load_corrupt_pem_block_names_it(pki: Pki, tmp_path: Path) -> None:
    pem = _pem(pki.root).replace(b"MII", b"MIX", 1)
    (tmp_path / "bad.pem").write_bytes(pem)
    with pytest.raises(KeyMaterialError, match=r"bad\.pem"):
        TrustStore.load(tmp_path)


def test_load_pem_without_certificates_is_an_error(
    pki: Pki, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "root.pem").write_bytes(_pem(pki.root))
    (tmp_path / "key.pem").write_bytes(
        _key().private_bytes(
            Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with (
        caplog.at_level(logging.WARNING, logger="docsec.trust"),
        pytest.raises(KeyMaterialError, match=r"key\.pem holds no certificate"),
    ):
        TrustStore.load(tmp_path)
    assert "PRIVATE KEY block" in caplog.text


def test_load_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match="no trust anchors"):
        TrustStore.load(tmp_path)


def test_load_folder_with_only_crls(pki: Pki, tmp_path: Path) -> None:
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=(),
        last_update=NOW - DAY,
        next_update=NOW + DAY,
    )
    (tmp_path / "root.crl.pem").write_bytes(_pem(crl))
    with pytest.raises(KeyMaterialError, match="no trust anchors"):
        TrustStore.load(tmp_path)


def test_load_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match="not a folder"):
        TrustStore.load(tmp_path / "nope")


def test_forged_signature_without_key_identifiers(pki: Pki) -> None:
    # No AKI to tell the keys apart: the signature check must catch it.
    key = _key()
    forged = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                    x509.NameAttribute(NameOID.COMMON_NAME, "GN"),
                ]
            )
        )
        .issuer_name(pki.root.subject)
        .public_key(key.public_key())
        .serial_number(pki.issuer.serial_number)
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + DAY)
        .sign(key, hashes.SHA256())
    )
    store = TrustStore.from_certificates([pki.root])
    assert store.issuer_candidates(forged) == [pki.root]
    check = store.validate(forged, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "bad-certificate-signature"


def test_find_signer_skips_certificates_without_country(pki: Pki) -> None:
    key = _key()
    no_country = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "GN")]))
        .issuer_name(pki.root.subject)
        .public_key(key.public_key())
        .serial_number(pki.issuer.serial_number)
        .not_valid_before(NOW - DAY)
        .not_valid_after(NOW + DAY)
        .sign(pki.root_key, hashes.SHA256())
    )
    with pytest.raises(KeyMaterialError, match="exactly one"):
        signer_identifier(no_country)
    store = TrustStore.from_certificates([no_country, pki.issuer])
    assert store.find_signer("KRGN", certificate_reference(pki.issuer)) == [pki.issuer]


def test_certificate_file_round_trip(pki: Pki, tmp_path: Path) -> None:
    save_certificate(tmp_path / "issuer.pem", pki.issuer)
    assert load_certificate(tmp_path / "issuer.pem") == pki.issuer
    (tmp_path / "issuer.der").write_bytes(pki.issuer.public_bytes(Encoding.DER))
    assert load_certificate(tmp_path / "issuer.der") == pki.issuer
    (tmp_path / "crl.pem").write_bytes(
        _pem(
            create_crl(
                root_cert=pki.root,
                root_key=pki.root_key,
                revoked=(),
                last_update=NOW,
                next_update=NOW + DAY,
            )
        )
    )
    with pytest.raises(KeyMaterialError, match="no certificate"):
        load_certificate(tmp_path / "crl.pem")
    (tmp_path / "junk.pem").write_bytes(b"junk")
    with pytest.raises(KeyMaterialError, match=r"junk\.pem"):
        load_certificate(tmp_path / "junk.pem")
    with pytest.raises(KeyMaterialError, match="cannot read"):
        load_certificate(tmp_path / "missing.pem")
    with pytest.raises(KeyMaterialError, match="cannot write"):
        save_certificate(tmp_path / "no" / "such" / "dir.pem", pki.issuer)


def test_find_signer(pki: Pki) -> None:
    store = TrustStore.from_certificates([pki.root, pki.issuer])
    assert store.find_signer("KRGN", "1A2B3C4D5E6F") == [pki.issuer]
    assert store.find_signer("krgn", "001a2b3c4d5e6f") == [pki.issuer]
    assert store.find_signer("KRGN", "1A2B3C4D5E60") == []
    assert store.find_signer("KRSC", "1A2B3C4D5E6F") == []
    assert store.find_signer("DEGN", "1A2B3C4D5E6F") == []


# -------------------------------------------------------------------- corpus


@pytest.mark.corpus
def test_corpus_certificates_load_as_anchors(corpus_dir: Path) -> None:
    store = TrustStore.load(corpus_dir / "vds" / "certs")  # includes DETS32
    (dets27,) = store.find_signer("DETS", "27")
    (utts5b,) = store.find_signer("UTTS", "5B")
    (dets32,) = store.find_signer("DETS", "32")
    assert {dets27, utts5b, dets32} <= set(store.anchors)

    summer_2021 = datetime(2021, 6, 1, tzinfo=UTC)
    then = store.validate(dets27, at=summer_2021)
    assert then.chain_ok
    assert then.path == (dets27,)  # its issuer "DE tsenger sealver TS" is not given
    assert then.ok(require_crl=False)
    assert then.reasons == ("crl-missing",)

    now = store.validate(dets27, at=NOW)
    assert not now.valid_at
    assert "certificate-expired" in now.reasons

    assert store.validate(utts5b, at=NOW).ok(require_crl=False)


@pytest.mark.corpus
def test_corpus_brainpool_p224_anchor_validates(corpus_dir: Path) -> None:
    # cryptography cannot load this key (public_key() raises), so validation must
    # not touch it: the seal signature itself is keys.VerifyingKey's business.
    der = (corpus_dir / "vds" / "certs" / "DETS32.der").read_bytes()
    dets32 = x509.load_der_x509_certificate(der)
    check = TrustStore.from_certificates([dets32]).validate(
        dets32, at=datetime(2021, 6, 1, tzinfo=UTC)
    )
    assert check.chain_ok
    assert check.reasons == ("crl-missing",)
    assert check.ok(require_crl=False)


@pytest.mark.corpus
def test_brainpool_issuer_key_is_checked(corpus_dir: Path) -> None:
    # A CA whose key is on brainpoolP224r1 (DETS32's key grafted into a CA
    # certificate): docsec's verifier checks its signatures, and the P-256
    # signature the certificate carries does not verify with that key.
    asn1_x509 = pytest.importorskip("asn1crypto.x509")
    ca_key = _key()
    ca = _root(ca_key, name="Grafted CA")
    grafted = asn1_x509.Certificate.load(ca.public_bytes(Encoding.DER))
    donor = asn1_x509.Certificate.load(
        (corpus_dir / "vds" / "certs" / "DETS32.der").read_bytes()
    )
    grafted["tbs_certificate"]["subject_public_key_info"] = donor["tbs_certificate"][
        "subject_public_key_info"
    ]
    weird_ca = x509.load_der_x509_certificate(grafted.dump(force=True))
    leaf = _issuer(weird_ca, ca_key)
    check = TrustStore.from_certificates([weird_ca]).validate(leaf, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "bad-certificate-signature"
    assert check.key_usage_ok


# ---------------------------------------------------------------- demo world


_HAVE_KEYS = importlib.util.find_spec("docsec.keys") is not None


@pytest.mark.skipif(not _HAVE_KEYS, reason="docsec.keys is not written yet")
def test_write_demo_world(tmp_path: Path) -> None:
    from docsec import keys

    world = write_demo_world(tmp_path / "demo", now=NOW)
    assert world.directory == tmp_path / "demo"
    for path in (world.root_key, world.issuer_key):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert "NOT FOR PRODUCTION" in path.read_text().split("-----BEGIN")[0]
    for path in (world.watermark_key, world.cdp_key):
        assert path.is_file()
    assert "NOT FOR PRODUCTION" in world.readme.read_text()

    store = TrustStore.load(world.trust_dir)
    root = x509.load_pem_x509_certificate(world.root_cert.read_bytes())
    issuer = x509.load_pem_x509_certificate(world.issuer_cert.read_bytes())
    assert root in store.anchors
    assert world.signer_identifier == "KRGN"
    assert store.find_signer("KRGN", world.certificate_reference) == [issuer]
    check = store.validate(issuer, at=NOW)
    assert check.path == (issuer, root)
    assert check.ok(require_crl=True)

    # Validity: root 20 years, issuer 5 years, starting a little before now.
    assert root.not_valid_before_utc < NOW
    assert root.not_valid_after_utc > NOW + timedelta(days=20 * 365)
    assert issuer.not_valid_after_utc > NOW + timedelta(days=5 * 365 - 2)
    assert issuer.not_valid_after_utc < NOW + timedelta(days=6 * 365)

    key = keys.load_private_key(world.issuer_key, passphrase=None)
    assert key.public_key().public_numbers() == issuer.public_key().public_numbers()  # type: ignore[union-attr]


@pytest.mark.skipif(not _HAVE_KEYS, reason="docsec.keys is not written yet")
def test_demo_world_refuses_to_overwrite(tmp_path: Path) -> None:
    first = write_demo_world(tmp_path, now=NOW)
    key_before = first.issuer_key.read_bytes()
    with pytest.raises(KeyMaterialError, match="overwrite"):
        write_demo_world(tmp_path, now=NOW)
    assert first.issuer_key.read_bytes() == key_before
    second = write_demo_world(tmp_path, now=NOW, overwrite=True)
    assert second.issuer_key.read_bytes() != key_before
    assert stat.S_IMODE(second.issuer_key.stat().st_mode) == 0o600
    store = TrustStore.load(second.trust_dir)
    (cert,) = store.find_signer("KRGN", second.certificate_reference)
    assert store.validate(cert, at=NOW).ok(require_crl=True)


def test_demo_world_rejects_naive_now(tmp_path: Path) -> None:
    if not _HAVE_KEYS:
        pytest.skip("docsec.keys is not written yet")
    with pytest.raises(ConfigurationError, match="timezone"):
        write_demo_world(tmp_path, now=datetime(2026, 1, 1))


def test_certificate_validation_fields_are_frozen(pki: Pki) -> None:
    check = TrustStore.from_certificates([pki.root]).validate(pki.issuer, at=NOW)
    assert isinstance(check, CertificateValidation)
    with pytest.raises(AttributeError):
        check.chain_ok = False  # type: ignore[misc]


# ---------------------------------------------------------------- fingerprint


def test_fingerprint_is_stable_and_tracks_anchors_and_crls(pki: Pki) -> None:
    other_key = _key()
    other = _root(other_key, name="KR Other Root")
    crl = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=(),
        last_update=NOW - DAY,
        next_update=NOW + 30 * DAY,
    )
    base = TrustStore.from_certificates([pki.root, other], [crl])
    fp = base.fingerprint
    assert len(fp) == 64
    assert fp == fp.lower()
    int(fp, 16)
    # Order, duplicates and intermediates do not change what is trusted.
    same = TrustStore.from_certificates([other, pki.root, other], [crl, crl])
    assert same.fingerprint == fp
    with_path = TrustStore.from_certificates([pki.root, other], [crl], [pki.issuer])
    assert with_path.fingerprint == fp
    # An anchor or a CRL more, less or re-issued does.
    reissued = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=[(pki.issuer.serial_number, NOW - DAY)],
        last_update=NOW - DAY,
        next_update=NOW + 30 * DAY,
    )
    others = {
        TrustStore.from_certificates([pki.root], [crl]).fingerprint,
        TrustStore.from_certificates([pki.root, other]).fingerprint,
        TrustStore.from_certificates([pki.root, other], [reissued]).fingerprint,
        TrustStore.from_certificates([pki.root, other], [crl, reissued]).fingerprint,
    }
    assert fp not in others
    assert len(others) == 4
    # An anchor's DER is not confused with a CRL's.
    assert (
        TrustStore.from_certificates([pki.root]).fingerprint
        != TrustStore.from_certificates([pki.root, other]).fingerprint
    )


def test_fingerprint_of_a_loaded_folder(pki: Pki, tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "root.pem").write_bytes(_pem(pki.root))
    (tmp_path / "b" / "copy-of-root.der").write_bytes(
        pki.root.public_bytes(Encoding.DER)
    )
    assert (
        TrustStore.load(tmp_path / "a").fingerprint
        == TrustStore.load(tmp_path / "b").fingerprint
        == TrustStore.from_certificates([pki.root]).fingerprint
    )
