"""The array boundary: contract checks, reading, writing, limits."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import cv2
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


# ------------------------------------------------------------- decoding budget


def test_sixteen_bit_maps_full_range_to_uint8() -> None:
    values = np.array([[0, 257, 32896, 65535]], np.uint16).repeat(3, axis=0)
    ok, png16 = cv2.imencode(".png", values)
    assert ok
    out = imaging.decode_image(png16.tobytes()).image
    assert out.dtype == np.uint8
    assert out.shape == (3, 4)
    # OpenCV drops the low byte, Pillow rounds: within one grey level of v/257.
    assert np.abs(out.astype(int) - np.rint(values / 257.0)).max() <= 1
    assert out[0].tolist()[0] == 0
    assert out[0].tolist()[3] == 255


@pytest.mark.parametrize("gray", [False, True])
def test_transparency_is_flattened_onto_white(gray: bool) -> None:
    rgba = np.zeros((4, 6, 4), np.uint8)
    rgba[:, :3, 3] = 255  # left half opaque black, right half fully transparent
    buf = io.BytesIO()
    Image.fromarray(rgba, mode="RGBA").save(buf, format="PNG")
    out = imaging.decode_image(buf.getvalue(), gray=gray).image
    assert out.shape == ((4, 6) if gray else (4, 6, 3))
    assert int(out[:, :3].max()) == 0
    assert int(out[:, 3:].min()) == 255


def test_gray_decodes_colour_to_luminance() -> None:
    bgr = np.zeros((8, 8, 3), np.uint8)
    bgr[..., 1] = 200  # pure green
    data = imaging.encode_image(bgr)
    out = imaging.decode_image(data, gray=True).image
    assert out.shape == (8, 8)
    assert abs(int(out[0, 0]) - round(0.587 * 200)) <= 1


@pytest.mark.parametrize(
    ("mode", "fmt"),
    [("L", "PNG"), ("RGB", "JPEG"), ("RGBA", "PNG"), ("I;16", "TIFF"), ("P", "PNG")],
)
def test_memory_budget_refuses_before_decoding(mode: str, fmt: str) -> None:
    buf = io.BytesIO()
    Image.new(mode, (1000, 1000)).save(buf, format=fmt)
    data = buf.getvalue()
    imaging.decode_image(data, max_memory=64 * 2**20)
    with pytest.raises(InputError, match="memory budget") as info:
        imaging.decode_image(data, max_memory=len(data) + 500_000, name="big.x")
    assert "big.x" in str(info.value)


def test_progressive_jpeg_budget_counts_coefficients() -> None:
    buf = io.BytesIO()
    Image.new("RGB", (1000, 1000)).save(buf, format="JPEG", progressive=True)
    # 2 x 1 Mpx of gray output fits, 6 MB of DCT coefficients on top does not.
    with pytest.raises(InputError, match="memory budget"):
        imaging.decode_image(buf.getvalue(), gray=True, max_memory=5_000_000)
    imaging.decode_image(buf.getvalue(), gray=True, max_memory=10_000_000)


def test_decoder_warnings_are_captured_not_printed(
    capfd: pytest.CaptureFixture[str],
) -> None:
    rng = np.random.default_rng(3)
    good = imaging.encode_image(
        rng.integers(0, 256, (64, 64), dtype=np.uint8), format="JPEG"
    )
    # Cut the entropy-coded data short but keep the end marker: libjpeg decodes
    # what is there, fills the rest and prints a warning on its own stderr.
    damaged = good[: len(good) // 2] + b"\xff\xd9"
    loaded = imaging.decode_image(damaged)
    assert any("Corrupt JPEG data" in w for w in loaded.warnings)
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_messages_carry_no_object_reprs() -> None:
    with pytest.raises(InputError) as info:
        imaging.decode_image(b"\x89PNG\r\n\x1a\n" + b"\0" * 40, name="x.png")
    assert "0x" not in str(info.value)
    assert "x.png" in str(info.value)
    with pytest.raises(InputError) as info:
        imaging.decode_image(b"definitely not an image", name="y.png")
    assert "object at" not in str(info.value)


def test_reduce_takes_block_means_and_leaves_the_remainder_out() -> None:
    rng = np.random.default_rng(3)
    img = rng.integers(0, 256, (37, 50), dtype=np.uint8)
    out = imaging.reduce(img, 4)
    assert out.shape == (9, 12)
    means = img[:36, :48].reshape(9, 4, 12, 4).mean(axis=(1, 3))
    assert np.abs(out.astype(np.float64) - means).max() <= 0.5
    assert imaging.reduce(img, 1) is img
    colour = np.dstack([img, img, img])
    assert imaging.reduce(colour, 2).shape == (18, 25, 3)
    with pytest.raises(InputError):
        imaging.reduce(img, 0)
    with pytest.raises(InputError):
        imaging.reduce(img, 64)


def test_large_gray_png_is_decoded_in_place(monkeypatch: pytest.MonkeyPatch) -> None:
    # Pillow writes the rows straight into the output array (no second frame
    # as OpenCV's PNG decoder holds); the pixels are the same.
    monkeypatch.setattr(imaging, "_IN_PLACE_PIXELS", 1)
    rng = np.random.default_rng(4)
    img = rng.integers(0, 256, (123, 77), dtype=np.uint8)
    data = imaging.encode_image(img, dpi=1200)
    loaded = imaging.decode_image(data, gray=True)
    assert np.array_equal(loaded.image, img)
    assert loaded.image.flags.writeable
    assert loaded.colour is False
    assert loaded.dpi is not None
    assert loaded.dpi[0] == pytest.approx(1200, abs=1)
    with pytest.raises(InputError):
        imaging.decode_image(data[: len(data) // 2], gray=True)
    over = imaging.decode_image(data, gray=False, max_memory=len(data) + img.size + 1)
    assert np.array_equal(over.image, img)
    with pytest.raises(InputError, match="memory"):
        imaging.decode_image(data, max_memory=len(data) + img.size - 1)


def _interlaced_png(img: np.ndarray) -> bytes:
    """An 8-bit gray Adam7-interlaced PNG of ``img`` (neither encoder writes one)."""
    import struct

    rows, cols = img.shape
    raw = b""
    for y0, x0, dy, dx in (
        (0, 0, 8, 8), (0, 4, 8, 8), (4, 0, 8, 4), (0, 2, 4, 4),
        (2, 0, 4, 2), (0, 1, 2, 2), (1, 0, 2, 1),
    ):  # fmt: skip
        for row in img[y0::dy, x0::dx]:
            raw += b"\x00" + row.tobytes()

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 1)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_interlaced_gray_png_is_decoded_in_place(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(imaging, "_IN_PLACE_PIXELS", 1)
    img = np.random.default_rng(6).integers(0, 256, (101, 67), dtype=np.uint8)
    assert np.array_equal(imaging.decode_image(_interlaced_png(img)).image, img)
