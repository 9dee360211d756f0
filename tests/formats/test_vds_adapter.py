"""The ICAO VDS adapter: the protocol's generic checks agree with verify_seal_bytes.

VDS seals are still verified by docsec.verify._check_seal; the pipeline refactor
(issue 17, part 2) will run every format through the protocol. Here both paths
verify every signed VDS seal of the corpus and must give the same checks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cryptography import x509

from docsec.formats import VDS, detect
from docsec.formats._checks import check_seal
from docsec.policy import VerifyPolicy
from docsec.result import CheckResult, VerificationResult
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


def _summary(
    checks: tuple[CheckResult, ...] | list[CheckResult],
) -> list[tuple[str, str, tuple[str, ...]]]:
    # The barcode check's wording is the adapter's own; compare the decisions.
    return [(c.name, c.status.value, c.reasons) for c in checks]


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
    checks, content = check_seal(VDS, raw, trust=store, at=at)
    assert _summary(checks) == _summary(reference.checks)
    assert (content is None) == (reference.content is None)
    if content is not None and reference.content is not None:
        assert content.fields == reference.content.fields
        assert content.signer_key == reference.content.signer_key
