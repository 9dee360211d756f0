"""``docsec verify``: one clear screen for one input, a batch for many."""

from __future__ import annotations

import dataclasses
import glob
import hashlib
import logging
import os
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING

import click

from docsec import inputs
from docsec.errors import DocsecError, InputError
from docsec.policy import VerifyPolicy
from docsec.result import Verdict, VerificationResult
from docsec_cli import _logs, _render
from docsec_cli._clock import now, parse_at
from docsec_cli._errors import (
    EXIT_ERROR,
    EXIT_INCONCLUSIVE,
    EXIT_OK,
    VERDICT_EXIT,
    CLIError,
    CLIUsageError,
    to_cli_error,
    worst,
)
from docsec_cli._help import DocsecCommand
from docsec_cli._i18n import tr
from docsec_cli._pool import Failure, SupervisedPool, WorkerStartError, fault_for
from docsec_cli._report import CsvReport, Summary, open_output, write_summary

if TYPE_CHECKING:
    from docsec.verify import Frame

logger = logging.getLogger("docsec_cli")

#: File kinds `docsec verify` picks up when given a folder.
SCAN_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp", ".webp", ".bin", ".pdf"}
)


#: Largest ``@list.txt`` file read.
_MAX_LIST_BYTES = 16 * 1024 * 1024
#: Name under which standard input is verified.
STDIN = "-"


#: Reason code of a file in a folder that docsec does not verify (by its suffix).
UNSUPPORTED = "unsupported-input"
#: Reason code of an input that does not exist.
NO_SUCH_FILE = "no-such-file"


#: Files a desktop writes into folders of scans; never inputs.
_DESKTOP_FILES = frozenset({"thumbs.db", "desktop.ini"})


def expand_inputs(items: tuple[str, ...]) -> Iterator[tuple[Path, bool]]:
    """Expand folders (recursively), glob patterns and ``@list.txt`` files.

    Yields ``(path, supported)``. Nothing is dropped: a file in a folder whose
    suffix docsec does not verify (``notes.txt``, ``photo.heic``, no suffix) is
    yielded with ``supported=False``, to be reported as ``unsupported-input``.
    ``-`` (standard input) is passed through as ``Path("-")``.

    Raises
    ------
    CLIUsageError
        If a glob pattern matches nothing or a folder holds no file: that input
        would otherwise vanish from the batch without a word.
    """
    for item in items:
        if item == "-":
            yield Path("-"), True
            continue
        if item.startswith("@"):
            listing = Path(item[1:])
            try:
                raw = inputs.read_regular_file(listing, max_bytes=_MAX_LIST_BYTES)
                lines = raw.decode("utf-8").splitlines()
            except InputError as exc:
                raise CLIUsageError(
                    tr("cannot use the list file: {error}").format(error=exc)
                ) from exc
            except UnicodeDecodeError as exc:
                raise CLIUsageError(
                    tr(
                        "the list file {path} is not UTF-8 text (byte {byte}); "
                        "write one input per line"
                    ).format(path=listing, byte=exc.start)
                ) from exc
            entries = tuple(
                ln.strip() for ln in lines if ln.strip() and not ln.startswith("#")
            )
            yield from expand_inputs(entries)
            continue
        p = Path(item)
        if p.is_dir():
            # Hidden files and the desktop's own bookkeeping (.DS_Store, Thumbs.db,
            # desktop.ini) are no documents: listed like `ls` does, not reported.
            children = [
                c
                for c in sorted(p.rglob("*"))
                if not c.is_dir()
                and not any(part.startswith(".") for part in c.relative_to(p).parts)
                and c.name.lower() not in _DESKTOP_FILES
            ]
            if not children:
                raise CLIUsageError(
                    tr("the folder {path} holds no file to verify").format(path=item)
                )
            for child in children:
                yield child, child.suffix.lower() in SCAN_SUFFIXES
        elif not p.exists() and any(ch in item for ch in "*?["):
            matches = sorted(glob.glob(item, recursive=True))
            if not matches:
                raise CLIUsageError(
                    tr("no file matches the pattern {pattern}").format(
                        pattern=repr(item)
                    )
                )
            for m in matches:
                if Path(m).is_dir():
                    yield from expand_inputs((m,))
                else:
                    yield Path(m), True
        else:
            yield p, True


@dataclass(frozen=True, slots=True)
class Item:
    """One input: a file, or standard input read up front (``data``)."""

    name: str
    data: bytes | None = field(default=None, repr=False)
    #: False for a file found in a folder whose kind docsec does not verify.
    supported: bool = True

    @property
    def path(self) -> Path:
        """Return the input as a path (``-`` for standard input)."""
        return Path(self.name)


def _error_result(
    item: Item,
    policy: VerifyPolicy,
    at: datetime | date | None,
    message: str,
    reason: str = "input-error",
) -> VerificationResult:
    """Return the result of an input that could not be verified at all.

    It carries the same audit fields as any result: the verification time ``at``
    stands for, the trust store, and the input's SHA-256 when its bytes can be
    read (a file that is missing or not a regular file has none).
    """
    from docsec.verify import verification_time

    return VerificationResult(
        checks=(),
        required=policy.required,
        input=item.name,
        policy=policy.name,
        error=message,
        error_reason=reason,
        verified_at=verification_time(at),
        input_sha256=_sha256_of(item, policy.max_bytes),
        trust_store_id=policy.trust.fingerprint,
    )


def _sha256_of(item: Item, max_bytes: int) -> str | None:
    """Return the SHA-256 of an input's bytes, or None if they cannot be read."""
    if item.data is not None:
        return hashlib.sha256(item.data).hexdigest()
    try:
        data = inputs.read_regular_file(
            item.path, max_bytes=max_bytes, allow_empty=True
        )
    except InputError:
        return None
    return hashlib.sha256(data).hexdigest()


def verify_one(
    item: Item, policy: VerifyPolicy, at: datetime | date | None
) -> tuple[VerificationResult, int]:
    """Verify one input; never raises: a bad input gets its own error result."""
    result, code, _frame = verify_one_with_frame(item, policy, at)
    return result, code


def verify_one_with_frame(
    item: Item, policy: VerifyPolicy, at: datetime | date | None
) -> tuple[VerificationResult, int, Frame | None]:
    """:func:`verify_one`, and the frame verification read (None on an error)."""
    from docsec.verify import verify_bytes_with_frame, verify_file_with_frame

    if not item.supported:
        return (
            _error_result(
                item,
                policy,
                at,
                f"not a kind of file docsec verifies (suffix {item.path.suffix or 'none'}"
                f"; it reads {', '.join(sorted(SCAN_SUFFIXES))}): not checked",
                UNSUPPORTED,
            ),
            EXIT_INCONCLUSIVE,
            None,
        )
    if item.data is None and not item.path.exists():
        return (
            _error_result(item, policy, at, f"no such file: {item.name}", NO_SUCH_FILE),
            EXIT_INCONCLUSIVE,
            None,
        )
    try:
        if item.data is not None:
            result, frame = verify_bytes_with_frame(
                item.data, policy=policy, at=at, input_name=item.name
            )
        else:
            result, frame = verify_file_with_frame(item.path, policy=policy, at=at)
    except DocsecError as exc:
        logger.debug("verification of %s failed", item.name, exc_info=True)
        return (
            _error_result(item, policy, at, inputs.plain_message(exc)),
            EXIT_INCONCLUSIVE,
            None,
        )
    except Exception as exc:
        # A bug, not the input's fault: one line (the traceback at -vv), exit 1.
        logger.debug("unexpected error on %s", item.name, exc_info=True)
        return (
            _error_result(
                item,
                policy,
                at,
                f"unexpected {type(exc).__name__}: {inputs.plain_message(exc)}",
            ),
            EXIT_ERROR,
            None,
        )
    return result, VERDICT_EXIT[result.verdict], frame


#: Policies the CLI offers by name.
POLICIES = ("seal", "counter")
#: Choices of --exit-on.
EXIT_ON = ("any", "not-authentic")


#: What a worker needs to build the same policy as the parent (picklable).
PolicyArgs = tuple[
    str,
    str,
    bool,
    tuple[str, ...],
    tuple[str, ...],
    int,
    bool,
    int | None,
    str | None,
    bool,
    str | None,
]


def build_policy(
    trust_dir: str,
    name: str,
    require_crl: bool,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...] = (),
    crl_grace_hours: int = 0,
    accept_scanned_pdf: bool = False,
    max_bytes: int | None = None,
    registry_url: str | None = None,
    require_registry: bool = False,
    copy_profile_path: str | None = None,
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
        max_bytes,
    )
    if copy_profile_path is not None:
        from docsec.copydetect import load_profile

        policy = dataclasses.replace(
            policy, copy_profile=load_profile(copy_profile_path)
        )
    if registry_url is None:
        if require_registry:
            raise CLIUsageError(tr("--require-registry needs --registry"))
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
    max_bytes: int | None,
) -> VerifyPolicy:
    from docsec.formats import load_trust_source
    from docsec.keys import load_secret_key

    store = load_trust_source(trust_dir, crl_grace=timedelta(hours=crl_grace_hours))
    cdp_keys = [load_secret_key(p) for p in cdp_key_paths]
    watermark_keys = [load_secret_key(p) for p in watermark_key_paths]
    if name == "counter":
        if not cdp_keys:
            raise CLIUsageError(
                tr(
                    "the counter policy needs the issuer's copy-detection key "
                    "(--cdp-key)"
                )
            )
        policy = VerifyPolicy.counter(
            store,
            cdp_keys=cdp_keys,
            require_revocation=require_crl,
            watermark_keys=watermark_keys,
            accept_scanned_pdf=accept_scanned_pdf,
        )
    else:
        policy = VerifyPolicy.seal(
            store,
            require_revocation=require_crl,
            cdp_keys=cdp_keys,
            watermark_keys=watermark_keys,
            accept_scanned_pdf=accept_scanned_pdf,
        )
    if max_bytes is not None:
        policy = dataclasses.replace(policy, max_bytes=max_bytes)
    return policy


def _verify_worker(conn: Connection, policy_args: PolicyArgs, verbose: int) -> None:
    """Worker process for batches: build the policy once, then verify inputs."""
    from docsec_cli._pool import limit_threads, worker_loop

    _logs.configure(verbose)

    def setup() -> Callable[[tuple[Item, datetime | date | None]], object]:
        limit_threads()
        policy = build_policy(*policy_args)

        def work(job: tuple[Item, datetime | date | None]) -> object:
            item, at = job
            fault = fault_for(item.path.name)
            if fault == "exit":
                os._exit(70)
            if fault == "hang":
                time.sleep(3600)
            if fault == "raise":
                raise RuntimeError("injected fault")
            return verify_one(item, policy, at)

        return work

    def on_error(
        job: tuple[Item, datetime | date | None], exc: BaseException
    ) -> object:
        return "raised", f"the worker failed on this input ({type(exc).__name__})"

    worker_loop(conn, setup, on_error)


def _write_annotation(
    result: VerificationResult,
    item: Item,
    target: Path,
    policy: VerifyPolicy,
    frame: Frame | None = None,
) -> None:
    """Draw the result on the input; on the page verification read, when given."""
    from docsec import imaging
    from docsec.annotate import annotate_data, annotate_file, annotate_frame

    limits = {"max_pixels": policy.max_pixels, "max_memory": policy.max_memory}
    try:
        if frame is not None and (frame.page is not None or frame.kind == "seal"):
            # The page verification read: no second decode or render.
            picture = annotate_frame(frame, result, name=item.name)
        elif item.data is not None:
            picture = annotate_data(item.data, result, name=item.name, **limits)
        else:
            picture = annotate_file(
                item.path, result, max_bytes=policy.max_bytes, **limits
            )
        imaging.write_image(target, picture)
    except DocsecError as exc:
        click.echo(
            tr("cannot annotate {file}: {error}").format(
                file=item.name, error=inputs.plain_message(exc)
            ),
            err=True,
        )
        return
    except OSError as exc:
        click.echo(
            tr(
                "cannot write the annotated image {path}: {error} (check that its "
                "folder exists and is writable)"
            ).format(path=target, error=exc.strerror or exc),
            err=True,
        )
        return
    click.echo(tr("annotated image written to {path}").format(path=target), err=True)


def _check_annotate_target(target: Path, single: bool) -> None:
    """Refuse an unusable --annotate target before any input is verified."""
    if single:
        folder = target.parent
        if target.is_dir():
            raise CLIUsageError(
                tr(
                    "--annotate {path} is a folder; give a file name for one input"
                ).format(path=target)
            )
        if target.suffix.lower() not in (
            ".png",
            ".jpg",
            ".jpeg",
            ".tif",
            ".tiff",
            ".bmp",
        ):
            raise CLIUsageError(
                tr(
                    "--annotate {path}: give a .png, .jpg, .tif or .bmp file name"
                ).format(path=target)
            )
    else:
        folder = target
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CLIUsageError(
                tr("cannot create the --annotate folder {path}: {error}").format(
                    path=target, error=exc.strerror or exc
                )
            ) from exc
    if not folder.is_dir():
        raise CLIUsageError(
            tr(
                "the folder {path} for --annotate does not exist; create it first"
            ).format(path=folder)
        )


@click.command("verify", cls=DocsecCommand)
@click.argument("files", nargs=-1, required=True)
@click.option(
    "--trust",
    "trust_dir",
    envvar="DOCSEC_TRUST",
    show_envvar=True,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help="Trust store folder: root and issuer certificates, CRLs (EU DCC signer "
    "certificates too). Or one file: an ANTS 2D-Doc trust list (.xml) or a "
    "certificate file (PEM/DER) whose certificates are trusted.",
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
    "--copy-profile",
    "copy_profile_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    envvar="DOCSEC_COPY_PROFILE",
    show_envvar=True,
    help="Copy profile of the counter's own printer and scanner (docsec "
    "copydetect calibrate): decides more copies of that printer's prints, never "
    "fewer. Use it only for paper printed on that printer.",
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
    "--max-file-mb",
    default=None,
    envvar="DOCSEC_MAX_FILE_MB",
    show_envvar=True,
    type=click.IntRange(1, 4096),
    help="Refuse input files (and standard input) larger than this many MiB "
    "[default: 256; PDFs at most 64].",
)
@click.option(
    "--timeout",
    default=120.0,
    envvar="DOCSEC_TIMEOUT",
    show_envvar=True,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="With several inputs, seconds one input may take: its worker is then "
    "stopped and the input is INCONCLUSIVE (timeout); the others go on.",
)
@click.option(
    "--annotate",
    "annotate_to",
    default=None,
    type=click.Path(path_type=Path),
    help="Write the image with the found regions and the verdict drawn on it "
    "(a file for one input, a folder for several).",
)
@click.option(
    "--report",
    "report_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a CSV file with one row per input (file, sha256, verdict, reasons, "
    "document number, holder, issuer, signed date, verified at); UTF-8 with a BOM, "
    "which Excel reads.",
)
@click.option(
    "--summary",
    "summary_path",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write a JSON file with counts per verdict and reason, the inputs that "
    "were not authentic, the docsec version, trust-store fingerprint, policy, and "
    "start and end time.",
)
@click.option(
    "--exit-on",
    type=click.Choice(EXIT_ON),
    default="any",
    show_default=True,
    envvar="DOCSEC_EXIT_ON",
    show_envvar=True,
    help="any: exit 0 only if every input is authentic; else 3 if one is not "
    "authentic, else 4. not-authentic: exit 3 if an input is not authentic, else 0 "
    "(inconclusive inputs do not fail the run: take them from --report or "
    "--summary). Errors (1) win either way.",
)
@click.option(
    "--progress/--no-progress",
    default=True,
    help="Show the progress bar on stderr for several inputs.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="No progress bar, policy line or summary on stderr (errors still go there).",
)
@click.pass_context
def verify_cmd(
    ctx: click.Context,
    files: tuple[str, ...],
    trust_dir: Path,
    at_text: str | None,
    as_json: bool,
    require_crl: bool,
    crl_grace_hours: int,
    policy_name: str,
    cdp_key_paths: tuple[str, ...],
    watermark_key_paths: tuple[str, ...],
    copy_profile_path: str | None,
    accept_scanned_pdf: bool,
    registry_url: str | None,
    require_registry: bool,
    jobs: int,
    max_file_mb: int | None,
    timeout: float,
    annotate_to: Path | None,
    report_path: Path | None,
    summary_path: Path | None,
    exit_on: str,
    progress: bool,
    quiet: bool,
) -> None:
    """Verify scans, photos, PDFs or seal bytes; exit 0 only if every input is authentic.

    FILES may be files, folders (searched recursively), glob patterns, @LIST (a
    text file naming one input per line) or - (standard input). Only regular files
    are read. With several inputs each is verified in a worker process: one that
    crashes or runs past --timeout costs only its own input. A file in a folder
    that docsec does not verify gets its own INCONCLUSIVE line
    (unsupported-input); a pattern that matches nothing is a usage error. Exit
    codes: 0 authentic, 1 error, 2 usage, 3 not authentic, 4 inconclusive; with
    several inputs the worst wins (see --exit-on).
    """
    started = now()
    at = parse_at(at_text)
    policy_args: PolicyArgs = (
        str(trust_dir),
        policy_name,
        require_crl,
        cdp_key_paths,
        watermark_key_paths,
        crl_grace_hours,
        accept_scanned_pdf,
        None if max_file_mb is None else max_file_mb * 1024 * 1024,
        registry_url,
        require_registry,
        copy_profile_path,
    )
    try:
        policy = build_policy(*policy_args)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    paths = list(expand_inputs(files))
    if not paths:
        raise CLIUsageError(tr("no input files found"))
    items = _items(paths, policy)
    single = len(items) == 1
    if annotate_to is not None:
        _check_annotate_target(annotate_to, single)
    report = summary = summary_file = None
    if report_path is not None:
        # utf-8-sig: the byte-order mark makes Excel read the file as UTF-8.
        report = CsvReport(open_output(report_path, "--report", encoding="utf-8-sig"))
    if summary_path is not None:
        summary_file = open_output(summary_path, "--summary", encoding="utf-8")
        summary = Summary(policy, started)
    if not as_json and not quiet:  # the JSON names the policy; stderr stays quiet
        click.echo(
            tr("policy: {name} (requires: {checks}); trust store: {trust}").format(
                name=policy.name,
                checks=", ".join(sorted(policy.required)),
                trust=trust_dir,
            ),
            err=True,
        )

    codes: list[int] = []
    tally: Counter[str] = Counter()

    def emit(
        item: Item, result: VerificationResult, code: int, frame: Frame | None = None
    ) -> None:
        codes.append(code)
        tally[result.error_reason if result.error else result.verdict.value] += 1
        if report is not None:
            report.add(result)
        if summary is not None:
            summary.add(result)
        if as_json:
            click.echo(_render.json_line(result.to_dict()))
        elif single:
            verbose = (click.get_current_context().obj or {}).get("verbose", 0)
            click.echo(_render.human(result, verbose=verbose > 0))
        else:
            click.echo(_render.brief(result))
        if annotate_to is not None:
            stem = "stdin" if item.data is not None else item.path.stem
            target = annotate_to if single else annotate_to / f"{stem}.annotated.png"
            _write_annotation(result, item, target, policy, frame)

    try:
        with click.progressbar(
            length=len(items),
            label=tr("verifying"),
            file=sys.stderr,
            hidden=single or quiet or not progress,
        ) as bar:
            if single:
                # One input is verified here: --annotate draws on its frame.
                result, code, frame = verify_one_with_frame(items[0], policy, at)
                emit(items[0], result, code, frame)
            else:
                verbose = int((ctx.find_root().obj or {}).get("verbose", 0))
                outcomes = _run_batch(
                    items, policy, at, policy_args, jobs, timeout, verbose
                )
                for item, (result, code) in zip(items, outcomes, strict=True):
                    emit(item, result, code)
                    bar.update(1)
    except BaseException:
        # A run that stops early (workers that cannot start, Ctrl-C) leaves the
        # report's rows so far and an empty summary: never yesterday's.
        if summary_file is not None:
            summary_file.close()
        raise
    finally:
        if report is not None:
            report.close()
    exit_code = batch_exit(codes, exit_on)
    if summary is not None and summary_file is not None:
        options: dict[str, object] = {
            "require_crl": require_crl,
            "crl_grace_hours": crl_grace_hours,
            "exit_on": exit_on,
        }
        write_summary(
            summary_file,
            summary.to_dict(
                finished=now(), at=at_text, options=options, exit_code=exit_code
            ),
        )
    if not single and not quiet:
        click.echo(
            tr("{count} inputs: {tally}").format(
                count=len(items), tally=_tally_text(tally)
            ),
            err=True,
        )
    click.get_current_context().exit(exit_code)


def batch_exit(codes: list[int], exit_on: str) -> int:
    """Return the exit code of a run from its inputs' codes.

    ``any``: the worst code wins (STYLE.md: error 1, then 3, then 4, then 0).
    ``not-authentic``: inconclusive inputs (4) count as 0, so 3 means "some input
    is not authentic" and 0 "none is"; errors (1) still win.
    """
    if exit_on == "not-authentic":
        codes = [EXIT_OK if c == EXIT_INCONCLUSIVE else c for c in codes]
    return worst(codes)


def _tally_text(tally: Counter[str]) -> str:
    """Return "2 authentic, 1 unreadable, ...": every key counted, none dropped."""
    labels = {
        Verdict.AUTHENTIC.value: tr("authentic"),
        Verdict.NOT_AUTHENTIC.value: tr("not authentic"),
        Verdict.INCONCLUSIVE.value: tr("inconclusive"),
        "input-error": tr("unreadable"),
        "worker-failed": tr("worker failed"),
        "timeout": tr("timed out"),
        UNSUPPORTED: tr("unsupported"),
        NO_SUCH_FILE: tr("missing"),
    }
    keys = [k for k in labels if tally[k]]
    keys += sorted(k for k in tally if k not in labels and tally[k])
    return ", ".join(f"{tally[k]} {labels.get(k, k)}" for k in keys)


def _items(paths: list[tuple[Path, bool]], policy: VerifyPolicy) -> list[Item]:
    """Turn the expanded inputs into items, reading standard input once if named."""
    if sum(1 for p, _ in paths if str(p) == STDIN) > 1:
        raise CLIUsageError(tr("standard input (-) can be given only once"))
    items = []
    for p, supported in paths:
        if str(p) != STDIN:
            items.append(Item(str(p), supported=supported))
            continue
        try:
            data = inputs.read_stream(sys.stdin.buffer, max_bytes=policy.max_bytes)
        except InputError as exc:
            raise CLIUsageError(
                tr("standard input: {error}").format(error=exc)
            ) from exc
        items.append(Item(STDIN, data))
    return items


def _run_batch(
    items: list[Item],
    policy: VerifyPolicy,
    at: datetime | date | None,
    policy_args: PolicyArgs,
    jobs: int,
    timeout: float,
    verbose: int,
) -> Iterator[tuple[VerificationResult, int]]:
    """Verify many inputs in supervised workers; yield the answers in input order."""
    pool: SupervisedPool[tuple[Item, datetime | date | None], object] = SupervisedPool(
        _verify_worker,
        (policy_args, verbose),
        workers=min(jobs, len(items)),
        timeout=timeout,
    )
    done: dict[int, tuple[VerificationResult, int]] = {}
    following = 0
    try:
        for index, outcome in pool.run([(item, at) for item in items]):
            done[index] = _outcome(items[index], outcome, policy, at)
            while following in done:
                yield done.pop(following)
                following += 1
    except WorkerStartError as exc:
        raise CLIError(
            tr("cannot start the verification workers: {error}").format(error=exc)
        ) from exc


def _outcome(
    item: Item, outcome: object, policy: VerifyPolicy, at: datetime | date | None
) -> tuple[VerificationResult, int]:
    if isinstance(outcome, Failure):
        return _error_result(
            item, policy, at, outcome.message, outcome.reason
        ), EXIT_INCONCLUSIVE
    if (
        isinstance(outcome, tuple)
        and len(outcome) == 2
        and isinstance(outcome[0], VerificationResult)
        and isinstance(outcome[1], int)
    ):
        return outcome[0], outcome[1]
    message = (
        outcome[1]
        if isinstance(outcome, tuple) and len(outcome) == 2
        else "the worker gave no answer"
    )
    return _error_result(
        item, policy, at, str(message), "worker-failed"
    ), EXIT_INCONCLUSIVE
