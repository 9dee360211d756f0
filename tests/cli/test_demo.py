"""`docsec demo` (what `make demo` runs) and `--annotate` on a PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.clock import AT

from docsec import imaging
from docsec_cli import _i18n
from docsec_cli.main import cli


def test_demo_runs_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    # In Korean, as a clerk's office would run it (English is the source text;
    # the verdicts and verdicts.json do not depend on the language).
    r = CliRunner().invoke(cli, ["--lang", "ko", "demo", "--out", str(out), "--at", AT])
    _i18n.set_language("en")
    assert r.exit_code == 0, r.output
    assert "모든 판정이 예상대로인가: 예." in r.stdout
    assert "예상과 다름" not in r.stdout
    assert "붙여 넣은 봉인" in r.stdout
    assert "진본 아님" in r.stdout
    verdicts = json.loads((out / "verdicts.json").read_text(encoding="utf-8"))
    assert [v["verdict"] == v["expected"] for v in verdicts] == [True] * len(verdicts)
    got = {
        Path(v["input"]).name: v["verdict"]
        for v in verdicts
        if v["policy"] != "seal" or "paper" not in v or v["paper"]["state"] != "copy"
    }
    # The same 1200-ppi photocopy under the seal policy: a copy is not a forgery.
    seal_copy = [
        v
        for v in verdicts
        if v["input"].endswith("scan-photocopy-1200.png") and v["policy"] == "seal"
    ]
    assert [(v["verdict"], v["paper"]["state"]) for v in seal_copy] == [
        ("authentic", "copy")
    ]
    assert got["certificate.pdf"] == "authentic"
    assert got["certificate-tampered.pdf"] == "not_authentic"
    assert got["scan-photocopy-1200.png"] == "not_authentic"
    assert got["scan-original-1200.png"] == "authentic"
    assert got["scan-pasted-seal.png"] == "not_authentic"
    pasted = next(v for v in verdicts if v["input"].endswith("scan-pasted-seal.png"))
    # The watermark says the page is another document's, and the printed text
    # differs from what the seal signs.
    assert pasted["reasons"] == ["watermark-mismatch", "printed-text-mismatch"]
    # A signer the verifier holds no certificate of is unknown, not a forgery.
    rogue = next(v for v in verdicts if v["input"].endswith("seal-rogue-issuer.bin"))
    assert (rogue["verdict"], rogue["reasons"]) == ("inconclusive", ["unknown-signer"])
    # The keys it wrote are marked as demo keys.
    assert "NOT FOR PRODUCTION" in (out / "keys" / "issuer-key.pem").read_text(
        encoding="utf-8"
    )

    # --annotate on the issued PDF: the rendered page with the seal outlined.
    ann = tmp_path / "pdf.png"
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            "--at",
            AT,
            str(out / "certificate.pdf"),
            "--trust",
            str(out / "keys" / "trust"),
            "--annotate",
            str(ann),
        ],
    )
    assert r.exit_code == 0, r.output
    img = imaging.read_image(ann).image
    assert img.ndim == 3
    assert tuple(int(v) for v in img[3, 3]) == (40, 160, 40)  # green banner
    # And on the 1200-ppi photocopy: red banner, seal and pattern outlined.
    ann2 = tmp_path / "copy.png"
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            "--at",
            AT,
            str(out / "scan-photocopy-1200.png"),
            "--trust",
            str(out / "keys" / "trust"),
            "--policy",
            "counter",
            "--cdp-key",
            str(out / "keys" / "cdp.key"),
            "--annotate",
            str(ann2),
            "--json",
        ],
    )
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert [loc["name"] for loc in doc["locations"]] == ["seal", "cdp"]
    # The pasted seal through the CLI: with the watermark key NOT AUTHENTIC (3);
    # without it the watermark is reported as not done, and the printed text,
    # read and compared with the seal, still exposes the page (3).
    pasted_scan = str(out / "scan-pasted-seal.png")
    trust_dir = str(out / "keys" / "trust")
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            "--at",
            AT,
            pasted_scan,
            "--trust",
            trust_dir,
            "--watermark-key",
            str(out / "keys" / "watermark.key"),
            "--json",
        ],
    )
    assert r.exit_code == 3, r.output
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["watermark"]["status"] == "fail"
    assert checks["signature"]["status"] == "pass"
    assert checks["printed_text"]["status"] == "fail"
    r = CliRunner().invoke(
        cli, ["verify", pasted_scan, "--trust", trust_dir, "--at", AT]
    )
    assert r.exit_code == 3, r.output
    assert "watermark" in r.stdout
    assert "printed-text-mismatch" in r.stdout
    img2 = imaging.read_image(ann2).image
    assert tuple(int(v) for v in img2[3, 3]) == (30, 30, 220)  # red banner


def test_demo_without_its_sample_data_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A broken installation (no samples/data, no packaged copy): one clear line in
    # the chosen language, exit 1, no traceback.
    from docsec_cli import _demo

    monkeypatch.setattr(_demo, "__file__", str(tmp_path / "a" / "b" / "_demo.py"))
    r = CliRunner().invoke(
        cli, ["--lang", "ko", "demo", "--out", str(tmp_path / "out"), "--at", AT]
    )
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert "견본 증명서 자료(samples/data)" in r.output
    assert "Traceback" not in r.output
