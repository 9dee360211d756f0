"""The signed certificate content and the printed-field regions (docsec profile v2).

Two feature values of docsec profile v2 (docs/seal-format.md, section 4):

* ``CONTENT`` (tag 9): the canonical JSON of the certificate data's ``content``
  object, so that everything the certificate asserts is signed, not only a digest;
* ``TEXT_REGIONS`` (tag 21): where each printed field is on the page, as a JSON
  pointer (RFC 6901) into the certificate data and a rectangle in tenths of a seal
  module, so that a verifier can read the printed text and compare it.

Both are *packed*: one method byte, then the payload stored (0) or compressed with
raw DEFLATE (1, RFC 1951). The writer picks whichever is shorter, so the same data
always gives the same bytes (zlib level 9, no dictionary).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from docsec.errors import InputError, PayloadError

__all__ = [
    "MAX_UNPACKED",
    "TextRegion",
    "decode_text_regions",
    "encode_text_regions",
    "pack",
    "resolve_pointer",
    "unpack",
]

#: Largest unpacked value a verifier accepts (a DataMatrix holds at most 1556 bytes,
#: and DEFLATE compresses text at most ~1000:1: this bounds a decompression bomb).
MAX_UNPACKED = 64 * 1024
_STORED = 0
_DEFLATE = 1


def pack(payload: bytes) -> bytes:
    r"""Return ``payload`` with its method byte, compressed when that is shorter.

    Examples
    --------
    >>> pack(b"abc")
    b'\x00abc'
    >>> unpack(pack(b"ab" * 100)) == b"ab" * 100
    True
    """
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    deflated = comp.compress(payload) + comp.flush()
    if len(deflated) < len(payload):
        return bytes((_DEFLATE,)) + deflated
    return bytes((_STORED,)) + payload


def unpack(raw: bytes) -> bytes:
    """Undo :func:`pack`, strictly.

    Raises
    ------
    PayloadError
        Empty, an unknown method, a broken or over-long DEFLATE stream, bytes after
        its end, or a value that the writer would have packed otherwise (every
        payload has exactly one packing).
    """
    if not raw:
        raise PayloadError("a packed value needs its method byte")
    method, body = raw[0], raw[1:]
    if method == _STORED:
        out = body
    elif method == _DEFLATE:
        dec = zlib.decompressobj(-15)
        try:
            out = dec.decompress(body, MAX_UNPACKED + 1)
        except zlib.error as exc:
            raise PayloadError(f"broken DEFLATE stream: {exc}") from exc
        if len(out) > MAX_UNPACKED or dec.unconsumed_tail:
            raise PayloadError(
                f"packed value unpacks to more than {MAX_UNPACKED} bytes"
            )
        if not dec.eof or dec.unused_data:
            raise PayloadError("DEFLATE stream truncated or followed by extra bytes")
    else:
        raise PayloadError(f"unknown packing method {method}")
    if pack(out) != raw:
        raise PayloadError("packed value is not in its canonical packing")
    return out


@dataclass(frozen=True, slots=True)
class TextRegion:
    """Where one printed field is: a JSON pointer and a rectangle.

    Attributes
    ----------
    field : str
        RFC 6901 JSON pointer into the certificate data (``"/holder_name"``,
        ``"/content/family/0/name"``).
    x, y, width, height : int
        Tenths of a seal module, relative to the symbol's top-left corner, as
        :class:`docsec.seal.Region`.
    """

    field: str
    x: int
    y: int
    width: int
    height: int

    def in_modules(self) -> tuple[float, float, float, float]:
        """Return ``(x, y, width, height)`` in modules."""
        return (self.x / 10, self.y / 10, self.width / 10, self.height / 10)


def _unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def resolve_pointer(data: object, pointer: str) -> object:
    """Return the value an RFC 6901 JSON pointer names in ``data``.

    Raises
    ------
    KeyError
        The pointer is malformed or names nothing.

    Examples
    --------
    >>> resolve_pointer({"a": [{"b": 1}]}, "/a/0/b")
    1
    """
    if not pointer.startswith("/"):
        raise KeyError(pointer)
    node = data
    for token in pointer[1:].split("/"):
        key = _unescape(token)
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif (
            isinstance(node, list)
            and key.isdigit()
            and (key == "0" or not key.startswith("0"))
            and int(key) < len(node)
        ):
            node = node[int(key)]
        else:
            raise KeyError(pointer)
    return node


def encode_text_regions(entries: Sequence[TextRegion]) -> bytes:
    """Serialise text regions (before packing).

    Each entry: pointer length (1 byte), the pointer in UTF-8, then x, y, width and
    height as signed 16-bit big-endian integers.

    Raises
    ------
    InputError
        A pointer that is empty, longer than 255 bytes or repeated; a region that
        does not fit 16 bits or has no area.
    """
    out = bytearray()
    seen: set[str] = set()
    for e in entries:
        raw = e.field.encode("utf-8")
        if not e.field.startswith("/") or not 1 < len(raw) <= 255:
            raise InputError(f"text region field {e.field!r}: expected a JSON pointer")
        if e.field in seen:
            raise InputError(f"text region field {e.field!r} given twice")
        seen.add(e.field)
        values = (e.x, e.y, e.width, e.height)
        if (
            not all(-32768 <= v <= 32767 for v in values)
            or e.width <= 0
            or e.height <= 0
        ):
            raise InputError(
                f"text region {e.field!r}: values must fit in 16 bits and the size "
                "must be positive"
            )
        out.append(len(raw))
        out += raw
        out += b"".join(v.to_bytes(2, signed=True) for v in values)
    return bytes(out)


def decode_text_regions(raw: bytes) -> tuple[TextRegion, ...]:
    """Parse :func:`encode_text_regions` output strictly.

    Raises
    ------
    PayloadError
        Truncated entries, a bad pointer, a repeated field, a region without area,
        or no entry at all.
    """
    out: list[TextRegion] = []
    seen: set[str] = set()
    i = 0
    while i < len(raw):
        n = raw[i]
        end = i + 1 + n + 8
        if n < 2 or end > len(raw):
            raise PayloadError("truncated text-region entry")
        try:
            pointer = raw[i + 1 : i + 1 + n].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PayloadError("text-region field is not UTF-8") from exc
        if not pointer.startswith("/") or pointer in seen:
            raise PayloadError(f"bad or repeated text-region field {pointer!r}")
        seen.add(pointer)
        x, y, w, h = (
            int.from_bytes(raw[j : j + 2], signed=True)
            for j in range(i + 1 + n, end, 2)
        )
        if w <= 0 or h <= 0:
            raise PayloadError("a text region must have a positive size")
        out.append(TextRegion(pointer, x, y, w, h))
        i = end
    if not out:
        raise PayloadError("TEXT_REGIONS holds no region")
    return tuple(out)


def decode_content(raw: bytes) -> dict[str, object]:
    """Unpack and parse a CONTENT value: canonical JSON of an object.

    Raises
    ------
    PayloadError
        Bad packing, not UTF-8 JSON, not an object, or not in canonical form.
    """
    from docsec.seal._certificate import canonical_json

    text = unpack(raw)
    try:
        value = json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise PayloadError("CONTENT is not UTF-8 JSON") from exc
    if not isinstance(value, dict):
        raise PayloadError("CONTENT must be a JSON object")
    try:
        canonical = canonical_json(value)
    except InputError as exc:
        raise PayloadError(f"CONTENT holds a value docsec never signs: {exc}") from exc
    if canonical != text:
        raise PayloadError("CONTENT is not in canonical JSON form")
    return value
