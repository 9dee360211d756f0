"""Bad and odd inputs: empty tuple or InputError, never a hang or a leaked exception."""

from __future__ import annotations

import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from docsec.barcode import _reader, encode, read, render_raster
from docsec.errors import InputError


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((0, 0), np.uint8),
        np.zeros((10, 0), np.uint8),
        np.zeros((10, 10), np.float32),
        np.zeros((10, 10, 4), np.uint8),
        np.zeros((10, 10, 1), np.uint8),
        [[0, 255], [255, 0]],
    ],
    ids=["empty", "zero-width", "float", "bgra", "one-channel", "list"],
)
def test_contract_violations_raise_input_error(image: object) -> None:
    with pytest.raises(InputError):
        read(image)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "image",
    [
        np.zeros((1, 1), np.uint8),
        np.full((5, 400), 255, np.uint8),
        np.zeros((300, 300), np.uint8),
        np.full((300, 300, 3), 255, np.uint8),
        np.random.default_rng(0).integers(0, 256, (400, 400), dtype=np.uint8),
        np.random.default_rng(1).integers(0, 256, (300, 300, 3), dtype=np.uint8),
    ],
    ids=["1x1", "thin", "black", "white-bgr", "noise", "noise-bgr"],
)
def test_nothing_found(image: np.ndarray) -> None:
    assert read(image, use_libdmtx=True) == ()


def test_option_validation() -> None:
    img = np.full((20, 20), 255, np.uint8)
    for kwargs in ({"timeout": 0}, {"timeout": float("nan")}, {"max_symbols": 0}):
        with pytest.raises(InputError):
            read(img, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        read(img, max_pixels=100)


def test_huge_image_is_downscaled_and_read() -> None:
    # 24 Mpx page with a seal of 24 px modules (1200 dpi-like): read after the
    # downscale to 12 Mpx, corners in the original pixel coordinates.
    data = b"\xdc\x03" + bytes(range(100))
    seal = render_raster(encode(data), module_px=24, quiet_zone=2)
    page = np.full((6000, 4000), 255, np.uint8)
    page[3000 : 3000 + seal.shape[0], 1000 : 1000 + seal.shape[1]] = seal
    t0 = time.monotonic()
    (sym,) = read(page)
    assert time.monotonic() - t0 < 20  # generous: shared CI cores
    assert sym.data == data
    assert sym.corners[0] == pytest.approx((1000 + 48, 3000 + 48), abs=3)


def test_deadline_stops_the_cascade(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def fake_stage(
        work: np.ndarray, scale: float, variant: object, *, thorough: bool = True
    ) -> list[object]:
        name = ("plain" if thorough else "fast") if variant is None else variant.name  # type: ignore[attr-defined]
        calls.append(name)
        time.sleep(0.05)
        return []

    monkeypatch.setattr(_reader, "_zxing_stage", fake_stage)
    img = np.full((100, 100), 255, np.uint8)
    assert read(img, timeout=0.01, use_libdmtx=True) == ()
    assert calls == ["fast", "plain"]


def test_several_symbols_and_dedupe() -> None:
    a, b = b"first\x00seal", b"second\xffseal"
    ra = render_raster(encode(a), module_px=4)
    rb = render_raster(encode(b), module_px=4)
    page = np.full((200, 400), 255, np.uint8)
    page[10 : 10 + ra.shape[0], 10 : 10 + ra.shape[1]] = ra
    page[10 : 10 + rb.shape[0], 200 : 200 + rb.shape[1]] = rb
    found = read(page)
    assert sorted(s.data for s in found) == sorted([a, b])
    assert len(read(page, max_symbols=1)) == 1


@settings(max_examples=25, deadline=None)
@given(
    hnp.arrays(
        np.uint8,
        st.one_of(
            hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=64),
            st.tuples(st.integers(1, 64), st.integers(1, 64), st.just(3)),
        ),
    )
)
def test_any_array_gives_a_tuple(image: np.ndarray) -> None:
    assert isinstance(read(image, timeout=0.5), tuple)
