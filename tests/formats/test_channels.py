"""2D-Doc and DCC seals survive print and a 300-dpi scan (rate guard, 3 seeds).

benchmarks/bench_formats.py measures 30/30 AUTHENTIC for both formats in this
channel (and the 200-dpi and phone channels); this guard allows one miss in 3.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
from cryptography import x509

from docsec import imaging, simulate
from docsec.policy import VerifyPolicy
from docsec.trust import TrustStore
from docsec.verify import verify_image

pytestmark = pytest.mark.corpus

PAGE_DPI = 600
PAGE_PX = round(80 / 25.4 * PAGE_DPI)


def _page(path: Path, scale: int) -> np.ndarray:
    symbol = imaging.decode_image(path.read_bytes(), gray=True, name=path.name).image
    big = np.kron(symbol, np.ones((scale, scale), dtype=np.uint8))
    page = np.full((PAGE_PX, PAGE_PX), 255, dtype=np.uint8)
    r0, c0 = (PAGE_PX - big.shape[0]) // 2, (PAGE_PX - big.shape[1]) // 2
    page[r0 : r0 + big.shape[0], c0 : c0 + big.shape[1]] = big
    return page


def _authentic(page: np.ndarray, policy: VerifyPolicy, at: dt.datetime) -> int:
    return sum(
        verify_image(
            simulate.print_scan(
                page, page_dpi=PAGE_DPI, rng=seed, scanner_dpi=300
            ).image,
            policy=policy,
            at=at,
        ).ok
        for seed in range(3)
    )


def test_2ddoc_print_scan(corpus_dir: Path) -> None:
    vds = corpus_dir / "vds"
    cert = x509.load_pem_x509_certificate(
        (vds / "certs" / "2DDOC_FR00_0001.pem").read_bytes()
    )
    page = _page(vds / "images" / "2ddoc_barcode_c40_v3.png", 4)
    policy = VerifyPolicy.seal(TrustStore.from_certificates([cert]))
    assert _authentic(page, policy, dt.datetime(2015, 10, 31, 12, tzinfo=dt.UTC)) >= 2


def test_dcc_print_scan(corpus_dir: Path) -> None:
    vds = corpus_dir / "vds"
    raw = json.loads((vds / "dcc" / "DE" / "2DCode" / "raw" / "1.json").read_text())
    dsc = x509.load_der_x509_certificate(
        base64.b64decode(raw["TESTCTX"]["CERTIFICATE"])
    )
    page = _page(vds / "dcc" / "DE" / "2DCode" / "png" / "1.png", 5)
    policy = VerifyPolicy.seal(TrustStore.from_certificates([dsc]))
    clock = dt.datetime.fromisoformat(raw["TESTCTX"]["VALIDATIONCLOCK"])
    assert _authentic(page, policy, clock) >= 2
