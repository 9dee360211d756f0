"""Byte-level reading of PDF signatures and incremental updates.

pyHanko reads a PDF the way a PDF reader does: it looks for ``%%EOF`` near the end,
follows ``startxref`` and ``/Prev``, and takes a dictionary's last value for a
repeated key. Attacks live in the gaps between such readers (an update without
``%%EOF`` is invisible to pyHanko and pdfium, and visible to poppler and qpdf). So
:func:`docsec.pdf.check_coverage` also reads the bytes itself, with the small and
strict parser here: it accounts for every byte of the file, and it refuses what
readers may disagree on (repeated dictionary keys, a ``/Contents`` string in any
other form than the one the signer wrote).

Nothing here imports a third-party library; every function takes bytes and
offsets and raises :class:`PdfSyntaxError` for anything it does not accept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = [
    "Name",
    "Node",
    "PdfSyntaxError",
    "RawObject",
    "Ref",
    "der_length",
    "parse_object",
    "parse_trailer",
    "parse_xref_table",
    "revision_end",
    "signature_contents",
]

#: PDF white-space characters (ISO 32000-1, 7.2.2, table 1).
WHITESPACE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_ENDS = frozenset(WHITESPACE + _DELIMITERS)
_NUMBER = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_WS = rb"[\x00\t\n\x0c\r ]"
_STARTXREF = re.compile(rb"startxref" + _WS + rb"+(\d+)" + _WS + rb"*%%EOF")
_EOL = re.compile(rb"\r\n|\r|\n")
_SUBSECTION = re.compile(rb"(\d+) (\d+)[ ]?(?:\r\n|\r|\n)")
_ENTRY = re.compile(rb"(\d{10}) (\d{5}) ([nf])(?: \r| \n|\r\n)")
_HEADER = re.compile(rb"(\d+)" + _WS + rb"+(\d+)" + _WS + rb"+obj")
_ESCAPES = {
    ord("n"): b"\n",
    ord("r"): b"\r",
    ord("t"): b"\t",
    ord("b"): b"\b",
    ord("f"): b"\f",
    ord("("): b"(",
    ord(")"): b")",
    ord("\\"): b"\\",
}


class PdfSyntaxError(ValueError):
    """The bytes are not PDF syntax docsec accepts."""


@dataclass(frozen=True, slots=True)
class Name:
    """A PDF name, ``#xx`` escapes decoded (``/Cont#65nts`` is ``/Contents``)."""

    value: bytes


@dataclass(frozen=True, slots=True)
class Ref:
    """An indirect reference ``N G R``."""

    idnum: int
    generation: int


@dataclass(frozen=True, slots=True)
class Node:
    """A parsed value and the bytes it was read from, ``data[start:end]``.

    ``value`` is an int, float, bool, None, :class:`Name`, :class:`Ref`, bytes (a
    string, decoded), a list of nodes, or a dict from name bytes to nodes.
    """

    value: object
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RawObject:
    """An indirect object as it stands in the file.

    Attributes
    ----------
    idnum, generation : int
        From the ``N G obj`` header.
    value : Node
        The object's value (a stream's dictionary for streams).
    start, end : int
        ``data[start:end]`` runs from the header to the end of ``endobj``.
    stream : (int, int) or None
        Where the stream data lies, for a stream.
    """

    idnum: int
    generation: int
    value: Node
    start: int
    end: int
    stream: tuple[int, int] | None = field(default=None)


#: Deepest nesting of arrays and dictionaries accepted (a bound on recursion).
_MAX_DEPTH = 64


class _Parser:
    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos
        self.depth = 0

    def fail(self, what: str) -> PdfSyntaxError:
        return PdfSyntaxError(f"{what} at offset {self.pos}")

    def skip_space(self) -> None:
        data, n = self.data, len(self.data)
        while self.pos < n:
            c = data[self.pos]
            if c in WHITESPACE:
                self.pos += 1
            elif c == 0x25:  # '%': a comment runs to the end of the line
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def regular(self) -> bytes:
        """Read a run of regular characters (a keyword, a number or a name body)."""
        start = self.pos
        while self.pos < len(self.data) and self.data[self.pos] not in _ENDS:
            self.pos += 1
        return self.data[start : self.pos]

    def value(self) -> Node:
        self.skip_space()
        data, start = self.data, self.pos
        if start >= len(data):
            raise self.fail("unexpected end of data")
        c = data[start : start + 1]
        if data.startswith(b"<<", start) or c == b"[":
            self.depth += 1
            if self.depth > _MAX_DEPTH:
                raise self.fail("too deeply nested")
            node = self.container(start)
            self.depth -= 1
            return node
        if c == b"(":
            return Node(self.literal(), start, self.pos)
        if c == b"<":
            return Node(self.hexstring(), start, self.pos)
        if c == b"/":
            self.pos += 1
            return Node(Name(self.name_body()), start, self.pos)
        word = self.regular()
        if not word:
            raise self.fail(f"unexpected {c!r}")
        if word in (b"true", b"false"):
            return Node(word == b"true", start, self.pos)
        if word == b"null":
            return Node(None, start, self.pos)
        if not _NUMBER.fullmatch(word):
            raise self.fail(f"unexpected keyword {word[:20]!r}")
        if b"." in word:
            return Node(float(word), start, self.pos)
        number = int(word)
        # "N G R" is a reference: look ahead for the generation and the R.
        after = self.pos
        self.skip_space()
        gen = self.regular()
        if gen.isdigit() and number >= 0:
            self.skip_space()
            if self.regular() == b"R":
                return Node(Ref(number, int(gen)), start, self.pos)
        self.pos = after
        return Node(number, start, self.pos)

    def container(self, start: int) -> Node:
        data = self.data
        if data.startswith(b"<<", start):
            self.pos += 2
            return Node(self.dictionary(), start, self.pos)
        self.pos += 1
        items: list[Node] = []
        while True:
            self.skip_space()
            if data.startswith(b"]", self.pos):
                self.pos += 1
                return Node(items, start, self.pos)
            items.append(self.value())

    def dictionary(self) -> dict[bytes, Node]:
        out: dict[bytes, Node] = {}
        while True:
            self.skip_space()
            if self.data.startswith(b">>", self.pos):
                self.pos += 2
                return out
            if not self.data.startswith(b"/", self.pos):
                raise self.fail("dictionary key is not a name")
            self.pos += 1
            key = self.name_body()
            if key in out:
                # Readers disagree on which value wins (first or last): refuse.
                raise self.fail(f"repeated dictionary key /{key.decode('latin-1')}")
            out[key] = self.value()

    def name_body(self) -> bytes:
        raw = self.regular()
        out = bytearray()
        i = 0
        while i < len(raw):
            if raw[i] == 0x23:  # '#xx'
                digits = raw[i + 1 : i + 3]
                if len(digits) != 2 or not re.fullmatch(rb"[0-9A-Fa-f]{2}", digits):
                    raise self.fail("bad #xx escape in a name")
                out.append(int(digits, 16))
                i += 3
            else:
                out.append(raw[i])
                i += 1
        return bytes(out)

    def literal(self) -> bytes:
        data, n = self.data, len(self.data)
        self.pos += 1
        depth, out = 1, bytearray()
        while self.pos < n:
            c = data[self.pos]
            self.pos += 1
            if c == 0x5C:  # backslash
                if self.pos >= n:
                    break
                e = data[self.pos]
                self.pos += 1
                if e in _ESCAPES:
                    out += _ESCAPES[e]
                elif 0x30 <= e <= 0x37:
                    digits = bytes([e])
                    while (
                        len(digits) < 3
                        and self.pos < n
                        and 0x30 <= data[self.pos] <= 0x37
                    ):
                        digits += data[self.pos : self.pos + 1]
                        self.pos += 1
                    out.append(int(digits, 8) & 0xFF)
                elif e == 0x0D:  # line continuation, CR or CRLF
                    if data.startswith(b"\n", self.pos):
                        self.pos += 1
                elif e != 0x0A:
                    out.append(e)
            elif c == 0x28:
                depth += 1
                out.append(c)
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    return bytes(out)
                out.append(c)
            else:
                out.append(c)
        raise self.fail("unterminated string")

    def hexstring(self) -> bytes:
        end = self.data.find(b">", self.pos)
        if end < 0:
            raise self.fail("unterminated hex string")
        body = re.sub(_WS, b"", self.data[self.pos + 1 : end])
        if not re.fullmatch(rb"[0-9A-Fa-f]*", body):
            raise self.fail("bad hex string")
        if len(body) % 2:
            body += b"0"
        self.pos = end + 1
        return bytes.fromhex(body.decode("ascii"))


def parse_object(
    data: bytes, offset: int, *, stream_length: int | None = None
) -> RawObject:
    """Parse the indirect object that starts exactly at ``offset``.

    Parameters
    ----------
    data : bytes
        The whole file.
    offset : int
        Where the ``N G obj`` header starts (as a cross-reference table says).
    stream_length : int, optional
        The stream's length when its ``/Length`` is an indirect reference; a
        direct ``/Length`` is read from the dictionary.

    Returns
    -------
    RawObject

    Raises
    ------
    PdfSyntaxError
        If the header is not at ``offset``, a dictionary repeats a key, the stream
        is not exactly ``/Length`` bytes, or ``endobj`` does not follow.
    """
    head = _HEADER.match(data, offset)
    if head is None:
        raise PdfSyntaxError(f"no object header at offset {offset}")
    p = _Parser(data, head.end())
    value = p.value()
    p.skip_space()
    stream = None
    if data.startswith(b"stream", p.pos):
        if not isinstance(value.value, dict):
            raise p.fail("stream without a dictionary")
        p.pos += len(b"stream")
        eol = re.compile(rb"\r\n|\n").match(data, p.pos)
        if eol is None:
            raise p.fail("stream keyword not followed by an end of line")
        length = stream_length
        node = value.value.get(b"Length")
        if length is None:
            if node is None or type(node.value) is not int:
                raise p.fail("stream /Length is not a direct integer")
            length = node.value
        begin = eol.end()
        end = begin + length
        if length < 0 or end > len(data):
            raise p.fail("stream /Length runs past the end of the file")
        stream = (begin, end)
        p.pos = end
        p.skip_space()
        if not data.startswith(b"endstream", p.pos):
            raise p.fail("stream data is not exactly /Length bytes")
        p.pos += len(b"endstream")
        p.skip_space()
    if not data.startswith(b"endobj", p.pos):
        raise p.fail("endobj expected")
    p.pos += len(b"endobj")
    return RawObject(
        idnum=int(head.group(1)),
        generation=int(head.group(2)),
        value=value,
        start=offset,
        end=p.pos,
        stream=stream,
    )


def parse_xref_table(
    data: bytes, startxref: int
) -> tuple[dict[tuple[int, int], int], int]:
    """Parse a classic cross-reference table that starts at ``startxref``.

    Returns
    -------
    (dict, int)
        The in-use entries, ``(object number, generation) -> offset``, and the
        offset where the table ends (``trailer`` follows). The only free entry
        accepted is the head of the free list, object 0.

    Raises
    ------
    PdfSyntaxError
        If the bytes at ``startxref`` are not such a table.
    """
    if not data.startswith(b"xref", startxref):
        raise PdfSyntaxError(f"no xref table at offset {startxref}")
    p = _Parser(data, startxref + len(b"xref"))
    entries: dict[tuple[int, int], int] = {}
    while True:
        p.skip_space()
        if data.startswith(b"trailer", p.pos):
            return entries, p.pos
        head = _SUBSECTION.match(data, p.pos)
        if head is None:
            raise p.fail("bad xref subsection header")
        p.pos = head.end()
        first, count = int(head.group(1)), int(head.group(2))
        for number in range(first, first + count):
            entry = _ENTRY.match(data, p.pos)
            if entry is None:
                raise p.fail("bad xref entry")
            p.pos = entry.end()
            offset, gen = int(entry.group(1)), int(entry.group(2))
            if entry.group(3) == b"n":
                if (number, gen) in entries:
                    raise p.fail(f"object {number} listed twice")
                entries[(number, gen)] = offset
            elif number != 0:
                raise p.fail(f"object {number} is freed")


def parse_trailer(data: bytes, start: int, limit: int) -> tuple[dict[bytes, Node], int]:
    """Parse the ``trailer << ... >>`` dictionary right after an xref table.

    Parameters
    ----------
    data : bytes
        The whole file.
    start : int
        Where the table's entries end; only white space may come before
        ``trailer``.
    limit : int
        The dictionary must end before this offset (the ``startxref`` keyword).

    Returns
    -------
    (dict, int)
        The dictionary and the offset just after it.
    """
    p = _Parser(data, start)
    p.skip_space()
    if not data.startswith(b"trailer", p.pos):
        raise p.fail("trailer expected after the xref table")
    p.pos += len(b"trailer")
    node = p.value()
    if not isinstance(node.value, dict) or node.end > limit:
        raise p.fail("the trailer is not a dictionary before startxref")
    return node.value, node.end


def revision_end(data: bytes, startxref: int) -> tuple[int, int, int]:
    """Return where the revision whose xref section starts at ``startxref`` ends.

    A revision ends with ``startxref``, the offset of its own xref section, and
    ``%%EOF``; one end-of-line marker (CR, LF or CR LF) may follow.

    Returns
    -------
    (int, int, int)
        The offset of the ``startxref`` keyword, the offset just after ``%%EOF``,
        and the offset after the one end-of-line marker that follows it (the
        same offset if there is none).

    Raises
    ------
    PdfSyntaxError
        If no ``startxref`` naming this xref section and ``%%EOF`` follow it.
    """
    m = _STARTXREF.search(data, startxref)
    if m is None or int(m.group(1)) != startxref:
        raise PdfSyntaxError(
            f"the revision with its xref at {startxref} has no startxref/%%EOF"
        )
    eof = m.end()
    eol = _EOL.match(data, eof)
    return m.start(), eof, eol.end() if eol is not None else eof


def der_length(blob: bytes) -> int:
    """Return the length of the DER SEQUENCE at the start of ``blob``, tag included.

    Raises
    ------
    PdfSyntaxError
        If ``blob`` does not start with a SEQUENCE of definite length that fits.
    """
    if len(blob) < 2 or blob[0] != 0x30:
        raise PdfSyntaxError("the signature is not a DER SEQUENCE")
    first = blob[1]
    if first < 0x80:
        total = 2 + first
    else:
        count = first & 0x7F
        # 0x80 is BER's indefinite length; DER lengths take at most 4 bytes here.
        if count == 0 or count > 4 or len(blob) < 2 + count:
            raise PdfSyntaxError("the signature's DER length is not definite")
        total = 2 + count + int.from_bytes(blob[2 : 2 + count], "big")
    if total > len(blob):
        raise PdfSyntaxError("the signature's DER runs past its /Contents string")
    return total


def signature_contents(data: bytes, start: int, end: int) -> tuple[bytes, bytes]:
    """Read the signature ``/Contents`` hex string that ``data[start:end]`` must be.

    The gap between a signature's two byte ranges must be exactly the
    ``<...>`` string the signer wrote: upper-case hex digits (as pyHanko writes
    them), nothing else, holding a DER-encoded CMS object followed only by zero
    bytes (the space reserved for it). Any other byte in the gap is a change
    to the file that no signature covers.

    Returns
    -------
    (bytes, bytes)
        The CMS object (DER) and the whole decoded string, padding included.

    Raises
    ------
    PdfSyntaxError
        If the gap is anything else.
    """
    gap = data[start:end]
    if len(gap) < 4 or gap[:1] != b"<" or gap[-1:] != b">":
        raise PdfSyntaxError("the byte range gap is not one <hex> string")
    digits = gap[1:-1]
    if len(digits) % 2 or not re.fullmatch(rb"[0-9A-F]*", digits):
        raise PdfSyntaxError(
            "the signature /Contents is not the upper-case hex string written "
            "at signing"
        )
    raw = bytes.fromhex(digits.decode("ascii"))
    n = der_length(raw)
    if raw[n:].count(0) != len(raw) - n:
        raise PdfSyntaxError("bytes other than zero after the CMS in /Contents")
    return raw[:n], raw
