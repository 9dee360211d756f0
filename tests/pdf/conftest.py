"""Fixtures for the PDF tests: a demo world, issued PDFs, a loopback TSA."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from tests.clock import NOW

from docsec import demo, keys, trust
from docsec.policy import VerifyPolicy

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples" / "data"


@dataclass
class World:
    dir: Path
    key: ec.EllipticCurvePrivateKey
    cert: x509.Certificate
    root_key: ec.EllipticCurvePrivateKey
    root: x509.Certificate
    store: trust.TrustStore
    policy: VerifyPolicy


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    d = tmp_path_factory.mktemp("world")
    w = demo.write_demo_world(d, now=NOW)
    store = trust.TrustStore.load(w.trust_dir)
    return World(
        dir=d,
        key=keys.load_private_key(w.issuer_key, passphrase=None),
        cert=trust.load_certificate(w.issuer_cert),
        root_key=keys.load_private_key(w.root_key, passphrase=None),
        root=trust.load_certificate(w.root_cert),
        store=store,
        policy=VerifyPolicy.seal(store),
    )


def sample(name: str = "family-relation") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SAMPLES / f"{name}.json").read_text("utf-8"))
    return data


@pytest.fixture(scope="session")
def issued(world: World) -> bytes:
    from docsec import issue

    return issue(sample(), key=world.key, cert=world.cert, signature_date=NOW.date())


@pytest.fixture(scope="session")
def issued_other(world: World) -> bytes:
    from docsec import issue

    return issue(
        sample("resident-registration-abstract"),
        key=world.key,
        cert=world.cert,
        signature_date=NOW.date(),
    )


class _TsaHandler(BaseHTTPRequestHandler):
    stamper: Any = None

    def do_POST(self) -> None:
        from asn1crypto import tsp  # type: ignore[import-untyped]

        body = self.rfile.read(int(self.headers["Content-Length"]))
        req = tsp.TimeStampReq.load(body)
        resp = self.stamper.request_tsa_response(req)
        data = resp.dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="session")
def tsa_url(world: World) -> Iterator[str]:
    """An RFC 3161 TSA on loopback (pyHanko's DummyTimeStamper behind http.server)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.sign.timestamps import DummyTimeStamper

    now = NOW
    # pyHanko's DummyTimeStamper signs with RSA only.
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    tsa_cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")]))
        .issuer_name(world.root.subject)
        .public_key(tsa_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .sign(world.root_key, hashes.SHA256())
    )
    der = serialization.Encoding.DER
    stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            tsa_key.private_bytes(
                der,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
    )
    handler = type("Handler", (_TsaHandler,), {"stamper": stamper})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def issued_lt(world: World, tsa_url: str) -> bytes:
    """A PAdES B-LT certificate: the signature, then a DSS update."""
    from docsec import issue

    return issue(
        sample(),
        key=world.key,
        cert=world.cert,
        signature_date=NOW.date(),
        level="B-LT",
        tsa_url=tsa_url,
        trust=world.store,
    )


@pytest.fixture(scope="session")
def issued_lta(world: World, tsa_url: str) -> bytes:
    """A PAdES B-LTA certificate: signature, DSS + document timestamp, DSS."""
    from docsec import issue

    return issue(
        sample(),
        key=world.key,
        cert=world.cert,
        signature_date=NOW.date(),
        level="B-LTA",
        tsa_url=tsa_url,
        trust=world.store,
    )
