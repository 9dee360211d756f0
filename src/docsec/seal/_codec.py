"""Primitive codings of ICAO Doc 9303-13 visible digital seals.

C40 text, DER (ASN.1 BER definite, minimal) lengths and the 3-byte date. Decoders
raise :class:`~docsec.errors.PayloadError` for malformed bytes; encoders raise
:class:`~docsec.errors.InputError` for values that cannot be encoded.
"""

from __future__ import annotations

import datetime as dt

from docsec.errors import InputError, PayloadError

__all__ = [
    "C40_ALPHABET",
    "c40_decode",
    "c40_encode",
    "c40_encoded_length",
    "date_decode",
    "date_encode",
    "der_length_decode",
    "der_length_encode",
    "masked_date_decode",
    "masked_date_encode",
]

#: The C40 basic set used by ICAO 9303-13: value 3 is space, 4-13 digits, 14-39 A-Z.
#: Values 0-2 are the shift codes; ICAO uses none of them in text, and value 0
#: (shift 1) only as the padding of a final two-character triple.
C40_ALPHABET = " 0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_C40_VALUE = {ch: i + 3 for i, ch in enumerate(C40_ALPHABET)}
_UNLATCH = 0xFE


def c40_encode(text: str) -> bytes:
    """Encode text of the C40 basic set (space, 0-9, A-Z) as ICAO 9303-13 C40.

    Every three characters ``c1 c2 c3`` become the 16-bit big-endian value
    ``1600*c1 + 40*c2 + c3 + 1``. Two trailing characters are completed with a
    shift-1 (value 0) pad; a single trailing character is written as the byte 0xFE
    (unlatch) followed by its ASCII code plus one (DataMatrix ASCII encodation).

    Parameters
    ----------
    text : str
        Characters from :data:`C40_ALPHABET`. An MRZ's ``<`` must be turned into a
        space first (ICAO 9303-13 does so; see the ``MRZ`` coding).

    Returns
    -------
    bytes
        ``c40_encoded_length(len(text))`` bytes.

    Raises
    ------
    InputError
        A character outside the C40 basic set.

    Examples
    --------
    >>> c40_encode("D  ").hex(), c40_encode("DETS02").hex(), c40_encode("2").hex()
    ('6abc', '6d32c8a7', 'fe33')
    """
    values: list[int] = []
    for ch in text:
        value = _C40_VALUE.get(ch)
        if value is None:
            raise InputError(f"character {ch!r} cannot be encoded in C40")
        values.append(value)
    out = bytearray()
    full = len(values) - len(values) % 3
    for i in range(0, full, 3):
        out += (1600 * values[i] + 40 * values[i + 1] + values[i + 2] + 1).to_bytes(2)
    rest = values[full:]
    if len(rest) == 2:
        out += (1600 * rest[0] + 40 * rest[1] + 1).to_bytes(2)
    elif len(rest) == 1:
        out += bytes((_UNLATCH, ord(text[-1]) + 1))
    return bytes(out)


def c40_encoded_length(n_chars: int) -> int:
    """Return the number of bytes :func:`c40_encode` makes from ``n_chars`` characters.

    Examples
    --------
    >>> [c40_encoded_length(n) for n in range(7)]
    [0, 2, 2, 2, 4, 4, 4]
    """
    return 2 * ((n_chars + 2) // 3)


def c40_decode(data: bytes) -> str:
    """Decode ICAO 9303-13 C40 bytes (the inverse of :func:`c40_encode`).

    Decoding is strict, so that each text has exactly one encoding: shift codes are
    rejected except the shift-1 pad as the last value of the last pair, and 0xFE
    (unlatch) is accepted only as the first byte of the last pair, followed by the
    ASCII code (+1) of a C40 basic-set character.

    Raises
    ------
    PayloadError
        Odd length, a value above 64000, a misplaced shift or unlatch.

    Examples
    --------
    >>> c40_decode(bytes.fromhex("6d32c8a7"))
    'DETS02'
    """
    if len(data) % 2:
        raise PayloadError("C40 data has an odd number of bytes")
    chars: list[str] = []
    last = len(data) - 2
    for i in range(0, len(data), 2):
        hi, lo = data[i], data[i + 1]
        if hi == _UNLATCH:
            ch = chr(lo - 1) if lo else ""
            if i != last or ch not in _C40_VALUE or ch == "":
                raise PayloadError("C40 unlatch (0xFE) is only allowed at the end")
            chars.append(ch)
            continue
        value = (hi << 8 | lo) - 1
        if not 0 <= value < 64000:
            raise PayloadError(f"invalid C40 value 0x{hi:02x}{lo:02x}")
        triple = (value // 1600, value // 40 % 40, value % 40)
        for pos, code in enumerate(triple):
            if code >= 3:
                chars.append(C40_ALPHABET[code - 3])
            elif code == 0 and pos == 2 and i == last:
                continue  # shift-1 pad of a final two-character group
            else:
                raise PayloadError("C40 shift codes are not allowed in a seal")
    return "".join(chars)


def der_length_encode(length: int) -> bytes:
    """Encode a length in DER: short form below 128, minimal long form above.

    Examples
    --------
    >>> [der_length_encode(n).hex() for n in (0, 127, 128, 256)]
    ['00', '7f', '8180', '820100']
    """
    if length < 0:
        raise InputError("a length cannot be negative")
    if length < 0x80:
        return bytes((length,))
    body = length.to_bytes((length.bit_length() + 7) // 8)
    if len(body) > 4:
        raise InputError("length too large for a seal")
    return bytes((0x80 | len(body),)) + body


def der_length_decode(data: bytes, offset: int) -> tuple[int, int, bool]:
    """Decode a DER length at ``data[offset]``.

    Parameters
    ----------
    data : bytes
        The buffer.
    offset : int
        Position of the first length byte.

    Returns
    -------
    length : int
        The decoded length.
    end : int
        Offset just after the length bytes.
    lenient : bool
        True when the one leniency was used: a lone 0x80 byte (BER's indefinite
        form, meaningless here) read as length 0. vdstools does this and its
        ``utoVisa`` test seal, signed by the issuer, contains it; see
        docs/seal-format.md.

    Raises
    ------
    PayloadError
        Missing bytes, more than 4 length bytes, or a non-minimal long form.

    Examples
    --------
    >>> der_length_decode(bytes.fromhex("00820100"), 1)
    (256, 4, False)
    """
    if offset >= len(data):
        raise PayloadError("truncated: a length is missing")
    first = data[offset]
    if first < 0x80:
        return first, offset + 1, False
    if first == 0x80:
        return 0, offset + 1, True
    count = first & 0x7F
    if count > 4:
        raise PayloadError(f"length with {count} length bytes is not supported")
    end = offset + 1 + count
    if end > len(data):
        raise PayloadError("truncated: length bytes run past the end")
    body = data[offset + 1 : end]
    length = int.from_bytes(body)
    if body[0] == 0 or length < 0x80:
        raise PayloadError("non-minimal DER length")
    return length, end, False


def date_encode(value: dt.date) -> bytes:
    """Encode a date as ICAO 9303-13 does: MMDDYYYY read as a decimal integer, 3 bytes.

    Examples
    --------
    >>> date_encode(dt.date(2021, 12, 3)).hex()
    'b79815'
    """
    return int(value.strftime("%m%d") + f"{value.year:04d}").to_bytes(3)


def date_decode(data: bytes) -> dt.date:
    """Decode a 3-byte ICAO date.

    Raises
    ------
    PayloadError
        Not 3 bytes, or not a real calendar date (month 13, 30 February, year 0).

    Examples
    --------
    >>> date_decode(bytes.fromhex("b79815"))
    datetime.date(2021, 12, 3)
    """
    if len(data) != 3:
        raise PayloadError("an ICAO date is 3 bytes")
    digits = f"{int.from_bytes(data):08d}"  # at most 16777215: always 8 digits
    try:
        return dt.date(int(digits[4:]), int(digits[:2]), int(digits[2:4]))
    except ValueError as exc:
        raise PayloadError(
            f"impossible date {digits[4:]}-{digits[:2]}-{digits[2:4]}"
        ) from exc


def masked_date_encode(text: str) -> bytes:
    """Encode a possibly partial date ``YYYY-MM-DD`` (unknown digits as ``x``).

    ICAO 9303-13 (8th edition) masked date: one mask byte whose bits, most
    significant first, flag the unknown digits of MMDDYYYY, then the 3-byte date with
    those digits set to 0.

    Examples
    --------
    >>> masked_date_encode("1990-xx-xx").hex()
    'f00007c6'
    """
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        raise InputError(f"masked date must look like YYYY-MM-DD, got {text!r}")
    mmddyyyy = text[5:7] + text[8:10] + text[0:4]
    mask = 0
    digits = []
    for i, ch in enumerate(mmddyyyy.lower()):
        if ch == "x":
            mask |= 0x80 >> i
            digits.append("0")
        elif ch.isdigit() and ch.isascii():
            digits.append(ch)
        else:
            raise InputError(f"masked date must look like YYYY-MM-DD, got {text!r}")
    return bytes((mask,)) + int("".join(digits)).to_bytes(3)


def masked_date_decode(data: bytes) -> str:
    """Decode a masked date to ``YYYY-MM-DD`` with ``x`` for unknown digits.

    Known parts are not checked against the calendar when others are masked; a fully
    known date must be a real date.

    Examples
    --------
    >>> masked_date_decode(bytes.fromhex("f00007c6"))
    '1990-xx-xx'
    """
    if len(data) != 4:
        raise PayloadError("a masked date is 4 bytes")
    mask = data[0]
    digits = f"{int.from_bytes(data[1:]):08d}"
    if mask == 0:
        return date_decode(data[1:]).isoformat()
    chars = ["x" if mask & (0x80 >> i) else d for i, d in enumerate(digits)]
    for i, d in enumerate(digits):
        if mask & (0x80 >> i) and d != "0":
            raise PayloadError("masked date digits must be zero")
    s = "".join(chars)
    return f"{s[4:]}-{s[:2]}-{s[2:4]}"
