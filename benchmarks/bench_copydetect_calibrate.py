"""Per-installation calibration: copy decisions before and after a copy profile.

Each simulated counter installation is one printer (drawn once from a printer
class, then fixed) and one flatbed scanner at 1200 ppi (drawn once, fixed).
``docsec.copydetect.calibrate`` makes its profile from ``--calib`` genuine prints
(fit seeds, 1000 up); the report then uses fresh seeds (from 0): originals of
that printer, and copies of its prints by office copiers in text and photo mode
and by a colour MFP that thresholds a sharp scan (``mfp-threshold``), each
measured with the default thresholds and with the profile.

Usage::

    python benchmarks/bench_copydetect_calibrate.py --installations 8 --seeds 6
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from docsec import copydetect, simulate
from docsec.simulate import CopierParams, PrinterParams, ScannerParams

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_copydetect import _KEY, FIT_START, PRINTERS, _page, wilson
from bench_copydetect_shift import new_copier

SOURCES = ("orig", "copy:text", "copy:photo", "copy:mfp-threshold")
CAPTURE_DPI = 1200.0


def installation(i: int) -> tuple[str, PrinterParams, ScannerParams]:
    """The fixed printer and scanner of installation ``i``."""
    kind, quality = PRINTERS[i % 4]
    gen = np.random.default_rng([i, 53])
    printer = PrinterParams.sample(gen, kind=kind, quality=quality)  # type: ignore[arg-type]
    scanner = ScannerParams.sample(gen, dpi=CAPTURE_DPI)
    return f"{kind}:{quality}", printer, scanner


def run_one(args: tuple[int, str, int]) -> dict[str, object]:
    """Print (and copy) one document on installation ``inst``; measure it."""
    inst, source, seed = args
    _name, printer, scanner = installation(inst)
    doc_id = f"CAL{inst:03d}{seed:06d}"
    page = _page(doc_id, 1)
    common: dict[str, object] = {
        "page_dpi": 600,
        "rng": np.random.default_rng([seed, inst]),
        "printer": printer,
        "oversample": 2,
        "scanner": scanner,
    }
    if source == "orig":
        res = simulate.print_scan(page, **common)  # type: ignore[arg-type]
    else:
        gen = np.random.default_rng([seed, inst, 7])
        mode = source.split(":")[1]
        copier = (
            CopierParams.sample(gen, mode=mode)  # type: ignore[arg-type]
            if mode in ("text", "photo")
            else new_copier(mode, gen)
        )
        res = simulate.photocopy(page, copier=copier, **common)  # type: ignore[arg-type]
    m = copydetect.measure(res.image, key=_KEY, doc_id=doc_id, dpi=CAPTURE_DPI)
    return {"inst": inst, "source": source, "seed": seed, "m": m}


def main() -> None:
    """Calibrate each installation, then report before/after."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--installations", type=int, default=8)
    ap.add_argument("--calib", type=int, default=6)
    ap.add_argument("--seeds", type=int, default=6)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--workers", type=int, default=1)
    ns = ap.parse_args()
    t0 = time.monotonic()
    insts = range(ns.installations)
    calib_jobs = [(i, "orig", FIT_START + s) for i in insts for s in range(ns.calib)]
    jobs = [
        (i, src, ns.start + s)
        for i in insts
        for s in range(ns.seeds)
        for src in SOURCES
    ]
    with ProcessPoolExecutor(max(ns.workers, 1)) as pool:
        calib_rows = list(pool.map(run_one, calib_jobs))
        rows = list(pool.map(run_one, jobs))
    profiles: dict[int, copydetect.CopyProfile | str] = {}
    for i in insts:
        ms = [r["m"] for r in calib_rows if r["inst"] == i]
        try:
            profiles[i] = copydetect.calibrate(
                ms, printer=f"bench {i}", scanner="bench"
            )  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001  # reported in the table
            profiles[i] = f"refused: {str(exc).split(': ', 1)[-1][:90]}"
    print(
        f"# {len(calib_rows) + len(rows)} runs, {time.monotonic() - t0:.0f} s; "
        f"calibration seeds {FIT_START}..{FIT_START + ns.calib - 1}, report seeds "
        f"{ns.start}..{ns.start + ns.seeds - 1}"
    )
    print("\n## per installation\n")
    print(
        "| installation | printer | calibration originals fidelity | copy_below default -> profile |"
    )
    print("|---|---|---|---|")
    for i in insts:
        name, _p, _s = installation(i)
        prof = profiles[i]
        if isinstance(prof, str):
            print(f"| {i} | {name} | - | {prof} |")
            continue
        f = prof.fidelities
        d = copydetect.default_thresholds(1, prof.resolution_class)[0]
        print(
            f"| {i} | {name} | {statistics.fmean(f):.3f} [{min(f):.3f}, {max(f):.3f}] "
            f"| {d:.3f} -> {prof.thresholds()[0]:.3f} |"
        )
    # Re-decide each measurement with the profile: measure() is deterministic, so
    # measuring again with profile= gives exactly the profile's decision.
    agg: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for r in rows:
        prof = profiles[int(r["inst"])]  # type: ignore[call-overload]
        m = r["m"]
        before = m.decision.value  # type: ignore[attr-defined]
        after = before
        if not isinstance(prof, str):
            after = _redecide(m, prof)
        agg[str(r["source"])].append((before, after))
    print("\n## before / after the profile (fresh seeds)\n")
    print(
        "| source | n | COPY default | COPY with profile | ORIGINAL default / profile | originals called COPY with profile (95% CI) |"
    )
    print("|---|---|---|---|---|---|")
    for src in SOURCES:
        ps = agg[src]
        n = len(ps)
        cb = sum(b == "copy" for b, _ in ps)
        ca = sum(a == "copy" for _, a in ps)
        ob = sum(b == "original" for b, _ in ps)
        oa = sum(a == "original" for _, a in ps)
        wrong = "-"
        if src == "orig":
            lo, hi = wilson(ca, n)
            wrong = f"{ca}/{n} [{lo:.3f}, {hi:.3f}]"
        print(f"| {src} | {n} | {cb}/{n} | {ca}/{n} | {ob}/{n} / {oa}/{n} | {wrong} |")


def _redecide(m: copydetect.Measurement, prof: copydetect.CopyProfile) -> str:
    from docsec.copydetect import _decide

    values = dict(m.measurements)
    if "fidelity" not in values or "samples_per_dot" not in values:
        return m.decision.value
    again = _decide(
        values,
        module_dots=1,
        declared_dpi=CAPTURE_DPI,
        key_id=m.key_id or "",
        profile=prof,
    )
    return again.decision.value


if __name__ == "__main__":
    main()
