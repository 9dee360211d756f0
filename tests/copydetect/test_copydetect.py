"""Tests for docsec.copydetect: pattern, locating, decision, gates, pantograph."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from docsec import copydetect, simulate
from docsec.copydetect import Decision, make_pattern, measure, measure_in_region
from docsec.copydetect._layout import keyed_bits
from docsec.errors import ConfigurationError, InputError, KeyMaterialError
from docsec.keys import SecretKey
from docsec.seal import Region

KEY = SecretKey.from_material("cdp", bytes(range(32)))
OTHER = SecretKey.from_material("cdp", bytes(range(1, 33)))
DOC = "GN2024000123"
MARGIN = 120


def _page(doc: str = DOC, module_dots: int = 1) -> np.ndarray:
    img = make_pattern(KEY, doc, module_dots=module_dots).image
    page = np.full(
        (img.shape[0] + 2 * MARGIN, img.shape[1] + 2 * MARGIN), 255, np.uint8
    )
    page[MARGIN:-MARGIN, MARGIN:-MARGIN] = img
    return page


# ------------------------------------------------------------------ pattern


def test_pattern_is_binary_600dpi_and_keyed() -> None:
    pat = make_pattern(KEY, DOC)
    assert pat.dpi == 600
    assert pat.image.dtype == np.uint8
    assert set(np.unique(pat.image)) == {0, 255}
    w_mm, h_mm = pat.size_mm
    assert 12 < w_mm < 16
    assert 12 < h_mm < 16
    x, y, n, _ = pat.pattern_box
    assert n * 25.4 / 600 == pytest.approx(9.14, abs=0.1)
    block = pat.image[y : y + n, x : x + n]
    assert 0.45 < float((block == 0).mean()) < 0.55
    assert pat.key_id == KEY.key_id
    # Same inputs, same pattern; another key or document, another pattern.
    assert np.array_equal(make_pattern(KEY, DOC).image, pat.image)
    other_key = make_pattern(OTHER, DOC).image[y : y + n, x : x + n]
    other_doc = make_pattern(KEY, DOC + "1").image[y : y + n, x : x + n]
    for other in (other_key, other_doc):
        agree = float((other == block).mean())
        assert 0.45 < agree < 0.55


def test_two_dot_modules() -> None:
    pat = make_pattern(KEY, DOC, module_dots=2)
    x, y, n, _ = pat.pattern_box
    block = pat.image[y : y + n, x : x + n]
    assert np.array_equal(block[0::2, 0::2], block[1::2, 1::2])


def test_keyed_bits_known_answer() -> None:
    bits = keyed_bits(bytes(32), "A", 8, 1)
    # HMAC-SHA256(0^32, counter 0 || info), first 8 bytes, MSB first.
    import hashlib
    import hmac

    info = b"docsec-cdp-pattern v1\x00" + b"\x00\x01A" + b"\x01" + b"\x00\x08"
    digest = hmac.new(bytes(32), b"\x00\x00\x00\x00" + info, hashlib.sha256).digest()
    expect = (
        np.unpackbits(np.frombuffer(digest[:8], np.uint8)).reshape(8, 8).astype(bool)
    )
    assert np.array_equal(bits, expect)


@pytest.mark.parametrize("bad", ["", "x" * 65])
def test_bad_doc_id(bad: str) -> None:
    with pytest.raises(InputError):
        make_pattern(KEY, bad)


def test_wrong_key_purpose_and_module_dots() -> None:
    wm = SecretKey.from_material("watermark", bytes(32))
    with pytest.raises(KeyMaterialError):
        make_pattern(wm, DOC)
    with pytest.raises(ConfigurationError):
        make_pattern(KEY, DOC, module_dots=3)
    with pytest.raises(KeyMaterialError):
        measure(np.zeros((50, 50), np.uint8), key=wm, doc_id=DOC)


def test_region_size() -> None:
    pat = make_pattern(KEY, DOC)
    w, h = pat.region_size(500)
    assert (w, h) == (275, 302)
    with pytest.raises(InputError):
        pat.region_size(0)


# ------------------------------------------------------------------ measure


def test_no_key_is_inconclusive() -> None:
    m = measure(_page(), key=None, doc_id=DOC, dpi=1200)
    assert m.decision is Decision.INCONCLUSIVE
    assert m.reasons == ("no-key: no copy-detection key",)
    assert m.to_dict()["decision"] == "inconclusive"


def test_not_found_is_inconclusive() -> None:
    m = measure(np.full((400, 400), 255, np.uint8), key=KEY, doc_id=DOC, dpi=1200)
    assert m.decision is Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("not-found")


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 4), np.uint8), np.zeros((40, 40), np.float32)]
)
def test_bad_images(bad: np.ndarray) -> None:
    with pytest.raises(InputError):
        measure(bad, key=KEY, doc_id=DOC)


def test_bad_dpi() -> None:
    with pytest.raises(InputError):
        measure(_page(), key=KEY, doc_id=DOC, dpi=10)


@pytest.mark.parametrize("seed", [11, 12])
def test_original_and_copy_at_1200(seed: int) -> None:
    page = _page()
    orig = simulate.print_scan(
        page, page_dpi=600, rng=seed, oversample=2, scanner_dpi=1200
    )
    # Photo mode: text-mode copies keep more detail and are often INCONCLUSIVE
    # under the robust threshold (docs/copydetect.md), never ORIGINAL.
    copy = simulate.photocopy(
        page, page_dpi=600, rng=seed, oversample=2, scanner_dpi=1200, mode="photo"
    )
    text = simulate.photocopy(
        page, page_dpi=600, rng=seed, oversample=2, scanner_dpi=1200, mode="text"
    )
    mo = measure(orig.image, key=KEY, doc_id=DOC, dpi=1200)
    mc = measure(copy.image, key=KEY, doc_id=DOC, dpi=1200)
    assert mo.decision is Decision.ORIGINAL, mo.reasons
    assert mc.decision is Decision.COPY, mc.reasons
    mt = measure(text.image, key=KEY, doc_id=DOC, dpi=1200)
    assert mt.decision is not Decision.ORIGINAL
    assert mo.score is not None
    assert mc.score is not None
    assert mo.score > mc.score
    for key in (
        "fidelity",
        "correlation",
        "confident_error_rate",
        "samples_per_dot",
        "registration_residual_dots",
        "blockiness",
        "contrast_vlines2",
        "tint_coverage",
        "scale_error",
    ):
        assert key in mo.measurements
    assert mo.measurements["samples_per_dot"] == pytest.approx(2.0, abs=0.05)
    # The wrong document id (another pattern) is not an original.
    wrong = measure(orig.image, key=KEY, doc_id=DOC + "9", dpi=1200)
    assert wrong.decision is not Decision.ORIGINAL


@pytest.mark.parametrize("dpi", [300, 600])
def test_low_resolution_is_inconclusive(dpi: int) -> None:
    res = simulate.print_scan(
        _page(), page_dpi=600, rng=3, oversample=2, scanner_dpi=dpi
    )
    m = measure(res.image, key=KEY, doc_id=DOC, dpi=dpi)
    assert m.decision is Decision.INCONCLUSIVE
    assert m.reasons[0] == (
        f"low-resolution: scan at {dpi} ppi; copy check needs >= 1200 ppi"
    )


def test_low_resolution_measured_without_dpi() -> None:
    res = simulate.photocopy(
        _page(), page_dpi=600, rng=4, oversample=2, scanner_dpi=600
    )
    m = measure(res.image, key=KEY, doc_id=DOC)
    assert m.decision is Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("low-resolution: scan at 6")


def test_two_dot_modules_at_600() -> None:
    page = _page(module_dots=2)
    res = simulate.print_scan(page, page_dpi=600, rng=5, oversample=2, scanner_dpi=600)
    m = measure(res.image, key=KEY, doc_id=DOC, dpi=600, module_dots=2)
    assert m.decision is Decision.ORIGINAL, m.reasons


def test_rotation_and_upside_down() -> None:
    res = simulate.print_scan(
        _page(), page_dpi=600, rng=6, oversample=2, scanner_dpi=1200
    )
    turned = np.ascontiguousarray(np.rot90(res.image, 2))
    h, w = res.image.shape
    rot = cv2.getRotationMatrix2D((w / 2, h / 2), 7.0, 1.0)
    tilted = np.asarray(
        cv2.warpAffine(res.image, rot, (w, h), borderValue=255), np.uint8
    )
    for img in (turned, tilted):
        m = measure(img, key=KEY, doc_id=DOC, dpi=1200)
        assert m.decision is Decision.ORIGINAL, m.reasons


def test_scale_mismatch_gate() -> None:
    res = simulate.print_scan(
        _page(), page_dpi=600, rng=7, oversample=2, scanner_dpi=1200
    )
    m = measure(res.image, key=KEY, doc_id=DOC, dpi=1000)
    assert m.decision is Decision.INCONCLUSIVE
    assert any(r.startswith("scale-mismatch") for r in m.reasons)


def test_jpeg_blocks_copy_calls_only() -> None:
    from docsec.imaging import decode_image, encode_image

    page = _page()
    orig = simulate.print_scan(
        page, page_dpi=600, rng=8, oversample=2, scanner_dpi=1200
    )
    copy = simulate.photocopy(page, page_dpi=600, rng=8, oversample=2, scanner_dpi=1200)
    out = {}
    for name, res in (("orig", orig), ("copy", copy)):
        data = encode_image(res.image, format="JPEG", dpi=1200, jpeg_quality=10)
        out[name] = measure(decode_image(data).image, key=KEY, doc_id=DOC, dpi=1200)
    # JPEG removes detail: an original stays an original ...
    assert out["orig"].decision is Decision.ORIGINAL
    # ... but a low score under heavy JPEG is not blamed on the paper.
    assert out["copy"].decision is Decision.INCONCLUSIVE
    assert out["copy"].reasons[0].startswith("jpeg")
    assert out["copy"].measurements["blockiness"] > 1.4


def test_bgr_input() -> None:
    res = simulate.print_scan(
        _page(), page_dpi=600, rng=9, oversample=2, scanner_dpi=1200, color=True
    )
    assert res.image.ndim == 3
    m = measure(res.image, key=KEY, doc_id=DOC, dpi=1200)
    assert m.decision is Decision.ORIGINAL, m.reasons


# ------------------------------------------------------------------ via the seal geometry


def _seal_setup() -> tuple[
    np.ndarray, list[tuple[float, float]], tuple[int, int, int, int]
]:
    """A page with a fake 24-module symbol and the block placed right of it."""
    pat = make_pattern(KEY, DOC)
    module_dots = 12  # 0.508 mm seal modules at 600 dpi
    size = 24
    h, w = pat.image.shape
    page = np.full((h + 240, w + size * module_dots + 300), 255, np.uint8)
    sx, sy = 60, 120
    page[sy : sy + size * module_dots, sx : sx + size * module_dots] = 0
    bx = sx + size * module_dots + 48
    by = sy
    page[by : by + h, bx : bx + w] = pat.image
    region = (
        round((bx - sx) / module_dots * 10),
        0,
        round(w / module_dots * 10),
        round(h / module_dots * 10),
    )
    corners = [
        (float(sx), float(sy)),
        (float(sx + size * module_dots), float(sy)),
        (float(sx + size * module_dots), float(sy + size * module_dots)),
        (float(sx), float(sy + size * module_dots)),
    ]
    return page, corners, region


def test_measure_in_region() -> None:
    page, corners, region = _seal_setup()
    res = simulate.print_scan(
        page, page_dpi=600, rng=10, oversample=2, scanner_dpi=1200
    )
    img_corners = [
        tuple(
            float(v)
            for v in cv2.perspectiveTransform(
                np.array([[c]], np.float64), res.page_to_image
            )[0, 0]
        )
        for c in corners
    ]
    m = measure_in_region(
        res.image,
        corners=img_corners,  # type: ignore[arg-type]
        symbol_size=24,
        region=region,
        key=[OTHER, KEY],
        key_id=KEY.key_id,
        doc_id=DOC,
    )
    assert m.decision is Decision.ORIGINAL, m.reasons
    assert m.key_id == KEY.key_id
    # The seal's own Region object is accepted as well.
    m_region = measure_in_region(
        res.image,
        corners=img_corners,  # type: ignore[arg-type]
        symbol_size=24,
        region=Region(*region),
        key=KEY,
        doc_id=DOC,
    )
    assert m_region.decision is Decision.ORIGINAL
    # A key id the verifier does not hold: inconclusive, never a failure.
    m2 = measure_in_region(
        res.image,
        corners=img_corners,  # type: ignore[arg-type]
        symbol_size=24,
        region=region,
        key=[OTHER],
        key_id=KEY.key_id,
        doc_id=DOC,
    )
    assert m2.decision is Decision.INCONCLUSIVE
    assert m2.reasons[0].startswith("no-key")
    with pytest.raises(InputError):
        measure_in_region(
            res.image,
            corners=[(0, 0)],
            symbol_size=24,
            region=region,
            key=KEY,
            doc_id=DOC,
        )


# ------------------------------------------------------------------ pantograph


def test_pantograph_shows_on_copy() -> None:
    pan = copydetect.make_pantograph("COPY", size_mm=(40.0, 15.0))
    assert pan.image.shape == pan.mask.shape
    assert pan.mask.any()
    ink = pan.image == 0
    assert 0.03 < float(ink[~pan.mask].mean()) < float(ink[pan.mask].mean()) < 0.08
    page = np.full((pan.image.shape[0] + 240, pan.image.shape[1] + 240), 255, np.uint8)
    page[120:-120, 120:-120] = pan.image
    to_page = np.array([[1.0, 0, 120], [0, 1.0, 120], [0, 0, 1]])
    diffs = []
    for seed in (0, 1):
        orig = simulate.print_scan(page, page_dpi=600, rng=seed, scanner_dpi=600)
        copy = simulate.photocopy(page, page_dpi=600, rng=seed, scanner_dpi=600)
        co = copydetect.measure_pantograph(
            orig.image, pan, pantograph_to_image=orig.page_to_image @ to_page
        )
        cc = copydetect.measure_pantograph(
            copy.image, pan, pantograph_to_image=copy.page_to_image @ to_page
        )
        # About balanced on the original; the word darkens on a text-mode copy.
        assert abs(co["word_contrast"]) < 0.02
        diffs.append(cc["word_contrast"] - co["word_contrast"])
    assert float(np.mean(diffs)) > 0.005


def test_pantograph_mask_and_errors() -> None:
    mask = np.zeros((60, 200), bool)
    mask[20:40, 50:150] = True
    pan = copydetect.make_pantograph(mask=mask)
    assert np.array_equal(pan.mask, mask)
    with pytest.raises(InputError):
        copydetect.make_pantograph("사본")
    with pytest.raises(InputError):
        copydetect.make_pantograph(mask=np.zeros((10, 10), np.uint8))
