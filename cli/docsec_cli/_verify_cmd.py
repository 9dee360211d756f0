"""``docsec verify``: one clear screen for one input, a batch for many."""

from __future__ import annotations

import glob
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime, timedelta
from pathlib import Path

import click

from docsec.errors import DocsecError
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec_cli import _render
from docsec_cli._clock import parse_at
from docsec_cli._errors import (
    EXIT_ERROR,
    EXIT_INCONCLUSIVE,
    VERDICT_EXIT,
    CLIUsageError,
    to_cli_error,
    worst,
)

logger = logging.getLogger("docsec_cli")

#: File kinds `docsec verify` picks up when given a folder.
SCAN_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".bin", ".pdf"}
)


def expand_inputs(items: tuple[str, ...]) -> Iterator[Path]:
    """Expand folders (recursively), glob patterns and ``@list.txt`` files."""
    for item in items:
        if item.startswith("@"):
            listing = Path(item[1:])
            try:
                lines = listing.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CLIUsageError(
                    f"cannot read the list file {listing}: {exc}"
                ) from exc
            entries = tuple(
                ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")
            )
            yield from expand_inputs(entries)
            continue
        p = Path(item)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                if child.is_file() and child.suffix.lower() in SCAN_SUFFIXES:
                    yield child
        elif not p.exists() and any(ch in item for ch in "*?["):
            yield from (Path(m) for m in sorted(glob.glob(item, recursive=True)))
        else:
            yield p


def _error_result(path: Path, policy: VerifyPolicy, message: str) -> VerificationResult:
    return VerificationResult(
        checks=(),
        required=policy.required,
        input=str(path),
        policy=policy.name,
        error=message,
    )


def verify_one(
    path: Path, policy: VerifyPolicy, at: datetime | date | None
) -> tuple[VerificationResult, int]:
    """Verify one input; never raises: a bad input gets its own error result."""
    from docsec.verify import verify_file

    try:
        result = verify_file(path, policy=policy, at=at)
    except DocsecError as exc:
        logger.debug("verification of %s failed", path, exc_info=True)
        return _error_result(path, policy, str(exc)), EXIT_INCONCLUSIVE
    except Exception as exc:
        logger.debug("unexpected error on %s", path, exc_info=True)
        return _error_result(
            path, policy, f"unexpected {type(exc).__name__}: {exc}"
        ), EXIT_ERROR
    return result, VERDICT_EXIT[result.verdict]


#: Policies the CLI offers by name.
POLICIES = ("seal", "counter")


def build_policy(
    trust_dir: str,
    name: str,
    require_crl: bool,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...] = (),
    crl_grace_hours: int = 0,
    accept_scanned_pdf: bool = False,
    registry_url: str | None = None,
    require_registry: bool = False,
) -> VerifyPolicy:
    """Build the named policy from the trust folder, the key files and the registry."""
    policy = _base_policy(
        trust_dir,
        name,
        require_crl,
        cdp_key_paths,
        watermark_key_paths,
        crl_grace_hours,
        accept_scanned_pdf,
    )
    if registry_url is None:
        if require_registry:
            raise CLIUsageError("--require-registry needs --registry")
        return policy
    from docsec.registry import open_status_source

    return policy.with_registry(
        open_status_source(registry_url), required=require_registry
    )


def _base_policy(
    trust_dir: str,
    name: str,
    require_crl: bool,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...],
    crl_grace_hours: int,
    accept_scanned_pdf: bool,
) -> VerifyPolicy:
    from docsec.keys import load_secret_key
    from docsec.trust import TrustStore

    store = TrustStore.load(trust_dir, crl_grace=timedelta(hours=crl_grace_hours))
    cdp_keys = [load_secret_key(p) for p in cdp_key_paths]
    watermark_keys = [load_secret_key(p) for p in watermark_key_paths]
    if name == "counter":
        if not cdp_keys:
            raise CLIUsageError(
                "the counter policy needs the issuer's copy-detection key (--cdp-key)"
            )
        return VerifyPolicy.counter(
            store,
            cdp_keys=cdp_keys,
            require_revocation=require_crl,
            watermark_keys=watermark_keys,
            accept_scanned_pdf=accept_scanned_pdf,
        )
    return VerifyPolicy.seal(
        store,
        require_revocation=require_crl,
        cdp_keys=cdp_keys,
        watermark_keys=watermark_keys,
        accept_scanned_pdf=accept_scanned_pdf,
    )


# Worker-process state for --jobs: the policy is built once per process.
_WORKER: dict[str, object] = {}


def _worker_init(
    trust_dir: str,
    name: str,
    require_crl: bool,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...],
    crl_grace_hours: int,
    accept_scanned_pdf: bool,
    registry_url: str | None = None,
    require_registry: bool = False,
) -> None:
    _WORKER["policy"] = build_policy(
        trust_dir,
        name,
        require_crl,
        cdp_key_paths,
        watermark_key_paths,
        crl_grace_hours,
        accept_scanned_pdf,
        registry_url,
        require_registry,
    )


def _worker_verify(
    path: Path, at: datetime | date | None
) -> tuple[VerificationResult, int]:
    policy = _WORKER["policy"]
    if not isinstance(policy, VerifyPolicy):  # pragma: no cover - init always runs
        raise TypeError("worker not initialised")
    return verify_one(path, policy, at)


def _annotate(result: VerificationResult, path: Path, target: Path) -> None:
    from docsec import imaging
    from docsec.annotate import annotate_file

    try:
        picture = annotate_file(path, result)
        imaging.write_image(target, picture)
    except DocsecError as exc:
        click.echo(f"cannot annotate {path}: {exc}", err=True)
        return
    click.echo(f"annotated image written to {target}", err=True)


@click.command("verify")
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--trust",
    "trust_dir",
    envvar="DOCSEC_TRUST",
    show_envvar=True,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Trust store folder: root and issuer certificates, CRLs.",
)
@click.option(
    "--at",
    "at_text",
    default=None,
    help="Verification time, YYYY-MM-DD or ISO date-time (default: now).",
)
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per input (JSON Lines)."
)
@click.option(
    "--require-crl",
    is_flag=True,
    envvar="DOCSEC_REQUIRE_CRL",
    show_envvar=True,
    help="Require a CRL from the issuer saying the signer is not revoked.",
)
@click.option(
    "--crl-grace",
    "crl_grace_hours",
    default=0,
    show_default=True,
    type=click.IntRange(0, 24 * 90),
    help="Hours after a CRL's nextUpdate during which it is still used (a stale "
    "CRL never says 'not revoked' otherwise).",
)
@click.option(
    "--policy",
    "policy_name",
    type=click.Choice(POLICIES),
    default="seal",
    show_default=True,
    envvar="DOCSEC_POLICY",
    show_envvar=True,
    help="seal: the signed seal decides (a detected photocopy still fails). "
    "counter: the paper must also be shown to be the original print (copy "
    "detection; needs a scan at 1200 ppi or more and --cdp-key).",
)
@click.option(
    "--cdp-key",
    "cdp_key_paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    envvar="DOCSEC_CDP_KEY",
    show_envvar=True,
    help="Copy-detection key file of an issuer (repeat for several, e.g. during "
    "a key rotation; the seal's key id picks one).",
)
@click.option(
    "--watermark-key",
    "watermark_key_paths",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False),
    envvar="DOCSEC_WATERMARK_KEY",
    show_envvar=True,
    help="Watermark key file of an issuer (repeat for several; the seal's key id "
    "picks one). With it, a seal that declares a watermark needs the page to "
    "carry it: another document's watermark is NOT AUTHENTIC, none INCONCLUSIVE.",
)
@click.option(
    "--accept-scanned-pdf",
    is_flag=True,
    envvar="DOCSEC_ACCEPT_SCANNED_PDF",
    show_envvar=True,
    help="Verify a PDF without the issuer's signature (a scanned page, any "
    "unsigned PDF) as a scan, from its seal alone. Without it such a PDF is "
    "INCONCLUSIVE: anyone can edit a rendered certificate's pixels and wrap them "
    "in a new PDF; only the signed fields shown reveal it.",
)
@click.option(
    "--registry",
    "registry_url",
    default=None,
    envvar="DOCSEC_REGISTRY",
    show_envvar=True,
    help="Document registry: a database URL (sqlite:///..., postgresql://...) or "
    "the verification service's address (http(s)://...). Adds the 'registry' "
    "check: a revoked or superseded document is NOT AUTHENTIC.",
)
@click.option(
    "--require-registry",
    is_flag=True,
    help="The registry must confirm the document is active (an unreachable "
    "registry then makes the verdict INCONCLUSIVE).",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    envvar="DOCSEC_JOBS",
    show_envvar=True,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Parallel worker processes for many inputs.",
)
@click.option(
    "--annotate",
    "annotate_to",
    default=None,
    type=click.Path(path_type=Path),
    help="Write the image with the found regions and the verdict drawn on it "
    "(a file for one input, a folder for several).",
)
def verify_cmd(
    files: tuple[str, ...],
    trust_dir: Path,
    at_text: str | None,
    as_json: bool,
    require_crl: bool,
    crl_grace_hours: int,
    policy_name: str,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...],
    accept_scanned_pdf: bool,
    registry_url: str | None,
    require_registry: bool,
    jobs: int,
    annotate_to: Path | None,
) -> None:
    """Verify scans, photos, PDFs or seal bytes; exit 0 only if every input is authentic.

    FILES may be files, folders (searched recursively), glob patterns or @LIST
    (a text file naming one input per line). Exit codes: 0 authentic, 1 error,
    2 usage, 3 not authentic, 4 inconclusive; with several inputs the worst wins.
    """
    at = parse_at(at_text)
    try:
        policy = build_policy(
            str(trust_dir),
            policy_name,
            require_crl,
            cdp_key_paths,
            watermark_key_paths,
            crl_grace_hours,
            accept_scanned_pdf,
            registry_url,
            require_registry,
        )
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    inputs = list(expand_inputs(files))
    if not inputs:
        raise CLIUsageError("no input files found")
    single = len(inputs) == 1
    if annotate_to is not None and not single:
        annotate_to.mkdir(parents=True, exist_ok=True)
    if not as_json:  # the JSON names the policy itself; stderr stays quiet
        click.echo(
            f"policy: {policy.name} (requires: {', '.join(sorted(policy.required))}); "
            f"trust store: {trust_dir}",
            err=True,
        )

    codes: list[int] = []
    verdicts: Counter[str] = Counter()

    def emit(path: Path, result: VerificationResult, code: int) -> None:
        codes.append(code)
        verdicts["error" if result.error else result.verdict.value] += 1
        if as_json:
            click.echo(_render.json_line(result.to_dict()))
        elif single:
            click.echo(_render.human(result))
        else:
            click.echo(_render.verdict_line(result))
        if annotate_to is not None:
            target = (
                annotate_to if single else annotate_to / f"{path.stem}.annotated.png"
            )
            _annotate(result, path, target)

    show_progress = not single
    with click.progressbar(
        length=len(inputs),
        label="verifying",
        file=sys.stderr,
        hidden=not show_progress,
    ) as bar:
        if jobs == 1 or single:
            for path in inputs:
                result, code = verify_one(path, policy, at)
                emit(path, result, code)
                bar.update(1)
        else:
            with ProcessPoolExecutor(
                max_workers=min(jobs, len(inputs), os.cpu_count() or 1),
                initializer=_worker_init,
                initargs=(
                    str(trust_dir),
                    policy_name,
                    require_crl,
                    cdp_key_paths,
                    watermark_key_paths,
                    crl_grace_hours,
                    accept_scanned_pdf,
                    registry_url,
                    require_registry,
                ),
            ) as pool:
                for path, (result, code) in zip(
                    inputs,
                    pool.map(_worker_verify, inputs, [at] * len(inputs)),
                    strict=True,
                ):
                    emit(path, result, code)
                    bar.update(1)
    if not single:
        summary = ", ".join(
            f"{verdicts[k]} {k.replace('_', ' ')}"
            for k in (v.value for v in Verdict)
            if verdicts[k]
        )
        if verdicts["error"]:
            summary += f", {verdicts['error']} unreadable"
        click.echo(f"{len(inputs)} inputs: {summary}", err=True)
    click.get_current_context().exit(worst(codes))
