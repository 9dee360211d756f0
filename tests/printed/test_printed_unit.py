"""Printed-text check: the comparison rules, the codecs and the adapters (no OCR)."""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest

from docsec import _ocr, printed
from docsec._ocr import OcrWord
from docsec._template import certificate_fields, content_rows
from docsec.errors import InputError, PayloadError
from docsec.keys import generate_signing_key
from docsec.result import CheckStatus
from docsec.seal import (
    TextRegion,
    build_certificate_seal,
    decode_certificate,
    parse_unverified,
)
from docsec.seal._content import (
    MAX_UNPACKED,
    decode_text_regions,
    encode_text_regions,
    pack,
    resolve_pointer,
    unpack,
)

from ._procs import children

KEY = generate_signing_key()
DATA: dict[str, Any] = {
    "kind": "family_relation_certificate",
    "document_number": "GN2024000777",
    "holder_name": "김민지",
    "birth_date": "1995-07-14",
    "issuing_office": "Gangnam-gu Office",
    "issue_date": "2024-06-03",
    "content": {"family": [{"relation": "father", "name": "김철수"}], "purpose": "x"},
}


def _w(text: str, conf: float = 95.0) -> OcrWord:
    return OcrWord(text, conf, (0, 0, 1, 1))


def _build(data: dict[str, Any]) -> bytes:
    return build_certificate_seal(
        data,
        key=KEY,
        signer_identifier="KRGN",
        certificate_reference="1A",
        issuing_country="KOR",
        signature_date=dt.date(2024, 6, 3),
    )


# ------------------------------------------------------------------ comparison


@pytest.mark.parametrize(
    ("expected", "words", "outcome"),
    [
        ("홍길동 (HONG Gildong)", ["홍길동", "(HONG", "Gildong)"], "match"),
        ("홍길동 (HONG Gildong)", ["홍", "길", "동", "(H0NG", "6ildong)"], "match"),
        ("GN2611270042", ["6N2611270O42"], "match"),
        ("1984-03-15", ["1984년", "3월", "15일", "(1984-03-15)"], "match"),
        ("1984-03-15", ["1984.", "3.", "15."], "match"),
        ("1986-11-30", ["1986-1", "1-30"], "match"),
        ("1984-03-15", ["1984년", "3월", "21일", "(1984-03-21)"], "mismatch"),
        ("1984-03-15", ["1984년", "3월", "15일", "(1984-03-21)"], "mismatch"),
        # Near-confusions of a blurred capture are never enough on their own.
        ("1984-03-15", ["1984년", "3월", "16일", "(1984-03-16)"], "unreadable"),
        ("김영희", ["김영회"], "unreadable"),
        ("GN2611270042", ["GN2611270842"], "unreadable"),
        ("GN2611270042", ["GN2611270942"], "mismatch"),
        ("홍길동 (HONG Gildong)", ["김철수", "(KIM", "Cheolsu)"], "mismatch"),
        ("홍길동", ["홍길순"], "mismatch"),
    ],
)
def test_compare_confident_readings(
    expected: str, words: list[str], outcome: str
) -> None:
    assert printed.compare(expected, [_w(t) for t in words], blank=False)[0] == outcome


def test_low_confidence_is_never_an_accusation_nor_a_match() -> None:
    got = printed.compare("홍길동", [_w("홍길순", 40.0)], blank=False)
    assert got == ("unreadable", 1)
    got = printed.compare("1984-03-15", [_w("1984-03-16", 40.0)], blank=False)
    assert got[0] == "unreadable"
    # Nothing read, but ink was there: unreadable.
    assert printed.compare("홍길동", [], blank=False) == ("unreadable", 3)
    # A date field with no date in it and high confidence: not enough to accuse.
    assert printed.compare("1984-03-15", [_w("abc")], blank=False)[0] == "unreadable"


def test_blank_field_is_a_mismatch() -> None:
    assert printed.compare("홍길동", [], blank=True) == ("mismatch", 3)
    assert printed.compare(" ", [], blank=True) == ("match", 0)


def test_normalise_is_nfc_and_confusion_tolerant() -> None:
    decomposed = "\u1112\u1169\u11bc"  # 홍 as conjoining jamo
    assert printed.normalise(decomposed) == printed.normalise("홍")
    fullwidth = "\uff27\uff2e\uff11\uff12"  # GN12 in full-width forms
    assert printed.normalise(fullwidth) == printed.normalise("GN12")
    assert printed.normalise("a \u2013 b") == printed.normalise("a-b")


# ------------------------------------------------------------------- seal format


def test_text_regions_round_trip_and_content_is_signed_whole() -> None:
    data = {
        **DATA,
        "layout": {
            "module_size_um": 500,
            "text": [
                {"field": "/holder_name", "region": [-2400, -3000, 2000, 180]},
                {"field": "/content/family/0/name", "region": [-2400, -2000, 800, 120]},
            ],
        },
    }
    f = decode_certificate(parse_unverified(_build(data)))
    assert f.content == DATA["content"]
    assert [r.field for r in f.text_regions] == [
        "/holder_name",
        "/content/family/0/name",
    ]
    assert f.text_regions[0].in_modules() == (-240.0, -300.0, 200.0, 18.0)
    assert printed.certificate_data(f)["holder_name"] == "김민지"
    assert resolve_pointer(printed.certificate_data(f), "/content/family/0/name") == (
        "김철수"
    )


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ([{"field": "/nothing", "region": [0, 0, 1, 1]}], "names nothing"),
        ([{"field": "/content/family", "region": [0, 0, 1, 1]}], "string value"),
        ([{"field": "holder_name", "region": [0, 0, 1, 1]}], "names nothing"),
        ([{"field": "/layout/module_size_um", "region": [0, 0, 1, 1]}], "pointer"),
        ([{"field": "/holder_name"}], "field and region"),
        ([{"field": "/holder_name", "region": [0, 0, 0, 1]}], "positive"),
        ([], "non-empty"),
        (
            [
                {"field": "/holder_name", "region": [0, 0, 1, 1]},
                {"field": "/holder_name", "region": [0, 0, 1, 1]},
            ],
            "twice",
        ),
    ],
)
def test_layout_text_is_checked(text: list[dict[str, Any]], match: str) -> None:
    with pytest.raises(InputError, match=match):
        _build({**DATA, "layout": {"text": text}})


def test_pack_is_canonical_and_bounded() -> None:
    assert unpack(pack(b"{}")) == b"{}"
    assert pack(b"a" * 100)[0] == 1
    with pytest.raises(PayloadError, match="method byte"):
        unpack(b"")
    with pytest.raises(PayloadError, match="canonical packing"):
        unpack(b"\x00" + b"a" * 100)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = comp.compress(b"\x00" * (MAX_UNPACKED + 10)) + comp.flush()
    with pytest.raises(PayloadError, match="more than"):
        unpack(b"\x01" + bomb)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    body = comp.compress(b"x" * 50) + comp.flush()
    with pytest.raises(PayloadError, match="truncated"):
        unpack(b"\x01" + body[:-2])
    with pytest.raises(PayloadError, match="extra bytes"):
        unpack(b"\x01" + body + b"\x00")
    with pytest.raises(PayloadError, match="broken"):
        unpack(b"\x01\xff\xff\xff")


def test_text_region_codec_edges() -> None:
    with pytest.raises(InputError, match="JSON pointer"):
        encode_text_regions([TextRegion("x", 0, 0, 1, 1)])
    with pytest.raises(InputError, match="16 bits"):
        encode_text_regions([TextRegion("/a", 40000, 0, 1, 1)])
    with pytest.raises(PayloadError, match="no region"):
        decode_text_regions(b"")
    raw = encode_text_regions([TextRegion("/a", 0, 0, 1, 1)])
    with pytest.raises(PayloadError, match="repeated"):
        decode_text_regions(raw + raw)
    with pytest.raises(PayloadError, match="UTF-8"):
        decode_text_regions(b"\x02/\xff" + bytes(8))


def test_resolve_pointer() -> None:
    doc = {"a/b": [1, {"~": 2}]}
    assert resolve_pointer(doc, "/a~1b/1/~0") == 2
    for bad in ("", "/a~1b/01", "/a~1b/5", "/x"):
        with pytest.raises(KeyError):
            resolve_pointer(doc, bad)


# --------------------------------------------------------------- template, display


def test_template_declares_the_printed_fields() -> None:
    data = {**DATA, "valid_until": "2024-09-03"}
    fields = dict(certificate_fields(data))
    assert set(fields) >= {
        "/document_number",
        "/holder_name",
        "/birth_date",
        "/issue_date",
        "/valid_until",
        "/content/family/0/name",
        "/content/purpose",
    }
    assert "/content/family/0/relation" not in fields  # printed translated
    x, _y, w, h = fields["/holder_name"]
    assert 60 < x < 70
    assert w > 100
    assert 8 < h < 10


def test_content_rows_and_display_fields() -> None:
    rows = content_rows({"family": [{"relation": "father"}], "count": 2})
    assert rows == [("가족 · Family 1 · 관계 Relation", "father"), ("Count", "2")]
    shown = printed.display_fields(
        [
            ("HOLDER_NAME", "김민지", "UTF8_STRING"),
            ("CONTENT", '{"purpose":"x"}', "PACKED_JSON"),
            ("CONTENT", "not json", "PACKED_JSON"),
        ]
    )
    assert shown == (
        ("HOLDER_NAME", "김민지"),
        ("용도 · Purpose", "x"),
        ("CONTENT", "not json"),
    )


# ------------------------------------------------------------------------ adapters


def test_tsv_parsing() -> None:
    tsv = (
        "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\t"
        "width\theight\tconf\ttext\n"
        "5\t2\t1\t1\t1\t1\t10\t20\t30\t40\t91.5\t홍길동\n"
        "5\t1\t1\t1\t1\t1\t1\t2\t3\t4\t-1\t \n"
        "5\tx\t1\t1\t1\t1\t1\t2\t3\t4\t50\tbad\n"
        "4\t1\t1\t1\t1\t0\t1\t2\t3\t4\t-1\t\n"
    )
    assert _ocr._parse_tsv(tsv) == [(2, OcrWord("홍길동", 91.5, (10, 20, 30, 40)))]


def _many(fake: Callable[..., list[list[OcrWord]]]) -> Callable[..., object]:
    """Serve :func:`_ocr.read_many` from a fake of :func:`_ocr.read_lines`."""

    def many(
        requests: list[_ocr.OcrRequest], *, timeout: float
    ) -> list[list[list[OcrWord]]]:
        return [
            fake(
                r.images,
                languages=r.languages,
                timeout=timeout,
                **({"single_line": True} if r.single_line else {}),
            )
            for r in requests
        ]

    return many


def test_without_tesseract_the_check_is_inconclusive(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Neither the library (for the warm engine) nor the command.
    monkeypatch.setattr(_ocr, "_POOL", _ocr._Pool())
    monkeypatch.setattr(_ocr, "_LIBRARIES", ("libdocsec-no-such-tesseract.so.9",))
    monkeypatch.setattr(_ocr.shutil, "which", lambda _name: None)
    assert "not installed" in (_ocr.available() or "")
    data = {
        **DATA,
        "layout": {"text": [{"field": "/holder_name", "region": [0, 0, 10, 10]}]},
    }
    f = decode_certificate(parse_unverified(_build(data)))
    corners = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    image = np.full((50, 50), 255, np.uint8)
    check, readings = printed.check(image, corners=corners, size=10, fields=f)
    assert check.status is CheckStatus.INCONCLUSIVE
    assert check.reasons == ("ocr-unavailable",)
    assert readings == []
    with pytest.raises(Exception, match="not installed"):
        _ocr.read_lines([image])


def test_clean_finds_blank_and_drops_rulings() -> None:
    field = np.full((100, 600), 235, np.uint8)
    field[5:8, :] = 60  # a table ruling caught at the edge
    crop, ink, grey = printed.clean(printed.flatten(field), 150.0)
    assert crop is None
    assert grey is None
    assert ink < printed.BLANK_INK_MM2
    field[40:70, 100:104] = 30  # one stroke of text
    field[40:43, 100:130] = 30
    crop, ink, grey = printed.clean(printed.flatten(field), 150.0)
    assert crop is not None
    assert grey is not None
    assert grey.shape == (round(crop.shape[0] * 1.5), round(crop.shape[1] * 1.5))
    assert ink > printed.BLANK_INK_MM2


def test_smudged_text_is_faint_not_blank() -> None:
    import cv2

    field = np.full((100, 600), 235, np.uint8)
    field[5:8, :] = 60  # a ruling: never counted
    assert printed.faint_ink(printed.flatten(field), 150.0) == 0.0
    for x in range(50, 450, 25):  # a line of text...
        field[35:70, x : x + 5] = 30
        field[35:40, x : x + 18] = 30
    smudged = cv2.GaussianBlur(field, (0, 0), 8)  # ...blurred by ~0.7 mm
    flat = printed.flatten(smudged)
    crop, _, _ = printed.clean(flat, 150.0)
    assert crop is None  # no text contrast left
    assert printed.faint_ink(flat, 150.0) >= printed.FAINT_INK_MM2


def test_words_in_reading_order() -> None:
    words = [
        OcrWord("섬", 91.0, (60, 10, 20, 22)),
        OcrWord("춘", 91.0, (30, 14, 20, 22)),
        OcrWord("둘째", 90.0, (30, 60, 40, 22)),
    ]
    ordered = printed._in_reading_order(words)
    assert [w.text for w in ordered] == ["춘", "섬", "둘째"]


def test_mixed_fields_are_read_by_both_models_and_merged(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[str, int]] = []

    def fake(
        images: list[np.ndarray], *, languages: str, timeout: float
    ) -> list[list[OcrWord]]:
        calls.append((languages, len(images)))
        if languages == "kor":
            return [
                [
                    OcrWord("홍길동", 93.0, (0, 0, 60, 20)),
                    OcrWord("다", 30.0, (80, 0, 90, 20)),
                ],
                [OcrWord("1984-03-15", 90.0, (0, 0, 90, 20))],
            ]
        return [
            [
                OcrWord("S42", 40.0, (0, 0, 60, 20)),
                OcrWord("(HONG", 90.0, (75, 0, 50, 20)),
            ]
        ]

    monkeypatch.setattr(_ocr, "read_many", _many(fake))
    image = np.zeros((5, 5), np.uint8)
    got = printed._read([image, image], ["홍길동 (HONG", "1984-03-15"], 5.0)
    assert calls == [("kor", 2), ("eng", 1)]
    assert got[0][:3] == ("match", 0, "홍길동 (HONG")
    assert got[1][0] == "match"


def test_an_unconfirmed_reading_is_unreadable(monkeypatch: pytest.MonkeyPatch) -> None:
    """The second view reads the signed text: the first reading was OCR noise."""
    views: list[int] = []

    def fake(
        images: list[np.ndarray], *, languages: str, timeout: float
    ) -> list[list[OcrWord]]:
        views.append(images[0].shape[0])
        text = "홍길순" if len(views) == 1 else "홍길동"
        return [[OcrWord(text, 95.0, (0, 0, 10, 10))] for _ in images]

    monkeypatch.setattr(_ocr, "read_many", _many(fake))
    field = np.full((120, 400), 235, np.uint8)
    for x in range(50, 300, 20):  # short strokes, like glyphs (no ruling)
        field[50:65, x : x + 8] = 20
    data = {"holder_name": "홍길동"}
    region = TextRegion("/holder_name", 0, 0, 2000, 600)
    corners = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))
    (r,) = printed.read_fields(
        field,
        corners=corners,
        size=50,
        regions=[region],
        data=data,
        module_mm=0.5,
    )
    assert len(views) == 2  # read twice, the second view enlarged
    assert views[1] > views[0]
    assert r.outcome == "unreadable"
    assert r.read == "홍길순"


def _one_field(
    monkeypatch: pytest.MonkeyPatch, readings: list[tuple[str, float]], field: str
) -> tuple[list[int], printed.FieldReading]:
    """Read one synthetic field whose views the engine reads as ``readings``."""
    views: list[int] = []

    def fake(
        images: list[np.ndarray], *, languages: str, timeout: float
    ) -> list[list[OcrWord]]:
        views.append(images[0].shape[0])
        text, conf = readings[min(len(views), len(readings)) - 1]
        return [
            [OcrWord(w, conf, (20 * i, 0, 10, 10)) for i, w in enumerate(text.split())]
            for _ in images
        ]

    monkeypatch.setattr(_ocr, "read_many", _many(fake))
    image = np.full((120, 400), 235, np.uint8)
    for x in range(50, 300, 20):  # short strokes, like glyphs (no ruling)
        image[50:65, x : x + 8] = 20
    data = {
        "holder_name": "홍길동",
        "document_number": "GN2611270042",
        "birth_date": "1984-03-15",
    }
    region = TextRegion(field, 0, 0, 2000, 600)
    corners = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))
    (r,) = printed.read_fields(
        image, corners=corners, size=50, regions=[region], data=data, module_mm=0.5
    )
    return views, r


@pytest.mark.parametrize(
    ("first", "second"),
    [
        # Tesseract scored a clean, split word 0 ('GN2607 150317'); the second
        # view reads the same text at 91.
        (("GN2607 150317", 0.0), ("GN2607150317", 91.0)),
        # A confident second view; the first reading is closer to it than to
        # the signed text.
        (("GN2607150811", 40.0), ("GN2607150317", 91.0)),
        # Both views read exactly the same other text, one at 61, one at 0.
        (("GN 2607150317", 61.0), ("GN2607 150317", 0.0)),
    ],
)
def test_an_unconfident_difference_confirmed_is_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
    first: tuple[str, float],
    second: tuple[str, float],
) -> None:
    views, r = _one_field(monkeypatch, [first, second], "/document_number")
    assert len(views) == 2
    assert r.outcome == "mismatch"


@pytest.mark.parametrize(
    "second",
    [
        ("GN2611270042", 95.0),  # the second view reads the signed text
        ("GN2611270017", 40.0),  # another text, and nothing confident
        ("GN2607150317", 45.0),  # the same text, but neither view at 50
        ("GN2611270X42", 95.0),  # confident, but not closer to the first reading
    ],
)
def test_an_unconfident_difference_stays_unreadable(
    monkeypatch: pytest.MonkeyPatch, second: tuple[str, float]
) -> None:
    views, r = _one_field(
        monkeypatch, [("GN2607150317", 40.0), second], "/document_number"
    )
    assert len(views) == 2
    assert r.outcome == "unreadable"


def test_a_date_edited_in_both_forms_is_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Both printed forms read as the same other date, at low confidence (phone).
    read = "1979 년 8 월 21 일 (1979-08-21)"
    _, r = _one_field(monkeypatch, [(read, 53.0), (read, 20.0)], "/birth_date")
    assert r.outcome == "mismatch"
    # One form only, or the two forms disagreeing: not proof.
    for first in ("1979-08-21", "1979 년 8 월 21 일 (1979-08-27)"):
        _, r = _one_field(monkeypatch, [(first, 53.0), (read, 20.0)], "/birth_date")
        assert r.outcome == "unreadable", first


def test_an_unreadable_key_field_is_named_first(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fake(
        images: list[np.ndarray], *, languages: str, timeout: float
    ) -> list[list[OcrWord]]:
        return [[OcrWord("홍길", 30.0, (0, 0, 10, 10))] for _ in images]

    monkeypatch.setattr(_ocr, "read_many", _many(fake))
    image = np.full((120, 400), 235, np.uint8)
    for x in range(50, 300, 20):
        image[50:65, x : x + 8] = 20
    data = {"holder_name": "홍길동", "content": {"purpose": "홍길동"}}
    fields = SimpleNamespace(
        text_regions=(
            TextRegion("/content/purpose", 0, 0, 2000, 600),
            TextRegion("/holder_name", 0, 0, 2000, 600),
        ),
        module_size_um=500,
    )
    monkeypatch.setattr(printed, "certificate_data", lambda _f: data)
    monkeypatch.setattr(_ocr, "available", lambda: None)
    corners = ((0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0))
    check, readings = printed.check(image, corners=corners, size=50, fields=fields)  # type: ignore[arg-type]
    assert [r.outcome for r in readings] == ["unreadable", "unreadable"]
    assert check.status is CheckStatus.INCONCLUSIVE
    assert check.reasons == ("printed-text-key-unreadable", "printed-text-unreadable")
    assert "/holder_name, /content/purpose" in check.detail
    # Without a key field among them, only the list for the clerk.
    fields.text_regions = fields.text_regions[:1]
    check, _ = printed.check(image, corners=corners, size=50, fields=fields)  # type: ignore[arg-type]
    assert check.reasons == ("printed-text-unreadable",)


def test_long_fields_need_more_evidence() -> None:
    # A genuine phone photo: four jamo misread in a 30-jamo domicile, at 86.
    words = [
        OcrWord(w, 86.0, (20 * i, 0, 10, 10))
        for i, w in enumerate(
            ["서", "욱", "트", "병", "시", "강남구", "학", "동", "로", "426"]
        )
    ]
    assert printed.compare("서울특별시 강남구 학동로 426", words, blank=False)[0] == (
        "unreadable"
    )
    # One syllable changed in a name, or one digit in a number: still an edit.
    name = [
        OcrWord("홍길순", 92.0, (0, 0, 10, 10)),
        OcrWord("(HONG", 92.0, (20, 0, 9, 9)),
    ]
    assert printed.compare("홍길동 (HONG", name, blank=False)[0] == "mismatch"
    number = [OcrWord("GN2611270942", 93.0, (0, 0, 10, 10))]
    assert printed.compare("GN2611270042", number, blank=False)[0] == "mismatch"


def _line(text: str) -> np.ndarray:
    import cv2

    image = np.full((70, 520), 255, np.uint8)
    cv2.putText(image, text, (12, 50), cv2.FONT_HERSHEY_SIMPLEX, 1.3, 0, 3)
    return image


@pytest.mark.skipif(
    _ocr.available() is not None, reason=f"needs Tesseract: {_ocr.available()}"
)
def test_read_many_runs_requests_side_by_side_as_read_lines_would() -> None:
    one, two = _line("GN2611270042"), _line("PARK 1984")
    requests = [
        _ocr.OcrRequest([one, two], "eng", single_line=True),
        _ocr.OcrRequest([], "kor"),
        _ocr.OcrRequest([two], "eng", single_line=False),
    ]
    got = _ocr.read_many(requests, timeout=30.0)
    assert got[1] == []
    alone = [
        _ocr.read_lines([one, two], languages="eng", single_line=True, timeout=30.0),
        [],
        _ocr.read_lines([two], languages="eng", timeout=30.0),
    ]
    assert got == alone
    assert [w.text for w in got[0][0]] == ["GN2611270042"]


@pytest.mark.skipif(
    _ocr.available() is not None, reason=f"needs Tesseract: {_ocr.available()}"
)
def test_read_many_kills_every_engine_on_timeout() -> None:
    before = children()
    requests = [_ocr.OcrRequest([_line("GN2611270042")] * 40, "kor+eng")] * 3
    with pytest.raises(TimeoutError, match="longer than"):
        _ocr.read_many(requests, timeout=0.05)
    assert children() - before == set()


def test_a_worker_with_one_compute_thread_runs_one_engine_at_a_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert _ocr.cores() == 1
    monkeypatch.setenv("OMP_NUM_THREADS", "not a number")
    assert _ocr.cores() >= 1
    monkeypatch.delenv("OMP_NUM_THREADS")
    import os

    assert _ocr.cores() == len(os.sched_getaffinity(0))


def _reading(field: str, value: str, outcome: str) -> printed.FieldReading:
    return printed.FieldReading(field, value, "x", outcome, 90.0, 1, ())


# What a genuine 300-dpi laser page (fresh demo keys, simulator seed 1000) read:
# its Hangul strokes worn everywhere, two names "confidently" different.
_WORN = [
    ("/document_number", "GN2611270042", "match"),
    ("/holder_name", "홍길동 (HONG Gildong)", "match"),
    ("/birth_date", "1984-03-15", "match"),
    ("/content/registered_domicile", "서울특별시 강남구 학동로 426", "unreadable"),
    ("/content/family/0/name", "홍판서", "unreadable"),
    ("/content/family/1/name", "춘섬", "mismatch"),  # read '추 선' at 89
    ("/content/family/2/name", "김영희", "unreadable"),
    ("/content/family/2/birth_date", "1986-11-30", "match"),
]


def test_a_mismatch_on_a_page_that_reads_its_script_badly_is_not_evidence() -> None:
    page = [_reading(*row) for row in _WORN]
    out = printed.corroborate(page, ocr=set(range(len(page))))
    assert [r.outcome for r in out][5] == "unreadable"
    assert [r.outcome for r in out][:3] == ["match"] * 3
    # The other script is judged by its own peers: a Latin/digit mismatch among
    # matching dates and numbers stands.
    page[0] = _reading("/document_number", "GN2611270042", "mismatch")
    out = printed.corroborate(page, ocr=set(range(len(page))))
    assert out[0].outcome == "mismatch"


def test_corroboration_keeps_real_edits() -> None:
    clean = [(f, v, "match") for f, v, _ in _WORN]
    # One edited name among fields that read: the edit stands.
    page = [_reading(*row) for row in clean]
    page[5] = _reading("/content/family/1/name", "춘섬", "mismatch")
    assert printed.corroborate(page, ocr=set(range(8)))[5].outcome == "mismatch"
    # A genuine seal pasted on another certificate: every field differs.
    page = [_reading(f, v, "mismatch") for f, v, _ in clean]
    assert {r.outcome for r in printed.corroborate(page, ocr=set(range(8)))} == {
        "mismatch"
    }
    # A blank field is measured on the pixels, not read: it always stands.
    page = [_reading(*row) for row in _WORN]
    page[1] = _reading("/holder_name", "홍길동 (HONG Gildong)", "mismatch")
    out = printed.corroborate(page, ocr=set(range(8)) - {1})
    assert out[1].outcome == "mismatch"
    # Ties go to the citizen: as many unreadable peers as read ones.
    page = [
        _reading("/a", "홍판서", "mismatch"),
        _reading("/b", "춘섬", "unreadable"),
        _reading("/c", "김영희", "match"),
    ]
    assert printed.corroborate(page, ocr={0, 1, 2})[0].outcome == "mismatch"
    page.append(_reading("/d", "홍길동", "unreadable"))
    assert printed.corroborate(page, ocr={0, 1, 2, 3})[0].outcome == "unreadable"
    # Out-of-view fields are no peers.
    page[3] = printed.FieldReading("/d", "홍길동", "", "unreadable", 0.0, 0, (), False)
    assert printed.corroborate(page, ocr={0, 1, 2})[0].outcome == "mismatch"


def test_the_check_does_not_fail_a_worn_genuine_page(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """read_fields -> check: the worn page is INCONCLUSIVE, not printed-text-mismatch."""
    page = [_reading(*row) for row in _WORN]
    monkeypatch.setattr(_ocr, "available", lambda: None)
    monkeypatch.setattr(printed, "certificate_data", lambda _fields: {})
    monkeypatch.setattr(
        printed, "read_fields", lambda *a, **k: printed.corroborate(page, ocr=range(8))
    )
    fields = SimpleNamespace(text_regions=[object()] * 8, module_size_um=500)
    check, _readings = printed.check(
        np.zeros((10, 10), np.uint8),
        corners=((0.0, 0.0),) * 4,
        size=10,
        fields=fields,  # type: ignore[arg-type]
    )
    assert check.status is CheckStatus.INCONCLUSIVE
    assert check.reasons == ("printed-text-unreadable",)


def _strip(bands: list[tuple[float, float]], height_mm: float) -> np.ndarray:
    """A flattened strip (paper 255) with glyph-like ink in rows ``bands`` (mm)."""
    rows = round(height_mm * printed.PX_PER_MM)
    strip = np.full((rows, 600), 255.0, np.float32)
    for top, bottom in bands:
        r0, r1 = round(top * printed.PX_PER_MM), round(bottom * printed.PX_PER_MM)
        for x in range(20, 560, 30):  # short glyph strokes, no ruling
            strip[r0:r1, x : x + 12] = 30.0
    return strip


def test_register_moves_a_field_onto_its_text() -> None:
    pad = printed.REGISTER_MM
    # A 6 mm table row between two others (rows every 6 mm, text 3.8 mm tall,
    # 1.0 mm under the region's top), printed 1.2 mm lower than mapped.
    h = round(6.0 * printed.PX_PER_MM)
    low = 1.2
    bands = [(pad + d + 1.0 + low, pad + d + 4.8 + low) for d in (-6.0, 0.0, 6.0)]
    strip = _strip(bands, 6.0 + 2 * pad)
    top = printed.register(strip, h, 200.0)
    window = (top / printed.PX_PER_MM - pad, top / printed.PX_PER_MM - pad + 6.0)
    # Its own text wholly inside, no neighbour's ink at its edges.
    assert window[0] <= 1.0 + low
    assert window[1] >= 4.8 + low
    assert window[0] >= -6.0 + 4.8 + low
    assert window[1] <= 6.0 + 1.0 + low
    # Printed where mapped: the window stays.
    bands = [(pad + d + 1.0, pad + d + 4.8) for d in (-6.0, 0.0, 6.0)]
    assert printed.register(_strip(bands, 6.0 + 2 * pad), h, 200.0) == round(
        pad * printed.PX_PER_MM
    )
    # A blank field (whited out) between two rows keeps its place: no neighbour
    # text is pulled in, so it still reads blank.
    bands = [(pad + d + 1.0, pad + d + 4.8) for d in (-6.0, 6.0)]
    blank = _strip(bands, 6.0 + 2 * pad)
    top = printed.register(blank, h, 200.0)
    ink = blank[top : top + h] < 128
    assert not ink.any()
