"""A small real PKI for tests, made with cryptography through docsec.pki."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from docsec import trust
from docsec.issuing import issue_seal
from docsec.pki import create_crl, create_issuer_certificate, create_root_ca
from docsec.seal import load_certificate_data

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class Pki:
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate

    def store(self, *, crl_revoked: tuple[int, ...] | None = None) -> trust.TrustStore:
        crls = []
        if crl_revoked is not None:
            crls.append(
                create_crl(
                    root_cert=self.root,
                    root_key=self.root_key,
                    revoked=[(s, T0) for s in crl_revoked],
                    last_update=T0,
                    next_update=T0 + timedelta(days=3650),
                )
            )
        return trust.TrustStore.from_certificates([self.root, self.cert], crls)

    def write(self, directory: Path) -> Path:
        from cryptography.hazmat.primitives import serialization

        directory.mkdir(parents=True, exist_ok=True)
        for name, c in (("root.pem", self.root), ("issuer.pem", self.cert)):
            (directory / name).write_bytes(c.public_bytes(serialization.Encoding.PEM))
        return directory


def make_pki(
    *,
    signer_code: str = "GN",
    valid_from: datetime = T0,
    issuer_days: int = 1826,
    serial: int | None = None,
) -> Pki:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = create_root_ca(
        country="KR",
        common_name="Test Root",
        organization="docsec tests",
        key=root_key,
        valid_from=min(valid_from, T0) - timedelta(days=30),
        valid_days=9000,
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=key.public_key(),
        country="KR",
        signer_code=signer_code,
        organization="Test Office",
        valid_from=valid_from,
        valid_days=issuer_days,
        serial=serial,
    )
    return Pki(root_key, root, key, cert)


def sample_data(**changes: object) -> dict[str, object]:
    data = load_certificate_data(SAMPLE.read_bytes())
    if "valid_until" in changes:  # a fixed end replaces the sample's validity length
        data.pop("valid_for", None)
    data.update(changes)
    return data


def seal_for(pki: Pki, *, day: date = date(2026, 3, 1), **changes: object) -> bytes:
    changes.setdefault("valid_until", (day + timedelta(days=90)).isoformat())
    data = sample_data(issue_date=day.isoformat(), **changes)
    return issue_seal(data, key=pki.key, cert=pki.cert, signature_date=day)


def dump(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True)
