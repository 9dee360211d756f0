"""``docsec demo``: the end-to-end job that ``make demo`` runs.

Orchestration only: every step calls the library, and the verdicts come from
``docsec.verify``. Demo keys are written unencrypted and marked NOT FOR PRODUCTION.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np

from docsec import demo, imaging, keys, simulate, trust
from docsec.demo import render_page
from docsec.issuing import issue_seal
from docsec.pdf import render_page as render_pdf_page
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec.seal import complete_dates, load_certificate_data
from docsec.verify import verify_file
from docsec_cli._errors import CLIError
from docsec_cli._i18n import N_, tr
from docsec_cli._render import VERDICT_TEXT, cells, pad

_SAMPLE = "family-relation.json"
_OTHER_SAMPLE = "local-tax-payment.json"
_DEMO_SEED = 20261127


def sample_data_dir() -> Path:
    """Return the folder of sample certificate data (repository or installed copy)."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parents[1] / "samples" / "data", here / "sample_data"):
        if (candidate / _SAMPLE).is_file():
            return candidate
    raise CLIError(
        tr(
            "the sample certificate data (samples/data) is not installed: "
            "reinstall docsec, or run the demo from a checkout of its repository"
        )
    )


@dataclass(frozen=True, slots=True)
class _Case:
    name: str
    path: Path
    expected: Verdict
    note: str
    counter: bool = False
    #: The paper state the copy check must report, when it matters to the case.
    paper: str | None = None
    #: Verify with the seal policy but without the watermark key (a scan of the
    #: seal area only, where the watermark is out of view).
    seal_area: bool = False


def _tamper(seal_bytes: bytes, old: bytes, new: bytes) -> bytes:
    # Change the holder's name inside the signed message zone, keeping its length.
    if len(old) != len(new) or old not in seal_bytes:
        raise ValueError("cannot find the field to tamper with")
    return seal_bytes.replace(old, new, 1)


def _flip_signed_byte(pdf: bytes) -> bytes:
    # /ByteRange [0 a b c]: the first signed range is [0, a). Change one byte in its
    # middle (page content), as an editor with a hex tool would.
    marker = pdf.rfind(b"/ByteRange")
    if marker < 0:
        raise ValueError("no signature in the issued PDF")
    nums = pdf[marker : marker + 80].split(b"[", 1)[1].split(b"]", 1)[0].split()
    first_len = int(nums[1])
    out = bytearray(pdf)
    i = first_len // 2
    out[i] = out[i] ^ 0x01 if out[i] not in (0x0A, 0x0D) else 0x20
    return bytes(out)


def run_demo(out_dir: Path, *, echo: Callable[[str], None], now: datetime) -> bool:
    """Run the demo into ``out_dir``; return True when every verdict is as expected.

    ``now`` (timezone-aware) is the demo's only clock: the keys are made, the
    certificates issued (the sample data give validity lengths, not dates) and
    every input verified as of that time, so the verdicts are the same on any day.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    day = now.date()
    world = demo.write_demo_world(out_dir / "keys", now=now, overwrite=True)
    attacker = demo.write_demo_world(out_dir / "attacker-keys", now=now, overwrite=True)
    echo(tr("1. demo keys (NOT FOR PRODUCTION) in {path}").format(path=world.directory))

    data_path = sample_data_dir() / _SAMPLE
    data = complete_dates(load_certificate_data(data_path.read_bytes()), day=day)
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    seal_bytes = issue_seal(data, key=key, cert=cert, signature_date=day)
    (out_dir / "seal.bin").write_bytes(seal_bytes)
    echo(
        tr("2. sealed {file}: {size} bytes, signer {signer}").format(
            file=data_path.name,
            size=len(seal_bytes),
            signer=f"{trust.signer_identifier(cert)}/{trust.certificate_reference(cert)}",
        )
    )

    import docsec

    cdp_key = keys.load_secret_key(world.cdp_key)
    wm_key = keys.load_secret_key(world.watermark_key)
    pdf_bytes = docsec.issue(
        data,
        key=key,
        cert=cert,
        cdp_key=cdp_key,
        watermark_key=wm_key,
        signature_date=day,
    )
    (out_dir / "certificate.pdf").write_bytes(pdf_bytes)
    tampered_pdf = _flip_signed_byte(pdf_bytes)
    (out_dir / "certificate-tampered.pdf").write_bytes(tampered_pdf)
    other_data = load_certificate_data((sample_data_dir() / _OTHER_SAMPLE).read_bytes())
    other_pdf = docsec.issue(
        other_data,
        key=key,
        cert=cert,
        cdp_key=cdp_key,
        watermark_key=wm_key,
        signature_date=day,
    )
    (out_dir / "other-certificate.pdf").write_bytes(other_pdf)
    echo(
        tr(
            "3. issued a signed PDF (PAdES B-B, DocMDP no changes, copy-detection "
            "pattern, watermarked tint): {size} bytes; and a second one"
        ).format(size=len(pdf_bytes))
    )

    page = render_pdf_page(pdf_bytes, dpi=600)
    imaging.write_image(out_dir / "page.png", page, dpi=600)
    scan = simulate.print_scan(
        page, page_dpi=600, rng=_DEMO_SEED, printer="laser", scanner_dpi=300
    )
    imaging.write_image(out_dir / "scan-original.png", scan.image, dpi=scan.dpi)
    copy = simulate.photocopy(page, page_dpi=600, rng=_DEMO_SEED, scanner_dpi=300)
    imaging.write_image(out_dir / "scan-photocopy.png", copy.image, dpi=copy.dpi)
    # A counter's scanner captures the seal and pattern area at 1200 ppi (a whole
    # A4 page at 1200 ppi would be 140 Mpx): the copy check needs that resolution.
    mm = 600 / 25.4
    area = np.ascontiguousarray(
        page[int(215 * mm) : int(283 * mm), int(100 * mm) : int(195 * mm)]
    )
    hi_orig = simulate.print_scan(
        area, page_dpi=600, rng=_DEMO_SEED, printer="laser", scanner_dpi=1200
    )
    imaging.write_image(out_dir / "scan-original-1200.png", hi_orig.image, dpi=1200)
    hi_copy = simulate.photocopy(area, page_dpi=600, rng=_DEMO_SEED, scanner_dpi=1200)
    imaging.write_image(out_dir / "scan-photocopy-1200.png", hi_copy.image, dpi=1200)
    echo(
        tr(
            "4. printed it (simulated 600-dpi laser) and scanned the page at 300 dpi; "
            "photocopied the print\n   and scanned that too; and scanned the seal area "
            "of both at 1200 ppi"
        )
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
    forged_bytes = _tamper(seal_bytes, "홍길동".encode(), "홍길순".encode())
    (out_dir / "seal-tampered.bin").write_bytes(forged_bytes)
    forged_page = render_page(forged_bytes, lines, title=title, dpi=600)
    forged_scan = simulate.print_scan(
        forged_page, page_dpi=600, rng=_DEMO_SEED + 1, scanner_dpi=300
    )
    imaging.write_image(
        out_dir / "scan-forged-name.png", forged_scan.image, dpi=forged_scan.dpi
    )

    # A genuine seal (with its number and pattern) cut from the first certificate
    # and pasted onto the second certificate's page, then printed and scanned.
    other_page = render_pdf_page(other_pdf, dpi=600)
    box = (slice(int(212 * mm), int(283 * mm)), slice(int(95 * mm), int(200 * mm)))
    other_page[box] = page[box]
    pasted = simulate.print_scan(
        other_page, page_dpi=600, rng=_DEMO_SEED + 2, scanner_dpi=300
    )
    imaging.write_image(out_dir / "scan-pasted-seal.png", pasted.image, dpi=pasted.dpi)

    a_key = keys.load_private_key(attacker.issuer_key, passphrase=None)
    a_cert = trust.load_certificate(attacker.issuer_cert)
    rogue = issue_seal(data, key=a_key, cert=a_cert, signature_date=day)
    (out_dir / "seal-rogue-issuer.bin").write_bytes(rogue)
    echo(
        tr(
            "5. forged: a PDF with one signed byte changed, a printed seal with the "
            "name\n   changed, a genuine seal pasted onto another certificate's page, "
            "and a\n   seal signed by a rogue key claiming the same office (its "
            "certificate is\n   not in the verifier's trust folder: the verifier "
            "cannot tell it from a\n   new office certificate, so it says "
            "INCONCLUSIVE, not NOT AUTHENTIC)"
        )
    )

    cases = [
        _Case(
            N_("issued PDF"),
            out_dir / "certificate.pdf",
            Verdict.AUTHENTIC,
            N_("as issued"),
        ),
        _Case(
            N_("seal bytes"), out_dir / "seal.bin", Verdict.AUTHENTIC, N_("issued seal")
        ),
        _Case(
            N_("print-scan"),
            out_dir / "scan-original.png",
            Verdict.AUTHENTIC,
            N_("original paper, 300 dpi scan"),
        ),
        _Case(
            N_("photocopy"),
            out_dir / "scan-photocopy.png",
            Verdict.AUTHENTIC,
            N_("genuine seal; at 300 dpi a copy cannot be told from the original"),
        ),
        _Case(
            N_("original 1200"),
            out_dir / "scan-original-1200.png",
            Verdict.AUTHENTIC,
            N_("counter policy: copy check says original print"),
            counter=True,
            paper="original",
        ),
        _Case(
            N_("copy 1200 seal"),
            out_dir / "scan-photocopy-1200.png",
            Verdict.AUTHENTIC,
            N_("seal policy: genuine seal, the seal decides; paper: copy"),
            paper="copy",
            seal_area=True,
        ),
        _Case(
            N_("photocopy 1200"),
            out_dir / "scan-photocopy-1200.png",
            Verdict.NOT_AUTHENTIC,
            N_("counter policy: copy check sees the photocopy"),
            counter=True,
            paper="copy",
        ),
        _Case(
            N_("photocopy 300"),
            out_dir / "scan-photocopy.png",
            Verdict.INCONCLUSIVE,
            N_("counter policy: 300 dpi is too coarse to decide"),
            counter=True,
        ),
        _Case(
            N_("tampered PDF"),
            out_dir / "certificate-tampered.pdf",
            Verdict.NOT_AUTHENTIC,
            N_("one signed byte changed"),
        ),
        _Case(
            N_("tampered bytes"),
            out_dir / "seal-tampered.bin",
            Verdict.NOT_AUTHENTIC,
            N_("name changed in the seal"),
        ),
        _Case(
            N_("forged page"),
            out_dir / "scan-forged-name.png",
            Verdict.NOT_AUTHENTIC,
            N_("printed seal with a changed name"),
        ),
        _Case(
            N_("pasted seal"),
            out_dir / "scan-pasted-seal.png",
            Verdict.NOT_AUTHENTIC,
            N_("genuine seal on another certificate's page (watermark)"),
        ),
        _Case(
            N_("rogue issuer"),
            out_dir / "seal-rogue-issuer.bin",
            Verdict.INCONCLUSIVE,
            N_("signer certificate not in the trust folder: unknown, not disproved"),
        ),
    ]
    store = trust.TrustStore.load(world.trust_dir)
    policy = VerifyPolicy.seal(store, cdp_keys=[cdp_key], watermark_keys=[wm_key])
    # The counter scans the seal area at 1200 ppi for the copy check; that area holds
    # no certificate content, so the watermark is checked on the full-page scan (with
    # `policy`), not here (it would say watermark-out-of-view).
    counter = VerifyPolicy.counter(store, cdp_keys=[cdp_key])
    seal_area = VerifyPolicy.seal(store, cdp_keys=[cdp_key])
    echo(
        tr(
            "6. verified against {trust} with the policies {seal} (the seal decides) "
            "and {counter} (the original paper is required):"
        ).format(
            trust=world.trust_dir, seal=repr(policy.name), counter=repr(counter.name)
        )
    )
    all_ok = True
    report = []
    names = {c.name: tr(c.name) for c in cases}
    width = max(cells(name) for name in [*names.values(), tr("input")])
    verdicts = {v: tr(VERDICT_TEXT[v]) for v in Verdict}
    verdict_width = max(14, *(cells(w) for w in verdicts.values()))
    echo(
        "       "
        + "  ".join(
            (
                pad(tr("input"), width),
                pad(tr("policy"), 8),
                pad(tr("verdict"), verdict_width),
                pad(tr("reasons"), 36),
                tr("what it is"),
            )
        )
    )
    for case in cases:
        chosen = counter if case.counter else seal_area if case.seal_area else policy
        result: VerificationResult = verify_file(case.path, policy=chosen, at=now)
        paper = result.paper.state if result.paper is not None else None
        ok = result.verdict is case.expected and (
            case.paper is None or paper == case.paper
        )
        all_ok &= ok
        mark = "ok " if ok else tr("UNEXPECTED")
        reasons = ", ".join(result.reasons) or "-"
        echo(
            f"   {mark} "
            + "  ".join(
                (
                    pad(names[case.name], width),
                    pad(result.policy, 8),
                    pad(verdicts[result.verdict], verdict_width),
                    pad(reasons, 36),
                    tr(case.note),
                )
            )
        )
        report.append(
            result.to_dict()
            | {"expected": case.expected.value, "expected_paper": case.paper}
        )
    details = out_dir / "verdicts.json"
    details.write_text(
        json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8"
    )
    echo(
        "   "
        + tr("all verdicts as expected: {answer}; details in {path}").format(
            answer=tr("yes") if all_ok else tr("NO"), path=details
        )
    )
    return all_ok
