"""``docsec issue``: single documents, --batch, and clear errors without tracebacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from tests.clock import AT

from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "samples" / "data" / "family-relation.json"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("issue-world") / "w"
    r = CliRunner().invoke(cli, ["keys", "demo", str(d), "--at", AT])
    assert r.exit_code == 0, r.output
    return d


def family() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FAMILY.read_text(encoding="utf-8"))
    return data


def issue(world: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(
        cli,
        [
            "issue",
            "--at",
            AT,
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            *args,
        ],
        env=env,
    )


def assert_clear_error(r: Result, code: int, *needles: str) -> None:
    assert r.exit_code == code, (r.exit_code, r.stderr)
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert r.stderr.startswith("Error: "), r.stderr
    for needle in needles:
        assert needle in r.stderr, r.stderr


def test_issue_then_verify_json(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    r = issue(world, "--data", str(FAMILY), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    assert f"issued {out}" in r.stderr
    assert "PAdES B-B" in r.stderr
    assert out.read_bytes().startswith(b"%PDF-")

    v = CliRunner().invoke(
        cli, ["verify", str(out), "--trust", str(world / "trust"), "--json", "--at", AT]
    )
    assert v.exit_code == 0, v.stdout
    assert v.stderr == ""
    doc = json.loads(v.stdout)
    assert doc["schema_version"] == 2
    assert doc["verdict"] == "authentic"
    assert doc["input"] == str(out)
    assert doc["fields"]["DOCUMENT_NUMBER"] == "GN2611270042"
    statuses = {c["name"]: c["status"] for c in doc["checks"]}
    assert statuses["pdf_signature"] == "pass"
    assert statuses["seal_pdf_signer_match"] == "pass"
    assert statuses["seal_pdf_binding"] == "pass"


def write_batch(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def record(number: str, **changes: object) -> str:
    return json.dumps({**family(), "document_number": number, **changes})


def test_batch_bad_line_fails_alone(world: Path, tmp_path: Path) -> None:
    bad = family()
    del bad["holder_name"]
    batch = write_batch(
        tmp_path / "in.jsonl",
        [record("GN0000000001"), json.dumps(bad), record("GN0000000003")],
    )
    out = tmp_path / "out"
    r = issue(world, "--batch", str(batch), "--out", str(out))
    assert r.exit_code == 1
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    assert f"{batch}:2: error: certificate data lacks ['holder_name']" in r.stderr
    assert "issued 2 of 3" in r.stderr
    assert "1 failed" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "GN0000000001.pdf",
        "GN0000000003.pdf",
    ]
    v = CliRunner().invoke(
        cli,
        ["verify", str(out), "--trust", str(world / "trust"), "--at", AT, "--json"],
    )
    assert v.exit_code == 0, v.stdout
    docs = [json.loads(line) for line in v.stdout.splitlines()]
    assert [d["fields"]["DOCUMENT_NUMBER"] for d in docs] == [
        "GN0000000001",
        "GN0000000003",
    ]


def test_batch_in_two_workers(world: Path, tmp_path: Path) -> None:
    batch = write_batch(
        tmp_path / "in.jsonl",
        [
            record("GN0000000011"),
            "{not json",
            "",
            record("GN0000000012", holder_name="박영수 (PARK Youngsu)"),
            record("GN0000000011"),
            "[1, 2]",
        ],
    )
    out = tmp_path / "out"
    r = issue(world, "--batch", str(batch), "--out", str(out), "--workers", "2")
    assert r.exit_code == 1
    assert "Traceback" not in r.stderr
    assert f"{batch}:2: error: not valid JSON" in r.stderr
    assert f"{batch}:5: error: duplicate document_number GN0000000011 (line 1)" in (
        r.stderr
    )
    assert f"{batch}:6: error: not a JSON object" in r.stderr
    assert "issued 2 of 5" in r.stderr
    assert sorted(p.name for p in out.iterdir()) == [
        "GN0000000011.pdf",
        "GN0000000012.pdf",
    ]


def test_batch_all_good_exits_0(world: Path, tmp_path: Path) -> None:
    batch = write_batch(tmp_path / "in.jsonl", [record("GN0000000021")])
    r = issue(world, "--batch", str(batch), "--out", str(tmp_path / "out"))
    assert r.exit_code == 0, r.stderr
    assert "issued 1 of 1" in r.stderr
    assert "failed" not in r.stderr


def test_bad_data_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({**family(), "issue_date": "tomorrow"}), "utf-8")
    out = tmp_path / "c.pdf"
    r = issue(world, "--data", str(bad), "--out", str(out))
    assert_clear_error(r, 4, "issue_date", "YYYY-MM-DD")
    assert not out.exists()

    notjson = tmp_path / "n.json"
    notjson.write_text("[1]", encoding="utf-8")
    r = issue(world, "--data", str(notjson), "--out", str(out))
    assert_clear_error(r, 2, "must hold a JSON object")


def _other_key(path: Path) -> Path:
    key = ec.generate_private_key(ec.SECP256R1())
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


def test_wrong_key_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    other = _other_key(tmp_path / "other.pem")
    out = tmp_path / "c.pdf"
    base = [
        "issue",
        "--at",
        AT,
        "--cert",
        str(world / "issuer-cert.pem"),
        "--out",
        str(out),
    ]
    r = CliRunner().invoke(cli, [*base, "--key", str(other), "--data", str(FAMILY)])
    assert_clear_error(r, 2, "does not belong")
    assert not out.exists()

    # In a batch the key is checked once, before anything is issued.
    batch = write_batch(tmp_path / "in.jsonl", [record("GN0000000031")])
    wrong = [
        "issue",
        "--at",
        AT,
        "--cert",
        str(world / "issuer-cert.pem"),
        "--key",
        str(other),
    ]
    r = CliRunner().invoke(
        cli, [*wrong, "--batch", str(batch), "--out", str(tmp_path / "out")]
    )
    assert_clear_error(r, 2, "does not belong")
    assert not (tmp_path / "out").exists()

    # A certificate given as the key.
    r = CliRunner().invoke(
        cli,
        [*base, "--key", str(world / "issuer-cert.pem"), "--data", str(FAMILY)],
    )
    assert r.exit_code == 2, r.stderr
    assert "Traceback" not in r.stderr


def test_missing_font_directory_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "c.pdf"
    missing = tmp_path / "no-fonts"
    env = {"DOCSEC_FONT_DIR": str(missing)}
    r = issue(world, "--data", str(FAMILY), "--out", str(out), env=env)
    assert_clear_error(r, 2, f"DOCSEC_FONT_DIR={missing} is not a folder")
    assert not out.exists()

    missing.mkdir()
    r = issue(world, "--data", str(FAMILY), "--out", str(out), env=env)
    assert_clear_error(r, 2, "has no NanumGothic")


def test_unwritable_output_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    out = tmp_path / "no-such-dir" / "c.pdf"
    r = issue(world, "--data", str(FAMILY), "--out", str(out))
    assert_clear_error(r, 1, "cannot write")

    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    batch = write_batch(tmp_path / "in.jsonl", [record("GN0000000041")])
    r = issue(world, "--batch", str(batch), "--out", str(a_file))
    assert_clear_error(r, 1, "output folder")


def test_usage_errors(world: Path, tmp_path: Path) -> None:
    out = str(tmp_path / "c.pdf")
    assert_clear_error(issue(world, "--out", out), 2, "exactly one of")
    batch = write_batch(tmp_path / "in.jsonl", [record("GN0000000051")])
    r = issue(world, "--data", str(FAMILY), "--batch", str(batch), "--out", out)
    assert_clear_error(r, 2, "exactly one of")
    r = issue(world, "--data", str(FAMILY), "--seal-x", "10", "--out", out)
    assert_clear_error(r, 2, "--seal-y")
    r = issue(world, "--data", str(FAMILY), "--level", "B-T", "--out", out)
    assert_clear_error(r, 2, "timestamp")


def _declared_watermark(pdf: Path) -> str | None:
    from docsec import barcode
    from docsec.pdf import render_page
    from docsec.seal import decode_certificate, parse_unverified

    sym = barcode.read(render_page(pdf.read_bytes(), dpi=200))[0]
    return decode_certificate(parse_unverified(sym.data)).watermark_key_id


def test_watermark_on_by_default_and_off_on_request(
    world: Path, tmp_path: Path
) -> None:
    from docsec.keys import load_secret_key

    key_id = load_secret_key(world / "watermark.key").key_id
    out = tmp_path / "wm.pdf"
    r = issue(world, "--data", str(FAMILY), "--out", str(out))
    assert r.exit_code == 0, r.stderr
    assert f"watermark (key {key_id})" in r.stderr
    assert _declared_watermark(out) == key_id
    v = CliRunner().invoke(
        cli,
        [
            "verify",
            "--at",
            AT,
            str(out),
            "--trust",
            str(world / "trust"),
            "--watermark-key",
            str(world / "watermark.key"),
            "--json",
        ],
    )
    assert v.exit_code == 0, v.stdout
    statuses = {c["name"]: c["status"] for c in json.loads(v.stdout)["checks"]}
    assert statuses["watermark"] == "pass"

    plain = tmp_path / "plain.pdf"
    r = issue(world, "--data", str(FAMILY), "--out", str(plain), "--no-watermark")
    assert r.exit_code == 0, r.stderr
    assert "no watermark" in r.stderr
    assert _declared_watermark(plain) is None

    r = issue(
        world,
        "--data",
        str(FAMILY),
        "--out",
        str(plain),
        "--no-watermark",
        "--watermark-key",
        str(world / "watermark.key"),
    )
    assert_clear_error(r, 2, "--watermark-key or --no-watermark")
    # A copy-detection key given as the watermark key is refused clearly.
    r = issue(
        world,
        "--data",
        str(FAMILY),
        "--out",
        str(plain),
        "--watermark-key",
        str(world / "cdp.key"),
    )
    assert r.exit_code in (1, 2), r.stderr
    assert "Traceback" not in r.stderr
    assert "watermark" in r.stderr
