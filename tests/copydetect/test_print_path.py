"""The pattern survives every print path: renderers, render resolution, scale.

Issued PDFs are rendered by many programs before a printer sees them. The
pattern is drawn as vector rectangles on a page snapped to whole printer dots, so
every renderer fills exact pixels at 600 and 1200 dpi; where a print path cannot
keep the dots (a 300-dpi render, "fit to page"), the copy check must answer
INCONCLUSIVE, never COPY. Seeds 3100+ are neither fit nor benchmark seeds.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from docsec import copydetect, simulate
from docsec.copydetect import Decision
from docsec.keys import SecretKey

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
import bench_copydetect as bench  # noqa: E402

KEY = SecretKey.from_material("cdp", bytes(range(32)))
EXTERNAL = ("pdftoppm", "pdftocairo", "mutool", "gs")


def _need(renderer: str) -> None:
    if renderer != "pdfium" and shutil.which(renderer) is None:
        pytest.skip(f"{renderer} is not installed (make setup installs it)")


def _located(img: np.ndarray, ref: np.ndarray) -> np.ndarray:
    res = cv2.matchTemplate(img, ref, cv2.TM_SQDIFF)
    _mn, _mx, (x, y), _ = cv2.minMaxLoc(res)
    return img[y : y + ref.shape[0], x : x + ref.shape[1]]


@pytest.mark.parametrize("renderer", ["pdfium", "pdftocairo", "gs"])
@pytest.mark.parametrize("dpi", [600, 1200])
def test_exact_pixels_from_the_renderers(renderer: str, dpi: int) -> None:
    _need(renderer)
    gen = np.random.default_rng(3100)
    data = bench._page_pdf("T3100", 1, gen)
    pat = copydetect.make_pattern(KEY, "T3100").image
    k = dpi // 600
    ref = np.repeat(np.repeat(pat, k, axis=0), k, axis=1)
    crop = _located(bench.render(data, renderer, dpi), ref)
    assert np.array_equal(crop, ref)


@pytest.mark.parametrize("renderer", ["pdftoppm", "mutool"])
def test_anti_aliasing_renderers_keep_every_dot(renderer: str) -> None:
    # poppler's Splash and MuPDF add a faint halo next to ink (5-15 % coverage on
    # paper pixels) but every dot is where it belongs.
    _need(renderer)
    data = bench._page_pdf("T3101", 1, np.random.default_rng(3101))
    pat = copydetect.make_pattern(KEY, "T3101").image
    crop = _located(bench.render(data, renderer, 600), pat)
    assert np.array_equal(crop < 128, pat < 128)
    assert int(crop[pat < 128].max()) == 0


def test_page_box_is_whole_dots() -> None:
    data = bench._page_pdf("T3102", 1, np.random.default_rng(3102))
    with pikepdf.open(__import__("io").BytesIO(data)) as doc:
        x0, y0, x1, y1 = (float(v) for v in doc.pages[0].mediabox)
        assert [float(v) for v in doc.pages[0].cropbox] == [x0, y0, x1, y1]
    for size in (x1 - x0, y1 - y0):
        dots = size / (72 / 600)
        assert abs(dots - round(dots)) < 1e-3
        assert round(dots) % 2 == 0  # whole pixels at 300 dpi too


def _print_measure(
    raster: np.ndarray, page_dpi: float, seed: int, doc: str, dpi: float | None
) -> copydetect.Measurement:
    kind, quality = bench.PRINTERS[seed % 4]
    res = simulate.print_scan(
        raster,
        page_dpi=page_dpi,
        rng=seed,
        printer=kind,  # type: ignore[arg-type]  # from PRINTERS
        quality=quality,  # type: ignore[arg-type]  # from PRINTERS
        scanner_dpi=1200,
        oversample=2,
    )
    return copydetect.measure(res.image, key=KEY, doc_id=doc, dpi=dpi)


@pytest.mark.parametrize("seed", [3110, 3111])
def test_fit_to_page_is_inconclusive_not_copy(seed: int) -> None:
    doc = f"T{seed}"
    data = bench._page_pdf(doc, 1, np.random.default_rng(seed))
    raster = bench.render(data, "pdfium", 600 * 0.97)
    for declared in (1200.0, None):
        m = _print_measure(raster, 600, seed, doc, declared)
        assert m.decision is Decision.INCONCLUSIVE, m.reasons
        assert m.reasons[0].startswith("scaled-print")


@pytest.mark.parametrize("seed", [3112, 3113])
def test_a_300_dpi_render_is_inconclusive_not_copy(seed: int) -> None:
    doc = f"T{seed}"
    data = bench._page_pdf(doc, 1, np.random.default_rng(seed))
    raster = bench.render(data, "pdfium", 300)
    m = _print_measure(raster, 300, seed, doc, 1200.0)
    assert m.decision is Decision.INCONCLUSIVE, m.reasons
    assert m.reasons[0].startswith("coarse-render")


@pytest.mark.parametrize("renderer", ["pdftoppm", "gs"])
def test_renders_at_600_and_1200_are_originals(renderer: str) -> None:
    _need(renderer)
    for seed, dpi in ((3120, 600), (3121, 1200)):
        doc = f"T{seed}"
        data = bench._page_pdf(doc, 1, np.random.default_rng(seed))
        raster = bench.driver_raster(bench.render(data, renderer, dpi), dpi)
        m = _print_measure(raster, dpi, seed, doc, 1200.0)
        assert m.decision is Decision.ORIGINAL, (seed, m.reasons)


@pytest.mark.slow
@pytest.mark.parametrize("capture", ["flatbed1200", "flatbed2400"])
def test_print_path_many_seeds(capture: str) -> None:
    renderers = bench.renderers_available()
    assert set(EXTERNAL) <= set(renderers), "install mupdf-tools and ghostscript"
    rows = [
        bench.run_render((src, capture, seed, 1))
        for seed in range(3200, 3202)
        for src in bench.render_sources(renderers)
    ]
    assert not [r for r in rows if r["decision"] == "copy"]
    full = [r for r in rows if str(r["source"]).split(":")[3] == "1"]
    full_fine = [r for r in full if str(r["source"]).split(":")[2] != "300"]
    decided = np.mean([r["decision"] == "original" for r in full_fine])
    assert decided >= 0.9
