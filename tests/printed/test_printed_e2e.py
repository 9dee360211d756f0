"""Printed-text check end to end, with the real Tesseract (Korean + English).

Genuine print-scans must never be accused; a field edited after issuing (pasted in
another font or the template's own, or whitened out) must be caught. The rates over
many seeds are measured by benchmarks/bench_printed_text.py (docs/printed-text.md);
here a few fixed seeds guard them, and the ``slow`` test a larger sample.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner

from docsec import _ocr, demo, imaging, issue, keys, printed, simulate, trust
from docsec._template import certificate_fields
from docsec.annotate import annotate
from docsec.pdf import render_page
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict, VerificationResult
from docsec.seal import complete_dates, load_certificate_data
from docsec.verify import verify_image, verify_pdf
from docsec_cli.main import cli

from ._forge import edit_field

pytestmark = pytest.mark.skipif(
    _ocr.available() is not None,
    reason=f"printed-text check needs Tesseract: {_ocr.available()}",
)

ROOT = Path(__file__).resolve().parents[2]
# Every date derives from the demo world's one instant: issued the day after its
# keys, verified four days later (fixed, so the suite passes on any day).
WORLD = datetime(2026, 11, 26, tzinfo=UTC)
DAY = WORLD.date() + timedelta(days=1)
AT = DAY + timedelta(days=4)
DPI = 600


@dataclass
class Issued:
    pdf: bytes
    page: np.ndarray
    boxes: dict[str, tuple[float, float, float, float]]
    policy: VerifyPolicy
    trust_dir: Path


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Issued:
    w = demo.write_demo_world(tmp_path_factory.mktemp("text") / "w", now=WORLD)
    data = complete_dates(
        load_certificate_data(
            (ROOT / "samples/data/family-relation.json").read_bytes()
        ),
        day=DAY,
    )
    pdf = issue(
        data,
        key=keys.load_private_key(w.issuer_key, passphrase=None),
        cert=trust.load_certificate(w.issuer_cert),
        watermark_key=keys.load_secret_key(w.watermark_key),
        signature_date=DAY,
    )
    return Issued(
        pdf,
        render_page(pdf, dpi=DPI),
        dict(certificate_fields(data)),
        VerifyPolicy.seal(trust.TrustStore.load(w.trust_dir)),
        w.trust_dir,
    )


def _outcomes(r: VerificationResult) -> dict[str, str]:
    """Field pointer -> outcome, from the result's located fields."""
    return {
        loc.label.split(":", 1)[0]: loc.name.removeprefix("text-")
        for loc in r.locations
        if loc.name.startswith("text-")
    }


def _scan(page: np.ndarray, seed: int, printer: str = "laser") -> np.ndarray:
    return simulate.print_scan(
        page, page_dpi=DPI, rng=seed, printer=printer, scanner_dpi=300
    ).image


@pytest.mark.parametrize(("seed", "printer"), [(11, "laser"), (12, "inkjet")])
def test_genuine_print_scan_is_not_accused(
    issued: Issued, seed: int, printer: str
) -> None:
    r = verify_image(_scan(issued.page, seed, printer), policy=issued.policy, at=AT)
    c = r.check("printed_text")
    assert c is not None
    assert c.status is not CheckStatus.FAIL, c.detail
    outcomes = _outcomes(r)
    assert len(outcomes) == 13
    assert "mismatch" not in outcomes.values()
    # Margin: at most one field of 13 unreadable on a 300-dpi scan.
    assert sum(o == "match" for o in outcomes.values()) >= 12
    # An unreadable field never fails the verdict; only an unreadable key field
    # (name, number, birth date) keeps it from AUTHENTIC.
    key = [outcomes[f] for f in printed.KEY_FIELDS]
    if all(o == "match" for o in key):
        assert r.verdict is Verdict.AUTHENTIC
        assert "printed_text" not in r.required
    else:
        assert r.verdict is Verdict.INCONCLUSIVE
        assert r.reasons[0] == "printed-text-key-unreadable"


def test_a_pdf_needs_no_ocr(issued: Issued) -> None:
    r = verify_pdf(issued.pdf, policy=issued.policy, at=AT)
    assert r.check("printed_text") is None
    assert r.verdict is Verdict.AUTHENTIC
    assert r.content is not None
    shown = r.content.field_map()
    # Everything the certificate asserts is signed and shown, labelled.
    assert shown["가족 · Family 3 · 성명 Name"] == "김영희"
    assert shown["등록기준지 · Registered domicile"] == "서울특별시 강남구 학동로 426"


EDITS = [
    ("/holder_name", "김철수 (KIM Cheolsu)", "other", 21),
    ("/birth_date", "1979년 8월 21일 (1979-08-21)", "template", 22),
    ("/document_number", "GN2607150317", "template", 23),
    ("/content/family/2/name", "박지영", "template", 24),
    ("/holder_name", None, "template", 25),
]


@pytest.mark.parametrize(("field", "text", "font", "seed"), EDITS)
def test_single_field_edit_is_caught(
    issued: Issued, field: str, text: str | None, font: str, seed: int
) -> None:
    table = field.startswith("/content/")
    forged = edit_field(
        issued.page,
        issued.boxes[field],
        text,
        dpi=DPI,
        font=font,
        size_pt=10.0 if table else 11.0,
        table=table,
    )
    r = verify_image(_scan(forged, seed), policy=issued.policy, at=AT)
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("printed-text-mismatch",)
    c = r.check("printed_text")
    assert c is not None
    assert field in c.detail
    outcomes = _outcomes(r)
    assert outcomes[field] == "mismatch"
    assert list(outcomes.values()).count("mismatch") == 1  # only the edited field


def test_one_character_edit_is_never_a_match(issued: Issued) -> None:
    forged = edit_field(
        issued.page,
        issued.boxes["/holder_name"],
        "홍길순 (HONG Gildong)",
        dpi=DPI,
        font="template",
    )
    r = verify_image(_scan(forged, 26), policy=issued.policy, at=AT)
    assert _outcomes(r)["/holder_name"] in ("mismatch", "unreadable")


def test_a_smudged_key_field_is_never_authentic(issued: Issued) -> None:
    """A forger's cheapest escape: edit the name, then smudge it illegible."""
    forged = edit_field(
        issued.page, issued.boxes["/holder_name"], "김철수 (KIM Cheolsu)", dpi=DPI
    ).copy()
    x, y, w, h = (round(v * DPI / 25.4) for v in issued.boxes["/holder_name"])
    cell = forged[y : y + h, x : x + w]
    forged[y : y + h, x : x + w] = cv2.GaussianBlur(cell, (0, 0), 0.35 * DPI / 25.4)
    r = verify_image(_scan(forged, 51), policy=issued.policy, at=AT)
    assert r.verdict is not Verdict.AUTHENTIC
    assert _outcomes(r)["/holder_name"] != "match"
    if r.verdict is Verdict.INCONCLUSIVE:
        assert r.reasons[0] == "printed-text-key-unreadable"
        c = r.check("printed_text")
        assert c is not None
        assert "/holder_name" in c.detail


def test_a_smudged_genuine_field_is_not_blank(issued: Issued) -> None:
    """A genuine field blurred (water, rubbing) is no evidence: never accused."""
    page = issued.page.copy()
    x, y, w, h = (round(v * DPI / 25.4) for v in issued.boxes["/content/family/2/name"])
    page[y : y + h, x : x + w] = cv2.GaussianBlur(
        page[y : y + h, x : x + w], (0, 0), 0.5 * DPI / 25.4
    )
    r = verify_image(_scan(page, 52), policy=issued.policy, at=AT)
    assert _outcomes(r)["/content/family/2/name"] == "unreadable"
    # Not a key field: listed for the clerk, the verdict stands.
    assert r.verdict is Verdict.AUTHENTIC
    c = r.check("printed_text")
    assert c is not None
    assert c.reasons == ("printed-text-unreadable",)
    assert "/content/family/2/name" in c.detail


def test_cli_names_the_field_and_annotates_it(issued: Issued, tmp_path: Path) -> None:
    forged = edit_field(
        issued.page, issued.boxes["/holder_name"], "김철수 (KIM Cheolsu)", dpi=DPI
    )
    scan = simulate.print_scan(forged, page_dpi=DPI, rng=31, scanner_dpi=300)
    path = tmp_path / "forged.png"
    imaging.write_image(path, scan.image, dpi=300)
    ann = tmp_path / "ann.png"
    args = ["verify", str(path), "--trust", str(issued.trust_dir), "--at", str(AT)]
    r = CliRunner().invoke(cli, [*args, "--json", "--annotate", str(ann)])
    assert r.exit_code == 3, r.output
    doc = json.loads(r.stdout)
    schema = json.loads(
        (ROOT / "docs" / "verification-result.schema.json").read_text("utf-8")
    )
    jsonschema.validate(doc, schema)
    assert doc["reasons"] == ["printed-text-mismatch"]
    bad = [loc for loc in doc["locations"] if loc["name"] == "text-mismatch"]
    assert len(bad) == 1
    assert "홍길동 (HONG Gildong)" in bad[0]["label"]
    assert "KIM" in bad[0]["label"]
    img = imaging.read_image(ann).image
    assert tuple(int(v) for v in img[3, 3]) == (30, 30, 220)  # red banner
    # The human screen names the field with both texts.
    r = CliRunner().invoke(cli, args)
    assert r.exit_code == 3
    assert "/holder_name: paper" in r.stdout


def test_annotate_colours_each_field(issued: Issued) -> None:
    image = _scan(issued.page, 41)
    r = verify_image(image, policy=issued.policy, at=AT)
    out = annotate(image, r)
    green = np.all(out == (40, 160, 40), axis=2)
    x, y = (int(v) for v in r.locations[-1].points[0])
    assert green[max(0, y - 3) : y + 4, max(0, x - 3) : x + 4].any()


@pytest.mark.slow
def test_rates_over_seeds(issued: Issued) -> None:
    """0 false mismatches on genuine scans; >= 90 % of edits caught, none matched."""
    accused = 0
    for seed in range(100, 110):
        r = verify_image(
            _scan(issued.page, seed, ("laser", "inkjet")[seed % 2]),
            policy=issued.policy,
            at=AT,
        )
        accused += list(_outcomes(r).values()).count("mismatch")
    assert accused == 0
    caught = matched = total = 0
    for seed in range(200, 206):
        for field, text, font, _ in EDITS:
            table = field.startswith("/content/")
            forged = edit_field(
                issued.page,
                issued.boxes[field],
                text,
                dpi=DPI,
                font=font,
                size_pt=10.0 if table else 11.0,
                table=table,
            )
            outcome = _outcomes(
                verify_image(_scan(forged, seed), policy=issued.policy, at=AT)
            ).get(field)
            total += 1
            caught += outcome == "mismatch"
            matched += outcome == "match"
    assert matched == 0
    assert caught >= 0.9 * total


def test_the_warm_engine_reads_as_the_tesseract_command(
    issued: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine process and the ``tesseract`` command agree, word for word.

    On the requests the check sends for real scans (Korean and English, block and
    single-line modes): same words, same boxes, confidences within rounding.
    """
    sent: list[list[_ocr.OcrRequest]] = []
    read_many = _ocr.read_many

    def record(
        requests: list[_ocr.OcrRequest], *, timeout: float
    ) -> list[list[list[_ocr.OcrWord]]]:
        sent.append(list(requests))
        return read_many(requests, timeout=timeout)

    monkeypatch.setattr(_ocr, "read_many", record)
    for seed, printer in ((21, "laser"), (22, "inkjet")):
        verify_image(_scan(issued.page, seed, printer), policy=issued.policy, at=AT)
    monkeypatch.setattr(_ocr, "read_many", read_many)
    # The same fields read in the other segmentation mode too (the check reads a
    # second view line by line).
    requests = [
        _ocr.OcrRequest(r.images, r.languages, one)
        for call in sent
        for r in call
        for one in (False, True)
    ]
    kinds = {(r.languages, r.single_line) for r in requests}
    assert kinds == {(lang, one) for lang in ("kor", "eng") for one in (False, True)}
    monkeypatch.delenv("DOCSEC_OCR_ENGINE", raising=False)
    engine = _ocr.read_many(requests, timeout=60.0)
    assert _ocr._POOL.pids(), "the warm engine was not used"
    monkeypatch.setenv("DOCSEC_OCR_ENGINE", "subprocess")
    command = _ocr.read_many(requests, timeout=60.0)
    assert sum(len(w) for pages in command for w in pages) > 50
    assert len(engine) == len(command)
    for got, want in zip(engine, command, strict=True):
        assert len(got) == len(want)
        for page, ref in zip(got, want, strict=True):
            assert [(w.text, w.box) for w in page] == [(w.text, w.box) for w in ref]
            for w, r in zip(page, ref, strict=True):
                assert w.conf == pytest.approx(r.conf, abs=0.01)


def test_an_engine_crash_never_makes_the_page_readable(
    issued: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The engine dies while it reads (SIGKILL, as a crash): never AUTHENTIC, never
    an accusation either (a crash is no evidence against the paper)."""
    import os
    import signal

    monkeypatch.delenv("DOCSEC_OCR_ENGINE", raising=False)
    read = _ocr._Engine.read
    killed: set[int] = set()

    def crash(
        engine: _ocr._Engine, request: _ocr.OcrRequest, deadline: float
    ) -> list[list[_ocr.OcrWord]]:
        engine.hello(deadline)
        os.kill(engine.pid, signal.SIGKILL)
        killed.add(engine.pid)
        return read(engine, request, deadline)

    monkeypatch.setattr(_ocr._Engine, "read", crash)
    r = verify_image(_scan(issued.page, 11), policy=issued.policy, at=AT)
    c = r.check("printed_text")
    assert c is not None
    assert c.status is CheckStatus.INCONCLUSIVE
    assert c.reasons == ("ocr-failed",)
    assert r.verdict is Verdict.INCONCLUSIVE
    assert "ocr-failed" in r.reasons
    assert killed
    assert not killed & set(_ocr._POOL.pids())  # the dead engines were dropped
    monkeypatch.setattr(_ocr._Engine, "read", read)
    r = verify_image(_scan(issued.page, 11), policy=issued.policy, at=AT)
    assert r.check("printed_text").status is not CheckStatus.FAIL  # type: ignore[union-attr]


def test_an_ocr_deadline_is_inconclusive_and_required(
    issued: Issued, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page that stalls the engine (or a busy machine) cannot pass unread."""

    scan = _scan(issued.page, 11)
    # The same scan, read: AUTHENTIC.
    assert verify_image(scan, policy=issued.policy, at=AT).verdict is Verdict.AUTHENTIC

    def late(requests: object, *, timeout: float) -> object:
        raise TimeoutError(f"the OCR call took longer than {timeout} s")

    monkeypatch.setattr(_ocr, "read_many", late)
    r = verify_image(scan, policy=issued.policy, at=AT)
    c = r.check("printed_text")
    assert c is not None
    assert (c.status, c.reasons) == (CheckStatus.INCONCLUSIVE, ("ocr-failed",))
    assert "TimeoutError" in c.detail
    # Required by the input: the only thing that changed keeps it from AUTHENTIC.
    assert r.verdict is Verdict.INCONCLUSIVE
    assert "ocr-failed" in r.reasons


def test_the_engines_start_early_only_for_page_images(
    issued: Issued, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``verify`` prewarms the OCR for a scan, never for help, a seal or a signed PDF."""
    from docsec.verify import verify_file

    calls: list[int] = []
    monkeypatch.setattr(_ocr, "prewarm", lambda: calls.append(1))
    runner = CliRunner()
    for args in (["--help"], ["verify", "--help"]):
        assert runner.invoke(cli, args).exit_code == 0
    assert calls == []
    pdf = tmp_path / "issued.pdf"
    pdf.write_bytes(issued.pdf)
    assert verify_file(pdf, policy=issued.policy, at=AT).verdict is Verdict.AUTHENTIC
    assert calls == []
    scan = tmp_path / "scan.png"
    imaging.write_image(scan, _scan(issued.page, 11), dpi=(300.0, 300.0))
    r = verify_file(scan, policy=issued.policy, at=AT)
    assert calls, "a page image did not start the OCR engines"
    assert r.content is not None
    seal = tmp_path / "seal.bin"
    seal.write_bytes(r.content.seal_bytes)
    calls.clear()
    assert verify_file(seal, policy=issued.policy, at=AT).content is not None
    assert calls == []
