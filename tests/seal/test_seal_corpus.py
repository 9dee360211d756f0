"""Real third-party seals (../shared/corpus/vds): decode, verify, fail when mutated."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509

from docsec.errors import PayloadError
from docsec.keys import VerifyingKey
from docsec.seal import Seal, decode_fields, parse_unverified, verify_signature

pytestmark = pytest.mark.corpus

_ROOT = Path(__file__).resolve().parents[2]
_INDEX = _ROOT.parent / "shared" / "corpus" / "vds" / "cases.json"


def _binary_case_ids() -> list[str]:
    # Parametrize at collection time when the corpus is at its usual place; the
    # tests themselves take it from the corpus_dir fixture (and skip without it).
    if not _INDEX.is_file():
        return ["corpus-absent"]
    cases = json.loads(_INDEX.read_text("utf-8"))["cases"]
    return [c["id"] for c in cases if c["format"] == "binary"]


@cache
def _cases(corpus: Path) -> dict[str, dict[str, object]]:
    cases = json.loads((corpus / "vds" / "cases.json").read_text("utf-8"))["cases"]
    return {c["id"]: c for c in cases if c["format"] == "binary"}


def _case(corpus_dir: Path, case_id: str) -> dict[str, object]:
    cases = _cases(corpus_dir)
    if case_id not in cases:
        pytest.skip(f"case {case_id} not in this corpus")
    return cases[case_id]


def _raw(corpus_dir: Path, case: dict[str, object]) -> bytes:
    return (corpus_dir / "vds" / str(case["file"])).read_bytes()


@cache
def _key(corpus: Path, name: str) -> VerifyingKey:
    certs = corpus / "vds" / "certs"
    der = certs / f"{name}.der"
    if der.is_file():
        cert = x509.load_der_x509_certificate(der.read_bytes())
    else:
        cert = x509.load_pem_x509_certificate((certs / f"{name}.pem").read_bytes())
    return VerifyingKey.from_certificate(cert)


def _parse(raw: bytes) -> Seal:
    # Three TR-03171 structural vectors carry no signature zone at all.
    return parse_unverified(raw, allow_unsigned=True)


def test_corpus_has_the_expected_binary_cases(corpus_dir: Path) -> None:
    cases = _cases(corpus_dir)
    assert len(cases) == 33
    assert sum(1 for c in cases.values() if c.get("signer_cert")) == 26


@pytest.mark.parametrize("case_id", _binary_case_ids())
def test_decodes_with_expected_header_and_messages(
    corpus_dir: Path, case_id: str
) -> None:
    case = _case(corpus_dir, case_id)
    seal = _parse(_raw(corpus_dir, case))
    expected = case.get("expected")
    if not isinstance(expected, dict):
        # vdstools_ankunftsnwPapier2: only the dates and type vdstools reports.
        exp = case["expected_vdstools"]
        assert isinstance(exp, dict)
        assert seal.header.issue_date.isoformat() == exp["issue_date"]
        assert seal.header.signature_date.isoformat() == exp["signature_date"]
        assert decode_fields(seal).profile == exp["document_type"]
        assert "v4-header-with-v3-signer-and-reference" in seal.leniencies
        return
    header = expected["header"]
    got = {
        k: (v.isoformat() if isinstance(v, dt.date) else v)
        for k, v in ((name, getattr(seal.header, name)) for name in header)
    }
    assert got == header
    assert len(seal.signed_bytes) == expected["signed_bytes_len"]
    sig = expected["signature"]
    if sig is None:
        assert seal.signature is None
    else:
        assert seal.signature is not None
        assert len(seal.signature) == sig["length"]
    decoded = decode_fields(seal)
    want_profile = expected["document_type_vdstools"]
    assert (decoded.profile or "UNKNOWN") == want_profile
    messages = expected["messages"]
    assert len(decoded.fields) == len(messages) == len(seal.messages)
    for field, feat, msg in zip(decoded.fields, seal.messages, messages, strict=True):
        assert feat.tag == field.tag == msg["tag"]
        assert feat.value.hex() == msg["raw_hex"]
        assert (field.name if field.known else None) == msg["name"]
        assert field.coding == msg["coding"]
        assert field.value == str(msg["value"])


@pytest.mark.parametrize("case_id", _binary_case_ids())
def test_signature_matches_expectation(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    if not case.get("signer_cert"):
        pytest.skip("no signer certificate published: parse-only case")
    seal = parse_unverified(_raw(corpus_dir, case))
    key = _key(corpus_dir, str(case["signer_cert"]))
    assert verify_signature(seal, key) is case["expected_signature_valid"]


def _mutation_positions(seal: Seal) -> list[int]:
    signed = len(seal.signed_bytes)
    positions = set(range(0, signed))  # every byte of header and message zone
    sig_start = len(seal.raw) - len(seal.signature or b"")
    positions |= {sig_start, sig_start + 1, len(seal.raw) // 2, len(seal.raw) - 1}
    positions |= {signed, signed + 1}  # the signature tag and its length
    return sorted(p for p in positions if p < len(seal.raw))


@pytest.mark.parametrize("case_id", _binary_case_ids())
def test_one_byte_change_fails(corpus_dir: Path, case_id: str) -> None:
    case = _case(corpus_dir, case_id)
    if not case.get("signer_cert") or not case.get("expected_signature_valid"):
        pytest.skip("no verifiable signature")
    raw = _raw(corpus_dir, case)
    key = _key(corpus_dir, str(case["signer_cert"]))
    seal = parse_unverified(raw)
    assert verify_signature(seal, key)
    for pos in _mutation_positions(seal):
        mutated = bytearray(raw)
        mutated[pos] ^= 0x01
        try:
            other = parse_unverified(bytes(mutated))
        except PayloadError:
            continue
        assert not verify_signature(other, key), f"byte {pos} changed, still valid"


@pytest.mark.parametrize("case_id", _binary_case_ids())
def test_truncation_is_a_payload_error(corpus_dir: Path, case_id: str) -> None:
    raw = _raw(corpus_dir, _case(corpus_dir, case_id))
    for cut in (1, 2, len(raw) // 2, len(raw) - 1):
        with pytest.raises(PayloadError):
            parse_unverified(raw[:cut])


def test_dets32_uses_brainpool_p224r1(corpus_dir: Path) -> None:
    key = _key(corpus_dir, "DETS32")
    assert (key.curve_name, key.key_size, key.signature_size) == (
        "brainpoolP224r1",
        224,
        56,
    )


def test_documented_leniencies(corpus_dir: Path) -> None:
    cases = _cases(corpus_dir)
    found = {
        cid: _parse(_raw(corpus_dir, c)).leniencies
        for cid, c in cases.items()
        if _parse(_raw(corpus_dir, c)).leniencies
    }
    assert found == {
        "vdstools_ankunftsnwPapier": ("issuing-country-shorter-than-3-characters",),
        "vdstools_ankunftsnwPapier2": (
            "issuing-country-shorter-than-3-characters",
            "v4-header-with-v3-signer-and-reference",
        ),
        "vdstools_meldebescheinigung": (
            "certificate-reference-length-read-as-decimal",
        ),
        "vdstools_administrativeDocumentV9Basic": (
            "certificate-reference-length-read-as-decimal",
        ),
        "vdstools_administrativeDocumentV9WithDates": (
            "certificate-reference-length-read-as-decimal",
        ),
        "vdstools_administrativeDocumentV9WithStatus": (
            "certificate-reference-length-read-as-decimal",
        ),
        "vdstools_utoVisa": ("length-byte-0x80-read-as-zero",),
    }
