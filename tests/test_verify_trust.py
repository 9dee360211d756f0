"""Trust decisions through the seal verifier: evidence, references, PDF certificates.

NOT AUTHENTIC needs evidence (a signature that fails with a known key, revocation,
expiry, a certificate the path rejects); a signer the verifier cannot place is
INCONCLUSIVE. Every signer-certificate reference form resolves.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding

from docsec import seal as _seal
from docsec import trust
from docsec.pki import create_crl, create_issuer_certificate
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict
from docsec.verify import verify_pdf, verify_seal_bytes
from tests.pki import T0, Pki, make_pki, sample_data, seal_for

AT = date(2026, 3, 10)


def _status(result, name: str) -> CheckStatus | None:  # type: ignore[no-untyped-def]
    c = result.check(name)
    return None if c is None else c.status


def _crl(pki: Pki, revoked: tuple[int, ...] = ()) -> x509.CertificateRevocationList:
    return create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=[(s, T0) for s in revoked],
        last_update=T0,
        next_update=T0 + timedelta(days=365),
    )


def _with_reference(pki: Pki, reference: str, *, signer: str = "KRGN") -> bytes:
    """A seal of ``pki`` whose header names ``signer`` / ``reference``."""
    parsed = _seal.parse_unverified(seal_for(pki))
    h = parsed.header
    header = _seal.make_header(
        issuing_country=h.issuing_country,
        signer_identifier=signer,
        certificate_reference=reference,
        issue_date=h.issue_date,
        signature_date=h.signature_date,
        feature_def_ref=h.feature_def_ref,
        doc_type_category=h.doc_type_category,
    )
    return _seal.sign(header, parsed.messages, pki.key)


@pytest.fixture(scope="module")
def pki() -> Pki:
    return make_pki()


# ------------------------------------------------------------- evidence or not


def test_signer_in_intermediates_chains_to_the_root(pki: Pki) -> None:
    store = trust.TrustStore.from_certificates([pki.root], [_crl(pki)], [pki.cert])
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    assert _status(r, "revocation") is CheckStatus.PASS


def test_signer_known_but_not_chaining_is_inconclusive(pki: Pki) -> None:
    # The office certificate is at hand (intermediates/) but its root is not.
    other = make_pki()
    store = trust.TrustStore.from_certificates([other.root], [], [pki.cert])
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert _status(r, "signature") is CheckStatus.PASS
    assert _status(r, "signer_certificate") is CheckStatus.INCONCLUSIVE
    assert r.reasons == ("untrusted-issuer",)
    check = r.check("signer_certificate")
    assert check is not None
    assert "update the trust folder" in check.detail


def test_untrusted_candidate_that_does_not_verify_is_inconclusive(pki: Pki) -> None:
    # A certificate of the same name and serial that chains nowhere: the failed
    # signature proves nothing about the seal.
    twin = make_pki(serial=pki.cert.serial_number)
    store = trust.TrustStore.from_certificates([make_pki().root], [], [twin.cert])
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("unknown-signer",)
    # The same certificate chaining to a trusted root is evidence: forged.
    store = trust.TrustStore.from_certificates([twin.root], [], [twin.cert])
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("forged-seal",)


def test_revoked_signer_is_not_authentic(pki: Pki) -> None:
    store = trust.TrustStore.from_certificates(
        [pki.root], [_crl(pki, (pki.cert.serial_number,))], [pki.cert]
    )
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("revoked",)


def test_stale_crl_is_not_a_pass(pki: Pki) -> None:
    stale = create_crl(
        root_cert=pki.root,
        root_key=pki.root_key,
        revoked=(),
        last_update=T0 - timedelta(days=60),
        next_update=T0 - timedelta(days=30),
    )
    store = trust.TrustStore.from_certificates([pki.root, pki.cert], [stale])
    r = verify_seal_bytes(
        seal_for(pki), policy=VerifyPolicy.seal(store, require_revocation=True), at=AT
    )
    assert r.verdict is Verdict.INCONCLUSIVE
    assert r.reasons == ("crl-unusable",)


def test_certificate_the_path_rejects_is_not_authentic(pki: Pki) -> None:
    # The signer certificate names the trusted root as issuer, but the root did
    # not sign it: evidence of a forged certificate.
    key = ec.generate_private_key(ec.SECP256R1())
    forged = (
        x509.CertificateBuilder()
        .subject_name(pki.cert.subject)
        .issuer_name(pki.root.subject)
        .public_key(pki.key.public_key())
        .serial_number(pki.cert.serial_number)
        .not_valid_before(pki.cert.not_valid_before_utc)
        .not_valid_after(pki.cert.not_valid_after_utc)
        .sign(key, hashes.SHA256())
    )
    store = trust.TrustStore.from_certificates([pki.root], [], [forged])
    r = verify_seal_bytes(seal_for(pki), policy=VerifyPolicy.seal(store), at=AT)
    assert _status(r, "signature") is CheckStatus.PASS
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("bad-certificate-signature",)


# ------------------------------------------------------------ reference forms


def test_serial_reference_v3_and_v4(pki: Pki) -> None:
    ref = trust.certificate_reference(pki.cert)
    store = trust.TrustStore.from_certificates([pki.root, pki.cert])
    # v4 with leading zeros and lower case as well.
    for written in (ref, "000" + ref, ref.lower()):
        data = _with_reference(pki, written.upper())
        r = verify_seal_bytes(data, policy=VerifyPolicy.seal(store), at=AT)
        assert r.verdict is Verdict.AUTHENTIC, (written, r.reasons)
    assert store.find_signer("krgn", ref.lower()) == [pki.cert]
    # v3: a 5-character reference, zero-padded.
    small = make_pki(serial=0x5B)
    store = trust.TrustStore.from_certificates([small.root, small.cert])
    assert store.find_signer("KRGN", "0005B") == [small.cert]
    assert store.find_signer("KRGN", "0005C") == []
    assert store.find_signer("KRSC", "0005B") == []


@pytest.mark.parametrize("algorithm", ["sha1", "sha224", "sha256", "sha384", "sha512"])
def test_certificate_digest_reference(pki: Pki, algorithm: str) -> None:
    digest = hashlib.new(algorithm, pki.cert.public_bytes(Encoding.DER))
    ref = digest.hexdigest().upper()
    store = trust.TrustStore.from_certificates([pki.root], [_crl(pki)], [pki.cert])
    assert store.find_signer("KRGN", ref) == [pki.cert]
    assert store.find_signer("KRGN", ref.lower()) == [pki.cert]
    assert store.find_signer("KRSC", ref) == []  # the subject names KRGN
    assert store.find_signer("KRGN", ref[:-1] + ("0" if ref[-1] != "0" else "1")) == []
    data = _with_reference(pki, ref)
    r = verify_seal_bytes(data, policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    assert r.content is not None
    assert r.content.certificate_reference == ref


def test_registered_reference(pki: Pki, tmp_path: Path) -> None:
    uuid_hex = "3F2504E04F8911D39A0C0305E82C3301"
    store = trust.TrustStore.from_certificates(
        [pki.root], [_crl(pki)], [], references=[("DEZV", uuid_hex, pki.cert)]
    )
    assert store.find_signer("DEZV", uuid_hex) == [pki.cert]
    data = _with_reference(pki, uuid_hex, signer="DEZV")
    r = verify_seal_bytes(data, policy=VerifyPolicy.seal(store), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    # The registered certificate is trusted through its path, like any other.
    lone = trust.TrustStore.from_certificates(
        [make_pki().root], [], [], references=[("DEZV", uuid_hex, pki.cert)]
    )
    r = verify_seal_bytes(data, policy=VerifyPolicy.seal(lone), at=AT)
    assert r.verdict is Verdict.INCONCLUSIVE
    # A trust folder registers it by file name.
    (tmp_path / "root.pem").write_bytes(pki.root.public_bytes(Encoding.PEM))
    (tmp_path / "intermediates").mkdir()
    (tmp_path / "intermediates" / f"DEZV_{uuid_hex}.pem").write_bytes(
        pki.cert.public_bytes(Encoding.PEM)
    )
    loaded = trust.TrustStore.load(tmp_path)
    assert loaded.find_signer("DEZV", uuid_hex) == [pki.cert]
    assert loaded.find_signer("DEZV", uuid_hex[:-1] + "0") == []
    r = verify_seal_bytes(data, policy=VerifyPolicy.seal(loaded), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons


def test_registered_reference_file_must_hold_one_certificate(
    pki: Pki, tmp_path: Path
) -> None:
    (tmp_path / "root.pem").write_bytes(pki.root.public_bytes(Encoding.PEM))
    (tmp_path / "DEZV_0A0B.pem").write_bytes(
        pki.cert.public_bytes(Encoding.PEM) + pki.root.public_bytes(Encoding.PEM)
    )
    with pytest.raises(trust.KeyMaterialError, match="holds 2 certificates"):
        trust.TrustStore.load(tmp_path)


# ---------------------------------------------------------------- PDF signatures


def test_pdf_verifies_with_a_root_only_trust_folder(pki: Pki) -> None:
    from docsec import issue

    day = date(2026, 3, 1)
    data = sample_data(
        issue_date=day.isoformat(), valid_until=(day + timedelta(days=90)).isoformat()
    )
    pdf = issue(data, key=pki.key, cert=pki.cert, signature_date=day)
    root_only = trust.TrustStore.from_certificates([pki.root], [_crl(pki)])
    at = AT
    r = verify_pdf(pdf, policy=VerifyPolicy.seal(root_only), at=at)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    assert _status(r, "signer_certificate") is CheckStatus.PASS
    assert _status(r, "seal_pdf_signer_match") is CheckStatus.PASS
    # A root the verifier does not hold: the seal on the page is neither proved
    # nor disproved (the verdict also carries the PDF signature's own check).
    stranger = trust.TrustStore.from_certificates([make_pki().root])
    r = verify_pdf(pdf, policy=VerifyPolicy.seal(stranger), at=at)
    assert r.verdict is not Verdict.AUTHENTIC
    assert _status(r, "signature") is CheckStatus.PASS
    assert _status(r, "signer_certificate") is CheckStatus.INCONCLUSIVE


def test_pdf_of_an_office_under_an_intermediate_ca() -> None:
    # Root -> sub-CA (in the trust folder's intermediates/) -> office: the PDF
    # signature and the seal on its page both chain through the sub-CA.
    from cryptography.x509.oid import NameOID

    from docsec import issue

    start = datetime(2026, 1, 1, tzinfo=UTC)

    def ca(
        name: str, issuer: tuple[x509.Certificate, ec.EllipticCurvePrivateKey] | None
    ) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
                x509.NameAttribute(NameOID.COMMON_NAME, name),
            ]
        )
        signer = issuer[1] if issuer else key
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer[0].subject if issuer else subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(start + timedelta(days=3650))
            .add_extension(
                x509.BasicConstraints(ca=True, path_length=None if not issuer else 0),
                critical=True,
            )
            .add_extension(
                x509.KeyUsage(
                    False, False, False, False, False, True, True, False, False
                ),
                critical=True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
                critical=False,
            )
        )
        return builder.sign(signer, hashes.SHA256()), key

    root, root_key = ca("Test Root", None)
    sub, sub_key = ca("Test Sub CA", (root, root_key))
    office_key = ec.generate_private_key(ec.SECP256R1())
    office = create_issuer_certificate(
        root_cert=sub,
        root_key=sub_key,
        issuer_public_key=office_key.public_key(),
        country="KR",
        signer_code="GN",
        organization="Gangnam-gu Office (TEST)",
        valid_from=start,
        valid_days=1000,
    )
    day = date(2026, 3, 1)
    data = sample_data(
        issue_date=day.isoformat(), valid_until=(day + timedelta(days=90)).isoformat()
    )
    pdf = issue(data, key=office_key, cert=office, signature_date=day)
    with_sub = trust.TrustStore.from_certificates([root], [], [sub])
    r = verify_pdf(pdf, policy=VerifyPolicy.seal(with_sub), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    signer_check = r.check("signer_certificate")
    assert signer_check is not None
    assert "3 certificate(s)" in signer_check.detail
    # Without the sub-CA neither chain can be built: nothing is decided against it.
    root_only = trust.TrustStore.from_certificates([root])
    r = verify_pdf(pdf, policy=VerifyPolicy.seal(root_only), at=AT)
    assert r.verdict is not Verdict.AUTHENTIC
    assert _status(r, "signer_certificate") is CheckStatus.INCONCLUSIVE
