"""Printed-text cross-check: genuine papers never accused, single-field edits caught.

Usage::

    python benchmarks/bench_printed_text.py [--quick] [--seeds N] [--first S]
        [--workers W] [--conditions c1,c2] [--edits e1,e2] [--page DIR]

Issues the sample family-relation certificate with demo keys (seal with the whole
content and the printed-field regions, watermarked tint, copy-detection pattern, as
``docsec issue`` does), renders it at 600 dpi, and sends it through the channel
models of :mod:`docsec.simulate`:

* **genuine**: laser and inkjet print-scans at 300 and 600 dpi, photocopies scanned
  at 300 dpi, phone photos: every declared field should read ``match``; a
  ``mismatch`` on any field of a genuine page is a false accusation (target: 0);
* **edited**: before printing, one field is changed the way a forger edits a scan
  (the value cell is painted over with its background and the new text drawn in the
  template's own font, NanumGothic, or in another, NanumMyeongjo): holder name,
  birth date, document number, one family member's name, one character of the
  holder's name, one digit of the document number, and the holder's name
  whitened out. The edited field should read ``mismatch`` (target: >= 95 % at
  300 dpi, >= 80 % on phone photos) and never ``match``.

Each page goes through ``barcode.read`` and :func:`docsec.printed.check` (the
printed-text check as ``verify`` runs it); the table reports, per condition, the
field outcomes and the time the check adds (wall median, and CPU of this process
plus the OCR engine processes).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import resource
import statistics
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docsec import _ocr, barcode, demo, issue, keys, printed, simulate, trust
from docsec import seal as _seal
from docsec._template import certificate_fields
from docsec.pdf import render_page
from docsec.seal import complete_dates, load_certificate_data

ROOT = Path(__file__).resolve().parents[1]
AT = datetime.now(UTC).date()  # the benchmark's one clock
DPI = 600
FONTS = {
    "template": "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
    "other": "/usr/share/fonts/truetype/nanum/NanumMyeongjo.ttf",
}
GENUINE = ("laser-300", "inkjet-300", "laser-600", "inkjet-600", "copy-300", "phone")
EDITED_IN = ("laser-300", "inkjet-300", "phone")


@dataclass(frozen=True)
class Edit:
    name: str
    field: str  # JSON pointer
    text: str | None  # None: whitened out
    size_pt: float


# The sample's printed values (samples/data/family-relation.json) and one edit each.
EDITS = (
    Edit("holder-name", "/holder_name", "김철수 (KIM Cheolsu)", 11.0),
    Edit("birth-date", "/birth_date", "1979년 8월 21일 (1979-08-21)", 11.0),
    Edit("doc-number", "/document_number", "GN2607150317", 11.0),
    Edit("family-member", "/content/family/2/name", "박지영", 10.0),
    Edit("one-char-name", "/holder_name", "홍길순 (HONG Gildong)", 11.0),
    Edit("one-digit-number", "/document_number", "GN2611270942", 11.0),
    Edit("whiteout-name", "/holder_name", None, 11.0),
)


def make_page(tmp: Path) -> tuple[np.ndarray, dict[str, tuple[float, ...]]]:
    world = demo.write_demo_world(
        tmp / "keys", now=datetime(AT.year, AT.month, AT.day, tzinfo=UTC)
    )
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    data = complete_dates(
        load_certificate_data(
            (ROOT / "samples/data/family-relation.json").read_bytes()
        ),
        day=AT,
    )
    pdf = issue(
        data,
        key=key,
        cert=cert,
        cdp_key=keys.load_secret_key(world.cdp_key),
        watermark_key=keys.load_secret_key(world.watermark_key),
        signature_date=AT,
    )
    return render_page(pdf, dpi=DPI), dict(certificate_fields(data))


def kept_page(folder: Path) -> tuple[np.ndarray, dict[str, tuple[float, ...]]]:
    """The page kept in ``folder`` (``page.png``, ``boxes.json``), made if absent.

    Every page carries its own keys' seal, watermark and pattern, so two runs with
    fresh keys read different pages: a rare outcome seen once is found again only
    on the same page.
    """
    png, meta = folder / "page.png", folder / "boxes.json"
    if not png.exists():
        folder.mkdir(parents=True, exist_ok=True)
        page, boxes = make_page(folder)
        Image.fromarray(page).save(png)
        meta.write_text(json.dumps(boxes))
    kept = json.loads(meta.read_text())
    return np.asarray(Image.open(png)), {k: tuple(v) for k, v in kept.items()}


def apply_edit(
    page: np.ndarray, box_mm: tuple[float, ...], edit: Edit, font: str
) -> np.ndarray:
    """Paint the value cell over with its background and draw the new text."""
    x, y, w, h = (v * DPI / 25.4 for v in box_mm)
    r0, r1, c0, c1 = round(y), round(y + h), round(x), round(x + w)
    out = page.copy()
    cell = out[r0:r1, c0:c1]
    background = int(np.median(cell))
    out[r0:r1, c0:c1] = background  # the forger's flat fill (tint kept as grey)
    if edit.text is None:
        return out
    img = Image.fromarray(out)
    draw = ImageDraw.Draw(img)
    px = edit.size_pt / 72 * DPI
    face = ImageFont.truetype(font, round(px))
    # The template writes values 3 mm (tables: 1 mm) inside the cell, baseline at
    # 6.2 mm (tables: 4.6 mm) below the box top.
    table = edit.field.startswith("/content/")
    left = c0 + (1.0 if table else 3.0) * DPI / 25.4
    base = r0 + (4.6 if table else 6.2) * DPI / 25.4
    draw.text((left, base), edit.text, fill=0, font=face, anchor="ls")
    return np.asarray(img, np.uint8)


def channel(page: np.ndarray, condition: str, seed: int) -> np.ndarray:
    if condition == "phone":
        return simulate.phone_capture(page, page_dpi=DPI, rng=seed).image
    if condition == "copy-300":
        return simulate.photocopy(page, page_dpi=DPI, rng=seed, scanner_dpi=300).image
    kind, dpi = condition.split("-")
    return simulate.print_scan(
        page, page_dpi=DPI, rng=seed, printer=kind, scanner_dpi=float(dpi)
    ).image


@dataclass(frozen=True)
class Sample:
    condition: str
    seed: int
    edit: str  # "genuine" or Edit.name + "/" + font
    field: str | None
    outcomes: dict[str, str]
    misses: tuple[str, ...]  # genuine fields not matched: "field outcome 'read' conf"
    wall: float
    cpu: float
    note: str = ""


def run_one(
    page: np.ndarray,
    boxes: dict[str, tuple[float, ...]],
    condition: str,
    seed: int,
    edit: Edit | None,
    font: str,
) -> Sample:
    label = "genuine" if edit is None else f"{edit.name}/{font}"
    src = (
        page if edit is None else apply_edit(page, boxes[edit.field], edit, FONTS[font])
    )
    image = channel(src, condition, seed)
    syms = [s for s in barcode.read(image, timeout=10.0) if s.data[:1] == b"\xdc"]
    field = None if edit is None else edit.field
    if not syms:
        return Sample(condition, seed, label, field, {}, (), 0.0, 0.0, "no-seal")
    sym = syms[0]
    fields = _seal.decode_certificate(_seal.parse_unverified(sym.data))
    t0, c0 = time.perf_counter(), _cpu()
    _check, readings = printed.check(
        image, corners=sym.corners, size=sym.size, fields=fields
    )
    wall, cpu = time.perf_counter() - t0, _cpu() - c0
    outcomes = {r.field: r.outcome for r in readings}
    misses = tuple(
        f"{r.field} {r.outcome} {r.read!r} {r.confidence:.0f}"
        for r in readings
        if r.outcome != "match" and r.field != field
    )
    return Sample(condition, seed, label, field, outcomes, misses, wall, cpu)


def _cpu() -> float:
    """CPU seconds of this process, its reaped children and its live OCR engines."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime + _engines_cpu()


def _engines_cpu() -> float:
    """CPU seconds of the warm OCR engines still running (not yet in RUSAGE_CHILDREN)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _ocr._POOL.pids():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


_PAGE: np.ndarray | None = None
_BOXES: dict[str, tuple[float, ...]] = {}


def _init(page: np.ndarray, boxes: dict[str, tuple[float, ...]]) -> None:
    global _PAGE, _BOXES
    _PAGE, _BOXES = page, boxes


def _task(args: tuple[str, int, str | None, str]) -> Sample:
    condition, seed, edit_name, font = args
    assert _PAGE is not None
    edit = next((e for e in EDITS if e.name == edit_name), None)
    return run_one(_PAGE, _BOXES, condition, seed, edit, font)


def timing(page: np.ndarray) -> None:
    """Time the printed-text check on one genuine A4 300-dpi scan (7 runs)."""
    image = channel(page, "laser-300", 1)
    sym = next(s for s in barcode.read(image) if s.data[:1] == b"\xdc")
    fields = _seal.decode_certificate(_seal.parse_unverified(sym.data))
    walls, cpus = [], []
    for _ in range(7):
        t0, c0 = time.perf_counter(), _cpu()
        printed.check(image, corners=sym.corners, size=sym.size, fields=fields)
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu() - c0)
    print("| what | median wall | median CPU (process + OCR subprocesses) |")
    print("|---|---|---|")
    print(
        f"| printed-text check, 13 fields, A4 at 300 dpi | "
        f"{statistics.median(walls):.2f} s | {statistics.median(cpus):.2f} s |"
    )


def wilson_high(k: int, n: int, z: float = 1.96) -> float:
    """Upper bound of the Wilson score interval for k events in n trials."""
    if n == 0:
        return 1.0
    p = k / n
    d = 1 + z * z / n
    c = p + z * z / (2 * n)
    m = z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    return (c + m) / d


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f} %" if d else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 seeds")
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument(
        "--edit-seeds", type=int, default=0, help="seeds for edited pages (--seeds)"
    )
    parser.add_argument("--first", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--conditions", default="")
    parser.add_argument("--edits", default="")
    parser.add_argument("--no-genuine", action="store_true")
    parser.add_argument(
        "--timing",
        action="store_true",
        help="only time the check on one genuine 300-dpi laser scan, 7 runs",
    )
    parser.add_argument(
        "--page",
        type=Path,
        help="keep the issued page in this folder and reuse it on later runs "
        "(default: fresh demo keys, so a fresh page, on every run)",
    )
    args = parser.parse_args()
    seeds = range(args.first, args.first + (2 if args.quick else args.seeds))
    wanted = set(filter(None, args.conditions.split(",")))
    edits = [e for e in EDITS if not args.edits or e.name in args.edits.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="docsec-bench-text-"))
    page, boxes = kept_page(args.page) if args.page else make_page(tmp)
    if args.timing:
        timing(page)
        return
    tasks: list[tuple[str, int, str | None, str]] = []
    if not args.no_genuine:
        for cond in GENUINE:
            if not wanted or cond in wanted:
                tasks += [(cond, s, None, "template") for s in seeds]
    edit_seeds = seeds
    if args.edit_seeds:
        edit_seeds = range(args.first, args.first + args.edit_seeds)
    for cond in EDITED_IN:
        if wanted and cond not in wanted:
            continue
        for e in edits:
            for font in ("template", "other") if e.text is not None else ("template",):
                tasks += [(cond, s, e.name, font) for s in edit_seeds]
    t0 = time.time()
    with cf.ProcessPoolExecutor(
        args.workers, initializer=_init, initargs=(page, boxes)
    ) as pool:
        samples = list(pool.map(_task, tasks))
    report(samples, seeds, time.time() - t0)
    print()
    print("Fields of genuine content that did not match (stderr-style detail)")
    print()
    for s in samples:
        for miss in s.misses:
            print(f"- {s.condition} seed {s.seed} {s.edit}: {miss}")


def report(samples: list[Sample], seeds: range, elapsed: float) -> None:
    print(
        f"seeds {seeds.start}-{seeds.stop - 1} ({len(seeds)} per cell), "
        f"{len(samples)} pages, {elapsed:.0f} s"
    )
    print()
    print("Genuine pages (every declared field of every page)")
    print()
    print(
        "| condition | pages | seal read | fields | match | unreadable | "
        "**false mismatch** | false-mismatch rate, Wilson 95 % upper | "
        "pages all match | pages with a key field unreadable (INCONCLUSIVE) | "
        "check time median (wall / CPU) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for cond in GENUINE:
        rows = [s for s in samples if s.condition == cond and s.edit == "genuine"]
        if not rows:
            continue
        read = [s for s in rows if s.outcomes]
        outs = Counter(o for s in read for o in s.outcomes.values())
        n = sum(outs.values())
        allm = sum(all(o == "match" for o in s.outcomes.values()) for s in read)
        key = sum(
            any(s.outcomes.get(f) != "match" for f in printed.KEY_FIELDS) for s in read
        )
        wall = statistics.median(s.wall for s in read) if read else 0.0
        cpu = statistics.median(s.cpu for s in read) if read else 0.0
        print(
            f"| {cond} | {len(rows)} | {len(read)} | {n} | {pct(outs['match'], n)} | "
            f"{pct(outs['unreadable'], n)} | **{outs['mismatch']}** | "
            f"<= {100 * wilson_high(outs['mismatch'], n):.2f} % | "
            f"{pct(allm, len(read))} | {key} ({pct(key, len(read))}) | "
            f"{wall:.2f} s / {cpu:.2f} s |"
        )
    fields = Counter(
        o
        for s in samples
        if s.edit == "genuine" and s.outcomes
        for o in s.outcomes.values()
    )
    n = sum(fields.values())
    print()
    print(
        f"All genuine fields: {n}, false mismatches {fields['mismatch']}, "
        f"rate <= {100 * wilson_high(fields['mismatch'], n):.2f} % "
        "(Wilson 95 % upper bound)"
    )
    print()
    print("Edited field (one edit per page; the other fields of that page in brackets)")
    print()
    print(
        "| condition | edit | font | pages | seal read | **detected (mismatch)** | "
        "unreadable | **match** | other fields: false mismatch |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for cond in EDITED_IN:
        for e in EDITS:
            for font in ("template", "other"):
                label = f"{e.name}/{font}"
                rows = [s for s in samples if s.condition == cond and s.edit == label]
                if not rows:
                    continue
                read = [s for s in rows if s.outcomes]
                outs = Counter(s.outcomes.get(e.field, "unreadable") for s in read)
                others = sum(
                    o == "mismatch"
                    for s in read
                    for f, o in s.outcomes.items()
                    if f != e.field
                )
                print(
                    f"| {cond} | {e.name} | {font} | {len(rows)} | {len(read)} | "
                    f"**{pct(outs['mismatch'], len(read))}** | "
                    f"{pct(outs['unreadable'], len(read))} | **{outs['match']}** | "
                    f"{others} |"
                )
    print()
    print("Summary by condition (all edits and fonts)")
    print()
    print("| condition | edited pages | detected | unreadable | match |")
    print("|---|---|---|---|---|")
    for cond in EDITED_IN:
        read = [
            s
            for s in samples
            if s.condition == cond and s.edit != "genuine" and s.outcomes
        ]
        outs = Counter(s.outcomes.get(s.field or "", "unreadable") for s in read)
        print(
            f"| {cond} | {len(read)} | {pct(outs['mismatch'], len(read))} | "
            f"{pct(outs['unreadable'], len(read))} | {outs['match']} |"
        )


if __name__ == "__main__":
    main()
