"""The two-level COPY rule: low fidelity alone calls COPY only far below originals.

Between ``CONFIRM["copy_sure_below"]`` and ``copy_below`` a COPY needs a positive
marker, a copier's halftone screen in the residual (``residual_screen``); without
it the answer is INCONCLUSIVE (``copy-unconfirmed``). benchmarks/
bench_copydetect_colour.py reports the full tables; the simulated sample here
(seeds 3500+) is used by neither the fit (1000-1017) nor the report (700-711,
800-811).
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

from docsec import copydetect
from docsec.copydetect import _decide
from docsec.copydetect._features import screen_share
from docsec.copydetect._thresholds import CONFIRM, THRESHOLDS

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_copydetect_colour as bench

SURE = CONFIRM["copy_sure_below"]
SCREEN = CONFIRM["screen_above"]
COPY_BELOW = THRESHOLDS[(1, "2x")]["copy_below"]
Decision = copydetect.Decision


def _values(fidelity: float, **extra: float) -> dict[str, float]:
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
        "pattern_coverage": 0.6,
    }
    v.update(extra)
    return v


def _decide1(v: dict[str, float], module_dots: int = 1) -> copydetect.Measurement:
    return _decide(v, module_dots=module_dots, declared_dpi=1200.0, key_id="k")


def test_thresholds_leave_a_band() -> None:
    assert 0.0 < SURE < 0.5 * COPY_BELOW
    assert 0.0 < SCREEN < 1.0


def test_low_fidelity_alone_is_copy_only_below_the_sure_level() -> None:
    m = _decide1(_values(SURE - 0.01))
    assert m.decision is Decision.COPY
    assert m.reasons[0].startswith("low-fidelity:")
    # In the band, no screen (or none measured): INCONCLUSIVE, never COPY.
    for extra in ({"residual_screen": 0.5 * SCREEN}, {}, {"residual_screen": math.nan}):
        for fid in (SURE + 0.01, 0.5 * (SURE + COPY_BELOW), COPY_BELOW):
            m = _decide1(_values(fid, **extra))
            assert m.decision is Decision.INCONCLUSIVE, (fid, extra)
            assert m.reasons[0].startswith("copy-unconfirmed:"), m.reasons
    # In the band with a copier's screen: COPY.
    m = _decide1(_values(0.3, residual_screen=SCREEN))
    assert m.decision is Decision.COPY
    assert m.reasons[0].startswith("copy-screen:")


def test_the_marker_never_makes_an_original() -> None:
    # Above copy_below the marker is not consulted: ambiguous stays ambiguous,
    # and a screen does not help an ORIGINAL either way.
    m = _decide1(_values(0.6, residual_screen=0.9))
    assert m.decision is Decision.INCONCLUSIVE
    assert m.reasons[0].startswith("ambiguous:")
    m = _decide1(_values(0.6, residual_screen=0.0))
    assert m.decision is Decision.INCONCLUSIVE
    assert _decide1(_values(0.9, residual_screen=0.0)).decision is Decision.ORIGINAL
    # Gates, the coarse-render lock and JPEG still come first.
    for extra in (
        {"phase_lock": 0.2},
        {"blockiness": 1.6},
        {"pattern_coverage": 0.995},
    ):
        m = _decide1(_values(0.3, residual_screen=0.9, **extra))
        assert m.decision is Decision.INCONCLUSIVE, extra


def test_two_dot_modules_keep_the_single_threshold() -> None:
    # Not measured for 2-dot modules: their fitted copy_below decides alone.
    m = _decide1(_values(0.5, residual_screen=0.0, samples_per_dot=1.0), 2)
    assert m.decision is Decision.COPY
    assert m.reasons[0].startswith("low-fidelity:")


def test_screen_share_sees_a_screen_not_noise_or_feed_defects() -> None:
    rng = np.random.default_rng(3500)
    rr, cc = np.mgrid[0:432, 0:432]
    noise = rng.normal(0.0, 1.0, (432, 432))
    assert screen_share(noise) < 0.25 * SCREEN
    # A clustered-dot screen at 45 degrees (133 lpi on 1200 samples per inch):
    # its fundamentals lie on the diagonals.
    k = 2 * np.pi * 133.0 / 1200.0 / math.sqrt(2)
    screen = np.cos(k * (rr + cc)) + np.cos(k * (rr - cc))
    assert screen_share(noise + 1.5 * screen) > 2.0 * SCREEN
    # Banding across the feed and streaks along it lie on the frequency axes.
    banding = np.cos(2 * np.pi * rr / 9.0) + np.cos(2 * np.pi * cc / 7.0)
    assert screen_share(noise + 1.5 * banding) < 0.5 * SCREEN
    assert screen_share(np.zeros((64, 64))) == 0.0
    # Too small to tell a few frequencies from all of them: no screen.
    assert screen_share(rng.normal(0.0, 1.0, (6, 6))) == 0.0


@pytest.mark.parametrize(
    ("source", "seed"),
    [("orig:laser:worn", 3500), ("orig:laser:worn", 3501)],
)
def test_widened_worn_originals_show_no_screen(source: str, seed: int) -> None:
    r = bench.run_one(("all-widened", source, seed))
    assert r["grey_only"] != "copy", r
    assert r["decision"] != "copy", r
    assert float(r["screen"]) < 0.75 * SCREEN, r  # type: ignore[arg-type]
    assert float(r["grey_only_score"]) > 2.0 * SURE, r  # type: ignore[arg-type]


def test_a_screened_office_copy_is_still_copy() -> None:
    r = bench.run_one(("fitted", "copy:photo", 3500))
    assert r["grey_only"] == "copy", r
    assert r["grey_reason"] == "copy-screen", r
    assert float(r["screen"]) > 2.0 * SCREEN, r  # type: ignore[arg-type]


@pytest.mark.slow
@pytest.mark.parametrize("family", bench.FAMILIES)
def test_originals_are_never_copy_in_grey_or_colour(family: str) -> None:
    rows = [
        bench.run_one((family, src, seed))
        for seed in range(3510, 3516)
        for src in bench.ORIGINALS
    ]
    wrong = [r for r in rows if "copy" in (r["grey_only"], r["decision"])]
    assert wrong == []
    assert max(float(r["screen"]) for r in rows) < SCREEN  # type: ignore[arg-type]
