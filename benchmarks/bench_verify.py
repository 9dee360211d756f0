"""End-to-end verification speed and memory for scans (issue: the clerk's second).

Usage::

    python benchmarks/bench_verify.py [--quick] [--batch N]

Makes a sample certificate with demo keys (seal, copy-detection pattern and
watermarked tint, as ``docsec issue`` makes it by default), renders the issued PDF at
600 dpi, runs it through ``docsec.simulate.print_scan`` at 300 and 600 dpi (PNG), then
verifies with the watermark and copy-detection keys held, and measures:

* the end-to-end ``verify_file`` median per resolution, and the share of each stage
  (read the file, find and decode the seal, verify the seal, the watermark check),
  next to the time zxing-cpp alone needs to find the symbol on the same page (the
  floor);
* peak resident memory of one ``docsec verify`` process at 600 dpi;
* batch throughput of ``docsec verify --jobs 1`` and ``--jobs 2`` over N scans.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import zxingcpp

from docsec import barcode, demo, imaging, issue, keys, simulate, trust
from docsec import watermark as wm
from docsec.pdf import render_page
from docsec.policy import VerifyPolicy
from docsec.seal import complete_dates, load_certificate_data
from docsec.verify import verify_file, verify_seal_bytes

ROOT = Path(__file__).resolve().parents[1]
AT = datetime.now(UTC).date()  # the benchmark's one clock


def median_ms(fn: Callable[[], object], reps: int) -> float:
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument(
        "--batch", type=int, default=200, help="scans in the batch run (0: skip)"
    )
    args = parser.parse_args()
    reps = 5 if args.quick else 15
    tmp = Path(tempfile.mkdtemp(prefix="docsec-bench-verify-"))
    world = demo.write_demo_world(
        tmp / "keys", now=datetime(AT.year, AT.month, AT.day, tzinfo=UTC)
    )
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    data = load_certificate_data(
        (ROOT / "samples/data/family-relation.json").read_bytes()
    )
    data = complete_dates(data, day=AT)  # the sample gives a validity length
    wkey = keys.load_secret_key(world.watermark_key)
    ckey = keys.load_secret_key(world.cdp_key)
    pdf = issue(
        data, key=key, cert=cert, cdp_key=ckey, watermark_key=wkey, signature_date=AT
    )
    page = render_page(pdf, dpi=600)
    policy = VerifyPolicy.seal(
        trust.TrustStore.load(world.trust_dir), cdp_keys=[ckey], watermark_keys=[wkey]
    )
    print(
        f"docsec verify benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f}; medians of {reps} runs, one process"
    )
    print()
    header = (
        f"{'scan':<14}{'end-to-end ms':>14}{'read file':>11}{'find+decode':>13}"
        f"{'verify seal':>13}{'watermark':>11}{'zxing floor':>13}  target"
    )
    print(header)
    print("-" * len(header))
    scans: dict[int, Path] = {}
    for dpi, target in ((300, 500.0), (600, 1500.0)):
        sim = simulate.print_scan(
            page, page_dpi=600, rng=7, printer="laser", scanner_dpi=dpi
        )
        path = tmp / f"scan-{dpi}.png"
        imaging.write_image(path, sim.image, dpi=sim.dpi)
        scans[dpi] = path
        result = verify_file(path, policy=policy, at=AT)
        if not result.ok:
            raise SystemExit(f"the {dpi}-dpi scan did not verify: {result.reasons}")
        wm_check = result.check("watermark")
        if wm_check is None or wm_check.status.value != "pass":
            raise SystemExit(f"the {dpi}-dpi scan's watermark did not pass")
        img = imaging.read_image(path).image
        seal_bytes = result.content.seal_bytes if result.content else b""
        total = median_ms(lambda p=path: verify_file(p, policy=policy, at=AT), reps)
        t_read = median_ms(lambda p=path: imaging.read_image(p), reps)
        t_find = median_ms(
            lambda i=img: barcode.read(i, timeout=policy.barcode_timeout), reps
        )
        t_seal = median_ms(
            lambda b=seal_bytes: verify_seal_bytes(b, policy=policy, at=AT), reps
        )
        # The watermark stage as verify runs it: at the scale the seal gives.
        t_wm = median_ms(lambda i=img, d=dpi: wm.extract(i, key=wkey, dpi=d), reps)
        t_floor = median_ms(
            lambda i=img: zxingcpp.read_barcodes(
                i, formats=zxingcpp.BarcodeFormat.DataMatrix
            ),
            reps,
        )
        ok = "met" if total <= target else "MISSED"
        print(
            f"{dpi:>4} dpi PNG  {total:>14.0f}{t_read:>11.0f}{t_find:>13.0f}{t_seal:>13.1f}"
            f"{t_wm:>11.0f}{t_floor:>13.0f}  <= {target:.0f} ms {ok}"
        )
        share = ", ".join(
            f"{name} {100 * t / total:.0f}%"
            for name, t in (
                ("read", t_read),
                ("find+decode", t_find),
                ("verify", t_seal),
                ("watermark", t_wm),
            )
        )
        print(f"{'':14}share of end-to-end: {share}")
    print()
    code = (
        "import sys;"
        "from datetime import date;"
        "from docsec.policy import VerifyPolicy; from docsec.trust import TrustStore;"
        "from docsec.verify import verify_file;"
        "from docsec.keys import load_secret_key;"
        f"w = load_secret_key({str(world.watermark_key)!r});"
        f"r = verify_file({str(scans[600])!r}, policy=VerifyPolicy.seal("
        f"TrustStore.load({str(world.trust_dir)!r}), watermark_keys=[w]));"
        "assert r.check('watermark').status.value == 'pass';"
        # VmHWM is this process's own peak (ru_maxrss can carry the parent's
        # peak across fork and exec on Linux).
        "print([ln.split()[1] for ln in open('/proc/self/status') if ln.startswith('VmHWM')][0])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    peak_mb = int(out.stdout.strip()) / 1024
    print(
        f"peak memory, one process verifying the 600-dpi scan: {peak_mb:.0f} MB "
        f"(target <= 500 MB: {'met' if peak_mb <= 500 else 'MISSED'})"
    )
    if args.batch:
        batch = tmp / "batch"
        batch.mkdir()
        n = args.batch
        for i in range(n):
            sim = simulate.print_scan(
                page,
                page_dpi=600,
                rng=1000 + i,
                printer="laser" if i % 2 else "inkjet",
                scanner_dpi=300,
            )
            imaging.write_image(batch / f"scan-{i:04d}.png", sim.image, dpi=sim.dpi)
        exe = str(Path(sys.executable).with_name("docsec"))
        print()
        print(
            f"batch: docsec verify DIR --jobs N over {n} simulated 300-dpi scans (laser and inkjet)"
        )
        print(f"{'jobs':>5}{'wall s':>9}{'scans/s':>9}{'authentic':>11}")
        for jobs in (1, 2):
            t0 = time.perf_counter()
            proc = subprocess.run(
                [
                    exe,
                    "verify",
                    str(batch),
                    "--trust",
                    str(world.trust_dir),
                    "--json",
                    "--watermark-key",
                    str(world.watermark_key),
                    "--jobs",
                    str(jobs),
                ],
                capture_output=True,
                text=True,
                check=False,
            )
            wall = time.perf_counter() - t0
            authentic = proc.stdout.count('"verdict": "authentic"')
            print(f"{jobs:>5}{wall:>9.1f}{n / wall:>9.1f}{authentic:>7}/{n}")
    print(
        f"\n(self rusage {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; files in {tmp})"
    )


if __name__ == "__main__":
    main()
