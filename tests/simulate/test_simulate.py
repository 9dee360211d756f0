"""Tests of the channel models in docsec.simulate.

Physical claims are checked as averages over seeds with margins; the slow variants
run more seeds. Timings are measured by benchmarks/bench_simulate.py, never here.
"""

from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pytest
import zxingcpp

from docsec import simulate
from docsec._simulate import _halftone as ht
from docsec.errors import ConfigurationError, InputError
from docsec.simulate import (
    CopierParams,
    PhoneParams,
    PrinterParams,
    ScannerParams,
    SimResult,
)

# A small phone frame keeps phone tests fast (the default is a 12 MP sensor).
SMALL_PHONE = PhoneParams(frame=(1000, 750), ppi=300.0)


def dot_pattern_page(
    seed: int, n: int = 160, margin: int = 96
) -> tuple[np.ndarray, np.ndarray, int]:
    """A white page with an n x n random 1-printer-dot binary pattern (600 dpi)."""
    rng = np.random.default_rng(10_000 + seed)
    pattern = rng.random((n, n)) < 0.5  # True = black dot
    page = np.full((n + 2 * margin, n + 2 * margin), 255, np.uint8)
    page[margin : margin + n, margin : margin + n] = np.where(pattern, 0, 255)
    return page, pattern, margin


def _above_nyquist_300(x: np.ndarray) -> np.ndarray:
    # Keep only spatial frequencies a 300 dpi scan cannot represent: |f| > 0.25
    # cycles per 600-dpi pixel along either axis (detail finer than two dots).
    spec = np.fft.fft2(x - x.mean())
    fy = np.abs(np.fft.fftfreq(x.shape[0]))[:, None]
    fx = np.abs(np.fft.fftfreq(x.shape[1]))[None, :]
    spec[np.maximum(fx, fy) <= 0.25] = 0
    return np.real(np.fft.ifft2(spec))


def fine_detail_corr(
    result: SimResult, page: np.ndarray, pattern: np.ndarray, margin: int
) -> float:
    """Correlation of the sub-2-dot detail of the capture with that of the pattern.

    The capture is mapped back onto the page grid with its exact geometry.
    """
    aligned = result.to_page(page.shape).astype(np.float64)
    if aligned.ndim == 3:
        aligned = aligned.mean(axis=2)
    n, b = pattern.shape[0], 6
    a = aligned[margin + b : margin + n - b, margin + b : margin + n - b]
    p = -pattern[b : n - b, b : n - b].astype(np.float64)  # dark dots, low values
    ha, hp = _above_nyquist_300(a), _above_nyquist_300(p)
    return float(np.corrcoef(ha.ravel(), hp.ravel())[0, 1])


def datamatrix_page(seed: int) -> tuple[np.ndarray, bytes]:
    """A white page with a DataMatrix of 0.34 mm modules (8 px at 600 dpi)."""
    rng = np.random.default_rng(20_000 + seed)
    data = bytes(rng.integers(0, 256, 90, dtype=np.uint8))
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    img = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=8))
    page = np.full((img.shape[0] + 240, img.shape[1] + 240), 255, np.uint8)
    page[120 : 120 + img.shape[0], 120 : 120 + img.shape[1]] = img
    return page, data


def reads(image: np.ndarray, data: bytes) -> bool:
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.DataMatrix)
    return any(r.bytes == data for r in found)


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    p = np.full((240, 180), 255, np.uint8)
    p[40:120, 30:150] = 0
    p[150:200, 30:150] = 128
    return p


# ------------------------------------------------------------------ determinism


@pytest.mark.parametrize(
    "channel",
    [
        lambda pg, s: simulate.print_scan(pg, page_dpi=600, rng=s),
        lambda pg, s: simulate.print_scan(pg, page_dpi=600, rng=s, printer="inkjet"),
        lambda pg, s: simulate.photocopy(pg, page_dpi=600, rng=s),
        lambda pg, s: simulate.phone_capture(
            pg, page_dpi=600, rng=s, phone=SMALL_PHONE
        ),
    ],
    ids=["print-scan", "inkjet", "photocopy", "phone"],
)
def test_same_seed_same_output_other_seed_other_output(channel, page) -> None:
    a, b, c = channel(page, 5), channel(page, 5), channel(page, 6)
    assert np.array_equal(a.image, b.image)
    assert a.params == b.params
    assert not np.array_equal(a.image, c.image)


def test_generator_and_seed_are_equivalent_and_global_state_untouched(page) -> None:
    legacy = np.random.get_state()  # noqa: NPY002  (checking the legacy global state)
    a = simulate.print_scan(page, page_dpi=600, rng=11)
    b = simulate.print_scan(page, page_dpi=600, rng=np.random.default_rng(11))
    assert np.array_equal(a.image, b.image)
    after = np.random.get_state()  # noqa: NPY002
    assert legacy[0] == after[0]
    assert np.array_equal(legacy[1], after[1])


def test_building_blocks_are_deterministic(page) -> None:
    def run(seed: int) -> np.ndarray:
        rng = np.random.default_rng(seed)
        printed = simulate.print_page(page, dpi=600, rng=rng)
        copied = simulate.copy_page(printed, rng=rng)
        return simulate.scan(copied, rng=rng, dpi=300).image

    assert np.array_equal(run(3), run(3))


def test_input_is_not_modified(page) -> None:
    before = page.copy()
    printed = simulate.print_page(page, dpi=600, rng=1)
    refl = printed.reflectance.copy()
    simulate.scan(printed, rng=2)
    simulate.photograph(printed, rng=2, phone=SMALL_PHONE)
    simulate.copy_page(printed, rng=2)
    assert np.array_equal(page, before)
    assert np.array_equal(printed.reflectance, refl)


def test_same_seed_pairs_the_channels(page) -> None:
    ps = simulate.print_scan(page, page_dpi=600, rng=8)
    pc = simulate.photocopy(page, page_dpi=600, rng=8)
    ph = simulate.phone_capture(page, page_dpi=600, rng=8, phone=SMALL_PHONE)
    assert ps.params["printer"] == pc.params["printer"] == ph.params["printer"]
    assert ps.params["scanner"] == pc.params["scanner"]


# ------------------------------------------------------------------ sizes, dpi, types


@pytest.mark.parametrize("scan_dpi", [300, 600, 1200])
def test_scan_size_dtype_and_dpi(page, scan_dpi) -> None:
    res = simulate.print_scan(page, page_dpi=600, rng=1, scanner_dpi=scan_dpi)
    h, w = page.shape
    assert res.image.shape == (round(h * scan_dpi / 600), round(w * scan_dpi / 600))
    assert res.image.dtype == np.uint8
    assert res.dpi == float(scan_dpi)
    assert res.jpeg is None
    assert set(res.params) == {"printer", "scanner"}


def test_page_dpi_sets_paper_size(page) -> None:
    # The same pixels declared at 300 dpi are a sheet twice as large.
    res = simulate.print_scan(page, page_dpi=300, rng=1, scanner_dpi=600)
    assert res.image.shape == (page.shape[0] * 2, page.shape[1] * 2)


def test_color_scan_and_jpeg(page) -> None:
    res = simulate.print_scan(page, page_dpi=600, rng=2, color=True, jpeg_quality=80)
    assert res.image.shape == (*page.shape, 3)
    assert res.jpeg is not None
    from docsec.imaging import decode_image

    loaded = decode_image(res.jpeg)
    assert loaded.dpi == (600.0, 600.0)
    assert loaded.format == "JPEG"
    assert np.array_equal(loaded.image, res.image)


def test_color_page_prints_in_color() -> None:
    page = np.full((200, 200, 3), 255, np.uint8)
    page[50:150, 50:150] = (40, 40, 220)  # BGR: red
    res = simulate.print_scan(page, page_dpi=600, rng=3, color=True)
    patch = res.to_page((200, 200))[70:130, 70:130].reshape(-1, 3).mean(axis=0)
    b, g, r = patch
    assert r > g + 60
    assert r > b + 60


def test_gray_bgr_page_prints_like_gray(page) -> None:
    bgr = np.repeat(page[:, :, None], 3, axis=2)
    a = simulate.print_scan(page, page_dpi=600, rng=4)
    b = simulate.print_scan(bgr, page_dpi=600, rng=4)
    assert np.array_equal(a.image, b.image)


def test_phone_frame_orientation_and_dpi() -> None:
    portrait = np.full((400, 300), 255, np.uint8)
    landscape = np.full((300, 400), 255, np.uint8)
    p = simulate.phone_capture(portrait, page_dpi=600, rng=1, phone=SMALL_PHONE)
    q = simulate.phone_capture(landscape, page_dpi=600, rng=1, phone=SMALL_PHONE)
    assert p.image.shape == (1000, 750, 3)
    assert q.image.shape == (750, 1000, 3)
    assert p.jpeg is not None
    assert 250 < p.dpi <= 300.5  # the aim point is seen at ppi (less when tilted)


def test_oversample_keeps_output_size(page) -> None:
    a = simulate.print_scan(page, page_dpi=600, rng=1, oversample=2)
    assert a.image.shape == page.shape
    printed = simulate.print_page(page, dpi=600, rng=1, oversample=2)
    assert printed.reflectance.shape == (page.shape[0] * 2, page.shape[1] * 2)
    assert printed.dpi == 1200.0


# ------------------------------------------------------------------ geometry


def _dark_centroid(image: np.ndarray, box: tuple[int, int, int, int]) -> np.ndarray:
    r0, r1, c0, c1 = box
    sub = 255.0 - image[r0:r1, c0:c1].astype(np.float64)
    if sub.ndim == 3:
        sub = sub.mean(axis=2)
    sub = np.where(sub > sub.max() / 2, sub, 0.0)
    rr, cc = np.mgrid[r0:r1, c0:c1]
    return np.array([(cc * sub).sum() / sub.sum(), (rr * sub).sum() / sub.sum()])


@pytest.mark.parametrize(
    "channel",
    [
        lambda pg: simulate.print_scan(pg, page_dpi=600, rng=4, scanner_dpi=300),
        lambda pg: simulate.print_scan(pg, page_dpi=600, rng=5, scanner_dpi=1200),
        lambda pg: simulate.photocopy(pg, page_dpi=600, rng=6),
        lambda pg: simulate.phone_capture(pg, page_dpi=600, rng=7, phone=SMALL_PHONE),
    ],
    ids=["scan300", "scan1200", "photocopy", "phone"],
)
def test_page_to_image_is_the_true_geometry(channel) -> None:
    # Offsets of print, copier and scanner add up to several mm: keep the marks
    # well inside the sheet.
    page = np.full((900, 800), 255, np.uint8)
    centres = [(260, 250), (540, 260), (250, 640), (560, 650)]  # (x, y)
    for x, y in centres:
        page[y - 12 : y + 12, x - 12 : x + 12] = 0
    res = channel(page)
    for x, y in centres:
        p = res.page_to_image @ np.array([x - 0.5, y - 0.5, 1.0])
        px, py = p[:2] / p[2]
        r = 24 * res.dpi / 600
        box = (int(py - r), int(py + r) + 1, int(px - r), int(px + r) + 1)
        found = _dark_centroid(res.image, box)
        assert np.hypot(*(found - (px, py))) < 0.5 + 0.25 * res.dpi / 600


def test_to_page_aligns_with_the_input() -> None:
    page = np.full((400, 300), 255, np.uint8)
    page[100:300, 50:250] = 0
    page[150:250, 100:200] = 255
    res = simulate.print_scan(page, page_dpi=600, rng=9, scanner_dpi=300)
    back = res.to_page(page.shape).astype(np.float64)
    inner = (slice(8, -8), slice(8, -8))
    assert np.corrcoef(back[inner].ravel(), page[inner].ravel())[0, 1] > 0.95
    assert res.page_to_image.flags.writeable is False


# ------------------------------------------------------------------ physics


def test_halftone_grey_coverage_is_linear_and_binary_passes_unchanged() -> None:
    for thr in (ht.clustered_dot(5, 5, 32), ht.blue_noise()):
        for v in (16, 64, 128, 192, 240):
            flat = np.full((256, 256), v, np.uint8)
            inked = ht.screen(flat, thr, (3, 7)).mean()
            assert abs(inked - (1 - v / 255)) < 0.01
        binary = np.where(np.random.default_rng(0).random((64, 64)) < 0.5, 0, 255)
        inked_b = ht.screen(binary.astype(np.uint8), thr, (0, 0))
        assert np.array_equal(inked_b, binary == 0)


@pytest.mark.parametrize("kind", ["laser", "inkjet"])
def test_dot_gain_is_in_the_published_range(kind) -> None:
    # Murray-Davies apparent coverage of a 50 % patch against paper and a solid:
    # office printers on plain paper show a tone value increase of roughly 10-30
    # points at 50 % (mechanical plus optical dot gain).
    page = np.full((256, 512), 0, np.uint8)
    page[:, :256] = 128
    tvis = []
    for seed in range(3):
        p = PrinterParams.sample(np.random.default_rng(seed), kind=kind)
        refl = simulate.print_page(page, dpi=600, rng=seed, printer=p).reflectance
        paper = p.paper_reflectance
        half = float(refl[32:-32, 32:224].mean()) / paper
        solid = float(refl[32:-32, 288:480].mean()) / paper
        tvis.append((1 - half) / (1 - solid) - 128 / 255)
    assert 0.05 < float(np.mean(tvis)) < 0.35, tvis


def test_solid_black_and_white_paper_levels(page) -> None:
    res = simulate.print_scan(page, page_dpi=600, rng=3)
    back = res.to_page(page.shape)
    assert back[60:100, 50:130].mean() < 90  # toner black (gamma-encoded)
    assert back[5:30, 5:170].mean() > 220  # paper


def _fine(channel, seeds) -> float:
    vals = []
    for s in seeds:
        page, pattern, m = dot_pattern_page(s)
        vals.append(fine_detail_corr(channel(page, s), page, pattern, m))
    return float(np.mean(vals))


def test_more_scanner_blur_never_raises_fine_detail() -> None:
    seeds = range(3)
    means = []
    for blur in (5.0, 15.0, 30.0, 60.0):
        scanner = dataclasses.replace(ScannerParams(), blur_um=blur)
        means.append(
            _fine(
                lambda pg, s, sc=scanner: simulate.print_scan(
                    pg, page_dpi=600, rng=s, scanner=sc
                ),
                seeds,
            )
        )
    assert all(a >= b for a, b in itertools.pairwise(means)), means
    assert means[0] > means[-1] + 0.2


def test_more_dot_spread_never_raises_fine_detail() -> None:
    seeds = range(3)
    means = []
    for spread in (10.0, 20.0, 35.0):
        printer = dataclasses.replace(PrinterParams(), dot_sigma_um=spread)
        means.append(
            _fine(
                lambda pg, s, pr=printer: simulate.print_scan(
                    pg, page_dpi=600, rng=s, printer=pr
                ),
                seeds,
            )
        )
    assert all(a >= b for a, b in itertools.pairwise(means)), means


def test_one_dot_detail_lost_at_300_partly_kept_at_1200() -> None:
    seeds = range(3)

    def at(dpi: int) -> float:
        return _fine(
            lambda pg, s: simulate.print_scan(pg, page_dpi=600, rng=s, scanner_dpi=dpi),
            seeds,
        )

    f300, f600, f1200 = at(300), at(600), at(1200)
    assert f300 < 0.3
    assert f1200 > 0.5
    assert f300 < f600 < f1200


def _copy_vs_original(seeds, scan_dpi: int) -> tuple[float, float]:
    orig = _fine(
        lambda pg, s: simulate.print_scan(
            pg, page_dpi=600, rng=s, scanner_dpi=scan_dpi
        ),
        seeds,
    )
    copy = _fine(
        lambda pg, s: simulate.photocopy(pg, page_dpi=600, rng=s, scanner_dpi=scan_dpi),
        seeds,
    )
    return orig, copy


def test_photocopy_degrades_one_dot_pattern_more_than_print_scan() -> None:
    orig, copy = _copy_vs_original(range(3), 1200)
    assert copy < orig - 0.2


@pytest.mark.slow
@pytest.mark.parametrize("scan_dpi", [600, 1200])
def test_photocopy_degrades_more_many_seeds(scan_dpi) -> None:
    orig, copy = _copy_vs_original(range(12), scan_dpi)
    assert copy < orig - 0.2


@pytest.mark.slow
def test_strong_copier_sits_between_original_and_office_copy() -> None:
    seeds = range(8)
    orig, office = _copy_vs_original(seeds, 1200)
    strong = _fine(
        lambda pg, s: simulate.photocopy(
            pg, page_dpi=600, rng=s, scanner_dpi=1200, strong=True
        ),
        seeds,
    )
    assert office < strong < orig


def test_datamatrix_survives_a_good_flatbed_scan() -> None:
    for seed in range(2):
        page, data = datamatrix_page(seed)
        for printer in ("laser", "inkjet"):
            for dpi in (300, 600):
                res = simulate.print_scan(
                    page, page_dpi=600, rng=seed, printer=printer, scanner_dpi=dpi
                )
                assert reads(res.image, data), (printer, dpi, seed)


@pytest.mark.slow
@pytest.mark.parametrize("printer", ["laser", "inkjet"])
@pytest.mark.parametrize("dpi", [300, 600])
def test_datamatrix_read_rate_many_seeds(printer, dpi) -> None:
    n = 20
    ok = 0
    for seed in range(n):
        page, data = datamatrix_page(seed)
        res = simulate.print_scan(
            page, page_dpi=600, rng=seed, printer=printer, scanner_dpi=dpi
        )
        ok += reads(res.image, data)
    assert ok / n >= 0.95


# ------------------------------------------------------------------ parameters


def test_sample_draws_documented_ranges() -> None:
    rng = np.random.default_rng(0)
    for _ in range(20):
        lg = PrinterParams.sample(rng, kind="laser", quality="good")
        assert 15 <= lg.dot_sigma_um <= 20
        assert lg.screen_lpi in (106, 133, 159)
        assert lg.streaks == 0
        iw = PrinterParams.sample(rng, kind="inkjet", quality="worn")
        assert iw.screen_lpi == 0
        assert 1 <= iw.streaks <= 6
        sc = ScannerParams.sample(rng, dpi=1200)
        assert sc.dpi == 1200
        assert 10 <= sc.blur_um <= 22
        assert abs(sc.skew_deg) <= 2.5
        ph = PhoneParams.sample(rng)
        assert 150 <= ph.ppi <= 330
        assert 80 <= ph.jpeg_quality <= 95
        cp = CopierParams.sample(rng, mode="photo")
        assert cp.mode == "photo"
        assert cp.descreen_sigma_px > 0
        strong = CopierParams.sample(rng, strong=True)
        assert strong.binarize
        assert strong.scanner.dpi == 1200
        assert strong.printer.dpi == 1200


def test_params_are_frozen_and_replaceable() -> None:
    p = PrinterParams()
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.dpi = 1200  # type: ignore[misc]
    q = dataclasses.replace(p, grain=0.0)
    assert q.grain == 0.0


def test_explicit_params_fix_every_value(page) -> None:
    printer = PrinterParams(kind="inkjet", screen_lpi=0, dot_sigma_um=22.0)
    scanner = ScannerParams(dpi=300, blur_um=12.0)
    res = simulate.print_scan(
        page, page_dpi=600, rng=1, printer=printer, scanner=scanner
    )
    assert res.params["printer"] is printer
    assert res.params["scanner"] is scanner
    d = res.params_dict()
    assert d["printer"]["dot_sigma_um"] == 22.0
    assert d["scanner"]["dpi"] == 300


@pytest.mark.parametrize(
    "bad",
    [
        {"dpi": 700},
        {"screen_lpi": 150},
        {"grain": -0.1},
        {"scale": (1.5, 1.0)},
        {"kind": "thermal"},
        {"paper_tint": (1.0, 1.0)},
    ],
)
def test_bad_printer_params_raise(bad) -> None:
    with pytest.raises(ConfigurationError):
        PrinterParams(**bad)


def test_bad_scanner_and_phone_params_raise() -> None:
    with pytest.raises(ConfigurationError):
        ScannerParams(jpeg_quality=0)
    with pytest.raises(ConfigurationError):
        ScannerParams(black=0.5, white=0.4)
    with pytest.raises(ConfigurationError):
        PhoneParams(frame=(100, 200))
    with pytest.raises(ConfigurationError):
        CopierParams(mode="fax")  # type: ignore[arg-type]


def test_phone_behind_camera_is_refused(page) -> None:
    close = PhoneParams(
        ppi=1900.0, focal_px=200.0, tilt_deg=(55.0, 0.0), frame=(400, 300)
    )
    with pytest.raises(ConfigurationError):
        simulate.phone_capture(page, page_dpi=600, rng=1, phone=close)


# ------------------------------------------------------------------ validation


def test_bad_inputs_raise_input_error(page) -> None:
    with pytest.raises(InputError):
        simulate.print_scan(page.astype(np.float32), page_dpi=600, rng=1)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        simulate.print_scan(page[:4, :4], page_dpi=600, rng=1)
    with pytest.raises(InputError):
        simulate.print_scan(page, page_dpi=0, rng=1)
    with pytest.raises(InputError):
        simulate.print_scan(page, page_dpi=float("nan"), rng=1)
    with pytest.raises(InputError):
        simulate.scan(page, rng=1)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        # 60 x 60 inches at 1200 dpi x 4: far above the pixel limit.
        simulate.print_page(
            np.full((600, 600), 255, np.uint8),
            dpi=10,
            rng=1,
            printer_dpi=1200,
            oversample=4,
        )


def test_bad_options_raise_configuration_error(page) -> None:
    with pytest.raises(ConfigurationError):
        simulate.print_scan(page, page_dpi=600, rng="seed")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        simulate.print_scan(page, page_dpi=600, rng=-1)
    with pytest.raises(ConfigurationError):
        simulate.print_scan(page, page_dpi=600, rng=1, printer="dotmatrix")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError):
        simulate.print_scan(page, page_dpi=600, rng=1, oversample=5)
    with pytest.raises(ConfigurationError):
        simulate.print_scan(
            page, page_dpi=600, rng=1, scanner=ScannerParams(), scanner_dpi=300
        )
    with pytest.raises(ConfigurationError):
        simulate.print_scan(
            page, page_dpi=600, rng=1, printer=PrinterParams(), quality="worn"
        )
    with pytest.raises(ConfigurationError):
        simulate.print_scan(page, page_dpi=600, rng=1, jpeg_quality=101)
    with pytest.raises(ConfigurationError):
        simulate.photocopy(
            page, page_dpi=600, rng=1, copier=CopierParams(), strong=True
        )
    with pytest.raises(ConfigurationError):
        simulate.photocopy(page, page_dpi=600, rng=1, mode="fax")  # type: ignore[arg-type]
    printed = simulate.print_page(page, dpi=600, rng=1)
    with pytest.raises(ConfigurationError):
        simulate.photograph(printed, rng=1, phone=SMALL_PHONE, ppi=200)


def test_to_page_rejects_empty_shape(page) -> None:
    res = simulate.print_scan(page, page_dpi=600, rng=1)
    with pytest.raises(InputError):
        res.to_page((0, 10))


def test_colour_copier_is_deterministic_and_misregistered() -> None:
    from docsec.simulate import CopierParams

    rng = np.random.default_rng(3)
    cp = CopierParams.sample(rng, mode="color")
    assert cp.mode == "color"
    assert 0.5 <= cp.misregistration_dots <= 2.0
    page = np.full((240, 240), 255, np.uint8)
    page[60:180, 60:180] = (np.random.default_rng(4).random((120, 120)) < 0.5) * 255
    a = simulate.photocopy(page, page_dpi=600, rng=7, mode="color", scanner_dpi=600)
    b = simulate.photocopy(page, page_dpi=600, rng=7, mode="color", scanner_dpi=600)
    assert np.array_equal(a.image, b.image)
    assert a.params["copier"].mode == "color"  # type: ignore[union-attr]
