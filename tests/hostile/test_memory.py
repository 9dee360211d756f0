"""Every hostile input gets its answer within its memory ceiling.

Each case runs ``docsec verify`` in a child forked from one warmed-up process (so
that a case costs its own work, not an interpreter start) and asserts the exit
code, the words of the answer, and the child's peak RSS (``wait4``'s
``ru_maxrss``). A hard address-space cap of 3 GiB in each child keeps a regression
from taking the machine down with it.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.hostile._cases import CASES, ROOT, Case, Outcome, World


@pytest.fixture(scope="module")
def outcomes(
    genuine: World, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Outcome]:
    base = tmp_path_factory.mktemp("cases")
    argvs = []
    for case in CASES:
        directory = base / case.name
        directory.mkdir()
        path = case.build(genuine, directory)
        argvs.append(
            ["verify", str(path), "--trust", str(genuine.trust_dir), *case.args]
        )
    proc = subprocess.run(
        [sys.executable, "-m", "tests.hostile._cases"],
        input=json.dumps(argvs),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=900,
        check=True,
    )
    found = [Outcome(**o) for o in json.loads(proc.stdout)]
    return {case.name: o for case, o in zip(CASES, found, strict=True)}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, outcomes: dict[str, Outcome]) -> None:
    got = outcomes[case.name]
    assert got.exit_code == case.exit_code, got.output
    assert case.expect in got.output, got.output
    assert "Traceback" not in got.output
    assert " object at 0x" not in got.output
    assert "AUTHENTIC" not in got.output.replace("NOT AUTHENTIC", "")
    assert got.peak_mb <= case.ceiling_mb, f"{got.peak_mb:.0f} MiB"


def test_cases_are_small_files(genuine: World, tmp_path: Path) -> None:
    # The point of the suite: inputs of at most a few MB that claim far more.
    for case in CASES:
        directory = tmp_path / case.name
        directory.mkdir()
        path = case.build(genuine, directory)
        if path.is_file():
            assert path.stat().st_size < 2_000_000, case.name
