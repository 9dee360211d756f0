"""``docsec``: issue and verify checkable certificates from the command line.

Thin: parse the arguments, call the library, render the result. stdout carries only
results; messages go to stderr. Exit codes: 0 authentic, 1 unexpected error,
2 usage, 3 not authentic, 4 inconclusive.
"""

from __future__ import annotations

import gettext
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

import docsec
from docsec.errors import DocsecError, KeyMaterialError
from docsec_cli import _i18n, _logs, _render
from docsec_cli._clock import at_option, issuing_time
from docsec_cli._config import effective, load_config
from docsec_cli._errors import (
    EXIT_ERROR,
    EXIT_INCONCLUSIVE,
    EXIT_NOT_AUTHENTIC,
    EXIT_OK,
    CLIError,
    CLIUsageError,
    to_cli_error,
)
from docsec_cli._i18n import tr
from docsec_cli._lazy import LazyGroup

F = TypeVar("F", bound=Callable[..., Any])
PASSPHRASE_ENV = "DOCSEC_KEY_PASSPHRASE"  # noqa: S105  (a variable name, not a secret)
_SCAN_SUFFIXES = {
    ".png",
    ".jpg",
    ".jpeg",
    ".tif",
    ".tiff",
    ".bmp",
    ".webp",
    ".bin",
    ".pdf",
}


def _library_errors(fn: F) -> F:
    """Turn library exceptions into one-line CLI errors with their exit codes."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DocsecError as exc:
            raise to_cli_error(exc) from exc

    return wrapper  # type: ignore[return-value]  # functools.wraps keeps the signature


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    # click.version_option's message is fixed when the option is made; this one
    # is looked up in Click's catalogue when it is shown, in the chosen language.
    if not value or ctx.resilient_parsing:
        return
    message = gettext.gettext("%(prog)s, version %(version)s")
    click.echo(message % {"prog": "docsec", "version": docsec.__version__})
    ctx.exit()


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the version and exit.",
)
@click.option(
    "-v",
    "--verbose",
    count=True,
    help="More log output on stderr (-vv: debug, tracebacks).",
)
@click.option(
    "--config",
    "config_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="TOML config file (default: $DOCSEC_CONFIG, else "
    "~/.config/docsec/config.toml if present). Flags beat environment variables, "
    "which beat the file.",
)
@click.option(
    "--lang",
    type=click.Choice(_i18n.LANGUAGES),
    default=None,
    help="Language of the human-readable output: ko (한국어) or en (default: "
    "$DOCSEC_LANG, else the locale, LC_ALL / LC_MESSAGES / LANG). JSON, check "
    "names and reason codes are the same in every language.",
)
@click.pass_context
def cli(
    ctx: click.Context, verbose: int, config_file: Path | None, lang: str | None
) -> None:
    """Issue and verify certificates protected by a signed DataMatrix seal."""
    _i18n.set_language(lang)
    _logs.configure(verbose)
    if os.environ.get("NO_COLOR"):
        # https://no-color.org: any non-empty value turns ANSI styling off, also
        # on a terminal (sub-commands inherit the context's colour setting).
        ctx.color = False
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    config = load_config(config_file)
    ctx.obj["config"] = config
    ctx.default_map = config.default_map()


@cli.group("config")
def config_group() -> None:
    """Show the configuration in force."""


@config_group.command("show")
@click.pass_context
def config_show(ctx: click.Context) -> None:
    """Print every setting, its value and where it comes from."""
    config = ctx.obj["config"]
    click.echo(tr("config file: {path}").format(path=config.path or tr("(none)")))
    rows = [(tr("setting"), tr("value"), tr("source"))]
    rows += [
        (key, "-" if value is None else str(value), _source(source))
        for key, value, source in effective(config)
    ]
    # Widths from the longest cell of each column, so that no long key or path
    # pushes its row's later columns out of line.
    widths = [max(_render.cells(row[i]) for row in rows) for i in range(2)]
    for key, shown, source in rows:
        click.echo(
            f"  {_render.pad(key, widths[0])}  {_render.pad(shown, widths[1])}  {source}"
        )


def _source(source: str) -> str:
    """Translate a setting's source (the variable or file it names stays as it is)."""
    if source.startswith("environment "):
        return tr("environment {name}").format(name=source.split(" ", 1)[1])
    if source.startswith("config file "):
        return tr("config file {path}").format(path=source.split(" ", 2)[2])
    return tr("not set") if source == "not set" else source


# ---------------------------------------------------------------- keys


@cli.group(cls=LazyGroup)
def keys() -> None:
    """Create demo keys, root (country signing) CAs, issuer certificates and secrets."""


def _read_passphrase(env: str, *, confirm: bool) -> bytes:
    value = os.environ.get(env)
    if value:
        return value.encode()
    if not sys.stdin.isatty():
        raise CLIUsageError(
            tr(
                "the key passphrase is needed: set ${env} or run in a terminal to "
                "be asked"
            ).format(env=env)
        )
    entered: str = click.prompt(
        tr("Key passphrase"),
        hide_input=True,
        confirmation_prompt=tr("Repeat for confirmation") if confirm else False,
        err=True,
    )
    return entered.encode()


def _load_signing_key(path: Path, env: str) -> Any:
    from docsec import keys as _keys

    try:
        return _keys.load_private_key(path, passphrase=None)
    except KeyMaterialError as exc:
        if "passphrase" not in str(exc).lower() and "encrypted" not in str(exc).lower():
            raise
    return _keys.load_private_key(path, passphrase=_read_passphrase(env, confirm=False))


@keys.command("demo")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@at_option("the certificates start a day before it")
@_library_errors
def keys_demo(directory: Path, at_text: str | None) -> None:
    """Write a complete demo world into DIRECTORY (NOT FOR PRODUCTION, unencrypted).

    DIRECTORY/trust/ (trust store), issuer-key.pem, issuer-cert.pem, watermark.key,
    cdp.key.
    """
    from docsec import demo

    world = demo.write_demo_world(directory, now=issuing_time(at_text))
    click.echo(
        tr("demo world written to {path} (NOT FOR PRODUCTION)").format(path=directory),
        err=True,
    )
    labels = (tr("trust store"), tr("issuer key"), tr("issuer cert"))
    width = max(_render.cells(label) for label in labels) + 1
    for label, path in zip(
        labels, (world.trust_dir, world.issuer_key, world.issuer_cert), strict=True
    ):
        click.echo(f"  {_render.pad(label + ':', width)}  {path}", err=True)


@keys.command("root")
@click.option(
    "--country", required=True, help="ISO 3166 alpha-2 country code, e.g. KR."
)
@click.option("--name", "common_name", required=True, help="Common name of the CA.")
@click.option("--org", default=None, help="Organisation name.")
@click.option("--days", default=7305, show_default=True, type=click.IntRange(1, 36525))
@click.option(
    "--out-key", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--out-cert", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--passphrase-env",
    default=PASSPHRASE_ENV,
    show_default=True,
    help="Environment variable holding the passphrase (else you are asked).",
)
@at_option("the certificate is valid from 00:00 UTC of that day")
@_library_errors
def keys_root(
    country: str,
    common_name: str,
    org: str | None,
    days: int,
    out_key: Path,
    out_cert: Path,
    passphrase_env: str,
    at_text: str | None,
) -> None:
    """Create a root (country signing) CA: an encrypted key and a certificate."""
    from docsec import keys as _keys
    from docsec import pki

    _refuse_overwrite(out_key, out_cert)
    passphrase = _read_passphrase(passphrase_env, confirm=True)
    key = _keys.generate_signing_key()
    cert = pki.create_root_ca(
        country=country,
        common_name=common_name,
        organization=org,
        key=key,
        valid_from=_start_of_day(at_text),
        valid_days=days,
    )
    _keys.save_private_key(out_key, key, passphrase=passphrase)
    pki.save_certificate(out_cert, cert)
    click.echo(
        tr("root CA {subject} written to {path}").format(
            subject=cert.subject.rfc4514_string(), path=out_cert
        ),
        err=True,
    )


@keys.command("issuer")
@click.option(
    "--root-key",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--root-cert",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
)
@click.option(
    "--country", required=True, help="ISO 3166 alpha-2 country code, e.g. KR."
)
@click.option(
    "--signer-code",
    required=True,
    help="2 characters: with the country they form the ICAO signer identifier.",
)
@click.option("--org", required=True, help="Issuing office name.")
@click.option("--days", default=1826, show_default=True, type=click.IntRange(1, 36525))
@click.option(
    "--out-key", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option(
    "--out-cert", required=True, type=click.Path(dir_okay=False, path_type=Path)
)
@click.option("--passphrase-env", default=PASSPHRASE_ENV, show_default=True)
@at_option("the certificate is valid from 00:00 UTC of that day")
@_library_errors
def keys_issuer(
    root_key: Path,
    root_cert: Path,
    country: str,
    signer_code: str,
    org: str,
    days: int,
    out_key: Path,
    out_cert: Path,
    passphrase_env: str,
    at_text: str | None,
) -> None:
    """Create an issuer (office) signing key and certificate under a root CA."""
    from docsec import keys as _keys
    from docsec import pki, trust

    _refuse_overwrite(out_key, out_cert)
    ca_key = _load_signing_key(root_key, passphrase_env)
    ca_cert = trust.load_certificate(root_cert)
    passphrase = _read_passphrase(passphrase_env, confirm=True)
    key = _keys.generate_signing_key()
    cert = pki.create_issuer_certificate(
        root_cert=ca_cert,
        root_key=ca_key,
        issuer_public_key=key.public_key(),
        country=country,
        signer_code=signer_code,
        organization=org,
        valid_from=_start_of_day(at_text),
        valid_days=days,
        serial=None,
    )
    _keys.save_private_key(out_key, key, passphrase=passphrase)
    pki.save_certificate(out_cert, cert)
    click.echo(
        tr("issuer {signer} certificate {reference} written to {path}").format(
            signer=trust.signer_identifier(cert),
            reference=trust.certificate_reference(cert),
            path=out_cert,
        ),
        err=True,
    )


def _start_of_day(at_text: str | None) -> datetime:
    # Certificates start at 00:00 UTC of the day they are made: seals carry only a
    # signing date, and a seal signed that day must fall inside the validity.
    return issuing_time(at_text).replace(hour=0, minute=0, second=0, microsecond=0)


def _refuse_overwrite(*paths: Path) -> None:
    for p in paths:
        if p.exists():
            raise CLIUsageError(
                tr("{path} exists; refusing to overwrite key material").format(path=p)
            )


# ---------------------------------------------------------------- seal


@cli.command("seal")
@click.option(
    "--data",
    "data_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Certificate data (JSON).",
)
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Issuer signing key (PKCS#8 PEM).",
)
@click.option(
    "--cert",
    "cert_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Issuer certificate.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Seal image (.png); the raw bytes go beside it as .bin.",
)
@click.option(
    "--module-px",
    default=8,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Pixels per module in the image.",
)
@click.option(
    "--dpi",
    default=600,
    show_default=True,
    type=click.IntRange(72, 4800),
    help="Resolution recorded in the image.",
)
@click.option("--passphrase-env", default=PASSPHRASE_ENV, show_default=True)
@at_option("the day of issue, the seal's signing date")
@_library_errors
def seal_cmd(
    data_path: Path,
    key_path: Path,
    cert_path: Path,
    out: Path,
    module_px: int,
    dpi: int,
    passphrase_env: str,
    at_text: str | None,
) -> None:
    """Sign certificate data into a seal: OUT.png (DataMatrix) and OUT.bin (bytes)."""
    from docsec import barcode, imaging, trust
    from docsec.issuing import issue_seal

    data = _load_json(data_path)
    key = _load_signing_key(key_path, passphrase_env)
    cert = trust.load_certificate(cert_path)
    seal_bytes = issue_seal(
        data, key=key, cert=cert, signature_date=issuing_time(at_text).date()
    )
    matrix = barcode.encode(seal_bytes)
    img = barcode.render_raster(matrix, module_px=module_px)
    imaging.write_image(out, img, dpi=dpi)
    out.with_suffix(".bin").write_bytes(seal_bytes)
    click.echo(
        tr(
            "seal of {size} bytes ({modules}x{modules} modules) written to {png} "
            "and {raw}"
        ).format(
            size=len(seal_bytes),
            modules=matrix.size,
            png=out,
            raw=out.with_suffix(".bin"),
        ),
        err=True,
    )


# ---------------------------------------------------------------- issue

_BATCH: dict[str, Any] = {}


def _batch_init(key_der: bytes, cert_path: str, options: dict[str, Any]) -> None:
    """Load the key once per worker process (not once per document)."""
    from cryptography.hazmat.primitives.serialization import load_der_private_key

    from docsec import trust
    from docsec_cli._pool import limit_threads

    limit_threads()

    _BATCH["key"] = load_der_private_key(key_der, password=None)
    _BATCH["cert"] = trust.load_certificate(cert_path)
    _BATCH["options"] = options


def _batch_one(job: tuple[int, str, str]) -> tuple[int, str | None]:
    """Issue one JSON Lines record; return (line number, error or None)."""
    from docsec.issuing import issue

    lineno, line, out_dir = job
    try:
        data, number = _batch_record(line)
        pdf = issue(data, key=_BATCH["key"], cert=_BATCH["cert"], **_BATCH["options"])
        (Path(out_dir) / f"{number}.pdf").write_bytes(pdf)
    except (DocsecError, click.ClickException) as exc:
        return lineno, _one_line(str(exc))
    except json.JSONDecodeError as exc:
        return lineno, tr("not valid JSON: {error}").format(error=exc)
    except OSError as exc:
        return lineno, tr("cannot write the PDF: {error}").format(
            error=exc.strerror or exc
        )
    except Exception as exc:
        # One bad record must not abort a batch of thousands (or, in a worker,
        # the pool): it is reported with the others, the traceback at DEBUG.
        logging.getLogger("docsec_cli").debug("line %d", lineno, exc_info=True)
        return lineno, tr("unexpected {kind}: {error}").format(
            kind=type(exc).__name__, error=exc
        )
    return lineno, None


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _batch_record(line: str) -> tuple[dict[str, Any], str]:
    data = json.loads(line)
    if not isinstance(data, dict):
        raise CLIUsageError(tr("not a JSON object"))
    number = str(data.get("document_number", ""))
    if not number.isalnum():
        raise CLIUsageError(tr("document_number missing or not alphanumeric"))
    return data, number


def _batch_number(line: str) -> str | None:
    """Return the record's document number, or None if the record is unusable."""
    try:
        return _batch_record(line)[1]
    except (json.JSONDecodeError, CLIUsageError):
        return None


@cli.command("issue")
@click.option(
    "--data",
    "data_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Certificate data (JSON).",
)
@click.option(
    "--batch",
    "batch_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Many certificates, one JSON object per line; --out is then a folder.",
)
@click.option(
    "--pdf",
    "pdf_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Your own certificate PDF (default: the built-in bilingual template).",
)
@click.option(
    "--key",
    "key_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Issuer signing key (PKCS#8 PEM).",
)
@click.option(
    "--cert",
    "cert_path",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Issuer certificate.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path),
    help="Output PDF (with --batch: output folder, one DOCUMENT_NUMBER.pdf each).",
)
@click.option(
    "--text-fields",
    "text_fields_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="With --pdf: where your PDF prints each field, a JSON object of "
    '"/json/pointer": [x, y, w, h] in mm from the top-left of the page; the seal '
    "declares them so that verifiers read and compare the printed text.",
)
@click.option("--page", default=0, show_default=True, type=click.IntRange(0, 9999))
@click.option(
    "--seal-x",
    type=float,
    default=None,
    help="Seal top-left x, mm from the page's left edge.",
)
@click.option(
    "--seal-y",
    type=float,
    default=None,
    help="Seal top-left y, mm from the page's top edge.",
)
@click.option(
    "--module-mm",
    type=click.FloatRange(0.25, 2.0),
    default=None,
    help="Seal module size in mm [default: 0.5].",
)
@click.option(
    "--level",
    type=click.Choice(["B-B", "B-T", "B-LT", "B-LTA"]),
    default="B-B",
    show_default=True,
    help="PAdES baseline level.",
)
@click.option(
    "--tsa", "tsa_url", default=None, help="RFC 3161 timestamp authority URL."
)
@click.option(
    "--trust",
    "trust_dir",
    default=None,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Trust store whose certificates and CRLs B-LT/B-LTA embed.",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Parallel worker processes for --batch.",
)
@click.option(
    "--cdp-key",
    "cdp_key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Copy-detection key: print the keyed copy-detection pattern beside the "
    "seal. Default: cdp.key in the folder of --key, if there is one.",
)
@click.option("--no-cdp", is_flag=True, help="Do not print a copy-detection pattern.")
@click.option(
    "--watermark-key",
    "watermark_key_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="Watermark key: print the watermarked security tint under the page "
    "(an 8 % grey). Default: watermark.key in the folder of --key, if there is one.",
)
@click.option(
    "--no-watermark", is_flag=True, help="Do not print the watermark background."
)
@click.option(
    "--pantograph",
    is_flag=True,
    help="Add a void pantograph whose hidden word COPY shows on many photocopies "
    "(a human aid only; weak against good copiers).",
)
@click.option(
    "--registry",
    "registry_url",
    default=None,
    envvar="DOCSEC_REGISTRY_DB",
    help="Registry database URL: it assigns the document number and verification "
    "code and records the document in the same transaction (not with --batch).",
)
@click.option(
    "--verify-url",
    default=None,
    help="Verification service address printed under the seal with the code "
    "(with --registry).",
)
@click.option(
    "--actor", default=None, help="Who issues, for the audit log [default: cli:$USER]."
)
@click.option("--passphrase-env", default=PASSPHRASE_ENV, show_default=True)
@at_option("the day of issue, which open dates in the data count from")
@_library_errors
def issue_cmd(
    data_path: Path | None,
    batch_path: Path | None,
    pdf_path: Path | None,
    key_path: Path,
    cert_path: Path,
    out: Path,
    text_fields_path: Path | None,
    page: int,
    seal_x: float | None,
    seal_y: float | None,
    module_mm: float | None,
    level: str,
    tsa_url: str | None,
    trust_dir: Path | None,
    workers: int,
    cdp_key_path: Path | None,
    no_cdp: bool,
    watermark_key_path: Path | None,
    no_watermark: bool,
    pantograph: bool,
    registry_url: str | None,
    verify_url: str | None,
    actor: str | None,
    passphrase_env: str,
    at_text: str | None,
) -> None:
    """Issue a certificate as a protected, PAdES-signed PDF (or many with --batch).

    The copy-detection pattern is on by default when a CDP key is found (--cdp-key,
    or cdp.key beside --key); --no-cdp turns it off. Likewise the watermark
    (--watermark-key, or watermark.key beside --key; --no-watermark).
    """
    from docsec import trust
    from docsec.issuing import issue
    from docsec.pdf import PdfSigningKey

    if (data_path is None) == (batch_path is None):
        raise CLIUsageError(tr("give exactly one of --data and --batch"))
    if (seal_x is None) != (seal_y is None):
        raise CLIUsageError(tr("give both --seal-x and --seal-y, or neither"))
    if registry_url is not None and batch_path is not None:
        raise CLIUsageError(tr("--registry works with --data, not --batch"))
    if verify_url is not None and registry_url is None:
        raise CLIUsageError(tr("--verify-url needs --registry (it prints the code)"))
    when = issuing_time(at_text)  # the command's one reading of the clock
    options: dict[str, Any] = {
        "page": page,
        "level": level,
        "tsa_url": tsa_url,
        "module_mm": module_mm,
        "signature_date": when.date(),
    }
    if seal_x is not None and seal_y is not None:
        options["seal_origin_mm"] = (seal_x, seal_y)
    if pdf_path is not None:
        try:
            options["pdf"] = pdf_path.read_bytes()
        except OSError as exc:
            raise CLIUsageError(
                tr("cannot read {path}: {error}").format(
                    path=pdf_path, error=exc.strerror or exc
                )
            ) from exc
    if text_fields_path is not None:
        if pdf_path is None:
            raise CLIUsageError(tr("--text-fields describes your own --pdf"))
        options["text_fields"] = _text_fields(_load_json(text_fields_path))
    if trust_dir is not None:
        options["trust"] = trust.TrustStore.load(trust_dir)
    if pantograph:
        from docsec.issuing import pantograph_mark

        options["pantograph"] = pantograph_mark()
    for option, name, given, off in (
        ("cdp_key", "cdp", cdp_key_path, no_cdp),
        ("watermark_key", "watermark", watermark_key_path, no_watermark),
    ):
        chosen = _secret_key_path(key_path, name, given, off)
        if chosen is not None:
            from docsec.keys import load_secret_key

            options[option] = load_secret_key(chosen)
    key = _load_signing_key(key_path, passphrase_env)
    cert = trust.load_certificate(cert_path)
    if data_path is not None and registry_url is not None:
        _issue_registered(
            registry_url,
            _load_json(data_path),
            key,
            cert,
            out,
            options,
            verify_url,
            actor,
            when,
        )
        return
    if data_path is not None:
        pdf = issue(_load_json(data_path), key=key, cert=cert, **options)
        try:
            out.write_bytes(pdf)
        except OSError as exc:
            raise CLIError(
                tr("cannot write {path}: {error}").format(
                    path=out, error=exc.strerror or exc
                )
            ) from exc
        notes = [
            tr("copy-detection pattern (key {key})").format(
                key=options["cdp_key"].key_id
            )
            if "cdp_key" in options
            else tr("no copy-detection pattern"),
            tr("watermark (key {key})").format(key=options["watermark_key"].key_id)
            if "watermark_key" in options
            else tr("no watermark"),
        ]
        click.echo(
            tr("issued {path} ({size} bytes, PAdES {level}, {notes})").format(
                path=out, size=len(pdf), level=level, notes=", ".join(notes)
            ),
            err=True,
        )
        return
    if batch_path is None:  # pragma: no cover - checked above; narrows the type
        raise CLIUsageError(tr("give --data or --batch"))
    # Checked once here, rather than failing on every line of the batch.
    PdfSigningKey(key, cert)
    _issue_batch(batch_path, out, key, cert_path, options, workers)


def _issue_registered(
    registry_url: str,
    data: dict[str, Any],
    key: Any,
    cert: Any,
    out: Path,
    options: dict[str, Any],
    verify_url: str | None,
    actor: str | None,
    now: datetime,
) -> None:
    from docsec.registry import issue_registered
    from docsec_cli._registry_cmd import default_actor, open_registry

    options = {k: v for k, v in options.items() if k != "signature_date"}
    reg = open_registry(registry_url)
    try:
        rec = issue_registered(
            reg,
            data,
            key=key,
            cert=cert,
            now=now,
            actor=actor or default_actor(),
            verify_url=verify_url,
            **options,
        )
    finally:
        reg.close()
    try:
        out.write_bytes(rec.pdf)
    except OSError as exc:
        raise CLIError(
            tr(
                "cannot write {path}: {error}; document {number} is recorded: "
                "revoke it or issue it again"
            ).format(path=out, error=exc.strerror or exc, number=rec.number)
        ) from exc
    click.echo(f"{rec.number} {rec.code}")
    click.echo(
        tr("issued {path} ({size} bytes), recorded as {number}").format(
            path=out, size=len(rec.pdf), number=rec.number
        ),
        err=True,
    )


def _text_fields(raw: object) -> dict[str, tuple[float, float, float, float]]:
    """Check a --text-fields object: JSON pointer -> [x, y, w, h] in mm."""
    if not isinstance(raw, dict) or not raw:
        raise CLIUsageError(tr("--text-fields: expected a JSON object of fields"))
    out: dict[str, tuple[float, float, float, float]] = {}
    for pointer, box in raw.items():
        if (
            not isinstance(box, list)
            or len(box) != 4
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) for v in box
            )
        ):
            raise CLIUsageError(
                tr("--text-fields: {pointer} needs [x, y, w, h] in mm").format(
                    pointer=repr(pointer)
                )
            )
        out[str(pointer)] = (
            float(box[0]),
            float(box[1]),
            float(box[2]),
            float(box[3]),
        )
    return out


def _secret_key_path(
    key_path: Path, name: str, given: Path | None, off: bool
) -> Path | None:
    """Return the CDP or watermark key file to use: given, else NAME.key beside --key."""
    if off and given is not None:
        raise CLIUsageError(
            tr("give --{name}-key or --no-{name}, not both").format(name=name)
        )
    if off:
        return None
    beside = key_path.parent / f"{name}.key"
    return given or (beside if beside.is_file() else None)


def _issue_batch(
    batch_path: Path,
    out: Path,
    key: Any,
    cert_path: Path,
    options: dict[str, Any],
    workers: int,
) -> None:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from cryptography.hazmat.primitives import serialization

    from docsec_cli._pool import one_compute_thread

    try:
        text = batch_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CLIUsageError(
            tr("cannot read {path}: {error}").format(path=batch_path, error=exc)
        ) from exc
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CLIError(
            tr("cannot use {path} as the output folder: {error}").format(
                path=out, error=exc.strerror or exc
            )
        ) from exc
    jobs = [
        (i + 1, line, str(out))
        for i, line in enumerate(text.splitlines())
        if line.strip()
    ]
    failures: list[tuple[int, str]] = []
    # Two records with one document number would write one file (and, in parallel,
    # race on it): the later ones are refused before anything is issued.
    first_line: dict[str, int] = {}
    lines = []
    for job in jobs:
        number = _batch_number(job[1])
        if number is not None and number in first_line:
            failures.append(
                (
                    job[0],
                    tr("duplicate document_number {number} (line {line})").format(
                        number=number, line=first_line[number]
                    ),
                )
            )
            continue
        if number is not None:
            first_line[number] = job[0]
        lines.append(job)
    # The key goes to the workers in memory (DER, over the pool's pipe), never to disk.
    key_der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with click.progressbar(
        length=len(lines), label=tr("issuing"), file=sys.stderr
    ) as bar:
        if workers == 1:
            _batch_init(key_der, str(cert_path), options)
            results: Iterator[tuple[int, str | None]] = map(_batch_one, lines)
            for lineno, error in results:
                if error:
                    failures.append((lineno, error))
                bar.update(1)
        else:
            # spawn: fresh interpreters that load numpy with one compute thread
            # each (fork would copy this process's pools and their locks).
            with (
                one_compute_thread(),
                ProcessPoolExecutor(
                    max_workers=workers,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_batch_init,
                    initargs=(key_der, str(cert_path), options),
                ) as pool,
            ):
                for lineno, error in pool.map(_batch_one, lines, chunksize=8):
                    if error:
                        failures.append((lineno, error))
                    bar.update(1)
    for lineno, error in sorted(failures):
        click.echo(
            tr("{file}:{line}: error: {error}").format(
                file=batch_path, line=lineno, error=error
            ),
            err=True,
        )
    summary = tr("issued {done} of {total} into {path}").format(
        done=len(jobs) - len(failures), total=len(jobs), path=out
    )
    if failures:
        summary += tr("; {count} failed").format(count=len(failures))
    click.echo(summary, err=True)
    if failures:
        raise click.exceptions.Exit(EXIT_ERROR)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CLIUsageError(
            tr("cannot read {path}: {error}").format(path=path, error=exc)
        ) from exc
    if not isinstance(obj, dict):
        raise CLIUsageError(tr("{path} must hold a JSON object").format(path=path))
    return obj


# ---------------------------------------------------------------- inspect


@cli.command("inspect")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_library_errors
def inspect_cmd(file: Path, as_json: bool) -> None:
    """Show what a seal says, WITHOUT verifying it (labelled UNVERIFIED).

    FILE is read as `docsec verify` reads it (images, PDFs, raw seal bytes). Exit
    codes: 0 a seal was found and parses, 3 a seal is malformed, 4 none found.
    """
    from docsec.inspection import inspect_file

    report = inspect_file(file)
    if as_json:
        click.echo(_render.json_line(report.to_dict()))
    else:
        click.echo(_render.unverified(report))
    if report.malformed:
        click.echo(
            tr("{file}: a seal there is malformed (see its error above)").format(
                file=file
            ),
            err=True,
        )
        code = EXIT_NOT_AUTHENTIC
    else:
        code = EXIT_OK if report.valid_seals else EXIT_INCONCLUSIVE
    click.get_current_context().exit(code)


# ---------------------------------------------------------------- demo


@cli.command("demo")
@click.option(
    "--out",
    "out_dir",
    default="demo-out",
    show_default=True,
    type=click.Path(file_okay=False, path_type=Path),
)
@at_option("keys are made, certificates issued and verified as of that time")
@_library_errors
def demo_cmd(out_dir: Path, at_text: str | None) -> None:
    """Run the end-to-end demo and show the verdicts (exit 0 when all are as expected)."""
    from docsec_cli._demo import run_demo

    ok = run_demo(out_dir, echo=lambda s: click.echo(s), now=issuing_time(at_text))
    click.get_current_context().exit(0 if ok else 1)


def _register_lazy() -> None:
    # Sub-commands that live in their own modules, imported when they run: their
    # one-line help is written here (tests/cli/test_startup.py checks it).
    key_group = keys  # typed as a plain Group by Click's decorator
    if not isinstance(key_group, LazyGroup):  # pragma: no cover - a bug
        raise TypeError("docsec keys must be a LazyGroup")
    for name, target, short in (
        (
            "verify",
            "_verify_cmd:verify_cmd",
            "Verify scans, photos, PDFs or seal bytes; exit 0 only if every input is authentic.",
        ),
        (
            "simulate",
            "_simulate_cmd:simulate",
            "Simulate printing and capturing a page image (for tests, benchmarks, layouts).",
        ),
        (
            "watermark",
            "_watermark_cmd:watermark",
            "Embed or extract the invisible watermark that binds a page to its document id.",
        ),
        (
            "copydetect",
            "_copydetect_cmd:copydetect",
            "Make the copy-detection pattern, or tell an original print from a copy.",
        ),
        (
            "crl",
            "_pki_cmd:crl_group",
            "Issue and update the certificate revocation list of a CA.",
        ),
        (
            "trust",
            "_pki_cmd:trust_group",
            "Publish the trust bundle that verifiers install.",
        ),
        (
            "registry",
            "_registry_cmd:registry_group",
            "Manage the document registry: document status, audit log, API tokens.",
        ),
        (
            "serve",
            "_serve_cmd:serve_cmd",
            "Serve the verification page and API.",
        ),
    ):
        cli.add_lazy(name, f"docsec_cli.{target}", short)
    key_group.add_lazy(
        "secret",
        "docsec_cli._pki_cmd:keys_secret",
        "Create a copy-detection or watermark secret key.",
    )


_register_lazy()

if __name__ == "__main__":  # pragma: no cover
    cli()
