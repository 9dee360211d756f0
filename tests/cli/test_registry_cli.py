"""``docsec registry`` and ``docsec issue --registry`` on a SQLite file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.clock import AT

from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
FAMILY = ROOT / "samples" / "data" / "family-relation.json"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("registry-world") / "w"
    r = CliRunner().invoke(cli, ["keys", "demo", str(d), "--at", AT])
    assert r.exit_code == 0, r.output
    return d


def unnumbered(tmp_path: Path) -> Path:
    data = json.loads(FAMILY.read_text(encoding="utf-8"))
    data.pop("document_number")
    path = tmp_path / "data.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_issue_status_revoke_token(world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reg.sqlite3'}"
    run = CliRunner().invoke
    r = run(cli, ["registry", "init", "--db", db])
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    out = tmp_path / "doc.pdf"
    r = run(
        cli,
        [
            "issue",
            "--data",
            str(unnumbered(tmp_path)),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(out),
            "--registry",
            db,
            "--verify-url",
            "https://verify.example.kr",
            "--actor",
            "clerk-1",
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.stderr
    number, code = r.stdout.split()
    assert number == f"KRGN{AT[:4]}00000001"
    assert len(code) == 10
    assert out.stat().st_size > 1000

    r = run(cli, ["registry", "status", number, "--db", db, "--json", "--audit"])
    assert r.exit_code == 0, r.stderr
    obj = json.loads(r.stdout)
    assert obj["status"] == "active"
    assert obj["audit"][0]["actor"] == "clerk-1"

    r = run(
        cli,
        ["registry", "revoke", number, "--reason", "lost", "--db", db, "--at", AT],
    )
    assert r.exit_code == 0, r.stderr
    r = run(cli, ["registry", "status", number, "--db", db])
    assert r.exit_code == 3
    assert "REVOKED (lost)" in r.stdout

    r = run(cli, ["registry", "revoke", number, "--reason", "x", "--db", db])
    assert r.exit_code != 0
    assert "already revoked" in r.stderr
    r = run(cli, ["registry", "status", "NOSUCH1", "--db", db])
    assert r.exit_code == 1
    assert "no document" in r.stderr

    r = run(cli, ["registry", "token", "create", "--role", "issuer", "--db", db])
    assert r.exit_code == 0, r.stderr
    assert r.stdout.startswith("dsk_")
    assert "not shown again" in r.stderr


def test_registry_option_misuse(world: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "issue",
            "--data",
            str(FAMILY),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(tmp_path / "x.pdf"),
            "--verify-url",
            "https://x",
        ],
    )
    assert r.exit_code == 2
    assert "--verify-url needs --registry" in r.stderr


def test_cli_import_does_not_load_the_database_stack() -> None:
    code = (
        "import sys, docsec_cli.main, docsec.registry; "
        "bad = [m for m in ('sqlalchemy', 'alembic', 'starlette', 'uvicorn') "
        "if m in sys.modules]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def _issue_registered(world: Path, tmp_path: Path, db: str) -> tuple[str, Path]:
    out = tmp_path / "doc.pdf"
    r = CliRunner().invoke(
        cli,
        [
            "issue",
            "--data",
            str(unnumbered(tmp_path)),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(out),
            "--registry",
            db,
            "--no-cdp",
            "--no-watermark",
            "--at",
            AT,
        ],
    )
    assert r.exit_code == 0, r.stderr
    return r.stdout.split()[0], out


def _verify(world: Path, pdf: Path, *args: str) -> tuple[int, dict[str, object]]:
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(pdf),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
            "--json",
            *args,
        ],
    )
    return r.exit_code, json.loads(r.stdout)


def _registry_check(obj: dict[str, object]) -> dict[str, object]:
    checks = obj["checks"]
    assert isinstance(checks, list)
    found = [c for c in checks if c["name"] == "registry"]
    assert len(found) == 1, checks
    check: dict[str, object] = found[0]
    return check


def test_verify_with_registry(world: Path, tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'reg.sqlite3'}"
    assert CliRunner().invoke(cli, ["registry", "init", "--db", db]).exit_code == 0
    number, pdf = _issue_registered(world, tmp_path, db)

    code, obj = _verify(world, pdf, "--registry", db)
    assert (code, obj["verdict"]) == (0, "authentic")
    assert _registry_check(obj)["status"] == "pass"

    # Unreachable registry: inconclusive check, verdict unchanged unless required.
    down = "http://127.0.0.1:9"
    code, obj = _verify(world, pdf, "--registry", down)
    assert (code, obj["verdict"]) == (0, "authentic")
    assert _registry_check(obj)["status"] == "inconclusive"
    code, obj = _verify(world, pdf, "--registry", down, "--require-registry")
    assert (code, obj["verdict"]) == (4, "inconclusive")
    assert obj["reasons"] == ["registry-unavailable"]

    r = CliRunner().invoke(
        cli, ["registry", "revoke", number, "--reason", "lost", "--db", db, "--at", AT]
    )
    assert r.exit_code == 0, r.stderr
    code, obj = _verify(world, pdf, "--registry", db)
    assert (code, obj["verdict"]) == (3, "not_authentic")
    assert obj["reasons"] == ["document-revoked"]
    # Without --registry the paper alone still verifies: the seal cannot know.
    code, obj = _verify(world, pdf)
    assert code == 0

    for name in ("second", "third"):
        (tmp_path / name).mkdir()
    second, pdf2 = _issue_registered(world, tmp_path / "second", db)
    third, _ = _issue_registered(world, tmp_path / "third", db)
    r = CliRunner().invoke(
        cli, ["registry", "supersede", second, "--by", third, "--db", db, "--at", AT]
    )
    assert r.exit_code == 0, r.stderr
    assert f"SUPERSEDED by {third}" in r.stdout
    code, obj = _verify(world, pdf2, "--registry", db)
    assert (code, obj["reasons"]) == (3, ["document-superseded"])
    r = CliRunner().invoke(
        cli, ["registry", "supersede", third, "--by", "NOSUCH1", "--db", db]
    )
    assert r.exit_code != 0
    assert "no document NOSUCH1" in r.stderr


def test_require_registry_needs_registry(world: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        ["verify", str(FAMILY), "--trust", str(world / "trust"), "--require-registry"],
    )
    assert r.exit_code == 2
    assert "--require-registry needs --registry" in r.stderr


def test_serve_usage_errors(world: Path, tmp_path: Path) -> None:
    r = CliRunner().invoke(
        cli,
        [
            "serve",
            "--trust",
            str(world / "trust"),
            "--issuer-key",
            str(world / "issuer-key.pem"),
        ],
    )
    assert r.exit_code == 2
    assert "--issuer-key and --issuer-cert" in r.stderr
    r = CliRunner().invoke(
        cli, ["serve", "--trust", str(world / "trust"), "--db", "mysql://x/y"]
    )
    assert r.exit_code != 0
    assert "Traceback" not in r.stderr
    assert "sqlite" in r.stderr
