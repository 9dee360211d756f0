"""``docsec demo``: the end-to-end job that ``make demo`` runs.

Orchestration only: every step calls the library, and the verdicts come from
``docsec.verify``. Demo keys are written unencrypted and marked NOT FOR PRODUCTION.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from docsec import imaging, keys, simulate, trust
from docsec._page import render_page
from docsec.issuing import issue_seal
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec.seal import load_certificate_data
from docsec.verify import verify_file

_SAMPLE = "family-relation.json"
_DEMO_SEED = 20261127


def sample_data_dir() -> Path:
    """Return the folder of sample certificate data (repository or installed copy)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "samples" / "data", here / "sample_data"):
        if (candidate / _SAMPLE).is_file():
            return candidate
    raise FileNotFoundError("sample certificate data not found (samples/data)")


@dataclass(frozen=True, slots=True)
class _Case:
    name: str
    path: Path
    expected: Verdict
    note: str


def _tamper(seal_bytes: bytes, old: bytes, new: bytes) -> bytes:
    # Change the holder's name inside the signed message zone, keeping its length.
    if len(old) != len(new) or old not in seal_bytes:
        raise ValueError("cannot find the field to tamper with")
    return seal_bytes.replace(old, new, 1)


def run_demo(out_dir: Path, *, echo: Callable[[str], None]) -> bool:
    """Run the demo into ``out_dir``; return True when every verdict is as expected."""
    out_dir.mkdir(parents=True, exist_ok=True)
    world = trust.write_demo_world(out_dir / "keys", overwrite=True)
    attacker = trust.write_demo_world(out_dir / "attacker-keys", overwrite=True)
    echo(f"1. demo keys (NOT FOR PRODUCTION) in {world.directory}")

    data_path = sample_data_dir() / _SAMPLE
    data = load_certificate_data(data_path.read_bytes())
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    seal_bytes = issue_seal(data, key=key, cert=cert)
    (out_dir / "seal.bin").write_bytes(seal_bytes)
    echo(
        f"2. sealed {data_path.name}: {len(seal_bytes)} bytes, signer "
        f"{trust.signer_identifier(cert)}/{trust.certificate_reference(cert)}"
    )

    lines = [
        ("Document no.", str(data["document_number"])),
        ("Name", str(data["holder_name"])),
        ("Date of birth", str(data.get("birth_date", ""))),
        ("Issued by", str(data["issuing_office"])),
        ("Issue date", str(data["issue_date"])),
        ("Valid until", str(data.get("valid_until", ""))),
    ]
    title = "Family Relation Certificate"
    page = render_page(seal_bytes, lines, title=title, dpi=600)
    imaging.write_image(out_dir / "page.png", page, dpi=600)

    scan = simulate.print_scan(
        page, page_dpi=600, rng=_DEMO_SEED, printer="laser", scanner_dpi=300
    )
    imaging.write_image(out_dir / "scan-original.png", scan.image, dpi=scan.dpi)
    copy = simulate.photocopy(page, page_dpi=600, rng=_DEMO_SEED, scanner_dpi=300)
    imaging.write_image(out_dir / "scan-photocopy.png", copy.image, dpi=copy.dpi)
    echo("3. simulated a laser print scanned at 300 dpi, and a photocopy of it")

    forged_bytes = _tamper(seal_bytes, "홍길동".encode(), "홍길순".encode())
    (out_dir / "seal-tampered.bin").write_bytes(forged_bytes)
    forged_page = render_page(forged_bytes, lines, title=title, dpi=600)
    forged_scan = simulate.print_scan(
        forged_page, page_dpi=600, rng=_DEMO_SEED + 1, scanner_dpi=300
    )
    imaging.write_image(
        out_dir / "scan-forged-name.png", forged_scan.image, dpi=forged_scan.dpi
    )

    a_key = keys.load_private_key(attacker.issuer_key, passphrase=None)
    a_cert = trust.load_certificate(attacker.issuer_cert)
    rogue = issue_seal(data, key=a_key, cert=a_cert)
    (out_dir / "seal-rogue-issuer.bin").write_bytes(rogue)
    echo("4. made a seal with the holder's name changed, and one signed by a rogue key")

    cases = [
        _Case("seal bytes", out_dir / "seal.bin", Verdict.AUTHENTIC, "issued seal"),
        _Case(
            "print-scan",
            out_dir / "scan-original.png",
            Verdict.AUTHENTIC,
            "original paper, 300 dpi scan",
        ),
        _Case(
            "photocopy",
            out_dir / "scan-photocopy.png",
            Verdict.AUTHENTIC,
            "the seal alone cannot see a photocopy (copy detection is not built yet)",
        ),
        _Case(
            "tampered bytes",
            out_dir / "seal-tampered.bin",
            Verdict.NOT_AUTHENTIC,
            "name changed in the seal",
        ),
        _Case(
            "forged page",
            out_dir / "scan-forged-name.png",
            Verdict.NOT_AUTHENTIC,
            "printed seal with a changed name",
        ),
        _Case(
            "rogue issuer",
            out_dir / "seal-rogue-issuer.bin",
            Verdict.NOT_AUTHENTIC,
            "signed by a key nobody trusts",
        ),
    ]
    policy = VerifyPolicy.seal(trust.TrustStore.load(world.trust_dir))
    echo(f"5. verified with policy {policy.name!r} against {world.trust_dir}:")
    all_ok = True
    report = []
    width = max(len(c.name) for c in cases)
    for case in cases:
        result: VerificationResult = verify_file(case.path, policy=policy)
        ok = result.verdict is case.expected
        all_ok &= ok
        mark = "ok " if ok else "UNEXPECTED"
        reasons = ", ".join(result.reasons) or "-"
        echo(
            f"   {mark} {case.name.ljust(width)}  {result.verdict.value.upper():<14} "
            f"reasons: {reasons:<28} ({case.note})"
        )
        report.append(result.to_dict() | {"expected": case.expected.value})
    (out_dir / "verdicts.json").write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    echo(
        f"   all verdicts as expected: {'yes' if all_ok else 'NO'}; details in {out_dir / 'verdicts.json'}"
    )
    return all_ok
