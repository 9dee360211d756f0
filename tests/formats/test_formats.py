"""The seal-format protocol with seals made here: genuine ones and a forger's tries.

Real keys and certificates (cryptography), real CBOR/COSE (cbor2), real Base45;
nothing is mocked. All dates derive from T0.
"""

from __future__ import annotations

import base64
import contextlib
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import base45
import cbor2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec import formats
from docsec.errors import KeyMaterialError, PayloadError
from docsec.formats import DCC, TWODDOC, VDS
from docsec.formats._dcc import kid_of
from docsec.formats._trustlists import load_trust_source, parse_ants_tsl
from docsec.formats._twoddoc import hex_days
from docsec.keys import sign_raw
from docsec.policy import VerifyPolicy
from docsec.result import CheckResult, CheckStatus, Verdict, VerificationResult
from docsec.trust import TrustStore
from docsec.verify import verify_bytes

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
D0 = T0.date()
GS, US = "\x1d", "\x1f"


def _cert(
    key: ec.EllipticCurvePrivateKey,
    *,
    issuer_cn: str,
    subject_cn: str,
    days: int = 365,
    eku: list[str] | None = None,
) -> x509.Certificate:
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(T0 - timedelta(days=30))
        .not_valid_after(T0 + timedelta(days=days))
    )
    if eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([x509.ObjectIdentifier(o) for o in eku]),
            critical=False,
        )
    return builder.sign(key, hashes.SHA256())


@dataclass
class Signer:
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def policy(self) -> VerifyPolicy:
        return VerifyPolicy.seal(TrustStore.from_certificates([self.cert]))


@pytest.fixture(scope="module")
def office() -> Signer:
    key = ec.generate_private_key(ec.SECP256R1())
    return Signer(key, _cert(key, issuer_cn="FR99", subject_cn="0042"))


@pytest.fixture(scope="module")
def forger() -> Signer:
    key = ec.generate_private_key(ec.SECP256R1())
    return Signer(key, _cert(key, issuer_cn="FR99", subject_cn="0042"))


def _days(d: date) -> str:
    return f"{(d - date(2000, 1, 1)).days:04X}"


def twoddoc(
    key: ec.EllipticCurvePrivateKey,
    *,
    message: str = f"10MME/SPECIMEN/NATACHA{GS}22145 AVENUE DES SPECIMENS{GS}2475000",
    signed_on: date = D0,
    ids: str = "FR990042",
) -> bytes:
    header = f"DC04{ids}{_days(signed_on)}{_days(signed_on)}0101FR"
    signed = (header + message).encode("ascii")
    sig = base64.b32encode(sign_raw(key, signed)).decode().rstrip("=")
    return signed + (US + sig).encode("ascii")


def _verdict(result: VerificationResult) -> tuple[Verdict, tuple[str, ...]]:
    return result.verdict, result.reasons


# ---- registry


def test_detect_each_format() -> None:
    assert formats.detect(b"\xdc\x03abc") is VDS
    assert formats.detect(b"DC04FR00") is TWODDOC
    assert formats.detect(b"HC1:NCF") is DCC
    assert formats.detect(b"HC2:NCF") is DCC  # detected, then refused by context
    for other in (b"", b"%PDF-1.7", b"\x89PNG\r\n", b"DCXX", b"hello"):
        assert formats.detect(other) is None
    assert formats.by_name("fr-2d-doc") is TWODDOC
    with pytest.raises(KeyError):
        formats.by_name("nope")
    with pytest.raises(PayloadError):
        formats.parse_unverified(b"hello")


def test_vds_magic_defined_once() -> None:
    from docsec import seal, verify

    assert verify.VDS_MAGIC == seal.MAGIC == formats.VDS_MAGIC_BYTE[0] == 0xDC


def test_hex_days() -> None:
    assert hex_days("0000") == date(2000, 1, 1)
    assert hex_days("1240") == date(2012, 10, 16)
    assert hex_days("FFFF") is None
    for bad in ("12G0", "124", "ffff"):
        with pytest.raises(PayloadError):
            hex_days(bad)


# ---- 2D-Doc


def test_twoddoc_genuine_is_authentic(office: Signer) -> None:
    data = twoddoc(office.key)
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.AUTHENTIC, ())
    assert result.content is not None
    fields = result.content.field_map()
    assert fields["Beneficiary address line 1 (name)"] == "MME/SPECIMEN/NATACHA"
    assert fields["Service postal code"] == "75000"
    assert result.content.profile.startswith("French 2D-Doc: 01 Facture")


def test_twoddoc_edited_text_is_not_authentic(office: Signer) -> None:
    data = twoddoc(office.key).replace(b"NATACHA", b"NATASHA")
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("forged-seal",))
    assert result.content is None


def test_twoddoc_resigned_by_a_forger_naming_the_office(
    office: Signer, forger: Signer
) -> None:
    # Same authority and certificate ids, the forger's own key.
    data = twoddoc(forger.key, message=f"10M/FORGER/EVE{GS}")
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("forged-seal",))


def test_twoddoc_unknown_certificate_is_inconclusive(office: Signer) -> None:
    data = twoddoc(office.key, ids="FR990043")
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.INCONCLUSIVE, ("unknown-signer",))
    signature = result.check("signature")
    assert signature is not None
    assert "--trust" in signature.detail


def test_twoddoc_dated_in_the_future_fails(office: Signer) -> None:
    data = twoddoc(office.key, signed_on=T0.date() + timedelta(days=3))
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert result.verdict is Verdict.NOT_AUTHENTIC
    assert "signed-in-future" in result.reasons


def test_twoddoc_after_certificate_expiry(office: Signer) -> None:
    at = T0 + timedelta(days=400)
    result = verify_bytes(twoddoc(office.key), policy=office.policy(), at=at)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("certificate-expired",))


@pytest.mark.parametrize(
    "data",
    [
        b"DC01FR000001",  # version 01 is not supported
        b"DC04FR0000",  # truncated header
        b"DC04FR990042" + b"1F" * 7 + b"10ABC",  # no US, no signature
        b"DC04FR9900421F1F1F1F0101FR10A\x1f0189",  # signature not Base32
        b"DC04FR9900421F1F1F1F0101FR10A\x1fAAAA",  # signature of the wrong size
        b"DC04FR99004\xff1F1F1F1F0101FR",  # not ASCII
        b"DC04fr9900421F1F1F1F0101FR10A\x1fAAAA",  # lower-case id
        b"DC04FR990042XXXX1F1F0101FR10A\x1fAAAA",  # date not hex
    ],
)
def test_twoddoc_malformed_is_not_authentic(office: Signer, data: bytes) -> None:
    with pytest.raises(PayloadError):
        TWODDOC.parse_unverified(data)
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("malformed-seal",))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_twoddoc_arbitrary_tail_parses_or_raises_payload_error(tail: bytes) -> None:
    try:
        parsed = TWODDOC.parse_unverified(b"DC04FR9900421F1F1F1F0101FR" + tail)
    except PayloadError:
        return
    TWODDOC.decode_fields(parsed)  # never raises on a parsed seal


# ---- EU DCC


def _dcc(
    key: ec.EllipticCurvePrivateKey,
    kid: bytes | None,
    *,
    iat: datetime = T0,
    days: int = 30,
    name: str = "Mustermann",
    unprotected_kid: bytes | None = None,
    alg: int = -7,
    kind: str = "v",
) -> bytes:
    # The vaccination a month before the certificate was issued (from iat, not a
    # fixed day).
    given = (iat - timedelta(days=29)).date().isoformat()
    entry = {"tg": "840539006", "dn": 1, "sd": 2, "dt": given, "co": "FR"}
    cert = {"ver": "1.3.0", "nam": {"fn": name, "gn": "Erika"}, "dob": "1964-08-12"}
    cert[kind] = [entry]
    claims = {
        1: "FR",
        6: int(iat.timestamp()),
        4: int((iat + timedelta(days=days)).timestamp()),
        -260: {1: cert},
    }
    protected_map: dict[int, object] = {1: alg}
    if kid is not None:
        protected_map[4] = kid
    protected = cbor2.dumps(protected_map)
    payload = cbor2.dumps(claims)
    to_sign = cbor2.dumps(["Signature1", protected, b"", payload])
    signature = sign_raw(key, to_sign)
    unprotected = {} if unprotected_kid is None else {4: unprotected_kid}
    cose = cbor2.dumps(cbor2.CBORTag(18, [protected, unprotected, payload, signature]))
    return b"HC1:" + base45.b45encode(zlib.compress(cose))


def test_dcc_genuine_is_authentic(office: Signer) -> None:
    data = _dcc(office.key, kid_of(office.cert))
    result = verify_bytes(data, policy=office.policy(), at=T0 + timedelta(days=1))
    assert _verdict(result) == (Verdict.AUTHENTIC, ())
    assert result.content is not None
    assert result.content.field_map()["Surname"] == "Mustermann"
    assert result.content.field_map()["Dose number"] == "1"


def test_dcc_dates(office: Signer) -> None:
    data = _dcc(office.key, kid_of(office.cert))
    early = verify_bytes(data, policy=office.policy(), at=T0 - timedelta(hours=1))
    assert "signed-in-future" in early.reasons
    late = verify_bytes(data, policy=office.policy(), at=T0 + timedelta(days=31))
    assert late.verdict is Verdict.NOT_AUTHENTIC
    assert "document-expired" in late.reasons


def test_dcc_forger_with_the_office_kid(office: Signer, forger: Signer) -> None:
    data = _dcc(forger.key, kid_of(office.cert), name="Forger")
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("forged-seal",))


def test_dcc_forger_with_own_kid_is_inconclusive(
    office: Signer, forger: Signer
) -> None:
    data = _dcc(forger.key, kid_of(forger.cert))
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.INCONCLUSIVE, ("unknown-signer",))


def test_dcc_protected_kid_wins_over_unprotected(
    office: Signer, forger: Signer
) -> None:
    good = _dcc(office.key, kid_of(office.cert), unprotected_kid=kid_of(forger.cert))
    assert verify_bytes(good, policy=office.policy(), at=T0).ok
    # Without a protected kid, the (unsigned) unprotected one names the key.
    hint = _dcc(office.key, None, unprotected_kid=kid_of(office.cert))
    assert verify_bytes(hint, policy=office.policy(), at=T0).ok


def test_dcc_swapped_payload_fails(office: Signer) -> None:
    genuine = cbor2.loads(
        zlib.decompress(base45.b45decode(_dcc(office.key, kid_of(office.cert))[4:]))
    )
    other = cbor2.loads(
        zlib.decompress(
            base45.b45decode(_dcc(office.key, kid_of(office.cert), name="Other")[4:])
        )
    )
    protected, unprotected, _, signature = genuine.value
    swapped = cbor2.CBORTag(18, [protected, unprotected, other.value[2], signature])
    data = b"HC1:" + base45.b45encode(zlib.compress(cbor2.dumps(swapped)))
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("forged-seal",))


def test_dcc_algorithm_confusion_is_not_authentic(office: Signer) -> None:
    # PS256 named, an EC key in the certificate: never AUTHENTIC.
    data = _dcc(office.key, kid_of(office.cert), alg=-37)
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert result.verdict is not Verdict.AUTHENTIC
    with pytest.raises(KeyMaterialError):
        DCC.verify_signature(DCC.parse_unverified(data), office.cert)


def test_dcc_eku_restricts_the_type() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    test_only = _cert(
        key, issuer_cn="DSC", subject_cn="DSC", eku=["1.3.6.1.4.1.1847.2021.1.1"]
    )
    policy = VerifyPolicy.seal(TrustStore.from_certificates([test_only]))
    vacc = verify_bytes(_dcc(key, kid_of(test_only)), policy=policy, at=T0)
    assert _verdict(vacc) == (Verdict.NOT_AUTHENTIC, ("dcc-type-not-allowed",))
    test = verify_bytes(_dcc(key, kid_of(test_only), kind="t"), policy=policy, at=T0)
    assert test.ok


def test_dcc_zlib_bomb_is_refused(office: Signer) -> None:
    bomb = b"HC1:" + base45.b45encode(zlib.compress(b"\x00" * 1_000_000, 9))
    with pytest.raises(PayloadError, match="inflates to more than"):
        DCC.parse_unverified(bomb)
    result = verify_bytes(bomb, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("malformed-seal",))


def _cose_around(unprotected: bytes, payload: bytes) -> bytes:
    protected = cbor2.dumps({1: -7, 4: b"\x01" * 8})
    cose = (
        b"\xd2\x84"
        + cbor2.dumps(protected)
        + unprotected
        + cbor2.dumps(payload)
        + cbor2.dumps(b"\x00" * 64)
    )
    return b"HC1:" + base45.b45encode(zlib.compress(cose))


def _dag_ref(depth: int) -> bytes:
    """CBOR of ``depth`` nested pairs whose second item refers to the first (tags
    28/29): five bytes a level, 2**depth leaves when expanded."""
    # Shareables are numbered in decoding order, outermost first; each level's
    # second item names the level just inside it.
    out = b"\xd8\x1c\x82\x00\x00"
    for i in range(1, depth):
        out = b"\xd8\x1c\x82" + out + b"\xd8\x1d" + cbor2.dumps(depth - i)
    return out


@pytest.mark.parametrize("where", ["unprotected-key", "payload-key", "payload-value"])
def test_dcc_shared_value_bomb_is_refused(office: Signer, where: str) -> None:
    # ~230 bytes that cbor2 expands into a graph of 2**depth leaves: hashing it as
    # a map key (during parsing, before any signature check) or printing it (in
    # inspect) took exponential time; at depth 40 docsec hung. Depth 20 stays
    # quick even when not refused, so the test fails instead of hanging.
    dag = _dag_ref(20)
    assert len(cbor2.dumps(cbor2.loads(dag))) > 1_000_000  # it really expands
    unprotected, value = b"\xa0", cbor2.dumps("840539006")
    if where == "unprotected-key":
        unprotected = b"\xa1" + dag + b"\x00"
    elif where == "payload-key":
        value = b"\xa1" + dag + b"\x00"
    else:
        value = dag
    payload = (
        b"\xa2\x01"
        + cbor2.dumps("FR")
        + cbor2.dumps(-260)
        + b"\xa1\x01\xa1"
        + cbor2.dumps("v")
        + b"\x81\xa1"
        + cbor2.dumps("tg")
        + value
    )
    data = _cose_around(unprotected, payload)
    with pytest.raises(PayloadError, match="tag 28"):
        DCC.parse_unverified(data)
    result = verify_bytes(data, policy=office.policy(), at=T0)
    assert _verdict(result) == (Verdict.NOT_AUTHENTIC, ("malformed-seal",))
    from docsec.inspection import describe_unverified

    assert "tag 28" in str(describe_unverified(data)["error"])


def test_dcc_deep_nesting_is_refused() -> None:
    data = b"HC1:" + base45.b45encode(zlib.compress(b"\x81" * 5000 + b"\x00"))
    with pytest.raises(PayloadError, match="nests more than"):
        DCC.parse_unverified(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_dcc_arbitrary_cbor_parses_or_raises_payload_error(blob: bytes) -> None:
    data = b"HC1:" + base45.b45encode(zlib.compress(blob))
    with contextlib.suppress(PayloadError):
        DCC.parse_unverified(data)


# ---- trust sources


def test_trust_source_kinds(tmp_path: Path, office: Signer) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    pem = tmp_path / "signer.pem"
    pem.write_bytes(office.cert.public_bytes(Encoding.PEM))
    der = tmp_path / "signer.der"
    der.write_bytes(office.cert.public_bytes(Encoding.DER))
    for path in (pem, der):
        assert load_trust_source(path).anchors == (office.cert,)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "signer.pem").write_bytes(pem.read_bytes())
    assert load_trust_source(folder).anchors == (office.cert,)
    bad = tmp_path / "bad.pem"
    bad.write_bytes(b"-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n")
    with pytest.raises(KeyMaterialError):
        load_trust_source(bad)
    with pytest.raises(KeyMaterialError):
        load_trust_source(tmp_path / "missing")


def test_trust_list_parser_rejects_what_is_not_a_trust_list() -> None:
    for data in (b"<not-xml", b"<root/>", b"x" * (5 * 1024 * 1024)):
        with pytest.raises(KeyMaterialError):
            parse_ants_tsl(data)


def test_trust_list_entities_are_not_expanded() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
        b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
        b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">'
        b'<!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
        b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">'
        b'<!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><l>&h;</l>'
    )
    # expat (>= 2.4.1) stops the expansion itself; the root is never reached.
    with pytest.raises(KeyMaterialError, match="not well-formed XML"):
        parse_ants_tsl(bomb)


_NS = "http://uri.etsi.org/02231/v2#"


def _tsl(body: str, seq: str = "1") -> bytes:
    return (
        f'<TrustServiceStatusList xmlns="{_NS}"><SchemeInformation>'
        f"<TSLSequenceNumber>{seq}</TSLSequenceNumber></SchemeInformation>"
        f"<TrustServiceProviderList>{body}</TrustServiceProviderList>"
        "</TrustServiceStatusList>"
    ).encode()


def _service(der_b64: str, status: str = "inaccord") -> str:
    return (
        "<TSPServices><TSPService><ServiceInformation>"
        "<ServiceStatus>http://uri.etsi.org/TrstSvc/Svcstatus/"
        f"{status}</ServiceStatus><ServiceDigitalIdentity><DigitalId>"
        f"<X509Certificate>{der_b64}</X509Certificate></DigitalId>"
        "</ServiceDigitalIdentity></ServiceInformation></TSPService></TSPServices>"
    )


def test_trust_list_reads_the_schema_paths(office: Signer) -> None:
    from cryptography.hazmat.primitives.serialization import Encoding

    der = base64.b64encode(office.cert.public_bytes(Encoding.DER)).decode()
    listed = parse_ants_tsl(
        _tsl(f"<TrustServiceProvider>{_service(der)}</TrustServiceProvider>")
    )
    assert listed.certificates == (office.cert,)
    assert listed.sequence_number == 1
    # Red team: a certificate anywhere under a ServiceInformation, or a
    # ServiceInformation nested in another, is not a listed service. Reading every
    # descendant made nested ones cost quadratic time: 20 000 nested elements
    # (0.8 MB) took 5 s, 90 000 (3.7 MB, under the size limit) minutes.
    nested = (
        "<TrustServiceProvider><TSPServices><TSPService>"
        + "<ServiceInformation>" * 20_000
        + "</ServiceInformation>" * 20_000
        + "</TSPService></TSPServices></TrustServiceProvider>"
    )
    assert len(parse_ants_tsl(_tsl(nested)).entries) == 1
    stray = (
        "<TrustServiceProvider><TSPServices><TSPService><ServiceInformation>"
        f"<X509Certificate>{der}</X509Certificate>"
        "</ServiceInformation></TSPService></TSPServices></TrustServiceProvider>"
    )
    assert parse_ants_tsl(_tsl(stray)).certificates == ()


@pytest.mark.parametrize("seq", ["\u00b2", "9" * 5000, "-1", ""])
def test_trust_list_odd_sequence_numbers_are_not_an_error(seq: str) -> None:
    # Red team: "²" passes str.isdigit() and 5000 digits exceed int()'s limit;
    # both raised ValueError out of the parser (a traceback for --trust).
    assert parse_ants_tsl(_tsl("", seq=seq)).sequence_number is None


def _result_statuses(result: VerificationResult) -> dict[str, CheckStatus]:
    return {c.name: c.status for c in result.checks}


def test_checks_are_the_seal_checks(office: Signer) -> None:
    result = verify_bytes(twoddoc(office.key), policy=office.policy(), at=T0)
    assert _result_statuses(result) == {
        "barcode": CheckStatus.PASS,
        "signature": CheckStatus.PASS,
        "signer_certificate": CheckStatus.PASS,
        "certificate_validity": CheckStatus.PASS,
        "revocation": CheckStatus.INCONCLUSIVE,
        "document_validity": CheckStatus.ABSENT,
    }


def test_twoddoc_look_alike_certificate_does_not_hide_a_forgery(
    office: Signer, forger: Signer
) -> None:
    # Red team: the forger signs a 2D-Doc naming the office (FR99 / 0042) with his
    # own key and ships a certificate of his own with the same names as untrusted
    # path material (a PDF signature's certificates, which its signer chooses).
    # The office's trusted certificate does not verify the seal: NOT AUTHENTIC.
    # Before, the look-alike verified it first, and the seal was only "untrusted
    # issuer" (INCONCLUSIVE).
    # The seal checks of every format (the PDF path passes its signatures'
    # certificates as extra_certs).
    from docsec._seal_checks import read_seal

    def check_seal(
        data: bytes, trust: TrustStore, extra_certs: list[x509.Certificate]
    ) -> tuple[list[CheckResult], object]:
        policy = VerifyPolicy.seal(trust)
        return read_seal(data, policy=policy, at=T0, extra_certs=extra_certs)

    data = twoddoc(forger.key)
    trust = TrustStore.from_certificates([office.cert])
    alone, _ = check_seal(data, trust, [])
    assert [c.reasons for c in alone if c.name == "signature"] == [("forged-seal",)]
    checks, frame = check_seal(data, trust, [forger.cert])
    signature = next(c for c in checks if c.name == "signature")
    assert signature.status is CheckStatus.FAIL
    assert signature.reasons == ("forged-seal",)
    assert frame is None
    # The forger's certificate alone (the office not trusted here) stays unknown.
    checks, _ = check_seal(
        data, TrustStore.from_certificates([_other_anchor()]), [forger.cert]
    )
    assert CheckStatus.FAIL not in {c.status for c in checks}


def _other_anchor() -> x509.Certificate:
    key = ec.generate_private_key(ec.SECP256R1())
    return _cert(key, issuer_cn="FR98", subject_cn="FR98")


@pytest.mark.parametrize("at", [20, 22, 24])
def test_twoddoc_header_codes_are_alphanumeric(office: Signer, at: int) -> None:
    # Red team: document type, perimeter and country were taken as they came and
    # shown (barcode check, inspect) before any signature check; "\x1bc" there
    # reset the terminal of whoever inspected the seal.
    good = twoddoc(office.key)
    assert TWODDOC.parse_unverified(good).country == "FR"
    bad = good[:at] + b"\x1bc" + good[at + 2 :]
    with pytest.raises(PayloadError, match="malformed 2D-Doc document type"):
        TWODDOC.parse_unverified(bad)


def test_twoddoc_repeated_identifier_shows_every_value(office: Signer) -> None:
    # Red team: a data identifier given twice got the same name twice; the JSON
    # fields object, field_map() and the CLI keep a name's first value, so the
    # second was hidden. Each now has its own name.
    data = twoddoc(office.key, message=f"10ALICE{GS}10MALLORY{GS}")
    result = verify_bytes(data, policy=office.policy(), at=T0 + timedelta(days=1))
    assert result.verdict is Verdict.AUTHENTIC, result.reasons
    assert result.content is not None
    values = result.content.field_map()
    assert sorted(values.values()) == ["ALICE", "MALLORY"]
    assert len(values) == len(result.content.fields) == 2


def test_twoddoc_dated_by_a_clock_ahead_of_utc_is_not_in_the_future(
    office: Signer,
) -> None:
    # Red team (never accuse the genuine): a 2D-Doc states only its issuer's local
    # date. Signed at 00:30 in Paris (23:30 UTC the day before) and checked at
    # once, it is dated a day after the UTC date; it was NOT AUTHENTIC
    # (signed-in-future). A date no time zone has reached yet still is.
    evening = datetime.combine(D0, datetime.min.time(), tzinfo=UTC) + timedelta(
        hours=23, minutes=30
    )
    fresh = twoddoc(office.key, signed_on=D0 + timedelta(days=1))
    result = verify_bytes(fresh, policy=office.policy(), at=evening)
    assert "signed-in-future" not in result.reasons
    assert result.verdict is Verdict.AUTHENTIC, result.reasons
    early = datetime.combine(D0, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    result = verify_bytes(fresh, policy=office.policy(), at=early)
    assert "signed-in-future" in result.reasons
