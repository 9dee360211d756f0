"""2D-Doc and EU DCC vectors kept in tests/vectors/formats (no corpus needed)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography import x509
from tests.clock import NOW

from docsec.policy import VerifyPolicy
from docsec.result import Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_bytes

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "formats"


def _twoddoc_policy() -> VerifyPolicy:
    pem = (VECTORS / "2ddoc_FR00_0001.pem").read_bytes()
    return VerifyPolicy.seal(
        TrustStore.from_certificates([x509.load_pem_x509_certificate(pem)])
    )


def test_2ddoc_spec_example_within_the_certificate_validity() -> None:
    data = (VECTORS / "2ddoc_spec_type00.txt").read_bytes()
    policy = _twoddoc_policy()
    result = verify_bytes(data, policy=policy, at=dt.date(2015, 10, 31))
    assert result.verdict is Verdict.AUTHENTIC
    assert result.content is not None
    assert result.content.field_map()["Service locality"] == "METZ"
    # Today the test certificate has expired.
    now = verify_bytes(data, policy=policy, at=NOW)
    assert (now.verdict, now.reasons) == (
        Verdict.NOT_AUTHENTIC,
        ("certificate-expired",),
    )
    edited = verify_bytes(
        data.replace(b"METZ", b"NICE"), policy=policy, at=dt.date(2015, 10, 31)
    )
    assert (edited.verdict, edited.reasons) == (Verdict.NOT_AUTHENTIC, ("forged-seal",))


def test_2ddoc_signed_after_its_certificate_expired() -> None:
    # The specification's type 12 example is dated 2018, its certificate ends 2015.
    data = (VECTORS / "2ddoc_spec_type12.txt").read_bytes()
    result = verify_bytes(data, policy=_twoddoc_policy(), at=dt.date(2018, 2, 6))
    signature = result.check("signature")
    assert signature is not None
    assert signature.passed is True
    assert (result.verdict, result.reasons) == (
        Verdict.NOT_AUTHENTIC,
        ("signed-outside-certificate-validity",),
    )


@pytest.mark.parametrize(
    ("name", "verdict", "reasons"),
    [
        ("dcc_CO1.json", Verdict.AUTHENTIC, ()),
        ("dcc_CO3.json", Verdict.AUTHENTIC, ()),
        ("dcc_CO5.json", Verdict.NOT_AUTHENTIC, ("forged-seal",)),
    ],
)
def test_dcc_vectors(name: str, verdict: Verdict, reasons: tuple[str, ...]) -> None:
    case = json.loads((VECTORS / name).read_text("utf-8"))
    ctx = case["TESTCTX"]
    dsc = x509.load_der_x509_certificate(base64.b64decode(ctx["CERTIFICATE"]))
    at = dt.datetime.fromisoformat(ctx["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    result = verify_bytes(
        case["PREFIX"].encode(),
        policy=VerifyPolicy.seal(TrustStore.from_certificates([dsc])),
        at=at,
    )
    assert (result.verdict, result.reasons) == (verdict, reasons)


def test_every_vector_file_is_listed() -> None:
    listed = (VECTORS.parent / "VECTORS.md").read_text("utf-8")
    for path in VECTORS.iterdir():
        if path.name.startswith("LICENSE"):
            assert f"`formats/{path.name}`" in listed
        else:
            assert path.name in listed, path.name


def test_dcc_no_changed_character_is_authentic() -> None:
    case = json.loads((VECTORS / "dcc_CO3.json").read_text("utf-8"))
    ctx = case["TESTCTX"]
    dsc = x509.load_der_x509_certificate(base64.b64decode(ctx["CERTIFICATE"]))
    policy = VerifyPolicy.seal(TrustStore.from_certificates([dsc]))
    at = dt.datetime.fromisoformat(ctx["VALIDATIONCLOCK"].replace("Z", "+00:00"))
    text = case["PREFIX"]
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
    for pos in range(4, len(text), 3):
        other = alphabet[(alphabet.index(text[pos]) + 1) % len(alphabet)]
        mutated = (text[:pos] + other + text[pos + 1 :]).encode()
        result = verify_bytes(mutated, policy=policy, at=at)
        assert result.verdict is not Verdict.AUTHENTIC, pos
