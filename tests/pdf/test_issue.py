"""Issuing protected PDFs and verifying them: the good paths."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from tests.clock import NOW

from docsec import issue, pdf, seal
from docsec.errors import ConfigurationError, InputError
from docsec.result import Verdict
from docsec.verify import verify_file, verify_pdf

from .conftest import World, sample


def test_issued_pdf_is_authentic(world: World, issued: bytes) -> None:
    r = verify_pdf(issued, policy=world.policy)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    names = {c.name for c in r.checks}
    assert {"pdf_signature", "seal_pdf_signer_match", "seal_pdf_binding"} <= names
    assert "pdf_signature" in r.required
    assert r.content is not None
    assert r.content.field_map()["DOCUMENT_NUMBER"] == "GN2611270042"


def test_verify_file_routes_pdf(world: World, issued: bytes, tmp_path: Path) -> None:
    p = tmp_path / "c.pdf"
    p.write_bytes(issued)
    assert verify_file(p, policy=world.policy).verdict is Verdict.AUTHENTIC


def test_seal_states_module_size_and_digest(world: World, issued: bytes) -> None:
    declared = pdf.declared_seal(issued)
    assert declared is not None
    fields = seal.decode_certificate(seal.parse_unverified(declared))
    assert fields.module_size_um == 500
    data = seal.complete_dates(sample(), day=NOW.date())
    text = [
        {"field": r.field, "region": [r.x, r.y, r.width, r.height]}
        for r in fields.text_regions
    ]
    full = {**data, "layout": {"module_size_um": 500, "text": text}}
    assert fields.content_digest == seal.content_digest(full)
    # The whole content is signed, and the template's printed fields are declared.
    assert fields.content == data["content"]
    declared = {r.field for r in fields.text_regions}
    assert {"/document_number", "/holder_name", "/birth_date"} <= declared
    assert "/content/family/0/name" in declared


def test_template_embeds_subset_fonts(issued: bytes) -> None:
    with pikepdf.open(pdf_bytes_io(issued)) as doc:
        fonts = doc.pages[0].Resources.Font
        for name in fonts.keys():  # noqa: SIM118  (pikepdf dictionaries)
            font = fonts[name]
            assert font.Subtype == "/Type0"
            desc = font.DescendantFonts[0].FontDescriptor
            assert "+" in str(font.BaseFont)
            assert len(bytes(desc.FontFile2.read_bytes())) < 200_000
            assert "/ToUnicode" in font


def pdf_bytes_io(data: bytes) -> object:
    import io

    return io.BytesIO(data)


def test_template_renders_bilingual(world: World) -> None:
    page = pdf.render_page(pdf.template_pdf(sample()), dpi=72)
    assert abs(page.shape[0] - 842) <= 1
    assert abs(page.shape[1] - 595) <= 1
    assert (page < 128).mean() > 0.01  # text is drawn


@pytest.mark.parametrize(
    "name", ["resident-registration-abstract", "local-tax-payment"]
)
def test_other_kinds_issue_and_verify(world: World, name: str) -> None:
    out = issue(sample(name), key=world.key, cert=world.cert)
    assert verify_pdf(out, policy=world.policy).verdict is Verdict.AUTHENTIC


def test_their_own_pdf_and_position(world: World) -> None:
    theirs = pikepdf.new()
    theirs.add_blank_page(page_size=(612, 792))  # US Letter, no content
    import io

    buf = io.BytesIO()
    theirs.save(buf)
    out = issue(
        sample(),
        key=world.key,
        cert=world.cert,
        pdf=buf.getvalue(),
        seal_origin_mm=(20.0, 20.0),
        module_mm=0.6,
    )
    r = verify_pdf(out, policy=world.policy)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons


def test_layout_in_data_is_refused(world: World) -> None:
    with pytest.raises(InputError, match="layout"):
        issue({**sample(), "layout": {}}, key=world.key, cert=world.cert)


def test_seal_off_page_is_refused(world: World) -> None:
    with pytest.raises(InputError, match="does not fit"):
        issue(sample(), key=world.key, cert=world.cert, seal_origin_mm=(190.0, 280.0))


def test_level_needs_tsa(world: World) -> None:
    with pytest.raises(ConfigurationError, match="timestamp"):
        issue(sample(), key=world.key, cert=world.cert, level="B-T")


def _fixture_mark(
    h: int, w: int, *, bilevel: bool, key_id: str | None
) -> pdf.RasterMark:
    # A test fixture, not a real CDP or watermark: a seeded noise tile.
    rng = np.random.default_rng(7)
    img = (rng.random((h, w)) < 0.5).astype(np.uint8) * 255
    if not bilevel:
        img = np.full((h, w), 235, np.uint8)
    return pdf.RasterMark(img, 600.0, 120.0, 228.0, bilevel=bilevel, key_id=key_id)


def test_mark_seams(world: World) -> None:
    cdp = _fixture_mark(236, 236, bilevel=True, key_id="00112233445566aa")
    wm_calls: list[pdf.MarkContext] = []

    def watermark(ctx: pdf.MarkContext) -> pdf.RasterMark:
        wm_calls.append(ctx)
        img = np.full((60, 40), 240, np.uint8)
        return pdf.RasterMark(img, 50.0, 0.0, 0.0, key_id="ffeeddccbbaa9988")

    panto = pdf.RasterMark(np.full((10, 10), 250, np.uint8), 100.0, 20.0, 230.0)
    out = issue(
        sample(),
        key=world.key,
        cert=world.cert,
        cdp=cdp,
        watermark=watermark,
        pantograph=panto,
        seal_origin_mm=pdf.DEFAULT_SEAL_ORIGIN_MM,
    )
    assert wm_calls[0].document_number == "GN2611270042"
    declared = pdf.declared_seal(out)
    assert declared is not None
    fields = seal.decode_certificate(seal.parse_unverified(declared))
    assert fields.cdp_key_id == "00112233445566aa"
    assert fields.cdp_region is not None
    # CDP at x=120 mm, seal at x=152 mm, 0.5 mm modules: -64 modules.
    assert fields.cdp_region.x == -640
    assert fields.cdp_region.width == round(236 / 600 * 25.4 / 0.5 * 10)
    assert fields.watermark_key_id == "ffeeddccbbaa9988"
    with pikepdf.open(pdf_bytes_io(out)) as doc:
        xobj = doc.pages[0].Resources.XObject
        # The pattern is drawn as vector rectangles (every renderer fills them
        # exactly), one unit per printer dot.
        assert xobj.DocsecCdp.Subtype == "/Form"
        assert [int(v) for v in xobj.DocsecCdp.BBox] == [0, 0, 236, 236]
        assert int(xobj.DocsecWm.BitsPerComponent) == 8
        assert "/DocsecVp" in xobj
    assert verify_pdf(out, policy=world.policy).verdict is Verdict.AUTHENTIC


def test_cdp_must_be_bilevel(world: World) -> None:
    gray = _fixture_mark(20, 20, bilevel=False, key_id=None)
    with pytest.raises(InputError, match="bilevel"):
        issue(sample(), key=world.key, cert=world.cert, cdp=gray)


def test_b_t_with_loopback_tsa(world: World, tsa_url: str) -> None:
    out = issue(sample(), key=world.key, cert=world.cert, level="B-T", tsa_url=tsa_url)
    r = verify_pdf(out, policy=world.policy)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    check = r.check("pdf_signature")
    assert check is not None
    assert "timestamp" in check.detail


@pytest.mark.slow
@pytest.mark.parametrize("level", ["B-LT", "B-LTA"])
def test_long_term_levels(world: World, tsa_url: str, level: str) -> None:
    out = issue(
        sample(),
        key=world.key,
        cert=world.cert,
        level=level,  # type: ignore[arg-type]
        tsa_url=tsa_url,
        trust=world.store,
    )
    r = verify_pdf(out, policy=world.policy)
    assert r.verdict is Verdict.AUTHENTIC, r.reasons


def test_import_docsec_stays_light() -> None:
    code = (
        "import sys, docsec; "
        "bad = [m for m in ('pikepdf', 'pyhanko', 'pypdfium2', 'click') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_mark_providers_live_in_pdf_and_stay_importable_from_issuing() -> None:
    # The providers moved beside the marks (issue #17); docsec.issuing still
    # answers for them, and importing it alone loads neither pdf/ nor numpy.
    code = (
        "import sys, docsec.issuing as i; "
        "light = [m for m in ('docsec.pdf', 'numpy', 'pikepdf') if m in sys.modules]; "
        "from docsec.issuing import copy_detection_mark, pantograph_mark, "
        "watermark_mark, DEFAULT_TINT; "
        "import docsec.pdf.marks as m; "
        "print(light, copy_detection_mark is m.copy_detection_mark, "
        "pantograph_mark is m.pantograph_mark, watermark_mark is m.watermark_mark, "
        "DEFAULT_TINT == m.DEFAULT_TINT == 0.08)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[] True True True True"


def test_issue_calls_pdf_once(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    # issue() hands the page to pdf.build.build_pdf in one call, and that call
    # gives back exactly the PDF issue() returns.
    from docsec.pdf import build

    calls: list[bytes] = []
    real = build.build_pdf

    def counting(*args: object, **kwargs: object) -> bytes:
        out = real(*args, **kwargs)  # type: ignore[arg-type]
        calls.append(out)
        return out

    monkeypatch.setattr(build, "build_pdf", counting)
    out = issue(sample(), key=world.key, cert=world.cert)
    assert calls == [out]


def test_pdfsig_second_opinion(world: World, issued: bytes, tmp_path: Path) -> None:
    """poppler's pdfsig (NSS) validates an issued PDF against the demo root."""
    if shutil.which("pdfsig") is None or shutil.which("certutil") is None:
        pytest.fail("pdfsig and certutil are installed by make system-deps")
    nss = tmp_path / "nss"
    nss.mkdir()
    subprocess.run(
        ["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True
    )
    subprocess.run(
        [
            "certutil",
            "-A",
            "-d",
            f"sql:{nss}",
            "-n",
            "demo-root",
            "-t",
            "CT,C,C",
            "-i",
            str(world.dir / "trust" / "root.pem"),
        ],
        check=True,
    )
    target = tmp_path / "c.pdf"
    target.write_bytes(issued)
    # No AIA or OCSP URL in the demo certificates, so nothing is fetched. (poppler
    # 22.12 reports a generic error with -no-ocsp, so the default is kept.)
    out = subprocess.run(
        ["pdfsig", "-nssdir", f"sql:{nss}", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Signature is Valid." in out.stdout, out.stdout
    assert "Certificate is Trusted." in out.stdout, out.stdout
    assert "Total document signed" in out.stdout
