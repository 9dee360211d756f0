"""French 2D-Doc corpus (../shared/corpus/vds): every case gets its expected result.

The ANTS test certificate FR00/0001 is valid 2012-11-01..2015-11-01, yet most
specification examples are signed later: their signature verifies, and the
verdict is NOT AUTHENTIC (signed-outside-certificate-validity), as for any seal
signed outside its certificate's validity. Documented in docs/formats.md.
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509
from tests.clock import NOW

from docsec import barcode, imaging
from docsec.errors import PayloadError
from docsec.formats import TWODDOC, detect, parse_unverified
from docsec.formats._trustlists import load_trust_source
from docsec.formats._twoddoc_tables import HEX_DAY_FIELDS
from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_bytes, verify_file

pytestmark = pytest.mark.corpus

_ROOT = Path(__file__).resolve().parents[2]
_INDEX = _ROOT.parent / "shared" / "corpus" / "vds" / "cases.json"
_CERT_END = dt.date(2015, 11, 1)


def _case_ids() -> list[str]:
    if not _INDEX.is_file():
        return ["corpus-absent"]
    cases = json.loads(_INDEX.read_text("utf-8"))["cases"]
    return [c["id"] for c in cases if c.get("standard") == "ANTS 2D-Doc"]


@cache
def _cases(corpus: Path) -> dict[str, dict[str, object]]:
    cases = json.loads((corpus / "vds" / "cases.json").read_text("utf-8"))["cases"]
    return {c["id"]: c for c in cases if c.get("standard") == "ANTS 2D-Doc"}


def _case(corpus: Path, case_id: str) -> dict[str, object]:
    cases = _cases(corpus)
    if case_id not in cases:
        pytest.skip(f"case {case_id} not in this corpus")
    return cases[case_id]


def _payload(corpus: Path, case: dict[str, object]) -> bytes:
    name = case.get("expected_payload_file") or case["file"]
    return (corpus / "vds" / str(name)).read_bytes()


@cache
def _policy(corpus: Path) -> VerifyPolicy:
    cert = x509.load_pem_x509_certificate(
        (corpus / "vds" / "certs" / "2DDOC_FR00_0001.pem").read_bytes()
    )
    return VerifyPolicy.seal(TrustStore.from_certificates([cert]))


def test_corpus_has_the_2ddoc_cases(corpus_dir: Path) -> None:
    cases = _cases(corpus_dir)
    assert len(cases) == 30
    assert sum(1 for c in cases.values() if c["expected_signature_valid"]) == 28


@pytest.mark.parametrize("case_id", _case_ids())
def test_header_as_expected(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    data = _payload(corpus_dir, case)
    assert detect(data) is TWODDOC
    parsed = parse_unverified(data)
    header = case["expected"]["header"]  # type: ignore[index]
    assert parsed.signer.issuer == header["ca_id"]
    assert parsed.signer.reference == header["cert_id"]
    assert parsed.document_type.split()[0] == header["doc_type"]
    for name in ("issue_date", "signature_date"):
        got = getattr(parsed, name)
        assert (got.isoformat() if got else None) == header[name]
    assert f"v{header['version']:02d}" in parsed.summary
    assert parsed.signed_bytes == data[: data.index(b"\x1f")]
    if "country" in header:
        assert parsed.country == header["country"]


@pytest.mark.parametrize("case_id", _case_ids())
def test_spec_field_values_decode(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    expected = case["expected"]
    assert isinstance(expected, dict)
    listed = [
        *(expected.get("mandatory_fields") or ()),
        *(expected.get("optional_fields") or ()),
    ]
    if not listed:
        pytest.skip("the case lists no field values")
    fields = {
        f.key: f.value
        for f in TWODDOC.decode_fields(parse_unverified(_payload(corpus_dir, case)))
    }
    compared = 0
    for item in listed:
        key, want = item["key"], str(item["value"]).strip()
        # The spec table explains some values in prose, writes "<vide>" for empty
        # ones, and prints hex-day dates raw (docsec shows them as ISO dates).
        if "(" in want or key in HEX_DAY_FIELDS:
            continue
        want = "" if want == "<vide>" else want
        assert fields[key].strip() == want, key
        compared += 1
    assert compared >= 1


@pytest.mark.parametrize("case_id", _case_ids())
def test_verdict_with_the_test_certificate(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    data = _payload(corpus_dir, case)
    policy = _policy(corpus_dir)
    signed = parse_unverified(data).signature_date
    assert signed is not None
    at = dt.date(2015, 10, 31) if signed < _CERT_END else signed
    result = verify_bytes(data, policy=policy, at=at)
    signature = result.check("signature")
    assert signature is not None
    if not case["expected_signature_valid"]:
        assert signature.status is CheckStatus.FAIL
        assert result.verdict is Verdict.NOT_AUTHENTIC
        assert result.reasons == ("forged-seal",)
        return
    assert signature.status is CheckStatus.PASS
    if signed < _CERT_END:
        assert result.verdict is Verdict.AUTHENTIC, result.reasons
        assert result.content is not None
        assert result.content.signer_identifier == "FR00"
    else:
        # The documented quirk: signed after the test certificate expired.
        assert result.verdict is Verdict.NOT_AUTHENTIC
        assert "signed-outside-certificate-validity" in result.reasons
    # Today the test certificate has long expired.
    now = verify_bytes(data, policy=policy, at=NOW)
    assert now.verdict is Verdict.NOT_AUTHENTIC
    assert {"certificate-expired", "signed-outside-certificate-validity"} & set(
        now.reasons
    )


@pytest.mark.parametrize("case_id", _case_ids())
def test_unknown_signer_is_inconclusive(corpus_dir: Path, case_id: str) -> None:
    # The ANTS production trust list does not hold the FR00 test authority.
    case = _case(corpus_dir, case_id)
    store = load_trust_source(
        corpus_dir / "vds" / "trust" / "ants_2ddoc_tsl_signed.xml"
    )
    result = verify_bytes(
        _payload(corpus_dir, case), policy=VerifyPolicy.seal(store), at=NOW
    )
    assert result.verdict is Verdict.INCONCLUSIVE
    assert result.reasons == ("unknown-signer",)


@pytest.mark.parametrize(
    "case_id",
    [i for i in _case_ids() if i.startswith("2ddoc_image_")] or ["corpus-absent"],
)
def test_images_read_and_verify(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    path = corpus_dir / "vds" / str(case["file"])
    loaded = imaging.decode_image(path.read_bytes(), gray=True, name=path.name)
    symbols = barcode.read(loaded.image)
    assert [s.data for s in symbols] == [_payload(corpus_dir, case)]
    signed = parse_unverified(symbols[0].data).signature_date
    assert signed is not None
    at = dt.date(2015, 10, 31) if signed < _CERT_END else signed
    result = verify_file(path, policy=_policy(corpus_dir), at=at)
    check = result.check("signature")
    assert check is not None
    assert check.status is CheckStatus.PASS
    want = Verdict.AUTHENTIC if signed < _CERT_END else Verdict.NOT_AUTHENTIC
    assert result.verdict is want
    assert [loc.name for loc in result.locations] == ["seal"]


@pytest.mark.parametrize("case_id", _case_ids())
def test_every_changed_character_fails(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    if not case["expected_signature_valid"]:
        pytest.skip("already not valid")
    data = _payload(corpus_dir, case)
    cert = _policy(corpus_dir).trust.anchors[0]
    us = data.index(b"\x1f")
    for pos in range(us):
        mutated = bytearray(data)
        # Change one character to another printable one (a forger edits text).
        mutated[pos] = ord("X") if mutated[pos] != ord("X") else ord("Y")
        try:
            other = parse_unverified(bytes(mutated))
        except PayloadError:
            continue
        assert not TWODDOC.verify_signature(other, cert), f"position {pos}"
