"""Colour evidence for copy detection: colour scans of originals and colour copies.

A black-only original scanned in colour stays neutral up to what the scanner does
to each channel (a fraction of a pixel of chromatic aberration or sensor-line
misregistration, colour noise); a colour copy prints the pattern's black as
composite cyan, magenta and yellow (plus some black) on separately screened,
misregistered planes, from a colour scan with its own fringes.
:func:`docsec.copydetect.measure` measures ``colour_excess`` on colour scans and
may turn an ambiguous fidelity into COPY with it (``colour-copy``), never the
other way. This benchmark reports, per channel family and source, how many
originals were called COPY (Wilson 95 % bounds) and how many copies were decided
with and without the colour evidence.

Families: ``fitted`` (docsec.simulate's own ranges), ``colour-widened`` (scanner
chromatic aberration and misregistration 0.25-0.8 px; rich-black inkjet
originals with 30-90 % C, M, Y under K misregistered by up to 0.6 dots; colour
copiers with 0-90 % black and plane offsets 0.2-2.5 dots, copier scan
misregistration 0-1 px) and ``all-widened`` (the grey widening of
bench_copydetect_shift.py on top of colour-widened). Sources: originals of the
four printer classes, rich-black inkjet originals, originals rendered from the
issued PDF by every installed renderer at 600 and 1200 dpi (fitted family), and
copies: the simulator's colour copier (photo mode), a colour copier in text mode
(``color-text``: text-mode tone processing, composite black) and office
black-and-white copies in text and photo mode, all scanned in colour at 1200 ppi.

Usage::

    python benchmarks/bench_copydetect_colour.py --seeds 12 --workers 2
    python benchmarks/bench_copydetect_colour.py --fit      # seeds 1000-1011
    python benchmarks/bench_copydetect_colour.py --fit-confirm  # 1000-1017
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import math
import statistics
import sys
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
from scipy.stats import beta

from docsec import copydetect, simulate
from docsec.copydetect._thresholds import COLOUR, CONFIRM
from docsec.imaging import to_gray
from docsec.simulate import CopierParams, PrinterParams, ScannerParams

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_copydetect import (
    _KEY,
    FIT_END,
    FIT_START,
    PRINTERS,
    _page,
    _page_pdf,
    driver_raster,
    render,
    renderers_available,
    wilson,
)
from bench_copydetect_shift import shift_printer, shift_scanner

FAMILIES = ("fitted", "colour-widened", "all-widened")
ORIGINALS = (*(f"orig:{k}:{q}" for k, q in PRINTERS), "orig:inkjet-rich")
COPIES = ("copy:color", "copy:color-text", "copy:text", "copy:photo")
CAPTURE_DPI = 1200.0


def _u(rng: np.random.Generator, lo: float, hi: float) -> float:
    return float(rng.uniform(lo, hi))


def _signed(rng: np.random.Generator, lo: float, hi: float) -> float:
    v = _u(rng, lo, hi)
    return v if rng.random() < 0.5 else -v


def colour_scanner(family: str, rng: np.random.Generator) -> ScannerParams:
    """A colour flatbed at 1200 ppi, its channel errors widened for the family."""
    sc = ScannerParams.sample(rng, dpi=CAPTURE_DPI, color=True)
    if family != "fitted":
        sc = dataclasses.replace(
            sc,
            channel_shift_px=_u(rng, 0.25, 0.8),
            lateral_shift_px=_signed(rng, 0.25, 0.8),
        )
    if family == "all-widened":
        sc = shift_scanner(sc, family, rng)
    return sc


def rich_black(
    p: PrinterParams, family: str, rng: np.random.Generator
) -> PrinterParams:
    """An inkjet that puts C, M, Y under its black ("rich black")."""
    hi, off = (0.6, 0.3) if family == "fitted" else (0.9, 0.6)
    return dataclasses.replace(
        p,
        under_colour=_u(rng, 0.3, hi),
        plane_offsets_dots=tuple(_u(rng, -off, off) for _ in range(6)),
    )


def colour_copier(kind: str, family: str, rng: np.random.Generator) -> CopierParams:
    """The simulator's colour copier, or its text-mode variant, widened."""
    cp = CopierParams.sample(rng, mode="color")
    if kind == "color-text":
        cp = dataclasses.replace(
            cp,
            white=_u(rng, 0.70, 0.85),
            black=_u(rng, 0.15, 0.30),
            gamma=_u(rng, 0.7, 1.0),
            sharpen=_u(rng, 0.5, 1.5),
            descreen_sigma_px=0.0,
        )
    if family != "fitted":
        mis = _u(rng, 0.2, 2.5)
        pr = dataclasses.replace(
            cp.printer,
            black_fraction=_u(rng, 0.0, 0.9),
            plane_offsets_dots=tuple(_u(rng, -mis, mis) for _ in range(6)),
        )
        sc = dataclasses.replace(
            cp.scanner,
            channel_shift_px=_u(rng, 0.0, 1.0),
            lateral_shift_px=_signed(rng, 0.0, 1.0),
        )
        cp = dataclasses.replace(cp, printer=pr, scanner=sc)
    return cp


def run_one(args: tuple[str, str, int]) -> dict[str, object]:
    """Simulate and measure one document; return its record."""
    family, source, seed = args
    doc_id = f"COLOUR{seed:06d}"
    gen = np.random.default_rng([seed, 43, FAMILIES.index(family)])
    if source.startswith("render:"):
        _r, renderer, dpi_s = source.split(":")
        kind, quality = PRINTERS[seed % 4]
        dpi = int(dpi_s)
        data = _page_pdf(doc_id, 1, gen)
        page = driver_raster(render(data, renderer, float(dpi)), dpi)
        page_dpi = float(dpi)
    else:
        page = _page(doc_id, 1)
        page_dpi = 600.0
        if source.startswith("orig:"):
            kind, quality = (
                ("inkjet", "good")
                if source == "orig:inkjet-rich"
                else (
                    source.split(":")[1],
                    source.split(":")[2],
                )
            )
            if source == "orig:inkjet-rich" and seed % 2:
                quality = "worn"
        else:
            kind, quality = PRINTERS[seed % 4]
    printer = PrinterParams.sample(gen, kind=kind, quality=quality)  # type: ignore[arg-type]
    if family == "all-widened":
        printer = shift_printer(printer, family, gen)
    if source == "orig:inkjet-rich":
        printer = rich_black(printer, family, gen)
    scanner = colour_scanner(family, gen)
    common: dict[str, object] = {
        "page_dpi": page_dpi,
        "rng": seed,
        "printer": printer,
        "oversample": 2,
        "scanner": scanner,
    }
    if source.startswith("copy:"):
        mode = source.split(":")[1]
        if mode in ("color", "color-text"):
            copier = colour_copier(mode, family, gen)
        else:
            copier = CopierParams.sample(gen, mode=mode)  # type: ignore[arg-type]
        if family == "all-widened":
            copier = dataclasses.replace(
                copier, printer=shift_printer(copier.printer, family, gen)
            )
        res = simulate.photocopy(page, copier=copier, **common)  # type: ignore[arg-type]
    else:
        res = simulate.print_scan(page, **common)  # type: ignore[arg-type]
    t0 = time.perf_counter()
    m = copydetect.measure(res.image, key=_KEY, doc_id=doc_id, dpi=CAPTURE_DPI)
    took = time.perf_counter() - t0
    # The same scan converted to grey: the grey statistic alone, no colour.
    g = copydetect.measure(to_gray(res.image), key=_KEY, doc_id=doc_id, dpi=CAPTURE_DPI)
    return {
        "grey_only": g.decision.value,
        "grey_only_score": g.score,
        "grey_reason": g.reasons[0].split(":")[0] if g.reasons else "",
        "screen": m.measurements.get("residual_screen"),
        "ms": 1e3 * took,
        "misreg": m.measurements.get("colour_misregistration_px"),
        "family": family,
        "source": source,
        "seed": seed,
        "decision": m.decision.value,
        "score": m.score,
        "reason": m.reasons[0].split(":")[0] if m.reasons else "",
        "excess": m.measurements.get("colour_excess"),
        "periodic": m.measurements.get("colour_periodic"),
        "contrast": m.measurements.get("pattern_contrast"),
        "coverage": m.measurements.get("pattern_coverage"),
    }


def _fmt(vals: list[float]) -> str:
    if not vals:
        return "-"
    return f"{statistics.median(vals):.3f} [{min(vals):.3f}, {max(vals):.3f}]"


def report(rows: list[dict[str, object]]) -> None:
    """Print one table: family x source."""
    by: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        src = str(r["source"])
        by[(str(r["family"]), src)].append(r)
        if src.startswith(("orig:", "render:")):
            by[(str(r["family"]), "orig:all")].append(r)
        else:
            by[(str(r["family"]), "copy:all")].append(r)
    thr = f"min_excess {COLOUR['min_excess']}, copy_periodic_above " + str(
        COLOUR["copy_periodic_above"]
    )
    thr += f"; copy_sure_below {CONFIRM['copy_sure_below']}, screen_above " + str(
        CONFIRM["screen_above"]
    )
    print(f"\n## colour evidence, colour scans at 1200 ppi ({thr})\n")
    print(
        "| family | source | n | originals called COPY (Wilson 95% CI; "
        "Clopper-Pearson upper) | held: colour-misregistered | COPY: the scan in "
        "grey (grey statistic alone) / this decision | copy->ORIGINAL | colour_excess median [min, max] "
        "| colour_periodic median [min, max] | fidelity median [min, max] | channel "
        "shift px median [max] | colour measure ms median [max] |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    _report_rows(by, fam_order=FAMILIES, src_order=None, rows=rows)
    _report_confirm(by, rows)


def _wilson_cell(k: int, n: int) -> str:
    lo, hi = wilson(k, n)
    return f"{k}/{n} [{lo:.3f}, {hi:.3f}]"


def _report_confirm(
    by: dict[tuple[str, str], list[dict[str, object]]], rows: list[dict[str, object]]
) -> None:
    """Print the two-level COPY rule's table: grey and colour scans, per source."""
    print(
        "\n## two-level COPY rule (fidelity <= copy_sure_below: COPY; up to "
        "copy_below: COPY only with a copier's screen, else copy-unconfirmed)\n"
    )
    print(
        "| family | source | n | grey scan: originals called COPY (Wilson 95% CI) "
        "/ copies decided COPY | grey: held copy-unconfirmed | grey: COPY by "
        "copy-screen | colour scan: originals called COPY (Wilson 95% CI) / copies "
        "decided COPY | colour: held copy-unconfirmed | copy->ORIGINAL grey / colour "
        "| residual_screen median [min, max] |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    renders = sorted(
        {str(r["source"]) for r in rows if str(r["source"]).startswith("render:")}
    )
    for fam in FAMILIES:
        for src in (*ORIGINALS, *renders, "orig:all", *COPIES, "copy:all"):
            rs = by.get((fam, src))
            if not rs:
                continue
            n = len(rs)
            gk = sum(r["grey_only"] == "copy" for r in rs)
            ck = sum(r["decision"] == "copy" for r in rs)
            g_held = sum(r.get("grey_reason") == "copy-unconfirmed" for r in rs)
            c_held = sum(r["reason"] == "copy-unconfirmed" for r in rs)
            g_screen = sum(r.get("grey_reason") == "copy-screen" for r in rs)
            g_wrong = sum(r["grey_only"] == "original" for r in rs)
            c_wrong = sum(r["decision"] == "original" for r in rs)
            sc = [float(r["screen"]) for r in rs if r.get("screen") is not None]  # type: ignore[arg-type]
            if src.startswith(("orig:", "render:")):
                g_cell, c_cell, wrong = _wilson_cell(gk, n), _wilson_cell(ck, n), "-"
            else:
                g_cell, c_cell = f"{gk}/{n}", f"{ck}/{n}"
                wrong = f"{g_wrong}/{n} / {c_wrong}/{n}"
            print(
                f"| {fam} | {src} | {n} | {g_cell} | {g_held}/{n} | {g_screen}/{n} "
                f"| {c_cell} | {c_held}/{n} | {wrong} | {_fmt(sc)} |"
            )


def _report_rows(
    by: dict[tuple[str, str], list[dict[str, object]]],
    *,
    fam_order: tuple[str, ...],
    src_order: tuple[str, ...] | None,
    rows: list[dict[str, object]],
) -> None:
    renders = sorted(
        {str(r["source"]) for r in rows if str(r["source"]).startswith("render:")}
    )
    order = src_order or (*ORIGINALS, *renders, "orig:all", *COPIES)
    for fam in fam_order:
        for src in order:
            rs = by.get((fam, src))
            if not rs:
                continue
            n = len(rs)
            ex = [float(r["excess"]) for r in rs if r["excess"] is not None]  # type: ignore[arg-type]
            pe = [float(r["periodic"]) for r in rs if r["periodic"] is not None]  # type: ignore[arg-type]
            fid = [float(r["score"]) for r in rs if r["score"] is not None]  # type: ignore[arg-type]
            mis = [float(r["misreg"]) for r in rs if r["misreg"] is not None]  # type: ignore[arg-type]
            ms = [float(r["ms"]) for r in rs]  # type: ignore[arg-type]
            mis_s = f"{statistics.median(mis):.2f} [{max(mis):.2f}]" if mis else "-"
            ms_s = f"{statistics.median(ms):.0f} [{max(ms):.0f}]"
            held = sum(r["reason"] == "colour-misregistered" for r in rs)
            tail = f"| {_fmt(ex)} | {_fmt(pe)} | {_fmt(fid)} | {mis_s} | {ms_s} |"
            if src.startswith(("orig:", "render:")):
                k = sum(r["decision"] == "copy" for r in rs)
                lo, hi = wilson(k, n)
                cp = clopper_pearson_upper(k, n)
                grey = sum(r["grey_only"] == "copy" for r in rs)
                print(
                    f"| {fam} | {src} | {n} | {k}/{n} [{lo:.3f}, {hi:.3f}; {cp:.3f}] "
                    f"| {held}/{n} | {grey}/{n} / {k}/{n} | - {tail}"
                )
            else:
                grey = sum(r["grey_only"] == "copy" for r in rs)
                copy = sum(r["decision"] == "copy" for r in rs)
                wrong = sum(r["decision"] == "original" for r in rs)
                print(
                    f"| {fam} | {src} | {n} | - | {held}/{n} | {grey}/{n} / "
                    f"{copy}/{n} | {wrong}/{n} {tail}"
                )


def clopper_pearson_upper(k: int, n: int, alpha: float = 0.05) -> float:
    """Exact (Clopper-Pearson) two-sided 95 % upper bound for k of n."""
    if k >= n:
        return 1.0
    return float(beta.ppf(1.0 - alpha / 2.0, k + 1, n - k))


def fit(workers: int) -> None:
    """Print the highest original colour_excess on the fit seeds (1000-1011).

    Originals of the fitted and the all-widened family: the first report (seeds
    0-11) called 5 of 12 all-widened rich-black originals COPY with a threshold
    fitted on the fitted family alone.
    """
    jobs = [
        (fam, s, seed)
        for seed in range(FIT_START, FIT_START + 12)
        for fam in ("fitted", "all-widened")
        for s in ORIGINALS
    ]
    rows = _run(jobs, workers, math.inf)
    ex = [float(r["excess"]) for r in rows if r["excess"] is not None]  # type: ignore[arg-type]
    k_only = [
        float(r["excess"])  # type: ignore[arg-type]
        for r in rows
        if r["excess"] is not None and r["source"] != "orig:inkjet-rich"
    ]
    per = [float(r["periodic"]) for r in rows if r["periodic"] is not None]  # type: ignore[arg-type]
    tinted = [
        float(r["score"])  # type: ignore[arg-type]
        for r in rows
        if r["excess"] is not None
        and float(r["excess"]) >= COLOUR["min_excess"]  # type: ignore[arg-type]
        and r["score"] is not None
    ]
    if tinted:
        print(
            f"# fit: {len(tinted)} originals with colour_excess >= "
            f"{COLOUR['min_excess']}: fidelity min {min(tinted):.4f} (colour "
            "copies reach such fidelities: no grey COPY on tinted scans)"
        )
    print(
        f"# fit: {len(ex)} originals; colour_excess max {max(ex):.4f} (black-only "
        f"{max(k_only):.4f}): min_excess = max(2 x black-only max, 0.05) = "
        f"{max(2 * max(k_only), 0.05):.3f}; colour_periodic max {max(per):.4f}: "
        f"copy_periodic_above = 2 x max = {2 * max(per):.3f}"
    )


def fit_confirm(workers: int) -> None:
    """Print the two-level COPY rule's values from originals on the fit seeds.

    Seeds 1000-1011: every family and original source; seeds 1012-1017: the
    all-widened originals again (the family whose originals reach the lowest
    fidelities). Over grey and colour scans: ``copy_sure_below`` is half the
    lowest original fidelity (gated scans included), rounded down to 0.01;
    ``screen_above`` twice the highest original ``residual_screen``, rounded up.
    """
    jobs = [
        (fam, s, seed)
        for seed in range(FIT_START, FIT_START + 12)
        for fam in FAMILIES
        for s in ORIGINALS
    ]
    jobs += [
        ("all-widened", s, seed)
        for seed in range(FIT_START + 12, FIT_START + 18)
        for s in ORIGINALS
    ]
    rows = _run(jobs, workers, math.inf)
    fid = [
        float(r[k])  # type: ignore[arg-type]
        for r in rows
        for k in ("score", "grey_only_score")
        if r[k] is not None
    ]
    scr = [float(r["screen"]) for r in rows if r["screen"] is not None]  # type: ignore[arg-type]
    print(
        f"# fit: {len(rows)} originals (grey and colour scans): fidelity min "
        f"{min(fid):.4f} -> copy_sure_below = {math.floor(50 * min(fid)) / 100:.2f}; "
        f"residual_screen max {max(scr):.4f} -> screen_above = "
        f"{math.ceil(200 * max(scr)) / 100:.2f}"
    )


def _run(
    jobs: list[tuple[str, str, int]], workers: int, cap: float
) -> list[dict[str, object]]:
    t0 = time.monotonic()
    rows: list[dict[str, object]] = []
    if workers <= 1:
        for job in jobs:
            if time.monotonic() - t0 > cap:
                print(f"# time cap after {len(rows)} of {len(jobs)}", file=sys.stderr)
                break
            rows.append(run_one(job))
    else:
        with ProcessPoolExecutor(workers) as pool:
            rows = list(pool.map(run_one, jobs))
    return rows


def main() -> None:
    """Parse options, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--start", type=int, default=0)
    ap.add_argument("--families", default=",".join(FAMILIES))
    ap.add_argument("--renderers", default="all", help="'all', 'none' or a list")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--time-cap", type=float, default=3600.0)
    ap.add_argument("--fit", action="store_true")
    ap.add_argument(
        "--fit-confirm", action="store_true", help="fit the two-level COPY rule"
    )
    ap.add_argument("--dump", default="", help="write every record (JSON lines)")
    ns = ap.parse_args()
    if ns.fit:
        fit(ns.workers)
        return
    if ns.fit_confirm:
        fit_confirm(ns.workers)
        return
    if ns.start <= FIT_END and ns.start + ns.seeds > FIT_START:
        ap.error(f"report seeds overlap the fit seeds {FIT_START}-{FIT_END}")
    fams = tuple(f for f in ns.families.split(",") if f)
    if ns.renderers == "none":
        rend: tuple[str, ...] = ()
    elif ns.renderers == "all":
        rend = renderers_available()
    else:
        rend = tuple(ns.renderers.split(","))
    render_src = tuple(f"render:{r}:{d}" for r in rend for d in (600, 1200))
    jobs = [
        (f, s, ns.start + i)
        for i in range(ns.seeds)
        for f in fams
        for s in (*ORIGINALS, *(render_src if f == "fitted" else ()), *COPIES)
    ]
    t0 = time.monotonic()
    rows = _run(jobs, ns.workers, ns.time_cap)
    if ns.dump:
        Path(ns.dump).write_text("".join(json.dumps(r) + "\n" for r in rows))
    print(
        f"# {len(rows)} runs, seeds {ns.start}..{ns.start + ns.seeds - 1}, "
        f"{time.monotonic() - t0:.0f} s"
    )
    report(rows)


if __name__ == "__main__":
    main()
