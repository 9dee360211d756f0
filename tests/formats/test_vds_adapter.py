"""The ICAO VDS adapter: what verify_seal_bytes decides, through the protocol.

Every format, VDS included, is verified by one implementation of the seal checks
(docsec._seal_checks) through the format protocol. Here every signed VDS seal of
the corpus is verified, and the adapter's own answers (parse, signature, fields)
must be the ones the result reports.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography import x509

from docsec.formats import VDS, detect
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, VerificationResult
from docsec.trust import TrustStore
from docsec.verify import verify_seal_bytes

pytestmark = pytest.mark.corpus

_INDEX = (
    Path(__file__).resolve().parents[3] / "shared" / "corpus" / "vds" / "cases.json"
)


def _ids() -> list[str]:
    if not _INDEX.is_file():
        return ["corpus-absent"]
    cases = json.loads(_INDEX.read_text("utf-8"))["cases"]
    return [c["id"] for c in cases if c["format"] == "binary" and c.get("signer_cert")]


def _cert(corpus: Path, name: str) -> x509.Certificate:
    certs = corpus / "vds" / "certs"
    der = certs / f"{name}.der"
    if der.is_file():
        return x509.load_der_x509_certificate(der.read_bytes())
    return x509.load_pem_x509_certificate((certs / f"{name}.pem").read_bytes())


@pytest.mark.parametrize("case_id", _ids())
def test_protocol_and_verify_agree(corpus_dir: Path, case_id: str) -> None:
    cases = json.loads((corpus_dir / "vds" / "cases.json").read_text("utf-8"))["cases"]
    case = next((c for c in cases if c["id"] == case_id), None)
    if case is None:
        pytest.skip(f"case {case_id} not in this corpus")
    raw = (corpus_dir / "vds" / case["file"]).read_bytes()
    assert detect(raw) is VDS
    store = TrustStore.from_certificates([_cert(corpus_dir, case["signer_cert"])])
    at = dt.datetime.combine(
        VDS.parse_unverified(raw).signature_date or dt.date(2020, 1, 1),
        dt.time(23, 59, 59),
        tzinfo=dt.UTC,
    )
    reference: VerificationResult = verify_seal_bytes(
        raw, policy=VerifyPolicy.seal(store), at=at
    )
    parsed = VDS.parse_unverified(raw)
    barcode = reference.check("barcode")
    assert barcode is not None
    assert barcode.status is CheckStatus.PASS
    assert barcode.detail == parsed.summary
    cert = _cert(corpus_dir, case["signer_cert"])
    signature = reference.check("signature")
    assert signature is not None
    # The seal names its certificate: the corpus's may be another one (unknown
    # signer); when the seal is checked, the adapter decides as the result says.
    if signature.status is CheckStatus.PASS:
        assert VDS.verify_signature(parsed, cert)
    elif signature.status is CheckStatus.FAIL:
        assert not VDS.verify_signature(parsed, cert)
    if reference.content is not None:
        assert reference.content.signer_identifier == parsed.signer.issuer
        assert reference.content.certificate_reference == parsed.signer.reference
        values = {f.key: f.value for f in VDS.decode_fields(parsed)}
        assert values
        assert set(values.values()) <= {v for _k, v in reference.content.fields}
