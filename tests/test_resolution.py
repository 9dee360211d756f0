"""Each page check works at the resolution it needs (issue #19).

The watermark and the printed text are made for ~300 dpi: on a page captured far
above that they read a view reduced by a power of two (docsec._page_checks), and
the copy-detection pattern is measured on the full page. A 1200-ppi capture here is
a 300-dpi scan with every pixel repeated 4 x 4 times: its 4-times reduced view is
exactly that scan, so every ~300-dpi check must give the same reading on both (up
to the seal's corners, which the barcode reader finds on its own work image of
each, and a region far from the seal moves with them: the watermark score within
10 %, points within 3 mm), and a check
that ran at the wrong scale (a full-page dpi hint on the view, view corners on the
page, view points reported as page points) gives another.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docsec import _ocr, barcode, demo, imaging, issue, keys, simulate, trust
from docsec import _page_checks as pc
from docsec._template import certificate_fields
from docsec.pdf import render_page
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict, VerificationResult
from docsec.seal import complete_dates, load_certificate_data
from docsec.verify import verify_bytes, verify_image

ROOT = Path(__file__).resolve().parents[1]
WORLD = datetime(2026, 11, 26, tzinfo=UTC)
DAY = WORLD.date() + timedelta(days=1)
AT = DAY + timedelta(days=4)
DPI = 600
FONT = "/usr/share/fonts/truetype/nanum/NanumGothic.ttf"
needs_ocr = pytest.mark.skipif(
    _ocr.available() is not None, reason=f"needs Tesseract: {_ocr.available()}"
)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    w = demo.write_demo_world(tmp_path_factory.mktemp("res") / "w", now=WORLD)
    data = complete_dates(
        load_certificate_data(
            (ROOT / "samples/data/family-relation.json").read_bytes()
        ),
        day=DAY,
    )
    wkey = keys.load_secret_key(w.watermark_key)
    pdf = issue(
        data,
        key=keys.load_private_key(w.issuer_key, passphrase=None),
        cert=trust.load_certificate(w.issuer_cert),
        watermark_key=wkey,
        signature_date=DAY,
    )
    policy = VerifyPolicy.seal(
        trust.TrustStore.load(w.trust_dir), watermark_keys=[wkey]
    )
    return render_page(pdf, dpi=DPI), dict(certificate_fields(data)), policy


def _scan(page: np.ndarray, seed: int) -> np.ndarray:
    return simulate.print_scan(
        page, page_dpi=DPI, rng=seed, printer="laser", scanner_dpi=300
    ).image


def _times4(image: np.ndarray) -> np.ndarray:
    return np.repeat(np.repeat(image, 4, axis=0), 4, axis=1)


def _whiteout(page: np.ndarray, box_mm: tuple[float, ...], text: str) -> np.ndarray:
    """Paint a value cell over and write another value (a forger's edit)."""
    x, y, w, h = (v * DPI / 25.4 for v in box_mm)
    r0, r1, c0, c1 = round(y), round(y + h), round(x), round(x + w)
    out = page.copy()
    out[r0:r1, c0:c1] = int(np.median(out[r0:r1, c0:c1]))
    img = Image.fromarray(out)
    face = ImageFont.truetype(FONT, round(11.0 / 72 * DPI))
    where = (c0 + 3.0 * DPI / 25.4, r0 + 6.2 * DPI / 25.4)
    ImageDraw.Draw(img).text(where, text, fill=0, font=face, anchor="ls")
    return np.asarray(img, np.uint8)


def _page_frame(image: np.ndarray, dpi: float | None = None) -> pc.PageFrame:
    """The frame the verifier builds for ``image`` (seal read, not verified)."""
    from types import SimpleNamespace

    from docsec import seal as _seal

    sym = next(s for s in barcode.read(image) if s.data[:1] == b"\xdc")
    # page_frame reads the seal's VDS only (SealFrame.vds).
    seal = SimpleNamespace(vds=_seal.parse_unverified(sym.data))
    return pc.page_frame(image, sym, seal, None, dpi=dpi, physical=True)  # type: ignore[arg-type]


def _text_points(r: VerificationResult) -> dict[str, np.ndarray]:
    return {
        loc.label.split(":", 1)[0]: np.asarray(loc.points)
        for loc in r.locations
        if loc.name.startswith("text-")
    }


def test_the_view_is_reduced_by_the_power_of_two_that_keeps_300_dpi(issued) -> None:  # type: ignore[no-untyped-def]
    page, _boxes, _policy = issued
    scan = _scan(page, 3)
    assert _page_frame(scan).view_factor == 1  # 300 dpi: read as it is
    assert _page_frame(scan).view is None
    big = _page_frame(_times4(scan))
    assert big.view_factor == 4
    assert big.view is not None
    assert np.array_equal(big.view, scan)  # the 4 x 4 means of repeated pixels
    twice = _page_frame(_times4(scan)[::2, ::2])
    assert twice.view_factor == 2
    # A render's own dpi decides (a PDF page at 400 dpi is read as it is).
    assert _page_frame(page, dpi=600.0).view_factor == 2
    assert _page_frame(render_page_400(page), dpi=400.0).view_factor == 1
    # The view's homography puts the seal where the view shows it.
    h = big.view_homography()
    n = float(big.symbol.size)
    corner = h @ np.array([n, n, 1.0])
    want = np.asarray(big.view_corners()[2])
    assert np.allclose(corner[:2] / corner[2], want, atol=0.05)
    assert np.allclose(
        np.asarray(big.to_page(big.view_corners())), np.asarray(big.symbol.corners)
    )


def render_page_400(page: np.ndarray) -> np.ndarray:
    import cv2

    return np.asarray(
        cv2.resize(page, None, fx=2 / 3, fy=2 / 3, interpolation=cv2.INTER_AREA),
        np.uint8,
    )


def test_a_1200_ppi_page_reads_as_its_300_dpi_scan(issued) -> None:  # type: ignore[no-untyped-def]
    page, _boxes, policy = issued
    scan = _scan(page, 5)
    small = verify_image(scan, policy=policy, at=AT)
    large = verify_image(_times4(scan), policy=policy, at=AT)
    assert small.verdict is Verdict.AUTHENTIC, small.reasons
    assert large.verdict is small.verdict, large.reasons
    for name in ("watermark", "printed_text"):
        a, b = small.check(name), large.check(name)
        assert a is not None
        assert b is not None
        assert (b.status, b.reasons) == (a.status, a.reasons), name
        if a.score is not None:
            assert b.score == pytest.approx(a.score, rel=0.1), name
    # Locations are in the pixels of the image given: 4 times the 300-dpi ones.
    pts_small, pts_large = _text_points(small), _text_points(large)
    assert pts_small.keys() == pts_large.keys()
    assert pts_small
    for field, pts in pts_small.items():
        assert np.allclose((pts_large[field] + 0.5) / 4 - 0.5, pts, atol=35.0), field


@needs_ocr
def test_an_edited_page_is_caught_at_1200_ppi(issued) -> None:  # type: ignore[no-untyped-def]
    page, boxes, policy = issued
    forged = _whiteout(page, boxes["/holder_name"], "김철수 (KIM Cheolsu)")
    scan = _scan(forged, 7)
    small = verify_image(scan, policy=policy, at=AT)
    large = verify_image(_times4(scan), policy=policy, at=AT)
    assert small.verdict is Verdict.NOT_AUTHENTIC, small.reasons
    assert large.verdict is Verdict.NOT_AUTHENTIC, large.reasons
    check = large.check("printed_text")
    assert check is not None
    assert check.status is CheckStatus.FAIL
    assert "/holder_name" in check.detail


def test_a_grey_file_is_not_decoded_again_in_colour(issued) -> None:  # type: ignore[no-untyped-def]
    page, _boxes, _policy = issued
    scan = _scan(page, 9)
    grey = imaging.decode_image(imaging.encode_image(scan), gray=True)
    assert grey.colour is False
    bgr = np.dstack([scan, scan, np.clip(scan.astype(np.int16) + 20, 0, 255)])
    colour = imaging.decode_image(imaging.encode_image(bgr.astype(np.uint8)), gray=True)
    assert colour.colour is True
    assert colour.image.ndim == 2


def test_a_1200_ppi_png_verifies_as_its_300_dpi_scan(issued) -> None:  # type: ignore[no-untyped-def]
    # Through the file path: the large grey PNG is decoded in place (imaging).
    page, _boxes, policy = issued
    scan = _scan(page, 5)
    data = imaging.encode_image(_times4(scan))
    small = verify_image(scan, policy=policy, at=AT)
    large = verify_bytes(data, policy=policy, at=AT, suffix=".png")
    assert large.verdict is small.verdict is Verdict.AUTHENTIC, large.reasons
    a, b = small.check("watermark"), large.check("watermark")
    assert a is not None
    assert b is not None
    assert a.score is not None
    assert b.score == pytest.approx(a.score, rel=0.1)
