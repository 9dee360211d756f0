"""The array boundary: contract checks, reading, writing, limits."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image

from docsec import imaging
from docsec.errors import InputError


@pytest.mark.parametrize(
    ("arr", "msg"),
    [
        (np.zeros((4, 4), np.float32), "uint8"),
        (np.zeros((4, 4, 4), np.uint8), "shape"),
        (np.zeros((4,), np.uint8), "shape"),
        ([[0, 1]], "numpy array"),
    ],
)
def test_check_image_rejects(arr: object, msg: str) -> None:
    with pytest.raises(InputError, match=msg):
        imaging.check_image(arr)


def test_check_image_min_size() -> None:
    with pytest.raises(InputError, match="at least 8x8"):
        imaging.check_image(np.zeros((4, 40), np.uint8), min_size=8)


def test_gray_bgr_conversions() -> None:
    bgr = np.zeros((2, 3, 3), np.uint8)
    bgr[..., 2] = 255  # red
    gray = imaging.to_gray(bgr)
    assert gray.shape == (2, 3)
    assert int(gray[0, 0]) == 76  # ITU-R BT.601 weight of red
    assert imaging.to_gray(gray) is gray
    assert imaging.to_bgr(gray).shape == (2, 3, 3)
    assert imaging.to_bgr(bgr) is bgr
    rgb = bgr[..., ::-1].copy()
    assert np.array_equal(imaging.from_rgb(rgb), bgr)
    with pytest.raises(InputError):
        imaging.from_rgb(gray)


@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif", ".bmp"])
@pytest.mark.parametrize("channels", [1, 3])
def test_write_read_round_trip(tmp_path: Path, suffix: str, channels: int) -> None:
    rng = np.random.default_rng(1)
    shape = (40, 50) if channels == 1 else (40, 50, 3)
    img = rng.integers(0, 256, size=shape, dtype=np.uint8)
    p = tmp_path / f"x{suffix}"
    imaging.write_image(p, img, dpi=300, jpeg_quality=95)
    loaded = imaging.read_image(p)
    assert loaded.image.shape == img.shape
    if suffix != ".bmp":
        assert loaded.dpi == (300.0, 300.0)
    if suffix != ".jpg":
        assert np.array_equal(loaded.image, img)


def test_no_dpi_is_none(tmp_path: Path) -> None:
    p = tmp_path / "x.png"
    imaging.write_image(p, np.zeros((4, 4), np.uint8))
    assert imaging.read_image(p).dpi is None


def test_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="format"):
        imaging.write_image(tmp_path / "x.gif", np.zeros((4, 4), np.uint8))
    with pytest.raises(InputError, match="format"):
        imaging.encode_image(np.zeros((4, 4), np.uint8), format="GIF")
    with pytest.raises(InputError, match="quality"):
        imaging.encode_image(np.zeros((4, 4), np.uint8), format="JPEG", jpeg_quality=0)


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        imaging.read_image(tmp_path / "missing.png")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        imaging.read_image(empty)
    text = tmp_path / "text.png"
    text.write_bytes(b"hello, not an image")
    with pytest.raises(InputError, match="not a readable image"):
        imaging.read_image(text)
    good = imaging.encode_image(np.full((64, 64), 200, np.uint8))
    trunc = tmp_path / "trunc.png"
    trunc.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputError):
        imaging.read_image(trunc)


def test_truncated_jpeg_is_an_error(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    good = imaging.encode_image(
        rng.integers(0, 256, (64, 64), dtype=np.uint8), format="JPEG"
    )
    with pytest.raises(InputError):
        imaging.decode_image(good[: len(good) * 2 // 3])


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that declares a huge size (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            len(data).to_bytes(4, "big")
            + kind
            + data
            + zlib.crc32(kind + data).to_bytes(4, "big")
        )

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 0, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1024)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def test_decompression_bomb_refused_before_decoding() -> None:
    with pytest.raises(InputError, match="decompression bomb"):
        imaging.decode_image(_png_header_only(100_000, 100_000))
    with pytest.raises(InputError, match="limit"):
        imaging.decode_image(
            imaging.encode_image(np.zeros((20, 20), np.uint8)), max_pixels=100
        )


@pytest.mark.parametrize("mode", ["1", "P", "RGBA", "LA", "I;16", "CMYK"])
def test_modes_are_converted(mode: str) -> None:
    pil = Image.new("RGB", (8, 6), (10, 200, 30)).convert(mode)
    buf = io.BytesIO()
    pil.save(buf, format="TIFF" if mode in ("CMYK", "I;16") else "PNG")
    out = imaging.decode_image(buf.getvalue()).image
    assert out.dtype == np.uint8
    assert out.shape[:2] == (6, 8)


def test_float_mode_refused() -> None:
    buf = io.BytesIO()
    Image.new("F", (4, 4)).save(buf, format="TIFF")
    with pytest.raises(InputError, match="floating"):
        imaging.decode_image(buf.getvalue())


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=200))
def test_arbitrary_bytes_give_image_or_input_error(data: bytes) -> None:
    try:
        out = imaging.decode_image(data)
    except InputError:
        return
    imaging.check_image(out.image)


@settings(max_examples=30, deadline=None)
@given(
    hnp.arrays(
        dtype=st.sampled_from([np.uint8, np.float32, np.int16]),
        shape=hnp.array_shapes(max_dims=3, max_side=5),
    )
)
def test_any_array_checks_or_raises_input_error(arr: np.ndarray) -> None:
    try:
        imaging.check_image(arr)
    except InputError:
        return
    assert arr.dtype == np.uint8
