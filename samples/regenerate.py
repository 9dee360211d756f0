"""Regenerate the issued sample PDFs in samples/pdf/ with the public demo keys.

Usage::

    python samples/regenerate.py [--new-keys]

The keys are the demo world in ``samples/demo-keys/``, written by
:func:`docsec.demo.write_demo_world`: NOT FOR PRODUCTION, unencrypted and public on
purpose, so that anyone can check (and forge with) them. They are reused as they are;
``--new-keys`` (or a missing folder) writes a new demo world with the fixed ``now``
below, so its certificates always have the same validity window.

Written into ``samples/pdf/``: one issued PDF per ``samples/data/*.json``, four
tampered variants of the family relation certificate (built with the attack builders
the tests use, ``tests/pdf/_attacks.py``) and ``README.md`` listing the verdict each
file must get at :data:`VERIFY_AT` (checked here before anything is written, and by
``tests/pdf/test_samples.py``). Signatures are randomised (ECDSA, the PDF signing
time), so the bytes differ between runs but the structure and the verdicts do not.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from docsec import demo, issue, keys, trust
from docsec.policy import VerifyPolicy
from docsec.verify import verify_pdf

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "samples" / "data"
KEYS = ROOT / "samples" / "demo-keys"
OUT = ROOT / "samples" / "pdf"

#: "Now" of the demo world: the certificates start a day earlier (root 20 years,
#: office 5 years) and the CRL is good for a year.
DEMO_NOW = datetime(2026, 11, 27, tzinfo=UTC)
#: Signing date written into every seal; the sample data give validity lengths
#: (``valid_for``), so the issue dates and ends are counted from it.
SIGNING_DAY = date(2026, 11, 27)
#: The date the verdicts hold at: inside the certificates' and every sample
#: document's validity (the local tax certificate is valid until 2026-12-27).
VERIFY_AT = date(2026, 12, 1)
#: The genuine document the tampered variants start from.
BASE = "family-relation"
BANNER = "NOT FOR PRODUCTION"


@dataclass(frozen=True)
class Sample:
    """One file of samples/pdf and the verdict it must get."""

    name: str
    what: str
    verdict: str
    reasons: tuple[str, ...] = ()


def _attacks() -> ModuleType:
    """Import the tests' attack builders (tests/ is not a package on sys.path)."""
    path = ROOT / "tests" / "pdf" / "_attacks.py"
    spec = importlib.util.spec_from_file_location("docsec_sample_attacks", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def demo_keys(*, new: bool) -> None:
    """Write a new demo world if asked or missing; check every key has the banner."""
    if new or not (KEYS / "issuer-key.pem").exists():
        demo.write_demo_world(KEYS, now=DEMO_NOW, overwrite=True)
        print(f"wrote a new demo world (NOT FOR PRODUCTION) to {KEYS}")
    secrets = [*KEYS.glob("*.key"), *KEYS.glob("*key.pem")]
    if len(secrets) < 2:
        raise SystemExit(f"no demo keys in {KEYS}")
    for path in secrets:
        first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
        if BANNER not in first_line:
            raise SystemExit(f"{path} lacks the {BANNER} banner; refusing to use it")


def build(attacks: ModuleType) -> dict[str, tuple[Sample, bytes]]:
    """Issue the originals and build the tampered variants."""
    key = keys.load_private_key(KEYS / "issuer-key.pem", passphrase=None)
    cert = trust.load_certificate(KEYS / "issuer-cert.pem")
    out: dict[str, tuple[Sample, bytes]] = {}
    for path in sorted(DATA.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        pdf = issue(data, key=key, cert=cert, signature_date=SIGNING_DAY)
        sample = Sample(
            f"{path.stem}.pdf",
            f"issued from `samples/data/{path.name}` with the demo keys (original)",
            "authentic",
        )
        out[sample.name] = (sample, pdf)
    original = out[f"{BASE}.pdf"][1]
    base_data = json.loads((DATA / f"{BASE}.json").read_text(encoding="utf-8"))
    tampered = [
        (
            Sample(
                "tampered-content-update.pdf",
                f"`{BASE}.pdf` plus an incremental update after the signature that "
                "paints a white box over the holder's name (the signature itself "
                "stays intact: only the modification analysis catches it)",
                "not_authentic",
                ("pdf-modified",),
            ),
            attacks.append_page_content(original, attacks.WHITE_OUT_HOLDER),
        ),
        (
            Sample(
                "tampered-update-without-eof.pdf",
                f"`{BASE}.pdf` plus the same kind of update, written without its final "
                "`%%EOF` line (issue #12): pyHanko and pdfium stop at the signed "
                "revision's `%%EOF`, qpdf and poppler show the white box; the "
                "signature no longer covers the whole file",
                "not_authentic",
                ("pdf-unsigned-bytes",),
            ),
            attacks.update_without_eof(original, attacks.WHITE_OUT_HOLDER),
        ),
        (
            Sample(
                "tampered-byte-flip.pdf",
                f"`{BASE}.pdf` with one bit flipped at offset 2000, inside the signed "
                "byte range (in the page's compressed content stream)",
                "not_authentic",
                ("pdf-digest-mismatch",),
            ),
            attacks.flip_signed_byte(original, 2000),
        ),
        (
            Sample(
                "forged-page-genuine-seal.pdf",
                f"a forged page (holder MALLORY) made with docsec's template, with the "
                f"genuine seal of `{BASE}.pdf` stamped on it, signed by the forger's "
                "own self-signed key: the seal alone verifies, the file was not signed "
                "by the seal's signer",
                "not_authentic",
                ("signer-mismatch",),
            ),
            attacks.forged_page_with_genuine_seal(
                original,
                {**base_data, "holder_name": "MALLORY"},
                attacks.untrusted_signer(now=DEMO_NOW),
                document_number=str(base_data["document_number"]),
            ),
        ),
    ]
    for sample, pdf in tampered:
        out[sample.name] = (sample, pdf)
    return out


def check(files: dict[str, tuple[Sample, bytes]]) -> list[str]:
    """Verify every file at VERIFY_AT; return the mismatches with the expectations."""
    policy = VerifyPolicy.seal(trust.TrustStore.load(KEYS / "trust"))
    problems = []
    for name, (sample, pdf) in files.items():
        r = verify_pdf(pdf, policy=policy, at=VERIFY_AT, input_name=name)
        missing = set(sample.reasons) - set(r.reasons)
        if r.verdict.value != sample.verdict or missing:
            problems.append(
                f"{name}: got {r.verdict.value} {list(r.reasons)}, expected "
                f"{sample.verdict} with {list(sample.reasons)}"
            )
        else:
            print(
                f"{name:36s} {len(pdf):7d} bytes  {r.verdict.value} {list(r.reasons)}"
            )
    return problems


_EXIT = {"authentic": 0, "not_authentic": 3, "inconclusive": 4}


def readme(samples: list[Sample]) -> str:
    """Return samples/pdf/README.md."""
    rows = "\n".join(
        f"| `{s.name}` | {s.what} | {s.verdict.upper().replace('_', ' ')} "
        f"| {_EXIT[s.verdict]} | {', '.join(f'`{r}`' for r in s.reasons) or '—'} |"
        for s in samples
    )
    return f"""\
# Sample PDFs

Made by `python samples/regenerate.py` with the demo keys in `../demo-keys/`, which
are **NOT FOR PRODUCTION**: written by `docsec.demo.write_demo_world`, unencrypted
and public, so anyone can issue "authentic" documents with them. Trust
`../demo-keys/trust/` only to try docsec.

The verdicts hold when verifying as of {VERIFY_AT.isoformat()} (the demo
certificates were made for {DEMO_NOW.date().isoformat()} and the sample documents
expire; `tests/pdf/test_samples.py` checks this table):

```sh
docsec verify samples/pdf/family-relation.pdf --trust samples/demo-keys/trust --at {VERIFY_AT.isoformat()}
```

| file | what it is | verdict | exit | reason codes (at least) |
|---|---|---|---|---|
{rows}

The reason codes are explained in `docs/pdf.md`. The tampered files are built by the
same functions as the tests in `tests/pdf/test_attacks.py` (`tests/pdf/_attacks.py`).
Signatures are randomised, so regenerating changes the bytes, not the verdicts.
"""


SCANS = ROOT / "samples" / "scans"
#: Seed of the simulated print, scan and photocopy (docsec.simulate).
SCAN_SEED = 1


def scans(original: bytes) -> dict[str, bytes]:
    """Simulate an original print scanned at 300 dpi and a photocopy of it (JPEG)."""
    from docsec import imaging, simulate
    from docsec.pdf import render_page

    page = render_page(original, dpi=600)
    out = {}
    for name, result in (
        (
            "original-print-scan-300dpi.jpg",
            simulate.print_scan(
                page, page_dpi=600, rng=SCAN_SEED, printer="laser", scanner_dpi=300
            ),
        ),
        (
            "photocopy-scan-300dpi.jpg",
            simulate.photocopy(
                page, page_dpi=600, rng=SCAN_SEED, printer="laser", scanner_dpi=300
            ),
        ),
    ):
        out[name] = imaging.encode_image(
            result.image, format="JPEG", dpi=result.dpi, jpeg_quality=85
        )
    return out


SCANS_README = """\
# Simulated scans

Made by `python samples/regenerate.py` from `../pdf/family-relation.pdf`: the page
rendered at 600 dpi, printed on a simulated laser printer and scanned at 300 dpi
(`docsec.simulate.print_scan`, seed 1), and the same print photocopied then scanned
(`docsec.simulate.photocopy`, seed 1). Both carry the genuine seal, so both verify
as AUTHENTIC on the seal (exit 0) with the demo trust store; at 300 dpi nothing can
tell the photocopy from the original paper (copy detection needs a 1200 dpi scan):

```sh
docsec verify samples/scans/*.jpg --trust samples/demo-keys/trust --at 2026-12-01
```
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--new-keys",
        action="store_true",
        help="write a new demo world into samples/demo-keys first",
    )
    args = parser.parse_args()
    # pyHanko logs each failed check of the tampered files with a traceback.
    logging.basicConfig(level=logging.ERROR)
    demo_keys(new=args.new_keys)
    files = build(_attacks())
    problems = check(files)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.pdf"):
        old.unlink()
    for name, (_, pdf) in files.items():
        (OUT / name).write_bytes(pdf)
    (OUT / "README.md").write_text(
        readme([s for s, _ in files.values()]), encoding="utf-8"
    )
    print(f"wrote {len(files)} PDFs and README.md to {OUT}")
    SCANS.mkdir(parents=True, exist_ok=True)
    for name, data in scans(files[f"{BASE}.pdf"][1]).items():
        (SCANS / name).write_bytes(data)
        print(f"{name:36s} {len(data):7d} bytes")
    (SCANS / "README.md").write_text(SCANS_README, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
