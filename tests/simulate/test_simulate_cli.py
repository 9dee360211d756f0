"""Tests of ``docsec simulate`` (the Click group, run directly with CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docsec import imaging
from docsec_cli._simulate_cmd import simulate


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    page = np.full((360, 300), 255, np.uint8)
    page[60:200, 40:260] = 0
    path = tmp_path / "page.png"
    imaging.write_image(path, page, dpi=600)
    return path


def run(*args: str) -> object:
    return CliRunner().invoke(simulate, [str(a) for a in args])


@pytest.mark.parametrize(
    ("scan_dpi", "shape"),
    [("300", (180, 150)), ("600", (360, 300)), ("1200", (720, 600))],
)
def test_print_scan_writes_png_with_scan_dpi(
    page_file, tmp_path, scan_dpi, shape
) -> None:
    out = tmp_path / "scan.png"
    res = run("print-scan", page_file, out, "--seed", "1", "--scanner-dpi", scan_dpi)
    assert res.exit_code == 0, res.output
    assert res.stdout == ""  # a message, not a result: stderr, like seal and issue
    assert res.stderr.startswith(f"{out}: {shape[1]}x{shape[0]} gray, {scan_dpi} dpi")
    loaded = imaging.read_image(out)
    assert loaded.image.shape == shape
    assert loaded.dpi == (float(scan_dpi), float(scan_dpi))


def test_same_seed_same_file(page_file, tmp_path) -> None:
    a, b, c = tmp_path / "a.png", tmp_path / "b.png", tmp_path / "c.png"
    for out, seed in ((a, "4"), (b, "4"), (c, "5")):
        assert run("photocopy", page_file, out, "--seed", seed).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert a.read_bytes() != c.read_bytes()


def test_jpeg_out_is_the_devices_own_jpeg(page_file, tmp_path) -> None:
    out = tmp_path / "scan.jpg"
    res = run(
        "print-scan", page_file, out, "--seed", "2", "--jpeg-quality", "75", "--color"
    )
    assert res.exit_code == 0, res.output
    loaded = imaging.read_image(out)
    assert loaded.format == "JPEG"
    assert loaded.dpi == (600.0, 600.0)
    assert loaded.image.shape == (360, 300, 3)


def test_phone_and_json(page_file, tmp_path) -> None:
    out = tmp_path / "photo.jpg"
    res = run("phone", page_file, out, "--seed", "3", "--ppi", "250", "--json")
    assert res.exit_code == 0, res.output
    assert res.stderr == ""
    doc = json.loads(res.stdout)
    assert doc["schema_version"] == 1
    assert doc["channel"] == "phone"
    assert doc["color"] == "BGR"
    assert set(doc["params"]) == {"printer", "phone"}
    assert doc["params"]["phone"]["ppi"] == 250.0
    loaded = imaging.read_image(out)
    assert loaded.dpi is not None
    assert abs(loaded.dpi[0] - doc["dpi"]) <= 0.5
    assert (loaded.image.shape[1], loaded.image.shape[0]) == (
        doc["width"],
        doc["height"],
    )


def test_photocopy_options(page_file, tmp_path) -> None:
    out = tmp_path / "copy.png"
    res = run(
        "photocopy", page_file, out, "--seed", "1", "--mode", "photo",
        "--scanner-dpi", "300", "--printer", "inkjet", "--quality", "worn", "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["params"]["copier"]["mode"] == "photo"
    assert doc["params"]["printer"]["kind"] == "inkjet"
    assert doc["params"]["printer"]["quality"] == "worn"
    assert imaging.read_image(out).dpi == (300.0, 300.0)


def test_dpi_option_when_metadata_is_missing(tmp_path) -> None:
    src = tmp_path / "nodpi.png"
    imaging.write_image(src, np.full((120, 100), 255, np.uint8))
    out = tmp_path / "out.png"
    res = run("print-scan", src, out, "--seed", "1")
    assert res.exit_code == 2
    assert "pass --dpi" in res.stderr
    assert res.stdout == ""
    assert not out.exists()
    res = run(
        "print-scan", src, out, "--seed", "1", "--dpi", "300", "--scanner-dpi", "600"
    )
    assert res.exit_code == 0, res.output
    assert imaging.read_image(out).image.shape == (240, 200)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("print-scan", "{missing}", "{out}", "--seed", "1"), "cannot read"),
        (("print-scan", "{page}", "{bad_out}", "--seed", "1"), "format"),
        (("print-scan", "{page}", "{out}"), "--seed"),
        (("print-scan", "{page}", "{out}", "--seed", "-1"), "--seed"),
        (
            ("print-scan", "{page}", "{out}", "--seed", "1", "--scanner-dpi", "400"),
            "400",
        ),
        (
            ("phone", "{page}", "{out}", "--seed", "1", "--printer", "laserjet"),
            "laserjet",
        ),
    ],
)
def test_usage_errors_exit_2_without_traceback(
    page_file, tmp_path, args, message
) -> None:
    names = {
        "missing": tmp_path / "missing.png",
        "page": page_file,
        "out": tmp_path / "out.png",
        "bad_out": tmp_path / "out.xyz",
    }
    argv = [a.format(**names) for a in args]
    res = CliRunner().invoke(simulate, argv)
    assert res.exit_code == 2
    assert message in res.stderr
    assert "Traceback" not in res.stderr
    assert res.stdout == ""


def test_not_an_image_is_a_usage_error(tmp_path) -> None:
    src = tmp_path / "page.png"
    src.write_bytes(b"not an image")
    res = run("print-scan", src, tmp_path / "out.png", "--seed", "1", "--dpi", "600")
    assert res.exit_code == 2
    assert "not a readable image" in res.stderr


def test_help_lists_the_three_channels() -> None:
    res = run("--help")
    assert res.exit_code == 0
    for name in ("print-scan", "phone", "photocopy"):
        assert name in res.stdout
