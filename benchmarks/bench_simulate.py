"""Benchmark the channel models of docsec.simulate: speed and physical behaviour.

Prints four tables:

1. median time per A4 page at 600 dpi for each channel, on one core (OpenCV set to
   one thread), wall clock and CPU (user + system) time;
2. fine-detail correlation of a 1-printer-dot random pattern per channel and scan
   resolution over seeds (mean, spread, min, max), with the plain correlation;
3. DataMatrix (0.34 mm modules) read rate with zxing-cpp per channel over seeds;
4. tone value increase at 50 % (dot gain) per printer class.

Usage::

    python benchmarks/bench_simulate.py            # 20 seeds, 5 timing runs
    python benchmarks/bench_simulate.py --quick    # 4 seeds, 2 timing runs

"Fine detail" is the part of the pattern finer than two printer dots (spatial
frequencies above 150 cycles/inch, the Nyquist limit of a 300 dpi scan); the
capture is mapped back onto the page grid with its exact geometry
(``SimResult.to_page``), so no registration error enters the numbers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

import cv2
import numpy as np
import zxingcpp

from docsec import simulate
from docsec.simulate import PhoneParams, PrinterParams, SimResult

A4_600 = (7016, 4960)


# ------------------------------------------------------------------ test pages


def certificate_page(seed: int = 0) -> np.ndarray:
    """An A4 page at 600 dpi: text, a DataMatrix, a 1-dot pattern, grey ramp, tint."""
    rng = np.random.default_rng(seed)
    page = np.full(A4_600, 255, np.uint8)
    lines = [
        "CERTIFICATE OF RESIDENCE",
        "Name: HONG Gil-dong   Date of birth: 1980-01-01",
        "Address: 123 Teheran-ro, Gangnam-gu, Seoul",
        "Issued: 2009-06-01   No. 2009-000123",
    ]
    for i, text in enumerate(lines):
        scale, thick = (3.0, 6) if i == 0 else (1.6, 3)
        cv2.putText(
            page,
            text,
            (400, 600 + 160 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            scale,
            0,
            thick,
            cv2.LINE_AA,
        )
    for i in range(30):
        cv2.putText(
            page,
            "The quick brown fox jumps over the lazy dog 0123456789",
            (400, 1400 + 80 * i),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.2,
            0,
            2,
            cv2.LINE_AA,
        )
    symbol = zxingcpp.create_barcode(
        bytes(rng.integers(0, 256, 120, dtype=np.uint8)),
        zxingcpp.BarcodeFormat.DataMatrix,
    )
    dm = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=8))
    page[4200 : 4200 + dm.shape[0], 400 : 400 + dm.shape[1]] = dm
    page[4200:4500, 1400:1700] = np.where(rng.random((300, 300)) < 0.5, 0, 255)
    page[4700:4900, 400:2400] = np.linspace(0, 255, 2000).astype(np.uint8)[None, :]
    page[5000:6500, 400:4500] = 240  # light background tint (watermark-like)
    return page


def dot_pattern_page(
    seed: int, n: int = 256, margin: int = 160
) -> tuple[np.ndarray, np.ndarray, int]:
    rng = np.random.default_rng(10_000 + seed)
    pattern = rng.random((n, n)) < 0.5
    page = np.full((n + 2 * margin, n + 2 * margin), 255, np.uint8)
    page[margin : margin + n, margin : margin + n] = np.where(pattern, 0, 255)
    return page, pattern, margin


def datamatrix_page(seed: int) -> tuple[np.ndarray, bytes]:
    rng = np.random.default_rng(20_000 + seed)
    data = bytes(rng.integers(0, 256, 90, dtype=np.uint8))
    symbol = zxingcpp.create_barcode(data, zxingcpp.BarcodeFormat.DataMatrix)
    img = np.asarray(zxingcpp.write_barcode_to_image(symbol, scale=8))
    page = np.full((img.shape[0] + 240, img.shape[1] + 240), 255, np.uint8)
    page[120 : 120 + img.shape[0], 120 : 120 + img.shape[1]] = img
    return page, data


# ------------------------------------------------------------------ metrics


def _above_nyquist_300(x: np.ndarray) -> np.ndarray:
    spec = np.fft.fft2(x - x.mean())
    fy = np.abs(np.fft.fftfreq(x.shape[0]))[:, None]
    fx = np.abs(np.fft.fftfreq(x.shape[1]))[None, :]
    spec[np.maximum(fx, fy) <= 0.25] = 0
    return np.real(np.fft.ifft2(spec))


def correlations(
    res: SimResult, page: np.ndarray, pattern: np.ndarray, margin: int
) -> tuple[float, float]:
    aligned = res.to_page(page.shape).astype(np.float64)
    if aligned.ndim == 3:
        aligned = aligned.mean(axis=2)
    n, b = pattern.shape[0], 8
    a = aligned[margin + b : margin + n - b, margin + b : margin + n - b]
    p = -pattern[b : n - b, b : n - b].astype(np.float64)
    plain = float(np.corrcoef(a.ravel(), p.ravel())[0, 1])
    fine = float(
        np.corrcoef(_above_nyquist_300(a).ravel(), _above_nyquist_300(p).ravel())[0, 1]
    )
    return plain, fine


# ------------------------------------------------------------------ tables


def timing_table(runs: int) -> None:
    cv2.setNumThreads(1)
    page = certificate_page()
    channels: dict[str, Callable[[int], SimResult]] = {
        "print-scan laser 600 dpi, grey": lambda s: simulate.print_scan(
            page, page_dpi=600, rng=s
        ),
        "print-scan laser 300 dpi, grey": lambda s: simulate.print_scan(
            page, page_dpi=600, rng=s, scanner_dpi=300
        ),
        "print-scan inkjet 600 dpi, grey": lambda s: simulate.print_scan(
            page, page_dpi=600, rng=s, printer="inkjet"
        ),
        "print-scan laser 600 dpi, colour JPEG 90": lambda s: simulate.print_scan(
            page, page_dpi=600, rng=s, color=True, jpeg_quality=90
        ),
        "photocopy (text) + scan 600 dpi": lambda s: simulate.photocopy(
            page, page_dpi=600, rng=s
        ),
        "phone (12 MP frame, JPEG)": lambda s: simulate.phone_capture(
            page, page_dpi=600, rng=s
        ),
    }
    simulate.print_scan(
        page[:256, :256], page_dpi=600, rng=0, printer="inkjet"
    )  # builds the blue-noise mask
    print(
        f"\n## 1. Time per A4 page at 600 dpi (4960 x 7016), one core, median of {runs} runs\n"
    )
    print("| channel | wall s (median) | wall s (min-max) | CPU s (median) |")
    print("|---|---:|---:|---:|")
    for name, fn in channels.items():
        walls, cpus = [], []
        for s in range(runs):
            t0, c0 = time.perf_counter(), os.times()
            fn(s)
            c1, t1 = os.times(), time.perf_counter()
            walls.append(t1 - t0)
            cpus.append((c1.user - c0.user) + (c1.system - c0.system))
        print(
            f"| {name} | {statistics.median(walls):.2f} | {min(walls):.2f}-{max(walls):.2f} | {statistics.median(cpus):.2f} |"
        )
    cv2.setNumThreads(-1)


def detail_table(seeds: int) -> None:
    phone = lambda ppi: PhoneParams(frame=(1600, 1200), ppi=ppi)  # noqa: E731
    channels: dict[str, tuple[Callable[[np.ndarray, int], SimResult], str]] = {
        "print-scan laser, scan 300": (
            lambda p, s: simulate.print_scan(p, page_dpi=600, rng=s, scanner_dpi=300),
            "fine < 0.3",
        ),
        "print-scan laser, scan 600": (
            lambda p, s: simulate.print_scan(p, page_dpi=600, rng=s, scanner_dpi=600),
            "",
        ),
        "print-scan laser, scan 1200": (
            lambda p, s: simulate.print_scan(p, page_dpi=600, rng=s, scanner_dpi=1200),
            "fine > 0.5",
        ),
        "print-scan laser, scan 1200, oversample 2": (
            lambda p, s: simulate.print_scan(
                p, page_dpi=600, rng=s, scanner_dpi=1200, oversample=2
            ),
            "",
        ),
        "print-scan laser, scan 2400": (
            lambda p, s: simulate.print_scan(p, page_dpi=600, rng=s, scanner_dpi=2400),
            "",
        ),
        "print-scan laser worn, scan 1200": (
            lambda p, s: simulate.print_scan(
                p, page_dpi=600, rng=s, quality="worn", scanner_dpi=1200
            ),
            "",
        ),
        "print-scan inkjet, scan 600": (
            lambda p, s: simulate.print_scan(
                p, page_dpi=600, rng=s, printer="inkjet", scanner_dpi=600
            ),
            "",
        ),
        "print-scan inkjet, scan 1200": (
            lambda p, s: simulate.print_scan(
                p, page_dpi=600, rng=s, printer="inkjet", scanner_dpi=1200
            ),
            "",
        ),
        "photocopy text, scan 600": (
            lambda p, s: simulate.photocopy(p, page_dpi=600, rng=s, scanner_dpi=600),
            "< original - 0.2",
        ),
        "photocopy text, scan 1200": (
            lambda p, s: simulate.photocopy(p, page_dpi=600, rng=s, scanner_dpi=1200),
            "< original - 0.2",
        ),
        "photocopy photo, scan 1200": (
            lambda p, s: simulate.photocopy(
                p, page_dpi=600, rng=s, mode="photo", scanner_dpi=1200
            ),
            "",
        ),
        "strong copy (1200 scan+reprint), scan 1200": (
            lambda p, s: simulate.photocopy(
                p, page_dpi=600, rng=s, strong=True, scanner_dpi=1200
            ),
            "between",
        ),
        "phone at 300 ppi": (
            lambda p, s: simulate.phone_capture(
                p, page_dpi=600, rng=s, phone=phone(300.0)
            ),
            "",
        ),
        "phone at 500 ppi": (
            lambda p, s: simulate.phone_capture(
                p, page_dpi=600, rng=s, phone=phone(500.0)
            ),
            "",
        ),
    }
    print(
        f"\n## 2. 1-printer-dot random pattern (256 x 256 dots at 600 dpi), {seeds} seeds\n"
    )
    print(
        "fine = correlation of detail finer than 2 dots (above 150 cycles/inch); plain = correlation of the aligned capture.\n"
    )
    print(
        "| channel | fine mean | fine sd | fine min-max | plain mean | held to (tests) |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, (fn, held) in channels.items():
        plain, fine = [], []
        for s in range(seeds):
            page, pattern, margin = dot_pattern_page(s)
            a, b = correlations(fn(page, s), page, pattern, margin)
            plain.append(a)
            fine.append(b)
        print(
            f"| {name} | {np.mean(fine):.3f} | {np.std(fine):.3f} | {np.min(fine):.3f}-{np.max(fine):.3f} | {np.mean(plain):.3f} | {held} |"
        )


def datamatrix_table(seeds: int) -> None:
    def rate(fn: Callable[[np.ndarray, int], SimResult]) -> float:
        ok = 0
        for s in range(seeds):
            page, data = datamatrix_page(s)
            found = zxingcpp.read_barcodes(
                fn(page, s).image, formats=zxingcpp.BarcodeFormat.DataMatrix
            )
            ok += any(r.bytes == data for r in found)
        return ok / seeds

    print(f"\n## 3. DataMatrix, 0.34 mm modules, read by zxing-cpp, {seeds} seeds\n")
    print("| channel | read rate | held to (tests) |")
    print("|---|---:|---|")
    for printer in ("laser", "inkjet"):
        for quality in ("good", "worn"):
            for dpi in (300, 600):
                held = ">= 95 %" if quality == "good" else ""
                r = rate(
                    lambda p, s, pr=printer, q=quality, d=dpi: simulate.print_scan(
                        p, page_dpi=600, rng=s, printer=pr, quality=q, scanner_dpi=d
                    )
                )
                print(
                    f"| print-scan {printer} {quality}, scan {dpi} | {r:.0%} | {held} |"
                )
    r = rate(lambda p, s: simulate.photocopy(p, page_dpi=600, rng=s))
    print(f"| photocopy text, scan 600 | {r:.0%} | |")
    r = rate(lambda p, s: simulate.phone_capture(p, page_dpi=600, rng=s))
    print(f"| phone, 150-330 ppi (drawn), 12 MP frame | {r:.0%} | |")


def dot_gain_table(seeds: int) -> None:
    page = np.full((256, 512), 0, np.uint8)
    page[:, :256] = 128
    print(
        f"\n## 4. Tone value increase at 50 % (Murray-Davies, against paper and solid), {seeds} seeds\n"
    )
    print("| printer | TVI mean (points) | sd | typical published |")
    print("|---|---:|---:|---|")
    for kind in ("laser", "inkjet"):
        for quality in ("good", "worn"):
            tvis = []
            for s in range(seeds):
                p = PrinterParams.sample(
                    np.random.default_rng(s), kind=kind, quality=quality
                )
                refl = simulate.print_page(page, dpi=600, rng=s, printer=p).reflectance
                half = float(refl[32:-32, 32:224].mean()) / p.paper_reflectance
                solid = float(refl[32:-32, 288:480].mean()) / p.paper_reflectance
                tvis.append(100 * ((1 - half) / (1 - solid) - 128 / 255))
            print(
                f"| {kind} {quality} | {np.mean(tvis):.1f} | {np.std(tvis):.1f} | 10-30 |"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="4 seeds, 2 timing runs")
    parser.add_argument("--skip-timing", action="store_true")
    args = parser.parse_args()
    seeds, runs = (4, 2) if args.quick else (args.seeds, args.runs)
    if not args.skip_timing:
        timing_table(runs)
    detail_table(seeds)
    datamatrix_table(seeds)
    dot_gain_table(seeds)


if __name__ == "__main__":
    main()
