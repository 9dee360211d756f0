"""Watermark API: round trips, PSNR, key handling, input contract, verdict mapping."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from docsec import watermark as wm
from docsec.errors import InputError, KeyMaterialError
from docsec.keys import SecretKey

KEY = bytes(range(32))


@pytest.fixture(scope="module")
def marked(a4_page: np.ndarray) -> tuple[np.ndarray, bytes]:
    payload = wm.document_payload(KEY, "KR-GANGNAM", "2009-000123")
    return wm.embed(a4_page, payload, key=KEY, dpi=300), payload


def test_round_trip_gray(marked: tuple[np.ndarray, bytes]) -> None:
    image, payload = marked
    found = wm.extract(image, key=KEY, dpi=300)
    assert found.present
    assert found.payload == payload
    assert found.score >= found.threshold == wm.SCORE_THRESHOLD
    assert found.bit_errors_corrected == 0
    assert "decoded" in found.detail


def test_round_trip_without_dpi(marked: tuple[np.ndarray, bytes]) -> None:
    image, payload = marked
    assert wm.extract(image, key=KEY, dpi=None).payload == payload


def test_round_trip_bgr_keeps_shape_and_input(a4_page: np.ndarray) -> None:
    bgr = np.dstack([a4_page, np.minimum(a4_page, 250), a4_page])
    before = bgr.copy()
    out = wm.embed(bgr, bytes(8), key=KEY, dpi=300)
    assert out.shape == bgr.shape
    assert out.dtype == np.uint8
    assert np.array_equal(bgr, before)
    assert wm.extract(out, key=KEY, dpi=300).payload == bytes(8)


@pytest.mark.parametrize("kind", ["page", "blank", "tint", "text-only"])
def test_psnr_at_least_40_db(kind: str, tools, a4_page: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    page = {
        "page": a4_page,
        "blank": np.full((1200, 1000), 255, np.uint8),
        "tint": np.full((1200, 1000), 235, np.uint8),
        "text-only": tools.make_page(rng, tint=False),
    }[kind]
    out = wm.embed(page, rng.bytes(8), key=KEY, dpi=300)
    # uint8 rounding makes the PSNR a staircase: at most 41 dB plus one step.
    assert 40.0 <= tools.psnr(page, out) <= 42.5


def test_strength_scales_amplitude(tools) -> None:
    page = np.full((600, 600), 255, np.uint8)
    weak = wm.embed(page, bytes(8), key=KEY, dpi=300, strength=0.5)
    strong = wm.embed(page, bytes(8), key=KEY, dpi=300, strength=2.0)
    assert tools.psnr(page, weak) > 45
    assert 34 < tools.psnr(page, strong) < 36


def test_marks_only_darken_white_paper() -> None:
    page = np.full((512, 512), 255, np.uint8)
    out = wm.embed(page, bytes(8), key=KEY, dpi=300)
    assert out.max() == 255
    assert out.min() >= 245


def test_600_dpi_page(tools) -> None:
    page = tools.make_page(np.random.default_rng(3), dpi=600, size_in=(5.0, 4.0))
    out = wm.embed(page, bytes(8), key=KEY, dpi=600)
    assert tools.psnr(page, out) >= 40
    assert wm.extract(out, key=KEY, dpi=600).payload == bytes(8)


def test_wrong_key_is_not_present(marked: tuple[np.ndarray, bytes]) -> None:
    found = wm.extract(marked[0], key=bytes(range(1, 33)), dpi=300)
    assert not found.present
    assert found.payload is None
    assert found.bit_errors_corrected is None
    assert found.score < found.threshold or not found.present


def test_secret_key_object() -> None:
    key = SecretKey.from_material("watermark", KEY)
    assert wm.document_payload(key, "a", "b") == wm.document_payload(KEY, "a", "b")
    cdp = SecretKey.from_material("cdp", KEY)
    with pytest.raises(KeyMaterialError, match="watermark key"):
        wm.document_payload(cdp, "a", "b")
    with pytest.raises(KeyMaterialError, match="at least 16 bytes"):
        wm.document_payload(b"short", "a", "b")


def test_document_payload_is_keyed_and_unambiguous() -> None:
    p = wm.document_payload(KEY, "KR-GANGNAM", "2009-000123")
    assert len(p) == 8
    assert p == wm.document_payload(KEY, "KR-GANGNAM", "2009-000123")
    assert p != wm.document_payload(KEY, "KR-GANGNAM", "2009-000124")
    assert p != wm.document_payload(bytes(32), "KR-GANGNAM", "2009-000123")
    assert wm.document_payload(KEY, "ab", "c") != wm.document_payload(KEY, "a", "bc")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"payload": b"\x00" * 7}, "8 bytes"),
        ({"payload": "00" * 8}, "8 bytes"),
        ({"dpi": 10}, "dpi"),
        ({"dpi": float("nan")}, "dpi"),
        ({"strength": 0}, "strength"),
        ({"strength": 100}, "strength"),
    ],
)
def test_embed_rejects_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"payload": bytes(8), "dpi": 300, "strength": 1.0}
    args.update(kwargs)
    with pytest.raises(InputError, match=message):
        wm.embed(
            np.full((64, 64), 255, np.uint8),
            args["payload"],  # type: ignore[arg-type]
            key=KEY,
            dpi=args["dpi"],  # type: ignore[arg-type]
            strength=args["strength"],  # type: ignore[arg-type]
        )


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((64, 64), np.float32),
        np.zeros((64, 64, 4), np.uint8),
        np.zeros((8, 8), np.uint8),
        [[0, 1], [2, 3]],
    ],
)
def test_array_contract(image: object) -> None:
    with pytest.raises(InputError):
        wm.embed(image, bytes(8), key=KEY, dpi=300)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        wm.extract(image, key=KEY, dpi=300)  # type: ignore[arg-type]


def test_too_small_image_is_not_present() -> None:
    found = wm.extract(np.full((100, 100), 255, np.uint8), key=KEY, dpi=300)
    assert not found.present
    assert "too small" in found.detail


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    hnp.arrays(
        np.uint8,
        st.tuples(st.integers(16, 300), st.integers(16, 300)),
        elements=st.integers(0, 255),
    ),
    st.one_of(st.none(), st.floats(50, 2400)),
)
def test_any_array_gives_a_detection(image: np.ndarray, dpi: float | None) -> None:
    found = wm.extract(image, key=KEY, dpi=dpi)
    assert not found.present
    assert found.payload is None


def test_make_layer_tiles_and_is_found(tools) -> None:
    layer = wm.make_layer(bytes(8), key=KEY, shape=(1400, 1100), dpi=300)
    assert layer.shape == (1400, 1100)
    assert layer.dtype == np.uint8
    assert layer.max() == 255
    # At 300 dpi one 264-pixel tile repeats exactly (a PDF tiling pattern can use it).
    tile = wm.make_layer(bytes(8), key=KEY, shape=(264, 264), dpi=300)
    inner = layer[264:528, 264:528]
    assert np.abs(inner.astype(int) - tile.astype(int)).max() <= 1
    # Multiply under a text page, as the PDF does.
    page = tools.make_page(np.random.default_rng(5), size_in=(1400 / 300, 1100 / 300))
    combined = (page.astype(np.float64) * layer / 255.0).round().astype(np.uint8)
    assert wm.extract(combined, key=KEY, dpi=300).payload == bytes(8)


def test_matches(marked: tuple[np.ndarray, bytes]) -> None:
    image, payload = marked
    found = wm.extract(image, key=KEY, dpi=300)
    assert wm.matches(found, payload) is True
    assert wm.matches(found, bytes(8)) is False
    absent = wm.extract(np.full((900, 900), 255, np.uint8), key=KEY, dpi=300)
    assert wm.matches(absent, payload) is None
    with pytest.raises(InputError):
        wm.matches(found, b"short")


def test_detection_json(marked: tuple[np.ndarray, bytes]) -> None:
    doc = wm.extract(marked[0], key=KEY, dpi=300).to_dict()
    assert set(doc) >= {"present", "payload", "score", "threshold"}
    assert doc["payload"] == marked[1].hex()
