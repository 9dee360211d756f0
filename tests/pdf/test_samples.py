"""The committed sample PDFs get the verdicts samples/pdf/README.md states."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from docsec import trust
from docsec.policy import VerifyPolicy
from docsec.verify import verify_pdf

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "samples"
PDFS = SAMPLES / "pdf"
KEYS = SAMPLES / "demo-keys"
# Inside the demo certificates' fixed validity (samples/regenerate.py, DEMO_NOW) and
# every sample document's validity; the README states the same date.
AT = date(2026, 12, 1)
_ROW = re.compile(
    r"^\| `(?P<file>[\w.-]+\.pdf)` \| .+ \| (?P<verdict>AUTHENTIC|NOT AUTHENTIC|"
    r"INCONCLUSIVE) \| (?P<exit>\d) \| (?P<reasons>.*) \|$"
)


def stated() -> dict[str, tuple[str, int, set[str]]]:
    rows = {}
    for line in (PDFS / "README.md").read_text(encoding="utf-8").splitlines():
        m = _ROW.match(line)
        if m:
            verdict = m["verdict"].lower().replace(" ", "_")
            reasons = set(re.findall(r"`([a-z-]+)`", m["reasons"]))
            rows[m["file"]] = (verdict, int(m["exit"]), reasons)
    return rows


STATED = stated()


def test_readme_lists_every_pdf_and_the_date() -> None:
    assert sorted(STATED) == sorted(p.name for p in PDFS.glob("*.pdf"))
    assert len(STATED) >= 6
    assert f"--at {AT.isoformat()}" in (PDFS / "README.md").read_text("utf-8")
    for data in (SAMPLES / "data").glob("*.json"):
        assert STATED[f"{data.stem}.pdf"][0] == "authentic"
    verdicts = [v for v, _, _ in STATED.values()]
    assert verdicts.count("not_authentic") >= 3


def test_demo_keys_are_marked_not_for_production() -> None:
    secrets = [*KEYS.glob("*.key"), *KEYS.glob("*key.pem")]
    assert {p.name for p in secrets} >= {"issuer-key.pem", "root-key.pem"}
    for path in secrets:
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert "NOT FOR PRODUCTION" in first, path
    assert "NOT FOR PRODUCTION" in (KEYS / "README.txt").read_text("utf-8")
    root = trust.load_certificate(KEYS / "trust" / "root.pem")
    assert "NOT FOR PRODUCTION" in root.subject.rfc4514_string()
    assert "NOT FOR PRODUCTION" in (PDFS / "README.md").read_text("utf-8")


@pytest.fixture(scope="module")
def policy() -> VerifyPolicy:
    return VerifyPolicy.seal(trust.TrustStore.load(KEYS / "trust"))


@pytest.mark.parametrize("name", sorted(STATED))
def test_sample_gets_stated_verdict(policy: VerifyPolicy, name: str) -> None:
    verdict, _, reasons = STATED[name]
    r = verify_pdf((PDFS / name).read_bytes(), policy=policy, at=AT)
    assert r.verdict.value == verdict, r.reasons
    assert reasons <= set(r.reasons), r.reasons


def test_cli_on_samples_exit_codes_and_no_traceback() -> None:
    """The real CLI (its own logging set-up, so pyHanko's log would show)."""
    args = ["verify", str(PDFS), "--trust", str(KEYS / "trust"), "--at", str(AT)]
    out = subprocess.run(
        [sys.executable, "-m", "docsec_cli.main", *args, "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert "Traceback" not in out.stderr, out.stderr
    docs = {Path(d["input"]).name: d for d in map(json.loads, out.stdout.splitlines())}
    # The folder's README is not dropped silently: it gets its own line.
    assert docs.pop("README.md")["reasons"] == ["unsupported-input"]
    assert sorted(docs) == sorted(STATED)
    for name, (verdict, _, _) in STATED.items():
        assert docs[name]["verdict"] == verdict, name
    assert out.returncode == max(code for _, code, _ in STATED.values())
