"""Known-answer vectors: fixed key + fixed data -> exact seal bytes (RFC 6979)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from docsec.keys import VerifyingKey
from docsec.seal import (
    Feature,
    build_certificate_seal,
    canonical_json,
    content_digest,
    decode_certificate,
    make_header,
    parse_unverified,
    sign,
    verify_signature,
)

VECTORS = Path(__file__).resolve().parents[1] / "vectors"


def _load(name: str) -> dict[str, object]:
    return json.loads((VECTORS / name).read_text("utf-8"))


def _key(vector: dict[str, object]) -> ec.EllipticCurvePrivateKey:
    info = vector["key"]
    assert isinstance(info, dict)
    assert info["curve"] == "secp256r1"
    return ec.derive_private_key(int(info["private_scalar_hex"], 16), ec.SECP256R1())


def test_vectors_are_listed() -> None:
    listed = (VECTORS / "VECTORS.md").read_text("utf-8")
    for name in ("seal_kat_1.json", "seal_kat_2.json", "seal_kat_3.json"):
        assert f"`{name}`" in listed


def test_kat_1_profile_v1_seal_still_decodes() -> None:
    """Profile v1 (digest only, written before v2) stays readable, as issued."""
    v = _load("seal_kat_1.json")
    data = v["certificate_data"]
    assert isinstance(data, dict)
    assert canonical_json(data).hex() == v["expected_canonical_json_utf8_hex"]
    assert content_digest(data).hex() == v["expected_content_digest_hex"]
    seal = parse_unverified(bytes.fromhex(str(v["expected_seal_hex"])))
    assert len(seal.signed_bytes) == v["expected_signed_bytes_len"]
    assert seal.feature(0) == b"\x01\x01\x03"
    fields = decode_certificate(seal)
    assert fields.content_digest.hex() == v["expected_content_digest_hex"]
    assert fields.holder_name == data["holder_name"]
    assert (fields.content, fields.text_regions) == (None, ())


def test_kat_3_profile_v2_seal_byte_for_byte() -> None:
    v = _load("seal_kat_3.json")
    key = _key(v)
    data = v["certificate_data"]
    assert isinstance(data, dict)
    params = v["header_params"]
    assert isinstance(params, dict)
    assert content_digest(data).hex() == v["expected_content_digest_hex"]
    raw = build_certificate_seal(
        data,
        key=key,
        signer_identifier=params["signer_identifier"],
        certificate_reference=params["certificate_reference"],
        issuing_country=params["issuing_country"],
        signature_date=dt.date.fromisoformat(params["signature_date"]),
    )
    assert raw.hex() == v["expected_seal_hex"]
    seal = parse_unverified(raw)
    assert len(seal.signed_bytes) == v["expected_signed_bytes_len"]
    assert seal.feature(9) == bytes.fromhex(str(v["expected_content_feature_hex"]))
    assert seal.feature(21) == bytes.fromhex(
        str(v["expected_text_regions_feature_hex"])
    )
    fields = decode_certificate(seal)
    assert fields.content_digest.hex() == v["expected_content_digest_hex"]
    assert fields.content == data["content"]
    layout = data["layout"]
    assert isinstance(layout, dict)
    assert [
        {"field": r.field, "region": [r.x, r.y, r.width, r.height]}
        for r in fields.text_regions
    ] == layout["text"]


def test_kat_1_signature_checks_with_cryptography_directly() -> None:
    """The signature zone is plain r||s over header + message zone, SHA-256."""
    v = _load("seal_kat_1.json")
    raw = bytes.fromhex(str(v["expected_seal_hex"]))
    seal = parse_unverified(raw)
    assert seal.signature is not None
    assert raw[len(seal.signed_bytes) : len(seal.signed_bytes) + 2] == b"\xff\x40"
    r = int.from_bytes(seal.signature[:32])
    s = int.from_bytes(seal.signature[32:])
    public = _key(v).public_key()
    public.verify(
        encode_dss_signature(r, s), seal.signed_bytes, ec.ECDSA(hashes.SHA256())
    )
    assert verify_signature(seal, VerifyingKey.from_public_key(public))


def test_kat_2_low_level_v3_seal_byte_for_byte() -> None:
    v = _load("seal_kat_2.json")
    h = v["header"]
    assert isinstance(h, dict)
    header = make_header(
        issuing_country=h["issuing_country"],
        signer_identifier=h["signer_identifier"],
        certificate_reference=h["certificate_reference"],
        issue_date=dt.date.fromisoformat(h["issue_date"]),
        signature_date=dt.date.fromisoformat(h["signature_date"]),
        feature_def_ref=h["feature_def_ref"],
        doc_type_category=h["doc_type_category"],
        icao_version=h["icao_version"],
    )
    feats = v["features"]
    assert isinstance(feats, list)
    features = [Feature(f["tag"], bytes.fromhex(f["value_hex"])) for f in feats]
    raw = sign(header, features, _key(v))
    assert raw.hex() == v["expected_seal_hex"]
    seal = parse_unverified(raw)
    assert seal.header == header
    assert list(seal.messages) == features
    assert raw[: header.header_len].hex() == "dc026abcd9cac8a51a780f713422f938d504"


@pytest.mark.parametrize(
    "name", ["seal_kat_1.json", "seal_kat_2.json", "seal_kat_3.json"]
)
def test_kat_wrong_key_fails(name: str) -> None:
    v = _load(name)
    seal = parse_unverified(bytes.fromhex(str(v["expected_seal_hex"])))
    other = ec.derive_private_key(12345, ec.SECP256R1()).public_key()
    assert not verify_signature(seal, VerifyingKey.from_public_key(other))
