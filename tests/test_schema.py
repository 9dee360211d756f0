"""Every JSON result validates against docs/verification-result.schema.json."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

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


def test_schema_rejects_authentic_with_reasons() -> None:
    doc = {
        "schema_version": 1,
        "input": None,
        "verdict": "authentic",
        "reasons": ["x"],
        "policy": "p",
        "required": [],
        "checks": [],
        "fields": {},
        "issuer": None,
    }
    with pytest.raises(jsonschema.ValidationError):
        validate(doc)


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
