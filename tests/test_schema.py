"""Every JSON result validates against docs/verification-result.schema.json."""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from docsec import __version__
from docsec.trust import TrustStore
from docsec_cli.main import cli
from tests.clock import AT

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = json.loads(
    (ROOT / "docs" / "verification-result.schema.json").read_text(encoding="utf-8")
)


def validate(doc: object) -> None:
    jsonschema.Draft202012Validator(
        SCHEMA, format_checker=jsonschema.FormatChecker()
    ).validate(doc)


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_cli_outputs_validate(tmp_path: Path) -> None:
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["keys", "demo", str(tmp_path / "w"), "--at", AT]).exit_code
        == 0
    )
    w = tmp_path / "w"
    sample = ROOT / "samples" / "data" / "family-relation.json"
    out = tmp_path / "s.png"
    r = runner.invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(sample),
            "--key",
            str(w / "issuer-key.pem"),
            "--cert",
            str(w / "issuer-cert.pem"),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0
    bad = tmp_path / "bad.bin"
    data = bytearray(out.with_suffix(".bin").read_bytes())
    data[50] ^= 1
    bad.write_bytes(bytes(data))
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"junk")
    r = runner.invoke(
        cli,
        [
            "verify",
            "--at",
            AT,
            str(out),
            str(out.with_suffix(".bin")),
            str(bad),
            str(junk),
            "--trust",
            str(w / "trust"),
            "--json",
        ],
    )
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["verdict"] for d in docs] == [
        "authentic",
        "authentic",
        "not_authentic",
        "inconclusive",
    ]
    for d in docs:
        validate(d)
    # The audit fields: the time the verification used (a date given alone is
    # the end of that day, UTC), this docsec, the bytes read, the trust store.
    used = datetime.combine(date.fromisoformat(AT), time(23, 59, 59))
    store_id = TrustStore.load(w / "trust").fingerprint
    for d, path in zip(docs, (out, out.with_suffix(".bin"), bad, junk), strict=True):
        assert d["verified_at"] == used.isoformat() + "+00:00"
        assert d["docsec_version"] == __version__
        assert d["input_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
        assert d["trust_store_id"] == store_id


def test_schema_rejects_authentic_with_reasons() -> None:
    doc = {
        "schema_version": 2,
        "input": None,
        "verdict": "authentic",
        "reasons": ["x"],
        "policy": "p",
        "required": [],
        "checks": [],
        "fields": {},
        "issuer": None,
        "verified_at": None,
        "docsec_version": __version__,
        "input_sha256": None,
        "trust_store_id": None,
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


def test_schema_requires_version_2_and_the_audit_fields() -> None:
    doc: dict[str, object] = {
        "schema_version": 2,
        "input": "x.png",
        "verdict": "inconclusive",
        "reasons": ["no-seal"],
        "policy": "seal",
        "required": ["barcode"],
        "checks": [],
        "fields": {},
        "issuer": None,
        "verified_at": "2026-01-02T23:59:59+00:00",
        "docsec_version": __version__,
        "input_sha256": "0" * 64,
        "trust_store_id": "a" * 64,
    }
    validate(doc)
    for key in ("verified_at", "docsec_version", "input_sha256", "trust_store_id"):
        with pytest.raises(jsonschema.ValidationError):
            validate({k: v for k, v in doc.items() if k != key})
    for bad in ({"schema_version": 1}, {"input_sha256": "ABC"}):
        with pytest.raises(jsonschema.ValidationError):
            validate({**doc, **bad})


def test_missing_input_has_no_hash(tmp_path: Path) -> None:
    runner = CliRunner()
    w = tmp_path / "w"
    assert runner.invoke(cli, ["keys", "demo", str(w), "--at", AT]).exit_code == 0
    gone = tmp_path / "gone.png"
    r = runner.invoke(
        cli,
        ["verify", "--at", AT, str(gone), "--trust", str(w / "trust"), "--json"],
    )
    assert r.exit_code == 4
    (doc,) = [json.loads(line) for line in r.stdout.splitlines()]
    validate(doc)
    assert doc["input_sha256"] is None
    assert doc["reasons"] == ["no-such-file"]
    assert str(gone) in doc["error"]


def test_paper_state_validates() -> None:
    from docsec.result import CheckResult, CheckStatus, Paper, VerificationResult

    for paper in (
        Paper("copy", 0.31, 0.609, 0.726, ("low-fidelity: pattern fidelity 0.310",)),
        Paper("inconclusive", None, None, None, ("low-resolution: 300 ppi",)),
    ):
        r = VerificationResult(
            checks=(
                CheckResult("signature", CheckStatus.PASS),
                CheckResult(
                    "copydetect", CheckStatus.INCONCLUSIVE, reasons=("paper-copy",)
                ),
            ),
            required=frozenset({"signature", "barcode"}),
            paper=paper,
        )
        doc = r.to_dict()
        validate(doc)
        assert doc["paper"]["state"] == paper.state  # type: ignore[index]
    bad = r.to_dict() | {"paper": {"state": "forged"}}
    with pytest.raises(jsonschema.ValidationError):
        validate(bad)
