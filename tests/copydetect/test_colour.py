"""Colour evidence: colour scans of originals stay neutral, colour copies do not.

benchmarks/bench_copydetect_colour.py reports the full tables; this guards a small
sample (seeds 3400+, used by neither the fit nor the report).
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import numpy as np
import pytest

from docsec import copydetect, simulate
from docsec.copydetect import _decide
from docsec.copydetect._features import colour_features
from docsec.copydetect._thresholds import COLOUR, CONFIRM, THRESHOLDS
from docsec.errors import ConfigurationError
from docsec.imaging import to_gray
from docsec.simulate import CopierParams, PrinterParams, ScannerParams

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_copydetect_colour as bench

MIN_EXCESS = COLOUR["min_excess"]
PERIODIC = COLOUR["copy_periodic_above"]
_COPY_BELOW = THRESHOLDS[(1, "2x")]["copy_below"]


def test_black_only_page_prints_black_only_and_composite_prints_colour() -> None:
    page = np.full((64, 64), 255, np.uint8)
    page[16:48, 16:48] = 0
    k_only = simulate.print_page(page, dpi=600, rng=1, printer=PrinterParams())
    assert k_only.reflectance.ndim == 2  # neutral: one channel
    composite = PrinterParams(
        black_fraction=0.2, under_colour=1.0, plane_offsets_dots=(1, 0, 0, 1, -1, 0)
    )
    colour = simulate.print_page(page, dpi=600, rng=1, printer=composite)
    assert colour.reflectance.ndim == 3
    # Misregistered planes leave coloured fringes beside the black square.
    b, _g, r = (colour.reflectance[:, :, i] for i in range(3))
    assert float(np.abs(r - b).max()) > 0.2


@pytest.mark.parametrize(
    "bad",
    [
        {"black_fraction": 1.5},
        {"under_colour": -0.1},
        {"plane_offsets_dots": (1.0, 2.0)},
        {"plane_offsets_dots": (11.0, 0, 0, 0, 0, 0)},
    ],
)
def test_colour_print_parameters_are_checked(bad: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        PrinterParams(**bad)  # type: ignore[arg-type]


def test_colour_copier_scans_in_colour_and_prints_composite() -> None:
    cp = CopierParams.sample(np.random.default_rng(5), mode="color")
    assert cp.scanner.color
    assert cp.printer.under_colour == 1.0
    assert 0.0 <= cp.printer.black_fraction <= 0.5
    assert len(cp.printer.plane_offsets_dots) == 6
    assert max(abs(v) for v in cp.printer.plane_offsets_dots) <= 2.0


def _shifted(img: np.ndarray, dx: float) -> np.ndarray:
    import cv2

    m = np.array([[1.0, 0.0, dx], [0.0, 1.0, 0.0]])
    return np.asarray(
        cv2.warpAffine(img, m, img.shape[::-1], borderMode=cv2.BORDER_REFLECT),
        dtype=np.float64,
    )


def test_colour_features_explain_a_neutral_image_with_a_channel_shift() -> None:
    import cv2

    rng = np.random.default_rng(0)
    # The measurement's grid: 216 dots at 2 samples per dot (1-dot modules).
    y = cv2.GaussianBlur(rng.random((432, 432)), (0, 0), 0.7)
    y = (y - y.min()) / (y.max() - y.min())
    # A sub-pixel lateral aberration: red and blue move apart by 0.4 px.
    dark = np.stack([_shifted(y, -0.4), y, _shifted(y, 0.4)], axis=2)
    f = colour_features(dark, (0.0, 0.0, 0.0))
    assert f["colour_excess"] < 0.02
    assert 0.2 < f["colour_shift_px"] < 0.8
    # Three unrelated images (separate screens) are not one neutral image.
    other = np.stack(
        [cv2.GaussianBlur(rng.random((432, 432)), (0, 0), 0.7) for _ in range(3)],
        axis=2,
    )
    f = colour_features(other, (0.0, 0.0, 0.0))
    assert f["colour_excess"] > 0.3
    assert f["colour_periodic"] < PERIODIC  # random, not a screen
    # A halftone screen added to one channel: colour, and periodic.
    rr, cc = np.mgrid[0:432, 0:432]
    screen = 0.3 * np.cos(2 * np.pi * (rr * 0.97 + cc * 0.26) / 9.0)
    screened = dark.copy()
    screened[:, :, 2] += screen
    f = colour_features(screened, (0.0, 0.0, 0.0))
    assert f["colour_excess"] > MIN_EXCESS
    assert f["colour_periodic"] > PERIODIC


def _values(
    fidelity: float, excess: float | None, periodic: float = 0.5, **extra: float
) -> dict[str, float]:
    v = {
        "samples_per_dot": 2.0,
        "effective_ppi": 1200.0,
        "registration_residual_dots": 0.1,
        "paper_level": 220.0,
        "ink_level": 40.0,
        "fidelity": fidelity,
        "correlation": 0.6,
        "tint_coverage": 0.3,
        "phase_lock": 0.01,
        "blockiness": 1.0,
    }
    if excess is not None:
        v["colour_excess"] = excess
        v["colour_periodic"] = periodic
    v.update(extra)
    return v


def test_colour_moves_only_an_ambiguous_fidelity_to_copy() -> None:
    def decide(v: dict[str, float]) -> copydetect.Measurement:
        return _decide(v, module_dots=1, declared_dpi=1200.0, key_id="k")

    # Ambiguous fidelity: strong colour evidence decides COPY, weak does not.
    m = decide(_values(0.55, MIN_EXCESS + 0.05, PERIODIC + 0.05))
    assert m.decision is copydetect.Decision.COPY
    assert m.reasons[0].startswith("colour-copy:")
    for excess, periodic in ((MIN_EXCESS - 0.01, 0.9), (0.9, PERIODIC - 0.01)):
        m = decide(_values(0.55, excess, periodic))
        assert m.decision is copydetect.Decision.INCONCLUSIVE
    assert decide(_values(0.55, None)).decision is copydetect.Decision.INCONCLUSIVE
    # JPEG blocking or a coarse render: colour proves nothing.
    for extra in ({"blockiness": 1.6}, {"phase_lock": 0.2}):
        m = decide(_values(0.55, 0.9, **extra))
        assert m.decision is copydetect.Decision.INCONCLUSIVE
    # High fidelity: the colour evidence never touches ORIGINAL or its doubts.
    assert decide(_values(0.9, 0.9)).decision is copydetect.Decision.ORIGINAL
    # A gate (scaled print) still wins.
    m = decide(_values(0.55, 0.9, effective_ppi=1236.0, samples_per_dot=2.06))
    assert m.decision is copydetect.Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("scaled-print")


def test_grey_scan_keeps_the_grey_statistic() -> None:
    rec_page = bench._page("GREY000001", 1)
    res = simulate.print_scan(
        rec_page, page_dpi=600, rng=3400, oversample=2, scanner_dpi=1200, color=True
    )
    key = bench._KEY
    colour = copydetect.measure(res.image, key=key, doc_id="GREY000001", dpi=1200)
    grey = copydetect.measure(
        to_gray(res.image), key=key, doc_id="GREY000001", dpi=1200
    )
    assert "colour_excess" in colour.measurements
    assert "colour_excess" not in grey.measurements
    assert colour.score == grey.score
    assert colour.decision is grey.decision


@pytest.mark.parametrize(
    ("family", "source", "seed"),
    [
        ("fitted", "orig:laser:good", 3400),
        ("fitted", "orig:inkjet-rich", 3401),
        ("colour-widened", "orig:laser:worn", 3402),
        ("colour-widened", "orig:inkjet-rich", 3403),
    ],
)
def test_colour_scans_of_originals_are_never_copy(
    family: str, source: str, seed: int
) -> None:
    r = bench.run_one((family, source, seed))
    assert r["decision"] != "copy", r
    assert r["excess"] is not None
    assert float(r["periodic"]) < 0.75 * PERIODIC  # type: ignore[arg-type]


def test_scanner_fringes_on_an_original_are_not_a_copy() -> None:
    # A scanner with strong chromatic aberration and line misregistration (0.8 px,
    # past anything drawn) scanning a black-only print.
    page = bench._page("FRINGE0001", 1)
    sc = dataclasses.replace(
        ScannerParams.sample(np.random.default_rng(3410), dpi=1200.0, color=True),
        channel_shift_px=0.8,
        lateral_shift_px=-0.8,
    )
    res = simulate.print_scan(page, page_dpi=600, rng=3410, oversample=2, scanner=sc)
    m = copydetect.measure(res.image, key=bench._KEY, doc_id="FRINGE0001", dpi=1200)
    assert m.decision is copydetect.Decision.ORIGINAL
    assert m.measurements["colour_excess"] < 0.5 * MIN_EXCESS
    assert m.measurements["colour_shift_px"] > 0.5  # the fringes were seen
    # Blue and red each lie 0.8 px from green in x and in y, on opposite sides.
    v = m.measurements
    for name, sign in (("b", 1.0), ("r", -1.0)):
        assert v[f"colour_align_{name}_dx"] == pytest.approx(0.8 * sign, abs=0.2)
        assert v[f"colour_align_{name}_dy"] == pytest.approx(-0.8 * sign, abs=0.2)
    assert v["colour_misregistration_px"] == pytest.approx(0.8 * 2**0.5, abs=0.25)


@pytest.mark.parametrize("seed", [3420, 3421])
def test_colour_copies_show_composite_black(seed: int) -> None:
    r = bench.run_one(("fitted", "copy:color", seed))
    assert r["decision"] == "copy", r
    assert float(r["excess"]) > MIN_EXCESS  # type: ignore[arg-type]
    assert float(r["periodic"]) > PERIODIC  # type: ignore[arg-type]


def test_a_tinted_colour_scan_is_held_back_from_a_grey_copy_call() -> None:
    def decide(v: dict[str, float]) -> copydetect.Measurement:
        return _decide(v, module_dots=1, declared_dpi=1200.0, key_id="k")

    low = 0.30  # below copy_below
    # Colour under the black, no copier's screen: INCONCLUSIVE, not COPY.
    m = decide(_values(low, 0.15, 0.08))
    assert m.decision is copydetect.Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("colour-misregistered:")
    # Unmeasurable colour fails towards INCONCLUSIVE too.
    m = decide(_values(low, float("nan"), 0.08))
    assert m.decision is copydetect.Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("colour-misregistered:")
    # However low the fidelity: rich-black originals reach copies' fidelities.
    m = decide(_values(0.01, 0.15, 0.08))
    assert m.decision is copydetect.Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("colour-misregistered:")
    # A copier's screen: the colour rule's COPY stands at any low fidelity.
    m = decide(_values(low, 0.15, 0.5))
    assert m.decision is copydetect.Decision.COPY
    assert m.reasons[0].startswith("colour-copy:")
    # Neutral colour scans and grey scans keep the grey statistic (with its
    # two-level rule: a copier's screen in the residual confirms the COPY).
    for excess in (0.5 * MIN_EXCESS, None):
        m = decide(_values(low, excess, 0.08, residual_screen=0.5))
        assert m.decision is copydetect.Decision.COPY
        assert m.reasons[0].startswith("copy-screen:")
        m = decide(_values(0.03, excess, 0.08))
        assert m.decision is copydetect.Decision.COPY
        assert m.reasons[0].startswith("low-fidelity:")


@pytest.mark.parametrize("seed", [3430, 3432])
def test_all_widened_rich_black_original_is_not_called_copy(seed: int) -> None:
    # Rich black with misregistered planes, every channel parameter widened: the
    # fidelity falls below copy_below, where the grey statistic alone used to call
    # these originals COPY. In colour the colour rule holds them; in grey the
    # two-level rule does (no copier's screen in the residual).
    r = bench.run_one(("all-widened", "orig:inkjet-rich", seed))
    assert float(r["grey_only_score"]) <= _COPY_BELOW, r  # type: ignore[arg-type]
    assert r["grey_only"] == "inconclusive", r
    assert r["grey_reason"] == "copy-unconfirmed", r
    assert float(r["screen"]) < 0.75 * CONFIRM["screen_above"], r  # type: ignore[arg-type]
    assert r["decision"] == "inconclusive", r
    assert r["reason"] == "colour-misregistered", r


@pytest.mark.parametrize(
    ("source", "seed", "reason"),
    [
        ("copy:color", 3450, "colour-copy"),
        ("copy:color", 3451, "colour-copy"),
    ],
)
def test_all_widened_colour_copies_are_still_caught(
    source: str, seed: int, reason: str
) -> None:
    # A colour copier's screens: the colour rule calls COPY at any low fidelity.
    r = bench.run_one(("all-widened", source, seed))
    assert float(r["excess"]) >= MIN_EXCESS, r  # type: ignore[arg-type]
    assert float(r["periodic"]) >= PERIODIC, r  # type: ignore[arg-type]
    assert r["decision"] == "copy", r
    assert r["reason"] == reason, r


def test_a_flooded_original_is_not_called_copy() -> None:
    # All-widened rich-black inkjet, seed 408 (found on the fresh report seeds):
    # the ink spread closed every gap and the pattern printed as a solid block
    # (coverage 0.998, no colour left to see). Its fidelity (0.02) is far below
    # every copy threshold; a solid block keeps nothing a copy would lose:
    # INCONCLUSIVE, in colour and in grey.
    r = bench.run_one(("all-widened", "orig:inkjet-rich", 408))
    assert float(r["grey_only_score"]) < 0.1, r  # type: ignore[arg-type]
    assert r["grey_only"] == "inconclusive", r
    assert float(r["coverage"]) >= 0.99, r  # type: ignore[arg-type]
    assert r["decision"] == "inconclusive", r
    assert r["reason"] == "pattern-flooded", r


def test_the_flooded_gate_spares_ordinary_copies() -> None:
    # A text-mode office copy keeps some structure (coverage below the gate) and is
    # still called COPY.
    r = bench.run_one(("fitted", "copy:photo", 3450))
    assert float(r["coverage"]) < 0.99, r  # type: ignore[arg-type]
    assert r["decision"] == "copy", r
