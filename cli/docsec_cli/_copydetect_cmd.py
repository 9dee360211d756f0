"""``docsec copydetect``: make the copy-detection pattern and measure it in a scan.

Thin: parse, call :mod:`docsec.copydetect`, render. ``measure`` exits 0 for
original, 3 for copy and 4 for inconclusive (STYLE.md section 8).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

import docsec.copydetect as _cd
from docsec import imaging
from docsec.errors import DocsecError, KeyMaterialError
from docsec.keys import SecretKey, load_secret_key
from docsec.reasons import REASONS
from docsec_cli._errors import (
    EXIT_INCONCLUSIVE,
    EXIT_NOT_AUTHENTIC,
    EXIT_OK,
    to_cli_error,
)
from docsec_cli._help import DocsecGroup
from docsec_cli._i18n import tr

__all__ = ["copydetect"]

logger = logging.getLogger(__name__)

_EXIT = {
    _cd.Decision.ORIGINAL: EXIT_OK,
    _cd.Decision.COPY: EXIT_NOT_AUTHENTIC,
    _cd.Decision.INCONCLUSIVE: EXIT_INCONCLUSIVE,
}


def _load_key(path: Path) -> SecretKey:
    try:
        key = load_secret_key(path)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    if key.purpose != "cdp":
        raise to_cli_error(
            KeyMaterialError(
                tr("{file} is a {purpose} key, not a 'cdp' key").format(
                    file=path.name, purpose=repr(key.purpose)
                )
            )
        )
    return key


def _decision_word(decision: _cd.Decision) -> str:
    """Return the decision as a person reads it (Korean: with the English word)."""
    word = {
        _cd.Decision.ORIGINAL: tr("original"),
        _cd.Decision.COPY: tr("copy"),
        _cd.Decision.INCONCLUSIVE: tr("inconclusive"),
    }[decision]
    return word if word == decision.value else f"{word} ({decision.value})"


_key_option = click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The issuer's CDP key file (docsec keys demo DIR writes DIR/cdp.key).",
)
_doc_option = click.option(
    "--doc-id", required=True, help="Document number the pattern belongs to."
)
_module_option = click.option(
    "--module-dots",
    type=click.Choice(["1", "2"]),
    default="1",
    show_default=True,
    help="Printer dots per module: 1 needs 1200-ppi scans, 2 works at 600 ppi "
    "but resists careful reprinting less.",
)


@click.group("copydetect", cls=DocsecGroup)
def copydetect() -> None:
    """Make the copy-detection pattern, or tell an original print from a copy."""


@copydetect.command("pattern")
@_key_option
@_doc_option
@_module_option
@click.option(
    "--out",
    "out_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output image (PNG or TIFF; 600 dpi, one pixel per printer dot).",
)
def pattern_cmd(key_path: Path, doc_id: str, module_dots: str, out_path: Path) -> None:
    """Write the keyed pattern with its fiducials and calibration strip."""
    key = _load_key(key_path)
    try:
        pat = _cd.make_pattern(key, doc_id, module_dots=int(module_dots))
        imaging.write_image(out_path, pat.image, dpi=pat.dpi)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    w_mm, h_mm = pat.size_mm
    click.echo(
        tr(
            "wrote {file}: {width}x{height} dots at {dpi} dpi ({width_mm} x "
            "{height_mm} mm), key {key}"
        ).format(
            file=out_path.name,
            width=pat.image.shape[1],
            height=pat.image.shape[0],
            dpi=pat.dpi,
            width_mm=f"{w_mm:.1f}",
            height_mm=f"{h_mm:.1f}",
            key=pat.key_id,
        )
    )


@copydetect.command("measure")
@click.argument(
    "scan_path", metavar="SCAN", type=click.Path(dir_okay=False, path_type=Path)
)
@_key_option
@_doc_option
@_module_option
@click.option(
    "--dpi",
    type=click.FloatRange(50, 4800),
    default=None,
    help="Resolution of the scan (default: from its metadata, else measured).",
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def measure_cmd(
    ctx: click.Context,
    scan_path: Path,
    key_path: Path,
    doc_id: str,
    module_dots: str,
    dpi: float | None,
    as_json: bool,
) -> None:
    """Measure the pattern in SCAN; exit 0 original, 3 copy, 4 inconclusive."""
    key = _load_key(key_path)
    try:
        loaded = imaging.read_image(scan_path)
        used_dpi = dpi or (loaded.dpi[0] if loaded.dpi else None)
        result = _cd.measure(
            loaded.image,
            key=key,
            doc_id=doc_id,
            dpi=used_dpi,
            module_dots=int(module_dots),
        )
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    if as_json:
        doc = {"input": str(scan_path), **result.to_dict()}
        click.echo(json.dumps(doc))
    else:
        score = tr("n/a") if result.score is None else f"{result.score:.3f}"
        click.echo(
            tr("{file}: {decision} (fidelity {score})").format(
                file=scan_path.name,
                decision=_decision_word(result.decision),
                score=score,
            )
        )
        for reason in result.reasons:
            # The catalogue's plain words for the code (translated), then the
            # measurement itself, which stays technical.
            code = reason.split(":", 1)[0]
            if code in REASONS:
                click.echo(f"  - {tr(REASONS[code].meaning)} [{code}]")
                click.echo(f"    {reason}")
            else:
                click.echo(f"  {reason}")
    ctx.exit(_EXIT[result.decision])
