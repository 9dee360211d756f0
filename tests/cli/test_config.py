"""Flags beat environment variables, which beat the config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.clock import AT

from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    d = tmp_path_factory.mktemp("cfg")
    runner = CliRunner()
    assert (
        runner.invoke(cli, ["keys", "demo", str(d / "good"), "--at", AT]).exit_code == 0
    )
    assert (
        runner.invoke(cli, ["keys", "demo", str(d / "other"), "--at", AT]).exit_code
        == 0
    )
    r = runner.invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(ROOT / "samples/data/family-relation.json"),
            "--key",
            str(d / "good/issuer-key.pem"),
            "--cert",
            str(d / "good/issuer-cert.pem"),
            "--out",
            str(d / "s.png"),
        ],
    )
    assert r.exit_code == 0
    return d, d / "s.bin", d / "good" / "trust"


def test_config_file_supplies_trust(setup: tuple[Path, Path, Path]) -> None:
    d, seal, _trust = setup
    cfg = d / "config.toml"
    cfg.write_text(
        'trust = "good/trust"\njobs = 1\n', encoding="utf-8"
    )  # relative to the file
    r = CliRunner(env={"DOCSEC_TRUST": None}).invoke(
        cli, ["--config", str(cfg), "verify", str(seal), "--json", "--at", AT]
    )
    assert r.exit_code == 0, r.output
    r = CliRunner(env={"DOCSEC_TRUST": None}).invoke(
        cli, ["--config", str(cfg), "config", "show"]
    )
    assert "good/trust" in r.stdout
    assert "config file" in r.stdout


def test_env_beats_file_and_flag_beats_env(setup: tuple[Path, Path, Path]) -> None:
    d, seal, trust = setup
    cfg = d / "config2.toml"
    cfg.write_text(f'trust = "{trust}"\n', encoding="utf-8")
    other = str(d / "other" / "trust")
    env = {"DOCSEC_CONFIG": str(cfg), "DOCSEC_TRUST": other}
    r = CliRunner(env=env).invoke(cli, ["verify", str(seal), "--json", "--at", AT])
    assert json.loads(r.stdout)["reasons"] == ["unknown-signer"]  # the env's store won
    r = CliRunner(env=env).invoke(
        cli, ["verify", str(seal), "--json", "--trust", str(trust), "--at", AT]
    )
    assert r.exit_code == 0  # the flag won
    r = CliRunner(env=env).invoke(cli, ["config", "show"])
    assert "environment $DOCSEC_TRUST" in r.stdout


def test_bad_config_files(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('trsut = "x"\n', encoding="utf-8")
    r = CliRunner().invoke(cli, ["--config", str(bad), "config", "show"])
    assert r.exit_code == 2
    assert "unknown key" in r.stderr
    bad.write_text("trust = [", encoding="utf-8")
    assert (
        CliRunner().invoke(cli, ["--config", str(bad), "config", "show"]).exit_code == 2
    )
    bad.write_text("jobs = true", encoding="utf-8")
    assert (
        CliRunner().invoke(cli, ["--config", str(bad), "config", "show"]).exit_code == 2
    )
    r = CliRunner().invoke(
        cli, ["--config", str(tmp_path / "missing.toml"), "config", "show"]
    )
    assert r.exit_code == 2


def test_no_config(tmp_path: Path) -> None:
    r = CliRunner(
        env={
            "DOCSEC_CONFIG": None,
            "XDG_CONFIG_HOME": str(tmp_path),
            "DOCSEC_TRUST": None,
        }
    ).invoke(cli, ["config", "show"])
    assert r.exit_code == 0
    assert "(none)" in r.stdout
    assert "not set" in r.stdout


def test_config_file_supplies_keys(setup: tuple[Path, Path, Path]) -> None:
    d, _seal, _trust = setup
    pdf = d / "wm.pdf"
    r = CliRunner().invoke(
        cli,
        [
            "issue",
            "--at",
            AT,
            "--data",
            str(ROOT / "samples/data/family-relation.json"),
            "--key",
            str(d / "good/issuer-key.pem"),
            "--cert",
            str(d / "good/issuer-cert.pem"),
            "--out",
            str(pdf),
        ],
    )
    assert r.exit_code == 0, r.output
    cfg = d / "keys.toml"
    cfg.write_text(
        'trust = "good/trust"\nwatermark_keys = ["good/watermark.key"]\n'
        'cdp_keys = ["good/cdp.key"]\n',
        encoding="utf-8",
    )
    env = {"DOCSEC_TRUST": None, "DOCSEC_WATERMARK_KEY": None, "DOCSEC_CDP_KEY": None}
    r = CliRunner(env=env).invoke(
        cli, ["--config", str(cfg), "verify", str(pdf), "--json", "--at", AT]
    )
    assert r.exit_code == 0, r.output
    checks = {c["name"]: c["status"] for c in json.loads(r.stdout)["checks"]}
    assert checks["watermark"] == "pass"
    r = CliRunner(env=env).invoke(cli, ["--config", str(cfg), "config", "show"])
    assert "good/watermark.key" in r.stdout
    bad = d / "badkeys.toml"
    bad.write_text('watermark_keys = "good/watermark.key"\n', encoding="utf-8")
    r = CliRunner(env=env).invoke(cli, ["--config", str(bad), "config", "show"])
    assert r.exit_code == 2
    assert "watermark_keys must be a list" in r.stderr
    bad.write_text("cdp_keys = [1]\n", encoding="utf-8")
    r = CliRunner(env=env).invoke(cli, ["--config", str(bad), "config", "show"])
    assert r.exit_code == 2
    assert "list of file paths" in r.stderr


def test_config_show_columns_line_up(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        'trust = "a/very/long/path/to/the/trust/folder/of/this/counter"\n'
        'exit_on = "not-authentic"\n',
        encoding="utf-8",
    )
    env = {"DOCSEC_TRUST": None, "DOCSEC_JOBS": "3", "DOCSEC_EXIT_ON": None}
    r = CliRunner(env=env).invoke(cli, ["--config", str(cfg), "config", "show"])
    assert r.exit_code == 0
    assert r.stderr == ""
    lines = r.stdout.splitlines()[1:]
    assert lines[0].split() == ["setting", "value", "source"]
    value_col = lines[0].index("value")
    source_col = lines[0].index("source")
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) >= {"trust", "accept_scanned_pdf", "jobs", "exit_on"}
    for line in lines[1:]:
        assert line[value_col - 2 : value_col] == "  "
        assert line[value_col] != " "
        assert line[source_col - 2 : source_col] == "  "
        assert line[source_col] != " "
    assert rows["jobs"][source_col:] == "environment $DOCSEC_JOBS"
    assert rows["exit_on"][value_col:].startswith("not-authentic ")
    assert rows["accept_scanned_pdf"][source_col:] == "not set"
