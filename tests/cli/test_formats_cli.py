"""`docsec verify` / `inspect` on French 2D-Doc and EU DCC inputs, with --trust files."""

from __future__ import annotations

import base64
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID
from tests.clock import AT, NOW

from docsec.keys import sign_raw
from docsec_cli.main import cli

GS, US = "\x1d", "\x1f"


def _twoddoc_files(tmp_path: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = lambda cn: x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])  # noqa: E731
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("0042"))
        .issuer_name(name("FR99"))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOW - timedelta(days=10))
        .not_valid_after(NOW + timedelta(days=10))
        .sign(key, hashes.SHA256())
    )
    pem = tmp_path / "signer.pem"
    pem.write_bytes(cert.public_bytes(Encoding.PEM))
    day = f"{(NOW.date() - date(2000, 1, 1)).days:04X}"
    signed = f"DC04FR990042{day}{day}0101FR10MME/SPECIMEN/NATACHA{GS}2475000".encode()
    sig = base64.b32encode(sign_raw(key, signed)).decode().rstrip("=")
    seal = tmp_path / "seal.txt"
    seal.write_bytes(signed + (US + sig).encode())
    return seal, pem


def test_verify_a_2ddoc_file_with_a_certificate_file(tmp_path: Path) -> None:
    seal, pem = _twoddoc_files(tmp_path)
    r = CliRunner().invoke(
        cli, ["verify", str(seal), "--trust", str(pem), "--at", AT, "--json"]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["verdict"] == "authentic"
    assert out["fields"]["Service postal code"] == "75000"
    assert out["issuer"]["profile"].startswith("French 2D-Doc: 01")
    tampered = tmp_path / "tampered.txt"
    tampered.write_bytes(seal.read_bytes().replace(b"75000", b"75001"))
    r = CliRunner().invoke(
        cli, ["verify", str(tampered), "--trust", str(pem), "--at", AT]
    )
    assert r.exit_code == 3
    assert "NOT AUTHENTIC" in r.stdout
    assert "forged-seal" in r.stdout


def test_inspect_a_2ddoc_file(tmp_path: Path) -> None:
    seal, _ = _twoddoc_files(tmp_path)
    r = CliRunner().invoke(cli, ["inspect", str(seal), "--json"])
    assert r.exit_code == 0, r.output
    seals = json.loads(r.stdout)["seals"]
    assert seals[0]["format"] == "fr-2d-doc"
    assert seals[0]["verified"] is False
    assert ["Service postal code", "75000"] in seals[0]["fields"]


@pytest.mark.corpus
def test_verify_corpus_images(corpus_dir: Path, tmp_path: Path) -> None:
    vds = corpus_dir / "vds"
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(vds / "images" / "2ddoc_barcode_c40_v3.png"),
            "--trust",
            str(vds / "certs" / "2DDOC_FR00_0001.pem"),
            "--at",
            "2015-10-01",
            "--annotate",
            str(tmp_path / "annotated.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert (tmp_path / "annotated.png").is_file()
    # The ANTS production trust list does not hold the test authority FR00.
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(vds / "images" / "2ddoc_barcode_c40_v3.png"),
            "--trust",
            str(vds / "trust" / "ants_2ddoc_tsl_signed.xml"),
            "--at",
            "2015-10-01",
        ],
    )
    assert r.exit_code == 4
    assert "unknown-signer" in r.stdout
    case = json.loads((vds / "dcc" / "DE" / "2DCode" / "raw" / "1.json").read_text())
    dsc = tmp_path / "dsc" / "de.der"
    dsc.parent.mkdir()
    dsc.write_bytes(base64.b64decode(case["TESTCTX"]["CERTIFICATE"]))
    png = vds / "dcc" / "DE" / "2DCode" / "png" / "1.png"
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(png),
            "--trust",
            str(dsc.parent),
            "--at",
            "2021-06-01",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["fields"]["Surname"] == "Mustermann"
    r = CliRunner().invoke(cli, ["inspect", str(png), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["seals"][0]["format"] == "eu-dcc"


def test_control_characters_in_a_seal_do_not_reach_the_terminal(
    tmp_path: Path,
) -> None:
    # Red team: a seal's text went to the terminal as it was: ESC [1A ESC [2K in a
    # 2D-Doc field moved the cursor up and erased the line above (inspect; and
    # with -v the barcode check's summary). They are now written as escapes.
    body = f"DC04FR990042{'2222' * 2}0101FR10\x1b[1A\x1b[2KAUTHENTIC{GS}"
    seal = tmp_path / "esc.bin"
    seal.write_bytes((body + US + "A" * 103).encode("ascii"))
    r = CliRunner().invoke(cli, ["inspect", str(seal)], color=True)
    assert r.exit_code == 0, r.output
    assert "\x1b[1A" not in r.output
    assert "\\x1b[1A\\x1b[2KAUTHENTIC" in r.output
