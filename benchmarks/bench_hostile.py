"""Peak memory and time of ``docsec verify`` on hostile inputs, per class.

Usage::

    python benchmarks/bench_hostile.py [--quick] [--cap-gb 4]

Each input is verified by a fresh ``docsec verify FILE --trust DIR`` process (its
interpreter start included in the time); the peak RSS is that process's
``ru_maxrss`` from ``wait4``. Every process runs under an address-space cap
(``--cap-gb``, default 4) so that a regression cannot take the machine down: a
case that hits it shows as a MemoryError, not a number.

The hostile inputs are the ones tests/hostile asserts (tests/hostile/_cases.py):
small files that claim huge sizes, PDFs with huge pages or images, truncations,
special files, encrypted PDFs. Beside them, genuine references: the A4 page at 600
dpi (colour PNG), and a page at the file pixel limit (176 Mpx) with seal,
watermark and copy-detection pattern. Then two batches with ``--jobs 2``: the
whole process tree's peak RSS (sampled every 20 ms from /proc), and a batch whose
worker is killed on one input.

Targets (from issue 14), printed beside the numbers: peak RSS <= 600 MB for any
input up to the pixel limit, <= 300 MB for an A4 page at 600 dpi, every hostile
input answered in <= 10 s, and ``--jobs N`` <= N x 600 MB. ``--quick`` leaves out
the 50 MB PDF of 500 000 pages and the 176 Mpx page.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/hostile holds the cases (not installed)

from tests.hostile import _build  # noqa: E402
from tests.hostile._cases import CASES, World, make_world  # noqa: E402

MB = 1024 * 1024
TARGET_ANY_MB = 600
TARGET_A4_600_MB = 300
TARGET_SECONDS = 10.0


@dataclass(frozen=True)
class Run:
    exit_code: int
    answer: str
    peak_mb: float
    seconds: float


def _answer(output: str, exit_code: int) -> str:
    for line in output.splitlines():
        if "AUTHENTIC" in line or "INCONCLUSIVE" in line:
            verdict = line.split(": ", 1)[-1]
            return " ".join(verdict.split())[:60]
    if "MemoryError" in output:
        return "MemoryError (hit the cap)"
    return f"exit {exit_code}"


def verify(args: list[str], cap_bytes: int, env: dict[str, str] | None = None) -> Run:
    """Run ``docsec`` once in a fresh process; return its answer, peak RSS, time."""

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (cap_bytes, cap_bytes))

    cmd = [sys.executable, "-m", "docsec_cli.main", *args]
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(
            cmd,
            stdout=out,
            stderr=subprocess.STDOUT,
            preexec_fn=limit,  # the cap is set in the child before it runs docsec
            env={**os.environ, **(env or {})},
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.monotonic() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", errors="replace")
    return Run(
        proc.returncode, _answer(text, proc.returncode), usage.ru_maxrss / 1024, seconds
    )


def tree_rss_mb(pid: int) -> float:
    """Return the summed RSS of a process and its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        child, parent = int(entry), int(fields[1])
        children.setdefault(parent, []).append(child)
        rss[child] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += rss.get(p, 0)
        stack.extend(children.get(p, []))
    return total / MB


def batch_tree_peak(
    args: list[str], env: dict[str, str] | None = None
) -> tuple[float, float, str]:
    """Run a batch; return the process tree's peak RSS (sampled), seconds, summary."""
    cmd = [sys.executable, "-m", "docsec_cli.main", *args]
    start = time.monotonic()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(proc.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, err = proc.communicate()
    done.set()
    sampler.join()
    summary = next((ln for ln in err.splitlines() if " inputs: " in ln), err[-200:])
    return peak[0], time.monotonic() - start, f"exit {proc.returncode}: {summary}"


def references(
    world: World, directory: Path, quick: bool
) -> list[tuple[str, str, Path, list[str], int]]:
    """Genuine inputs: (class, name, file, extra args, target MB)."""
    import numpy as np
    import pypdfium2 as pdfium

    from docsec import imaging

    def render(dpi: float) -> np.ndarray:
        doc = pdfium.PdfDocument(world.pdf.read_bytes())
        doc.init_forms()
        bitmap = doc[0].render(scale=dpi / 72, grayscale=True, may_draw_forms=True)
        page = np.ascontiguousarray(bitmap.to_numpy())
        doc.close()
        return page

    keys = [
        "--watermark-key", str(world.trust_dir.parent / "watermark.key"),
        "--cdp-key", str(world.trust_dir.parent / "cdp.key"),
    ]  # fmt: skip
    a4 = directory / "a4-600dpi-colour.png"
    imaging.write_image(a4, imaging.to_bgr(render(600)), dpi=600)
    out = [("genuine", "A4 600 dpi colour PNG", a4, keys, TARGET_A4_600_MB)]
    out.append(("genuine", "issued PDF", world.pdf, keys, TARGET_ANY_MB))
    if not quick:
        big = directory / "a4-1350dpi-176mpx.png"
        imaging.write_image(big, render(1350), dpi=1350)
        out.append(
            ("genuine", "page at the pixel limit (176 Mpx)", big, keys, TARGET_ANY_MB)
        )
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="leave out the two largest inputs"
    )
    parser.add_argument(
        "--cap-gb", type=float, default=4.0, help="address-space cap per process"
    )
    args = parser.parse_args()
    cap = int(args.cap_gb * 1024 * MB)
    tmp = Path(tempfile.mkdtemp(prefix="bench_hostile_"))
    try:
        world = make_world(tmp)
        trust = ["--trust", str(world.trust_dir)]
        print(
            f"docsec hostile-input benchmark: Python {platform.python_version()}, "
            f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}; one fresh "
            f"process per input, address space capped at {args.cap_gb:g} GiB"
        )
        print()
        header = f"{'class':<20} {'input':<34} {'answer':<44} {'peak MB':>8} {'time s':>7}  target"
        print(header)
        print("-" * len(header))
        worst_hostile_mb = 0.0
        worst_seconds = 0.0
        rows: list[tuple[str, str, Path, list[str], int]] = []
        for case in CASES:
            directory = tmp / case.name
            directory.mkdir()
            rows.append(
                (
                    case.kind,
                    case.name,
                    case.build(world, directory),
                    list(case.args),
                    case.ceiling_mb,
                )
            )
        if not args.quick:
            many = tmp / "many-pages.pdf"
            many.write_bytes(_build.pdf_many_pages(500_000))
            rows.append(("pdf: pages", "pdf-500000-pages (50 MB)", many, [], 250))
        for kind, name, path, extra, _ceiling in rows:
            run = verify(["verify", str(path), *trust, *extra], cap)
            ok = run.peak_mb <= TARGET_ANY_MB and run.seconds <= TARGET_SECONDS
            worst_hostile_mb = max(worst_hostile_mb, run.peak_mb)
            worst_seconds = max(worst_seconds, run.seconds)
            print(
                f"{kind:<20} {name:<34} {run.answer:<44} {run.peak_mb:8.0f} "
                f"{run.seconds:7.1f}  {'ok' if ok else 'MISSED'} (600 MB, 10 s)"
            )
        for kind, name, path, extra, target in references(world, tmp, args.quick):
            run = verify(["verify", str(path), *trust, *extra], cap)
            ok = run.peak_mb <= target
            print(
                f"{kind:<20} {name:<34} {run.answer:<44} {run.peak_mb:8.0f} "
                f"{run.seconds:7.1f}  {'ok' if ok else 'MISSED'} ({target} MB)"
            )
        print()
        print(
            f"hostile inputs: worst peak {worst_hostile_mb:.0f} MB, slowest "
            f"{worst_seconds:.1f} s (targets {TARGET_ANY_MB} MB, {TARGET_SECONDS:g} s)"
        )

        # Batches: the whole tree (the CLI and its workers) for --jobs 2.
        big = [
            tmp / c / f
            for c, f in (
                ("png-16bit-13000", "g16.png"),
                ("png-palette-13000", "pal.png"),
                ("tiff-strips-13000", "strips.tif"),
            )
        ]
        batch = [*map(str, big), str(world.seal_png)]
        peak, seconds, summary = batch_tree_peak(
            ["verify", *batch, *trust, "--jobs", "2"]
        )
        print(
            f"batch --jobs 2, 3 x 169 Mpx + 1 seal: tree peak {peak:.0f} MB "
            f"(target <= {2 * TARGET_ANY_MB} MB), {seconds:.1f} s; {summary}"
        )
        victim = tmp / "victim.png"
        shutil.copy(world.seal_png, victim)
        inputs = [str(world.seal_png), str(victim), str(world.pdf)]
        env = {"DOCSEC_TEST_WORKER_FAULT": "exit:victim.png"}
        peak, seconds, summary = batch_tree_peak(
            ["verify", *inputs, *trust, "--jobs", "2"], env
        )
        print(
            f"batch --jobs 2 with a worker killed on one input: {seconds:.1f} s; {summary}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
