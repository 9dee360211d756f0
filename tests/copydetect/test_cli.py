"""CLI tests for ``docsec copydetect`` (the group is tested directly)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docsec import imaging, simulate
from docsec.keys import SecretKey, save_secret_key
from docsec_cli._copydetect_cmd import copydetect

DOC = "GN2024000777"


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "cdp.key"
    save_secret_key(path, SecretKey.from_material("cdp", bytes(range(32))))
    return path


def _pattern(runner: CliRunner, key_file: Path, tmp_path: Path) -> np.ndarray:
    out = tmp_path / "cdp.png"
    res = runner.invoke(
        copydetect,
        ["pattern", "--key", str(key_file), "--doc-id", DOC, "--out", str(out)],
    )
    assert res.exit_code == 0, res.stderr
    assert "600 dpi" in res.stdout
    loaded = imaging.read_image(out)
    assert loaded.dpi == (600.0, 600.0)
    img = loaded.image
    page = np.full((img.shape[0] + 240, img.shape[1] + 240), 255, np.uint8)
    page[120:-120, 120:-120] = img
    return page


def _scan(tmp_path: Path, name: str, image: np.ndarray, dpi: float) -> Path:
    path = tmp_path / name
    imaging.write_image(path, image, dpi=dpi)
    return path


def test_pattern_and_measure(key_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    page = _pattern(runner, key_file, tmp_path)
    orig = simulate.print_scan(
        page, page_dpi=600, rng=21, oversample=2, scanner_dpi=1200
    )
    # A photo-mode copy: low fidelity and the copier's screen (a text-mode copy
    # without a screen in the band is copy-unconfirmed, INCONCLUSIVE).
    copy = simulate.photocopy(
        page, page_dpi=600, rng=21, oversample=2, scanner_dpi=1200, mode="photo"
    )
    low = simulate.print_scan(page, page_dpi=600, rng=21, oversample=2, scanner_dpi=300)
    cases = [
        ("orig.png", orig.image, 1200, 0, "original"),
        ("copy.png", copy.image, 1200, 3, "copy"),
        ("low.png", low.image, 300, 4, "inconclusive"),
    ]
    for name, image, dpi, code, decision in cases:
        path = _scan(tmp_path, name, image, dpi)
        args = ["measure", str(path), "--key", str(key_file), "--doc-id", DOC, "--json"]
        res = runner.invoke(copydetect, args)
        assert res.exit_code == code, (name, res.stdout, res.stderr)
        doc = json.loads(res.stdout)
        assert doc["decision"] == decision
        assert isinstance(doc["reasons"], list)
        assert doc["reasons"]
        assert isinstance(doc["measurements"], dict)
        assert res.stderr == ""
    res = runner.invoke(
        copydetect,
        ["measure", str(tmp_path / "low.png"), "--key", str(key_file), "--doc-id", DOC],
    )
    assert res.exit_code == 4
    assert "copy check needs >= 1200 ppi" in res.stdout


def test_errors(key_file: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    wm = tmp_path / "wm.key"
    save_secret_key(wm, SecretKey.from_material("watermark", bytes(32)))
    res = runner.invoke(
        copydetect, ["pattern", "--key", str(wm), "--doc-id", DOC, "--out", "x.png"]
    )
    assert res.exit_code == 2
    assert "not a 'cdp' key" in res.stderr
    assert "Traceback" not in res.stderr
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"not an image")
    res = runner.invoke(
        copydetect, ["measure", str(bad), "--key", str(key_file), "--doc-id", DOC]
    )
    assert res.exit_code == 4
    assert res.stdout == ""
    assert "Traceback" not in res.stderr
    res = runner.invoke(
        copydetect,
        [
            "pattern",
            "--key",
            str(key_file),
            "--doc-id",
            "",
            "--out",
            str(tmp_path / "p.png"),
        ],
    )
    assert res.exit_code == 4
    assert "doc_id" in res.stderr
