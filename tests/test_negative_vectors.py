"""One negative vector per failure mode (tests/vectors/negative), plus the positive KAT."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from docsec.policy import VerifyPolicy
from docsec.result import Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_file, verify_seal_bytes

VECTORS = Path(__file__).resolve().parent / "vectors"
N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
AT = date(2024, 5, 2)


@pytest.fixture(scope="module")
def policy() -> VerifyPolicy:
    kat = json.loads((VECTORS / "seal_kat_1.json").read_text(encoding="utf-8"))
    scalar = int(kat["key"]["private_scalar_hex"], 16)
    key = ec.derive_private_key(scalar, ec.SECP256R1())
    assert (
        scalar
        == int.from_bytes(
            hashlib.sha256(b"docsec seal KAT key 1 - NOT FOR PRODUCTION").digest(),
            "big",
        )
        % N
    )
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "KR"),
            x509.NameAttribute(NameOID.COMMON_NAME, "GN"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1A2B)
        .not_valid_before(datetime(2024, 1, 1, tzinfo=UTC))
        .not_valid_after(datetime(2025, 1, 1, tzinfo=UTC))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return VerifyPolicy.seal(TrustStore.from_certificates([cert]))


def test_positive_kat_is_authentic(policy: VerifyPolicy) -> None:
    kat = json.loads((VECTORS / "seal_kat_1.json").read_text(encoding="utf-8"))
    r = verify_seal_bytes(bytes.fromhex(kat["expected_seal_hex"]), policy=policy, at=AT)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons


EXPECTED = {
    "wrong_key.bin": ("not_authentic", "forged-seal"),
    "flipped_message_byte.bin": ("not_authentic", "forged-seal"),
    "flipped_signature_byte.bin": ("not_authentic", "forged-seal"),
    "truncated.bin": ("not_authentic", "malformed-seal"),
    "trailing_bytes.bin": ("not_authentic", "malformed-seal"),
    "unknown_version.bin": ("not_authentic", "malformed-seal"),
    "wrong_magic.bin": ("not_authentic", "malformed-seal"),
    "no_signature.bin": ("not_authentic", "malformed-seal"),
    "length_past_end.bin": ("not_authentic", "malformed-seal"),
}


def test_every_negative_vector_is_listed() -> None:
    assert {p.name for p in (VECTORS / "negative").glob("*.bin")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_negative_vector(name: str, policy: VerifyPolicy) -> None:
    r = verify_file(VECTORS / "negative" / name, policy=policy, at=AT)
    verdict, reason = EXPECTED[name]
    assert r.verdict.value == verdict
    assert reason in r.reasons, r.reasons
    assert r.content is None


def test_expired_at(policy: VerifyPolicy) -> None:
    kat = json.loads((VECTORS / "seal_kat_1.json").read_text(encoding="utf-8"))
    data = bytes.fromhex(kat["expected_seal_hex"])
    r = verify_seal_bytes(data, policy=policy, at=date(2025, 6, 1))
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert set(r.reasons) == {"certificate-expired", "document-expired"}
