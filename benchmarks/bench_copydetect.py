"""Copy-detection benchmark over docsec.simulate: originals, photocopies, reprints.

Every document gets its own pattern (document id from the seed) printed on a small
page (the block plus a 7.6 mm margin), then either scanned (original) or photocopied
and scanned (copy), and measured with :func:`docsec.copydetect.measure`.

Sources: originals from each printer class (laser/inkjet x good/worn), office
photocopies in text, photo and colour mode and careful 1200-dpi scan-and-reprints
(``strong``) of originals from all four classes in turn. Captures: flatbed at
300, 600, 1200 and 2400 ppi (PNG, grey) and a phone photo. (The colour copier
prints composite black on misregistered planes; colour scans and the colour
evidence are in bench_copydetect_colour.py.)

Per condition it prints: n, the fraction decided, wrong calls (original called
COPY; copy called ORIGINAL) with Wilson 95 % bounds, the AUC of the fidelity
score against the originals of the same capture (same printer class for the
per-class rows), and the median measuring time.

Usage::

    python benchmarks/bench_copydetect.py --quick          # CI sample, seconds
    python benchmarks/bench_copydetect.py --full --time-cap 1800   # + every renderer
    python benchmarks/bench_copydetect.py --render-only --renderers all --seeds 4
    python benchmarks/bench_copydetect.py --fit            # thresholds (seeds 1000+)

Fit and report seeds are disjoint: ``--fit`` uses seeds from 1000 up, the report
uses seeds from 0 up (``--start`` moves it) and refuses to overlap the fit range.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from docsec import copydetect, imaging, simulate
from docsec import pdf as _pdf
from docsec.keys import SecretKey
from docsec.pdf.stamp import _place_vector, _snap_page_box, _vector_xobject

FIT_START = 1000
FIT_END = 1999

PRINTERS = (
    ("laser", "good"),
    ("laser", "worn"),
    ("inkjet", "good"),
    ("inkjet", "worn"),
)
SOURCES = (
    *(f"orig:{k}:{q}" for k, q in PRINTERS),
    "copy:text",
    "copy:photo",
    "copy:color",
    "copy:strong",
)
CAPTURES = ("flatbed1200", "flatbed2400", "flatbed600", "flatbed300", "phone")

_KEY = SecretKey.from_material("cdp", bytes(range(32)))  # benchmark key, not secret
_MARGIN = 180  # dots (7.6 mm): copier and scanner offsets add up to ~6 mm


def _page(doc_id: str, module_dots: int) -> np.ndarray:
    pat = copydetect.make_pattern(_KEY, doc_id, module_dots=module_dots)
    h, w = pat.image.shape
    page = np.full((h + 2 * _MARGIN, w + 2 * _MARGIN), 255, np.uint8)
    page[_MARGIN : _MARGIN + h, _MARGIN : _MARGIN + w] = pat.image
    return page


def run_one(args: tuple[str, str, int, int]) -> dict[str, object]:
    """Simulate and measure one document; return its record."""
    source, capture, seed, module_dots = args
    doc_id = f"BENCH{seed:06d}"
    page = _page(doc_id, module_dots)
    if source.startswith("orig:"):
        _o, kind, quality = source.split(":")
        printer = kind
    else:
        kind, quality = PRINTERS[seed % 4]
        printer = kind
    common: dict[str, object] = {
        "page_dpi": 600,
        "rng": seed,
        "printer": printer,
        "quality": quality,
        "oversample": 2,
    }
    if capture == "phone":
        if source.startswith("orig:"):
            res = simulate.phone_capture(page, **common)  # type: ignore[arg-type]
        else:
            gen = np.random.default_rng(seed)
            printed = simulate.print_page(
                page,
                dpi=600,
                rng=gen,
                printer=kind,  # type: ignore[arg-type]  # one of PRINTERS
                quality=quality,  # type: ignore[arg-type]  # one of PRINTERS
                oversample=2,
            )
            mode = source.split(":")[1]
            copied = simulate.copy_page(
                printed,
                rng=gen,
                mode="text" if mode == "strong" else mode,  # type: ignore[arg-type]  # SOURCES
                strong=mode == "strong",
            )
            res = simulate.photograph(copied, rng=gen)
        dpi = None
    else:
        dpi = float(capture.removeprefix("flatbed"))
        if source.startswith("orig:"):
            res = simulate.print_scan(page, scanner_dpi=dpi, **common)  # type: ignore[arg-type]
        else:
            mode = source.split(":")[1]
            res = simulate.photocopy(
                page,
                scanner_dpi=dpi,
                mode="text" if mode == "strong" else mode,  # type: ignore[arg-type]
                strong=mode == "strong",
                **common,  # type: ignore[arg-type]
            )
    t0 = time.perf_counter()
    m = copydetect.measure(
        res.image, key=_KEY, doc_id=doc_id, dpi=dpi, module_dots=module_dots
    )
    ms = (time.perf_counter() - t0) * 1e3
    return {
        "source": source,
        "capture": capture,
        "seed": seed,
        "printer": f"{kind}:{quality}",
        "decision": m.decision.value,
        "score": m.score,
        "reason": m.reasons[0].split(":")[0] if m.reasons else "",
        "ms": ms,
        "values": {k: round(float(v), 5) for k, v in m.measurements.items()},
    }


# ---------------------------------------------------------------- the print path
#
# An original is not printed from the pattern's own pixels: the issued PDF is
# rendered by a viewer or printer driver (pdfium in Chrome, poppler's pdftoppm or
# pdftocairo in CUPS, MuPDF, Ghostscript in many drivers), at the printer's
# resolution or another, at 100 % or scaled to fit the printable area, and that
# raster is printed. The page here is a small PDF made by docsec.pdf.stamp's
# own helpers (the page box snapped to whole dots, the pattern drawn as
# vector rectangles on that grid), with a page size and pattern position that
# are not whole dots before snapping, as on A4.

RENDERERS = ("pdfium", "pdftoppm", "pdftocairo", "mutool", "gs")
RENDER_DPIS = (300, 600, 1200)
SCALES = (1.0, 0.97)  # 100 % and "fit to page"
RENDER_CAPTURES = ("flatbed1200", "flatbed2400")


def _page_pdf(doc_id: str, module_dots: int, rng: np.random.Generator) -> bytes:
    import pikepdf

    pat = copydetect.make_pattern(_KEY, doc_id, module_dots=module_dots)
    h, w = pat.image.shape
    dot = 72.0 / 600.0
    # Page and position off the dot grid (as A4 and a layout in mm are).
    page_w = (w + 2 * _MARGIN) * dot + float(rng.uniform(0.0, 3.0))
    page_h = (h + 2 * _MARGIN) * dot + float(rng.uniform(0.0, 3.0))
    x_mm = _MARGIN * 25.4 / 600 + float(rng.uniform(-0.02, 0.02))
    y_mm = _MARGIN * 25.4 / 600 + float(rng.uniform(-0.02, 0.02))
    mark = _pdf.RasterMark(pat.image, 600.0, x_mm, y_mm, bilevel=True)
    doc = pikepdf.new()
    doc.add_blank_page(page_size=(page_w, page_h))
    pg = doc.pages[0]
    box = _snap_page_box(pg)
    form = _vector_xobject(doc, mark)
    pg.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(DocsecCdp=form))
    ops = _place_vector("DocsecCdp", mark, box[3] - box[1], (box[0], box[1]))
    pg.obj.Contents = pikepdf.Stream(doc, ops)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render(data: bytes, renderer: str, dpi: float) -> np.ndarray:
    """Render page 0 of ``data`` to grey at ``dpi`` with one of RENDERERS."""
    if renderer == "pdfium":
        return _pdf.render_page(data, dpi=dpi)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.pdf"
        src.write_bytes(data)
        out = Path(tmp) / "out.png"
        r = f"{dpi:g}"
        if renderer in ("pdftoppm", "pdftocairo"):
            cmd = [renderer, "-r", r, "-gray", "-png", "-singlefile", str(src)]
            cmd.append(str(out.with_suffix("")))
        elif renderer == "mutool":
            cmd = ["mutool", "draw", "-q", "-r", r, "-c", "gray", "-o", str(out)]
            cmd.append(str(src))
        elif renderer == "gs":
            cmd = ["gs", "-q", "-dNOPAUSE", "-dBATCH", "-dSAFER", "-sDEVICE=pnggray"]
            cmd += [f"-r{r}", f"-sOutputFile={out}", str(src)]
        else:
            raise ValueError(renderer)
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)
        return imaging.to_gray(imaging.read_image(out).image)


def driver_raster(raster: np.ndarray, dpi: int) -> np.ndarray:
    """Cut a renderer's rounding row/column so a driver's 2:1 ratio stays exact.

    A driver maps each 2 x 2 block of a 1200-dpi raster to one 600-dpi dot; the
    simulator's resize fits shapes instead, so an odd size (a renderer rounding
    the page up by one pixel) would resample the whole page.
    """
    if dpi <= 600:
        return raster
    step = dpi // 600
    h, w = raster.shape[:2]
    return np.ascontiguousarray(raster[: h - h % step, : w - w % step])


def renderers_available() -> tuple[str, ...]:
    """The RENDERERS whose command is installed (pdfium always is)."""
    tool = {"pdftoppm": "pdftoppm", "pdftocairo": "pdftocairo", "mutool": "mutool"}
    tool["gs"] = "gs"
    return tuple(r for r in RENDERERS if r == "pdfium" or shutil.which(tool[r]))


def run_render(args: tuple[str, str, int, int]) -> dict[str, object]:
    """Render, print, scan and measure one original; return its record.

    ``source`` is ``render:RENDERER:DPI:SCALE:KIND:QUALITY``.
    """
    source, capture, seed, module_dots = args
    _r, renderer, dpi_s, scale_s, kind, quality = source.split(":")
    doc_id = f"BENCH{seed:06d}"
    gen = np.random.default_rng([seed, 13])
    data = _page_pdf(doc_id, module_dots, gen)
    dpi, scale = int(dpi_s), float(scale_s)
    # Fit to page: the driver draws the page at `scale` into its `dpi` raster.
    raster = driver_raster(render(data, renderer, dpi * scale), dpi)
    sdpi = float(capture.removeprefix("flatbed"))
    res = simulate.print_scan(
        raster,
        page_dpi=float(dpi),
        rng=seed,
        printer=kind,  # type: ignore[arg-type]  # one of PRINTERS
        quality=quality,  # type: ignore[arg-type]  # one of PRINTERS
        scanner_dpi=sdpi,
        oversample=2,
    )
    t0 = time.perf_counter()
    m = copydetect.measure(
        res.image, key=_KEY, doc_id=doc_id, dpi=sdpi, module_dots=module_dots
    )
    ms = (time.perf_counter() - t0) * 1e3
    return {
        "source": source,
        "capture": capture,
        "seed": seed,
        "printer": f"{kind}:{quality}",
        "decision": m.decision.value,
        "score": m.score,
        "reason": m.reasons[0].split(":")[0] if m.reasons else "",
        "ms": ms,
        "values": {k: round(float(v), 5) for k, v in m.measurements.items()},
    }


def render_sources(
    renderers: tuple[str, ...],
    dpis: tuple[int, ...] = RENDER_DPIS,
    scales: tuple[float, ...] = SCALES,
) -> tuple[str, ...]:
    """Every renderer x dpi x scale x printer source name."""
    return tuple(
        f"render:{r}:{d}:{s:g}:{k}:{q}"
        for r in renderers
        for d in dpis
        for s in scales
        for k, q in PRINTERS
    )


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials."""
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    den = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / den
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / den
    return (max(0.0, centre - half), min(1.0, centre + half))


def auc(pos: list[float], neg: list[float]) -> float:
    """P(score of an original > score of a copy), ties counting half."""
    if not pos or not neg:
        return float("nan")
    a = np.asarray(pos)[:, None]
    b = np.asarray(neg)[None, :]
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def _jobs(
    n: int,
    start: int,
    module_dots: int,
    captures: tuple[str, ...],
    sources: tuple[str, ...] = SOURCES,
) -> Iterator[tuple[str, str, int, int]]:
    for capture in captures:
        for i in range(n):
            for source in sources:
                if source.startswith("render:") and capture not in RENDER_CAPTURES:
                    continue
                yield (source, capture, start + i, module_dots)


def run_any(args: tuple[str, str, int, int]) -> dict[str, object]:
    """Dispatch one job to the render path or the direct path."""
    return run_render(args) if args[0].startswith("render:") else run_one(args)


def collect(
    n: int,
    start: int,
    module_dots: int,
    captures: tuple[str, ...],
    workers: int,
    time_cap: float,
    sources: tuple[str, ...] = SOURCES,
) -> list[dict[str, object]]:
    """Run the jobs (in worker processes if asked), stopping at the time cap."""
    t_end = time.monotonic() + time_cap
    jobs = list(_jobs(n, start, module_dots, captures, sources))
    out: list[dict[str, object]] = []
    if workers <= 1:
        for job in jobs:
            if time.monotonic() > t_end:
                print(
                    f"# time cap reached after {len(out)} of {len(jobs)} runs",
                    file=sys.stderr,
                )
                break
            out.append(run_any(job))
        return out
    with ProcessPoolExecutor(workers) as pool:
        chunk = 4 * workers
        for i in range(0, len(jobs), chunk):
            if time.monotonic() > t_end:
                print(
                    f"# time cap reached after {len(out)} of {len(jobs)} runs",
                    file=sys.stderr,
                )
                break
            out.extend(pool.map(run_any, jobs[i : i + chunk]))
    return out


def _scores(rows: list[dict[str, object]]) -> list[float]:
    return [float(r["score"]) for r in rows if r["score"] is not None]  # type: ignore[arg-type]


def report(rows: list[dict[str, object]], module_dots: int) -> None:
    """Print the table."""
    by: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for r in rows:
        by[(str(r["capture"]), str(r["source"]))].append(r)
    print(f"\n## copy detection, {module_dots}-dot modules")
    print(
        "| capture | source | n | decided | orig->COPY (95% CI) | copy->ORIGINAL (95% CI) "
        "| AUC | median ms | top reason |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for capture in CAPTURES:
        origs = [
            r
            for (c, s), rs in by.items()
            if c == capture and s.startswith("orig")
            for r in rs
        ]
        if not origs:
            continue
        groups: list[tuple[str, list[dict[str, object]]]] = [
            (s, by[(capture, s)]) for s in SOURCES if by.get((capture, s))
        ]
        groups.insert(4, ("orig:mixed", origs))
        copies_office = by.get((capture, "copy:text"), []) + by.get(
            (capture, "copy:photo"), []
        )
        if copies_office:
            groups.insert(7, ("copy:office(text+photo)", copies_office))
        for source, rs in groups:
            n = len(rs)
            decided = sum(r["decision"] != "inconclusive" for r in rs)
            if source.startswith("orig"):
                k = sum(r["decision"] == "copy" for r in rs)
                lo, hi = wilson(k, n)
                wrong_o = f"{k}/{n} [{lo:.3f}, {hi:.3f}]"
                wrong_c = "-"
                if source == "orig:mixed":
                    a = auc(_scores(rs), _scores(copies_office))
                else:
                    # Known printer class: its originals vs office copies of its prints.
                    cls = source.removeprefix("orig:")
                    a = auc(
                        _scores(rs),
                        _scores([r for r in copies_office if r["printer"] == cls]),
                    )
            else:
                k = sum(r["decision"] == "original" for r in rs)
                lo, hi = wilson(k, n)
                wrong_o = "-"
                wrong_c = f"{k}/{n} [{lo:.3f}, {hi:.3f}]"
                a = auc(_scores(origs), _scores(rs))
            ms = statistics.median(float(r["ms"]) for r in rs)  # type: ignore[arg-type]
            reasons = [str(r["reason"]) for r in rs]
            top = max(set(reasons), key=reasons.count)
            print(
                f"| {capture} | {source} | {n} | {decided / n:.1%} | {wrong_o} | {wrong_c} "
                f"| {a:.4f} | {ms:.0f} | {top} |"
            )


def report_render(rows: list[dict[str, object]]) -> None:
    """Print the renderer tables: every original, so only orig->COPY can be wrong."""
    rend = [r for r in rows if str(r["source"]).startswith("render:")]
    if not rend:
        return

    def line(label: str, rs: list[dict[str, object]]) -> str:
        n = len(rs)
        decided = sum(r["decision"] != "inconclusive" for r in rs)
        k = sum(r["decision"] == "copy" for r in rs)
        orig = sum(r["decision"] == "original" for r in rs)
        lo, hi = wilson(k, n)
        reasons = [str(r["reason"]) for r in rs]
        top = max(set(reasons), key=reasons.count)
        return (
            f"| {label} | {n} | {decided / n:.1%} | {orig / n:.1%} "
            f"| {k}/{n} [{lo:.3f}, {hi:.3f}] | {top} |"
        )

    def key(r: dict[str, object], *idx: int) -> tuple[str, ...]:
        parts = str(r["source"]).split(":")
        return (str(r["capture"]), *(parts[i] for i in idx))

    head = "| decided | called ORIGINAL | original called COPY (95% CI) | top reason |"
    sep = "|---|---|---|---|"
    groups: dict[tuple[str, ...], list[dict[str, object]]] = defaultdict(list)
    for r in rend:
        groups[key(r, 1, 2, 3)].append(r)
    print("\n## originals through the print path: renderer x render dpi x scale")
    print("(the four printer classes pooled)\n")
    print(f"| capture | renderer | render dpi | scale | n {head}")
    print(f"|---|---|---|---|---{sep}")
    for g in sorted(groups, key=lambda t: (t[0], t[1], int(t[2]), -float(t[3]))):
        c, rn, d, sc = g
        pct = f"{float(sc):.0%}"
        print(line(f"{c} | {rn} | {d} | {pct}", groups[g]).replace("| ", "| ", 1))
    groups = defaultdict(list)
    for r in rend:
        groups[key(r, 1, 4, 5, 3)].append(r)
    print("\n## originals through the print path: renderer x printer x scale")
    print("(render dpi 300, 600 and 1200 pooled)\n")
    print(f"| capture | renderer | printer | scale | n {head}")
    print(f"|---|---|---|---|---{sep}")
    for g in sorted(groups, key=lambda t: (t[0], t[1], t[2], t[3], -float(t[4]))):
        c, rn, kind, q, sc = g
        print(line(f"{c} | {rn} | {kind}:{q} | {float(sc):.0%}", groups[g]))
    full = [r for r in rend if str(r["source"]).split(":")[3] == "1"]
    if full:
        print("\n100 % scale, all renderers, dpi and printers pooled:\n")
        print(f"| capture | n {head}")
        print(f"|---|---{sep}")
        for c in sorted({str(r["capture"]) for r in full}):
            print(line(c, [r for r in full if r["capture"] == c]))
        for d in RENDER_DPIS:
            sub = [r for r in full if str(r["source"]).split(":")[2] == str(d)]
            if sub:
                print(line(f"render {d} dpi, both captures", sub))
        fine = [r for r in full if str(r["source"]).split(":")[2] != "300"]
        for c in sorted({str(r["capture"]) for r in fine}):
            sub = [r for r in fine if r["capture"] == c]
            print(line(f"{c}, renders at 600 and 1200 dpi", sub))
    print(line("**every row, both scales, both captures**", rend))


def _vals(rows: list[dict[str, object]], key: str) -> list[float]:
    out = []
    for r in rows:
        values = r["values"]
        if isinstance(values, dict) and key in values:
            out.append(float(values[key]))
    return out


def fit(rows: list[dict[str, object]], module_dots: int) -> None:
    """Print thresholds fitted on these rows (office copies vs all originals).

    fidelity: the middle half of the gap between the lowest original and the
    highest office copy is left inconclusive, and neither threshold comes within
    0.05 of the extreme of the population it must spare. Guards on ORIGINAL, from originals
    only: correlation at least 0.8 x the lowest original's, 1/8-tint coverage at
    most 1.5 x the highest original's.
    """
    print(f"\n## fitted thresholds, {module_dots}-dot modules (fit seeds)")
    for capture in ("flatbed600", "flatbed1200", "flatbed2400"):
        at = [r for r in rows if r["capture"] == capture]
        origs = [r for r in at if str(r["source"]).startswith("orig")]
        office = [r for r in at if r["source"] in ("copy:text", "copy:photo")]
        strong = [r for r in at if r["source"] == "copy:strong"]
        o, c, s = _scores(origs), _scores(office), _scores(strong)
        if not o or not c:
            continue
        lo, hi = min(o), max(c)
        if lo > hi:
            gap = lo - hi
            copy_below, original_above = hi + 0.25 * gap, lo - 0.25 * gap
        else:
            copy_below, original_above = lo - 0.02, hi + 0.02
        # Never within 0.05 of the extreme of the population a threshold must spare.
        copy_below = min(copy_below, lo - 0.05)
        original_above = max(original_above, hi + 0.05)
        min_corr = 0.8 * min(_vals(origs, "correlation"))
        max_tint = 1.5 * max(_vals(origs, "tint_coverage"))
        print(
            f"{capture}: originals min {lo:.3f} (n={len(o)}), office copies max {hi:.3f} "
            f"(n={len(c)}), strong max {max(s) if s else float('nan'):.3f}\n"
            f"    copy_below {copy_below:.3f}, original_above {original_above:.3f}, "
            f"original_min_correlation {min_corr:.3f}, original_max_tint {max_tint:.3f}"
        )


def main() -> None:
    """Parse options, run, print."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="3 seeds per condition (CI)")
    mode.add_argument("--full", action="store_true", help="200 seeds per condition")
    mode.add_argument(
        "--fit", action="store_true", help="fit thresholds on seeds 1000+"
    )
    ap.add_argument("--seeds", type=int, default=None, help="seeds per condition")
    ap.add_argument("--start", type=int, default=0, help="first report seed")
    ap.add_argument("--module-dots", type=int, choices=(1, 2), default=1)
    ap.add_argument("--captures", default=",".join(CAPTURES))
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--time-cap", type=float, default=3600.0, help="seconds")
    ap.add_argument("--dump", default=None, help="write every record to this JSON file")
    ap.add_argument(
        "--renderers",
        default="",
        help="originals through the print path: 'all' or a list of "
        + ",".join(RENDERERS)
        + " (captures 1200/2400 only)",
    )
    ap.add_argument(
        "--render-only", action="store_true", help="only the print-path population"
    )
    ap.add_argument("--render-dpis", default=",".join(str(d) for d in RENDER_DPIS))
    ap.add_argument("--render-scales", default=",".join(f"{v:g}" for v in SCALES))
    ap.add_argument(
        "--report-from",
        default="",
        help="print the tables from these --dump files (comma-separated), run nothing",
    )
    ns = ap.parse_args()
    captures = tuple(c for c in ns.captures.split(",") if c)
    sources: tuple[str, ...] = () if ns.render_only else SOURCES
    if ns.full and not ns.renderers:
        ns.renderers = "all"  # the full population includes every print path
    if ns.renderers:
        avail = renderers_available()
        wanted = avail if ns.renderers == "all" else tuple(ns.renderers.split(","))
        missing = [r for r in wanted if r not in avail]
        if missing:
            ap.error(f"renderers not installed: {', '.join(missing)}")
        dpis = tuple(int(d) for d in ns.render_dpis.split(",") if d)
        scales = tuple(float(v) for v in ns.render_scales.split(",") if v)
        sources = (*sources, *render_sources(wanted, dpis, scales))
    if ns.report_from:
        rows: list[dict[str, object]] = []
        for name in ns.report_from.split(","):
            rows.extend(json.loads(Path(name).read_text(encoding="utf-8")))
        report([r for r in rows if not str(r["source"]).startswith("render:")], 1)
        report_render(rows)
        return
    if ns.fit:
        n = ns.seeds or 30
        start = FIT_START
        captures = tuple(
            c for c in captures if c in ("flatbed600", "flatbed1200", "flatbed2400")
        )
    else:
        n = ns.seeds or (200 if ns.full else 3 if ns.quick else 20)
        start = ns.start
        if start <= FIT_END and start + n > FIT_START:
            ap.error(
                f"report seeds {start}..{start + n - 1} overlap the fit seeds {FIT_START}+"
            )
    t0 = time.monotonic()
    rows = collect(n, start, ns.module_dots, captures, ns.workers, ns.time_cap, sources)
    print(
        f"# {len(rows)} runs, seeds {start}..{start + n - 1}, "
        f"{time.monotonic() - t0:.0f} s, {ns.workers} worker(s)"
    )
    if ns.dump:
        with open(ns.dump, "w", encoding="utf-8") as fh:
            json.dump(rows, fh)
    if ns.fit:
        fit(rows, ns.module_dots)
    else:
        report(
            [r for r in rows if not str(r["source"]).startswith("render:")],
            ns.module_dots,
        )
        report_render(rows)


if __name__ == "__main__":
    main()
