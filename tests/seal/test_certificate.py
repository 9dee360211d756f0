"""docsec certificate profiles: data -> seal -> fields, canonical JSON, display."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import given
from hypothesis import strategies as st

from docsec.errors import InputError, PayloadError
from docsec.keys import VerifyingKey
from docsec.seal import (
    DOCSEC_FEATURE_DEF_REF,
    Feature,
    Seal,
    build_certificate_seal,
    canonical_json,
    certificate_features,
    complete_dates,
    content_digest,
    decode_certificate,
    decode_fields,
    decode_value,
    docsec_profiles,
    encode_unsigned,
    find_profile,
    foreign_profiles,
    load_certificate_data,
    make_header,
    parse_unverified,
    sign,
    validity_window,
    verify_signature,
)

KEY = ec.derive_private_key(0xC0FFEE, ec.SECP256R1())
VK = VerifyingKey.from_public_key(KEY.public_key())

BASE: dict[str, Any] = {
    "kind": "resident_registration_abstract",
    "document_number": "GN2024000777",
    "holder_name": "김민지",
    "birth_date": "1995-07-14",
    "issuing_office": "Gangnam-gu Office",
    "issue_date": "2024-06-03",
    "content": {"address_history": ["Seoul", "Busan"], "count": 2},
}


def _build(data: dict[str, Any]) -> bytes:
    return build_certificate_seal(
        data,
        key=KEY,
        signer_identifier="KRGN",
        certificate_reference="7F",
        issuing_country="KOR",
        signature_date=dt.date(2024, 6, 3),
    )


def test_at_least_eight_kinds_with_distinct_categories() -> None:
    profiles = docsec_profiles()
    assert len(profiles) >= 8
    assert len({p.doc_type_category for p in profiles}) == len(profiles)
    assert {p.feature_def_ref for p in profiles} == {DOCSEC_FEATURE_DEF_REF}
    foreign = {(p.feature_def_ref, p.doc_type_category) for p in foreign_profiles()}
    assert not foreign & {(p.feature_def_ref, p.doc_type_category) for p in profiles}


def test_round_trip_minimal() -> None:
    raw = _build(BASE)
    seal = parse_unverified(raw)
    assert verify_signature(seal, VK)
    assert seal.header.feature_def_ref == DOCSEC_FEATURE_DEF_REF
    assert seal.header.doc_type_category == 1
    assert seal.header.issue_date == dt.date(2024, 6, 3)
    f = decode_certificate(seal)
    assert f.kind == "resident_registration_abstract"
    assert f.document_number == "GN2024000777"
    assert f.holder_name == "김민지"
    assert f.birth_date == dt.date(1995, 7, 14)
    assert f.valid_from == f.issue_date == dt.date(2024, 6, 3)
    assert f.valid_until is None
    assert f.content_digest == content_digest(BASE)
    assert f.cdp_region is None
    assert f.watermark_key_id is None
    assert f.document_title is None


def test_round_trip_full_layout() -> None:
    data = {
        **BASE,
        "kind": "national_tax_payment_certificate",
        "document_title": "납세증명서",
        "valid_from": "2024-06-04",
        "valid_until": "2024-07-03",
        "layout": {
            "module_size_um": 423,
            "cdp": {"region": [-250, 0, 220, 220], "key_id": "00112233445566ff"},
            "watermark": {"region": [-2000, -3000, 2100, 3100], "key_id": "aa" * 8},
        },
    }
    f = decode_certificate(parse_unverified(_build(data)))
    assert (f.valid_from, f.valid_until) == (dt.date(2024, 6, 4), dt.date(2024, 7, 3))
    assert f.module_size_um == 423
    assert f.cdp_region is not None
    assert f.cdp_region.in_modules() == (-25.0, 0.0, 22.0, 22.0)
    assert f.cdp_key_id == "00112233445566ff"
    assert f.watermark_key_id == "aa" * 8
    assert f.document_title == "납세증명서"
    rows = {r.name: r for r in decode_fields(parse_unverified(_build(data))).fields}
    assert rows["CDP_REGION"].value == "x=-25 y=0 w=22 h=22 modules"
    assert rows["VALIDITY"].value == "2024-06-04/2024-07-03"
    assert rows["PROFILE_ID"].value == "v2 sha256 category 8"


def test_a_key_id_with_thirteen_digits_is_no_registration_number() -> None:
    # About one random key id in 430 holds 13 digits in a row; its issuer must
    # still issue. Personal data with the same digits is still refused.
    ids = {"cdp": "a1234567890123bc", "watermark": "9001011234567abc"}
    data = {
        **BASE,
        "layout": {
            name: {"region": [0, -300, 200, 200], "key_id": key_id}
            for name, key_id in ids.items()
        },
    }
    f = decode_certificate(parse_unverified(_build(data)))
    assert (f.cdp_key_id, f.watermark_key_id) == (ids["cdp"], ids["watermark"])
    with pytest.raises(InputError, match="resident registration"):
        _build({**data, "content": {"note": ids["watermark"]}})
    # Only a key id's place, and only a key id's form, skips the scan.
    odd = {"region": [0, 0, 1, 1], "key_id": "900101-1234567"}
    with pytest.raises(InputError, match="resident registration"):
        _build({**BASE, "layout": {"cdp": odd}})


def test_layout_with_cdp_only() -> None:
    data = {
        **BASE,
        "layout": {"cdp": {"region": [0, -300, 200, 200], "key_id": "0f" * 8}},
    }
    f = decode_certificate(parse_unverified(_build(data)))
    assert f.cdp_region is not None
    assert (f.watermark_region, f.watermark_key_id, f.module_size_um) == (
        None,
        None,
        None,
    )


def test_decode_fields_for_docsec_seal_has_no_problems() -> None:
    decoded = decode_fields(parse_unverified(_build(BASE)))
    assert decoded.profile == "resident_registration_abstract"
    assert decoded.family == "docsec"
    assert decoded.problems == ()
    names = [f.name for f in decoded.fields]
    assert names == [
        "PROFILE_ID",
        "VALIDITY",
        "DOCUMENT_NUMBER",
        "HOLDER_NAME",
        "BIRTH_DATE",
        "ISSUING_OFFICE",
        "ISSUE_DATE",
        "CONTENT_DIGEST",
        *(["CONTENT"] if "content" in BASE else []),
    ]


def test_extra_content_is_signed_whole_and_digested() -> None:
    other = {**BASE, "content": {"address_history": ["Seoul"], "count": 1}}
    a = decode_certificate(parse_unverified(_build(BASE)))
    b = decode_certificate(parse_unverified(_build(other)))
    assert a.content_digest != b.content_digest
    assert b.content == {"address_history": ["Seoul"], "count": 1}
    assert dataclasses.replace(
        a, content_digest=b"", content=None
    ) == dataclasses.replace(b, content_digest=b"", content=None)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"holder_name": "홍길동 900101-1234567"}, "resident registration"),
        ({"content": {"note": "9001011234567"}}, "resident registration"),
        ({"content": {"id": 9001011234567}}, "resident registration"),
        ({"surname": "x"}, "unknown certificate-data keys"),
        ({"kind": "driving_licence"}, "unknown certificate kind"),
        ({"document_number": "gn-1"}, "document_number"),
        ({"document_number": "A" * 31}, "document_number"),
        ({"issue_date": "2024-02-30"}, "impossible date"),
        ({"issue_date": "03.06.2024"}, "YYYY-MM-DD"),
        ({"birth_date": "2030-01-01"}, "birth_date is after"),
        ({"valid_until": "2024-01-01"}, "before valid_from"),
        ({"holder_name": " "}, "non-empty"),
        ({"holder_name": "가" * 31}, "holder_name: encodes to 93 bytes"),
        ({"content": {"ratio": 0.5}}, "floating-point"),
        ({"content": {"big": 2**60}}, "2\\*\\*53"),
        ({"content": {"when": dt.datetime(2024, 1, 1)}}, "datetime"),
        ({"content": {"x": {1, 2}}}, "not a JSON value"),
        ({"content": {1: "x"}}, "keys must be strings"),
        ({"content": {"bad": "\ud800"}}, "surrogate"),
        ({"content": {"\u00e9": 1, "e\u0301": 2}}, "duplicate key"),
        ({"content": [1]}, "content: expected an object"),
        ({"layout": []}, "layout: expected an object"),
        ({"layout": {"size": 1}}, "unknown keys"),
        ({"layout": {"module_size_um": 0}}, "module_size_um"),
        ({"layout": {"cdp": {"region": [0, 0, 1, 1]}}}, "region and key_id"),
        ({"layout": {"cdp": {"region": [0, 0, 1, 1], "key_id": "XY"}}}, "key_id"),
        ({"layout": {"cdp": {"region": [0, 0, 1], "key_id": "ab" * 8}}}, "4 integers"),
        ({"layout": {"cdp": {"region": [0, 0, 0, 1], "key_id": "ab" * 8}}}, "positive"),
        (
            {"layout": {"cdp": {"region": [0, 0, 1, 40000], "key_id": "ab" * 8}}},
            "16 bits",
        ),
    ],
)
def test_invalid_certificate_data(change: dict[str, Any], match: str) -> None:
    with pytest.raises(InputError, match=match):
        _build({**BASE, **change})


def test_missing_fields() -> None:
    for key in (
        "kind",
        "document_number",
        "holder_name",
        "issuing_office",
    ):
        data = {k: v for k, v in BASE.items() if k != key}
        with pytest.raises(InputError, match="lacks"):
            _build(data)
    # Building fills an open issue date from the signing date; the bare feature
    # builder still needs it.
    no_issue = {k: v for k, v in BASE.items() if k != "issue_date"}
    with pytest.raises(InputError, match="lacks"):
        certificate_features(no_issue)
    no_birth = {k: v for k, v in BASE.items() if k != "birth_date"}
    with pytest.raises(InputError, match="needs birth_date"):
        _build(no_birth)
    with pytest.raises(InputError, match="needs valid_until"):
        _build({**BASE, "kind": "local_tax_payment_certificate"})
    with pytest.raises(InputError, match="mapping"):
        certificate_features([])  # type: ignore[arg-type]


def test_accepts_date_objects_and_business_without_birth_date() -> None:
    data = {
        "kind": "business_registration_certificate",
        "document_number": "B1234",
        "holder_name": "Docsec Ltd.",
        "issuing_office": "Gangnam Tax Office",
        "issue_date": dt.date(2024, 1, 2),
    }
    as_text = {**data, "issue_date": "2024-01-02"}
    assert content_digest(data) == content_digest(as_text)
    assert _build(data) == _build(as_text)


# ----------------------------------------------------------------- canonical JSON


def test_canonical_json_rules() -> None:
    # Keys sorted by UTF-16 code units: U+1F600 (surrogates D83D..) sorts before U+FF21.
    data = {"b": 1, "a": [True, False, None], "\uff21": 0, "\U0001f600": 0, "A": "x"}
    assert canonical_json(data).decode() == (
        '{"A":"x","a":[true,false,null],"b":1,"\U0001f600":0,"\uff21":0}'
    )
    # NFC: decomposed Hangul is composed before hashing.
    assert canonical_json({"n": "\u1112\u1169\u11bc"}) == canonical_json({"n": "홍"})
    # Escapes as RFC 8785: control characters, quote, backslash; no others.
    assert (
        canonical_json({"s": '\n"\\\x01/é'}).decode() == '{"s":"\\n\\"\\\\\\u0001/é"}'
    )
    assert canonical_json({"t": (1, 2)}) == b'{"t":[1,2]}'


@given(
    st.recursive(
        st.none()
        | st.booleans()
        | st.integers(-(2**53) + 1, 2**53 - 1).filter(lambda i: abs(i) < 10**12)
        | st.text(alphabet=st.characters(exclude_categories=["Cs", "Nd"]), max_size=8),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text(
                    alphabet=st.characters(exclude_categories=["Cs", "Nd"]), max_size=5
                ),
                inner,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_canonical_json_is_valid_json_and_idempotent(value: object) -> None:
    data = {"v": value}
    try:
        text = canonical_json(data)
    except InputError:
        return  # NFC collisions of generated keys
    reparsed = json.loads(text)
    assert canonical_json(reparsed) == text


def test_load_certificate_data() -> None:
    assert load_certificate_data('{"a": 1}') == {"a": 1}
    assert load_certificate_data(json.dumps(BASE).encode()) == BASE
    with pytest.raises(InputError, match="duplicate key"):
        load_certificate_data('{"a": 1, "a": 2}')
    with pytest.raises(InputError, match="NaN"):
        load_certificate_data('{"a": NaN}')
    with pytest.raises(InputError, match="not valid JSON"):
        load_certificate_data("{")
    with pytest.raises(InputError, match="not valid JSON"):
        load_certificate_data(b"\xff")
    with pytest.raises(InputError, match="object"):
        load_certificate_data("[1]")


# ---------------------------------------------------------------- strict decoding


def _reseal(features: list[Feature], **header_kw: object) -> bytes:
    seal = parse_unverified(_build(BASE))
    h = seal.header
    args: dict[str, Any] = {
        "issuing_country": h.issuing_country,
        "signer_identifier": h.signer_identifier,
        "certificate_reference": h.certificate_reference,
        "issue_date": h.issue_date,
        "signature_date": h.signature_date,
        "feature_def_ref": h.feature_def_ref,
        "doc_type_category": h.doc_type_category,
    }
    args.update(header_kw)
    return sign(make_header(**args), features, KEY)


def _features() -> list[Feature]:
    return list(parse_unverified(_build(BASE)).messages)


def _with(tag: int, value: bytes | None) -> list[Feature]:
    out = [f for f in _features() if f.tag != tag]
    if value is not None:
        out.append(Feature(tag, value))
        out.sort(key=lambda f: f.tag)
    return out


@pytest.mark.parametrize(
    ("features", "header_kw", "match"),
    [
        (_with(0, b"\x03\x01\x01"), {}, "profile version"),
        (_with(0, b"\x02\x02\x01"), {}, "digest algorithm"),
        (_with(0, b"\x02\x01\x02"), {}, "category"),
        (_with(0, b"\x01\x01\x01"), {}, "need docsec profile v2"),
        (_with(9, b"\x00[]"), {}, "JSON object"),
        (_with(9, b"\x00{ }"), {}, "canonical JSON"),
        (_with(9, b"\x07{}"), {}, "packing method"),
        (_with(21, b"\x00\x02/a" + bytes.fromhex("0102030400000506")), {}, "size"),
        (_with(21, b"\x00\x0c/abcdefghijk"), {}, "truncated"),
        (_with(21, b"\x00\x02/a" + bytes(8)), {}, "canonical packing"),
        (_with(8, None), {}, "CONTENT_DIGEST is missing"),
        (_with(5, None), {}, "BIRTH_DATE is missing"),
        (_with(8, b"\x00" * 31), {}, "CONTENT_DIGEST: 31 bytes"),
        (_with(30, b"x"), {}, "tag 30"),
        (_with(2, b"\xfe\x00"), {}, "unlatch"),
        (_with(4, b"\xff"), {}, "UTF-8"),
        (_with(1, bytes.fromhex("0f71341eb370")), {}, "ends before"),
        (_with(7, bytes.fromhex("1eb370")), {}, "header"),
        ([*_with(17, bytes(8)), Feature(18, bytes(8))], {}, "positive size"),
        (_with(17, bytes.fromhex("0000000000010001")), {}, "come together"),
        (list(reversed(_features())), {}, "ascending"),
        (_features(), {"feature_def_ref": 0x01}, "not a docsec"),
    ],
)
def test_decode_certificate_rejects(
    features: list[Feature], header_kw: dict[str, object], match: str
) -> None:
    seal = parse_unverified(_reseal(features, **header_kw))
    with pytest.raises(PayloadError, match=match):
        decode_certificate(seal)
    # The display path never raises; it reports instead.
    decode_fields(seal)


def test_decode_certificate_rejects_missing_expiry_for_tax_certificates() -> None:
    features = _with(0, b"\x02\x01\x08")
    seal = parse_unverified(_reseal(features, doc_type_category=8))
    with pytest.raises(PayloadError, match="expiry"):
        decode_certificate(seal)


def test_decode_certificate_rejects_lenient_seals() -> None:
    raw = bytearray(_build(BASE))
    seal = parse_unverified(bytes(raw))
    # Re-encode the length of the first feature as 0x80 + value: not possible, so
    # construct a seal object with a leniency flag instead.
    lenient = dataclasses.replace(seal, leniencies=("length-byte-0x80-read-as-zero",))
    with pytest.raises(PayloadError, match="leniency"):
        decode_certificate(lenient)


# ---------------------------------------------------------------- display of others


def test_unknown_profile_shows_hex() -> None:
    h = make_header(
        issuing_country="UTO",
        signer_identifier="UTTS",
        certificate_reference="1",
        issue_date=dt.date(2024, 1, 1),
        signature_date=dt.date(2024, 1, 1),
        feature_def_ref=0x42,
        doc_type_category=0x42,
    )
    seal = parse_unverified(
        encode_unsigned(h, [Feature(7, b"\x01\xff"), Feature(0, b"")]),
        allow_unsigned=True,
    )
    assert find_profile(seal) is None
    decoded = decode_fields(seal)
    assert decoded.profile is None
    assert decoded.family is None
    assert [(f.name, f.value, f.coding, f.known) for f in decoded.fields] == [
        ("0x07", "01ff", "UNKNOWN", False),
        ("0x00", "", "UNKNOWN", False),
    ]
    assert decoded.problems == ()


@pytest.mark.parametrize(
    ("coding", "hex_", "text"),
    [
        ("C40", "6abc", "D  "),
        ("MRZ", "6abc", "D<<"),
        ("UTF8_STRING", "c3a9", "é"),
        ("BYTE", "0c", "12"),
        ("BYTES", "00ff", "00ff"),
        ("INT", "01f4", "500"),
        ("DATE", "b79815", "2021-12-03"),
        ("MASKED_DATE", "f00007c6", "1990-xx-xx"),
        ("DATE_STRING", "3230323530313031", "20250101"),
        ("VALIDITY", "b79815", "2021-12-03"),
        ("PROFILE_ID", "010703", "v1 digest-alg-7 category 3"),
        ("REGION", "fff6000a00140014", "x=-1 y=1 w=2 h=2 modules"),
        ("VALIDITY_DATES", "0102", "0102"),
        ("UNKNOWN", "ab", "ab"),
    ],
)
def test_decode_value(coding: str, hex_: str, text: str) -> None:
    assert decode_value(coding, bytes.fromhex(hex_)) == text


@pytest.mark.parametrize(
    ("coding", "hex_"),
    [
        ("UTF8_STRING", "ff"),
        ("BYTE", "0102"),
        ("INT", ""),
        ("DATE_STRING", "32303235"),
        ("DATE_STRING", "323032353031303a"),
        ("VALIDITY", "b798"),
        ("PROFILE_ID", "01"),
        ("REGION", "00"),
        ("C40", "ff"),
    ],
)
def test_decode_value_rejects(coding: str, hex_: str) -> None:
    with pytest.raises(PayloadError):
        decode_value(coding, bytes.fromhex(hex_))


def test_decode_fields_reports_undecodable_values() -> None:
    features = _with(4, b"\xff\xfe")
    decoded = decode_fields(parse_unverified(_reseal(features)))
    row = next(f for f in decoded.fields if f.tag == 4)
    assert (row.name, row.value, row.coding, row.known) == (
        "HOLDER_NAME",
        "fffe",
        "UNKNOWN",
        True,
    )
    assert any("HOLDER_NAME: cannot decode" in p for p in decoded.problems)


# ----------------------------------------------------------------- validity window


def test_validity_window_docsec() -> None:
    assert validity_window(parse_unverified(_build(BASE))) == (
        dt.date(2024, 6, 3),
        None,
    )
    data = {**BASE, "valid_from": "2024-06-05", "valid_until": "2024-09-03"}
    assert validity_window(parse_unverified(_build(data))) == (
        dt.date(2024, 6, 5),
        dt.date(2024, 9, 3),
    )
    no_validity = parse_unverified(_reseal(_with(1, None)))
    assert validity_window(no_validity) is None
    with pytest.raises(PayloadError):
        validity_window(parse_unverified(_reseal(_with(1, b"\x00\x00"))))


def _admin_v9(features: list[Feature]) -> Seal:
    h = make_header(
        issuing_country="D",
        signer_identifier="DEZV",
        certificate_reference="00",
        issue_date=dt.date(2024, 9, 27),
        signature_date=dt.date(2024, 9, 27),
        feature_def_ref=0x01,
        doc_type_category=0xC9,
    )
    return parse_unverified(encode_unsigned(h, features), allow_unsigned=True)


def test_validity_window_tr03171_and_others() -> None:
    uuid = Feature(0, bytes(16))
    seal = _admin_v9([uuid, Feature(1, b"20250101"), Feature(2, b"20251231")])
    assert validity_window(seal) == (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
    assert validity_window(_admin_v9([uuid, Feature(2, b"20251231")])) == (
        None,
        dt.date(2025, 12, 31),
    )
    assert validity_window(_admin_v9([uuid])) is None
    for bad in (b"2025010", b"20251301", b"2025010x"):
        with pytest.raises(PayloadError):
            validity_window(_admin_v9([uuid, Feature(1, bad)]))
    # A profile without validity (ICAO residence permit) and an unknown profile.
    h = make_header(
        issuing_country="D",
        signer_identifier="DETS",
        certificate_reference="32",
        issue_date=dt.date(2020, 1, 1),
        signature_date=dt.date(2020, 1, 1),
        feature_def_ref=0xFB,
        doc_type_category=0x06,
    )
    permit = parse_unverified(
        encode_unsigned(h, [Feature(3, b"")]), allow_unsigned=True
    )
    assert validity_window(permit) is None
    h2 = dataclasses.replace(h, feature_def_ref=0x42)
    other = parse_unverified(
        encode_unsigned(h2, [Feature(3, b"")]), allow_unsigned=True
    )
    assert validity_window(other) is None


# ----------------------------------------------------------------- dates of issue


def test_open_dates_are_filled_from_the_day_of_issue() -> None:
    day = dt.date(2024, 6, 3)
    data = {k: v for k, v in BASE.items() if k != "issue_date"} | {"valid_for": "P3M"}
    filled = complete_dates(data, day=day)
    assert filled["issue_date"] == "2024-06-03"
    assert filled["valid_until"] == "2024-09-03"
    assert "valid_for" not in filled
    assert "valid_for" in data  # the input is not changed
    assert complete_dates(filled, day=dt.date(2030, 1, 1)) == filled  # idempotent
    f = decode_certificate(parse_unverified(_build(data)))
    assert (f.issue_date, f.valid_from, f.valid_until) == (
        day,
        day,
        dt.date(2024, 9, 3),
    )
    # The digest covers the dates as signed, not the open form.
    assert f.content_digest == content_digest(filled)


@pytest.mark.parametrize(
    ("start", "length", "end"),
    [
        ("2026-11-30", "P3M", "2027-02-28"),  # clamped to the month's end
        ("2027-11-30", "P3M", "2028-02-29"),  # leap year
        ("2024-02-29", "P1Y", "2025-02-28"),
        ("2026-12-06", "P1M", "2027-01-06"),
        ("2026-12-06", "P90D", "2027-03-06"),
        ("2026-12-06", "P2W", "2026-12-20"),
        ("2026-12-06", "P1Y6M10D", "2028-06-16"),
    ],
)
def test_validity_length(start: str, length: str, end: str) -> None:
    out = complete_dates(
        {"issue_date": start, "valid_for": length}, day=dt.date(2000, 1, 1)
    )
    assert out["valid_until"] == end
    # valid_from, when given, is where the length counts from.
    out = complete_dates(
        {"issue_date": "1999-01-01", "valid_from": start, "valid_for": length},
        day=dt.date(2000, 1, 1),
    )
    assert out["valid_until"] == end


@pytest.mark.parametrize("bad", ["3M", "P", "P3X", "PT3H", "P-1D", 3, None, "P9999Y"])
def test_bad_validity_length(bad: object) -> None:
    with pytest.raises(InputError, match="valid_for"):
        complete_dates({"valid_for": bad}, day=dt.date(2026, 12, 6))


def test_validity_length_and_end_are_exclusive() -> None:
    with pytest.raises(InputError, match="not both"):
        complete_dates(
            {"valid_for": "P3M", "valid_until": "2027-01-01"},
            day=dt.date(2026, 12, 6),
        )
    with pytest.raises(InputError, match="complete_dates"):
        certificate_features({**BASE, "valid_for": "P3M"})
