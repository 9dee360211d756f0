"""The simulated sample scans (samples/scans) verify as their README says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from docsec.imaging import read_image
from docsec.policy import VerifyPolicy
from docsec.result import Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_file

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


@pytest.mark.parametrize(
    "name", ["original-print-scan-300dpi.jpg", "photocopy-scan-300dpi.jpg"]
)
def test_sample_scan(name: str) -> None:
    path = SAMPLES / "scans" / name
    loaded = read_image(path)
    assert loaded.dpi == (300.0, 300.0)
    assert loaded.image.shape[:2] == (3508, 2480)  # A4 at 300 dpi
    policy = VerifyPolicy.seal(TrustStore.load(SAMPLES / "demo-keys" / "trust"))
    r = verify_file(path, policy=policy, at=date(2026, 12, 1))
    assert r.verdict is Verdict.AUTHENTIC, r.reasons
    assert r.content is not None
    assert r.content.field_map()["DOCUMENT_NUMBER"] == "GN2611270042"
