"""The check pipeline: the fail-closed runner, sniffing once, the frame --annotate reads."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from docsec import checks, imaging, inputs
from docsec._pipeline import Finding, Run, run
from docsec.annotate import annotate_file, annotate_frame
from docsec.copydetect import Reason
from docsec.errors import InputError
from docsec.policy import KNOWN_CHECKS, VerifyPolicy
from docsec.result import CheckResult, CheckStatus, Location, Paper, Verdict
from docsec.trust import TrustStore
from docsec.verify import verify_bytes_with_frame, verify_file, verify_file_with_frame
from docsec_cli.main import cli
from tests.clock import AT, NOW

ROOT = Path(__file__).resolve().parents[1]


def test_check_names_are_the_policy_known_checks() -> None:
    names = {getattr(checks, n) for n in checks.__all__ if n.isupper() and n != "KNOWN"}
    assert names == checks.KNOWN == KNOWN_CHECKS
    assert all(isinstance(n, str) and n == n.lower() for n in names)


def _raises(frame: object, policy: VerifyPolicy) -> CheckResult:
    raise ValueError("boom")


def _passes(frame: object, policy: VerifyPolicy) -> CheckResult:
    return CheckResult(checks.SIGNATURE, CheckStatus.PASS, "ok")


def _not_applicable(frame: object, policy: VerifyPolicy) -> None:
    return None


def _finds(frame: object, policy: VerifyPolicy) -> Finding:
    where = Location("cdp", ((0.0, 0.0), (1.0, 0.0), (1.0, 1.0)), None)
    return Finding(
        CheckResult(checks.COPYDETECT, CheckStatus.PASS, "original"),
        (where,),
        required=True,
        paper=Paper("original", 0.9, 0.4, 0.6),
    )


def _several(frame: object, policy: VerifyPolicy) -> tuple[CheckResult, ...]:
    return (
        CheckResult(checks.PDF_SIGNATURE, CheckStatus.PASS, "first"),
        CheckResult(checks.PDF_SIGNATURE, CheckStatus.FAIL, "second", ("x-y",)),
    )


def test_run_is_ordered_and_fail_closed(world: Path) -> None:
    policy = VerifyPolicy.seal(TrustStore.load(world / "trust"))
    out = Run()
    run(
        out,
        object(),
        policy,
        [
            (checks.WATERMARK, _raises),
            (checks.SIGNATURE, _passes),
            (checks.REGISTRY, _not_applicable),
            (checks.COPYDETECT, _finds),
            (checks.PDF_SIGNATURE, _several),
        ],
    )
    assert [(c.name, c.status) for c in out.checks] == [
        (checks.WATERMARK, CheckStatus.FAIL),
        (checks.SIGNATURE, CheckStatus.PASS),
        (checks.COPYDETECT, CheckStatus.PASS),
        (checks.PDF_SIGNATURE, CheckStatus.PASS),
        (checks.PDF_SIGNATURE, CheckStatus.FAIL),
    ]
    # An exception is that check failed, with the error's class, never a pass.
    assert out.checks[0].reasons == ("check-error",)
    assert out.checks[0].detail == "check raised ValueError"
    # A check that does not apply is absent: no result at all.
    assert all(c.name != checks.REGISTRY for c in out.checks)
    assert out.required == {checks.COPYDETECT}
    assert [loc.name for loc in out.locations] == ["cdp"]
    assert out.paper is not None
    assert out.paper.state == "original"


def test_checks_alongside_overlap_and_keep_the_order(world: Path) -> None:
    """A check run alongside works while the others run; order and failures hold."""
    policy = VerifyPolicy.seal(TrustStore.load(world / "trust"))
    foreground_ran = threading.Event()
    seen: list[bool] = []

    def waits(frame: object, policy: VerifyPolicy) -> Finding:
        # Started first; the later foreground check sets the event. Run in
        # order (not alongside), this would wait out its bound and see False.
        seen.append(foreground_ran.wait(30.0))
        return _finds(frame, policy)

    def sets(frame: object, policy: VerifyPolicy) -> CheckResult:
        foreground_ran.set()
        return _passes(frame, policy)

    out = Run()
    run(
        out,
        object(),
        policy,
        [
            (checks.WATERMARK, _raises),
            (checks.COPYDETECT, waits),
            (checks.SIGNATURE, sets),
            (checks.PRINTED_TEXT, _raises),
        ],
        alongside={checks.COPYDETECT, checks.PRINTED_TEXT},
    )
    assert seen == [True]
    assert [(c.name, c.status, c.reasons) for c in out.checks] == [
        (checks.WATERMARK, CheckStatus.FAIL, ("check-error",)),
        (checks.COPYDETECT, CheckStatus.PASS, ()),
        (checks.SIGNATURE, CheckStatus.PASS, ()),
        (checks.PRINTED_TEXT, CheckStatus.FAIL, ("check-error",)),
    ]
    # A check raised in its thread fails as it would in order, with its class.
    assert out.checks[3].detail == "check raised ValueError"
    assert out.required == {checks.COPYDETECT}
    assert out.paper is not None


def test_a_one_core_worker_runs_its_checks_in_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from docsec import _ocr, _page_checks

    monkeypatch.setenv("OMP_NUM_THREADS", "1")  # what a --jobs worker is given
    assert _page_checks.alongside() == frozenset()
    monkeypatch.delenv("OMP_NUM_THREADS")
    monkeypatch.setattr(_ocr, "cores", lambda: 2)
    assert _page_checks.alongside() == {checks.PRINTED_TEXT}


@pytest.mark.parametrize(
    ("data", "suffix", "kind"),
    [
        (b"%PDF-1.7\n...", "", "pdf"),
        (b"%PDF-1.7\n...", ".bin", "pdf"),
        (b"\xdc\x03abc", "", "seal"),
        (b"DC04FR000001", "", "seal"),
        (b"HC1:6BF", "", "seal"),
        (b"anything", ".BIN", "seal"),
        (b"junk before " + b"%PDF-1.4", ".png", "pdf"),
        (b"\x89PNG\r\n\x1a\n", ".png", "image"),
    ],
)
def test_sniff(data: bytes, suffix: str, kind: str) -> None:
    assert inputs.sniff(data, suffix) == kind


def test_sniff_refuses_empty_input() -> None:
    with pytest.raises(InputError, match="empty"):
        inputs.sniff(b"")


@pytest.mark.parametrize(
    ("text", "code", "explanation"),
    [
        (
            "low-resolution: scan at 300 ppi; copy check needs >= 1200 ppi",
            "low-resolution",
            "scan at 300 ppi; copy check needs >= 1200 ppi",
        ),
        ("no-key: no copy-detection key", "no-key", "no copy-detection key"),
        ("ambiguous: fidelity 0.5: between", "ambiguous", "fidelity 0.5: between"),
        ("bare-code", "bare-code", "bare-code"),
    ],
)
def test_copy_reasons_are_structured(text: str, code: str, explanation: str) -> None:
    reason = Reason.parse(text)
    assert (reason.code, reason.text) == (code, explanation)
    if ":" in text:
        assert str(reason) == text


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("world")
    r = CliRunner().invoke(cli, ["keys", "demo", str(d / "w"), "--at", AT])
    assert r.exit_code == 0, r.output
    return d / "w"


@pytest.fixture(scope="module")
def sealed(world: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seal") / "seal.png"
    data = sorted((ROOT / "samples" / "data").glob("*.json"))[0]
    r = CliRunner().invoke(
        cli,
        [
            "seal",
            "--at",
            AT,
            "--data",
            str(data),
            "--key",
            str(world / "issuer-key.pem"),
            "--cert",
            str(world / "issuer-cert.pem"),
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    return out


def test_frame_holds_the_verified_page_and_annotate_draws_on_it(
    world: Path, sealed: Path
) -> None:
    policy = VerifyPolicy.seal(TrustStore.load(world / "trust"))
    result, frame = verify_file_with_frame(sealed, policy=policy, at=NOW)
    assert result == verify_file(sealed, policy=policy, at=NOW)
    assert result.verdict is Verdict.AUTHENTIC
    assert frame.kind == "image"
    assert frame.page is not None
    page, dpi = frame.page
    assert dpi is None
    assert page.ndim == 2  # grey, as verified
    assert np.array_equal(page, imaging.to_gray(imaging.read_image(sealed).image))
    seal = next(loc for loc in result.locations if loc.name == "seal")
    assert all(
        0 <= x <= page.shape[1] and 0 <= y <= page.shape[0] for x, y in seal.points
    )
    # The same picture as reading the (grey) file again.
    drawn = annotate_frame(frame, result)
    assert np.array_equal(drawn, annotate_file(sealed, result))


def test_frame_of_seal_bytes_has_nothing_to_annotate(world: Path, sealed: Path) -> None:
    policy = VerifyPolicy.seal(TrustStore.load(world / "trust"))
    result, _ = verify_file_with_frame(sealed, policy=policy, at=NOW)
    assert result.content is not None
    raw, frame = verify_bytes_with_frame(
        result.content.seal_bytes, policy=policy, at=NOW, input_name="seal.bin"
    )
    assert raw.verdict is Verdict.AUTHENTIC
    assert frame.kind == "seal"
    assert frame.page is None
    with pytest.raises(InputError, match="seal bytes"):
        annotate_frame(frame, raw, name="seal.bin")
