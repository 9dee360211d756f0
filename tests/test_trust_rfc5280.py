"""One test per RFC 5280 rule that docsec's trust decisions rely on.

Every certificate and CRL is made here with ``cryptography`` (a few, which
``cryptography`` refuses to write, are edited with asn1crypto and re-signed). The
table of rules and test names is in docs/trust.md.
"""

from __future__ import annotations

import hashlib
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from asn1crypto import crl as asn1_crl
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    Prehashed,
    encode_dss_signature,
)
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

from docsec import _ecverify
from docsec.errors import KeyMaterialError
from docsec.trust import TrustStore

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
UNKNOWN_OID = x509.ObjectIdentifier("1.3.6.1.4.1.55555.1.1")


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str, country: str = "KR") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "docsec tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, cn),
        ]
    )


def _usage(
    *, sign: bool = False, cert_sign: bool = False, crl_sign: bool = False
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


@dataclass
class Node:
    """A certificate with its private key."""

    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _make(
    subject: x509.Name,
    issuer: Node | None,
    *,
    ca: bool,
    path_length: int | None = None,
    usage: x509.KeyUsage | None = None,
    start: datetime = NOW - 30 * DAY,
    end: datetime = NOW + 300 * DAY,
    serial: int | None = None,
    extra: tuple[tuple[x509.ExtensionType, bool], ...] = (),
    issuer_name: x509.Name | None = None,
    signing_key: ec.EllipticCurvePrivateKey | None = None,
) -> Node:
    key = _key()
    if usage is None:
        usage = _usage(cert_sign=True, crl_sign=True) if ca else _usage(sign=True)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(
            issuer_name
            if issuer_name is not None
            else (issuer.cert.subject if issuer else subject)
        )
        .public_key(key.public_key())
        .serial_number(serial or x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(end)
        .add_extension(
            x509.BasicConstraints(ca=ca, path_length=path_length if ca else None),
            critical=True,
        )
        .add_extension(usage, critical=True)
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(key.public_key()),
            critical=False,
        )
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    for ext, critical in extra:
        builder = builder.add_extension(ext, critical=critical)
    signer = signing_key or (issuer.key if issuer else key)
    return Node(builder.sign(signer, hashes.SHA256()), key)


def _root(**kw: object) -> Node:
    kw.setdefault("path_length", None)
    return _make(_name("Test Root"), None, ca=True, **kw)  # type: ignore[arg-type]


def _inter(root: Node, name: str = "Test Sub CA", **kw: object) -> Node:
    kw.setdefault("path_length", 0)
    return _make(_name(name), root, ca=True, **kw)  # type: ignore[arg-type]


def _leaf(issuer: Node, code: str = "GN", **kw: object) -> Node:
    return _make(_name(code), issuer, ca=False, **kw)  # type: ignore[arg-type]


def _crl(
    issuer: Node,
    revoked: tuple[int, ...] = (),
    *,
    this_update: datetime = NOW - DAY,
    next_update: datetime = NOW + 30 * DAY,
    extra: tuple[tuple[x509.ExtensionType, bool], ...] = (),
) -> x509.CertificateRevocationList:
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(issuer.cert.subject)
        .last_update(this_update)
        .next_update(next_update)
        .add_extension(x509.CRLNumber(1), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
    )
    for ext, critical in extra:
        builder = builder.add_extension(ext, critical=critical)
    for serial in revoked:
        builder = builder.add_revoked_certificate(
            x509.RevokedCertificateBuilder()
            .serial_number(serial)
            .revocation_date(this_update)
            .build()
        )
    return builder.sign(issuer.key, hashes.SHA256())


def _resign(node_key: ec.EllipticCurvePrivateKey, cert: asn1_x509.Certificate) -> bytes:
    """Sign an edited asn1crypto certificate again with a cryptography key."""
    tbs = cert["tbs_certificate"].dump(force=True)
    cert["signature_value"] = node_key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    return bytes(cert.dump(force=True))


# ------------------------------------------------------------------ paths


def test_anchor_intermediate_signer_path() -> None:
    # RFC 5280 6.1: a path of length 2; the intermediate is path material only.
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    store = TrustStore.from_certificates(
        [root.cert], [_crl(root), _crl(sub)], [sub.cert]
    )
    check = store.validate(leaf.cert, at=NOW)
    assert check.path == (leaf.cert, sub.cert, root.cert)
    assert check.ok(require_crl=True), check.reasons
    assert check.reasons == ()


def test_intermediate_alone_is_not_an_anchor() -> None:
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    stranger = _root()
    store = TrustStore.from_certificates([stranger.cert], [], [sub.cert])
    check = store.validate(leaf.cert, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "untrusted-issuer"
    # Not even the intermediate itself is trusted on its own.
    assert not store.validate(sub.cert, at=NOW).chain_ok
    assert not store.is_anchor(sub.cert)


def test_intermediates_folder(tmp_path: Path) -> None:
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    (tmp_path / "intermediates").mkdir()
    (tmp_path / "root.pem").write_bytes(root.cert.public_bytes(Encoding.PEM))
    (tmp_path / "root.crl").write_bytes(_crl(root).public_bytes(Encoding.DER))
    (tmp_path / "intermediates" / "sub.pem").write_bytes(
        sub.cert.public_bytes(Encoding.PEM) + _crl(sub).public_bytes(Encoding.PEM)
    )
    store = TrustStore.load(tmp_path)
    assert store.anchors == (root.cert,)
    assert store.intermediates == (sub.cert,)
    assert len(store.crls) == 2
    assert store.validate(leaf.cert, at=NOW).ok(require_crl=True)
    # A folder with intermediates only has no anchor.
    (tmp_path / "root.pem").unlink()
    with pytest.raises(KeyMaterialError, match="no trust anchors"):
        TrustStore.load(tmp_path)


def test_path_from_pdf_certificates() -> None:
    # Intermediates passed for one validation (a PDF signature's certificates).
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    store = TrustStore.from_certificates([root.cert])
    assert not store.validate(leaf.cert, at=NOW).chain_ok
    check = store.validate(leaf.cert, at=NOW, intermediates=[sub.cert])
    assert check.chain_ok
    assert check.path == (leaf.cert, sub.cert, root.cert)


# ----------------------------------------------------- 6.1.3 (a)(1): signature


def test_bad_ca_signature() -> None:
    root = _root()
    sub = _inter(root)
    # Names the intermediate as issuer (and its key id) but is signed by another key.
    forged = _leaf(sub, signing_key=_key())
    store = TrustStore.from_certificates([root.cert], [], [sub.cert])
    check = store.validate(forged.cert, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "bad-certificate-signature"
    assert not check.ok(require_crl=False)
    # The same one level up: an intermediate the root did not sign.
    bad_sub = _inter(root, signing_key=_key())
    check = TrustStore.from_certificates([root.cert], [], [bad_sub.cert]).validate(
        _leaf(bad_sub).cert, at=NOW
    )
    assert check.reasons[0] == "bad-certificate-signature"


# ------------------------------------------------------- 6.1.3 (a)(2): validity


@pytest.mark.parametrize(
    ("start", "end", "reason"),
    [
        (NOW - 60 * DAY, NOW - DAY, "certificate-expired"),
        (NOW + DAY, NOW + 60 * DAY, "certificate-not-yet-valid"),
    ],
)
def test_ca_outside_its_validity(start: datetime, end: datetime, reason: str) -> None:
    root = _root()
    sub = _inter(root, start=start, end=end)
    leaf = _leaf(sub)
    store = TrustStore.from_certificates([root.cert], [], [sub.cert])
    check = store.validate(leaf.cert, at=NOW)
    assert check.chain_ok  # the structure is sound ...
    assert not check.valid_at  # ... but not at this time
    assert reason in check.reasons
    assert not check.ok(require_crl=False)
    # Inside the intermediate's validity the same path is fine.
    inside = start + DAY
    if leaf.cert.not_valid_before_utc <= inside <= leaf.cert.not_valid_after_utc:
        assert store.validate(leaf.cert, at=inside).ok(require_crl=False)


def test_expired_anchor() -> None:
    # docsec also holds an anchor to its stated validity.
    root = _root(start=NOW - 60 * DAY, end=NOW - DAY)
    leaf = _leaf(root, start=NOW - 10 * DAY)
    check = TrustStore.from_certificates([root.cert]).validate(leaf.cert, at=NOW)
    assert check.chain_ok
    assert "certificate-expired" in check.reasons
    assert not check.ok(require_crl=False)


# ------------------------------------------------- 6.1.4 (l), (m): pathLenConstraint


def test_path_len_constraint() -> None:
    root = _root(path_length=1)
    sub = _inter(root, path_length=0)
    subsub = _inter(sub, name="Test Sub Sub CA", path_length=None)
    deep = _leaf(subsub)
    store = TrustStore.from_certificates([root.cert], [], [sub.cert, subsub.cert])
    check = store.validate(deep.cert, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "path-length-exceeded"
    # One level less is within both constraints.
    assert store.validate(_leaf(sub).cert, at=NOW).ok(require_crl=False)


def test_anchor_path_len_constraint() -> None:
    # docsec's roots say path_length=0: office certificates only, no sub-CA.
    root = _root(path_length=0)
    sub = _inter(root, path_length=None)
    store = TrustStore.from_certificates([root.cert], [], [sub.cert])
    assert store.validate(_leaf(root).cert, at=NOW).chain_ok
    check = store.validate(_leaf(sub).cert, at=NOW)
    assert check.reasons[0] == "path-length-exceeded"


# ------------------------------------------ 6.1.4 (k), (n): CA and keyCertSign


def test_ca_without_key_cert_sign() -> None:
    root = _root()
    sub = _inter(root, usage=_usage(crl_sign=True))
    store = TrustStore.from_certificates([root.cert], [], [sub.cert])
    check = store.validate(_leaf(sub).cert, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "issuer-not-a-ca"


def test_issuer_that_is_not_a_ca() -> None:
    root = _root()
    office = _leaf(root, code="XX", usage=_usage(sign=True, cert_sign=True))
    below = _leaf(office, code="YY")
    store = TrustStore.from_certificates([root.cert], [], [office.cert])
    check = store.validate(below.cert, at=NOW)
    assert check.reasons[0] == "issuer-not-a-ca"


def test_anchor_without_key_cert_sign_vouches_only_for_itself() -> None:
    root = _root(usage=_usage(crl_sign=True))
    leaf = _leaf(root)
    store = TrustStore.from_certificates([root.cert])
    check = store.validate(leaf.cert, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "untrusted-issuer"


# --------------------------------------------- 6.1.3 (a)(2)-(4) 6.3.3 (f): cRLSign


def test_crl_issuer_without_crl_sign() -> None:
    root = _root(usage=_usage(cert_sign=True))
    leaf = _leaf(root)
    store = TrustStore.from_certificates(
        [root.cert], [_crl(root, (leaf.cert.serial_number,))]
    )
    check = store.validate(leaf.cert, at=NOW)
    assert check.chain_ok
    assert check.revoked is None  # the listing is not usable evidence either way
    assert "crl-unusable" in check.reasons
    assert not check.ok(require_crl=True)


# ----------------------------------------- 4.2 / 6.1.4 (o): critical extensions


def test_signer_with_unknown_critical_extension() -> None:
    root = _root()
    odd = ((x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), True),)
    leaf = _leaf(root, extra=odd)
    check = TrustStore.from_certificates([root.cert]).validate(leaf.cert, at=NOW)
    assert not check.chain_ok
    assert "unknown-critical-extension" in check.reasons
    # Also when the signer certificate is trusted on its own.
    alone = TrustStore.from_certificates([leaf.cert]).validate(leaf.cert, at=NOW)
    assert not alone.chain_ok
    assert "unknown-critical-extension" in alone.reasons
    # The same extension, not critical, is fine.
    plain = _leaf(root, extra=((odd[0][0], False),))
    store = TrustStore.from_certificates([root.cert])
    assert store.validate(plain.cert, at=NOW).ok(require_crl=False)


def test_intermediate_with_unknown_critical_extension() -> None:
    root = _root()
    sub = _inter(
        root, extra=((x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), True),)
    )
    store = TrustStore.from_certificates([root.cert], [], [sub.cert])
    check = store.validate(_leaf(sub).cert, at=NOW)
    assert check.reasons[0] == "unknown-critical-extension"


def test_crl_with_unknown_critical_extension() -> None:
    root = _root()
    leaf = _leaf(root)
    odd = ((x509.UnrecognizedExtension(UNKNOWN_OID, b"\x05\x00"), True),)
    for listed in ((), (leaf.cert.serial_number,)):
        crl = _crl(root, listed, extra=odd)
        check = TrustStore.from_certificates([root.cert], [crl]).validate(
            leaf.cert, at=NOW
        )
        assert check.revoked is None
        assert "crl-unusable" in check.reasons


# ------------------------------------------------------ 6.3.3: revocation status


def test_revoked_end_entity() -> None:
    root = _root()
    leaf = _leaf(root)
    crl = _crl(root, (12345, leaf.cert.serial_number))
    check = TrustStore.from_certificates([root.cert], [crl]).validate(leaf.cert, at=NOW)
    assert check.revoked is True
    assert check.reasons == ("revoked",)
    assert not check.ok(require_crl=False)


def test_revoked_ca() -> None:
    # The intermediate is listed on the root's CRL; the office's own CRL is clean.
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    crls = [_crl(root, (sub.cert.serial_number,)), _crl(sub)]
    store = TrustStore.from_certificates([root.cert], crls, [sub.cert])
    check = store.validate(leaf.cert, at=NOW)
    assert check.chain_ok
    assert check.revoked is True
    assert "revoked" in check.reasons
    assert not check.ok(require_crl=False)


def test_intermediate_without_crl_leaves_revocation_unknown() -> None:
    root = _root()
    sub = _inter(root)
    leaf = _leaf(sub)
    store = TrustStore.from_certificates([root.cert], [_crl(sub)], [sub.cert])
    check = store.validate(leaf.cert, at=NOW)
    assert check.revoked is None
    assert "crl-missing" in check.reasons


def test_valid_crl_is_honoured_when_the_chain_check_cannot_run() -> None:
    # The signer's own signature uses an algorithm nobody here can check, so no
    # CA path validates; the root's CRL that lists it still counts.
    root = _root()
    leaf = _leaf(root)
    edited = asn1_x509.Certificate.load(leaf.cert.public_bytes(Encoding.DER))
    odd_algorithm = {"algorithm": "1.3.6.1.4.1.55555.2.1"}
    edited["tbs_certificate"]["signature"] = odd_algorithm
    edited["signature_algorithm"] = odd_algorithm
    odd = x509.load_der_x509_certificate(_resign(root.key, edited))
    crl = _crl(root, (odd.serial_number,))
    as_anchor = TrustStore.from_certificates([root.cert, odd], [crl])
    check = as_anchor.validate(odd, at=NOW)
    assert check.chain_ok  # trusted on its own ...
    assert check.revoked is True  # ... but its CA revoked it
    assert not check.ok(require_crl=False)
    via_root = TrustStore.from_certificates([root.cert], [crl]).validate(odd, at=NOW)
    assert "unsupported-algorithm" in via_root.reasons
    assert via_root.revoked is True


# ---------------------------------------------------- 6.3.3 (a)(2): freshness


def test_stale_crl() -> None:
    root = _root()
    leaf = _leaf(root)
    stale = _crl(root, this_update=NOW - 400 * DAY, next_update=NOW - 35 * DAY)
    check = TrustStore.from_certificates([root.cert], [stale]).validate(
        leaf.cert, at=NOW
    )
    assert check.revoked is None
    assert "crl-unusable" in check.reasons
    assert not check.ok(require_crl=True)
    # A verifier may state a grace period after nextUpdate.
    graced = TrustStore.from_certificates([root.cert], [stale], crl_grace=40 * DAY)
    assert graced.validate(leaf.cert, at=NOW).revoked is False
    short = TrustStore.from_certificates([root.cert], [stale], crl_grace=30 * DAY)
    assert short.validate(leaf.cert, at=NOW).revoked is None


def test_stale_crl_listing_is_not_used_either_way() -> None:
    # Neither "not revoked" nor (for a stale list) evidence: unknown.
    root = _root()
    leaf = _leaf(root)
    stale = _crl(
        root,
        (leaf.cert.serial_number,),
        this_update=NOW - 400 * DAY,
        next_update=NOW - 35 * DAY,
    )
    check = TrustStore.from_certificates([root.cert], [stale]).validate(
        leaf.cert, at=NOW
    )
    assert check.revoked is None


def test_future_crl() -> None:
    root = _root()
    leaf = _leaf(root)
    future = _crl(root, this_update=NOW + DAY, next_update=NOW + 30 * DAY)
    check = TrustStore.from_certificates([root.cert], [future]).validate(
        leaf.cert, at=NOW
    )
    assert check.revoked is None
    assert "crl-unusable" in check.reasons
    # The same CRL once its thisUpdate has come is fine.
    later = TrustStore.from_certificates([root.cert], [future])
    assert later.validate(leaf.cert, at=NOW + 2 * DAY).revoked is False


# -------------------------------------------------------- 5.2.5 / 6.3.3 (b): scope


def _idp(**changes: object) -> x509.IssuingDistributionPoint:
    args: dict[str, object] = {
        "full_name": None,
        "relative_name": None,
        "only_contains_user_certs": False,
        "only_contains_ca_certs": False,
        "only_some_reasons": None,
        "indirect_crl": False,
        "only_contains_attribute_certs": False,
    }
    args.update(changes)
    return x509.IssuingDistributionPoint(**args)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "idp",
    [
        pytest.param(
            _idp(full_name=[x509.UniformResourceIdentifier("http://x.test/p1.crl")]),
            id="partitioned",
        ),
        pytest.param(
            _idp(only_some_reasons=frozenset({x509.ReasonFlags.key_compromise})),
            id="only-some-reasons",
        ),
        pytest.param(_idp(only_contains_ca_certs=True), id="only-ca-certs"),
    ],
)
def test_crl_limited_in_scope(idp: x509.IssuingDistributionPoint) -> None:
    root = _root()
    leaf = _leaf(root)
    crl = _crl(root, extra=((idp, True),))
    check = TrustStore.from_certificates([root.cert], [crl]).validate(leaf.cert, at=NOW)
    assert check.revoked is None, check.reasons
    assert not check.ok(require_crl=True)


def test_crl_scoped_to_end_entities_covers_them() -> None:
    # The control for the scope tests: a scope that includes the signer works.
    root = _root()
    leaf = _leaf(root)
    crl = _crl(root, extra=((_idp(only_contains_user_certs=True), True),))
    check = TrustStore.from_certificates([root.cert], [crl]).validate(leaf.cert, at=NOW)
    assert check.revoked is False


def test_delta_crl_alone() -> None:
    root = _root()
    leaf = _leaf(root)
    delta = _crl(root, extra=((x509.DeltaCRLIndicator(1), True),))
    check = TrustStore.from_certificates([root.cert], [delta]).validate(
        leaf.cert, at=NOW
    )
    assert check.revoked is None
    assert "crl-missing" in check.reasons
    assert not check.ok(require_crl=True)


# ------------------------------------------------ 4.1.2.2: negative serial numbers


def test_negative_serial_numbers() -> None:
    root = _root()
    leaf = _leaf(root)
    edited = asn1_x509.Certificate.load(leaf.cert.public_bytes(Encoding.DER))
    edited["tbs_certificate"]["serial_number"] = -4242
    # cryptography warns when it parses a negative serial, and on every read.
    with pytest.warns(CryptographyDeprecationWarning):
        negative = x509.load_der_x509_certificate(_resign(root.key, edited))
    with pytest.warns(CryptographyDeprecationWarning):
        serial = negative.serial_number
    assert serial == -4242
    store = TrustStore.from_certificates([root.cert], [_crl(root)])
    check = store.validate(negative, at=NOW)
    assert check.ok(require_crl=True), check.reasons
    assert store.find_signer("KRGN", "-1092") == []  # no hex reference matches
    # A CRL listing the negative serial (cryptography cannot write one).
    listing = asn1_crl.CertificateList.load(_crl(root).public_bytes(Encoding.DER))
    listing["tbs_cert_list"]["revoked_certificates"] = [
        {
            "user_certificate": -4242,
            "revocation_date": asn1_x509.Time({"utc_time": NOW - DAY}),
        }
    ]
    tbs = listing["tbs_cert_list"].dump(force=True)
    listing["signature"] = root.key.sign(tbs, ec.ECDSA(hashes.SHA256()))
    revoking = x509.load_der_x509_crl(bytes(listing.dump(force=True)))
    check = TrustStore.from_certificates([root.cert], [revoking]).validate(
        negative, at=NOW
    )
    assert check.revoked is True


# ------------------------------------------------------- 7.1: name comparison


def test_name_matching_ignores_case_whitespace_and_string_type() -> None:
    root = _root()
    # The same name as the root's subject, written in other case, with extra
    # spaces and as UTF8String instead of PrintableString.
    written = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "DOCSEC   tests"),
            x509.NameAttribute(NameOID.COMMON_NAME, " test root"),
        ]
    )
    assert written != root.cert.subject
    leaf = _make(_name("GN"), root, ca=False, issuer_name=written)
    store = TrustStore.from_certificates([root.cert], [_crl(root)])
    check = store.validate(leaf.cert, at=NOW)
    assert check.ok(require_crl=True), check.reasons
    assert check.path == (leaf.cert, root.cert)
    assert store.issuer_candidates(leaf.cert) == [root.cert]


def test_name_mismatch_is_not_reported_as_an_unsupported_curve() -> None:
    root = _root()
    leaf = _make(_name("GN"), root, ca=False, issuer_name=_name("Another Root"))
    check = TrustStore.from_certificates([root.cert]).validate(leaf.cert, at=NOW)
    assert check.reasons[0] == "untrusted-issuer"
    assert "unsupported-curve" not in check.reasons


# ------------------------------------ signature algorithms cryptography lacks


def _brainpool_key() -> tuple[int, tuple[int, int]]:
    curve = _ecverify.BRAINPOOL_P224R1
    d = 1 + secrets.randbelow(curve.n - 1)
    point = _ecverify._mul(curve, d, (curve.gx, curve.gy))
    assert point is not None
    return d, point


def _brainpool_sign(d: int, data: bytes) -> bytes:
    curve = _ecverify.BRAINPOOL_P224R1
    digest = hashlib.sha256(data).digest()
    e = int.from_bytes(digest, "big") >> (len(digest) * 8 - curve.n.bit_length())
    while True:
        k = 1 + secrets.randbelow(curve.n - 1)
        kg = _ecverify._mul(curve, k, (curve.gx, curve.gy))
        assert kg is not None
        r = kg[0] % curve.n
        s = pow(k, -1, curve.n) * (e + r * d) % curve.n
        if r and s:
            return encode_dss_signature(r, s)


def _spki(curve_oid: str, point: tuple[int, int], size: int) -> asn1_keys.PublicKeyInfo:
    encoded = b"\x04" + point[0].to_bytes(size, "big") + point[1].to_bytes(size, "big")
    return asn1_keys.PublicKeyInfo(
        {
            "algorithm": {
                "algorithm": "ec",
                "parameters": asn1_keys.ECDomainParameters(
                    name="named", value=curve_oid
                ),
            },
            "public_key": encoded,
        }
    )


def _grafted_root(spki: asn1_keys.PublicKeyInfo) -> tuple[Node, x509.Certificate]:
    root = _root()
    edited = asn1_x509.Certificate.load(root.cert.public_bytes(Encoding.DER))
    edited["tbs_certificate"]["subject_public_key_info"] = spki
    # An anchor's own signature is not checked; keep the P-256 one.
    return root, x509.load_der_x509_certificate(bytes(edited.dump(force=True)))


def test_brainpool_ca_signature_is_checked() -> None:
    d, point = _brainpool_key()
    curve = _ecverify.BRAINPOOL_P224R1
    root, bp_root = _grafted_root(_spki(curve.oid, point, curve.field_bytes))
    leaf = _leaf(root)
    edited = asn1_x509.Certificate.load(leaf.cert.public_bytes(Encoding.DER))
    tbs = edited["tbs_certificate"].dump(force=True)
    edited["signature_value"] = _brainpool_sign(d, tbs)
    signed = x509.load_der_x509_certificate(bytes(edited.dump(force=True)))
    store = TrustStore.from_certificates([bp_root])
    check = store.validate(signed, at=NOW)
    assert check.chain_ok, check.reasons
    assert check.path == (signed, bp_root)
    # The P-256 signature the certificate came with does not verify with that key.
    wrong = store.validate(leaf.cert, at=NOW)
    assert wrong.reasons[0] == "bad-certificate-signature"


def test_unsupported_ca_curve_is_unsupported_not_invalid() -> None:
    # brainpoolP160r1: neither cryptography nor docsec's verifier has it.
    d, point = _brainpool_key()  # any point: the curve is refused first
    root, odd_root = _grafted_root(_spki("1.3.36.3.3.2.8.1.1.1", point, 28))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check = TrustStore.from_certificates([odd_root]).validate(
            _leaf(root).cert, at=NOW
        )
    assert not check.chain_ok
    assert check.reasons[0] == "unsupported-algorithm"
    assert d > 0


def test_weak_signature_algorithm() -> None:
    # SHA-1 is refused on the path (pyhanko-certvalidator's default policy).
    # cryptography no longer writes SHA-1 certificates: edit and re-sign one.
    root = _root()
    edited = asn1_x509.Certificate.load(_leaf(root).cert.public_bytes(Encoding.DER))
    sha1_ecdsa = {"algorithm": "sha1_ecdsa"}
    edited["tbs_certificate"]["signature"] = sha1_ecdsa
    edited["signature_algorithm"] = sha1_ecdsa
    tbs = edited["tbs_certificate"].dump(force=True)
    digest = hashlib.sha1(tbs).digest()  # noqa: S324  (the point of the test)
    edited["signature_value"] = root.key.sign(
        digest,
        ec.ECDSA(Prehashed(hashes.SHA1())),  # noqa: S303
    )
    weak = x509.load_der_x509_certificate(bytes(edited.dump(force=True)))
    check = TrustStore.from_certificates([root.cert]).validate(weak, at=NOW)
    assert not check.chain_ok
    assert check.reasons[0] == "weak-algorithm"
