"""2D-Doc and EU DCC seals through the print-scan and phone channels: read and verify rates.

Usage::

    python benchmarks/bench_formats.py [--seeds N] [--corpus PATH]

Takes the ANTS 2D-Doc example image ``images/2ddoc_barcode_c40_v3.png`` (a 48x48
DataMatrix, C40) and the EU DCC ``dcc/DE/2DCode/png/1.png`` (a version 18 QR code)
from ../shared/corpus/vds, puts each on an 80 mm x 80 mm white page at 600 dpi
(2D-Doc modules 0.51 mm, 24.4 mm wide; DCC modules 0.42 mm, 37.7 mm wide), sends
the page through :mod:`docsec.simulate` (laser print, flatbed scan at 300 and 200
dpi; phone capture), and verifies the result with :func:`docsec.verify.verify_image`
(2D-Doc: the FR00/0001 test certificate at 2015-10-31; DCC: its DSC at the test
case's validation clock). Prints one table: per format and channel, the share of
seeds whose seal was read and whose verdict was AUTHENTIC, and the median verify
time. Nothing here is tuned to a seed; the seeds are 0..N-1.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import statistics
import time
from pathlib import Path

import numpy as np
from cryptography import x509

from docsec import imaging, simulate
from docsec.policy import VerifyPolicy
from docsec.trust import TrustStore
from docsec.verify import verify_image

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
PAGE_DPI = 600
PAGE_PX = round(80 / 25.4 * PAGE_DPI)


def _page(symbol: np.ndarray, scale: int) -> np.ndarray:
    """Return a white page with ``symbol`` scaled up by ``scale`` (nearest) in the middle."""
    big = np.kron(symbol, np.ones((scale, scale), dtype=np.uint8))
    page = np.full((PAGE_PX, PAGE_PX), 255, dtype=np.uint8)
    r0 = (PAGE_PX - big.shape[0]) // 2
    c0 = (PAGE_PX - big.shape[1]) // 2
    page[r0 : r0 + big.shape[0], c0 : c0 + big.shape[1]] = big
    return page


def _cases(corpus: Path) -> list[tuple[str, np.ndarray, VerifyPolicy, dt.datetime]]:
    vds = corpus / "vds"
    ddoc = imaging.decode_image(
        (vds / "images" / "2ddoc_barcode_c40_v3.png").read_bytes(), gray=True, name="2d"
    ).image
    cert = x509.load_pem_x509_certificate(
        (vds / "certs" / "2DDOC_FR00_0001.pem").read_bytes()
    )
    raw = json.loads((vds / "dcc" / "DE" / "2DCode" / "raw" / "1.json").read_text())
    dsc = x509.load_der_x509_certificate(
        base64.b64decode(raw["TESTCTX"]["CERTIFICATE"])
    )
    qr = imaging.decode_image(
        (vds / "dcc" / "DE" / "2DCode" / "png" / "1.png").read_bytes(),
        gray=True,
        name="qr",
    ).image
    clock = dt.datetime.fromisoformat(raw["TESTCTX"]["VALIDATIONCLOCK"])
    return [
        # 3.08 source px per module x 4 = 12.3 px = 0.52 mm at 600 dpi.
        (
            "French 2D-Doc",
            _page(ddoc, 4),
            VerifyPolicy.seal(TrustStore.from_certificates([cert])),
            dt.datetime(2015, 10, 31, 12, tzinfo=dt.UTC),
        ),
        # 2 source px per module x 5 = 10 px = 0.42 mm at 600 dpi.
        (
            "EU DCC",
            _page(qr, 5),
            VerifyPolicy.seal(TrustStore.from_certificates([dsc])),
            clock,
        ),
    ]


def _channels() -> list[tuple[str, object]]:
    return [
        ("print + scan 300 dpi", lambda p, s: simulate.print_scan(p, page_dpi=PAGE_DPI, rng=s, scanner_dpi=300)),
        ("print + scan 200 dpi", lambda p, s: simulate.print_scan(p, page_dpi=PAGE_DPI, rng=s, scanner_dpi=200)),
        ("print + phone", lambda p, s: simulate.phone_capture(p, page_dpi=PAGE_DPI, rng=s)),
    ]  # fmt: skip


def main() -> None:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args()
    if not (args.corpus / "vds" / "cases.json").is_file():
        raise SystemExit(f"corpus not found at {args.corpus}")
    print("| format | channel | seeds | seal read | AUTHENTIC | median verify ms |")
    print("|---|---|---|---|---|---|")
    for name, page, policy, at in _cases(args.corpus):
        for label, channel in _channels():
            read = ok = 0
            times = []
            for seed in range(args.seeds):
                sim = channel(page, seed)  # type: ignore[operator]
                t0 = time.perf_counter()
                result = verify_image(sim.image, policy=policy, at=at)
                times.append((time.perf_counter() - t0) * 1000)
                barcode = result.check("barcode")
                read += barcode is not None and barcode.passed is True
                ok += result.ok
            n = args.seeds
            print(
                f"| {name} | {label} | {n} | {read}/{n} ({100 * read / n:.0f} %) | "
                f"{ok}/{n} ({100 * ok / n:.0f} %) | {statistics.median(times):.0f} |"
            )


if __name__ == "__main__":
    main()
