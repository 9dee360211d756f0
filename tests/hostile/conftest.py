"""A demo world and genuine inputs for the hostile-input tests, dated today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from docsec import barcode, imaging, keys, trust
from docsec.issuing import issue, issue_seal
from docsec.policy import VerifyPolicy
from docsec.seal import load_certificate_data

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"


@dataclass(frozen=True)
class Genuine:
    """A demo PKI and inputs issued with it today (valid for 90 days)."""

    dir: Path
    trust_dir: Path
    policy: VerifyPolicy
    seal_bytes: bytes
    seal_png: Path
    pdf: Path


def certificate_data() -> dict[str, object]:
    """Return the sample certificate, issued today and valid for 90 days."""
    today = datetime.now(UTC).date()
    data = load_certificate_data(SAMPLE.read_bytes())
    data.pop("valid_for", None)  # the sample says "valid for 3 months"
    data["issue_date"] = today.isoformat()
    data["valid_until"] = (today + timedelta(days=90)).isoformat()
    return data


@pytest.fixture(scope="session")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> Genuine:
    d = tmp_path_factory.mktemp("hostile-world")
    world = trust.write_demo_world(d / "world")
    key = keys.load_private_key(world.issuer_key, passphrase=None)
    cert = trust.load_certificate(world.issuer_cert)
    data = certificate_data()
    seal = issue_seal(data, key=key, cert=cert)
    png = d / "seal.png"
    imaging.write_image(
        png, barcode.render_raster(barcode.encode(seal), module_px=4), dpi=600
    )
    pdf = d / "issued.pdf"
    pdf.write_bytes(issue(data, key=key, cert=cert))
    store = trust.TrustStore.load(world.trust_dir)
    return Genuine(d, world.trust_dir, VerifyPolicy.seal(store), seal, png, pdf)
