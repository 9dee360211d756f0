"""The README's library example runs as written and passes ``mypy --strict``."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from docsec_cli.main import cli
from tests.clock import AT

ROOT = Path(__file__).resolve().parents[1]


def _library_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### As a library", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match is not None, "README: no python block under 'As a library'"
    return match.group(1)


def test_library_example_runs_and_type_checks(tmp_path: Path) -> None:
    code = _library_example()
    # The "Try it" steps the example builds on: a demo world and seal.png.
    r = CliRunner().invoke(cli, ["keys", "demo", str(tmp_path / "world"), "--at", AT])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(ROOT / "samples/data/family-relation.json"),
            "--key",
            str(tmp_path / "world/issuer-key.pem"),
            "--cert",
            str(tmp_path / "world/issuer-cert.pem"),
            "--out",
            str(tmp_path / "seal.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    script = tmp_path / "example.py"
    script.write_text(code, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "HOLDER_NAME" in run.stdout or "성명" in run.stdout, run.stdout
    assert run.stdout.rstrip().endswith("authentic"), run.stdout
    typed = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", str(script)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert typed.returncode == 0, typed.stdout + typed.stderr
