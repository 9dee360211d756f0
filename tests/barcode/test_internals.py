"""Private helpers: Base256 parsing rejects anything but the seal layout, dedupe."""

from __future__ import annotations

import numpy as np
import pytest

from docsec.barcode import _dmtx, _ecc200, _reader, encode, read, render_raster


def test_base256_payload_rejections() -> None:
    cw = list(_ecc200._pad(_ecc200._base256_codewords(b"hello"), 12))
    assert _ecc200.base256_payload(bytes(cw)) == b"hello"
    assert _ecc200.base256_payload(b"") is None
    assert _ecc200.base256_payload(bytes([65, 66, 67])) is None  # ASCII
    broken_pad = bytes([*cw[:-1], (cw[-1] + 1) % 256])
    assert _ecc200.base256_payload(broken_pad) is None
    assert _ecc200.base256_payload(bytes(cw[:4])) is None  # field cut short
    long_field = _ecc200._base256_codewords(bytes(300))
    assert _ecc200.base256_payload(bytes(long_field)) == bytes(300)
    assert _ecc200.base256_payload(bytes(long_field[:2])) is None
    # Length 0 means "to the end of the symbol" (ISO/IEC 16022 5.2.9.1).
    to_end = [231, _ecc200._randomise_255(0, 2)] + [
        _ecc200._randomise_255(v, i) for i, v in enumerate(b"xyz", start=3)
    ]
    assert _ecc200.base256_payload(bytes(to_end)) == b"xyz"


def test_ecc_consistent_sizes() -> None:
    assert not _ecc200.ecc_consistent(b"\x00" * 12, 11, 11)
    assert not _ecc200.ecc_consistent(b"\x00" * 5, 12, 12)
    data = [1, 2, 3, 4, 5]
    rect = _ecc200.SymbolSize(0, 0, 0, 5, 7, 1)
    assert _ecc200.ecc_consistent(bytes(_ecc200._with_ecc(data, rect)), 8, 18)
    with pytest.raises(ValueError, match="square"):
        _ecc200.codeword_positions(11)
    with pytest.raises(ValueError, match="empty"):
        _ecc200.encode_modules(b"")
    with pytest.raises(ValueError, match="fit"):
        _ecc200.encode_modules(bytes(_ecc200.MAX_BYTES + 1))


def test_dmtx_symbol_of_unknown_size_has_no_payload() -> None:
    sym = _dmtx.DmtxSymbol(b"x", b"\x00", 11, 11, ((0.0, 0.0),) * 4, ecc_ok=True)
    assert sym.data_codewords == b""
    assert sym.base256_payload() is None


def test_dmtx_stage_downscales_large_images(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reader, "_MAX_DMTX_PIXELS", 40_000)
    data = b"\x00large\xff" * 4
    seal = render_raster(encode(data), module_px=8)
    page = np.full((400, 400), 255, np.uint8)
    page[50 : 50 + seal.shape[0], 60 : 60 + seal.shape[1]] = seal
    (sym,) = _reader._dmtx_stage(page, 1.0, 2000, 2)
    assert sym.data == data
    assert sym.corners[0] == pytest.approx((60 + 16, 50 + 16), abs=4)


def test_dedupe_keeps_distinct_places() -> None:
    corners = ((0.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0))
    far = tuple((x + 200.0, y) for x, y in corners)
    a = _reader.RawSymbol(b"a", corners, 10, "zxing-cpp", "zxing:plain")
    assert _reader._dedupe([a, a]) == [a]
    b = _reader.RawSymbol(b"a", far, 10, "zxing-cpp", "zxing:plain")
    assert _reader._dedupe([a, b]) == [a, b]
    c = _reader.RawSymbol(b"c", corners, 10, "zxing-cpp", "zxing:plain")
    assert _reader._dedupe([a, c]) == [a, c]


def test_variants_run_when_plain_read_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    real = _reader._zxing_stage
    seen: list[str] = []

    def only_upscale(work, scale, variant, *, thorough=True):  # type: ignore[no-untyped-def]
        seen.append(
            ("plain" if thorough else "fast") if variant is None else variant.name
        )
        if variant is None or variant.name != "zxing:upscale2":
            return []
        return real(work, scale, variant, thorough=thorough)

    monkeypatch.setattr(_reader, "_zxing_stage", only_upscale)
    data = b"variant"
    (sym,) = read(render_raster(encode(data), module_px=3))
    assert (sym.data, sym.variant) == (data, "zxing:upscale2")
    assert seen == [
        "fast",
        "plain",
        "zxing:global",
        "zxing:adaptive",
        "zxing:upscale2",
    ]


def test_thorough_pass_only_when_the_cheap_one_finds_nothing() -> None:
    # Real symbols, real reader: an upright dark-on-light symbol is found by the
    # cheap first pass; the same symbol inverted (light on dark) needs zxing's
    # thorough search, which still finds it.
    data = b"two\x00passes"
    img = render_raster(encode(data), module_px=4)
    (upright,) = read(img)
    assert (upright.data, upright.variant) == (data, "zxing:fast")
    (inverted,) = read(255 - img)
    assert (inverted.data, inverted.variant) == (data, "zxing:plain")


def test_downscale_by_halvings_matches_one_area_step() -> None:
    # A large page is halved first, then area-downscaled the rest of the way:
    # same size and nearly the same pixels as one area step (a fraction of a
    # grey level on average), several times faster.
    rng = np.random.default_rng(5)
    page = np.kron(
        rng.integers(0, 2, (300, 220), dtype=np.uint8) * 255, np.ones((8, 8), np.uint8)
    )
    scale = 0.29
    one = _reader._resize(page, scale)
    two = _reader._downscale(page, scale)
    assert two.shape == one.shape
    diff = np.abs(one.astype(np.int16) - two.astype(np.int16))
    assert diff.mean() < 3.0
    assert np.array_equal(_reader._downscale(page, 0.75), _reader._resize(page, 0.75))
