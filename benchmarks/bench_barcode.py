"""DataMatrix reading benchmark over the third-party corpus.

Usage::

    python benchmarks/bench_barcode.py [--quick] [--corpus PATH]

Prints one table: for each reader, exact reads, wrong decodes (a decode that
differs from the label) and the median / max time per image over the 116
labelled cases of ../shared/corpus/datamatrix/cases.json plus the 6 BSI
TR-03137 seal figures of ../shared/corpus/vds (122 images; the "BSI" column
counts the figures alone). Readers:

* ``zxing-cpp alone``: plain ``zxingcpp.read_barcodes`` (DataMatrix only, defaults).
* ``libdmtx alone``: libdmtx through docsec's exact-length path (``outputIdx``),
  1 s timeout, every encodation, no re-check (what libdmtx itself returns).
* ``libdmtx + RS re-check``: the same, dropping results whose codewords fail
  docsec's independent Reed-Solomon re-check.
* ``docsec read``: :func:`docsec.barcode.read` (default options).
* ``docsec read +libdmtx``: with ``use_libdmtx=True``.

Extend by adding rows in :func:`bench_rows` (each row is a :class:`Row`).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import zxingcpp

from docsec.barcode import _dmtx, encode, read, render_raster
from docsec.imaging import read_image, to_gray

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Row:
    """One line of the table."""

    name: str
    ok: int
    wrong: int
    total: int
    bsi_ok: int
    median_ms: float
    max_ms: float
    note: str = ""


@dataclass(frozen=True)
class Case:
    name: str
    image: np.ndarray
    expected: bytes


def load_cases(corpus: Path, quick: bool) -> list[Case]:
    root = corpus / "datamatrix"
    cases = []
    for c in json.loads((root / "cases.json").read_text())["cases"]:
        exp = c["expected"]
        if exp is None:
            continue
        hexs = (
            exp.get("bytes_hex")
            or exp.get("bytes_hex_latin1")
            or exp.get("bytes_hex_raw_segments")
        )
        cases.append(
            Case(c["image"], read_image(root / c["image"]).image, bytes.fromhex(hexs))
        )
    vds = json.loads((corpus / "vds" / "cases.json").read_text())["cases"]
    for c in vds:
        if c["id"].startswith("bsi_") and c["id"].endswith("_figure"):
            cases.append(
                Case(
                    c["id"],
                    read_image(corpus / "vds" / c["file"]).image,
                    (corpus / "vds" / c["expected_payload_file"]).read_bytes(),
                )
            )
    if quick:
        cases = cases[::4]
    return cases


Reader = Callable[[np.ndarray], list[bytes]]


def zxing_alone(image: np.ndarray) -> list[bytes]:
    fmt = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.DataMatrix)
    return [bytes(r.bytes) for r in zxingcpp.read_barcodes(to_gray(image), formats=fmt)]


def libdmtx_alone(image: np.ndarray) -> list[bytes]:
    return [
        s.output
        for s in _dmtx.decode_dmtx(to_gray(image), timeout_ms=1000, max_count=1)
    ]


def libdmtx_checked(image: np.ndarray) -> list[bytes]:
    found = _dmtx.decode_dmtx(to_gray(image), timeout_ms=1000, max_count=1)
    return [s.output for s in found if s.ecc_ok]


def docsec_read(image: np.ndarray) -> list[bytes]:
    return [s.data for s in read(image)]


def docsec_read_dmtx(image: np.ndarray) -> list[bytes]:
    return [s.data for s in read(image, use_libdmtx=True)]


def measure(name: str, reader: Reader, cases: list[Case]) -> Row:
    ok = wrong = bsi_ok = 0
    times = []
    for case in cases:
        t0 = time.perf_counter()
        got = reader(case.image)
        times.append((time.perf_counter() - t0) * 1000)
        ok += case.expected in got
        bsi_ok += case.name.startswith("bsi_") and case.expected in got
        wrong += any(g != case.expected for g in got)
    return Row(
        name=name,
        ok=ok,
        wrong=wrong,
        total=len(cases),
        bsi_ok=bsi_ok,
        median_ms=statistics.median(times),
        max_ms=max(times),
    )


def bench_rows(corpus: Path, quick: bool = False) -> list[Row]:
    """Return the table rows (the place to add more measurements)."""
    cases = load_cases(corpus, quick)
    readers: list[tuple[str, Reader]] = [
        ("zxing-cpp alone", zxing_alone),
        ("libdmtx alone (exact length)", libdmtx_alone),
        ("libdmtx + RS re-check", libdmtx_checked),
        ("docsec read", docsec_read),
        ("docsec read +libdmtx", docsec_read_dmtx),
    ]
    return [measure(name, fn, cases) for name, fn in readers]


def print_table(rows: list[Row]) -> None:
    head = (
        f"{'reader':<30} {'exact':>9} {'BSI':>4} {'wrong':>6} "
        f"{'median ms':>10} {'max ms':>8}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        print(
            f"{r.name:<30} {r.ok:>4}/{r.total:<4} {r.bsi_ok:>4} {r.wrong:>6} "
            f"{r.median_ms:>10.1f} {r.max_ms:>8.0f}  {r.note}"
        )


def bench_seal(n: int = 200) -> list[tuple[str, float]]:
    """Median milliseconds of seal operations (P-256, demo PKI made in memory)."""
    import datetime as dt
    import tempfile

    from docsec import demo, keys, trust
    from docsec.issuing import issue_seal
    from docsec.policy import VerifyPolicy
    from docsec.seal import load_certificate_data, parse_unverified, verify_signature
    from docsec.verify import verify_image, verify_seal_bytes

    root = Path(__file__).resolve().parents[1]
    data = load_certificate_data(
        (root / "samples/data/family-relation.json").read_bytes()
    )
    with tempfile.TemporaryDirectory() as tmp:
        world = demo.write_demo_world(Path(tmp) / "w")
        key = keys.load_private_key(world.issuer_key, passphrase=None)
        cert = trust.load_certificate(world.issuer_cert)
        store = trust.TrustStore.load(world.trust_dir)
    policy = VerifyPolicy.seal(store)
    vk = keys.VerifyingKey.from_certificate(cert)
    at = dt.date.today()

    def timed(fn: Callable[[], object], reps: int) -> float:
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t0) * 1000)
        return statistics.median(times)

    sealed = issue_seal(data, key=key, cert=cert)
    parsed = parse_unverified(sealed)
    page = np.full((3508, 2480), 255, np.uint8)  # A4 at 300 dpi
    sym = render_raster(encode(sealed), module_px=6, quiet_zone=0)
    page[2700 : 2700 + sym.shape[0], 1770 : 1770 + sym.shape[1]] = sym
    return [
        (
            "issue_seal (canonical JSON + digest + sign)",
            timed(lambda: issue_seal(data, key=key, cert=cert), n),
        ),
        (
            "sign only (ECDSA P-256, RFC 6979)",
            timed(lambda: keys.sign_raw(key, parsed.signed_bytes), n),
        ),
        ("verify signature only", timed(lambda: verify_signature(parsed, vk), n)),
        (
            "verify_seal_bytes (parse, signature, chain, CRL)",
            timed(lambda: verify_seal_bytes(sealed, policy=policy, at=at), n),
        ),
        ("encode DataMatrix (277 bytes)", timed(lambda: encode(sealed), n)),
        (
            "verify_image, A4 page at 300 dpi (find + verify)",
            timed(lambda: verify_image(page, policy=policy, at=at), max(5, n // 20)),
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="every 4th case only")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = parser.parse_args()
    if not (args.corpus / "datamatrix" / "cases.json").is_file():
        raise SystemExit(f"corpus not found at {args.corpus}")
    print_table(bench_rows(args.corpus, quick=args.quick))
    print(
        "\nthresholds (tests/barcode/test_corpus.py): docsec >= 115/116 labelled, 0 wrong;"
    )
    print("6/6 BSI figures exact. Times: one process, shared 2-core machine.")
    print()
    rows = bench_seal(50 if args.quick else 200)
    width = max(len(name) for name, _ in rows)
    print(f"{'seal operation':<{width}}  median ms")
    print("-" * (width + 11))
    for name, ms in rows:
        print(f"{name:<{width}}  {ms:9.2f}")


if __name__ == "__main__":
    main()
