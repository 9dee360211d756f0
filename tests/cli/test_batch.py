"""Batches a bank can audit: reports, summaries, exit codes, nothing dropped."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from datetime import date, datetime, time
from pathlib import Path

import jsonschema
import numpy as np
import pytest
from click.testing import CliRunner, Result
from tests.clock import AT
from tests.test_schema import validate

from docsec import __version__, imaging
from docsec.result import CheckResult, CheckStatus, VerificationResult
from docsec.trust import TrustStore
from docsec_cli._report import CSV_COLUMNS, CsvReport
from docsec_cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "samples" / "data" / "family-relation.json"
SUMMARY_SCHEMA = json.loads(
    (ROOT / "docs" / "verification-summary.schema.json").read_text(encoding="utf-8")
)
#: A date given alone is verified as of the end of that day, UTC.
VERIFIED_AT = datetime.combine(date.fromisoformat(AT), time(23, 59, 59)).isoformat()


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("world") / "w"
    r = CliRunner().invoke(cli, ["keys", "demo", str(d), "--at", AT])
    assert r.exit_code == 0, r.output
    return d


@pytest.fixture(scope="module")
def inbox(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bank's inbox: a genuine seal, a forged one, a blank scan and odd files."""
    d = tmp_path_factory.mktemp("inbox")
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(SAMPLE),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(d / "a-good.png"),
        ],
    )
    assert r.exit_code == 0, r.output
    data = bytearray((d / "a-good.bin").read_bytes())
    data[60] ^= 0x20
    (d / "b-forged.bin").write_bytes(bytes(data))
    (d / "a-good.bin").unlink()
    imaging.write_image(d / "c-blank.png", np.full((100, 100), 255, np.uint8))
    (d / "notes.txt").write_text("call the customer back\n", encoding="utf-8")
    (d / "photo.heic").write_bytes(b"\x00\x00\x00\x18ftypheic")
    (d / "sub").mkdir()
    (d / "sub" / "README").write_text("no suffix\n", encoding="utf-8")
    # What desktops leave in folders: skipped, not reported (like `ls`).
    (d / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (d / "Thumbs.db").write_bytes(b"\xd0\xcf\x11\xe0")
    (d / ".trash").mkdir()
    (d / ".trash" / "old.png").write_bytes(b"not a png")
    return d


def verify(world: Path, *args: str) -> Result:
    # English messages whatever the machine's locale.
    return CliRunner(env={"DOCSEC_LANG": "en"}).invoke(
        cli, ["verify", *args, "--trust", str(world / "trust"), "--at", AT]
    )


def test_folder_files_that_are_not_inputs_get_their_own_line(
    world: Path, inbox: Path, tmp_path: Path
) -> None:
    report = tmp_path / "report.csv"
    summary = tmp_path / "summary.json"
    r = verify(
        world,
        str(inbox),
        "--json",
        "--report",
        str(report),
        "--summary",
        str(summary),
    )
    assert r.exit_code == 3  # forged beats inconclusive
    assert r.stderr == (
        "verifying\n6 inputs: 1 authentic, 1 not authentic, 1 inconclusive, "
        "3 unsupported\n"
    )
    docs = [json.loads(line) for line in r.stdout.splitlines()]
    for d in docs:
        validate(d)
    by_name = {Path(d["input"]).name: d for d in docs}
    assert list(by_name) == [
        "a-good.png",
        "b-forged.bin",
        "c-blank.png",
        "notes.txt",
        "photo.heic",
        "README",
    ]
    assert [d["verdict"] for d in docs] == [
        "authentic",
        "not_authentic",
        *["inconclusive"] * 4,
    ]
    for name in ("notes.txt", "photo.heic", "README"):
        doc = by_name[name]
        assert doc["reasons"] == ["unsupported-input"]
        assert "not checked" in doc["error"]
        path = Path(doc["input"])
        assert doc["input_sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    store_id = TrustStore.load(world / "trust").fingerprint
    for d in docs:
        assert d["verified_at"] == VERIFIED_AT + "+00:00"
        assert d["trust_store_id"] == store_id
        assert d["docsec_version"] == __version__

    # The CSV: UTF-8 with a BOM (Excel), one row per input, the same answers.
    raw = report.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert tuple(rows[0]) == CSV_COLUMNS
    table = [dict(zip(CSV_COLUMNS, row, strict=True)) for row in rows[1:]]
    assert [row["file"] for row in table] == [d["input"] for d in docs]
    assert [row["verdict"] for row in table] == [d["verdict"] for d in docs]
    assert [row["sha256"] for row in table] == [d["input_sha256"] for d in docs]
    good = table[0]
    assert good["reasons"] == ""
    assert good["document_number"] == "GN2611270042"
    assert good["holder"] == "홍길동 (HONG Gildong)"
    assert "GN" in good["issuer"]
    assert good["signed_date"] == AT
    assert good["verified_at"] == VERIFIED_AT + "+00:00"
    assert table[1]["reasons"] == ";".join(docs[1]["reasons"])
    assert table[1]["holder"] == ""  # nothing unverified is shown
    assert table[3]["reasons"] == "unsupported-input"

    # The summary: counts, the failures, and what the run was made with.
    s = json.loads(summary.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(
        SUMMARY_SCHEMA, format_checker=jsonschema.FormatChecker()
    ).validate(s)
    assert s["summary_version"] == 1
    assert s["docsec_version"] == __version__
    assert s["trust_store_id"] == store_id
    assert s["policy"]["name"] == "seal"
    assert s["policy"]["require_crl"] is False
    assert s["policy"]["exit_on"] == "any"
    assert s["at"] == AT
    assert s["inputs"] == 6
    assert s["verdicts"] == {"authentic": 1, "not_authentic": 1, "inconclusive": 4}
    assert s["reasons"]["unsupported-input"] == 3
    assert s["reasons"]["no-seal"] == 1
    assert [f["input"] for f in s["failures"]] == [d["input"] for d in docs[1:]]
    assert s["failures"][0]["verdict"] == "not_authentic"
    assert s["exit_code"] == 3
    started = datetime.fromisoformat(s["started_at"])
    assert started.tzinfo is not None
    assert started <= datetime.fromisoformat(s["finished_at"])


def test_exit_on_tells_inconclusive_from_not_authentic(
    world: Path, inbox: Path
) -> None:
    good, forged = str(inbox / "a-good.png"), str(inbox / "b-forged.bin")
    blank = str(inbox / "c-blank.png")
    for args, any_code, not_authentic_code in (
        ((good, blank), 4, 0),
        ((good, forged, blank), 3, 3),
        ((good,), 0, 0),
        ((blank,), 4, 0),
    ):
        a = verify(world, *args, "-q")
        n = verify(world, *args, "-q", "--exit-on", "not-authentic")
        assert (a.exit_code, n.exit_code) == (any_code, not_authentic_code), args
        assert a.stdout == n.stdout
        assert (a.stderr, n.stderr) == ("", "")


def test_a_pattern_that_matches_nothing_is_a_usage_error(
    world: Path, inbox: Path, tmp_path: Path
) -> None:
    good = str(inbox / "a-good.png")
    pattern = str(tmp_path / "*.pdf")
    for args in ((pattern,), (good, pattern), (pattern, good)):
        r = verify(world, *args)
        assert r.exit_code == 2, args
        assert r.stdout == ""
        assert f"no file matches the pattern {pattern!r}" in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = verify(world, good, str(empty))
    assert r.exit_code == 2
    assert r.stdout == ""
    assert f"the folder {empty} holds no file" in r.stderr


def test_a_missing_file_is_one_line_naming_it(world: Path, tmp_path: Path) -> None:
    gone = tmp_path / "scna.png"
    r = verify(world, str(gone))
    assert r.exit_code == 4
    lines = r.stdout.splitlines()
    assert lines[0] == f"{gone}: INCONCLUSIVE  (no-such-file): no such file: {gone}"
    assert "  - There is no file with the name given. [no-such-file]" in lines
    assert "not run" not in r.output
    assert r.stderr.startswith("policy: seal")
    r = verify(world, str(gone), "--json", "-q")
    doc = json.loads(r.stdout)
    validate(doc)
    assert (doc["reasons"], doc["input_sha256"]) == (["no-such-file"], None)
    assert r.stderr == ""


def test_quiet_and_no_progress(world: Path, inbox: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch"
    batch.mkdir()
    shutil.copy(inbox / "a-good.png", batch / "one.png")
    shutil.copy(inbox / "a-good.png", batch / "two.png")
    r = verify(world, str(batch))
    assert r.exit_code == 0
    assert "verifying" in r.stderr
    assert "2 inputs: 2 authentic" in r.stderr
    r = verify(world, str(batch), "--no-progress")
    assert r.exit_code == 0
    assert "verifying" not in r.stderr
    assert r.stderr.splitlines()[-1] == "2 inputs: 2 authentic"
    q = verify(world, str(batch), "-q")
    assert q.exit_code == 0
    assert q.stderr == ""
    assert q.stdout == r.stdout
    assert q.stdout.count(": AUTHENTIC\n") == 2


def test_unwritable_report_is_a_usage_error_before_any_work(
    world: Path, inbox: Path, tmp_path: Path
) -> None:
    good = str(inbox / "a-good.png")
    for option in ("--report", "--summary"):
        target = tmp_path / "no-such-folder" / "out"
        r = verify(world, good, option, str(target))
        assert r.exit_code == 2
        assert r.stdout == ""
        assert f"cannot write the {option} file {target}" in r.stderr


def test_report_cells_cannot_run_as_formulas() -> None:
    out = io.StringIO()
    report = CsvReport(out)
    result = VerificationResult(
        checks=(CheckResult("barcode", CheckStatus.ABSENT),),
        required=frozenset({"barcode"}),
        input='=HYPERLINK("http://x")',
    )
    report.add(result)
    row = list(csv.reader(io.StringIO(out.getvalue())))[1]
    assert row[0] == '\'=HYPERLINK("http://x")'
    assert row[1] == ""  # no bytes, no hash
    assert row[2] == "inconclusive"


@pytest.mark.parametrize(("env", "styled"), [({}, True), ({"NO_COLOR": "1"}, False)])
def test_no_color(world: Path, inbox: Path, env: dict[str, str], styled: bool) -> None:
    # color=True stands for a terminal, where verdicts are coloured.
    r = CliRunner().invoke(
        cli,
        [
            "verify",
            str(inbox / "a-good.png"),
            "--trust",
            str(world / "trust"),
            "--at",
            AT,
        ],
        color=True,
        env=env,
    )
    assert r.exit_code == 0
    assert ("\x1b[" in r.stdout) is styled
    assert "AUTHENTIC" in r.stdout


def test_summary_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(SUMMARY_SCHEMA)
