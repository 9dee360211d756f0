"""Per-installation copy profiles: they tighten, never loosen, and refuse bad input.

benchmarks/bench_copydetect_calibrate.py reports before/after tables over many
installations; this checks the rules and a small simulated sample (seeds 3500+).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from docsec import copydetect, imaging, simulate
from docsec.copydetect import CopyProfile, Decision, Measurement, calibrate
from docsec.errors import ConfigurationError, InputError
from docsec_cli.main import cli

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import bench_copydetect_calibrate as bench
from bench_copydetect import _KEY, _page

DEFAULT_LOW, DEFAULT_HIGH = copydetect.default_thresholds(1, "2x")


def _m(
    score: float, decision: Decision = Decision.ORIGINAL, spd: float = 2.0
) -> Measurement:
    return Measurement(
        decision,
        ("high-fidelity: x",),
        score,
        (DEFAULT_LOW, DEFAULT_HIGH),
        {"samples_per_dot": spd, "samples_per_module": spd, "effective_ppi": 600 * spd},
    )


def _profile(scores: tuple[float, ...] = (0.90, 0.91, 0.92, 0.90, 0.93)) -> CopyProfile:
    return calibrate([_m(s) for s in scores], printer="counter 1", scanner="flatbed")


def test_calibrate_tightens_towards_the_originals() -> None:
    p = _profile()
    low, high = p.thresholds()
    assert DEFAULT_LOW < low <= min(p.fidelities) - 0.10
    assert low <= DEFAULT_HIGH - 0.05  # an inconclusive band remains
    assert high == DEFAULT_HIGH  # ORIGINAL is never made easier


def test_wide_originals_leave_the_default() -> None:
    p = _profile((0.73, 0.99, 0.74, 0.98, 0.75))
    assert p.thresholds()[0] == DEFAULT_LOW


def test_refuses_too_few_or_non_original_or_mixed_scans() -> None:
    with pytest.raises(InputError, match="at least 5"):
        calibrate([_m(0.9)] * 4, printer="p", scanner="s")
    scans = [_m(0.9)] * 4 + [_m(0.5, Decision.INCONCLUSIVE)]
    with pytest.raises(InputError, match="scan 5: inconclusive"):
        calibrate(scans, printer="p", scanner="s")
    with pytest.raises(InputError, match="mix"):
        calibrate([_m(0.9)] * 4 + [_m(0.9, spd=4.0)], printer="p", scanner="s")


def test_profile_file_round_trips_and_detects_edits() -> None:
    p = _profile()
    text = p.to_json()
    doc = json.loads(text)
    assert doc["format"] == "docsec-copy-profile"
    assert doc["version"] == 1
    assert doc["digest"].startswith("sha256:")
    assert doc["originals"]["n"] == 5
    assert CopyProfile.from_json(text) == p
    doc["thresholds"]["copy_below"] = 0.2  # loosen it, by hand
    with pytest.raises(ConfigurationError, match="digest"):
        CopyProfile.from_json(json.dumps(doc))
    doc = json.loads(text)
    doc["version"] = 2
    with pytest.raises(ConfigurationError, match="version"):
        CopyProfile.from_json(json.dumps(doc))
    with pytest.raises(ConfigurationError, match="not JSON"):
        CopyProfile.from_json("{")
    with pytest.raises(ConfigurationError, match="not a docsec"):
        CopyProfile.from_json("[]")


def test_a_profile_can_never_loosen_the_default() -> None:
    fid = (0.9, 0.9, 0.9, 0.9, 0.9)
    for low, high in ((DEFAULT_LOW - 0.1, DEFAULT_HIGH), (0.5, DEFAULT_HIGH - 0.1)):
        with pytest.raises(ConfigurationError, match="only tighten"):
            CopyProfile("p", "s", 1, "2x", 1200.0, fid, low, high)
    with pytest.raises(ConfigurationError, match="below its own originals"):
        CopyProfile("p", "s", 1, "2x", 1200.0, (0.7,) * 5, 0.65, 0.99)


def _decide(
    score: float, profile: CopyProfile | None, ppi: float = 1200.0
) -> Measurement:
    v = {
        "samples_per_dot": ppi / 600,
        "effective_ppi": ppi,
        "registration_residual_dots": 0.1,
        "paper_level": 220.0,
        "ink_level": 40.0,
        "fidelity": score,
        "correlation": 0.6,
        "tint_coverage": 0.3,
        "phase_lock": 0.01,
        "blockiness": 1.0,
    }
    return copydetect._decide(
        v, module_dots=1, declared_dpi=ppi, key_id="k", profile=profile
    )


@pytest.mark.parametrize("score", [0.1, 0.3, 0.45, 0.6, 0.7, 0.75, 0.9, 0.99])
def test_profile_only_moves_inconclusive_to_copy(score: float) -> None:
    p = _profile()
    before = _decide(score, None).decision
    after = _decide(score, p).decision
    if before is Decision.COPY:
        assert after is Decision.COPY
    elif before is Decision.ORIGINAL:
        assert after is Decision.ORIGINAL
    else:
        assert after in (Decision.INCONCLUSIVE, Decision.COPY)
    if after is Decision.COPY and before is not Decision.COPY:
        assert _decide(score, p).reasons[0].startswith("profile-copy:")


def test_profile_for_another_resolution_is_not_applied() -> None:
    p = _profile()
    m = _decide(0.55, p, ppi=2400.0)
    assert m.decision is Decision.INCONCLUSIVE
    assert any(r.startswith("profile-mismatch:") for r in m.reasons)


@pytest.fixture(scope="module")
def counter_scans() -> dict[str, list[object]]:
    # One simulated counter installation (a good laser, a fixed flatbed).
    out: dict[str, list[object]] = {"calib": [], "orig": [], "text": []}
    for seed in range(3500, 3505):
        out["calib"].append(bench.run_one((1, "orig", seed))["m"])
    out["orig"].append(bench.run_one((1, "orig", 3510))["m"])
    for seed in (3520, 3521, 3522):
        out["text"].append(bench.run_one((1, "copy:text", seed)))
    return out


def test_simulated_counter_profile_decides_more_copies(counter_scans) -> None:  # type: ignore[no-untyped-def]
    p = calibrate(counter_scans["calib"], printer="laser", scanner="flatbed")
    assert p.thresholds()[0] > DEFAULT_LOW
    fresh = counter_scans["orig"][0]
    assert fresh.decision is Decision.ORIGINAL
    assert bench._redecide(fresh, p) == "original"
    before = [r["m"].decision.value for r in counter_scans["text"]]
    after = [bench._redecide(r["m"], p) for r in counter_scans["text"]]
    assert "original" not in after
    assert after.count("copy") >= before.count("copy")
    assert after.count("copy") == 3, (before, after, p.thresholds())
    # measure(profile=...) on the image itself: the same decision.
    _n, printer, scanner = bench.installation(1)
    page = _page("CAL001PROF", 1)
    copy = simulate.photocopy(
        page,
        page_dpi=600,
        rng=3523,
        printer=printer,
        oversample=2,
        mode="text",
        scanner=scanner,
    )
    plain = copydetect.measure(copy.image, key=_KEY, doc_id="CAL001PROF", dpi=1200)
    tight = copydetect.measure(
        copy.image, key=_KEY, doc_id="CAL001PROF", dpi=1200, profile=p
    )
    assert tight.decision.value == bench._redecide(plain, p)
    assert tight.decision is not Decision.ORIGINAL


def test_cli_calibrate_writes_a_profile_and_refuses_copies(tmp_path: Path) -> None:
    key_path = tmp_path / "cdp.key"
    from docsec.keys import save_secret_key

    save_secret_key(key_path, _KEY)
    doc = "CLICAL0001"
    page = _page(doc, 1)
    _n, printer, scanner = bench.installation(1)
    paths = []
    for seed in range(3530, 3535):
        res = simulate.print_scan(
            page, page_dpi=600, rng=seed, printer=printer, oversample=2, scanner=scanner
        )
        path = tmp_path / f"o{seed}.png"
        imaging.write_image(path, res.image, dpi=res.dpi)
        paths.append(str(path))
    out = tmp_path / "profile.json"
    base = ["copydetect", "calibrate", "--key", str(key_path), "--doc-id", doc]
    base += ["--printer", "counter laser", "--scanner", "flatbed 1200"]
    r = CliRunner().invoke(cli, [*base, *paths, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "wrote profile.json: 5 originals" in r.stdout
    prof = copydetect.load_profile(out)
    assert prof.printer == "counter laser"
    r = CliRunner().invoke(cli, [*base, *paths[:3], "--out", str(out)])
    assert r.exit_code == 4
    assert "at least 5" in r.stderr
