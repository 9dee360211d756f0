"""Real seals written by others (../shared/corpus/vds) through the verify pipeline."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509

from docsec.policy import VerifyPolicy
from docsec.result import CheckStatus, Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_file, verify_seal_bytes

EXPIRED = {"DETS27", "DETS32"}  # expired 2025-01-10 (PROVENANCE.md)


def _cases(corpus: Path) -> list[dict[str, object]]:
    doc = json.loads((corpus / "vds" / "cases.json").read_text(encoding="utf-8"))
    return [
        c for c in doc["cases"] if c.get("format") == "binary" and c.get("signer_cert")
    ]


def _store(corpus: Path, name: str) -> TrustStore:
    doc = json.loads((corpus / "vds" / "cases.json").read_text(encoding="utf-8"))
    raw = (corpus / "vds" / doc["certificates"][name]["file"]).read_bytes()
    cert = (
        x509.load_der_x509_certificate(raw)
        if raw[:1] == b"\x30"
        else x509.load_pem_x509_certificate(raw)
    )
    return TrustStore.from_certificates([cert])


@pytest.mark.corpus
def test_corpus_seals_verify_with_their_certificates(corpus_dir: Path) -> None:
    authentic = expired = unknown = 0
    for case in _cases(corpus_dir):
        data = (corpus_dir / "vds" / str(case["file"])).read_bytes()
        signer = str(case["signer_cert"])
        policy = VerifyPolicy.seal(_store(corpus_dir, signer))
        header = case["expected"]["header"]  # type: ignore[index]
        signed_on = date.fromisoformat(header["signature_date"])
        # At the signing date (cert valid) versus today (DETS27/32 expired).
        early = verify_seal_bytes(data, policy=policy, at=signed_on)
        late = verify_seal_bytes(data, policy=policy, at=date(2026, 11, 27))
        if not case["cert_resolvable_from_header"]:
            # The header names DEZV, but UTTS5B signed it: no certificate matches,
            # which is not evidence against the seal.
            assert early.reasons == ("unknown-signer",), case["id"]
            assert early.verdict is Verdict.INCONCLUSIVE, case["id"]
            unknown += 1
            continue
        assert early.check("signature").status is CheckStatus.PASS, case["id"]  # type: ignore[union-attr]
        assert early.verdict is Verdict.AUTHENTIC, (case["id"], early.reasons)
        authentic += 1
        if signer in EXPIRED:
            assert late.check("signature").status is CheckStatus.PASS  # type: ignore[union-attr]
            assert late.verdict is Verdict.NOT_AUTHENTIC
            assert "certificate-expired" in late.reasons
            expired += 1
        else:
            assert late.verdict is Verdict.AUTHENTIC, (case["id"], late.reasons)
        flipped = bytearray(data)
        flipped[len(flipped) // 2] ^= 0x04
        r = verify_seal_bytes(bytes(flipped), policy=policy, at=signed_on)
        assert r.verdict is Verdict.NOT_AUTHENTIC, case["id"]
    assert (authentic, expired, unknown) == (24, 10, 2)


@pytest.mark.corpus
def test_bsi_figures_verify_from_the_image(corpus_dir: Path) -> None:
    doc = json.loads((corpus_dir / "vds" / "cases.json").read_text(encoding="utf-8"))
    images = [
        c for c in doc["cases"] if str(c.get("file", "")).startswith("images/bsi_")
    ]
    assert len(images) == 6
    checked = 0
    for case in images:
        signer = str(case.get("signer_cert") or "")
        if not signer:
            continue
        checked += 1
        policy = VerifyPolicy.seal(_store(corpus_dir, signer))
        r = verify_file(
            corpus_dir / "vds" / str(case["file"]), policy=policy, at=date(2022, 1, 1)
        )
        assert r.verdict is Verdict.AUTHENTIC, (case["id"], r.reasons)
    assert checked == 6


@pytest.mark.corpus
def test_corpus_registered_dezv_references(corpus_dir: Path) -> None:
    # BSI TR-03171: a DEZV reference is assigned by the certificate registry and
    # stored with the certificate. The two DEZV test seals were signed with the
    # UTTS5B key; registered under their references, they verify.
    cases = {
        str(c["id"]): c
        for c in _cases(corpus_dir)
        if c.get("cert_resolvable_from_header") is False
    }
    assert set(cases) == {
        "vdstools_meldebescheinigung",
        "vdstools_wrongCertRefLengthCoding",
    }
    utts5b = _store(corpus_dir, "UTTS5B").anchors[0]
    for case in cases.values():
        data = (corpus_dir / "vds" / str(case["file"])).read_bytes()
        header = case["expected"]["header"]  # type: ignore[index]
        reference = str(header["certificate_reference"])
        store = TrustStore.from_certificates(
            [utts5b], references=[("DEZV", reference, utts5b)]
        )
        signed_on = date.fromisoformat(header["signature_date"])
        r = verify_seal_bytes(data, policy=VerifyPolicy.seal(store), at=signed_on)
        assert r.verdict is Verdict.AUTHENTIC, (case["id"], r.reasons)
        assert r.content is not None
        assert r.content.signer_identifier == "DEZV"
        # Another registered reference does not resolve it.
        wrong = TrustStore.from_certificates(
            [utts5b], references=[("DEZV", "0123456789ABCDEF" * 2, utts5b)]
        )
        r = verify_seal_bytes(data, policy=VerifyPolicy.seal(wrong), at=signed_on)
        assert r.reasons == ("unknown-signer",)
