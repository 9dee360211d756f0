"""``docsec simulate``: run a page image through a print-scan, phone or photocopy channel.

Thin: read IN (its dpi from the file or ``--dpi``), call :mod:`docsec.simulate`,
write OUT with the capture's dpi in its metadata. stdout carries one summary line
(or ``--json``: one JSON document); messages go to stderr. Exit codes: 0 done,
1 unexpected error, 2 usage (bad options, unreadable IN, unknown OUT format).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from docsec import imaging
from docsec import simulate as sim
from docsec.errors import ConfigurationError, DocsecError, InputError
from docsec.imaging import Image
from docsec_cli._errors import CLIError, CLIUsageError, UsageError
from docsec_cli._help import DocsecGroup
from docsec_cli._i18n import tr

__all__ = ["simulate"]

F = TypeVar("F", bound=Callable[..., Any])

_WRITE_SUFFIXES = {".png", ".jpg", ".jpeg", ".tif", ".tiff", ".bmp"}
_JPEG_SUFFIXES = {".jpg", ".jpeg"}
#: JPEG quality used when OUT is a JPEG file and --jpeg-quality is not given.
DEFAULT_JPEG_QUALITY = 90


def _cli_errors(fn: F) -> F:
    """Turn library exceptions into one-line messages (no traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except (InputError, ConfigurationError) as exc:
            raise CLIUsageError(str(exc)) from exc
        except DocsecError as exc:
            raise CLIError(str(exc)) from exc

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def _common(fn: F) -> F:
    """Options shared by every channel (applied bottom-up, so listed in reverse)."""
    decorators = [
        click.argument(
            "in_path", metavar="IN", type=click.Path(dir_okay=False, path_type=Path)
        ),
        click.argument(
            "out_path", metavar="OUT", type=click.Path(dir_okay=False, path_type=Path)
        ),
        click.option(
            "--seed",
            required=True,
            type=click.IntRange(min=0),
            help="Random seed; the same seed gives the same OUT.",
        ),
        click.option(
            "--dpi",
            "page_dpi",
            type=click.FloatRange(50, 4800),
            default=None,
            help="Resolution of IN (default: read from its metadata).",
        ),
        click.option(
            "--printer",
            type=click.Choice(["laser", "inkjet"]),
            default="laser",
            show_default=True,
            help="Printer class of the (original) print.",
        ),
        click.option(
            "--quality",
            type=click.Choice(["good", "worn"]),
            default="good",
            show_default=True,
            help="Printer condition.",
        ),
        click.option(
            "--printer-dpi",
            type=click.Choice(["600", "1200"]),
            default="600",
            show_default=True,
            help="Printer resolution.",
        ),
        click.option(
            "--oversample",
            type=click.IntRange(1, 4),
            default=1,
            show_default=True,
            help="Simulation grid = printer dpi x this (2-4 for crops where dot shape matters).",
        ),
        click.option(
            "--json",
            "as_json",
            is_flag=True,
            help="Print a JSON document with the parameters used.",
        ),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


def _scanner_options(fn: F) -> F:
    decorators = [
        click.option(
            "--scanner-dpi",
            type=click.Choice(["300", "600", "1200", "2400"]),
            default="600",
            show_default=True,
            help="Flatbed scan resolution.",
        ),
        click.option(
            "--color/--gray",
            "color",
            default=False,
            show_default=True,
            help="Colour (BGR) or grey scan.",
        ),
        click.option(
            "--jpeg-quality",
            type=click.IntRange(1, 100),
            default=None,
            help=f"Save the scan as JPEG at this quality (default for a .jpg OUT: {DEFAULT_JPEG_QUALITY}; with a .png OUT the JPEG artefacts are kept, losslessly).",
        ),
    ]
    for deco in reversed(decorators):
        fn = deco(fn)
    return fn


def _check_out(out_path: Path) -> None:
    if out_path.suffix.lower() not in _WRITE_SUFFIXES:
        raise UsageError(
            tr(
                "cannot tell the image format of OUT {file}; use one of {suffixes}"
            ).format(
                file=repr(out_path.name), suffixes=", ".join(sorted(_WRITE_SUFFIXES))
            )
        )


def _read_page(in_path: Path, page_dpi: float | None) -> tuple[Image, float]:
    loaded = imaging.read_image(in_path)
    if page_dpi is not None:
        return loaded.image, float(page_dpi)
    if loaded.dpi is None:
        raise UsageError(
            tr("{file} declares no resolution in its metadata; pass --dpi").format(
                file=in_path.name
            )
        )
    x, y = loaded.dpi
    if abs(x - y) > 0.01 * max(x, y):
        raise UsageError(
            tr(
                "{file} declares different x and y resolutions ({x} x {y} dpi); "
                "pass --dpi"
            ).format(file=in_path.name, x=x, y=y)
        )
    return loaded.image, float(x)


def _jpeg_quality(out_path: Path, requested: int | None) -> int | None:
    if requested is not None:
        return requested
    if out_path.suffix.lower() in _JPEG_SUFFIXES:
        return DEFAULT_JPEG_QUALITY
    return None


def _write(out_path: Path, result: sim.SimResult) -> None:
    if out_path.suffix.lower() in _JPEG_SUFFIXES and result.jpeg is not None:
        # The device's own JPEG file (its dpi in the header): no second compression.
        try:
            out_path.write_bytes(result.jpeg)
        except OSError as exc:
            raise CLIError(
                tr("cannot write {path}: {error}").format(
                    path=out_path, error=exc.strerror or exc
                )
            ) from exc
        return
    try:
        imaging.write_image(
            out_path, result.image, dpi=result.dpi, jpeg_quality=DEFAULT_JPEG_QUALITY
        )
    except OSError as exc:
        raise CLIError(
            tr("cannot write {path}: {error}").format(
                path=out_path, error=exc.strerror or exc
            )
        ) from exc


def _report(
    channel: str, seed: int, out_path: Path, result: sim.SimResult, as_json: bool
) -> None:
    h, w = result.image.shape[:2]
    kind = "BGR" if result.image.ndim == 3 else "gray"
    if as_json:
        doc = {
            "schema_version": 1,
            "channel": channel,
            "seed": seed,
            "output": str(out_path),
            "width": w,
            "height": h,
            "color": kind,
            "dpi": result.dpi,
            "params": result.params_dict(),
        }
        click.echo(json.dumps(doc, sort_keys=True))
        return
    printer = result.params.get("printer")
    device = (
        f"{printer.kind}/{printer.quality}"
        if isinstance(printer, sim.PrinterParams)
        else tr("unknown printer")
    )
    # A message about the file written, like seal, issue and keys: stderr. Only
    # --json's document is a result, for stdout.
    click.echo(
        tr(
            "{path}: {width}x{height} {kind}, {dpi} dpi ({channel}, {device}, seed {seed})"
        ).format(
            path=out_path,
            width=w,
            height=h,
            kind=kind,
            dpi=f"{result.dpi:.0f}",
            channel=channel,
            device=device,
            seed=seed,
        ),
        err=True,
    )


@click.group("simulate", cls=DocsecGroup)
def simulate() -> None:
    """Simulate printing and capturing a page image (for tests, benchmarks, layouts).

    IN is a page image (PNG, JPEG, TIFF) whose resolution is read from its
    metadata or given with --dpi; OUT (PNG, JPEG, TIFF, BMP by suffix) records the
    capture's resolution. The same --seed always gives the same OUT.
    """


@simulate.command("print-scan")
@_common
@_scanner_options
@_cli_errors
def print_scan_cmd(
    in_path: Path,
    out_path: Path,
    seed: int,
    page_dpi: float | None,
    printer: str,
    quality: str,
    printer_dpi: str,
    oversample: int,
    as_json: bool,
    scanner_dpi: str,
    color: bool,
    jpeg_quality: int | None,
) -> None:
    """Print IN on a laser or inkjet printer and scan it on a flatbed."""
    _check_out(out_path)
    page, dpi = _read_page(in_path, page_dpi)
    result = sim.print_scan(
        page,
        page_dpi=dpi,
        rng=seed,
        printer=printer,  # type: ignore[arg-type]  # click.Choice
        quality=quality,  # type: ignore[arg-type]  # click.Choice
        printer_dpi=int(printer_dpi),
        oversample=oversample,
        scanner_dpi=float(scanner_dpi),
        color=color,
        jpeg_quality=_jpeg_quality(out_path, jpeg_quality),
    )
    _write(out_path, result)
    _report("print-scan", seed, out_path, result, as_json)


@simulate.command("phone")
@_common
@click.option(
    "--ppi",
    type=click.FloatRange(50, 1000),
    default=None,
    help="Sampling on the page in camera pixels per inch (default: drawn, 150-330).",
)
@_cli_errors
def phone_cmd(
    in_path: Path,
    out_path: Path,
    seed: int,
    page_dpi: float | None,
    printer: str,
    quality: str,
    printer_dpi: str,
    oversample: int,
    as_json: bool,
    ppi: float | None,
) -> None:
    """Print IN and photograph it with a phone (perspective, blur, noise, JPEG)."""
    _check_out(out_path)
    page, dpi = _read_page(in_path, page_dpi)
    result = sim.phone_capture(
        page,
        page_dpi=dpi,
        rng=seed,
        printer=printer,  # type: ignore[arg-type]  # click.Choice
        quality=quality,  # type: ignore[arg-type]  # click.Choice
        printer_dpi=int(printer_dpi),
        oversample=oversample,
        ppi=ppi,
    )
    _write(out_path, result)
    _report("phone", seed, out_path, result, as_json)


@simulate.command("photocopy")
@_common
@_scanner_options
@click.option(
    "--mode",
    type=click.Choice(["text", "photo", "color"]),
    default="text",
    show_default=True,
    help="Copier mode.",
)
@click.option(
    "--strong",
    is_flag=True,
    help="A careful 1200 dpi scan-and-reprint instead of an office copier.",
)
@_cli_errors
def photocopy_cmd(
    in_path: Path,
    out_path: Path,
    seed: int,
    page_dpi: float | None,
    printer: str,
    quality: str,
    printer_dpi: str,
    oversample: int,
    as_json: bool,
    scanner_dpi: str,
    color: bool,
    jpeg_quality: int | None,
    mode: str,
    strong: bool,
) -> None:
    """Print IN, photocopy the print, and scan the copy on a flatbed."""
    _check_out(out_path)
    page, dpi = _read_page(in_path, page_dpi)
    result = sim.photocopy(
        page,
        page_dpi=dpi,
        rng=seed,
        printer=printer,  # type: ignore[arg-type]  # click.Choice
        quality=quality,  # type: ignore[arg-type]  # click.Choice
        printer_dpi=int(printer_dpi),
        oversample=oversample,
        mode=mode,  # type: ignore[arg-type]  # click.Choice
        strong=strong,
        scanner_dpi=float(scanner_dpi),
        color=color,
        jpeg_quality=_jpeg_quality(out_path, jpeg_quality),
    )
    _write(out_path, result)
    _report("photocopy", seed, out_path, result, as_json)
