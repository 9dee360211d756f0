"""A service over a SQLite registry with a few issued documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from tests.pki import Pki, make_pki, sample_data

from docsec.registry import Registry, Role, issue_registered
from docsec.registry._db import IssuedRecord

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)


@dataclass
class World:
    pki: Pki
    trust: Path
    db: str
    key_file: Path
    cert_file: Path
    docs: list[IssuedRecord] = field(default_factory=list)
    issuer_token: str = ""
    auditor_token: str = ""


def unnumbered() -> dict[str, object]:
    d = sample_data()
    d.pop("document_number", None)
    return d


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    """Documents issued on the fixed NOW (for services given that clock)."""
    return build_world(tmp_path_factory.mktemp("service"), NOW)


def build_world(root: Path, now: datetime, db: str | None = None) -> World:
    """Keys, trust folder, a registry (``db``, else SQLite) and four documents."""
    # Valid from before both clocks the tests use (this module's fixed NOW and the
    # live service's wall clock) for five years after the later one, so the live
    # tests pass on any day (CI also runs them years ahead).
    start = min(now - timedelta(days=1), NOW)
    pki = make_pki(valid_from=start, issuer_days=(max(now, NOW) - start).days + 1826)
    trust = pki.write(root / "trust")
    key_file = root / "issuer.key"
    key_file.write_bytes(
        pki.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file = root / "issuer.pem"
    cert_file.write_bytes(pki.cert.public_bytes(serialization.Encoding.PEM))
    db = db or f"sqlite:///{root / 'registry.sqlite3'}"
    reg = Registry(db)
    reg.init()
    w = World(pki, trust, db, key_file, cert_file)
    for _ in range(4):
        w.docs.append(
            issue_registered(
                reg,
                unnumbered(),
                key=pki.key,
                cert=pki.cert,
                now=now,
                actor="fixture",
                verify_url="http://127.0.0.1:8080",
            )
        )
    w.issuer_token = reg.create_token(Role.ISSUER, label="t", now=now)
    w.auditor_token = reg.create_token(Role.AUDITOR, label="t", now=now)
    reg.close()
    return w
