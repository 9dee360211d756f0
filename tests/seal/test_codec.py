"""C40, DER length and date codings."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from docsec.errors import InputError, PayloadError
from docsec.seal._codec import (
    C40_ALPHABET,
    c40_decode,
    c40_encode,
    c40_encoded_length,
    date_decode,
    date_encode,
    der_length_decode,
    der_length_encode,
    masked_date_decode,
    masked_date_encode,
)

c40_text = st.text(alphabet=C40_ALPHABET, max_size=60)


@pytest.mark.parametrize(
    ("text", "hex_"),
    [
        ("", ""),
        ("D  ", "6abc"),  # BSI TR-03137 header: issuing country "D<<"
        ("UTO", "d9c5"),
        ("DETS02", "6d32c8a7"),  # v4 signer + reference length
        (
            "32",
            "2cb1",
        ),  # two trailing chars: shift-1 pad (value 0) completes the triple
        ("2", "fe33"),  # one trailing char: 0xFE unlatch + ASCII + 1
        ("D", "fe45"),
        ("PA5500K11", "b77a38e596ce"),  # BSI Annex H document number
        ("47110815P", "33be1fed20c6"),  # BSI Annex F passport number
    ],
)
def test_c40_known_values(text: str, hex_: str) -> None:
    assert c40_encode(text).hex() == hex_
    assert c40_decode(bytes.fromhex(hex_)) == text


@given(c40_text)
def test_c40_round_trip(text: str) -> None:
    encoded = c40_encode(text)
    assert len(encoded) == c40_encoded_length(len(text))
    assert c40_decode(encoded) == text


@given(st.binary(max_size=40))
def test_c40_decode_is_strict_and_canonical(data: bytes) -> None:
    try:
        text = c40_decode(data)
    except PayloadError:
        return
    assert c40_encode(text) == data  # one text, one encoding


@pytest.mark.parametrize(
    "hex_",
    [
        "6a",  # odd length
        "fe33fe33",  # unlatch not at the end
        "fe00",  # unlatch + NUL
        "fe2e",  # unlatch + '-', not in the basic set
        "fe62",  # unlatch + 'a'
        "0000",  # value -1
        "fa02",  # value 64001: too big
        "0001",  # triple (0, 0, 0): shift codes
        "2cb12cb1",  # shift-1 pad before the end
        "0641",  # value 1600: shift 1 as the first character
        "0c81",  # value 3200: shift 2
    ],
)
def test_c40_rejects_malformed(hex_: str) -> None:
    with pytest.raises(PayloadError):
        c40_decode(bytes.fromhex(hex_))


@pytest.mark.parametrize("text", ["a", "D<<", "-", "É"])
def test_c40_encode_rejects_characters_outside_the_basic_set(text: str) -> None:
    with pytest.raises(InputError):
        c40_encode(text)


@pytest.mark.parametrize(
    ("length", "hex_"),
    [
        (0, "00"),
        (1, "01"),
        (127, "7f"),
        (128, "8180"),
        (255, "81ff"),
        (256, "820100"),
        (65535, "82ffff"),
        (65536, "83010000"),
        (2**32 - 1, "84ffffffff"),
    ],
)
def test_der_length_known_values(length: int, hex_: str) -> None:
    assert der_length_encode(length).hex() == hex_
    data = b"\x00" + bytes.fromhex(hex_)
    assert der_length_decode(data, 1) == (length, len(data), False)


@given(st.integers(0, 2**32 - 1))
def test_der_length_round_trip(length: int) -> None:
    enc = der_length_encode(length)
    assert der_length_decode(enc, 0) == (length, len(enc), False)


def test_der_length_encode_rejects_bad_values() -> None:
    with pytest.raises(InputError):
        der_length_encode(-1)
    with pytest.raises(InputError):
        der_length_encode(2**32)


@pytest.mark.parametrize(
    "hex_",
    [
        "",  # missing
        "817f",  # non-minimal: fits the short form
        "820080",  # non-minimal: leading zero byte
        "85ffffffffff",  # five length bytes
        "82ff",  # length bytes run past the end
        "81",
    ],
)
def test_der_length_rejects_malformed(hex_: str) -> None:
    with pytest.raises(PayloadError):
        der_length_decode(bytes.fromhex(hex_), 0)


def test_der_length_0x80_is_read_as_zero_and_flagged() -> None:
    # vdstools' utoVisa seal has "03 80": tag 3, length byte 0x80 (BER indefinite).
    assert der_length_decode(b"\x80", 0) == (0, 1, True)


@pytest.mark.parametrize(
    ("day", "hex_"),
    [
        (dt.date(2021, 12, 3), "b79815"),  # 12032021
        (dt.date(2020, 1, 1), "0f7134"),  # 01012020 (BSI examples)
        (dt.date(2016, 2, 1), "1eb370"),
        (dt.date(1, 1, 1), "0f6951"),
        (dt.date(9999, 12, 31), "bbfcff"),
    ],
)
def test_date_known_values(day: dt.date, hex_: str) -> None:
    assert date_encode(day).hex() == hex_
    assert date_decode(bytes.fromhex(hex_)) == day


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_date_round_trip(day: dt.date) -> None:
    assert date_decode(date_encode(day)) == day


@pytest.mark.parametrize(
    "value",
    [
        2302024,  # 02-30-2024
        13012024,  # month 13
        1010000,  # year 0
        0,
        0xFFFFFF,  # 16777215: month 16
        12322024,  # day 32
    ],
)
def test_date_rejects_impossible(value: int) -> None:
    with pytest.raises(PayloadError):
        date_decode(value.to_bytes(3))


@pytest.mark.parametrize("size", [0, 2, 4])
def test_date_rejects_wrong_size(size: int) -> None:
    with pytest.raises(PayloadError):
        date_decode(bytes(size))


@pytest.mark.parametrize(
    ("text", "hex_"),
    [
        ("1990-xx-xx", "f00007c6"),
        ("1990-01-xx", "300f4a06"),  # month known, day unknown: 01 00 1990
        ("1990-01-31", "001404f6"),
    ],
)
def test_masked_date(text: str, hex_: str) -> None:
    assert masked_date_encode(text).hex() == hex_
    assert masked_date_decode(bytes.fromhex(hex_)) == text


@pytest.mark.parametrize("text", ["1990-1-1", "19900101xx", "1990-ab-01", "1990/01/01"])
def test_masked_date_encode_rejects(text: str) -> None:
    with pytest.raises(InputError):
        masked_date_encode(text)


@pytest.mark.parametrize("hex_", ["f0", "f00107c6", "00000000", "f0ffffff"])
def test_masked_date_decode_rejects(hex_: str) -> None:
    with pytest.raises(PayloadError):
        masked_date_decode(bytes.fromhex(hex_))
