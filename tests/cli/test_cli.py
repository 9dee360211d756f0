"""The docsec CLI: exit codes, stdout/stderr separation and the JSON form."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from tests.clock import AT

from docsec import barcode, imaging
from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted((ROOT / "samples" / "data").glob("*.json"))


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("world")
    r = CliRunner().invoke(cli, ["keys", "demo", str(d / "w"), "--at", AT])
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    assert "NOT FOR PRODUCTION" in r.stderr
    return d / "w"


@pytest.fixture(scope="module")
def sealed(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seal") / "seal.png"
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(SAMPLES[0]),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    return out


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


def test_samples_are_valid_certificate_data(world: Path, tmp_path: Path) -> None:
    assert len(SAMPLES) >= 3
    for sample in SAMPLES:
        out = tmp_path / f"{sample.stem}.png"
        r = CliRunner().invoke(
            cli,
            [
                "seal",
                "--at",
                AT,
                "--data",
                str(sample),
                "--key",
                str(world / "issuer-key.pem"),
                "--cert",
                str(world / "issuer-cert.pem"),
                "--out",
                str(out),
            ],
        )
        assert r.exit_code == 0, (sample, r.output)
        v = CliRunner().invoke(
            cli, ["verify", str(out), "--trust", str(world / "trust"), "--at", AT]
        )
        assert v.exit_code == 0, v.output


def test_verify_authentic_text(world: Path, sealed: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.splitlines()[0].endswith("AUTHENTIC")
    assert "HONG Gildong" in r.stdout
    assert "compare it with the paper" in r.stdout
    assert "policy: seal" in r.stderr
    assert "policy: seal" not in r.stdout


def test_verify_many_text_and_summary(world: Path, sealed: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed),
            str(sealed.with_suffix(".bin")),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.output
    assert r.stdout.count("AUTHENTIC") == 2
    # One verdict line per input, each followed by its signed data.
    assert len([ln for ln in r.stdout.splitlines() if not ln.startswith(" ")]) == 2
    assert "2 inputs: 2 authentic" in r.stderr


def test_verify_jobs_and_list_file(world: Path, sealed: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    imaging.write_image(blank, np.full((100, 100), 255, np.uint8))
    listing = tmp_path / "list.txt"
    listing.write_text(
        f"# inputs\n{sealed}\n{blank}\n{sealed.with_suffix('.bin')}\n", encoding="utf-8"
    )
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            f"@{listing}",
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
            "--json",
            "--jobs",
            "2",
        ],
    )
    assert r.exit_code == 4
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["input"] for d in docs] == [
        str(sealed),
        str(blank),
        str(sealed.with_suffix(".bin")),
    ]
    assert [d["verdict"] for d in docs] == ["authentic", "inconclusive", "authentic"]


def test_verify_glob_and_annotate(world: Path, sealed: Path, tmp_path: Path) -> None:
    out = tmp_path / "ann.png"
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed.parent / "*.png"),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
            "--annotate",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    img = imaging.read_image(out).image
    assert img.ndim == 3
    # The verdict banner is green (BGR) across the top.
    assert tuple(int(v) for v in img[3, 3]) == (40, 160, 40)
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed),
            str(sealed.with_suffix(".bin")),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
            "--annotate",
            str(tmp_path / "dir"),
        ],
    )
    assert (tmp_path / "dir" / "seal.annotated.png").is_file()
    assert "nothing to annotate" in r.stderr


def test_verify_json_schema(world: Path, sealed: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["verify", str(sealed), "--trust", str(world / "trust"), "--at", AT, "--json"],
    )
    assert r.exit_code == 0
    assert r.stderr == ""
    doc = json.loads(r.stdout)
    assert doc["schema_version"] == 1
    assert doc["verdict"] == "authentic"
    assert doc["input"] == str(sealed)
    assert doc["reasons"] == []
    assert doc["fields"]["DOCUMENT_NUMBER"] == "GN2611270042"
    statuses = {c["name"]: c["status"] for c in doc["checks"]}
    assert statuses["signature"] == "pass"
    for c in doc["checks"]:
        assert c["status"] in {"pass", "fail", "inconclusive", "absent"}


def test_verify_tampered_exit_3(world: Path, sealed: Path, tmp_path: Path) -> None:
    data = bytearray(sealed.with_suffix(".bin").read_bytes())
    data[60] ^= 0x20
    bad = tmp_path / "bad.bin"
    bad.write_bytes(bytes(data))
    r = CliRunner().invoke(
        cli, ["verify", str(bad), "--trust", str(world / "trust"), "--at", AT, "--json"]
    )
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert doc["verdict"] == "not_authentic"
    assert doc["fields"] == {}


def test_verify_no_seal_and_unreadable_exit_4(world: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    imaging.write_image(blank, np.full((200, 200), 255, np.uint8))
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    r = CliRunner().invoke(
        cli,
        ["verify", str(blank), str(junk), "--trust", str(world / "trust"), "--json"],
    )
    assert r.exit_code == 4
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    assert [d["verdict"] for d in docs] == ["inconclusive", "inconclusive"]
    assert docs[0]["reasons"] == ["no-seal"]
    assert docs[1]["reasons"] == ["input-error"]
    assert "not a readable image" in docs[1]["error"]
    assert "Traceback" not in r.output


def test_worst_exit_code_wins(world: Path, sealed: Path, tmp_path: Path) -> None:
    blank = tmp_path / "blank.png"
    imaging.write_image(blank, np.full((100, 100), 255, np.uint8))
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\xdc\x03garbage")
    trust = str(world / "trust")
    assert (
        run("verify", str(sealed), str(blank), "--trust", trust, "--at", AT).exit_code
        == 4
    )  # type: ignore[attr-defined]
    assert (
        run(
            "verify", str(blank), str(bad), str(sealed), "--trust", trust, "--at", AT
        ).exit_code
        == 3
    )  # type: ignore[attr-defined]


def test_verify_directory_input(world: Path, sealed: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed.parent),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
            "--json",
        ],
    )
    assert r.exit_code == 0
    # One verdict line per input, each followed by its signed data.
    assert (
        len([ln for ln in r.stdout.splitlines() if not ln.startswith(" ")]) == 2
    )  # seal.png and seal.bin


def test_usage_errors_exit_2(world: Path, sealed: Path, tmp_path: Path) -> None:
    assert run("verify", str(sealed)).exit_code == 2  # type: ignore[attr-defined]  # no --trust
    r = CliRunner().invoke(
        cli,
        ["verify", str(sealed), "--trust", str(world / "trust"), "--at", "yesterday"],
    )
    assert r.exit_code == 2
    empty = tmp_path / "emptytrust"
    empty.mkdir()
    r = CliRunner().invoke(cli, ["verify", str(sealed), "--trust", str(empty)])
    assert r.exit_code == 2
    assert "trust" in r.stderr.lower()
    assert "Traceback" not in r.output


def test_expired_issuer_with_at(world: Path, sealed: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(sealed),
            "--trust",
            str(world / "trust"),
            "--at",
            "2045-01-01",
            "--json",
        ],
    )
    assert r.exit_code == 3
    doc = json.loads(r.stdout)
    assert "certificate-expired" in doc["reasons"]
    assert {c["name"]: c["status"] for c in doc["checks"]}["signature"] == "pass"


def test_inspect_unverified(sealed: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["inspect", str(sealed), "--json"])
    assert r.exit_code == 0
    doc = json.loads(r.stdout)
    assert doc["verified"] is False
    (seal,) = doc["seals"]
    assert seal["hex"] == sealed.with_suffix(".bin").read_bytes().hex()
    assert seal["signer_identifier"] == "KRGN"
    assert ["DOCUMENT_NUMBER", "GN2611270042"] in seal["fields"]
    r = CliRunner().invoke(cli, ["inspect", str(sealed.with_suffix(".bin"))])
    assert r.exit_code == 0
    assert "UNVERIFIED" in r.stdout
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"\xdc\x09")
    r = CliRunner().invoke(cli, ["inspect", str(bad), "--json"])
    assert r.exit_code == 3  # a malformed seal is not a pass
    assert "error" in json.loads(r.stdout)["seals"][0]
    assert "malformed" in r.stderr
    blank = tmp_path / "blank.png"
    imaging.write_image(blank, np.full((50, 50), 255, np.uint8))
    r = CliRunner().invoke(cli, ["inspect", str(blank)])
    assert r.exit_code == 4
    assert "no seal found" in r.stdout


def test_foreign_barcode_in_inspect(tmp_path: Path) -> None:
    p = tmp_path / "url.png"
    imaging.write_image(
        p, barcode.render_raster(barcode.encode(b"https://example.org"), module_px=4)
    )
    r = CliRunner().invoke(cli, ["inspect", str(p), "--json"])
    assert json.loads(r.stdout)["seals"][0]["hex"] == b"https://example.org".hex()


def test_seal_with_bad_data_is_a_clear_error(world: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"kind": "nonsense"}', encoding="utf-8")
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(bad),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(tmp_path / "x.png"),
        ],
    )
    assert r.exit_code in (2, 4)
    assert "Error" in r.stderr
    assert "Traceback" not in r.output
    notjson = tmp_path / "n.json"
    notjson.write_text("{", encoding="utf-8")
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(notjson),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(tmp_path / "x.png"),
        ],
    )
    assert r.exit_code == 2


def test_keys_root_and_issuer_encrypted(tmp_path: Path) -> None:
    env = {"DOCSEC_KEY_PASSPHRASE": "correct horse"}
    runner = CliRunner(env=env)
    r = runner.invoke(
        cli,
        [
            "keys",
            "root",
            "--at",
            AT,
            "--country",
            "KR",
            "--name",
            "Test CSCA",
            "--out-key",
            str(tmp_path / "root.key"),
            "--out-cert",
            str(tmp_path / "root.pem"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "root.key").stat().st_mode & 0o777 == 0o600
    assert b"ENCRYPTED" in (tmp_path / "root.key").read_bytes()
    assert "correct horse" not in r.output
    r = runner.invoke(
        cli,
        [
            "keys",
            "issuer",
            "--at",
            AT,
            "--root-key",
            str(tmp_path / "root.key"),
            "--root-cert",
            str(tmp_path / "root.pem"),
            "--country",
            "KR",
            "--signer-code",
            "SC",
            "--org",
            "Seocho Office",
            "--out-key",
            str(tmp_path / "iss.key"),
            "--out-cert",
            str(tmp_path / "iss.pem"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "KRSC" in r.stderr
    # Refuses to overwrite key material.
    r = runner.invoke(
        cli,
        [
            "keys",
            "root",
            "--at",
            AT,
            "--country",
            "KR",
            "--name",
            "x",
            "--out-key",
            str(tmp_path / "root.key"),
            "--out-cert",
            str(tmp_path / "r2.pem"),
        ],
    )
    assert r.exit_code == 2
    # Wrong passphrase: a clear error, not a traceback.
    r = CliRunner(env={"DOCSEC_KEY_PASSPHRASE": "wrong"}).invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(SAMPLES[0]),
            "--key",
            str(tmp_path / "iss.key"),
            "--cert",
            str(tmp_path / "iss.pem"),
            "--out",
            str(tmp_path / "s.png"),
        ],
    )
    assert r.exit_code == 2
    assert "Traceback" not in r.output
    # The right one works, and the result verifies against a trust folder with the root.
    trust = tmp_path / "trust"
    trust.mkdir()
    (trust / "root.pem").write_bytes((tmp_path / "root.pem").read_bytes())
    (trust / "iss.pem").write_bytes((tmp_path / "iss.pem").read_bytes())
    r = runner.invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(SAMPLES[0]),
            "--key",
            str(tmp_path / "iss.key"),
            "--cert",
            str(tmp_path / "iss.pem"),
            "--out",
            str(tmp_path / "s.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    r = runner.invoke(
        cli, ["verify", str(tmp_path / "s.bin"), "--trust", str(trust), "--at", AT]
    )
    assert r.exit_code == 0, r.output


def test_missing_passphrase_non_interactive(tmp_path: Path) -> None:
    r = CliRunner(env={"DOCSEC_KEY_PASSPHRASE": ""}).invoke(
        cli,
        [
            "keys",
            "root",
            "--at",
            AT,
            "--country",
            "KR",
            "--name",
            "x",
            "--out-key",
            str(tmp_path / "k"),
            "--out-cert",
            str(tmp_path / "c"),
        ],
    )
    assert r.exit_code == 2
    assert "DOCSEC_KEY_PASSPHRASE" in r.stderr


def test_version_and_help() -> None:
    assert run("--version").exit_code == 0  # type: ignore[attr-defined]
    r = CliRunner().invoke(cli, ["--help"])
    for cmd in ("keys", "seal", "verify", "inspect", "demo", "simulate"):
        assert cmd in r.stdout


def test_import_docsec_is_light() -> None:
    code = (
        "import sys, docsec, docsec.verify, docsec.seal, docsec.barcode;"
        "bad = [m for m in ('click', 'torch', 'onnxruntime', 'imwatermark', 'pyhanko') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == ""


def test_console_script_runs() -> None:
    exe = Path(sys.executable).with_name("docsec")
    out = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, check=True
    )
    assert "docsec" in out.stdout
