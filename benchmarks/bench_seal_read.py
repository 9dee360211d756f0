"""Seal read rate of issued pages through the print, scan, copy and phone channels.

Usage::

    python benchmarks/bench_seal_read.py [--seeds N] [--first SEED]
        [--pdf LABEL=PATH ...] [--channels laser-300,phone,...]

Without ``--pdf`` the sample certificate (samples/data/family-relation.json) is
issued with a demo key (NOT FOR PRODUCTION) and measured. Pass ``--pdf`` several
times to compare issued PDFs, e.g. a profile-v1 page issued from an older
checkout against today's profile-v2 page (issue #15 made the seal carry the
whole content: 301 B / 72x72 modules became 779 B / 104x104 modules at 0.5 mm).

Each page is rendered at 600 dpi and sent through the channels below; a cell
counts the seeds whose image gives back exactly the seal bytes of the PDF
(:func:`docsec.barcode.read`, default options):

* ``laser-300``, ``inkjet-300``, ``laser-600``, ``inkjet-600``: print, flatbed
  scan of the whole A4 page;
* ``copy-300``, ``copy-600``: print, photocopy (the copier's default mode),
  scan;
* ``laser-1200``, ``copy-1200``: the lower part of the page (y 208-292 mm,
  x 92-204 mm) scanned at 1200 ppi, as a counter's scanner captures it;
* ``phone``: print, phone photograph of the whole page (150-330 ppi).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np

from docsec import barcode, demo, issue, keys, simulate, trust
from docsec.pdf import render_page
from docsec.seal import load_certificate_data

ROOT = Path(__file__).resolve().parents[1]
PAGE_DPI = 600
MM = PAGE_DPI / 25.4
#: The counter scanner's capture for the 1200-ppi channels (mm: y0, y1, x0, x1).
LOWER = (208.0, 292.0, 92.0, 204.0)

Channel = Callable[[np.ndarray, int], np.ndarray]


def _lower(page: np.ndarray) -> np.ndarray:
    y0, y1, x0, x1 = LOWER
    return np.ascontiguousarray(
        page[int(y0 * MM) : int(y1 * MM), int(x0 * MM) : int(x1 * MM)]
    )


CHANNELS: dict[str, Channel] = {
    "laser-300": lambda p, s: (
        simulate.print_scan(
            p, page_dpi=PAGE_DPI, rng=s, printer="laser", scanner_dpi=300
        ).image
    ),
    "inkjet-300": lambda p, s: (
        simulate.print_scan(
            p, page_dpi=PAGE_DPI, rng=s, printer="inkjet", scanner_dpi=300
        ).image
    ),
    "laser-600": lambda p, s: (
        simulate.print_scan(
            p, page_dpi=PAGE_DPI, rng=s, printer="laser", scanner_dpi=600
        ).image
    ),
    "inkjet-600": lambda p, s: (
        simulate.print_scan(
            p, page_dpi=PAGE_DPI, rng=s, printer="inkjet", scanner_dpi=600
        ).image
    ),
    "copy-300": lambda p, s: (
        simulate.photocopy(p, page_dpi=PAGE_DPI, rng=s, scanner_dpi=300).image
    ),
    "copy-600": lambda p, s: (
        simulate.photocopy(p, page_dpi=PAGE_DPI, rng=s, scanner_dpi=600).image
    ),
    "laser-1200": lambda p, s: (
        simulate.print_scan(
            _lower(p), page_dpi=PAGE_DPI, rng=s, printer="laser", scanner_dpi=1200
        ).image
    ),
    "copy-1200": lambda p, s: (
        simulate.photocopy(_lower(p), page_dpi=PAGE_DPI, rng=s, scanner_dpi=1200).image
    ),
    "phone": lambda p, s: simulate.phone_capture(p, page_dpi=PAGE_DPI, rng=s).image,
}


def wilson_low(k: int, n: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for k successes in n trials."""
    if n == 0:
        return 0.0
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    m = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return (c - m) / d


def sample_pdf() -> bytes:
    """Issue the sample certificate with a throwaway demo world."""
    with tempfile.TemporaryDirectory() as tmp:
        w = demo.write_demo_world(
            Path(tmp) / "w", now=datetime(2026, 11, 27, tzinfo=UTC)
        )
        data = load_certificate_data(
            (ROOT / "samples/data/family-relation.json").read_bytes()
        )
        return issue(
            data,
            key=keys.load_private_key(w.issuer_key, passphrase=None),
            cert=trust.load_certificate(w.issuer_cert),
            cdp_key=keys.load_secret_key(w.cdp_key),
            signature_date=date(2026, 11, 27),
        )


def measure(label: str, pdf: bytes, seeds: range, channels: list[str]) -> None:
    page = render_page(pdf, dpi=PAGE_DPI)
    clean = barcode.read(page)
    if len(clean) != 1:
        sys.exit(f"{label}: the clean render holds {len(clean)} seals")
    want = clean[0].data
    print(
        f"\n{label}: {len(want)} B, {clean[0].size}x{clean[0].size} modules",
        flush=True,
    )
    print("| channel | read | rate | Wilson 95 % low | failed seeds |")
    print("|---|---|---|---|---|")
    for name in channels:
        channel = CHANNELS[name]
        ok = 0
        failed = []
        for seed in seeds:
            found = barcode.read(channel(page, seed))
            if any(s.data == want for s in found):
                ok += 1
            else:
                failed.append(seed)
        n = len(seeds)
        print(
            f"| {name} | {ok}/{n} | {ok / n:.1%} | {wilson_low(ok, n):.1%} "
            f"| {' '.join(map(str, failed)) or '-'} |",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=12)
    parser.add_argument("--first", type=int, default=7000)
    parser.add_argument("--pdf", action="append", default=[], metavar="LABEL=PATH")
    parser.add_argument(
        "--channels", default=",".join(CHANNELS), help="comma-separated subset"
    )
    args = parser.parse_args()
    channels = args.channels.split(",")
    if unknown := set(channels) - set(CHANNELS):
        parser.error(f"unknown channels: {sorted(unknown)}")
    seeds = range(args.first, args.first + args.seeds)
    pdfs = [tuple(p.split("=", 1)) for p in args.pdf] or [("sample", "")]
    for label, path in pdfs:
        measure(
            label, Path(path).read_bytes() if path else sample_pdf(), seeds, channels
        )


if __name__ == "__main__":
    main()
