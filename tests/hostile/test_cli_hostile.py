"""The CLI on hostile input: dead and hung workers, special files, broken configs.

Every case asserts the answer it must get, that stdout carries only results, and
that no traceback or Python object repr reaches the user.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import struct
from pathlib import Path

import numpy as np
import pikepdf
import pytest
from click.testing import CliRunner, Result
from tests.hostile._cases import World

from docsec import imaging
from docsec_cli.main import cli


def clean(r: Result) -> None:
    """No traceback and no object repr anywhere the user looks."""
    for text in (r.stdout, r.stderr):
        assert "Traceback" not in text
        assert " object at 0x" not in text


def verify(
    g: World,
    *args: str,
    env: dict[str, str] | None = None,
    stdin: bytes | None = None,
) -> Result:
    r = CliRunner(env=env).invoke(
        cli, ["verify", *args, "--trust", str(g.trust_dir)], input=stdin
    )
    clean(r)
    return r


def lines(r: Result) -> list[dict[str, object]]:
    return [json.loads(line) for line in r.stdout.splitlines()]


@pytest.fixture
def batch(genuine: World, tmp_path: Path) -> list[Path]:
    """Four inputs: two genuine seals, the victim, and a page without a seal."""
    a = shutil.copy(genuine.seal_png, tmp_path / "a.png")
    victim = shutil.copy(genuine.seal_png, tmp_path / "victim.png")
    b = shutil.copy(genuine.seal_png, tmp_path / "b.png")
    blank = tmp_path / "blank.png"
    imaging.write_image(blank, np.full((120, 120), 255, np.uint8))
    return [Path(a), Path(victim), Path(b), blank]


@pytest.mark.parametrize(
    ("fault", "reason", "jobs"),
    [("exit", "worker-failed", "2"), ("raise", "worker-failed", "1")],
)
def test_a_dead_worker_costs_only_its_input(
    genuine: World, batch: list[Path], fault: str, reason: str, jobs: str
) -> None:
    # The worker that takes victim.png really exits (os._exit) or raises.
    env = {"DOCSEC_TEST_WORKER_FAULT": f"{fault}:victim.png"}
    r = verify(genuine, *map(str, batch), "--json", "--jobs", jobs, env=env)
    docs = lines(r)
    assert [d["input"] for d in docs] == [str(p) for p in batch]
    assert [d["verdict"] for d in docs] == [
        "authentic",
        "inconclusive",
        "authentic",
        "inconclusive",
    ]
    assert docs[1]["reasons"] == [reason]
    assert docs[3]["reasons"] == ["no-seal"]
    assert r.exit_code == 4
    assert "4 inputs: 2 authentic, 1 inconclusive, 1 worker failed" in r.stderr


def test_a_hung_worker_is_stopped_at_the_timeout(
    genuine: World, batch: list[Path], tmp_path: Path
) -> None:
    forged = tmp_path / "forged.bin"
    bad = bytearray(genuine.seal_bytes)
    bad[-1] ^= 1
    forged.write_bytes(bytes(bad))
    env = {"DOCSEC_TEST_WORKER_FAULT": "hang:victim.png"}
    inputs = [*map(str, batch), str(forged)]
    r = verify(genuine, *inputs, "--timeout", "3", "--jobs", "2", env=env)
    # One verdict line per input (the signed data follow, indented).
    out = [ln for ln in r.stdout.splitlines() if not ln.startswith(" ")]
    assert len(out) == 5
    assert out[1].startswith(f"{batch[1]}: INCONCLUSIVE  (timeout)")
    assert "AUTHENTIC" in out[0]
    assert "AUTHENTIC" in out[2]
    assert "NOT AUTHENTIC" in out[4]
    assert r.exit_code == 3  # the worst verdict: the forged seal
    assert "1 timed out" in r.stderr


def test_special_files_get_a_line_each_never_a_hang(
    genuine: World, tmp_path: Path
) -> None:
    fifo = tmp_path / "fifo.png"
    os.mkfifo(fifo)
    r = verify(genuine, str(fifo), "/dev/zero", str(genuine.seal_png), "--json")
    docs = lines(r)
    assert [d["verdict"] for d in docs] == ["inconclusive", "inconclusive", "authentic"]
    assert "named pipe, not a regular file" in str(docs[0]["error"])
    assert "character device" in str(docs[1]["error"])
    assert r.exit_code == 4
    r = verify(genuine, str(fifo))
    assert r.exit_code == 4
    assert "named pipe" in r.stdout


def test_standard_input_is_read_and_bounded(genuine: World) -> None:
    r = verify(genuine, "-", stdin=genuine.seal_png.read_bytes())
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith("-: AUTHENTIC")
    r = verify(genuine, "-", "--json", stdin=genuine.pdf.read_bytes())
    assert r.exit_code == 0, r.output
    assert lines(r)[0]["input"] == "-"
    r = verify(genuine, "-", "--max-file-mb", "1", stdin=bytes(2 * 1024 * 1024))
    assert r.exit_code == 2
    assert "larger than the limit of 1 MiB" in r.stderr
    r = verify(genuine, "-", "-", stdin=b"x")
    assert r.exit_code == 2
    assert "only once" in r.stderr


def test_file_size_limit(genuine: World, tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(genuine.seal_png.read_bytes() + bytes(2 * 1024 * 1024))
    r = verify(genuine, str(big), "--max-file-mb", "1")
    assert r.exit_code == 4
    assert "above the limit of 1 MiB" in r.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'trust = "\xff\xfe"\n', "is not UTF-8 text"),
        (b"jobs = [", "is not valid TOML"),
    ],
)
def test_broken_config_is_one_line(
    genuine: World, tmp_path: Path, content: bytes, message: str
) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_bytes(content)
    r = CliRunner().invoke(cli, ["--config", str(cfg), "verify", str(genuine.seal_png)])
    clean(r)
    assert r.exit_code == 2
    assert message in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert r.stdout == ""


def test_config_that_is_a_pipe_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    r = CliRunner().invoke(cli, ["--config", str(fifo), "config", "show"])
    clean(r)
    assert r.exit_code == 2
    assert "named pipe" in r.stderr


def test_annotate_into_a_missing_folder_is_refused_up_front(
    genuine: World, tmp_path: Path
) -> None:
    target = tmp_path / "missing" / "out.png"
    r = verify(genuine, str(genuine.seal_png), "--annotate", str(target))
    assert r.exit_code == 2
    assert "does not exist; create it first" in r.stderr
    assert r.stdout == ""
    r = verify(genuine, str(genuine.seal_png), "--annotate", str(tmp_path / "a.gif"))
    assert r.exit_code == 2
    assert "give a .png" in r.stderr
    blocker = tmp_path / "file"
    blocker.write_bytes(b"")
    r = verify(
        genuine,
        str(genuine.seal_png),
        str(genuine.pdf),
        "--annotate",
        str(blocker / "sub"),
    )
    assert r.exit_code == 2
    assert "cannot create the --annotate folder" in r.stderr


def test_annotate_a_password_pdf(genuine: World, tmp_path: Path) -> None:
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(genuine.pdf) as doc:
        doc.save(locked, encryption=pikepdf.Encryption(user="secret", owner="o"))
    out = tmp_path / "ann.png"
    r = verify(genuine, str(locked), "--annotate", str(out))
    assert r.exit_code == 4
    assert "encrypted with a password" in r.stdout
    assert "cannot annotate" in r.stderr
    assert "encrypted with a password" in r.stderr
    assert not out.exists()


def test_annotate_a_pdf_page_and_stdin(genuine: World, tmp_path: Path) -> None:
    out = tmp_path / "ann.png"
    r = verify(genuine, str(genuine.pdf), "--annotate", str(out))
    assert r.exit_code == 0, r.output
    assert imaging.read_image(out).image.ndim == 3
    out2 = tmp_path / "stdin.png"
    r = verify(
        genuine, "-", "--annotate", str(out2), stdin=genuine.seal_png.read_bytes()
    )
    assert r.exit_code == 0, r.output
    assert out2.is_file()


def test_inspect_reads_pdfs_like_verify(genuine: World, tmp_path: Path) -> None:
    r = CliRunner().invoke(cli, ["inspect", str(genuine.pdf), "--json"])
    clean(r)
    assert r.exit_code == 0, r.output
    (seal,) = json.loads(r.stdout)["seals"]
    from docsec import pdf

    declared = pdf.declared_seal(genuine.pdf.read_bytes())
    assert declared is not None
    assert seal["hex"] == declared.hex()
    fifo = tmp_path / "x.pdf"
    os.mkfifo(fifo)
    r = CliRunner().invoke(cli, ["inspect", str(fifo)])
    clean(r)
    assert r.exit_code == 4
    assert "named pipe" in r.stderr


def test_library_warnings_go_to_the_log(genuine: World, tmp_path: Path) -> None:
    # A TIFF whose XResolution tag has two values: Pillow warns in Python and
    # libtiff (through OpenCV) on stderr. Both land in the decoder's warnings.
    from PIL import Image

    buf = io.BytesIO()
    Image.open(genuine.seal_png).save(buf, format="TIFF", dpi=(600, 600))
    data = bytearray(buf.getvalue())
    at = data.find(struct.pack("<HHI", 282, 5, 1))
    data[at : at + 8] = struct.pack("<HHI", 282, 5, 2)
    said = imaging.decode_image(bytes(data)).warnings
    assert any("tag 282" in w for w in said)
    assert any("XResolution" in w for w in said)
    path = tmp_path / "warn.tif"
    path.write_bytes(bytes(data))
    r = verify(genuine, str(path))
    assert r.exit_code == 0, r.output
    assert "282" not in r.stderr
    assert "XResolution" not in r.stderr
