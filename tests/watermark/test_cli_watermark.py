"""``docsec watermark embed / extract / payload`` through Click's CliRunner."""

from __future__ import annotations

import json
from pathlib import Path

import click
import numpy as np
import pytest
from click.testing import CliRunner

from docsec import imaging
from docsec import watermark as wm
from docsec.keys import SecretKey, save_secret_key
from docsec_cli._watermark_cmd import watermark


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, tools) -> Path:
    d = tmp_path_factory.mktemp("wmcli")
    key = SecretKey.from_material("watermark", bytes(range(32)))
    save_secret_key(d / "watermark.key", key)
    save_secret_key(d / "cdp.key", SecretKey.from_material("cdp", bytes(32)))
    page = tools.make_page(np.random.default_rng(2), size_in=(6.0, 5.0))
    imaging.write_image(d / "page.png", page, dpi=300)
    imaging.write_image(d / "nodpi.png", page)
    return d


def _run(args: list[str]) -> click.testing.Result:
    return CliRunner().invoke(watermark, args, catch_exceptions=False)


def test_embed_then_extract_json(workdir: Path) -> None:
    out = workdir / "marked.png"
    res = _run(
        [
            "embed",
            str(workdir / "page.png"),
            str(out),
            "--payload",
            "0123456789abcdef",
            "--key",
            str(workdir / "watermark.key"),
        ]
    )
    assert res.exit_code == 0, res.output
    assert "watermarked" in res.stdout
    loaded = imaging.read_image(out)
    assert loaded.dpi == (300.0, 300.0)
    res = _run(["extract", str(out), "--key", str(workdir / "watermark.key"), "--json"])
    assert res.exit_code == 0
    doc = json.loads(res.stdout)
    assert doc["present"] is True
    assert doc["payload"] == "0123456789abcdef"
    assert doc["score"] >= doc["threshold"]
    assert set(doc) >= {"present", "payload", "score", "threshold"}


def test_extract_jpeg_text_output(workdir: Path) -> None:
    marked = workdir / "marked2.png"
    _run(
        [
            "embed",
            str(workdir / "page.png"),
            str(marked),
            "--payload",
            "0x00000000000000ff",
            "--key",
            str(workdir / "watermark.key"),
        ]
    )
    jpg = workdir / "marked2.jpg"
    imaging.write_image(jpg, imaging.read_image(marked).image, dpi=300, jpeg_quality=60)
    res = _run(["extract", str(jpg), "--key", str(workdir / "watermark.key")])
    assert res.exit_code == 0
    assert "00000000000000ff" in res.stdout


def test_unmarked_exits_4_with_null_payload(workdir: Path) -> None:
    res = _run(
        [
            "extract",
            str(workdir / "page.png"),
            "--key",
            str(workdir / "watermark.key"),
            "--json",
        ]
    )
    assert res.exit_code == 4
    doc = json.loads(res.stdout)
    assert doc["present"] is False
    assert doc["payload"] is None


def test_embed_without_dpi_warns_on_stderr(workdir: Path) -> None:
    res = CliRunner().invoke(
        watermark,
        [
            "embed",
            str(workdir / "nodpi.png"),
            str(workdir / "x.png"),
            "--payload",
            "00" * 8,
            "--key",
            str(workdir / "watermark.key"),
        ],
    )
    assert res.exit_code == 0
    assert "assuming 300 dpi" in res.stderr
    assert "assuming" not in res.stdout


@pytest.mark.parametrize("payload", ["abc", "zz" * 8, "00" * 9])
def test_bad_payload_is_a_usage_error(workdir: Path, payload: str) -> None:
    res = CliRunner().invoke(
        watermark,
        [
            "embed",
            str(workdir / "page.png"),
            str(workdir / "y.png"),
            "--payload",
            payload,
            "--key",
            str(workdir / "watermark.key"),
        ],
    )
    assert res.exit_code == 2
    assert "payload" in res.stderr.lower()


def test_wrong_key_purpose_and_bad_input(workdir: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        watermark,
        ["extract", str(workdir / "page.png"), "--key", str(workdir / "cdp.key")],
    )
    assert res.exit_code == 2
    assert "watermark key" in res.stderr
    assert "Traceback" not in res.output
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"not an image")
    res = CliRunner().invoke(
        watermark, ["extract", str(junk), "--key", str(workdir / "watermark.key")]
    )
    assert res.exit_code == 4
    assert "not a readable image" in res.stderr
    assert res.stdout == ""


def test_payload_command(workdir: Path) -> None:
    res = _run(
        [
            "payload",
            "--key",
            str(workdir / "watermark.key"),
            "--issuer",
            "KR-GANGNAM",
            "--number",
            "2009-000123",
        ]
    )
    assert res.exit_code == 0
    expected = wm.document_payload(bytes(range(32)), "KR-GANGNAM", "2009-000123")
    assert res.stdout.strip() == expected.hex()
