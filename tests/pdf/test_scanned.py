"""PDFs without the issuer's signature: scans only when the verifier accepts them."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from docsec import pdf
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict, VerificationResult
from docsec.verify import SCANNED_PDF_MESSAGE, verify_pdf
from docsec_cli.main import cli

from . import _attacks as attacks
from .conftest import World, sample


def _accepting(world: World) -> VerifyPolicy:
    return VerifyPolicy.seal(world.store, accept_scanned_pdf=True)


def _scanned_by_default(world: World, data: bytes) -> VerificationResult:
    r = verify_pdf(data, policy=world.policy)
    assert r.verdict is Verdict.INCONCLUSIVE, [c.to_dict() for c in r.checks]
    assert r.reasons == ("scanned-pdf",)
    check = r.check("pdf_signature")
    assert check is not None
    assert check.status is CheckStatus.INCONCLUSIVE
    assert "Scan the paper certificate" in check.detail
    assert "original PDF file" in check.detail
    assert r.content is None  # nothing is shown as if it were verified
    return r


def test_scan_of_issued_pdf(world: World, issued: bytes) -> None:
    scan = attacks.image_pdf(pdf.render_page(issued, dpi=300))
    found = pdf.scanned_page_image(scan)
    assert found is not None
    assert found[1] == pytest.approx(300, abs=1)
    _scanned_by_default(world, scan)

    r = verify_pdf(scan, policy=_accepting(world))
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    assert r.policy == "seal+scanned-pdf"
    note = r.check("pdf_signature")
    assert note is not None
    assert note.status is CheckStatus.ABSENT
    assert "image was verified as a scan" in note.detail


def test_pixel_edited_scan(world: World, issued: bytes) -> None:
    # Scanned-PDF downgrade (issue #12): the issued PDF rendered, the holder's name
    # replaced in the pixels, the image wrapped as a one-page PDF. The seal still
    # verifies, so by default the answer is INCONCLUSIVE, never AUTHENTIC.
    forged = attacks.image_pdf(attacks.edited_render(issued))
    original = pdf.render_page(issued, dpi=300)
    edited = pdf.scanned_page_image(forged)
    assert edited is not None
    assert (edited[0] != original).sum() > 1000  # the pixels were changed
    _scanned_by_default(world, forged)

    # A verifier that accepts scans reads the printed fields the seal declares:
    # the edited name differs from the signed one (issue #15).
    r = verify_pdf(forged, policy=_accepting(world))
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons
    assert r.reasons == ("printed-text-mismatch",)
    assert r.content is not None
    assert r.content.field_map()["HOLDER_NAME"] == sample()["holder_name"]


def test_scan_signed_by_someone_else(world: World, issued: bytes) -> None:
    # A scanning service (or the forger of the pixel edit) signs the image PDF
    # with a key the verifier does not know: still a scan, not evidence.
    forged = attacks.image_pdf(attacks.edited_render(issued))
    signed = pdf.sign_pdf(forged, attacks.untrusted_signer())
    _scanned_by_default(world, signed)
    r = verify_pdf(signed, policy=_accepting(world))
    assert r.verdict is Verdict.NOT_AUTHENTIC, r.reasons  # the edit is read
    assert r.reasons == ("printed-text-mismatch",)
    # A vector page signed by an unknown key with a genuine seal on it is not a
    # scan: tests/pdf/test_attacks.py, forged page with a pasted seal.


def test_unsigned_pdf_with_genuine_seal(world: World, issued: bytes) -> None:
    # An unsigned born-digital PDF (here: a page stamped with a genuine seal, never
    # signed) is no more than a scan: inconclusive unless scans are accepted,
    # then rendered and verified from its seal.
    seal = pdf.declared_seal(issued)
    assert seal is not None
    page = pdf.protect(
        pdf.template_pdf(sample()), seal_bytes=seal, document_number="X1"
    )
    _scanned_by_default(world, page)
    r = verify_pdf(page, policy=_accepting(world))
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    note = r.check("pdf_signature")
    assert note is not None
    assert "rendered page" in note.detail


def test_unsigned_pdf_without_seal(world: World) -> None:
    page = pdf.template_pdf(sample())
    _scanned_by_default(world, page)
    r = verify_pdf(page, policy=_accepting(world))
    assert r.verdict is Verdict.INCONCLUSIVE
    assert "no-seal" in r.reasons


def test_policy_flag_is_kept_by_constructors(world: World) -> None:
    assert not world.policy.accept_scanned_pdf
    counter = VerifyPolicy.counter(
        world.store, cdp_keys=[_cdp_key(world)], accept_scanned_pdf=True
    )
    assert counter.accept_scanned_pdf
    assert counter.name == "counter+scanned-pdf"
    assert dataclasses.replace(world.policy, accept_scanned_pdf=True).accept_scanned_pdf


def _cdp_key(world: World) -> object:
    from docsec.keys import load_secret_key

    return load_secret_key(world.dir / "cdp.key")


def test_message_names_both_ways_out() -> None:
    assert "Scan the paper certificate" in SCANNED_PDF_MESSAGE
    assert "original PDF file" in SCANNED_PDF_MESSAGE


def test_cli_accept_scanned_pdf(world: World, issued: bytes, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(attacks.image_pdf(pdf.render_page(issued, dpi=300)))
    base = ["verify", str(scan), "--trust", str(world.dir / "trust"), "--json"]
    runner = CliRunner()

    r = runner.invoke(cli, base)
    assert r.exit_code == 4, r.output
    doc = json.loads(r.stdout)
    assert doc["verdict"] == "inconclusive"
    assert doc["reasons"] == ["scanned-pdf"]

    r = runner.invoke(cli, [*base, "--accept-scanned-pdf"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["verdict"] == "authentic"

    r = runner.invoke(cli, base, env={"DOCSEC_ACCEPT_SCANNED_PDF": "1"})
    assert r.exit_code == 0, r.output


def test_scan_whose_xref_offsets_are_off(world: World, issued: bytes) -> None:
    # Found by red-teaming: a scan saved by a tool whose xref offsets are off (here
    # shifted by a comment line) is unreadable to pyHanko; PDF readers repair it.
    # It was never signed (no /ByteRange), so it is a scan like any other, not a
    # failed check: INCONCLUSIVE by default, verified as a scan when accepted.
    scan = attacks.image_pdf(pdf.render_page(issued, dpi=300))
    cut = scan.index(b"\n", 10)
    shifted = scan[:cut] + b"\n%a comment that shifts every offset\n" + scan[cut:]
    _scanned_by_default(world, shifted)
    r = verify_pdf(shifted, policy=_accepting(world))
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
