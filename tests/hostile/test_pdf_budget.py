"""PDFs are checked from their structure before anything is rendered or decoded."""

from __future__ import annotations

import io

import numpy as np
import pikepdf
import pytest
from tests.hostile import _build

from docsec import pdf
from docsec.errors import InputError

MIB = 2**20


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_build.pdf_with_page(14400, 14400), "page 1 is 200 x 200 inches"),
        (_build.pdf_with_page(10, 10), None),
        (_build.pdf_with_image(20000, 20000), "image of 20000x20000 pixels"),
        (_build.pdf_with_image(100000, 100000, bits=1), "100000x100000"),
        (_build.pdf_with_image(20000, 20000, in_form=True), "20000x20000"),
        (_build.pdf_with_image(9000, 9000, colour="/DeviceRGB"), "memory budget"),
        (_build.pdf_with_annotation_image(20000, 20000), "annotation image"),
        (_build.pdf_many_pages(2000), "2000 pages"),
    ],
)
def test_budget_refuses_before_rendering(data: bytes, message: str | None) -> None:
    if message is None:
        assert pdf.check_budget(data, pages=10, dpi=200) == 1
        return
    with pytest.raises(InputError, match=message):
        pdf.check_budget(data, pages=10, dpi=200)


def test_object_count_is_checked_before_parsing() -> None:
    # 60 000 objects, one page: refused from the raw bytes alone.
    data = _build.pdf_many_pages(1)
    body = b"".join(b"%d 0 obj\n1\nendobj\n" % (i + 100) for i in range(60_000))
    data = data.replace(b"%PDF-1.7\n", b"%PDF-1.7\n" + body, 1)
    with pytest.raises(InputError, match="objects, above the limit"):
        pdf.check_budget(data, pages=1, dpi=200)


def test_the_budget_follows_the_limits() -> None:
    data = _build.pdf_with_image(3000, 3000)
    pdf.check_budget(data, pages=1, dpi=200, max_memory=64 * MIB)
    with pytest.raises(InputError, match="memory budget"):
        pdf.check_budget(data, pages=1, dpi=200, max_memory=16 * MIB)
    with pytest.raises(InputError, match="above the limit of 1000000"):
        pdf.check_budget(data, pages=1, dpi=200, max_pixels=1_000_000)


def _encrypted() -> bytes:
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(_build.pdf_with_page(595, 842))) as doc:
        doc.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    return out.getvalue()


def test_password_pdf_is_a_clear_input_error() -> None:
    data = _encrypted()
    for call in (
        lambda: pdf.check_budget(data, pages=1, dpi=200),
        lambda: pdf.render_page(data, dpi=100),
        lambda: pdf.scanned_page_image(data),
        lambda: pdf.page_count(data),
    ):
        with pytest.raises(InputError, match="encrypted with a password") as info:
            call()
        assert "0x" not in str(info.value)


def test_render_refuses_a_huge_page() -> None:
    with pytest.raises(InputError, match="above the limit"):
        pdf.render_page(_build.pdf_with_page(14400, 14400), dpi=200)


def _scan(pixels: bytes, width: int, height: int, bits: int, colour: str) -> bytes:
    doc = pikepdf.new()
    image = pikepdf.Stream(doc, pixels)
    image.Type = pikepdf.Name.XObject
    image.Subtype = pikepdf.Name.Image
    image.Width = width
    image.Height = height
    image.BitsPerComponent = bits
    image.ColorSpace = pikepdf.Name(colour)
    page = pikepdf.Dictionary(
        Type=pikepdf.Name.Page,
        MediaBox=[0, 0, 72, 72],
        Resources=pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image)),
        Contents=pikepdf.Stream(doc, b"q 72 0 0 72 0 0 cm /Im0 Do Q"),
    )
    doc.pages.append(pikepdf.Page(page))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_scanned_images_decode_straight_to_gray() -> None:
    rng = np.random.default_rng(5)
    gray = rng.integers(0, 256, (7, 9), dtype=np.uint8)
    found = pdf.scanned_page_image(_scan(gray.tobytes(), 9, 7, 8, "/DeviceGray"))
    assert found is not None
    assert np.array_equal(found[0], gray)
    assert found[1] == pytest.approx(9.0)
    rgb = rng.integers(0, 256, (7, 9, 3), dtype=np.uint8)
    found = pdf.scanned_page_image(_scan(rgb.tobytes(), 9, 7, 8, "/DeviceRGB"))
    assert found is not None
    expected = np.rint(rgb @ np.array([0.299, 0.587, 0.114]))
    assert np.abs(found[0].astype(int) - expected).max() <= 1
    bits = rng.integers(0, 2, (7, 9), dtype=np.uint8)
    packed = np.packbits(bits, axis=1).tobytes()
    found = pdf.scanned_page_image(_scan(packed, 9, 7, 1, "/DeviceGray"))
    assert found is not None
    assert np.array_equal(found[0], bits * 255)


def test_scanned_image_over_the_budget_is_refused_before_decoding() -> None:
    data = _build.pdf_with_image(13000, 13000)
    with pytest.raises(InputError, match="13000x13000 pixels"):
        pdf.scanned_page_image(data, max_pixels=100_000_000)
    with pytest.raises(InputError, match="memory budget"):
        pdf.scanned_page_image(data, max_memory=100 * MIB)


def test_verify_refuses_before_rendering() -> None:
    from tests.pki import make_pki

    from docsec.policy import VerifyPolicy
    from docsec.verify import verify_bytes

    policy = VerifyPolicy.seal(make_pki().store())
    huge = _build.pdf_with_page(14400, 14400)
    with pytest.raises(InputError, match="200 x 200 inches"):
        verify_bytes(huge, policy=policy)
    # PDF readers accept bytes before the header: so does the sniffing.
    with pytest.raises(InputError, match="200 x 200 inches"):
        verify_bytes(b"\0" * 20 + huge, policy=policy)
    with pytest.raises(InputError, match="encrypted with a password"):
        verify_bytes(_encrypted(), policy=policy)
