"""Pages and attacks for the watermark tests (fixed seeds, no files)."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import pytest

KEY = bytes(range(32))
OTHER_KEY = bytes(range(100, 132))

_WORDS = [
    "certificate",
    "of",
    "residence",
    "issued",
    "district",
    "office",
    "name",
    "date",
    "birth",
    "address",
    "number",
    "registration",
    "family",
    "relation",
    "valid",
    "copy",
    "seoul",
    "gangnam",
]


def make_page(
    rng: np.random.Generator,
    *,
    dpi: int = 300,
    size_in: tuple[float, float] = (11.69, 8.27),
    tint: bool = True,
    text: bool = True,
) -> np.ndarray:
    """A certificate-like page: white, a guilloche-like light tint band, text lines."""
    h, w = round(size_in[0] * dpi), round(size_in[1] * dpi)
    s = dpi / 300
    page = np.full((h, w), 255, np.uint8)
    if tint:
        y0, y1 = int(0.08 * h), int(0.25 * h)
        yy, xx = np.mgrid[y0:y1, 0:w]
        phase = rng.uniform(0, 6.3)
        band = 238 + 6 * np.sin(xx / (23 * s) + 3 * np.sin(yy / (41 * s)) + phase)
        page[y0:y1] = np.clip(band, 0, 255).astype(np.uint8)
        page[int(0.82 * h) : int(0.93 * h), int(0.08 * w) : int(0.9 * w)] = 246
    if text:
        y = int(0.3 * h)
        while y < h - int(0.1 * h):
            x = int(0.07 * w)
            while x < w - int(0.2 * w):
                word = _WORDS[int(rng.integers(len(_WORDS)))]
                cv2.putText(
                    page,
                    word,
                    (x, y),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    1.1 * s,
                    0,
                    max(1, int(2 * s)),
                    cv2.LINE_AA,
                )
                x += int((len(word) * 24 + 30) * s)
            y += int(int(rng.choice([60, 70, 120])) * s)
    return page


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    if degrees % 90 == 0:
        return np.ascontiguousarray(np.rot90(img, int(degrees // 90)))
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(
        img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255)
    )


def crop(img: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Remove ``fraction`` of the area (keep a random window of the rest)."""
    h, w = img.shape[:2]
    k = np.sqrt(1 - fraction)
    hh, ww = int(h * k), int(w * k)
    r0 = int(rng.integers(0, h - hh + 1))
    c0 = int(rng.integers(0, w - ww + 1))
    return np.ascontiguousarray(img[r0 : r0 + hh, c0 : c0 + ww])


def resize_back(img: np.ndarray, factor: float) -> np.ndarray:
    h, w = img.shape[:2]
    small = cv2.resize(img, None, fx=factor, fy=factor, interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def noise(img: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    return np.clip(np.rint(img + rng.normal(0, sigma, img.shape)), 0, 255).astype(
        np.uint8
    )


def fractal(rng: np.random.Generator, shape: tuple[int, int]) -> np.ndarray:
    """A natural-image-like 1/f texture."""
    h, w = shape
    fy = np.fft.fftfreq(h)[:, None]
    fx = np.fft.rfftfreq(w)[None, :]
    r = np.hypot(fy, fx)
    r[0, 0] = 1
    spec = (rng.standard_normal(r.shape) + 1j * rng.standard_normal(r.shape)) / r
    x = np.fft.irfft2(spec, s=(h, w))
    x = (x - x.mean()) / x.std()
    return np.clip(128 + 40 * x, 0, 255).astype(np.uint8)


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 10 * np.log10(255.0**2 / mse)


@pytest.fixture(scope="session")
def a4_page() -> np.ndarray:
    return make_page(np.random.default_rng(7))


@pytest.fixture(scope="session")
def tools() -> SimpleNamespace:
    """The helpers above, for test modules (importlib mode: no sibling imports)."""
    return SimpleNamespace(
        KEY=KEY,
        OTHER_KEY=OTHER_KEY,
        make_page=make_page,
        jpeg=jpeg,
        rotate=rotate,
        crop=crop,
        resize_back=resize_back,
        noise=noise,
        fractal=fractal,
        psnr=psnr,
    )
