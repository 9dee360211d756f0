"""The watermark through the whole chain: issue a PDF, render or print and scan, verify.

The watermark binds the page to the seal: a genuine seal on another document's page
(or on a page without the mark) must never be AUTHENTIC for a verifier holding the
watermark key.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import pytest

from docsec import demo, issue, keys, simulate, trust
from docsec import watermark as wm
from docsec.errors import ConfigurationError, InputError
from docsec.issuing import watermark_mark
from docsec.pdf import MarkContext, render_page
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict
from docsec.seal import decode_certificate, load_certificate_data, parse_unverified
from docsec.verify import verify_image, verify_pdf

ROOT = Path(__file__).resolve().parents[1]
AT = date(2026, 12, 1)
DPI = 300
# The seal with its quiet zone and the document number beside it, in pixels at
# 300 dpi (the seal carries the whole content: ~52 mm, ending at (190, 280) mm).
SEAL_BOX = (slice(2650, 3330), slice(1500, 2400))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    w = demo.write_demo_world(
        tmp_path_factory.mktemp("wm") / "w", now=datetime(2026, 11, 27, tzinfo=UTC)
    )
    key = keys.load_private_key(w.issuer_key, passphrase=None)
    cert = trust.load_certificate(w.issuer_cert)
    wkey = keys.load_secret_key(w.watermark_key)
    pdfs = {}
    for name in ("family-relation", "local-tax-payment"):
        data = load_certificate_data((ROOT / f"samples/data/{name}.json").read_bytes())
        pdfs[name] = issue(
            data,
            key=key,
            cert=cert,
            watermark_key=wkey,
            signature_date=date(2026, 11, 27),
        )
    return w, wkey, pdfs


def _policy(w, wkey, **kw):  # type: ignore[no-untyped-def]
    return VerifyPolicy.seal(
        trust.TrustStore.load(w.trust_dir), watermark_keys=[wkey], **kw
    )


def test_the_seal_declares_the_watermark_key(world) -> None:  # type: ignore[no-untyped-def]
    _w, wkey, pdfs = world
    page = render_page(pdfs["family-relation"], dpi=DPI)
    from docsec import barcode

    sym = barcode.read(page)[0]
    fields = decode_certificate(parse_unverified(sym.data))
    assert fields.watermark_key_id == wkey.key_id
    assert fields.watermark_region is not None


def test_born_digital_pdf_carries_the_seals_document_id(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, pdfs = world
    tstore = trust.TrustStore.load(w.trust_dir)
    r = verify_pdf(
        pdfs["family-relation"],
        policy=VerifyPolicy.pdf(tstore, watermark_keys=[wkey]),
        at=AT,
    )
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    c = r.check("watermark")
    assert c is not None
    assert c.status is CheckStatus.PASS
    assert "watermark" in r.required
    # The id is the keyed document id of the seal's issuer and number.
    page = render_page(pdfs["family-relation"], dpi=150)
    found = wm.extract(page, key=wkey, dpi=150)
    assert found.payload == wm.document_payload(
        wkey, w.signer_identifier, "GN2611270042"
    )


@pytest.mark.parametrize(("printer", "seed"), [("laser", 1), ("inkjet", 2)])
def test_print_scan_passes(world, printer: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    w, wkey, pdfs = world
    page = render_page(pdfs["family-relation"], dpi=DPI)
    scan = simulate.print_scan(
        page, page_dpi=DPI, rng=seed, printer=printer, scanner_dpi=300
    )
    r = verify_image(scan.image, policy=_policy(w, wkey), at=AT)
    assert r.verdict is Verdict.AUTHENTIC, (printer, r.reasons)
    c = r.check("watermark")
    assert c is not None
    assert c.status is CheckStatus.PASS
    # The declared region (the tinted page less its margins) is located.
    loc = next(loc for loc in r.locations if loc.name == "watermark")
    xs = [p[0] for p in loc.points]
    assert min(xs) < 0.1 * scan.image.shape[1] < 0.9 * scan.image.shape[1] < max(xs)
    assert c.score is not None
    assert c.threshold is not None
    assert c.score >= c.threshold


def test_genuine_seal_on_another_documents_page_is_not_authentic(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, pdfs = world
    a = render_page(pdfs["family-relation"], dpi=DPI)
    b = render_page(pdfs["local-tax-payment"], dpi=DPI)
    forged = b.copy()
    forged[SEAL_BOX] = a[SEAL_BOX]  # A's genuine seal cut out and pasted onto B
    scan = simulate.print_scan(
        forged, page_dpi=DPI, rng=5, printer="laser", scanner_dpi=300
    )
    r = verify_image(scan.image, policy=_policy(w, wkey), at=AT)
    assert r.check("signature").status is CheckStatus.PASS  # the seal is genuine
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert "watermark-mismatch" in r.reasons
    # Without the key the watermark mismatch cannot be seen: reported, not
    # counted; the printed text, read and compared with the seal, still is.
    blind = VerifyPolicy.seal(trust.TrustStore.load(w.trust_dir))
    r2 = verify_image(scan.image, policy=blind, at=AT)
    c = r2.check("watermark")
    assert c is not None
    assert c.status is CheckStatus.INCONCLUSIVE
    assert c.reasons == ("no-watermark-key",)
    assert r2.verdict is Verdict.NOT_AUTHENTIC
    assert r2.reasons == ("printed-text-mismatch",)


def test_genuine_seal_on_an_unmarked_page_is_inconclusive(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, pdfs = world
    a = render_page(pdfs["family-relation"], dpi=DPI)
    blank = np.full_like(a, 255)
    blank[SEAL_BOX] = a[SEAL_BOX]
    r = verify_image(blank, policy=_policy(w, wkey), at=AT)
    assert r.check("signature").status is CheckStatus.PASS
    c = r.check("watermark")
    assert c is not None
    assert c.status is CheckStatus.INCONCLUSIVE
    assert c.reasons == ("watermark-absent",)
    # The fields the seal says were printed are blank: the paper contradicts it.
    assert r.verdict is Verdict.NOT_AUTHENTIC
    assert r.reasons == ("printed-text-mismatch",)


def test_a_seal_without_watermark_is_not_affected(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, _ = world
    key = keys.load_private_key(w.issuer_key, passphrase=None)
    cert = trust.load_certificate(w.issuer_cert)
    data = load_certificate_data(
        (ROOT / "samples/data/family-relation.json").read_bytes()
    )
    plain = issue(data, key=key, cert=cert, signature_date=date(2026, 11, 27))
    scan = render_page(plain, dpi=DPI)
    r = verify_image(scan, policy=_policy(w, wkey), at=AT)
    assert r.verdict is Verdict.AUTHENTIC
    assert r.check("watermark") is None
    # A policy that requires a watermark says the seal declares none.
    strict = VerifyPolicy(
        trust=trust.TrustStore.load(w.trust_dir),
        required=frozenset({"signature", "watermark"}),
        watermark_keys=(wkey,),
    )
    r2 = verify_image(scan, policy=strict, at=AT)
    assert r2.check("watermark").reasons == ("no-watermark-declared",)
    assert r2.verdict is Verdict.INCONCLUSIVE


def test_mark_provider_checks_its_arguments(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, _ = world
    cdp = keys.load_secret_key(w.cdp_key)
    with pytest.raises(ConfigurationError):
        watermark_mark(cdp)
    with pytest.raises(ConfigurationError):
        watermark_mark(wkey, tint=0.5)
    with pytest.raises(ConfigurationError):
        watermark_mark(wkey, margin_mm=-1)
    ctx = MarkContext("A1", (210.0, 297.0), (152.0, 228.0), 0.5)
    with pytest.raises(InputError, match="signer identifier"):
        watermark_mark(wkey)(ctx)
    tiny = MarkContext("A1", (10.0, 10.0), (0.0, 0.0), 0.5, issuer="KRGN")
    with pytest.raises(InputError, match="too small"):
        watermark_mark(wkey)(tiny)
    mark = watermark_mark(wkey)(
        MarkContext("A1", (210.0, 297.0), (152.0, 228.0), 0.5, issuer="KRGN")
    )
    assert mark.image.shape == (264, 264)
    assert mark.repeat_mm is not None
    assert mark.extent_mm == mark.repeat_mm
    assert mark.key_id == wkey.key_id


def test_policy_rejects_a_wrong_purpose_key(world) -> None:  # type: ignore[no-untyped-def]
    w, _, _ = world
    cdp = keys.load_secret_key(w.cdp_key)
    with pytest.raises(ConfigurationError, match="not a watermark key"):
        VerifyPolicy.seal(trust.TrustStore.load(w.trust_dir), watermark_keys=[cdp])


def test_seal_area_alone_cannot_attest_the_page(world) -> None:  # type: ignore[no-untyped-def]
    w, wkey, pdfs = world
    a = render_page(pdfs["family-relation"], dpi=DPI)
    r = verify_image(np.ascontiguousarray(a[SEAL_BOX]), policy=_policy(w, wkey), at=AT)
    c = r.check("watermark")
    assert c is not None
    assert c.reasons == ("watermark-out-of-view",)
    assert r.check("printed_text").reasons == ("printed-text-out-of-view",)
    assert r.verdict is Verdict.INCONCLUSIVE
