"""Copy detection under model uncertainty: shifted channel families, new copiers.

The thresholds in ``docsec.copydetect._thresholds`` were fitted on
``docsec.simulate``'s own parameter ranges (seeds 1000-1029). This benchmark
reports on families nobody fitted on, per family:

- *widened* channels, each parameter moved past its documented range: scanner
  optics (blurrier and sharper), printer dot gain and paper scattering, noise
  (scanner and toner grain), toner scatter (stray specks), tone curves (scanner
  gamma, black and white points), and all of them at once;
- copier pipelines the simulator lacks: a colour MFP in text mode that
  thresholds a sharp 600-dpi scan and reprints it (``mfp-threshold``); a scan at
  1200 dpi reprinted at 1200 dpi without binarising (``rescan-1200``); a
  descreened photo-mode copy reprinted with error diffusion (``descreen-ed``).

Every original and every copy goes through the shifted family (the copy's
original print and the final scan too). A family that cannot be separated must
give INCONCLUSIVE, never a wrong call: the table counts wrong calls with Wilson
95 % bounds and the share decided.

Usage::

    python benchmarks/bench_copydetect_shift.py --seeds 10 --workers 1
"""

from __future__ import annotations

import argparse
import dataclasses
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
from bench_copydetect import _KEY, PRINTERS, _page, wilson

FAMILIES = (
    "fitted",
    "optics-blur",
    "optics-sharp",
    "dot-gain",
    "noise",
    "toner-scatter",
    "tone-curve",
    "all-widened",
)
ORIGINALS = tuple(f"orig:{k}:{q}" for k, q in PRINTERS)
COPIES = ("copy:text", "copy:photo", "copy:mfp-threshold", "copy:rescan-1200")
COPIES += ("copy:descreen-ed",)
CAPTURE_DPI = 1200.0


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def shift_printer(
    p: PrinterParams, family: str, rng: np.random.Generator
) -> PrinterParams:
    """Move a printer's parameters out of their fitted ranges for ``family``."""
    ch: dict[str, object] = {}
    if family in ("dot-gain", "all-widened"):
        ch["dot_sigma_um"] = min(p.dot_sigma_um * _u(rng, 1.25, 1.6), 60.0)
        ch["paper_scatter_um"] = _u(rng, 55.0, 80.0)
    if family in ("noise", "all-widened"):
        ch["grain"] = min(p.grain * _u(rng, 2.0, 3.0), 1.0)
        ch["mottle"] = min(p.mottle * _u(rng, 1.5, 2.5), 0.3)
    if family in ("toner-scatter", "all-widened"):
        ch["scatter"] = min(p.scatter * _u(rng, 5.0, 10.0), 0.05)
    return dataclasses.replace(p, **ch) if ch else p  # type: ignore[arg-type]


def shift_scanner(
    s: ScannerParams, family: str, rng: np.random.Generator
) -> ScannerParams:
    """Move a scanner's parameters out of their fitted ranges for ``family``."""
    ch: dict[str, object] = {}
    if family in ("optics-blur", "all-widened"):
        ch["blur_um"] = _u(rng, 22.0, 32.0)
    if family == "optics-sharp":
        ch["blur_um"] = _u(rng, 4.0, 10.0)
        ch["sharpen"] = _u(rng, 0.8, 1.5)
    if family in ("noise", "all-widened"):
        ch["noise_dark"] = _u(rng, 2.0, 5.0)
        ch["noise_white"] = _u(rng, 1.5, 4.0)
    if family in ("tone-curve", "all-widened"):
        ch["gamma"] = _u(rng, 1.3, 1.8) if rng.random() < 0.5 else _u(rng, 2.4, 3.2)
        ch["black"] = _u(rng, 0.04, 0.12)
        ch["white"] = _u(rng, 0.85, 1.15)
    return dataclasses.replace(s, **ch) if ch else s  # type: ignore[arg-type]


def new_copier(kind: str, rng: np.random.Generator) -> CopierParams:
    """A copier pipeline the simulator does not draw by itself."""
    base = CopierParams.sample(rng, mode="text")
    if kind == "mfp-threshold":
        # Colour MFP, text mode: sharp 600-dpi scan, thresholded, own laser engine.
        scanner = dataclasses.replace(base.scanner, blur_um=_u(rng, 5.0, 10.0))
        return dataclasses.replace(
            base,
            scanner=scanner,
            white=_u(rng, 0.55, 0.7),
            black=_u(rng, 0.45, 0.55),
            gamma=1.0,
            sharpen=_u(rng, 0.5, 1.5),
            binarize=True,
        )
    if kind == "rescan-1200":
        scanner = dataclasses.replace(
            base.scanner, dpi=1200.0, blur_um=_u(rng, 8.0, 14.0)
        )
        printer = PrinterParams.sample(rng, kind="laser", quality="good", dpi=1200)
        return dataclasses.replace(
            base,
            mode="photo",
            scanner=scanner,
            printer=printer,
            white=_u(rng, 0.9, 1.0),
            black=_u(rng, 0.02, 0.08),
            gamma=_u(rng, 0.9, 1.1),
            sharpen=_u(rng, 0.3, 1.0),
        )
    if kind == "descreen-ed":
        # Photo mode, descreened, reprinted with dispersed dots (error diffusion;
        # the simulator's blue-noise mask stands in for it).
        printer = dataclasses.replace(base.printer, screen_lpi=0)
        return dataclasses.replace(
            base,
            mode="photo",
            printer=printer,
            white=_u(rng, 0.9, 1.0),
            black=_u(rng, 0.02, 0.08),
            gamma=_u(rng, 0.9, 1.2),
            sharpen=_u(rng, 0.0, 0.4),
            descreen_sigma_px=_u(rng, 0.8, 1.6),
        )
    raise ValueError(kind)


def run_one(args: tuple[str, str, int]) -> dict[str, object]:
    """Simulate and measure one document of a family; return its record."""
    family, source, seed = args
    doc_id = f"SHIFT{seed:06d}"
    page = _page(doc_id, 1)
    gen = np.random.default_rng([seed, 29])
    if source.startswith("orig:"):
        _o, kind, quality = source.split(":")
    else:
        kind, quality = PRINTERS[seed % 4]
    printer = PrinterParams.sample(gen, kind=kind, quality=quality)  # type: ignore[arg-type]
    scanner = ScannerParams.sample(gen, dpi=CAPTURE_DPI)
    if family != "fitted":
        printer = shift_printer(printer, family, gen)
        scanner = shift_scanner(scanner, family, gen)
    common: dict[str, object] = {
        "page_dpi": 600,
        "rng": seed,
        "printer": printer,
        "oversample": 2,
        "scanner": scanner,
    }
    if source.startswith("orig:"):
        res = simulate.print_scan(page, **common)  # type: ignore[arg-type]
    else:
        mode = source.split(":")[1]
        if mode in ("text", "photo"):
            copier = CopierParams.sample(gen, mode=mode)  # type: ignore[arg-type]
        else:
            copier = new_copier(mode, gen)
        if family != "fitted":
            copier = dataclasses.replace(
                copier, printer=shift_printer(copier.printer, family, gen)
            )
        res = simulate.photocopy(page, copier=copier, **common)  # type: ignore[arg-type]
    m = copydetect.measure(res.image, key=_KEY, doc_id=doc_id, dpi=CAPTURE_DPI)
    return {
        "family": family,
        "source": source,
        "seed": seed,
        "decision": m.decision.value,
        "score": m.score,
        "reason": m.reasons[0].split(":")[0] if m.reasons else "",
        "den": m.measurements.get("fidelity_denoised"),
        "noise": m.measurements.get("noise_var"),
    }


def report(rows: list[dict[str, object]]) -> None:
    """Print one table: family x source."""
    by: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        by[(str(r["family"]), str(r["source"]))].append(r)
        pooled = "orig:all" if str(r["source"]).startswith("orig") else "copy:all"
        by[(str(r["family"]), pooled)].append(r)
    print("\n## copy detection on shifted families, 1200 ppi, 1-dot modules\n")
    print(
        "| family | source | n | decided | wrong calls (95% CI) | fidelity median "
        "[min, max] | top reason |"
    )
    print("|---|---|---|---|---|---|---|")
    order = (*ORIGINALS, "orig:all", *COPIES, "copy:all")
    for fam in FAMILIES:
        for src in order:
            rs = by.get((fam, src))
            if not rs:
                continue
            n = len(rs)
            decided = sum(r["decision"] != "inconclusive" for r in rs)
            wrong_as = "copy" if src.startswith("orig") else "original"
            k = sum(r["decision"] == wrong_as for r in rs)
            lo, hi = wilson(k, n)
            sc = [float(r["score"]) for r in rs if r["score"] is not None]  # type: ignore[arg-type]
            fid = (
                f"{statistics.median(sc):.3f} [{min(sc):.3f}, {max(sc):.3f}]"
                if sc
                else "-"
            )
            reasons = [str(r["reason"]) for r in rs]
            top = max(set(reasons), key=reasons.count)
            label = "original->COPY" if wrong_as == "copy" else "copy->ORIGINAL"
            print(
                f"| {fam} | {src} | {n} | {decided / n:.0%} | {label} {k}/{n} "
                f"[{lo:.3f}, {hi:.3f}] | {fid} | {top} |"
            )


def main() -> None:
    """Parse options, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--time-cap", type=float, default=3600.0)
    ns = ap.parse_args()
    fams = tuple(f for f in ns.families.split(",") if f)
    jobs = [
        (f, s, ns.start + i)
        for i in range(ns.seeds)
        for f in fams
        for s in (*ORIGINALS, *COPIES)
    ]
    t0 = time.monotonic()
    rows: list[dict[str, object]] = []
    if ns.workers <= 1:
        for job in jobs:
            if time.monotonic() - t0 > ns.time_cap:
                print(f"# time cap after {len(rows)} of {len(jobs)}", file=sys.stderr)
                break
            rows.append(run_one(job))
    else:
        with ProcessPoolExecutor(ns.workers) as pool:
            rows = list(pool.map(run_one, jobs))
    print(
        f"# {len(rows)} runs, seeds {ns.start}..{ns.start + ns.seeds - 1}, "
        f"{time.monotonic() - t0:.0f} s"
    )
    report(rows)


if __name__ == "__main__":
    main()
