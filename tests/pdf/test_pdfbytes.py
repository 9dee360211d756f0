"""docsec's strict byte-level PDF reader (docsec._pdfbytes)."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from docsec import _pdfbytes as pb
from docsec._pdfbytes import Name, PdfSyntaxError, Ref

SIG = (
    b"7 0 obj\n<< /Type /Sig /Reason (a (nested) \\) /Contents <00>) "
    b"/Contents <3003020100000000> /ByteRange [0 10 20 30] /M (D:2026) >>\nendobj\n"
)


def test_object_values_and_spans() -> None:
    data = b"junk " + SIG
    obj = pb.parse_object(data, 5)
    assert (obj.idnum, obj.generation) == (7, 0)
    assert obj.end == len(data) - 1
    d = obj.value.value
    assert isinstance(d, dict)
    assert d[b"Type"].value == Name(b"Sig")
    # The string that mentions /Contents is one value, not a second key.
    assert d[b"Reason"].value == b"a (nested) ) /Contents <00>"
    contents = d[b"Contents"]
    assert data[contents.start : contents.end] == b"<3003020100000000>"
    assert contents.value == bytes.fromhex("3003020100000000")
    assert [n.value for n in d[b"ByteRange"].value] == [0, 10, 20, 30]


def test_references_and_numbers() -> None:
    obj = pb.parse_object(b"1 0 obj [1 0 R 2 3 -4 5.5 true null /A#42] endobj", 0)
    values = [n.value for n in obj.value.value]  # type: ignore[attr-defined]
    assert values == [Ref(1, 0), 2, 3, -4, 5.5, True, None, Name(b"AB")]


@pytest.mark.parametrize(
    "body",
    [
        b"<< /Contents <00> /Contents <01> >>",
        # The same name spelled with a #xx escape is the same key.
        b"<< /Contents <00> /Cont#65nts <01> >>",
        b"<< /A << /B 1 /B 2 >> >>",
    ],
)
def test_repeated_key_is_refused(body: bytes) -> None:
    with pytest.raises(PdfSyntaxError, match="repeated"):
        pb.parse_object(b"1 0 obj " + body + b" endobj", 0)


def test_stream_must_be_exactly_its_length() -> None:
    good = b"3 0 obj << /Length 5 >> stream\nhello\nendstream endobj"
    obj = pb.parse_object(good, 0)
    assert obj.stream is not None
    assert good[obj.stream[0] : obj.stream[1]] == b"hello"
    with pytest.raises(PdfSyntaxError, match="Length"):
        pb.parse_object(good.replace(b"/Length 5", b"/Length 3"), 0)
    with pytest.raises(PdfSyntaxError, match="direct integer"):
        pb.parse_object(good.replace(b"/Length 5", b"/Length 9 0 R"), 0)
    assert pb.parse_object(
        good.replace(b"/Length 5", b"/Length 9 0 R"), 0, stream_length=5
    ).stream == (obj.stream[0] + 4, obj.stream[1] + 4)


@pytest.mark.parametrize(
    "data",
    [
        b"1 0 obj << /A 1 >>",  # no endobj
        b"1 0 obj << /A 1 >> junk endobj",
        b" 1 0 obj 1 endobj",  # not at the offset
        b"1 0 obj << 1 2 >> endobj",  # a key that is not a name
        b"1 0 obj (unterminated endobj",
        b"1 0 obj <zz> endobj",
    ],
)
def test_malformed_objects_are_refused(data: bytes) -> None:
    with pytest.raises(PdfSyntaxError):
        pb.parse_object(data, 0)


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_arbitrary_bytes_parse_or_raise_syntax_error(blob: bytes) -> None:
    for data in (blob, b"1 0 obj " + blob):
        with contextlib.suppress(PdfSyntaxError):
            pb.parse_object(data, 0)


def test_deep_nesting_is_a_syntax_error() -> None:
    with pytest.raises(PdfSyntaxError, match="nested"):
        pb.parse_object(b"1 0 obj " + b"[" * 5000 + b"]" * 5000 + b" endobj", 0)


@pytest.mark.parametrize(
    ("tail", "extra"), [(b"", 0), (b"\n", 1), (b"\r\n", 2), (b"\r", 1), (b"\n\n", 1)]
)
def test_revision_end_takes_one_end_of_line(tail: bytes, extra: int) -> None:
    data = b"%PDF-1.7\nxref\n0 1\n0000000000 65535 f \n"
    data += b"trailer << /Size 1 >>\nstartxref\n9\n%%EOF" + tail
    keyword, eof, end = pb.revision_end(data, 9)
    assert data[keyword:].startswith(b"startxref")
    assert data[eof - 5 : eof] == b"%%EOF"
    assert end == eof + extra


def test_revision_end_needs_its_own_startxref() -> None:
    data = b"xref\ntrailer <<>>\nstartxref\n7\n%%EOF\n"
    with pytest.raises(PdfSyntaxError, match="startxref"):
        pb.revision_end(data, 0)
    with pytest.raises(PdfSyntaxError):
        pb.revision_end(b"xref\ntrailer <<>>\nstartxref\n0\n", 0)


def test_xref_table() -> None:
    table = (
        b"xref\n0 2\n0000000000 65535 f \n0000000017 00000 n \n"
        b"5 1\n0000000099 00000 n\r\ntrailer\n<< /Size 6 >>"
    )
    entries, end = pb.parse_xref_table(table, 0)
    assert entries == {(1, 0): 17, (5, 0): 99}
    assert table[end:].startswith(b"trailer")
    trailer, after = pb.parse_trailer(table, end, len(table))
    assert trailer[b"Size"].value == 6
    assert after == len(table)
    with pytest.raises(PdfSyntaxError, match="freed"):
        pb.parse_xref_table(
            table.replace(b"0000000017 00000 n", b"0000000000 00001 f"), 0
        )
    with pytest.raises(PdfSyntaxError, match="entry"):
        pb.parse_xref_table(table.replace(b"0000000017", b"000000017"), 0)


def _gap(der: bytes, pad: int) -> bytes:
    return b"<" + (der + bytes(pad)).hex().upper().encode() + b">"


def test_signature_contents_canonical() -> None:
    der = bytes.fromhex("3003020105")
    data = b"xx" + _gap(der, 4) + b"yy"
    got, whole = pb.signature_contents(data, 2, len(data) - 2)
    assert got == der
    assert whole == der + bytes(4)


@pytest.mark.parametrize(
    "gap",
    [
        _gap(bytes.fromhex("300302013F"), 4).lower(),  # not as the signer wrote it
        _gap(bytes.fromhex("3003020105") + b"\x00\x00\x00\x01", 0),  # padding
        _gap(bytes.fromhex("3003020105"), 4)[:-1] + b" >",  # white space
        _gap(bytes.fromhex("3003020105"), 4)[:-2] + b">",  # odd
        _gap(bytes.fromhex("300902010500"), 0),  # DER longer than the string
        _gap(bytes.fromhex("3080020105000000"), 0),  # BER indefinite length
        _gap(bytes.fromhex("0403020105"), 4),  # not a SEQUENCE
        b"<3003020105> /Contents <00>",  # more than one string
    ],
)
def test_signature_contents_refuses(gap: bytes) -> None:
    with pytest.raises(PdfSyntaxError):
        pb.signature_contents(gap, 0, len(gap))


def test_der_length_long_form() -> None:
    blob = bytes([0x30, 0x82, 0x01, 0x00]) + bytes(256)
    assert pb.der_length(blob) == 260
    with pytest.raises(PdfSyntaxError):
        pb.der_length(blob[:-1])
