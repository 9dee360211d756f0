"""The optional void pantograph on issued PDFs (a human aid, never a verdict)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from click.testing import CliRunner
from tests.pdf.conftest import World, sample

from docsec import issue
from docsec.issuing import pantograph_mark
from docsec.pdf import render_page
from docsec.result import Verdict
from docsec.verify import verify_pdf
from docsec_cli.main import cli

MM = 600 / 25.4


def test_pantograph_is_printed_and_does_not_change_the_verdict(world: World) -> None:
    pdf = issue(sample(), key=world.key, cert=world.cert, pantograph=pantograph_mark())
    page = render_page(pdf, dpi=600)
    band = page[int(229 * MM) : int(247 * MM), int(53 * MM) : int(111 * MM)]
    ink = float((band < 128).mean())
    assert 0.02 < ink < 0.6  # a light dot screen, not empty and not solid
    r = verify_pdf(pdf, policy=world.policy)
    assert r.verdict is Verdict.AUTHENTIC


def test_pantograph_mark_pickles_for_batch_workers() -> None:
    # Round trip of our own object (what ProcessPoolExecutor does), not untrusted data.
    assert pickle.loads(pickle.dumps(pantograph_mark("VOID"))) == pantograph_mark(  # noqa: S301
        "VOID"
    )


def test_cli_batch_with_pantograph(world: World, tmp_path: Path) -> None:
    lines = []
    for i in range(2):
        data = sample()
        data["document_number"] = f"GN26112700{i}"
        lines.append(json.dumps(data, ensure_ascii=False))
    batch = tmp_path / "b.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = CliRunner().invoke(
        cli,
        [
            "issue",
            "--batch",
            str(batch),
            "--key",
            str(world.dir / "issuer-key.pem"),
            "--cert",
            str(world.dir / "issuer-cert.pem"),
            "--out",
            str(tmp_path / "out"),
            "--workers",
            "2",
            "--pantograph",
            "--no-cdp",
        ],
    )
    assert r.exit_code == 0, r.output
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 2
