"""``docsec watermark``: embed and extract the invisible page watermark.

Thin: parse, call :mod:`docsec.watermark`, render. ``extract`` exits 0 when a payload
was found and 4 when none was (absent, or the input cannot show one).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

import docsec.watermark as _wm
from docsec import imaging
from docsec.errors import DocsecError, KeyMaterialError
from docsec.keys import SecretKey, load_secret_key
from docsec_cli._errors import EXIT_INCONCLUSIVE, EXIT_OK, BadParameter, to_cli_error
from docsec_cli._help import DocsecGroup
from docsec_cli._i18n import tr

__all__ = ["watermark"]

logger = logging.getLogger(__name__)

_DEFAULT_DPI = 300.0
_MIN_SCAN_DPI = 100.0


def _load_key(path: Path) -> SecretKey:
    try:
        key = load_secret_key(path)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    if key.purpose != "watermark":
        raise to_cli_error(
            KeyMaterialError(
                tr("{file} is a {purpose} key, not a watermark key").format(
                    file=path.name, purpose=repr(key.purpose)
                )
            )
        )
    return key


def _parse_payload(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> bytes | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text.startswith("0x"):
        text = text[2:]
    if len(text) != 2 * _wm.PAYLOAD_BYTES:
        raise BadParameter(
            tr("expected {digits} hex digits (64 bits), got {count}").format(
                digits=2 * _wm.PAYLOAD_BYTES, count=len(text)
            )
        )
    try:
        return bytes.fromhex(text)
    except ValueError as exc:
        raise BadParameter(tr("not a hexadecimal number")) from exc


_dpi_option = click.option(
    "--dpi",
    type=click.FloatRange(50, 2400),
    default=None,
    help="Resolution of the input image (default: from the file's metadata).",
)
_key_option = click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The issuer's watermark key file (docsec keys demo DIR writes DIR/watermark.key).",
)


@click.group("watermark", cls=DocsecGroup)
def watermark() -> None:
    """Embed or extract the invisible watermark that binds a page to its document id."""


@watermark.command("embed")
@click.argument(
    "input_path", metavar="IN", type=click.Path(dir_okay=False, path_type=Path)
)
@click.argument(
    "output_path", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--payload",
    required=True,
    callback=_parse_payload,
    help="The 64-bit payload as 16 hex digits (usually the document id).",
)
@_key_option
@_dpi_option
@click.option(
    "--strength",
    type=click.FloatRange(0.1, 8.0),
    default=1.0,
    show_default=True,
    help="Amplitude factor; 1.0 gives PSNR 41 dB against the input.",
)
def embed_cmd(
    input_path: Path,
    output_path: Path,
    payload: bytes,
    key_path: Path,
    dpi: float | None,
    strength: float,
) -> None:
    """Write a copy of the page image IN with the watermark to OUT (PNG, TIFF, JPEG)."""
    key = _load_key(key_path)
    try:
        loaded = imaging.read_image(input_path)
        used_dpi = dpi or (loaded.dpi[0] if loaded.dpi else None)
        if used_dpi is None:
            click.echo(
                tr(
                    "warning: {file} declares no resolution; assuming {dpi} dpi "
                    "(use --dpi)"
                ).format(file=input_path.name, dpi=f"{_DEFAULT_DPI:g}"),
                err=True,
            )
            used_dpi = _DEFAULT_DPI
        marked = _wm.embed(
            loaded.image, payload, key=key, dpi=used_dpi, strength=strength
        )
        imaging.write_image(output_path, marked, dpi=used_dpi)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    click.echo(
        tr("watermarked {input} -> {output} ({dpi} dpi)").format(
            input=input_path.name, output=output_path.name, dpi=f"{used_dpi:g}"
        )
    )


@watermark.command("extract")
@click.argument(
    "input_path", metavar="IN", type=click.Path(dir_okay=False, path_type=Path)
)
@_key_option
@_dpi_option
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@click.pass_context
def extract_cmd(
    ctx: click.Context,
    input_path: Path,
    key_path: Path,
    dpi: float | None,
    as_json: bool,
) -> None:
    """Look for the watermark in a scan or photo IN; exit 0 if found, 4 if not."""
    key = _load_key(key_path)
    try:
        loaded = imaging.read_image(input_path)
        used_dpi = dpi or (loaded.dpi[0] if loaded.dpi else None)
        if dpi is None and used_dpi is not None and used_dpi < _MIN_SCAN_DPI:
            # 72 or 96 dpi is what cameras and screenshots write by default, not a
            # measurement: let the detector estimate the scale instead.
            used_dpi = None
        found = _wm.extract(loaded.image, key=key, dpi=used_dpi)
    except DocsecError as exc:
        raise to_cli_error(exc) from exc
    if as_json:
        doc = {"input": str(input_path), **found.to_dict()}
        click.echo(json.dumps(doc, sort_keys=False))
    elif found.present and found.payload is not None:
        click.echo(
            tr(
                "{file}: watermark {payload} (score {score}, threshold {threshold})"
            ).format(
                file=input_path.name,
                payload=found.payload.hex(),
                score=f"{found.score:.1f}",
                threshold=f"{found.threshold:g}",
            )
        )
    else:
        click.echo(
            tr("{file}: no watermark (score {score}, threshold {threshold})").format(
                file=input_path.name,
                score=f"{found.score:.1f}",
                threshold=f"{found.threshold:g}",
            )
        )
    ctx.exit(EXIT_OK if found.present else EXIT_INCONCLUSIVE)


@watermark.command("payload")
@_key_option
@click.option("--issuer", required=True, help="Issuer identifier as in the seal.")
@click.option("--number", "document_number", required=True, help="Document number.")
def payload_cmd(key_path: Path, issuer: str, document_number: str) -> None:
    """Print the keyed 64-bit document id (16 hex digits) for --payload."""
    key = _load_key(key_path)
    click.echo(_wm.document_payload(key, issuer, document_number).hex())
