"""Nothing depends on the wall clock: sample data carry no dates that pass, and every
command that makes or checks something takes its time from ``--at``.

CI also runs the whole suite a year and five years ahead (``make test-clock``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from docsec import trust
from docsec.seal import complete_dates, load_certificate_data
from docsec_cli.main import cli
from tests.clock import NOW

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = sorted((ROOT / "samples" / "data").glob("*.json"))


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.stem)
def test_sample_data_carry_lengths_not_dates(path: Path) -> None:
    data = load_certificate_data(path.read_bytes())
    # Dates that mark the document's life are counted from the day of issue ...
    assert "issue_date" not in data
    assert "valid_until" not in data
    assert "valid_from" not in data
    assert isinstance(data["valid_for"], str)
    # ... and resolve to a window that starts that day, whatever the day.
    for day in (NOW.date(), NOW.date() + timedelta(days=5 * 366)):
        filled = complete_dates(data, day=day)
        assert filled["issue_date"] == day.isoformat()
        assert date.fromisoformat(str(filled["valid_until"])) > day


def _cli(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


@pytest.mark.parametrize("years", [0, 5, 30])
def test_cli_runs_as_of_any_day(tmp_path: Path, years: int) -> None:
    at = (NOW + timedelta(days=365 * years)).date().isoformat()
    w = tmp_path / "w"
    assert _cli("keys", "demo", str(w), "--at", at)[0] == 0
    cert = trust.load_certificate(w / "issuer-cert.pem")
    # The demo world starts a day before its "now".
    assert cert.not_valid_before_utc.date() == date.fromisoformat(at) - timedelta(1)
    code, out = _cli(
        "seal",
        "--at",
        at,
        "--data",
        str(SAMPLES[0]),
        "--key",
        str(w / "issuer-key.pem"),
        "--cert",
        str(w / "issuer-cert.pem"),
        "--out",
        str(tmp_path / "s.png"),
    )
    assert code == 0, out
    seal = str(tmp_path / "s.bin")
    code, out = _cli("verify", seal, "--trust", str(w / "trust"), "--at", at, "--json")
    assert code == 0, out
    doc = json.loads(out.splitlines()[-1])
    assert doc["issuer"]["signature_date"] == at
    assert doc["fields"]["ISSUE_DATE"] == at
    # The same seal checked a day before it was signed, or after the validity the
    # data asked for, is not authentic: expiry stays honest.
    before = (date.fromisoformat(at) - timedelta(days=1)).isoformat()
    assert _cli("verify", seal, "--trust", str(w / "trust"), "--at", before)[0] == 3
    end = doc["fields"]["VALIDITY"].split("/")[1]
    after = (date.fromisoformat(end) + timedelta(days=1)).isoformat()
    code, out = _cli(
        "verify", seal, "--trust", str(w / "trust"), "--at", after, "--json"
    )
    assert code == 3
    assert "document-expired" in json.loads(out.splitlines()[-1])["reasons"]


def test_keys_root_and_issuer_take_at(tmp_path: Path) -> None:
    at = "2041-03-04"  # any day: the command's only clock is --at
    runner = CliRunner(env={"DOCSEC_KEY_PASSPHRASE": "pw"})
    r = runner.invoke(
        cli,
        [
            "keys",
            "root",
            "--at",
            at,
            "--country",
            "KR",
            "--name",
            "Test CSCA",
            "--days",
            "10",
            "--out-key",
            str(tmp_path / "r.key"),
            "--out-cert",
            str(tmp_path / "r.pem"),
        ],
    )
    assert r.exit_code == 0, r.output
    root = trust.load_certificate(tmp_path / "r.pem")
    assert root.not_valid_before_utc == datetime(2041, 3, 4, tzinfo=UTC)
    assert root.not_valid_after_utc == datetime(2041, 3, 14, tzinfo=UTC)


@pytest.mark.parametrize("bad", ["tomorrow", "2026-13-01", "06/12/2026"])
def test_bad_at_is_a_usage_error(tmp_path: Path, bad: str) -> None:
    code, out = _cli("keys", "demo", str(tmp_path / "w"), "--at", bad)
    assert code == 2
    assert "--at" in out
    assert not (tmp_path / "w").exists()
