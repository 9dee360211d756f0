"""`docsec keys secret`, `docsec crl issue|revoke`, `docsec trust export`.

The office's workflow end to end: make secrets, issue and re-issue the CRL,
revoke an office certificate, publish the bundle, and a verifier that installs
it. Certificates are made with fixed dates and every command gets ``--at``.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from tests.clock import NOW
from tests.pki import sample_data

from docsec import demo, keys, pki, trust
from docsec.issuing import issue_seal
from docsec_cli._pki_cmd import REASONS
from docsec_cli.main import cli

T0 = datetime(2026, 1, 1, tzinfo=UTC)
SIGNED = date(2026, 3, 1)
PASS_ENV = {"DOCSEC_KEY_PASSPHRASE": "correct horse"}


@dataclass
class Office:
    dir: Path
    root_key: Path
    root_cert: Path
    issuer_cert: Path
    cert: x509.Certificate
    seal: Path


@pytest.fixture
def office(tmp_path: Path) -> Office:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = pki.create_root_ca(
        country="KR",
        common_name="Test CSCA",
        organization="docsec tests",
        key=root_key,
        valid_from=T0,
        valid_days=3650,
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = pki.create_issuer_certificate(
        root_cert=root,
        root_key=root_key,
        issuer_public_key=key.public_key(),
        country="KR",
        signer_code="GN",
        organization="Gangnam-gu Office (TEST)",
        valid_from=T0,
        valid_days=1000,
    )
    keys.save_private_key(tmp_path / "root.key", root_key, passphrase=b"correct horse")
    pki.save_certificate(tmp_path / "root.pem", root)
    pki.save_certificate(tmp_path / "gn.pem", cert)
    data = sample_data(
        issue_date=SIGNED.isoformat(),
        valid_until=(SIGNED + timedelta(days=365)).isoformat(),
    )
    (tmp_path / "seal.bin").write_bytes(
        issue_seal(data, key=key, cert=cert, signature_date=SIGNED)
    )
    return Office(
        tmp_path,
        tmp_path / "root.key",
        tmp_path / "root.pem",
        tmp_path / "gn.pem",
        cert,
        tmp_path / "seal.bin",
    )


def _crl_args(o: Office, *extra: str) -> list[str]:
    return [
        "--ca-key",
        str(o.root_key),
        "--ca-cert",
        str(o.root_cert),
        "--crl",
        str(o.dir / "root.crl.pem"),
        *extra,
    ]


def _invoke(*args: str) -> Result:
    return CliRunner(env=PASS_ENV).invoke(cli, list(args))


def _verify(o: Office, bundle: Path, at: str) -> dict[str, object]:
    r = CliRunner().invoke(
        cli,
        ["verify", str(o.seal), "--trust", str(bundle), "--at", at, "--json"],
    )
    doc: dict[str, object] = json.loads(r.stdout)
    doc["exit"] = r.exit_code
    return doc


# ---------------------------------------------------------------- keys secret


@pytest.mark.parametrize("purpose", ["cdp", "watermark"])
def test_keys_secret(tmp_path: Path, purpose: str) -> None:
    out = tmp_path / f"{purpose}.key"
    r = CliRunner().invoke(
        cli, ["keys", "secret", "--purpose", purpose, "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert r.stdout == ""
    key = keys.load_secret_key(out)
    assert key.purpose == purpose
    assert key.key_id in r.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before = out.read_bytes()
    r = CliRunner().invoke(
        cli, ["keys", "secret", "--purpose", purpose, "--out", str(out)]
    )
    assert r.exit_code == 2
    assert "refusing to overwrite" in r.stderr
    assert out.read_bytes() == before


def test_keys_secret_needs_a_purpose(tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["keys", "secret", "--out", str(tmp_path / "k")])
    assert r.exit_code == 2
    assert not (tmp_path / "k").exists()


# ------------------------------------------------------------------------ crl


def test_crl_issue_and_reissue(office: Office) -> None:
    r = _invoke(
        "crl", "issue", *_crl_args(office, "--days", "10", "--at", "2026-03-01")
    )
    assert r.exit_code == 0, r.output
    crl = trust.load_crl(office.dir / "root.crl.pem")
    assert crl.last_update_utc == datetime(2026, 3, 1, tzinfo=UTC)
    assert crl.next_update_utc == datetime(2026, 3, 11, tzinfo=UTC)
    assert list(crl) == []
    number = crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number

    r = _invoke(
        "crl",
        "revoke",
        *_crl_args(office, "--at", "2026-03-05T09:30:00+00:00"),
        "--serial",
        "ABC",
        "--reason",
        "key-compromise",
    )
    assert r.exit_code == 0, r.output
    r = _invoke("crl", "issue", *_crl_args(office, "--at", "2026-03-08"))
    assert r.exit_code == 0, r.output
    crl = trust.load_crl(office.dir / "root.crl.pem")
    (entry,) = pki.crl_entries(crl)
    assert entry.serial == 0xABC
    assert entry.reason is x509.ReasonFlags.key_compromise
    assert entry.revoked_at == datetime(2026, 3, 5, 9, 30, tzinfo=UTC)
    assert crl.next_update_utc == datetime(2026, 4, 7, tzinfo=UTC)  # default 30 days
    assert (
        crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number > number
    )
    # A re-issue may not go back in time.
    r = _invoke("crl", "issue", *_crl_args(office, "--at", "2026-03-02"))
    assert r.exit_code == 2
    assert "predate" in r.stderr


def test_crl_revoke_by_certificate(office: Office) -> None:
    r = _invoke(
        "crl",
        "revoke",
        *_crl_args(office, "--at", "2026-03-05"),
        "--cert",
        str(office.issuer_cert),
    )
    assert r.exit_code == 0, r.output
    (entry,) = pki.crl_entries(trust.load_crl(office.dir / "root.crl.pem"))
    assert entry.serial == office.cert.serial_number
    assert entry.reason is None  # "unspecified" is left out (RFC 5280 5.3.1)
    # Revoking it again is refused; the CRL stays as it was.
    before = (office.dir / "root.crl.pem").read_bytes()
    r = _invoke(
        "crl",
        "revoke",
        *_crl_args(office, "--at", "2026-03-06"),
        "--serial",
        format(office.cert.serial_number, "X"),
    )
    assert r.exit_code == 2
    assert "already revoked" in r.stderr
    assert (office.dir / "root.crl.pem").read_bytes() == before


def test_crl_revoke_usage_errors(office: Office) -> None:
    for extra in ([], ["--serial", "1", "--cert", str(office.issuer_cert)]):
        r = _invoke("crl", "revoke", *_crl_args(office, "--at", "2026-03-05"), *extra)
        assert r.exit_code == 2
    for serial in ("xyz", "0", "-5"):
        r = _invoke(
            "crl",
            "revoke",
            *_crl_args(office, "--at", "2026-03-05"),
            "--serial",
            serial,
        )
        assert r.exit_code == 2, serial
    r = _invoke("crl", "issue", *_crl_args(office, "--at", "yesterday"))
    assert r.exit_code == 2
    # A certificate of another CA.
    other = demo.write_demo_world(office.dir / "other")
    r = _invoke(
        "crl",
        "revoke",
        *_crl_args(office, "--at", "2026-03-05"),
        "--cert",
        str(other.issuer_cert),
    )
    assert r.exit_code == 2
    assert "was not issued by" in r.stderr
    assert not (office.dir / "root.crl.pem").exists()


def test_crl_of_another_ca_is_refused(office: Office) -> None:
    other = demo.write_demo_world(office.dir / "other")
    crl_file = office.dir / "root.crl.pem"
    crl_file.write_bytes(other.root_crl.read_bytes())
    r = _invoke("crl", "issue", *_crl_args(office, "--at", "2026-03-05"))
    assert r.exit_code == 2
    assert "not issued by this CA" in r.stderr
    assert crl_file.read_bytes() == other.root_crl.read_bytes()


def test_reason_names_match_the_library() -> None:
    assert set(REASONS) == set(pki.REVOCATION_REASONS)


# ---------------------------------------------------------------- trust export


def test_publish_revoke_and_install(office: Office) -> None:
    bundle = office.dir / "bundle"
    r = _invoke("crl", "issue", *_crl_args(office, "--at", "2026-03-01"))
    assert r.exit_code == 0, r.output
    export = [
        "trust",
        "export",
        str(bundle),
        "--anchor",
        str(office.root_cert),
        "--crl",
        str(office.dir / "root.crl.pem"),
        "--cert",
        str(office.issuer_cert),
        "--at",
        "2026-03-02",
    ]
    r = _invoke(*export)
    assert r.exit_code == 0, r.output
    written = [Path(p) for p in r.stdout.split()]
    assert all(p.is_file() for p in written)
    assert len(list(bundle.glob("*.pem"))) == 1
    assert len(list(bundle.glob("*.crl"))) == 1
    assert len(list((bundle / "intermediates").glob("*.pem"))) == 1
    assert "replace before: 2026-03-31" in (bundle / "BUNDLE.txt").read_text()

    # The verifier installs the folder as it is: the seal verifies, with its CRL.
    doc = _verify(office, bundle, "2026-03-10")
    assert (doc["exit"], doc["verdict"]) == (0, "authentic"), doc["reasons"]
    checks = {c["name"]: c["status"] for c in doc["checks"]}
    assert checks["revocation"] == "pass"

    # Exporting over it again needs --replace.
    r = _invoke(*export)
    assert r.exit_code == 2
    assert "refusing to overwrite" in r.stderr

    # The office revokes the certificate and publishes again.
    r = _invoke(
        "crl",
        "revoke",
        *_crl_args(office, "--at", "2026-03-12"),
        "--cert",
        str(office.issuer_cert),
        "--reason",
        "key-compromise",
    )
    assert r.exit_code == 0, r.output
    r = _invoke(*export[:-1], "2026-03-12", "--replace")
    assert r.exit_code == 0, r.output
    doc = _verify(office, bundle, "2026-03-13")
    assert (doc["exit"], doc["verdict"]) == (3, "not_authentic")
    assert doc["reasons"] == ["revoked"]

    # A month later the CRL is stale: exporting it is refused, and a verifier
    # that still has it gets no revocation answer (required with --require-crl).
    r = _invoke(*export[:-1], "2026-05-01", "--replace")
    assert r.exit_code == 2
    assert "not current" in r.stderr
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(office.seal),
            "--trust",
            str(bundle),
            "--at",
            "2026-05-01",
            "--require-crl",
            "--json",
        ],
    )
    doc = json.loads(r.stdout)
    assert r.exit_code == 4
    assert doc["reasons"] == ["crl-unusable"]
    # A verifier may state a grace after nextUpdate (the CRL said 2026-04-11).
    for hours, code in (("24", 4), ("600", 3)):
        r = CliRunner().invoke(
            cli,
            [
                "verify",
                str(office.seal),
                "--trust",
                str(bundle),
                "--at",
                "2026-04-13",
                "--require-crl",
                "--crl-grace",
                hours,
            ],
        )
        assert r.exit_code == code, (hours, r.output)


def test_export_refuses_what_a_verifier_could_not_use(office: Office) -> None:
    bundle = office.dir / "bundle"
    other = demo.write_demo_world(office.dir / "other")
    base = ["trust", "export", str(bundle), "--anchor", str(office.root_cert)]
    # A CRL no CA of the bundle signed.
    r = _invoke(*base, "--crl", str(other.root_crl), "--at", "2026-03-02")
    assert r.exit_code == 2
    assert "not signed by any CA of the bundle" in r.stderr
    # An office certificate that does not chain to the anchors.
    r = _invoke(*base, "--cert", str(other.issuer_cert), "--at", "2026-03-02")
    assert r.exit_code == 2
    assert "does not chain" in r.stderr
    # An anchor outside its validity.
    r = _invoke(*base, "--at", "2040-01-01")
    assert r.exit_code == 2
    assert "not valid at" in r.stderr
    assert not bundle.exists()


def test_office_walkthrough_with_the_cli(tmp_path: Path) -> None:
    # README "Keys and trust" as commands, every one as of tests/clock.NOW.
    now = NOW.replace(microsecond=0)
    at = now.isoformat()
    d = str(tmp_path)
    data = sample_data(
        issue_date=now.date().isoformat(),
        valid_until=(now.date() + timedelta(days=90)).isoformat(),
    )
    (tmp_path / "data.json").write_text(json.dumps(data), encoding="utf-8")
    steps = [
        [
            "keys",
            "root",
            "--at",
            at,
            "--country",
            "KR",
            "--name",
            "Example CSCA",
            "--out-key",
            f"{d}/root.key",
            "--out-cert",
            f"{d}/root.pem",
        ],
        [
            "keys",
            "issuer",
            "--at",
            at,
            "--root-key",
            f"{d}/root.key",
            "--root-cert",
            f"{d}/root.pem",
            "--country",
            "KR",
            "--signer-code",
            "GN",
            "--org",
            "Gangnam-gu Office",
            "--out-key",
            f"{d}/gn.key",
            "--out-cert",
            f"{d}/gn.pem",
        ],
        ["keys", "secret", "--purpose", "cdp", "--out", f"{d}/cdp.key"],
        ["keys", "secret", "--purpose", "watermark", "--out", f"{d}/watermark.key"],
        [
            "crl",
            "issue",
            "--ca-key",
            f"{d}/root.key",
            "--ca-cert",
            f"{d}/root.pem",
            "--crl",
            f"{d}/root.crl.pem",
            "--at",
            at,
        ],
        [
            "seal",
            "--at",
            at,
            "--data",
            f"{d}/data.json",
            "--key",
            f"{d}/gn.key",
            "--cert",
            f"{d}/gn.pem",
            "--out",
            f"{d}/seal.png",
        ],
        [
            "trust",
            "export",
            f"{d}/bundle",
            "--anchor",
            f"{d}/root.pem",
            "--crl",
            f"{d}/root.crl.pem",
            "--cert",
            f"{d}/gn.pem",
            "--at",
            at,
        ],
    ]
    for step in steps:
        r = CliRunner(env=PASS_ENV).invoke(cli, step)
        assert r.exit_code == 0, (step[:2], r.output)
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            f"{d}/seal.bin",
            "--trust",
            f"{d}/bundle",
            "--at",
            at,
            "--require-crl",
        ],
    )
    assert r.exit_code == 0, r.output
