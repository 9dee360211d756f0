"""PDF issuing and verification speed.

Usage::

    python benchmarks/bench_pdf.py [--quick] [--reps N] [--batch N] [--workers 1,2]

Prints one table of medians measured in this process: issuing and signing one
certificate (``docsec.issue``: built-in template, P-256 seal, PAdES B-B) and its
parts (template, seal, protect, sign), and verifying one issued PDF
(``docsec.verify.verify_pdf``) and its parts (pyHanko validation, page render,
seal read and check). Then a batch through the CLI, ``docsec issue --batch
data.jsonl --out DIR --workers N``, timed from process start to exit (wall time,
documents per second).

Full run: 20 repetitions and 1 000 documents per worker count. ``--quick``: 5
repetitions and 50 documents. Targets (printed beside the numbers): issue + sign
<= 150 ms, verify <= 200 ms. The machine's load average is printed too: the numbers
are only comparable on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docsec import barcode, demo, issue, keys, pdf, trust
from docsec.issuing import issue_seal
from docsec.policy import VerifyPolicy
from docsec.seal import complete_dates
from docsec.verify import verify_pdf, verify_seal_bytes

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "samples" / "data"
SAMPLE = DATA / "family-relation.json"
TARGETS_MS = {"issue": 150.0, "verify": 200.0}
RENDER_DPI = 200.0  # the first resolution verify_pdf renders at


def median_ms(fn: Callable[[], object], reps: int) -> tuple[float, float]:
    """Return the median wall and CPU time of ``fn`` in ms (after one untimed call).

    The CPU time (this process, all threads) is less disturbed than the wall time
    when other jobs share the machine.
    """
    fn()
    wall, cpu = [], []
    for _ in range(reps):
        t0, c0 = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def batch_records(n: int) -> list[str]:
    """Return ``n`` JSON Lines records cycling over the sample data, unique numbers."""
    bases = [json.loads(p.read_text("utf-8")) for p in sorted(DATA.glob("*.json"))]
    return [
        json.dumps({**bases[i % len(bases)], "document_number": f"GN{i:010d}"})
        for i in range(n)
    ]


def run_batch(
    world: demo.DemoWorld, jsonl: Path, out: Path, workers: int
) -> tuple[float, float]:
    """Run ``docsec issue --batch`` once; return its wall and CPU time in seconds.

    The CPU time is that of the CLI process and its workers (``RUSAGE_CHILDREN``).
    """
    cmd = [sys.executable, "-m", "docsec_cli.main", "issue", "--batch", str(jsonl)]
    cmd += ["--key", str(world.issuer_key), "--cert", str(world.issuer_cert)]
    cmd += ["--out", str(out), "--workers", str(workers)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"batch failed ({done.returncode}): {done.stderr[-2000:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.1f} (1 min) / {five:.1f} (5 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 reps, 50 documents")
    parser.add_argument("--reps", type=int, default=None)
    parser.add_argument("--batch", type=int, default=None, help="documents per run")
    parser.add_argument("--workers", default="1,2", help="worker counts, e.g. 1,2")
    args = parser.parse_args()
    reps = args.reps or (5 if args.quick else 20)
    n_docs = args.batch if args.batch is not None else (50 if args.quick else 1000)
    worker_counts = [int(w) for w in args.workers.split(",") if w]
    # pyHanko logs nothing useful for successful runs; keep stderr clean.
    logging.basicConfig(level=logging.ERROR)

    tmp = Path(tempfile.mkdtemp(prefix="bench_pdf_"))
    try:
        now = datetime.now(UTC)  # the benchmark's one clock
        world = demo.write_demo_world(tmp / "world", now=now)
        key = keys.load_private_key(world.issuer_key, passphrase=None)
        cert = trust.load_certificate(world.issuer_cert)
        policy = VerifyPolicy.seal(trust.TrustStore.load(world.trust_dir))
        data: dict[str, Any] = complete_dates(
            json.loads(SAMPLE.read_text("utf-8")), day=now.date()
        )
        signing_key = pdf.PdfSigningKey(key, cert)

        print(
            f"docsec PDF benchmark: {platform.python_version()}, "
            f"{os.cpu_count()} cores, load average {load()} at start"
        )
        issued = issue(
            data, key=key, cert=cert, signature_date=now.date()
        )  # imports pyHanko
        layout = {**data, "layout": {"module_size_um": 500}}
        template = pdf.template_pdf(data)
        sealed = issue_seal(layout, key=key, cert=cert, signature_date=now.date())
        protected = pdf.protect(template, seal_bytes=sealed, document_number="X1")
        page = pdf.render_page(issued, dpi=RENDER_DPI)
        assert verify_pdf(issued, policy=policy).ok

        def seal_read() -> None:
            symbols = barcode.read(page)
            seal = next(s.data for s in symbols if s.data[:1] == b"\xdc")
            verify_seal_bytes(seal, policy=policy)

        rows: list[tuple[str, tuple[float, float], str]] = [
            (
                "issue + sign one certificate (P-256, PAdES B-B)",
                median_ms(lambda: issue(data, key=key, cert=cert), reps),
                "issue",
            ),
            (
                "  template (template_pdf)",
                median_ms(lambda: pdf.template_pdf(data), reps),
                "",
            ),
            (
                "  seal (issue_seal, ECDSA P-256)",
                median_ms(lambda: issue_seal(layout, key=key, cert=cert), reps),
                "",
            ),
            (
                "  protect (stamp seal + number)",
                median_ms(
                    lambda: pdf.protect(
                        template, seal_bytes=sealed, document_number="X1"
                    ),
                    reps,
                ),
                "",
            ),
            (
                "  sign (sign_pdf, PAdES B-B)",
                median_ms(lambda: pdf.sign_pdf(protected, signing_key), reps),
                "",
            ),
            (
                "verify one issued PDF",
                median_ms(lambda: verify_pdf(issued, policy=policy), reps),
                "verify",
            ),
            (
                "  validate (pyHanko, modification analysis)",
                median_ms(
                    lambda: pdf.validate_signatures(issued, trust=policy.trust), reps
                ),
                "",
            ),
            (
                f"  render page ({RENDER_DPI:.0f} dpi, pypdfium2)",
                median_ms(lambda: pdf.render_page(issued, dpi=RENDER_DPI), reps),
                "",
            ),
            ("  seal read + check (zxing-cpp, ECDSA)", median_ms(seal_read, reps), ""),
        ]
        print(f"\nmedians over {reps} repetitions (one process, after a warm-up call)")
        print(f"{'operation':50s} {'wall ms':>8s} {'CPU ms':>8s}   target (wall)")
        for name, (ms, cpu_ms), target in rows:
            goal = ""
            if target:
                limit = TARGETS_MS[target]
                verdict = "met" if ms <= limit else "MISSED"
                goal = f"<= {limit:.0f} ms  {verdict}"
            print(f"{name:50s} {ms:8.1f} {cpu_ms:8.1f}   {goal}")
        print(f"issued PDF size: {len(issued)} bytes")

        if n_docs == 0:
            print("\nbatch: skipped (--batch 0)")
            return 0
        jsonl = tmp / "data.jsonl"
        jsonl.write_text("\n".join(batch_records(n_docs)) + "\n", encoding="utf-8")
        print(
            f"\nbatch: docsec issue --batch data.jsonl --out DIR --workers N, "
            f"{n_docs} documents (wall time from process start to exit; CPU time "
            "of the CLI and its workers)"
        )
        print(
            f"{'workers':>7s} {'wall s':>8s} {'docs/s':>8s} {'ms/doc':>8s} "
            f"{'CPU s':>8s} {'CPU ms/doc':>10s}   load at end"
        )
        for workers in worker_counts:
            out = tmp / f"out{workers}"
            wall, cpu = run_batch(world, jsonl, out, workers)
            made = len(list(out.glob("*.pdf")))
            if made != n_docs:
                raise SystemExit(f"batch made {made} of {n_docs} PDFs")
            print(
                f"{workers:7d} {wall:8.1f} {n_docs / wall:8.1f} "
                f"{wall * 1000 / n_docs:8.1f} {cpu:8.1f} {cpu * 1000 / n_docs:10.1f}"
                f"   {load()}"
            )
            shutil.rmtree(out)
        if n_docs < 1000:
            print(
                f"(batch of {n_docs}, not 1 000: run without --quick for the full one)"
            )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
