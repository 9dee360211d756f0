"""Seal header / message zone / signature zone: parse, encode, sign, verify."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsec.errors import InputError, PayloadError
from docsec.keys import VerifyingKey
from docsec.seal import (
    Feature,
    Seal,
    SealHeader,
    c40_encode,
    encode_unsigned,
    make_header,
    parse_unverified,
    sign,
    verify_signature,
)
from docsec.seal._codec import C40_ALPHABET

KEY = ec.derive_private_key(0xD0C5EC, ec.SECP256R1())
VK = VerifyingKey.from_public_key(KEY.public_key())
ALNUM = C40_ALPHABET[1:]


def _header(**kw: object) -> SealHeader:
    args: dict[str, object] = {
        "issuing_country": "KOR",
        "signer_identifier": "KRGN",
        "certificate_reference": "1A",
        "issue_date": dt.date(2024, 5, 1),
        "signature_date": dt.date(2024, 5, 2),
        "feature_def_ref": 0xD5,
        "doc_type_category": 3,
    }
    args.update(kw)
    return make_header(**args)  # type: ignore[arg-type]


FEATURES = (Feature(0, b"\x01\x01\x03"), Feature(2, b"abc"))


def _signed() -> bytes:
    return sign(_header(), FEATURES, KEY)


def test_sign_parse_verify() -> None:
    raw = _signed()
    seal = parse_unverified(raw)
    assert seal.header == _header()
    assert seal.messages == FEATURES
    assert seal.raw == raw
    assert seal.signed_bytes == encode_unsigned(_header(), FEATURES)
    assert seal.signature is not None
    assert len(seal.signature) == 64
    assert seal.leniencies == ()
    assert seal.feature(2) == b"abc"
    assert seal.feature(9) is None
    assert verify_signature(seal, VK)


def test_signing_is_deterministic() -> None:
    assert _signed() == _signed()


def test_header_v4_layout() -> None:
    h = _header(certificate_reference="00112233445566778899AABBCCDDEEFF")
    raw = encode_unsigned(h, FEATURES)
    assert raw[:2] == b"\xdc\x03"
    # 2 magic/version + 2 country + 4 signer/len + 22 reference + 3 + 3 + 1 + 1
    assert h.header_len == 38
    assert parse_unverified(raw, allow_unsigned=True).header == h


def test_header_v3_layout() -> None:
    h = _header(icao_version=3, certificate_reference="0005B", issuing_country="D")
    assert h.issuing_country == "D  "
    assert (h.raw_version, h.icao_version, h.header_len) == (2, 3, 18)
    raw = encode_unsigned(h, FEATURES)
    assert raw[:4].hex() == "dc026abc"
    assert parse_unverified(raw, allow_unsigned=True).header == h


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"icao_version": 2}, "version"),
        ({"feature_def_ref": 256}, "feature_def_ref"),
        ({"doc_type_category": -1}, "doc_type_category"),
        ({"issuing_country": "KORE"}, "country"),
        ({"issuing_country": ""}, "country"),
        ({"signer_identifier": "KRG"}, "signer"),
        ({"certificate_reference": ""}, "reference"),
        ({"certificate_reference": "A" * 256}, "reference"),
        ({"certificate_reference": "1a"}, "C40"),
        ({"icao_version": 3, "certificate_reference": "1A"}, "5 characters"),
    ],
)
def test_make_header_rejects(kw: dict[str, object], match: str) -> None:
    with pytest.raises(InputError, match=match):
        _header(**kw)


def test_encode_unsigned_rejects() -> None:
    h = _header()
    with pytest.raises(InputError, match="at least one"):
        encode_unsigned(h, [])
    with pytest.raises(InputError, match="twice"):
        encode_unsigned(h, [Feature(1, b""), Feature(1, b"")])
    with pytest.raises(InputError, match="0-254"):
        encode_unsigned(h, [Feature(255, b"")])
    with pytest.raises(InputError, match="header_len"):
        encode_unsigned(_replace(h, header_len=3), FEATURES)
    with pytest.raises(InputError, match="version byte"):
        encode_unsigned(_replace(h, raw_version=2), FEATURES)
    with pytest.raises(InputError, match="0-255"):
        encode_unsigned(_replace(h, feature_def_ref=300), FEATURES)
    with pytest.raises(InputError, match="3 C40"):
        encode_unsigned(_replace(h, issuing_country="KO"), FEATURES)


def _replace(h: SealHeader, **kw: object) -> SealHeader:
    return dataclasses.replace(h, **kw)  # type: ignore[arg-type]


def _malformed_cases() -> list[tuple[str, bytes]]:
    good = _signed()
    unsigned = encode_unsigned(_header(), FEATURES)
    sig_at = len(unsigned)
    return [
        ("empty", b""),
        ("wrong magic", b"\xdb" + good[1:]),
        ("unknown version 0x04", good[:1] + b"\x04" + good[2:]),
        ("version 0x01 (v2)", good[:1] + b"\x01" + good[2:]),
        ("magic only", good[:1]),
        ("truncated header", good[:12]),
        ("header only", good[: _header().header_len]),
        ("trailing byte", good + b"\x00"),
        ("second signature", good + good[sig_at:]),
        ("missing signature", unsigned),
        ("signature past end", good[:-1]),
        ("empty signature", unsigned + b"\xff\x00"),
        ("odd signature", unsigned + b"\xff\x03abc"),
        ("duplicate feature", unsigned + b"\x02\x00" + good[sig_at:]),
        ("feature past end", unsigned + b"\x09\x05ab"),
        ("impossible issue date", good[:8] + (2302024).to_bytes(3) + good[11:]),
        ("bad C40 in country", good[:2] + b"\xff\xff" + good[4:]),
        ("non-hex reference length", good[:4] + bytes.fromhex("9aeda96a") + good[8:]),
    ]


@pytest.mark.parametrize(("name", "data"), _malformed_cases())
def test_parse_rejects_malformed(name: str, data: bytes) -> None:
    with pytest.raises(PayloadError):
        parse_unverified(data)


def test_parse_rejects_non_bytes() -> None:
    with pytest.raises(PayloadError):
        parse_unverified("dc03")  # type: ignore[arg-type]


def test_parse_accepts_bytearray_and_memoryview() -> None:
    raw = _signed()
    assert parse_unverified(bytearray(raw)) == parse_unverified(memoryview(raw))


def test_allow_unsigned() -> None:
    unsigned = encode_unsigned(_header(), FEATURES)
    seal = parse_unverified(unsigned, allow_unsigned=True)
    assert seal.signature is None
    assert seal.signed_bytes == unsigned
    assert not verify_signature(seal, VK)


def test_verify_rejects_wrong_key_and_wrong_size_signature() -> None:
    seal = parse_unverified(_signed())
    other = VerifyingKey.from_public_key(
        ec.derive_private_key(7, ec.SECP256R1()).public_key()
    )
    assert not verify_signature(seal, other)
    p384 = VerifyingKey.from_public_key(
        ec.derive_private_key(7, ec.SECP384R1()).public_key()
    )
    assert not verify_signature(seal, p384)


def test_signer_field_with_unlatch_is_rejected() -> None:
    good = bytearray(_signed())
    # v4: the 4 signer bytes decode to only 4 characters (triple + unlatch).
    good[4:8] = c40_encode("KRG") + b"\xfe\x42"
    with pytest.raises(PayloadError):
        parse_unverified(bytes(good))
    # v4 with length "00" (the v3-style fallback) but only 8 characters in 6 bytes.
    raw = bytearray(sign(_header(certificate_reference="ABC"), FEATURES, KEY))
    raw[4:10] = c40_encode("KRGN00") + b"\xfe\x42"
    with pytest.raises(PayloadError):
        parse_unverified(bytes(raw))


def test_decimal_reference_length_leniency_is_only_a_fallback() -> None:
    # "10" is 16 characters in hex (ICAO) and 10 in decimal (TR-03171 writers).
    h16 = _header(certificate_reference="0123456789ABCDEF")
    seal = parse_unverified(sign(h16, FEATURES, KEY))
    assert seal.header.certificate_reference == "0123456789ABCDEF"
    assert seal.leniencies == ()
    # Rewrite the length field to "10" with a 10-character reference: hex fails.
    h10 = _header(certificate_reference="0123456789")
    raw = bytearray(sign(h10, FEATURES, KEY))
    assert raw[4:8] == bytes.fromhex("9aeda96f")  # "KRGN0A"
    raw[4:8] = c40_encode("KRGN10")
    seal = parse_unverified(bytes(raw))
    assert seal.header.certificate_reference == "0123456789"
    assert seal.leniencies == ("certificate-reference-length-read-as-decimal",)


# ---------------------------------------------------------------------------- hypothesis

headers = st.builds(
    lambda version, country, signer, ref3, ref4, d1, d2, ref, cat: make_header(
        issuing_country=country,
        signer_identifier=signer,
        certificate_reference=ref3 if version == 3 else ref4,
        issue_date=d1,
        signature_date=d2,
        feature_def_ref=ref,
        doc_type_category=cat,
        icao_version=version,
    ),
    st.sampled_from([3, 4]),
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=3),
    st.text(alphabet=ALNUM, min_size=4, max_size=4),
    st.text(alphabet=ALNUM, min_size=5, max_size=5),
    st.text(alphabet=ALNUM, min_size=1, max_size=255),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.dates(min_value=dt.date(1, 1, 1)),
    st.integers(0, 255),
    st.integers(0, 255),
)
feature_lists = st.lists(
    st.builds(Feature, st.integers(0, 254), st.binary(max_size=300)),
    min_size=1,
    max_size=8,
    unique_by=lambda f: f.tag,
)


@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_seal_or_payload_error(data: bytes) -> None:
    for allow in (False, True):
        try:
            seal = parse_unverified(data, allow_unsigned=allow)
        except PayloadError:
            continue
        assert isinstance(seal, Seal)


@given(st.binary(max_size=200))
def test_arbitrary_tails_after_a_valid_header(tail: bytes) -> None:
    prefix = encode_unsigned(_header(), FEATURES)[: _header().header_len]
    with contextlib.suppress(PayloadError):
        parse_unverified(prefix + tail)


@given(headers, feature_lists)
def test_encode_parse_round_trip(header: SealHeader, features: list[Feature]) -> None:
    raw = encode_unsigned(header, features)
    seal = parse_unverified(raw, allow_unsigned=True)
    assert seal.header == header
    assert list(seal.messages) == features
    assert seal.signed_bytes == raw
    assert seal.leniencies == ()


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(headers, feature_lists, st.data())
def test_mutated_signed_seal_never_verifies(
    header: SealHeader, features: list[Feature], data: st.DataObject
) -> None:
    raw = sign(header, features, KEY)
    assert verify_signature(parse_unverified(raw), VK)
    pos = data.draw(st.integers(0, len(raw) - 1), label="position")
    flip = data.draw(st.integers(1, 255), label="xor")
    mutated = bytearray(raw)
    mutated[pos] ^= flip
    try:
        seal = parse_unverified(bytes(mutated))
    except PayloadError:
        return
    assert not verify_signature(seal, VK)
